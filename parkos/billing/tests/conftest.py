import pytest

from parkos.billing.tests.factories import billing_profile


@pytest.fixture
def profile(park_a):
    """Park A bills from 2024 on; the operator-wide tax rules come from the migration."""
    return billing_profile(park=None)
