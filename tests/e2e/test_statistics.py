"""Journeys: a tenant submits a month's figures; the park director opens the dashboard and downloads
the annual report PDF, which renders Chinese text. An officer fills the park's prefilled monthly
template and imports it in 元 — the same figures as in 万元; a tenant cannot submit a month that has
not ended, and a re-submission waits for the officer's approval."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import PASSWORD, UserFactory
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.parks.tests.factories import ParkFactory
from parkos.statistics import services
from parkos.statistics.importing import import_reports
from parkos.statistics.models import MonthlyReport
from parkos.statistics.tests.conftest import csv_bytes, year_rows
from tests.e2e.conftest import login

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def allow_late(park, enterprise, year, month, officer):
    """2025's months are long past their window: the officer allows them, as the journey needs."""
    services.late_permission_grant(
        park=park,
        enterprise=enterprise,
        year=year,
        month=month,
        until=timezone.localdate() + datetime.timedelta(days=7),
        reason="e2e",
        actor=officer,
    )


@pytest.fixture
def three(park_a):

    return (
        EnterpriseFactory(name="甲科技股份有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="乙制药有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="丙器械有限公司", parks=[park_a], lifecycle="tenant"),
    )


def _mover_and_pharmacy(park_a) -> None:
    """丁 moved in from another park in July 2025 with 2024 revenue far above 2000 万 (迁入规上); a
    pharmacy (5251 零售, 规上 at 500 万) reports 600 万 of 营业收入: 服务业, not 工业."""
    park_b = ParkFactory(code="CQ-MOVE", name="迁出园区")
    mover = EnterpriseFactory(name="丁医疗器械有限公司", parks=[park_a], lifecycle="tenant")
    pharmacy = EnterpriseFactory(name="戊大药房有限公司", industry_code="5251", parks=[park_a], lifecycle="tenant")
    wan = Decimal(10_000)
    reports = [MonthlyReport(park=park_b, enterprise=mover, year=2024, month=12, revenue=6000 * wan)]
    reports += [
        MonthlyReport(park=park_b if month < 7 else park_a, enterprise=mover, year=2025, month=month,
                      revenue=500 * month * wan, prior_revenue=500 * month * wan)
        for month in range(2, 13)
    ]  # fmt: skip
    reports += [
        MonthlyReport(park=park_a, enterprise=pharmacy, year=year, month=12, revenue=600 * wan, prior_revenue=500 * wan)
        for year in (2024, 2025)
    ]
    MonthlyReport.objects.bulk_create(reports)


def test_tenant_submits_and_director_downloads_the_annual_report(page, park_a, bob, three, tmp_path):
    import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=None)
    UserFactory(username="tina", role=Role.ENTERPRISE_USER, enterprise=three[0])
    allow_late(park_a, three[0], 2025, 11, bob)

    # 1. The tenant submits November's cumulative figures.
    login(page, "tina", PASSWORD)
    page.get_by_role("link", name="月度统计填报").click()
    form = page.get_by_test_id("tenant-form")
    form.get_by_label("年份").fill("2025")
    form.get_by_label("月份").fill("11")
    form.get_by_label("营业收入（万元）", exact=True).fill("3000")
    form.get_by_label("上年同期营业收入（万元）").fill("2700")
    form.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("2025年1–11月统计数据已提交")
    assert MonthlyReport.objects.get(enterprise=three[0], year=2025, month=11).source == "tenant"
    page.get_by_role("button", name="退出").click()

    _mover_and_pharmacy(park_a)

    # 2. The director opens the dashboard and downloads the PDF.
    login(page, "bob", PASSWORD)
    page.get_by_role("navigation", name="模块导航").get_by_role("link", name="统计与年报").click()
    expect(page.get_by_test_id("paragraph")).to_contain_text("实现规上产值8450万元，同比增长30.0%")
    # E3 crossed in the park (升规); the mover came 规上 (迁入); the pharmacy is 服务业 (RULES §5.3).
    expect(page.get_by_test_id("paragraph")).to_contain_text("新增规上企业2家（其中升规1家、迁入1家）")
    # Months as reported (RULES §10.1): January with February, months nobody reported "--", not 0.
    expect(page.get_by_test_id("trend-chart")).to_contain_text("1–2月")
    page.goto(f"/statistics/parks/{park_a.pk}/report/2025/")
    industry = page.get_by_test_id("section-industry")
    expect(industry.get_by_test_id("line-industry-new-above")).to_contain_text("2（升规1、迁入1）")
    service = page.get_by_test_id("section-service")
    expect(service.get_by_test_id("line-service-above-revenue")).to_contain_text("600.00 万元")
    expect(page.get_by_test_id("new-above-scale").locator("tr[data-kind=moved_in]")).to_contain_text(
        "丁医疗器械有限公司"
    )
    # Each table measures a line as its section does: the pharmacy (F52) has no 工业总产值, grows on
    # 营业收入 and is 规上 on its own threshold (RULES §5.3).
    pharmacy = page.get_by_test_id("by-industry").locator("tr", has_text="F52 零售业")
    expect(pharmacy).to_have_text(re.compile(r"F52 零售业\s*1\s*--\s*600\.00\s*--\s*20\.0%"))
    expect(page.get_by_test_id("by-enterprise").locator("tr", has_text="戊大药房有限公司")).to_contain_text("是")
    shoot(page, "statistics-report-sections")
    page.get_by_test_id("lang-en").click()
    page.goto(f"/statistics/parks/{park_a.pk}/report/2025/")
    expect(page.get_by_test_id("sections-note")).to_contain_text("services on revenue")
    expect(page.get_by_test_id("by-industry").locator("thead")).to_contain_text("YoY")
    shoot(page, "statistics-report-sections-en")
    page.get_by_test_id("lang-zh-hans").click()
    page.goto(f"/statistics/parks/{park_a.pk}/report/2025/")
    monthly = page.get_by_test_id("monthly")
    # Output comes in 1–12月 rows only (E3's December follows a November without output): every
    # month is a gap, shown as "--", never as 0.00.
    expect(monthly.locator("tbody tr").first).to_have_text(re.compile(r"^\s*1–2月\s*--\s*--\s*$"))
    expect(monthly.locator("td", has_text=re.compile(r"^\s*0\.00\s*$"))).to_have_count(0)
    shoot(page, "statistics-report-months")
    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-pdf").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(  # noqa: S603 - fixed arguments, our own file
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "实现规上产值8450万元" in "".join(text.split())


def _filled(template: bytes, revenue: dict[str, Decimal], *, unit: str) -> bytes:
    """The downloaded template with this month's revenue typed in (万元 as given, or ×10,000 in 元)."""
    book = load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("营业收入（万元）") + 1
    if unit == "元":
        sheet.cell(row=1, column=column, value="营业收入（元）")
    name_column = headers.index("企业名称") + 1
    for row in range(3, sheet.max_row + 1):  # row 2 is the example, marked "#"
        name = sheet.cell(row=row, column=name_column).value
        if name in revenue:
            value = revenue[name] * (10_000 if unit == "元" else 1)
            sheet.cell(row=row, column=column, value=float(value))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_officer_imports_the_prefilled_template_in_yuan_like_wan(page, park_a, bob, three, tmp_path):
    e1, e2, _e3 = three
    import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=None)
    login(page, "bob", PASSWORD)
    page.goto(f"/statistics/parks/{park_a.pk}/import/")
    with page.expect_download() as download_info:
        page.get_by_test_id("prefilled-template").click()
    template_path = tmp_path / "template.xlsx"
    download_info.value.save_as(template_path)
    template = template_path.read_bytes()
    sheet = load_workbook(io.BytesIO(template)).worksheets[0]
    listed = {row[2]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(listed) >= {"甲科技股份有限公司", "乙制药有限公司", "丙器械有限公司"}
    headers = [str(cell.value).rstrip("*") for cell in sheet[1]]  # required columns are marked "*"
    month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    assert listed["甲科技股份有限公司"][headers.index("月份")] == month.month

    revenue = {"甲科技股份有限公司": Decimal("1234.56"), "乙制药有限公司": Decimal("800")}
    stored = {}
    for unit in ("万元", "元"):
        upload = tmp_path / f"填报-{unit}.xlsx"
        upload.write_bytes(_filled(template, revenue, unit=unit))
        page.goto(f"/statistics/parks/{park_a.pk}/import/")
        page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(upload))
        page.get_by_role("button", name="导入").click()
        # The unfilled enterprise's row is skipped, and said so.
        expect(page.get_by_text("没有填写本期任何数据")).to_be_visible()
        stored[unit] = dict(
            MonthlyReport.objects.filter(year=month.year, month=month.month).values_list("enterprise_id", "revenue")
        )
        if unit == "万元":
            shoot(page, "statistics-prefilled-import")
    assert stored["万元"] == stored["元"] == {e1.pk: Decimal("12345600.00"), e2.pk: Decimal("8000000.00")}


def test_tenant_waits_for_the_month_to_end_and_a_revision_for_approval(page, park_a, bob, three):
    import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=None)
    UserFactory(username="tina", role=Role.ENTERPRISE_USER, enterprise=three[0])
    allow_late(park_a, three[0], 2025, 11, bob)
    today = timezone.localdate()

    login(page, "tina", PASSWORD)
    page.goto("/statistics/my/")
    form = page.get_by_test_id("tenant-form")
    form.get_by_label("年份").fill(str(today.year))
    form.get_by_label("月份").fill(str(today.month))
    form.get_by_label("营业收入（万元）", exact=True).fill("100")
    form.get_by_role("button", name="提交").click()
    expect(page.get_by_text("该月尚未结束")).to_be_visible()

    def submit(revenue: str, prior: str) -> None:
        form.get_by_label("年份").fill("2025")
        form.get_by_label("月份").fill("11")
        form.get_by_label("营业收入（万元）", exact=True).fill(revenue)
        form.get_by_label("上年同期营业收入（万元）").fill(prior)
        form.get_by_role("button", name="提交").click()

    submit("3000", "2900")
    expect(page.get_by_role("status")).to_contain_text("2025年1–11月统计数据已提交")
    submit("6000", "2900")  # +107 % on last year: confirm and explain
    expect(page.get_by_test_id("moves")).to_contain_text("营业收入（万元）：同比 +106.9%")
    form.get_by_label("我已核对，上述大幅变动属实").check()
    form.get_by_label("变动说明").fill("新产线11月投产")
    form.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text("的修订已提交，园区审核通过后生效")
    expect(page.get_by_test_id("waiting")).to_be_visible()
    shoot(page, "statistics-tenant-revision")
    assert MonthlyReport.objects.get(enterprise=three[0], month=11).revenue == Decimal("30000000.00")
    page.get_by_role("button", name="退出").click()

    login(page, "bob", PASSWORD)
    page.goto(f"/statistics/parks/{park_a.pk}/calendar/")
    page.get_by_test_id("submissions-link").click()
    pending = page.locator("[data-testid^=pending-]")
    expect(pending).to_contain_text("新产线11月投产")
    expect(pending).to_contain_text("6,000.00")
    shoot(page, "statistics-submissions")
    pending.get_by_role("button", name="批准").click()
    expect(page.get_by_test_id("no-pending")).to_be_visible()
    assert MonthlyReport.objects.get(enterprise=three[0], month=11).revenue == Decimal("60000000.00")


def test_officer_records_a_move_out_and_the_report_changes(page, park_a, bob, three):
    """The mover 丁 came 规上 in July (迁入); the officer records on its page that it moved out at the
    end of November: it is out of the year-end 规上 set and of 新增规上 (RULES §5.3)."""
    import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=None)
    _mover_and_pharmacy(park_a)
    mover = MonthlyReport.objects.filter(park=park_a, year=2025, month=12).get(enterprise__name="丁医疗器械有限公司")
    login(page, "bob", PASSWORD)
    page.goto(f"/statistics/parks/{park_a.pk}/report/2025/")
    industry = page.get_by_test_id("section-industry")
    expect(industry.get_by_test_id("line-industry-new-above")).to_contain_text("2（升规1、迁入1）")

    page.goto(f"/enterprises/{mover.enterprise_id}/")
    page.get_by_role("link", name="在园记录").first.click()
    form = page.get_by_test_id("presence-form")
    form.get_by_label("园区").select_option(label=park_a.name)
    form.get_by_label("迁入日期").fill("2025-07-01")
    form.get_by_label("迁出日期").fill("2025-06-01")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("presence-form")).to_contain_text("迁出日期必须晚于迁入日期")
    form = page.get_by_test_id("presence-form")
    form.get_by_label("迁出日期").fill("2025-11-30")
    form.get_by_label("备注").fill("搬迁通知书")
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已登记在园记录")
    expect(page.get_by_test_id("presence-stays")).to_contain_text("2025-11-30")
    expect(page.get_by_test_id("presence-history")).to_contain_text("迁出日期：— → 2025-11-30")
    shoot(page, "leasing-presence")

    page.goto(f"/statistics/parks/{park_a.pk}/report/2025/")
    industry = page.get_by_test_id("section-industry")
    new_above = industry.get_by_test_id("line-industry-new-above")
    expect(new_above).to_contain_text("1")
    expect(new_above).not_to_contain_text("迁入")
    expect(page.get_by_test_id("new-above-scale").locator("tr[data-kind=moved_in]")).to_have_count(0)
