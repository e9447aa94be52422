"""Journey: an officer records a project from signing to 投产 with monthly investment, a drug through IND
to phase III and a device to registration, and a listing; the annual report counts them and the
enterprise timeline shows them. And a workbook imported: its errors first, then its rows."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.core.tests.import_files import xlsx_bytes
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.innovation.models import Product, Project, ProjectProgress
from parkos.statistics.importing import import_reports
from parkos.statistics.tests.conftest import csv_bytes, year_rows
from tests.e2e.conftest import login
from tests.e2e.test_imports import shoot


def _step(page: Page, summary: str, fields: dict[str, str], selects: dict[str, str] | None = None) -> None:
    """Open a page's <details> action, fill it and submit; the page reloads with a message."""
    box = page.locator("details.action", has=page.locator("summary", has_text=summary))
    if not box.evaluate("element => element.open"):
        box.locator("summary").click()
    for name, label in (selects or {}).items():
        box.locator(f"[name={name}]").select_option(label=label)
    for name, value in fields.items():
        box.locator(f"[name={name}]").fill(value)
    box.get_by_role("button").click()


def test_officer_records_a_project_a_pipeline_and_a_listing(page, park_a, bob):
    three = (
        EnterpriseFactory(name="甲科技股份有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="乙制药有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="丙器械有限公司", parks=[park_a], lifecycle="tenant"),
    )
    import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=None)
    tenant = three[1]
    login(page, "bob", PASSWORD)

    # 1. A project from signing to 投产, with a month of investment by component.
    page.locator("nav.mainnav").get_by_role("link", name="创新生态").click()
    page.locator("nav.subnav").get_by_role("link", name="建设项目").click()
    page.get_by_role("link", name="新建项目").click()
    page.locator("#id_park").select_option(label=park_a.name)
    page.get_by_label("项目名称").fill("制剂车间")
    page.get_by_label("建设单位（名称或统一社会信用代码）").fill(tenant.name)
    page.get_by_label("计划总投资（万元）").fill("20000")
    page.get_by_label("计划签约日期").fill("2025-01-10")
    page.get_by_label("签约日期", exact=True).fill("2025-01-10")
    page.get_by_label("计划开工日期").fill("2025-03-01")
    page.get_by_label("计划投产日期").fill("2025-10-31")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("status")).to_contain_text("滞后")  # its planned dates passed long ago
    for phase, on in (
        ("供地/租赁交付", "2025-02-20"),
        ("开工", "2025-03-15"),
        ("主体完工", "2025-08-30"),
        ("竣工验收", "2025-11-10"),
    ):
        _step(page, "记录阶段实际日期", {"actual_on": on}, {"phase": phase})
        expect(page.locator(".messages")).to_contain_text("已记录阶段日期")
    _step(page, "记录阶段实际日期", {"actual_on": "2025-11-28"}, {"phase": "投产（建成投用）"})
    expect(page.get_by_test_id("status")).to_have_text("已建成投用")
    expect(page.get_by_test_id("phases")).to_contain_text("晚于计划 28 天")  # planned 10-31, done 11-28
    _step(
        page,
        "填报月度完成投资",
        {
            "year": "2025",
            "month": "6",
            "construction": "3000",
            "installation": "500",
            "equipment": "1200",
            "other": "300",
        },
    )
    expect(page.get_by_test_id("progress")).to_contain_text("5,000.00")
    # Far above the plan: refused, in Chinese, nothing written.
    _step(
        page,
        "填报月度完成投资",
        {"year": "2025", "month": "7", "construction": "30000", "installation": "0", "equipment": "0", "other": "0"},
    )
    expect(page.locator(".messages")).to_contain_text("超过计划总投资")
    assert ProjectProgress.objects.filter(project__name="制剂车间").count() == 1

    # 2. A drug through IND to phase III.
    page.locator("nav.subnav").get_by_role("link", name="研发产品").click()
    page.get_by_role("link", name="新增产品").click()
    page.locator("#id_park").select_option(label=park_a.name)
    page.get_by_label("企业（名称或统一社会信用代码）").fill(tenant.name)
    page.get_by_label("产品名称").fill("BC-101 注射液")
    page.get_by_label("产品类型").select_option(label="药品")
    page.get_by_label("药品注册分类").select_option(label="1类：创新药")
    page.get_by_label("当前阶段").select_option(label="临床前")
    page.get_by_label("进入该阶段日期").fill("2024-01-10")
    page.get_by_role("button", name="保存").click()
    for stage, on in (
        ("IND已申报", "2024-06-01"),
        ("IND已获批", "2024-08-20"),
        ("一期临床", "2024-10-01"),
        ("二期临床", "2025-02-01"),
        ("三期临床", "2025-09-01"),
    ):
        _step(page, "记录新阶段", {"on": on}, {"stage": stage})
        expect(page.get_by_test_id("stage")).to_have_text(stage)

    # 3. A device to registration: the certificate number is checked by format.
    page.locator("nav.subnav").get_by_role("link", name="研发产品").click()
    page.get_by_role("link", name="新增产品").click()
    page.locator("#id_park").select_option(label=park_a.name)
    page.get_by_label("企业（名称或统一社会信用代码）").fill(three[2].name)
    page.get_by_label("产品名称").fill("心脏封堵器")
    page.get_by_label("产品类型").select_option(label="医疗器械")
    page.get_by_label("器械类别").select_option(label="第三类")
    page.get_by_label("注册证/备案编号").fill("国药准字H20200001")
    page.get_by_label("当前阶段").select_option(label="注册/备案审评中")
    page.get_by_label("进入该阶段日期").fill("2025-03-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".has-error")).to_contain_text("药品批准文号")
    page.get_by_label("注册证/备案编号").fill("国械注准20253130123")
    page.get_by_role("button", name="保存").click()
    _step(page, "记录新阶段", {"on": "2025-10-15"}, {"stage": "已注册"})
    expect(page.get_by_test_id("stage")).to_have_text("已注册")
    expect(page.get_by_test_id("device-number")).to_contain_text("第三类")

    # 4. A listing.
    page.locator("nav.subnav").get_by_role("link", name="里程碑").click()
    page.get_by_role("link", name="记录里程碑").click()
    page.locator("#id_park").select_option(label=park_a.name)
    page.get_by_label("企业（名称或统一社会信用代码）").fill(three[0].name)
    page.locator("#id_kind").select_option(label="上市")
    page.locator("#id_on").fill("2025-06-18")
    page.get_by_label("上市板块").select_option(label="科创板")
    page.get_by_label("股票代码").fill("688001")
    page.get_by_label("证券简称").fill("甲科技")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("上市 · 科创板 688001")

    # 5. The annual report counts them.
    page.goto(f"/statistics/parks/{park_a.pk}/report/2025/")
    paragraph = page.get_by_test_id("paragraph")
    expect(paragraph).to_contain_text("全年建成投用项目1个")
    expect(paragraph).to_contain_text("甲科技科创板挂牌上市")
    expect(paragraph).to_contain_text("进入临床的1类新药1个")
    # At the end of 2025 the drug is in phase III, which it first entered in September.
    expect(paragraph).to_contain_text("1个产品处于三期临床，1个产品新进入三期临床")
    expect(page.get_by_test_id("pipeline")).to_contain_text("进入临床的1类新药")
    expect(page.get_by_test_id("projects")).to_contain_text("制剂车间")

    # 6. The enterprise timeline shows them; the pipeline counts them on a past day too.
    page.goto(f"/innovation/enterprises/{tenant.pk}/timeline/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("BC-101 注射液 · 三期临床")
    expect(timeline).to_contain_text("BC-101 注射液 · IND已获批")
    expect(timeline).to_contain_text("制剂车间 · 投产（建成投用）")
    page.goto("/innovation/pipeline/?on=2024-12-31")
    expect(page.get_by_test_id("clinical-matrix")).to_contain_text("化学药品 1类：创新药")
    assert Project.objects.get(name="制剂车间").completed_on.isoformat() == "2025-11-28"
    assert Product.objects.get(name="心脏封堵器").device_number == "国械注准20253130123"


def test_officer_imports_a_workbook_sees_the_errors_then_imports_it(page, park_a, bob, tmp_path):
    tenant = EnterpriseFactory(name="乙制药有限公司", parks=[park_a], lifecycle="tenant")
    code = tenant.credit_code
    sheets: dict[str, list[list[object]]] = {
        "建设项目": [
            ["项目名称", "建设单位统一社会信用代码", "计划总投资（万元）", "签约日期", "建成投用日期"],
            ["制剂车间", code, 20000, "2025-01-10", "2099-11-28"],
        ],
        "研发产品": [
            ["企业统一社会信用代码", "产品名称", "产品类型", "药品注册类别", "注册分类", "当前阶段", "进入该阶段日期"],
            [code, "BC-101 注射液", "药品", "化学药品", "1", "二期临床", "2025-02-01"],
        ],
    }  # fmt: skip
    upload = tmp_path / "创新.xlsx"
    upload.write_bytes(xlsx_bytes(sheets))
    login(page, "bob", PASSWORD)
    page.locator("nav.mainnav").get_by_role("link", name="创新生态").click()
    page.locator("nav.subnav").get_by_role("link", name="建设项目").click()
    page.get_by_role("link", name="批量导入").click()
    page.locator("#id_park").select_option(label=park_a.name)
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("建设项目")
    expect(errors).to_contain_text("不能晚于今天")
    assert (Project.objects.count(), Product.objects.count()) == (0, 0)  # all or nothing
    shoot(page, "innovation-import-errors")

    sheets["建设项目"][1][4] = "2025-11-28"
    upload.write_bytes(xlsx_bytes(sheets))
    page.locator("#id_park").select_option(label=park_a.name)
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    expect(page.locator(".messages")).to_contain_text("已导入 2 行：新增 2，更新 0，未变 0。")
    assert Project.objects.get().completed_on.isoformat() == "2025-11-28"
    assert Product.objects.get().stage == "phase2"
    page.get_by_test_id("lang-en").click()
    shoot(page, "innovation-import-en")
    page.get_by_test_id("lang-zh-hans").click()
