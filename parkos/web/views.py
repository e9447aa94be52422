from __future__ import annotations

import ipaddress
import logging
import os
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from parkos.accounts.access import acting_user, capabilities_of, is_staff_member
from parkos.core import industry
from parkos.core.routing import REPLICA, replica_configured
from parkos.core.scheduling import heartbeat_failures
from parkos.core.workdays import is_working_day
from parkos.web import dashboard, todo

INDUSTRY_LEVELS = {"section": _("门类"), "division": _("大类"), "group": _("中类"), "class": _("小类")}

logger = logging.getLogger(__name__)


def _check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: the database (and replica), the cache, and the background
    processes' heartbeats; 503 naming what failed when anything did.

    `?only=database,cache` limits the checks: a load balancer probing an app node should not take
    every node out of rotation because the (shared) task worker stopped.
    """
    checks: dict[str, Callable[[], None]] = {"database": lambda: _check_database("default"), "cache": _check_cache}
    if replica_configured():
        checks["replica"] = lambda: _check_database(REPLICA)
    background = ["worker", "scheduler"]
    if only := request.GET.get("only", ""):
        wanted = {name.strip() for name in only.split(",")}
        unknown = wanted - {*checks, *background}
        if unknown:
            return JsonResponse({"status": "error", "unknown": sorted(unknown)}, status=400)
        checks = {name: check for name, check in checks.items() if name in wanted}
        background = [kind for kind in background if kind in wanted]
    report: dict[str, Any] = {}
    failed: list[str] = []
    for name, check in checks.items():
        try:
            check()
        except Exception as error:
            logger.exception("healthz: %s failed", name)
            report[name] = f"failed: {type(error).__name__}"
            failed.append(name)
        else:
            report[name] = "ok"
    max_age = settings.HEALTHZ_WORKER_MAX_AGE_SECONDS
    if max_age and background and "database" not in failed:
        problems = heartbeat_failures(now=timezone.now(), max_age_seconds=max_age)
        for kind in background:
            report[kind] = f"failed: {problems[kind]}" if kind in problems else "ok"
        failed.extend(kind for kind in background if kind in problems)
    if failed:
        return JsonResponse({"status": "error", "failed": failed, **report}, status=503)
    return JsonResponse({"status": "ok", **report})


def _metrics_allowed(request: HttpRequest) -> bool:
    if is_staff_member(request.user) and getattr(request.user, "is_operator_admin", False):
        return True
    # A request relayed by a proxy on this machine also comes from 127.0.0.1: only direct callers count.
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(allowed, strict=False) for allowed in settings.METRICS_ALLOWED_IPS)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics of every process of this node (loopback, METRICS_ALLOWED_IPS, operator admins)."""
    if not _metrics_allowed(request):
        return HttpResponse(status=404)  # as if it were not there
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the hashed static file."""
    return HttpResponseRedirect(static("favicon.ico"))


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The home page: widgets chosen by the person's role, scoped to their parks.

    Enterprise users get the tenant's home: the same widgets (each app contributes its section for
    Role.ENTERPRISE_USER), framed for one enterprise.
    """
    staff = is_staff_member(request.user)
    context: dict[str, Any] = {
        "widgets": dashboard.widgets_for(acting_user(request), active_park=getattr(request, "active_park", None)),
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
    items = todo.todo_for(acting_user(request), today=today)
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
