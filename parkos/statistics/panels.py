"""The statistics panel of the enterprise page: its latest reported months, in the viewer's parks."""

from __future__ import annotations

from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import scope_to_parks
from parkos.accounts.models import User
from parkos.core.units import format_money
from parkos.enterprises.models import Enterprise
from parkos.statistics.models import MonthlyReport
from parkos.web.panels import Panel, PanelRow, register

PANEL_ROWS = 3


@register("statistics")
def statistics_panel(enterprise: Enterprise, user: User) -> Panel | None:
    reports = list(
        scope_to_parks(user, MonthlyReport.objects.filter(enterprise=enterprise)).order_by("-year", "-month")[
            :PANEL_ROWS
        ]
    )
    if not reports:
        return None
    rows = []
    for report in reports:
        period = (
            _gettext("%(year)d年1–%(month)d月") if report.is_cumulative else _gettext("%(year)d年%(month)d月")
        ) % {"year": report.year, "month": report.month}
        revenue = format_money(report.revenue, "wan") if report.revenue is not None else "--"
        rows.append(PanelRow(label=period, value=_gettext("营业收入 %(revenue)s") % {"revenue": revenue}))
    return Panel(title=_("统计数据"), rows=rows)
