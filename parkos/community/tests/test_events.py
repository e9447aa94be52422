"""Events: registration with capacity and an automatic waitlist, QR check-in, registrants turned into leads."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parkos.community.choices import EventKind, LeadOutcome, RegistrationStatus
from parkos.community.services import events as services
from parkos.community.tests.factories import at
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from parkos.investment.choices import LeadSource
from parkos.investment.models import Activity, Lead
from parkos.investment.services import lead_create

DAY = datetime.date(2026, 12, 16)
BEFORE = at("2026-12-01", "10:00")


def _event(park, actor, *, kind=EventKind.ROADSHOW, capacity=2, waitlist=5, publish=True):
    event = services.event_create(
        park=park, actor=actor, kind=kind, title="生物医药项目路演", summary="", description="", starts_at=at(DAY, "14:00"),
        ends_at=at(DAY, "17:00"), venue="路演厅", capacity=capacity, waitlist_limit=waitlist, registration_closes_at=None,
    )  # fmt: skip
    return services.event_publish(event=event, actor=actor) if publish else event


def _register(event, mobile, name="张伟", company="成都瑞康生物医药有限公司", now=BEFORE):
    return services.event_register(
        event=event, data=services.RegistrationInput(name=name, mobile=mobile, company=company), now=now
    )[0]


def test_capacity_then_waitlist_and_automatic_promotion(park_a, bob):
    event = _event(park_a, bob)
    first, second = _register(event, "+8613800000001"), _register(event, "+8613800000002")
    third, fourth = _register(event, "+8613800000003"), _register(event, "+8613800000004")
    assert [r.status for r in (first, second, third, fourth)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    services.registration_cancel(registration=second, actor=None, now=BEFORE)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == RegistrationStatus.CONFIRMED
    assert third.promoted_at is not None
    assert fourth.status == RegistrationStatus.WAITLISTED
    # More capacity moves the next one up too.
    services.event_update(event=event, actor=bob, capacity=3)
    fourth.refresh_from_db()
    assert fourth.status == RegistrationStatus.CONFIRMED
    with pytest.raises(ValidationError, match="不能少于"):
        services.event_update(event=event, actor=bob, capacity=1)


def test_same_mobile_registers_once_and_limits_hold(park_a, bob):
    event = _event(park_a, bob, capacity=1, waitlist=1)
    first = _register(event, "+8613800000001")
    again, created = services.event_register(
        event=event, data=services.RegistrationInput(name="张伟", mobile="+8613800000001"), now=BEFORE
    )
    assert again == first
    assert created is False
    _register(event, "+8613800000002")
    with pytest.raises(ValidationError, match="名额和候补均已满"):
        _register(event, "+8613800000003")
    with pytest.raises(ValidationError, match="报名已截止"):
        _register(event, "+8613800000004", now=at(DAY, "14:00"))
    draft = _event(park_a, bob, publish=False)
    with pytest.raises(ValidationError, match="未开放报名"):
        _register(draft, "+8613800000005")


def test_checkin_by_code(park_a, park_b, bob, dave):
    event = _event(park_a, bob, capacity=1)
    confirmed = _register(event, "+8613800000001")
    waiting = _register(event, "+8613800000002")
    result = services.checkin(code=confirmed.checkin_code, actor=bob, event=event, now=at(DAY, "13:50"))
    assert result.first_time
    assert result.registration.checked_in_at is not None
    assert services.checkin(code=confirmed.checkin_code, actor=bob).first_time is False
    with pytest.raises(ValidationError, match="候补"):
        services.checkin(code=waiting.checkin_code, actor=bob)
    with pytest.raises(ValidationError, match="签到码无效"):
        services.checkin(code="nonsense", actor=bob)
    with pytest.raises(Exception, match="未找到"):
        services.checkin(code=waiting.checkin_code, actor=dave)


def test_registrants_become_leads_deduplicated_by_mobile(park_a, bob):
    event = _event(park_a, bob, kind=EventKind.INVESTMENT_PROMOTION, capacity=10)
    # 1. Already an open lead with this mobile: it gets an activity, no second lead.
    existing = lead_create(
        actor=bob,
        company_name="武汉华科精密医疗器械有限公司",
        contact_name="李娜",
        contact_mobile="13900000001",
        park=park_a,
    )
    _register(event, "+8613900000001", name="李娜", company="武汉华科精密")
    # 2. A contact of a prospect enterprise in the pool: a lead for that enterprise, no new enterprise.
    prospect = EnterpriseFactory(name="杭州安博制药有限公司", lifecycle=EnterpriseLifecycle.PROSPECT)
    ContactFactory(enterprise=prospect, name="王强", mobile="+8613900000002")
    _register(event, "+8613900000002", name="王强", company="安博")
    # 3. A tenant's contact: no lead.
    tenant = EnterpriseFactory(name="重庆在园医疗有限公司", lifecycle=EnterpriseLifecycle.TENANT, parks=[park_a])
    ContactFactory(enterprise=tenant, name="赵敏", mobile="+8613900000003")
    _register(event, "+8613900000003", name="赵敏", company="在园")
    # 4. Someone new: a new lead from the event.
    _register(event, "+8613900000004", name="周杰", company="深圳启明健康科技有限公司")
    leads_before = Lead.objects.count()

    result = services.registrants_to_leads(event=event, actor=bob, now=at(DAY, "18:00"))

    assert (result.created, result.attached, result.skipped_tenants) == (2, 1, 1)
    assert Lead.objects.count() == leads_before + 2
    assert Activity.objects.filter(lead=existing, summary__startswith="参加活动").exists()
    prospect_lead = Lead.objects.get(contact_mobile="+8613900000002")
    assert prospect_lead.enterprise == prospect
    assert prospect_lead.source == LeadSource.EVENT
    new_lead = Lead.objects.get(contact_mobile="+8613900000004")
    assert new_lead.company_name == "深圳启明健康科技有限公司"
    assert new_lead.park == park_a
    assert event.registrations.get(mobile="+8613900000003").lead_outcome == LeadOutcome.SKIPPED_TENANT
    # Running it again changes nothing.
    again = services.registrants_to_leads(event=event, actor=bob, now=at(DAY, "19:00"))
    assert again.already == 4
    assert again.created == 0
    assert Lead.objects.count() == leads_before + 2


def test_only_promotions_after_they_start_become_leads(park_a, bob, carol):
    roadshow = _event(park_a, bob)
    with pytest.raises(ValidationError, match="只有招商推介会"):
        services.registrants_to_leads(event=roadshow, actor=bob, now=at(DAY, "18:00"))
    promotion = _event(park_a, bob, kind=EventKind.INVESTMENT_PROMOTION)
    with pytest.raises(ValidationError, match="活动开始后"):
        services.registrants_to_leads(event=promotion, actor=bob, now=BEFORE)
    with pytest.raises(Exception, match="无权"):
        services.registrants_to_leads(event=promotion, actor=carol, now=at(DAY, "18:00"))


def test_public_registration_page_flow(client, park_a, bob, time_machine):
    time_machine.move_to(BEFORE)
    event = _event(park_a, bob, capacity=1)
    url = reverse("community_public:event_detail", args=[event.pk])
    data = {"name": "张伟", "mobile": "138 0013 8000", "company": "", "consent": "on", "website": ""}
    assert client.post(url, {**data, "consent": ""}).status_code == 400
    assert client.post(url, {**data, "website": "http://spam"}).status_code == 400
    assert not event.registrations.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    registration = event.registrations.get()
    assert registration.mobile == "+8613800138000"
    assert registration.consent_at is not None
    page = client.get(response["Location"])
    assert "报名成功" in page.content.decode()
    assert "<svg" in page.content.decode()
    # The QR PNG carries the check-in address.
    assert client.get(response["Location"] + "qr.png")["Content-Type"] == "image/png"
    # A second visitor waits; the first cancels; the second moves up.
    second = client.post(url, {**data, "mobile": "13900139000"})
    waiting = event.registrations.get(mobile="+8613900139000")
    assert waiting.status == "waitlisted"
    assert "候补中" in client.get(second["Location"]).content.decode()
    client.post(response["Location"])
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_public_form_rate_limit(client, park_a, bob, time_machine, settings, monkeypatch):
    time_machine.move_to(BEFORE)
    monkeypatch.setenv("COMMUNITY_FORM_IP_LIMIT", "2")
    event = _event(park_a, bob, capacity=10)
    url = reverse("community_public:event_detail", args=[event.pk])
    statuses = [
        client.post(
            url, {"name": "张伟", "mobile": f"1380013800{i}", "consent": "on"}, REMOTE_ADDR="10.9.8.7"
        ).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert event.registrations.count() == 2
