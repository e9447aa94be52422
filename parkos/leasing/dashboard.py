"""Dashboard widgets of the leasing app: occupancy, expiries and open renewal tasks."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_park_ids
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.leasing import selectors
from parkos.parks.models import Park
from parkos.web.dashboard import Widget, register


@register({Role.LEASING_MANAGER, Role.PARK_MANAGER, Role.OPERATOR_ADMIN})
def leasing_widgets(user: User, active_park: Park | None) -> list[Widget]:
    park_ids = [active_park.pk] if active_park is not None else visible_park_ids(user)
    today = timezone.localdate()
    occupancy = selectors.occupancy_on(today, park_ids)
    expiring = selectors.expiry_counts(park_ids, today)
    tasks = list(selectors.renewal_tasks_open(park_ids, today=today)[:6])
    pct = occupancy.by_area_pct
    return [
        Widget(
            title=_("出租率（按面积）"),
            value=f"{pct}%" if pct is not None else "—",
            note=_("已出租 %(let)s / 可租 %(total)s m²")
            % {"let": f"{occupancy.occupied_area_sqm:,.0f}", "total": f"{occupancy.lettable_area_sqm:,.0f}"},
            url=reverse("leasing:occupancy"),
            order=30,
        ),
        Widget(
            title=_("即将到期的租赁合同"),
            value=expiring[90],
            note=_("30天内 %(d30)s 份 · 180天内 %(d180)s 份") % {"d30": expiring[30], "d180": expiring[180]},
            url=reverse("leasing:contract_list") + "?expiring=90",
            order=31,
        ),
        Widget(
            title=_("续签任务"),
            value=len(tasks),
            url=reverse("leasing:contract_list") + "?expiring=180",
            rows=[(t.contract.enterprise.name, t.contract.end_on) for t in tasks],
            order=32,
        ),
    ]


@register({Role.ENTERPRISE_USER})
def tenant_contracts_widget(user: User, active_park: Park | None) -> list[Widget]:
    """The tenant's own contracts with their key dates (start, free rent, next rent due, end)."""
    if not user.enterprise_id:
        return []
    rows = selectors.tenant_key_dates(user.enterprise_id)
    if not rows:
        return []
    return [
        Widget(
            title=_("合同与关键日期"),
            order=10,
            wide=True,
            template="leasing/widgets/tenant_contracts.html",
            context={"rows": rows, "today": timezone.localdate()},
        )
    ]
