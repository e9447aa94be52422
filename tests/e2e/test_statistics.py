"""Journey: a tenant submits a month's figures; the park director opens the dashboard and downloads
the annual report PDF, which renders Chinese text."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import PASSWORD, UserFactory
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics.importing import import_reports
from parkos.statistics.models import MonthlyReport
from parkos.statistics.tests.conftest import csv_bytes, year_rows
from tests.e2e.conftest import login


@pytest.fixture
def three(park_a):

    return (
        EnterpriseFactory(name="甲科技股份有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="乙制药有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="丙器械有限公司", parks=[park_a], lifecycle="tenant"),
    )


def test_tenant_submits_and_director_downloads_the_annual_report(page, park_a, bob, three, tmp_path):
    import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=None)
    UserFactory(username="tina", role=Role.ENTERPRISE_USER, enterprise=three[0])

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

    # 2. The director opens the dashboard and downloads the PDF.
    login(page, "bob", PASSWORD)
    page.get_by_role("navigation", name="模块导航").get_by_role("link", name="统计与年报").click()
    expect(page.get_by_test_id("paragraph")).to_contain_text("实现规上产值8450万元，同比增长30.0%")
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
