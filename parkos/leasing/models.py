"""Lease and sale contracts, the spaces they cover, their history, rent accruals and renewal tasks.

Occupancy derives from these rows: a unit or parcel is leased or sold because an executed contract
covers it (see `services.refresh_space_occupancy`), never because someone typed it.

What is stored and what is derived:
- `Contract.status` stores only workflow facts (draft, approved, signed, terminated, cancelled).
  Whether a signed contract is active, expiring, ended or renewed on a day follows from its dates and
  is computed by `Contract.lifecycle_on(day)` (Python) and `selectors.lifecycle_q` (SQL).
- `ContractSpace.start_on/end_on/occupies` copy the contract's occupying period (end capped by an
  early termination) onto each space, so point-in-time occupancy and the overlap check read one
  indexed table. They are written only by `services._sync_spaces`.
- `ContractMonth` holds the accrued rent of each calendar month of a signed lease, generated from the
  terms by `schedule.monthly_accruals` at signing (and regenerated at termination): the rent roll
  sums these rows instead of recomputing 15,000 schedules.
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
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.leasing.choices import (
    ContractEventKind,
    ContractKind,
    ContractLifecycle,
    ContractStatus,
    PaymentPeriod,
    RenewalTaskStatus,
    TerminationReason,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal(0)
#: A signed lease whose last day is at most this many days away is "expiring" (即将到期).
EXPIRING_DAYS = 90
OCCUPYING_STATUSES = (ContractStatus.SIGNED, ContractStatus.TERMINATED)


def _money(verbose: StrOrPromise, *, help_text: StrOrPromise = "") -> Any:
    return models.DecimalField(
        verbose,
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=help_text,
    )


class ContractQuerySet(models.QuerySet["Contract"]):
    def occupying(self) -> ContractQuerySet:
        """Executed contracts (signed, or signed then terminated early): the ones that occupy space."""
        return self.filter(status__in=OCCUPYING_STATUSES)


class Contract(TimeStampedModel):
    """A lease (租赁合同) or sale (销售合同) between the operator and an enterprise, for units or a parcel."""

    number = models.CharField(_("合同编号"), max_length=40, unique=True, blank=True)
    # PROTECT: contracts are the history of a park; parks are archived, never deleted.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="contracts")
    # PROTECT: an enterprise with contracts is merged or kept, never deleted.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="contracts"
    )
    kind = models.CharField(_("合同类型"), max_length=8, choices=ContractKind.choices, default=ContractKind.LEASE)
    status = models.CharField(
        _("状态"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT, editable=False
    )
    # SET_NULL: a lead deleted by mistake must not take the contract with it. Signing moves the lead
    # to 已签约 (see services.contract_sign).
    lead = models.ForeignKey(
        "investment.Lead",
        verbose_name=_("招商线索"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    start_on = models.DateField(_("起租/交易日期"), help_text=_("租赁合同的起租日；销售合同的产权转移日"))
    end_on = models.DateField(_("到期日期"), null=True, blank=True, help_text=_("租赁合同必填（含当日）；销售合同为空"))
    handover_on = models.DateField(_("交付日期"), null=True, blank=True)
    area_sqm = models.DecimalField(_("合同面积（m²）"), max_digits=12, decimal_places=2, default=ZERO)
    rent_per_sqm_month = models.DecimalField(
        _("租金单价（元/m²·月）"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    sale_price_per_sqm = _money(_("销售单价（元/m²）"))
    sale_total = _money(_("销售总价（元）"), help_text=_("不填时按单价×面积计算"))
    deposit = _money(_("保证金（元）"))
    payment_period = models.CharField(
        _("付款周期"), max_length=12, choices=PaymentPeriod.choices, default=PaymentPeriod.QUARTERLY
    )
    free_rent_months = models.PositiveSmallIntegerField(_("免租期（月）"), default=0)
    rent_discount_rate = models.DecimalField(
        _("租金减免比例"),
        max_digits=5,
        decimal_places=4,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(1))],
        help_text=_("免租期之后的减免期内减免的租金比例，如 0.5 表示减半"),
    )
    rent_discount_months = models.PositiveSmallIntegerField(
        _("租金减免期（月）"), default=0, help_text=_("紧接免租期之后的月数")
    )
    # Written by `services.contract_create_draft` when a rent-support provider (an incubation
    # programme) grants the enterprise a concession; shown on the contract so nobody wonders why.
    rent_support_note = models.CharField(_("租金优惠政策"), max_length=200, blank=True, editable=False)
    escalation_rate = models.DecimalField(
        _("租金递增率"),
        max_digits=6,
        decimal_places=4,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("如 0.05 表示每次递增5%"),
    )
    escalation_every_years = models.PositiveSmallIntegerField(_("递增周期（年）"), default=0)
    property_fee_per_sqm_month = models.DecimalField(
        _("物业费（元/m²·月）"), max_digits=8, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    property_fee_free_during_free_rent = models.BooleanField(_("免租期内免物业费"), default=False)
    # Commitments of the investment agreement (投资协议承诺).
    committed_investment_wan = _money(_("承诺投资额（万元）"))
    committed_annual_output_wan = _money(_("承诺年产值（万元）"))
    committed_annual_tax_wan = _money(_("承诺年税收（万元）"))
    committed_jobs = models.PositiveIntegerField(_("承诺就业人数"), null=True, blank=True)
    committed_production_on = models.DateField(_("承诺投产日期"), null=True, blank=True)
    # PROTECT: a renewal keeps pointing at the contract it renews.
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("续签自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True, editable=False)
    termination_reason = models.CharField(
        _("终止原因"), max_length=16, choices=TerminationReason.choices, blank=True, editable=False
    )
    termination_note = models.CharField(_("终止说明"), max_length=300, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("租售合同")
        verbose_name_plural = _("租售合同")
        ordering = ["-start_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="contract_dates_ordered",
                violation_error_message=_("到期日期不能早于起租日期"),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ContractKind.LEASE) | Q(end_on__isnull=False),
                name="contract_lease_has_end",
                violation_error_message=_("租赁合同必须填写到期日期"),
            ),
            models.CheckConstraint(
                condition=Q(status=ContractStatus.TERMINATED, terminated_on__isnull=False)
                | (~Q(status=ContractStatus.TERMINATED) & Q(terminated_on__isnull=True)),
                name="contract_terminated_has_date",
                violation_error_message=_("只有提前终止的合同才有终止日期，且必须有"),
            ),
        ]
        indexes = [
            # The contract list of a park, by status and end (expiries).
            models.Index(fields=["park", "status", "end_on"], name="contract_park_status_end_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("leasing:contract_detail", args=[self.pk])

    @property
    def effective_end_on(self) -> datetime.date | None:
        """The last day the contract occupies its spaces: the end, capped by an early termination."""
        if self.terminated_on is not None:
            return self.terminated_on if self.end_on is None else min(self.terminated_on, self.end_on)
        return self.end_on

    @property
    def is_executed(self) -> bool:
        return self.status in OCCUPYING_STATUSES

    def lifecycle_on(self, day: datetime.date, *, renewed: bool | None = None) -> ContractLifecycle:
        """The contract's lifecycle on `day`; mirrors `selectors.lifecycle_q`.

        `renewed` says whether a signed renewal exists (queried when None).
        """
        if self.status == ContractStatus.DRAFT:
            return ContractLifecycle.DRAFT
        if self.status == ContractStatus.APPROVED:
            return ContractLifecycle.APPROVED
        if self.status == ContractStatus.CANCELLED:
            return ContractLifecycle.CANCELLED
        if self.status == ContractStatus.TERMINATED and self.terminated_on is not None and self.terminated_on < day:
            return ContractLifecycle.TERMINATED
        if day < self.start_on:
            return ContractLifecycle.SIGNED
        end = self.effective_end_on
        if end is not None and end < day:
            if renewed is None:
                renewed = self.renewals.filter(status__in=OCCUPYING_STATUSES).exists()
            return ContractLifecycle.RENEWED if renewed else ContractLifecycle.ENDED
        if self.kind == ContractKind.LEASE and end is not None and (end - day).days <= EXPIRING_DAYS:
            return ContractLifecycle.EXPIRING
        return ContractLifecycle.ACTIVE

    @property
    def sale_amount(self) -> Decimal | None:
        total: Decimal | None = self.sale_total
        price: Decimal | None = self.sale_price_per_sqm
        if total is not None:
            return total
        if price is not None:
            return (price * self.area_sqm).quantize(Decimal("0.01"))
        return None

    @property
    def has_commitments(self) -> bool:
        return any(
            v is not None
            for v in (
                self.committed_investment_wan,
                self.committed_annual_output_wan,
                self.committed_annual_tax_wan,
                self.committed_jobs,
                self.committed_production_on,
            )
        )

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.kind == ContractKind.LEASE:
            if self.end_on is None:
                errors.setdefault("end_on", []).append(ValidationError(_("租赁合同必须填写到期日期")))
            if not self.rent_per_sqm_month:
                errors.setdefault("rent_per_sqm_month", []).append(ValidationError(_("租赁合同必须填写租金单价")))
        elif self.kind == ContractKind.SALE:
            if self.sale_total is None and self.sale_price_per_sqm is None:
                errors.setdefault("sale_price_per_sqm", []).append(ValidationError(_("销售合同须填写销售单价或总价")))
            if self.end_on is not None:
                errors.setdefault("end_on", []).append(ValidationError(_("销售合同没有到期日期")))
        if self.end_on and self.start_on and self.end_on < self.start_on:
            errors.setdefault("end_on", []).append(ValidationError(_("到期日期不能早于起租日期")))
        if self.handover_on and self.end_on and self.handover_on > self.end_on:
            errors.setdefault("handover_on", []).append(ValidationError(_("交付日期不能晚于到期日期")))
        if errors:
            raise ValidationError(errors)


class ContractSpace(models.Model):
    """One unit or land parcel covered by a contract, with its area at signing and occupying period."""

    # CASCADE: a space line has no meaning without its contract (and executed contracts are never deleted).
    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="spaces")
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    # PROTECT: a unit with contract history is archived, not deleted.
    unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("单元"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_spaces",
    )
    parcel = models.ForeignKey(
        "parks.LandParcel",
        verbose_name=_("地块"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_spaces",
    )
    building = models.ForeignKey(
        "parks.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area_sqm = models.DecimalField(_("面积（m²）"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("合同类型"), max_length=8, choices=ContractKind.choices, editable=False)
    occupies = models.BooleanField(_("占用中"), default=False, editable=False, help_text=_("合同已签约（执行）"))
    start_on = models.DateField(_("占用起始"), editable=False)
    end_on = models.DateField(_("占用截止"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("合同空间")
        verbose_name_plural = _("合同空间")
        ordering = ["contract", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(parcel__isnull=True))
                | (Q(unit__isnull=True) & Q(parcel__isnull=False)),
                name="contract_space_unit_xor_parcel",
                violation_error_message=_("合同空间必须且只能是一个单元或一个地块"),
            ),
            models.UniqueConstraint(fields=["contract", "unit"], name="contract_space_unit_once"),
            models.UniqueConstraint(fields=["contract", "parcel"], name="contract_space_parcel_once"),
        ]
        indexes = [
            # Overlap check and history of one unit / parcel.
            models.Index(fields=["unit", "start_on"], name="cspace_unit_start_idx"),
            models.Index(fields=["parcel", "start_on"], name="cspace_parcel_start_idx"),
            # Point-in-time occupancy and WALT of parks and buildings.
            models.Index(fields=["park", "start_on", "end_on"], name="cspace_park_start_idx"),
            models.Index(fields=["building", "start_on"], name="cspace_building_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} · {self.unit or self.parcel}"


class ContractEvent(models.Model):
    """One step in a contract's history (drafted, approved, signed, terminated…), with who and when."""

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=16, choices=ContractEventKind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("合同事件")
        verbose_name_plural = _("合同事件")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.contract} {self.get_kind_display()}"


class ContractMonth(models.Model):
    """Rent and property fee a signed lease accrues in one calendar month (the rent roll's rows)."""

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="months")
    # Denormalised so the rent roll of some parks reads one table (and partitions by park).
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"), help_text=_("当月1日"))
    rent = models.DecimalField(_("租金（元）"), max_digits=14, decimal_places=2)
    property_fee = models.DecimalField(_("物业费（元）"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("月度应收")
        verbose_name_plural = _("月度应收")
        ordering = ["contract", "month"]
        constraints = [models.UniqueConstraint(fields=["contract", "month"], name="contract_month_once")]
        # The rent roll: months of a year in some parks.
        indexes = [models.Index(fields=["park", "month"], name="cmonth_park_month_idx")]

    def __str__(self) -> str:
        return f"{self.contract} {self.month:%Y-%m}"


class RenewalTask(models.Model):
    """A reminder for the leasing manager to negotiate the renewal of an expiring lease."""

    contract = models.OneToOneField(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="renewal_task"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("提醒日期"), help_text=_("到期前90天，顺延至工作日（中国法定节假日）"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal_tasks",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=RenewalTaskStatus.choices, default=RenewalTaskStatus.OPEN
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("续签任务")
        verbose_name_plural = _("续签任务")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["park", "status", "due_on"], name="renewal_park_status_idx")]

    def __str__(self) -> str:
        return f"{self.contract} → {self.due_on}"


class Presence(TimeStampedModel):
    """A stay of an enterprise in a park that an officer entered (在园记录): moved in, moved out.

    Where an enterprise has any such stay in a park, these are its presence there; else its
    contracts' dates are (`presence.presence_of`, RULES §5.3). Written only through
    `services.presence_record` / `presence_correct`, which refuse overlapping stays and audit
    every change (the history on the presence page is the audit trail).
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="presences"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    moved_in_on = models.DateField(_("迁入日期"))
    moved_out_on = models.DateField(
        _("迁出日期"), null=True, blank=True, help_text=_("在园的最后一天（含当日）；仍在园则留空")
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("在园记录")
        verbose_name_plural = _("在园记录")
        ordering = ["enterprise", "park", "moved_in_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=models.F("moved_in_on")),
                name="presence_out_after_in",
                violation_error_message=_("迁出日期必须晚于迁入日期"),
            ),
        ]
        indexes = [models.Index(fields=["park", "enterprise"], name="presence_park_enterprise_idx")]

    def __str__(self) -> str:
        out = self.moved_out_on.isoformat() if self.moved_out_on else "…"
        return f"{self.enterprise_id}@{self.park_id} {self.moved_in_on.isoformat()}–{out}"
