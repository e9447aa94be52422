"""Working days in mainland China: weekends and public holidays off, make-up working days (调休) on.

Backed by `chinese_calendar`, which ships the State Council's annual schedule; for years it does not
know yet, Monday–Friday is the fallback (a reminder a day off beats none).
"""

from __future__ import annotations

import datetime

import chinese_calendar

#: Looking further than this for a working day means the calendar is broken, not that there is none.
MAX_DAYS_AHEAD = 30


def is_workday(day: datetime.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package does not cover yet
        return day.weekday() < 5


def next_workday(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, else the next one (国庆 1 Oct → 8 Oct; a Sunday 调休 stays)."""
    for offset in range(MAX_DAYS_AHEAD):
        candidate = day + datetime.timedelta(days=offset)
        if is_workday(candidate):
            return candidate
    return day


def add_workdays(day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days after `day`."""
    current = day
    remaining = count
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return next_workday(current)
