"""Booking rules, quota arithmetic, the next free slot and weekly recurrence: pure and typed, no ORM.

Times are aware datetimes; every rule about days and hours is read in the park's local time (`tz`,
Asia/Shanghai), because a day boundary in UTC falls at 08:00 in Chongqing. Working days come from
`parkos.core.workdays` (public holidays and make-up working days, 调休). The services feed these
functions from the database and act on what they return.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from parkos.core.workdays import is_working_day

ONE_DAY = datetime.timedelta(days=1)
ONE_MINUTE = datetime.timedelta(minutes=1)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BookingRules:
    """What a resource allows; mirrors the rule fields of `BookableResource`."""

    opens_at: datetime.time
    closes_at: datetime.time
    working_days_only: bool = True
    slot_minutes: int = 30
    min_minutes: int = 30
    max_minutes: int = 240
    min_lead_minutes: int = 60
    max_advance_days: int = 60
    capacity: int | None = None
    approval_above_attendees: int | None = None
    approval_above_minutes: int | None = None


@dataclass(frozen=True)
class Interval:
    """A half-open time range [start, end)."""

    start: datetime.datetime
    end: datetime.datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Violation:
    code: str
    message: str


def _minutes_of(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def is_open_day(rules: BookingRules, day: datetime.date, working_day: Callable[[datetime.date], bool]) -> bool:
    """Whether the resource opens on `day`: every day, or only on Chinese working days."""
    return not rules.working_days_only or working_day(day)


def _timing_violations(rules: BookingRules, start: datetime.datetime, end: datetime.datetime) -> list[Violation]:
    """Length and slot alignment; `start`/`end` are local."""
    found: list[Violation] = []
    minutes = int((end - start).total_seconds() // 60)
    if minutes < rules.min_minutes:
        found.append(Violation("too_short", _("预订时长不能少于 %(n)s 分钟") % {"n": rules.min_minutes}))
    if minutes > rules.max_minutes:
        found.append(Violation("too_long", _("预订时长不能超过 %(n)s 分钟") % {"n": rules.max_minutes}))
    offset = _minutes_of(start.time()) - _minutes_of(rules.opens_at)
    if start.second or start.microsecond or end.second or offset % rules.slot_minutes or minutes % rules.slot_minutes:
        found.append(
            Violation(
                "slot",
                _("开始和结束时间须按 %(n)s 分钟为单位（自 %(open)s 起）")
                % {"n": rules.slot_minutes, "open": rules.opens_at.strftime("%H:%M")},
            )
        )
    return found


def _hours_violations(
    rules: BookingRules,
    start: datetime.datetime,
    end: datetime.datetime,
    working_day: Callable[[datetime.date], bool],
) -> list[Violation]:
    """Opening days and hours; `start`/`end` are local."""
    if end.date() != start.date() and not (end.date() == start.date() + ONE_DAY and end.time() == datetime.time(0)):
        return [Violation("one_day", _("预订须在同一天内开始和结束"))]
    found: list[Violation] = []
    if not is_open_day(rules, start.date(), working_day):
        found.append(
            Violation(
                "closed_day",
                _("%(day)s 不是工作日（法定节假日或周末），该资源不开放") % {"day": start.date().isoformat()},
            )
        )
    end_minutes = _minutes_of(end.time()) if end.date() == start.date() else 24 * 60
    if start.time() < rules.opens_at or end_minutes > _minutes_of(rules.closes_at):
        found.append(
            Violation(
                "hours",
                _("开放时间为 %(open)s–%(close)s")
                % {"open": rules.opens_at.strftime("%H:%M"), "close": rules.closes_at.strftime("%H:%M")},
            )
        )
    return found


def check(
    rules: BookingRules,
    interval: Interval,
    *,
    now: datetime.datetime,
    tz: datetime.tzinfo,
    attendees: int = 1,
    enforce_lead_time: bool = True,
    working_day: Callable[[datetime.date], bool] = is_working_day,
) -> list[Violation]:
    """Every rule the interval breaks (empty: it may be booked, if the resource is free then).

    1. End after start; 2. length within min/max and aligned to the slot; 3. one local day, an open
    day (working days only, by the Chinese calendar), within opening hours; 4. lead time and how far
    ahead (staff may skip the lead time with `enforce_lead_time=False`); 5. attendees within capacity.
    """
    if interval.end <= interval.start:
        return [Violation("order", _("结束时间须晚于开始时间"))]
    start, end = interval.start.astimezone(tz), interval.end.astimezone(tz)
    found = _timing_violations(rules, start, end) + _hours_violations(rules, start, end, working_day)
    if enforce_lead_time:
        earliest = now + datetime.timedelta(minutes=rules.min_lead_minutes)
        if interval.start < earliest:
            hours, minutes = divmod(rules.min_lead_minutes, 60)
            lead = (
                _("%(h)s 小时 %(m)s 分钟") % {"h": hours, "m": minutes} if hours else _("%(m)s 分钟") % {"m": minutes}
            )
            found.append(Violation("lead_time", _("须至少提前 %(lead)s 预订") % {"lead": lead}))
    if start.date() > now.astimezone(tz).date() + datetime.timedelta(days=rules.max_advance_days):
        found.append(Violation("too_far", _("最多可提前 %(n)s 天预订") % {"n": rules.max_advance_days}))
    if rules.capacity is not None and attendees > rules.capacity:
        found.append(Violation("capacity", _("人数超过容纳上限 %(n)s 人") % {"n": rules.capacity}))
    if attendees < 1:
        found.append(Violation("attendees", _("人数至少为 1")))
    return found


def needs_approval(rules: BookingRules, interval: Interval, attendees: int) -> bool:
    """Above the size the resource names (attendees or length), a booking waits for staff approval."""
    if rules.approval_above_attendees is not None and attendees > rules.approval_above_attendees:
        return True
    return rules.approval_above_minutes is not None and interval.minutes > rules.approval_above_minutes


# --- Quota ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allocation:
    free_minutes: int
    chargeable_minutes: int


def allocate_quota(quota_minutes: int, durations: Sequence[int]) -> list[Allocation]:
    """Split a month's free minutes over bookings in the order they were made: first come, first free.

    A booking that straddles the end of the quota is part free, part charged. Whatever the order, the
    charged total is max(0, sum - quota), and no booking's free part exceeds its length.
    """
    remaining = max(0, quota_minutes)
    allocations = []
    for minutes in durations:
        free = min(remaining, minutes)
        remaining -= free
        allocations.append(Allocation(free, minutes - free))
    return allocations


def price(chargeable_minutes: int, price_per_hour: Decimal) -> Decimal:
    """元 for the chargeable minutes at an hourly price, rounded half up to the fen."""
    return (Decimal(chargeable_minutes) * price_per_hour / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_UP)


def month_of(moment: datetime.datetime, tz: datetime.tzinfo) -> datetime.date:
    """The first day of the local calendar month of `moment` (the quota period)."""
    return moment.astimezone(tz).date().replace(day=1)


# --- Free slots -------------------------------------------------------------------------------------------


def _ceil_to_slot(moment: datetime.datetime, rules: BookingRules) -> datetime.datetime:
    """The first slot boundary (counted from opening time) at or after `moment` (local)."""
    opening = datetime.datetime.combine(moment.date(), rules.opens_at, tzinfo=moment.tzinfo)
    if moment <= opening:
        return opening
    elapsed = (moment - opening).total_seconds() / 60
    steps = -(-elapsed // rules.slot_minutes)  # ceiling division
    return opening + datetime.timedelta(minutes=int(steps) * rules.slot_minutes)


def next_free_slot(
    rules: BookingRules,
    busy: Iterable[Interval],
    *,
    wanted: Interval,
    now: datetime.datetime,
    tz: datetime.tzinfo,
    working_day: Callable[[datetime.date], bool] = is_working_day,
) -> Interval | None:
    """The earliest interval as long as `wanted` that the rules allow and nothing busy overlaps.

    Searches from the wanted start (or the earliest the lead time allows) day by day, slot by slot,
    up to the last day that may be booked; None when nothing fits.
    """
    duration = wanted.end - wanted.start
    intervals = sorted(busy, key=lambda i: i.start)
    earliest = max(wanted.start, now + datetime.timedelta(minutes=rules.min_lead_minutes)).astimezone(tz)
    last_day = now.astimezone(tz).date() + datetime.timedelta(days=rules.max_advance_days)
    day = earliest.date()
    while day <= last_day:
        if is_open_day(rules, day, working_day):
            day_start = datetime.datetime.combine(day, rules.opens_at, tzinfo=tz)
            close = datetime.datetime.combine(day, rules.closes_at, tzinfo=tz)
            candidate = _ceil_to_slot(max(day_start, earliest), rules)
            while candidate + duration <= close:
                trial = Interval(candidate, candidate + duration)
                clash = next((b for b in intervals if b.overlaps(trial)), None)
                if clash is None:
                    return trial
                candidate = _ceil_to_slot(max(clash.end.astimezone(tz), candidate + ONE_MINUTE), rules)
        day += ONE_DAY
    return None


# --- Weekly recurrence --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    day: datetime.date
    interval: Interval


@dataclass(frozen=True)
class Recurrence:
    occurrences: list[Occurrence]
    #: Days skipped because the resource is closed then (public holidays), not asked by the person.
    closed_days: list[datetime.date]


def weekly(
    rules: BookingRules,
    *,
    first: Interval,
    until: datetime.date,
    exceptions: Iterable[datetime.date],
    tz: datetime.tzinfo,
    working_day: Callable[[datetime.date], bool] = is_working_day,
) -> Recurrence:
    """The occurrences of a weekly booking from `first` to `until` (inclusive), local wall-clock times.

    Exception dates are left out; days the resource is closed (a holiday on the weekday, 国庆) are
    left out too and reported in `closed_days`, so the person sees which weeks do not happen.
    """
    skip = set(exceptions)
    start, end = first.start.astimezone(tz), first.end.astimezone(tz)
    occurrences: list[Occurrence] = []
    closed: list[datetime.date] = []
    week = 0
    while True:
        day = start.date() + datetime.timedelta(weeks=week)
        if day > until:
            break
        week += 1
        if day in skip:
            continue
        if not is_open_day(rules, day, working_day):
            closed.append(day)
            continue
        occurrence_start = datetime.datetime.combine(day, start.time(), tzinfo=tz)
        occurrence_end = datetime.datetime.combine(day + (end.date() - start.date()), end.time(), tzinfo=tz)
        occurrences.append(Occurrence(day, Interval(occurrence_start, occurrence_end)))
    return Recurrence(occurrences, closed)
