"""Every write to contracts: typed, keyword-only, atomic, audited.

Occupancy of units and parcels is written here and only here (through
`parkos.parks.services.space_set_occupancy`), recomputed from contract history by
`refresh_space_occupancy` whenever a contract is signed, terminated, renewed or ends.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.choices import Role
from parkos.accounts.models import User as UserModel
from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.models import AuditAction, AuditEntry
from parkos.core.workdays import next_working_day
from parkos.enterprises import services as enterprise_services
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.investment import services as investment_services
from parkos.investment.models import Lead
from parkos.leasing import hooks, presence, schedule
from parkos.leasing.choices import ContractEventKind, ContractKind, ContractStatus, RenewalTaskStatus
from parkos.leasing.models import (
    OCCUPYING_STATUSES,
    Contract,
    ContractEvent,
    ContractMonth,
    ContractSpace,
    Presence,
    RenewalTask,
)
from parkos.parks.choices import Occupancy
from parkos.parks.models import LandParcel, Park, Unit
from parkos.parks.services import space_set_occupancy

if TYPE_CHECKING:
    from parkos.accounts.models import User

TERM_FIELDS = (
    "signed_on", "start_on", "end_on", "handover_on", "rent_per_sqm_month", "sale_price_per_sqm", "sale_total",
    "deposit", "payment_period", "free_rent_months", "rent_discount_rate", "rent_discount_months",
    "escalation_rate", "escalation_every_years", "property_fee_per_sqm_month", "property_fee_free_during_free_rent",
    "committed_investment_wan", "committed_annual_output_wan", "committed_annual_tax_wan", "committed_jobs",
    "committed_production_on", "note",
)  # fmt: skip


def lease_terms(contract: Contract) -> schedule.LeaseTerms:
    """The money terms of a lease for the schedule module; the end is capped by an early termination."""
    end = contract.effective_end_on
    if contract.kind != ContractKind.LEASE or end is None or contract.rent_per_sqm_month is None:
        raise ValueError("only leases with an end date and a rent have a rent schedule")
    free, discount = contract.free_rent_months, contract.rent_discount_months
    # A termination inside the free-rent or discount period shortens the term below those months.
    while (
        contract.terminated_on is not None and discount and schedule.term_end(contract.start_on, free + discount) > end
    ):
        discount -= 1
    while contract.terminated_on is not None and free and schedule.term_end(contract.start_on, free) > end:
        free -= 1
    return schedule.LeaseTerms(
        start=contract.start_on,
        end=end,
        area_sqm=contract.area_sqm,
        monthly_rent_per_sqm=contract.rent_per_sqm_month,
        payment_period=schedule.PaymentPeriod(contract.payment_period),
        free_rent_months=free,
        escalation_rate=contract.escalation_rate,
        escalation_every_years=contract.escalation_every_years if contract.escalation_rate else 0,
        property_fee_per_sqm=contract.property_fee_per_sqm_month,
        property_fee_free_during_free_rent=contract.property_fee_free_during_free_rent,
        discount_rate=contract.rent_discount_rate,
        discount_months=discount,
    )


def _validate_terms(contract: Contract) -> None:
    contract.full_clean(exclude=["number", "enterprise", "park"])
    if contract.kind == ContractKind.LEASE:
        try:
            lease_terms(contract)
        except ValidationError as exc:
            mapping = {
                "start": "start_on",
                "end": "end_on",
                "area_sqm": "area_sqm",
                "monthly_rent_per_sqm": "rent_per_sqm_month",
                "property_fee_per_sqm": "property_fee_per_sqm_month",
                "discount_rate": "rent_discount_rate",
                "discount_months": "rent_discount_months",
            }
            raise ValidationError(
                {mapping.get(field, field): messages for field, messages in exc.error_dict.items()}
            ) from None


def _event(contract: Contract, kind: str, actor: User | None, note: str = "") -> None:
    ContractEvent.objects.create(
        contract=contract, kind=kind, actor=actor if actor is not None and actor.is_authenticated else None, note=note
    )


def _audit(contract: Contract, actor: User | None, action: str, changes: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, obj=contract, changes=changes, park_id=contract.park_id)


# --- Occupancy -----------------------------------------------------------------------------------


def _space_filter(space: Unit | LandParcel) -> Q:
    return Q(unit_id=space.pk) if isinstance(space, Unit) else Q(parcel_id=space.pk)


def refresh_space_occupancy(space: Unit | LandParcel, *, today: datetime.date | None = None) -> None:
    """Recompute a space's stored occupancy from contract history: the current or next contract.

    1. Take the executed contract lines of the space that have not ended by `today`, earliest first.
    2. None: the space is vacant.
    3. Otherwise store the first one's kind and period, extended while the next line of the same kind
       starts the day after (a renewal), so a renewed unit stays leased without a gap.
    4. Store how long any of the lines holds the space (`committed_until`): a lease signed to start
       later keeps the space off the market for any move-in it overlaps (已签约待起租).
    The caller holds the transaction and the space's row lock.
    """
    today = today or timezone.localdate()
    lines = list(
        ContractSpace.objects.filter(_space_filter(space), occupies=True)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=today))
        .order_by("start_on")
        .values_list("kind", "start_on", "end_on")
    )
    if not lines:
        space_set_occupancy(
            space=space, occupancy=Occupancy.VACANT, occupied_from=None, occupied_until=None, committed_until=None
        )
        return
    kind, start, end = lines[0]
    for next_kind, next_start, next_end in lines[1:]:
        if end is None or next_kind != kind or next_start != end + datetime.timedelta(days=1):
            break
        end = next_end
    held_until = max((line_end or datetime.date.max) for _kind, _start, line_end in lines)
    occupancy = Occupancy.SOLD if kind == ContractKind.SALE else Occupancy.LEASED
    space_set_occupancy(
        space=space, occupancy=occupancy, occupied_from=start, occupied_until=end, committed_until=held_until
    )


def _locked_spaces(contract: Contract) -> list[Unit | LandParcel]:
    """Lock the contract's units and parcel rows, in pk order so two signings cannot deadlock."""
    unit_ids = sorted(i for i in contract.spaces.values_list("unit_id", flat=True) if i)
    parcel_ids = sorted(i for i in contract.spaces.values_list("parcel_id", flat=True) if i)
    units: list[Unit | LandParcel] = list(Unit.objects.select_for_update().filter(pk__in=unit_ids).order_by("pk"))
    parcels = list(LandParcel.objects.select_for_update().filter(pk__in=parcel_ids).order_by("pk"))
    return units + parcels


def _sync_spaces(contract: Contract) -> None:
    """Copy the contract's occupying period onto its space lines (the one place that writes them)."""
    contract.spaces.update(
        occupies=contract.status in OCCUPYING_STATUSES,
        kind=contract.kind,
        start_on=contract.start_on,
        end_on=contract.effective_end_on,
    )


def _sync_months(contract: Contract) -> None:
    """Regenerate the monthly accruals of a signed lease (none for drafts, sales, or cancelled)."""
    ContractMonth.objects.filter(contract=contract).delete()
    if contract.kind != ContractKind.LEASE or contract.status not in OCCUPYING_STATUSES:
        return
    ContractMonth.objects.bulk_create(
        ContractMonth(contract=contract, park_id=contract.park_id, month=month, rent=rent, property_fee=fee)
        for month, rent, fee in schedule.monthly_accruals(lease_terms(contract))
    )


def _overlap_error(space: Unit | LandParcel, contract: Contract) -> ValidationError | None:
    start, end = contract.start_on, contract.effective_end_on
    clash = (
        ContractSpace.objects.filter(_space_filter(space), occupies=True)
        .exclude(contract=contract)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=start))
        .select_related("contract")
    )
    if end is not None:
        clash = clash.filter(start_on__lte=end)
    other = clash.order_by("start_on").first()
    if other is None:
        return None
    return ValidationError(
        _("%(space)s 在 %(start)s 至 %(end)s 已由合同 %(number)s 占用，不能重复签约")
        % {
            "space": space.code,
            "start": other.start_on.isoformat(),
            "end": other.end_on.isoformat() if other.end_on else _("长期"),
            "number": other.contract.number,
        },
        code="overlap",
    )


# --- Contracts -----------------------------------------------------------------------------------


def _next_number(contract: Contract) -> str:
    prefix = "XS" if contract.kind == ContractKind.SALE else "ZL"
    return f"{prefix}-{contract.park.code}-{contract.start_on:%Y}-{contract.pk:06d}"


@transaction.atomic
def contract_create_draft(
    *,
    actor: User | None,
    park: Park,
    enterprise: Enterprise,
    kind: str = ContractKind.LEASE,
    units: Sequence[Unit] = (),
    parcel: LandParcel | None = None,
    renewal_of: Contract | None = None,
    lead: Lead | None = None,
    **terms: object,
) -> Contract:
    """Draft a contract for some units of a park, or one parcel; nothing is occupied until signing.

    `lead` links the contract to the 招商 lead it closes: signing moves that lead to 已签约.
    """
    unknown = set(terms) - set(TERM_FIELDS)
    if unknown:
        raise ValueError(f"not contract terms: {sorted(unknown)}")
    if bool(units) == (parcel is not None):
        raise ValidationError(_("合同须覆盖一个或多个单元，或一个地块（二者选一）"))
    spaces: list[Unit | LandParcel] = [*units] if units else [parcel] if parcel is not None else []
    for space in spaces:
        if space.park_id != park.pk:
            raise ValidationError(_("%(space)s 不属于园区 %(park)s") % {"space": space.code, "park": park.name})
        if space.archived_at is not None or not space.lettable:
            raise ValidationError(_("%(space)s 当前不可租售") % {"space": space.code})
    contract = Contract(
        park=park, enterprise=enterprise, kind=kind, renewal_of=renewal_of, lead=lead, created_by=actor, **terms
    )
    contract.area_sqm = sum((s.area_sqm for s in spaces), Decimal(0))
    _apply_rent_support(contract)
    _validate_terms(contract)
    contract.save()
    contract.number = _next_number(contract)
    contract.save(update_fields=["number"])
    ContractSpace.objects.bulk_create(
        ContractSpace(
            contract=contract,
            park=park,
            unit=s if isinstance(s, Unit) else None,
            parcel=s if isinstance(s, LandParcel) else None,
            building_id=s.building_id if isinstance(s, Unit) else None,
            area_sqm=s.area_sqm,
            kind=contract.kind,
            start_on=contract.start_on,
            end_on=contract.effective_end_on,
        )
        for s in spaces
    )
    _event(contract, ContractEventKind.CREATED, actor)
    _audit(contract, actor, AuditAction.CREATE, model_changes({}, snapshot(contract)))
    return contract


def _lease_months(start: datetime.date, end: datetime.date) -> int:
    """Whole lease months from `start` that end on or before `end` (the most free months a lease can take)."""
    months = 0
    while schedule.term_end(start, months + 1) <= end and months < schedule.MAX_LEASE_YEARS * 12:
        months += 1
    return months


def _apply_rent_support(contract: Contract) -> None:
    """Write the rent support a provider grants the enterprise (an incubation programme's) into a new lease.

    The more favourable of the negotiated and the granted terms wins, and none is counted twice: free
    months are the larger of the two; the granted discount applies when the draft has none. Both are
    capped to the lease's whole months, so a short lease takes what fits.
    """
    if contract.kind != ContractKind.LEASE or contract.end_on is None or contract.start_on is None:
        return
    support = hooks.rent_support_for(contract.enterprise, contract.park, contract.start_on)
    if support is None:
        return
    months = _lease_months(contract.start_on, contract.end_on)
    granted_free = min(support.free_rent_months, months)
    if granted_free > contract.free_rent_months:
        contract.free_rent_months = granted_free
    if not contract.rent_discount_rate and support.discount_rate and support.discount_months:
        contract.rent_discount_rate = support.discount_rate
        contract.rent_discount_months = max(0, min(support.discount_months, months - contract.free_rent_months))
    contract.rent_support_note = support.source[:200]


def _locked_contract(contract: Contract) -> Contract:
    return Contract.objects.select_for_update().select_related("park").get(pk=contract.pk)


@transaction.atomic
def contract_update_draft(*, contract: Contract, actor: User | None, **terms: object) -> Contract:
    """Change the terms of a draft (signed contracts are changed only by termination or renewal)."""
    contract = _locked_contract(contract)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError(_("只有草稿合同可以修改"))
    before = snapshot(contract)
    for name, value in terms.items():
        if name not in TERM_FIELDS:
            raise ValueError(f"not a contract term: {name}")
        setattr(contract, name, value)
    _validate_terms(contract)
    contract.save()
    _sync_spaces(contract)
    changes = model_changes(before, snapshot(contract))
    changes.pop("updated_at", None)
    _audit(contract, actor, AuditAction.UPDATE, changes)
    return contract


def drafter_id(contract: Contract) -> int | None:
    """Who drafted the contract: its creator, or whoever last changed the draft's terms."""
    last_edit = (
        AuditEntry.objects.filter(object_type="leasing.contract", object_id=str(contract.pk), action=AuditAction.UPDATE)
        .exclude(changes__has_key="status")
        .order_by("-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    return last_edit or contract.created_by_id


@transaction.atomic
def contract_approve(*, contract: Contract, actor: User | None, override_reason: str = "") -> Contract:
    """Approve a draft — four eyes: whoever drafted it cannot approve it.

    1. Lock the contract; only a draft can be approved.
    2. The drafter (creator or last editor of the terms) is refused; an operator admin may approve
       their own draft with a reason, which goes into the audit trail and the contract's history.
    3. Lock the spaces and refuse when an executed contract overlaps the period: a clash found at
       approval costs less than one found at signing.
    """
    contract = _locked_contract(contract)
    if contract.status != ContractStatus.DRAFT:
        raise ValidationError(_("只有草稿合同可以审批"))
    override_reason = (override_reason or "").strip()
    drafter = drafter_id(contract)
    overridden = False
    if actor is not None and drafter is not None and drafter == actor.pk:
        if actor.role != Role.OPERATOR_ADMIN:
            raise ValidationError(_("起草人不能审批自己起草的合同，请由其他有权限的同事审批"), code="four_eyes")
        if not override_reason:
            raise ValidationError(
                {"override_reason": _("运营管理员审批自己起草的合同须填写理由")}, code="four_eyes_reason"
            )
        overridden = True
    errors = [e for e in (_overlap_error(space, contract) for space in _locked_spaces(contract)) if e is not None]
    if errors:
        raise ValidationError(errors)
    contract.status = ContractStatus.APPROVED
    contract.save(update_fields=["status", "updated_at"])
    note = _("起草人本人审批（运营管理员）：%(reason)s") % {"reason": override_reason} if overridden else ""
    _event(contract, ContractEventKind.APPROVED, actor, note[:300])
    changes: dict[str, Any] = {"status": [ContractStatus.DRAFT, ContractStatus.APPROVED]}
    if overridden:
        changes["four_eyes_override"] = override_reason
    _audit(contract, actor, AuditAction.UPDATE, changes)
    return contract


@transaction.atomic
def contract_sign(*, contract: Contract, actor: User | None, signed_on: datetime.date | None = None) -> Contract:
    """Execute an approved contract: occupy its spaces from the start date, refusing any overlap.

    1. Lock the contract, then its units/parcel rows in pk order: a concurrent signing of the same
       space waits here until this transaction commits, then sees this contract and is refused.
    2. Refuse when any executed contract on the same space overlaps the period.
    3. Mark signed, copy the period onto the space lines, generate the monthly accruals.
    4. Recompute each space's occupancy from contract history.
    5. The lead the contract closes moves to 已签约: a stage change by the system, the signer recorded.
    """
    contract = _locked_contract(contract)
    if contract.status != ContractStatus.APPROVED:
        raise ValidationError(_("合同须先审批，才能签约（当前：%(s)s）") % {"s": contract.get_status_display()})
    spaces = _locked_spaces(contract)
    errors = [e for e in (_overlap_error(space, contract) for space in spaces) if e is not None]
    if errors:
        raise ValidationError(errors)
    contract.status = ContractStatus.SIGNED
    contract.signed_on = signed_on or contract.signed_on or timezone.localdate()
    contract.save(update_fields=["status", "signed_on", "updated_at"])
    _sync_spaces(contract)
    _sync_months(contract)
    for space in spaces:
        refresh_space_occupancy(space)
    enterprise_services.enterprise_mark_tenant(enterprise=contract.enterprise, park=contract.park, actor=actor)
    if contract.lead is not None:
        investment_services.lead_mark_signed(lead=contract.lead, contract_number=contract.number, signer=actor)
    _event(contract, ContractEventKind.SIGNED, actor)
    _audit(
        contract,
        actor,
        AuditAction.UPDATE,
        {"status": [ContractStatus.APPROVED, ContractStatus.SIGNED], "signed_on": contract.signed_on},
    )
    return contract


@transaction.atomic
def contract_cancel(*, contract: Contract, actor: User | None, note: str = "") -> Contract:
    """Void a draft or approved contract that will not be signed."""
    contract = _locked_contract(contract)
    if contract.status not in (ContractStatus.DRAFT, ContractStatus.APPROVED):
        raise ValidationError(_("已签约的合同不能作废，请办理提前终止"))
    before = contract.status
    contract.status = ContractStatus.CANCELLED
    contract.save(update_fields=["status", "updated_at"])
    _event(contract, ContractEventKind.CANCELLED, actor, note)
    _audit(contract, actor, AuditAction.UPDATE, {"status": [before, ContractStatus.CANCELLED]})
    return contract


def _holding_space(today: datetime.date) -> QuerySet[ContractSpace]:
    """Executed contracts' spaces held on ``today`` or later (a sale holds for good)."""
    return ContractSpace.objects.filter(occupies=True).filter(Q(end_on__isnull=True) | Q(end_on__gte=today))


def _refresh_tenancy(contract: Contract, actor: User | None) -> None:
    """After a termination: an enterprise with no contract holding space from today on is a former tenant."""
    if not _holding_space(timezone.localdate()).filter(contract__enterprise_id=contract.enterprise_id).exists():
        enterprise_services.enterprise_mark_former_tenant(enterprise=contract.enterprise, actor=actor)


@transaction.atomic
def tenancies_end_expired(*, actor: User | None = None, today: datetime.date | None = None) -> int:
    """Tenants whose every executed contract has run out become former tenants (搬离); idempotent.

    Only enterprises that held space by contract in ParkOS are considered: a tenant recorded without
    contracts (imported, or entered by hand) stays one. A renewal or a later lease that holds space
    from today on keeps the enterprise a tenant. Run daily by `manage.py leasing_reminders`.
    """
    today = today or timezone.localdate()
    held = ContractSpace.objects.filter(occupies=True).values("contract__enterprise_id")
    holding = _holding_space(today).values("contract__enterprise_id")
    ended = (
        Enterprise.objects.filter(lifecycle=EnterpriseLifecycle.TENANT, pk__in=held)
        .exclude(pk__in=holding)
        .order_by("pk")
    )
    count = 0
    for enterprise in ended:
        enterprise_services.enterprise_mark_former_tenant(enterprise=enterprise, actor=actor)
        count += 1
    return count


@transaction.atomic
def contract_terminate(
    *, contract: Contract, terminated_on: datetime.date, reason: str, actor: User | None, note: str = ""
) -> Contract:
    """End a signed contract early: its spaces are free from the day after `terminated_on`."""
    contract = _locked_contract(contract)
    if contract.status != ContractStatus.SIGNED:
        raise ValidationError(_("只有已签约的合同可以提前终止"))
    if not reason:
        raise ValidationError({"reason": _("请选择终止原因")})
    if terminated_on < contract.start_on - datetime.timedelta(days=1):
        raise ValidationError({"terminated_on": _("终止日期不能早于起租日期的前一天")})
    if contract.end_on is not None and terminated_on >= contract.end_on:
        raise ValidationError({"terminated_on": _("终止日期须早于到期日期；到期的合同会自动结束")})
    spaces = _locked_spaces(contract)
    if contract.renewals.filter(status__in=OCCUPYING_STATUSES).exists():
        raise ValidationError(_("该合同已有签约的续签合同，请先终止续签合同"))
    contract.status = ContractStatus.TERMINATED
    contract.terminated_on = terminated_on
    contract.termination_reason = reason
    contract.termination_note = note
    contract.save(update_fields=["status", "terminated_on", "termination_reason", "termination_note", "updated_at"])
    _sync_spaces(contract)
    if contract.start_on > terminated_on:
        # Terminated before it began: it never occupied anything.
        contract.spaces.update(occupies=False)
        ContractMonth.objects.filter(contract=contract).delete()
    else:
        _sync_months(contract)
    for space in spaces:
        refresh_space_occupancy(space)
    _refresh_tenancy(contract, actor)
    RenewalTask.objects.filter(contract=contract, status=RenewalTaskStatus.OPEN).update(
        status=RenewalTaskStatus.CANCELLED, closed_at=timezone.now()
    )
    _event(contract, ContractEventKind.TERMINATED, actor, note or contract.get_termination_reason_display())
    _audit(
        contract,
        actor,
        AuditAction.UPDATE,
        {
            "status": [ContractStatus.SIGNED, ContractStatus.TERMINATED],
            "terminated_on": terminated_on,
            "reason": reason,
        },
    )
    return contract


@transaction.atomic
def contract_renew(
    *,
    contract: Contract,
    actor: User | None,
    end_on: datetime.date,
    rent_per_sqm_month: Decimal | None = None,
    **terms: object,
) -> Contract:
    """Draft the renewal of a signed lease: same enterprise and spaces, from the day after it ends.

    The renewal is signed like any contract; once it is, the old one shows as renewed (已续签) and the
    spaces stay leased without a gap.
    """
    contract = _locked_contract(contract)
    if contract.status != ContractStatus.SIGNED or contract.kind != ContractKind.LEASE or contract.end_on is None:
        raise ValidationError(_("只有已签约的租赁合同可以续签"))
    if contract.renewals.exclude(status=ContractStatus.CANCELLED).exists():
        raise ValidationError(_("该合同已有续签合同"))
    inherited = {
        "payment_period": contract.payment_period,
        "escalation_rate": contract.escalation_rate,
        "escalation_every_years": contract.escalation_every_years,
        "property_fee_per_sqm_month": contract.property_fee_per_sqm_month,
        "deposit": contract.deposit,
    }
    spaces = list(contract.spaces.select_related("unit", "parcel"))
    renewal = contract_create_draft(
        actor=actor,
        park=contract.park,
        enterprise=contract.enterprise,
        kind=ContractKind.LEASE,
        units=[s.unit for s in spaces if s.unit is not None],
        parcel=next((s.parcel for s in spaces if s.parcel is not None), None),
        renewal_of=contract,
        start_on=contract.end_on + datetime.timedelta(days=1),
        end_on=end_on,
        rent_per_sqm_month=rent_per_sqm_month or contract.rent_per_sqm_month,
        **(inherited | terms),
    )
    RenewalTask.objects.filter(contract=contract, status=RenewalTaskStatus.OPEN).update(
        status=RenewalTaskStatus.DONE, closed_at=timezone.now()
    )
    _event(contract, ContractEventKind.RENEWAL_DRAFTED, actor, renewal.number)
    return renewal


@transaction.atomic
def contract_end_expired(*, actor: User | None = None, today: datetime.date | None = None) -> int:
    """Move spaces whose stored occupancy has run out on to their next contract, or vacancy.

    Ended is derived from dates, so nothing on the contract changes; this only keeps the spaces'
    stored current-or-next occupancy true (a unit whose lease ended and whose next lease starts later
    must show the next one). Idempotent; run daily by `manage.py leasing_reminders`.
    """
    today = today or timezone.localdate()
    count = 0
    for model in (Unit, LandParcel):
        stale = model.objects.filter(occupied_until__lt=today).exclude(occupancy=Occupancy.VACANT)
        for space in stale.select_for_update().order_by("pk"):
            refresh_space_occupancy(space, today=today)
            count += 1
    if count:
        audit_record(
            actor=actor,
            action=AuditAction.OTHER,
            object_type="leasing.contract",
            object_repr=_("到期合同释放空间"),
            changes={"spaces": count, "day": today},
        )
    return count


# --- Renewal tasks -------------------------------------------------------------------------------


#: A renewal task falls due this many days before a lease ends (moved to the next working day).
RENEWAL_LEAD_DAYS = 90


def renewal_due_on(end_on: datetime.date) -> datetime.date:

    return next_working_day(end_on - datetime.timedelta(days=RENEWAL_LEAD_DAYS))


@transaction.atomic
def renewal_tasks_create_due(*, today: datetime.date | None = None, actor: User | None = None) -> int:
    """Create the renewal task of every signed lease ending within the lead time; idempotent.

    A lease gets one task (a unique constraint on the contract), assigned to a leasing manager of its
    park when there is one, else its park manager. Leases with a signed or drafted renewal need none.
    """

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=RENEWAL_LEAD_DAYS + 7)  # the due date may move past a holiday
    candidates = (
        Contract.objects.filter(status=ContractStatus.SIGNED, kind=ContractKind.LEASE)
        .filter(end_on__gte=today, end_on__lte=horizon, renewal_task__isnull=True)
        .exclude(renewals__status__in=(ContractStatus.DRAFT, ContractStatus.APPROVED, *OCCUPYING_STATUSES))
        .values_list("pk", "park_id", "end_on")
    )
    pending = [(pk, park_id, renewal_due_on(end)) for pk, park_id, end in candidates if end is not None]
    pending = [row for row in pending if row[2] <= today]
    if not pending:
        return 0
    park_ids = {park_id for _pk, park_id, _due in pending}
    assignees: dict[int, int] = {}
    for role in (Role.PARK_MANAGER, Role.LEASING_MANAGER):  # leasing managers win: assigned last
        for user_id, park_id in (
            UserModel.objects.filter(role=role, is_active=True, parks__in=park_ids)
            .values_list("pk", "parks")
            .order_by("-pk")
        ):
            assignees[park_id] = user_id
    tasks = RenewalTask.objects.bulk_create(
        [
            RenewalTask(contract_id=pk, park_id=park_id, due_on=due, assignee_id=assignees.get(park_id))
            for pk, park_id, due in pending
        ],
        ignore_conflicts=True,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="leasing.renewaltask",
        object_repr=_("生成续签任务"),
        changes={"count": len(tasks), "day": today},
    )
    return len(tasks)


# --- Presence (在园记录) --------------------------------------------------------------------------


@dataclass(frozen=True)
class StayEntry:
    """What an officer enters of a stay: the move-in, the move-out (None: still there) and why."""

    moved_in_on: datetime.date
    moved_out_on: datetime.date | None = None
    note: str = ""


def _validate_stay(enterprise: Enterprise, park: Park, entry: StayEntry, *, other_than: int | None) -> None:
    """Out after in, and no day shared with another of the enterprise's stays in the park (the
    enterprise's row is locked first, so two officers cannot enter overlapping stays at once)."""
    if entry.moved_out_on is not None and entry.moved_out_on <= entry.moved_in_on:
        raise ValidationError({"moved_out_on": _("迁出日期必须晚于迁入日期")})
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    others = Presence.objects.filter(enterprise=enterprise, park=park).order_by("moved_in_on")
    if other_than is not None:
        others = others.exclude(pk=other_than)
    spans = list(others.values_list("moved_in_on", "moved_out_on"))
    if presence.overlapping(entry.moved_in_on, entry.moved_out_on, spans):
        listed = "、".join(f"{start:%Y-%m-%d}–{f'{end:%Y-%m-%d}' if end else _('至今')}" for start, end in spans)
        raise ValidationError(
            _("与该企业在本园区已登记的在园时段重叠：%(stays)s。请先更正原记录。") % {"stays": listed}
        )


@transaction.atomic
def presence_record(*, enterprise: Enterprise, park: Park, entry: StayEntry, actor: User | None) -> Presence:
    """Enter a stay of an enterprise in a park (迁入, or 迁入 and 迁出); audited."""
    _validate_stay(enterprise, park, entry, other_than=None)
    stay = Presence.objects.create(
        enterprise=enterprise,
        park=park,
        moved_in_on=entry.moved_in_on,
        moved_out_on=entry.moved_out_on,
        note=entry.note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=stay, changes=model_changes({}, snapshot(stay)), park_id=park.pk
    )
    return stay


@transaction.atomic
def presence_correct(*, stay: Presence, entry: StayEntry, actor: User | None) -> Presence:
    """Correct an entered stay (record a move-out, or fix a date); the change is audited with both
    values, so the page's history shows what it was."""
    stay = Presence.objects.select_for_update().get(pk=stay.pk)
    _validate_stay(stay.enterprise, stay.park, entry, other_than=stay.pk)
    before = snapshot(stay)
    stay.moved_in_on, stay.moved_out_on, stay.note = entry.moved_in_on, entry.moved_out_on, entry.note
    changes = model_changes(before, snapshot(stay))
    if changes:
        stay.save(update_fields=["moved_in_on", "moved_out_on", "note", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=stay, changes=changes, park_id=stay.park_id)
    return stay
