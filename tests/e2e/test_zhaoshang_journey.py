"""Journey (#15): from the public form to the signed contract.

A medical-device prospect submits the public form for the flagship and sees matches with unit links,
books a viewing from a unit page; the lead reaches the park's officer; a prospect with no park lands
in 待分配 and an operator admin assigns it; the officer drags a card across stages; the park manager
drafts the contract from the lead, the operator admin approves it (four eyes), the manager signs, and
the lead reads 已签约. A unit leased from next year reads 已签约待起租 on the stacking plan and is not offered.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.investment.models import Lead
from parkos.leasing.tests.factories import signed_lease
from parkos.parks.choices import CleanroomGrade, FireHazardClass, SpaceType
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from tests.e2e.conftest import login

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "zhaoshang"
MOBILE = "13912345678"


def _flagship(park):
    park.welcomed_industry_codes = ["27", "358"]
    park.save()
    building = BuildingFactory(
        park=park, code="A3", name="A3栋标准厂房", storeys=4, design_fire_class=FireHazardClass.BING
    )
    ground = FloorFactory(building=building, level=1, area_sqm=Decimal(6000))
    UnitFactory(
        floor=ground, code="A3-101", area_sqm=Decimal(2000), cleanroom_grade=CleanroomGrade.D,
        space_type=SpaceType.FACTORY, rent_yuan_per_sqm_month=Decimal(28),
    )  # fmt: skip
    committed = UnitFactory(floor=ground, code="A3-102", area_sqm=Decimal(1800), cleanroom_grade=CleanroomGrade.D)
    next_year = timezone.localdate().year + 1
    signed_lease(
        units=[committed],
        start_on=datetime.date(next_year, 1, 1),
        end_on=datetime.date(next_year + 2, 12, 31),
        free_rent_months=0,
    )
    return building


def _pick(page: Page, field_id: str, query: str, option_text: str) -> None:
    """Choose in a tom-select picker: type, wait for the server's options, click one."""
    page.locator(f"#{field_id}-ts-control").fill(query)
    page.locator(".ts-dropdown .option", has_text=option_text).first.click()


def _submit_requirement(page: Page, *, park_code: str, company: str, mobile: str, area: tuple[int, int]) -> None:
    page.goto(f"/requirement/?park={park_code}" if park_code else "/requirement/")
    page.get_by_label("需求类型").select_option(label="厂房")
    page.get_by_label("面积不小于").fill(str(area[0]))
    page.get_by_label("面积不大于").fill(str(area[1]))
    _pick(page, "id_industry_code", "3581", "医疗诊断、监护及治疗设备制造")
    page.get_by_label("公司名称").fill(company)
    page.locator("#id_contact_name").fill("王先生")
    page.locator("#id_mobile").fill(mobile)
    page.get_by_label("我同意园区运营方为匹配招商资源而处理上述个人信息（姓名、手机号），并可就此联系我").check()
    page.get_by_role("button", name="提交需求").click()
    expect(page.get_by_test_id("requirement-done")).to_contain_text("需求已提交")


def test_public_form_to_signed_contract(page, alice, bob, carol, park_a, park_b):
    cache.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    building = _flagship(park_a)

    # 1. A medical-device prospect asks for 1,500–2,500 m² in the flagship: A3-101 is offered with a link;
    #    A3-102, signed to start next year, is not.
    _submit_requirement(
        page, park_code=park_a.code, company="重庆康瑞医疗器械有限公司", mobile=MOBILE, area=(1500, 2500)
    )
    matches = page.get_by_test_id("public-matches")
    expect(matches).to_contain_text("A3-101")
    expect(matches).not_to_contain_text("A3-102")
    page.screenshot(path=str(SHOTS / "public-matches.png"), full_page=True)
    lead = Lead.objects.get(company_name="重庆康瑞医疗器械有限公司")
    assert lead.officer == carol  # the park's officer

    # 2. From the match to the unit's public page, then 预约看房.
    matches.get_by_test_id("public-match-link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A3-101")
    page.get_by_test_id("viewing-cta").click()
    form = page.get_by_test_id("viewing-form")
    form.locator("#id_contact_name").fill("王先生")
    form.locator("#id_mobile").fill(MOBILE)
    form.get_by_label("希望看房日期").fill((timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    form.get_by_label("我同意园区运营方为安排看房而处理上述个人信息（姓名、手机号），并可就此联系我").check()
    form.get_by_role("button", name="提交预约").click()
    expect(page.get_by_test_id("viewing-done")).to_contain_text("预约已收到")

    # 3. A second prospect names no park and fits nowhere: the operator-wide pool.
    _submit_requirement(page, park_code="", company="无园区意向科技有限公司", mobile="13700001111", area=(60000, 80000))
    pooled = Lead.objects.get(company_name="无园区意向科技有限公司")
    assert (pooled.park, pooled.officer) == (None, None)

    # 4. The operator admin assigns it from 待分配.
    page.context.clear_cookies()
    login(page, "alice", PASSWORD)
    page.goto("/investment/")
    column = page.get_by_test_id("column-unassigned")
    expect(column).to_contain_text("无园区意向科技有限公司")
    column.get_by_test_id("lead-card").filter(has_text="无园区意向科技有限公司").get_by_test_id("assign-link").click()
    assign = page.get_by_test_id("assign-form")
    assign.get_by_label("负责园区").select_option(label=park_a.name)
    assign.get_by_label("招商经理").select_option(label=carol.get_full_name() or carol.username)
    assign.get_by_role("button", name="分配").click()
    expect(page.locator(".messages")).to_contain_text("已分配")
    pooled.refresh_from_db()
    assert (pooled.park, pooled.officer) == (park_a, carol)

    # 5. The officer drags the first lead from 新线索 to 已接洽; the viewing is on its timeline.
    page.context.clear_cookies()
    login(page, "carol", PASSWORD)
    page.goto("/investment/")
    card = page.get_by_test_id("column-new").get_by_test_id("lead-card").filter(has_text="重庆康瑞医疗器械有限公司")
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        card.locator(".meta").first.drag_to(page.get_by_test_id("column-contacted").locator(".drop"))
    page.screenshot(path=str(SHOTS / "board.png"), full_page=True)
    page.reload()
    expect(page.get_by_test_id("column-contacted")).to_contain_text("重庆康瑞医疗器械有限公司")
    page.get_by_test_id("column-contacted").get_by_role("link", name="重庆康瑞医疗器械有限公司").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("门户预约看房：A3-101")
    expect(page.get_by_test_id("matches")).to_contain_text("A3-101")

    # 6. The park manager drafts the contract from the lead: enterprise, unit and area prefilled.
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)
    page.goto(f"/investment/leads/{lead.pk}/")
    page.get_by_test_id("contract-from-lead").click()
    form = page.get_by_test_id("contract-form")
    expect(form).to_contain_text("重庆康瑞医疗器械有限公司")
    expect(form).to_contain_text("A3-101")
    start = timezone.localdate().replace(day=1)
    form.get_by_label("起租/交易日期").fill(start.isoformat())
    form.get_by_label("到期日期").fill(f"{start.year + 3}-{start.month:02d}-01")
    form.get_by_label("租金单价（元/m²·月）").fill("28")
    form.get_by_label("租金递增（%）").fill("5")
    form.get_by_label("递增周期（年）").fill("2")
    form.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("草稿")
    expect(page.get_by_test_id("approve")).to_have_count(0)  # the drafter cannot approve
    contract_url = page.url

    # 7. Another person approves; the manager signs; the lead reads 已签约.
    page.context.clear_cookies()
    login(page, "alice", PASSWORD)
    page.goto(contract_url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("已审批")
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)
    page.goto(contract_url)
    page.get_by_role("button", name="确认签约").click()
    expect(page.locator(".messages")).to_contain_text("合同已签约")
    page.goto(f"/investment/leads/{lead.pk}/")
    expect(page.get_by_test_id("lead-stage")).to_have_text("已签约")
    expect(page.get_by_test_id("lead-contracts").get_by_role("link")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "lead-signed.png"), full_page=True)

    # 8. The stacking plan: A3-102 is 已签约待起租.
    page.goto(f"/parks/buildings/{building.pk}/")
    committed = page.get_by_test_id("stacking-plan").locator(".unit-block", has_text="A3-102")
    expect(committed).to_have_attribute("data-status", "committed")
    expect(committed).to_have_attribute("title", re.compile("已签约待起租"))
    page.screenshot(path=str(SHOTS / "stacking-plan.png"), full_page=True)
