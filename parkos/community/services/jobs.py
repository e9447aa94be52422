"""Every write to job postings, applications, recruitment fairs and training courses.

Postings: a tenant (or staff for it) drafts, submits, staff approve or send back with a reason; an
edit of an approved posting sends it back for approval. Applications from the public board store only
what the applicant sent, with the moment of consent; one per mobile and posting (a repeat updates it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.community import rights
from parkos.community.choices import CourseStatus, FairStatus, JobStatus, TrainingRegistrationStatus
from parkos.community.models import (
    FairBooth,
    JobApplication,
    JobPosting,
    RecruitmentFair,
    TrainingCourse,
    TrainingRegistration,
)
from parkos.community.personal import ERASED_NAME
from parkos.community.services.common import assign, audit_retention, set_status
from parkos.core.audit import audit_record, model_changes, save_audited, snapshot
from parkos.core.db import serialised_writes
from parkos.core.models import AuditAction
from parkos.investment.services import normalise_mobile

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

JOB_FIELDS = (
    "title", "field", "degree", "min_experience_years", "headcount", "salary_min", "salary_max", "location",
    "description", "closes_on",
)  # fmt: skip
FAIR_FIELDS = ("title", "starts_at", "ends_at", "venue", "description")
COURSE_FIELDS = (
    "title",
    "provider",
    "field",
    "description",
    "starts_at",
    "ends_at",
    "venue",
    "capacity",
    "hours",
    "fee",
)


def _audit(obj: Model, actor: User | None, action: str, park_id: int, changes: dict[str, Any]) -> None:
    audit_record(actor=actor, action=action, obj=obj, changes=changes, park_id=park_id)


# --- Postings ------------------------------------------------------------------------------------------------


def _require_job_author(actor: User, park: Park | int, enterprise: Enterprise) -> None:
    """Managers of the park, or a login of the enterprise itself while it is a tenant of the park."""
    if rights.may_manage(actor, park):
        return
    own = rights.tenant_enterprise(actor)
    if own is None or own.pk != enterprise.pk:
        raise PermissionDenied(_("只能为本企业发布职位。"))
    if not rights.is_tenant_of(enterprise, park):
        raise PermissionDenied(_("只有在园企业可以发布职位。"))


@transaction.atomic
def job_save(
    *, actor: User, park: Park, enterprise: Enterprise, job: JobPosting | None = None, **fields: object
) -> JobPosting:
    """Draft a posting or change one; a change to an approved posting sends it back for approval."""
    _require_job_author(actor, park, enterprise)
    if job is not None:
        job = JobPosting.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.CLOSED:
            raise ValidationError(_("职位已关闭，不能修改"))
    before = snapshot(job) if job is not None else None
    job = job or JobPosting(park=park, enterprise=enterprise, created_by=actor)
    assign(job, fields, JOB_FIELDS)
    if job.closes_on is not None and job.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("截止日期不能早于今天")})
    if job.status in (JobStatus.APPROVED, JobStatus.PENDING) and before is not None:
        job.status = JobStatus.PENDING
        job.submitted_at = timezone.now()
    return save_audited(job, actor=actor, before=before, park_id=park.pk)


@transaction.atomic
def job_submit(*, job: JobPosting, actor: User) -> JobPosting:
    """Send a draft (or a returned posting) to park staff for approval."""
    _require_job_author(actor, job.park_id, job.enterprise)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    if job.status not in (JobStatus.DRAFT, JobStatus.REJECTED):
        raise ValidationError(_("该职位不在草稿或退回状态"))
    before = job.status
    job.status = JobStatus.PENDING
    job.submitted_at = timezone.now()
    job.rejection_reason = ""
    job.save(update_fields=["status", "submitted_at", "rejection_reason", "updated_at"])
    _audit(job, actor, AuditAction.UPDATE, job.park_id, {"status": [before, JobStatus.PENDING]})
    return job


@transaction.atomic
def job_decide(*, job: JobPosting, approve: bool, actor: User, reason: str = "") -> JobPosting:
    """Staff approve a posting (it goes on the public board) or send it back with a reason."""
    rights.require_manage(actor, job.park_id)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.PENDING:
        raise ValidationError(_("该职位不在待审核状态"))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("退回时请填写原因")})
    job.status = JobStatus.APPROVED if approve else JobStatus.REJECTED
    job.rejection_reason = "" if approve else reason.strip()[:300]
    job.decided_by, job.decided_at = actor, timezone.now()
    job.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at", "updated_at"])
    _audit(job, actor, AuditAction.UPDATE, job.park_id, {"status": [JobStatus.PENDING, job.status], "reason": reason})
    return job


@transaction.atomic
def job_close(*, job: JobPosting, actor: User) -> JobPosting:
    _require_job_author(actor, job.park_id, job.enterprise)
    job = JobPosting.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.CLOSED:
        return job
    before = job.status
    job.status = JobStatus.CLOSED
    job.save(update_fields=["status", "updated_at"])
    _audit(job, actor, AuditAction.UPDATE, job.park_id, {"status": [before, JobStatus.CLOSED]})
    return job


@dataclass(frozen=True)
class ApplicationInput:
    """What an applicant chose to send from the public board (the form validated it)."""

    name: str
    mobile: str
    email: str = ""
    message: str = ""


def job_apply(
    *, job: JobPosting, data: ApplicationInput, now: datetime.datetime | None = None
) -> tuple[JobApplication, bool]:
    """Store an application to a public posting; a repeat from the same mobile replaces what was sent."""
    now = now or timezone.now()
    name = " ".join(data.name.split())
    if not name:
        raise ValidationError({"name": _("请填写姓名")})
    mobile = normalise_mobile(data.mobile)
    with serialised_writes(), transaction.atomic():
        job = JobPosting.objects.select_for_update().get(pk=job.pk)
        if not JobPosting.objects.public(timezone.localdate()).filter(pk=job.pk).exists():
            raise ValidationError(_("该职位已停止招聘"), code="closed")
        application = job.applications.filter(mobile=mobile, erased_at__isnull=True).first()
        created = application is None
        application = application or JobApplication(job=job, mobile=mobile)
        application.name = name
        application.email = data.email.strip().lower()
        application.message = data.message.strip()[:1000]
        application.consent_at = now
        application.full_clean(exclude=["job"])
        application.save()
        _audit(application, None, AuditAction.CREATE if created else AuditAction.UPDATE, job.park_id, {"job": job.pk})
    return application, created


@transaction.atomic
def applications_erase(*, before: datetime.datetime, actor: User | None) -> int:
    """Erase applicants' data sent before `before` (retention): the rows stay as counts."""
    rows = list(
        JobApplication.objects.select_for_update()
        .filter(created_at__lt=before, erased_at__isnull=True)
        .values_list("pk", "job__park_id")
    )
    JobApplication.objects.filter(pk__in=[pk for pk, _park in rows]).update(
        name=ERASED_NAME, mobile="", email="", message="", erased_at=timezone.now()
    )
    audit_retention(rows, object_type="community.jobapplication", label=_("职位申请个人信息（保存期满）"), actor=actor)
    return len(rows)


# --- Recruitment fairs ---------------------------------------------------------------------------------------


@transaction.atomic
def fair_save(*, actor: User, park: Park, fair: RecruitmentFair | None = None, **fields: object) -> RecruitmentFair:
    rights.require_manage(actor, park)
    before = snapshot(fair) if fair is not None else None
    fair = fair or RecruitmentFair(park=park)
    assign(fair, fields, FAIR_FIELDS)
    return save_audited(fair, actor=actor, before=before, park_id=park.pk)


@transaction.atomic
def fair_set_status(*, fair: RecruitmentFair, status: str, actor: User) -> RecruitmentFair:
    """Publish a fair (it shows on the portal) or cancel it."""
    rights.require_manage(actor, fair.park_id)
    fair = RecruitmentFair.objects.select_for_update().get(pk=fair.pk)
    allowed: dict[str, set[str]] = {
        FairStatus.DRAFT: {FairStatus.PUBLISHED, FairStatus.CANCELLED},
        FairStatus.PUBLISHED: {FairStatus.CANCELLED},
    }
    return set_status(fair, status=status, allowed=allowed, actor=actor, refused=_("招聘会当前状态不能进行此操作"))


@transaction.atomic
def booth_save(
    *,
    fair: RecruitmentFair,
    enterprise: Enterprise,
    number: str,
    actor: User,
    jobs: Iterable[JobPosting] = (),
    note: str = "",
    booth: FairBooth | None = None,
) -> FairBooth:
    """Give an enterprise a booth at a fair, with the positions it recruits for there (its own postings)."""
    rights.require_manage(actor, fair.park_id)
    jobs = list(jobs)
    if any(job.enterprise_id != enterprise.pk for job in jobs):
        raise ValidationError({"jobs": _("只能选择该企业自己的职位")})
    before = snapshot(booth) if booth is not None else None
    booth = booth or FairBooth(fair=fair)
    booth.enterprise, booth.number, booth.note = enterprise, number.strip(), note
    booth.full_clean()
    booth.save()
    booth.jobs.set(jobs)
    changes = model_changes(before or {}, snapshot(booth))
    changes["jobs"] = [job.pk for job in jobs]
    _audit(booth, actor, AuditAction.CREATE if before is None else AuditAction.UPDATE, fair.park_id, changes)
    return booth


@transaction.atomic
def booth_remove(*, booth: FairBooth, actor: User) -> None:
    rights.require_manage(actor, booth.fair.park_id)
    _audit(
        booth,
        actor,
        AuditAction.DELETE,
        booth.fair.park_id,
        {"enterprise": booth.enterprise_id, "number": booth.number},
    )
    booth.delete()


# --- Training --------------------------------------------------------------------------------------------------


@transaction.atomic
def course_save(*, actor: User, park: Park, course: TrainingCourse | None = None, **fields: object) -> TrainingCourse:
    rights.require_manage(actor, park)
    before = snapshot(course) if course is not None else None
    course = course or TrainingCourse(park=park)
    assign(course, fields, COURSE_FIELDS)
    if course.pk is not None:
        taken = course.registrations.filter(status=TrainingRegistrationStatus.REGISTERED).count()
        if course.capacity < taken:
            raise ValidationError({"capacity": _("已有 %(n)s 人报名，名额不能少于此数") % {"n": taken}})
    return save_audited(course, actor=actor, before=before, park_id=park.pk)


@transaction.atomic
def course_set_status(*, course: TrainingCourse, status: str, actor: User) -> TrainingCourse:
    rights.require_manage(actor, course.park_id)
    course = TrainingCourse.objects.select_for_update().get(pk=course.pk)
    allowed: dict[str, set[str]] = {
        CourseStatus.DRAFT: {CourseStatus.OPEN, CourseStatus.CANCELLED},
        CourseStatus.OPEN: {CourseStatus.CLOSED, CourseStatus.CANCELLED},
        CourseStatus.CLOSED: {CourseStatus.OPEN, CourseStatus.CANCELLED},
    }
    return set_status(course, status=status, allowed=allowed, actor=actor, refused=_("课程当前状态不能进行此操作"))


def training_register(
    *,
    course: TrainingCourse,
    participant_name: str,
    participant_mobile: str,
    actor: User,
    enterprise: Enterprise | None = None,
) -> TrainingRegistration:
    """Register one participant while the course is open and has places; tenants register their own staff."""
    own = rights.tenant_enterprise(actor)
    if own is not None:
        enterprise = own
        if not rights.is_tenant_of(own, course.park_id):
            raise PermissionDenied(_("只有在园企业可以报名园区培训。"))
    else:
        rights.require_manage(actor, course.park_id)
    name = " ".join(participant_name.split())
    if not name:
        raise ValidationError({"participant_name": _("请填写学员姓名")})
    try:
        mobile = normalise_mobile(participant_mobile)
    except ValidationError as exc:
        raise ValidationError({"participant_mobile": exc.messages}) from None
    with serialised_writes(), transaction.atomic():
        course = TrainingCourse.objects.select_for_update().get(pk=course.pk)
        if course.status != CourseStatus.OPEN:
            raise ValidationError(_("该课程未开放报名"))
        active = course.registrations.filter(status=TrainingRegistrationStatus.REGISTERED)
        if active.filter(participant_mobile=mobile).exists():
            raise ValidationError({"participant_mobile": _("该手机号已报名此课程")})
        if active.count() >= course.capacity:
            raise ValidationError(_("课程名额已满"))
        registration = TrainingRegistration.objects.create(
            course=course, enterprise=enterprise, participant_name=name, participant_mobile=mobile, registered_by=actor
        )
        _audit(
            registration,
            actor,
            AuditAction.CREATE,
            course.park_id,
            {"course": course.pk, "enterprise": enterprise.pk if enterprise else None},
        )
    return registration


@transaction.atomic
def training_cancel(*, registration: TrainingRegistration, actor: User) -> TrainingRegistration:
    own = rights.tenant_enterprise(actor)
    if own is None or registration.enterprise_id != own.pk:
        rights.require_manage(actor, registration.course.park_id)
    registration = TrainingRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == TrainingRegistrationStatus.CANCELLED:
        return registration
    if registration.attended_at is not None:
        raise ValidationError(_("已签到，不能取消"))
    registration.status = TrainingRegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    _audit(
        registration, actor, AuditAction.UPDATE, registration.course.park_id, {"status": ["registered", "cancelled"]}
    )
    return registration


@transaction.atomic
def training_attendance(
    *, course: TrainingCourse, attended_ids: Iterable[int], actor: User, now: datetime.datetime | None = None
) -> int:
    """Record who came: the listed registrations are marked attended, the others not; returns how many came."""
    rights.require_manage(actor, course.park_id)
    now = now or timezone.now()
    wanted = set(attended_ids)
    registrations = list(course.registrations.select_for_update().filter(status=TrainingRegistrationStatus.REGISTERED))
    changed = []
    for registration in registrations:
        came = registration.pk in wanted
        if came != (registration.attended_at is not None):
            registration.attended_at = now if came else None
            changed.append(registration)
    TrainingRegistration.objects.bulk_update(changed, ["attended_at"])
    attended = sum(1 for r in registrations if r.attended_at is not None)
    if changed:
        _audit(
            course,
            actor,
            AuditAction.UPDATE,
            course.park_id,
            {"attendance": attended, "changed": [r.pk for r in changed]},
        )
    return attended
