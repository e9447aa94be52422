from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from parkos.core.units import NOT_COMPUTABLE

register = template.Library()


@register.filter
def percent(value: Decimal | int | str | None) -> str:
    """A share (0.853) as a percentage to one decimal: "85.3%"."""
    if value is None:
        return NOT_COMPUTABLE
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@register.filter
def grouped(value: Decimal | float | int | str | None, digits: int = 0) -> str:
    """A number with thousands separators, half up to ``digits`` decimals: 1204 → "1,204",
    (1234.567, 2) → "1,234.57"; None → "--". (zh-hans formats print no separator at all.)"""
    if value is None or value == "":
        return NOT_COMPUTABLE
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    return f"{amount:,.{int(digits)}f}"
