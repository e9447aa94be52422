"""Every write of the service desk: requests, their thread, SLA clock, escalation, rating and reopening.

Typed, keyword-only, atomic, each with an actor, a `ServiceEvent` and an audit entry in the same
transaction. The SLA arithmetic is `sla` (on `parkos.core.workdays`). The statuses:

    待分派 → 待响应 → 处理中 ⇄ 待企业补充 → 已解决待确认 → 已关闭
                                              ↘ (reopened) 处理中
    any open status → 已撤销

- The first message to the tenant (or moving to 处理中) is the first response.
- 待企业补充 stops the clock; a message from the tenant or moving back to 处理中 restarts it.
- Resolving stores the working time used; the tenant confirms by rating (1–5), which closes the
  request, or reopens it. A resolved request nobody confirms closes itself after
  `AUTO_CLOSE_WORKING_DAYS` working days (the SLA sweep).
- The sweep (`sla_sweep`, run every few minutes by `manage.py incubation_sla_sweep`) marks breaches
  and escalates: a missed response to the provider's manager (level 1), a missed resolution to the
  park's managers (level 2), in ParkOS and by e-mail. Each breach escalates once.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.choices import Role
from parkos.accounts.models import User as UserModel
from parkos.core.audit import audit_record, save_audited, snapshot
from parkos.core.models import AuditAction
from parkos.core.uploads import check_upload
from parkos.core.workdays import add_working_days
from parkos.enterprises.models import Enterprise
from parkos.incubation import sla
from parkos.incubation.choices import (
    NotificationKind,
    RequestChannel,
    RequestEventKind,
    RequestStatus,
    Visibility,
)
from parkos.incubation.models import (
    OPEN_REQUEST_STATUSES,
    AssignmentRule,
    ServiceAttachment,
    ServiceEvent,
    ServiceMessage,
    ServiceOffering,
    ServiceProvider,
    ServiceRequest,
)
from parkos.incubation.notifications import notify

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.parks.models import Park

#: A resolved request the tenant neither rates nor reopens closes itself after this many working days.
AUTO_CLOSE_WORKING_DAYS = 3
_WORKING = (RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS)


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _event(
    request: ServiceRequest,
    kind: str,
    actor: User | None,
    *,
    before: str = "",
    note: str = "",
    at: datetime.datetime | None = None,
) -> None:
    ServiceEvent.objects.create(
        request=request,
        kind=kind,
        actor=_actor(actor),
        from_status=before,
        to_status=request.status if before else "",
        note=note[:300],
        at=at or timezone.now(),
    )


def _audit(
    request: ServiceRequest, actor: User | None, changes: dict[str, Any], action: str = AuditAction.UPDATE
) -> None:
    audit_record(actor=actor, action=action, obj=request, changes=changes, park_id=request.park_id)


def _locked(request: ServiceRequest) -> ServiceRequest:
    # of=self: the provider is a nullable join, which PostgreSQL cannot lock.
    return (
        ServiceRequest.objects.select_for_update(of=("self",)).select_related("offering", "provider").get(pk=request.pk)
    )


def _tenant_users(request: ServiceRequest) -> list[User]:
    return list(
        UserModel.objects.filter(enterprise_id=request.enterprise_id, role=Role.ENTERPRISE_USER, is_active=True)
    )


def _is_tenant_of(actor: User | None, request: ServiceRequest) -> bool:
    return actor is not None and actor.is_enterprise_user and actor.enterprise_id == request.enterprise_id


# --- Catalogue -----------------------------------------------------------------------------------------


@transaction.atomic
def offering_save(*, offering: ServiceOffering, actor: User | None) -> ServiceOffering:
    if offering.provider is not None and offering.provider.park_id != offering.park_id:
        raise ValidationError({"provider": _("服务提供方须属于同一园区")})
    before = None if offering.pk is None else snapshot(ServiceOffering.objects.get(pk=offering.pk))
    return save_audited(offering, actor=actor, before=before, park_id=offering.park_id)


@transaction.atomic
def provider_save(
    *, provider: ServiceProvider, actor: User | None, members: Sequence[User] | None = None
) -> ServiceProvider:
    before = None if provider.pk is None else snapshot(ServiceProvider.objects.get(pk=provider.pk))
    save_audited(provider, actor=actor, before=before, park_id=provider.park_id)
    if members is not None:
        provider.members.set(members)
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=provider, changes={"members": [m.pk for m in members]},
            park_id=provider.park_id,
        )  # fmt: skip
    return provider


# --- Raising and assigning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    file: Any
    visibility: str = Visibility.PUBLIC


def _store(
    request: ServiceRequest, uploads: Sequence[Upload], actor: User | None, message: ServiceMessage | None
) -> None:
    checked = []
    errors: list[str] = []
    for upload in uploads:
        try:
            checked.append((upload, check_upload(upload.file)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    for upload, info in checked:
        ServiceAttachment(
            request=request, message=message, visibility=upload.visibility, uploaded_by=_actor(actor)
        ).store(upload.file, info)


def choose_assignee(offering: ServiceOffering) -> User | None:
    """The first active rule of the park matching the service (or its category) by priority; else the
    provider's member with the fewest open requests; else nobody (the desk assigns by hand)."""
    rules = AssignmentRule.objects.filter(park_id=offering.park_id, active=True, assignee__is_active=True).filter(
        Q(offering=offering)
        | Q(offering__isnull=True, category=offering.category)
        | Q(offering__isnull=True, category="")
    )
    rule = rules.select_related("assignee").order_by("priority", "pk").first()
    if rule is not None:
        return rule.assignee
    if offering.provider_id is None:
        return None
    members = (
        UserModel.objects.filter(service_providers=offering.provider_id, is_active=True)
        .annotate(
            load=Count(
                "assigned_service_requests", filter=Q(assigned_service_requests__status__in=OPEN_REQUEST_STATUSES)
            )
        )
        .order_by("load", "pk")
    )
    return members.first()


@transaction.atomic
def request_raise(
    *,
    park: Park,
    enterprise: Enterprise,
    offering: ServiceOffering,
    subject: str,
    description: str,
    actor: User | None,
    uploads: Sequence[Upload] = (),
    raised_at: datetime.datetime | None = None,
) -> ServiceRequest:
    """Raise a request: SLA due times computed now, assigned by the rules, files stored, people told.

    A tenant raises for its own enterprise only; staff raise for an enterprise of their park.
    """
    if offering.park_id != park.pk or not offering.is_active:
        raise ValidationError({"offering": _("该服务不在本园区的服务目录中")})
    if actor is not None and actor.is_enterprise_user and actor.enterprise_id != enterprise.pk:
        raise ValidationError(_("只能为本企业提交服务申请"))
    subject, description = " ".join(subject.split())[:120], description.strip()
    if not subject or not description:
        raise ValidationError({"subject": _("请填写标题和需求描述")})
    now = raised_at or timezone.now()
    request = ServiceRequest(
        park=park,
        enterprise=enterprise,
        offering=offering,
        provider=offering.provider,
        subject=subject,
        description=description,
        channel=RequestChannel.TENANT if actor is not None and actor.is_enterprise_user else RequestChannel.STAFF,
        raised_by=_actor(actor),
        raised_at=now,
        response_due_at=sla.due_at(now, sla.Target(offering.response_target, offering.response_unit)),
        resolution_due_at=sla.due_at(now, sla.Target(offering.resolution_target, offering.resolution_unit)),
    )
    assignee = choose_assignee(offering)
    if assignee is not None:
        request.assignee, request.status = assignee, RequestStatus.ASSIGNED
    request.save()
    request.reference = f"FW-{timezone.localtime(now):%Y%m}-{request.pk:06d}"
    request.save(update_fields=["reference"])
    _store(request, uploads, actor, None)
    _event(request, RequestEventKind.CREATED, actor, at=now)
    if assignee is not None:
        _event(request, RequestEventKind.ASSIGNED, None, note=str(assignee), at=now)
        notify(
            users=[assignee],
            kind=NotificationKind.ASSIGNMENT,
            text=_("新服务申请 %(ref)s：%(subject)s（%(name)s）")
            % {"ref": request.reference, "subject": subject, "name": enterprise.name},
            url=request.get_absolute_url(),
        )
    _audit(request, actor, {"offering": offering.pk, "assignee": request.assignee_id}, AuditAction.CREATE)
    return request


@transaction.atomic
def request_assign(*, request: ServiceRequest, assignee: User, actor: User | None) -> ServiceRequest:
    request = _locked(request)
    if not request.is_open:
        raise ValidationError(_("服务申请已结束，不能再分派"))
    if assignee.is_enterprise_user or not assignee.is_active:
        raise ValidationError({"assignee": _("受理人须为在职的园区工作人员")})
    before = request.status
    request.assignee = assignee
    if request.status == RequestStatus.NEW:
        request.status = RequestStatus.ASSIGNED
    request.save(update_fields=["assignee", "status", "updated_at"])
    _event(request, RequestEventKind.ASSIGNED, actor, before=before, note=str(assignee))
    notify(
        users=[assignee],
        kind=NotificationKind.ASSIGNMENT,
        text=_("服务申请 %(ref)s 已分派给您：%(subject)s") % {"ref": request.reference, "subject": request.subject},
        url=request.get_absolute_url(),
    )
    _audit(request, actor, {"assignee": assignee.pk})
    return request


# --- The thread and the clock ----------------------------------------------------------------------------


def _respond(request: ServiceRequest, actor: User | None, now: datetime.datetime) -> None:
    """The first response: recorded once, judged against the response due time."""
    if request.first_response_at is not None:
        return
    request.first_response_at = now
    if now > request.response_due_at:
        request.response_breached = True
    _event(request, RequestEventKind.RESPONDED, actor, at=now)


def _resume(request: ServiceRequest, actor: User | None, now: datetime.datetime) -> None:
    if request.paused_at is None:
        return
    request.resolution_due_at, paused = sla.resumed_due(request.resolution_due_at, request.paused_at, now)
    request.paused_seconds += paused
    request.paused_at = None
    _event(
        request,
        RequestEventKind.RESUMED,
        actor,
        note=_("新的解决时限：%(due)s") % {"due": _local(request.resolution_due_at)},
        at=now,
    )


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


@transaction.atomic
def request_message(
    *,
    request: ServiceRequest,
    body: str,
    actor: User,
    visibility: str = Visibility.PUBLIC,
    uploads: Sequence[Upload] = (),
) -> ServiceMessage:
    """Add to a request's thread. Staff: a message to the tenant (the first one is the first response) or
    an internal note; the tenant: a message, which restarts a stopped clock."""
    request = _locked(request)
    body = body.strip()
    if not body and not uploads:
        raise ValidationError({"body": _("请填写内容或添加附件")})
    from_tenant = _is_tenant_of(actor, request)
    if actor.is_enterprise_user and not from_tenant:
        raise ValidationError(_("只能在本企业的服务申请中留言"))
    if from_tenant:
        visibility = Visibility.PUBLIC
    if request.status in (RequestStatus.CLOSED, RequestStatus.CANCELLED):
        raise ValidationError(_("服务申请已结束；如问题仍未解决，请重新打开或提交新的申请"))
    now = timezone.now()
    message = ServiceMessage.objects.create(
        request=request, author=actor, visibility=visibility, from_tenant=from_tenant, body=body or _("（附件）")
    )
    # A file is internal when its message or the upload itself says so (the stricter wins).
    _store(
        request,
        [
            Upload(
                u.file, Visibility.INTERNAL if Visibility.INTERNAL in (visibility, u.visibility) else Visibility.PUBLIC
            )
            for u in uploads
        ],
        actor,
        message,
    )
    before = request.status
    if from_tenant:
        if request.status == RequestStatus.WAITING_TENANT:
            _resume(request, actor, now)
            request.status = RequestStatus.IN_PROGRESS
        if request.assignee is not None:
            notify(
                users=[request.assignee],
                kind=NotificationKind.REQUEST_UPDATE,
                text=_("企业回复了服务申请 %(ref)s") % {"ref": request.reference},
                url=request.get_absolute_url(),
            )
    elif visibility == Visibility.PUBLIC:
        _respond(request, actor, now)
        if request.status == RequestStatus.ASSIGNED or request.status == RequestStatus.NEW:
            request.status = RequestStatus.IN_PROGRESS
            request.assignee = request.assignee or actor
        notify(
            users=_tenant_users(request),
            kind=NotificationKind.REQUEST_UPDATE,
            text=_("园区回复了您的服务申请 %(ref)s") % {"ref": request.reference},
            url=f"/incubation/my/requests/{request.pk}/",
        )
    request.save()
    if request.status != before:
        _event(request, RequestEventKind.STATUS, actor, before=before, at=now)
    _audit(request, actor, {"message": visibility, "from_tenant": from_tenant, "status": request.status})
    return message


@transaction.atomic
def request_set_status(*, request: ServiceRequest, status: str, actor: User, note: str = "") -> ServiceRequest:
    """Staff move a request to 处理中 (which is a response) or 待企业补充 (which stops the clock)."""
    request = _locked(request)
    if status not in (RequestStatus.IN_PROGRESS, RequestStatus.WAITING_TENANT):
        raise ValidationError(_("请使用“解决”“关闭”或“撤销”操作"))
    if not request.is_open:
        raise ValidationError(_("服务申请已结束"))
    if status == request.status:
        return request
    now = timezone.now()
    before = request.status
    _respond(request, actor, now)
    if status == RequestStatus.WAITING_TENANT:
        request.paused_at = now
        _event(request, RequestEventKind.PAUSED, actor, note=note, at=now)
    else:
        _resume(request, actor, now)
    request.status = status
    request.assignee = request.assignee or actor
    request.save()
    _event(request, RequestEventKind.STATUS, actor, before=before, note=note, at=now)
    if status == RequestStatus.WAITING_TENANT:
        notify(
            users=_tenant_users(request),
            kind=NotificationKind.REQUEST_UPDATE,
            text=_("服务申请 %(ref)s 需要贵企业补充信息") % {"ref": request.reference},
            url=f"/incubation/my/requests/{request.pk}/",
        )
    _audit(request, actor, {"status": [before, status]})
    return request


@transaction.atomic
def request_resolve(
    *, request: ServiceRequest, actor: User, note: str, quantity: Decimal | None = None
) -> ServiceRequest:
    """Mark resolved with what was done (a message to the tenant): the working time used is stored."""
    request = _locked(request)
    if not request.is_open:
        raise ValidationError(_("服务申请已结束"))
    if not note.strip():
        raise ValidationError({"note": _("请填写处理结果，企业将看到这段说明")})
    if request.offering.is_charged and (quantity is None or quantity <= 0):
        raise ValidationError({"quantity": _("收费服务请填写计费数量")})
    now = timezone.now()
    _resume(request, actor, now)
    _respond(request, actor, now)
    before = request.status
    ServiceMessage.objects.create(request=request, author=actor, visibility=Visibility.PUBLIC, body=note.strip())
    request.status = RequestStatus.RESOLVED
    request.resolved_at = now
    request.resolution_seconds = sla.resolution_seconds(request.raised_at, now, request.paused_seconds)
    if now > request.resolution_due_at:
        request.resolution_breached = True
    request.quantity = quantity if request.offering.is_charged else None
    request.assignee = request.assignee or actor
    request.save()
    _event(request, RequestEventKind.RESOLVED, actor, before=before, at=now)
    notify(
        users=_tenant_users(request),
        kind=NotificationKind.REQUEST_UPDATE,
        text=_("服务申请 %(ref)s 已处理完毕，请确认并评价") % {"ref": request.reference},
        url=f"/incubation/my/requests/{request.pk}/",
    )
    _audit(
        request, actor, {"status": [before, RequestStatus.RESOLVED], "resolution_seconds": request.resolution_seconds}
    )
    return request


@transaction.atomic
def request_rate(*, request: ServiceRequest, rating: int, comment: str, actor: User) -> ServiceRequest:
    """The tenant confirms a resolved request with a satisfaction rating (1–5), which closes it."""
    request = _locked(request)
    if not _is_tenant_of(actor, request):
        raise ValidationError(_("只有提出申请的企业可以评价"))
    if request.status != RequestStatus.RESOLVED:
        raise ValidationError(_("服务申请处理完毕后才能评价"))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("请选择1至5星")})
    now = timezone.now()
    request.rating, request.rating_comment, request.rated_at = rating, comment.strip()[:500], now
    request.status, request.closed_at = RequestStatus.CLOSED, now
    request.save()
    _event(request, RequestEventKind.RATED, actor, note=f"{rating}★ {request.rating_comment}", at=now)
    _event(request, RequestEventKind.CLOSED, actor, before=RequestStatus.RESOLVED, at=now)
    if rating <= 2 and request.provider is not None and request.provider.manager is not None:
        notify(
            users=[request.provider.manager],
            kind=NotificationKind.REQUEST_UPDATE,
            text=_("服务申请 %(ref)s 收到低分评价（%(n)d星）") % {"ref": request.reference, "n": rating},
            url=request.get_absolute_url(),
        )
    _audit(request, actor, {"rating": rating, "status": RequestStatus.CLOSED})
    return request


@transaction.atomic
def request_reopen(*, request: ServiceRequest, actor: User, reason: str) -> ServiceRequest:
    """The tenant (or staff) reopens a resolved or closed request: a fresh resolution target from now."""
    request = _locked(request)
    if request.status not in (RequestStatus.RESOLVED, RequestStatus.CLOSED):
        raise ValidationError(_("只有已解决或已关闭的服务申请可以重新打开"))
    if actor.is_enterprise_user and not _is_tenant_of(actor, request):
        raise ValidationError(_("只能重新打开本企业的服务申请"))
    if not reason.strip():
        raise ValidationError({"reason": _("请说明重新打开的原因")})
    now = timezone.now()
    before = request.status
    offering = request.offering
    ServiceMessage.objects.create(
        request=request,
        author=actor,
        visibility=Visibility.PUBLIC,
        from_tenant=_is_tenant_of(actor, request),
        body=reason.strip(),
    )
    request.status = RequestStatus.IN_PROGRESS if request.assignee_id else RequestStatus.NEW
    request.reopen_count += 1
    request.resolved_at = request.closed_at = request.rated_at = None
    request.rating, request.rating_comment = None, ""
    request.resolution_seconds = None
    request.resolution_breached = False
    request.escalation_level = min(request.escalation_level, 1)
    request.resolution_due_at = sla.due_at(now, sla.Target(offering.resolution_target, offering.resolution_unit))
    request.save()
    _event(request, RequestEventKind.REOPENED, actor, before=before, note=reason, at=now)
    if request.assignee is not None:
        notify(
            users=[request.assignee],
            kind=NotificationKind.REQUEST_UPDATE,
            text=_("服务申请 %(ref)s 被重新打开：%(reason)s")
            % {"ref": request.reference, "reason": reason.strip()[:60]},
            url=request.get_absolute_url(),
        )
    _audit(request, actor, {"status": [before, request.status], "reopen_count": request.reopen_count})
    return request


@transaction.atomic
def request_close(*, request: ServiceRequest, actor: User | None, note: str = "") -> ServiceRequest:
    """Close a resolved request without a rating (the tenant's confirmation, or the sweep's auto-close)."""
    request = _locked(request)
    if request.status != RequestStatus.RESOLVED:
        raise ValidationError(_("只有已解决的服务申请可以关闭"))
    if actor is not None and actor.is_enterprise_user and not _is_tenant_of(actor, request):
        raise ValidationError(_("只能关闭本企业的服务申请"))
    now = timezone.now()
    request.status, request.closed_at = RequestStatus.CLOSED, now
    request.save(update_fields=["status", "closed_at", "updated_at"])
    _event(request, RequestEventKind.CLOSED, actor, before=RequestStatus.RESOLVED, note=note, at=now)
    _audit(request, actor, {"status": [RequestStatus.RESOLVED, RequestStatus.CLOSED], "note": note})
    return request


@transaction.atomic
def request_cancel(*, request: ServiceRequest, actor: User, reason: str) -> ServiceRequest:
    request = _locked(request)
    if not request.is_open:
        raise ValidationError(_("服务申请已结束"))
    if actor.is_enterprise_user and not _is_tenant_of(actor, request):
        raise ValidationError(_("只能撤销本企业的服务申请"))
    if not reason.strip():
        raise ValidationError({"reason": _("请说明撤销原因")})
    before = request.status
    request.status, request.closed_at, request.paused_at = RequestStatus.CANCELLED, timezone.now(), None
    request.save()
    _event(request, RequestEventKind.CANCELLED, actor, before=before, note=reason)
    _audit(request, actor, {"status": [before, RequestStatus.CANCELLED], "reason": reason})
    return request


# --- The SLA sweep -----------------------------------------------------------------------------------


def _park_managers(park_id: int) -> list[User]:
    return list(UserModel.objects.filter(role=Role.PARK_MANAGER, parks=park_id, is_active=True).order_by("pk"))


def _escalate(request: ServiceRequest, level: int, now: datetime.datetime) -> None:
    """Level 1 (missed response): the provider's manager, or the park's managers when it has none.
    Level 2 (missed resolution): the provider's manager and the park's managers."""
    manager = request.provider.manager if request.provider is not None else None
    to = [manager] if manager is not None else []
    if level == 1:
        kind, text = RequestEventKind.RESPONSE_BREACHED, _("服务申请 %(ref)s 超过响应时限未响应（%(name)s）")
        request.response_breached = True
        to = to or _park_managers(request.park_id)
    else:
        kind, text = RequestEventKind.RESOLUTION_BREACHED, _("服务申请 %(ref)s 超过解决时限仍未解决（%(name)s）")
        request.resolution_breached = True
        to += _park_managers(request.park_id)
    request.escalation_level += 1
    _event(request, kind, None, at=now)
    _event(request, RequestEventKind.ESCALATED, None, note="、".join(str(u) for u in to), at=now)
    message = text % {"ref": request.reference, "name": request.enterprise.name}
    notify(users=to, kind=NotificationKind.ESCALATION, text=message, url=request.get_absolute_url())


@dataclass(frozen=True)
class SweepResult:
    response_breaches: int
    resolution_breaches: int
    auto_closed: int


@transaction.atomic
def sla_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Mark and escalate breaches, and close resolved requests left unconfirmed; idempotent.

    1. Open requests without a first response past their response due time (and not yet marked):
       response breached, escalated to the provider's manager (or the park's managers).
    2. Open requests not waiting for the tenant, past their resolution due time and not yet marked:
       resolution breached, escalated to the park's managers.
    3. Resolved requests older than `AUTO_CLOSE_WORKING_DAYS` working days: closed.
    Rows are locked (skipping those another sweep holds), so two sweeps never escalate twice.
    """
    now = now or timezone.now()
    open_requests = ServiceRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
    late_response = open_requests.filter(
        first_response_at__isnull=True, response_breached=False, response_due_at__lt=now
    )
    late_resolution = open_requests.exclude(status=RequestStatus.WAITING_TENANT).filter(
        resolution_breached=False, resolution_due_at__lt=now
    )
    counts = [0, 0]
    for level, queryset in ((1, late_response), (2, late_resolution)):
        locked = queryset.select_for_update(skip_locked=True, of=("self",))
        for request in locked.select_related("provider__manager", "enterprise").order_by("pk"):
            _escalate(request, level, now)
            request.save()
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=request,
                changes={"breach": "response" if level == 1 else "resolution", "escalation": request.escalation_level},
                park_id=request.park_id,
            )
            counts[level - 1] += 1
    closed = 0
    today = timezone.localdate(now)
    for request in ServiceRequest.objects.filter(status=RequestStatus.RESOLVED, resolved_at__isnull=False).order_by(
        "pk"
    ):
        assert request.resolved_at is not None
        if add_working_days(timezone.localdate(request.resolved_at), AUTO_CLOSE_WORKING_DAYS) <= today:
            request_close(
                request=request,
                actor=None,
                note=_("企业未在%(n)d个工作日内确认，自动关闭") % {"n": AUTO_CLOSE_WORKING_DAYS},
            )
            closed += 1
    return SweepResult(counts[0], counts[1], closed)
