"""Writing the audit trail.

Services call `audit_record` inside their own `transaction.atomic` block, so the entry and the change
commit or roll back together. Explicit calls, never signals: a reader of a service sees what it records.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from parkos.core.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from parkos.accounts.models import User


def _jsonable(value: object) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose values differ, as {field: [old, new]}."""
    return {
        name: [_jsonable(before.get(name)), _jsonable(after.get(name))]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance, for diffing before and after a change."""
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    park_id: int | None = None,
    remote_addr: str | None = None,
) -> AuditEntry:
    """Record one audit entry. Must be called inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    entry = _entry(actor, action, changes, park_id)
    entry.object_type, entry.object_id, entry.object_repr, entry.remote_addr = (
        object_type,
        object_id,
        object_repr,
        remote_addr,
    )
    entry.save()
    return entry


def audit_record_many(
    *, actor: User | None, action: AuditAction | str, records: Iterable[tuple[models.Model, int | None, dict[str, Any]]]
) -> list[AuditEntry]:
    """`audit_record` for many objects one service call changed — (object, park id, changes) each — in
    one INSERT (a daily run that sends a thousand reminders). Inside the transaction of the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must run inside the transaction of the change it records")
    entries = []
    for obj, park_id, changes in records:
        entry = _entry(actor, action, changes, park_id)
        entry.object_type, entry.object_id, entry.object_repr = obj._meta.label_lower, str(obj.pk), str(obj)[:255]
        entries.append(entry)
    return AuditEntry.objects.bulk_create(entries, batch_size=1000)


def _entry(
    actor: User | None, action: AuditAction | str, changes: dict[str, Any] | None, park_id: int | None
) -> AuditEntry:
    known = actor is not None and actor.is_authenticated
    return AuditEntry(
        actor=actor if known else None,
        actor_repr=(actor.get_username() if actor is not None and known else "system")[:150],
        action=str(action),
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
        park_id_ref=park_id,
    )


def save_audited[M: models.Model](
    instance: M, *, actor: User | None, before: dict[str, Any] | None, park_id: int | None = None
) -> M:
    """Validate, save and audit one row: a create when `before` is None, else an update of what changed.

    `before` is `snapshot()` of the row as it was. Call inside the service's transaction.
    """
    instance.full_clean()
    instance.save()
    changes = model_changes(before or {}, snapshot(instance))
    changes.pop("updated_at", None)
    if before is None or changes:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            obj=instance,
            changes=changes,
            park_id=park_id,
        )
    return instance


#: What replaces an erased personal value in the trail (the same marker as an erased contact's name).
SCRUBBED = "（已删除）"


def _scrubbed(value: object, needles: list[str]) -> Any:
    if isinstance(value, str):
        for needle in needles:
            value = value.replace(needle, SCRUBBED)
        return value
    if isinstance(value, dict):
        return {key: _scrubbed(item, needles) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, needles) for item in value]
    return value


def audit_entries_mentioning(value: str) -> QuerySet[AuditEntry]:
    """Entries whose object or changes contain `value` anywhere (JSON may store it escaped)."""
    condition = Q(object_repr__contains=value)
    for form in {value, json.dumps(value)[1:-1]}:
        condition |= Q(changes_text__contains=form)
    return AuditEntry.objects.annotate(changes_text=Cast("changes", TextField())).filter(condition)


def audit_scrub(*, entries: QuerySet[AuditEntry], values: Iterable[str]) -> int:
    """Erase personal values from these entries, keeping the fact, who did it and when (PIPL erasure).

    Call inside the erasing service's transaction. Returns how many entries changed.
    """
    needles = sorted({value for value in values if value and len(value) >= 2}, key=len, reverse=True)
    if not needles:
        return 0
    changed = 0
    for entry in entries.only("pk", "object_repr", "changes"):
        object_repr, changes = _scrubbed(entry.object_repr, needles), _scrubbed(entry.changes, needles)
        if (object_repr, changes) != (entry.object_repr, entry.changes):
            AuditEntry.objects.filter(pk=entry.pk).update(object_repr=object_repr, changes=changes)
            changed += 1
    return changed
