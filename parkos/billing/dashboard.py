"""Dashboard widgets of billing: receivables for the staff who collect, bills on the tenant's home."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_park_ids
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.billing import selectors
from parkos.parks.models import Park
from parkos.web.dashboard import Widget, register

TENANT_BILL_ROWS = 4


def _yuan(value: object) -> str:
    return f"{value:,.2f}"


@register({Role.OPERATOR_ADMIN, Role.PARK_MANAGER, Role.LEASING_MANAGER})
def billing_widgets(user: User, active_park: Park | None) -> list[Widget]:
    park_ids = [active_park.pk] if active_park is not None else visible_park_ids(user)
    status = selectors.billing_status(park_ids, timezone.localdate())
    return [
        Widget(
            title=_("应收未收（元）"),
            value=_yuan(status.outstanding),
            note=_("其中逾期 %(overdue)s 元，%(n)s 家企业")
            % {"overdue": _yuan(status.overdue), "n": status.overdue_accounts},
            url=reverse("billing:ageing"),
            order=35,
        ),
        Widget(
            title=_("待处理收款"),
            value=status.unmatched_lines,
            note=_("待匹配银行流水；待开票 %(i)s 份，待审批核销 %(w)s 份")
            % {"i": status.pending_invoices, "w": status.pending_write_offs},
            url=reverse("billing:statement_list"),
            order=36,
        ),
    ]


@register({Role.ENTERPRISE_USER})
def tenant_bills_widget(user: User, active_park: Park | None) -> list[Widget]:
    """The tenant's home: what it owes, its latest bills and the last reminder it received."""
    enterprise_id = user.enterprise_id
    if not enterprise_id:
        return []
    bills = list(selectors.tenant_bills(enterprise_id)[:TENANT_BILL_ROWS])
    accounts = [selectors.account_summary(a) for a in selectors.tenant_accounts(enterprise_id)]
    outstanding = sum((a.outstanding for a in accounts), 0)
    overdue = sum((a.overdue for a in accounts), 0)
    reminder = selectors.tenant_reminders(enterprise_id).first()
    note = _("其中逾期 %(overdue)s 元") % {"overdue": _yuan(overdue)} if overdue else _("暂无逾期")
    if reminder is not None:
        note = f"{note} · {reminder.sent_on:%Y-%m-%d} {reminder.subject}"
    return [
        Widget(
            title=_("我的账单（未结清，元）"),
            value=_yuan(outstanding),
            note=note,
            url=reverse("billing:tenant_bills"),
            rows=[(f"{b.number} · {b.issued_on:%Y-%m-%d}", _yuan(b.total_amount)) for b in bills],
            order=15,
        )
    ]
