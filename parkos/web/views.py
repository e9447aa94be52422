from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from parkos.accounts.access import capabilities_of, is_staff_member
from parkos.core import industry
from parkos.web import dashboard

INDUSTRY_LEVELS = {"section": _("门类"), "division": _("大类"), "group": _("中类"), "class": _("小类")}

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
    """The home page: widgets chosen by the person's role, scoped to their parks."""
    context: dict[str, Any] = {
        "widgets": dashboard.widgets_for(request.user, active_park=getattr(request, "active_park", None)),
        "capabilities": capabilities_of(request.user),
        "is_staff_member": is_staff_member(request.user),
    }
    return render(request, "web/dashboard.html", context)


@require_GET
@cache_control(max_age=3600, public=True)
def industry_search(request: HttpRequest) -> JsonResponse:
    """GB/T 4754-2017 codes at every grain by code, name or pinyin, for the pickers (public reference data)."""
    query = (request.GET.get("q") or "")[:40]
    results = []
    for entry in industry.search(query, limit=40):
        path = " › ".join(a.label for a in industry.ancestors(entry.code)[1:])
        hint = f"{INDUSTRY_LEVELS[entry.level]}" + (f" · {path}" if path else "")
        results.append({"value": entry.code, "text": entry.label, "hint": hint})
    return JsonResponse({"results": results})
