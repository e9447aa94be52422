"""One FilterSet per listed model, for the HTML lead list and the API alike."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.investment.choices import OPEN_STAGES, LeadSource, LeadStage, SpaceKind
from parkos.investment.models import Lead
from parkos.parks.models import Park
from parkos.web.filtering import FilterSet


def _parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user)


class LeadFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("关键词"))
    stage = django_filters.MultipleChoiceFilter(choices=LeadStage.choices, label=_("阶段"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("仅跟进中"))
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label=_("来源"))
    park = django_filters.ModelChoiceFilter(queryset=_parks, label=_("园区"))
    space_kind = django_filters.ChoiceFilter(
        field_name="requirement__space_kind", choices=SpaceKind.choices, label=_("需求类型")
    )
    industry = django_filters.CharFilter(
        field_name="requirement__industry_code", lookup_expr="startswith", label=_("行业代码")
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我负责的"), widget=forms.CheckboxInput)
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("创建日期起"))

    form_fields = ("q", "stage", "source", "park", "space_kind", "mine")

    class Meta:
        model = Lead
        fields = ["q", "stage", "open", "source", "park", "space_kind", "industry", "mine", "created_after"]

    def search(self, queryset: QuerySet[Lead], name: str, value: str) -> QuerySet[Lead]:
        return queryset.filter(Q(company_name__icontains=value) | Q(description__icontains=value))

    def filter_open(self, queryset: QuerySet[Lead], name: str, value: bool | None) -> QuerySet[Lead]:
        if value is None:
            return queryset
        return (
            queryset.filter(stage__in=sorted(OPEN_STAGES)) if value else queryset.exclude(stage__in=sorted(OPEN_STAGES))
        )

    def filter_mine(self, queryset: QuerySet[Lead], name: str, value: bool | None) -> QuerySet[Lead]:
        if not value or self.request is None:
            return queryset
        return queryset.filter(officer=self.request.user.pk)
