from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from parkos.statistics.models import MonthlyReport, ReportSubmission

pytestmark = pytest.mark.django_db

URL = "/api/statistics/reports/"


@time_machine.travel("2025-06-03 10:00 +0800", tick=False)  # May is open until 10 June
def test_tenant_submits_through_the_api(client, park_a, three, tenant):
    client.force_login(tenant)
    response = client.post(
        URL, {"year": 2025, "month": 5, "is_cumulative": True, "revenue": "1000000.00"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    saved = MonthlyReport.objects.get()
    assert (saved.enterprise_id, saved.park_id, saved.revenue) == (three[0].pk, park_a.pk, Decimal("1000000.00"))
    # Again: a revision that waits for an officer (202); the figures in force stay, nothing doubles.
    again = client.post(
        URL,
        {"year": 2025, "month": 5, "is_cumulative": True, "revenue": "1200000.00"},
        content_type="application/json",
    )
    assert again.status_code == 202, again.content
    assert MonthlyReport.objects.get().revenue == Decimal("1000000.00")
    assert ReportSubmission.objects.get(status="pending").values["revenue"] == "1200000.00"
    # June has not ended: refused.
    early = client.post(URL, {"year": 2025, "month": 6, "revenue": "1.00"}, content_type="application/json")
    assert early.status_code == 400
    assert "month" in early.json()["errors"]
    # Not for another enterprise.
    other = client.post(URL, {"year": 2025, "month": 5, "enterprise": three[1].pk}, content_type="application/json")
    assert other.status_code == 403
    assert MonthlyReport.objects.count() == 1


def test_list_is_scoped(client_for, park_a, three, imported, tenant, client):
    assert client_for("bob").get(URL).json()["count"] == 16
    assert client_for("dave").get(URL).json()["count"] == 0
    client.force_login(tenant)
    assert client.get(URL).json()["count"] == 2  # E1's two rows
    assert client_for("erin").get(URL).status_code == 403
    assert client_for("anonymous").get(URL).status_code in (401, 403)


@pytest.mark.parametrize(("persona", "status"), [("bob", 201), ("carol", 403), ("dave", 404)])
def test_staff_submission_needs_manage_statistics_in_the_park(client_for, park_a, three, persona, status):
    payload = {"park": park_a.pk, "enterprise": three[0].pk, "year": 2025, "month": 4, "revenue": "10.00"}
    response = client_for(persona).post(URL, payload, content_type="application/json")
    assert response.status_code == status
    assert MonthlyReport.objects.filter(month=4).exists() is (status == 201)


def test_kpi_endpoint(client_for, park_a, three, imported, pipeline):
    response = client_for("bob").get("/api/statistics/kpis/", {"park": park_a.pk, "year": 2025})
    assert response.status_code == 200
    data = response.json()
    pipeline_figures = ("products_in_rnd", "class1_drugs_in_clinical", "products_in_phase3", "products_new_in_phase3")
    assert [data[name] for name in pipeline_figures] == [7, 3, 1, 2]
    assert data["above_scale_output_growth"]["display"] == "30.0%"
    assert data["new_above_scale"] == [{"enterprise": three[2].pk, "year": 2025, "month": 10}]
    assert client_for("dave").get("/api/statistics/kpis/", {"park": park_a.pk, "year": 2025}).status_code == 404
