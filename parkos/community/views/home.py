"""The community overview: what waits for staff (approvals, events, check-ins) and, for a tenant, its own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import has_capability
from parkos.community import rights
from parkos.community.choices import BookingStatus, JobStatus
from parkos.community.models import JobPosting
from parkos.community.selectors import bookings as booking_selectors
from parkos.community.selectors import people
from parkos.community.views.common import StaffOrTenantMixin, park_ids


class HomeView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        tenant = rights.tenant_enterprise(request.user)
        now = timezone.now()
        if tenant is not None:
            return render(
                request,
                "community/tenant_home.html",
                {
                    "enterprise": tenant,
                    "quota": booking_selectors.quota_status(tenant, timezone.localdate().replace(day=1)),
                    "upcoming": booking_selectors.bookings_for(request.user)
                    .active()
                    .filter(ends_at__gte=now)
                    .order_by("starts_at")[:8],
                    "jobs": JobPosting.objects.filter(enterprise=tenant).order_by("-created_at")[:8],
                    "courses": people.open_courses_for_parks(list(tenant.parks.values_list("pk", flat=True)))[:5],
                    "breadcrumbs": [(_("园区服务"), "")],
                },
            )
        ids = park_ids(request)
        bookings = booking_selectors.bookings_for(request.user)
        events = people.events_for(request.user).filter(ends_at__gte=now)
        jobs = JobPosting.objects.filter(status=JobStatus.PENDING)
        if ids is not None:
            bookings = bookings.filter(park_id__in=ids)
            events = events.filter(park_id__in=ids)
            jobs = jobs.filter(park_id__in=ids)
        today = timezone.localdate()
        return render(
            request,
            "community/home.html",
            {
                "pending_bookings": bookings.filter(status=BookingStatus.PENDING).count(),
                "today_bookings": bookings.active().filter(starts_at__date=today).count(),
                "pending_jobs": jobs.count(),
                "events": events.order_by("starts_at")[:6],
                "counts": people.talent_counts(ids, today),
                "can_manage": has_capability(request.user, rights.MANAGE),
                "resources": booking_selectors.resources_for(request.user).filter(park_id__in=ids)
                if ids is not None
                else booking_selectors.resources_for(request.user),
                "breadcrumbs": [(_("人才与活动"), "")],
            },
        )


__all__ = ["HomeView"]
