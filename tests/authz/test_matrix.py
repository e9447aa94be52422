"""Every case of the authorization matrix, for every persona (see tests/authz/framework.py)."""

import pytest
from django.db import transaction
from django.test import Client

from tests.authz.framework import PERSONAS, Case, collect_cases, is_denial, request, state

pytestmark = pytest.mark.django_db

CASES = collect_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_authorization(case: Case, world):
    target = case.target(world)
    failures = []
    for persona in PERSONAS:
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
    assert not failures, f"{case.id}:\n  " + "\n  ".join(failures)
