"""The billing panel of the enterprise page: its receivables in the viewer's parks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import scope_to_parks
from parkos.accounts.models import User
from parkos.billing import selectors
from parkos.billing.models import Account
from parkos.enterprises.models import Enterprise
from parkos.web.panels import Panel, PanelRow, register


@register("billing")
def billing_panel(enterprise: Enterprise, user: User) -> Panel | None:
    accounts = list(scope_to_parks(user, Account.objects.filter(enterprise=enterprise)).select_related("park"))
    if not accounts:
        return None
    rows = []
    for account in accounts:
        summary = selectors.account_summary(account)
        value = _("未结清 %(open)s 元，逾期 %(overdue)s 元") % {
            "open": f"{summary.outstanding:,.2f}",
            "overdue": f"{summary.overdue:,.2f}",
        }
        rows.append(PanelRow(label=account.park.name, value=value, url=account.get_absolute_url()))
    return Panel(title=_("账单与欠费"), rows=rows)
