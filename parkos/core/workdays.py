"""Working days and working hours in mainland China (法定节假日与调休), the one calendar every app uses.

`chinese_calendar` ships the State Council's annual holiday schedule, including the weekend days that
become working days (调休上班). For a year it does not know yet it raises NotImplementedError; then
Monday–Friday is the fallback (a reminder a day off beats none). Reminders, renewal tasks, SLA clocks,
booking rules and alarm escalations all count on this module (RULES §13: a request raised on a holiday
starts its clock at the start of the next working day). Moments are local time: pass
`timezone.localtime(...)`, not UTC, or a day boundary falls eight hours off.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)
#: Looking further than this for a working day means the calendar is broken, not that there is none
#: (the longest run of days off, Spring Festival plus weekends, is under two weeks).
MAX_DAYS_AHEAD = 40


@functools.lru_cache(maxsize=16384)
def is_working_day(day: datetime.date) -> bool:
    """Whether `day` is a working day: weekdays that are not holidays, plus make-up working days.

    Cached: the answer for a date never changes within a process, and the calendar lookup costs
    ~0.1 ms (late fees and reminders ask about the same few hundred days many thousand times).
    """
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package does not cover yet
        return day.weekday() < 5


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, else the next one (国庆 1 Oct → 8 Oct; a Sunday 调休 stays)."""
    for offset in range(MAX_DAYS_AHEAD):
        candidate = day + datetime.timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return day


def previous_working_day(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, else the last one before it."""
    for offset in range(MAX_DAYS_AHEAD):
        candidate = day - datetime.timedelta(days=offset)
        if is_working_day(candidate):
            return candidate
    return day


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days after `day` (0: `day` itself, or the next working day)."""
    current = day
    remaining = count
    while remaining > 0:
        current += ONE_DAY
        if is_working_day(current):
            remaining -= 1
    return next_working_day(current)


def subtract_working_days(day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days before `day` (0: `day` itself, or the last working day before it).

    So a request raised on or after `subtract_working_days(today, k)` is at most k working days old: the
    boundaries of backlog-age buckets, computed once instead of per request.
    """
    current = previous_working_day(day)
    remaining = count
    while remaining > 0:
        current = previous_working_day(current - ONE_DAY)
        remaining -= 1
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days in the half-open range [start, end)."""
    count = 0
    day = start
    while day < end:
        if is_working_day(day):
            count += 1
        day += ONE_DAY
    return count


@dataclass(frozen=True)
class WorkingHours:
    """Office hours of a working day as periods, e.g. 09:00–12:00 and 13:30–18:00.

    SLA targets in working hours count only time inside these periods on working days.
    """

    periods: tuple[tuple[datetime.time, datetime.time], ...] = (
        (datetime.time(9, 0), datetime.time(12, 0)),
        (datetime.time(13, 30), datetime.time(18, 0)),
    )

    def __post_init__(self) -> None:
        previous_end = datetime.time(0, 0)
        for start, end in self.periods:
            if not previous_end <= start < end:
                raise ValueError("working-hour periods must be ordered and must not overlap")
            previous_end = end

    @property
    def seconds_per_day(self) -> int:
        return sum(_seconds(end) - _seconds(start) for start, end in self.periods)


DEFAULT_HOURS = WorkingHours()


def _seconds(moment: datetime.time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _at(day: datetime.date, moment: datetime.time, tzinfo: datetime.tzinfo | None) -> datetime.datetime:
    return datetime.datetime.combine(day, moment, tzinfo=tzinfo)


def clock_start(moment: datetime.datetime, hours: WorkingHours = DEFAULT_HOURS) -> datetime.datetime:
    """When a working-hours clock started at `moment` actually starts running.

    Inside office hours: `moment` itself. Between periods: the start of the next period. After hours,
    on a weekend or a holiday: the first period of the next working day (RULES §13).
    """
    day = moment.date()
    if is_working_day(day):
        for start, end in hours.periods:
            if moment.time() < end:
                return max(moment, _at(day, start, moment.tzinfo))
    day = next_working_day(day + ONE_DAY)
    return _at(day, hours.periods[0][0], moment.tzinfo)


def add_working_hours(
    moment: datetime.datetime, duration: datetime.timedelta, hours: WorkingHours = DEFAULT_HOURS
) -> datetime.datetime:
    """The moment `duration` of office time after `moment` (a due time for an SLA in working hours).

    Steps: 1. move the start into office time; 2. consume the rest of the current period; 3. skip
    whole working days while more than a day's office time remains; 4. consume period by period.
    """
    remaining = duration.total_seconds()
    if remaining < 0:
        raise ValueError("duration must not be negative")
    current = clock_start(moment, hours)
    per_day = hours.seconds_per_day
    while True:
        day = current.date()
        for start, end in hours.periods:
            period_end = _at(day, end, current.tzinfo)
            if current >= period_end:
                continue
            period_start = max(current, _at(day, start, current.tzinfo))
            available = (period_end - period_start).total_seconds()
            if remaining <= available:
                return period_start + datetime.timedelta(seconds=remaining)
            remaining -= available
        day = next_working_day(day + ONE_DAY)
        while remaining > per_day:
            remaining -= per_day
            day = next_working_day(day + ONE_DAY)
        current = _at(day, hours.periods[0][0], current.tzinfo)


def working_time_between(
    start: datetime.datetime, end: datetime.datetime, hours: WorkingHours = DEFAULT_HOURS
) -> datetime.timedelta:
    """Office time elapsed between two moments (zero when `end` is not after `start`)."""
    if end <= start:
        return datetime.timedelta(0)
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            for period_start, period_end in hours.periods:
                lower = max(start, _at(day, period_start, start.tzinfo))
                upper = min(end, _at(day, period_end, start.tzinfo))
                if upper > lower:
                    total += (upper - lower).total_seconds()
        day += ONE_DAY
    return datetime.timedelta(seconds=total)
