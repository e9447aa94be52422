from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from parkos.accounts.access import capabilities_of, is_staff_member
from parkos.core import industry
from parkos.core.workdays import is_working_day
from parkos.web import dashboard, todo

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


@login_required
def todo_view(request: HttpRequest) -> HttpResponse:
    """我的待办: next steps and renewal tasks due by the end of the working day, overdue first."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    items = todo.todo_for(request.user, today=today)
    rows = [(item, todo.overdue_working_days(item, today)) for item in items]
    return render(
        request,
        "web/todo.html",
        {
            "rows": rows,
            "today": today,
            "horizon": todo.horizon(today),
            "is_working_day": is_working_day(today),
            "breadcrumbs": [(_("我的待办"), "")],
        },
    )
