"""The one access helper: which parks a person may see, and what their role lets them do.

Every view and API endpoint scopes its querysets with `scope_to_parks` and checks writes with
`require_capability`; nothing else decides access. Objects outside a person's parks answer 404, so
their existence does not leak.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from parkos.accounts.choices import Role
from parkos.accounts.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    # Parks sit above accounts (they use this module); at run time the park model is whatever
    # User.parks points at, so accounts never imports parks.
    from parkos.parks.models import Park


def _park_model() -> type[Park]:
    model: type[Park] = User._meta.get_field("parks").related_model  # type: ignore[assignment]
    return model


class Capability(enum.StrEnum):
    """What a role may do inside the parks it is assigned to."""

    VIEW_PARK = "view_park"
    MANAGE_USERS = "manage_users"
    CHANGE_PARK = "change_park"
    CHANGE_SPACE = "change_space"
    RESERVE_SPACE = "reserve_space"
    CHANGE_ENTERPRISE = "change_enterprise"
    VIEW_CONTACT_DETAILS = "view_contact_details"
    IMPORT_DATA = "import_data"
    MANAGE_LEADS = "manage_leads"
    MANAGE_CONTRACTS = "manage_contracts"
    MANAGE_SERVICES = "manage_services"
    MANAGE_STATISTICS = "manage_statistics"
    MANAGE_FACILITIES = "manage_facilities"
    MANAGE_PROJECTS = "manage_projects"
    MANAGE_STAKES = "manage_stakes"
    VIEW_AUDIT = "view_audit"
    #: Run bills, record and match payments, send reminders, take 开票 requests (billing).
    MANAGE_BILLING = "manage_billing"
    #: Approve and issue bill runs, credit notes and write-offs (a second person's check).
    APPROVE_BILLING = "approve_billing"


_STAFF_BASE = {Capability.VIEW_PARK}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OPERATOR_ADMIN: frozenset(Capability),
    Role.PARK_MANAGER: frozenset(
        _STAFF_BASE
        | {
            Capability.CHANGE_PARK,
            Capability.CHANGE_SPACE,
            Capability.RESERVE_SPACE,
            Capability.CHANGE_ENTERPRISE,
            Capability.VIEW_CONTACT_DETAILS,
            Capability.IMPORT_DATA,
            Capability.MANAGE_LEADS,
            Capability.MANAGE_CONTRACTS,
            Capability.MANAGE_SERVICES,
            Capability.MANAGE_STATISTICS,
            Capability.MANAGE_PROJECTS,
            Capability.MANAGE_STAKES,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_BILLING,
            Capability.APPROVE_BILLING,
        }
    ),
    Role.INVESTMENT_OFFICER: frozenset(
        _STAFF_BASE
        | {
            Capability.RESERVE_SPACE,
            Capability.CHANGE_ENTERPRISE,
            Capability.VIEW_CONTACT_DETAILS,
            Capability.IMPORT_DATA,
            Capability.MANAGE_LEADS,
            Capability.MANAGE_PROJECTS,
        }
    ),
    Role.LEASING_MANAGER: frozenset(
        _STAFF_BASE
        | {
            Capability.CHANGE_SPACE,
            Capability.RESERVE_SPACE,
            Capability.CHANGE_ENTERPRISE,
            Capability.VIEW_CONTACT_DETAILS,
            Capability.IMPORT_DATA,
            Capability.MANAGE_CONTRACTS,
            Capability.MANAGE_BILLING,
        }
    ),
    Role.SERVICES_OFFICER: frozenset(
        _STAFF_BASE | {Capability.CHANGE_ENTERPRISE, Capability.MANAGE_SERVICES, Capability.MANAGE_STATISTICS}
    ),
    Role.FACILITIES_OPERATOR: frozenset(_STAFF_BASE | {Capability.MANAGE_FACILITIES}),
    Role.ENTERPRISE_USER: frozenset(),
}


def _active_user(user: User | AnonymousUser) -> User | None:
    """The person if logged in and active, else None (anonymous visitors, deactivated accounts)."""
    return user if isinstance(user, User) and user.is_active else None


def _active_staff(user: User | AnonymousUser) -> User | None:
    active = _active_user(user)
    return active if active is not None and not active.is_enterprise_user else None


def is_staff_member(user: User | AnonymousUser) -> bool:
    """Operator staff (any role but enterprise user), logged in and active."""
    return _active_staff(user) is not None


def is_operator_admin(user: User | AnonymousUser) -> bool:
    """An operator administrator (or a superuser): the one role whose scope is every park."""
    return isinstance(user, User) and user.is_operator_admin


def has_capability(user: User | AnonymousUser, capability: Capability) -> bool:
    active = _active_user(user)
    if active is None:
        return False
    if active.is_superuser:
        return True
    return capability in ROLE_CAPABILITIES.get(active.role, frozenset())


def visible_parks(user: User | AnonymousUser) -> QuerySet[Park]:
    """The parks this person may see: all for operator admins, their assigned ones otherwise."""
    staff = _active_staff(user)
    if staff is None:
        return _park_model().objects.none()
    if staff.is_operator_admin:
        return _park_model().objects.all()
    return _park_model().objects.filter(staff=user.pk)


def visible_park_ids(user: User | AnonymousUser) -> list[int] | None:
    """Park ids the person may see, or None meaning "every park" (operator admins).

    Callers cache this on the request: a list of ids keeps scoped queries free of a join to the
    assignment table.
    """
    staff = _active_staff(user)
    if staff is None:
        return []
    if staff.is_operator_admin:
        return None
    return list(staff.parks.values_list("pk", flat=True))


def scope_to_parks[M: Model](
    user: User | AnonymousUser, queryset: QuerySet[M], park_field: str = "park"
) -> QuerySet[M]:
    """Restrict a queryset to rows in the person's parks; `park_field` is the lookup path to Park."""
    park_ids = visible_park_ids(user)
    if park_ids is None:
        return queryset
    if park_field == "pk":
        return queryset.filter(pk__in=park_ids)
    return queryset.filter(**{f"{park_field}__in": park_ids})


def can_access_park(user: User | AnonymousUser, park: Park | int | None) -> bool:
    if park is None:
        staff = _active_staff(user)
        return staff is not None and staff.is_operator_admin
    park_id = park if isinstance(park, int) else park.pk
    park_ids = visible_park_ids(user)
    return park_ids is None or park_id in park_ids


def require_park(user: User | AnonymousUser, park: Park | int | None) -> None:
    """404 (not 403) for a park outside the person's scope, so its existence does not leak."""
    if not can_access_park(user, park):
        raise Http404(_("未找到该记录，或您无权访问。"))


def require_capability(user: User | AnonymousUser, capability: Capability, park: Park | int | None = None) -> None:
    """Raise PermissionDenied unless the person's role grants the capability (in that park, if given)."""
    if park is not None:
        require_park(user, park)
    if not has_capability(user, capability):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def acting_user(request: HttpRequest) -> User:
    """The logged-in person behind a request, for a service's `actor`; views guarantee login first."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied(_("请先登录。"))
    return user


def capabilities_of(user: User | AnonymousUser) -> frozenset[Capability]:
    active = _active_user(user)
    if active is None:
        return frozenset()
    if active.is_superuser:
        return frozenset(Capability)
    return ROLE_CAPABILITIES.get(active.role, frozenset())
