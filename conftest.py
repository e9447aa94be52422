"""Personas shared by every test: they encode the permission model.

- alice: operator admin, sees every park
- bob: park manager of park A
- carol: investment officer of park A
- dave: leasing manager of park B
- erin: enterprise user (tenant login), no park staff rights
- anonymous: not logged in
"""

from __future__ import annotations

import os
import random

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.parks.tests.factories import ParkFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests: no per-example deadline (CI machines are shared and a slow example is not a bug),
# and a derandomized search, so a failure reproduces on the next run and on every machine.
hypothesis_settings.register_profile("parkos", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("parkos")


def pytest_configure(config: pytest.Config) -> None:
    # Password hashing dominates test time otherwise; production keeps PBKDF2 at its full iteration count
    # and checks these hashes too (the journeys against the production stack log in with them).
    settings.PASSWORD_HASHERS = ["parkos.core.tests.hashers.QuickPBKDF2PasswordHasher"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow run first. xdist deals the suite out in order, and a minute-long test dealt last
    keeps one worker busy while the others sit idle. pytest-django sorts afterwards (stably) so that
    transactional tests, which empty the tables, run after the others; slow ones stay first in each group."""

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
