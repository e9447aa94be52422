"""When a tenant may submit a month, and which figures move enough to need a word (RULES §10.4).

Pure rules, tested directly; the services and views gather the dates and rows and call them.

- **Reporting window**: a month can be reported once it has ended — from its last day (a report is
  prepared on the last working day) — until the ``closes_on_day``-th of the next month (10 by
  default, ``STATISTICS_REPORTING_CLOSES_DAY``). Later only with an officer's permission, which
  names the last day it allows.
- **Unusual moves**: a figure that moves more than ±50 % against last month or the same month last
  year needs a confirmation and a note. Money and energy are flows: a 1–N月 (cumulative) figure is
  compared as the average month it adds since the previous row, so that "1–5月" is not "up 25 %"
  on "1–4月" by construction; headcount is a stock, compared as it stands.
"""

from __future__ import annotations

import calendar
import datetime
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from parkos.statistics.kpi.figures import round_half_up

__all__ = [
    "MOVE_LIMIT",
    "Move",
    "ReportingWindow",
    "Submitted",
    "WindowState",
    "unusual_moves",
]

#: ±50 %: a move larger than this needs a confirmation and a note.
MOVE_LIMIT: Final = Decimal(50)
#: Figures that are stocks (compared as they stand); every other figure is a flow.
STOCKS: Final = frozenset({"employees"})


class WindowState(enum.StrEnum):
    EARLY = "early"  # the month has not ended
    OPEN = "open"
    LATE = "late"  # past the window, no permission (or past it)


@dataclass(frozen=True)
class ReportingWindow:
    """From the month's last day to the ``closes_on_day``-th of the next month, both included."""

    closes_on_day: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.closes_on_day <= 28:
            raise ValueError(f"closes_on_day must be 1..28, got {self.closes_on_day}")

    def opens(self, year: int, month: int) -> datetime.date:
        return datetime.date(year, month, calendar.monthrange(year, month)[1])

    def closes(self, year: int, month: int) -> datetime.date:
        following = self.opens(year, month) + datetime.timedelta(days=1)
        return following.replace(day=self.closes_on_day)

    def state(
        self, year: int, month: int, today: datetime.date, *, allowed_until: datetime.date | None = None
    ) -> WindowState:
        """Whether ``today`` may submit the month; ``allowed_until``: an officer's permission to be late."""
        if today < self.opens(year, month):
            return WindowState.EARLY
        if today <= self.closes(year, month) or (allowed_until is not None and today <= allowed_until):
            return WindowState.OPEN
        return WindowState.LATE


@dataclass(frozen=True)
class Submitted:
    """A stored (or entered) month of one enterprise: its month, form and figures by field."""

    month: int
    is_cumulative: bool
    values: Mapping[str, Decimal | int | None]


@dataclass(frozen=True)
class Move:
    """A figure that moved past the limit: against ``basis`` ("mom" 环比 / "yoy" 同比), by ``rate`` %."""

    field: str
    basis: str
    current: Decimal
    previous: Decimal
    rate: Decimal


def _per_month(row: Submitted, before: Submitted | None, field: str) -> Decimal | None:
    """The average month a row adds: a cumulative flow less the previous row's, over the months between."""
    value = row.values.get(field)
    if value is None:
        return None
    if field in STOCKS or not row.is_cumulative:
        return Decimal(value)
    start, base = 0, Decimal(0)
    if before is not None:
        earlier = before.values.get(field)
        if earlier is None or not before.is_cumulative:
            return None
        start, base = before.month, Decimal(earlier)
    if row.month <= start:
        return None
    return (Decimal(value) - base) / (row.month - start)


def _moved(field: str, basis: str, current: Decimal | None, previous: Decimal | None, limit: Decimal) -> Move | None:
    # A zero or negative base (a loss) gives no rate, as in growth tables ("--").
    if current is None or previous is None or previous <= 0:
        return None
    rate = round_half_up((current - previous) / previous * 100, 1)
    return Move(field, basis, current, previous, rate) if abs(rate) > limit else None


def unusual_moves(
    entered: Submitted,
    *,
    fields: Sequence[str],
    earlier_this_year: Sequence[Submitted] = (),
    same_month_last_year: Submitted | None = None,
    limit: Decimal = MOVE_LIMIT,
) -> list[Move]:
    """The figures of ``entered`` that move more than ``limit`` % month on month or year on year.

    ``earlier_this_year``: the enterprise's rows of the year before this month (any order). Month on
    month compares the average month each adds (see the module notes); year on year compares the
    figure with last year's row of the same month in the same form, else with the 上年同期 figure
    entered beside it (``prior_<field>``).
    """
    rows = sorted((r for r in earlier_this_year if r.month < entered.month), key=lambda r: r.month)
    last = rows[-1] if rows else None
    before_last = rows[-2] if len(rows) > 1 else None
    moves = []
    for field in fields:
        if last is not None and last.month == entered.month - 1 and last.is_cumulative == entered.is_cumulative:
            move = _moved(field, "mom", _per_month(entered, last, field), _per_month(last, before_last, field), limit)
            if move is not None:
                moves.append(move)
        current = entered.values.get(field)
        previous: Decimal | int | None = entered.values.get(f"prior_{field}")
        if same_month_last_year is not None and same_month_last_year.is_cumulative == entered.is_cumulative:
            previous = same_month_last_year.values.get(field, previous)
        move = _moved(
            field,
            "yoy",
            None if current is None else Decimal(current),
            None if previous is None else Decimal(previous),
            limit,
        )
        if move is not None:
            moves.append(move)
    return moves
