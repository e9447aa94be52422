"""Occupancy, WALT and expiries over lease spans, hand-checked."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.leasing.metrics import (
    OccupancySpan,
    expiring_within,
    occupancy_rate,
    occupied_area_on,
    walt,
)

LAST_YEAR = OccupancySpan(unit_id=3, area_sqm=D(250), start=date(2025, 1, 1), end=date(2025, 12, 31))
THIS_YEAR = OccupancySpan(unit_id=1, area_sqm=D(1000), start=date(2026, 1, 1), end=date(2026, 12, 31))
FROM_JULY = OccupancySpan(unit_id=2, area_sqm=D(500), start=date(2026, 7, 1), end=date(2027, 6, 30))
SPANS = [LAST_YEAR, THIS_YEAR, FROM_JULY]


@pytest.mark.parametrize(
    ("day", "area"),
    [
        (date(2024, 12, 31), D(0)),
        (date(2025, 12, 31), D(250)),  # last day of a span still counts
        (date(2026, 1, 1), D(1000)),  # and so does the first
        (date(2026, 6, 30), D(1000)),
        (date(2026, 7, 1), D(1500)),
        (date(2026, 12, 31), D(1500)),
        (date(2027, 1, 1), D(500)),
        (date(2027, 7, 1), D(0)),
    ],
)
def test_occupied_area_counts_only_spans_covering_the_day(day, area):
    assert occupied_area_on(SPANS, day) == area


def test_occupancy_rate_by_area_and_by_count():
    rate = occupancy_rate(SPANS, D(2000), date(2026, 7, 1), lettable_units=4)

    assert rate.occupied_area_sqm == D(1500)
    assert rate.occupied_units == 2
    assert rate.by_area == D("0.75")
    assert rate.by_count == D("0.5")


def test_occupancy_rate_is_not_computable_without_lettable_stock():
    rate = occupancy_rate(SPANS, D(0), date(2026, 7, 1))

    assert rate.by_area is None
    assert rate.by_count is None
    assert rate.occupied_area_sqm == D(1500)


def test_a_unit_under_two_contracts_on_the_same_day_counts_once():
    renewal = OccupancySpan(unit_id=1, area_sqm=D(1000), start=date(2026, 12, 31), end=date(2029, 12, 31))
    rate = occupancy_rate([THIS_YEAR, renewal], D(1000), date(2026, 12, 31), lettable_units=1)

    assert rate.occupied_area_sqm == D(1000)
    assert rate.by_area == 1
    assert rate.by_count == 1


def test_span_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        OccupancySpan(unit_id=1, area_sqm=D(1), start=date(2026, 1, 2), end=date(2026, 1, 1))


# --- WALT ----------------------------------------------------------------------------------------

AS_OF = date(2026, 1, 1)
# 2026-01-01..2029-12-31 is 365 + 365 + 366 + 365 = 1461 days = 4 × 365.25: exactly 4 years left.
FOUR_YEARS_LEFT = OccupancySpan(
    unit_id=1, area_sqm=D(1000), start=date(2024, 1, 1), end=date(2029, 12, 31), monthly_rent=D(30_000)
)
# 2026-01-01..2033-12-31 is 8 × 365 + 2 leap days = 2922 days = 8 × 365.25: exactly 8 years left.
EIGHT_YEARS_LEFT = OccupancySpan(
    unit_id=2, area_sqm=D(3000), start=date(2026, 1, 1), end=date(2033, 12, 31), monthly_rent=D(30_000)
)
NOT_STARTED = OccupancySpan(unit_id=3, area_sqm=D(5000), start=date(2026, 1, 2), end=date(2036, 1, 1))
EXPIRED = OccupancySpan(unit_id=4, area_sqm=D(5000), start=date(2020, 1, 1), end=date(2025, 12, 31))
LEASES = [FOUR_YEARS_LEFT, EIGHT_YEARS_LEFT, NOT_STARTED, EXPIRED]


def test_walt_by_area():
    """(1,000 × 4 + 3,000 × 8) / (1,000 + 3,000) = 28,000 / 4,000 = 7 years.

    The lease starting tomorrow and the one that ended yesterday are not in force and do not count.
    """
    assert walt(LEASES, AS_OF) == 7


def test_walt_by_rent():
    """Both leases pay 30,000 元/月: (30,000 × 4 + 30,000 × 8) / 60,000 = 6 years."""
    assert walt([FOUR_YEARS_LEFT, EIGHT_YEARS_LEFT], AS_OF, weight="rent") == 6


def test_walt_of_a_lease_ending_today_is_one_day():
    assert walt([EXPIRED], date(2025, 12, 31)) == 1 / D("365.25")


def test_walt_is_none_without_leases_in_force():
    assert walt([NOT_STARTED, EXPIRED], AS_OF) is None
    assert walt([], AS_OF) is None


def test_walt_by_rent_needs_every_rent():
    with pytest.raises(ValueError, match="monthly_rent"):
        walt([FOUR_YEARS_LEFT, NOT_STARTED], date(2026, 6, 1), weight="rent")


# --- Expiries ------------------------------------------------------------------------------------


def test_expiring_within_includes_both_ends_of_the_window_soonest_first():
    ends_today = OccupancySpan(unit_id=5, area_sqm=D(1), start=date(2025, 1, 1), end=date(2026, 1, 1))
    ends_on_horizon = OccupancySpan(unit_id=6, area_sqm=D(1), start=date(2025, 1, 1), end=date(2026, 4, 1))
    just_after = OccupancySpan(unit_id=7, area_sqm=D(1), start=date(2025, 1, 1), end=date(2026, 4, 2))
    leases = [ends_on_horizon, just_after, EXPIRED, ends_today, FOUR_YEARS_LEFT]

    assert expiring_within(leases, AS_OF, 90) == [ends_today, ends_on_horizon]


def test_expiring_within_refuses_negative_days():
    with pytest.raises(ValueError, match="negative"):
        expiring_within(LEASES, AS_OF, -1)


# --- Properties ----------------------------------------------------------------------------------


@st.composite
def spans(draw):
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    return OccupancySpan(
        unit_id=draw(st.integers(min_value=1, max_value=20)),
        area_sqm=draw(st.decimals(min_value=D(1), max_value=D(10_000), places=2)),
        start=start,
        end=start + timedelta(days=draw(st.integers(min_value=0, max_value=3000))),
    )


@given(st.lists(spans(), max_size=30), st.dates(min_value=date(2019, 1, 1), max_value=date(2040, 12, 31)))
def test_occupied_area_is_the_largest_covering_span_per_unit(all_spans, day):
    expected = {}
    for span in all_spans:
        if span.start <= day <= span.end:
            expected[span.unit_id] = max(expected.get(span.unit_id, D(0)), span.area_sqm)

    assert occupied_area_on(all_spans, day) == sum(expected.values(), D(0))
    assert occupancy_rate(all_spans, D(1), day, lettable_units=20).occupied_units == len(expected)


@given(st.lists(spans(), min_size=1, max_size=30), st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_walt_lies_between_the_shortest_and_longest_remaining_term(leases, as_of):
    in_force = [lease for lease in leases if lease.start <= as_of <= lease.end]
    result = walt(leases, as_of)

    if not in_force:
        assert result is None
        return
    remaining = [D((lease.end - as_of).days + 1) / D("365.25") for lease in in_force]
    assert min(remaining) - D("1e-20") <= result <= max(remaining) + D("1e-20")
