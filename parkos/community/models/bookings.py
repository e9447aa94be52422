"""Bookable rooms and shared equipment, their rules and tariffs, bookings, and calendar feeds.

No double booking, ever: besides the service's own check, the database refuses two active bookings of
one resource whose time ranges overlap — an exclusion constraint on PostgreSQL (btree_gist; `[)`
ranges, so 10:00–11:00 and 11:00–12:00 both stand) and triggers saying the same on SQLite (migration
0002). Both cover exactly the active statuses (pending and confirmed).

What is stored and what is derived:
- `Booking.free_minutes`, `chargeable_minutes`, `amount` are the quota allocation of the tenant's month
  (`rules.allocate_quota`), written only by `services.bookings` whenever a booking of that tenant,
  tariff and month is created or cancelled, so billing reads them as they are.
- `Booking.park` and `enterprise` are denormalised for scoping and the quota month.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.community.choices import ACTIVE_BOOKING_STATUSES, BookingAudience, BookingStatus, ResourceKind
from parkos.core.models import TimeStampedModel


class BookingTariff(TimeStampedModel):
    """How a park charges tenants for a group of resources: free minutes per tenant per month, then a price per hour.

    Resources share a tariff when their quota is shared (every meeting room of a park, say); the
    quota is per enterprise, per tariff and per calendar month (Asia/Shanghai).
    """

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="booking_tariffs"
    )
    name = models.CharField(_("名称"), max_length=60, help_text=_("如 会议室、路演厅、分析仪器"))
    free_minutes_per_month = models.PositiveIntegerField(
        _("每月免费时长（分钟）"), default=0, help_text=_("每家在园企业每自然月可免费使用的时长")
    )
    price_per_hour = models.DecimalField(
        _("超出后单价（元/小时，含税）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = _("预订收费标准")
        verbose_name_plural = _("预订收费标准")
        ordering = ["park", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="tariff_name_unique_in_park")]

    def __str__(self) -> str:
        return self.name


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class BookableResource(TimeStampedModel):
    """A meeting room, roadshow hall, exhibition hall or shared instrument that people book by the slot.

    The rule fields are what `rules.BookingRules` checks: opening hours (on Chinese working days unless
    `working_days_only` is off), slot, minimum and maximum length, lead time, how far ahead, who may book,
    and above what size a booking waits for approval.
    """

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="bookable_resources"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ResourceKind.choices)
    code = models.SlugField(_("编号"), max_length=40, help_text=_("园区内唯一，如 MR-301"))
    name = models.CharField(_("名称"), max_length=80)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    # SET_NULL: a unit being archived must not remove the room's booking history.
    unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("所在单元"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookable_resources",
    )
    capacity = models.PositiveIntegerField(_("容纳人数"), null=True, blank=True, help_text=_("设备可留空"))
    description = models.TextField(_("说明"), blank=True)
    tariff = models.ForeignKey(
        BookingTariff,
        verbose_name=_("收费标准"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        help_text=_("为空表示免费"),
    )
    # Rules.
    opens_at = models.TimeField(_("开放时间"), default=datetime.time(8, 30))
    closes_at = models.TimeField(_("关闭时间"), default=datetime.time(18, 0))
    working_days_only = models.BooleanField(
        _("仅工作日开放"), default=True, help_text=_("按国家法定节假日和调休安排；展厅等周末开放的取消勾选")
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("时间粒度（分钟）"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    min_minutes = models.PositiveSmallIntegerField(_("最短时长（分钟）"), default=30)
    max_minutes = models.PositiveSmallIntegerField(_("最长时长（分钟）"), default=240)
    min_lead_minutes = models.PositiveIntegerField(_("至少提前（分钟）"), default=60)
    max_advance_days = models.PositiveSmallIntegerField(_("最多提前（天）"), default=60)
    audience = models.CharField(
        _("可预订对象"), max_length=10, choices=BookingAudience.choices, default=BookingAudience.TENANTS
    )
    allowed_enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name=_("指定企业"),
        blank=True,
        related_name="+",
        help_text=_("可预订对象为“指定企业”时生效，如已完成仪器操作培训的企业"),
    )
    approval_above_attendees = models.PositiveIntegerField(
        _("人数超过需审批"), null=True, blank=True, help_text=_("为空表示不按人数审批")
    )
    approval_above_minutes = models.PositiveIntegerField(
        _("时长超过需审批（分钟）"), null=True, blank=True, help_text=_("为空表示不按时长审批")
    )
    active = models.BooleanField(_("启用"), default=True)
    ical_token = models.CharField(_("日历订阅令牌"), max_length=64, unique=True, default=_new_token, editable=False)

    class Meta:
        verbose_name = _("可预订资源")
        verbose_name_plural = _("可预订资源")
        ordering = ["park", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["park", "code"], name="resource_code_unique_in_park"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="resource_hours_ordered",
                violation_error_message=_("关闭时间须晚于开放时间"),
            ),
            models.CheckConstraint(
                condition=Q(max_minutes__gte=models.F("min_minutes")),
                name="resource_lengths_ordered",
                violation_error_message=_("最长时长不能短于最短时长"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:resource_calendar", args=[self.pk])


class BookingSeries(TimeStampedModel):
    """A weekly recurring booking (每周例会): one booking row per occurrence, minus the exception dates."""

    resource = models.ForeignKey(
        BookableResource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="series"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("预订企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("主题"), max_length=120)
    first_starts_at = models.DateTimeField(_("首次开始"))
    duration_minutes = models.PositiveIntegerField(_("时长（分钟）"))
    until = models.DateField(_("重复至"))
    exceptions: models.JSONField[list[str]] = models.JSONField(
        _("例外日期"), default=list, blank=True, help_text=_("不举行的日期（ISO 格式），含节假日自动跳过和单次取消")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预订人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("周期预订")
        verbose_name_plural = _("周期预订")
        ordering = ["-first_starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        """Bookings that hold their slot (pending or confirmed)."""
        return self.filter(status__in=ACTIVE_BOOKING_STATUSES)

    def overlapping(self, start: datetime.datetime, end: datetime.datetime) -> BookingQuerySet:
        """Half-open overlap: [start, end) meets [starts_at, ends_at)."""
        return self.filter(starts_at__lt=end, ends_at__gt=start)


class Booking(TimeStampedModel):
    """One booking of one resource for a time range, by a person, for an enterprise or the operator itself."""

    resource = models.ForeignKey(
        BookableResource, verbose_name=_("资源"), on_delete=models.PROTECT, related_name="bookings"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    # PROTECT: a booking that may be billed keeps its enterprise; enterprises are merged, never deleted.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("预订企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="room_bookings",
        help_text=_("为空表示园区内部使用（不计费）"),
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("周期预订"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    title = models.CharField(_("主题"), max_length=120)
    attendees = models.PositiveIntegerField(_("人数"), default=1, validators=[MinValueValidator(1)])
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(_("状态"), max_length=10, choices=BookingStatus.choices, editable=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预订人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="room_bookings",
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # Quota allocation, frozen at the tariff of the day (see the module docstring).
    tariff = models.ForeignKey(
        BookingTariff,
        verbose_name=_("收费标准"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    unit_price = models.DecimalField(
        _("单价（元/小时）"), max_digits=10, decimal_places=2, default=Decimal(0), editable=False
    )
    free_minutes = models.PositiveIntegerField(_("免费时长（分钟）"), default=0, editable=False)
    chargeable_minutes = models.PositiveIntegerField(_("计费时长（分钟）"), default=0, editable=False)
    amount = models.DecimalField(_("费用（元）"), max_digits=12, decimal_places=2, default=Decimal(0), editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("取消/驳回原因"), max_length=300, blank=True, editable=False)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("预订")
        verbose_name_plural = _("预订")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="booking_times_ordered",
                violation_error_message=_("结束时间须晚于开始时间"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in BookingStatus]),
                name="booking_status_known",
            ),
        ]
        indexes = [
            # A resource's calendar: its bookings in a window; also the overlap pre-check.
            models.Index(fields=["resource", "starts_at"], name="booking_resource_start_idx"),
            # A tenant's quota month and the billing export: an enterprise's bookings by start.
            models.Index(fields=["enterprise", "starts_at"], name="booking_enterprise_start_idx"),
            models.Index(fields=["park", "starts_at"], name="booking_park_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("community:booking_detail", args=[self.pk])

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BOOKING_STATUSES


class QuotaLock(models.Model):
    """The row a tenant's bookings against one tariff in one month lock, so quota is allocated one at a time.

    Holds no figures (the bookings are the truth); it exists so that two bookings of the same tenant on
    two different rooms cannot both take the last free hour.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    tariff = models.ForeignKey(BookingTariff, verbose_name=_("收费标准"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"), help_text=_("当月1日"))

    class Meta:
        verbose_name = _("额度锁")
        verbose_name_plural = _("额度锁")
        constraints = [models.UniqueConstraint(fields=["enterprise", "tariff", "month"], name="quota_lock_once")]

    def __str__(self) -> str:
        return f"{self.enterprise_id}/{self.tariff_id}/{self.month:%Y-%m}"


class PersonalCalendarFeed(models.Model):
    """A person's secret iCalendar address (their bookings), for calendar apps that cannot log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("令牌"), max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("个人日历订阅")
        verbose_name_plural = _("个人日历订阅")

    def __str__(self) -> str:
        return str(self.user)
