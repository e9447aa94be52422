"""Dashboard widgets for investment officers and park managers: pipeline, reminders, space matches."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.investment import selectors
from parkos.investment.choices import PIPELINE, LeadStage
from parkos.parks.models import Park
from parkos.web.dashboard import Widget, register


@register({Role.INVESTMENT_OFFICER, Role.PARK_MANAGER})
def _pipeline_widgets(user: User, active_park: Park | None) -> list[Widget]:

    leads = selectors.lead_list(user)
    if active_park is not None:
        leads = leads.filter(park=active_park)
    if user.role == Role.INVESTMENT_OFFICER:
        leads = leads.filter(officer=user)
    counts = dict(leads.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    labels = dict(LeadStage.choices)
    open_total = sum(counts.get(s.value, 0) for s in PIPELINE[:4])
    widgets = [
        Widget(
            title=_("我的招商线索") if user.role == Role.INVESTMENT_OFFICER else _("招商线索"),
            value=open_total,
            note=_("跟进中的线索"),
            url=reverse("investment:lead_board"),
            rows=[(labels[s.value], counts.get(s.value, 0)) for s in PIPELINE],
            order=30,
        )
    ]
    unread = list(selectors.unread_notifications(user)[:6])
    widgets.append(
        Widget(
            title=_("招商通知"),
            value=selectors.unread_notifications(user).count(),
            note=_("新线索与新空间匹配"),
            url=reverse("investment:notification_list"),
            rows=[(n.text, n.created_at.strftime("%m-%d")) for n in unread],
            order=31,
        )
    )
    due = list(selectors.reminders_due(user)[:6])
    if due:
        widgets.append(
            Widget(
                title=_("今日待办（跟进提醒）"),
                value=len(due),
                url=reverse("investment:lead_list") + "?mine=1",
                rows=[
                    (
                        f"{a.lead.company_name}：{a.next_step}",
                        a.next_step_on.strftime("%m-%d") if a.next_step_on else "",
                    )
                    for a in due
                ],
                order=32,
            )
        )
    return widgets
