"""Contract pages and API through the personas: scoping (404), capability (403), the signing flow."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkos.leasing import services
from parkos.leasing.choices import ContractStatus
from parkos.leasing.models import Contract
from parkos.leasing.tests.factories import EnterpriseFactory, approved_lease, lease_terms, signed_lease
from parkos.parks.choices import SpaceStatus
from parkos.parks.models import Unit
from parkos.parks.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lease_a(unit_a):
    return signed_lease(units=[unit_a])


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("bob", 200), ("carol", 200), ("dave", 404), ("erin", 403), ("anonymous", 302)],
)
def test_contract_page_access(client_for, lease_a, persona, status):
    response = client_for(persona).get(reverse("leasing:contract_detail", args=[lease_a.pk]))
    assert response.status_code == status
    if status == 200:
        assert "1,485,750.00" in response.content.decode()


@pytest.mark.parametrize(("persona", "visible"), [("alice", 1), ("bob", 1), ("dave", 0)])
def test_contract_list_is_scoped(client_for, lease_a, persona, visible):
    response = client_for(persona).get(reverse("leasing:contract_list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == visible


@pytest.mark.parametrize(("persona", "status"), [("bob", 302), ("carol", 403), ("dave", 404)])
def test_sign_action_needs_manage_contracts_in_the_park(client_for, unit_a, persona, status):
    contract = approved_lease(units=[unit_a])
    response = client_for(persona).post(
        reverse("leasing:contract_action", args=[contract.pk, "sign"]), {"signed_on": "2025-12-20"}
    )
    assert response.status_code == status
    contract.refresh_from_db()
    assert contract.status == (ContractStatus.SIGNED if status == 302 else ContractStatus.APPROVED)


def test_create_approve_sign_through_the_pages(client_for, unit_a):
    enterprise = EnterpriseFactory(name="重庆博腾医疗器械有限公司")
    client = client_for("bob")
    response = client.post(
        reverse("leasing:contract_create"),
        {
            "park": unit_a.park_id,
            "enterprise": enterprise.pk,
            "units": [unit_a.pk],
            "kind": "lease",
            "start_on": "2026-01-01",
            "end_on": "2030-12-31",
            "rent_per_sqm_month": "25",
            "payment_period": "quarterly",
            "free_rent_months": "3",
            "escalation_percent": "5",
            "escalation_every_years": "2",
            "property_fee_per_sqm_month": "0",
            "sale_price_per_sqm": "4000",  # a sale term on a lease: ignored
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    contract = Contract.objects.get()
    assert contract.escalation_rate == D("0.05")
    assert contract.sale_price_per_sqm is None
    # Four eyes: bob drafted it, so bob's approval is refused and alice approves.
    client.post(reverse("leasing:contract_action", args=[contract.pk, "approve"]))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DRAFT
    client_for("alice").post(reverse("leasing:contract_action", args=[contract.pk, "approve"]))
    detail = client.get(contract.get_absolute_url()).content.decode()
    assert "¥25.00" in detail
    client.post(reverse("leasing:contract_action", args=[contract.pk, "sign"]), {"signed_on": "2025-12-20"})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SIGNED
    assert Unit.objects.get(pk=unit_a.pk).status_on(datetime.date(2026, 2, 1)) == SpaceStatus.LEASED
    roll = client.get(reverse("leasing:rent_roll"), {"year": "2026"})
    assert contract.number in roll.content.decode()
    export = client.get(reverse("leasing:rent_roll"), {"year": "2026", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_create_form_refuses_unknown_units_and_enterprises(client_for, unit_a):
    response = client_for("bob").post(
        reverse("leasing:contract_create"),
        {"park": unit_a.park_id, "enterprise": "999999", "units": ["999999"], "kind": "lease"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["enterprise"] == ["企业库中没有该企业"]
    assert "units" in errors
    assert not Contract.objects.exists()


def test_terminate_form_validates(client_for, lease_a):
    response = client_for("bob").post(
        reverse("leasing:contract_action", args=[lease_a.pk, "terminate"]), {"terminated_on": "2027-06-30"}
    )
    assert response.status_code == 200
    assert response.context["terminate_form"].errors["reason"]
    lease_a.refresh_from_db()
    assert lease_a.status == ContractStatus.SIGNED


def test_occupancy_dashboard_and_stacking_plan_colours(client_for, lease_a, building_a, unit_a):
    client = client_for("bob")
    response = client.get(reverse("leasing:occupancy"), {"day": "2026-06-01"})
    assert response.status_code == 200
    assert response.context["total"].occupied_area_sqm == D(1000)
    assert "vendor/echarts-5.6.0.min.js" in response.content.decode()

    def plan_queries(colour: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.get(reverse("parks:building_detail", args=[building_a.pk]), {"colour": colour}).status_code
                == 200
            )
        return len(ctx)

    before = {c: plan_queries(c) for c in ("expiry", "industry")}
    for n in range(4):
        UnitFactory(floor=unit_a.floor, code=f"A1-3{n}", area_sqm=D(100))
    assert {c: plan_queries(c) for c in ("expiry", "industry")} == before
    page = client.get(reverse("parks:building_detail", args=[building_a.pk]), {"colour": "expiry"}).content.decode()
    assert "col-expiry-" in page


@pytest.mark.parametrize(("persona", "status"), [("bob", 200), ("carol", 403), ("dave", 404)])
def test_api_sign_and_overlap(client_for, unit_a, persona, status):
    first = approved_lease(units=[unit_a])
    response = client_for(persona).post(f"/api/leasing/contracts/{first.pk}/sign/", {}, content_type="application/json")
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "signed"
        # Ref: #15 — an overlap is refused at approval already.
        second = services.contract_create_draft(
            actor=None, park=unit_a.park, enterprise=EnterpriseFactory(), units=[unit_a],
            **lease_terms(start_on=datetime.date(2027, 1, 1)),
        )  # fmt: skip
        clash = client_for(persona).post(
            f"/api/leasing/contracts/{second.pk}/approve/", {}, content_type="application/json"
        )
        assert clash.status_code == 400
        assert "不能重复签约" in str(clash.json())
        second.refresh_from_db()
        assert second.status == ContractStatus.DRAFT


def test_api_create_occupancy_and_rent_roll(client_for, unit_a):
    enterprise = EnterpriseFactory()
    client = client_for("bob")
    created = client.post(
        "/api/leasing/contracts/",
        {
            "park": unit_a.park_id,
            "enterprise": enterprise.pk,
            "units": [unit_a.pk],
            "kind": "lease",
            "start_on": "2026-01-01",
            "end_on": "2027-12-31",
            "rent_per_sqm_month": "30",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (
        client.post(f"/api/leasing/contracts/{pk}/approve/", {}, content_type="application/json").status_code == 400
    )  # bob drafted it
    assert (
        client_for("alice")
        .post(f"/api/leasing/contracts/{pk}/approve/", {}, content_type="application/json")
        .status_code
        == 200
    )
    assert client.post(f"/api/leasing/contracts/{pk}/sign/", {}, content_type="application/json").status_code == 200
    occupancy = client.get("/api/leasing/occupancy/", {"day": "2026-05-01"}).json()
    assert occupancy["occupied_area_sqm"] == "1000.00"
    assert occupancy["by_area_pct"] == "100.0"
    roll = client.get("/api/leasing/rent-roll/", {"year": "2026"}).json()
    assert roll[0]["rent_total"] == "360000.00"
    assert len(client.get(f"/api/leasing/contracts/{pk}/schedule/").json()) == 8
    assert client_for("dave").get(f"/api/leasing/contracts/{pk}/").status_code == 404


@pytest.mark.parametrize(("persona", "shown"), [("bob", True), ("dave", True), ("carol", False)])
def test_dashboard_widgets_for_leasing_roles(client_for, lease_a, persona, shown):
    response = client_for(persona).get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert ("即将到期的租赁合同" in response.content.decode()) is shown
