"""DRF permissions built on the one access helper."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from parkos.accounts.access import Capability, has_capability, is_staff_member

if TYPE_CHECKING:  # rest_framework.views reads the permission settings that name this module
    from rest_framework.views import APIView


class IsParkStaff(BasePermission):
    """Logged-in operator staff; object scoping is done by each view's queryset."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_staff_member(request.user)


class StaffWithCapability(IsParkStaff):
    """Staff may read; writes need the view's `write_capability`.

    For an existing object the capability is checked after the park-scoped lookup, so an object
    outside the caller's parks answers 404 whatever their role, and one inside answers 403.
    """

    def _may_write(self, request: Request, view: APIView) -> bool:
        capability: Capability | None = getattr(view, "write_capability", None)
        return capability is not None and has_capability(request.user, capability)

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", "pk")
        if lookup in getattr(view, "kwargs", {}):
            return True  # decided in has_object_permission, after the scoped lookup
        return self._may_write(request, view)

    def has_object_permission(self, request: Request, view: APIView, obj: object) -> bool:
        return request.method in SAFE_METHODS or self._may_write(request, view)
