import datetime
from zoneinfo import ZoneInfo

import pytest

from parkos.core.workdays import (
    WorkingHours,
    add_working_days,
    add_working_hours,
    clock_start,
    is_working_day,
    next_working_day,
    previous_working_day,
    subtract_working_days,
    working_days_between,
    working_time_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_holidays_and_make_up_days_2025():
    assert not is_working_day(datetime.date(2025, 10, 1))  # 国庆
    assert is_working_day(datetime.date(2025, 9, 28))  # Sunday, 调休上班
    assert is_working_day(datetime.date(2025, 10, 11))  # Saturday, 调休上班
    assert not is_working_day(datetime.date(2025, 10, 12))  # an ordinary Sunday


def test_next_and_previous_working_day():
    assert next_working_day(datetime.date(2025, 10, 1)) == datetime.date(2025, 10, 9)
    assert next_working_day(datetime.date(2025, 10, 11)) == datetime.date(2025, 10, 11)
    assert previous_working_day(datetime.date(2025, 10, 8)) == datetime.date(2025, 9, 30)


def test_add_working_days_skips_the_national_day_week():
    assert add_working_days(datetime.date(2025, 9, 30), 1) == datetime.date(2025, 10, 9)
    assert add_working_days(datetime.date(2025, 9, 26), 1) == datetime.date(2025, 9, 28)  # Friday → 调休 Sunday
    assert add_working_days(datetime.date(2025, 10, 1), 0) == datetime.date(2025, 10, 9)
    assert working_days_between(datetime.date(2025, 9, 29), datetime.date(2025, 10, 10)) == 3  # 29, 30, 9


def test_clock_starts_at_the_next_office_period():
    assert clock_start(at(2025, 10, 1, 15, 0)) == at(2025, 10, 9, 9, 0)  # raised on a holiday
    assert clock_start(at(2025, 9, 30, 12, 30)) == at(2025, 9, 30, 13, 30)  # over lunch
    assert clock_start(at(2025, 9, 30, 19, 0)) == at(2025, 10, 9, 9, 0)  # after hours before the holiday
    assert clock_start(at(2025, 9, 28, 10, 0)) == at(2025, 9, 28, 10, 0)  # a make-up working Sunday


def test_add_working_hours_before_the_national_day():
    # Raised 16:00 on the last working day before the holiday, 4 working hours to resolve: 2 h that day,
    # the remaining 2 h after the holiday (9:00 → 11:00 on 9 October).
    assert add_working_hours(at(2025, 9, 30, 16, 0), datetime.timedelta(hours=4)) == at(2025, 10, 9, 11, 0)


def test_add_working_hours_on_a_make_up_sunday_and_across_lunch():
    assert add_working_hours(at(2025, 9, 28, 11, 0), datetime.timedelta(hours=2)) == at(2025, 9, 28, 14, 30)


def test_add_working_hours_spans_whole_days():
    # 7.5 office hours a day: 16 h from Monday 9:00 is Wednesday 10:00.
    assert add_working_hours(at(2025, 11, 3, 9, 0), datetime.timedelta(hours=16)) == at(2025, 11, 5, 10, 0)
    assert add_working_hours(at(2025, 11, 3, 9, 0), datetime.timedelta(0)) == at(2025, 11, 3, 9, 0)


def test_working_time_between_is_the_inverse_of_add():
    start = at(2025, 9, 26, 17, 0)
    for hours in (1, 3, 7.5, 12, 40):
        due = add_working_hours(start, datetime.timedelta(hours=hours))
        assert working_time_between(start, due) == datetime.timedelta(hours=hours)


def test_invalid_hours_and_durations_are_refused():
    with pytest.raises(ValueError, match="ordered"):
        WorkingHours(periods=((datetime.time(13), datetime.time(12)),))
    with pytest.raises(ValueError, match="negative"):
        add_working_hours(at(2025, 9, 30, 9), datetime.timedelta(hours=-1))


def test_subtract_working_days_crosses_the_national_day_week_backwards():
    assert subtract_working_days(datetime.date(2025, 10, 9), 1) == datetime.date(2025, 9, 30)
    assert subtract_working_days(datetime.date(2025, 10, 9), 0) == datetime.date(2025, 10, 9)
    assert subtract_working_days(datetime.date(2025, 10, 5), 0) == datetime.date(2025, 9, 30)  # a holiday
    # 29 Sep (Mon) ← 28 Sep (a make-up working Sunday) ← 26 Sep (Fri)
    assert subtract_working_days(datetime.date(2025, 9, 29), 2) == datetime.date(2025, 9, 26)
    assert working_days_between(subtract_working_days(datetime.date(2025, 10, 10), 4), datetime.date(2025, 10, 10)) == 4
