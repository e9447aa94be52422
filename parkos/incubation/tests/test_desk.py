"""The service desk: SLA due times on the Chinese calendar, assignment, the thread, pauses, resolution,
rating, reopening, the SLA sweep's escalations (in ParkOS and by e-mail) and chargeable services."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.incubation import desk, selectors
from parkos.incubation.choices import (
    NotificationKind,
    RequestEventKind,
    RequestStatus,
    ServiceCategory,
    SlaUnit,
    Visibility,
)
from parkos.incubation.models import AssignmentRule, Notification, ServiceEvent, ServiceOffering, ServiceRequest
from parkos.incubation.tests.conftest import pdf

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def raise_request(offering, tenant, actor, when):
    with time_machine.travel(when, tick=False):
        return desk.request_raise(
            park=offering.park,
            enterprise=tenant,
            offering=offering,
            subject="咨询研发费用加计扣除",
            description="请协助核对2025年度的研发费用归集。",
            actor=actor,
        )


def test_request_raised_before_the_national_day_holiday_falls_due_after_it(offering, tenant_x, xavier, sam):
    # Tuesday 30 Sep 2025 15:00: 4 working hours to respond, 2 working days to resolve (15 h of office time).
    request = raise_request(offering, tenant_x, xavier, at(2025, 9, 30, 15, 0))
    assert request.response_due_at == at(2025, 10, 9, 10, 0)
    assert request.resolution_due_at == at(2025, 10, 10, 15, 0)
    assert request.reference.startswith("FW-202509-")
    assert (request.assignee, request.status, request.channel) == (sam, RequestStatus.ASSIGNED, "tenant")
    assert Notification.objects.filter(user=sam, kind=NotificationKind.ASSIGNMENT).count() == 1


def test_request_raised_on_a_make_up_working_sunday_counts_that_day(offering, tenant_x, xavier):
    request = raise_request(offering, tenant_x, xavier, at(2025, 9, 28, 10, 0))
    assert request.response_due_at == at(2025, 9, 28, 15, 30)  # 10–12, 13:30–15:30
    assert request.resolution_due_at == at(2025, 9, 30, 10, 0)  # Mon 29 and Tue 30 are working days


def test_assignment_rules_win_over_the_providers_least_loaded_member(offering, tenant_x, sam, park_a):
    other = UserFactory(username="olga", role=Role.SERVICES_OFFICER, parks=[park_a])
    offering.provider.members.add(other)
    first = raise_request(offering, tenant_x, sam, at(2026, 3, 2, 10, 0))
    second = raise_request(offering, tenant_x, sam, at(2026, 3, 2, 11, 0))
    assert {first.assignee, second.assignee} == {sam, other}  # the least loaded member each time
    AssignmentRule.objects.create(park=park_a, category=ServiceCategory.POLICY, assignee=other, priority=1)
    third = raise_request(offering, tenant_x, sam, at(2026, 3, 2, 14, 0))
    assert third.assignee == other


def test_a_tenant_raises_only_for_its_own_enterprise(offering, tenant_y, xavier):
    with pytest.raises(ValidationError, match="本企业"):
        raise_request(offering, tenant_y, xavier, at(2026, 3, 2, 10, 0))
    assert not ServiceRequest.objects.exists()


def test_first_public_message_is_the_response_and_internal_notes_are_not(offering, tenant_x, xavier, sam):
    request = raise_request(offering, tenant_x, xavier, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        desk.request_message(request=request, body="内部：先查政策库", actor=sam, visibility=Visibility.INTERNAL)
    request.refresh_from_db()
    assert request.first_response_at is None
    with time_machine.travel(at(2026, 3, 2, 15, 0), tick=False):
        desk.request_message(
            request=request, body="已收到，我们今天联系您。", actor=sam, uploads=[desk.Upload(pdf("政策汇编.pdf"))]
        )
    request.refresh_from_db()
    assert request.first_response_at == at(2026, 3, 2, 15, 0)
    assert not request.response_breached  # due 15:30
    assert request.status == RequestStatus.IN_PROGRESS
    assert Notification.objects.filter(user=xavier, kind=NotificationKind.REQUEST_UPDATE).count() == 1
    assert request.attachments.get().visibility == Visibility.PUBLIC


def test_waiting_for_the_tenant_stops_the_clock_and_its_reply_restarts_it(offering, tenant_x, xavier, sam):
    request = raise_request(offering, tenant_x, xavier, at(2026, 3, 2, 9, 0))  # Monday
    assert request.resolution_due_at == at(2026, 3, 3, 18, 0)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        desk.request_set_status(request=request, status=RequestStatus.WAITING_TENANT, actor=sam, note="请补充发票")
    # Paused Monday 10:00 with 14 h of office time left (Mon 6.5 h + Tue 7.5 h); the tenant replies
    # Wednesday 09:00, so the pause took 14 h of office time and the 14 h left count from then.
    with time_machine.travel(at(2026, 3, 4, 9, 0), tick=False):
        desk.request_message(request=request, body="发票已上传", actor=xavier)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS
    assert request.paused_seconds == 14 * 3600
    assert request.resolution_due_at == at(2026, 3, 5, 17, 0)  # Wed 7.5 h + Thu 9–12, 13:30–17:00
    with time_machine.travel(at(2026, 3, 4, 11, 0), tick=False):
        desk.request_resolve(request=request, actor=sam, note="已完成归集核对")
    request.refresh_from_db()
    # Office time from raising to resolving (Mon 9:00 → Wed 11:00 = 17 h) less the 14 h pause.
    assert request.resolution_seconds == 3 * 3600
    assert not request.resolution_breached


def test_resolve_rate_close_and_reopen_with_a_fresh_target(offering, tenant_x, xavier, sam, bob):
    request = raise_request(offering, tenant_x, xavier, at(2026, 3, 2, 10, 0))
    with pytest.raises(ValidationError) as excinfo:
        desk.request_resolve(request=request, actor=sam, note="")
    assert "note" in excinfo.value.message_dict
    with time_machine.travel(at(2026, 3, 2, 16, 0), tick=False):
        desk.request_resolve(request=request, actor=sam, note="已答复")
    with pytest.raises(ValidationError, match="提出申请的企业"):
        desk.request_rate(request=request, rating=5, comment="", actor=sam)
    with pytest.raises(ValidationError) as excinfo:
        desk.request_rate(request=request, rating=7, comment="", actor=xavier)
    assert "rating" in excinfo.value.message_dict
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        desk.request_rate(request=request, rating=2, comment="答复太笼统", actor=xavier)
    request.refresh_from_db()
    assert (request.status, request.rating) == (RequestStatus.CLOSED, 2)
    # A low rating tells the provider's manager.
    assert Notification.objects.filter(user=bob, text__contains="低分评价").exists()
    with time_machine.travel(at(2026, 3, 5, 10, 0), tick=False):
        desk.request_reopen(request=request, actor=xavier, reason="仍未明确归集口径")
    request.refresh_from_db()
    assert (request.status, request.reopen_count, request.rating, request.resolved_at) == (
        RequestStatus.IN_PROGRESS,
        1,
        None,
        None,
    )
    assert request.resolution_due_at == at(2026, 3, 9, 10, 0)  # 2 working days from Thursday 10:00


def test_the_sweep_escalates_each_breach_once_in_app_and_by_email(
    offering, tenant_x, xavier, sam, bob, django_capture_on_commit_callbacks
):
    bob.email = "bob@example.cn"
    bob.save()
    request = raise_request(offering, tenant_x, xavier, at(2026, 3, 2, 10, 0))
    # E-mail goes out only once the transaction commits.
    with time_machine.travel(at(2026, 3, 2, 16, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert desk.sla_sweep().response_breaches == 1
    request.refresh_from_db()
    assert (request.response_breached, request.escalation_level) == (True, 1)
    escalations = Notification.objects.filter(kind=NotificationKind.ESCALATION)
    assert [n.user for n in escalations] == [bob]  # the provider's manager
    assert [m.to for m in mail.outbox if "超过响应时限" in m.subject] == [["bob@example.cn"]]
    with time_machine.travel(at(2026, 3, 2, 17, 0), tick=False):
        result = desk.sla_sweep()
    assert (result.response_breaches, result.resolution_breaches) == (0, 0)
    with time_machine.travel(at(2026, 3, 4, 12, 0), tick=False):
        assert desk.sla_sweep().resolution_breaches == 1
    request.refresh_from_db()
    assert (request.resolution_breached, request.escalation_level) == (True, 2)
    kinds = list(ServiceEvent.objects.filter(request=request).values_list("kind", flat=True))
    assert kinds.count(RequestEventKind.ESCALATED) == 2
    # Resolving late keeps the breach.
    with time_machine.travel(at(2026, 3, 4, 14, 0), tick=False):
        desk.request_resolve(request=request, actor=sam, note="已处理")
    request.refresh_from_db()
    assert request.resolution_breached


def test_waiting_requests_are_not_escalated_for_resolution(offering, tenant_x, xavier, sam):
    request = raise_request(offering, tenant_x, xavier, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        desk.request_set_status(request=request, status=RequestStatus.WAITING_TENANT, actor=sam)
    with time_machine.travel(at(2026, 3, 10, 11, 0), tick=False):
        result = desk.sla_sweep()
    assert result.resolution_breaches == 0


def test_resolved_requests_close_themselves_after_three_working_days(offering, tenant_x, xavier, sam):
    request = raise_request(offering, tenant_x, xavier, at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        desk.request_resolve(request=request, actor=sam, note="已答复")
    with time_machine.travel(at(2026, 3, 4, 12, 0), tick=False):
        assert desk.sla_sweep().auto_closed == 0
    with time_machine.travel(at(2026, 3, 5, 12, 0), tick=False):
        assert desk.sla_sweep().auto_closed == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    assert request.rating is None


def test_priced_services_need_a_quantity_and_become_charge_lines(park_a, provider, tenant_x, xavier, sam):
    priced = desk.offering_save(
        offering=ServiceOffering(
            park=park_a,
            category=ServiceCategory.IP,
            name="专利申请代理",
            provider=provider,
            response_target=1,
            response_unit=SlaUnit.DAYS,
            resolution_target=15,
            resolution_unit=SlaUnit.DAYS,
            unit_price=D(3500),
            price_unit="件",
        ),
        actor=None,
    )
    request = raise_request(priced, tenant_x, xavier, at(2026, 3, 2, 10, 0))
    with pytest.raises(ValidationError) as excinfo:
        desk.request_resolve(request=request, actor=sam, note="已提交")
    assert "quantity" in excinfo.value.message_dict
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        desk.request_resolve(request=request, actor=sam, note="已提交两件", quantity=D(2))
    lines = selectors.chargeable_services(park=park_a, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert [(line.enterprise_id, line.quantity, line.unit_price, line.unit, line.occurred_on) for line in lines] == [
        (tenant_x.pk, D(2), D(3500), "件", datetime.date(2026, 3, 10))
    ]
    assert (
        selectors.chargeable_services(park=park_a, start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 30))
        == []
    )
