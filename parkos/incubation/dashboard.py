"""Dashboard widgets of incubation: the tenant's sections of its home page, and the staff's desk."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_park_ids
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.core.units import format_money
from parkos.incubation import eligibility, lifecycle, milestones, selectors
from parkos.incubation.choices import IncubationStage, RequestStatus
from parkos.incubation.models import ACTIVE_STAGES, OPEN_REQUEST_STATUSES, Notification, ServiceRequest
from parkos.parks.models import Park
from parkos.web.dashboard import Widget, register

STAGE_TRACK = (
    IncubationStage.PRE_INCUBATION,
    IncubationStage.INCUBATING,
    IncubationStage.ACCELERATING,
    IncubationStage.GRADUATED,
)


# --- The tenant's home ---------------------------------------------------------------------------------


@register({Role.ENTERPRISE_USER})
def tenant_widgets(user: User, active_park: Park | None) -> list[Widget]:
    enterprise = user.enterprise
    if enterprise is None:
        return []
    widgets = [_requests_widget(enterprise.pk)]
    record = selectors.tenant_record(enterprise.pk)
    if record is not None:
        widgets.append(_programme_widget(record))
    park_id = selectors.tenant_park_id(enterprise)
    if park_id is not None:
        policy = _policy_widget(enterprise.pk, park_id)
        if policy is not None:
            widgets.append(policy)
    return widgets


def _requests_widget(enterprise_id: int) -> Widget:
    requests = list(selectors.tenant_requests(enterprise_id)[:6])
    open_count = ServiceRequest.objects.filter(enterprise_id=enterprise_id, status__in=OPEN_REQUEST_STATUSES).count()
    to_rate = ServiceRequest.objects.filter(enterprise_id=enterprise_id, status=RequestStatus.RESOLVED).count()
    return Widget(
        title=_("服务申请"),
        url=reverse("incubation:tenant_requests"),
        order=12,
        template="incubation/widgets/tenant_requests.html",
        context={"requests": requests, "open": open_count, "to_rate": to_rate},
    )


def _programme_widget(record: Any) -> Widget:
    today = timezone.localdate()
    evidence = selectors.graduation_evidence_for([record], today).get(record.pk, []) if record.is_active else []
    elapsed = max(0, (today - record.admitted_on).days)
    total = max(1, (record.due_on - record.admitted_on).days)
    current = list(STAGE_TRACK).index(record.stage) if record.stage in STAGE_TRACK else -1
    return Widget(
        title=_("孵化进程与里程碑"),
        url=reverse("incubation:tenant_programme"),
        order=20,
        wide=True,
        template="incubation/widgets/tenant_programme.html",
        context={
            "record": record,
            "track": [(stage.label, index < current, index == current) for index, stage in enumerate(STAGE_TRACK)],
            "percent": min(100, round(elapsed * 100 / total)),
            "overdue": lifecycle.is_overdue(record.stage, record.due_on, today),
            "days_left": (record.due_on - today).days,
            "evidence": evidence,
            "milestones": list(
                reversed(milestones.milestones_of([record.enterprise_id]).get(record.enterprise_id, []))
            )[:4],
        },
    )


def _policy_widget(enterprise_id: int, park_id: int) -> Widget | None:
    today = timezone.localdate()
    checks = selectors.enterprise_eligibility(enterprise_id, park_id, today)
    if not checks:
        return None
    eligible = [s for s, rule_checks in checks if eligibility.qualifies(rule_checks)]
    near = [
        (s, next(c.rule for c in rule_checks if c.holds is not True))
        for s, rule_checks in checks
        if sum(1 for c in rule_checks if c.holds is not True) == 1
    ]
    return Widget(
        title=_("可申报的政策"),
        order=40,
        template="incubation/widgets/tenant_policy.html",
        context={"eligible": eligible[:5], "near": near[:3], "today": today},
    )


# --- Staff ----------------------------------------------------------------------------------------------


@register({Role.OPERATOR_ADMIN, Role.PARK_MANAGER, Role.SERVICES_OFFICER})
def incubation_widgets(user: User, active_park: Park | None) -> list[Widget]:
    park_ids = [active_park.pk] if active_park is not None else visible_park_ids(user)
    today = timezone.localdate()
    stages = selectors.stage_counts(park_ids)
    in_incubation = sum(stages.get(stage, 0) for stage in ACTIVE_STAGES)
    overdue = selectors.overdue_records(park_ids, today).count()
    requests = ServiceRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES)
    if park_ids is not None:
        requests = requests.filter(park_id__in=park_ids)
    breached = requests.filter(Q(response_breached=True) | Q(resolution_breached=True)).count()
    mine = requests.filter(assignee=user).count()
    awarded, award_count = selectors.awards_total(park_ids, today.year)
    waiting = selectors.applications_waiting(park_ids)
    return [
        Widget(
            title=_("在孵企业"),
            value=in_incubation,
            note=_("超期在孵 %(o)s 家 · 待处理入孵申请 %(a)s 份") % {"o": overdue, "a": waiting},
            url=reverse("incubation:overview"),
            order=45,
        ),
        Widget(
            title=_("服务申请"),
            value=requests.count(),
            note=_("未结束；其中已超时 %(b)s 项，由我受理 %(m)s 项") % {"b": breached, "m": mine},
            url=reverse("incubation:request_list") + "?open=true",
            order=46,
        ),
        Widget(
            title=_("%(year)s年政策兑现") % {"year": today.year},
            value=format_money(awarded, "wan"),
            note=_("%(n)s 笔") % {"n": award_count},
            url=reverse("incubation:scheme_list"),
            order=47,
        ),
    ]


@register()
def notification_widget(user: User, active_park: Park | None) -> list[Widget]:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    count = unread.count()
    if not count:
        return []
    return [
        Widget(
            title=_("未读通知"),
            value=count,
            url=reverse("incubation:notification_list"),
            rows=[(n.text, f"{timezone.localtime(n.created_at):%m-%d %H:%M}") for n in unread[:5]],
            order=5,
        )
    ]


@register({Role.ENTERPRISE_USER})
def tenant_notification_widget(user: User, active_park: Park | None) -> list[Widget]:
    return notification_widget(user, active_park)


@register()
def review_widget(user: User, active_park: Park | None) -> list[Widget]:
    pending = list(selectors.reviews_pending_for(user)[:6])
    if not pending:
        return []
    return [
        Widget(
            title=_("待我评审的入孵申请"),
            value=len(pending),
            url=reverse("incubation:application_list") + "?status=in_review",
            rows=[(f"{r.application.reference} {r.application.company_name}", r.assigned_at.date()) for r in pending],
            order=6,
        )
    ]
