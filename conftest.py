"""Personas shared by every test: they encode the permission model.

- alice: operator admin, sees every park
- bob: park manager of park A
- carol: investment officer of park A
- dave: leasing manager of park B
- erin: enterprise user (tenant login), no park staff rights
- anonymous: not logged in
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_migrate
from django.test import Client, SimpleTestCase
from django.test.utils import setup_databases, teardown_databases
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup
from pytest_django.plugin import blocking_manager_key

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.core.tests.databases import (
    build_template,
    clone_template,
    drop_template,
    exclusive,
    seed_rows_the_migrations_seed,
)
from parkos.parks.tests.factories import ParkFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests: no per-example deadline (CI machines are shared and a slow example is not a bug),
# and a derandomized search, so a failure reproduces on the next run and on every machine.
hypothesis_settings.register_profile("parkos", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("parkos")


TEMPLATE_DIRECTORY = "parkos_test_databases"
#: A directory kept between runs (CI sets it): the suite on PostgreSQL and the replica step after it
#: then copy one template. Only for a checkout whose migrations do not change in between.
KEPT_TEMPLATES = os.environ.get("PARKOS_TEST_DATABASES", "")


def pytest_configure(config: pytest.Config) -> None:
    # Password hashing dominates test time otherwise; production keeps PBKDF2 at its full iteration count
    # and checks these hashes too (the journeys against the production stack log in with them).
    settings.PASSWORD_HASHERS = ["parkos.core.tests.hashers.QuickPBKDF2PasswordHasher"]
    post_migrate.connect(_seed_again_after_a_flush, sender=django_apps.get_app_config("billing"))
    if not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None) and not KEPT_TEMPLATES:
        # The xdist controller: a directory its workers share, for the test database they all copy.
        config.stash[_run_templates] = Path(tempfile.mkdtemp(prefix="parkos-test-databases-"))


_run_templates = pytest.StashKey[Path]()


def _seed_again_after_a_flush(using: str, **kwargs: Any) -> None:
    """A transactional test empties every table when it ends (Django's flush), the rows the data
    migrations seed included, and a test after it on the same worker would find no VAT rules or
    reminder templates. The flush sends post_migrate without a plan (migrate sends one): seed again."""

    if "plan" not in kwargs and using == DEFAULT_DB_ALIAS:
        seed_rows_the_migrations_seed()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: tell each worker where the run's template database is built."""

    if _run_templates in node.config.stash:
        node.workerinput[TEMPLATE_DIRECTORY] = str(node.config.stash[_run_templates])


def pytest_unconfigure(config: pytest.Config) -> None:
    directory = config.stash.get(_run_templates, None)
    if directory is None:
        return
    with config.stash[blocking_manager_key].unblock():
        for made in directory.glob("*.made"):
            drop_template(connections[DEFAULT_DB_ALIAS], made.read_text())
    shutil.rmtree(directory, ignore_errors=True)


def _copies_a_template(directory: str, use_migrations: bool, keepdb: bool) -> bool:
    mirrors = {alias for alias, config in settings.DATABASES.items() if config.get("TEST", {}).get("MIRROR")}
    return bool(directory) and use_migrations and not keepdb and set(settings.DATABASES) <= {DEFAULT_DB_ALIAS, *mirrors}


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_use_migrations: bool,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """pytest-django's, except that xdist workers migrate one test database between them and each
    copies it (a file copied into memory on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL) instead of
    each migrating its own: migrating costs 30–40 s of CPU per database, copying about a second."""

    workerinput = getattr(request.config, "workerinput", {})
    directory = workerinput.get(TEMPLATE_DIRECTORY) or KEPT_TEMPLATES
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if not _copies_a_template(directory, django_db_use_migrations, django_db_keepdb):
        yield from _pytest_django_setup(
            request,
            django_db_blocker,
            django_db_use_migrations,
            django_db_keepdb,
            django_db_createdb,
            aliases,
            serialized_aliases,
        )
        return
    connection = connections[DEFAULT_DB_ALIAS]
    original_name = connection.settings_dict["NAME"]
    key = f"{connection.vendor}-{hashlib.sha256(str(original_name).encode()).hexdigest()[:10]}"
    with django_db_blocker.unblock():
        made = Path(directory) / f"{key}.made"
        with exclusive(Path(directory) / "lock"):
            if not made.exists():
                template = build_template(connection, Path(directory) / f"{key}.sqlite3", workerinput.get("workerid"))
                made.write_text(template)
            clone_template(connection, made.read_text())
        for alias, config in settings.DATABASES.items():
            if mirror := config.get("TEST", {}).get("MIRROR"):
                connections[alias].creation.set_as_test_mirror(connections[mirror].settings_dict)
        if DEFAULT_DB_ALIAS in (serialized_aliases or ()):
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(original_name, verbosity=0)


def _pytest_django_setup(request, django_db_blocker, use_migrations, keepdb, createdb, aliases, serialized_aliases):
    if not use_migrations:
        _disable_migrations()
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb and not createdb,
        )
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


#: With this set (CI's run on PostgreSQL), only the tests that use the database run: the others give the
#: same result on any database and have run already (docs/development.md, "Tests").
DATABASE_TESTS_ONLY = os.environ.get("PARKOS_DATABASE_TESTS_ONLY", "") not in ("", "0")

#: Fixtures through which a test reaches the database: pytest-django's, and `django_db_setup`, which the
#: fixtures that open the database themselves (shared module data, the production stack) depend on.
#: Not `django_db_blocker`: pytest-django's autouse fixtures request it for every test.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_db_setup",
    }
)


def uses_the_database(item: pytest.Item) -> bool:
    """Whether a test reaches the database: a django_db marker (on it, its class or module), a database
    fixture anywhere among the fixtures it uses, or a Django test case class with databases. A test with
    none of these cannot touch it: pytest-django refuses database access to such a test."""

    if item.get_closest_marker("django_db") is not None:
        return True
    test_class = getattr(item, "cls", None)
    if isinstance(test_class, type) and issubclass(test_class, SimpleTestCase) and test_class.databases:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked slow run first. xdist deals the suite out in order, and a minute-long test dealt last
    keeps one worker busy while the others sit idle. pytest-django sorts afterwards (stably) so that
    transactional tests, which empty the tables, run after the others; slow ones stay first in each group."""

    if DATABASE_TESTS_ONLY:
        kept = [item for item in items if uses_the_database(item)]
        if len(kept) < len(items):
            kept_ids = {id(item) for item in kept}
            config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept_ids])
            items[:] = kept
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Every test starts in Chinese: a request in English leaves its language active in the thread
    (LocaleMiddleware activates, nothing deactivates), which made later tests depend on the order."""

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate limits and page caches start empty: counts left by an earlier test (users get the same ids
    again after a rollback) must not throttle this one."""

    cache.clear()


@pytest.fixture(autouse=True)
def _fixed_seed() -> None:
    random.seed(20261125)


@pytest.fixture
def park_a(db):
    return ParkFactory(code="CQ-A", name="重庆国际生物城A园", city="重庆市", district="巴南区")


@pytest.fixture
def park_b(db):
    return ParkFactory(code="CD-B", name="成都天府生物城B园", city="成都市", district="双流区")


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", role=Role.OPERATOR_ADMIN, is_staff=True)


@pytest.fixture
def bob(park_a):
    return UserFactory(username="bob", role=Role.PARK_MANAGER, parks=[park_a])


@pytest.fixture
def carol(park_a):
    return UserFactory(username="carol", role=Role.INVESTMENT_OFFICER, parks=[park_a])


@pytest.fixture
def dave(park_b):
    return UserFactory(username="dave", role=Role.LEASING_MANAGER, parks=[park_b])


@pytest.fixture
def erin(db):
    return UserFactory(username="erin", role=Role.ENTERPRISE_USER)


@pytest.fixture
def personas(alice, bob, carol, dave, erin):
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave, "erin": erin, "anonymous": None}


@pytest.fixture
def client_for(personas):
    """A logged-in Django test client for a persona name ("anonymous" for none)."""

    def make(name: str) -> Client:
        client = Client()
        user = personas[name]
        if user is not None:
            client.force_login(user)
        return client

    return make
