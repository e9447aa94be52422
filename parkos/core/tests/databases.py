"""Databases beside the test database, for tests that need one of their own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


@contextmanager
def scratch_default_database(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A new, empty database — a file on SQLite, a database on the same server on PostgreSQL — that is
    the default connection inside the block; the test database comes back and the new one is dropped.

    A migration test can then migrate forward from nothing to exactly the state it needs and on to
    the migration under test, instead of taking the whole test database back and forth (every app
    that depends on the one under test is unapplied and applied again: most of a minute). It must be
    the default connection because data migrations use their models' default manager."""

    test_database = connections[DEFAULT_DB_ALIAS]
    settings_dict = dict(test_database.settings_dict)
    postgres = test_database.vendor == "postgresql"
    if postgres:
        settings_dict["NAME"] = f"{settings_dict['NAME']}_scratch_{uuid.uuid4().hex[:8]}"
        with test_database._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    else:
        settings_dict["NAME"] = str(tmp_path / "scratch.sqlite3")
    scratch = type(test_database)(settings_dict, alias=DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = scratch
    try:
        yield scratch
    finally:
        scratch.close()
        connections[DEFAULT_DB_ALIAS] = test_database
        # Content types read from the scratch database must not answer for the test database.
        ContentType.objects.clear_cache()
        if postgres:
            with test_database._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')
