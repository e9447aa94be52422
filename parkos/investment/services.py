"""Every write of investment promotion: typed, keyword-only, atomic, audited.

Leads link to the shared enterprise pool through the enterprises app's services (a prospect
Enterprise and its Contact are created there, never here). Notifications are rows written in the
same transaction as the change that causes them.
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import Capability, can_access_park, has_capability
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.core import industry
from parkos.core.audit import SCRUBBED as ERASED
from parkos.core.audit import audit_record, audit_scrub, model_changes, snapshot
from parkos.core.db import serialised_writes
from parkos.core.models import AuditAction, AuditEntry
from parkos.core.workdays import add_working_days, next_working_day
from parkos.enterprises import search
from parkos.enterprises.choices import EnterpriseSource
from parkos.enterprises.erasure import ErasedPerson
from parkos.enterprises.models import Enterprise
from parkos.enterprises.phones import mask_mobile, parse_phone
from parkos.enterprises.services import clean_credit_code, contact_create, enterprise_create
from parkos.investment import hooks
from parkos.investment.choices import (
    ActivityKind,
    FireClassSource,
    LeadSource,
    LeadStage,
    NotificationKind,
)
from parkos.investment.models import (
    Activity,
    AssignmentRule,
    Lead,
    Notification,
    Requirement,
    RequirementVersion,
    StageChange,
    SubmissionGuard,
)
from parkos.investment.selectors import leads_matching_space
from parkos.parks.fire import FireHazardClass, Process, ProcessKind, derive_tenant_class
from parkos.parks.models import Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User
    from parkos.enterprises.models import Contact, Enterprise
    from parkos.parks.models import LandParcel, Park, Unit

LEAD_EDITABLE_FIELDS = (
    "park", "company_name", "contact_name", "contact_mobile", "source", "expected_signing_on", "probability",
    "description",
)  # fmt: skip
REQUIREMENT_EDITABLE_FIELDS = (
    "space_kind", "tenure", "area_unit", "area_min_sqm", "area_max_sqm", "industry_code", "fire_class",
    "floor_preference", "storage_fire_class", "cold_storage_temp_c",
    "cleanroom_grade", "min_floor_load_kn_m2", "min_clear_height_m", "min_power_kva", "min_lift_t", "min_crane_t",
    "needs_wastewater_pretreatment", "eia_category", "budget_rent_yuan_per_sqm_month", "budget_price_yuan_per_sqm",
    "budget_land_wan_per_mu", "preferred_cities", "move_in_on", "expected_annual_tax_wan", "investment_wan", "jobs",
)  # fmt: skip
#: A repeat portal submission from the same mobile within this window joins that lead as a new version.
DEDUP_WINDOW = datetime.timedelta(hours=24)


# --- Normalisation -----------------------------------------------------------------------------------


def normalise_mobile(raw: str) -> str:
    """A mainland mobile number in E.164 (+8613800138000); ValidationError with a Chinese message."""
    parsed = parse_phone(raw or "")
    if parsed.kind != "mobile":
        raise ValidationError(_("请填写11位手机号码"), code="not_mobile")
    return parsed.e164


def _contact_mobile(raw: str) -> str:
    """A lead's contact mobile, normalised; its errors are the field's (the form and API show them there)."""
    try:
        return normalise_mobile(raw)
    except ValidationError as exc:
        raise ValidationError({"contact_mobile": exc.messages}) from None


def _process(data: dict[str, Any]) -> Process:
    def dec(key: str) -> Decimal | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(_("工艺参数须为数字"), code="process_number") from None

    return Process(
        kind=ProcessKind(data["kind"]),
        # No share declared: the process may use the whole area (parks.fire.Process).
        share=dec("share"),
        flash_point_c=dec("flash_point_c"),
        lel_percent=dec("lel_percent"),
        small_quantity=bool(data.get("small_quantity")),
        mitigated=bool(data.get("mitigated")),
        name=str(data.get("name", "")),
    )


def derive_fire_class(processes: Sequence[dict[str, Any]]) -> tuple[str, list[str]]:
    """A tenant's production class from declared processes (RULES §4), with the reasons in Chinese."""
    try:
        decision = derive_tenant_class([_process(p) for p in processes])
    except KeyError:
        raise ValidationError({"processes": _("工艺申报不完整：每项工艺须注明类型")}) from None
    except ValueError as exc:
        raise ValidationError({"processes": _("工艺申报有误：%(error)s") % {"error": exc}}) from None
    return FireHazardClass(decision.hazard_class).value, [str(r) for r in decision.reasons]


def _industry(code: str) -> industry.Resolution:
    """The 2017 code of what was typed; a 2011 code is mapped and the notice kept for the officer."""
    if not code or not code.strip():
        return industry.Resolution(code="")
    try:
        return industry.resolve(code)
    except ValidationError as exc:
        raise ValidationError({"industry_code": exc.messages}) from None


def _apply_requirement(
    requirement: Requirement, fields: dict[str, Any], processes: Sequence[dict[str, Any]] | None
) -> None:
    unknown = set(fields) - set(REQUIREMENT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(requirement, name, value)
    if "industry_code" in fields:
        resolution = _industry(requirement.industry_code)
        requirement.industry_code, requirement.industry_code_note = resolution.code, resolution.notice
    requirement.preferred_cities = [c.strip() for c in requirement.preferred_cities or [] if c and c.strip()]
    if processes is not None:
        requirement.processes = [dict(p) for p in processes]
    if requirement.processes and not fields.get("fire_class"):
        # Declared processes decide the class unless the officer entered one directly.
        requirement.fire_class, requirement.fire_class_reasons = derive_fire_class(requirement.processes)
        requirement.fire_class_source = FireClassSource.DERIVED
    elif requirement.fire_class:
        if fields.get("fire_class"):
            requirement.fire_class_source = FireClassSource.DIRECT
            requirement.fire_class_reasons = []
    else:
        requirement.fire_class_source = FireClassSource.UNKNOWN
        requirement.fire_class_reasons = []


# --- Enterprise link -----------------------------------------------------------------------------------


def find_enterprise(*, company_name: str, credit_code: str = "") -> Enterprise | None:
    """The pool's record for a company: by credit code, else by normalised name (one match only)."""

    if credit_code:
        code = clean_credit_code(credit_code)
        found = Enterprise.objects.active().filter(credit_code=code).first()
        if found is not None:
            return found
    key = search.name_key(company_name)
    if not key:
        return None
    candidates = list(Enterprise.objects.active().filter(name_key=key)[:2])
    return candidates[0] if len(candidates) == 1 else None


def _link_enterprise(
    lead: Lead, *, credit_code: str, industry_code: str, actor: User | None, create: bool
) -> tuple[Enterprise | None, Contact | None]:
    """Find (or create as a prospect) the lead's enterprise, and its contact by mobile."""

    enterprise = find_enterprise(company_name=lead.company_name, credit_code=credit_code)
    if enterprise is None and create:
        try:
            enterprise = enterprise_create(
                actor=actor,
                name=lead.company_name,
                credit_code=credit_code or None,
                industry_code=industry_code,
                source=EnterpriseSource.PORTAL if lead.source == LeadSource.PORTAL_FORM else EnterpriseSource.MANUAL,
                parks=[lead.park] if lead.park is not None else [],
            )
        except ValidationError:
            enterprise = None  # a name the pool refuses: the lead keeps its bare name
    elif enterprise is not None and lead.park is not None:
        enterprise.parks.add(lead.park)
    contact = None
    if enterprise is not None and lead.contact_name:
        if lead.contact_mobile:
            contact = enterprise.contacts.filter(mobile=lead.contact_mobile, erased_at__isnull=True).first()
        if contact is None:
            try:
                contact = contact_create(
                    enterprise=enterprise, actor=actor, name=lead.contact_name, mobile=lead.contact_mobile
                )
            except ValidationError:
                contact = None
    return enterprise, contact


# --- Assignment -----------------------------------------------------------------------------------------


def pick_officer(*, park: Park | None, industry_code: str) -> User | None:
    """Who gets a new lead.

    1. The first active rule (by priority) whose park is the lead's (or any) and whose industry
       prefix the lead's code starts with (or any).
    2. Otherwise round-robin among the park's active investment officers: the one whose last
       assignment is oldest (never assigned first), ties by id.
    """

    code = industry_code or ""
    rules = AssignmentRule.objects.filter(active=True, officer__is_active=True).select_related("officer")
    rules = rules.filter(Q(park__isnull=True) | Q(park=park)) if park is not None else rules.filter(park__isnull=True)
    for rule in rules.order_by("priority", "pk"):
        prefix = rule.industry_prefix.lstrip("ABCDEFGHIJKLMNOPQRST")
        if prefix and not code.startswith(prefix):
            continue
        return rule.officer
    if park is None:
        return None
    return (
        User.objects.filter(role=Role.INVESTMENT_OFFICER, is_active=True, parks=park)
        .annotate(last=Max("investment_leads__assigned_at"))
        .order_by(F("last").asc(nulls_first=True), "pk")
        .first()
    )


def notify(*, user: User, text: str, url: str = "", lead: Lead | None = None, kind: str = "") -> Notification:
    return Notification.objects.create(user=user, text=text[:300], url=url, lead=lead, kind=kind)


def _assign(lead: Lead, officer: User | None, *, actor: User | None) -> None:
    if officer is None or lead.officer_id == officer.pk:
        return
    lead.officer = officer
    lead.assigned_at = timezone.now()
    lead.save(update_fields=["officer", "assigned_at", "updated_at"])
    notify(
        user=officer,
        text=_("新线索分配给您：%(company)s") % {"company": lead.company_name},
        url=lead.get_absolute_url(),
        lead=lead,
        kind=NotificationKind.ASSIGNED,
    )


#: Roles that may be given leads, and roles that may hand them out.
OFFICER_ROLES = (Role.INVESTMENT_OFFICER, Role.PARK_MANAGER)


def can_assign(user: User, park: Park | None) -> bool:
    """Operator admins assign any lead (the pool too); park managers the leads of their parks."""
    if not user.is_active:
        return False
    if user.role == Role.OPERATOR_ADMIN:
        return True
    return user.role == Role.PARK_MANAGER and park is not None and can_access_park(user, park)


@transaction.atomic
def lead_assign(*, lead: Lead, officer: User, actor: User, park: Park | None = None) -> Lead:
    """A manager gives a lead (from 待分配, or reassigns one) a park and an officer.

    1. Lock the lead so two managers assigning at once leave one consistent owner.
    2. The park is the one given, else the lead's; a lead needs one to be worked.
    3. The actor must manage that park (or be an operator admin); the officer must be an active
       investment officer or park manager who works in it.
    4. Record, audit, and notify the officer.
    """
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    target = park or lead.park
    if target is None:
        raise ValidationError({"park": _("请为线索选择负责园区")})
    if not (can_assign(actor, lead.park) or (lead.park is None and can_assign(actor, target))):
        raise PermissionDenied(_("只有园区总经理或运营管理员可以分配线索"))
    if not can_assign(actor, target):
        raise PermissionDenied(_("您不能把线索分配到该园区"))
    if not officer.is_active or officer.role not in OFFICER_ROLES or not can_access_park(officer, target):
        raise ValidationError({"officer": _("%(name)s 不是该园区的招商经理") % {"name": officer}})
    before = {"park": lead.park_id, "officer": lead.officer_id}
    lead.park = target
    lead.save(update_fields=["park", "updated_at"])
    _assign(lead, officer, actor=actor)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=lead,
        changes={"park": [before["park"], target.pk], "officer": [before["officer"], officer.pk]},
        park_id=target.pk,
    )
    return lead


def unassigned_leads() -> QuerySet[Lead]:
    """Open leads nobody works yet: no park (the operator-wide pool) or no officer (待分配)."""
    return Lead.objects.open().filter(Q(park__isnull=True) | Q(officer__isnull=True))


@transaction.atomic
def unassigned_leads_notify(*, now: datetime.datetime | None = None, actor: User | None = None) -> int:
    """Tell the managers about every lead left unassigned for one working day; idempotent, run daily.

    A lead is overdue when one working day (Chinese calendar, make-up days included) has passed since
    it came in. Operator admins hear of every overdue lead, park managers of those in their parks;
    each person is told once per lead (a notification of kind "unassigned" is the record).
    Returns the number of notifications written. Run by `manage.py investment_unassigned_leads`.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    admins = list(User.objects.filter(role=Role.OPERATOR_ADMIN, is_active=True))
    sent = 0
    for lead in unassigned_leads().select_related("park").order_by("pk"):
        due = add_working_days(timezone.localdate(lead.created_at), 1)
        if due > today:
            continue
        recipients = list(admins)
        if lead.park_id is not None:
            recipients += list(User.objects.filter(role=Role.PARK_MANAGER, is_active=True, parks=lead.park_id))
        told = set(
            Notification.objects.filter(lead=lead, kind=NotificationKind.UNASSIGNED).values_list("user_id", flat=True)
        )
        for user in {u.pk: u for u in recipients}.values():
            if user.pk in told:
                continue
            notify(
                user=user,
                text=_("线索“%(company)s”已超过一个工作日未分配，请尽快分配招商经理") % {"company": lead.company_name},
                url=lead.get_absolute_url(),
                lead=lead,
                kind=NotificationKind.UNASSIGNED,
            )
            sent += 1
    if sent:
        audit_record(
            actor=actor,
            action=AuditAction.OTHER,
            object_type="investment.lead",
            object_repr=_("线索待分配超时提醒"),
            changes={"notifications": sent, "day": today},
        )
    return sent


# --- Leads -----------------------------------------------------------------------------------------------


@transaction.atomic
def lead_create(
    *,
    actor: User | None,
    company_name: str,
    source: str = LeadSource.PHONE,
    park: Park | None = None,
    officer: User | None = None,
    contact_name: str = "",
    contact_mobile: str = "",
    credit_code: str = "",
    description: str = "",
    expected_signing_on: datetime.date | None = None,
    probability: int | None = None,
    requirement: dict[str, Any] | None = None,
    processes: Sequence[dict[str, Any]] | None = None,
    preferred_parks: Iterable[Park] = (),
    consent_at: datetime.datetime | None = None,
    fallback_park: Park | None = None,
    link_enterprise: bool = True,
) -> Lead:
    """Record a lead with its requirement, link it to the pool, and assign an officer.

    The park is the one given, else the first preferred park, else `fallback_park` (the caller's
    best match). Without an officer, the assignment rules pick one and are notified.
    """
    company_name = " ".join((company_name or "").split())
    if not company_name:
        raise ValidationError({"company_name": _("请填写企业名称")})
    preferred = list(preferred_parks)
    lead = Lead(
        park=park or (preferred[0] if preferred else fallback_park),
        company_name=company_name,
        contact_name=(contact_name or "").strip(),
        contact_mobile=_contact_mobile(contact_mobile) if contact_mobile else "",
        source=source,
        description=description,
        expected_signing_on=expected_signing_on,
        probability=probability,
        consent_at=consent_at,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        stage=LeadStage.NEW,
        stage_changed_at=timezone.now(),
    )
    lead.full_clean(exclude=["enterprise", "contact", "officer"])
    lead.save()
    req = Requirement(lead=lead)
    _apply_requirement(req, dict(requirement or {}), processes)
    req.full_clean(exclude=["lead"])
    req.save()
    if preferred:
        req.preferred_parks.set(preferred)
    if link_enterprise:
        lead.enterprise, lead.contact = _link_enterprise(
            lead, credit_code=credit_code, industry_code=req.industry_code, actor=actor, create=True
        )
        lead.save(update_fields=["enterprise", "contact", "updated_at"])
    StageChange.objects.create(
        lead=lead, from_stage="", to_stage=LeadStage.NEW, actor=lead.created_by, at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=lead,
        changes={"source": lead.source, "park": lead.park_id, "enterprise": lead.enterprise_id},
        park_id=lead.park_id,
    )
    _assign(lead, officer or pick_officer(park=lead.park, industry_code=req.industry_code), actor=actor)
    return lead


@transaction.atomic
def lead_update(*, lead: Lead, actor: User | None, **fields: object) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    before = snapshot(lead)
    unknown = set(fields) - set(LEAD_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(lead, name, value)
    if "contact_mobile" in fields and lead.contact_mobile:
        lead.contact_mobile = _contact_mobile(lead.contact_mobile)
    lead.full_clean(exclude=["enterprise", "contact", "officer"])
    lead.save()
    changes = model_changes(before, snapshot(lead))
    changes.pop("updated_at", None)
    if "contact_mobile" in changes:
        changes["contact_mobile"] = ["***", "***"]  # personal data stays out of the trail
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=lead, changes=changes, park_id=lead.park_id)
    return lead


@transaction.atomic
def requirement_update(
    *,
    lead: Lead,
    actor: User | None,
    processes: Sequence[dict[str, Any]] | None = None,
    preferred_parks: Iterable[Park] | None = None,
    **fields: object,
) -> Requirement:
    requirement, _created = Requirement.objects.select_for_update().get_or_create(lead=lead)
    before = snapshot(requirement)
    _apply_requirement(requirement, fields, processes)
    requirement.full_clean(exclude=["lead"])
    requirement.save()
    if preferred_parks is not None:
        requirement.preferred_parks.set(list(preferred_parks))
    changes = model_changes(before, snapshot(requirement))
    changes.pop("updated_at", None)
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=requirement, changes=changes, park_id=lead.park_id)
    return requirement


@transaction.atomic
def lead_move(*, lead: Lead, to_stage: str, actor: User | None, lost_reason: str = "", note: str = "") -> Lead:
    """Move a lead along the pipeline (any stage to any other, so mistakes can be undone), recording who and when.

    已流失 needs a reason; leaving 已流失 clears it.
    """
    # Lock the lead so two officers moving it at once record a consistent history.
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    target = LeadStage(to_stage)
    if target == lead.stage:
        return lead
    lost_reason = (lost_reason or "").strip()
    note = (note or "").strip()
    if target == LeadStage.LOST and not lost_reason:
        raise ValidationError({"lost_reason": _("流失的线索须填写流失原因")})
    if target == LeadStage.SIGNED and not note:
        signed = any(ref.signed for ref in hooks.contracts_of_leads([lead.pk]).get(lead.pk, []))
        if not signed:
            raise ValidationError({"note": _("该线索没有已签约的合同，标记为已签约须填写说明（如合同在系统外签订）")})
    now = timezone.now()
    from_stage = lead.stage
    lead.stage = target
    lead.stage_changed_at = now
    lead.lost_reason = lost_reason if target == LeadStage.LOST else ""
    lead.save(update_fields=["stage", "stage_changed_at", "lost_reason", "updated_at"])
    StageChange.objects.create(
        lead=lead, from_stage=from_stage, to_stage=target, actor=actor, at=now, note=(note or lost_reason)[:300]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=lead,
        changes={"stage": [from_stage, target.value], **({"lost_reason": lost_reason} if lost_reason else {})},
        park_id=lead.park_id,
    )
    return lead


@transaction.atomic
def lead_mark_signed(*, lead: Lead, contract_number: str, signer: User | None) -> Lead:
    """A contract that closes the lead was signed: move it to 已签约 (a system change, the signer recorded).

    Called by the leasing app inside the signing transaction. A lead already signed or settled stays
    where it is; the signing is still written into its history.
    """
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    now = timezone.now()
    note = _("合同 %(number)s 已签约") % {"number": contract_number}
    from_stage = lead.stage
    if from_stage not in (LeadStage.SIGNED, LeadStage.SETTLED):
        lead.stage = LeadStage.SIGNED
        lead.stage_changed_at = now
        lead.lost_reason = ""
        lead.save(update_fields=["stage", "stage_changed_at", "lost_reason", "updated_at"])
    StageChange.objects.create(
        lead=lead, from_stage=from_stage, to_stage=lead.stage, actor=signer, at=now, note=note, by_system=True
    )
    audit_record(
        actor=signer,
        action=AuditAction.UPDATE,
        obj=lead,
        changes={"stage": [from_stage, lead.stage], "contract": contract_number, "by_system": True},
        park_id=lead.park_id,
    )
    return lead


# --- Activities -------------------------------------------------------------------------------------------


@transaction.atomic
def activity_log(
    *,
    lead: Lead,
    kind: str,
    summary: str,
    actor: User | None,
    occurred_at: datetime.datetime | None = None,
    units: Iterable[Unit] = (),
    parcels: Iterable[LandParcel] = (),
    next_step: str = "",
    next_step_on: datetime.date | None = None,
) -> Activity:
    """Log a call, visit, meeting or note; a next-step reminder on a holiday moves to the next working day."""
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("请填写内容")})
    # Visits may show space in any park of the operator; views check the officer may see it.
    units, parcels = list(units), list(parcels)
    if next_step_on is not None and not next_step.strip():
        raise ValidationError({"next_step": _("设置提醒日期时请填写下一步")})
    activity = Activity.objects.create(
        lead=lead,
        enterprise_id=lead.enterprise_id,
        kind=ActivityKind(kind),
        occurred_at=occurred_at or timezone.now(),
        summary=summary,
        next_step=next_step.strip(),
        next_step_on=next_working_day(next_step_on) if next_step_on is not None else None,
        actor=actor,
    )
    if units:
        activity.units.set(units)
    if parcels:
        activity.parcels.set(parcels)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=activity,
        object_repr=f"{lead.company_name} / {activity.get_kind_display()}",
        changes={
            "lead": lead.pk,
            "kind": activity.kind,
            "units": [u.pk for u in units],
            "parcels": [p.pk for p in parcels],
        },
        park_id=lead.park_id,
    )
    return activity


# --- Notifications and reverse matching -------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one notification (or all of the person's) read; returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def notify_space_available(space: Unit | LandParcel, actor: User | None) -> int:
    """Tell the officers of every open lead this newly available unit or parcel fits; returns the count.

    Called explicitly by the parks services when a unit is created or a reservation released, and by
    `manage.py investment_reverse_match`. One unread notification per lead and space, however often
    it is called.
    """

    is_unit = isinstance(space, Unit)
    url = reverse("parks:unit_detail" if is_unit else "parks:parcel_detail", args=[space.pk])
    sent = 0
    for lead, match in leads_matching_space(space):
        if lead.officer_id is None:
            continue
        if Notification.objects.filter(user_id=lead.officer_id, lead=lead, url=url, read_at__isnull=True).exists():
            continue
        text = _("新空间匹配线索“%(company)s”：%(park)s %(space)s，%(area)s m²，匹配度%(score)s") % {
            "company": lead.company_name,
            "park": match.park.name,
            "space": space.code,
            "area": f"{space.area_sqm:,.0f}",
            "score": f"{match.score:.0f}",
        }
        Notification.objects.create(
            user_id=lead.officer_id, lead=lead, text=text[:300], url=url, kind=NotificationKind.SPACE_MATCH
        )
        sent += 1
    if sent:
        audit_record(
            actor=actor,
            action=AuditAction.OTHER,
            obj=space,
            changes={"event": "reverse_match_notified", "notifications": sent},
            park_id=space.park_id,
        )
    return sent


# --- Public requirement form -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicSubmission:
    """What a prospect typed into the public form, validated by the form."""

    company_name: str
    contact_name: str
    mobile: str
    description: str = ""
    requirement: dict[str, Any] = field(default_factory=dict)
    processes: tuple[dict[str, Any], ...] = ()
    preferred_park: Park | None = None


def new_reference() -> str:
    """A reference for one submission: random (nothing to guess or count), no look-alike characters."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "RQ-" + "".join(secrets.choice(alphabet) for _ in range(8))


def _unique_reference() -> str:
    while RequirementVersion.objects.filter(reference=(reference := new_reference())).exists():
        pass
    return reference


def _version_record(*, lead: Lead, submission: PublicSubmission, now: datetime.datetime) -> RequirementVersion:
    number = (RequirementVersion.objects.filter(lead=lead).aggregate(n=Max("number"))["n"] or 0) + 1
    return RequirementVersion.objects.create(
        lead=lead,
        number=number,
        reference=_unique_reference(),
        submitted_at=now,
        company_name=" ".join(submission.company_name.split())[:200],
        contact_name=submission.contact_name.strip()[:60],
        description=submission.description,
        requirement=json.loads(json.dumps(submission.requirement, cls=DjangoJSONEncoder)),
        processes=json.loads(json.dumps(list(submission.processes), cls=DjangoJSONEncoder)),
        preferred_park=submission.preferred_park,
    )


def public_submit(
    *, submission: PublicSubmission, fallback_park: Park | None = None, now: datetime.datetime | None = None
) -> RequirementVersion:
    """Store a portal submission once; a repeat from the same mobile within 24 h adds a version.

    1. Normalise the mobile to E.164 (the dedup key).
    2. get_or_create the mobile's guard row (unique), then lock it: concurrent submissions from one
       number queue here, so exactly one of them creates the lead.
    3. Within the window: keep the lead exactly as it is — whoever types a mobile is not thereby its
       owner — and add the submission as the next requirement version, an activity and a note to
       the officer. Otherwise create a new lead (assigned by the rules, the officer notified) with
       version 1.
    Returns the submission's version (`number == 1` when it created the lead); its `reference` is
    the only number the submitter is shown.
    """
    mobile = normalise_mobile(submission.mobile)
    now = now or timezone.now()
    with serialised_writes(), transaction.atomic():
        guard, _created = SubmissionGuard.objects.get_or_create(mobile=mobile)
        guard = SubmissionGuard.objects.select_for_update().get(pk=guard.pk)
        lead = None
        if (
            guard.lead_id is not None
            and guard.last_submitted_at is not None
            and now - guard.last_submitted_at < DEDUP_WINDOW
        ):
            lead = Lead.objects.select_for_update().filter(pk=guard.lead_id).first()
        if lead is None:
            lead = lead_create(
                actor=None,
                company_name=submission.company_name,
                source=LeadSource.PORTAL_FORM,
                contact_name=submission.contact_name,
                contact_mobile=mobile,
                description=submission.description,
                requirement=submission.requirement,
                processes=list(submission.processes) or None,
                preferred_parks=[submission.preferred_park] if submission.preferred_park else [],
                consent_at=now,
                fallback_park=fallback_park,
            )
            version = _version_record(lead=lead, submission=submission, now=now)
            activity_log(
                lead=lead, kind=ActivityKind.SUBMISSION, summary=_("通过门户需求表单提交"), actor=None, occurred_at=now
            )
        else:
            version = _version_record(lead=lead, submission=submission, now=now)
            summary = _("同一手机号24小时内再次提交需求（第%(number)s版，%(company)s），线索未改动，请核对") % {
                "number": version.number,
                "company": version.company_name,
            }
            activity_log(lead=lead, kind=ActivityKind.SUBMISSION, summary=summary, actor=None, occurred_at=now)
            if lead.officer_id is not None:
                Notification.objects.create(
                    user_id=lead.officer_id, lead=lead, text=summary[:300], url=lead.get_absolute_url()
                )
        guard.lead = lead
        guard.last_submitted_at = now
        guard.submissions += 1
        guard.save(update_fields=["lead", "last_submitted_at", "submissions"])
    return version


# --- Personal data ----------------------------------------------------------------------------------


@transaction.atomic
def lead_mobile_shown(*, lead: Lead, viewer: User | AnonymousUser, remote_addr: str | None = None) -> str:
    """The lead's mobile as `viewer` may see it: whole (national form), and audited, with the
    contact-details right; else masked (138****8000). Every unmasked view is an audit entry (PIPL)."""
    if not lead.contact_mobile:
        return ""
    if not has_capability(viewer, Capability.VIEW_CONTACT_DETAILS) or not isinstance(viewer, AbstractBaseUser):
        try:
            return mask_mobile(lead.contact_mobile)
        except ValidationError:
            return "****"
    audit_record(
        actor=viewer,
        action=AuditAction.VIEW_PERSONAL_DATA,
        obj=lead,
        changes={"fields": ["contact_mobile"]},
        park_id=lead.park_id,
        remote_addr=remote_addr or None,
    )
    return lead.contact_mobile.removeprefix("+86")


def lead_personal_data_erase(person: ErasedPerson, actor: User | None) -> None:
    """A contact was erased: scrub the person from the leads that copied their name or number.

    Registered with `parkos.enterprises.erasure`; runs inside `contact_erase`'s transaction. The
    leads stay (the pipeline and its history are the operator's), without the person: the contact
    name and mobile, the name on portal submissions, the mobile's dedup guard, and the values in
    the leads' audit entries.
    """
    condition = Q(contact_id=person.contact_id)
    if person.mobile:
        condition |= Q(contact_mobile=person.mobile)
    leads = list(Lead.objects.select_for_update().filter(condition))
    for lead in leads:
        if person.name and person.name in lead.contact_name:
            lead.contact_name = ERASED
        lead.contact_mobile = ""
        lead.save(update_fields=["contact_name", "contact_mobile", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=lead,
            changes={"event": "personal_data_erased"},
            park_id=lead.park_id,
        )
    lead_ids = [lead.pk for lead in leads]
    if person.name:
        RequirementVersion.objects.filter(lead_id__in=lead_ids, contact_name__contains=person.name).update(
            contact_name=ERASED
        )
    if person.mobile:
        SubmissionGuard.objects.filter(mobile=person.mobile).delete()
    audit_scrub(
        entries=AuditEntry.objects.filter(
            object_type__in=[Lead._meta.label_lower, Requirement._meta.label_lower],
            object_id__in=[str(pk) for pk in lead_ids],
        ),
        values=person.values,
    )


# --- Public viewing requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewingRequest:
    """What a visitor typed into 预约看房 on a unit's public page, validated by the form."""

    unit: Unit
    contact_name: str
    mobile: str
    preferred_on: datetime.date
    alternative_on: datetime.date | None = None
    company_name: str = ""
    note: str = ""


def viewing_request_submit(*, request: ViewingRequest, now: datetime.datetime | None = None) -> tuple[Lead, Activity]:
    """A viewing booked from a unit's public page becomes an activity on the prospect's lead.

    1. Lock the mobile's guard row (as the requirement form does): concurrent requests queue here.
    2. The prospect's lead: the one this mobile submitted within 24 hours, else its latest open lead,
       else a new portal lead for the unit's park (assigned by the rules, the officer notified).
    3. Log a 预约看房 activity with the unit and the preferred dates; its next step (arrange the
       viewing) is due on the preferred date, moved to a working day; tell the officer.
    """
    mobile = normalise_mobile(request.mobile)
    now = now or timezone.now()
    unit = request.unit
    with serialised_writes(), transaction.atomic():
        guard, _created = SubmissionGuard.objects.get_or_create(mobile=mobile)
        guard = SubmissionGuard.objects.select_for_update().get(pk=guard.pk)
        lead = Lead.objects.open().filter(contact_mobile=mobile).order_by("-created_at", "-pk").first()
        if lead is None:
            lead = lead_create(
                actor=None,
                company_name=request.company_name or _("%(name)s（看房预约）") % {"name": request.contact_name},
                source=LeadSource.PORTAL_FORM,
                contact_name=request.contact_name,
                contact_mobile=mobile,
                description=request.note,
                park=unit.park,
                requirement={"area_min_sqm": None, "area_max_sqm": None},
                consent_at=now,
                link_enterprise=bool(request.company_name),
            )
        dates = request.preferred_on.isoformat() + (
            _("，备选 %(d)s") % {"d": request.alternative_on.isoformat()} if request.alternative_on else ""
        )
        activity = activity_log(
            lead=lead,
            kind=ActivityKind.VIEWING_REQUEST,
            summary=_("门户预约看房：%(unit)s（%(park)s），希望 %(dates)s 看房。%(note)s")
            % {"unit": unit.code, "park": unit.park.name, "dates": dates, "note": request.note},
            actor=None,
            occurred_at=now,
            units=[unit],
            next_step=_("安排看房并回电确认"),
            next_step_on=max(request.preferred_on, timezone.localdate(now)),
        )
        if lead.officer is not None:
            notify(
                user=lead.officer,
                text=_("%(name)s 预约看房 %(unit)s，希望 %(dates)s")
                % {"name": request.contact_name, "unit": unit.code, "dates": dates},
                url=lead.get_absolute_url(),
                lead=lead,
                kind=NotificationKind.VIEWING,
            )
        guard.lead = lead
        guard.last_submitted_at = now
        guard.submissions += 1
        guard.save(update_fields=["lead", "last_submitted_at", "submissions"])
    return lead, activity
