"""Imports through the browser: a GBK file in 元 previewed then imported, a large file as a background job,
the inventory's row errors. Screenshots (desktop and phone, Chinese and English) land in var/screenshots/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.core.tests.import_files import csv_bytes, xlsx_bytes
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.parks.models import Unit
from parkos.statistics.models import MonthlyReport
from tests.e2e.conftest import STACK, login

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def test_statistics_gbk_file_in_yuan_previewed_then_imported(page, alice, park_a, tmp_path):
    enterprise = EnterpriseFactory(name="甲科技股份有限公司", parks=[park_a], lifecycle="tenant")
    upload = tmp_path / "统计.csv"
    head = ["统一社会信用代码", "年份", "月份", "口径", "营业收入（元）", "工业总产值（元）"]
    upload.write_bytes(csv_bytes([head, [enterprise.credit_code, 2025, 3, "累计", 12000000, 13000000]], "gbk"))
    login(page, "alice", PASSWORD)
    page.goto(f"/statistics/parks/{park_a.pk}/import/")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(upload))
    page.get_by_label("仅预览").check()
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-preview")).to_contain_text("将新增 1")
    assert not MonthlyReport.objects.exists()
    shoot(page, "statistics-import-preview")
    expect(page.get_by_label("仅预览")).not_to_be_checked()  # the next submit imports
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("已导入 1 行：新增 1，更新 0，未变 0。")).to_be_visible()
    assert MonthlyReport.objects.get().revenue == Decimal("12000000.00")  # 元 stays 元, not ×10,000


def test_statistics_refused_unit_is_shown_by_column(page, alice, park_a, tmp_path):
    upload = tmp_path / "bad.csv"
    upload.write_bytes(csv_bytes([["统一社会信用代码", "年份", "月份", "工业总产值（美元）"], ["x", 2025, 3, 1]]))
    login(page, "alice", PASSWORD)
    page.goto(f"/statistics/parks/{park_a.pk}/import/")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("单位“美元”不能用于此列")
    shoot(page, "statistics-import-errors")
    page.get_by_test_id("lang-en").click()
    page.goto(f"/statistics/parks/{park_a.pk}/import/")
    shoot(page, "statistics-import-en")
    page.get_by_test_id("lang-zh-hans").click()


@pytest.mark.skipif(
    STACK,
    reason="the stack's size threshold is its own setting (IMPORT_BACKGROUND_MB); there the enterprise import "
    "journey shows the real worker running a queued import",
)
def test_large_inventory_file_runs_as_a_background_job(page, alice, immediate_tasks, settings, tmp_path):
    settings.IMPORT_BACKGROUND_MB = 0
    upload = tmp_path / "空间.xlsx"
    upload.write_bytes(
        xlsx_bytes(
            {
                "园区": [["园区编码", "园区名称", "城市", "占地面积（亩）"], ["NEW-01", "新建产业园", "重庆市", 136]],
                "楼栋": [["园区编码", "楼栋编号", "结构类型", "地上层数"], ["NEW-01", "A1", "多层框架", 4]],
                "楼层": [
                    ["园区编码", "楼栋编号", "楼层", "建筑面积（m²）", "楼面活荷载（kN/m²）", "净高（m）"],
                    ["NEW-01", "A1", 1, 3000, 12, 6.5],
                ],
                "单元": [
                    ["园区编码", "单元编号", "楼栋编号", "所在楼层", "面积（m²）"],
                    ["NEW-01", "A1-101", "A1", 1, 1500],
                ],
            }
        )
    )
    login(page, "alice", PASSWORD)
    page.goto("/parks/import/")
    page.get_by_label("文件").set_input_files(str(upload))
    page.get_by_role("button", name="校验并导入").click()
    expect(page.get_by_test_id("import-status")).to_have_text("已完成")
    expect(page.get_by_test_id("import-counts")).to_contain_text("新增 1")
    assert Unit.objects.get(code="A1-101").park.land_area_sqm == Decimal("90666.67")  # 136 亩
    shoot(page, "inventory-import-job")


def test_inventory_errors_listed_by_sheet_row_and_column(page, bob, park_a, tmp_path):
    upload = tmp_path / "单元.xlsx"
    upload.write_bytes(xlsx_bytes({"单元": [["园区编码", "单元编号", "面积（m²）"], ["CQ-A", "Z-1", "很大"]]}))
    login(page, "bob", PASSWORD)
    page.goto("/parks/import/")
    shoot(page, "inventory-import-form")
    page.get_by_label("文件").set_input_files(str(upload))
    page.get_by_role("button", name="校验并导入").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("“很大”不是有效的数字")
    expect(errors).to_contain_text("面积（m²）")
    shoot(page, "inventory-import-errors")
