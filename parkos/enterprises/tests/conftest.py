import pytest

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sam(park_a):
    """Services officer of park A: may edit profiles, may not see contact details or import."""
    return UserFactory(username="sam", role=Role.SERVICES_OFFICER, parks=[park_a])


@pytest.fixture
def frank(park_a):
    """Facilities operator of park A: reads profiles only."""
    return UserFactory(username="frank", role=Role.FACILITIES_OPERATOR, parks=[park_a])
