"""One FilterSet per listed model, for the HTML lists and the API alike."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.incubation.choices import (
    ApplicationSource,
    ApplicationStatus,
    IncubationStage,
    RequestStatus,
    SchemeLevel,
    ServiceCategory,
)
from parkos.incubation.models import (
    ACTIVE_STAGES,
    OPEN_REQUEST_STATUSES,
    Application,
    IncubationRecord,
    Programme,
    Scheme,
    ServiceOffering,
    ServiceRequest,
)
from parkos.parks.models import Park
from parkos.web.filtering import FilterSet


def _parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user).filter(archived_at__isnull=True)


def _programmes(request: HttpRequest | None) -> QuerySet[Programme]:
    if request is None:
        return Programme.objects.none()
    return Programme.objects.filter(park__in=_parks(request))


def _offerings(request: HttpRequest | None) -> QuerySet[ServiceOffering]:
    if request is None:
        return ServiceOffering.objects.none()
    return ServiceOffering.objects.filter(park__in=_parks(request))


class ApplicationFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("关键词"))
    programme = django_filters.ModelChoiceFilter(queryset=_programmes, label=_("孵化项目"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("状态"))
    source = django_filters.ChoiceFilter(choices=ApplicationSource.choices, label=_("来源"))
    year = django_filters.NumberFilter(field_name="intake__year", label=_("批次年度"))

    form_fields = ("q", "programme", "status", "source", "year")

    class Meta:
        model = Application
        fields = ["q", "programme", "status", "source", "year"]

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        return queryset.filter(Q(company_name__icontains=value) | Q(reference__icontains=value))


class IncubationRecordFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="enterprise__name", lookup_expr="icontains", label=_("企业"))
    programme = django_filters.ModelChoiceFilter(queryset=_programmes, label=_("孵化项目"))
    stage = django_filters.ChoiceFilter(choices=IncubationStage.choices, label=_("阶段"))
    year = django_filters.NumberFilter(field_name="intake__year", label=_("批次年度"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("超期在孵"))

    form_fields = ("q", "programme", "stage", "year", "overdue")

    class Meta:
        model = IncubationRecord
        fields = ["q", "programme", "stage", "year", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[IncubationRecord], name: str, value: bool | None
    ) -> QuerySet[IncubationRecord]:
        if value is None:
            return queryset
        overdue = Q(stage__in=ACTIVE_STAGES, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ServiceRequestFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("关键词"))
    park = django_filters.ModelChoiceFilter(queryset=_parks, label=_("园区"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("状态"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("未结束"))
    category = django_filters.ChoiceFilter(
        field_name="offering__category", choices=ServiceCategory.choices, label=_("服务类别")
    )
    offering = django_filters.ModelChoiceFilter(queryset=_offerings, label=_("服务项目"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我受理的"))
    breached = django_filters.BooleanFilter(method="filter_breached", label=_("已超时"))
    escalated = django_filters.NumberFilter(field_name="escalation_level", lookup_expr="gte", label=_("升级次数不少于"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))

    form_fields = ("q", "park", "status", "open", "category", "offering", "mine", "breached")

    class Meta:
        model = ServiceRequest
        fields = ["q", "park", "status", "open", "category", "offering", "mine", "breached", "escalated", "enterprise"]

    def search(self, queryset: QuerySet[ServiceRequest], name: str, value: str) -> QuerySet[ServiceRequest]:
        return queryset.filter(
            Q(reference__icontains=value) | Q(subject__icontains=value) | Q(enterprise__name__icontains=value)
        )

    def filter_open(
        self, queryset: QuerySet[ServiceRequest], name: str, value: bool | None
    ) -> QuerySet[ServiceRequest]:
        if value is None:
            return queryset
        return (
            queryset.filter(status__in=OPEN_REQUEST_STATUSES)
            if value
            else queryset.exclude(status__in=OPEN_REQUEST_STATUSES)
        )

    def filter_mine(
        self, queryset: QuerySet[ServiceRequest], name: str, value: bool | None
    ) -> QuerySet[ServiceRequest]:
        if not value or self.request is None:
            return queryset
        return queryset.filter(assignee=self.request.user)

    def filter_breached(
        self, queryset: QuerySet[ServiceRequest], name: str, value: bool | None
    ) -> QuerySet[ServiceRequest]:
        if value is None:
            return queryset
        breached = Q(response_breached=True) | Q(resolution_breached=True)
        return queryset.filter(breached) if value else queryset.exclude(breached)


class ServiceOfferingFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_parks, label=_("园区"))
    category = django_filters.ChoiceFilter(choices=ServiceCategory.choices, label=_("服务类别"))

    form_fields = ("park", "category")

    class Meta:
        model = ServiceOffering
        fields = ["park", "category", "is_active"]


class SchemeFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("政策名称"))
    level = django_filters.ChoiceFilter(choices=SchemeLevel.choices, label=_("层级"))

    form_fields = ("q", "level")

    class Meta:
        model = Scheme
        fields = ["q", "level", "is_active"]
