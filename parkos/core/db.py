"""Database helpers shared by bulk loaders and the heavier selectors."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterator
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DecimalField, Field, ForeignObject, Lookup, QuerySet
from django.db.models.expressions import Col
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext as _


def refresh_planner_statistics(*tables: str) -> None:
    """Run ANALYZE after a bulk load (on the given tables, else on the whole database).

    Without statistics SQLite's planner starts the availability search from the units table and scans
    it (≈40× slower at 20,000 units); with them it starts from the few parks of the wanted city and
    uses the (park, area) index. PostgreSQL's autovacuum would get there eventually; asking now makes
    the first searches after a load fast too.
    """
    with connection.cursor() as cursor:
        if not tables:
            cursor.execute("ANALYZE")
        for table in tables:  # SQLite analyses one table per statement
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def fetch_rows(queryset: QuerySet[Any], *, convert: Collection[int] = ()) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset as the driver returns them; Django's converters run only
    at the positions in ``convert``.

    ``values_list`` runs every value through Django's converters: on SQLite each decimal becomes a
    Decimal quantized to the field's places (about 1 µs a value), and every aggregate goes through a
    Python function. A selector that reads thousands of integers and counts, or needs only some of
    its decimals converted, skips that work for the rest. Values at ``convert`` are exactly what
    ``values_list`` gives; the others are what the database driver gives (integers and strings are
    the same; a decimal is a ``Decimal`` on PostgreSQL and a float on SQLite).
    """
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    database = connections[queryset.db]
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    expressions = [select[0] for select in compiler.select]
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for position, (functions, expression) in compiler.get_converters(expressions).items():
        if position in convert and not _driver_exact(expression, database):
            converters.append((position, _converter(functions, expression, database)))
    if not converters or not rows:
        return rows
    for index, row in enumerate(rows):  # in place: the driver's rows go as their copies come
        values = list(row)
        for position, function in converters:
            values[position] = function(values[position])
        rows[index] = tuple(values)
    return rows


def _driver_exact(expression: Any, database: BaseDatabaseWrapper) -> bool:
    """Whether the driver's value is already what Django's converters would make of it: a decimal
    (column or aggregate) from PostgreSQL is a ``Decimal``, which Django passes through as it is."""
    return database.vendor == "postgresql" and isinstance(expression.output_field, DecimalField)


def _converter(functions: list[Any], expression: Any, database: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """One value's conversion, as ``values_list`` does it (a decimal column of SQLite's: the same,
    by :func:`sqlite_decimal`)."""
    if (
        database.vendor == "sqlite"
        and isinstance(expression, Col)
        and isinstance(expression.output_field, DecimalField)
        and expression.output_field.decimal_places is not None
    ):
        return sqlite_decimal(expression.output_field, functions, expression, database)

    def convert(value: Any) -> Any:
        for function in functions:
            value = function(value, expression, database)
        return value

    return convert


def sqlite_decimal(
    field: DecimalField[Any, Any], functions: list[Any], expression: Any, database: BaseDatabaseWrapper
) -> Callable[[float | int | None], Decimal | None]:
    """Django's conversion of a decimal column read from SQLite (a float: rounded to 15 significant
    digits, then quantized to the field's places), at a third of the cost where it cannot differ.

    A float within a quarter of a unit of the last place of an integer number of such units, and
    under 10^(14 − places), rounds to that number whichever way: the 15-digit rounding moves it by
    less than the quarter left. That number is the value (a cent, for two places); anything else
    — ties and near-ties from values Django did not write, zero (its sign), huge values — takes
    Django's own converters. A ``Decimal`` built from the integer has the field's exponent, as a
    quantized one does.
    """
    places = field.decimal_places
    scale = 10**places
    limit = float(10 ** (14 - places))

    def convert(value: float | int | None) -> Decimal | None:
        if value is None:
            return None
        units = value * scale
        whole = round(units)
        if whole and -0.25 <= units - whole <= 0.25 and -limit < value < limit:
            return Decimal(whole).scaleb(-places)
        for function in functions:
            value = function(value, expression, database)
        return cast(Decimal | None, value)

    return convert


class AnyOf(Lookup[Any]):
    """``field__any_of=[…]``: ``field = ANY(%s)`` with one array parameter on PostgreSQL, ``IN`` elsewhere.

    Django's ``__in`` sends one parameter per value; PostgreSQL then parses and plans thousands of
    them (2,000 ids: 12.8 ms for ``IN``, 3.4 ms for ``= ANY``). SQLite has no arrays; there ``IN``
    is cheap, limited to 32,766 parameters (callers with more pass a subquery instead).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        prepare = self.lhs.output_field.get_prep_value
        return [value if type(value) is int else prepare(value) for value in self.rhs]  # ids: ints already

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            if all(type(value) is int for value in values):
                # One text literal: psycopg dumps a list of ints value by value in Python (about
                # 0.5 µs each), a string in one call.
                return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + ",".join(map(str, values)) + "}")
            return f"{lhs} = ANY(%s)", (*lhs_params, values)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


def register_lookups() -> None:
    """Called from ``CoreConfig.ready``: ``any_of`` on every field (keys, foreign keys, integers)."""
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(AnyOf)  # relations keep their own lookup registry


#: SQLite has one writer; its busy handler sleeps and retries unfairly, so under a burst of writes
#: (portal submissions, a rush of room bookings) some wait past the busy timeout ("database is
#: locked"). `serialised_writes` queues them in-process first (FIFO-fair, bounded wait). PostgreSQL
#: needs no queue: row locks and constraints do the work there.
_SQLITE_WRITER = threading.RLock()
SQLITE_QUEUE_TIMEOUT_SECONDS = 60


@contextlib.contextmanager
def serialised_writes() -> Iterator[None]:
    """On SQLite, one writing transaction at a time in this process; a no-op on PostgreSQL.

    Open it outside `transaction.atomic()`: the queue must be entered before the transaction takes
    SQLite's write lock (IMMEDIATE mode), or two threads could wait on each other. It is re-entrant,
    so a service that holds it may call another service that takes it again.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not _SQLITE_WRITER.acquire(timeout=SQLITE_QUEUE_TIMEOUT_SECONDS):
        raise ValidationError(_("系统繁忙，请稍后再试。"), code="busy")
    try:
        yield
    finally:
        _SQLITE_WRITER.release()
