from __future__ import annotations

from parkos.statistics.models import MonthlyReport
from parkos.web.filtering import FilterSet


class MonthlyReportFilterSet(FilterSet):
    class Meta:
        model = MonthlyReport
        fields = ["park", "enterprise", "year", "month", "is_cumulative", "source"]
