"""Parks and every square metre inside them: land parcels, buildings, floors and units.

A park is the unit of access: every staff member is assigned to parks, and every record that belongs
to a park is scoped through it (see parkos.accounts.access). Units and parcels carry their park
directly, so scoping and a future partitioning by park need no join.

Status is derived, never typed: `occupancy` (+ `occupied_from`/`occupied_until`) is written only by
executed contracts (leasing services), `reserved_until` only by reservation services, and the status
shown — available / reserved / leased / sold / not lettable — is computed from them for any date by
`status_on()` (SQL) or `Unit.status` (Python). `committed_until` (also written only by contracts)
is the last day any executed contract holds the space, so "not offered for a move-in that overlaps
a signed lease" is one indexed predicate (`available_on`).

Adjacency is data: `UnitAdjacency` says which units touch (side by side on a floor, or stacked one
above the other), entered on the unit, in the import and in the API; combinations of units use it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.core.units import format_mu
from parkos.parks import fire
from parkos.parks.choices import (
    BuildingStatus,
    BuildingStructure,
    CleanroomGrade,
    FireHazardClass,
    FireResistanceGrade,
    LandUse,
    Occupancy,
    SpaceStatus,
    SpaceType,
)
from parkos.parks.policy import normalize_industry_codes

ZERO = Decimal(0)
# Plausible ranges (RULES §8): outside them a value is a typo, not a building.
FLOOR_LOAD_RANGE_KN = (Decimal("1.5"), Decimal(100))
CLEAR_HEIGHT_RANGE_M = (Decimal("2.2"), Decimal(40))
POWER_MAX_KVA = 50000
LIFT_MAX_T = Decimal(20)
CRANE_MAX_T = Decimal(200)


def _positive(label: str) -> MinValueValidator:
    return MinValueValidator(Decimal("0.01"), message=_("%(label)s必须大于0") % {"label": label})


class Operator(TimeStampedModel):
    """The company that develops and runs the parks (one per deployment, usually)."""

    name = models.CharField(_("运营商名称"), max_length=100, unique=True)
    hotline = models.CharField(_("招商热线"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("运营商")
        verbose_name_plural = _("运营商")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ParkQuerySet(models.QuerySet["Park"]):
    def active(self) -> ParkQuerySet:
        return self.filter(archived_at__isnull=True)


class Park(TimeStampedModel):
    """An industrial park: land, buildings and the enterprises in them, run by the operator."""

    code = models.SlugField(_("园区编码"), max_length=40, unique=True, help_text=_("稳定的业务编码，如 CQ-BIO-01"))
    name = models.CharField(_("园区名称"), max_length=100)
    name_en = models.CharField(
        _("英文名称"), max_length=150, blank=True, help_text=_("英文页面显示；为空时显示中文名称")
    )
    # PROTECT: a park's history (contracts, statistics) must never vanish with its operator.
    operator = models.ForeignKey(
        Operator, verbose_name=_("运营商"), on_delete=models.PROTECT, related_name="parks", null=True, blank=True
    )
    province = models.CharField(_("省份"), max_length=20, blank=True)
    city = models.CharField(_("城市"), max_length=40)
    district = models.CharField(_("区县"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    land_area_sqm = models.DecimalField(
        _("占地面积（m²）"),
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("以平方米存储，页面同时显示亩（1亩≈666.67m²）"),
    )
    established_year = models.PositiveSmallIntegerField(_("开园年份"), null=True, blank=True)
    industry_focus = models.CharField(_("主导产业"), max_length=200, blank=True)
    welcomed_industry_codes = models.JSONField(
        _("鼓励入驻的行业代码"),
        default=list,
        blank=True,
        help_text=_("GB/T 4754-2017 行业代码（门类、大类、中类或小类），为空表示不限"),
    )
    min_tax_wan_per_mu_year = models.DecimalField(
        _("亩均税收门槛（万元/亩·年）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    min_investment_wan_per_mu = models.DecimalField(
        _("投资强度门槛（万元/亩）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rent_min_yuan_per_sqm_month = models.DecimalField(
        _("参考租金下限（元/m²·月）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    rent_max_yuan_per_sqm_month = models.DecimalField(
        _("参考租金上限（元/m²·月）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    sale_allowed = models.BooleanField(_("允许分割销售"), default=False)
    transport = models.CharField(_("交通"), max_length=300, blank=True)
    description = models.TextField(_("简介"), blank=True)
    description_en = models.TextField(_("英文简介"), blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    objects = ParkQuerySet.as_manager()

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["city", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rent_min_yuan_per_sqm_month__isnull=True)
                | Q(rent_max_yuan_per_sqm_month__isnull=True)
                | Q(rent_min_yuan_per_sqm_month__lte=models.F("rent_max_yuan_per_sqm_month")),
                name="park_rent_range_ordered",
                violation_error_message=_("参考租金下限不能高于上限"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parks:park_detail", args=[self.pk])

    @property
    def land_area_mu_display(self) -> str:
        return format_mu(self.land_area_sqm)

    def clean(self) -> None:

        try:
            self.welcomed_industry_codes = normalize_industry_codes(self.welcomed_industry_codes or [])
        except ValidationError as exc:
            raise ValidationError({"welcomed_industry_codes": exc.messages}) from None


class ParkPhoto(TimeStampedModel):
    """A photo of a park, shown on the park page and the public showcase."""

    # CASCADE: photos mean nothing without their park (and parks are archived, not deleted).
    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("图片"), upload_to="parks/photos/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("园区照片")
        verbose_name_plural = _("园区照片")
        ordering = ["park", "position", "pk"]

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


def status_on(day: datetime.date) -> Case:
    """SQL expression of the derived status of a unit or parcel on `day` (see the module docstring)."""
    occupied = Q(occupied_from__lte=day) & (Q(occupied_until__isnull=True) | Q(occupied_until__gte=day))
    return Case(
        When(Q(archived_at__isnull=False) | Q(lettable=False), then=Value(SpaceStatus.NOT_LETTABLE.value)),
        When(occupied & Q(occupancy=Occupancy.SOLD), then=Value(SpaceStatus.SOLD.value)),
        When(occupied & Q(occupancy=Occupancy.LEASED), then=Value(SpaceStatus.LEASED.value)),
        When(Q(reserved_until__gte=day), then=Value(SpaceStatus.RESERVED.value)),
        When(Q(committed_until__gte=day), then=Value(SpaceStatus.COMMITTED.value)),
        default=Value(SpaceStatus.AVAILABLE.value),
        output_field=models.CharField(),
    )


class LettableSpace(TimeStampedModel):
    """What units and land parcels share: a park, lettability, occupancy from contracts, reservations."""

    # PROTECT: a unit or parcel with contracts must be archived, not deleted with its park.
    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.PROTECT)
    code = models.CharField(_("编号"), max_length=40)
    area_sqm = models.DecimalField(_("面积（m²）"), max_digits=12, decimal_places=2, validators=[_positive("面积")])
    lettable = models.BooleanField(_("可租售"), default=True, help_text=_("取消勾选表示暂不可租售（如自用、整改中）"))
    rent_yuan_per_sqm_month = models.DecimalField(
        _("租金（元/m²·月）"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
    )
    occupancy = models.CharField(
        _("占用"), max_length=10, choices=Occupancy.choices, default=Occupancy.VACANT, editable=False
    )
    occupied_from = models.DateField(_("占用起始"), null=True, blank=True, editable=False)
    occupied_until = models.DateField(_("占用截止"), null=True, blank=True, editable=False)
    reserved_until = models.DateField(_("预留至"), null=True, blank=True, editable=False)
    # The last day an executed contract holds the space (date.max for a sale or an open end); NULL
    # when none does from today on. Written only by contracts, with `occupancy`.
    committed_until = models.DateField(_("签约占用至"), null=True, blank=True, editable=False)
    available_from = models.DateField(
        _("可交付日期"), null=True, blank=True, help_text=_("建成或整改完成后可交付的日期")
    )
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        raise NotImplementedError

    def status_on(self, day: datetime.date) -> SpaceStatus:
        """The derived status on a date; mirrors the SQL of `status_on()`."""
        if self.archived_at is not None or not self.lettable:
            return SpaceStatus.NOT_LETTABLE
        occupied = (
            self.occupied_from is not None
            and self.occupied_from <= day
            and (self.occupied_until is None or self.occupied_until >= day)
        )
        if occupied and self.occupancy == Occupancy.SOLD:
            return SpaceStatus.SOLD
        if occupied and self.occupancy == Occupancy.LEASED:
            return SpaceStatus.LEASED
        if self.reserved_until is not None and self.reserved_until >= day:
            return SpaceStatus.RESERVED
        if self.committed_until is not None and self.committed_until >= day:
            return SpaceStatus.COMMITTED
        return SpaceStatus.AVAILABLE

    @property
    def status(self) -> SpaceStatus:
        return self.status_on(timezone.localdate())

    @property
    def area_mu_display(self) -> str:
        return format_mu(self.area_sqm)


class SpaceQuerySet(models.QuerySet[Any]):
    """Queries shared by units and parcels; their status is computed in SQL for a given day."""

    def with_status(self, day: datetime.date | None = None) -> Self:
        return self.annotate(status_now=status_on(day or timezone.localdate()))

    def available_on(self, day: datetime.date) -> Self:
        """Free for a tenancy that starts on `day`: lettable, deliverable and not reserved by then,
        and held by no executed contract on or after it (a lease signed to start later overlaps
        any open-ended move-in before it).

        Implies `status_on(day) == available`, written as plain predicates so the database can use
        indexes and the ORM compiles it cheaply (the search's hot path).
        """
        return self.filter(
            Q(archived_at__isnull=True, lettable=True),
            Q(committed_until__isnull=True) | Q(committed_until__lt=day),
            Q(reserved_until__isnull=True) | Q(reserved_until__lt=day),
            Q(available_from__isnull=True) | Q(available_from__lte=day),
        )


class LandParcel(LettableSpace):
    """A parcel of land the operator can sell (出让/转让) or lease, with its planning conditions."""

    name = models.CharField(_("地块名称"), max_length=100, blank=True)
    land_use = models.CharField(_("用地性质"), max_length=24, choices=LandUse.choices, default=LandUse.INDUSTRIAL_M1)
    plot_ratio_min = models.DecimalField(_("容积率下限"), max_digits=4, decimal_places=2, null=True, blank=True)
    plot_ratio_max = models.DecimalField(_("容积率上限"), max_digits=4, decimal_places=2, null=True, blank=True)
    building_density_min = models.DecimalField(_("建筑密度下限"), max_digits=4, decimal_places=2, null=True, blank=True)
    green_ratio_max = models.DecimalField(_("绿地率上限"), max_digits=4, decimal_places=2, null=True, blank=True)
    price_wan_per_mu = models.DecimalField(
        _("挂牌价（万元/亩）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    term_years = models.PositiveSmallIntegerField(_("出让年限"), default=50)
    # Land has no building: any production class is possible subject to planning and EIA.
    design_fire_class = models.CharField(
        _("可承载火灾危险性类别"), max_length=4, choices=FireHazardClass.choices, default=FireHazardClass.JIA
    )

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        ordering = ["park", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="parcel_code_unique_in_park",
                violation_error_message=_("该园区已有相同编号的地块"),
            ),
            models.CheckConstraint(
                condition=Q(plot_ratio_min__isnull=True)
                | Q(plot_ratio_max__isnull=True)
                | Q(plot_ratio_min__lte=models.F("plot_ratio_max")),
                name="parcel_plot_ratio_ordered",
                violation_error_message=_("容积率下限不能高于上限"),
            ),
        ]
        # Availability search filters parcels of a park by area.
        indexes = [models.Index(fields=["park", "area_sqm"], name="parcel_park_area_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("parks:parcel_detail", args=[self.pk])


class Building(TimeStampedModel):
    """A building of a park, with the fire design that decides which production it may host."""

    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="buildings")
    code = models.CharField(_("楼栋编号"), max_length=20)
    name = models.CharField(_("楼栋名称"), max_length=60, blank=True)
    structure = models.CharField(_("结构类型"), max_length=24, choices=BuildingStructure.choices)
    storeys = models.PositiveSmallIntegerField(_("地上层数"), validators=[MinValueValidator(1), MaxValueValidator(40)])
    basement_storeys = models.PositiveSmallIntegerField(_("地下层数"), default=0, validators=[MaxValueValidator(5)])
    fire_resistance_grade = models.CharField(
        _("耐火等级"), max_length=1, choices=FireResistanceGrade.choices, default=FireResistanceGrade.TWO
    )
    design_fire_class = models.CharField(
        _("设计火灾危险性类别"),
        max_length=4,
        choices=FireHazardClass.choices,
        default=FireHazardClass.BING,
        help_text=_("消防设计审查/验收文件中的生产类别；楼层或防火分区可单独设定"),
    )
    sprinklered = models.BooleanField(_("设自动喷水灭火系统"), default=True)
    status = models.CharField(_("状态"), max_length=20, choices=BuildingStatus.choices, default=BuildingStatus.IN_USE)
    column_grid = models.CharField(_("柱网"), max_length=30, blank=True, help_text=_("如 8.4m×8.4m"))
    freight_lift_count = models.PositiveSmallIntegerField(_("货梯数量"), default=0)
    freight_lift_t = models.DecimalField(
        _("货梯载重（t）"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(LIFT_MAX_T)],
    )
    completed_year = models.PositiveSmallIntegerField(_("竣工年份"), null=True, blank=True)
    land_area_sqm = models.DecimalField(
        _("占地面积（m²）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("楼栋基底占用的土地；为空时按首层建筑面积计。用于分摊单元的亩均税收"),
    )
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["park", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="building_code_unique_in_park",
                violation_error_message=_("该园区已有相同编号的楼栋"),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    def get_absolute_url(self) -> str:
        return reverse("parks:building_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.structure == BuildingStructure.SINGLE_STOREY_STEEL and self.storeys and self.storeys > 1:
            errors.setdefault("storeys", []).append(
                ValidationError(_("单层钢结构厂房的地上层数应为1"), code="single_storey")
            )
        if self.structure == BuildingStructure.HIGH_RISE and self.storeys and self.storeys < 2:
            errors.setdefault("storeys", []).append(ValidationError(_("高层厂房至少为2层"), code="high_rise_storeys"))
        if self.design_fire_class and self.structure:
            try:
                fire.validate_design_class_placement(
                    FireHazardClass(self.design_fire_class),
                    structure=BuildingStructure(self.structure),
                    is_basement=False,
                    field="design_fire_class",
                )
            except ValidationError as exc:
                for field, messages in exc.error_dict.items():
                    errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)


class Floor(TimeStampedModel):
    """One storey of a building (negative levels are basements), with its structural capacity."""

    # CASCADE is safe: floors are only deleted with a building that has no units (units PROTECT).
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="floors")
    level = models.SmallIntegerField(_("楼层"), help_text=_("地上为1、2、3…，地下为-1、-2…"))
    area_sqm = models.DecimalField(
        _("建筑面积（m²）"), max_digits=10, decimal_places=2, validators=[_positive("建筑面积")]
    )
    floor_load_kn_m2 = models.DecimalField(
        _("楼面活荷载（kN/m²）"),
        max_digits=5,
        decimal_places=1,
        validators=[
            MinValueValidator(FLOOR_LOAD_RANGE_KN[0], message=_("楼面荷载应在1.5–100 kN/m²之间")),
            MaxValueValidator(FLOOR_LOAD_RANGE_KN[1], message=_("楼面荷载应在1.5–100 kN/m²之间")),
        ],
    )
    clear_height_m = models.DecimalField(
        _("净高（m）"),
        max_digits=4,
        decimal_places=2,
        validators=[
            MinValueValidator(CLEAR_HEIGHT_RANGE_M[0], message=_("净高应在2.2–40 m之间")),
            MaxValueValidator(CLEAR_HEIGHT_RANGE_M[1], message=_("净高应在2.2–40 m之间")),
        ],
    )
    design_fire_class = models.CharField(
        _("本层火灾危险性类别"),
        max_length=4,
        choices=FireHazardClass.choices,
        blank=True,
        help_text=_("为空时沿用楼栋的设计类别"),
    )
    column_grid = models.CharField(_("柱网"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("楼层")
        verbose_name_plural = _("楼层")
        ordering = ["building", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "level"],
                name="floor_level_unique_in_building",
                violation_error_message=_("该楼栋已有此楼层"),
            ),
            models.CheckConstraint(
                condition=~Q(level=0),
                name="floor_level_not_zero",
                violation_error_message=_("楼层不能为0：地上从1开始，地下从-1开始"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.level_label}"

    def get_absolute_url(self) -> str:
        return reverse("parks:building_detail", args=[self.building_id])

    @property
    def level_label(self) -> str:
        return f"B{-self.level}" if self.level < 0 else f"{self.level}F"

    @property
    def effective_fire_class(self) -> str:
        return self.design_fire_class or self.building.design_fire_class

    def clean(self) -> None:
        if self.level is None:
            return  # the field's own error ("required") is already reported
        if self.level == 0:
            raise ValidationError({"level": _("楼层不能为0：地上从1开始，地下从-1开始")})
        if not self.building_id:
            return
        building = self.building
        if self.level > 0 and self.level > building.storeys:
            raise ValidationError({"level": _("楼层超出楼栋的地上层数（%(n)d层）") % {"n": building.storeys}})
        if self.level < 0 and -self.level > building.basement_storeys:
            raise ValidationError({"level": _("楼层超出楼栋的地下层数（%(n)d层）") % {"n": building.basement_storeys}})
        fire.validate_design_class_placement(
            FireHazardClass(self.effective_fire_class),
            structure=BuildingStructure(building.structure),
            is_basement=self.level < 0,
            field="design_fire_class",
        )


class Unit(LettableSpace):
    """A lettable or saleable unit: part of a floor, a whole floor, or several floors of a building."""

    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    floor = models.ForeignKey(Floor, verbose_name=_("所在楼层"), on_delete=models.PROTECT, related_name="units")
    storeys_spanned = models.PositiveSmallIntegerField(
        _("跨越层数"), default=1, validators=[MinValueValidator(1)], help_text=_("整栋或跨层单元从所在楼层向上计")
    )
    power_kva = models.PositiveIntegerField(
        _("供电容量（kVA）"), default=0, validators=[MaxValueValidator(POWER_MAX_KVA)]
    )
    freight_lift_t = models.DecimalField(
        _("货梯（t）"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(LIFT_MAX_T)],
    )
    crane_t = models.DecimalField(
        _("行车（t）"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(CRANE_MAX_T)],
    )
    space_type = models.CharField(
        _("空间类型"), max_length=16, choices=SpaceType.choices, default=SpaceType.FACTORY, db_index=True
    )
    cleanroom_grade = models.CharField(
        _("洁净条件"), max_length=1, choices=CleanroomGrade.choices, blank=True, default=CleanroomGrade.NONE
    )
    storage_fire_class = models.CharField(
        _("储存物品火灾危险性类别"),
        max_length=4,
        choices=FireHazardClass.choices,
        blank=True,
        help_text=_("仓储、冷库单元按 GB 50016 表3.1.3 设计可储存的最危险类别；非仓储单元为空"),
    )
    cold_storage_min_c = models.DecimalField(
        _("冷库最低温度（℃）"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-60)), MaxValueValidator(Decimal(15))],
        help_text=_("冷库可维持的最低温度，如 -18"),
    )
    wastewater_pretreatment = models.BooleanField(_("污水预处理"), default=False)
    hazardous_chemicals_allowed = models.BooleanField(_("允许危化品"), default=False)
    # The unit's fire compartment class, kept equal to its floor's (or building's) by services so the
    # availability search filters on one indexed column.
    design_fire_class = models.CharField(
        _("火灾危险性类别"), max_length=4, choices=FireHazardClass.choices, default=FireHazardClass.BING, editable=False
    )
    sale_price_yuan_per_sqm = models.DecimalField(
        _("售价（元/m²）"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    for_sale = models.BooleanField(_("可出售"), default=False)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["building", "floor__level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["park", "code"],
                name="unit_code_unique_in_park",
                violation_error_message=_("该园区已有相同编号的单元"),
            ),
        ]
        indexes = [
            # Availability search: units of some parks, by area.
            models.Index(fields=["park", "area_sqm"], name="unit_park_area_idx"),
            # Stacking plan: the units of one building.
            models.Index(fields=["building", "floor"], name="unit_building_floor_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("parks:unit_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        if self.floor_id and self.building_id and self.floor.building_id != self.building_id:
            errors.setdefault("floor", []).append(ValidationError(_("所选楼层不属于该楼栋"), code="floor_building"))
        if self.building_id and self.park_id and self.building.park_id != self.park_id:
            errors.setdefault("building", []).append(ValidationError(_("所选楼栋不属于该园区"), code="building_park"))
        if self.floor_id and self.area_sqm is not None:
            capacity = self.floor.area_sqm * self.storeys_spanned
            if self.area_sqm > capacity:
                errors.setdefault("area_sqm", []).append(
                    ValidationError(
                        _("单元面积 %(area)s m² 超过所在楼层面积 %(floor)s m²"),
                        code="area_exceeds_floor",
                        params={"area": self.area_sqm, "floor": capacity},
                    )
                )
        if self.floor_id and self.storeys_spanned > 1:
            top = self.floor.level + self.storeys_spanned - 1
            if self.floor.level > 0 and top > self.floor.building.storeys:
                errors.setdefault("storeys_spanned", []).append(
                    ValidationError(_("跨越层数超出楼栋层数"), code="span_exceeds_building")
                )
        is_storage = self.space_type in (SpaceType.WAREHOUSE, SpaceType.COLD_STORAGE)
        if self.storage_fire_class and not is_storage:
            errors.setdefault("storage_fire_class", []).append(
                ValidationError(_("只有仓储或冷库单元才有储存物品火灾危险性类别"), code="storage_class_not_storage")
            )
        if self.cold_storage_min_c is not None and self.space_type != SpaceType.COLD_STORAGE:
            errors.setdefault("cold_storage_min_c", []).append(
                ValidationError(_("只有冷库单元才有冷库温度"), code="cold_not_cold_storage")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def top_level(self) -> int:
        """The highest storey the unit occupies (a spanning unit counts upwards from its floor)."""
        return int(self.floor.level) + int(self.storeys_spanned) - 1


class UnitAdjacency(models.Model):
    """Two units that touch: side by side on one floor, or one directly above the other.

    Stored once per pair, the lower id first; entered on the unit page, in the parks import and in
    the API. Combinations of units for a large requirement use these pairs instead of assuming that
    any two units of a floor are adjacent. Stacked units combine only where the building has a
    freight lift (RULES §8).
    """

    class Relation(models.TextChoices):
        SIDE = "side", _("同层相邻")
        STACKED = "stacked", _("上下相邻")

    # CASCADE: an adjacency is a fact about its two units and means nothing without them.
    unit = models.ForeignKey(Unit, verbose_name=_("单元"), on_delete=models.CASCADE, related_name="adjacencies")
    other = models.ForeignKey(Unit, verbose_name=_("相邻单元"), on_delete=models.CASCADE, related_name="+")
    # Denormalised so the matching engine reads a park's pairs without joining units.
    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(_("相邻方式"), max_length=8, choices=Relation.choices, default=Relation.SIDE)

    class Meta:
        verbose_name = _("单元相邻关系")
        verbose_name_plural = _("单元相邻关系")
        ordering = ["unit", "other"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "other"], name="unit_adjacency_once"),
            models.CheckConstraint(
                condition=Q(unit__lt=models.F("other")),
                name="unit_adjacency_ordered",
                violation_error_message=_("相邻关系按单元编号顺序保存一次"),
            ),
        ]
        # Combinations: the pairs among a building's candidate units, by park.
        indexes = [models.Index(fields=["park", "unit"], name="unit_adjacency_park_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} ↔ {self.other_id} ({self.relation})"


class SpaceMedia(TimeStampedModel):
    """A photo or floor plan of a building or a unit, with its thumbnail, shown on portal pages."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        FLOOR_PLAN = "floor_plan", _("平面图")

    # CASCADE: media mean nothing without the building or unit (both are archived, not deleted).
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="media", null=True, blank=True
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单元"), on_delete=models.CASCADE, related_name="media", null=True, blank=True
    )
    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PHOTO)
    image = models.ImageField(_("图片"), upload_to="parks/media/%Y/%m/")
    thumbnail = models.ImageField(_("缩略图"), upload_to="parks/media/thumbs/%Y/%m/", blank=True, editable=False)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("楼栋与单元图片")
        verbose_name_plural = _("楼栋与单元图片")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(building__isnull=False) & Q(unit__isnull=True))
                | (Q(building__isnull=True) & Q(unit__isnull=False)),
                name="space_media_building_xor_unit",
                violation_error_message=_("图片须属于一个楼栋或一个单元"),
            )
        ]

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


class Reservation(TimeStampedModel):
    """A hold on a unit or parcel for a prospect, until a date; the only manual status before a contract."""

    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="reservations")
    unit = models.ForeignKey(
        Unit, verbose_name=_("单元"), on_delete=models.PROTECT, related_name="reservations", null=True, blank=True
    )
    parcel = models.ForeignKey(
        LandParcel, verbose_name=_("地块"), on_delete=models.PROTECT, related_name="reservations", null=True, blank=True
    )
    holder_name = models.CharField(_("预留对象"), max_length=120, help_text=_("意向企业名称"))
    reserved_from = models.DateField(_("预留开始"))
    reserved_until = models.DateField(_("预留截止"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(_("释放时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预留")
        verbose_name_plural = _("预留")
        ordering = ["-reserved_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(parcel__isnull=True))
                | (Q(unit__isnull=True) & Q(parcel__isnull=False)),
                name="reservation_unit_xor_parcel",
                violation_error_message=_("预留必须且只能针对一个单元或一个地块"),
            ),
            models.CheckConstraint(
                condition=Q(reserved_until__gte=models.F("reserved_from")),
                name="reservation_dates_ordered",
                violation_error_message=_("预留截止日期不能早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or self.parcel} → {self.holder_name}"
