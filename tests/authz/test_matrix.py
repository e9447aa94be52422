"""Every case of the authorization matrix, for every persona (see tests/authz/framework.py).

The parks, the personas and the case modules' ``SHARED`` objects are made once per test module (on each
test worker) in a transaction rolled back at its end. Each case runs in its own transaction, rolled back
after it (pytest-django's), and each persona's request in a savepoint rolled back after the request:
nothing a case does is seen by the next, and a refusal is checked against the state just before it.
"""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from tests.authz.framework import (
    PERSONAS,
    Case,
    Target,
    World,
    build_world,
    collect_cases,
    collect_shared,
    is_denial,
    request,
    state,
    temporary_storages,
)

pytestmark = pytest.mark.django_db

CASES = collect_cases()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    storages = temporary_storages(settings.STORAGES, tmp_path_factory.mktemp("authz-files"))
    with override_settings(STORAGES=storages), django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        for build in collect_shared():
            build(world)
        world.keep()
        yield world
        transaction.set_rollback(True)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_authorization(case: Case, shared_world: World):
    try:
        target = case.target(shared_world)
        failures = [failure for persona in PERSONAS for failure in _check(case, target, persona, shared_world)]
    finally:
        shared_world.forget()
    assert not failures, f"{case.id}:\n  " + "\n  ".join(failures)


def _check(case: Case, target: Target, persona: str, world: World) -> list[str]:
    failures = []
    with transaction.atomic():
        client = Client()
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
        before = state(target)
        response = request(client, case.method, target)
        expected = case.expect[persona]
        if response.status_code != expected:
            failures.append(f"{persona}: {response.status_code}, expected {expected}")
        elif is_denial(persona, expected, target):
            if state(target) != before:
                failures.append(f"{persona}: refused ({expected}) but something changed")
            if target.secret and target.secret in response.content.decode(errors="replace"):
                failures.append(f"{persona}: refused ({expected}) but the answer shows {target.secret!r}")
        transaction.set_rollback(True)
    return failures
