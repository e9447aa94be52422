"""Dashboard widgets: a tenant's rooms and quota on its home page, and what waits for community staff."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import visible_park_ids
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.community.choices import BookingStatus, EventStatus, JobStatus
from parkos.community.models import Booking, Event, JobPosting
from parkos.community.selectors import bookings as booking_selectors
from parkos.parks.models import Park
from parkos.web.dashboard import Widget, register


@register({Role.ENTERPRISE_USER})
def tenant_rooms_widget(user: User, active_park: Park | None) -> list[Widget]:
    enterprise = user.enterprise
    if enterprise is None:
        return []
    quota = booking_selectors.quota_status(enterprise, timezone.localdate().replace(day=1))
    upcoming = (
        Booking.objects.active()
        .filter(enterprise_id=enterprise.pk, ends_at__gte=timezone.now())
        .select_related("resource")
        .order_by("starts_at")[:3]
    )
    rows = [(timezone.localtime(b.starts_at).strftime("%m-%d %H:%M"), b.resource.name) for b in upcoming]
    remaining = _("、").join(
        _("%(name)s剩余 %(m)s 分钟") % {"name": line.tariff.name, "m": line.remaining_minutes} for line in quota
    )
    return [
        Widget(
            title=_("会议室与设备预订"),
            value=len(rows) or "",
            note=remaining or _("本月免费额度：无"),
            url=reverse("community:resource_list"),
            rows=rows,
            order=30,
        )
    ]


@register({Role.OPERATOR_ADMIN, Role.PARK_MANAGER, Role.SERVICES_OFFICER})
def community_widget(user: User, active_park: Park | None) -> list[Widget]:
    park_ids = [active_park.pk] if active_park else visible_park_ids(user)
    bookings = Booking.objects.filter(status=BookingStatus.PENDING)
    jobs = JobPosting.objects.filter(status=JobStatus.PENDING)
    events = Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__gte=timezone.now())
    if park_ids is not None:
        bookings = bookings.filter(park_id__in=park_ids)
        jobs = jobs.filter(park_id__in=park_ids)
        events = events.filter(park_id__in=park_ids)
    pending = bookings.count() + jobs.count()
    return [
        Widget(
            title=_("人才与活动"),
            value=pending,
            note=_("待审批的预订和职位"),
            url=reverse("community:home"),
            rows=[
                (_("近期活动"), events.count()),
                (_("待审批预订"), bookings.count()),
                (_("待审核职位"), jobs.count()),
            ],
            order=60,
        )
    ]
