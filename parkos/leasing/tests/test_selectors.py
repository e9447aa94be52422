"""Point-in-time occupancy and WALT from contract history, rent roll, lifecycle, stacking colours."""

from __future__ import annotations

import datetime
from datetime import date
from decimal import Decimal
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing import schedule, selectors, services
from parkos.leasing import selectors as leasing_selectors
from parkos.leasing.choices import ContractLifecycle
from parkos.leasing.models import Contract
from parkos.leasing.selectors import land_area_by_enterprise
from parkos.leasing.tests.factories import signed_lease
from parkos.parks.tests.factories import LandParcelFactory, UnitFactory
from parkos.statistics.models import MonthlyReport
from parkos.statistics.selectors import land_area_by_enterprise as muju_land


@pytest.fixture
def history(unit_a, unit_a2):
    """A1-101 leased 2026–2030 but terminated 2027-06-30; A1-102 leased 2027-01-01–2028-12-31."""
    first = signed_lease(units=[unit_a])
    services.contract_terminate(contract=first, terminated_on=date(2027, 6, 30), reason="arrears", actor=None)
    second = signed_lease(units=[unit_a2], start_on=date(2027, 1, 1), end_on=date(2028, 12, 31), free_rent_months=0)
    return first, second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "area", "units"),
    [
        (date(2025, 12, 31), D(0), 0),
        (date(2026, 1, 1), D(1000), 1),
        (date(2027, 3, 1), D(1500), 2),
        (date(2027, 6, 30), D(1500), 2),
        (date(2027, 7, 1), D(500), 1),
        (date(2029, 1, 1), D(0), 0),
    ],
)
def test_occupancy_on_a_past_date_matches_the_contracts_active_that_day(history, park_a, day, area, units):
    occupancy = selectors.occupancy_on(day, [park_a.pk])

    assert occupancy.lettable_area_sqm == D(1500)
    assert occupancy.lettable_units == 2
    assert occupancy.occupied_area_sqm == area
    assert occupancy.occupied_units == units
    active = [
        c
        for c in Contract.objects.all()
        if c.lifecycle_on(day) in (ContractLifecycle.ACTIVE, ContractLifecycle.EXPIRING)
    ]
    assert sum((c.area_sqm for c in active), D(0)) == area
    assert selectors.occupancy_by_park(day, [park_a.pk])[park_a.pk] == occupancy


@pytest.mark.django_db
def test_walt_by_area(history, park_a, building_a):
    # On 2027-03-01: 1,000 m² until 2027-06-30 (122 days) and 500 m² until 2028-12-31 (672 days).
    expected = (D(1000) * 122 + D(500) * 672) / (D(1500) * D("365.25"))
    assert selectors.walt_on(date(2027, 3, 1), [park_a.pk]) == expected
    assert selectors.walt_by_building(date(2027, 3, 1), [building_a.pk])[building_a.pk] == expected
    assert selectors.walt_on(date(2030, 1, 1), [park_a.pk]) is None


@pytest.mark.django_db
def test_rent_roll_lists_each_lease_by_month_and_adds_up(history, park_a):
    first, second = history
    roll = selectors.rent_roll([park_a.pk], 2027)

    assert [r.number for r in roll.rows] == sorted([first.number, second.number])
    by_number = {r.number: r for r in roll.rows}
    assert by_number[first.number].months == [D("25000.00")] * 6 + [D("0.00")] * 6
    assert by_number[second.number].months == [D("12500.00")] * 12
    assert roll.rent_total == D(150000) + D(150000)
    assert sum(roll.column_totals) == roll.rent_total
    assert selectors.rent_roll([park_a.pk], 2027, 7).rows[0].months == [D("12500.00")]


@pytest.mark.django_db
def test_lifecycle_in_sql_matches_python(history):
    for day in (
        date(2025, 6, 1),
        date(2026, 6, 1),
        date(2027, 6, 30),
        date(2027, 7, 1),
        date(2028, 11, 1),
        date(2029, 6, 1),
    ):
        for lifecycle in ContractLifecycle:
            in_sql = set(Contract.objects.filter(selectors.lifecycle_q(lifecycle, day)).values_list("pk", flat=True))
            in_python = {c.pk for c in Contract.objects.all() if c.lifecycle_on(day) == lifecycle}
            assert in_sql == in_python, (day, lifecycle)


@pytest.mark.django_db
def test_expiring_within_windows(history, park_a):
    today = date(2028, 10, 15)
    assert selectors.expiry_counts([park_a.pk], today) == {30: 0, 90: 1, 180: 1}
    assert [c.number for c in selectors.contracts_expiring([park_a.pk], days=90, today=today)] == [history[1].number]


@pytest.mark.django_db
def test_stacking_colours_take_one_query_whatever_the_unit_count(history, building_a, unit_a):
    def colour_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.stacking_colours(building_a, "expiry", date(2027, 3, 1))
        return len(ctx)

    before = colour_queries()
    for n in range(5):
        UnitFactory(floor=unit_a.floor, code=f"A1-2{n}", area_sqm=D(100))
    assert colour_queries() == before
    colours, legend = selectors.stacking_colours(building_a, "expiry", date(2027, 3, 1))
    assert colours[unit_a.pk][0] == "col-expiry-lt6"
    assert ("col-vacant", "未出租", 5) in [(c, str(label), n) for c, label, n in legend]
    colours, _legend = selectors.stacking_colours(building_a, "industry", date(2027, 3, 1))
    assert colours[unit_a.pk][0] == "col-industry-C"


@st.composite
def leases(draw):
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
    months = draw(st.integers(min_value=1, max_value=84))
    end = schedule.term_end(start, months) - datetime.timedelta(days=draw(st.integers(0, 20)))
    end = max(end, start)
    free = draw(st.integers(0, 6))
    if schedule.term_end(start, free) > end:
        free = 0
    every = draw(st.integers(0, 3))
    return schedule.LeaseTerms(
        start=start,
        end=end,
        area_sqm=draw(st.decimals(min_value=D("10.00"), max_value=D("20000.00"), places=2)),
        monthly_rent_per_sqm=draw(st.decimals(min_value=D("5.00"), max_value=D("120.00"), places=2)),
        payment_period=draw(st.sampled_from(list(schedule.PaymentPeriod))),
        free_rent_months=free,
        escalation_rate=D("0.05") if every else D(0),
        escalation_every_years=every,
        property_fee_per_sqm=draw(st.sampled_from([D(0), D("3.50")])),
    )


@settings(max_examples=60, deadline=None)
@given(leases())
def test_monthly_accruals_equal_rent_for_month_and_the_schedule_sums_to_the_total(terms):
    accruals = schedule.monthly_accruals(terms)
    for month, rent, _fee in accruals:
        assert rent == schedule.rent_for_month(terms, month.year, month.month)
    assert sum(line.rent_amount for line in schedule.generate_schedule(terms)) == schedule.contract_total(terms)
    # Rounded once per month: within half a fen per month of the exact accrual.
    exact = schedule.unrounded_total(terms)
    assert abs(sum((r for _m, r, _f in accruals), D(0)) - D(exact.numerator) / D(exact.denominator)) <= D(
        "0.005"
    ) * len(accruals)


def test_commitments_compare_with_reported_actuals(db, park_a):
    """Ref: leasing issue item 5 — once statistics exist, the gap is computed, not unknown."""

    unit = UnitFactory(floor__building__park=park_a)
    contract = signed_lease(units=[unit], committed_annual_output_wan=Decimal(1000), committed_jobs=50)
    # Twelve monthly reports of 100万元 output and 40 employees: a year of 1,200万元.
    for month in range(1, 13):
        MonthlyReport.objects.create(
            park=park_a,
            enterprise=contract.enterprise,
            year=2026,
            month=month,
            is_cumulative=False,
            output=Decimal(1_000_000),
            taxes=Decimal(50_000),
            employees=40,
        )
    lines = {str(line.label): line for line in leasing_selectors.commitments_vs_actuals(contract)}
    assert lines["年产值"].actual == Decimal("1200.00")
    assert lines["年产值"].gap == Decimal("200.00")
    assert lines["就业人数"].actual == 40
    assert lines["就业人数"].gap == -10


def test_land_held_through_contracts_feeds_muju(db, park_a):

    parcel = LandParcelFactory(park=park_a, area_sqm=Decimal(20000))
    enterprise = EnterpriseFactory()
    contract = services.contract_create_draft(
        actor=None,
        park=park_a,
        enterprise=enterprise,
        parcel=parcel,
        kind="sale",
        start_on=datetime.date(2025, 1, 1),
        sale_price_per_sqm=Decimal(600),
    )
    services.contract_approve(contract=contract, actor=None)
    services.contract_sign(contract=contract, actor=None)
    assert land_area_by_enterprise(park_a.pk) == {enterprise.pk: Decimal(20000)}
    assert muju_land(park_a.pk)[enterprise.pk][0] == Decimal(20000)
