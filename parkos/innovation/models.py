"""Construction projects, R&D pipelines, milestones, 产学研 and the operator's stakes in its tenants.

What is stored and what is derived:
- A `Project` stores a planned and an actual date per phase (签约 → 投产); its current phase, and
  how late each phase is against plan, are derived (`project_phases`). `completed_on` is the actual
  date of 投产 (建成投用), what the annual report counts. The investment completed is the sum of its
  `ProjectProgress` months; whether it counts in the fixed-asset investment statistics follows from
  its planned total (≥ 500万元, RULES §5).
- A `Product`'s `stage`/`stage_since` (clinical pathway) or `device_stage` (registration pathway)
  copy its latest `ProductStage`, written only by `services.product_stage_enter`; the stage on any
  day is read from the history (`selectors.products_at`).
- 升规 is not stored: statistics derives it from the monthly figures and tells this app through
  `hooks.provide_scale_ups`.
- A `Stake`'s cost, fair value, MOIC and IRR are computed from its investments, valuation marks and
  exits (`portfolio.py`); nothing is typed as a total.

Money in 元 (Decimal), areas in m².
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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.enterprises.choices import ListingStatus
from parkos.innovation import regulatory
from parkos.innovation.choices import (
    AgreementKind,
    ExitKind,
    FinancingRound,
    FundKind,
    InstitutionKind,
    InvestmentKind,
    JointProjectStatus,
    MilestoneKind,
    PatentStatus,
    PatentType,
    PlatformKind,
    ProductPartnerRole,
    ProjectIssueStatus,
    ProjectKind,
    ProjectPhase,
    TransferKind,
    ValuationMethod,
)
from parkos.innovation.phases import PHASE_FIELDS
from parkos.innovation.regulatory import (
    ClinicalStage,
    DeviceClass,
    DeviceStage,
    DrugFamily,
    Pathway,
    ProductKind,
    parse_device_number,
    pathway_of,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal(0)
#: The boards a listing can be on: the enterprise pool's listing statuses but "unlisted".
LISTING_BOARDS = [(value, label) for value, label in ListingStatus.choices if value != ListingStatus.UNLISTED]
#: 固定资产投资项目统计起点: 计划总投资 ≥ 500万元 (RULES §5).
STATISTICAL_THRESHOLD = Decimal(5_000_000)


def _money(label: StrOrPromise, *, help_text: StrOrPromise = "") -> Any:
    return models.DecimalField(
        label,
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=help_text,
    )


def _share(label: StrOrPromise, *, help_text: StrOrPromise = "") -> Any:
    return models.DecimalField(
        label,
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
        help_text=help_text,
    )


# --- construction projects -----------------------------------------------------------------------


def _date(label: StrOrPromise) -> Any:
    return models.DateField(label, null=True, blank=True)


class Project(TimeStampedModel):
    """A construction project in a park, from signing to production (签约 → 投产, 建成投用).

    It follows a signed deal (a lead, a lease or sale contract, an enterprise) or stands alone (a
    standard factory the park builds itself). Stored: the planned total investment and a planned and
    an actual date per phase. Derived: the phase it is in, delays against plan, the investment
    completed (its `progress` months) and whether it is a statistical project (≥ 500万元).
    """

    # PROTECT: projects are a park's history; parks are archived, never deleted.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="projects")
    # PROTECT: enterprises are merged, never deleted. Empty for a project the park builds itself.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("建设单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # SET_NULL: the project outlives the lead or contract record it started from.
    lead = models.ForeignKey(
        "investment.Lead",
        verbose_name=_("招商线索"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    contract = models.ForeignKey(
        "leasing.Contract",
        verbose_name=_("租售合同"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    parcel = models.ForeignKey(
        "parks.LandParcel",
        verbose_name=_("建设地块"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("项目类型"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.INDUSTRIAL)
    planned_investment = _money(_("计划总投资（元）"))
    floor_area_sqm = models.DecimalField(
        _("建筑面积（m²）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    planned_signed_on = _date(_("计划签约日期"))
    signed_on = _date(_("签约日期"))
    planned_delivered_on = _date(_("计划供地/交付日期"))
    delivered_on = _date(_("供地/交付日期"))
    planned_started_on = _date(_("计划开工日期"))
    started_on = _date(_("开工日期"))
    planned_structure_done_on = _date(_("计划主体完工日期"))
    structure_done_on = _date(_("主体完工日期"))
    planned_accepted_on = _date(_("计划竣工验收日期"))
    accepted_on = _date(_("竣工验收日期"))
    planned_completed_on = _date(_("计划投产日期"))
    completed_on = _date(_("建成投用日期"))
    note = models.TextField(_("备注"), blank=True)

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
        indexes = [
            # The annual report reads the projects completed in a period, park by park.
            models.Index(fields=["park", "completed_on"], name="project_park_completed_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("innovation:project_detail", args=[self.pk])

    @property
    def is_statistical(self) -> bool:
        """A 固定资产投资 statistical project: planned total ≥ 500万元 (RULES §5)."""
        return self.planned_investment is not None and self.planned_investment >= STATISTICAL_THRESHOLD

    def phase_dates(self) -> dict[str, tuple[datetime.date | None, datetime.date | None]]:
        """Phase → (planned, actual), in order."""
        return {
            phase: (getattr(self, planned), getattr(self, actual)) for phase, (planned, actual) in PHASE_FIELDS.items()
        }

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for kind in ("planned", "actual"):
            previous: tuple[str, datetime.date] | None = None
            for phase, fields in PHASE_FIELDS.items():
                name = fields[0] if kind == "planned" else fields[1]
                value = getattr(self, name)
                if value is None:
                    continue
                if previous is not None and value < previous[1]:
                    errors.setdefault(name, []).append(
                        gettext("%(phase)s日期不能早于%(previous)s日期（%(date)s）")
                        % {
                            "phase": ProjectPhase(phase).label,
                            "previous": ProjectPhase(previous[0]).label,
                            "date": previous[1].isoformat(),
                        }
                    )
                previous = (phase, value)
        if errors:
            raise ValidationError(errors)


class ProjectProgress(models.Model):
    """Investment a project completed in one month (当月完成投资), split as the statistics require.

    `investment` is the month's total; the split (建筑工程, 安装工程, 设备工器具购置, 其他费用) sums to it.
    Months recorded before the split existed have a total only.
    """

    # CASCADE: progress rows are part of their project.
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="progress")
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    investment = models.DecimalField(
        _("当月完成投资（元）"), max_digits=18, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    construction = _money(_("建筑工程（元）"))
    installation = _money(_("安装工程（元）"))
    equipment = _money(_("设备工器具购置（元）"))
    other = _money(_("其他费用（元）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("项目投资进度")
        verbose_name_plural = _("项目投资进度")
        ordering = ["project_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="project_progress_one_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}-{self.month:02d}"

    @property
    def has_split(self) -> bool:
        return any(getattr(self, name) is not None for name in SPLIT_FIELDS)


#: The split of a month's investment (固定资产投资 by 构成).
SPLIT_FIELDS: tuple[str, ...] = ("construction", "installation", "equipment", "other")


class ProjectPhoto(TimeStampedModel):
    """A progress photo of a project (工地照片), served to staff of its park only."""

    # CASCADE: photos are part of their project.
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="innovation/projects/%Y/%m/")
    taken_on = models.DateField(_("拍摄日期"))
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("项目进度照片")
        verbose_name_plural = _("项目进度照片")
        ordering = ["project_id", "-taken_on", "-pk"]

    def __str__(self) -> str:
        return self.caption or f"{self.project_id} {self.taken_on}"


class ProjectIssue(TimeStampedModel):
    """A problem raised at a 项目推进 meeting: who owns it, by when, and how it was resolved."""

    # CASCADE: the issue log is part of its project.
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="issues")
    raised_on = models.DateField(_("提出日期"))
    meeting = models.CharField(_("推进会"), max_length=100, blank=True, help_text=_("如 第12次项目推进会"))
    problem = models.TextField(_("问题"))
    owner = models.CharField(_("责任单位/责任人"), max_length=100)
    due_on = models.DateField(_("限期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ProjectIssueStatus.choices, default=ProjectIssueStatus.OPEN
    )
    resolution = models.TextField(_("解决情况"), blank=True)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目推进问题")
        verbose_name_plural = _("项目推进问题")
        ordering = ["project_id", "status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("raised_on")),
                name="project_issue_due_after_raised",
                violation_error_message=_("限期不能早于提出日期"),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectIssueStatus.RESOLVED) | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
                name="project_issue_resolved_needs_resolution",
                violation_error_message=_("已解决的问题须填写解决情况和解决日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.problem[:40]

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == ProjectIssueStatus.OPEN and self.due_on < today


# --- R&D pipelines -------------------------------------------------------------------------------


class Product(TimeStampedModel):
    """A tenant's product on its way to market, with its regulatory class and its stage.

    Drugs (and IVD reagents managed as biologics) carry a family and registration class (NMPA 2020)
    and a clinical stage; devices (and other IVDs, health products) a class I–III and a registration
    stage, with the registration or filing number validated by format (RULES §7.1). The current stage
    copies the latest `ProductStage` (written by the stage service only).
    """

    # PROTECT: the pipeline is the park's history.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="products")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("产品名称"), max_length=200)
    kind = models.CharField(_("产品类型"), max_length=8, choices=ProductKind.choices)
    is_key = models.BooleanField(_("重点产品"), default=True)
    indication = models.CharField(_("适应症/预期用途"), max_length=200, blank=True)
    drug_family = models.CharField(_("药品注册类别"), max_length=24, choices=DrugFamily.choices, blank=True)
    drug_category = models.CharField(
        _("注册分类"), max_length=4, blank=True, help_text=_("如 化学药品 1、2.2；生物制品 3.3；中药 1")
    )
    stage = models.CharField(_("研发阶段"), max_length=16, choices=ClinicalStage.choices, blank=True, editable=False)
    stage_since = models.DateField(_("进入该阶段日期"), null=True, blank=True, editable=False)
    device_class = models.CharField(_("器械类别"), max_length=8, choices=DeviceClass.choices, blank=True)
    device_stage = models.CharField(
        _("注册/备案阶段"), max_length=24, choices=DeviceStage.choices, blank=True, editable=False
    )
    device_number = models.CharField(_("注册证/备案编号"), max_length=40, blank=True)
    approval_number = models.CharField(_("药品批准文号"), max_length=20, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("研发产品")
        verbose_name_plural = _("研发产品")
        ordering = ["park_id", "enterprise_id", "name"]
        indexes = [
            # The pipeline view counts a park's products by kind and class.
            models.Index(fields=["park", "kind"], name="product_park_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("innovation:product_detail", args=[self.pk])

    @property
    def pathway(self) -> Pathway:
        return pathway_of(self.kind, self.drug_family)

    @property
    def current_stage(self) -> str:
        return self.stage if self.pathway == Pathway.CLINICAL else self.device_stage

    @property
    def current_stage_label(self) -> str:
        stage = self.current_stage
        if not stage:
            return ""
        return str(regulatory.stages_of(self.pathway)(stage).label)

    @property
    def class_label(self) -> str:
        """What the product is, in regulatory terms: "化学药品 1类：创新药", "第三类医疗器械"…"""
        if self.drug_family:
            return regulatory.registration_class_label(self.drug_family, self.drug_category)
        if self.device_class:
            return f"{DeviceClass(self.device_class).label}{ProductKind(self.kind).label}"
        return str(ProductKind(self.kind).label) if self.kind in ProductKind.values else self.kind

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        if self.pathway == Pathway.CLINICAL:
            self._clean_drug(errors)
        elif self.kind in (ProductKind.DEVICE, ProductKind.IVD):
            self._clean_device(errors)
        if errors:
            raise ValidationError(errors)

    def _clean_drug(self, errors: dict[str, list[Any]]) -> None:
        if self.kind == ProductKind.IVD and self.drug_family != DrugFamily.IVD_BIOLOGIC:
            errors.setdefault("drug_family", []).append(gettext("体外诊断试剂只能按生物制品管理或按医疗器械管理"))
            return
        if not self.drug_family:
            errors.setdefault("drug_family", []).append(gettext("药品须填写注册类别（化学药品、生物制品或中药）"))
        if not self.drug_category:
            errors.setdefault("drug_category", []).append(gettext("药品须填写注册分类"))
        elif self.drug_family:
            try:
                regulatory.validate_registration_class(self.drug_family, self.drug_category)
            except ValidationError as exc:
                errors.setdefault("drug_category", []).extend(exc.messages)
        if self.approval_number:
            try:
                self.approval_number = regulatory.validate_approval_number(self.approval_number, self.drug_family)
            except ValidationError as exc:
                errors.setdefault("approval_number", []).extend(exc.messages)

    def _clean_device(self, errors: dict[str, list[Any]]) -> None:
        if self.drug_family and self.kind == ProductKind.IVD:
            errors.setdefault("drug_family", []).append(
                gettext("体外诊断试剂按医疗器械管理时不填写药品注册类别；按生物制品管理的请选择相应注册分类")
            )
        elif self.drug_family:
            errors.setdefault("drug_family", []).append(gettext("医疗器械不填写药品注册类别"))
        if not self.device_class:
            errors.setdefault("device_class", []).append(gettext("医疗器械须填写类别"))
        if not self.device_number:
            if self.device_stage in (DeviceStage.FILED, DeviceStage.REGISTERED):
                errors.setdefault("device_number", []).append(gettext("已注册或已备案的产品须填写注册证/备案编号"))
            return
        try:
            regulatory.validate_device_number(self.device_number)
        except ValidationError as exc:
            errors.setdefault("device_number", []).extend(exc.messages)
            return
        parsed = parse_device_number(self.device_number)
        assert parsed is not None  # validate_device_number passed
        self.device_number = parsed.number
        if self.device_class and parsed.device_class != self.device_class:
            errors.setdefault("device_number", []).append(
                gettext("编号对应%(found)s，与所填类别不符") % {"found": parsed.device_class.label}
            )


class ProductStage(models.Model):
    """One dated step of a product's history: it entered `stage` on `on` (with a reason when going back)."""

    # CASCADE: the history is part of its product.
    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("阶段"), max_length=24)
    on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=300, blank=True, help_text=_("阶段倒退时必填"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("产品阶段记录")
        verbose_name_plural = _("产品阶段记录")
        ordering = ["product_id", "on", "pk"]
        indexes = [
            # Stage-at-date: the last entry of each product on or before a day.
            models.Index(fields=["product", "on"], name="product_stage_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.stage} {self.on}"

    @property
    def label(self) -> str:
        return regulatory.stage_label(self.stage)


class ProductPartner(models.Model):
    """Who a product is developed with: a CRO, a clinical-trial site, a licensing partner, a CDMO…"""

    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.CASCADE, related_name="partners")
    role = models.CharField(_("角色"), max_length=16, choices=ProductPartnerRole.choices)
    name = models.CharField(_("合作方名称"), max_length=200)
    # SET_NULL: the partner's name stays on the product when the institution record goes.
    institution = models.ForeignKey(
        "Institution",
        verbose_name=_("合作机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="product_partnerships",
    )
    since = models.DateField(_("开始日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("产品合作方")
        verbose_name_plural = _("产品合作方")
        ordering = ["product_id", "role", "name"]

    def __str__(self) -> str:
        return self.name


# --- milestones ----------------------------------------------------------------------------------


class Milestone(TimeStampedModel):
    """A dated event of an enterprise that park reports count: listing, 高新, 专精特新, financing, patents.

    Kind-specific facts: listing (board, stock code, 证券简称, market value on the first day, which
    marks the operator's stakes), 高新技术企业 (certificate number, validity), financing (round,
    amount, investors), patents (type, applied/granted, number, how many). 升规 is not stored here:
    statistics derives it from the monthly figures (`hooks.provide_scale_ups`).
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="milestones")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="milestones"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=MilestoneKind.choices)
    on = models.DateField(_("日期"))
    exchange = models.CharField(_("上市板块"), max_length=16, choices=LISTING_BOARDS, blank=True)
    stock_code = models.CharField(_("股票代码"), max_length=12, blank=True)
    short_name = models.CharField(_("证券简称"), max_length=40, blank=True)
    market_value = _money(_("上市首日总市值（元）"), help_text=_("填写后按持股比例为运营方持股估值"))
    certificate_number = models.CharField(_("证书编号"), max_length=40, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    financing_round = models.CharField(_("融资轮次"), max_length=12, choices=FinancingRound.choices, blank=True)
    amount = _money(_("金额（元）"))
    investors = models.CharField(_("投资方"), max_length=300, blank=True)
    patent_type = models.CharField(_("专利类型"), max_length=16, choices=PatentType.choices, blank=True)
    patent_status = models.CharField(_("专利状态"), max_length=8, choices=PatentStatus.choices, blank=True)
    patent_number = models.CharField(_("专利号/申请号"), max_length=40, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1, validators=[MinValueValidator(1)])
    title = models.CharField(_("名称"), max_length=200, blank=True)
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
        indexes = [
            # Park-level counts per period, and the report's listings of a period.
            models.Index(fields=["park", "kind", "on"], name="milestone_park_kind_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def need(field: str, message: str) -> None:
            if getattr(self, field) in (None, ""):
                errors.setdefault(field, []).append(message)

        if self.kind == MilestoneKind.LISTING:
            need("exchange", gettext("请选择上市板块"))
            need("stock_code", gettext("请填写股票代码"))
        elif self.kind == MilestoneKind.HIGH_TECH:
            need("certificate_number", gettext("请填写高新技术企业证书编号"))
            if self.valid_until is not None and self.valid_until <= self.on:
                errors.setdefault("valid_until", []).append(gettext("有效期须晚于认定日期"))
        elif self.kind == MilestoneKind.FINANCING:
            need("financing_round", gettext("请选择融资轮次"))
        elif self.kind == MilestoneKind.PATENT:
            need("patent_type", gettext("请选择专利类型"))
            need("patent_status", gettext("请选择专利状态（已申请/已授权）"))
        if errors:
            raise ValidationError(errors)


# --- 产学研 ---------------------------------------------------------------------------------------


class Institution(TimeStampedModel):
    """A university, research institute, hospital or industry institute the parks work with (产学研).

    Operator-wide, like the enterprise pool: agreements, joint projects and platforms belong to parks.
    """

    name = models.CharField(_("机构名称"), max_length=200, unique=True)
    kind = models.CharField(_("机构类型"), max_length=24, choices=InstitutionKind.choices)
    city = models.CharField(_("城市"), max_length=40, blank=True)
    clinical_trial_site = models.BooleanField(
        _("药物/器械临床试验机构"), default=False, help_text=_("已在国家药监局备案的临床试验机构")
    )
    specialties = models.CharField(_("优势学科/专业"), max_length=300, blank=True)
    website = models.URLField(_("网址"), blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("合作机构")
        verbose_name_plural = _("合作机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("innovation:institution_detail", args=[self.pk])


class InstitutionContact(TimeStampedModel):
    """A person at a partner institution (personal data: the mobile is masked for most viewers)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    mobile = models.CharField(_("手机"), max_length=20, blank=True, help_text=_("保存为 E.164 格式"))
    email = models.EmailField(_("邮箱"), blank=True)

    class Meta:
        verbose_name = _("机构联系人")
        verbose_name_plural = _("机构联系人")
        ordering = ["institution_id", "name"]

    def __str__(self) -> str:
        return self.name


class Agreement(TimeStampedModel):
    """A cooperation agreement between a park (or a tenant) and an institution."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("合作机构"), on_delete=models.PROTECT, related_name="agreements"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("合作企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovation_agreements",
        help_text=_("企业与机构签订时填写；园区与机构签订时留空"),
    )
    title = models.CharField(_("协议名称"), max_length=200)
    kind = models.CharField(_("合作类型"), max_length=16, choices=AgreementKind.choices)
    signed_on = models.DateField(_("签订日期"))
    expires_on = models.DateField(_("到期日期"), null=True, blank=True)
    amount = _money(_("合作金额（元）"))
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")
        ordering = ["-signed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("signed_on")),
                name="agreement_expires_after_signing",
                violation_error_message=_("到期日期不能早于签订日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class JointProject(TimeStampedModel):
    """A research project a tenant (or the park) runs with an institution."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        Institution, verbose_name=_("合作机构"), on_delete=models.PROTECT, related_name="joint_projects"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("合作企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_projects",
    )
    title = models.CharField(_("项目名称"), max_length=200)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    budget = _money(_("经费（元）"))
    funding = models.CharField(_("资金来源"), max_length=100, blank=True, help_text=_("如 国家重点研发计划、企业自筹"))
    status = models.CharField(
        _("状态"), max_length=12, choices=JointProjectStatus.choices, default=JointProjectStatus.ONGOING
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("产学研合作项目")
        verbose_name_plural = _("产学研合作项目")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="joint_project_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Platform(TimeStampedModel):
    """A shared technology platform of a park (公共技术服务平台): a pilot GMP line, a testing centre…"""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("平台名称"), max_length=200)
    kind = models.CharField(_("平台类型"), max_length=16, choices=PlatformKind.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("共建机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms",
    )
    operator_name = models.CharField(_("运营单位"), max_length=200, blank=True)
    opened_on = models.DateField(_("投用日期"), null=True, blank=True)
    capacity = models.CharField(
        _("服务能力"), max_length=300, blank=True, help_text=_("如 2条B级灌装线、年检测2万批次")
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("公共技术服务平台")
        verbose_name_plural = _("公共技术服务平台")
        ordering = ["park_id", "name"]

    def __str__(self) -> str:
        return self.name


class PlatformUse(models.Model):
    """A tenant using a shared platform, from a date (until another)."""

    platform = models.ForeignKey(Platform, verbose_name=_("平台"), on_delete=models.CASCADE, related_name="uses")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("使用企业"), on_delete=models.PROTECT, related_name="platform_uses"
    )
    since = models.DateField(_("开始使用"))
    until = models.DateField(_("结束使用"), null=True, blank=True)
    note = models.CharField(_("服务内容"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("平台使用记录")
        verbose_name_plural = _("平台使用记录")
        ordering = ["platform_id", "-since", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="platform_use_until_after_since",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform_id} {self.enterprise_id}"


class TechTransfer(TimeStampedModel):
    """A technology-transfer, licensing or development contract between an institution and a tenant."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("合同类型"), max_length=12, choices=TransferKind.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("转让/许可方（机构）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    licensor_name = models.CharField(_("转让/许可方"), max_length=200, blank=True, help_text=_("非合作机构时填写名称"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("受让/被许可企业"),
        on_delete=models.PROTECT,
        related_name="tech_transfers",
    )
    ip = models.CharField(_("知识产权"), max_length=300, help_text=_("如 专利号、技术秘密名称"))
    amount = _money(_("合同金额（元）"))
    signed_on = models.DateField(_("签订日期"))
    ends_on = models.DateField(_("到期日期"), null=True, blank=True)
    products = models.ManyToManyField(Product, verbose_name=_("相关产品"), blank=True, related_name="transfers")
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("技术转移合同")
        verbose_name_plural = _("技术转移合同")
        ordering = ["-signed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | ~Q(licensor_name=""),
                name="tech_transfer_has_licensor",
                violation_error_message=_("请选择合作机构或填写转让/许可方名称"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ip[:30]}"


# --- 投资孵化: the operator's stakes ----------------------------------------------------------------


class Fund(TimeStampedModel):
    """A vehicle through which the operator invests in tenants: its own balance sheet or a fund."""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=FundKind.choices)
    manager = models.CharField(_("管理人"), max_length=200, blank=True)
    size = _money(_("规模（元）"))
    vintage = models.PositiveSmallIntegerField(_("设立年份"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("投资主体")
        verbose_name_plural = _("投资主体")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Stake(TimeStampedModel):
    """The operator's holding in one tenant through one fund; figures come from its cash flows."""

    fund = models.ForeignKey(Fund, verbose_name=_("投资主体"), on_delete=models.PROTECT, related_name="stakes")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("被投企业"), on_delete=models.PROTECT, related_name="stakes"
    )
    # The park whose incubation brought the deal: who may see the stake.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("投资持股")
        verbose_name_plural = _("投资持股")
        ordering = ["park_id", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "enterprise"],
                name="stake_one_per_fund_enterprise",
                violation_error_message=_("该投资主体已持有该企业股权，请在原持股下追加投资"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} → {self.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("innovation:stake_detail", args=[self.pk])


class StakeInvestment(models.Model):
    """Money the operator put in: the first investment or a follow-on, at a round's terms."""

    stake = models.ForeignKey(Stake, verbose_name=_("持股"), on_delete=models.CASCADE, related_name="investments")
    kind = models.CharField(_("类型"), max_length=12, choices=InvestmentKind.choices)
    financing_round = models.CharField(_("轮次"), max_length=12, choices=FinancingRound.choices, blank=True)
    on = models.DateField(_("投资日期"))
    amount = models.DecimalField(
        _("投资金额（元）"), max_digits=18, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    share_pct = _share(_("获得股权比例（%）"))
    post_money = _money(_("投后估值（元）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("投资记录")
        verbose_name_plural = _("投资记录")
        ordering = ["stake_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.stake_id} {self.on} {self.amount}"


class StakeValuation(models.Model):
    """A fair-value mark of the whole holding on a date (a new round, a listing, a model, a write-down)."""

    stake = models.ForeignKey(Stake, verbose_name=_("持股"), on_delete=models.CASCADE, related_name="valuations")
    on = models.DateField(_("估值日期"))
    fair_value = models.DecimalField(
        _("公允价值（元）"), max_digits=18, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    method = models.CharField(_("估值方法"), max_length=16, choices=ValuationMethod.choices)
    # SET_NULL: a mark stays when the listing record behind it is corrected away.
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("依据里程碑"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("估值记录")
        verbose_name_plural = _("估值记录")
        ordering = ["stake_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.stake_id} {self.on} {self.fair_value}"


class StakeExit(models.Model):
    """Money back: a sale after listing, a transfer, a buy-back, or a write-off (no proceeds)."""

    stake = models.ForeignKey(Stake, verbose_name=_("持股"), on_delete=models.CASCADE, related_name="exits")
    kind = models.CharField(_("退出方式"), max_length=12, choices=ExitKind.choices)
    on = models.DateField(_("退出日期"))
    proceeds = models.DecimalField(
        _("退出回款（元）"), max_digits=18, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    share_pct = _share(_("退出股权比例（%）"), help_text=_("本次出售的股权占企业总股本的比例"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("退出记录")
        verbose_name_plural = _("退出记录")
        ordering = ["stake_id", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.stake_id} {self.on} {self.get_kind_display()}"
