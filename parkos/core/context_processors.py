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
    ("investment:lead_board", _("招商"), "investment"),
    ("park_statistics:dashboard", _("统计与年报"), "statistics"),
    ("leasing:contract_list", _("租售合同"), "leasing"),
    ("portal:editor_article_list", _("门户内容"), "portal"),
]


def _navigation(request: HttpRequest) -> list[dict[str, Any]]:
    items = []
    match = request.resolver_match
    view_name = match.view_name if match else ""
    namespace = match.namespace if match else ""
    exact = any(view_name == url_name for url_name, _label, _module in NAVIGATION)
    claimed: set[str] = set()
    for url_name, label, module in NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue  # module not installed yet
        entry_ns = url_name.split(":")[0]
        # The exact page wins; otherwise the first entry of the page's app is highlighted.
        active = view_name == url_name if exact else (entry_ns == namespace and entry_ns not in claimed)
        claimed.add(entry_ns)
        items.append({"url": url, "label": label, "active": active, "module": module})
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    if not is_staff_member(request.user):
        return {"nav_items": [], "switcher_parks": []}
    return {
        "nav_items": SimpleLazyObject(lambda: _navigation(request)),
        "switcher_parks": SimpleLazyObject(lambda: list(visible_parks(request.user).only("pk", "name", "city"))),
    }
