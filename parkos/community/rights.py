"""Who may do what in talent, jobs, bookings and events — built on `parkos.accounts.access`, nothing else.

- Reading community pages: any staff member, in their parks (scope_to_parks).
- Running community work (programmes, talent records, approving jobs and bookings, events, check-in):
  MANAGE_SERVICES in the park — the enterprise-services officers, park managers and operator admins.
- Personal data (talent names and mobiles, registrants, trainees) unmasked: the same people, in the
  record's park; everyone else sees 张* / 138****8000, and every unmasked view is audited.
- Tenants (enterprise users linked to an enterprise) book for their own enterprise, post its jobs and
  register its staff for training; nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from parkos.accounts.access import Capability, can_access_park, has_capability, is_staff_member, require_park
from parkos.community.choices import BookingAudience
from parkos.community.models import Booking, BookingSeries
from parkos.enterprises.choices import EnterpriseLifecycle

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User
    from parkos.community.models import BookableResource
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

MANAGE = Capability.MANAGE_SERVICES


def may_manage(user: User | AnonymousUser, park: Park | int | None) -> bool:
    """Runs community work in this park (or anywhere, for park=None and operator admins)."""
    return has_capability(user, MANAGE) and can_access_park(user, park)


def require_manage(user: User | AnonymousUser, park: Park | int | None) -> None:
    """404 outside a staff member's parks, 403 without the right inside them (and for tenants)."""
    if tenant_enterprise(user) is not None:
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    require_park(user, park)
    if not has_capability(user, MANAGE):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def personal_data_visible(user: User | AnonymousUser, park: Park | int | None) -> bool:
    """May `user` see names and mobiles of people recorded in this park unmasked?"""
    return may_manage(user, park)


def tenant_enterprise(user: User | AnonymousUser) -> Enterprise | None:
    """The enterprise a tenant login acts for (None for staff and unlinked logins)."""
    if not user.is_authenticated or not getattr(user, "is_enterprise_user", False):
        return None
    enterprise: Enterprise | None = getattr(user, "enterprise", None)
    return enterprise


def is_tenant_of(enterprise: Enterprise, park: Park | int) -> bool:
    park_id = park if isinstance(park, int) else park.pk
    return enterprise.lifecycle == EnterpriseLifecycle.TENANT and enterprise.parks.filter(pk=park_id).exists()


def booking_enterprise(
    user: User | AnonymousUser, resource: BookableResource, wanted: Enterprise | None
) -> Enterprise | None:
    """The enterprise a booking by `user` is for, or PermissionDenied with the reason.

    1. Managers of the park book for any enterprise, or for the operator itself (None: internal, free).
    2. Other staff of the park book only for the operator, and only resources open to staff.
    3. Tenants book for their own enterprise, if the resource is open to tenants of its park or lists them.
    """
    if may_manage(user, resource.park_id):
        return wanted
    if is_staff_member(user):
        require_park(user, resource.park_id)
        if wanted is not None:
            raise PermissionDenied(_("您的角色不能代企业预订。"))
        return None
    enterprise = tenant_enterprise(user)
    if enterprise is None:
        raise PermissionDenied(_("请使用已关联企业的账号预订。"))
    if not resource_open_to(resource, enterprise):
        raise PermissionDenied(_("该资源不对贵企业开放预订。"))
    return enterprise


def resource_open_to(resource: BookableResource, enterprise: Enterprise) -> bool:
    """Whether a tenant enterprise may book this resource (its audience rule)."""
    if resource.audience == BookingAudience.STAFF:
        return False
    if resource.audience == BookingAudience.LISTED:
        return resource.allowed_enterprises.filter(pk=enterprise.pk).exists()
    return is_tenant_of(enterprise, resource.park_id)


def may_cancel_booking(user: User | AnonymousUser, booking: Booking | BookingSeries) -> bool:
    """The person who booked, another login of the same enterprise, or a manager of the park."""
    if may_manage(user, booking.park_id):
        return True
    if booking.booked_by_id is not None and booking.booked_by_id == getattr(user, "pk", None):
        return True
    enterprise = tenant_enterprise(user)
    return enterprise is not None and booking.enterprise_id == enterprise.pk
