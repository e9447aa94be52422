"""The booking rule engine, on Chinese working days and holidays; quota arithmetic; next free slot; recurrence."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.community import rules
from parkos.community.tests.factories import at

RULES = rules.BookingRules(opens_at=datetime.time(8, 30), closes_at=datetime.time(18, 0), min_lead_minutes=60)
NOW = at("2026-04-28", "09:00")  # a Tuesday before the Labour Day holiday
TZ = NOW.tzinfo


def _check(start, end, **kwargs):
    return [v.code for v in rules.check(RULES, rules.Interval(start, end), now=NOW, tz=TZ, **kwargs)]


def test_an_ordinary_working_day_slot_passes():
    assert _check(at("2026-04-29", "10:00"), at("2026-04-29", "11:00")) == []


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        ("2026-05-01", False),  # 劳动节 (Friday)
        ("2026-05-05", False),  # a Tuesday inside the Labour Day holiday
        ("2026-05-09", True),  # a Saturday that is a make-up working day (调休上班)
        ("2026-05-10", False),  # an ordinary Sunday
        ("2026-05-06", True),  # the Wednesday after the holiday
        ("2026-10-01", False),  # 国庆节
        ("2026-10-10", True),  # 国庆 make-up Saturday
    ],
)
def test_open_days_follow_the_chinese_calendar(day, open_):
    codes = _check(at(day, "10:00"), at(day, "11:00"))
    assert ("closed_day" in codes) is (not open_)


def test_a_resource_open_every_day_ignores_holidays():
    every_day = rules.BookingRules(opens_at=datetime.time(9), closes_at=datetime.time(17), working_days_only=False)
    found = rules.check(every_day, rules.Interval(at("2026-05-01", "10:00"), at("2026-05-01", "11:00")), now=NOW, tz=TZ)
    assert found == []


def test_hours_lengths_and_slots():
    assert "hours" in _check(at("2026-04-29", "08:00"), at("2026-04-29", "09:00"))
    assert "hours" in _check(at("2026-04-29", "17:30"), at("2026-04-29", "18:30"))
    assert "too_short" in _check(at("2026-04-29", "10:00"), at("2026-04-29", "10:00") + datetime.timedelta(minutes=15))
    assert "too_long" in _check(at("2026-04-29", "09:00"), at("2026-04-29", "13:30"))
    assert "slot" in _check(at("2026-04-29", "10:10"), at("2026-04-29", "11:10"))
    assert _check(at("2026-04-29", "08:30"), at("2026-04-29", "09:00")) == []
    assert _check(at("2026-04-29", "17:30"), at("2026-04-29", "18:00")) == []
    assert "one_day" in _check(at("2026-04-29", "17:30"), at("2026-04-30", "09:00"))
    assert _check(at("2026-04-29", "11:00"), at("2026-04-29", "10:00")) == ["order"]


def test_lead_time_and_how_far_ahead():
    assert "lead_time" in _check(at("2026-04-28", "09:30"), at("2026-04-28", "10:00"))
    assert _check(at("2026-04-28", "10:00"), at("2026-04-28", "10:30")) == []
    assert _check(at("2026-04-28", "09:30"), at("2026-04-28", "10:00"), enforce_lead_time=False) == []
    assert "too_far" in _check(at("2026-06-30", "10:00"), at("2026-06-30", "11:00"))


def test_capacity_and_approval_above_a_size():
    sized = rules.BookingRules(
        opens_at=datetime.time(9), closes_at=datetime.time(18), capacity=100, approval_above_attendees=30,
        approval_above_minutes=120,
    )  # fmt: skip
    slot = rules.Interval(at("2026-04-29", "10:00"), at("2026-04-29", "11:00"))
    assert "capacity" in [v.code for v in rules.check(sized, slot, now=NOW, tz=TZ, attendees=101)]
    assert not rules.needs_approval(sized, slot, 30)
    assert rules.needs_approval(sized, slot, 31)
    assert rules.needs_approval(sized, rules.Interval(slot.start, slot.start + datetime.timedelta(hours=3)), 5)


def test_messages_are_chinese_and_name_the_rule():
    found = rules.check(RULES, rules.Interval(at("2026-05-01", "10:00"), at("2026-05-01", "11:00")), now=NOW, tz=TZ)
    assert found[0].message == "2026-05-01 不是工作日（法定节假日或周末），该资源不开放"


# --- quota -----------------------------------------------------------------------------------------------


def test_quota_first_come_first_free_and_a_straddling_booking_is_split():
    result = rules.allocate_quota(120, [60, 90, 30])
    assert result == [rules.Allocation(60, 0), rules.Allocation(60, 30), rules.Allocation(0, 30)]
    assert rules.allocate_quota(0, [60]) == [rules.Allocation(0, 60)]


def test_price_rounds_half_up_to_the_fen():
    assert rules.price(30, Decimal("100.00")) == Decimal("50.00")
    assert rules.price(20, Decimal("0.05")) == Decimal("0.02")  # 0.01666… → 0.02
    assert rules.price(0, Decimal("999")) == Decimal("0.00")


@given(st.integers(0, 10_000), st.lists(st.integers(1, 600), max_size=30))
def test_quota_invariants(quota, durations):
    allocations = rules.allocate_quota(quota, durations)
    assert [a.free_minutes + a.chargeable_minutes for a in allocations] == durations
    assert sum(a.free_minutes for a in allocations) == min(quota, sum(durations))
    assert sum(a.chargeable_minutes for a in allocations) == max(0, sum(durations) - quota)


def test_month_of_uses_local_time():
    # 2026-05-31 23:30 in Chongqing is still May, although it is 15:30 UTC the same day;
    # 2026-06-01 00:30 local is 2026-05-31 16:30 UTC, and belongs to June.
    assert rules.month_of(at("2026-05-31", "23:30"), TZ) == datetime.date(2026, 5, 1)
    assert rules.month_of(at("2026-06-01", "00:30").astimezone(datetime.UTC), TZ) == datetime.date(2026, 6, 1)


# --- next free slot ------------------------------------------------------------------------------------------


def test_next_free_slot_skips_busy_times_and_holidays():
    busy = [
        rules.Interval(at("2026-04-30", "10:00"), at("2026-04-30", "12:00")),
        rules.Interval(at("2026-04-30", "12:00"), at("2026-04-30", "18:00")),
    ]
    wanted = rules.Interval(at("2026-04-30", "10:00"), at("2026-04-30", "11:00"))
    found = rules.next_free_slot(RULES, busy, wanted=wanted, now=NOW, tz=TZ)
    # 30 April is full from 10:00; 1–5 May is the Labour Day holiday; 6 May opens at 08:30.
    assert found == rules.Interval(at("2026-05-06", "08:30"), at("2026-05-06", "09:30"))


def test_next_free_slot_in_a_gap_on_the_same_day():
    busy = [rules.Interval(at("2026-04-29", "10:00"), at("2026-04-29", "10:30"))]
    wanted = rules.Interval(at("2026-04-29", "10:00"), at("2026-04-29", "11:00"))
    assert rules.next_free_slot(RULES, busy, wanted=wanted, now=NOW, tz=TZ) == rules.Interval(
        at("2026-04-29", "10:30"), at("2026-04-29", "11:30")
    )


def test_next_free_slot_none_when_everything_is_taken():
    short = rules.BookingRules(
        opens_at=datetime.time(9), closes_at=datetime.time(10), max_advance_days=2, min_lead_minutes=0
    )
    busy = [rules.Interval(at(d, "09:00"), at(d, "10:00")) for d in ("2026-04-28", "2026-04-29", "2026-04-30")]
    wanted = rules.Interval(at("2026-04-28", "09:00"), at("2026-04-28", "10:00"))
    assert rules.next_free_slot(short, busy, wanted=wanted, now=at("2026-04-28", "08:00"), tz=TZ) is None


# --- weekly recurrence --------------------------------------------------------------------------------------


def test_weekly_skips_exceptions_and_holidays():
    first = rules.Interval(at("2026-09-16", "14:00"), at("2026-09-16", "15:00"))  # Wednesdays
    result = rules.weekly(
        RULES, first=first, until=datetime.date(2026, 10, 21), exceptions=[datetime.date(2026, 9, 23)], tz=TZ
    )
    days = [o.day.isoformat() for o in result.occurrences]
    # 23 Sep: exception; 30 Sep: a working day; 7 Oct: 国庆 holiday.
    assert days == ["2026-09-16", "2026-09-30", "2026-10-14", "2026-10-21"]
    assert result.closed_days == [datetime.date(2026, 10, 7)]
    assert all(o.interval.start.time() == datetime.time(14) for o in result.occurrences)
