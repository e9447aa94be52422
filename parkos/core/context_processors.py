"""What every page of the shell needs: navigation, the park switcher and the active park."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import is_staff_member, visible_parks

# (url name, label, module key). Later modules add themselves here when their pages land.
NAVIGATION: list[tuple[str, Any, str]] = [
    ("core:dashboard", _("工作台"), "core"),
    ("parks:park_list", _("园区与空间"), "parks"),
    ("parks:availability", _("空间查询"), "availability"),
    ("enterprises:enterprise_list", _("企业库"), "enterprises"),
]


def _navigation(request: HttpRequest) -> list[dict[str, Any]]:
    items = []
    current = request.resolver_match.namespace if request.resolver_match else ""
    for url_name, label, module in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # module not installed yet
        items.append({"url": url, "label": label, "active": current == url_name.split(":")[0], "module": module})
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    if not is_staff_member(request.user):
        return {"nav_items": [], "switcher_parks": []}
    return {
        "nav_items": SimpleLazyObject(lambda: _navigation(request)),
        "switcher_parks": SimpleLazyObject(lambda: list(visible_parks(request.user).only("pk", "name", "city"))),
    }
