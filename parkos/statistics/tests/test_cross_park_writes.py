"""A month reported under one park cannot be overwritten, or moved, from another park.

Ref: #13 (hole 3): a services officer of park A replaced park B's figures for an enterprise's month
and moved the row to A, because only the payload's park was checked.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.core.models import AuditEntry
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics import selectors, services
from parkos.statistics.choices import ReportSource
from parkos.statistics.models import MonthlyReport, ReportSubmission

pytestmark = pytest.mark.django_db

URL = "/api/statistics/reports/"


@pytest.fixture
def moved(park_a, park_b, dave):
    """An enterprise that reported May 2025 in park B and is now linked to park A as well."""
    enterprise = EnterpriseFactory(name="跨园区企业有限公司", parks=[park_a, park_b])
    services.report_submit(
        park=park_b,
        enterprise=enterprise,
        year=2025,
        month=5,
        is_cumulative=True,
        values={"revenue": Decimal("5000000.00")},
        actor=None,
        source=ReportSource.OFFICER,
    )
    return enterprise


@pytest.fixture
def services_officer_a(park_a):
    user = UserFactory(username="sally", role=Role.SERVICES_OFFICER, parks=[park_a])
    client = Client()
    client.force_login(user)
    return client


def _state():
    row = MonthlyReport.objects.get()
    return row.park_id, row.revenue, AuditEntry.objects.count()


def test_api_refuses_to_overwrite_another_parks_month(services_officer_a, park_a, park_b, moved):
    before = _state()
    response = services_officer_a.post(
        URL,
        {"park": park_a.pk, "enterprise": moved.pk, "year": 2025, "month": 5, "revenue": "1.00"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert _state() == before
    assert before[0] == park_b.pk


def test_entry_page_refuses_to_overwrite_another_parks_month(bob, park_a, moved):
    client = Client()
    client.force_login(bob)
    before = _state()
    response = client.post(
        reverse("park_statistics:entry", args=[park_a.pk]),
        {"enterprise": moved.pk, "year": 2025, "month": 5, "is_cumulative": "on", "revenue": "1"},
    )
    assert response.status_code in (200, 404)
    assert _state() == before


def test_a_person_with_both_parks_may_correct_it(alice, park_a, park_b, moved):
    client = Client()
    client.force_login(alice)
    response = client.post(
        URL,
        {"park": park_b.pk, "enterprise": moved.pk, "year": 2025, "month": 5, "revenue": "7.00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert MonthlyReport.objects.get().revenue == Decimal("7.00")


def test_an_enterprises_own_correction_stays_in_the_park_it_was_reported_in(park_a, park_b, moved):
    tenant = UserFactory(username="tom", role=Role.ENTERPRISE_USER, enterprise=moved)
    # May 2025 is long past the tenants' reporting window: an officer lets the enterprise correct it.
    services.late_permission_grant(
        park=park_b,
        enterprise=moved,
        year=2025,
        month=5,
        until=timezone.localdate() + datetime.timedelta(days=30),
        actor=UserFactory(username="officer", role=Role.OPERATOR_ADMIN),
    )
    client = Client()
    client.force_login(tenant)
    assert selectors.tenant_park(moved) is not None
    response = client.post(
        URL, {"year": 2025, "month": 5, "is_cumulative": True, "revenue": "8.00"}, content_type="application/json"
    )
    # A re-submission is a revision an officer approves (#16 item 5): it waits in the park of the report.
    assert response.status_code == 202, response.content
    revision = ReportSubmission.objects.get()
    assert (revision.park_id, revision.enterprise_id) == (park_b.pk, moved.pk)
    assert MonthlyReport.objects.get().park_id == park_b.pk
