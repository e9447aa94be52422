"""Every write of innovation: typed, keyword-only, atomic, audited in the same transaction.

Bad input is refused with a message in the user's language and nothing written: actual dates in the
future, phases out of order, a month's investment that takes a project above its plan by more than
the configured margin (`INNOVATION_INVESTMENT_OVERRUN_PERCENT`, default 10), a registration number of
the wrong format, a stage that goes backwards without a reason, an exit of more than is held.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import images
from parkos.core.audit import audit_record, save_audited, snapshot
from parkos.core.models import AuditAction
from parkos.core.units import format_money
from parkos.enterprises.choices import ListingStatus, Qualification
from parkos.enterprises.phones import parse_phone
from parkos.enterprises.services import enterprise_update
from parkos.env import env_int
from parkos.innovation import portfolio, regulatory
from parkos.innovation.choices import MilestoneKind, ProjectIssueStatus, ProjectPhase, ValuationMethod
from parkos.innovation.models import (
    SPLIT_FIELDS,
    Agreement,
    Fund,
    Institution,
    InstitutionContact,
    JointProject,
    Milestone,
    Platform,
    PlatformUse,
    Product,
    ProductPartner,
    ProductStage,
    Project,
    ProjectIssue,
    ProjectPhoto,
    ProjectProgress,
    Stake,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)
from parkos.innovation.phases import PHASE_FIELDS
from parkos.innovation.regulatory import Pathway

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.investment.models import Lead
    from parkos.leasing.models import Contract
    from parkos.parks.models import LandParcel, Park

ZERO = Decimal(0)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _not_future(errors: dict[str, list[str]], field: str, value: datetime.date | None, today: datetime.date) -> None:
    if value is not None and value > today:
        errors.setdefault(field, []).append(_("实际发生的日期不能晚于今天（%(today)s）") % {"today": today.isoformat()})


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def overrun_margin() -> Decimal:
    """How far (a fraction) the investment completed may exceed the plan before it is refused."""
    return Decimal(env_int("INNOVATION_INVESTMENT_OVERRUN_PERCENT", 10)) / 100


# --- construction projects -----------------------------------------------------------------------


@dataclass
class ProjectData:
    """What a person enters about a project (the planned and actual dates of each phase)."""

    park: Park
    name: str
    kind: str
    enterprise: Enterprise | None = None
    lead: Lead | None = None
    contract: Contract | None = None
    parcel: LandParcel | None = None
    planned_investment: Decimal | None = None
    floor_area_sqm: Decimal | None = None
    planned_signed_on: datetime.date | None = None
    signed_on: datetime.date | None = None
    planned_delivered_on: datetime.date | None = None
    delivered_on: datetime.date | None = None
    planned_started_on: datetime.date | None = None
    started_on: datetime.date | None = None
    planned_structure_done_on: datetime.date | None = None
    structure_done_on: datetime.date | None = None
    planned_accepted_on: datetime.date | None = None
    accepted_on: datetime.date | None = None
    planned_completed_on: datetime.date | None = None
    completed_on: datetime.date | None = None
    note: str = ""


PROJECT_FIELDS = tuple(f.name for f in dataclasses.fields(ProjectData))


class ProjectChanges(TypedDict, total=False):
    """A change to a project: any of `ProjectData`'s fields but the park."""

    name: str
    kind: str
    enterprise: Enterprise | None
    lead: Lead | None
    contract: Contract | None
    parcel: LandParcel | None
    planned_investment: Decimal | None
    floor_area_sqm: Decimal | None
    planned_signed_on: datetime.date | None
    signed_on: datetime.date | None
    planned_delivered_on: datetime.date | None
    delivered_on: datetime.date | None
    planned_started_on: datetime.date | None
    started_on: datetime.date | None
    planned_structure_done_on: datetime.date | None
    structure_done_on: datetime.date | None
    planned_accepted_on: datetime.date | None
    accepted_on: datetime.date | None
    planned_completed_on: datetime.date | None
    completed_on: datetime.date | None
    note: str


def _check_project(project: Project, today: datetime.date) -> None:
    errors: dict[str, list[str]] = {}
    for _planned, actual in PHASE_FIELDS.values():
        _not_future(errors, actual, getattr(project, actual), today)
    if project.contract is not None and project.contract.park_id != project.park_id:
        errors.setdefault("contract", []).append(_("合同不属于该园区"))
    if (
        project.contract is not None
        and project.enterprise_id
        and project.contract.enterprise_id != project.enterprise_id
    ):
        errors.setdefault("contract", []).append(_("合同的签约企业与项目建设单位不一致"))
    if project.parcel is not None and project.parcel.park_id != project.park_id:
        errors.setdefault("parcel", []).append(_("地块不属于该园区"))
    if (
        project.lead is not None
        and project.enterprise_id
        and project.lead.enterprise_id not in (None, project.enterprise_id)
    ):
        errors.setdefault("lead", []).append(_("招商线索的企业与项目建设单位不一致"))
    _raise(errors)


@transaction.atomic
def project_create(*, data: ProjectData, actor: User | None, today: datetime.date | None = None) -> Project:
    """Record a project (planned dates, and actual ones already reached)."""
    project = Project(**dataclasses.asdict(data) | {"park": data.park})
    _check_project(project, _today(today))
    return save_audited(project, actor=actor, before=None, park_id=project.park_id)


@transaction.atomic
def project_update(
    *, project: Project, actor: User | None, today: datetime.date | None = None, **fields: Unpack[ProjectChanges]
) -> Project:
    """Change a project's facts (any of `ProjectData`'s fields but the park)."""
    if unknown := set(fields) - set(PROJECT_FIELDS) | ({"park"} & set(fields)):
        raise ValueError(f"not editable: {sorted(unknown)}")
    # Lock the row so two officers recording phases at once cannot interleave.
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = snapshot(project)
    for name, value in fields.items():
        setattr(project, name, value)
    _check_project(project, _today(today))
    return save_audited(project, actor=actor, before=before, park_id=project.park_id)


@transaction.atomic
def project_phase_record(
    *,
    project: Project,
    phase: ProjectPhase | str,
    actual_on: datetime.date | None,
    actor: User | None,
    planned_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Project:
    """Record when a phase happened (and, if given, re-plan it); 投产 makes the project 建成投用."""
    planned_field, actual_field = PHASE_FIELDS[ProjectPhase(phase)]
    fields: dict[str, Any] = {actual_field: actual_on}
    if planned_on is not None:
        fields[planned_field] = planned_on
    return project_update(project=project, actor=actor, today=today, **fields)


@dataclass(frozen=True)
class InvestmentSplit:
    """A month's investment by 构成 (元); the total is their sum."""

    construction: Decimal = ZERO
    installation: Decimal = ZERO
    equipment: Decimal = ZERO
    other: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.construction + self.installation + self.equipment + self.other


@transaction.atomic
def project_progress_record(
    *,
    project: Project,
    year: int,
    month: int,
    split: InvestmentSplit,
    actor: User | None,
    note: str = "",
    today: datetime.date | None = None,
) -> ProjectProgress:
    """Set the investment a project completed in a month, by 构成 (replaces an earlier figure).

    1. The month may not be in the future, nor any part negative.
    2. Lock the project, so two entries cannot both pass the plan check.
    3. The investment to date with this month may exceed the plan by at most the configured margin.
    """
    day = _today(today)
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("月份须在1–12之间")})
    if (year, month) > (day.year, day.month):
        raise ValidationError({"month": _("不能填报未来月份的完成投资")})
    negative = [name for name in SPLIT_FIELDS if getattr(split, name) < 0]
    if negative:
        raise ValidationError({name: _("金额不能为负数") for name in negative})
    project = Project.objects.select_for_update().get(pk=project.pk)
    others = (
        ProjectProgress.objects.filter(project=project)
        .exclude(year=year, month=month)
        .aggregate(s=models.Sum("investment"))["s"]
        or ZERO
    )
    margin = overrun_margin()
    if project.planned_investment is not None and others + split.total > project.planned_investment * (1 + margin):
        raise ValidationError(
            {
                "construction": _(
                    "累计完成投资%(total)s将超过计划总投资%(planned)s的%(limit)s%%，请核实金额或先调整计划总投资"
                )
                % {
                    "total": format_money(others + split.total, "wan"),
                    "planned": format_money(project.planned_investment, "wan"),
                    "limit": f"{100 + margin * 100:.0f}",
                }
            }
        )
    values = {name: getattr(split, name) for name in SPLIT_FIELDS} | {"investment": split.total, "note": note}
    progress, _created = ProjectProgress.objects.update_or_create(
        project=project, year=year, month=month, defaults=values
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=project,
        changes={"progress": [f"{year}-{month:02d}", {k: str(v) for k, v in values.items() if k != "note"}]},
        park_id=project.park_id,
    )
    return progress


@transaction.atomic
def project_photo_add(
    *,
    project: Project,
    upload: UploadedFile[Any],
    taken_on: datetime.date,
    caption: str,
    actor: User | None,
    today: datetime.date | None = None,
) -> ProjectPhoto:
    """Add a progress photo: checked and stripped of metadata (GPS, camera) before it is stored."""
    errors: dict[str, list[str]] = {}
    _not_future(errors, "taken_on", taken_on, _today(today))
    _raise(errors)
    try:
        cleaned = images.clean_image(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from exc
    photo = ProjectPhoto(project=project, taken_on=taken_on, caption=caption, uploaded_by=_user(actor))
    photo.image.save(cleaned.name or "photo.jpg", cleaned, save=False)
    photo.full_clean()
    photo.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=photo,
        changes={"image": photo.image.name, "taken_on": taken_on, "caption": caption},
        park_id=project.park_id,
    )
    return photo


@transaction.atomic
def project_issue_raise(
    *,
    project: Project,
    raised_on: datetime.date,
    problem: str,
    owner: str,
    due_on: datetime.date,
    actor: User | None,
    meeting: str = "",
    today: datetime.date | None = None,
) -> ProjectIssue:
    """Log a problem from a 项目推进 meeting with who owns it and by when."""
    errors: dict[str, list[str]] = {}
    _not_future(errors, "raised_on", raised_on, _today(today))
    _raise(errors)
    issue = ProjectIssue(
        project=project, raised_on=raised_on, problem=problem, owner=owner, due_on=due_on, meeting=meeting
    )
    return save_audited(issue, actor=actor, before=None, park_id=project.park_id)


@transaction.atomic
def project_issue_close(
    *,
    issue: ProjectIssue,
    status: ProjectIssueStatus | str,
    resolution: str,
    resolved_on: datetime.date,
    actor: User | None,
    today: datetime.date | None = None,
) -> ProjectIssue:
    """Resolve (or drop) an open issue, saying how and when."""
    issue = ProjectIssue.objects.select_for_update().select_related("project").get(pk=issue.pk)
    if issue.status != ProjectIssueStatus.OPEN:
        raise ValidationError(_("该问题已关闭"))
    errors: dict[str, list[str]] = {}
    _not_future(errors, "resolved_on", resolved_on, _today(today))
    if resolved_on < issue.raised_on:
        errors.setdefault("resolved_on", []).append(_("解决日期不能早于提出日期"))
    if not resolution.strip():
        errors.setdefault("resolution", []).append(_("请填写解决情况"))
    _raise(errors)
    before = snapshot(issue)
    issue.status, issue.resolution, issue.resolved_on = ProjectIssueStatus(status), resolution.strip(), resolved_on
    return save_audited(issue, actor=actor, before=before, park_id=issue.project.park_id)


# --- R&D pipelines -------------------------------------------------------------------------------


@dataclass
class ProductData:
    """A product's identity and regulatory class (its stage moves through `product_stage_enter`)."""

    park: Park
    enterprise: Enterprise
    name: str
    kind: str
    is_key: bool = True
    indication: str = ""
    drug_family: str = ""
    drug_category: str = ""
    device_class: str = ""
    device_number: str = ""
    approval_number: str = ""
    note: str = ""


PRODUCT_FIELDS = tuple(f.name for f in dataclasses.fields(ProductData))


class ProductChanges(TypedDict, total=False):
    """A change to a product: any of `ProductData`'s fields but the park."""

    enterprise: Enterprise
    name: str
    kind: str
    is_key: bool
    indication: str
    drug_family: str
    drug_category: str
    device_class: str
    device_number: str
    approval_number: str
    note: str


@transaction.atomic
def product_create(
    *,
    data: ProductData,
    stage: str,
    stage_on: datetime.date,
    actor: User | None,
    note: str = "",
    today: datetime.date | None = None,
) -> Product:
    """Add a product to the pipeline at its current stage (the first entry of its history)."""
    product = Product(**dataclasses.asdict(data) | {"park": data.park, "enterprise": data.enterprise})
    errors: dict[str, list[str]] = {}
    try:
        product.full_clean()
    except ValidationError as exc:
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
    error = regulatory.transition_error(
        product.pathway, current=None, current_on=None, new=stage, on=stage_on, reason="", today=_today(today)
    )
    if error:
        errors.setdefault("stage", []).append(error)
    _raise(errors)
    _copy_stage(product, stage, stage_on)
    save_audited(product, actor=actor, before=None, park_id=product.park_id)
    ProductStage.objects.create(product=product, stage=stage, on=stage_on, note=note, recorded_by=_user(actor))
    return product


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _copy_stage(product: Product, stage: str, on: datetime.date) -> None:
    if product.pathway == Pathway.CLINICAL:
        product.stage, product.stage_since, product.device_stage = stage, on, ""
    else:
        product.device_stage, product.stage, product.stage_since = stage, "", None


@transaction.atomic
def product_update(*, product: Product, actor: User | None, **fields: Unpack[ProductChanges]) -> Product:
    """Change a product's identity or class; a change of pathway (drug ↔ device) is refused once it has a history."""
    if unknown := set(fields) - set(PRODUCT_FIELDS) | ({"park"} & set(fields)):
        raise ValueError(f"not editable: {sorted(unknown)}")
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(product)
    pathway = product.pathway
    for name, value in fields.items():
        setattr(product, name, value)
    if product.pathway != pathway and product.stages.exists():
        raise ValidationError({"kind": _("已有阶段记录的产品不能在药品与医疗器械路径之间更改")})
    return save_audited(product, actor=actor, before=before, park_id=product.park_id)


@transaction.atomic
def product_stage_enter(
    *,
    product: Product,
    stage: str,
    on: datetime.date,
    actor: User | None,
    reason: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> ProductStage:
    """A product enters a stage on a day (IND approved, phase III started, registered…).

    Refused: a stage of the other pathway, a date in the future or before the current stage's, a step
    back without a reason (RULES §7.3; `regulatory.transition_error`). The product's current stage
    copies the new entry.
    """
    # Lock the product so two entries cannot both be "the latest".
    product = Product.objects.select_for_update().get(pk=product.pk)
    latest = product.stages.order_by("-on", "-pk").first()
    error = regulatory.transition_error(
        product.pathway,
        current=latest.stage if latest else None,
        current_on=latest.on if latest else None,
        new=stage,
        on=on,
        reason=reason,
        today=_today(today),
    )
    if error:
        raise ValidationError({"stage": [error]})
    before = snapshot(product)
    _copy_stage(product, stage, on)
    product.full_clean()
    if (
        product.pathway == Pathway.REGISTRATION
        and not product.device_number
        and stage
        in (
            regulatory.DeviceStage.FILED,
            regulatory.DeviceStage.REGISTERED,
        )
    ):
        raise ValidationError({"device_number": _("已注册或已备案的产品须填写注册证/备案编号")})
    save_audited(product, actor=actor, before=before, park_id=product.park_id)
    return ProductStage.objects.create(
        product=product, stage=stage, on=on, reason=reason.strip(), note=note, recorded_by=_user(actor)
    )


@transaction.atomic
def product_partner_add(*, partner: ProductPartner, actor: User | None) -> ProductPartner:
    return save_audited(partner, actor=actor, before=None, park_id=partner.product.park_id)


# --- milestones ----------------------------------------------------------------------------------

_QUALIFICATIONS = {
    MilestoneKind.HIGH_TECH: Qualification.HIGH_TECH,
    MilestoneKind.SPECIALISED: Qualification.SPECIALISED,
    MilestoneKind.LITTLE_GIANT: Qualification.LITTLE_GIANT,
}


def _reflect_on_enterprise(milestone: Milestone, actor: User | None) -> None:
    """A listing or a qualification shows on the enterprise's own record too (its profile and filters)."""
    enterprise = milestone.enterprise
    fields: dict[str, Any] = {}
    listed = (milestone.exchange, milestone.stock_code)
    if (
        milestone.kind == MilestoneKind.LISTING
        and milestone.exchange != ListingStatus.UNLISTED
        and (enterprise.listing_status, enterprise.stock_code) != listed
    ):
        fields.update(listing_status=milestone.exchange, stock_code=milestone.stock_code)
    qualification = _QUALIFICATIONS.get(MilestoneKind(milestone.kind))
    if qualification is not None and qualification not in (enterprise.qualifications or []):
        fields["qualifications"] = [*(enterprise.qualifications or []), qualification.value]
    if milestone.kind == MilestoneKind.HIGH_TECH and not enterprise.high_tech:
        fields["high_tech"] = True
    if fields:
        enterprise_update(enterprise=enterprise, actor=actor, **fields)


def _mark_stakes_at_listing(milestone: Milestone, actor: User | None) -> None:
    """A listing with its first-day market value marks the operator's holdings in the enterprise."""
    if milestone.kind != MilestoneKind.LISTING or milestone.market_value is None:
        return
    for stake in Stake.objects.filter(enterprise_id=milestone.enterprise_id).order_by("pk"):
        if StakeValuation.objects.filter(stake=stake, milestone=milestone).exists():
            continue
        flows = _flows(stake)
        figures = portfolio.stake_figures(flows, milestone.on)
        if figures.exited:
            continue
        value = portfolio.listing_mark(milestone.market_value, figures.share_pct)
        if value is None:
            continue
        mark = StakeValuation(
            stake=stake,
            on=milestone.on,
            fair_value=value,
            method=ValuationMethod.LISTING,
            milestone=milestone,
            note=_("上市首日市值 × 持股比例 %(share)s%%")
            % {"share": f"{figures.share_pct:.4f}".rstrip("0").rstrip(".")},
        )
        save_audited(mark, actor=actor, before=None, park_id=stake.park_id)


@transaction.atomic
def milestone_record(*, milestone: Milestone, actor: User | None, today: datetime.date | None = None) -> Milestone:
    """Record (or correct) a milestone; a listing or a qualification updates the enterprise's record,
    and a listing with its market value marks the operator's stakes."""
    if milestone.kind not in MilestoneKind.values:
        raise ValidationError({"kind": _("请选择里程碑类型")})
    errors: dict[str, list[str]] = {}
    _not_future(errors, "on", milestone.on, _today(today))
    _raise(errors)
    if milestone.kind == MilestoneKind.HIGH_TECH and milestone.valid_until is None and milestone.on is not None:
        # 高新技术企业 certificates run three years from the date of recognition.
        milestone.valid_until = milestone.on.replace(year=milestone.on.year + 3) - datetime.timedelta(days=1)
    before = None if milestone.pk is None else snapshot(Milestone.objects.get(pk=milestone.pk))
    save_audited(milestone, actor=actor, before=before, park_id=milestone.park_id)
    _reflect_on_enterprise(milestone, actor)
    _mark_stakes_at_listing(milestone, actor)
    return milestone


# --- 产学研 ---------------------------------------------------------------------------------------


def _save[M: models.Model](instance: M, actor: User | None, park_id: int | None) -> M:
    model: type[models.Model] = type(instance)
    before = None if instance.pk is None else snapshot(model._default_manager.get(pk=instance.pk))
    return save_audited(instance, actor=actor, before=before, park_id=park_id)


@transaction.atomic
def institution_save(*, institution: Institution, actor: User | None) -> Institution:
    institution.name = " ".join(institution.name.split())
    return _save(institution, actor, None)


@transaction.atomic
def institution_contact_save(*, contact: InstitutionContact, actor: User | None) -> InstitutionContact:
    """A person at an institution; the mobile is validated and stored in E.164 (personal data)."""
    if contact.mobile:
        try:
            parsed = parse_phone(contact.mobile)
        except ValidationError as exc:
            raise ValidationError({"mobile": exc.messages}) from exc
        if parsed.kind != "mobile":
            raise ValidationError({"mobile": _("“%(value)s”不是手机号码") % {"value": contact.mobile}})
        contact.mobile = parsed.e164
    return _save(contact, actor, None)


@transaction.atomic
def institution_contacts_record_view(
    *, contacts: Iterable[InstitutionContact], actor: User | None, remote_addr: str | None = None
) -> int:
    """Record that `actor` saw these contacts' unmasked mobiles; one audit entry per contact."""
    count = 0
    for contact in contacts:
        if not contact.mobile:
            continue
        audit_record(
            actor=actor,
            action=AuditAction.VIEW_PERSONAL_DATA,
            obj=contact,
            object_repr=f"{contact.institution.name} / {contact.name}",
            changes={"fields": ["mobile"]},
            remote_addr=remote_addr,
        )
        count += 1
    return count


@transaction.atomic
def agreement_save(*, agreement: Agreement, actor: User | None) -> Agreement:
    return _save(agreement, actor, agreement.park_id)


@transaction.atomic
def joint_project_save(*, project: JointProject, actor: User | None) -> JointProject:
    return _save(project, actor, project.park_id)


@transaction.atomic
def platform_save(*, platform: Platform, actor: User | None) -> Platform:
    return _save(platform, actor, platform.park_id)


@transaction.atomic
def platform_use_save(*, use: PlatformUse, actor: User | None) -> PlatformUse:
    return _save(use, actor, use.platform.park_id)


@transaction.atomic
def tech_transfer_save(
    *, transfer: TechTransfer, actor: User | None, products: Iterable[Product] | None = None
) -> TechTransfer:
    """A transfer or licence; the products it concerns must be the licensee's."""
    chosen = list(products) if products is not None else None
    if chosen and any(p.enterprise_id != transfer.enterprise_id for p in chosen):
        raise ValidationError({"products": _("相关产品须属于受让/被许可企业")})
    saved = _save(transfer, actor, transfer.park_id)
    if chosen is not None:
        saved.products.set(chosen)
    return saved


# --- 投资孵化 -------------------------------------------------------------------------------------


@transaction.atomic
def fund_save(*, fund: Fund, actor: User | None) -> Fund:
    return _save(fund, actor, None)


def _flows(stake: Stake) -> portfolio.StakeFlows:
    return portfolio.StakeFlows(
        [portfolio.Investment(i.on, i.amount, i.share_pct) for i in stake.investments.all()],
        [portfolio.Mark(m.on, m.fair_value) for m in stake.valuations.all()],
        [portfolio.Exit(e.on, e.proceeds, e.share_pct, write_off=e.kind == "write_off") for e in stake.exits.all()],
    )


@transaction.atomic
def stake_invest(
    *,
    fund: Fund,
    enterprise: Enterprise,
    park: Park,
    investment: StakeInvestment,
    actor: User | None,
    today: datetime.date | None = None,
) -> StakeInvestment:
    """Invest in a tenant: opens the stake on the first investment, adds a follow-on after that."""
    errors: dict[str, list[str]] = {}
    _not_future(errors, "on", investment.on, _today(today))
    _raise(errors)
    stake, created = Stake.objects.select_for_update().get_or_create(
        fund=fund, enterprise=enterprise, defaults={"park": park}
    )
    if created:
        audit_record(actor=actor, action=AuditAction.CREATE, obj=stake, park_id=stake.park_id)
    elif portfolio.stake_figures(_flows(stake), investment.on).exited:
        raise ValidationError({"on": _("该持股已全部退出，不能追加投资")})
    investment.stake = stake
    return save_audited(investment, actor=actor, before=None, park_id=stake.park_id)


@transaction.atomic
def stake_mark(*, valuation: StakeValuation, actor: User | None, today: datetime.date | None = None) -> StakeValuation:
    """Mark a holding at fair value on a date."""
    stake = Stake.objects.select_for_update().get(pk=valuation.stake_id)
    errors: dict[str, list[str]] = {}
    _not_future(errors, "on", valuation.on, _today(today))
    figures = portfolio.stake_figures(_flows(stake), valuation.on)
    if not stake.investments.filter(on__lte=valuation.on).exists():
        errors.setdefault("on", []).append(_("估值日期早于首次投资日期"))
    elif figures.exited:
        errors.setdefault("on", []).append(_("该持股已全部退出，无需估值"))
    _raise(errors)
    return save_audited(valuation, actor=actor, before=None, park_id=stake.park_id)


@transaction.atomic
def stake_exit(*, exit_: StakeExit, actor: User | None, today: datetime.date | None = None) -> StakeExit:
    """Record an exit (sale, transfer, buy-back) or a write-off; no more can be sold than is held."""
    stake = Stake.objects.select_for_update().get(pk=exit_.stake_id)
    errors: dict[str, list[str]] = {}
    _not_future(errors, "on", exit_.on, _today(today))
    figures = portfolio.stake_figures(_flows(stake), exit_.on)
    if figures.cost == 0:
        errors.setdefault("on", []).append(_("退出日期早于首次投资日期"))
    elif figures.exited:
        errors.setdefault("on", []).append(_("该持股已全部退出"))
    elif exit_.share_pct is not None and figures.share_pct is not None and exit_.share_pct > figures.share_pct:
        errors.setdefault("share_pct", []).append(
            _("退出比例%(sold)s%%超过当时持股比例%(held)s%%") % {"sold": exit_.share_pct, "held": figures.share_pct}
        )
    if exit_.kind == "write_off" and exit_.proceeds:
        errors.setdefault("proceeds", []).append(_("核销没有退出回款"))
    _raise(errors)
    return save_audited(exit_, actor=actor, before=None, park_id=stake.park_id)
