"""The contracts panel of the enterprise page: its lease and sale contracts in the viewer's parks."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import scope_to_parks
from parkos.accounts.models import User
from parkos.enterprises.models import Enterprise
from parkos.leasing.models import Contract
from parkos.web.panels import Panel, PanelRow, register

PANEL_ROWS = 5


@register("contracts")
def contracts_panel(enterprise: Enterprise, user: User) -> Panel | None:
    contracts = list(
        scope_to_parks(user, Contract.objects.filter(enterprise=enterprise))
        .select_related("park")
        .order_by("-start_on")[:PANEL_ROWS]
    )
    if not contracts:
        return None
    today = timezone.localdate()
    return Panel(
        title=_("合同"),
        rows=[
            PanelRow(
                label=f"{c.number or c.pk} · {c.park.name}",
                value=f"{c.get_kind_display()} {c.lifecycle_on(today).label}",
                url=c.get_absolute_url(),
            )
            for c in contracts
        ],
    )
