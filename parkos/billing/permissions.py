"""Who may see billing: staff who bill or approve billing, in their parks (finance data is not every
officer's business). Built on the one access helper; pages and the API use the same rule."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from rest_framework.request import Request
from rest_framework.views import APIView

from parkos.accounts.access import Capability, has_capability
from parkos.accounts.models import User
from parkos.accounts.permissions import StaffWithCapability


def may_bill(user: User | AnonymousUser) -> bool:
    return has_capability(user, Capability.MANAGE_BILLING) or has_capability(user, Capability.APPROVE_BILLING)


class BillingStaff(StaffWithCapability):
    """Staff with a billing capability may read; writes need the view's `write_capability` as usual."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and may_bill(request.user)
