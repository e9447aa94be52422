from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from parkos.accounts.access import capabilities_of, is_staff_member
from parkos.web import dashboard

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("healthz: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The home page: widgets chosen by the person's role, scoped to their parks.

    Enterprise users get the tenant's home: the same widgets (each app contributes its section for
    Role.ENTERPRISE_USER), framed for one enterprise.
    """
    staff = is_staff_member(request.user)
    context: dict[str, Any] = {
        "widgets": dashboard.widgets_for(request.user, active_park=getattr(request, "active_park", None)),
        "capabilities": capabilities_of(request.user),
        "is_staff_member": staff,
    }
    return render(request, "web/dashboard.html" if staff else "web/tenant_home.html", context)
