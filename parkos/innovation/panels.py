"""The innovation panel of the enterprise page: the latest events of its timeline, in the viewer's parks."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import Capability, has_capability, visible_park_ids
from parkos.accounts.models import User
from parkos.enterprises.models import Enterprise
from parkos.innovation import selectors
from parkos.web.panels import Panel, PanelRow, register

PANEL_ROWS = 8


@register("innovation")
def innovation_panel(enterprise: Enterprise, user: User) -> Panel | None:
    events = selectors.enterprise_timeline(
        enterprise_id=enterprise.pk,
        park_ids=visible_park_ids(user),
        today=timezone.localdate(),
        with_stakes=has_capability(user, Capability.MANAGE_STAKES),
    )
    done = [event for event in events if not event.planned]
    if not events:
        return None
    return Panel(
        title=_("项目、研发与里程碑"),
        rows=[
            PanelRow(
                label=f"{event.on:%Y-%m-%d} {event.title}", value=selectors.TOPIC_LABELS[event.topic], url=event.url
            )
            for event in done[:PANEL_ROWS]
        ],
        url=reverse("innovation:enterprise_timeline", args=[enterprise.pk]),
        link_text=_("查看完整时间线"),
    )
