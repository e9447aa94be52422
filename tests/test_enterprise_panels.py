"""The enterprise page shows what the other apps know about it, scoped to the viewer's parks."""

from decimal import Decimal

import pytest
from django.urls import reverse

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.investment.tests.factories import LeadFactory
from parkos.leasing.tests.factories import signed_lease
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from parkos.statistics.models import MonthlyReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(park_a):
    enterprise = EnterpriseFactory(name="重庆博腾医疗器械有限公司", parks=[park_a])
    unit = UnitFactory(floor=FloorFactory(building=BuildingFactory(park=park_a)), code="A1-101")
    signed_lease(units=[unit], enterprise=enterprise)
    LeadFactory(enterprise=enterprise, park=park_a, company_name="重庆博腾医疗器械有限公司")
    MonthlyReport.objects.create(
        park=park_a, enterprise=enterprise, year=2026, month=3, is_cumulative=True, revenue=Decimal("12500000")
    )
    return enterprise


def test_panels_show_leads_contracts_and_statistics(client_for, tenant):
    page = client_for("bob").get(reverse("enterprises:enterprise_detail", args=[tenant.pk])).content.decode()
    assert "查看跟进时间线" in page
    assert "租赁" in page  # the contract's kind
    assert "2026年1–3月" in page
    assert "1,250.00 万元" in page
    # Enterprise services has no app yet, the enterprise has no projects, products or milestones, and
    # the tenant has no bills: those panels stay placeholders.
    assert page.count("暂无数据") == 3


def test_panels_hide_other_parks_records(client_for, tenant):
    page = client_for("dave").get(reverse("enterprises:enterprise_detail", args=[tenant.pk])).content.decode()
    assert "查看跟进时间线" not in page
    assert "2026年1–3月" not in page
    assert page.count("暂无数据") == 6
