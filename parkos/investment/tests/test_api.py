"""/api/investment/…: leads, their matches, moves, activities; scoped like every API."""

from decimal import Decimal

import pytest
from django.test import Client

from parkos.accounts.tests.factories import UserFactory
from parkos.investment import services
from parkos.investment.models import Lead

pytestmark = pytest.mark.django_db


def test_create_lead_and_get_matches(portfolio, client_for):
    client = client_for("carol")
    response = client.post(
        "/api/investment/leads/",
        {
            "company_name": "器械公司", "park": portfolio["park_a"].pk, "source": "phone",
            "requirement": {"area_min_sqm": "1000", "area_max_sqm": "3000", "cleanroom_grade": "C",
                            "min_floor_load_kn_m2": "8", "industry_code": "3581", "fire_class": "bing"},
        },
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    lead_id = response.json()["id"]
    matches = client.get(f"/api/investment/leads/{lead_id}/matches/").json()
    assert [m["spaces"][0]["code"] for m in matches["matches"]] == ["A1-201"]
    assert matches["matches"][0]["fits"]


def test_move_and_activity(portfolio, client_for, carol):
    lead = services.lead_create(actor=carol, company_name="某公司", park=portfolio["park_a"])
    client = client_for("carol")
    response = client.post(f"/api/investment/leads/{lead.pk}/move/", {"stage": "lost"}, content_type="application/json")
    assert response.status_code == 400
    assert "流失原因" in str(response.json())
    response = client.post(
        f"/api/investment/leads/{lead.pk}/move/", {"stage": "signed"}, content_type="application/json"
    )
    assert response.status_code == 400  # no signed contract: 已签约 by hand needs a reason
    assert "说明" in str(response.json())
    response = client.post(
        f"/api/investment/leads/{lead.pk}/move/",
        {"stage": "signed", "note": "合同在集团系统签订"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["stage"] == "signed"
    unit = portfolio["units"]["A1-101"]
    response = client.post(
        f"/api/investment/leads/{lead.pk}/activities/",
        {"kind": "site_visit", "summary": "考察", "units": [unit.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["units"] == [unit.pk]


@pytest.mark.parametrize(("persona", "status"), [("alice", 200), ("carol", 200), ("dave", 404), ("erin", 403)])
def test_matches_scoped(portfolio, client_for, carol, persona, status):
    lead = services.lead_create(actor=carol, company_name="某公司", park=portfolio["park_a"],
                                requirement={"area_min_sqm": Decimal(1000)})  # fmt: skip
    assert client_for(persona).get(f"/api/investment/leads/{lead.pk}/matches/").status_code == status


def test_leasing_manager_cannot_create_leads(portfolio, client_for):
    response = client_for("dave").post(
        "/api/investment/leads/", {"company_name": "X", "park": portfolio["park_b"].pk}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Lead.objects.count() == 0


def test_mobile_masked_in_api_without_capability(portfolio, carol):

    lead = services.lead_create(
        actor=carol, company_name="某公司", park=portfolio["park_a"], contact_mobile="13912345678"
    )
    viewer = UserFactory(role="services_officer", parks=[portfolio["park_a"]])
    client = Client()
    client.force_login(viewer)
    assert client.get(f"/api/investment/leads/{lead.pk}/").json()["contact_mobile"] == "139****5678"
