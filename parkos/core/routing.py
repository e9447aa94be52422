"""Reads that may go to the read replica, and the database router that sends them there.

With `DATABASE_REPLICA_URL` set, settings.py adds the database alias `replica` (a streaming standby of
the primary). Nothing reads from it unless it asks to, because a standby lags the primary by a few
milliseconds and a page that shows what its user just saved must read the primary (read-your-writes):

- a view opts in with `@replica_reads` (function views; `method_decorator(replica_reads, name="dispatch")`
  on a class) — reports, KPI pages, exports and searches do;
- a selector or a command opts in with `with using_replica(): ...`.

Even inside those, the primary is used for users, roles, sessions and tasks (access decisions and
logins must see the latest state), inside a transaction on the primary (a write in progress reads its
own rows), and always for writes. Without a replica every read goes to the primary, so tests and
single-machine installations are unaffected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"
#: Apps whose rows decide who may do what, or coordinate processes: always read from the primary.
PRIMARY_ONLY_APPS = frozenset(
    {"auth", "accounts", "sessions", "contenttypes", "admin", "django_tasks_db", "axes", "knox", "authtoken"}
)

_replica_reads: ContextVar[bool] = ContextVar("parkos_replica_reads", default=False)


@contextmanager
def using_replica() -> Iterator[None]:
    """Reads inside this block may be served by the replica (see the module docstring)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_reads[**P, R](view: Callable[P, R]) -> Callable[P, R]:
    """A view whose reads may be served by the replica: reports, KPIs, exports, searches."""

    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with using_replica():
            return view(*args, **kwargs)

    return wrapped


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: opted-in reads to the replica, everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints: object) -> str:
        if (
            _replica_reads.get()
            and replica_configured()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: object) -> str:
        # Explicit: an instance read from the replica would otherwise be saved back to where it came from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: object) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica receives the primary's schema by replication
