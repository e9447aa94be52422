"""Journey: a startup applies on the portal → two reviewers score → admission → a lease with the programme's
rent support → the tenant raises a service request, the desk handles it, the tenant rates it and sees it closed.
Screenshots (desktop and phone width, Chinese and English) go to var/screenshots/incubation/."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import PASSWORD, UserFactory
from parkos.enterprises.tests.factories import valid_code
from parkos.incubation import services
from parkos.incubation.choices import ProviderKind, ServiceCategory, SlaUnit
from parkos.incubation.models import (
    IncubationRecord,
    Programme,
    Scheme,
    SchemeCriterion,
    ServiceOffering,
    ServiceProvider,
)
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from tests.e2e.conftest import login

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "incubation"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _shots_both_languages(page: Page, name: str, ready_test_id: str) -> None:
    """The page at phone width in Chinese and English, then back to Chinese on the desktop."""
    page.set_viewport_size(PHONE)
    _shot(page, f"{name}-zh-phone")
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id(ready_test_id).first).to_be_visible()
    _shot(page, f"{name}-en-phone")
    page.set_viewport_size(DESKTOP)
    _shot(page, f"{name}-en-desktop")
    page.get_by_test_id("lang-zh-hans").click()
    expect(page.get_by_test_id(ready_test_id).first).to_be_visible()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _setup(park, bob, carol, tmp_path: Path) -> tuple[Programme, Path]:
    building = BuildingFactory(park=park, code="C1", name="C1栋孵化楼")
    UnitFactory(floor=FloorFactory(building=building, level=2), code="C1-201", area_sqm=Decimal(300))
    programme = services.programme_save(
        programme=Programme(
            park=park,
            name="生物城孵化器",
            rent_free_months=6,
            rent_discount_rate=Decimal("0.5"),
            rent_discount_months=12,
        ),
        actor=None,
    )
    services.rubric_set(
        programme=programme,
        criteria=[services.CriterionInput("团队", Decimal(1), 10), services.CriterionInput("技术", Decimal(1), 10)],
        actor=None,
    )
    services.meeting_record(
        programme=programme, held_on=timezone.localdate(), title="入孵评审会", attendees="", minutes="", actor=None
    )
    provider = ServiceProvider.objects.create(park=park, name="企业服务中心", kind=ProviderKind.INTERNAL, manager=bob)
    sam = UserFactory(username="sam", role=Role.SERVICES_OFFICER, parks=[park], display_name="刘服务")
    provider.members.set([sam])
    ServiceOffering.objects.create(
        park=park,
        category=ServiceCategory.PROPERTY,
        name="物业报修",
        provider=provider,
        response_target=2,
        response_unit=SlaUnit.HOURS,
        resolution_target=1,
        resolution_unit=SlaUnit.DAYS,
    )
    # A scheme whose one stored rule no longer parses (written around the form): it must read 规则有误.
    scheme = services.scheme_save(scheme=Scheme(park=park, name="小微企业补贴", level="district"), rules=[], actor=None)
    SchemeCriterion.objects.create(scheme=scheme, fact="employees", operator="lte", value="一百人")
    plan = tmp_path / "商业计划书.pdf"
    plan.write_bytes(PDF)
    return programme, plan


def _review(page: Page, scores: tuple[str, str], comment: str) -> None:
    page.get_by_role("link", name="填写我的评审").click()
    form = page.get_by_test_id("review-form")
    fields = form.locator("input[name^=score_]")
    fields.nth(0).fill(scores[0])
    fields.nth(1).fill(scores[1])
    form.get_by_label("建议").select_option(label="准予入孵")
    form.get_by_label("评审意见").fill(comment)
    form.get_by_role("button", name="提交评审").click()
    expect(page.locator(".messages")).to_contain_text("评审已提交")


def test_startup_to_tenant_journey(page: Page, alice, bob, carol, park_a, tmp_path):
    cache.clear()
    programme, plan = _setup(park_a, bob, carol, tmp_path)
    credit_code = valid_code()

    # 1. The startup applies on the portal, without a login.
    page.goto(f"/incubation/apply/?programme={programme.pk}")
    form = page.get_by_test_id("apply-form")
    _shot(page, "apply-zh-desktop")
    _shots_both_languages(page, "apply", "apply-form")
    form.get_by_label("企业（团队）名称").fill("重庆睿影医学影像有限公司")
    form.get_by_label("统一社会信用代码").fill(credit_code)
    form.get_by_label("行业代码（GB/T 4754）").fill("3581")
    form.get_by_label("项目简介").fill("AI 辅助医学影像诊断软件，已完成二类医疗器械型检。")
    form.get_by_label("团队人数").fill("6")
    form.locator("#id_contact_name").fill("李娜")
    form.locator("#id_contact_mobile").fill("139 1234 5678")
    form.get_by_label("商业计划书（PDF）").set_input_files(str(plan))
    form.get_by_role("checkbox", name="我同意园区运营方").check()
    form.get_by_role("button", name="提交申请").click()
    expect(page.get_by_test_id("apply-done")).to_contain_text("申请已提交")

    # 2. The park manager sends it to two reviewers and scores it himself.
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)
    page.goto("/incubation/applications/")
    page.get_by_test_id("application-list").get_by_role("link", name="RF-").click()
    expect(page.get_by_test_id("attachments")).to_contain_text("商业计划书.pdf")
    page.get_by_text("分配评审人").click()
    page.get_by_label(str(bob), exact=True).check()
    page.get_by_label(str(carol), exact=True).check()
    page.get_by_role("button", name="分配评审").click()
    expect(page.locator(".messages")).to_contain_text("已分配 2 位评审人")
    application_url = page.url
    _review(page, ("8", "9"), "团队完整，注册路径清晰")

    # 3. The second reviewer scores independently.
    page.context.clear_cookies()
    login(page, "carol", PASSWORD)
    page.goto(application_url)
    expect(page.get_by_test_id("review-summary")).to_contain_text("提交本人评审后")
    _review(page, ("6", "7"), "市场验证不足")
    expect(page.get_by_test_id("review-mean")).to_have_text("75.0")
    expect(page.get_by_test_id("review-spread")).to_have_text("20.0")
    _shot(page, "application-review-zh-desktop")

    # 4. The decision meeting admits it.
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)
    page.goto(application_url)
    decision = page.get_by_test_id("decision-form")
    decision.get_by_label("决策结果").select_option(label="准予入孵")
    decision.get_by_label("决策会议").select_option(index=1)
    decision.get_by_role("button", name="记录决策").click()
    expect(page.get_by_test_id("application-status")).to_have_text("准予入孵")
    record = IncubationRecord.objects.get()
    assert record.period_months == 60  # a medical-device company

    # 5. A lease for the new tenant takes over the programme's rent support.
    start = timezone.localdate()
    page.goto("/leasing/new/")
    page.locator("#id_park").select_option(label=park_a.name)
    page.locator("#id_enterprise-ts-control").fill(credit_code)
    page.locator(".ts-dropdown .option", has_text="重庆睿影医学影像有限公司").first.click()
    page.locator("#id_units-ts-control").fill("C1-201")
    page.locator(".ts-dropdown .option", has_text="C1-201").first.click()
    page.get_by_label("起租/交易日期").fill(start.isoformat())
    page.get_by_label("到期日期").fill((start + datetime.timedelta(days=3 * 365)).isoformat())
    page.get_by_label("租金单价（元/m²·月）").fill("30")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("rent-support")).to_contain_text("生物城孵化器")
    expect(page.get_by_test_id("contract-facts")).to_contain_text("6 个月")
    contract_url = page.url
    # Four eyes: the operator admin approves what the park manager drafted; the manager signs.
    page.context.clear_cookies()
    login(page, "alice", PASSWORD)
    page.goto(contract_url)
    page.get_by_role("button", name="审批通过").click()
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)
    page.goto(contract_url)
    page.get_by_role("button", name="确认签约").click()
    expect(page.get_by_test_id("schedule")).to_contain_text("免租")
    _shot(page, "contract-rent-support-zh-desktop")

    # 6. The tenant raises a service request from its home page.
    UserFactory(username="ruiying", role=Role.ENTERPRISE_USER, enterprise=record.enterprise)
    page.context.clear_cookies()
    login(page, "ruiying", PASSWORD)
    expect(page.get_by_test_id("tenant-name")).to_have_text("重庆睿影医学影像有限公司")
    expect(page.get_by_test_id("home-contracts")).to_contain_text("C1-201")
    expect(page.get_by_test_id("home-stage")).to_contain_text("在孵")
    policy = page.get_by_test_id("widget").filter(has_text="可申报的政策")
    expect(policy).to_contain_text("小微企业补贴")
    expect(policy).to_contain_text("规则有误")  # not "eligible", and no reason shown to the tenant
    expect(policy).not_to_contain_text("请填写数值")
    _shot(page, "tenant-home-zh-desktop")
    _shots_both_languages(page, "tenant-home", "home-requests")
    page.get_by_role("link", name="提交服务申请").click()
    request_form = page.get_by_test_id("request-form")
    request_form.get_by_label("服务项目").select_option(label="物业维修 · 物业报修")
    request_form.get_by_label("标题").fill("洁净间门禁故障")
    request_form.get_by_label("需求描述").fill("C1-201 洁净间门禁无法刷卡")
    request_form.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages")).to_contain_text("已提交")
    expect(page.get_by_test_id("request-status")).to_contain_text("待响应")

    # 7. The services officer answers and resolves it.
    page.context.clear_cookies()
    login(page, "sam", PASSWORD)
    page.goto("/incubation/requests/")
    page.get_by_test_id("request-list").get_by_role("link", name="FW-").first.click()
    message = page.get_by_test_id("message-form")
    message.get_by_label("内容").fill("已安排物业今天下午上门。")
    message.get_by_role("button", name="发送").click()
    expect(page.get_by_test_id("thread")).to_contain_text("已安排物业今天下午上门")
    resolve = page.get_by_test_id("resolve-form")
    resolve.get_by_label("处理结果（企业可见）").fill("已更换读卡器，门禁恢复。")
    resolve.get_by_role("button", name="已解决").click()
    expect(page.locator(".messages")).to_contain_text("已标记为已解决")
    _shot(page, "request-staff-zh-desktop")

    # 8. The tenant rates it and sees it closed.
    page.context.clear_cookies()
    login(page, "ruiying", PASSWORD)
    expect(page.get_by_test_id("home-requests")).to_contain_text("已解决待确认")
    page.get_by_test_id("home-requests").get_by_role("link", name="洁净间门禁故障").click()
    expect(page.get_by_test_id("thread")).to_contain_text("已更换读卡器")
    rate = page.get_by_test_id("rate")
    rate.get_by_label("5星 非常满意").check()
    rate.get_by_role("button", name="确认已解决并评价").click()
    expect(page.get_by_test_id("request-status")).to_contain_text("已关闭")
    expect(page.get_by_test_id("my-rating")).to_contain_text("5★")
    _shots_both_languages(page, "request-tenant-closed", "my-rating")
    page.goto("/")
    expect(page.get_by_test_id("home-requests")).to_contain_text("已关闭")

    # 9. The manager's desk views over what happened (screenshots of the staff pages).
    page.context.clear_cookies()
    login(page, "bob", PASSWORD)
    for path, name, ready in (
        ("/incubation/", "overview", "incubation-kpis"),
        ("/incubation/sla/", "sla-dashboard", "sla-totals"),
        ("/incubation/cohorts/", "cohorts", "cohort-table"),
    ):
        page.goto(path)
        expect(page.get_by_test_id(ready).first).to_be_visible()
        _shot(page, f"{name}-zh-desktop")
    expect(page.get_by_test_id("cohort-table").first).to_contain_text(str(timezone.localdate().year))
    page.goto(f"/incubation/programmes/{programme.pk}/")
    expect(page.get_by_test_id("programme-rules")).to_contain_text("1,000 万元")  # the graduation revenue

    # 10. The broken rule reads 规则有误 with its reason for staff; the officer fixes it in the form.
    page.goto("/incubation/schemes/")
    page.get_by_role("link", name="小微企业补贴").click()
    expect(page.get_by_test_id("rule-invalid")).to_have_text("规则有误")
    expect(page.get_by_test_id("scheme-rules")).to_contain_text("请填写数值")
    _shots_both_languages(page, "scheme-invalid-rule", "scheme-rules")
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("rule-invalid")).to_have_text("Rule is invalid")
    page.get_by_test_id("lang-zh-hans").click()
    page.get_by_role("link", name="编辑").first.click()
    expect(page.get_by_test_id("stored-rule-problem")).to_contain_text("规则有误")
    page.locator("#id_rules-0-value").fill("100")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.get_by_test_id("scheme-rules")).to_contain_text("不高于 100")
    expect(page.get_by_test_id("rule-invalid")).to_have_count(0)
    page.goto("/incubation/sla/")
    expect(page.get_by_test_id("sla-table").first).to_contain_text("物业报修")
    _shots_both_languages(page, "sla-dashboard", "sla-totals")
