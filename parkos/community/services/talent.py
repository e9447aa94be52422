"""Every write to talent programmes, talent records, applications and talent apartments.

Personal values (names, mobiles) never enter the audit trail: entries name a record by id and list
which fields changed. Unmasked views are audited by `talents_record_view`, like enterprise contacts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import has_capability
from parkos.community import rights
from parkos.community.choices import (
    APPLICATION_OUTCOMES,
    LEVEL_PRIORITY,
    OPEN_APPLICATION_STATUSES,
    ApartmentLeaseStatus,
    ApplicationStatus,
    TalentStatus,
    WaitlistStatus,
)
from parkos.community.models import (
    ApartmentLease,
    ApartmentRoom,
    ApartmentWaitlistEntry,
    TalentApplication,
    TalentProgramme,
    TalentRecord,
)
from parkos.community.personal import ERASED_NAME
from parkos.community.services.common import assign
from parkos.core.audit import audit_record, model_changes, save_audited, snapshot
from parkos.core.models import AuditAction
from parkos.investment.services import normalise_mobile

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

PROGRAMME_FIELDS = (
    "name", "level", "authority", "criteria", "min_level", "min_degree", "benefits", "subsidy_wan",
    "apartment_eligible", "opens_on", "closes_on", "active",
)  # fmt: skip
TALENT_FIELDS = (
    "name", "mobile", "birth_year", "level", "degree", "title", "field", "position", "returnee", "arrived_on",
)  # fmt: skip
PERSONAL_FIELDS = frozenset({"name", "mobile", "birth_year"})


# --- Programmes -------------------------------------------------------------------------------------------


@transaction.atomic
def programme_save(
    *, actor: User, programme: TalentProgramme | None = None, parks: Iterable[Park] = (), **fields: object
) -> TalentProgramme:
    """Create or change a talent programme (operator-wide; `parks` empty means every park)."""
    if not has_capability(actor, rights.MANAGE):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    parks = list(parks)
    for park in parks:
        rights.require_manage(actor, park)
    before = snapshot(programme) if programme is not None else None
    programme = programme or TalentProgramme()
    assign(programme, fields, PROGRAMME_FIELDS)
    programme.name = " ".join(programme.name.split())
    save_audited(programme, actor=actor, before=before)
    programme.parks.set(parks)
    return programme


# --- Talent records ----------------------------------------------------------------------------------------


def _normalise(talent: TalentRecord) -> None:
    talent.name = " ".join((talent.name or "").split())
    if talent.mobile:
        try:
            talent.mobile = normalise_mobile(talent.mobile)
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from None


def _audit_talent(talent: TalentRecord, actor: User | None, action: str, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action=action, obj=talent, object_repr=f"#{talent.pk}", changes=changes, park_id=talent.park_id
    )


@transaction.atomic
def talent_create(*, park: Park, enterprise: Enterprise, actor: User, **fields: object) -> TalentRecord:
    """Record a talent at an enterprise of the park."""
    rights.require_manage(actor, park)
    if not enterprise.parks.filter(pk=park.pk).exists():
        raise ValidationError({"enterprise": _("该企业不在本园区")})
    talent = TalentRecord(park=park, enterprise=enterprise, created_by=actor)
    assign(talent, fields, TALENT_FIELDS)
    _normalise(talent)
    talent.full_clean()
    talent.save()
    _audit_talent(
        talent,
        actor,
        AuditAction.CREATE,
        {"enterprise": enterprise.pk, "fields": sorted(k for k, v in fields.items() if v)},
    )
    return talent


@transaction.atomic
def talent_update(*, talent: TalentRecord, actor: User, **fields: object) -> TalentRecord:
    rights.require_manage(actor, talent.park_id)
    talent = TalentRecord.objects.select_for_update().get(pk=talent.pk)
    if talent.erased_at is not None:
        raise ValidationError(_("该人才的个人信息已删除，不能再修改"))
    before = snapshot(talent)
    assign(talent, fields, TALENT_FIELDS)
    _normalise(talent)
    talent.full_clean()
    talent.save()
    changed = model_changes(before, snapshot(talent))
    changed.pop("updated_at", None)
    if changed:
        # Which fields changed, and the new values of the non-personal ones.
        _audit_talent(
            talent,
            actor,
            AuditAction.UPDATE,
            {k: v if k not in PERSONAL_FIELDS else "***" for k, v in changed.items()},
        )
    return talent


@transaction.atomic
def talent_leave(*, talent: TalentRecord, actor: User, left_on: datetime.date) -> TalentRecord:
    """A talent leaves the park: their apartment stay ends that day and their place in the queue goes."""
    rights.require_manage(actor, talent.park_id)
    talent = TalentRecord.objects.select_for_update().get(pk=talent.pk)
    if talent.status == TalentStatus.LEFT:
        raise ValidationError(_("该人才已离园"))
    talent.status = TalentStatus.LEFT
    talent.left_on = left_on
    talent.full_clean()
    talent.save(update_fields=["status", "left_on", "updated_at"])
    for lease in talent.apartment_leases.filter(status=ApartmentLeaseStatus.ACTIVE):
        _end_lease(lease, ended_on=max(left_on, lease.starts_on), actor=actor)
    talent.waitlist_entries.filter(status=WaitlistStatus.WAITING).update(status=WaitlistStatus.WITHDRAWN)
    _audit_talent(
        talent, actor, AuditAction.UPDATE, {"status": [TalentStatus.ACTIVE, TalentStatus.LEFT], "left_on": left_on}
    )
    return talent


@transaction.atomic
def talents_record_view(
    *, talents: Iterable[TalentRecord], actor: User, remote_addr: str | None = None, purpose: str = "view"
) -> int:
    """Record that `actor` saw these talents' personal data unmasked (page or export); one entry each."""
    count = 0
    for talent in talents:
        if talent.erased_at is not None:
            continue
        audit_record(
            actor=actor,
            action=AuditAction.VIEW_PERSONAL_DATA if purpose == "view" else AuditAction.EXPORT,
            obj=talent,
            object_repr=f"#{talent.pk}",
            changes={"fields": ["name", "mobile"], "purpose": purpose},
            park_id=talent.park_id,
            remote_addr=remote_addr,
        )
        count += 1
    return count


@transaction.atomic
def talent_erase(*, talent: TalentRecord, actor: User) -> TalentRecord:
    """Erase a person's data on request: name, mobile and birth year go; level, field and history stay."""
    rights.require_manage(actor, talent.park_id)
    talent = TalentRecord.objects.select_for_update().get(pk=talent.pk)
    if talent.erased_at is not None:
        return talent
    talent.name, talent.mobile, talent.birth_year = ERASED_NAME, "", None
    talent.erased_at = timezone.now()
    talent.save(update_fields=["name", "mobile", "birth_year", "erased_at", "updated_at"])
    _audit_talent(talent, actor, AuditAction.DELETE, {"event": "personal_data_erased"})
    return talent


# --- Applications to programmes ------------------------------------------------------------------------------

#: Which status may follow which (withdrawn from any open status).
_NEXT: dict[str, frozenset[str]] = {
    ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.SUBMITTED: frozenset(
        {
            ApplicationStatus.UNDER_REVIEW,
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.UNDER_REVIEW: frozenset(
        {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN}
    ),
}


@transaction.atomic
def application_create(
    *, programme: TalentProgramme, talent: TalentRecord, kind: str, year: int, actor: User, note: str = ""
) -> TalentApplication:
    """Recommend or apply a talent to a programme (once a year per programme, unless withdrawn)."""
    rights.require_manage(actor, talent.park_id)
    if not programme.active:
        raise ValidationError({"programme": _("该人才计划已停止")})
    if talent.status != TalentStatus.ACTIVE:
        raise ValidationError({"talent": _("该人才已离园")})
    application = TalentApplication(
        programme=programme, talent=talent, park_id=talent.park_id, kind=kind, year=year, note=note, created_by=actor
    )
    application.full_clean()
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=application,
        object_repr=f"{programme.name} #{talent.pk}",
        changes={"programme": programme.pk, "talent": talent.pk, "kind": kind, "year": year},
        park_id=talent.park_id,
    )
    return application


@transaction.atomic
def application_advance(
    *,
    application: TalentApplication,
    to_status: str,
    actor: User,
    on: datetime.date | None = None,
    note: str = "",
    granted_wan: Decimal | None = None,
) -> TalentApplication:
    """Move an application on: submitted, under review, and an outcome (approved, rejected, withdrawn)."""
    rights.require_manage(actor, application.park_id)
    application = TalentApplication.objects.select_for_update().get(pk=application.pk)
    before = application.status
    if to_status not in _NEXT.get(before, frozenset()):
        raise ValidationError(
            _("不能从“%(a)s”改为“%(b)s”")
            % {"a": ApplicationStatus(before).label, "b": ApplicationStatus(to_status).label}
        )
    on = on or timezone.localdate()
    application.status = to_status
    if to_status == ApplicationStatus.SUBMITTED:
        application.submitted_on = on
    if to_status in APPLICATION_OUTCOMES:
        application.decided_on = on
        application.outcome_note = note.strip()[:300]
        application.granted_wan = granted_wan if to_status == ApplicationStatus.APPROVED else None
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=application,
        object_repr=f"#{application.pk}",
        changes={"status": [before, to_status], "granted_wan": granted_wan},
        park_id=application.park_id,
    )
    return application


def application_is_open(application: TalentApplication) -> bool:
    return application.status in OPEN_APPLICATION_STATUSES


# --- Talent apartments ----------------------------------------------------------------------------------------


@transaction.atomic
def room_save(*, actor: User, park: Park, room: ApartmentRoom | None = None, **fields: object) -> ApartmentRoom:
    rights.require_manage(actor, park)
    before = snapshot(room) if room is not None else None
    room = room or ApartmentRoom(park=park)
    assign(room, fields, ("building", "number", "room_type", "area_sqm", "monthly_rent", "in_service"))
    return save_audited(room, actor=actor, before=before, park_id=park.pk)


@transaction.atomic
def waitlist_add(
    *, talent: TalentRecord, actor: User, requested_on: datetime.date, room_type: str = "", note: str = ""
) -> ApartmentWaitlistEntry:
    """Put a talent in the apartment queue: higher talent levels first, then by request date."""
    rights.require_manage(actor, talent.park_id)
    if talent.status != TalentStatus.ACTIVE:
        raise ValidationError(_("该人才已离园"))
    if talent.apartment_leases.filter(status=ApartmentLeaseStatus.ACTIVE).exists():
        raise ValidationError(_("该人才已在人才公寓入住"))
    entry = ApartmentWaitlistEntry(
        park_id=talent.park_id,
        talent=talent,
        room_type=room_type,
        priority=LEVEL_PRIORITY[talent.level],
        requested_on=requested_on,
        note=note,
    )
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        object_repr=f"#{talent.pk}",
        changes={"talent": talent.pk, "priority": entry.priority, "room_type": room_type},
        park_id=talent.park_id,
    )
    return entry


@transaction.atomic
def apartment_allocate(
    *,
    room: ApartmentRoom,
    talent: TalentRecord,
    starts_on: datetime.date,
    planned_end_on: datetime.date,
    actor: User,
    monthly_rent: Decimal | None = None,
) -> ApartmentLease:
    """Let a room to a talent; their waiting-list entry, if any, is marked housed.

    The room row is locked first, so two allocations of one room queue and the second is refused.
    """
    rights.require_manage(actor, room.park_id)
    room = ApartmentRoom.objects.select_for_update().get(pk=room.pk)
    if talent.park_id != room.park_id:
        raise ValidationError(_("人才与房间不在同一园区"))
    if not room.in_service:
        raise ValidationError(_("该房间暂停使用"))
    if room.leases.filter(status=ApartmentLeaseStatus.ACTIVE).exists():
        raise ValidationError(_("该房间已有在住人员"))
    if talent.status != TalentStatus.ACTIVE:
        raise ValidationError(_("该人才已离园"))
    if talent.apartment_leases.filter(status=ApartmentLeaseStatus.ACTIVE).exists():
        raise ValidationError(_("该人才已在人才公寓入住"))
    lease = ApartmentLease(
        room=room,
        talent=talent,
        park_id=room.park_id,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        monthly_rent=room.monthly_rent if monthly_rent is None else monthly_rent,
    )
    lease.full_clean()
    lease.save()
    entry = talent.waitlist_entries.select_for_update().filter(status=WaitlistStatus.WAITING).first()
    if entry is not None:
        entry.status = WaitlistStatus.HOUSED
        entry.lease = lease
        entry.save(update_fields=["status", "lease", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=lease,
        object_repr=f"{room} #{talent.pk}",
        changes={"room": room.pk, "talent": talent.pk, "starts_on": starts_on, "planned_end_on": planned_end_on},
        park_id=room.park_id,
    )
    return lease


def _end_lease(lease: ApartmentLease, *, ended_on: datetime.date, actor: User) -> ApartmentLease:
    if ended_on < lease.starts_on:
        raise ValidationError(_("退房日期不能早于入住日期"))
    lease.status = ApartmentLeaseStatus.ENDED
    lease.ended_on = ended_on
    lease.save(update_fields=["status", "ended_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=lease,
        object_repr=f"{lease.room} #{lease.talent_id}",
        changes={"status": [ApartmentLeaseStatus.ACTIVE, ApartmentLeaseStatus.ENDED], "ended_on": ended_on},
        park_id=lease.park_id,
    )
    return lease


@transaction.atomic
def apartment_lease_end(*, lease: ApartmentLease, ended_on: datetime.date, actor: User) -> ApartmentLease:
    """Move a talent out; the room is free for the next person in the queue."""
    rights.require_manage(actor, lease.park_id)
    lease = ApartmentLease.objects.select_for_update().select_related("room").get(pk=lease.pk)
    if lease.status != ApartmentLeaseStatus.ACTIVE:
        raise ValidationError(_("该租住已结束"))
    return _end_lease(lease, ended_on=ended_on, actor=actor)


@transaction.atomic
def waitlist_withdraw(*, entry: ApartmentWaitlistEntry, actor: User) -> ApartmentWaitlistEntry:
    rights.require_manage(actor, entry.park_id)
    entry = ApartmentWaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistStatus.WAITING:
        raise ValidationError(_("该排队记录已处理"))
    entry.status = WaitlistStatus.WITHDRAWN
    entry.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=entry,
        object_repr=f"#{entry.talent_id}",
        changes={"status": [WaitlistStatus.WAITING, WaitlistStatus.WITHDRAWN]},
        park_id=entry.park_id,
    )
    return entry
