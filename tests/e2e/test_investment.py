"""Journey: a prospect submits the public requirement form and sees matches; the officer takes it to signing."""

from decimal import Decimal

from django.core.cache import cache
from playwright.sync_api import expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.parks.choices import BuildingStructure, FireHazardClass
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from tests.e2e.conftest import login


def _space(park):
    multi = BuildingFactory(park=park, code="A1", storeys=4, design_fire_class=FireHazardClass.BING)
    UnitFactory(floor=FloorFactory(building=multi, level=1), code="A1-101", area_sqm=Decimal(2400))
    shed = BuildingFactory(
        park=park, code="J1", structure=BuildingStructure.SINGLE_STOREY_STEEL, storeys=1,
        design_fire_class=FireHazardClass.JIA,
    )  # fmt: skip
    UnitFactory(
        floor=FloorFactory(building=shed, level=1, clear_height_m=Decimal(9)), code="J1-101", area_sqm=Decimal(2000)
    )


def test_prospect_submits_and_officer_signs(page, carol, park_a):
    cache.clear()
    _space(park_a)
    # 1. The prospect, not logged in, fills the form in Chinese.
    page.goto(f"/requirement/?park={park_a.code}")
    page.get_by_label("需求类型").select_option(label="厂房")
    page.get_by_label("面积不小于").fill("1500")
    page.get_by_label("面积不大于").fill("3000")
    page.locator("#id_industry_code-ts-control").fill("27")  # the GB/T 4754 picker searches code, name, pinyin
    page.locator(".ts-dropdown .option", has_text="医药制造业").first.click()
    page.get_by_label("预计年税收（万元）").fill("500")
    page.get_by_label("使用闪点低于28℃的易燃溶剂（如乙醇、甲醇、丙酮、乙酸乙酯）").check()
    page.get_by_label("公司名称").fill("重庆原料药合成有限公司")
    page.locator("#id_contact_name").fill("王先生")
    page.locator("#id_mobile").fill("139 1234 5678")
    page.get_by_label("我同意园区运营方为匹配招商资源而处理上述个人信息（姓名、手机号），并可就此联系我").check()
    page.get_by_role("button", name="提交需求").click()
    done = page.get_by_test_id("requirement-done")
    expect(done).to_contain_text("需求已提交")
    matches = page.get_by_test_id("public-matches")
    expect(matches).to_contain_text(park_a.name)
    expect(matches).to_contain_text("J1")  # the 甲 single-storey shed
    expect(matches).not_to_contain_text("A1")  # the 丙 multi-storey building is never offered
    # 2. The officer finds it on the board, opens its matches, logs a visit and signs.
    page.context.clear_cookies()
    login(page, "carol", PASSWORD)
    page.get_by_role("link", name="招商", exact=True).click()
    page.get_by_test_id("column-new").get_by_role("link", name="重庆原料药合成有限公司").click()
    expect(page.get_by_test_id("matches")).to_contain_text("J1-101")
    expect(page.get_by_test_id("matches")).to_contain_text("可承载甲类生产")
    form = page.get_by_test_id("activity-form")
    form.get_by_label("类型").select_option(label="实地考察")
    form.get_by_label("内容").fill("带客户看J1栋单层厂房")
    form.get_by_label("带看单元编号").fill("J1-101")
    form.get_by_role("button", name="保存跟进").click()
    expect(page.locator(".messages")).to_contain_text("已记录跟进")
    expect(page.get_by_test_id("timeline")).to_contain_text("带看：J1-101")
    page.get_by_test_id("move-form").get_by_label("移动到").select_option(label="已签约")
    page.get_by_test_id("move-form").get_by_label("说明").fill("集团总部统一签约")  # no signed contract: a reason
    page.get_by_role("button", name="移动阶段").click()
    expect(page.get_by_test_id("lead-stage")).to_have_text("已签约")
    expect(page.get_by_test_id("timeline")).to_contain_text("阶段：新线索 → 已签约")
