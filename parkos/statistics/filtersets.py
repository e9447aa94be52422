from __future__ import annotations

import django_filters

from parkos.statistics.models import MonthlyReport, Product, Project


class MonthlyReportFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = MonthlyReport
        fields = ["park", "enterprise", "year", "month", "is_cumulative", "source"]


class ProjectFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = Project
        fields = ["park", "kind"]


class ProductFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = Product
        fields = ["park", "kind", "stage", "device_class"]
