"""The enterprise resource pool: every prospect, tenant and former tenant, and the people to call there.

Enterprises are operator-wide (one shared pool), not owned by one park; `Enterprise.parks` lists the
parks where an enterprise is a tenant or a prospect, which is what scopes access to its contacts'
personal data. Every other module (leads, contracts, services, statistics) points at one Enterprise.

`search_text` and `name_key` are derived columns, written only through `parkos.enterprises.search`
by the services, the importer and the demo generator; the search indexes are built on them (see the
migrations: an FTS5 trigram table kept in sync by triggers on SQLite, trigram and bigram GIN indexes
on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkos.core import industry
from parkos.core.models import TimeStampedModel
from parkos.enterprises.choices import (
    EnterpriseLifecycle,
    EnterpriseSize,
    EnterpriseSource,
    LegalForm,
    ListingStatus,
    MergeBasis,
)
from parkos.enterprises.phones import mask_mobile, parse_phone


class Tag(models.Model):
    """A free label officers put on enterprises (e.g. 重点招商, 链主企业) to find them again."""

    name = models.CharField(_("标签"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def active(self) -> EnterpriseQuerySet:
        """Enterprises that have not been merged into another record."""
        return self.filter(merged_into__isnull=True)


class Enterprise(TimeStampedModel):
    """A legal entity in the operator's resource pool: prospect, tenant or former tenant."""

    name = models.CharField(_("企业名称"), max_length=200)
    former_names: models.JSONField[list[str]] = models.JSONField(
        _("曾用名"), default=list, blank=True, help_text=_("更名或合并前的名称，用于检索")
    )
    # NULL, not "": many prospects have no code yet, and the unique constraint ignores NULLs on both databases.
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True, help_text=_("18位，保存时自动校验")
    )
    credit_code_override = models.BooleanField(
        _("校验位人工确认"),
        default=False,
        help_text=_("校验位不符合国家标准但经国家企业信用信息公示系统核实的真实代码"),
    )
    legal_form = models.CharField(_("企业类型"), max_length=32, choices=LegalForm.choices, blank=True)
    registered_capital_wan = models.DecimalField(
        _("注册资本（万元）"), max_digits=16, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_address = models.CharField(_("注册地址"), max_length=300, blank=True)
    city = models.CharField(_("城市"), max_length=40, blank=True)
    # The list filters by district; an index keeps that cheap at 220,000 rows.
    district = models.CharField(_("区县"), max_length=40, blank=True, db_index=True)
    industry_code = models.CharField(
        _("行业代码"), max_length=5, blank=True, db_index=True, help_text=_("GB/T 4754-2017，如 C3581 或 3581")
    )
    secondary_industry_codes: models.JSONField[list[str]] = models.JSONField(
        _("其他行业代码"), default=list, blank=True
    )
    business_scope = models.TextField(_("经营范围"), blank=True)
    employees = models.PositiveIntegerField(_("从业人员"), null=True, blank=True)
    annual_revenue_wan = models.DecimalField(
        _("年营业收入（万元）"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    size_class = models.CharField(
        _("企业规模"), max_length=8, choices=EnterpriseSize.choices, blank=True, db_index=True, editable=False
    )
    above_scale = models.BooleanField(_("规上企业"), default=False, editable=False)
    above_scale_since = models.DateField(_("规上起始日期"), null=True, blank=True)
    listing_status = models.CharField(
        _("上市情况"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.UNLISTED
    )
    stock_code = models.CharField(_("股票代码"), max_length=12, blank=True)
    high_tech = models.BooleanField(_("高新技术企业"), default=False)
    qualifications: models.JSONField[list[str]] = models.JSONField(_("资质"), default=list, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="enterprises")
    source = models.CharField(
        _("来源"), max_length=16, choices=EnterpriseSource.choices, default=EnterpriseSource.MANUAL
    )
    lifecycle = models.CharField(
        _("阶段"), max_length=16, choices=EnterpriseLifecycle.choices, default=EnterpriseLifecycle.PROSPECT
    )
    parks = models.ManyToManyField(
        "parks.Park",
        verbose_name=_("关联园区"),
        blank=True,
        related_name="enterprises",
        help_text=_("作为在园企业或潜在客户所在的园区；决定哪些园区的人员可查看联系人信息"),
    )
    # PROTECT: a survivor must not vanish while merged records still point at it.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("已合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )
    # Normalised name (no 有限公司 etc., no brackets): the dedup review groups by it.
    name_key = models.CharField(_("名称归一"), max_length=200, db_index=True, editable=False, default="")
    search_text = models.TextField(_("检索文本"), editable=False, default="")

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(listing_status=ListingStatus.UNLISTED) | ~Q(stock_code=""),
                name="enterprise_listed_needs_stock_code",
                violation_error_message=_("已上市企业须填写股票代码"),
            ),
            models.CheckConstraint(
                condition=Q(above_scale=True) | Q(above_scale_since__isnull=True),
                name="enterprise_scale_since_only_if_above",
                violation_error_message=_("只有规上企业才有规上起始日期"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_display(self) -> str:

        if not self.industry_code:
            return ""
        try:
            return industry.lookup(self.industry_code).label
        except ValidationError:  # a valid but unlisted code: show it with its section letter
            try:
                return industry.section_of(self.industry_code) + self.industry_code
            except ValidationError:
                return self.industry_code


class Contact(TimeStampedModel):
    """A person at an enterprise. Personal data: shown masked unless the viewer may see it (see access)."""

    # CASCADE: contacts have no meaning without their enterprise, and enterprises are merged, never deleted.
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=60)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    # Dedup and "search by contact mobile" look numbers up by their E.164 form.
    mobile = models.CharField(
        _("手机"), max_length=16, blank=True, db_index=True, help_text=_("保存为 +86 开头的国际格式")
    )
    landline = models.CharField(_("座机"), max_length=16, blank=True)
    landline_ext = models.CharField(_("分机"), max_length=8, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    wechat = models.CharField(_("微信"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)
    erased_at = models.DateTimeField(_("删除个人信息时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["-is_primary", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def mobile_national(self) -> str:
        return self.mobile.removeprefix("+86")

    @property
    def mobile_masked(self) -> str:
        if not self.mobile:
            return ""
        try:
            return mask_mobile(self.mobile)
        except ValidationError:
            return "****"

    @property
    def landline_display(self) -> str:
        if not self.landline:
            return ""
        try:
            number = parse_phone(self.landline).display
        except ValidationError:
            number = self.landline
        return f"{number} 转{self.landline_ext}" if self.landline_ext else number

    @property
    def landline_masked(self) -> str:
        display = self.landline_display
        return f"{display[:4]}****" if display else ""


class MergeRecord(models.Model):
    """History of a deduplication: which record was merged into which, with a snapshot of the merged one.

    `basis` says why (the duplicate finder's proposal, or a person's `reason`); `undo` lists what the
    merge moved and filled in, so that `enterprise_merge_revert` can put it back (`reverted_at`).
    """

    # PROTECT on both: the history must outlive any attempt to delete either record.
    survivor = models.ForeignKey(
        Enterprise, verbose_name=_("保留企业"), on_delete=models.PROTECT, related_name="merges_kept"
    )
    merged = models.ForeignKey(
        Enterprise, verbose_name=_("被合并企业"), on_delete=models.PROTECT, related_name="merges_absorbed"
    )
    snapshot: models.JSONField[dict[str, Any]] = models.JSONField(_("合并前快照"), default=dict)
    moved_contacts = models.PositiveIntegerField(_("转移联系人数"), default=0)
    basis = models.CharField(_("合并依据"), max_length=8, choices=MergeBasis.choices, default=MergeBasis.MANUAL)
    reason = models.CharField(_("合并理由"), max_length=300, blank=True)
    undo: models.JSONField[dict[str, Any]] = models.JSONField(_("撤销所需信息"), default=dict, editable=False)
    reverted_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # SET_NULL: the history outlives the person who reverted it.
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("合并时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业合并记录")
        verbose_name_plural = _("企业合并记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
