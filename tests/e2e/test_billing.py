"""Journey: a month's bills for the flagship are run, approved and issued; a tenant sees its bill; a bank
statement is imported, matched and allocated; the ageing report moves; the unpaid tenant is reminded.

Set PARKOS_SCREENSHOTS=<dir> to save screenshots of the pages at desktop and phone width.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import PASSWORD, UserFactory
from parkos.billing.models import Bill, Payment, Reminder, UtilityTariff
from parkos.billing.tests.factories import billing_profile, lease, run_month
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.monitoring.choices import MeterKind, ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory
from tests.e2e.conftest import login

SHOTS = os.environ.get("PARKOS_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    """Desktop and phone screenshots of the current page, when asked for."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=folder / f"{name}-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


# Dates in the bill's date cells (the lines' due dates and periods, the header facts) that the browser
# laid out on more than one line: "2026-12-" / "15" reads as two figures.
BROKEN_DATES_JS = """() => {
  const cells = document.querySelectorAll('[data-testid=bill-lines] tbody td:nth-child(3), '
    + '[data-testid=bill-lines] tbody td:nth-child(4), dl.facts dd');
  const broken = [];
  for (const cell of cells) {
    if (!cell.getClientRects().length) continue;  // a column hidden at this width
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const match of node.data.matchAll(/\\d{4}-\\d{2}-\\d{2}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def assert_dates_unbroken(page: Page) -> None:
    """No date of the bill wraps, at desktop or phone width."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate(BROKEN_DATES_JS) == [], f"dates broken across lines at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


# The bill's lines table as laid out: headers that wrap, numeric cells not right-aligned, and whether its
# wrapper scrolls sideways (on a phone the table keeps its columns readable and scrolls instead).
BILL_TABLE_JS = """() => {
  const table = document.querySelector('[data-testid=bill-lines]');
  const lines = (cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const visible = (cell) => cell.getClientRects().length > 0;
  const headers = [...table.querySelectorAll('thead th')].filter(visible);
  const wrapper = table.closest('.table-scroll');
  return {
    wrapped: headers.filter((th) => lines(th) > 1).map((th) => th.textContent.trim()),
    left: [...table.querySelectorAll('td.num, th.num')].filter(visible)
      .filter((cell) => getComputedStyle(cell).textAlign !== 'right').length,
    scrolls: wrapper.scrollWidth > wrapper.clientWidth,
  };
}"""


def assert_bill_table_laid_out(page: Page) -> None:
    """In English, whose headers are longest: no header of the bill's lines wraps, amounts align right,
    and on a phone the table scrolls sideways rather than squeezing its columns."""
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("bill-lines")).to_contain_text("Charge type")
    desktop = page.evaluate(BILL_TABLE_JS)
    assert (desktop["wrapped"], desktop["left"]) == ([], 0)
    page.set_viewport_size({"width": 390, "height": 844})
    phone = page.evaluate(BILL_TABLE_JS)
    assert (phone["wrapped"], phone["left"], phone["scrolls"]) == ([], 0, True)
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "billing-bill-en")
    page.get_by_test_id("lang-zh-hans").click()
    expect(page.get_by_test_id("bill-lines")).to_contain_text("费用类型")


@pytest.fixture
def flagship(park_a):
    park_a.name = "重庆国际生物城"
    park_a.save()
    billing_profile(go_live_on=datetime.date(2024, 1, 1))
    month = timezone.localdate().replace(day=1)
    end = month.replace(year=month.year + 2) - datetime.timedelta(days=1)
    tenants = [
        EnterpriseFactory(name="重庆博腾医疗器械有限公司", former_names=["重庆博腾医疗设备有限公司"]),
        EnterpriseFactory(name="重庆渝健生物科技有限公司"),
        EnterpriseFactory(name="重庆康华制药有限公司"),
    ]
    for n, tenant in enumerate(tenants):
        lease(
            park_a,
            enterprise=tenant,
            code=f"A1-10{n}",
            area=Decimal(1000 + 500 * n),
            start_on=month,
            end_on=end,
            property_fee_per_sqm_month=Decimal("3.50"),
        )
    return tenants


def test_a_month_billed_paid_aged_and_reminded(page, live_server, bob, flagship):
    tenants = flagship
    UserFactory(username="kanghua", role=Role.ENTERPRISE_USER, enterprise=tenants[2])
    month = timezone.localdate().replace(day=1)

    # 1. The park manager runs this month's bills for the flagship, approves and issues them.
    login(page, "bob", PASSWORD)
    page.get_by_role("navigation", name="模块导航").get_by_role("link", name="账单与收款").click()
    start = page.get_by_test_id("run-start")
    start.get_by_label("园区").select_option(label="重庆国际生物城")
    start.get_by_label("账期（月份）").fill(f"{month:%Y-%m}")
    start.get_by_role("button", name="生成账单预览").click()
    expect(page.get_by_test_id("run-status")).to_have_text("待审核")
    expect(page.get_by_test_id("run-bills")).to_have_text("3")
    # 1,000 + 1,500 + 2,000 m² at 25 rent and 3.50 fee: 4,500 × 28.50 = 128,250.00
    expect(page.get_by_test_id("run-total")).to_have_text("128,250.00")
    shot(page, "billing-run-preview")
    page.get_by_role("button", name="审核通过").click()
    page.get_by_role("button", name="确认出账").click()
    expect(page.get_by_test_id("run-status")).to_have_text("已出账")
    page.get_by_test_id("run-bill-list").get_by_role("link").first.click()
    expect(page.get_by_test_id("bill-total")).to_have_text("28,500.00")
    assert_dates_unbroken(page)
    assert_bill_table_laid_out(page)
    shot(page, "billing-bill")
    page.get_by_role("link", name="账龄分析").first.click()
    expect(page.get_by_test_id("ageing-total")).to_have_text("128,250.00")
    page.get_by_role("button", name="退出").click()

    # 2. The tenant sees its bill on its home page and opens it.
    login(page, "kanghua", PASSWORD)
    widget = page.get_by_test_id("widget").filter(has_text="我的账单")
    expect(widget).to_contain_text("57,000.00")
    shot(page, "billing-tenant-home")
    widget.get_by_role("link", name="我的账单（未结清，元）").click()
    bill = Bill.objects.get(account__enterprise=tenants[2])
    expect(page.get_by_test_id("tenant-bills")).to_contain_text(bill.number)
    page.get_by_role("link", name=bill.number).click()
    expect(page.get_by_test_id("bill-total")).to_have_text("57,000.00")
    shot(page, "billing-tenant-bill")
    page.get_by_role("button", name="退出").click()

    # 3. The officer imports the bank statement: one transfer matches by the tenant's former name,
    #    one from an unknown payer waits and is booked by hand.
    login(page, "bob", PASSWORD)
    page.goto("/billing/statements/")
    csv_text = (
        "交易日期,收入金额,支出金额,对方户名,对方账号,摘要,交易流水号\n"
        f"{timezone.localdate()},28500.00,,重庆博腾医疗设备有限公司,6222,房租,T1\n"
        f"{timezone.localdate()},42750.00,,张三,6223,代付,T2\n"
    )
    form = page.get_by_test_id("statement-import")
    form.get_by_label("收款园区").select_option(label="重庆国际生物城")
    form.get_by_label("银行流水格式").select_option(label="中国农业银行")
    form.get_by_label("流水文件").set_input_files(
        files=[{"name": "流水.csv", "mimeType": "text/csv", "buffer": csv_text.encode("gbk")}]
    )
    form.get_by_role("button", name="导入").click()
    expect(page.locator(".messages")).to_contain_text("自动入账 1 笔")
    lines = page.get_by_test_id("statement-lines")
    expect(lines.get_by_text("已入账")).to_have_count(1)
    shot(page, "billing-statement")
    row = lines.locator("tr", has_text="张三")
    row.get_by_label("入账企业").select_option(label="重庆渝健生物科技有限公司 · 重庆国际生物城")
    row.get_by_role("button", name="确认入账").click()
    expect(page.locator(".messages")).to_contain_text("已入账")
    assert Payment.objects.filter(allocated_amount__gt=0).count() == 2

    # 4. The ageing report moves: only the third tenant still owes.
    page.goto("/billing/ageing/")
    expect(page.get_by_test_id("ageing-total")).to_have_text("57,000.00")
    shot(page, "billing-ageing")

    # 5. A reminder goes out for the unpaid tenant, and the tenant reads it at home.
    page.get_by_test_id("ageing").get_by_role("link", name="重庆康华制药有限公司").click()
    page.get_by_role("button", name="发送催缴通知").click()
    expect(page.locator(".messages")).to_contain_text("第1级催缴通知")
    expect(page.get_by_test_id("account-reminders")).to_contain_text("缴费提醒")
    assert Reminder.objects.get().account.enterprise == tenants[2]
    page.goto(f"/billing/reconciliation/?year={month.year}&month={month.month}")
    expect(page.get_by_test_id("reconciliation-status")).to_have_text("账实相符")
    shot(page, "billing-reconciliation")
    page.get_by_role("button", name="退出").click()
    login(page, "kanghua", PASSWORD)
    expect(page.get_by_test_id("widget").filter(has_text="我的账单")).to_contain_text("缴费提醒")


def test_a_tenant_checks_its_electricity_line_from_the_meter(page, live_server, flagship, park_a):
    """Last month's consumption of the tenant's meter is on this month's bill: meter, days, quantity and
    unit price on the page and in the PDF (desktop and phone, Chinese and English)."""
    tenant = flagship[2]
    UserFactory(username="kanghua", role=Role.ENTERPRISE_USER, enterprise=tenant)
    month = timezone.localdate().replace(day=1)
    last_month = (month - datetime.timedelta(days=1)).replace(day=1)
    meter = MeterFactory(
        park=park_a, kind=MeterKind.ELECTRICITY, enterprise=tenant, code="E-A1-102", name="A1-102 总表"
    )
    china = datetime.timezone(datetime.timedelta(hours=8))
    first = datetime.datetime.combine(last_month, datetime.time(0), tzinfo=china)
    days = (month - last_month).days
    # 6-hourly, 120 kWh a day: the 00:00 reading of the 1st of this month closes last month.
    readings = [RawReading(meter.code, first + datetime.timedelta(hours=6 * i), 30.0 * i) for i in range(days * 4 + 1)]
    assert ingest_readings(park=park_a, readings=readings, source=ReadingSource.API).rejected == 0
    UtilityTariff.objects.create(
        park=park_a,
        kind="electricity",
        unit="kWh",
        unit_price=Decimal("0.85"),
        effective_from=datetime.date(2020, 1, 1),
    )
    run_month(park_a, month)
    bill = Bill.objects.get(account__enterprise=tenant)

    login(page, "kanghua", PASSWORD)
    page.goto(f"/billing/my/bills/{bill.pk}/")
    lines = page.get_by_test_id("bill-lines")
    expect(lines).to_contain_text(f"电费 {last_month.isoformat()}至")
    expect(lines).to_contain_text("表计 E-A1-102 A1-102 总表")
    expect(lines.get_by_test_id("line-usage")).to_have_text(f"用量 {days * 120} kWh × 单价 0.85 元/kWh")
    assert_dates_unbroken(page)
    shot(page, "billing-tenant-utility-zh")
    page.get_by_test_id("lang-en").click()
    expect(lines.get_by_test_id("line-usage")).to_have_text(f"Usage {days * 120} kWh × unit price CNY 0.85/kWh")
    assert_dates_unbroken(page)
    shot(page, "billing-tenant-utility-en")
    pdf = page.request.get(f"/billing/my/bills/{bill.pk}/pdf/")
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    if SHOTS:
        (Path(SHOTS) / "billing-tenant-utility-en.pdf").write_bytes(pdf.body())
    page.get_by_test_id("lang-zh-hans").click()
    pdf = page.request.get(f"/billing/my/bills/{bill.pk}/pdf/")
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    if SHOTS:
        (Path(SHOTS) / "billing-tenant-utility-zh.pdf").write_bytes(pdf.body())
