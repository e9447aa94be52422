"""One FilterSet per model, used by the HTML lists and the API alike."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.core.units import mu_to_sqm
from parkos.parks.choices import CLEANROOM_RANK, CleanroomGrade, FireHazardClass, SpaceStatus
from parkos.parks.models import Building, LandParcel, Park, SpaceQuerySet, Unit, status_on
from parkos.parks.selectors import units_hosting
from parkos.web.filtering import FilterSet

AREA_UNITS = (("sqm", _("m²")), ("mu", _("亩")))


class ParkFilterSet(FilterSet):
    """The park list page and /api/parks/parks/."""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    city = django_filters.CharFilter(field_name="city", label=_("城市"))
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("已归档")
    )

    form_fields = ("q", "city")

    class Meta:
        model = Park
        fields = ["q", "city", "district", "archived"]

    def search(self, queryset: QuerySet[Park], name: str, value: str) -> QuerySet[Park]:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(district__icontains=value))


def _visible_parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user).filter(archived_at__isnull=True)


class SpaceFilterSet(FilterSet):
    """Filters shared by units and parcels in the availability search."""

    city = django_filters.CharFilter(field_name="park__city", label=_("城市"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    area_unit = django_filters.ChoiceFilter(choices=AREA_UNITS, method="noop", label=_("面积单位"), empty_label=None)
    area_min = django_filters.NumberFilter(method="filter_area_min", label=_("面积不小于"))
    area_max = django_filters.NumberFilter(method="filter_area_max", label=_("面积不大于"))
    fire_class = django_filters.ChoiceFilter(
        choices=FireHazardClass.choices, method="filter_fire_class", label=_("允许的生产火灾危险性类别")
    )
    rent_min = django_filters.NumberFilter(
        field_name="rent_yuan_per_sqm_month", lookup_expr="gte", label=_("租金不低于")
    )
    rent_max = django_filters.NumberFilter(
        field_name="rent_yuan_per_sqm_month", lookup_expr="lte", label=_("租金不高于")
    )
    available_on = django_filters.DateFilter(
        method="filter_available_on",
        label=_("可交付日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填表示今天可租售"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=SpaceStatus.choices, method="filter_status", label=_("状态"), widget=forms.CheckboxSelectMultiple
    )

    def noop(self, queryset: QuerySet[Any], name: str, value: object) -> QuerySet[Any]:
        return queryset

    def _sqm(self, value: Decimal) -> Decimal:
        unit = self.form.cleaned_data.get("area_unit") or "sqm"
        return mu_to_sqm(Decimal(value)) if unit == "mu" else Decimal(value)

    def filter_area_min(self, queryset: QuerySet[Any], name: str, value: Decimal) -> QuerySet[Any]:
        return queryset.filter(area_sqm__gte=self._sqm(value))

    def filter_area_max(self, queryset: QuerySet[Any], name: str, value: Decimal) -> QuerySet[Any]:
        return queryset.filter(area_sqm__lte=self._sqm(value))

    def filter_fire_class(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(units_hosting(value))

    def filter_available_on(self, queryset: QuerySet[Any], name: str, value: datetime.date) -> QuerySet[Any]:
        return cast(SpaceQuerySet, queryset).available_on(value)

    def filter_status(self, queryset: QuerySet[Any], name: str, value: list[str]) -> QuerySet[Any]:
        if not value:
            return queryset
        filtered: QuerySet[Any] = queryset.annotate(status_filter=status_on(timezone.localdate()))
        return filtered.filter(status_filter__in=value)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # Availability by default: today, unless a date or explicit statuses are asked for.
        data = self.form.cleaned_data
        queryset = super().filter_queryset(queryset)
        if not data.get("available_on") and not data.get("status"):
            queryset = cast(SpaceQuerySet, queryset).available_on(timezone.localdate())
        return queryset


class UnitFilterSet(SpaceFilterSet):
    """Availability search over units (HTML list, per-building view and /api/parks/units/)."""

    building = django_filters.ModelChoiceFilter(
        queryset=lambda request: Building.objects.filter(park__in=_visible_parks(request)), label=_("楼栋")
    )
    floor_load_min = django_filters.NumberFilter(
        field_name="floor__floor_load_kn_m2", lookup_expr="gte", label=_("楼面荷载不低于（kN/m²）")
    )
    clear_height_min = django_filters.NumberFilter(
        field_name="floor__clear_height_m", lookup_expr="gte", label=_("净高不低于（m）")
    )
    power_min = django_filters.NumberFilter(field_name="power_kva", lookup_expr="gte", label=_("供电不低于（kVA）"))
    cleanroom = django_filters.ChoiceFilter(
        choices=[c for c in CleanroomGrade.choices if c[0]], method="filter_cleanroom", label=_("洁净等级不低于")
    )
    lift_min = django_filters.NumberFilter(field_name="freight_lift_t", lookup_expr="gte", label=_("货梯不低于（t）"))
    crane_min = django_filters.NumberFilter(field_name="crane_t", lookup_expr="gte", label=_("行车不低于（t）"))
    for_sale = django_filters.BooleanFilter(field_name="for_sale", label=_("可出售"))
    wastewater = django_filters.BooleanFilter(field_name="wastewater_pretreatment", label=_("污水预处理"))
    price_max = django_filters.NumberFilter(
        field_name="sale_price_yuan_per_sqm", lookup_expr="lte", label=_("售价不高于（元/m²）")
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_cleanroom(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        grades = [g for g, rank in CLEANROOM_RANK.items() if rank >= CLEANROOM_RANK[value]]
        return queryset.filter(cleanroom_grade__in=grades)


class ParcelFilterSet(SpaceFilterSet):
    """Availability search over land parcels (HTML list and /api/parks/parcels/)."""

    land_use = django_filters.CharFilter(field_name="land_use", label=_("用地性质"))

    # The status boxes last: they read as a group after the specifications.
    form_fields = (
        "city",
        "park",
        "area_unit",
        "area_min",
        "area_max",
        "fire_class",
        "rent_min",
        "rent_max",
        "available_on",
        "land_use",
        "status",
    )

    class Meta:
        model = LandParcel
        fields: list[str] = []


UNIT_ORDERING = (
    "area_sqm",
    "rent_yuan_per_sqm_month",
    "floor__floor_load_kn_m2",
    "floor__clear_height_m",
    "power_kva",
    "park__city",
    "code",
)
PARK_ORDERING = ("name", "city", "land_area_sqm")
PARCEL_ORDERING = ("area_sqm", "price_wan_per_mu", "park__city", "code")
