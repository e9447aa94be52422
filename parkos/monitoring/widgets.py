"""Monitoring on the dashboards and the enterprise page: open alarms and today's power for staff, a
tenant's own consumption on its home page, the enterprise page's energy panel."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_park_ids
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.enterprises.models import Enterprise
from parkos.monitoring import selectors
from parkos.monitoring.choices import KIND_UNITS, MeterKind, Severity
from parkos.monitoring.models import AlarmNotification
from parkos.parks.models import Park
from parkos.web.dashboard import Widget, register
from parkos.web.panels import Panel, PanelRow
from parkos.web.panels import register as register_panel


@register({Role.OPERATOR_ADMIN, Role.PARK_MANAGER, Role.FACILITIES_OPERATOR})
def monitoring_widgets(user: User, active_park: Park | None) -> list[Widget]:
    park_ids = [active_park.pk] if active_park is not None else visible_park_ids(user)
    counts = selectors.open_alarm_counts(park_ids)
    unread = AlarmNotification.objects.filter(user=user, read_at__isnull=True).select_related("alarm")[:5]
    return [
        Widget(
            title=_("未关闭告警"),
            value=sum(counts.values()),
            note=" · ".join(f"{Severity(s).label} {n}" for s, n in counts.items()) or _gettext("无"),
            url=reverse("monitoring:alarm_list") + "?active=true",
            rows=[(n.text, f"{timezone.localtime(n.created_at):%m-%d %H:%M}") for n in unread],
            order=70,
        )
    ]


def _month_lines(enterprise_id: int, park: Park, start: datetime.date, end: datetime.date) -> dict[str, Decimal]:
    return {
        kind: quantity
        for (tenant, kind), quantity in selectors.consumption_totals(park=park, start=start, end=end).items()
        if tenant == enterprise_id
    }


@register({Role.ENTERPRISE_USER})
def tenant_energy_widget(user: User, active_park: Park | None) -> list[Widget]:
    enterprise = getattr(user, "enterprise", None)
    if enterprise is None:
        return []
    today = timezone.localdate()
    rows: list[tuple[Any, Any]] = []
    for park in enterprise.parks.all()[:3]:
        for kind, quantity in _month_lines(enterprise.pk, park, today.replace(day=1), today).items():
            rows.append((f"{MeterKind(kind).label}（{park.name}）", f"{quantity:,.1f} {KIND_UNITS[kind]}"))
    return [
        Widget(
            title=_("本月用能"),
            note=_("按表计与公摊规则计算，截至今日") if rows else _("暂无本企业的表计数据"),
            rows=rows,
            order=40,
        )
    ]


@register_panel("energy")
def energy_panel(enterprise: Enterprise, user: User) -> Panel | None:
    today = timezone.localdate()
    park_ids = visible_park_ids(user)
    parks = enterprise.parks.all() if park_ids is None else enterprise.parks.filter(pk__in=park_ids)
    rows = []
    for park in parks[:3]:
        for kind, quantity in _month_lines(enterprise.pk, park, today.replace(day=1), today).items():
            rows.append(
                PanelRow(label=f"{MeterKind(kind).label} · {park.name}", value=f"{quantity:,.1f} {KIND_UNITS[kind]}")
            )
    return Panel(
        title=_("能耗（本月）"),
        rows=rows,
        url=reverse("monitoring:energy"),
        link_text=_("企业能耗"),
        empty_text=_("暂无本企业的表计数据"),
    )
