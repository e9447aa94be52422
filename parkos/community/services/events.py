"""Every write to events and their registrations: typed, keyword-only, atomic, audited.

Registrations, cancellations and capacity changes of one event lock the event row first, so the
confirmed count and the waitlist order are decided one at a time: the (capacity)th person is
confirmed, the next waits, and a cancellation moves the first waiting person up in the same
transaction. Public registrations have no actor; their audit entries say "system".
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.community import rights
from parkos.community.choices import EventStatus, LeadOutcome, RegistrationStatus
from parkos.community.models import BookableResource, Event, EventRegistration
from parkos.community.personal import ERASED_NAME
from parkos.community.services import bookings as booking_services
from parkos.community.services.common import assign, audit_retention
from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.db import serialised_writes
from parkos.core.models import AuditAction
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Contact, Enterprise
from parkos.investment import services as investment_services
from parkos.investment.choices import OPEN_STAGES, ActivityKind, LeadSource
from parkos.investment.models import Lead

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.parks.models import Park

EVENT_FIELDS = (
    "kind", "title", "summary", "description", "starts_at", "ends_at", "venue", "capacity", "waitlist_limit",
    "registration_closes_at",
)  # fmt: skip


def _audit(obj: Model, actor: User | None, action: str, park_id: int, changes: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, obj=obj, changes=changes, park_id=park_id)


def _confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _promote(event: Event, *, now: datetime.datetime) -> list[EventRegistration]:
    """Move waiting registrants up while there is room; the caller holds the event's lock."""
    room = event.capacity - _confirmed_count(event)
    if room <= 0:
        return []
    promoted = list(event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("position")[:room])
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        _audit(
            registration,
            None,
            AuditAction.UPDATE,
            event.park_id,
            {
                "status": [RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED],
                "event": "promoted_from_waitlist",
            },
        )
    return promoted


# --- Events --------------------------------------------------------------------------------------------


def _clean_event(event: Event) -> None:
    event.full_clean(exclude=["park", "booking"])
    if event.registration_closes_at and event.registration_closes_at > event.starts_at:
        raise ValidationError({"registration_closes_at": _("报名截止时间不能晚于活动开始时间")})


def event_create(
    *,
    park: Park,
    actor: User,
    hall: BookableResource | None = None,
    **fields: object,
) -> Event:
    """Create a draft event; with a hall, book it for the event's time (refused if the hall is taken)."""
    rights.require_manage(actor, park)
    event = Event(park=park, created_by=actor)
    assign(event, fields, EVENT_FIELDS)
    _clean_event(event)
    with serialised_writes(), transaction.atomic():
        if hall is not None:
            if hall.park_id != park.pk:
                raise ValidationError({"hall": _("场地须属于本园区")})
            event.booking = booking_services.booking_create(
                data=booking_services.BookingInput(
                    resource=hall,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    title=event.title,
                    attendees=min(event.capacity, hall.capacity or event.capacity),
                ),
                actor=actor,
            )
        event.save()
        _audit(event, actor, AuditAction.CREATE, park.pk, model_changes({}, snapshot(event)))
    return event


def event_update(*, event: Event, actor: User, **fields: object) -> Event:
    """Change an event; more capacity moves waiting registrants up, less may not drop confirmed ones."""
    rights.require_manage(actor, event.park_id)
    now = timezone.now()
    with serialised_writes(), transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        before = snapshot(event)
        assign(event, fields, EVENT_FIELDS)
        _clean_event(event)
        confirmed = _confirmed_count(event)
        if event.capacity < confirmed:
            raise ValidationError({"capacity": _("已有 %(n)s 人报名成功，名额不能少于此数") % {"n": confirmed}})
        if event.booking_id is not None and (event.starts_at, event.ends_at) != (
            before["starts_at"],
            before["ends_at"],
        ):
            raise ValidationError({"starts_at": _("活动已预订场地，改期请先取消场地预订后重新预订")})
        event.save()
        _promote(event, now=now)
        changes = model_changes(before, snapshot(event))
        changes.pop("updated_at", None)
        _audit(event, actor, AuditAction.UPDATE, event.park_id, changes)
    return event


def event_publish(*, event: Event, actor: User) -> Event:
    rights.require_manage(actor, event.park_id)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status != EventStatus.DRAFT:
            raise ValidationError(_("只有草稿状态的活动可以发布"))
        event.status = EventStatus.PUBLISHED
        event.published_at = timezone.now()
        event.save(update_fields=["status", "published_at", "updated_at"])
        _audit(event, actor, AuditAction.UPDATE, event.park_id, {"status": [EventStatus.DRAFT, EventStatus.PUBLISHED]})
    return event


def event_cancel(*, event: Event, actor: User, reason: str) -> Event:
    """Cancel an event: it leaves the portal, its hall booking is released, registrants keep their record."""
    rights.require_manage(actor, event.park_id)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因")})
    with serialised_writes(), transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status == EventStatus.CANCELLED:
            return event
        before = event.status
        event.status = EventStatus.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        if event.booking is not None and event.booking.is_active:
            booking_services.booking_cancel(booking=event.booking, actor=actor, reason=reason)
        _audit(
            event,
            actor,
            AuditAction.UPDATE,
            event.park_id,
            {"status": [before, EventStatus.CANCELLED], "reason": reason},
        )
    return event


# --- Registration ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationInput:
    """What a visitor typed on the portal, validated by the form (mobile in E.164)."""

    name: str
    mobile: str
    company: str = ""
    job_title: str = ""
    email: str = ""


def registration_open_error(event: Event, now: datetime.datetime) -> str | None:
    """Why this event takes no registrations now, or None when it does."""
    if event.status != EventStatus.PUBLISHED:
        return _("该活动未开放报名")
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        return _("报名已截止")
    return None


def event_register(
    *, event: Event, data: RegistrationInput, now: datetime.datetime | None = None
) -> tuple[EventRegistration, bool]:
    """Register a visitor: confirmed while there are places, else on the waitlist; idempotent per mobile.

    Returns (registration, created). A second registration from the same mobile returns the first.
    """
    now = now or timezone.now()
    name = " ".join(data.name.split())
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    with serialised_writes(), transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        problem = registration_open_error(event, now)
        if problem:
            raise ValidationError(problem, code="closed")
        if event.is_investment_promotion and not data.company.strip():
            raise ValidationError({"company": _("招商推介会请填写单位名称")})
        existing = event.registrations.exclude(status=RegistrationStatus.CANCELLED).filter(mobile=data.mobile).first()
        if existing is not None:
            return existing, False
        confirmed = _confirmed_count(event)
        if confirmed < event.capacity:
            status = RegistrationStatus.CONFIRMED
        else:
            waiting = event.registrations.filter(status=RegistrationStatus.WAITLISTED).count()
            if waiting >= event.waitlist_limit:
                raise ValidationError(_("名额和候补均已满，感谢关注"), code="full")
            status = RegistrationStatus.WAITLISTED
        last = event.registrations.aggregate(last=Max("position"))["last"] or 0
        registration = EventRegistration(
            event=event,
            name=name,
            mobile=data.mobile,
            company=" ".join(data.company.split()),
            job_title=data.job_title.strip(),
            email=data.email.strip().lower(),
            status=status,
            position=last + 1,
            consent_at=now,
        )
        registration.full_clean(exclude=["event"])
        registration.save()
        # The audit names the registration by id; the personal values stay out of the trail.
        _audit(registration, None, AuditAction.CREATE, event.park_id, {"event": event.pk, "status": status})
    return registration, True


def registration_cancel(
    *, registration: EventRegistration, actor: User | None, now: datetime.datetime | None = None
) -> EventRegistration:
    """Cancel a registration (the visitor through their link, or staff); the first waiting person moves up."""
    now = now or timezone.now()
    if actor is not None:
        rights.require_manage(actor, registration.event.park_id)
    with serialised_writes(), transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = EventRegistration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        if now >= event.ends_at:
            raise ValidationError(_("活动已结束，不能取消报名"))
        if registration.checked_in_at is not None:
            raise ValidationError(_("已签到，不能取消报名"))
        before = registration.status
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        _audit(
            registration, actor, AuditAction.UPDATE, event.park_id, {"status": [before, RegistrationStatus.CANCELLED]}
        )
        _promote(event, now=now)
    return registration


@dataclass(frozen=True)
class CheckIn:
    registration: EventRegistration
    #: True when this scan checked the person in; False when they had been checked in already.
    first_time: bool


def checkin(*, code: str, actor: User, event: Event | None = None, now: datetime.datetime | None = None) -> CheckIn:
    """Check a registrant in by the code their QR carries; a second scan says when they came.

    Only confirmed registrants are let in; waiting and cancelled ones get a message saying so. With
    `event`, a code of another event is refused (the door staff scan for one event).
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            EventRegistration.objects.select_for_update()
            .select_related("event")
            .filter(checkin_code=code.strip())
            .first()
        )
        if registration is None or (event is not None and registration.event_id != event.pk):
            raise ValidationError(_("签到码无效，或不属于本活动"), code="unknown")
        rights.require_manage(actor, registration.event.park_id)
        if registration.status == RegistrationStatus.WAITLISTED:
            raise ValidationError(_("该报名仍在候补中，尚未获得名额"), code="waitlisted")
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("该报名已取消"), code="cancelled")
        if registration.event.status == EventStatus.CANCELLED:
            raise ValidationError(_("活动已取消"), code="event_cancelled")
        if registration.checked_in_at is not None:
            return CheckIn(registration, first_time=False)
        registration.checked_in_at = now
        registration.checked_in_by = actor
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        _audit(registration, actor, AuditAction.UPDATE, registration.event.park_id, {"event": "checked_in"})
    return CheckIn(registration, first_time=True)


# --- Registrants → leads ------------------------------------------------------------------------------------


@dataclass
class LeadConversion:
    counts: Counter[str] = field(default_factory=Counter)
    already: int = 0

    @property
    def created(self) -> int:
        return self.counts[LeadOutcome.CREATED]

    @property
    def attached(self) -> int:
        return self.counts[LeadOutcome.ATTACHED]

    @property
    def skipped_tenants(self) -> int:
        return self.counts[LeadOutcome.SKIPPED_TENANT]


def _open_lead(**lookup: object) -> Lead | None:
    return Lead.objects.filter(stage__in=OPEN_STAGES, **lookup).order_by("-created_at", "-pk").first()


def _match(registration: EventRegistration) -> tuple[Lead | None, Enterprise | None]:
    """An open lead or an enterprise this registrant already is, by mobile first, then by company name.

    1. An open lead whose contact mobile is the registrant's.
    2. A contact with that mobile at an enterprise of the pool: that enterprise (and its open lead, if any).
    3. An enterprise of the pool with the registrant's company name (one match only), and its open lead.
    """
    lead = _open_lead(contact_mobile=registration.mobile)
    if lead is not None:
        return lead, lead.enterprise
    contact = (
        Contact.objects.filter(mobile=registration.mobile, erased_at__isnull=True, enterprise__merged_into__isnull=True)
        .select_related("enterprise")
        .first()
    )
    enterprise = contact.enterprise if contact is not None else None
    if enterprise is None and registration.company:
        enterprise = investment_services.find_enterprise(company_name=registration.company)
    if enterprise is not None:
        return _open_lead(enterprise=enterprise), enterprise
    return None, None


def _convert_one(registration: EventRegistration, event: Event, actor: User) -> str:
    lead, enterprise = _match(registration)
    summary = _("参加活动：%(title)s（%(day)s）") % {
        "title": event.title,
        "day": timezone.localtime(event.starts_at).date().isoformat(),
    }
    if lead is not None:
        outcome = LeadOutcome.ATTACHED
    elif enterprise is not None and enterprise.lifecycle == EnterpriseLifecycle.TENANT:
        registration.lead_outcome = LeadOutcome.SKIPPED_TENANT
        registration.save(update_fields=["lead_outcome", "updated_at"])
        return LeadOutcome.SKIPPED_TENANT
    else:
        lead = investment_services.lead_create(
            actor=actor,
            company_name=enterprise.name if enterprise is not None else registration.company,
            credit_code=(enterprise.credit_code or "") if enterprise is not None else "",
            source=LeadSource.EVENT,
            park=event.park,
            contact_name=registration.name,
            contact_mobile=registration.mobile,
            description=summary,
            consent_at=registration.consent_at,
        )
        outcome = LeadOutcome.CREATED
    investment_services.activity_log(
        lead=lead, kind=ActivityKind.MEETING, summary=summary, actor=actor, occurred_at=event.starts_at
    )
    registration.lead = lead
    registration.lead_outcome = outcome
    registration.save(update_fields=["lead", "lead_outcome", "updated_at"])
    return outcome


def registrants_to_leads(*, event: Event, actor: User, now: datetime.datetime | None = None) -> LeadConversion:
    """Turn a 招商推介会's registrants into leads in one action, deduplicated against leads and the pool.

    Every confirmed registrant not converted yet (see `_match`): an existing open lead gets an activity
    "参加活动…"; an enterprise already in the pool gets a lead of its own (a tenant none); anyone else
    becomes a new lead from the event (source 推介活动), assigned by investment's rules. Running it
    again converts only registrants added since. All or nothing.
    """
    now = now or timezone.now()
    rights.require_manage(actor, event.park_id)
    if not event.is_investment_promotion:
        raise ValidationError(_("只有招商推介会的报名者可以转为招商线索"))
    if now < event.starts_at:
        raise ValidationError(_("活动开始后才能将报名者转为线索"))
    result = LeadConversion()
    with serialised_writes(), transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        registrations = list(
            event.registrations.select_for_update()
            .filter(status=RegistrationStatus.CONFIRMED, erased_at__isnull=True)
            .order_by("position")
        )
        for registration in registrations:
            if registration.lead_outcome:
                result.already += 1
                continue
            result.counts[_convert_one(registration, event, actor)] += 1
        event.leads_converted_at = now
        event.save(update_fields=["leads_converted_at", "updated_at"])
        _audit(
            event,
            actor,
            AuditAction.OTHER,
            event.park_id,
            {
                "event": "registrants_to_leads",
                **{str(k): v for k, v in result.counts.items()},
                "already": result.already,
            },
        )
    return result


@transaction.atomic
def registrations_record_view(
    *,
    event: Event,
    registrations: list[EventRegistration],
    actor: User,
    remote_addr: str | None = None,
    purpose: str = "view",
) -> int:
    """Record that `actor` saw (or exported) these registrants' names and mobiles unmasked: one entry per page."""
    shown = [r.pk for r in registrations if r.erased_at is None]
    if shown:
        audit_record(
            actor=actor,
            action=AuditAction.VIEW_PERSONAL_DATA if purpose == "view" else AuditAction.EXPORT,
            obj=event,
            changes={"registrations": shown, "fields": ["name", "mobile"], "purpose": purpose},
            park_id=event.park_id,
            remote_addr=remote_addr,
        )
    return len(shown)


@transaction.atomic
def registrations_erase(*, before: datetime.datetime, actor: User | None) -> int:
    """Erase the personal data of registrations of events that ended before `before` (retention).

    Registrations that became leads keep nothing here either: the lead holds the person's data under
    the investment rules. The rows stay (counts and attendance), with the name replaced.
    """
    rows = list(
        EventRegistration.objects.select_for_update()
        .filter(event__ends_at__lt=before, erased_at__isnull=True)
        .values_list("pk", "event__park_id")
    )
    now = timezone.now()
    EventRegistration.objects.filter(pk__in=[pk for pk, _park in rows]).update(
        name=ERASED_NAME, mobile="", company="", job_title="", email="", erased_at=now
    )
    audit_retention(
        rows, object_type="community.eventregistration", label=_("活动报名个人信息（保存期满）"), actor=actor
    )
    return len(rows)
