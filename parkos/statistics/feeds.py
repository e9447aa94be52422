"""What statistics tells the apps below it: 升规 events for innovation's timelines and milestone counts.

Registered from `StatisticsConfig.ready()` into `parkos.innovation.hooks`. The events follow the
report's own rule, so a timeline and the annual report never disagree: an enterprise 升规 in a year
when its trailing-12-month revenue first reaches its threshold in that year, unless it was already
规上 at the end of the year before.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Collection

from django.utils.translation import gettext as _

from parkos.core.units import format_money
from parkos.enterprises.models import Enterprise
from parkos.innovation.hooks import ScaleUp
from parkos.statistics import kpi
from parkos.statistics.kpi import SCALE_BASIS, ReportPeriod
from parkos.statistics.kpi.assembly import report_kpis
from parkos.statistics.kpi.gather import load_rows


def _event(event: kpi.ScaleEvent) -> ScaleUp:
    last_day = calendar.monthrange(event.year, event.month)[1]
    note = _("近12个月营业收入%(revenue)s，达到%(threshold)s") % {
        "revenue": format_money(event.revenue.value),
        "threshold": format_money(event.threshold),
    }
    return ScaleUp(event.enterprise_id, datetime.date(event.year, event.month, last_day), note)


def scale_ups(
    *, park_ids: Collection[int] | None, enterprise_ids: Collection[int] | None, years: Collection[int]
) -> list[ScaleUp]:
    """升规 events in `years`: of a few enterprises (their rows through the engine), or of whole parks
    (the report's own computation, one year at a time)."""
    if enterprise_ids is None:
        return [
            _event(event)
            for year in sorted(years)
            for event in report_kpis(park_ids=park_ids, period=ReportPeriod(year), detail=False).new_above_scale
        ]
    if not enterprise_ids or not years:
        return []
    rows = load_rows(park_ids=park_ids, years=range(min(years) - 1, max(years) + 1), enterprise_ids=enterprise_ids)
    industries = dict(Enterprise.objects.filter(pk__in=list(enterprise_ids)).values_list("pk", "industry_code"))
    events = []
    for year in sorted(years):
        already = kpi.above_scale_set(rows, year - 1, 12, industries, basis=SCALE_BASIS)
        events += kpi.new_above_scale(rows, year, range(1, 13), industries, basis=SCALE_BASIS, already_above=already)
    return [_event(event) for event in events]
