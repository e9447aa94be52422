"""The investment panel of the enterprise page: its leads, in the parks the viewer may see."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.accounts.models import User
from parkos.enterprises.models import Enterprise
from parkos.investment import selectors
from parkos.web.panels import Panel, PanelRow, register

PANEL_ROWS = 5


@register("leads")
def leads_panel(enterprise: Enterprise, user: User) -> Panel | None:
    leads = list(selectors.lead_list(user).filter(enterprise=enterprise).order_by("-pk")[:PANEL_ROWS])
    if not leads:
        return None
    return Panel(
        title=_("招商线索"),
        rows=[
            PanelRow(label=lead.company_name, value=lead.get_stage_display(), url=lead.get_absolute_url())
            for lead in leads
        ],
        url=reverse("investment:enterprise_timeline", args=[enterprise.pk]),
        link_text=_("查看跟进时间线"),
    )
