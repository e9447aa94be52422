"""FilterSets of the portal: the public space search (shareable GET URLs) and the editor's article list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.parks.choices import CLEANROOM_RANK, CleanroomGrade, FireHazardClass
from parkos.parks.models import LandParcel, Unit
from parkos.parks.selectors import units_hosting
from parkos.portal.choices import ArticleCategory, ArticleStatus
from parkos.portal.models import Article
from parkos.portal.selectors import city_choices, park_choices
from parkos.web.filtering import FilterSet

SPACE_KINDS = (("unit", _("厂房/单元")), ("parcel", _("土地")))


def _cities() -> list[tuple[str, str]]:
    return [(c, c) for c in city_choices()]


class PublicSpaceFilterSet(FilterSet):
    """Filters a prospect can set; all of them travel in the URL, so a search can be shared."""

    city = django_filters.ChoiceFilter(
        field_name="park__city", choices=_cities, label=_("城市"), empty_label=_("全部城市")
    )
    park = django_filters.ChoiceFilter(
        field_name="park__code", choices=park_choices, label=_("园区"), empty_label=_("全部园区")
    )
    area_min = django_filters.NumberFilter(field_name="area_sqm", lookup_expr="gte", label=_("面积不小于（m²）"))
    area_max = django_filters.NumberFilter(field_name="area_sqm", lookup_expr="lte", label=_("面积不大于（m²）"))
    fire_class = django_filters.ChoiceFilter(
        choices=FireHazardClass.choices,
        method="filter_fire_class",
        label=_("生产火灾危险性类别"),
        empty_label=_("不限"),
    )

    def filter_fire_class(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(units_hosting(value))


class PublicUnitFilterSet(PublicSpaceFilterSet):
    floor_load_min = django_filters.NumberFilter(
        field_name="floor__floor_load_kn_m2", lookup_expr="gte", label=_("楼面荷载不低于（kN/m²）")
    )
    clear_height_min = django_filters.NumberFilter(
        field_name="floor__clear_height_m", lookup_expr="gte", label=_("净高不低于（m）")
    )
    cleanroom = django_filters.ChoiceFilter(
        choices=[c for c in CleanroomGrade.choices if c[0]],
        method="filter_cleanroom",
        label=_("洁净等级不低于"),
        empty_label=_("不限"),
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_cleanroom(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        grades = [g for g, rank in CLEANROOM_RANK.items() if rank >= CLEANROOM_RANK[value]]
        return queryset.filter(cleanroom_grade__in=grades)


class PublicParcelFilterSet(PublicSpaceFilterSet):
    class Meta:
        model = LandParcel
        fields: list[str] = []


class ArticleFilterSet(FilterSet):
    """The editor's article list."""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    status = django_filters.ChoiceFilter(choices=ArticleStatus.choices, label=_("状态"), empty_label=_("全部状态"))
    category = django_filters.ChoiceFilter(choices=ArticleCategory.choices, label=_("栏目"), empty_label=_("全部栏目"))

    class Meta:
        model = Article
        fields = ["q", "status", "category"]

    def search(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return queryset.filter(Q(title__icontains=value) | Q(slug__icontains=value) | Q(summary__icontains=value))
