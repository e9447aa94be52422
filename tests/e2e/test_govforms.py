"""Journey: a statistics officer enters a month's product output and downloads the B204-1 form,
whose product line and 工业总产值 are those entered. Screenshots (desktop and phone, Chinese and
English) go to var/screenshots/govforms/."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics import services
from parkos.statistics.models import ProductOutput
from tests.e2e.conftest import login

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "govforms"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_officer_enters_product_output_and_downloads_b204(page, live_server, park_a, bob):
    maker = EnterpriseFactory(name="渝康防护用品有限公司", parks=[park_a], lifecycle="tenant")
    services.report_submit(
        park=park_a, enterprise=maker, year=2025, month=12, is_cumulative=True,
        values={"output": Decimal("36000000"), "exports": Decimal("4000000")}, actor=None,
    )  # fmt: skip
    login(page, "bob", PASSWORD)
    page.goto(f"{live_server.url}/statistics/parks/{park_a.pk}/products/?year=2025&month=12")
    form = page.get_by_test_id("output-form")
    form.get_by_label("企业").select_option(label="渝康防护用品有限公司")
    form.get_by_label("年份").fill("2025")
    form.get_by_label("月份").fill("12")
    form.get_by_label("产品名称").fill("医用防护服")
    form.get_by_label("计量单位").select_option(label="万件")
    form.get_by_label("本月产量").fill("12.5")
    form.get_by_label("出口交货值（万元）").fill("80")
    form.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.get_by_test_id("output-rows")).to_contain_text("医用防护服")
    assert ProductOutput.objects.get().exports == Decimal("800000")
    # On a phone the seven-column table keeps each header on one line and scrolls sideways; both
    # tables are as wide as the page (no header broken into a character a line).
    page.set_viewport_size({"width": 390, "height": 844})
    rows, totals = page.get_by_test_id("output-rows"), page.get_by_test_id("output-totals")
    header = rows.locator("th").first
    expect(header).to_have_text("企业")
    line = header.evaluate("th => parseFloat(getComputedStyle(th).lineHeight) || 20")
    assert header.bounding_box()["height"] < 2 * line + 16  # one line and its padding
    for table in (rows, totals):
        assert table.evaluate("t => t.offsetWidth >= t.parentElement.clientWidth - 1")
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "products-zh")

    with page.expect_download() as download:
        page.get_by_test_id("b204-export").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["渝康防护用品有限公司"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    # The NBS form's codes and columns (RULES §10.5): 本年 本月, 1—本月, then 上年同期 (none here).
    assert ["工业总产值（当年价格）", "千元", "01", None, 36000, None, None] in rows
    assert ["医用防护服", "万件", None, 12.5, 12.5, None, None] in rows
    assert "数据来源" in book.sheetnames

    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("output-rows")).to_be_visible()
    shoot(page, "products-en")
    page.get_by_test_id("lang-zh-hans").click()
