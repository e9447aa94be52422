"""Dashboard widgets: a tenant's monthly statistics, and the statistics summary for park staff."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import visible_park_ids
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.parks.models import Park
from parkos.statistics.models import MonthlyReport
from parkos.statistics.selectors import report_queryset
from parkos.web.dashboard import Widget, register


@register({Role.ENTERPRISE_USER})
def tenant_statistics_widget(user: User, active_park: Park | None) -> list[Widget]:

    if not user.enterprise_id:
        return [Widget(title=_("月度统计填报"), note=_("您的账号尚未关联企业，请联系园区企业服务专员。"), order=15)]
    latest = MonthlyReport.objects.filter(enterprise_id=user.enterprise_id).order_by("-year", "-month").first()
    today = timezone.localdate()
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    if previous.month == 1:
        # January is reported with February (RULES §10.1): what is due next is 1–2月.
        due = _("%(y)s年1–2月") % {"y": previous.year}
    else:
        due = _("%(y)s年%(m)s月") % {"y": previous.year, "m": previous.month}
    done = latest is not None and (latest.year, latest.month) >= (previous.year, previous.month)
    return [
        Widget(
            title=_("月度统计填报"),
            value=_("已填报") if done else _("待填报"),
            note=_("应报期：%(due)s；最近一次：%(last)s")
            % {"due": due, "last": latest.period_label if latest else _("无")},
            url=reverse("park_statistics:tenant_reports"),
            order=15,
        )
    ]


@register({Role.OPERATOR_ADMIN, Role.PARK_MANAGER, Role.SERVICES_OFFICER})
def statistics_widget(user: User, active_park: Park | None) -> list[Widget]:

    park_ids = [active_park.pk] if active_park else visible_park_ids(user)
    today = timezone.localdate()
    reported = report_queryset(park_ids).filter(year=today.year, month=today.month).count()
    return [
        Widget(
            title=_("统计与年报"),
            value=reported,
            note=_("本月已填报企业数"),
            url=reverse("park_statistics:dashboard"),
            order=40,
        )
    ]
