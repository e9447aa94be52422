"""Months in series, tables and words (RULES §10.1): January with February as 1–2月, gaps not zeros."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics import charts, report, selectors, widgets
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.kpi.assembly import SeriesPoint
from parkos.statistics.kpi.period import SERIES_SPANS
from parkos.statistics.models import MonthlyReport

D = Decimal
WAN = D(10_000)


def test_series_spans_and_year_to_date_periods():
    assert SERIES_SPANS[:2] == ((1, 2), (3, 3))
    assert SERIES_SPANS[-1] == (12, 12)
    assert len(SERIES_SPANS) == 11
    assert [ReportPeriod(2025, *span).label for span in SERIES_SPANS[:3]] == ["1–2月", "3月", "4月"]
    assert ReportPeriod.year_to(2025, 1) == ReportPeriod(2025, 1, 2)
    assert ReportPeriod.year_to(2025, 1).label == "1–2月"
    assert ReportPeriod.year_to(2025, 9).label == "1–9月"
    assert report.parse_period(2025, "m1") == ReportPeriod(2025, 1, 2)


def _row(park, enterprise, year, month, output, *, cumulative=True):
    return MonthlyReport(
        park=park, enterprise=enterprise, year=year, month=month, is_cumulative=cumulative, output=output * WAN
    )


@pytest.fixture
def series_rows(park_a):
    """Amounts in 万元. A: 1–N月 from 1–2月 (no January row): 300, then 1–3月 450. B: 当月 rows for
    January 100, February 120, March 130. C: a 1–N月 January row 80 and 1–2月 200 (January reported
    although exempt). D: a 当月 February row 50 without January: no 1–2月 of its own. Nobody reports
    April; May only last year (A, 1–5月 700 after 1–3月 450)."""
    a, b, c, d = (EnterpriseFactory(parks=[park_a]) for _ in range(4))
    MonthlyReport.objects.bulk_create(
        [
            _row(park_a, a, 2025, 2, 300),
            _row(park_a, a, 2025, 3, 450),
            _row(park_a, b, 2025, 1, 100, cumulative=False),
            _row(park_a, b, 2025, 2, 120, cumulative=False),
            _row(park_a, b, 2025, 3, 130, cumulative=False),
            _row(park_a, c, 2025, 1, 80),
            _row(park_a, c, 2025, 2, 200),
            _row(park_a, d, 2025, 2, 50, cumulative=False),
            _row(park_a, a, 2024, 3, 450),
            _row(park_a, a, 2024, 5, 700),
        ]
    )


@pytest.mark.django_db
def test_monthly_series_reports_january_with_february_and_leaves_gaps(park_a, series_rows):
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    points = {point.label(2025): point for point in kpis.monthly_output}
    assert list(points)[:4] == ["1–2月", "3月", "4月", "5月"]
    # 1–2月: A 300 + B 100 + 120 + C 200 = 720 (D's February alone is not a 1–2月).
    assert points["1–2月"] == SeriesPoint(1, 2, 720 * WAN, None)
    # 3月: A 450 − 300 + B 130 = 280; last year A's 1–3月 row is a 1–3月 total, not March's.
    assert points["3月"] == SeriesPoint(3, 3, 280 * WAN, None)
    # April: nobody. May: only last year (700 − 450 over April–May is not May's alone: a gap too).
    assert points["4月"] == SeriesPoint(4, 4, None, None)
    assert points["5月"].current is None
    categories, series = report.chart_series(kpis)
    assert categories[0] == "1–2月"
    assert "1月" not in categories
    assert series[0][1][:3] == [720.0, 280.0, None]  # 万元; April a gap, not 0
    option = charts.echarts_bar(categories, series, "万元")
    assert option["series"][0]["data"][2] is None
    svg = charts.svg_bar(categories, series, unit="万元")
    assert svg.count("<rect") == 2 + 2  # two bars (1–2月, 3月) and the two legend swatches
    assert report.monthly_rows(kpis)[2] == ("4月", None, None)


@pytest.mark.django_db
def test_report_page_and_workbook_show_months_as_reported(client_for, park_a, series_rows):
    client = client_for("bob")
    url = reverse("park_statistics:report", args=[park_a.pk, 2025])
    page = client.get(url).content.decode()
    table = page[page.index('data-testid="monthly"') :]
    table = table[: table.index("</table>")]
    assert "1–2月" in table
    assert ">1月<" not in table
    assert "720.00" in table
    assert "--" in table
    assert ">0.00<" not in table
    # The dropdown's 1–N月 start at 1–2月; m1 reads as 1–2月.
    assert client.get(url + "?period=m1").context["period"].label == "1–2月"
    xlsx = client.get(reverse("park_statistics:report_xlsx", args=[park_a.pk, 2025]))
    rows = list(load_workbook(io.BytesIO(xlsx.content))["按月"].values)
    assert rows[1][:2] == ("1–2月", 720)
    assert rows[3] == ("4月", None, None)


@pytest.mark.django_db
def test_rate_changes_are_worded_never_bare_signed(client_for, park_a, three, imported):
    """'比上年提高 / 下降 X 个百分点' (or 持平) wherever a change of a rate is printed: never
    '比上年0.1个百分点' nor '比上年-0.1个百分点'."""
    page = client_for("bob").get(reverse("park_statistics:report", args=[park_a.pk, 2025])).content.decode()
    assert "R&amp;D经费投入强度" in page
    assert not re.search(r"比上年(同期)?-?\d", page)
    assert not re.search(r"-\d+(\.\d+)?个百分点", page)


@pytest.mark.django_db
@pytest.mark.parametrize(("today", "due"), [("2026-02-05", "2026年1–2月"), ("2026-04-05", "2026年3月")])
def test_tenant_widget_asks_for_january_with_february(tenant, time_machine, today, due):
    time_machine.move_to(today)
    (widget,) = widgets.tenant_statistics_widget(tenant, None)
    assert f"应报期：{due}；" in str(widget.note)


@pytest.mark.django_db
def test_monthly_output_chart_sums_industrial_enterprises_only(park_a, series_rows):
    """门类 B–D only (RULES §5.3): a pharmacy (5251), a software house (6513) and an enterprise
    without a code add nothing to the 工业总产值 series; a mine (0610) and a power plant (4411) do."""
    others = [EnterpriseFactory(parks=[park_a], industry_code=code) for code in ("5251", "6513", "")]
    industrial = [EnterpriseFactory(parks=[park_a], industry_code=code) for code in ("0610", "4411")]
    MonthlyReport.objects.bulk_create(
        [_row(park_a, enterprise, 2025, 3, 1000, cumulative=False) for enterprise in others]
        + [_row(park_a, enterprise, 2025, 3, 10, cumulative=False) for enterprise in industrial]
    )
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025, 3, 3))
    points = {point.label(2025): point for point in kpis.monthly_output}
    # 3月: 280 as before (A and B, 3581) + the mine's 10 + the plant's 10; the other three's 3,000 not.
    assert points["3月"].current == 300 * WAN
    assert points["1–2月"].current == 720 * WAN
    # The park's all-enterprise total still has them (the chart is the 工业 section's).
    assert kpis.totals["output"].value == 3300 * WAN
