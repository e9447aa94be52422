"""Fast inserts of many ledger rows: COPY on PostgreSQL, one prepared statement on SQLite.

A bill run writes tens of thousands of lines. `bulk_create` builds a model instance and converts every
value through the field for each row (measured: most of a run's time); here rows arrive as tuples of
values the driver takes as they are (int, str, Decimal, date, bool, None), so only the database works.
Ids of rows that others point at are reserved first (`reserve_ids`), so children can be written in the
same pass without reading their parents back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys of `model`'s table, for rows inserted with explicit ids.

    PostgreSQL hands them out from the table's identity sequence (safe under concurrency). SQLite
    has one writer at a time (ParkOS opens its transactions IMMEDIATE), so inside the caller's
    transaction the next ids after the highest ever used are the caller's alone.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    column = pk.column
    assert column is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids must run inside the transaction that inserts the rows")
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {_table(model)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
    return list(range(start, start + count))


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (tuples in the order of `columns`, database column names) into `model`'s table."""
    return insert_raw(model._meta.db_table, columns, rows)


def insert_raw(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """`insert` into a table by name (a temporary table of the caller's)."""
    batch = [tuple(row) for row in rows]
    if not batch:
        return 0
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    name = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({marks})", batch)  # noqa: S608
    return len(batch)
