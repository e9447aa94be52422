"""Journeys: a tenant books a room within quota and then beyond it (the price shows); a visitor registers for
an event on the portal, the waitlist moves when someone cancels, staff check the registrant in by scanning
the QR code on a phone-width page; a 招商推介会's registrants become leads in one action.

Screenshots (desktop and phone width, Chinese and English) go to var/screenshots/community/.
"""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import zxingcpp
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from parkos.accounts.tests.factories import PASSWORD
from parkos.community.choices import EventKind
from parkos.community.models import Booking
from parkos.community.services import events as event_services
from parkos.community.tests.factories import ResourceFactory, TariffFactory, tenant_of
from parkos.core.workdays import next_working_day
from parkos.investment.models import Lead
from tests.e2e.conftest import login

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "community"
PHONE = {"width": 390, "height": 844}


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _day() -> datetime.date:
    """A working day two or more days ahead, in the same month where possible (one quota month)."""
    return next_working_day(timezone.localdate() + datetime.timedelta(days=2))


def test_tenant_books_within_quota_then_pays_beyond_it(page, park_a):
    tariff = TariffFactory(park=park_a, name="会议室", free_minutes_per_month=60, price_per_hour=Decimal("100.00"))
    room = ResourceFactory(park=park_a, name="301会议室", code="MR-301", tariff=tariff, capacity=12)
    tenant_of(park_a, name="重庆博奥医疗器械有限公司", username="tina")
    day = _day()

    login(page, "tina", PASSWORD)
    page.locator("nav.mainnav").get_by_role("link", name="会议室预订").click()
    expect(page.get_by_test_id("quota")).to_contain_text("60")
    page.get_by_role("link", name="301会议室").click()
    page.goto(f"/community/resources/{room.pk}/?view=day&day={day.isoformat()}")
    page.get_by_label(f"预订 {day.isoformat()} 10:00").click()
    page.get_by_label("结束").select_option("11:00")
    expect(page.get_by_test_id("quote-amount")).to_have_text("免费（本月额度内）")
    page.get_by_label("主题").fill("客户洽谈")
    page.get_by_label("人数").fill("4")
    page.get_by_role("button", name="确认预订").click()
    expect(page.locator(".messages")).to_contain_text("预订成功")
    expect(page.get_by_test_id("booking-amount")).to_contain_text("免费")

    # The second booking the same month is beyond the free hour: the form shows its price first.
    page.goto(f"/community/resources/{room.pk}/?view=day&day={day.isoformat()}")
    expect(page.get_by_test_id("booking-block")).to_contain_text("客户洽谈")
    page.get_by_label(f"预订 {day.isoformat()} 14:00").click()
    page.get_by_label("结束").select_option("15:30")
    expect(page.get_by_test_id("quote-amount")).to_have_text("费用 150.00 元")
    expect(page.get_by_test_id("quote-box")).to_contain_text("计费 90 分钟")
    _shot(page, "booking-form-price-zh-desktop")
    page.get_by_label("主题").fill("项目评审")
    page.get_by_role("button", name="确认预订").click()
    expect(page.locator(".messages")).to_contain_text("费用 150.00 元")
    assert list(Booking.objects.order_by("starts_at").values_list("amount", flat=True)) == [
        Decimal("0.00"),
        Decimal("150.00"),
    ]

    # A slot that is taken: the refusal names the next free slot and offers it.
    page.goto(f"/community/resources/{room.pk}/book/?day={day.isoformat()}&start=10:30&end=11:00")
    page.get_by_label("主题").fill("撞车")
    page.get_by_role("button", name="确认预订").click()
    expect(page.locator(".form-errors")).to_contain_text("最近的空闲时段")
    page.get_by_test_id("next-free").get_by_role("link").click()
    expect(page.get_by_label("开始")).to_have_value("11:00")

    page.goto(f"/community/resources/{room.pk}/?view=week&day={day.isoformat()}")
    _shot(page, "calendar-week-zh-desktop")
    page.get_by_role("link", name="月", exact=True).click()
    expect(page.get_by_test_id("calendar")).to_have_attribute("data-view", "month")
    _shot(page, "calendar-month-zh-desktop")
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="周", exact=True).click()
    expect(page.get_by_test_id("calendar")).to_have_attribute("data-view", "week")
    _shot(page, "calendar-week-zh-phone")
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("calendar")).to_be_visible()
    _shot(page, "calendar-week-en-phone")


def _register(page, event, name, mobile):
    page.goto(f"/events/{event.pk}/")
    form = page.get_by_test_id("registration-form")
    form.get_by_label("姓名").fill(name)
    form.get_by_label("手机号").fill(mobile)
    form.get_by_label("单位").fill("成都瑞康生物医药有限公司")
    form.locator("#id_consent").check()
    form.get_by_role("button").click()
    return page.url


def test_visitor_registers_waitlist_moves_and_staff_check_in_by_qr(page, browser, live_server, park_a, bob):
    cache.clear()
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=3)
    event = event_services.event_create(
        park=park_a, actor=bob, kind=EventKind.ROADSHOW, title="生物医药创新项目路演", summary="6个项目路演",
        description="面向投资机构开放。", starts_at=start, ends_at=start + datetime.timedelta(hours=3), venue="路演厅",
        capacity=1, waitlist_limit=5, registration_closes_at=None,
    )  # fmt: skip
    event_services.event_publish(event=event, actor=bob)

    # 1. Two visitors register on the portal: the first gets the place, the second waits.
    page.goto("/events/")
    page.get_by_role("link", name="生物医药创新项目路演").click()
    _shot(page, "event-public-zh-desktop")
    first_url = _register(page, event, "张伟", "13800138000")
    expect(page.get_by_test_id("registration-status")).to_have_text("报名成功")
    visitor = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE)
    other = visitor.new_page()
    second_url = _register(other, event, "李娜", "13900139000")
    expect(other.get_by_test_id("registration-status")).to_contain_text("候补中：您是第 1 位候补")
    _shot(other, "registration-waitlisted-zh-phone")

    # 2. The first cancels; the waiting visitor moves up and gets a QR code.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("cancel-registration").click()
    expect(page.get_by_test_id("registration-status")).to_have_text("已取消报名")
    other.goto(second_url)
    expect(other.get_by_test_id("registration-status")).to_contain_text("报名成功")
    expect(other.get_by_test_id("registration-status")).to_contain_text("已由候补转为正式名额")
    _shot(other, "registration-qr-zh-phone")
    scanned = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(other.get_by_test_id("qr").locator("svg").screenshot())).convert("L")
    )
    assert len(scanned) == 1
    checkin_url = scanned[0].text
    assert checkin_url.startswith(live_server.url + "/community/checkin/")
    visitor.close()
    assert first_url != second_url

    # 3. At the door, staff on a phone open what the QR code says and check the visitor in.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    login(page, "bob", PASSWORD)
    page.goto(checkin_url)
    expect(page.get_by_test_id("registrant")).to_contain_text("李娜")
    _shot(page, "checkin-zh-phone")
    page.get_by_role("button", name="确认签到").click()
    expect(page.get_by_test_id("checkin-result")).to_have_text("签到成功")
    expect(page.get_by_test_id("checkin-counts")).to_contain_text("1已签到")
    page.goto(checkin_url)
    expect(page.get_by_test_id("checkin-result")).to_contain_text("已于")
    page.get_by_test_id("lang-en").click()
    _shot(page, "checkin-en-phone")


def test_promotion_registrants_become_leads(page, park_a, bob):
    start = timezone.now() - datetime.timedelta(hours=3)
    event = event_services.event_create(
        park=park_a, actor=bob, kind=EventKind.INVESTMENT_PROMOTION, title="医疗器械产业招商推介会", summary="",
        description="", starts_at=start, ends_at=start + datetime.timedelta(hours=2), venue="路演厅", capacity=20,
        waitlist_limit=5, registration_closes_at=None,
    )  # fmt: skip
    event_services.event_publish(event=event, actor=bob)
    before = start - datetime.timedelta(days=3)
    for name, mobile, company in (
        ("王强", "+8613700000001", "杭州安博制药有限公司"),
        ("周杰", "+8613700000002", "深圳启明健康科技有限公司"),
    ):
        event_services.event_register(
            event=event, data=event_services.RegistrationInput(name=name, mobile=mobile, company=company), now=before
        )

    login(page, "bob", PASSWORD)
    page.goto(f"/community/events/{event.pk}/")
    expect(page.get_by_test_id("registrations")).to_contain_text("王强")
    _shot(page, "event-staff-zh-desktop")
    page.get_by_test_id("to-leads").click()
    expect(page.locator(".messages")).to_contain_text("新建线索 2 条")
    expect(page.get_by_test_id("registrations")).to_contain_text("新建线索")
    assert set(Lead.objects.values_list("company_name", flat=True)) == {
        "杭州安博制药有限公司",
        "深圳启明健康科技有限公司",
    }
    page.get_by_test_id("registrations").get_by_role("link", name="新建线索").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("有限公司")
