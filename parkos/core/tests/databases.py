"""Databases beside the test database, for tests that need one of their own."""

from __future__ import annotations

import fcntl
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from importlib import import_module
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings
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


#: Data migrations whose rows the tests rely on (billing's VAT rules and reminder templates). A
#: transactional test empties every table when it ends; the root conftest runs these again after each
#: such flush. Their functions are idempotent (get_or_create).
SEEDING_MIGRATIONS = ("parkos.billing.migrations.0002_default_rules",)


def seed_rows_the_migrations_seed() -> None:
    for name in SEEDING_MIGRATIONS:
        import_module(name).add_defaults(django_apps, None)


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """An exclusive lock shared by the processes of one test run (the xdist workers)."""

    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_template(connection: BaseDatabaseWrapper, sqlite_file: Path, worker_suffix: str | None) -> str:
    """Migrate a test database once, for every worker of the run to copy: `sqlite_file` on SQLite, a
    database named after the test database on PostgreSQL. Returns its name. Migrating takes
    most of a minute of CPU (rendering the migration states of every app); copying, a second."""

    test_settings = connection.settings_dict["TEST"]
    own_name, own_test_name = connection.settings_dict["NAME"], test_settings["NAME"]
    if connection.vendor == "postgresql":
        test_name = str(own_test_name or f"test_{own_name}")
        template = (test_name.removesuffix(f"_{worker_suffix}") if worker_suffix else test_name) + "_template"
    else:
        template = str(sqlite_file)
    test_settings["NAME"] = template
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        connection.close()
    finally:
        test_settings["NAME"] = own_test_name
        connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = own_name
    if connection.vendor != "postgresql":
        # The copy goes into a database in memory, which cannot take a write-ahead log.
        with closing(sqlite3.connect(template)) as sqlite:
            sqlite.execute("PRAGMA journal_mode=DELETE")
    return template


def clone_template(connection: BaseDatabaseWrapper, template: str) -> None:
    """Make the connection's test database a copy of the template, as `create_test_db` would leave it."""

    test_name = connection.creation._get_test_db_name()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
    connection.close()
    connection.settings_dict["NAME"] = settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        # Into the shared in-memory database the connection just opened (it lives as long as the
        # connection, which Django never closes for a database in memory).
        with closing(sqlite3.connect(f"file:{template}?mode=ro", uri=True)) as source:
            source.backup(connection.connection)


def drop_template(connection: BaseDatabaseWrapper, template: str) -> None:
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
