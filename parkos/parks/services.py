"""Every write to parks and space: typed, keyword-only, atomic, audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.models import AuditAction
from parkos.parks.models import Park

if TYPE_CHECKING:
    from parkos.accounts.models import User

PARK_EDITABLE_FIELDS = ("code", "name", "operator", "city", "district", "address", "land_area_sqm", "description")


@transaction.atomic
def park_create(*, actor: User | None, **fields: Any) -> Park:
    park = Park(**{k: v for k, v in fields.items() if k in PARK_EDITABLE_FIELDS})
    park.full_clean()
    park.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=park, changes=model_changes({}, snapshot(park)), park_id=park.pk
    )
    return park


@transaction.atomic
def park_update(*, park: Park, actor: User | None, **fields: Any) -> Park:
    park = Park.objects.select_for_update().get(pk=park.pk)
    before = snapshot(park)
    for name, value in fields.items():
        if name in PARK_EDITABLE_FIELDS:
            setattr(park, name, value)
    park.full_clean()
    park.save()
    changes = model_changes(before, snapshot(park))
    changes.pop("updated_at", None)
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=park, changes=changes, park_id=park.pk)
    return park


@transaction.atomic
def park_archive(*, park: Park, actor: User | None) -> Park:
    """Archive instead of delete: contracts, statistics and history keep pointing at the park."""
    park = Park.objects.select_for_update().get(pk=park.pk)
    if park.archived_at is None:
        park.archived_at = timezone.now()
        park.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.ARCHIVE, obj=park, park_id=park.pk)
    return park
