from __future__ import annotations

import django_filters

from parkos.statistics.models import MonthlyReport


class MonthlyReportFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    class Meta:
        model = MonthlyReport
        fields = ["park", "enterprise", "year", "month", "is_cumulative", "source"]
