import pytest

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.enterprises.tests.factories import EnterpriseFactory


@pytest.fixture
def tenant(park_a):
    return EnterpriseFactory(
        name="重庆博腾制药科技股份有限公司", parks=[park_a], lifecycle="tenant", industry_code="2710"
    )


@pytest.fixture
def sam(park_a):
    """An enterprise-services officer of park A: manages pipelines, milestones and 产学研, not projects or stakes."""
    return UserFactory(username="sam", role=Role.SERVICES_OFFICER, parks=[park_a])
