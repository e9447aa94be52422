"""One FilterSet per listed model, for the HTML lists and the API alike."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.community.choices import (
    BookingStatus,
    Degree,
    EventKind,
    EventStatus,
    JobStatus,
    ResourceKind,
    TalentField,
    TalentLevel,
    TalentStatus,
)
from parkos.community.models import BookableResource, Booking, Event, JobPosting, TalentRecord
from parkos.parks.models import Park
from parkos.web.filtering import FilterSet


def _visible_parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user).filter(archived_at__isnull=True)


class ResourceFilterSet(FilterSet):
    """The resource list page and /api/community/resources/."""

    form_fields = ("park", "kind")
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, label=_("类型"))

    class Meta:
        model = BookableResource
        fields = ["park", "kind"]


class BookingFilterSet(FilterSet):
    """The booking list page and /api/community/bookings/."""

    form_fields = ("park", "status", "starts_from", "starts_to")
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    resource = django_filters.NumberFilter(field_name="resource_id", label=_("资源"))
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices, label=_("状态"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))
    starts_from = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("开始日期起"))
    starts_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("开始日期止"))

    class Meta:
        model = Booking
        fields = ["park", "resource", "status", "enterprise", "starts_from", "starts_to"]


class TalentFilterSet(FilterSet):
    """The talent list page and /api/community/talents/."""

    form_fields = ("park", "level", "field", "degree", "status", "q")
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    level = django_filters.ChoiceFilter(choices=TalentLevel.choices, label=_("人才类别"))
    field = django_filters.ChoiceFilter(choices=TalentField.choices, label=_("专业领域"))
    degree = django_filters.ChoiceFilter(choices=Degree.choices, label=_("学历"))
    status = django_filters.ChoiceFilter(choices=TalentStatus.choices, label=_("状态"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))
    q = django_filters.CharFilter(method="search", label=_("企业或职务"))

    class Meta:
        model = TalentRecord
        fields = ["park", "level", "field", "degree", "status", "enterprise", "q"]

    def search(self, queryset: QuerySet[TalentRecord], name: str, value: str) -> QuerySet[TalentRecord]:
        # Not by the person's name: a masked viewer must not be able to probe names through the filter.
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(position__icontains=value))


class JobFilterSet(FilterSet):
    """The staff job list and /api/community/jobs/ (the public board has its own search form)."""

    form_fields = ("park", "status", "field", "q")
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("状态"))
    field = django_filters.ChoiceFilter(choices=TalentField.choices, label=_("专业领域"))
    q = django_filters.CharFilter(method="search", label=_("关键词"))

    class Meta:
        model = JobPosting
        fields = ["park", "status", "field", "q"]

    def search(self, queryset: QuerySet[JobPosting], name: str, value: str) -> QuerySet[JobPosting]:
        return queryset.filter(Q(title__icontains=value) | Q(enterprise__name__icontains=value))


class EventFilterSet(FilterSet):
    """The staff event list and /api/community/events/."""

    form_fields = ("park", "kind", "status")
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("活动类型"))
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label=_("状态"))

    class Meta:
        model = Event
        fields = ["park", "kind", "status"]
