"""Jobs, recruitment fairs and training courses.

Enterprises post vacancies, staff approve them, and the approved ones appear on the public job board.
An applicant's data is only what they consent to send (name, mobile, optional email and a short
message); it is shown to the posting enterprise, not to park staff, and erased after the retention
period (`manage.py community_housekeeping`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.community.choices import (
    CourseStatus,
    Degree,
    FairStatus,
    JobStatus,
    TalentField,
    TrainingRegistrationStatus,
)
from parkos.community.personal import mask_name, masked_mobile
from parkos.core.models import TimeStampedModel


class JobPostingQuerySet(models.QuerySet["JobPosting"]):
    def public(self, today: datetime.date) -> JobPostingQuerySet:
        """Approved postings that have not closed: what the public job board shows."""
        return self.filter(status=JobStatus.APPROVED).filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))


class JobPosting(TimeStampedModel):
    """A vacancy an enterprise in the park posts; public once staff approve it."""

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="job_postings"
    )
    # PROTECT: enterprises are merged, never deleted.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("招聘企业"), on_delete=models.PROTECT, related_name="job_postings"
    )
    title = models.CharField(_("职位名称"), max_length=80)
    field = models.CharField(_("专业领域"), max_length=24, choices=TalentField.choices)
    degree = models.CharField(_("学历要求"), max_length=12, choices=Degree.choices, default=Degree.BACHELOR)
    min_experience_years = models.PositiveSmallIntegerField(_("工作经验（年）"), default=0)
    headcount = models.PositiveSmallIntegerField(_("招聘人数"), default=1, validators=[MinValueValidator(1)])
    salary_min = models.PositiveIntegerField(_("月薪下限（元）"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("月薪上限（元）"), null=True, blank=True)
    location = models.CharField(_("工作地点"), max_length=100, blank=True)
    description = models.TextField(_("职位描述"))
    closes_on = models.DateField(_("截止日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    rejection_reason = models.CharField(_("退回原因"), max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = JobPostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("招聘职位")
        verbose_name_plural = _("招聘职位")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_max__gte=models.F("salary_min")),
                name="job_salary_ordered",
                violation_error_message=_("月薪上限不能低于下限"),
            )
        ]
        indexes = [
            # The public board: approved postings by park and field, newest first.
            models.Index(fields=["status", "park", "field"], name="job_board_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("community:job_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("community_public:job_detail", args=[self.pk])


class JobApplication(models.Model):
    """What an applicant chose to send for a vacancy, with the moment they consented. Erased after retention."""

    # CASCADE: an application belongs to its posting; postings are closed, not deleted.
    job = models.ForeignKey(JobPosting, verbose_name=_("职位"), on_delete=models.CASCADE, related_name="applications")
    name = models.CharField(_("姓名"), max_length=60)
    mobile = models.CharField(_("手机"), max_length=16)
    email = models.EmailField(_("邮箱"), blank=True)
    message = models.TextField(_("自我介绍"), max_length=1000, blank=True)
    consent_at = models.DateTimeField(_("同意时间"))
    created_at = models.DateTimeField(_("投递时间"), auto_now_add=True)
    erased_at = models.DateTimeField(_("删除个人信息时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("职位申请")
        verbose_name_plural = _("职位申请")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One application per person and vacancy: a repeat from the same mobile updates it.
            models.UniqueConstraint(
                fields=["job", "mobile"], condition=Q(erased_at__isnull=True), name="job_application_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} · {mask_name(self.name)}"

    @property
    def mobile_masked(self) -> str:
        return masked_mobile(self.mobile)


class RecruitmentFair(TimeStampedModel):
    """A recruitment fair (招聘会) in the park, with booths of participating enterprises."""

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="recruitment_fairs"
    )
    title = models.CharField(_("名称"), max_length=120)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=120)
    description = models.TextField(_("简介"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=FairStatus.choices, default=FairStatus.DRAFT, editable=False
    )

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="fair_times_ordered",
                violation_error_message=_("结束时间须晚于开始时间"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:fair_detail", args=[self.pk])


class FairBooth(models.Model):
    """One enterprise's booth at a fair, and the positions it recruits for there."""

    fair = models.ForeignKey(RecruitmentFair, verbose_name=_("招聘会"), on_delete=models.CASCADE, related_name="booths")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("参会企业"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("展位号"), max_length=12)
    jobs = models.ManyToManyField(JobPosting, verbose_name=_("招聘职位"), blank=True, related_name="booths")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("招聘会展位")
        verbose_name_plural = _("招聘会展位")
        ordering = ["fair", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fair", "number"], name="fair_booth_number_unique", violation_error_message=_("展位号已被占用")
            ),
            models.UniqueConstraint(
                fields=["fair", "enterprise"],
                name="fair_booth_enterprise_once",
                violation_error_message=_("该企业已有展位"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fair} · {self.number}"


class TrainingCourse(TimeStampedModel):
    """A training course (培训) for people of the park's enterprises, with a capacity and attendance."""

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="training_courses"
    )
    title = models.CharField(_("课程名称"), max_length=120)
    provider = models.CharField(_("主讲/承办"), max_length=120, blank=True)
    field = models.CharField(_("专业领域"), max_length=24, choices=TalentField.choices)
    description = models.TextField(_("课程介绍"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=120)
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=Decimal(0))
    fee = models.DecimalField(
        _("费用（元/人）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=CourseStatus.choices, default=CourseStatus.DRAFT, editable=False
    )

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="course_times_ordered",
                violation_error_message=_("结束时间须晚于开始时间"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:course_detail", args=[self.pk])


class TrainingRegistration(TimeStampedModel):
    """One participant registered for a course (by staff or by their enterprise), and whether they came."""

    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="registrations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所在企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    participant_name = models.CharField(_("学员姓名"), max_length=60)
    participant_mobile = models.CharField(_("手机"), max_length=16)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=TrainingRegistrationStatus.choices,
        default=TrainingRegistrationStatus.REGISTERED,
        editable=False,
    )
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        ordering = ["course", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "participant_mobile"],
                condition=Q(status=TrainingRegistrationStatus.REGISTERED),
                name="training_registration_once",
                violation_error_message=_("该手机号已报名此课程"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} · {mask_name(self.participant_name)}"

    @property
    def name_masked(self) -> str:
        return mask_name(self.participant_name)

    @property
    def mobile_masked(self) -> str:
        return masked_mobile(self.participant_mobile)
