"""Product output, the B204-1 and 亩均 exports and 工业投资 against the database (both databases)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from parkos.core.models import AuditEntry
from parkos.innovation.models import ProjectProgress
from parkos.innovation.tests.factories import ProjectFactory
from parkos.statistics import product_importing, product_output, selectors
from parkos.statistics.choices import InvestmentBasis, ProductUnit
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.models import ParkStatisticsSettings, ProductOutput

D = Decimal
WAN = D(10000)


def record(park, enterprise, month, name, quantity, *, unit=ProductUnit.TEN_THOUSAND_ITEMS, exports=None, actor=None):
    return product_output.output_record(
        park=park,
        enterprise=enterprise,
        year=2025,
        month=month,
        data=product_output.OutputData(product_name=name, unit=unit, quantity=D(quantity), exports=exports),
        actor=actor,
        today=datetime.date(2026, 1, 15),
    )


def test_output_record_is_audited_idempotent_and_refuses_bad_input(park_a, three, alice):
    e1 = three[0]
    row, changed = record(park_a, e1, 3, " 医用  防护服 ", "12.5", actor=alice)
    assert (row.product_name, changed) == ("医用 防护服", True)
    assert AuditEntry.objects.filter(object_type="park_statistics.productoutput", object_id=str(row.pk)).count() == 1
    again, changed = record(park_a, e1, 3, "医用 防护服", "12.5", actor=alice)
    assert (again.pk, changed) == (row.pk, False)
    assert AuditEntry.objects.filter(object_type="park_statistics.productoutput").count() == 1
    with pytest.raises(ValidationError) as future:
        product_output.output_record(
            park=park_a, enterprise=e1, year=2026, month=2, actor=alice, today=datetime.date(2026, 1, 15),
            data=product_output.OutputData(product_name="口罩", unit="boxes?", quantity=D(-1)),
        )  # fmt: skip
    assert set(future.value.message_dict) == {"month", "unit", "quantity"}
    assert ProductOutput.objects.count() == 1


def _csv(rows, money_header):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["企业统一社会信用代码", "年份", "月份", "产品名称", "计量单位", "本月产量", money_header])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def test_import_honours_the_money_unit_of_the_header_and_is_idempotent(park_a, three, alice):
    code = three[0].credit_code
    in_yuan = _csv([[code, 2025, 3, "防护服", "万件", "12.5", "800000"]], "出口交货值（元）")
    result = product_importing.import_outputs(park=park_a, name="a.csv", data=in_yuan, actor=alice)
    assert result.ok, result.errors
    assert ProductOutput.objects.get().exports == D(800000)
    in_wan = _csv([[code, 2025, 3, "防护服", "万件", "12.5", "80"]], "出口交货值（万元）")
    again = product_importing.import_outputs(park=park_a, name="b.csv", data=in_wan, actor=alice)
    assert (again.ok, again.unchanged) == (True, 1)
    bad = _csv(
        [[code, 2025, 3, "口罩", "箩筐", "1", ""], ["91500000000000000X", 2025, 3, "口罩", "万只", "1", ""]],
        "出口交货值",
    )
    refused = product_importing.import_outputs(park=park_a, name="c.csv", data=bad, actor=alice)
    assert not refused.ok
    assert refused.error_count == 2
    assert ProductOutput.objects.count() == 1


def test_b204_export_fills_the_form_and_traces_every_figure(park_a, three, imported, client_for):
    e1, e2, _e3 = three
    record(park_a, e1, 11, "医用防护服", "10", exports=D(50000))
    record(park_a, e1, 12, "医用防护服", "12")
    record(park_a, e2, 12, '=HYPERLINK("http://x")', "3", unit=ProductUnit.UNITS)
    response = client_for("bob").get(reverse("park_statistics:b204_export", args=[park_a.pk]) + "?year=2025&month=12")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[e1.name]
    cells = {(row[2].value, row[0].value): row for row in sheet.iter_rows(min_row=8) if row[2].value}
    assert sheet["E2"].value == "表    号：B204-1表"
    heads = [[c.value for c in row] for row in sheet.iter_rows(min_row=6, max_row=8)]
    assert heads[0][:6] == ["指标名称", "计量单位", "代码", "本年", None, "上年同期"]
    assert heads[1][3:] == ["本月", "1—本月", "本月", "1—本月"]
    assert heads[2] == ["甲", "乙", "丙", "1", "2", "3", "4"]
    assert cells[("01", "工业总产值（当年价格）")][4].value == 33000  # 3300万元 = 33,000千元, 1—12月
    assert cells[("01", "工业总产值（当年价格）")][3].value is None  # November not reported: 本月 unknown
    assert cells[("04", "其中：出口交货值")][4].value == 3000  # the report's 300万, not the products'
    product = next(row for row in sheet.iter_rows() if row[0].value == "医用防护服")
    assert [c.value for c in product] == ["医用防护服", "万件", None, 12, 22, None, None]  # no output in 2024
    injected = book[e2.name]
    cell = next(row[0] for row in injected.iter_rows() if str(row[0].value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
    sources = [[c.value for c in row] for row in book["数据来源"].iter_rows(min_row=3)]
    ytd = next(r for r in sources if r[0] == e1.name and r[3] == "01" and r[4] == "本年1—本月")
    report_pk = selectors.report_queryset([park_a.pk]).get(enterprise=e1, year=2025, month=12).pk
    assert (ytd[5], ytd[7], ytd[8]) == (33000, "1–12月累计", f"月度统计报表#{report_pk}")
    assert client_for("dave").get(reverse("park_statistics:b204_export", args=[park_a.pk])).status_code == 404


def test_muju_submission_lists_the_evaluated_enterprises(park_a, three, imported, client_for):
    response = client_for("bob").get(reverse("park_statistics:muju_submission", args=[park_a.pk, 2025]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    head = [c.value for c in sheet[2]]
    assert head[:3] == ["序号", "统一社会信用代码", "企业名称"]
    assert head[-3:] == ["综合得分", "排名", "评价等级"]
    assert book["评价口径与来源"]["B1"].value


def test_report_counts_industrial_investment_from_projects_on_the_park_basis(park_a, three, imported, pipeline):
    """Fixture: enterprises report 1000万 (prior 700万). A park-built factory with progress and a
    small project are added; the basis decides what the paragraph says."""
    factory = ProjectFactory(park=park_a, enterprise=None, kind="standard_factory", name="标准厂房三期")
    small = ProjectFactory(park=park_a, enterprise=None, planned_investment=D(4_000_000), name="小项目")
    tenant_project = ProjectFactory(park=park_a, enterprise=three[0], name="甲科技二期")
    for proj, year, wan in (
        (factory, 2025, 600),
        (factory, 2024, 400),
        (small, 2025, 100),
        (tenant_project, 2025, 900),
    ):
        ProjectProgress.objects.create(project=proj, year=year, month=6, investment=D(wan) * WAN)
    record(park_a, three[0], 12, "医用防护服", "120")
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    # BOTH (default): reports 1000万 + the factory 600万 (甲科技's project is in its report; the
    # small one is under 500万) = 1600万 against 700万 + 400万.
    assert kpis.industrial_investment is not None
    assert kpis.industrial_investment.current.amount == D(1600) * WAN
    assert "完成工业投资1600万元，同比增长45.5%" in kpis.paragraph
    assert "生产医用防护服120万件" in kpis.paragraph
    ParkStatisticsSettings.objects.create(park=park_a, investment_basis=InvestmentBasis.PROJECTS)
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(2025))
    assert "完成工业投资1500万元，同比增长2.8倍" in kpis.paragraph  # 600 + 900 against 400


def test_api_records_and_lists_park_scoped(park_a, three, client_for):
    url = "/api/statistics/product-output/"
    payload = {"park": park_a.pk, "enterprise": three[0].pk, "year": 2025, "month": 3, "product_name": "口罩",
               "unit": "10k_pieces", "quantity": "50"}  # fmt: skip
    assert client_for("carol").post(url, payload, content_type="application/json").status_code == 403
    created = client_for("bob").post(url, payload, content_type="application/json")
    assert created.status_code == 201, created.content
    assert [r["product_name"] for r in client_for("bob").get(url).json()["results"]] == ["口罩"]
    assert client_for("dave").get(url).json()["results"] == []
