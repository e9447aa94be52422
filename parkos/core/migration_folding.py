"""Fold a migration's separate operations into the CreateModel of the model they belong to.

`makemigrations` writes a new model's indexes, constraints and some of its fields as operations of
their own after all the CreateModels. Applying each one re-renders the model and every model related
to it (≈55 here, through Park, Enterprise and User): a new app's first migration took 20 s and every
test database applies it once per worker. Inside the CreateModel they cost nothing extra and the
schema is the same, so a database that applied the unfolded migration needs nothing.

An index or constraint folds when every field it names is created by the CreateModel; a field folds
when its related model (if any, in this app) is created before the model and no data operation runs
in between.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.db import migrations
from django.db.migrations import Migration
from django.db.migrations.operations.base import Operation
from django.db.models import Q

DATA_OPERATIONS = (migrations.RunPython, migrations.RunSQL, migrations.SeparateDatabaseAndState)


@dataclass
class Folding:
    operations: list[Operation]
    folded: list[str] = field(default_factory=list)


def _names_in(q: Q, names: set[str]) -> bool:
    """Collects the field names a condition refers to; False when it holds something else to resolve."""
    for child in q.children:
        if isinstance(child, Q):
            if not _names_in(child, names):
                return False
            continue
        if not isinstance(child, tuple):
            return False
        lookup, value = child
        names.add(lookup.split("__")[0])
        if hasattr(value, "name"):  # F("other_field")
            names.add(value.name.split("__")[0])
        elif hasattr(value, "resolve_expression"):
            return False
    return True


def _fields_named(index_or_constraint: object) -> set[str] | None:
    """The model fields an index or constraint names; None when it uses expressions."""
    if getattr(index_or_constraint, "expressions", None):
        return None
    names = {name.lstrip("-") for name in getattr(index_or_constraint, "fields", ()) or ()}
    names |= set(getattr(index_or_constraint, "include", ()) or ())
    condition = getattr(index_or_constraint, "condition", None)
    if condition is not None and (not isinstance(condition, Q) or not _names_in(condition, names)):
        return None
    return names


def _related_model_in_app(operation: migrations.AddField, app_label: str) -> str | None:
    remote = getattr(operation.field, "remote_field", None)
    if remote is None:
        return None
    model = remote.model
    label = model if isinstance(model, str) else model._meta.label
    related_app, _, name = label.rpartition(".")
    return name.lower() if related_app in ("", app_label) else None


def fold(migration: Migration) -> Folding:
    """The migration's operations with everything foldable moved into its CreateModel (copies: the
    loaded migration's operations are shared by every loader of the process)."""
    operations = copy.deepcopy(list(migration.operations))
    creates = {op.name_lower: op for op in operations if isinstance(op, migrations.CreateModel)}
    position = {op.name_lower: i for i, op in enumerate(operations) if isinstance(op, migrations.CreateModel)}
    result = Folding(operations=[])
    for i, op in enumerate(operations):
        if isinstance(op, migrations.AddField) and op.model_name_lower in creates:
            start = position[op.model_name_lower]
            related = _related_model_in_app(op, migration.app_label)
            data_between = any(isinstance(o, DATA_OPERATIONS) for o in operations[start + 1 : i])
            if not data_between and (related is None or position.get(related, -1) <= start):
                creates[op.model_name_lower].fields.append((op.name, op.field))
                result.folded.append(op.describe())
                continue
        result.operations.append(op)
    added_later = {(op.model_name_lower, op.name) for op in result.operations if isinstance(op, migrations.AddField)}
    kept: list[Operation] = []
    for op in result.operations:
        if isinstance(op, migrations.AddIndex | migrations.AddConstraint) and op.model_name_lower in creates:
            item = op.index if isinstance(op, migrations.AddIndex) else op.constraint
            create = creates[op.model_name_lower]
            names = _fields_named(item)
            created = {name for name, _ in create.fields}
            created |= {f"{name}_id" for name in created}
            if names is not None and names <= created and not {(op.model_name_lower, n) for n in names} & added_later:
                key = "indexes" if isinstance(op, migrations.AddIndex) else "constraints"
                create.options[key] = [*create.options.get(key, []), item]
                result.folded.append(op.describe())
                continue
        kept.append(op)
    result.operations = kept
    return result
