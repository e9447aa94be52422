"""Journey through the inventory: park → building stacking plan → unit, and the availability search."""

from decimal import Decimal

from playwright.sync_api import expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from tests.e2e.conftest import login


def _building(park):
    building = BuildingFactory(park=park, code="A1", name="A1栋标准厂房")
    ground = FloorFactory(building=building, level=1, floor_load_kn_m2=Decimal(12), clear_height_m=Decimal(7))
    upper = FloorFactory(building=building, level=2, floor_load_kn_m2=Decimal(8), clear_height_m=Decimal("4.8"))
    UnitFactory(floor=ground, code="A1-101", area_sqm=Decimal(2400))
    UnitFactory(floor=ground, code="A1-102", area_sqm=Decimal(500))
    UnitFactory(floor=upper, code="A1-201", area_sqm=Decimal(1200))
    return building


def test_park_to_stacking_plan_to_unit_and_reserve(page, bob, park_a):
    _building(park_a)
    login(page, "bob", PASSWORD)
    page.get_by_role("link", name="园区与空间").click()
    page.get_by_role("link", name=park_a.name).click()
    expect(page.get_by_test_id("kpi-land")).to_contain_text("亩")
    page.get_by_role("link", name="A1栋标准厂房").click()
    plan = page.get_by_test_id("stacking-plan")
    expect(plan.locator(".unit-block")).to_have_count(3)
    # Filter the plan by status: hide available units.
    page.get_by_label("可租售（3）").uncheck()
    expect(plan.locator(".unit-block.dimmed")).to_have_count(3)
    page.get_by_label("可租售（3）").check()
    plan.get_by_role("link", name="A1-101 2,400 m²").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A1-101")
    expect(page.get_by_test_id("unit-facts")).to_contain_text("12.0 kN/m²")
    page.get_by_label("预留对象（意向企业）").fill("重庆博腾医疗器械有限公司")
    page.get_by_label("预留截止").fill("2099-12-31")
    page.get_by_role("button", name="预留", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已预留给 重庆博腾医疗器械有限公司")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已预留")


def test_availability_search_in_one_go(page, alice, park_a):
    _building(park_a)
    login(page, "alice", PASSWORD)
    page.get_by_role("link", name="空间查询").click()
    page.get_by_label("面积不小于").fill("2000")
    page.get_by_label("面积不大于").fill("3000")
    page.get_by_label("楼面荷载不低于（kN/m²）").fill("8")
    page.get_by_label("净高不低于（m）").fill("6")
    page.get_by_label("允许的生产火灾危险性类别").select_option(label="丙")
    page.get_by_role("button", name="查询").click()
    results = page.get_by_test_id("unit-results")
    expect(page.get_by_role("heading", name="找到 1 个单元")).to_be_visible()
    expect(results).to_contain_text("A1-101")
    assert "area_min=2000" in page.url
