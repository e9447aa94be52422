"""The 企业服务 panel of the enterprise page: incubation stage, open and recent service requests."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import scope_to_parks
from parkos.accounts.models import User
from parkos.enterprises.models import Enterprise
from parkos.incubation.models import OPEN_REQUEST_STATUSES, IncubationRecord, ServiceRequest
from parkos.web.panels import Panel, PanelRow, register

PANEL_ROWS = 4


@register("services")
def services_panel(enterprise: Enterprise, user: User) -> Panel | None:
    records = list(
        scope_to_parks(user, IncubationRecord.objects.filter(enterprise=enterprise)).select_related("programme")[:2]
    )
    requests = scope_to_parks(user, ServiceRequest.objects.filter(enterprise=enterprise)).select_related("offering")
    recent = list(requests.order_by("-raised_at")[:PANEL_ROWS])
    if not records and not recent:
        return None
    rows = [
        PanelRow(
            label=f"{r.programme.name} · {r.get_stage_display()}",
            value=_("入孵 %(d)s") % {"d": r.admitted_on},
            url=r.get_absolute_url(),
        )
        for r in records
    ]
    open_count = requests.filter(status__in=OPEN_REQUEST_STATUSES).count()
    rows.append(PanelRow(label=_("未结束的服务申请"), value=open_count))
    rows.extend(
        PanelRow(label=f"{s.reference} {s.subject}", value=s.get_status_display(), url=s.get_absolute_url())
        for s in recent
    )
    return Panel(
        title=_("企业服务"),
        rows=rows,
        url=reverse("incubation:request_list") + f"?enterprise={enterprise.pk}",
        link_text=_("全部服务申请"),
    )
