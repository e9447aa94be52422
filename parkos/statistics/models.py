"""Monthly enterprise statistics, projects, R&D products and milestones: what park KPIs are computed from.

Every KPI of the annual report is computed from these rows (never typed in), and every figure links
back to them. Money is stored in 元 (Decimal), energy in 吨标准煤, land in m².
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.enterprises.choices import ListingStatus
from parkos.statistics.choices import (
    DeviceStatus,
    MilestoneKind,
    MujuCategory,
    ProductKind,
    ProjectKind,
    ReportSource,
    SubmissionStatus,
)
from parkos.statistics.products import ClinicalStage, DeviceClass, DrugRegistrationCategory, parse_device_number

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

ZERO = Decimal(0)

#: The figures of a report, with the field that holds each and its prior-year twin.
MONEY_FIELDS = ("output", "revenue", "profit", "taxes", "rnd_spending", "fixed_asset_investment", "exports")
VALUE_FIELDS = (*MONEY_FIELDS, "employees", "energy_tce")


def _money(label: StrPromise, *, allow_negative: bool = False) -> models.DecimalField[Decimal | None, Decimal | None]:
    validators = [] if allow_negative else [MinValueValidator(ZERO)]
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=True, blank=True, validators=validators)


class MonthlyReport(TimeStampedModel):
    """One enterprise's statistics for one month (当月 or 本年1–N月累计), with 上年同期 as re-reported.

    `park` says which park's figures these are (scoping, and partitioning by park at scale); one row
    per enterprise and month. A cumulative row holds 1..month totals; a monthly one the month alone.
    """

    # PROTECT: statistics are the park's history and outlive any attempt to delete the park.
    # No index of its own: the (park, …) indexes below serve lookups by park, and a lone park index
    # lured PostgreSQL's planner into reading a park's every row to find its December ones.
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("园区"),
        on_delete=models.PROTECT,
        related_name="monthly_reports",
        db_index=False,
    )
    # PROTECT: enterprises are merged, never deleted; a report must not vanish with one. Indexed by
    # the unique (enterprise, year, month) constraint.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="monthly_reports",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    is_cumulative = models.BooleanField(
        _("累计数"), default=True, help_text=_("勾选表示填报本年1月至当月累计数；否则为当月数")
    )
    output = _money(_("工业总产值（元，当年价）"))
    revenue = _money(_("营业收入（元）"))
    profit = _money(_("利润总额（元）"), allow_negative=True)
    taxes = _money(_("税金总额（元）"))
    rnd_spending = _money(_("R&D经费支出（元）"))
    employees = models.PositiveIntegerField(_("期末从业人员（人）"), null=True, blank=True)
    energy_tce = models.DecimalField(
        _("综合能源消费量（吨标准煤）"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    fixed_asset_investment = _money(_("固定资产投资完成额（元）"))
    exports = _money(_("出口交货值（元）"))
    prior_output = _money(_("上年同期工业总产值（元）"))
    prior_revenue = _money(_("上年同期营业收入（元）"))
    prior_profit = _money(_("上年同期利润总额（元）"), allow_negative=True)
    prior_taxes = _money(_("上年同期税金总额（元）"))
    prior_rnd_spending = _money(_("上年同期R&D经费支出（元）"))
    prior_employees = models.PositiveIntegerField(_("上年同期从业人员（人）"), null=True, blank=True)
    prior_energy_tce = models.DecimalField(
        _("上年同期综合能源消费量（吨标准煤）"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    prior_fixed_asset_investment = _money(_("上年同期固定资产投资完成额（元）"))
    prior_exports = _money(_("上年同期出口交货值（元）"))
    source = models.CharField(_("来源"), max_length=16, choices=ReportSource.choices, default=ReportSource.OFFICER)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # the figures stay when a login is removed
        related_name="+",
    )

    class Meta:
        verbose_name = _("月度统计报表")
        verbose_name_plural = _("月度统计报表")
        ordering = ["-year", "-month", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "month"],
                name="monthly_report_one_per_enterprise_month",
                violation_error_message=_("该企业本月已有统计报表"),
            ),
        ]
        indexes = [
            # The KPI selectors load one park's rows of one or two years in one query.
            models.Index(fields=["park", "year", "month"], name="monthly_report_park_period_idx"),
            # The annual KPI census groups a park's rows by enterprise: with this index SQLite groups
            # without sorting 48,000 rows (3.6× → 2.9× the raw aggregate at 2,000 enterprises).
            models.Index(fields=["park", "enterprise", "year", "month"], name="monthly_report_park_ent_idx"),
            # The few enterprises that report monthly (当月) figures, found without reading the rest.
            models.Index(
                fields=["park", "year", "enterprise"],
                condition=models.Q(is_cumulative=False),
                name="monthly_report_monthly_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}-{self.month:02d}"

    @property
    def period_label(self) -> str:
        if self.is_cumulative and self.month > 1:
            return f"{self.year}年1–{self.month}月"
        return f"{self.year}年{self.month}月"


class ReportSubmission(TimeStampedModel):
    """A tenant's submission of a month, kept as submitted: the history of what was reported.

    The first submission of a month is applied to its `MonthlyReport` at once; a re-submission is a
    revision that waits (`PENDING`) until an officer approves it — the KPIs read `MonthlyReport`, so
    they use approved figures only. ``values`` holds the figures in storage units (money in 元, as
    strings); ``moves`` the unusual moves the tenant confirmed, with ``note`` explaining them.
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="report_submissions"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    is_cumulative = models.BooleanField(_("累计数"), default=True)
    values: models.JSONField[dict[str, str | None]] = models.JSONField(_("填报数据"), default=dict)
    moves: models.JSONField[list[dict[str, str]]] = models.JSONField(_("大幅变动"), default=list, blank=True)
    note = models.TextField(_("变动说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=SubmissionStatus.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("统计填报记录")
        verbose_name_plural = _("统计填报记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["park", "status"], name="report_submission_queue_idx")]
        constraints = [
            # One revision at a time waits for a month: a newer one replaces it.
            models.UniqueConstraint(
                fields=["enterprise", "year", "month"],
                condition=Q(status="pending"),
                name="report_submission_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}-{self.month:02d} {self.status}"


class LateReportPermission(TimeStampedModel):
    """An officer's permission for an enterprise to submit a month after the reporting window."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    until = models.DateField(_("补报截止日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("逾期补报许可")
        verbose_name_plural = _("逾期补报许可")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "month"], name="late_report_permission_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}-{self.month:02d} → {self.until}"


class EnterpriseParkProfile(TimeStampedModel):
    """An enterprise's footing in one park for the 亩均 evaluation: land it uses and whether it is rated.

    The land area is entered here until the leasing module offers each enterprise's leased or bought
    area per park; the evaluation reads it through `selectors.land_area_by_enterprise`.
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="park_profiles"
    )
    land_area_sqm = models.DecimalField(
        _("用地面积（m²）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("亩均评价的用地面积，以平方米存储（1亩≈666.67m²）"),
    )
    muju_category = models.CharField(
        _("亩均评价类别"), max_length=24, choices=MujuCategory.choices, blank=True, default=MujuCategory.RATED
    )

    class Meta:
        verbose_name = _("企业园区档案")
        verbose_name_plural = _("企业园区档案")
        constraints = [
            models.UniqueConstraint(fields=["park", "enterprise"], name="enterprise_park_profile_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.park_id}"


class Project(TimeStampedModel):
    """A construction or investment project in a park: planned investment, progress, 建成投用 date."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="projects")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("建设单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.INDUSTRIAL)
    planned_investment = _money(_("计划总投资（元）"))
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("建成投用日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("建设项目")
        verbose_name_plural = _("建设项目")
        ordering = ["park_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(completed_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="project_completed_after_start",
                violation_error_message=_("建成投用日期不能早于开工日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectProgress(models.Model):
    """Investment a project completed in one month (当月完成投资)."""

    # CASCADE: progress rows are part of their project.
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress")
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    investment = models.DecimalField(
        _("当月完成投资（元）"), max_digits=18, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        verbose_name = _("项目投资进度")
        verbose_name_plural = _("项目投资进度")
        ordering = ["project_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="project_progress_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}-{self.month:02d}"


class Product(TimeStampedModel):
    """An enterprise's R&D product: a drug (registration category, clinical stage) or a medical device."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="products")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("产品名称"), max_length=200)
    kind = models.CharField(_("产品类型"), max_length=8, choices=ProductKind.choices)
    is_key = models.BooleanField(_("重点产品"), default=True)
    indication = models.CharField(_("适应症/预期用途"), max_length=200, blank=True)
    drug_category = models.CharField(
        _("药品注册分类"), max_length=4, choices=DrugRegistrationCategory.choices, blank=True
    )
    stage = models.CharField(_("研发阶段"), max_length=16, choices=ClinicalStage.choices, blank=True)
    stage_since = models.DateField(_("进入该阶段日期"), null=True, blank=True)
    device_class = models.CharField(_("器械类别"), max_length=8, choices=DeviceClass.choices, blank=True)
    device_status = models.CharField(_("注册/备案状态"), max_length=16, choices=DeviceStatus.choices, blank=True)
    device_number = models.CharField(_("注册证/备案编号"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("研发产品")
        verbose_name_plural = _("研发产品")
        ordering = ["park_id", "enterprise_id", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.kind == ProductKind.DRUG:
            if not self.drug_category:
                errors.setdefault("drug_category", []).append(str(_("药品须填写注册分类")))
            if not self.stage:
                errors.setdefault("stage", []).append(str(_("药品须填写研发阶段")))
        if self.kind == ProductKind.DEVICE:
            if not self.device_class:
                errors.setdefault("device_class", []).append(str(_("医疗器械须填写类别")))
            if self.device_number:
                parsed = parse_device_number(self.device_number)
                if parsed is None:
                    errors.setdefault("device_number", []).append(
                        str(_("“%(value)s”不是有效的医疗器械注册证或备案编号")) % {"value": self.device_number}
                    )
                else:
                    self.device_number = parsed.number
                    if self.device_class and parsed.device_class != self.device_class:
                        errors.setdefault("device_number", []).append(
                            str(_("编号对应%(found)s，与所填类别不符")) % {"found": parsed.device_class.label}
                        )
        if errors:
            raise ValidationError(errors)


class Milestone(TimeStampedModel):
    """A dated event of an enterprise in a park that reports count: listing (exchange, code), etc.

    升规 is not stored here: it is derived from the monthly statistics (`kpi.scale_events`).
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="milestones")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="milestones"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=MilestoneKind.choices)
    on = models.DateField(_("日期"))
    exchange = models.CharField(_("上市板块"), max_length=16, choices=ListingStatus.choices, blank=True)
    stock_code = models.CharField(_("股票代码"), max_length=12, blank=True)
    short_name = models.CharField(_("证券简称"), max_length=40, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("企业里程碑")
        verbose_name_plural = _("企业里程碑")
        ordering = ["-on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=MilestoneKind.LISTING) | (~Q(exchange="") & ~Q(stock_code="")),
                name="milestone_listing_needs_exchange_and_code",
                violation_error_message=_("上市里程碑须填写上市板块和股票代码"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"
