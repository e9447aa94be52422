"""Meters and sensors, their readings and rollups, alarms and their escalation.

What is stored and what is derived, and who writes it:
- `Meter` is a measuring point (a unit's electricity feed, a clean room's pressure sensor); the
  physical instruments installed there over time are `MeterDevice` rows. Replacing an instrument
  adds a device and the point's series continues (readings belong to the point). Written by
  `services.meter_*`.
- `Reading` is what a device reported, one row per point and second: `raw` as sent, `value` the
  point's continuous register in engineering units (counters only: raw × multiplier, continued
  across device changes, resets and roll-overs), `quantity` what the reading contributes (a
  counter's consumption since the previous reading; an instantaneous sensor's value). Written only by
  `ingest.ingest_readings`; on PostgreSQL the table is partitioned by month (`storage`).
- `HourlyRollup`, `DailyRollup` and `MonthlyRollup` aggregate `quantity` per bucket. They are derived:
  the ingestion recomputes the buckets a batch touched (late readings included) in the same
  transaction, and `storage.rebuild_rollups` rebuilds any range.
- `RejectedReading` keeps every refused reading with its reason; nothing is dropped silently.
- `AlarmRule` says what to watch; `RuleState` where a rule stands for a meter between readings;
  `Alarm` is one raised condition (at most one not closed per rule and meter), with its `AlarmEvent`
  history and the `AlarmNotification`s sent by its `EscalationPolicy`. Written by `alarms`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.monitoring import messages
from parkos.monitoring.choices import (
    KIND_UNITS,
    UTILITY_KINDS,
    AlarmEventKind,
    AlarmStatus,
    AllocationMethod,
    EscalationCalendar,
    MeterKind,
    MeterMeasure,
    MeterStatus,
    NotifyChannel,
    ReadingSource,
    RejectReason,
    RuleKind,
    Severity,
)

ONE = Decimal(1)


class Gateway(TimeStampedModel):
    """A data gateway (数据采集网关) that sends readings of one park, over HTTP or MQTT.

    Its token is shown once when created or rotated; only its SHA-256 is stored.
    """

    # PROTECT: a park is archived, never deleted.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="gateways")
    code = models.CharField(
        _("网关编号"), max_length=40, help_text=_("MQTT 主题中使用：parkos/<园区编号>/<网关编号>/readings")
    )
    name = models.CharField(_("名称"), max_length=100)
    token_prefix = models.CharField(_("令牌前缀"), max_length=12, editable=False)
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    last_seen_at = models.DateTimeField(_("最近上报"), null=True, blank=True, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("采集网关")
        verbose_name_plural = _("采集网关")
        ordering = ["park", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="gateway_park_code_unique",
                violation_error_message=_("该园区已有此网关编号"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Meter(TimeStampedModel):
    """A measuring point: a meter (电/水/气/蒸汽/冷量) or a sensor (环境、洁净区压差、废水) in a park.

    Located in a park and optionally a building, floor and unit; a tenant's meter names its
    enterprise, else the occupant of its unit on each day is the tenant (leasing). A virtual meter
    has no device: its series is the sum of its `VirtualTerm`s (e.g. a building minus its tenants =
    the common area).
    """

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="meters")
    code = models.CharField(_("表计编号"), max_length=60, help_text=_("网关上报读数时使用的测点编号，园区内唯一"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=24, choices=MeterKind.choices)
    measure = models.CharField(_("计量方式"), max_length=16, choices=MeterMeasure.choices)
    measure_unit = models.CharField(_("计量单位"), max_length=16, blank=True, help_text=_("留空则按类型取默认单位"))
    # PROTECT: spaces with meters are archived, not deleted.
    building = models.ForeignKey(
        "parks.Building", verbose_name=_("楼栋"), on_delete=models.PROTECT, null=True, blank=True, related_name="meters"
    )
    floor = models.ForeignKey(
        "parks.Floor", verbose_name=_("楼层"), on_delete=models.PROTECT, null=True, blank=True, related_name="meters"
    )
    unit = models.ForeignKey(
        "parks.Unit", verbose_name=_("单元"), on_delete=models.PROTECT, null=True, blank=True, related_name="meters"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("归属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meters",
        help_text=_("企业自有表填写；留空时按单元当日的承租企业计"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级表"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("本表是哪块总表的分表；没有上级表的电表之和即园区总负荷"),
    )
    is_virtual = models.BooleanField(_("虚拟表"), default=False, help_text=_("由其他表计加减得出，不接收读数"))
    # SET_NULL: retiring a gateway must not touch its meters.
    gateway = models.ForeignKey(
        Gateway,
        verbose_name=_("采集网关"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meters",
        help_text=_("留空表示园区内任一网关均可上报"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=MeterStatus.choices, default=MeterStatus.ACTIVE)
    register_max = models.FloatField(
        _("计数器最大值"), null=True, blank=True, help_text=_("表盘满量程后归零（如 99999999.9）；用于区分翻转与倒退")
    )
    max_rate = models.FloatField(
        _("每小时最大合理用量"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("累计表：每小时用量超过即判为突变；单元电表留空时取单元容量（kVA）的1.5倍"),
    )
    max_step = models.FloatField(
        _("相邻读数最大变化"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("瞬时值：超过即判为突变"),
    )
    valid_min = models.FloatField(_("量程下限"), null=True, blank=True)
    valid_max = models.FloatField(_("量程上限"), null=True, blank=True)
    expected_interval_s = models.PositiveIntegerField(
        _("上报周期（秒）"),
        default=900,
        validators=[MinValueValidator(1)],
        help_text=_("超过两倍周期未上报视为数据缺口"),
    )
    paired_flow = models.ForeignKey(
        "self",
        verbose_name=_("同一排口的流量计"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("COD 传感器：与流量相乘得出排放量（吨）"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("表计/传感器")
        verbose_name_plural = _("表计/传感器")
        ordering = ["park", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="meter_park_code_unique",
                violation_error_message=_("该园区已有此表计编号"),
            ),
            models.CheckConstraint(
                condition=Q(valid_min__isnull=True)
                | Q(valid_max__isnull=True)
                | Q(valid_max__gt=models.F("valid_min")),
                name="meter_valid_range_ordered",
                violation_error_message=_("量程上限必须大于下限"),
            ),
        ]
        indexes = [
            # The park's meters of a kind (dashboard, energy, missing-data checks).
            models.Index(fields=["park", "kind", "status"], name="meter_park_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:meter_detail", args=[self.pk])

    @property
    def unit_label(self) -> str:
        return self.measure_unit or KIND_UNITS.get(self.kind, "")

    @property
    def is_counter(self) -> bool:
        return self.measure == MeterMeasure.COUNTER

    @property
    def is_utility(self) -> bool:
        return self.kind in UTILITY_KINDS

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        floor, unit, building, gateway, parent, flow = (
            self.floor,
            self.unit,
            self.building,
            self.gateway,
            self.parent,
            self.paired_flow,
        )
        if self.kind in UTILITY_KINDS and self.measure != MeterMeasure.COUNTER and not self.is_virtual:
            errors["measure"] = _("电、水、气、蒸汽、冷量表应为累计量")
        if floor is not None and building is not None and floor.building_id != building.pk:
            errors["floor"] = _("楼层不属于所选楼栋")
        if unit is not None:
            if building is not None and unit.building_id != building.pk:
                errors["unit"] = _("单元不属于所选楼栋")
            if unit.park_id != self.park_id:
                errors["unit"] = _("单元不属于所选园区")
        if building is not None and building.park_id != self.park_id:
            errors["building"] = _("楼栋不属于所选园区")
        if gateway is not None and gateway.park_id != self.park_id:
            errors["gateway"] = _("网关不属于所选园区")
        if parent is not None and (parent.pk == self.pk or parent.park_id != self.park_id):
            errors["parent"] = _("上级表必须是同一园区的另一块表")
        if flow is not None and flow.kind != MeterKind.WASTEWATER_FLOW:
            errors["paired_flow"] = _("请选择废水流量计")
        if errors:
            raise ValidationError(errors)


class MeterDevice(TimeStampedModel):
    """A physical instrument installed at a measuring point for a time (serial number, CT ratio).

    `multiplier` turns the register into engineering units (CT ratio × PT ratio for electricity,
    0.001 for a gas meter counting litres). At a replacement the old device's final reading and the
    new one's initial reading make the point's series continue without a jump.
    """

    # CASCADE: devices are part of their point.
    meter = models.ForeignKey(Meter, verbose_name=_("测点"), on_delete=models.CASCADE, related_name="devices")
    serial_number = models.CharField(_("表具编号"), max_length=60)
    multiplier = models.DecimalField(
        _("倍率"),
        max_digits=14,
        decimal_places=6,
        default=ONE,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_("互感器变比等，如 200/5 填 40"),
    )
    installed_at = models.DateTimeField(_("安装时间"))
    removed_at = models.DateTimeField(_("拆除时间"), null=True, blank=True)
    initial_reading = models.FloatField(_("安装时表底读数"), default=0)
    final_reading = models.FloatField(_("拆除时表底读数"), null=True, blank=True)

    class Meta:
        verbose_name = _("表具")
        verbose_name_plural = _("表具")
        ordering = ["meter", "installed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meter"],
                condition=Q(removed_at__isnull=True),
                name="meter_one_installed_device",
                violation_error_message=_("该测点已有在装表具，请先拆除"),
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(removed_at__gt=models.F("installed_at")),
                name="device_removed_after_installed",
                violation_error_message=_("拆除时间必须晚于安装时间"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial_number} ×{self.multiplier}"

    def covers(self, moment: datetime.datetime) -> bool:
        return self.installed_at <= moment and (self.removed_at is None or moment <= self.removed_at)


class VirtualTerm(models.Model):
    """One term of a virtual meter: coefficient × another meter's series (+1 adds, −1 subtracts)."""

    virtual = models.ForeignKey(Meter, verbose_name=_("虚拟表"), on_delete=models.CASCADE, related_name="terms")
    # PROTECT: a meter in a formula cannot disappear from under it.
    source = models.ForeignKey(Meter, verbose_name=_("参与计算的表"), on_delete=models.PROTECT, related_name="+")
    coefficient = models.DecimalField(_("系数"), max_digits=8, decimal_places=4, default=ONE)

    class Meta:
        verbose_name = _("虚拟表项")
        verbose_name_plural = _("虚拟表项")
        ordering = ["virtual", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["virtual", "source"], name="virtual_term_unique", violation_error_message=_("该表已在公式中")
            )
        ]

    def __str__(self) -> str:
        return f"{self.coefficient:+} × {self.source_id}"


class MeterAllocation(TimeStampedModel):
    """How a common (shared or virtual) meter is split among the tenants it serves.

    The tenants are those of the meter's building (the whole park when it has none). By area: each
    tenant's share is its leased area there on each day; by consumption: in proportion to the
    tenants' own meters of the same kind; fixed: the `MeterShare` percentages.
    """

    meter = models.OneToOneField(Meter, verbose_name=_("公摊表"), on_delete=models.CASCADE, related_name="allocation")
    method = models.CharField(_("分摊方式"), max_length=16, choices=AllocationMethod.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公摊规则")
        verbose_name_plural = _("公摊规则")

    def __str__(self) -> str:
        return f"{self.meter} · {self.get_method_display()}"


class MeterShare(models.Model):
    """A fixed percentage of a common meter borne by one enterprise (分摊方式为按约定比例时)."""

    allocation = models.ForeignKey(
        MeterAllocation, verbose_name=_("公摊规则"), on_delete=models.CASCADE, related_name="shares"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    percent = models.DecimalField(
        _("比例（%）"), max_digits=7, decimal_places=4, validators=[MinValueValidator(Decimal("0.0001"))]
    )

    class Meta:
        verbose_name = _("公摊比例")
        verbose_name_plural = _("公摊比例")
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "enterprise"],
                name="meter_share_unique",
                violation_error_message=_("该企业已有比例"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.percent}%"


class Reading(models.Model):
    """One reading of a measuring point: the key is (meter, ts), so a re-sent reading is a duplicate.

    The table is created by hand in the migration: `WITHOUT ROWID` on SQLite (rows clustered by the
    key), and on PostgreSQL partitioned by month on `ts` (see `storage`).
    """

    pk = models.CompositePrimaryKey("meter", "ts")
    # PROTECT: a meter with readings is retired, never deleted. No separate index: the key leads with it.
    meter = models.ForeignKey(Meter, verbose_name=_("测点"), on_delete=models.PROTECT, db_index=False)
    ts = models.DateTimeField(_("时间"))
    raw = models.FloatField(_("原始读数"))
    value = models.FloatField(_("连续读数"), null=True, blank=True)
    quantity = models.FloatField(_("用量/数值"), null=True, blank=True)
    flags = models.PositiveSmallIntegerField(_("质量标记"), default=0)
    source = models.PositiveSmallIntegerField(_("来源"), choices=ReadingSource.choices, default=ReadingSource.API)

    class Meta:
        verbose_name = _("读数")
        verbose_name_plural = _("读数")

    def __str__(self) -> str:
        return f"{self.meter_id} {self.ts:%Y-%m-%d %H:%M:%S} {self.raw}"


class _Rollup(models.Model):
    samples = models.PositiveIntegerField(_("样本数"))
    total = models.FloatField(_("合计"))
    minimum = models.FloatField(_("最小值"), null=True)
    maximum = models.FloatField(_("最大值"), null=True)

    class Meta:
        abstract = True

    @property
    def average(self) -> float | None:
        return self.total / self.samples if self.samples else None


class HourlyRollup(_Rollup):
    """A meter's readings aggregated per hour (the hour that each reading ends; UTC start)."""

    pk = models.CompositePrimaryKey("meter", "hour")
    meter = models.ForeignKey(Meter, verbose_name=_("测点"), on_delete=models.PROTECT, db_index=False)
    hour = models.DateTimeField(_("小时"))

    class Meta:
        verbose_name = _("小时汇总")
        verbose_name_plural = _("小时汇总")

    def __str__(self) -> str:
        return f"{self.meter_id} {self.hour:%Y-%m-%d %H}:00"


class DailyRollup(_Rollup):
    """A meter's readings aggregated per local day."""

    pk = models.CompositePrimaryKey("meter", "day")
    meter = models.ForeignKey(Meter, verbose_name=_("测点"), on_delete=models.PROTECT, db_index=False)
    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("日汇总")
        verbose_name_plural = _("日汇总")
        indexes = [models.Index(fields=["day"], name="daily_rollup_day_idx")]  # a park's day across meters

    def __str__(self) -> str:
        return f"{self.meter_id} {self.day}"


class MonthlyRollup(_Rollup):
    """A meter's readings aggregated per local calendar month (`month` is its first day)."""

    pk = models.CompositePrimaryKey("meter", "month")
    meter = models.ForeignKey(Meter, verbose_name=_("测点"), on_delete=models.PROTECT, db_index=False)
    month = models.DateField(_("月份"))

    class Meta:
        verbose_name = _("月汇总")
        verbose_name_plural = _("月汇总")
        # The monthly consumption of every tenant reads one month across all meters.
        indexes = [models.Index(fields=["month"], name="monthly_rollup_month_idx")]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.month:%Y-%m}"


class RejectedReading(models.Model):
    """A reading that was refused, kept with its reason so that nothing disappears silently."""

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # SET_NULL: a reject names its meter by code too.
    meter = models.ForeignKey(
        Meter, verbose_name=_("测点"), on_delete=models.SET_NULL, null=True, blank=True, related_name="rejects"
    )
    meter_code = models.CharField(_("表计编号"), max_length=60, blank=True)
    gateway = models.ForeignKey(
        Gateway, verbose_name=_("网关"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ts = models.DateTimeField(_("读数时间"), null=True, blank=True)
    raw_value = models.CharField(_("上报值"), max_length=60, blank=True)
    source = models.PositiveSmallIntegerField(_("来源"), choices=ReadingSource.choices)
    reason = models.CharField(_("原因"), max_length=20, choices=RejectReason.choices)
    # What the reason does not say, as a code and its figures (`messages.REJECT_DETAILS`), worded in the
    # reader's language when shown; the Chinese words are kept too (the admin, and rows refused before
    # codes whose text was not read).
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    detail_code = models.CharField(_("说明代码"), max_length=20, blank=True)
    detail_params = models.JSONField(_("说明参数"), default=dict, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("被拒读数")
        verbose_name_plural = _("被拒读数")
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The rejects page of a park, newest first; retention deletes by received_at.
            models.Index(fields=["park", "-received_at"], name="reject_park_received_idx"),
            models.Index(fields=["meter", "-received_at"], name="reject_meter_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.meter_code} {self.ts} {self.get_reason_display()}"

    @property
    def detail_text(self) -> str:
        """What the detail adds to the (translated) reason, in the reader's language: "" where it only
        repeats the reason's Chinese words, as ingestion stores a refusal that has no detail of its own."""
        if self.detail_code and (words := messages.reject_detail(self.detail_code, self.detail_params)):
            return words
        with translation.override(settings.LANGUAGE_CODE):
            repeated = (
                self.detail == str(RejectReason(self.reason).label) if self.reason in RejectReason.values else False
            )
        return "" if repeated else self.detail


class EscalationPolicy(TimeStampedModel):
    """Who is told about an alarm, after how long unacknowledged, counted on which calendar."""

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="escalation_policies"
    )
    name = models.CharField(_("名称"), max_length=100)
    calendar = models.CharField(
        _("计时日历"), max_length=16, choices=EscalationCalendar.choices, default=EscalationCalendar.ALWAYS
    )

    class Meta:
        verbose_name = _("升级策略")
        verbose_name_plural = _("升级策略")
        ordering = ["park", "name"]

    def __str__(self) -> str:
        return self.name


class EscalationStep(models.Model):
    """One step of a policy: after `after_minutes` unacknowledged, notify these roles and people."""

    policy = models.ForeignKey(
        EscalationPolicy, verbose_name=_("升级策略"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("级别"))
    after_minutes = models.PositiveIntegerField(_("未确认多少分钟后"), default=0)
    roles: models.JSONField[list[str]] = models.JSONField(
        _("通知角色"), default=list, blank=True, help_text=_("本园区中具有这些角色的人员")
    )
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("通知人员"), blank=True, related_name="+")
    channel = models.CharField(_("方式"), max_length=8, choices=NotifyChannel.choices, default=NotifyChannel.IN_APP)

    class Meta:
        verbose_name = _("升级步骤")
        verbose_name_plural = _("升级步骤")
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "position"], name="escalation_step_unique", violation_error_message=_("该级别已存在")
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy} #{self.position} +{self.after_minutes}min"


class AlarmRule(TimeStampedModel):
    """What to watch: a threshold, a rate of change, missing data, a clean-room pressure cascade or a
    wastewater permit limit, on one meter or on every meter of a kind in the park."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="alarm_rules")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("规则类型"), max_length=16, choices=RuleKind.choices)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices, default=Severity.WARNING)
    meter = models.ForeignKey(
        Meter,
        verbose_name=_("表计"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarm_rules",
        help_text=_("留空则作用于园区内所选类型的全部表计"),
    )
    meter_kind = models.CharField(_("表计类型"), max_length=24, choices=MeterKind.choices, blank=True)
    upper = models.FloatField(_("上限"), null=True, blank=True)
    lower = models.FloatField(_("下限"), null=True, blank=True)
    hysteresis = models.FloatField(
        _("回差"), default=0, validators=[MinValueValidator(0)], help_text=_("恢复需回到限值以内至少这么多")
    )
    min_duration_s = models.PositiveIntegerField(_("持续时间（秒）"), default=0, help_text=_("条件持续这么久才告警"))
    rate_limit = models.FloatField(
        _("每分钟最大变化"), null=True, blank=True, validators=[MinValueValidator(0)], help_text=_("变化率规则")
    )
    missing_after_s = models.PositiveIntegerField(_("中断判定（秒）"), null=True, blank=True)
    window_s = models.PositiveIntegerField(
        _("平均时段（秒）"), null=True, blank=True, help_text=_("排放限值按此时段的平均值判断，如日均值 86400")
    )
    min_difference = models.FloatField(
        _("相邻区域最小压差（Pa）"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    permit_reference = models.CharField(_("许可/标准依据"), max_length=120, blank=True)
    # SET_NULL: deleting a policy leaves the rule raising alarms without escalation.
    policy = models.ForeignKey(
        EscalationPolicy,
        verbose_name=_("升级策略"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rules",
    )
    auto_close = models.BooleanField(_("恢复且已确认后自动关闭"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("告警规则")
        verbose_name_plural = _("告警规则")
        ordering = ["park", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meter__isnull=False) | ~Q(meter_kind="") | Q(kind=RuleKind.CASCADE),
                name="alarm_rule_has_target",
                violation_error_message=_("请选择表计或表计类型"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:rule_list") + f"#rule-{self.pk}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == RuleKind.THRESHOLD and self.upper is None and self.lower is None:
            errors["upper"] = _("阈值规则至少需要上限或下限")
        if self.kind == RuleKind.PERMIT and self.upper is None and self.lower is None:
            errors["upper"] = _("排放限值规则至少需要上限或下限")
        if self.upper is not None and self.lower is not None and self.upper <= self.lower:
            errors["upper"] = _("上限必须大于下限")
        if self.kind == RuleKind.RATE_OF_CHANGE and self.rate_limit is None:
            errors["rate_limit"] = _("变化率规则需要每分钟最大变化")
        if self.kind == RuleKind.MISSING_DATA and not self.missing_after_s:
            errors["missing_after_s"] = _("数据中断规则需要中断判定时间")
        if self.kind == RuleKind.CASCADE and self.min_difference is None:
            errors["min_difference"] = _("压差梯度规则需要最小压差")
        meter, policy = self.meter, self.policy
        if meter is not None and meter.park_id != self.park_id:
            errors["meter"] = _("表计不属于所选园区")
        if policy is not None and policy.park_id != self.park_id:
            errors["policy"] = _("升级策略不属于所选园区")
        if errors:
            raise ValidationError(errors)


class CascadeMember(models.Model):
    """A room of a clean-room pressure cascade, in order from the highest pressure (1) down."""

    rule = models.ForeignKey(AlarmRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="cascade")
    meter = models.ForeignKey(Meter, verbose_name=_("压差传感器"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("压差梯度成员")
        verbose_name_plural = _("压差梯度成员")
        ordering = ["rule", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "position"], name="cascade_position_unique"),
            models.UniqueConstraint(fields=["rule", "meter"], name="cascade_meter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} #{self.position} {self.meter_id}"


class RuleState(models.Model):
    """Where a rule stands for one meter between readings (persisted so restarts lose nothing)."""

    rule = models.ForeignKey(AlarmRule, verbose_name=_("规则"), on_delete=models.CASCADE, related_name="states")
    meter = models.ForeignKey(Meter, verbose_name=_("表计"), on_delete=models.CASCADE, related_name="+")
    condition_since = models.DateTimeField(_("条件成立起"), null=True, blank=True)
    raised = models.BooleanField(_("已告警"), default=False)
    last_ts = models.DateTimeField(_("最近判断的读数时间"), null=True, blank=True)
    last_value = models.FloatField(_("最近值"), null=True, blank=True)

    class Meta:
        verbose_name = _("规则状态")
        verbose_name_plural = _("规则状态")
        constraints = [models.UniqueConstraint(fields=["rule", "meter"], name="rule_state_unique")]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.meter_id} {'raised' if self.raised else 'normal'}"


class Alarm(TimeStampedModel):
    """One raised condition of a rule on a meter. While it is not closed the rule raises no other
    alarm for that meter: a repeat counts as an occurrence (no alarm storm)."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="alarms")
    # PROTECT: alarm history outlives rule changes; rules are deactivated, not deleted.
    rule = models.ForeignKey(AlarmRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="alarms")
    meter = models.ForeignKey(Meter, verbose_name=_("表计"), on_delete=models.PROTECT, related_name="alarms")
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=14, choices=AlarmStatus.choices, default=AlarmStatus.OPEN)
    # The message as a code and its figures (`messages`), worded in the reader's language when shown; the
    # Chinese words are kept too (exports, search, and rows raised before codes whose text was not read).
    message = models.CharField(_("告警内容"), max_length=300)
    message_code = models.CharField(_("告警内容代码"), max_length=20, blank=True)
    message_params = models.JSONField(_("告警内容参数"), default=dict, blank=True)
    value = models.FloatField(_("触发值"), null=True, blank=True)
    opened_at = models.DateTimeField(_("触发时间"))
    last_triggered_at = models.DateTimeField(_("最近触发"))
    occurrences = models.PositiveIntegerField(_("触发次数"), default=1)
    cleared_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("已通知级别"), default=0)
    next_escalation_at = models.DateTimeField(_("下次升级时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("告警")
        verbose_name_plural = _("告警")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "meter"],
                condition=~Q(status=AlarmStatus.CLOSED),
                name="alarm_one_open_per_rule_meter",
                violation_error_message=_("该规则在此表计上已有未关闭的告警"),
            )
        ]
        indexes = [
            # The alarm list of a park by status, newest first.
            models.Index(fields=["park", "status", "-opened_at"], name="alarm_park_status_idx"),
            # The escalation tick: alarms whose next step is due.
            models.Index(fields=["next_escalation_at"], name="alarm_next_escalation_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.text}"

    @property
    def text(self) -> str:
        """The message in the reader's language; the stored words where it has no code."""
        return (messages.render(self.message_code, self.message_params) if self.message_code else None) or self.message

    def get_absolute_url(self) -> str:
        return reverse("monitoring:alarm_detail", args=[self.pk])


class AlarmEvent(models.Model):
    """One line of an alarm's history: raised, escalated, acknowledged, commented, cleared, closed."""

    alarm = models.ForeignKey(Alarm, verbose_name=_("告警"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=14, choices=AlarmEventKind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(_("内容"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("告警记录")
        verbose_name_plural = _("告警记录")
        ordering = ["alarm", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    @property
    def shown_text(self) -> str:
        """The text in the reader's language where ParkOS wrote it; people's notes as they wrote them."""
        return messages.event_text(self.kind, self.text)


class AlarmNotification(models.Model):
    """An alarm notice for one person (站内信, and by e-mail where the step says so)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="alarm_notifications"
    )
    alarm = models.ForeignKey(Alarm, verbose_name=_("告警"), on_delete=models.CASCADE, related_name="notifications")
    step = models.PositiveSmallIntegerField(_("级别"))
    channel = models.CharField(_("方式"), max_length=8, choices=NotifyChannel.choices)
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("告警通知")
        verbose_name_plural = _("告警通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["alarm", "user", "step"], name="alarm_notification_once_per_step")
        ]
        # The dashboard widget and the inbox read a person's unread notices.
        indexes = [models.Index(fields=["user", "read_at"], name="alarm_notice_user_unread_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        """The notice in the reader's language: the alarm's words now, at this notice's level."""
        return messages.notice_text(self.alarm.get_severity_display(), self.alarm.text, self.step)
