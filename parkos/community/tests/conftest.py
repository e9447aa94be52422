import datetime

import pytest

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.community.tests.factories import ResourceFactory, TariffFactory, tenant_of

#: A Wednesday in an ordinary working week; 2026-05-01…05 is the Labour Day holiday, 05-09 a make-up Saturday.
WEDNESDAY = datetime.date(2026, 5, 13)


@pytest.fixture
def sam(park_a):
    """An enterprise-services officer of park A: runs community work there."""
    return UserFactory(username="sam", role=Role.SERVICES_OFFICER, parks=[park_a])


@pytest.fixture
def tariff(park_a):
    return TariffFactory(park=park_a, name="会议室", free_minutes_per_month=120)


@pytest.fixture
def room(park_a, tariff):
    return ResourceFactory(park=park_a, code="MR-301", name="301会议室", tariff=tariff, capacity=12)


@pytest.fixture
def tenant(park_a):
    return tenant_of(park_a, name="重庆博奥医疗器械有限公司", username="tina")
