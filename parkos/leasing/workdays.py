"""Chinese working days (法定节假日与调休), for when reminders fall due.

`chinese_calendar` knows the State Council's holiday arrangements year by year, including the
weekend days that become working days (调休上班). Outside the years it knows (it raises
NotImplementedError), Monday–Friday is the best guess.
"""

from __future__ import annotations

import datetime

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)


def is_working_day(day: datetime.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def previous_working_day(day: datetime.date) -> datetime.date:
    while not is_working_day(day):
        day -= ONE_DAY
    return day
