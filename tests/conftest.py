"""Fixtures of the project-wide suites (authorization matrix, bad-input corpus, faults)."""

import pytest

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.enterprises.tests.factories import EnterpriseFactory
from tests.authz.framework import World


@pytest.fixture
def world(personas, park_a, park_b):
    tenant = EnterpriseFactory(name="矩阵在园企业有限公司", parks=[park_a], lifecycle="tenant")
    tina = UserFactory(username="tina", role=Role.ENTERPRISE_USER, enterprise=tenant)
    return World(park_a=park_a, park_b=park_b, users={**personas, "tina": tina})
