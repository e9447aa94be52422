from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.parks.models import Park


class ParkFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """One FilterSet for the park list page and /api/parks/parks/."""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    city = django_filters.CharFilter(field_name="city", label=_("城市"))
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True, label=_("已归档")
    )

    class Meta:
        model = Park
        fields = ["q", "city", "district", "archived"]

    def search(self, queryset: QuerySet[Park], name: str, value: str) -> QuerySet[Park]:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(district__icontains=value))
