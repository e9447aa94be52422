"""Every write to accounts: typed, keyword-only, atomic, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from parkos.accounts.choices import Role
from parkos.accounts.models import ApiToken, User
from parkos.core.audit import audit_record
from parkos.core.models import AuditAction

if TYPE_CHECKING:
    from parkos.parks.models import Park


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str = "",
    parks: Iterable[Park] = (),
    actor: User | None,
) -> User:
    user = User(username=username, role=role, display_name=display_name, is_staff=role == Role.OPERATOR_ADMIN)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    park_list = list(parks)
    user.parks.set(park_list)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        changes={"role": str(role), "parks": sorted(p.pk for p in park_list)},
    )
    return user


@transaction.atomic
def user_set_role_and_parks(*, user: User, role: Role | str, parks: Iterable[Park], actor: User | None) -> User:
    """Change what a person may see and do; the trail keeps old and new values."""
    user = User.objects.select_for_update().get(pk=user.pk)
    old_parks = sorted(user.parks.values_list("pk", flat=True))
    new_parks = sorted(p.pk for p in parks)
    old_role = user.role
    user.role = role
    user.is_staff = role == Role.OPERATOR_ADMIN or user.is_superuser
    user.save(update_fields=["role", "is_staff"])
    user.parks.set(new_parks)
    changes: dict[str, list[object]] = {}
    if old_role != role:
        changes["role"] = [old_role, str(role)]
    if old_parks != new_parks:
        changes["parks"] = [old_parks, new_parks]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, changes=changes)
    return user


@transaction.atomic
def api_token_issue(*, user: User) -> tuple[str, datetime.datetime | None]:
    """A new API token for `user`: its clear text (shown once, stored only hashed) and its expiry."""
    instance, token = ApiToken.objects.issue(user=user)
    return token, instance.expiry


@transaction.atomic
def api_tokens_revoke(*, user: User, actor: User | None, reason: str) -> int:
    """Revoke every API token of `user` (on logging out of the site); audited when there were any."""
    revoked: int = ApiToken.objects.filter(user=user).delete()[0]
    if revoked:
        audit_record(
            actor=actor,
            action=AuditAction.OTHER,
            obj=user,
            changes={"event": "api_tokens_revoked", "reason": reason, "tokens": revoked},
        )
    return revoked
