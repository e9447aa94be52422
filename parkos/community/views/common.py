"""Helpers shared by the community pages: who may open them, the park a page covers, small parameters."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import has_capability, is_staff_member, visible_parks
from parkos.community import rights
from parkos.core.client_ip import client_ip as core_client_ip
from parkos.web.views_generic import requested_park_ids


class StaffOrTenantMixin(LoginRequiredMixin):
    """Park staff, or an enterprise user acting for an enterprise (tenants' pages and shared ones)."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> Any:
        user = request.user
        if user.is_authenticated and not (is_staff_member(user) or rights.tenant_enterprise(user) is not None):
            raise PermissionDenied(_("该页面仅限园区工作人员和已关联企业的企业用户访问。"))
        return super().dispatch(request, *args, **kwargs)


#: The parks a page covers (shared with the other apps' pages).
park_ids = requested_park_ids


def managed_parks(request: HttpRequest) -> Any:
    """Active parks where the person runs community work (the choices of a create form)."""
    parks = visible_parks(request.user).filter(archived_at__isnull=True).order_by("name")
    return parks if has_capability(request.user, rights.MANAGE) else parks.none()


def date_param(request: HttpRequest, name: str, default: datetime.date | None = None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default or timezone.localdate()


def month_param(request: HttpRequest, name: str = "month") -> datetime.date:
    """`?month=2026-05` → 2026-05-01; the current month otherwise."""
    try:
        return datetime.date.fromisoformat(f"{request.GET.get(name, '')}-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


def client_ip(request: HttpRequest) -> str:
    """The client's address for rate limits and the audit trail: behind the configured trusted proxies,
    the address they forwarded (else every visitor would share the proxy's limit); never a header a
    client could set itself (Ref: #13)."""
    return core_client_ip(request) or "unknown"


def hx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response
