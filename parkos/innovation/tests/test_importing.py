"""The innovation import: a workbook through the services, all or nothing or valid rows, idempotent."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkos.core.importing.jobs import run_job
from parkos.core.models import AuditEntry, ImportJob
from parkos.core.tests.import_files import xlsx_bytes
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.innovation import importing
from parkos.innovation.models import Milestone, Product, ProductStage, Project, ProjectProgress

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


@pytest.fixture
def code(tenant):
    return tenant.credit_code


def _good(code):
    return {
        "建设项目": [
            ["项目名称", "项目类型", "建设单位统一社会信用代码", "计划总投资（万元）", "建筑面积（亩）", "签约日期", "开工日期", "建成投用日期"],
            ["制剂车间", "工业项目", code, 20000, 15, "2025-01-10", "2025/3/15", "2025年11月28日"],
            ["标准厂房三期", "标准厂房（园区自建）", "", 8000, None, "2025-02-01", None, None],
        ],
        "月度完成投资": [
            ["项目名称", "年份", "月份", "建筑工程（万元）", "安装工程（万元）", "设备工器具购置（万元）", "其他费用（万元）"],
            ["制剂车间", 2025, 6, 3000, 500, 1200, 300],
        ],
        "研发产品": [
            ["企业统一社会信用代码", "产品名称", "产品类型", "药品注册类别", "注册分类", "当前阶段", "进入该阶段日期"],
            [code, "BC-101 注射液", "药品", "化学药品", "1", "临床前", "2024-01-10"],
        ],
        "产品阶段": [
            ["企业统一社会信用代码", "产品名称", "阶段", "日期"],
            [code, "BC-101 注射液", "IND已获批", "2024-08-20"],
            [code, "BC-101 注射液", "三期临床", "2025-09-01"],
        ],
        "里程碑": [
            ["企业统一社会信用代码", "类型", "日期", "上市板块", "股票代码"],
            [code, "上市", "2025-06-18", "科创板", "688001"],
        ],
    }  # fmt: skip


def test_a_workbook_imports_through_the_services_and_twice_changes_nothing(park_a, bob, code, tenant):
    data = xlsx_bytes(_good(code))
    first = importing.import_workbook(park=park_a, name="创新.xlsx", data=data, actor=bob)
    assert first.ok, first.errors
    project = Project.objects.get(name="制剂车间")
    assert (project.enterprise_id, project.planned_investment, project.completed_on) == (
        tenant.pk,
        D(200_000_000),
        day(2025, 11, 28),
    )
    assert project.floor_area_sqm == D("10000.00")  # 15 亩
    assert Project.objects.get(name="标准厂房三期").enterprise is None
    assert ProjectProgress.objects.get().investment == D(50_000_000)
    product = Product.objects.get()
    assert (product.stage, product.stage_since) == ("phase3", day(2025, 9, 1))
    assert list(ProductStage.objects.order_by("on").values_list("stage", flat=True)) == [
        "preclinical",
        "ind_approved",
        "phase3",
    ]
    tenant.refresh_from_db()
    assert (tenant.listing_status, tenant.stock_code) == ("star", "688001")
    assert first.created == 2 + 1 + 1 + 2 + 1
    audits = AuditEntry.objects.count()
    again = importing.import_workbook(park=park_a, name="创新.xlsx", data=data, actor=bob)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert AuditEntry.objects.count() == audits + 0  # nothing changed, nothing audited


def test_all_or_nothing_reports_every_error_and_writes_nothing(park_a, bob, code):
    sheets = _good(code)
    sheets["建设项目"][1][7] = "2099-01-01"  # an actual date in the future
    sheets["月度完成投资"][1][3] = 90000  # far above the plan
    sheets["研发产品"][1][2] = "疫苗"  # not a kind
    sheets["产品阶段"].append([code, "BC-101 注射液", "一期临床", "2025-10-01"])  # back from III, no reason
    sheets["里程碑"].append(["91500000000000000X", "上市", "2025-06-18", "科创板", "688002"])  # unknown enterprise
    outcome = importing.import_workbook(park=park_a, name="创新.xlsx", data=xlsx_bytes(sheets), actor=bob)
    assert not outcome.ok
    messages = " | ".join(f"{e.sheet}:{e.row}:{e.message}" for e in outcome.errors)
    assert "不能晚于今天" in messages or "日期不能晚于今天" in messages
    assert "不是有效选项" in messages
    assert "企业库中没有代码" in messages
    assert (Project.objects.count(), Product.objects.count(), Milestone.objects.count()) == (0, 0, 0)


def test_valid_rows_mode_imports_the_good_rows(park_a, bob, code):
    sheets = _good(code)
    sheets["产品阶段"].append([code, "BC-101 注射液", "一期临床", "2025-10-01"])  # back without a reason
    outcome = importing.import_workbook(
        park=park_a, name="创新.xlsx", data=xlsx_bytes(sheets), actor=bob, mode="valid_rows"
    )
    assert outcome.error_count == 1
    assert "须说明原因" in outcome.errors[0].message
    assert outcome.errors[0].sheet == "产品阶段"
    assert Product.objects.get().stage == "phase3"


def test_a_role_without_the_right_cannot_import_a_table(park_a, carol, code):
    # Investment officers import projects, not pipelines.
    outcome = importing.import_workbook(park=park_a, name="创新.xlsx", data=xlsx_bytes(_good(code)), actor=carol)
    assert not outcome.ok
    assert any("无权导入" in e.message and e.sheet == "研发产品" for e in outcome.errors)
    assert not Project.objects.exists()


def test_csv_of_one_table(park_a, bob, tenant):
    csv = (
        "企业统一社会信用代码,类型,日期,证书编号\n"
        + f"{tenant.credit_code},认定高新技术企业,2025-11-20,GR202551000123\n"
    )
    outcome = importing.import_workbook(
        park=park_a, name="里程碑.csv", data=csv.encode("utf-8-sig"), actor=bob, csv_table="milestones"
    )
    assert outcome.ok, outcome.errors
    assert Milestone.objects.get().valid_until == day(2028, 11, 19)


def test_template_and_page(client_for, park_a, code):
    book = load_workbook(io.BytesIO(importing.template_bytes()))
    assert {"建设项目", "月度完成投资", "研发产品", "产品阶段", "里程碑"} <= set(book.sheetnames)
    client = client_for("bob")
    assert client.get(reverse("innovation:import")).status_code == 200
    upload = io.BytesIO(xlsx_bytes(_good(code)))
    upload.name = "创新.xlsx"
    response = client.post(reverse("innovation:import"), {"park": park_a.pk, "file": upload, "mode": "all_or_nothing"})
    assert response.status_code == 302
    assert Project.objects.count() == 2
    assert client_for("erin").get(reverse("innovation:import")).status_code == 403
    before = Project.objects.count()
    other = EnterpriseFactory()
    upload = io.BytesIO(xlsx_bytes(_good(other.credit_code)))
    upload.name = "创新.xlsx"
    denied = client_for("dave").post(
        reverse("innovation:import"), {"park": park_a.pk, "file": upload, "mode": "all_or_nothing"}
    )
    assert denied.status_code == 200  # park A is not one of dave's: the form refuses the choice
    assert Project.objects.count() == before


def test_a_large_file_goes_to_the_background_and_its_page_is_for_the_parks_importers(
    client_for, settings, park_a, code
):
    settings.IMPORT_BACKGROUND_MB = 0
    upload = io.BytesIO(xlsx_bytes(_good(code)))
    upload.name = "创新.xlsx"
    client = client_for("bob")
    response = client.post(reverse("innovation:import"), {"park": park_a.pk, "file": upload, "mode": "all_or_nothing"})
    job = ImportJob.objects.get(importer=importing.IMPORTER)
    assert response["Location"] == reverse("innovation:import_job", args=[job.pk])
    assert not Project.objects.exists()  # nothing until the worker runs it
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert Project.objects.count() == 2
    assert client.get(response["Location"]).status_code == 200
    # Dave imports for park B only (another park's job does not exist for him), Erin is a tenant.
    for persona, status in (("dave", 404), ("erin", 403)):
        denied = client_for(persona).get(response["Location"])
        assert denied.status_code == status
        assert "创新.xlsx" not in denied.content.decode()
