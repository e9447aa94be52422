"""One FilterSet per listed model, for the HTML lists and the API alike."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.monitoring.choices import AlarmStatus, MeterKind, MeterStatus, RejectReason, RuleKind, Severity
from parkos.monitoring.models import Alarm, AlarmRule, Meter, RejectedReading
from parkos.parks.models import Building, Park
from parkos.web.filtering import FilterSet

METER_ORDERING = ("code", "name", "kind", "park__name", "building__code")
ALARM_ORDERING = ("opened_at", "severity", "status", "meter__code")


def _visible_parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user).filter(archived_at__isnull=True)


def _visible_buildings(request: HttpRequest | None) -> QuerySet[Building]:
    return Building.objects.filter(park__in=_visible_parks(request)).select_related("park")


class MeterFilterSet(FilterSet):
    """The meter list and /api/monitoring/meters/."""

    form_fields = ("q", "park", "building", "kind", "status", "is_virtual")

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    building = django_filters.ModelChoiceFilter(queryset=_visible_buildings, label=_("楼栋"))
    kind = django_filters.ChoiceFilter(choices=MeterKind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=MeterStatus.choices, label=_("状态"))
    is_virtual = django_filters.BooleanFilter(label=_("虚拟表"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))

    class Meta:
        model = Meter
        fields = ["q", "park", "building", "kind", "status", "is_virtual", "enterprise"]

    def search(self, queryset: QuerySet[Meter], name: str, value: str) -> QuerySet[Meter]:
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(devices__serial_number=value)
        ).distinct()


class AlarmFilterSet(FilterSet):
    """The alarm list and /api/monitoring/alarms/."""

    form_fields = ("park", "active", "status", "severity", "kind")

    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    status = django_filters.ChoiceFilter(choices=AlarmStatus.choices, label=_("状态"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("未关闭"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("级别"))
    kind = django_filters.ChoiceFilter(field_name="rule__kind", choices=RuleKind.choices, label=_("规则类型"))
    meter = django_filters.NumberFilter(field_name="meter_id", label=_("表计"))

    class Meta:
        model = Alarm
        fields = ["park", "status", "active", "severity", "kind", "meter"]

    def filter_active(self, queryset: QuerySet[Alarm], name: str, value: bool | None) -> QuerySet[Alarm]:
        if value is None:
            return queryset
        closed = Q(status=AlarmStatus.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)


class AlarmRuleFilterSet(FilterSet):
    """The rule list and /api/monitoring/rules/."""

    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=RuleKind.choices, label=_("规则类型"))
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = AlarmRule
        fields = ["park", "kind", "is_active"]


class RejectFilterSet(FilterSet):
    """The rejected readings page and /api/monitoring/rejects/."""

    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    reason = django_filters.ChoiceFilter(choices=RejectReason.choices, label=_("原因"))
    meter_code = django_filters.CharFilter(lookup_expr="icontains", label=_("表计编号"))

    class Meta:
        model = RejectedReading
        fields = ["park", "reason", "meter_code"]
