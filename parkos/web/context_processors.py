"""What every page of the shell needs: navigation, the park switcher and the active park."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from parkos.accounts.access import capabilities_of, is_staff_member, visible_parks
from parkos.web import navigation


def _navigation(request: HttpRequest, audience: navigation.Audience) -> list[dict[str, Any]]:
    granted = capabilities_of(request.user)
    entries = navigation.entries(audience, lambda entry: not entry.capabilities or bool(entry.capabilities & granted))
    match = request.resolver_match
    view_name = match.view_name if match else ""
    namespace = match.namespace if match else ""
    exact = any(view_name == entry.url_name for entry in entries)
    claimed: set[str] = set()
    items = []
    for entry in entries:
        entry_ns = entry.url_name.split(":")[0]
        # The exact page wins; otherwise the first entry of the page's app is highlighted.
        active = view_name == entry.url_name if exact else (entry_ns == namespace and entry_ns not in claimed)
        claimed.add(entry_ns)
        items.append({"url": reverse(entry.url_name), "label": entry.label, "active": active, "module": entry.module})
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_items": [], "switcher_parks": []}
    if not is_staff_member(request.user):
        return {"nav_items": SimpleLazyObject(lambda: _navigation(request, "tenant")), "switcher_parks": []}
    return {
        "nav_items": SimpleLazyObject(lambda: _navigation(request, "staff")),
        "switcher_parks": SimpleLazyObject(lambda: list(visible_parks(request.user).only("pk", "name", "city"))),
    }
