"""Every write of programmes, applications and review, the incubation lifecycle and policy schemes.

Typed, keyword-only, atomic, with an actor and an audit entry in the same transaction. The service
desk's writes are in `desk`. Rules are the pure modules' (`lifecycle`, `rubric`, `eligibility`);
these functions check state, lock what they change and record what happened.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.choices import Role
from parkos.accounts.models import User as UserModel
from parkos.core.audit import audit_record, save_audited, snapshot
from parkos.core.models import AuditAction
from parkos.core.uploads import DOCUMENTS, PDF, check_upload
from parkos.enterprises import services as enterprise_services
from parkos.enterprises.choices import EnterpriseSource
from parkos.enterprises.models import Enterprise
from parkos.incubation import eligibility, lifecycle, rubric, selectors
from parkos.incubation.choices import (
    ApplicationSource,
    ApplicationStatus,
    AttachmentKind,
    DecisionOutcome,
    ExitReason,
    GraduationBasis,
    IncubationStage,
    NotificationKind,
    RiskLevel,
    SchemeApplicationStatus,
)
from parkos.incubation.models import (
    AnnualReturn,
    Application,
    ApplicationAttachment,
    IncubationRecord,
    Intake,
    Notification,
    Programme,
    Review,
    ReviewMeeting,
    ReviewScore,
    RubricCriterion,
    Scheme,
    SchemeApplication,
    SchemeCriterion,
    StageChange,
)
from parkos.incubation.notifications import notify
from parkos.investment.services import normalise_mobile
from parkos.parks.models import Park

if TYPE_CHECKING:
    from parkos.accounts.models import User

#: A second portal application from the same mobile to the same programme within this many hours is
#: the same application (a double click, a resubmission), not a new one.
REPEAT_WINDOW_HOURS = 24


def _audit(obj: Model, actor: User | None, action: str, changes: dict[str, Any], park_id: int | None) -> None:
    audit_record(actor=actor, action=action, obj=obj, changes=changes, park_id=park_id)


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


# --- Programmes ----------------------------------------------------------------------------------------


@transaction.atomic
def programme_save(*, programme: Programme, actor: User | None) -> Programme:
    """Create or change a programme (its rules apply to admissions from now on; records keep theirs)."""
    before = None if programme.pk is None else snapshot(Programme.objects.get(pk=programme.pk))
    if programme.pk is None:
        programme.created_by = _actor(actor)
    return save_audited(programme, actor=actor, before=before, park_id=programme.park_id)


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: Decimal
    max_score: int = 10
    description: str = ""


@transaction.atomic
def rubric_set(
    *, programme: Programme, criteria: Sequence[CriterionInput], actor: User | None
) -> list[RubricCriterion]:
    """Replace a programme's rubric: criteria matched by name are updated, new ones added, missing ones
    removed — unless a reviewer has scored them, which keeps past reviews intact (refused)."""
    if not criteria:
        raise ValidationError(_("评审评分表至少需要一个评分项"))
    names = [c.name.strip() for c in criteria]
    if any(not n for n in names) or len(set(names)) != len(names):
        raise ValidationError(_("评分项名称不能为空，也不能重复"))
    existing = {c.name: c for c in RubricCriterion.objects.select_for_update().filter(programme=programme)}
    removed = [c for name, c in existing.items() if name not in names]
    if any(c.scores.exists() for c in removed):
        raise ValidationError(
            _("已有评审打分的评分项不能删除：%(names)s") % {"names": "、".join(c.name for c in removed)}
        )
    for criterion in removed:
        criterion.delete()
    saved = []
    for position, spec in enumerate(criteria):
        criterion = existing.get(spec.name.strip()) or RubricCriterion(programme=programme, name=spec.name.strip())
        criterion.weight, criterion.max_score = spec.weight, spec.max_score
        criterion.description, criterion.position = spec.description, position
        criterion.full_clean()
        criterion.save()
        saved.append(criterion)
    _audit(
        programme,
        actor,
        AuditAction.UPDATE,
        {"rubric": [f"{c.name}×{c.weight}/{c.max_score}" for c in saved]},
        programme.park_id,
    )
    return saved


@transaction.atomic
def intake_save(*, intake: Intake, actor: User | None) -> Intake:
    before = None if intake.pk is None else snapshot(Intake.objects.get(pk=intake.pk))
    return save_audited(intake, actor=actor, before=before, park_id=intake.programme.park_id)


# --- Applications --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationInput:
    """What an applicant tells about itself (the portal form and the staff form alike)."""

    company_name: str
    contact_name: str
    contact_mobile: str
    project_summary: str
    company_registered: bool = True
    credit_code: str = ""
    founded_on: datetime.date | None = None
    industry_code: str = ""
    contact_email: str = ""
    team_size: int = 1
    team_description: str = ""
    ip_description: str = ""
    patents: int = 0
    funding_raised_wan: Decimal | None = None
    funding_sought_wan: Decimal | None = None
    space_need_sqm: Decimal | None = None


@dataclass(frozen=True)
class Upload:
    kind: str
    file: Any  # an UploadedFile


def _clean_input(data: ApplicationInput) -> dict[str, Any]:
    """Normalised values, or a ValidationError keyed by field in the user's language."""
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    errors: dict[str, list[Any]] = {}
    values["company_name"] = " ".join((data.company_name or "").split())
    if not values["company_name"]:
        errors["company_name"] = [_("请填写企业（团队）名称")]
    try:
        values["contact_mobile"] = normalise_mobile(data.contact_mobile)
    except ValidationError:
        errors["contact_mobile"] = [_("请填写正确的11位手机号码")]
    try:
        values["credit_code"] = enterprise_services.clean_credit_code(data.credit_code) or ""
    except ValidationError as exc:
        errors["credit_code"] = exc.messages
    if data.industry_code:
        try:
            values["industry_code"] = enterprise_services.validate_industry(data.industry_code)
        except ValidationError as exc:
            errors["industry_code"] = exc.messages
    if data.company_registered and not values.get("credit_code") and "credit_code" not in errors:
        errors["credit_code"] = [_("已注册公司请填写统一社会信用代码")]
    if data.founded_on and data.founded_on > timezone.localdate():
        errors["founded_on"] = [_("成立日期不能晚于今天")]
    if errors:
        raise ValidationError(errors)
    return values


def _check_uploads(uploads: Sequence[Upload]) -> list[tuple[Upload, Any]]:
    checked = []
    errors: list[str] = []
    for upload in uploads:
        allowed = (PDF,) if upload.kind == AttachmentKind.BUSINESS_PLAN else DOCUMENTS
        try:
            checked.append((upload, check_upload(upload.file, allowed=allowed)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    return checked


def _store(application: Application, checked: Sequence[tuple[Upload, Any]], actor: User | None) -> None:
    for upload, info in checked:
        ApplicationAttachment(application=application, kind=upload.kind, uploaded_by=_actor(actor)).store(
            upload.file, info
        )


def _reference(application: Application) -> str:
    return f"RF-{application.submitted_at:%Y}-{application.pk:06d}"


def _open_intake(programme: Programme, day: datetime.date) -> Intake | None:
    for intake in programme.intakes.order_by("-opens_on"):
        if intake.is_open_on(day):
            return intake
    return None


@transaction.atomic
def application_submit(
    *,
    programme: Programme,
    data: ApplicationInput,
    uploads: Sequence[Upload] = (),
    actor: User | None,
    source: str = ApplicationSource.STAFF,
    consent: bool = False,
) -> tuple[Application, bool]:
    """Record an application (from the portal or entered by staff); returns (application, created).

    1. Validate the answers and the files (by content: the business plan must be a PDF).
    2. Lock the programme row, so two submissions cannot both miss each other's repeat check.
    3. A portal application from the same mobile to the same programme within 24 hours that is still
       open is the same application: it is returned, with any new files added, and nothing doubles.
    4. Otherwise create it (in the intake open today, if any), store the files, audit.
    Files are written to storage inside the transaction; if the transaction fails they are orphans
    that hold nothing anyone can reach, never half-linked rows.
    """
    values = _clean_input(data)
    checked = _check_uploads(uploads)
    if source == ApplicationSource.PORTAL and not consent:
        raise ValidationError(_("请勾选同意个人信息处理，否则无法提交"))
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.is_active:
        raise ValidationError(_("该项目目前不接受申请"))
    now = timezone.now()
    if source == ApplicationSource.PORTAL:
        repeat = (
            Application.objects.filter(
                programme=programme,
                contact_mobile=values["contact_mobile"],
                submitted_at__gte=now - datetime.timedelta(hours=REPEAT_WINDOW_HOURS),
                status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW),
            )
            .order_by("-submitted_at")
            .first()
        )
        if repeat is not None:
            _store(repeat, checked, actor)
            return repeat, False
    application = Application(
        programme=programme,
        park_id=programme.park_id,
        intake=_open_intake(programme, timezone.localdate()),
        source=source,
        consent_at=now if consent else None,
        submitted_at=now,
        created_by=_actor(actor),
        **values,
    )
    if application.credit_code:
        application.enterprise = Enterprise.objects.active().filter(credit_code=application.credit_code).first()
    application.full_clean(exclude=["reference"])
    application.save()
    application.reference = _reference(application)
    application.save(update_fields=["reference"])
    _store(application, checked, actor)
    # Personal data stays out of the audit trail: what was applied for, not who to call.
    _audit(
        application,
        actor,
        AuditAction.CREATE,
        {"programme": programme.pk, "source": source, "files": len(checked)},
        programme.park_id,
    )
    return application, True


@transaction.atomic
def application_record_view(*, application: Application, actor: User) -> None:
    """Audit that someone saw an applicant's full mobile number (personal data)."""
    _audit(application, actor, AuditAction.VIEW_PERSONAL_DATA, {"fields": ["contact_mobile"]}, application.park_id)


@transaction.atomic
def attachment_add(*, application: Application, upload: Upload, actor: User | None) -> ApplicationAttachment:
    checked = _check_uploads([upload])
    _store(application, checked, actor)
    attachment = application.attachments.order_by("-pk").first()
    assert attachment is not None
    _audit(attachment, actor, AuditAction.CREATE, {"kind": upload.kind}, application.park_id)
    return attachment


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("programme").get(pk=application.pk)


@transaction.atomic
def reviewers_assign(*, application: Application, reviewers: Sequence[User], actor: User | None) -> list[Review]:
    """Send an application to review: each reviewer gets a review to fill in independently (and a notice)."""
    application = _locked(application)
    if not application.is_open:
        raise ValidationError(_("该申请已有结论，不能再分配评审"))
    if not application.programme.rubric.exists():
        raise ValidationError(_("请先为该项目设置评审评分表"))
    created = []
    for reviewer in reviewers:
        if reviewer.is_enterprise_user:
            raise ValidationError(_("企业用户不能担任评审"))
        review, made = Review.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": _actor(actor)}
        )
        if made:
            created.append(review)
    if application.status == ApplicationStatus.SUBMITTED:
        application.status = ApplicationStatus.IN_REVIEW
        application.save(update_fields=["status", "updated_at"])
    notify(
        users=[r.reviewer for r in created],
        kind=NotificationKind.REVIEW,
        text=_("请评审入孵申请 %(ref)s %(name)s") % {"ref": application.reference, "name": application.company_name},
        url=application.get_absolute_url(),
    )
    _audit(
        application,
        actor,
        AuditAction.UPDATE,
        {"reviewers": [r.reviewer_id for r in created], "status": application.status},
        application.park_id,
    )
    return created


@dataclass(frozen=True)
class ReviewInput:
    scores: Mapping[int, Decimal]  # criterion id → score
    comment: str = ""
    recommendation: str = ""
    conflict: bool = False
    conflict_note: str = ""


@transaction.atomic
def review_submit(*, review: Review, data: ReviewInput, actor: User) -> Review:
    """A reviewer's own review: every criterion scored within its range, or a declared conflict of interest."""
    review = Review.objects.select_for_update().select_related("application").get(pk=review.pk)
    if review.reviewer_id != actor.pk:
        raise ValidationError(_("只能提交本人的评审"))
    if not review.application.is_open:
        raise ValidationError(_("该申请已有结论，评审已关闭"))
    criteria = list(review.application.programme.rubric.all())
    if data.conflict:
        if not data.conflict_note.strip():
            raise ValidationError({"conflict_note": _("请说明利益冲突的情况")})
        review.scores.all().delete()
    else:
        specs = {c.pk: rubric.CriterionSpec(c.pk, c.name, c.weight, Decimal(c.max_score)) for c in criteria}
        missing = [c.name for c in criteria if c.pk not in data.scores]
        if missing:
            raise ValidationError(_("请为每个评分项打分：%(names)s") % {"names": "、".join(missing)})
        wrong = [
            specs[pk].name
            for pk, score in data.scores.items()
            if pk in specs and rubric.score_problem(specs[pk], score)
        ]
        if wrong:
            raise ValidationError(_("得分超出范围：%(names)s") % {"names": "、".join(wrong)})
        review.scores.all().delete()
        ReviewScore.objects.bulk_create(
            ReviewScore(review=review, criterion_id=pk, score=score) for pk, score in data.scores.items() if pk in specs
        )
    review.conflict_declared = data.conflict
    review.conflict_note = data.conflict_note.strip()
    review.comment = data.comment
    review.recommendation = "" if data.conflict else data.recommendation
    review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    _audit(
        review,
        actor,
        AuditAction.UPDATE,
        {"submitted": True, "conflict": data.conflict, "recommendation": review.recommendation},
        review.application.park_id,
    )
    return review


@transaction.atomic
def meeting_record(
    *, programme: Programme, held_on: datetime.date, title: str, attendees: str, minutes: str, actor: User | None
) -> ReviewMeeting:
    meeting = ReviewMeeting(
        programme=programme,
        held_on=held_on,
        title=title,
        attendees=attendees,
        minutes=minutes,
        created_by=_actor(actor),
    )
    return save_audited(meeting, actor=actor, before=None, park_id=programme.park_id)


def _enterprise_for(application: Application, actor: User | None) -> Enterprise:
    """The applicant's enterprise record: linked already, found by credit code, or created now."""
    if application.enterprise is not None:
        return application.enterprise
    found = None
    if application.credit_code:
        found = Enterprise.objects.active().filter(credit_code=application.credit_code).first()
    if found is not None:
        return found
    return enterprise_services.enterprise_create(
        actor=actor,
        parks=[application.park],
        name=application.company_name,
        credit_code=application.credit_code or None,
        founded_on=application.founded_on,
        industry_code=application.industry_code,
        employees=application.team_size,
        source=EnterpriseSource.PORTAL if application.source == ApplicationSource.PORTAL else EnterpriseSource.MANUAL,
    )


@transaction.atomic
def application_decide(
    *,
    application: Application,
    outcome: str,
    actor: User | None,
    meeting: ReviewMeeting | None = None,
    note: str = "",
    admitted_on: datetime.date | None = None,
    stage: str = IncubationStage.INCUBATING,
) -> Application:
    """Record the decision meeting's outcome: admit (the enterprise is created or linked and its
    incubation starts), reject, or defer (stays in review). Rejection at screening needs no meeting."""
    application = _locked(application)
    if not application.is_open:
        raise ValidationError(_("该申请已有结论"))
    if outcome not in DecisionOutcome.values:
        raise ValidationError(_("未知的决策结果"))
    if outcome == DecisionOutcome.ADMIT and meeting is None:
        raise ValidationError({"meeting": _("准予入孵须记录决策会议")})
    if meeting is not None and meeting.programme_id != application.programme_id:
        raise ValidationError({"meeting": _("决策会议不属于该项目")})
    application.meeting = meeting
    application.decision = outcome
    application.decision_note = note[:500]
    application.decided_at = timezone.now()
    if outcome == DecisionOutcome.ADMIT:
        application.status = ApplicationStatus.ADMITTED
        application.enterprise = _enterprise_for(application, actor)
    elif outcome == DecisionOutcome.REJECT:
        application.status = ApplicationStatus.REJECTED
    else:
        application.status = ApplicationStatus.IN_REVIEW
    application.save()
    _audit(
        application,
        actor,
        AuditAction.UPDATE,
        {"decision": outcome, "meeting": meeting.pk if meeting else None, "status": application.status},
        application.park_id,
    )
    if outcome == DecisionOutcome.ADMIT:
        assert application.enterprise is not None
        record_admit(
            programme=application.programme,
            enterprise=application.enterprise,
            admitted_on=admitted_on or timezone.localdate(),
            intake=application.intake,
            application=application,
            stage=stage,
            actor=actor,
        )
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User | None, note: str = "") -> Application:
    application = _locked(application)
    if not application.is_open:
        raise ValidationError(_("该申请已有结论"))
    application.status = ApplicationStatus.WITHDRAWN
    application.decision_note = note[:500]
    application.save(update_fields=["status", "decision_note", "updated_at"])
    _audit(application, actor, AuditAction.UPDATE, {"status": ApplicationStatus.WITHDRAWN}, application.park_id)
    return application


# --- The incubation lifecycle --------------------------------------------------------------------------


@transaction.atomic
def record_admit(
    *,
    programme: Programme,
    enterprise: Enterprise,
    admitted_on: datetime.date,
    actor: User | None,
    intake: Intake | None = None,
    application: Application | None = None,
    stage: str = IncubationStage.INCUBATING,
) -> IncubationRecord:
    """Start an enterprise's incubation: its period fixed now from the programme's rules and its industry."""
    if stage not in lifecycle.ACTIVE:
        raise ValidationError(_("入孵阶段须为预孵化、在孵或加速"))
    months = lifecycle.period_months(
        enterprise.industry_code,
        standard=programme.incubation_months,
        extended=programme.extended_months,
        extended_prefixes=programme.extended_industry_prefixes,
    )
    record = IncubationRecord(
        programme=programme,
        park_id=programme.park_id,
        enterprise=enterprise,
        intake=intake,
        application=application,
        stage=stage,
        stage_since=admitted_on,
        admitted_on=admitted_on,
        period_months=months,
        due_on=lifecycle.due_on(admitted_on, months),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(_("该企业在本园区已有进行中的孵化记录")) from None
    if not enterprise.parks.filter(pk=programme.park_id).exists():
        enterprise.parks.add(programme.park_id)
    StageChange.objects.create(record=record, from_stage="", to_stage=stage, on=admitted_on, actor=_actor(actor))
    _audit(
        record,
        actor,
        AuditAction.CREATE,
        {"stage": stage, "admitted_on": admitted_on, "period_months": months, "due_on": record.due_on},
        programme.park_id,
    )
    return record


def _locked_record(record: IncubationRecord) -> IncubationRecord:
    return IncubationRecord.objects.select_for_update().get(pk=record.pk)


def _move(record: IncubationRecord, to_stage: str, on: datetime.date, actor: User | None, note: str) -> None:
    problem = lifecycle.transition_problem(record.stage, to_stage)
    if problem:
        raise ValidationError(problem)
    if on < record.stage_since:
        raise ValidationError({"on": _("日期不能早于进入当前阶段的日期（%(d)s）") % {"d": record.stage_since}})
    if on > timezone.localdate():
        raise ValidationError({"on": _("日期不能晚于今天")})
    StageChange.objects.create(
        record=record, from_stage=record.stage, to_stage=to_stage, on=on, actor=_actor(actor), note=note[:300]
    )
    before = record.stage
    record.stage, record.stage_since = to_stage, on
    record.save()
    _audit(record, actor, AuditAction.UPDATE, {"stage": [before, to_stage], "on": on, "note": note}, record.park_id)


@transaction.atomic
def record_advance(
    *, record: IncubationRecord, to_stage: str, on: datetime.date, actor: User | None, note: str = ""
) -> IncubationRecord:
    """预孵化 → 在孵 → 加速 (forward only)."""
    record = _locked_record(record)
    if to_stage not in lifecycle.ACTIVE:
        raise ValidationError(_("毕业和退出请使用相应操作"))
    _move(record, to_stage, on, actor, note)
    return record


@transaction.atomic
def record_graduate(
    *, record: IncubationRecord, basis: str, on: datetime.date, actor: User | None, note: str = ""
) -> IncubationRecord:
    """Graduate on one of the programme's criteria (the evidence is what the candidate list showed)."""
    record = _locked_record(record)
    programme = record.programme
    if basis not in programme.graduation_bases:
        raise ValidationError({"basis": _("该项目不以此作为毕业条件")})
    record.graduated_on, record.graduation_basis = on, basis
    _move(record, IncubationStage.GRADUATED, on, actor, note or str(GraduationBasis(basis).label))
    return record


@transaction.atomic
def record_exit(
    *, record: IncubationRecord, reason: str, on: datetime.date, actor: User | None, note: str = ""
) -> IncubationRecord:
    record = _locked_record(record)
    if reason not in ExitReason.values:
        raise ValidationError({"reason": _("请选择退出原因")})
    if reason == ExitReason.OTHER and not note.strip():
        raise ValidationError({"note": _("请说明退出原因")})
    record.exited_on, record.exit_reason, record.exit_note = on, reason, note[:300]
    _move(record, IncubationStage.EXITED, on, actor, note or str(ExitReason(reason).label))
    return record


@transaction.atomic
def annual_return_save(
    *, record: IncubationRecord, year: int, values: Mapping[str, Any], actor: User | None
) -> AnnualReturn:
    """Create or replace an incubated enterprise's annual supplementary figures for the Torch statistics."""
    existing = AnnualReturn.objects.select_for_update().filter(record=record, year=year).first()
    annual = existing or AnnualReturn(record=record, year=year)
    before = snapshot(existing) if existing else None
    for name, value in values.items():
        if name in ("record", "year", "id") or not hasattr(annual, name):
            raise ValueError(f"not an annual-return figure: {name}")
        setattr(annual, name, value)
    annual.submitted_by = _actor(actor)
    return save_audited(annual, actor=actor, before=before, park_id=record.park_id)


# --- Policy schemes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    fact: str
    operator: str
    value: str = ""


@transaction.atomic
def scheme_save(*, scheme: Scheme, rules: Sequence[RuleInput], actor: User | None) -> Scheme:
    """Create or change a scheme and replace its criteria (each checked by the eligibility engine)."""
    problems = [
        f"{index + 1}. {problem}"
        for index, rule in enumerate(rules)
        if (problem := eligibility.criterion_problem(rule.fact, rule.operator, rule.value))
    ]
    if problems:
        raise ValidationError({"criteria": problems})
    before = None if scheme.pk is None else snapshot(Scheme.objects.get(pk=scheme.pk))
    save_audited(scheme, actor=actor, before=before, park_id=scheme.park_id)
    old = [str(c) for c in scheme.criteria.all()]
    scheme.criteria.all().delete()
    SchemeCriterion.objects.bulk_create(
        SchemeCriterion(
            scheme=scheme,
            fact=r.fact,
            operator=r.operator,
            value=eligibility.canonical_value(r.fact, r.operator, r.value),
            position=i,
        )
        for i, r in enumerate(rules)
    )
    new = [str(c) for c in scheme.criteria.all()]
    if old != new:
        _audit(scheme, actor, AuditAction.UPDATE, {"criteria": [old, new]}, scheme.park_id)
    return scheme


_NEXT_STATUSES = {
    SchemeApplicationStatus.PLANNED: {SchemeApplicationStatus.SUBMITTED, SchemeApplicationStatus.WITHDRAWN},
    SchemeApplicationStatus.SUBMITTED: {
        SchemeApplicationStatus.APPROVED,
        SchemeApplicationStatus.REJECTED,
        SchemeApplicationStatus.WITHDRAWN,
    },
    SchemeApplicationStatus.APPROVED: {SchemeApplicationStatus.AWARDED},
    SchemeApplicationStatus.AWARDED: set(),
    SchemeApplicationStatus.REJECTED: set(),
    SchemeApplicationStatus.WITHDRAWN: set(),
}


def scheme_next_statuses(status: str) -> list[SchemeApplicationStatus]:
    """Where an application can go from `status` (empty once it is awarded, rejected or withdrawn)."""
    return sorted(_NEXT_STATUSES[SchemeApplicationStatus(status)], key=list(SchemeApplicationStatus).index)


@transaction.atomic
def scheme_application_create(
    *, scheme: Scheme, enterprise: Enterprise, park_id: int, year: int, actor: User | None, note: str = ""
) -> SchemeApplication:
    if SchemeApplication.objects.filter(scheme=scheme, enterprise=enterprise, year=year).exists():
        raise ValidationError(_("该企业本年度已申报此政策"))
    application = SchemeApplication(
        scheme=scheme, enterprise=enterprise, park_id=park_id, year=year, note=note, created_by=_actor(actor)
    )
    return save_audited(application, actor=actor, before=None, park_id=park_id)


@transaction.atomic
def scheme_application_advance(
    *,
    application: SchemeApplication,
    status: str,
    on: datetime.date,
    actor: User | None,
    amount: Decimal | None = None,
    note: str = "",
) -> SchemeApplication:
    """Move an application along 拟申报 → 已申报 → 已获批 → 已兑现 (or 未获批/放弃), dated; an award needs its amount."""
    application = SchemeApplication.objects.select_for_update().get(pk=application.pk)
    if status not in _NEXT_STATUSES[SchemeApplicationStatus(application.status)]:
        raise ValidationError(
            _("不能从“%(a)s”变为“%(b)s”")
            % {"a": application.get_status_display(), "b": SchemeApplicationStatus(status).label}
        )
    before = snapshot(application)
    application.status = status
    if status == SchemeApplicationStatus.SUBMITTED:
        application.submitted_on, application.amount_requested = on, amount
    elif status == SchemeApplicationStatus.APPROVED:
        application.approved_on = on
    elif status == SchemeApplicationStatus.AWARDED:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("请填写兑现金额")})
        application.awarded_on, application.amount_awarded = on, amount
    if note:
        application.note = note[:300]
    return save_audited(application, actor=actor, before=before, park_id=application.park_id)


# --- The weekly early-warning list ----------------------------------------------------------------------


@transaction.atomic
def risk_digests_send(*, as_of: datetime.date | None = None) -> int:
    """Tell each park's managers and services officers how many of its enterprises carry a warning.

    Once per person and ISO week (a second run in the same week sends nothing); parks without any
    warning send nothing. The list itself is the risk page, computed when opened.
    """
    as_of = as_of or timezone.localdate()
    week_start = as_of - datetime.timedelta(days=as_of.weekday())
    since = datetime.datetime.combine(week_start, datetime.time.min, tzinfo=timezone.get_current_timezone())
    sent = 0
    for park in Park.objects.filter(archived_at__isnull=True).order_by("pk"):
        recipients = [
            user
            for user in UserModel.objects.filter(
                parks=park, is_active=True, role__in=(Role.PARK_MANAGER, Role.SERVICES_OFFICER)
            ).order_by("pk")
            if not Notification.objects.filter(
                user=user, kind=NotificationKind.RISK_DIGEST, created_at__gte=since
            ).exists()
        ]
        if not recipients:
            continue
        rows = selectors.risk_list(park.pk, as_of)
        if not rows:
            continue
        high = sum(1 for row in rows if row.assessment.level == RiskLevel.HIGH)
        medium = sum(1 for row in rows if row.assessment.level == RiskLevel.MEDIUM)
        text = _("%(park)s本周风险预警：高风险 %(high)d 家，中风险 %(medium)d 家，共 %(n)d 家") % {
            "park": park.name,
            "high": high,
            "medium": medium,
            "n": len(rows),
        }
        sent += len(
            notify(
                users=recipients, kind=NotificationKind.RISK_DIGEST, text=text, url=f"/incubation/risk/?park={park.pk}"
            )
        )
    return sent
