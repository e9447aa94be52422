"""Calendar grids of one resource — day, week and month — laid out on the server from plain rows.

Pure: no ORM. `selectors.bookings.resource_calendar` reads the rows (one query) and hands them here;
the templates draw the grid with CSS (each booking spans its slots), HTMX swaps it when the person
moves to the previous or next period.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import chinese_calendar
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from parkos.community.rules import BookingRules, is_open_day
from parkos.core.workdays import is_working_day

ONE_DAY = datetime.timedelta(days=1)
View = Literal["day", "week", "month"]
VIEWS: tuple[View, ...] = ("day", "week", "month")
#: A month cell lists this many bookings, then "+N".
MONTH_CELL_LIMIT = 4


def day_note(day: datetime.date) -> str:
    """休 / 班 notes for the grid: the holiday's name (国庆节, National Day), 调休 for a make-up working day."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the calendar does not know: weekends only
        return ""
    working = is_working_day(day)
    if working and day.weekday() >= 5:
        return str(_("调休上班"))
    if holiday and name:
        if (get_language() or "").startswith("zh"):
            found = next((h for h in chinese_calendar.Holiday if h.value == name), None)
            return str(found.chinese) if found is not None else str(name)
        return str(name)
    return ""


def period_start(view: View, day: datetime.date) -> datetime.date:
    """The first day shown: the day itself, the Monday of its week, or the first of its month."""
    if view == "week":
        return day - datetime.timedelta(days=day.weekday())
    if view == "month":
        return day.replace(day=1)
    return day


def period_days(view: View, start: datetime.date) -> list[datetime.date]:
    if view == "day":
        return [start]
    if view == "week":
        return [start + datetime.timedelta(days=i) for i in range(7)]
    next_month = (start + datetime.timedelta(days=32)).replace(day=1)
    return [start + datetime.timedelta(days=i) for i in range((next_month - start).days)]


def neighbours(view: View, start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of the previous and of the next period."""
    if view == "day":
        return start - ONE_DAY, start + ONE_DAY
    if view == "week":
        return start - datetime.timedelta(days=7), start + datetime.timedelta(days=7)
    previous = (start - ONE_DAY).replace(day=1)
    return previous, (start + datetime.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Row:
    """One booking as the calendar needs it (local times)."""

    pk: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str
    status: str
    who: str
    mine: bool = False


@dataclass(frozen=True)
class Block:
    row: Row
    #: 1-based grid line of the first slot, and the number of slots spanned.
    line: int
    span: int


@dataclass
class DayColumn:
    day: datetime.date
    open: bool
    note: str
    blocks: list[Block] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(0, len(self.rows) - MONTH_CELL_LIMIT)

    @property
    def shown(self) -> list[Row]:
        return self.rows[:MONTH_CELL_LIMIT]


@dataclass(frozen=True)
class Slot:
    line: int
    label: str
    time: datetime.time
    #: The slot's end, "HH:MM" — a click on an empty slot books from `label` to `until`.
    until: str


@dataclass
class Grid:
    view: View
    start: datetime.date
    days: list[DayColumn]
    slots: list[Slot]
    previous: datetime.date
    next: datetime.date
    weeks: list[list[DayColumn | None]] = field(default_factory=list)

    @property
    def end(self) -> datetime.date:
        return self.days[-1].day


def slots_of(rules: BookingRules) -> list[Slot]:
    opening = datetime.datetime.combine(datetime.date(2000, 1, 3), rules.opens_at)
    closing = datetime.datetime.combine(datetime.date(2000, 1, 3), rules.closes_at)
    slots = []
    moment, line = opening, 1
    step = datetime.timedelta(minutes=rules.slot_minutes)
    while moment < closing:
        slots.append(Slot(line, moment.strftime("%H:%M"), moment.time(), (moment + step).strftime("%H:%M")))
        moment += step
        line += 1
    return slots


def _block(row: Row, rules: BookingRules, slot_count: int) -> Block:
    """Place a booking on its day's slot lines, clipped to opening hours."""
    opening = datetime.datetime.combine(row.starts_at.date(), rules.opens_at, tzinfo=row.starts_at.tzinfo)
    first = int((row.starts_at - opening).total_seconds() // 60 // rules.slot_minutes)
    last = -(-int((row.ends_at - opening).total_seconds() // 60) // rules.slot_minutes)  # ceiling
    first, last = max(0, first), min(slot_count, max(last, first + 1))
    return Block(row, first + 1, max(1, last - first))


def build(
    view: View,
    anchor: datetime.date,
    rules: BookingRules,
    rows: Sequence[Row],
    *,
    working_day: Callable[[datetime.date], bool] = is_working_day,
) -> Grid:
    """Lay out a period around `anchor`: columns per day, each booking on its slots (or listed, by month)."""
    start = period_start(view, anchor)
    days = [DayColumn(day, is_open_day(rules, day, working_day), day_note(day)) for day in period_days(view, start)]
    by_day = {column.day: column for column in days}
    slots = slots_of(rules)
    for row in sorted(rows, key=lambda r: (r.starts_at, r.pk)):
        column = by_day.get(row.starts_at.date())
        if column is None:
            continue
        column.rows.append(row)
        if view != "month":
            column.blocks.append(_block(row, rules, len(slots)))
    previous, following = neighbours(view, start)
    grid = Grid(view, start, days, slots, previous, following)
    if view == "month":
        padded: list[DayColumn | None] = [None] * start.weekday() + list(days)
        padded += [None] * (-len(padded) % 7)
        grid.weeks = [padded[i : i + 7] for i in range(0, len(padded), 7)]
    return grid
