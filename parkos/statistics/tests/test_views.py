"""Pages: the authorization matrix, the tenant's submission, the report downloads and sources."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from parkos.statistics import report
from parkos.statistics.models import MonthlyReport
from parkos.statistics.selectors import SOURCES_PER_PAGE
from parkos.statistics.tests.test_report_kpis_sql import _park_with

pytestmark = pytest.mark.django_db


def _urls(park):
    return {
        "dashboard": reverse("park_statistics:dashboard") + f"?park={park.pk}",
        "report": reverse("park_statistics:report", args=[park.pk, 2025]),
        "muju": reverse("park_statistics:muju", args=[park.pk, 2025]),
        "calendar": reverse("park_statistics:calendar", args=[park.pk]),
        "entry": reverse("park_statistics:entry", args=[park.pk]),
        "import": reverse("park_statistics:import", args=[park.pk]),
    }


# persona → expected status per page of park A (login redirect for anonymous).
MATRIX = {
    "alice": {"dashboard": 200, "report": 200, "muju": 200, "calendar": 200, "entry": 200, "import": 200},
    "bob": {"dashboard": 200, "report": 200, "muju": 200, "calendar": 200, "entry": 200, "import": 200},
    "carol": {"dashboard": 200, "report": 200, "muju": 200, "calendar": 200, "entry": 403, "import": 403},
    "dave": {"dashboard": 404, "report": 404, "muju": 404, "calendar": 404, "entry": 404, "import": 404},
    "erin": {"dashboard": 403, "report": 403, "muju": 403, "calendar": 403, "entry": 403, "import": 403},
    "anonymous": {"dashboard": 302, "report": 302, "muju": 302, "calendar": 302, "entry": 302, "import": 302},
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_staff_pages_matrix(client_for, park_a, persona, three, imported):
    client = client_for(persona)
    for page, url in _urls(park_a).items():
        assert client.get(url).status_code == MATRIX[persona][page], (persona, page)


@pytest.mark.parametrize(
    ("persona", "status", "created"), [("bob", 302, True), ("carol", 403, False), ("dave", 404, False)]
)
def test_officer_entry_post(client_for, park_a, three, persona, status, created):
    data = {"enterprise": three[0].pk, "year": 2025, "month": 3, "is_cumulative": "1", "revenue": "120.5"}
    response = client_for(persona).post(reverse("park_statistics:entry", args=[park_a.pk]), data)
    assert response.status_code == status
    assert MonthlyReport.objects.filter(enterprise=three[0], year=2025, month=3).exists() is created


@time_machine.travel("2025-12-05 10:00 +0800", tick=False)  # November is open until 10 December
def test_tenant_submits_own_month_and_sees_only_own(client, park_a, three, tenant, imported):
    client.force_login(tenant)
    url = reverse("park_statistics:tenant_reports")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"year": 2025, "month": 11, "is_cumulative": "1", "revenue": "3000", "prior_revenue": "2700"}
    )
    assert response.status_code == 302
    saved = MonthlyReport.objects.get(enterprise=three[0], year=2025, month=11)
    assert (saved.revenue, saved.park_id, saved.source) == (Decimal("30000000.00"), park_a.pk, "tenant")
    other = MonthlyReport.objects.get(enterprise=three[1], year=2025, month=12)
    own = MonthlyReport.objects.get(enterprise=three[0], year=2025, month=12)
    assert client.get(reverse("park_statistics:tenant_report_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("park_statistics:tenant_report_detail", args=[own.pk])).status_code == 200
    # Staff pages stay closed to enterprise users.
    assert client.get(reverse("park_statistics:report", args=[park_a.pk, 2025])).status_code == 403


def test_enterprise_user_without_enterprise_and_staff_are_refused_tenant_page(client_for):
    url = reverse("park_statistics:tenant_reports")
    assert client_for("erin").get(url).status_code == 403
    assert client_for("bob").post(url, {"year": 2025, "month": 3}).status_code == 403
    assert MonthlyReport.objects.count() == 0


def test_dashboard_shows_tenant_widget(client, tenant):
    client.force_login(tenant)
    response = client.get("/")
    assert "月度统计填报" in response.content.decode()


def test_report_page_links_every_figure_to_its_sources(client_for, park_a, three, imported, pipeline):
    client = client_for("bob")
    page = client.get(reverse("park_statistics:report", args=[park_a.pk, 2025])).content.decode()
    assert "实现规上产值8450万元，同比增长30.0%" in page
    assert page.count(reverse("park_statistics:sources")) >= 20
    # The pipeline at the end of the year (RULES §7.6), drugs' stages in pathway order.
    context = client.get(reverse("park_statistics:report", args=[park_a.pk, 2025])).context
    assert context["pipeline"] == [
        ("在研重点产品", 7),
        ("进入临床的1类新药", 3),
        ("处于三期临床", 1),
        ("本期新进入三期临床", 2),
    ]
    assert [label for label, _n in context["stages"]][:3] == ["一期临床", "二期临床", "三期临床"]
    assert "研发管线（截至 2025-12-31）" in page
    # The 规上 output's sources: the three December rows.
    sources = client.get(
        reverse("park_statistics:sources")
        + f"?parks={park_a.pk}&year=2025&first=1&last=12&indicator=output&measure=total&population=above"
    )
    assert sources.status_code == 200
    assert sources.context["figure"].display == "8,450.00 万元"
    assert {row.enterprise_name for row in sources.context["rows"]} == {e.name for e in three}
    # Park B's person cannot read park A's sources.
    denied = client_for("dave").get(
        reverse("park_statistics:sources") + f"?parks={park_a.pk}&year=2025&indicator=output"
    )
    assert denied.status_code == 404


def _column(amount, divisor):
    return f'<td class="num">{(amount / divisor).quantize(Decimal("0.01"), ROUND_HALF_UP):,.2f}</td>'


def test_report_tables_state_amounts_in_the_readers_units(client_for, park_a, three, imported, pipeline):
    client = client_for("bob")
    url = reverse("park_statistics:report", args=[park_a.pk, 2025])
    chinese = client.get(url)
    output = chinese.context["report"].by_enterprise[0].output.value  # 元
    page = chinese.content.decode()
    assert ("工业总产值（万元）" in page, _column(output, 10_000) in page) == (True, True)
    assert re.search(r"本期各项目完成投资合计 [\d,]+\.\d\d 万元。", page)
    assert chinese.context["chart_option"]["yAxis"]["name"] == "万元"
    client.cookies["django_language"] = "en"
    english = client.get(url)
    page = english.content.decode()
    assert ("Gross industrial output (CNY million)" in page, _column(output, 1_000_000) in page) == (True, True)
    assert "Monthly gross industrial output (CNY million)" in page
    assert re.search(
        r"Total investment completed by all projects in the period: CNY [\d,.]+( million| billion)?\.", page
    )
    assert english.context["chart_option"]["yAxis"]["name"] == "CNY million"
    for word in ("10k", "ten thousand", "万元"):
        assert word not in page


def test_quarterly_variant(client_for, park_a, three, imported):
    response = client_for("bob").get(reverse("park_statistics:report", args=[park_a.pk, 2025]) + "?period=q4")
    assert response.status_code == 200
    assert response.context["period"].label == "四季度"


def test_report_xlsx(client_for, park_a, three, imported, pipeline):
    response = client_for("bob").get(reverse("park_statistics:report_xlsx", args=[park_a.pk, 2025]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {"概览", "按企业", "按行业", "新增规上企业", "建成投用项目"} <= set(book.sheetnames)
    by_enterprise = list(book["按企业"].values)
    assert len(by_enterprise) == 4
    # Both sections (RULES §5.3), and each new 规上 enterprise with its section and kind.
    labels = [row[0] for row in book["概览"].values]
    assert {"工业·工业总产值", "工业·规上工业总产值", "服务业·服务业营业收入", "服务业·规上服务业营业收入"} <= set(
        labels
    )
    new = list(book["新增规上企业"].values)
    assert new[0][:3] == ("企业", "口径", "类型")
    assert [row[1:4] for row in new[1:]] == [("工业", "升规", "2025-10")]


def test_report_pdf_has_chinese_text(client_for, park_a, three, imported, pipeline, tmp_path):
    response = client_for("bob").get(reverse("park_statistics:report_pdf", args=[park_a.pk, 2025]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    text = subprocess.run(  # noqa: S603 - fixed arguments, our own file
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = "".join(text.split())
    assert "统计报告" in flat
    assert "实现规上产值8450万元" in flat
    assert "另有" not in flat  # three enterprises: every one is listed


def test_report_pdf_lists_the_largest_enterprises_and_points_to_the_workbook(
    client_for, park_a, three, imported, pipeline, monkeypatch
):

    monkeypatch.setattr(report, "PDF_ENTERPRISES", 2)
    pages: list[str] = []
    render = report.render_to_string
    monkeypatch.setattr(
        report, "render_to_string", lambda name, context: pages.append(render(name, context)) or pages[-1]
    )
    response = client_for("bob").get(reverse("park_statistics:report_pdf", args=[park_a.pk, 2025]))
    assert response.status_code == 200
    table = pages[0].split('data-testid="by-enterprise"')[1].split("</table>")[0]
    assert sum(e.name in table for e in three) == 2  # the two largest by output
    assert "另有 1 家企业见 Excel 附表" in pages[0]


def test_sources_page_is_paged_by_enterprise_name(client_for, park_a):

    _park_with(park_a, SOURCES_PER_PAGE + 30, seed=5, kinds=("regular",))
    client = client_for("bob")
    url = (
        reverse("park_statistics:sources")
        + f"?parks={park_a.pk}&year=2025&first=1&last=12&indicator=output&measure=total&population=all"
    )
    first, second = client.get(url), client.get(url + "&page=2")
    assert first.status_code == second.status_code == 200
    rows = list(first.context["rows"]) + list(second.context["rows"])
    assert len(first.context["rows"]) == SOURCES_PER_PAGE
    assert len(rows) == SOURCES_PER_PAGE + 30
    # One December row per enterprise, every enterprise once, in name order across the pages.
    assert [(r.report.year, r.report.month) for r in rows] == [(2025, 12)] * len(rows)
    names = [r.enterprise_name for r in rows]
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert first.context["paginator"].count == SOURCES_PER_PAGE + 30
    assert "page=2" in first.content.decode()
    # The figure on the page is the report's own.
    total = sum(r.value for r in rows)
    assert first.context["figure"].value == total


def test_dashboard_card_does_not_announce_zero_new_above_scale(client_for, park_a, three):
    """No enterprise crossed the threshold this year: the card gives last year's 规上 count instead
    of "新增升规 0 家", in both languages (and nothing when there was none last year either)."""
    e1, e2, _e3 = three
    for enterprise, revenue in ((e1, 3000), (e2, 2500)):
        enterprise.industry_code = "3581"
        enterprise.save(update_fields=["industry_code"])
        for year, factor in ((2024, 1), (2025, Decimal("1.1"))):
            MonthlyReport.objects.create(
                park=park_a, enterprise=enterprise, year=year, month=12, is_cumulative=True,
                revenue=revenue * factor * 10_000, output=revenue * factor * 10_000,
            )  # fmt: skip
    client = client_for("bob")
    url = reverse("park_statistics:dashboard") + f"?park={park_a.pk}&year=2025"

    def card(**headers) -> str:
        page = client.get(url, **headers).content.decode()
        start = page.index('data-testid="new-above-scale-card">') + len('data-testid="new-above-scale-card">')
        return page[start : page.index("</small>", start)]

    assert card() == "上年同期 2 家"
    assert card(HTTP_ACCEPT_LANGUAGE="en") == "2 a year earlier"
    url = reverse("park_statistics:dashboard") + f"?park={park_a.pk}&year=2024"
    # The park's data begins with their first rows, above the threshold: they were 规上 before it
    # began, not new (RULES §5.3; Ref: #16), and nobody was 规上 a year earlier either.
    assert card() == ""
