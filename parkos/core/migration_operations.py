"""Migration operations that run SQL on one database vendor only.

Some guarantees are written in the database's own language: a PostgreSQL exclusion constraint (no two
bookings of a room overlap), an SQLite trigger that says the same. `VendorSQL` runs each vendor's
statements where they apply and nothing elsewhere, so one migration serves both databases and the
model state is untouched (the ORM never sees these objects; the migration is their only definition).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import ProjectState


class VendorSQL(migrations.operations.base.Operation):
    """Run `forwards[vendor]` on migrate and `backwards[vendor]` on unapply; other vendors: nothing."""

    reversible = True
    reduces_to_sql = True
    category = migrations.operations.base.OperationCategory.SQL

    def __init__(
        self,
        *,
        forwards: Mapping[str, Sequence[str]],
        backwards: Mapping[str, Sequence[str]],
        description: str = "",
    ) -> None:
        self.forwards = {vendor: list(statements) for vendor, statements in forwards.items()}
        self.backwards = {vendor: list(statements) for vendor, statements in backwards.items()}
        self.description = description

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs = {"forwards": self.forwards, "backwards": self.backwards, "description": self.description}
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        """Nothing: the model state does not know these database objects."""

    def _run(self, schema_editor: BaseDatabaseSchemaEditor, statements: Mapping[str, Sequence[str]]) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._run(schema_editor, self.forwards)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._run(schema_editor, self.backwards)

    def describe(self) -> str:
        return self.description or "Vendor-specific SQL"
