"""Fixtures of the incubation tests: a programme in park A, a service catalogue, tenants with logins,
and private storage in a temporary folder (nothing lands in var/)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.incubation import desk, services
from parkos.incubation.choices import ProviderKind, ServiceCategory, SlaUnit
from parkos.incubation.models import Programme, ServiceOffering, ServiceProvider

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "商业计划书.pdf") -> ContentFile:
    return ContentFile(PDF, name=name)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    # Changing the setting resets Django's storage handler (django.test.signals.storages_changed).
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def sam(park_a):
    """Services officer of park A."""
    return UserFactory(username="sam", role=Role.SERVICES_OFFICER, parks=[park_a], email="sam@example.cn")


@pytest.fixture
def programme(park_a):
    programme = services.programme_save(
        programme=Programme(
            park=park_a,
            name="生物城孵化器",
            rent_free_months=6,
            rent_discount_rate=Decimal("0.5"),
            rent_discount_months=12,
            incubation_area_sqm=Decimal(5000),
        ),
        actor=None,
    )
    services.rubric_set(
        programme=programme,
        criteria=[
            services.CriterionInput("团队", Decimal(3), 10),
            services.CriterionInput("技术", Decimal(3), 10),
            services.CriterionInput("市场", Decimal(2), 10),
        ],
        actor=None,
    )
    return programme


@pytest.fixture
def provider(park_a, bob, sam):
    provider = ServiceProvider.objects.create(park=park_a, name="企业服务中心", kind=ProviderKind.INTERNAL, manager=bob)
    provider.members.set([sam])
    return provider


@pytest.fixture
def offering(park_a, provider):
    return desk.offering_save(
        offering=ServiceOffering(
            park=park_a,
            category=ServiceCategory.POLICY,
            name="政策咨询",
            provider=provider,
            response_target=4,
            response_unit=SlaUnit.HOURS,
            resolution_target=2,
            resolution_unit=SlaUnit.DAYS,
        ),
        actor=None,
    )


@pytest.fixture
def tenant_x(park_a):
    return EnterpriseFactory(name="重庆甲方医疗器械有限公司", parks=[park_a], lifecycle=EnterpriseLifecycle.TENANT)


@pytest.fixture
def tenant_y(park_a):
    return EnterpriseFactory(name="重庆乙方生物科技有限公司", parks=[park_a], lifecycle=EnterpriseLifecycle.TENANT)


@pytest.fixture
def xavier(tenant_x):
    """Enterprise user of tenant X."""
    return UserFactory(username="xavier", role=Role.ENTERPRISE_USER, enterprise=tenant_x, email="x@example.cn")


@pytest.fixture
def yvonne(tenant_y):
    """Enterprise user of tenant Y."""
    return UserFactory(username="yvonne", role=Role.ENTERPRISE_USER, enterprise=tenant_y)
