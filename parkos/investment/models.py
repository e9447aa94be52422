"""Investment promotion (招商): leads, their structured requirements, the pipeline and activities.

A lead is one prospect's interest in space, from the first call or portal submission to signing.
It belongs to the park whose officers pursue it (`Lead.park`, the unit of access), links to the
Enterprise in the shared pool when the company is known, and carries one Requirement that the
matching engine (`parkos.investment.matching`) ranks every available unit and parcel against.
Stage changes and activities are rows, never overwritten, so the funnel and time-in-stage are
computed from history.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.core.units import format_area
from parkos.investment.choices import (
    OPEN_STAGES,
    STAGE_PROBABILITY,
    ActivityKind,
    AreaUnit,
    EiaCategory,
    FireClassSource,
    FloorPreference,
    LeadSource,
    LeadStage,
    NotificationKind,
    SpaceKind,
    Tenure,
)
from parkos.parks.choices import CleanroomGrade, FireHazardClass

ZERO = Decimal(0)


class LeadQuerySet(models.QuerySet["Lead"]):
    def open(self) -> LeadQuerySet:
        """Leads still being worked: not signed, settled or lost."""
        return self.filter(stage__in=sorted(OPEN_STAGES))


class Lead(TimeStampedModel):
    """A prospect's interest in space: who, from where, which officer pursues it, and how far it got."""

    # PROTECT: a park with leads is archived, not deleted. NULL until assignment picks a park.
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("负责园区"), on_delete=models.PROTECT, related_name="leads", null=True, blank=True
    )
    # PROTECT: enterprises are merged, never deleted; a lead keeps pointing at the survivor.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="leads",
        null=True,
        blank=True,
    )
    # SET_NULL: erasing or merging a contact must not delete the lead.
    contact = models.ForeignKey(
        "enterprises.Contact",
        verbose_name=_("联系人"),
        on_delete=models.SET_NULL,
        related_name="leads",
        null=True,
        blank=True,
    )
    company_name = models.CharField(_("企业名称"), max_length=200, help_text=_("尚未入企业库时填写名称"))
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    # Personal data: shown masked without VIEW_CONTACT_DETAILS. Portal dedup looks leads up by it.
    contact_mobile = models.CharField(_("手机"), max_length=16, blank=True, db_index=True)
    source = models.CharField(_("来源"), max_length=24, choices=LeadSource.choices, default=LeadSource.PHONE)
    # SET_NULL: an officer who leaves keeps no lead hostage; the board shows it unassigned.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("招商经理"),
        on_delete=models.SET_NULL,
        related_name="investment_leads",
        null=True,
        blank=True,
    )
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    stage = models.CharField(_("阶段"), max_length=16, choices=LeadStage.choices, default=LeadStage.NEW)
    stage_changed_at = models.DateTimeField(_("进入本阶段时间"), null=True, blank=True)
    expected_signing_on = models.DateField(_("预计签约日期"), null=True, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("成交概率（%）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("为空时按阶段默认值"),
    )
    lost_reason = models.CharField(_("流失原因"), max_length=300, blank=True)
    description = models.TextField(_("需求描述"), blank=True)
    consent_at = models.DateTimeField(_("同意个人信息处理时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商线索")
        verbose_name_plural = _("招商线索")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage=LeadStage.LOST) | ~Q(lost_reason=""),
                name="lead_lost_needs_reason",
                violation_error_message=_("流失的线索须填写流失原因"),
            ),
        ]
        indexes = [
            # The board and the list: one park's leads by stage.
            models.Index(fields=["park", "stage"], name="lead_park_stage_idx"),
            # "My leads": an officer's pipeline.
            models.Index(fields=["officer", "stage"], name="lead_officer_stage_idx"),
        ]

    def __str__(self) -> str:
        return self.company_name

    def get_absolute_url(self) -> str:
        return reverse("investment:lead_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def effective_probability(self) -> int:

        return self.probability if self.probability is not None else STAGE_PROBABILITY.get(self.stage, 0)


class Requirement(TimeStampedModel):
    """What a lead needs, structured so the matching engine can test every unit and parcel against it."""

    # CASCADE: a requirement is part of its lead.
    lead = models.OneToOneField(Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="requirement")
    space_kind = models.CharField(_("空间类型"), max_length=16, choices=SpaceKind.choices, default=SpaceKind.FACTORY)
    tenure = models.CharField(_("租购方式"), max_length=8, choices=Tenure.choices, default=Tenure.LEASE)
    area_unit = models.CharField(
        _("面积单位"),
        max_length=4,
        choices=AreaUnit.choices,
        default=AreaUnit.SQM,
        help_text=_("仅影响显示，面积以m²存储"),
    )
    area_min_sqm = models.DecimalField(
        _("面积下限（m²）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    area_max_sqm = models.DecimalField(
        _("面积上限（m²）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    industry_code = models.CharField(_("用途（行业代码）"), max_length=5, blank=True, help_text=_("GB/T 4754-2017"))
    # Set when a typed or imported code of the 2011 edition was mapped to 2017; shown to the officer.
    industry_code_note = models.CharField(_("行业代码说明"), max_length=200, blank=True)
    floor_preference = models.CharField(
        _("楼层要求"), max_length=8, choices=FloorPreference.choices, blank=True, default=FloorPreference.ANY
    )
    storage_fire_class = models.CharField(
        _("储存物品火灾危险性类别"),
        max_length=4,
        choices=FireHazardClass.choices,
        blank=True,
        help_text=_("仓储需求按 GB 50016 表3.1.3 填写储存物品的类别"),
    )
    cold_storage_temp_c = models.DecimalField(
        _("冷库温度要求（℃）"), max_digits=4, decimal_places=1, null=True, blank=True, help_text=_("如 -18、2")
    )
    fire_class = models.CharField(_("生产火灾危险性类别"), max_length=4, choices=FireHazardClass.choices, blank=True)
    fire_class_source = models.CharField(
        _("类别来源"), max_length=8, choices=FireClassSource.choices, blank=True, default=FireClassSource.UNKNOWN
    )
    # [{"kind": ProcessKind, "name": str, "flash_point_c": "13", "lel_percent": null, "share": "1", ...}]
    processes = models.JSONField(_("申报工艺"), default=list, blank=True)
    fire_class_reasons = models.JSONField(_("类别推定依据"), default=list, blank=True)
    cleanroom_grade = models.CharField(
        _("洁净要求"), max_length=1, choices=CleanroomGrade.choices, blank=True, default=CleanroomGrade.NONE
    )
    min_floor_load_kn_m2 = models.DecimalField(
        _("楼面荷载不低于（kN/m²）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    min_clear_height_m = models.DecimalField(
        _("净高不低于（m）"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    min_power_kva = models.PositiveIntegerField(_("用电不低于（kVA）"), null=True, blank=True)
    min_lift_t = models.DecimalField(_("货梯不低于（t）"), max_digits=5, decimal_places=1, null=True, blank=True)
    min_crane_t = models.DecimalField(_("行车不低于（t）"), max_digits=5, decimal_places=1, null=True, blank=True)
    needs_wastewater_pretreatment = models.BooleanField(_("需污水预处理"), default=False)
    eia_category = models.CharField(
        _("环评类别"), max_length=16, choices=EiaCategory.choices, blank=True, default=EiaCategory.UNKNOWN
    )
    budget_rent_yuan_per_sqm_month = models.DecimalField(
        _("租金预算（元/m²·月）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    budget_price_yuan_per_sqm = models.DecimalField(
        _("购买预算（元/m²）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    budget_land_wan_per_mu = models.DecimalField(
        _("土地预算（万元/亩）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    preferred_cities = models.JSONField(_("意向城市"), default=list, blank=True)
    preferred_parks = models.ManyToManyField(
        "parks.Park", verbose_name=_("意向园区"), blank=True, related_name="preferred_by_requirements"
    )
    move_in_on = models.DateField(_("计划入驻日期"), null=True, blank=True)
    expected_annual_tax_wan = models.DecimalField(
        _("预计年税收（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    investment_wan = models.DecimalField(
        _("计划投资额（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    jobs = models.PositiveIntegerField(_("预计用工（人）"), null=True, blank=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        constraints = [
            models.CheckConstraint(
                condition=Q(area_min_sqm__isnull=True)
                | Q(area_max_sqm__isnull=True)
                | Q(area_min_sqm__lte=models.F("area_max_sqm")),
                name="requirement_area_range_ordered",
                violation_error_message=_("面积下限不能大于上限"),
            ),
        ]
        indexes = [
            # Reverse matching: open requirements whose area range contains a new space.
            models.Index(fields=["area_min_sqm", "area_max_sqm"], name="requirement_area_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.get_space_kind_display()} {self.area_display}"

    @property
    def area_display(self) -> str:
        low, high = self.area_min_sqm, self.area_max_sqm
        with_mu = self.area_unit == AreaUnit.MU or self.space_kind == SpaceKind.LAND
        if low is None and high is None:
            return "—"
        if low is not None and high is not None:
            return f"{format_area(low, with_mu=with_mu)} – {format_area(high, with_mu=with_mu)}"
        return (
            f"≥ {format_area(low, with_mu=with_mu)}" if low is not None else f"≤ {format_area(high, with_mu=with_mu)}"
        )


class StageChange(models.Model):
    """One move of a lead along the pipeline: who moved it, from where to where, and when."""

    # CASCADE: the history is part of its lead.
    lead = models.ForeignKey(Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=LeadStage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # True when the system moved the lead (a contract signed); `actor` is then the signer.
    by_system = models.BooleanField(_("系统变更"), default=False)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["lead", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_stage or '∅'} → {self.to_stage}"


class Activity(TimeStampedModel):
    """A call, site visit, meeting or note on a lead, with an optional next step and its reminder date."""

    lead = models.ForeignKey(Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="activities")
    # The enterprise timeline reads activities by enterprise without joining leads.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="investment_activities",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.NOTE)
    occurred_at = models.DateTimeField(_("发生时间"))
    summary = models.TextField(_("内容"))
    units = models.ManyToManyField("parks.Unit", verbose_name=_("带看单元"), blank=True, related_name="+")
    parcels = models.ManyToManyField("parks.LandParcel", verbose_name=_("带看地块"), blank=True, related_name="+")
    next_step = models.CharField(_("下一步"), max_length=200, blank=True)
    next_step_on = models.DateField(
        _("提醒日期"), null=True, blank=True, help_text=_("遇法定节假日顺延至下一个工作日（含调休上班日）")
    )
    next_step_done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # Reminders due: open next steps by date.
            models.Index(fields=["next_step_on"], name="activity_next_step_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class AssignmentRule(TimeStampedModel):
    """Who gets a new lead: by park and/or industry-code prefix, first matching rule by priority.

    When no rule names an officer, the lead goes round-robin to the investment officers of its park.
    """

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    industry_prefix = models.CharField(
        _("行业代码前缀"), max_length=5, blank=True, help_text=_("如 27（医药制造业）、C358；为空表示不限")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("招商经理"), on_delete=models.CASCADE, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小者优先"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分配规则")
        verbose_name_plural = _("分配规则")
        ordering = ["priority", "pk"]

    def __str__(self) -> str:
        return f"{self.park or '*'} / {self.industry_prefix or '*'} → {self.officer}"


class Notification(models.Model):
    """A message for one person: a lead assigned to them, or new space that fits one of their leads."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices, blank=True)
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The dashboard widget reads a person's unread notifications.
            models.Index(fields=["user", "read_at"], name="notification_user_unread_idx"),
            # The daily unassigned-lead check looks up what it already sent per lead.
            models.Index(fields=["lead", "kind"], name="notification_lead_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.text


class RequirementVersion(models.Model):
    """A requirement exactly as a prospect submitted it on the public form; every submission is kept.

    The first submission from a mobile creates the lead (version 1). A repeat within 24 hours adds
    the next version and an activity, and never rewrites the lead: anyone can type anyone's mobile,
    so the officer reviews what changed. `reference` is the number shown to that submitter only:
    random, so it reveals neither the lead nor any other submission.
    """

    # CASCADE: a submitted version is part of its lead's history.
    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="requirement_versions"
    )
    number = models.PositiveSmallIntegerField(_("版本"))
    reference = models.CharField(_("受理编号"), max_length=16, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    company_name = models.CharField(_("公司名称"), max_length=200)
    # Personal data, as typed; erased with the person's other data.
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    description = models.TextField(_("需求说明"), blank=True)
    requirement: models.JSONField[dict[str, Any]] = models.JSONField(_("需求"), default=dict)
    processes: models.JSONField[list[dict[str, Any]]] = models.JSONField(_("工艺"), default=list, blank=True)
    # SET_NULL: an archived or removed park must not erase what the prospect asked for.
    preferred_park = models.ForeignKey(
        "parks.Park", verbose_name=_("意向园区"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("需求版本")
        verbose_name_plural = _("需求版本")
        ordering = ["lead", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "number"], name="requirement_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} v{self.number} ({self.reference})"


class SubmissionGuard(models.Model):
    """One row per mobile that used the public form: the lock that merges repeat submissions.

    The unique mobile plus a row lock inside the submission's transaction serialise concurrent
    submissions from one number, so a repeat within 24 hours adds a version to the lead instead of
    doubling it.
    """

    mobile = models.CharField(_("手机"), max_length=16, unique=True)
    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_submitted_at = models.DateTimeField(_("最近提交时间"), null=True, blank=True)
    submissions = models.PositiveIntegerField(_("提交次数"), default=0)

    class Meta:
        verbose_name = _("门户提交去重")
        verbose_name_plural = _("门户提交去重")

    def __str__(self) -> str:
        return f"{self.mobile[:6]}… × {self.submissions}"
