"""Monthly enterprise statistics and the enterprises' footing in parks: what park KPIs are computed from.

Every KPI of the annual report is computed from these rows (never typed in), and every figure links
back to them; projects, R&D products and milestones live in `parkos.innovation`, which the report
reads through its selectors. Money is stored in 元 (Decimal), energy in 吨标准煤, land in m².
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.statistics.choices import InvestmentBasis, MujuCategory, ProductUnit, ReportSource, SubmissionStatus

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
            # One enterprise-year's rows in one park: what the ReportYear triggers aggregate after
            # every write, and the 升规 candidates' revenue rows and row extents, read from the index
            # alone (it holds the revenue; SQLite has no INCLUDE). The name is from when the census
            # grouped the rows themselves; renaming it would rebuild it for nothing.
            models.Index(fields=["park", "enterprise", "year", "month", "revenue"], name="monthly_report_census_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}-{self.month:02d}"

    @property
    def period_label(self) -> str:
        if self.is_cumulative and self.month > 1:
            return f"{self.year}年1–{self.month}月"
        return f"{self.year}年{self.month}月"


class ReportYear(models.Model):
    """What the KPI census reads of one enterprise's rows of one year in one park, kept by the database.

    Database triggers on :class:`MonthlyReport` (migration 0009) keep each (park, enterprise, year)
    equal to the aggregate of its rows on every insert, update and delete, whichever path wrote
    them (the import, a tenant's submission, an approved revision, a bulk fill, a merge that moves
    rows to another enterprise); the code never writes it. The census then reads two rows per
    enterprise instead of its 24 monthly ones (``kpi/gather.py``, docs/models/park_statistics.md).
    """

    # No constraints of their own: the triggers delete a summary with its last row, and Django's
    # deletion collector must not try to cascade into a table the database owns.
    # No index of their own: the census reads by park and year (the indexes below), and every index
    # is one more write for each monthly row the triggers follow.
    park = models.ForeignKey(
        "parks.Park", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    first_month = models.PositiveSmallIntegerField(_("首个报表月份"))
    lowest_revenue = _money(_("最低营业收入（元）"), allow_negative=True)
    highest_revenue = _money(_("最高营业收入（元）"), allow_negative=True)
    has_monthly_rows = models.BooleanField(_("含当月数报表"))

    class Meta:
        verbose_name = _("年度报表概况")
        verbose_name_plural = _("年度报表概况")
        constraints = [
            models.UniqueConstraint(fields=["park", "year", "enterprise"], name="report_year_one_per_park_year"),
        ]
        indexes = [
            # The census reads a park's summaries of two years from the index alone: the triggers
            # rewrite a summary with each monthly row, so its rows lie scattered over the table.
            models.Index(
                fields=[
                    "park",
                    "year",
                    "enterprise",
                    "first_month",
                    "lowest_revenue",
                    "highest_revenue",
                    "has_monthly_rows",
                ],
                name="report_year_census_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park_id} {self.enterprise_id} {self.year}"


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


class ProductOutput(TimeStampedModel):
    """One product's output (主要产品产量) of one enterprise in one month, as the B204-1 form asks it.

    `quantity` is the month's output (当月产量, never a 1–N月 total) in `unit`; the year to date is
    the sum of the months. `exports` is the product's 出口交货值 of the month, in 元. `product` links
    the line to the innovation module's Product where the park tracks it; the name is what the form
    prints.
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    # PROTECT: enterprises are merged, never deleted; output figures are the park's history.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="product_outputs",
        db_index=False,  # the unique (enterprise, year, month, product_name) constraint serves it
    )
    year = models.PositiveSmallIntegerField(_("年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    product_name = models.CharField(_("产品名称"), max_length=100)
    product_code = models.CharField(
        _("产品代码"), max_length=12, blank=True, help_text=_("《统计用产品分类目录》代码，如 1784（医用防护服）")
    )
    # SET_NULL: the output stays when the R&D record of the product is removed.
    product = models.ForeignKey(
        "innovation.Product",
        verbose_name=_("关联产品"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outputs",
    )
    unit = models.CharField(_("计量单位"), max_length=16, choices=ProductUnit.choices)
    quantity = models.DecimalField(_("本月产量"), max_digits=16, decimal_places=3, validators=[MinValueValidator(ZERO)])
    exports = _money(_("出口交货值（元）"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=ReportSource.choices, default=ReportSource.OFFICER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # the figures stay when a login is removed
        related_name="+",
    )

    class Meta:
        verbose_name = _("主要产品产量")
        verbose_name_plural = _("主要产品产量")
        ordering = ["-year", "-month", "enterprise_id", "product_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "month", "product_name"],
                name="product_output_one_per_product_month",
                violation_error_message=_("该企业本月已填报该产品的产量"),
            ),
        ]
        indexes = [models.Index(fields=["park", "year", "month"], name="product_output_park_period_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}-{self.month:02d} {self.product_name}"

    @property
    def exports_wan(self) -> Decimal | None:
        return None if self.exports is None else self.exports / 10000


class ParkStatisticsSettings(TimeStampedModel):
    """How a park's statistics are counted where parks differ: the 工业投资 basis and the 亩均 scheme."""

    park = models.OneToOneField(
        "parks.Park", verbose_name=_("园区"), on_delete=models.CASCADE, related_name="statistics_settings"
    )
    investment_basis = models.CharField(
        _("工业投资口径"),
        max_length=16,
        choices=InvestmentBasis.choices,
        default=InvestmentBasis.BOTH,
        help_text=_("产业项目完成投资、企业填报的固定资产投资，或两者合并（企业已填报的，其项目不再重复计入）"),
    )
    muju_scheme = models.CharField(
        _("亩均评价方案"), max_length=32, default="park_default", help_text=_("园区所执行的亩均效益评价办法")
    )

    class Meta:
        verbose_name = _("园区统计设置")
        verbose_name_plural = _("园区统计设置")

    def __str__(self) -> str:
        return f"{self.park_id}"
