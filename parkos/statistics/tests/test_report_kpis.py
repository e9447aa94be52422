"""Report KPIs from imported rows, against the hand-computed figures of conftest.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing.choices import ContractStatus
from parkos.leasing.models import Contract
from parkos.statistics import muju, selectors
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.models import EnterpriseParkProfile, MonthlyReport

D = Decimal
WAN = D(10_000)

pytestmark = pytest.mark.django_db


def test_comparable_growth_differs_from_naive_ratio_when_the_above_scale_set_changes(park_a, three, imported):
    e1, e2, e3 = three
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    # 规上 at 2025-12: all three (E3 crossed in October); at 2024-12: E1 and E2 only.
    assert kpis.above_scale_ids == {e1.pk, e2.pk, e3.pk}
    assert kpis.above_scale_ids_previous == {e1.pk, e2.pk}
    assert kpis.above_scale_output.value == 8450 * WAN  # 3300 + 2750 + 2400
    # Comparable: the same three enterprises' re-reported priors, 3000 + 2500 + 1000 = 6500 → 8450/6500 − 1 = 30.0 %.
    assert kpis.above_scale_output_growth.previous == 6500 * WAN
    assert kpis.above_scale_output_growth.display == "30.0%"
    # Naive: this year's published total over last year's (E1 + E2 = 5500): 8450/5500 − 1 = 53.6 %.
    assert kpis.above_scale_output_previous.value == 5500 * WAN
    assert kpis.above_scale_output_naive.display == "53.6%"


def test_above_scale_is_detected_in_the_month_it_is_reached(park_a, three, imported):
    e3 = three[2]
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    assert [(e.enterprise_id, e.year, e.month) for e in kpis.new_above_scale] == [(e3.pk, 2025, 10)]
    assert kpis.new_above_scale[0].revenue.value == 2000 * WAN
    # In 1–9月 nobody crossed yet (E3 at 1800万).
    assert selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025, 1, 9)).new_above_scale == []


def test_not_computable_and_times(park_a, three, imported):
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    # Profit: only E2 reports it, from a loss of 20万 to a profit of 50万: no rate on a negative base.
    assert kpis.growth["profit"].display == "--"
    # Exports: E1 300 against 100 = +200 % → "2.0倍".
    assert kpis.growth["exports"].display == "2.0倍"
    # R&D: nobody reports it → "--".
    assert kpis.rnd_intensity.display == "--"
    # A single month (January, exempt) cannot be measured: "--".
    january = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025, 1, 1))
    assert january.totals["revenue"].display == "--"


def test_annual_paragraph_from_imported_year(park_a, three, imported, pipeline):
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    # 2 projects completed in 2025; 1 升规 (E3); 甲科技 listed on 科创板;
    # 工业投资 500 + 300 + 200 = 1000万 against 400 + 200 + 100 = 700万 → 42.9 %;
    # 规上产值 8450万 (no round milestone crossed from 5500万), comparable +30.0 %;
    # the pipeline at 2025-12-31 (RULES §7.6): key products in R&D, D-1, Z-1 (上市申请),
    # V-1, R-1, L-1 = 7 (A-3 approved, N-1 not key, F-1 not yet in it); 1类新药 in trials: A-1
    # (chemical), V-1 (vaccine) and A-2 = 3 (R-1 is a reagent, Z-1 past the trials); in phase III:
    # A-1 = 1 (L-1 only in 2026); first entered phase III in 2025: A-1, Z-1 = 2.
    assert kpis.paragraph == (
        "全年建成投用项目2个，1家企业实现升规，甲科技科创板挂牌上市；完成工业投资1000万元，同比增长42.9%；"
        "实现规上产值8450万元，同比增长30.0%。全年在研重点产品7个，进入临床的1类新药3个，1个产品处于三期临床，"
        "2个产品新进入三期临床。"
    )
    assert kpis.products_by_stage == {
        "phase1": 3, "phase2": 2, "phase3": 1, "nda_filed": 1, "approved": 1, "device_in_development": 1
    }  # fmt: skip
    # At the end of the first half (Z-1 still in phase III, V-1 not yet in trials) and of 2024.
    h1 = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025, 1, 6))
    assert (h1.products_in_rnd, h1.class1_drugs_in_clinical, h1.products_in_phase3, h1.products_new_in_phase3) == (
        6, 3, 2, 2
    )  # fmt: skip
    before = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2024))
    assert (before.products_in_rnd, before.class1_drugs_in_clinical, before.products_in_phase3) == (4, 2, 0)


def test_report_kpis_query_count_does_not_grow_with_enterprises(park_a, three, imported, pipeline):
    with CaptureQueriesContext(connection) as small:
        selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))

    extra = [EnterpriseFactory(parks=[park_a]) for _ in range(5)]
    MonthlyReport.objects.bulk_create(
        MonthlyReport(park=park_a, enterprise=e, year=2025, month=12, revenue=D(1), output=D(1)) for e in extra
    )
    with CaptureQueriesContext(connection) as large:
        selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    # The page's KPIs (at most 14, see test_report_kpis_sql) and its monthly output series.
    assert (
        len(large.captured_queries) == len(small.captured_queries) <= 22
    )  # three date the arrivals of new 规上 (RULES §5.3); four read 工业投资's basis, its projects now and a year before, and product output


def test_portfolio_sums_parks(park_a, park_b, three, imported):
    rows = selectors.portfolio_kpis(park_ids=[park_a.pk, park_b.pk], period=ReportPeriod(2025))
    by_park = {park.pk: k for park, k in rows}
    assert by_park[park_a.pk].above_scale_output.value == 8450 * WAN
    assert by_park[park_b.pk].above_scale_output.value is None


def test_muju_scores_and_upgrade_candidates(park_a, three, imported):

    e1, e2, e3 = three
    for enterprise, mu in ((e1, 10), (e2, 10), (e3, 20)):
        EnterpriseParkProfile.objects.create(park=park_a, enterprise=enterprise, land_area_sqm=D(mu) * D("666.67"))
    scheme = muju.PARK_DEFAULT
    lines = selectors.muju_evaluation(park_id=park_a.pk, year=2025, scheme=scheme)
    assert [line.enterprise_id for line in lines] == [e1.pk, e2.pk, e3.pk]
    first = lines[0].graded.score.items
    revenue_per_mu = next(item for item in first if item.key == "revenue_per_mu")
    # E1: 3300万 over 10 亩 (666.67 m² each, so 10.0000 亩 to 4 places).
    assert revenue_per_mu.value.quantize(D("0.01")) == D("330.00")
    assert selectors.grade_distribution(lines)
    # 规下 watch band: nobody (all three are 规上 at 2025-12).
    assert selectors.upgrade_candidates(park_id=park_a.pk, year=2025, month=12) == []
    # At 2025-9 E3 has 1800万 ≥ 0.8 × 2000万: a candidate at 90 %.
    candidates = selectors.upgrade_candidates(park_id=park_a.pk, year=2025, month=9)
    assert [(name, c.share) for name, c in candidates] == [(e3.name, D("0.9"))]


def test_submission_calendar_lists_who_has_not_reported(park_a, three, imported):
    e1, e2, e3 = three
    exempt, entries = selectors.submission_calendar(park_id=park_a.pk, year=2025, month=12)
    assert not exempt
    assert {e.enterprise_id for e in entries if e.reported} == {e1.pk, e2.pk, e3.pk}
    exempt, entries = selectors.submission_calendar(park_id=park_a.pk, year=2025, month=11)
    assert {e.enterprise_id for e in entries if not e.reported} == {e1.pk, e2.pk}
    exempt, _entries = selectors.submission_calendar(park_id=park_a.pk, year=2025, month=1)
    assert exempt


def _cumulative(park, enterprise, year, months, per_month, **fields):
    return [
        MonthlyReport(park=park, enterprise=enterprise, year=year, month=m, revenue=per_month * m * WAN, **fields)
        for m in months
    ]


def test_sections_and_arrivals_on_the_report(park_a, park_b):
    """RULES §5.3 through the SQL path: 迁入 judged from another park's rows, a contract dating an
    arrival the rows would put later, a pharmacy in 服务业 and an enterprise without a code."""
    mover = EnterpriseFactory(name="迁入企业")  # 3581: in park B until June, 500 万 a month
    leased = EnterpriseFactory(name="老租户")  # rows only from July 2025 (first row 1–7月), but leasing since 2023
    pharmacy = EnterpriseFactory(name="药房", industry_code="5251")
    unknown = EnterpriseFactory(name="无代码", industry_code="")
    rows = _cumulative(park_b, mover, 2024, range(2, 13), 500)
    rows += [r for r in _cumulative(park_a, mover, 2025, range(2, 13), 500) if r.month >= 7]
    rows += [r for r in _cumulative(park_b, mover, 2025, range(2, 13), 500) if r.month < 7]
    rows += _cumulative(park_a, leased, 2025, range(7, 13), 300)  # its first row, 1–7月 2100 万, crosses
    rows += _cumulative(park_a, pharmacy, 2024, [12], 50) + _cumulative(park_a, pharmacy, 2025, [12], 50)
    rows += _cumulative(park_a, unknown, 2025, [12], 100, output=1200 * WAN)
    MonthlyReport.objects.bulk_create(rows)
    Contract.objects.create(
        park=park_a,
        enterprise=leased,
        status=ContractStatus.SIGNED,
        start_on=datetime.date(2023, 5, 1),
        end_on=datetime.date(2028, 4, 30),
    )
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025), detail=False)
    industry, service = kpis.sections["industry"], kpis.sections["service"]
    assert [e.enterprise_id for e in industry.moved_in] == [mover.pk]  # crossed on arrival, in July
    # Without the contract its first row (July, already across) would make it 迁入; the lease says it
    # was here all along: 升规.
    assert [(e.enterprise_id, e.month) for e in industry.upgraded] == [(leased.pk, 7)]
    assert kpis.new_above_scale == industry.upgraded
    assert kpis.moved_in_above_scale == industry.moved_in
    assert "新增规上企业2家（其中升规1家、迁入1家）" in kpis.paragraph
    assert service.enterprise_ids == {pharmacy.pk}
    assert service.above_ids == {pharmacy.pk}  # 600 万 ≥ 500 万 (零售)
    assert service.total.value == 600 * WAN
    assert pharmacy.pk not in kpis.above_scale_ids
    assert pharmacy.pk not in industry.enterprise_ids
    assert kpis.unclassified_ids == {unknown.pk}
    # The unclassified output stays in the park's total, not in 工业总产值.
    assert kpis.totals["output"].value == 1200 * WAN
    assert industry.total.value is None  # nobody in 工业 reported output: "--", not 0
