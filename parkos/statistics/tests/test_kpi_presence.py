"""Dated presence in the KPIs (RULES §5.3): an enterprise that left before the period's end is out of
the end-of-period 规上 set, 新增规上 and the comparable basis; its move-in dates 迁入规上."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing import services as leasing
from parkos.leasing.tests.factories import signed_lease
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from parkos.statistics import selectors
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.models import MonthlyReport

pytestmark = pytest.mark.django_db

D = Decimal
WAN = D(10_000)
YEAR = 2025


def _year(park, enterprise, year: int, annual_wan: int, *, months=range(1, 13), prior_wan: int | None = None):
    """1–N月 rows of a steady year (revenue = output), optionally re-reporting 上年同期."""
    return [
        _row(
            park,
            enterprise,
            year,
            month,
            D(annual_wan) * month / 12,
            prior_wan=None if prior_wan is None else D(prior_wan) * month / 12,
        )
        for month in months
    ]


def _row(park, enterprise, year: int, month: int, wan: Decimal, *, prior_wan: Decimal | None = None) -> MonthlyReport:
    """One 1–N月 row of revenue = output (万元), optionally re-reporting 上年同期."""
    return MonthlyReport(
        park=park,
        enterprise=enterprise,
        year=year,
        month=month,
        revenue=wan * WAN,
        output=wan * WAN,
        prior_revenue=None if prior_wan is None else prior_wan * WAN,
        prior_output=None if prior_wan is None else prior_wan * WAN,
    )


def _stay(enterprise, park, moved_in: datetime.date, moved_out: datetime.date | None = None, actor=None):
    return leasing.presence_record(
        enterprise=enterprise, park=park, entry=leasing.StayEntry(moved_in, moved_out), actor=actor
    )


def _report(park, months=(1, 12)):
    return selectors.report_kpis(park_ids=[park.pk], period=ReportPeriod(YEAR, *months), detail=False)


def test_an_enterprise_that_moved_out_before_the_period_end_leaves_the_above_scale_set_and_the_basis(park_a):
    stayer, leaver = EnterpriseFactory(industry_code="3581"), EnterpriseFactory(industry_code="3581")
    rows = _year(park_a, stayer, YEAR - 1, 3000) + _year(park_a, stayer, YEAR, 3300, prior_wan=3000)
    # The leaver reported its whole year here (its 1–12月 row), but moved out at the end of November.
    rows += _year(park_a, leaver, YEAR - 1, 3000) + _year(park_a, leaver, YEAR, 3600, prior_wan=3000)
    MonthlyReport.objects.bulk_create(rows)
    before = _report(park_a)
    assert before.above_scale_ids == {stayer.pk, leaver.pk}
    assert before.growth["output"].enterprises == {stayer.pk, leaver.pk}
    _stay(leaver, park_a, datetime.date(2019, 5, 1), datetime.date(YEAR, 11, 30))
    after = _report(park_a)
    assert after.above_scale_ids == {stayer.pk}  # out of the end-of-period 规上 set
    assert after.above_scale_ids_previous == {stayer.pk, leaver.pk}  # it was 规上 a year earlier
    # Out of the comparable basis: growth is the stayer's alone, 3300 against 3000 → 10.0 %.
    assert after.growth["output"].enterprises == {stayer.pk}
    assert after.growth["output"].rate == D("10.0")
    assert after.sections["industry"].growth.enterprises == {stayer.pk}
    assert after.above_scale_output_growth.enterprises == {stayer.pk}
    # What it produced while here stays in the period's total.
    assert after.totals["output"].value == (3300 + 3600) * WAN
    # Had it left after the period (a 1–9月 report), it would still count.
    assert _report(park_a, (1, 9)).above_scale_ids == {stayer.pk, leaver.pk}


def test_moving_in_mid_year_with_prior_year_revenue_far_above_the_threshold_is_moved_in(park_a, park_b):
    """Elsewhere last year at 5000 万 (its rows in park B), moves in on 1 July 2025 (the officer's
    date), 1–7月 2800 万 here: 迁入规上, not 升规 (RULES §5.3 vector)."""
    mover, resident = EnterpriseFactory(industry_code="3581"), EnterpriseFactory(industry_code="3581")
    rows = _year(park_b, mover, YEAR - 1, 5000) + _year(park_b, mover, YEAR, 4800, months=range(1, 7))
    rows += _year(park_a, mover, YEAR, 4800, months=range(7, 13))
    # Park A's data runs from before (had it begun with the mover, the mover would have been there
    # when it began: not new at all, RULES §5.3).
    rows += _year(park_a, resident, YEAR - 1, 800) + _year(park_a, resident, YEAR, 900, prior_wan=800)
    MonthlyReport.objects.bulk_create(rows)
    _stay(mover, park_b, datetime.date(2018, 1, 1), datetime.date(YEAR, 6, 30))
    _stay(mover, park_a, datetime.date(YEAR, 7, 1))
    kpis = _report(park_a)
    assert [event.enterprise_id for event in kpis.moved_in_above_scale] == [mover.pk]
    assert kpis.new_above_scale == []
    assert "迁入1家" in kpis.paragraph
    # Park B's report: it left on 30 June, so it is neither 规上 there at the end nor compared.
    left = _report(park_b)
    assert mover.pk not in left.above_scale_ids
    assert mover.pk in left.above_scale_ids_previous


def test_the_move_in_date_beats_the_first_row_crossing_before_arrival_is_moved_in(park_a, bob):
    """Its 1–N月 rows here cover the whole year (it files them all), it crosses in May; by its first
    row it was here since January (升规), but it moved in on 1 June: it came 规上 (迁入)."""
    newcomer = EnterpriseFactory(industry_code="3581")
    MonthlyReport.objects.bulk_create(_year(park_a, newcomer, YEAR, 5040))  # 1–5月 = 2100 万
    assert [e.enterprise_id for e in _report(park_a).new_above_scale] == [newcomer.pk]
    stay = _stay(newcomer, park_a, datetime.date(YEAR, 6, 1), actor=bob)
    kpis = _report(park_a)
    assert kpis.new_above_scale == []
    assert [e.enterprise_id for e in kpis.moved_in_above_scale] == [newcomer.pk]
    # The officer records that it moved out in September: it is out of the year-end set and of 新增规上.
    leasing.presence_correct(
        stay=stay, entry=leasing.StayEntry(datetime.date(YEAR, 6, 1), datetime.date(YEAR, 9, 30)), actor=bob
    )
    kpis = _report(park_a)
    assert kpis.moved_in_above_scale == []
    assert kpis.new_above_scale == []
    assert newcomer.pk not in kpis.above_scale_ids


def test_contract_dates_are_the_presence_where_no_officer_entered_any(park_a, bob):
    """A lease from 1 June 2025 dates the arrival as the officer's entry would."""
    floor = FloorFactory(building=BuildingFactory(park=park_a), level=1, area_sqm=D(3000))
    unit_a = UnitFactory(floor=floor, area_sqm=D(1000))
    newcomer = EnterpriseFactory(industry_code="3581")
    MonthlyReport.objects.bulk_create(_year(park_a, newcomer, YEAR, 5040))
    lease = signed_lease(
        units=[unit_a],
        enterprise=newcomer,
        approver=bob,
        start_on=datetime.date(YEAR, 6, 1),
        end_on=datetime.date(YEAR + 4, 5, 31),
    )
    kpis = _report(park_a)
    assert [e.enterprise_id for e in kpis.moved_in_above_scale] == [newcomer.pk]
    # The officer's entry wins over the contract: present since 2020 by the officer, so 升规.
    _stay(newcomer, park_a, datetime.date(2020, 1, 1), actor=bob)
    kpis = _report(park_a)
    assert [e.enterprise_id for e in kpis.new_above_scale] == [newcomer.pk]
    assert lease.start_on == datetime.date(YEAR, 6, 1)
