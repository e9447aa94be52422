"""Small pieces every community service module uses: assigning whitelisted fields, status steps, retention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

from parkos.core.audit import audit_record
from parkos.core.models import AuditAction

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from parkos.accounts.models import User


def assign(instance: models.Model, fields: Mapping[str, Any], allowed: Sequence[str]) -> None:
    """Set the given fields on the instance; a name outside `allowed` is a programming error."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def set_status[M: models.Model](
    instance: M,
    *,
    status: str,
    allowed: Mapping[str, set[str]],
    actor: User,
    refused: str | Promise,
) -> M:
    """Move a locked row's `status` along `allowed` (from → tos), or refuse with `refused`; audited."""
    before: str = getattr(instance, "status")  # noqa: B009  (every caller's model has a status)
    if status not in allowed.get(before, set()):
        raise ValidationError(str(refused))
    setattr(instance, "status", status)  # noqa: B010
    instance.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=instance,
        changes={"status": [before, status]},
        park_id=getattr(instance, "park_id", None),
    )
    return instance


def audit_retention(rows: Sequence[tuple[int, int]], *, object_type: str, label: str, actor: User | None) -> None:
    """One audit entry per park for a retention erase of (row id, park id) pairs — counts, no ids of people."""
    for park_id in sorted({park for _pk, park in rows}):
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type=object_type,
            object_repr=label,
            changes={"count": sum(1 for _pk, park in rows if park == park_id), "event": "retention_erase"},
            park_id=park_id,
        )
