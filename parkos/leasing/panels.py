"""The enterprise page's panels of leasing: its contracts, and its dated presence (在园记录), in the
viewer's parks."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import scope_to_parks, visible_park_ids
from parkos.accounts.models import User
from parkos.enterprises.models import Enterprise
from parkos.leasing.models import Contract
from parkos.leasing.selectors import presence
from parkos.parks.models import Park
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


@register("presence")
def presence_panel(enterprise: Enterprise, user: User) -> Panel:
    """Its stays as statistics read them, with the page where officers enter and correct them."""
    stays = presence(park_ids=visible_park_ids(user), enterprise_ids=[enterprise.pk]).get(enterprise.pk, [])
    names = dict(Park.objects.filter(pk__in={stay.park_id for stay in stays}).values_list("pk", "name"))
    url = reverse("leasing:presence", args=[enterprise.pk])
    return Panel(
        title=_("在园记录"),
        rows=[
            PanelRow(
                label=names.get(stay.park_id, ""),
                value=f"{stay.moved_in:%Y-%m-%d} – {f'{stay.moved_out:%Y-%m-%d}' if stay.moved_out else _('至今')}"
                f"（{_('人工登记') if stay.source == 'officer' else _('合同')}）",
            )
            for stay in stays[-PANEL_ROWS:]
        ],
        url=url,
        link_text=_("登记迁入、迁出"),
        empty_text=_("暂无在园记录，点击标题登记"),
    )
