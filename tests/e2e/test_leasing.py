"""Journey: a leasing manager signs a lease for a vacant unit; the stacking plan, occupancy and rent roll follow."""

from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.leasing.tests.factories import EnterpriseFactory
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from tests.e2e.conftest import login


def test_leasing_manager_signs_a_lease_and_everything_follows(page, alice, dave, park_b):
    building = BuildingFactory(park=park_b, code="B1", name="B1栋研发楼")
    floor = FloorFactory(building=building, level=1, area_sqm=Decimal(3000))
    UnitFactory(floor=floor, code="B1-101", area_sqm=Decimal(1000))
    UnitFactory(floor=floor, code="B1-102", area_sqm=Decimal(1000))
    tenant = EnterpriseFactory(name="成都博华医疗器械有限公司")
    today = timezone.localdate()
    start = today.replace(day=1)

    login(page, "dave", PASSWORD)
    page.locator("nav.mainnav").get_by_role("link", name="租售合同").click()
    page.get_by_role("link", name="出租率").click()
    expect(page.get_by_test_id("occupancy-area")).to_contain_text("0.0%")

    page.locator("nav.mainnav").get_by_role("link", name="租售合同").click()
    page.get_by_role("link", name="新建合同").click()
    page.locator("#id_park").select_option(label=park_b.name)
    page.locator("#id_enterprise-ts-control").fill(tenant.credit_code)
    page.locator(".ts-dropdown .option", has_text=tenant.name).first.click()
    page.locator("#id_units-ts-control").fill("B1-101")
    page.locator(".ts-dropdown .option", has_text="B1-101").first.click()
    page.get_by_label("起租/交易日期").fill(start.isoformat())
    page.get_by_label("到期日期").fill(f"{start.year + 3}-{start.month:02d}-01")
    page.get_by_label("租金单价（元/m²·月）").fill("30")
    page.get_by_label("免租期（月）").fill("0")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("草稿")
    contract_url = page.url
    # Four eyes: the drafter cannot approve; the operator admin does.
    expect(page.get_by_role("button", name="审批通过")).to_have_count(0)
    page.context.clear_cookies()
    login(page, "alice", PASSWORD)
    page.goto(contract_url)
    page.get_by_role("button", name="审批通过").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("已审批")
    page.context.clear_cookies()
    login(page, "dave", PASSWORD)
    page.goto(contract_url)
    page.get_by_role("button", name="确认签约").click()
    expect(page.locator(".messages")).to_contain_text("合同已签约")
    expect(page.get_by_test_id("schedule")).to_be_visible()
    number = page.get_by_role("heading", level=1).inner_text().split()[1]

    # The stacking plan shows the unit leased, and by expiry it is coloured.
    page.goto(f"/parks/buildings/{building.pk}/")
    plan = page.get_by_test_id("stacking-plan")
    expect(plan.locator(".unit-block.st-leased")).to_have_count(1)
    expect(plan.locator(".unit-block.st-leased")).to_contain_text("B1-101")
    page.get_by_role("link", name="按到期时间").click()
    expect(page.get_by_test_id("colour-legend")).to_contain_text("未出租（1）")

    # The occupancy figure moves: 1,000 of 2,000 m².
    page.goto("/leasing/occupancy/")
    expect(page.get_by_test_id("occupancy-area")).to_contain_text("50.0%")

    # The rent roll lists it.
    page.goto(f"/leasing/rent-roll/?year={start.year}")
    expect(page.get_by_test_id("rent-roll")).to_contain_text(number)
    expect(page.get_by_test_id("rent-roll")).to_contain_text(tenant.name)
