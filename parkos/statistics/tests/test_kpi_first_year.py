"""The first year of a park's data (RULES §5.3): where the rows read begin within the two years, an
enterprise that was there when they began did not arrive, and one that was 规上 by then is not new.

Ref: #16 (item 1, enterprises that move). Amounts in 万元; the threshold is 2000 万 (3581).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.parks.tests.factories import ParkFactory
from parkos.statistics import selectors
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.models import MonthlyReport
from parkos.statistics.tests.test_kpi_presence import _row, _stay, _year
from parkos.statistics.tests.test_report_kpis_sql import reference_engine

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = 2025


def _ids(events) -> list[int]:
    return [event.enterprise_id for event in events]


def _rising(park, enterprise, year: int) -> list[MonthlyReport]:
    """Below the threshold in January–May (1–5月 500 万), crosses in August (1–8月 2100 万)."""
    cumulative = (100, 200, 300, 400, 500, 900, 1500, 2100, 2400, 2700, 2900, 3000)
    return [_row(park, enterprise, year, month, D(wan)) for month, wan in enumerate(cumulative, start=1)]


@pytest.fixture
def first_year(park_a, park_b):
    """Park A's rows begin in January 2025 (it started using ParkOS then):

    - ``from_january``: 30000 万 a year, so 1月 alone (2500 万) is above; 上年同期 28000 万;
    - ``from_february``: January exempt (RULES §10.1), its first row 1–2月 = 2500 万; 上年同期 above;
    - ``steady``: 5000 万 a year, crossing on the rows in May (1–5月 2083 万), its 上年同期
      (4800 万 a year: 1–5月 2000 万) above — it was 规上 last year;
    - ``mover``: in park B last year (5000 万) and until June, here from 1 July (the officer's
      date), 1–7月 2800 万: 迁入规上;
    - ``riser``: below until May, crosses in August: 升规.
    """
    names = ("from_january", "from_february", "steady", "mover", "riser")
    firms = {name: EnterpriseFactory(industry_code="3581") for name in names}
    rows = _year(park_a, firms["from_january"], YEAR, 30000, prior_wan=28000)
    rows += _year(park_a, firms["from_february"], YEAR, 15000, months=range(2, 13), prior_wan=14000)
    rows += _year(park_a, firms["steady"], YEAR, 5000, prior_wan=4800)
    mover = firms["mover"]
    rows += _year(park_b, mover, YEAR - 1, 5000) + _year(park_b, mover, YEAR, 4800, months=range(1, 7))
    rows += _year(park_a, mover, YEAR, 4800, months=range(7, 13))
    rows += _rising(park_a, firms["riser"], YEAR)
    MonthlyReport.objects.bulk_create(rows)
    _stay(mover, park_b, datetime.date(2018, 1, 1), datetime.date(YEAR, 6, 30))
    _stay(mover, park_a, datetime.date(YEAR, 7, 1))
    return firms


def test_a_park_whose_data_begins_in_january_counts_none_of_its_enterprises_as_new(park_a, first_year):
    period = ReportPeriod(YEAR)
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=period, detail=False)
    assert _ids(kpis.new_above_scale) == [first_year["riser"].pk]  # 升规: crossed while here
    assert _ids(kpis.moved_in_above_scale) == [first_year["mover"].pk]  # 迁入规上: came above
    assert kpis.sections["industry"].new_above_scale == 2
    assert "新增规上企业2家（其中升规1家、迁入1家）" in kpis.paragraph
    # Every one of them is 规上 at the year's end: they are in the set, just not new.
    assert kpis.above_scale_ids == {firm.pk for firm in first_year.values()}
    # The reference engine, on every row, says the same.
    expected = reference_engine(park_a.pk, period)
    assert _ids(expected["new_above_scale"]) == [first_year["riser"].pk]
    assert _ids(expected["moved_in_above_scale"]) == [first_year["mover"].pk]


@pytest.mark.parametrize("months", [(1, 2), (1, 6), (7, 9)])
def test_within_the_first_year_each_period_counts_only_the_genuine_ones(park_a, first_year, months):
    period = ReportPeriod(YEAR, *months)
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=period, detail=False)
    expected = reference_engine(park_a.pk, period)
    # The riser crosses in August, the mover arrives in July: neither falls in 1–2月 or 1–6月.
    in_period = set(period.months)
    assert _ids(kpis.new_above_scale) == ([first_year["riser"].pk] if 8 in in_period else [])
    assert _ids(kpis.moved_in_above_scale) == ([first_year["mover"].pk] if 7 in in_period else [])
    assert kpis.new_above_scale == expected["new_above_scale"]
    assert kpis.moved_in_above_scale == expected["moved_in_above_scale"]


def test_each_park_of_a_portfolio_begins_with_its_own_data(park_a, park_b):
    """Park A's rows go back to January 2024, park B's begin in January 2025. The same enterprise
    shape — first row January 2025, above from it — arrived in park A (its data was already running:
    迁入规上) and was there when park B's data began (not new)."""
    old_hand = EnterpriseFactory(industry_code="3581")  # park A's data since 2024
    late_in_a, from_start_in_b = EnterpriseFactory(industry_code="3581"), EnterpriseFactory(industry_code="3581")
    rows = _year(park_a, old_hand, YEAR - 1, 1000) + _year(park_a, old_hand, YEAR, 1100, prior_wan=1000)
    rows += _year(park_a, late_in_a, YEAR, 30000)
    rows += _year(park_b, from_start_in_b, YEAR, 30000)
    MonthlyReport.objects.bulk_create(rows)
    period = ReportPeriod(YEAR)
    portfolio = dict(selectors.portfolio_kpis(park_ids=[park_a.pk, park_b.pk], period=period))
    alone = {park: selectors.report_kpis(park_ids=[park.pk], period=period, detail=False) for park in portfolio}
    for park, kpis in portfolio.items():
        assert kpis.new_above_scale == alone[park].new_above_scale
        assert kpis.moved_in_above_scale == alone[park].moved_in_above_scale
    assert _ids(portfolio[park_a].moved_in_above_scale) == [late_in_a.pk]
    assert portfolio[park_b].moved_in_above_scale == portfolio[park_b].new_above_scale == []
    assert _ids(reference_engine(park_a.pk, period)["moved_in_above_scale"]) == [late_in_a.pk]
    assert reference_engine(park_b.pk, period)["moved_in_above_scale"] == []
    # Both parks together are one scope whose data begins in 2024: B's enterprise arrived in it.
    both = selectors.report_kpis(park_ids=[park_a.pk, park_b.pk], period=period, detail=False)
    assert set(_ids(both.moved_in_above_scale)) == {late_in_a.pk, from_start_in_b.pk}


def test_a_park_whose_data_begins_mid_year_before_the_report(park_a):
    """Rows from June 2024 (a 1–9月 2025 report): both enterprises filed 1–6月 2024 and then nothing
    until 2025, so the rows read cannot say whether they were 规上 last year. The one whose 上年同期
    (3000 万 a year) says it was is not new; the one whose 上年同期 is below crossed here (升规)."""
    park_c = ParkFactory(code="CQ-C", name="重庆C园")
    was_above, crossed = EnterpriseFactory(industry_code="3581"), EnterpriseFactory(industry_code="3581")
    rows = _year(park_a, was_above, YEAR - 1, 3000, months=[6])  # 1–6月 1500 万: below on the rows
    rows += _year(park_a, was_above, YEAR, 3000, months=range(1, 10), prior_wan=3000)  # crosses in August
    rows += _year(park_a, crossed, YEAR - 1, 1200, months=[6])
    rows += _year(park_a, crossed, YEAR, 3000, months=range(1, 10), prior_wan=1200)
    rows += _year(park_c, EnterpriseFactory(industry_code="3581"), YEAR - 1, 100)  # another park's data
    MonthlyReport.objects.bulk_create(rows)
    period = ReportPeriod(YEAR, 1, 9)
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=period, detail=False)
    assert _ids(kpis.new_above_scale) == [crossed.pk]
    assert kpis.moved_in_above_scale == []
    assert kpis.above_scale_ids == {was_above.pk, crossed.pk}
    expected = reference_engine(park_a.pk, period)
    assert expected["new_above_scale"] == kpis.new_above_scale
    assert expected["moved_in_above_scale"] == []
