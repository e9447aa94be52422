"""One FilterSet per model, for the HTML lists and the API alike."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.innovation import phases, selectors
from parkos.innovation.choices import MilestoneKind, ProjectKind, ProjectPhase
from parkos.innovation.models import (
    STATISTICAL_THRESHOLD,
    Agreement,
    Institution,
    JointProject,
    Milestone,
    Platform,
    Product,
    Project,
    Stake,
    TechTransfer,
)
from parkos.innovation.regulatory import ClinicalStage, DeviceClass, DeviceStage, DrugFamily, ProductKind
from parkos.parks.models import Park
from parkos.web.filtering import FilterSet

PROJECT_ORDERING = ("name", "planned_investment", "started_on", "completed_on", "planned_completed_on", "park__name")
PRODUCT_ORDERING = ("name", "enterprise__name", "stage_since", "park__name")
PHASE_CHOICES = [("none", _("未签约")), *ProjectPhase.choices]


class YesNoAll(django_filters.widgets.BooleanWidget):  # type: ignore[misc]
    """全部 / 是 / 否 (django-filter's own says "Unknown" for the empty choice)."""

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.choices = (("", _("全部")), ("true", _("是")), ("false", _("否")))


def _visible_parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user).filter(archived_at__isnull=True)


class ProjectFilterSet(FilterSet):
    """The project list and /api/innovation/projects/."""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=ProjectKind.choices, label=_("项目类型"))
    phase = django_filters.ChoiceFilter(choices=PHASE_CHOICES, method="filter_phase", label=_("当前阶段"))
    behind = django_filters.BooleanFilter(method="filter_behind", label=_("进度滞后"), widget=YesNoAll)
    statistical = django_filters.BooleanFilter(
        method="filter_statistical", label=_("统计项目（≥500万元）"), widget=YesNoAll
    )
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))
    completed_year = django_filters.NumberFilter(field_name="completed_on__year", label=_("建成投用年份"))

    form_fields = ("q", "park", "kind", "phase", "behind", "statistical", "completed_year")

    class Meta:
        model = Project
        fields = ["q", "park", "kind", "phase", "behind", "statistical", "enterprise", "completed_year"]

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return queryset.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value))

    def filter_phase(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        """The last phase reached is `value`: its actual date is set and the next phases' are not."""
        ordered = list(phases.PHASE_FIELDS.items())
        if value == "none":
            return queryset.filter(**{actual: None for _phase, (_planned, actual) in ordered})
        position = [phase for phase, _fields in ordered].index(value)
        later = {actual: None for _phase, (_planned, actual) in ordered[position + 1 :]}
        return queryset.filter(**{f"{ordered[position][1][1]}__isnull": False}, **later)

    def filter_behind(self, queryset: QuerySet[Project], name: str, value: bool | None) -> QuerySet[Project]:
        if value is None:
            return queryset
        condition = phases.behind_schedule_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_statistical(self, queryset: QuerySet[Project], name: str, value: bool | None) -> QuerySet[Project]:
        if value is None:
            return queryset
        condition = Q(planned_investment__gte=STATISTICAL_THRESHOLD)
        return queryset.filter(condition) if value else queryset.exclude(condition)


class ProductFilterSet(FilterSet):
    """The product list and /api/innovation/products/; `on` + `stage`: the products in a stage on a day
    (what a cell of the pipeline view counts)."""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=ProductKind.choices, label=_("产品类型"))
    drug_family = django_filters.ChoiceFilter(choices=DrugFamily.choices, label=_("药品注册类别"))
    drug_category = django_filters.CharFilter(label=_("注册分类"))
    device_class = django_filters.ChoiceFilter(choices=DeviceClass.choices, label=_("器械类别"))
    stage = django_filters.ChoiceFilter(
        choices=[*ClinicalStage.choices, *DeviceStage.choices], method="filter_stage", label=_("阶段")
    )
    on = django_filters.DateFilter(method="filter_on", label=_("截至日期"))
    is_key = django_filters.BooleanFilter(label=_("重点产品"), widget=YesNoAll)
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))

    form_fields = ("q", "park", "kind", "drug_family", "drug_category", "device_class", "stage", "on", "is_key")

    class Meta:
        model = Product
        fields = [
            "q",
            "park",
            "kind",
            "drug_family",
            "drug_category",
            "device_class",
            "stage",
            "on",
            "is_key",
            "enterprise",
        ]

    def search(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        return queryset.filter(
            Q(name__icontains=value) | Q(enterprise__name__icontains=value) | Q(device_number__icontains=value)
        )

    def filter_on(self, queryset: QuerySet[Product], name: str, value: datetime.date | None) -> QuerySet[Product]:
        return queryset  # applied with `stage` (below): on its own it only says which day to read

    def filter_stage(self, queryset: QuerySet[Product], name: str, value: str) -> QuerySet[Product]:
        day = self.form.cleaned_data.get("on")
        if day is not None:
            return queryset.annotate(stage_at=selectors.stage_at_subquery(day)).filter(stage_at=value)
        return queryset.filter(Q(stage=value) | Q(device_stage=value))


class MilestoneFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("类型"))
    year = django_filters.NumberFilter(field_name="on__year", label=_("年份"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))

    form_fields = ("park", "kind", "year")

    class Meta:
        model = Milestone
        fields = ["park", "kind", "year", "enterprise"]


class InstitutionFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("机构名称"))

    class Meta:
        model = Institution
        fields = ["q", "kind", "clinical_trial_site"]


class AgreementFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))

    class Meta:
        model = Agreement
        fields = ["park", "institution", "enterprise", "kind"]


class JointProjectFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))

    class Meta:
        model = JointProject
        fields = ["park", "institution", "enterprise", "status"]


class PlatformFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))

    class Meta:
        model = Platform
        fields = ["park", "kind", "institution"]


class TechTransferFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    year = django_filters.NumberFilter(field_name="signed_on__year", label=_("年份"))

    class Meta:
        model = TechTransfer
        fields = ["park", "kind", "institution", "enterprise", "year"]


class StakeFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    form_fields = ("park", "fund")

    class Meta:
        model = Stake
        fields = ["park", "fund", "enterprise"]
