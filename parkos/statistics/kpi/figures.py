"""What the rules return: a figure with its unit and source rows, a growth rate with both sides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final, Literal

from django.utils.translation import gettext

from parkos.core.units import NOT_COMPUTABLE, format_growth, format_money, format_pp, growth_rate

__all__ = ["PERCENT_DIGITS", "Figure", "GrowthFigure", "RowKey", "Unit", "round_half_up", "yoy"]

Unit = Literal["yuan", "person", "tce", "percent", "pp"]
#: A stored row's identity: (enterprise_id, year, month).
RowKey = tuple[int, int, int]

PERCENT_DIGITS: Final = 1


def round_half_up(value: Decimal, digits: int) -> Decimal:
    """Round half up (the convention of Chinese statistical tables); never return negative zero."""
    result = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def yoy(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """同比 in percent to one decimal: yoy(120, 100) = 20.0; None ("--") on a zero/negative/missing base."""
    rate = growth_rate(current, previous)
    return None if rate is None else round_half_up(rate, PERCENT_DIGITS)


@dataclass(frozen=True)
class Figure:
    """A computed value with its unit and the keys of the rows it came from; None shows as "--"."""

    value: Decimal | None
    unit: Unit
    sources: Sequence[RowKey] = ()

    @property
    def display(self) -> str:
        """The value as a report prints it: "37.0 亿元", "1,204 人", "3.2%", "0.5个百分点", "--"."""
        if self.value is None:
            return NOT_COMPUTABLE
        if self.unit == "yuan":
            return format_money(self.value)
        if self.unit == "person":
            return gettext("%(value)s 人") % {"value": f"{round_half_up(self.value, 0):,.0f}"}
        if self.unit == "tce":
            return gettext("%(value)s 吨标准煤") % {"value": f"{round_half_up(self.value, 2):,.2f}"}
        if self.unit == "percent":
            return f"{round_half_up(self.value, PERCENT_DIGITS):.{PERCENT_DIGITS}f}%"
        return format_pp(self.value)


@dataclass(frozen=True)
class GrowthFigure:
    """A growth rate with the totals behind it, the enterprises compared and the source rows.

    ``current`` and ``previous`` are the two sides over ``enterprises``; ``rate`` is rounded to one
    decimal, ``display`` follows NBS tables ("21.2%", "-3.4%", "1.5倍", "--") and is formatted from
    the unrounded rate (``exact_rate``) so that "X倍" is rounded once.
    """

    current: Decimal | None
    previous: Decimal | None
    enterprises: frozenset[int]
    sources: Sequence[RowKey] = ()

    @property
    def rate(self) -> Decimal | None:
        return yoy(self.current, self.previous)

    @property
    def exact_rate(self) -> Decimal | None:
        return growth_rate(self.current, self.previous)

    @property
    def display(self) -> str:
        return format_growth(self.current, self.previous)
