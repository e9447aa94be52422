"""Incubation and enterprise services: programmes, applications and review, the incubation lifecycle,
the service desk with SLAs on Chinese working time, policy schemes and their applications, notifications.

What is stored and what is derived:
- `IncubationRecord.stage` and every `StageChange` are facts written by `services` (who, when, why).
  Whether a record is overdue (past its incubation period, RULES §13.1) and whether it is a graduation
  candidate (a criterion of RULES §13.2 met) are derived from dates, milestones and statistics by
  `lifecycle` and `selectors`, never typed in.
- `ServiceRequest.*_due_at` are computed once by `sla` from the offering's targets in working hours or
  working days on the Chinese calendar (`parkos.core.workdays`), and moved only when the clock pauses
  (waiting for the tenant) or the request is reopened. `resolution_seconds` — the working time from
  raising to resolving, less pauses — is stored at resolution so the SLA dashboard aggregates in SQL.
  The breach flags and `escalation_level` are written by the SLA sweep and at response/resolution.
- Eligibility for a scheme is never stored: `eligibility` evaluates `SchemeCriterion` rules over the
  facts ParkOS holds each time the scan runs; `SchemeApplication` tracks what was applied for and awarded.
- Risk scores (early warning) are computed by `risk` from signals; nothing of them is stored.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.core.uploads import CheckedFile, private_storage, random_name
from parkos.incubation import eligibility
from parkos.incubation.choices import (
    ApplicationSource,
    ApplicationStatus,
    AttachmentKind,
    CriterionOperator,
    DecisionOutcome,
    EligibilityFact,
    ExitReason,
    GraduationBasis,
    IncubationStage,
    NotificationKind,
    ProgrammeKind,
    ProviderKind,
    RequestChannel,
    RequestEventKind,
    RequestStatus,
    SchemeApplicationStatus,
    SchemeLevel,
    ServiceCategory,
    SlaUnit,
    Visibility,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal(0)
ACTIVE_STAGES = (IncubationStage.PRE_INCUBATION, IncubationStage.INCUBATING, IncubationStage.ACCELERATING)
OPEN_REQUEST_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.ASSIGNED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.WAITING_TENANT,
)

#: GB/T 4754-2017 code prefixes (digits) of the fields with a 60-month period (RULES §13.1): 医药制造 27,
#: 医疗仪器设备及器械制造 358, 集成电路制造 3973 and 设计 6520, 农业 01–05.
EXTENDED_PERIOD_PREFIXES = ("27", "358", "3973", "6520", "01", "02", "03", "04", "05")


def default_extended_prefixes() -> list[str]:
    return list(EXTENDED_PERIOD_PREFIXES)


def _user_fk(verbose: StrOrPromise, related_name: str = "+") -> Any:
    # SET_NULL: records outlive the login of whoever wrote them.
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
    )


def _wan(verbose: StrOrPromise) -> Any:
    return models.DecimalField(
        verbose, max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )


# --- Programmes --------------------------------------------------------------------------------------


class Programme(TimeStampedModel):
    """An incubation programme a park runs (众创空间, 孵化器 or 加速器) with its rules.

    The rules: the incubation period (48 months, 60 for the fields of `extended_industry_prefixes`,
    RULES §13.1), entry criteria checked at screening, which graduation criteria count (RULES §13.2),
    and the rent support that a lease of an admitted enterprise takes over (RULES §13.3).
    """

    # PROTECT: programmes are the history of a park's incubation; they are closed, never deleted.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=ProgrammeKind.choices, default=ProgrammeKind.INCUBATOR)
    description = models.TextField(_("简介"), blank=True, help_text=_("门户申请页面显示的介绍"))
    is_active = models.BooleanField(_("接受申请"), default=True)
    incubation_area_sqm = models.DecimalField(
        _("孵化场地面积（m²）"),
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("运营方可自主支配的孵化场地面积，用于孵化器统计"),
    )
    incubation_months = models.PositiveSmallIntegerField(
        _("孵化期（月）"), default=48, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    extended_months = models.PositiveSmallIntegerField(
        _("特定领域孵化期（月）"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("生物医药、集成电路、现代农业等领域"),
    )
    extended_industry_prefixes: models.JSONField[list[str]] = models.JSONField(
        _("特定领域行业代码前缀"),
        default=default_extended_prefixes,
        blank=True,
        help_text=_("GB/T 4754-2017 代码前缀，如 27、358"),
    )
    entry_max_age_years = models.PositiveSmallIntegerField(
        _("入孵时成立年限上限（年）"), null=True, blank=True, default=3, help_text=_("为空表示不限")
    )
    entry_industry_prefixes: models.JSONField[list[str]] = models.JSONField(
        _("准入行业代码前缀"), default=list, blank=True, help_text=_("为空表示不限")
    )
    entry_requires_ip = models.BooleanField(_("须拥有或获授权知识产权"), default=False)
    graduate_on_high_tech = models.BooleanField(_("认定为高新技术企业即可毕业"), default=True)
    graduate_on_revenue = models.BooleanField(_("连续两年营业收入累计达标即可毕业"), default=True)
    graduation_revenue_wan = models.DecimalField(
        _("两年累计营业收入标准（万元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(1000),
        validators=[MinValueValidator(ZERO)],
    )
    graduate_on_acquisition = models.BooleanField(_("被兼并收购即可毕业"), default=True)
    graduate_on_listing = models.BooleanField(_("上市或挂牌即可毕业"), default=True)
    rent_free_months = models.PositiveSmallIntegerField(
        _("入孵免租（月）"), default=0, help_text=_("自入孵之日起计，租赁合同自动适用")
    )
    rent_discount_rate = models.DecimalField(
        _("租金减免比例"),
        max_digits=5,
        decimal_places=4,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(1))],
        help_text=_("免租期之后减免的比例，如 0.5 表示减半"),
    )
    rent_discount_months = models.PositiveSmallIntegerField(_("租金减免期（月）"), default=0)
    created_by = _user_fk(_("创建人"))

    class Meta:
        verbose_name = _("孵化项目")
        verbose_name_plural = _("孵化项目")
        ordering = ["park_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "name"], name="programme_name_per_park", violation_error_message=_("园区内已有同名项目")
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("incubation:programme_detail", args=[self.pk])

    @property
    def graduation_bases(self) -> list[GraduationBasis]:
        """The graduation criteria this programme counts."""
        flags = (
            (self.graduate_on_high_tech, GraduationBasis.HIGH_TECH),
            (self.graduate_on_revenue, GraduationBasis.REVENUE),
            (self.graduate_on_acquisition, GraduationBasis.ACQUIRED),
            (self.graduate_on_listing, GraduationBasis.LISTED),
        )
        return [basis for on, basis in flags if on]

    def clean(self) -> None:
        for name in ("extended_industry_prefixes", "entry_industry_prefixes"):
            prefixes = getattr(self, name) or []
            if not isinstance(prefixes, list) or not all(isinstance(p, str) and p.isdigit() for p in prefixes):
                raise ValidationError({name: _("请填写数字代码前缀，如 27、358")})


class Intake(models.Model):
    """One intake (批次) of a programme, e.g. 2025年春季批: applications are made to it; a cohort by its year."""

    # CASCADE would take admitted enterprises' cohort with it: PROTECT.
    programme = models.ForeignKey(
        Programme, verbose_name=_("孵化项目"), on_delete=models.PROTECT, related_name="intakes"
    )
    name = models.CharField(_("批次名称"), max_length=60)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    opens_on = models.DateField(_("开始接受申请"))
    closes_on = models.DateField(_("截止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("入孵批次")
        verbose_name_plural = _("入孵批次")
        ordering = ["programme_id", "-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="intake_name_per_programme"),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="intake_dates_ordered",
                violation_error_message=_("截止日期不能早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)


class RubricCriterion(models.Model):
    """One criterion of a programme's review rubric (团队、技术、市场…), with its weight and top score."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("孵化项目"), on_delete=models.CASCADE, related_name="rubric"
    )
    name = models.CharField(_("评分项"), max_length=60)
    description = models.CharField(_("评分要点"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("权重"), max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.PositiveSmallIntegerField(
        _("满分"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评审评分项")
        verbose_name_plural = _("评审评分项")
        ordering = ["programme_id", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="rubric_criterion_once")]

    def __str__(self) -> str:
        return self.name


# --- Applications and review -------------------------------------------------------------------------


class Application(TimeStampedModel):
    """An application to join a programme, from the public portal or entered by staff.

    Holds what a startup tells about itself; contact name and mobile are personal data (masked for
    roles that do not need them). The enterprise is linked when it is admitted (or matched by credit
    code on entry). Status moves submitted → in review → admitted / rejected (or withdrawn).
    """

    # NULL until the row has its id (then RF-yyyy-id): NULLs never collide, so concurrent inserts cannot.
    reference = models.CharField(_("申请编号"), max_length=24, unique=True, null=True, blank=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("孵化项目"), on_delete=models.PROTECT, related_name="applications"
    )
    # Denormalised from the programme so lists scope by park without a join.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    intake = models.ForeignKey(
        Intake, verbose_name=_("批次"), on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED, editable=False
    )
    source = models.CharField(_("来源"), max_length=8, choices=ApplicationSource.choices, editable=False)
    company_name = models.CharField(_("企业（团队）名称"), max_length=200)
    company_registered = models.BooleanField(_("已注册公司"), default=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=5, blank=True, help_text=_("GB/T 4754-2017"))
    contact_name = models.CharField(_("联系人"), max_length=60)
    contact_mobile = models.CharField(_("手机"), max_length=16, help_text=_("+86 开头的国际格式"))
    contact_email = models.EmailField(_("邮箱"), blank=True)
    project_summary = models.TextField(_("项目简介"), help_text=_("产品或技术、目标市场、当前进展"))
    team_size = models.PositiveSmallIntegerField(_("团队人数"), default=1, validators=[MinValueValidator(1)])
    team_description = models.TextField(_("核心团队"), blank=True)
    ip_description = models.TextField(_("知识产权情况"), blank=True, help_text=_("专利、软著、授权许可等"))
    patents = models.PositiveSmallIntegerField(_("已申请专利数"), default=0)
    funding_raised_wan = _wan(_("已获融资（万元）"))
    funding_sought_wan = _wan(_("拟融资（万元）"))
    space_need_sqm = models.DecimalField(
        _("场地需求（m²）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    consent_at = models.DateTimeField(_("同意个人信息处理时间"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incubation_applications",
        editable=False,
    )
    meeting = models.ForeignKey(
        "ReviewMeeting",
        verbose_name=_("决策会议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        editable=False,
    )
    decision = models.CharField(
        _("决策结果"), max_length=8, choices=DecisionOutcome.choices, blank=True, editable=False
    )
    decision_note = models.CharField(_("决策说明"), max_length=500, blank=True, editable=False)
    decided_at = models.DateTimeField(_("决策时间"), null=True, blank=True, editable=False)
    created_by = _user_fk(_("录入人"))

    class Meta:
        verbose_name = _("入孵申请")
        verbose_name_plural = _("入孵申请")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            # The application list of a park by status, newest first.
            models.Index(fields=["park", "status", "-submitted_at"], name="application_park_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.company_name}"

    def get_absolute_url(self) -> str:
        return reverse("incubation:application_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)


class PrivateDocument(models.Model):
    """Abstract: what is kept of an uploaded document besides the file (which each model places itself)."""

    file: Any  # each concrete model declares its FileField (its own folder)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = _user_fk(_("上传人"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def store(self, upload: Any, checked: CheckedFile) -> None:
        """Keep a checked upload: its facts, and the file under a random name (then save the row)."""
        self.original_name, self.content_type = checked.original_name, checked.kind.content_type
        self.size, self.sha256 = checked.size, checked.sha256
        self.file.save(random_name(checked), upload, save=False)
        self.save()


class ApplicationAttachment(PrivateDocument):
    """A document of an application (business plan PDF, IP certificates…), kept in private storage.

    Checked by content on upload (`parkos.core.uploads`), stored under a random name, served only to
    staff of the application's park as a download.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("材料类型"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to="incubation/applications/%Y/%m/")

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["application_id", "kind", "pk"]


class ReviewMeeting(TimeStampedModel):
    """A decision meeting (评审决策会) of a programme: when, who attended, the minutes; decisions point at it."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("孵化项目"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("会议日期"))
    title = models.CharField(_("会议名称"), max_length=100)
    attendees = models.CharField(_("参会人员"), max_length=500, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = _user_fk(_("记录人"))

    class Meta:
        verbose_name = _("评审决策会议")
        verbose_name_plural = _("评审决策会议")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Review(models.Model):
    """One reviewer's independent review of an application: scores per rubric criterion and a comment.

    A reviewer with a conflict of interest declares it and does not score; the review then counts for
    nothing in the aggregate (`rubric.aggregate`). Reviewers see only their own review until they submit.
    """

    application = models.ForeignKey(
        Application, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="reviews"
    )
    # PROTECT: a reviewer's scores are part of the decision's record.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评审人"), on_delete=models.PROTECT, related_name="incubation_reviews"
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    assigned_by = _user_fk(_("分配人"))
    conflict_declared = models.BooleanField(_("申报利益冲突"), default=False)
    conflict_note = models.CharField(_("利益冲突说明"), max_length=300, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    recommendation = models.CharField(_("建议"), max_length=8, choices=DecisionOutcome.choices, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审")
        verbose_name_plural = _("评审")
        ordering = ["application_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_once_per_reviewer",
                violation_error_message=_("该评审人已分配"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.reviewer}"


class ReviewScore(models.Model):
    """A reviewer's score on one rubric criterion (0 to the criterion's top score)."""

    review = models.ForeignKey(Review, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        RubricCriterion, verbose_name=_("评分项"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(ZERO)])

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="review_score_once")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


# --- The incubation lifecycle ------------------------------------------------------------------------


class IncubationRecord(TimeStampedModel):
    """An enterprise's time in a programme: admitted on a date, its stage, its period and how it ended.

    `period_months` and `due_on` are fixed at admission from the programme's rules and the
    enterprise's industry (RULES §13.1). Stage changes are written only by `services`, each with a
    `StageChange` row.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("孵化项目"), on_delete=models.PROTECT, related_name="records"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    # PROTECT: incubation history outlives any attempt to delete the enterprise (they are merged instead).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="incubations"
    )
    intake = models.ForeignKey(
        Intake, verbose_name=_("批次"), on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("入孵申请"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="record",
    )
    stage = models.CharField(_("阶段"), max_length=16, choices=IncubationStage.choices, editable=False)
    stage_since = models.DateField(_("进入当前阶段日期"), editable=False)
    admitted_on = models.DateField(_("入孵日期"))
    period_months = models.PositiveSmallIntegerField(_("孵化期（月）"), editable=False)
    due_on = models.DateField(_("孵化期满日期"), editable=False)
    graduated_on = models.DateField(_("毕业日期"), null=True, blank=True, editable=False)
    graduation_basis = models.CharField(
        _("毕业依据"), max_length=12, choices=GraduationBasis.choices, blank=True, editable=False
    )
    exited_on = models.DateField(_("退出日期"), null=True, blank=True, editable=False)
    exit_reason = models.CharField(_("退出原因"), max_length=20, choices=ExitReason.choices, blank=True, editable=False)
    exit_note = models.CharField(_("退出说明"), max_length=300, blank=True, editable=False)
    mentor = _user_fk(_("创业导师/服务专员"), related_name="mentored_incubations")

    class Meta:
        verbose_name = _("在孵企业档案")
        verbose_name_plural = _("在孵企业档案")
        ordering = ["park_id", "-admitted_on", "pk"]
        constraints = [
            # One running record per enterprise and park: a second programme starts after the first ends.
            models.UniqueConstraint(
                fields=["park", "enterprise"],
                condition=Q(stage__in=ACTIVE_STAGES),
                name="incubation_one_active_per_park",
                violation_error_message=_("该企业在本园区已有进行中的孵化记录"),
            ),
            models.CheckConstraint(
                condition=~Q(stage=IncubationStage.GRADUATED) | Q(graduated_on__isnull=False),
                name="incubation_graduated_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage=IncubationStage.EXITED) | Q(exited_on__isnull=False),
                name="incubation_exited_has_date",
            ),
        ]
        indexes = [
            # Lists and statistics of a park by stage; cohort views by programme.
            models.Index(fields=["park", "stage"], name="incubation_park_stage_idx"),
            models.Index(fields=["programme", "admitted_on"], name="incubation_programme_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("incubation:record_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.stage in ACTIVE_STAGES

    def ended_on(self) -> datetime.date | None:
        return self.graduated_on or self.exited_on


class StageChange(models.Model):
    """One dated step of an incubation record (admitted, 在孵 → 加速, graduated, exited), with who and why."""

    record = models.ForeignKey(
        IncubationRecord, verbose_name=_("孵化记录"), on_delete=models.CASCADE, related_name="changes"
    )
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=IncubationStage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=IncubationStage.choices)
    on = models.DateField(_("日期"))
    actor = _user_fk(_("操作人"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["record_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage} {self.on}"


class AnnualReturn(TimeStampedModel):
    """What an incubated enterprise reports once a year for the Torch statistics and ParkOS does not hold
    otherwise: college-educated staff, returnees, IP held, financing received (RULES §13.4)."""

    record = models.ForeignKey(
        IncubationRecord, verbose_name=_("孵化记录"), on_delete=models.CASCADE, related_name="annual_returns"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    employees = models.PositiveIntegerField(_("年末从业人员（人）"), null=True, blank=True)
    college_educated = models.PositiveIntegerField(_("其中：大专以上学历（人）"), null=True, blank=True)
    returnees = models.PositiveIntegerField(_("其中：留学归国人员（人）"), null=True, blank=True)
    patent_applications = models.PositiveIntegerField(_("当年专利申请数"), null=True, blank=True)
    patents_granted = models.PositiveIntegerField(_("当年专利授权数"), null=True, blank=True)
    invention_patents_held = models.PositiveIntegerField(_("有效发明专利数"), null=True, blank=True)
    ip_held = models.PositiveIntegerField(_("拥有有效知识产权数"), null=True, blank=True)
    financing_wan = _wan(_("当年获得投融资（万元）"))
    submitted_by = _user_fk(_("填报人"))

    class Meta:
        verbose_name = _("在孵企业年度补充数据")
        verbose_name_plural = _("在孵企业年度补充数据")
        ordering = ["record_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["record", "year"], name="annual_return_once_per_year")]

    def __str__(self) -> str:
        return f"{self.record_id} {self.year}"

    def clean(self) -> None:
        if self.employees is not None:
            for name in ("college_educated", "returnees"):
                value = getattr(self, name)
                if value is not None and value > self.employees:
                    raise ValidationError({name: _("不能超过年末从业人员数")})


# --- The service desk ----------------------------------------------------------------------------------


class ServiceProvider(TimeStampedModel):
    """Who delivers services of a park: the operator's own team or a partner firm (law, IP, testing…).

    `members` are the staff who take requests for it; `manager` is whom a breached SLA escalates to.
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=ProviderKind.choices, default=ProviderKind.INTERNAL)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    manager = _user_fk(_("负责人（超时升级对象）"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("受理人员"), blank=True, related_name="service_providers"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务提供方")
        verbose_name_plural = _("服务提供方")
        ordering = ["park_id", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="provider_name_per_park")]

    def __str__(self) -> str:
        return self.name


class ServiceOffering(TimeStampedModel):
    """A service in a park's catalogue, with its provider and SLA: response and resolution targets in
    working hours or working days on the Chinese calendar (RULES §13.6), and a price if it is charged."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("服务类别"), max_length=16, choices=ServiceCategory.choices)
    name = models.CharField(_("服务名称"), max_length=100)
    description = models.TextField(_("服务说明"), blank=True)
    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("服务提供方"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offerings",
    )
    response_target = models.PositiveSmallIntegerField(_("响应时限"), default=4, validators=[MinValueValidator(1)])
    response_unit = models.CharField(_("响应时限单位"), max_length=8, choices=SlaUnit.choices, default=SlaUnit.HOURS)
    resolution_target = models.PositiveSmallIntegerField(_("解决时限"), default=5, validators=[MinValueValidator(1)])
    resolution_unit = models.CharField(_("解决时限单位"), max_length=8, choices=SlaUnit.choices, default=SlaUnit.DAYS)
    unit_price = models.DecimalField(
        _("收费单价（元，含税）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("免费服务留空"),
    )
    price_unit = models.CharField(_("计价单位"), max_length=12, blank=True, default="次")
    is_active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["park_id", "position", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="offering_name_per_park")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_charged(self) -> bool:
        return self.unit_price is not None and self.unit_price > 0


class AssignmentRule(TimeStampedModel):
    """Who gets a new request of a park: by service or category, first matching rule by priority.

    Without a matching rule the request goes to the member of the offering's provider with the fewest
    open requests; with no member it waits unassigned (待分派) for the service desk.
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.CASCADE, related_name="+")
    offering = models.ForeignKey(
        ServiceOffering, verbose_name=_("服务项目"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.CharField(_("服务类别"), max_length=16, choices=ServiceCategory.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("受理人"), on_delete=models.CASCADE, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小者优先"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务分派规则")
        verbose_name_plural = _("服务分派规则")
        ordering = ["park_id", "priority", "pk"]

    def __str__(self) -> str:
        return f"{self.offering or self.get_category_display() or '*'} → {self.assignee}"


class ServiceRequest(TimeStampedModel):
    """A request for a service by a tenant (or raised for it by staff), with its SLA clock and outcome."""

    # NULL until the row has its id (then FW-yyyymm-id): NULLs never collide, so concurrent inserts cannot.
    reference = models.CharField(_("服务单号"), max_length=24, unique=True, null=True, blank=True)
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    # PROTECT: a request is the history of the service given to an enterprise.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="service_requests"
    )
    offering = models.ForeignKey(
        ServiceOffering, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="requests"
    )
    provider = models.ForeignKey(
        ServiceProvider,
        verbose_name=_("服务提供方"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    assignee = _user_fk(_("受理人"), related_name="assigned_service_requests")
    subject = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("需求描述"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.NEW, editable=False
    )
    channel = models.CharField(_("提交渠道"), max_length=8, choices=RequestChannel.choices, editable=False)
    raised_by = _user_fk(_("提交人"))
    raised_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)
    response_due_at = models.DateTimeField(_("响应时限"), editable=False)
    resolution_due_at = models.DateTimeField(_("解决时限"), editable=False)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True, editable=False)
    paused_at = models.DateTimeField(_("暂停计时时间"), null=True, blank=True, editable=False)
    paused_seconds = models.PositiveIntegerField(_("累计暂停工作时长（秒）"), default=0, editable=False)
    resolution_seconds = models.PositiveIntegerField(
        _("解决用时（工作秒）"), null=True, blank=True, editable=False, help_text=_("提交至解决的工作时长，不含暂停")
    )
    response_breached = models.BooleanField(_("响应超时"), default=False, editable=False)
    resolution_breached = models.BooleanField(_("解决超时"), default=False, editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("重新打开次数"), default=0, editable=False)
    rating = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)], editable=False
    )
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True, editable=False)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True, editable=False)
    quantity = models.DecimalField(
        _("计费数量"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("收费服务解决时填写"),
    )

    class Meta:
        verbose_name = _("服务申请")
        verbose_name_plural = _("服务申请")
        ordering = ["-raised_at", "-pk"]
        indexes = [
            # The desk's list of a park by status, and the tenant's own list.
            models.Index(fields=["park", "status", "-raised_at"], name="request_park_status_idx"),
            models.Index(fields=["enterprise", "-raised_at"], name="request_enterprise_idx"),
            # The SLA sweep: open requests whose response or resolution falls due.
            models.Index(fields=["status", "resolution_due_at"], name="request_status_due_idx"),
            # The SLA dashboard groups a park's requests of a period by service and provider.
            models.Index(fields=["park", "raised_at", "offering", "provider"], name="request_dashboard_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("incubation:request_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class ServiceMessage(models.Model):
    """One entry of a request's thread: a message the tenant sees, or an internal note it never sees."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("服务申请"), on_delete=models.CASCADE, related_name="messages"
    )
    author = _user_fk(_("作者"))
    visibility = models.CharField(_("可见范围"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    from_tenant = models.BooleanField(_("企业留言"), default=False)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务沟通记录")
        verbose_name_plural = _("服务沟通记录")
        ordering = ["request_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]


class ServiceAttachment(PrivateDocument):
    """A file attached to a request (by the tenant or staff), private storage; internal ones staff only."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("服务申请"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        ServiceMessage,
        verbose_name=_("沟通记录"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    visibility = models.CharField(_("可见范围"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    file = models.FileField(_("文件"), storage=private_storage, upload_to="incubation/requests/%Y/%m/")

    class Meta:
        verbose_name = _("服务附件")
        verbose_name_plural = _("服务附件")
        ordering = ["request_id", "pk"]


class ServiceEvent(models.Model):
    """One step in a request's history (assigned, responded, breached, escalated, resolved, reopened…)."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("服务申请"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事件"), max_length=20, choices=RequestEventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = _user_fk(_("操作人"))
    from_status = models.CharField(_("原状态"), max_length=16, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=RequestStatus.choices, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("服务事件")
        verbose_name_plural = _("服务事件")
        ordering = ["request_id", "at", "pk"]
        # Early warning counts a park's escalations of the last months.
        indexes = [models.Index(fields=["kind", "at"], name="request_event_kind_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message for one person in ParkOS (and by e-mail when they have an address): an escalation, an
    assignment, a reply to a tenant, the weekly early-warning list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="incubation_notifications",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices)
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_to = models.EmailField(_("已发送邮件至"), blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        # The bell and the dashboard read a person's unread notifications.
        indexes = [models.Index(fields=["user", "read_at"], name="incubation_notif_unread_idx")]

    def __str__(self) -> str:
        return self.text


# --- Policy schemes and eligibility ------------------------------------------------------------------


class Scheme(TimeStampedModel):
    """A policy or subsidy scheme (国家/市/区/园区) with its application window and documents.

    Criteria (`SchemeCriterion`) are rules over facts ParkOS holds; the eligibility scan evaluates them.
    A scheme without a park applies to every park (only operator admins change those).
    """

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("政策名称"), max_length=150)
    level = models.CharField(_("层级"), max_length=12, choices=SchemeLevel.choices)
    issuer = models.CharField(_("发布部门"), max_length=100, blank=True)
    document_ref = models.CharField(_("文号"), max_length=100, blank=True)
    url = models.URLField(_("政策原文链接"), blank=True)
    summary = models.TextField(_("政策要点"), blank=True)
    benefit = models.CharField(_("支持内容"), max_length=200, blank=True, help_text=_("如 一次性奖励20万元"))
    max_award_wan = _wan(_("最高支持金额（万元）"))
    opens_on = models.DateField(_("申报开始"), null=True, blank=True)
    closes_on = models.DateField(_("申报截止"), null=True, blank=True)
    documents = models.TextField(_("申报材料"), blank=True, help_text=_("每行一项"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("政策项目")
        verbose_name_plural = _("政策项目")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="scheme_window_ordered",
                violation_error_message=_("申报截止不能早于申报开始"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("incubation:scheme_detail", args=[self.pk])

    def window_open_on(self, day: datetime.date) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and (self.closes_on is None or day <= self.closes_on)

    @property
    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class SchemeCriterion(models.Model):
    """One rule of a scheme: a fact, an operator and a value, e.g. R&D intensity ≥ 3, industry in 27/358."""

    scheme = models.ForeignKey(Scheme, verbose_name=_("政策项目"), on_delete=models.CASCADE, related_name="criteria")
    fact = models.CharField(_("条件"), max_length=16, choices=EligibilityFact.choices)
    operator = models.CharField(_("比较"), max_length=8, choices=CriterionOperator.choices)
    value = models.CharField(_("取值"), max_length=200, blank=True, help_text=_("数值，或以逗号分隔的代码/阶段"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("政策条件")
        verbose_name_plural = _("政策条件")
        ordering = ["scheme_id", "position", "pk"]

    def __str__(self) -> str:
        return eligibility.describe(self.fact, self.operator, self.value)

    def clean(self) -> None:
        # The engine owns the grammar; the model only asks it (no rule stated twice).
        problem = eligibility.criterion_problem(self.fact, self.operator, self.value)
        if problem:
            raise ValidationError({"value": problem})


class SchemeApplication(TimeStampedModel):
    """An enterprise's application for a scheme, tracked from planning to award; awarded amounts are KPIs."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("政策项目"), on_delete=models.PROTECT, related_name="applications"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="scheme_applications"
    )
    year = models.PositiveSmallIntegerField(
        _("申报年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=SchemeApplicationStatus.choices, default=SchemeApplicationStatus.PLANNED
    )
    submitted_on = models.DateField(_("申报日期"), null=True, blank=True)
    approved_on = models.DateField(_("获批日期"), null=True, blank=True)
    awarded_on = models.DateField(_("兑现日期"), null=True, blank=True)
    amount_requested = models.DecimalField(
        _("申请金额（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    amount_awarded = models.DecimalField(
        _("兑现金额（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = _user_fk(_("经办人"))

    class Meta:
        verbose_name = _("政策申报")
        verbose_name_plural = _("政策申报")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "enterprise", "year"],
                name="scheme_application_once_a_year",
                violation_error_message=_("该企业本年度已申报此政策"),
            ),
            models.CheckConstraint(
                condition=~Q(status=SchemeApplicationStatus.AWARDED)
                | (Q(amount_awarded__isnull=False) & Q(awarded_on__isnull=False)),
                name="scheme_awarded_has_amount_and_date",
                violation_error_message=_("已兑现的申报须填写兑现金额和日期"),
            ),
        ]
        # Awarded amounts of a park and year (the KPI).
        indexes = [models.Index(fields=["park", "status", "awarded_on"], name="scheme_app_park_award_idx")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.enterprise_id} · {self.year}"

    def clean(self) -> None:
        if self.status == SchemeApplicationStatus.AWARDED and (self.amount_awarded is None or self.awarded_on is None):
            raise ValidationError(_("已兑现的申报须填写兑现金额和日期"))
