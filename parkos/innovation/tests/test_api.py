"""The innovation API: the same services and scoping as the pages; denials change nothing."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client

from parkos.core.models import AuditEntry
from parkos.innovation.models import Milestone, Product, ProductStage, Project, ProjectProgress, Stake, StakeInvestment
from parkos.innovation.tests.factories import FundFactory, ProductFactory, ProjectFactory, StakeFactory

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def _state():
    return (
        Project.objects.count(),
        ProjectProgress.objects.count(),
        Product.objects.count(),
        ProductStage.objects.count(),
        Milestone.objects.count(),
        StakeInvestment.objects.count(),
        AuditEntry.objects.count(),
    )


def test_project_through_the_api(client_for, park_a, tenant):
    client = client_for("carol")
    created = post(
        client,
        "/api/innovation/projects/",
        {"park": park_a.pk, "name": "疫苗灌装车间", "kind": "industrial", "enterprise": tenant.pk,
         "planned_investment": "20000000.00", "planned_completed_on": "2026-12-31", "signed_on": "2025-02-01"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["current_phase"], body["is_statistical"]) == ("signed", True)
    pk = body["id"]
    phase = post(client, f"/api/innovation/projects/{pk}/phase/", {"phase": "started", "actual_on": "2025-05-01"})
    assert phase.json()["current_phase"] == "started"
    month = post(
        client,
        f"/api/innovation/projects/{pk}/progress/",
        {
            "year": 2025,
            "month": 6,
            "construction": "3000000.00",
            "installation": "500000.00",
            "equipment": "1500000.00",
            "other": "0",
        },
    )
    assert (month.status_code, month.json()["investment"]) == (201, "5000000.00")
    too_much = post(
        client, f"/api/innovation/projects/{pk}/progress/", {"year": 2025, "month": 7, "equipment": "18000000.00"}
    )
    assert too_much.status_code == 400
    assert "超过计划总投资" in json.dumps(too_much.json(), ensure_ascii=False)
    assert client.get(f"/api/innovation/projects/{pk}/").json()["invested"] == "5000000.00"
    assert [row["month"] for row in client.get(f"/api/innovation/projects/{pk}/progress/").json()] == [6]


def test_product_and_its_stages_through_the_api(client_for, sam, park_a, tenant):
    client = Client()
    client.force_login(sam)
    created = post(
        client,
        "/api/innovation/products/",
        {"park": park_a.pk, "enterprise": tenant.pk, "name": "HX-3 单抗", "kind": "drug", "drug_family": "therapeutic_biologic",
         "drug_category": "1", "initial_stage": "ind_approved", "initial_stage_on": "2025-01-10"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["registration_class"] == "治疗用生物制品 1类：创新型生物制品"
    back = post(client, f"/api/innovation/products/{pk}/stage/", {"stage": "preclinical", "on": "2025-06-01"})
    assert back.status_code == 400
    assert "须说明原因" in back.json()["errors"]["stage"][0]
    assert (
        post(client, f"/api/innovation/products/{pk}/stage/", {"stage": "phase1", "on": "2025-06-01"}).status_code
        == 201
    )
    assert [e["stage"] for e in client.get(f"/api/innovation/products/{pk}/stages/").json()] == [
        "ind_approved",
        "phase1",
    ]
    bad = post(
        client,
        "/api/innovation/products/",
        {"park": park_a.pk, "enterprise": tenant.pk, "name": "器械", "kind": "device", "device_class": "class_2",
         "device_number": "渝械注准2020", "initial_stage": "in_development", "initial_stage_on": "2025-01-10"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "不是有效的医疗器械注册证或备案编号" in bad.json()["errors"]["device_number"][0]
    pipeline = client.get("/api/innovation/pipeline/", {"on": "2025-12-31"}).json()
    assert pipeline["class_one_in_trials"] == 1
    assert pipeline["clinical"][0]["counts"] == {"phase1": 1}


def test_milestones_timeline_and_portfolio(client_for, park_a, tenant):
    client = client_for("bob")
    listing = post(
        client,
        "/api/innovation/milestones/",
        {
            "park": park_a.pk,
            "enterprise": tenant.pk,
            "kind": "listing",
            "on": "2025-06-18",
            "exchange": "star",
            "stock_code": "688001",
        },
    )
    assert listing.status_code == 201, listing.content
    assert (
        post(
            client,
            "/api/innovation/milestones/",
            {
                "park": park_a.pk,
                "enterprise": tenant.pk,
                "kind": "listing",
                "on": "2025-06-18",
                "exchange": "unlisted",
                "stock_code": "1",
            },
        ).status_code
        == 400
    )
    timeline = client.get(f"/api/innovation/enterprises/{tenant.pk}/timeline/").json()
    assert timeline[0]["title"] == "上市 · 科创板 688001"
    fund = FundFactory()
    invest = post(
        client,
        "/api/innovation/stakes/invest/",
        {
            "fund": fund.pk,
            "enterprise": tenant.pk,
            "park": park_a.pk,
            "kind": "initial",
            "on": "2024-01-01",
            "amount": "1000000.00",
            "share_pct": "5",
        },
    )
    assert invest.status_code == 201, invest.content
    stake = Stake.objects.get()
    assert (
        post(
            client,
            f"/api/innovation/stakes/{stake.pk}/mark/",
            {"on": "2025-01-01", "fair_value": "3000000.00", "method": "recent_round"},
        ).status_code
        == 201
    )
    stakes = client.get("/api/innovation/stakes/").json()["results"]
    assert stakes[0]["figures"]["moic"] == "3.00"
    totals = client.get("/api/innovation/portfolio/", {"on": "2025-01-01"}).json()
    # 3× over 2024 (a leap year, 366 days): 3^(365/366) − 1 = 1.99099…
    assert (totals["cost"], totals["fair_value"], totals["irr"]) == ("1000000.00", "3000000.00", "1.9910")


@pytest.mark.parametrize(
    ("persona", "status"), [("carol", 403), ("dave", 403), ("erin", 403), ("anonymous", 403), ("bob", 200)]
)
def test_portfolio_needs_the_stakes_right(client_for, park_a, persona, status):
    StakeFactory(park=park_a)
    assert client_for(persona).get("/api/innovation/portfolio/").status_code == status
    assert client_for(persona).get("/api/innovation/stakes/").status_code == status


WRITES = [
    # persona, what, expected status
    ("carol", "product", 403),  # investment officers do not manage pipelines
    ("carol", "milestone", 403),
    ("dave", "project", 404),  # another park's project: not found
    ("dave", "stage", 404),
    ("erin", "project", 403),
    ("anonymous", "stage", 403),
    ("carol", "stake", 403),
]


@pytest.mark.parametrize(("persona", "what", "status"), WRITES)
def test_denied_writes_change_nothing(client_for, park_a, tenant, persona, what, status):
    project = ProjectFactory(park=park_a, enterprise=tenant)
    product = ProductFactory(park=park_a, enterprise=tenant, history=[(day(2025, 1, 1), "phase1")])
    fund = FundFactory()
    requests = {
        "project": (f"/api/innovation/projects/{project.pk}/phase/", {"phase": "started", "actual_on": "2025-05-01"}),
        "product": ("/api/innovation/products/", {"park": park_a.pk, "enterprise": tenant.pk, "name": "X", "kind": "drug", "drug_family": "chemical", "drug_category": "1", "initial_stage": "preclinical", "initial_stage_on": "2025-01-01"}),
        "stage": (f"/api/innovation/products/{product.pk}/stage/", {"stage": "phase2", "on": "2025-06-01"}),
        "milestone": ("/api/innovation/milestones/", {"park": park_a.pk, "enterprise": tenant.pk, "kind": "financing", "on": "2025-01-01", "financing_round": "a"}),
        "stake": ("/api/innovation/stakes/invest/", {"fund": fund.pk, "enterprise": tenant.pk, "park": park_a.pk, "kind": "initial", "on": "2024-01-01", "amount": "1.00"}),
    }  # fmt: skip
    before = _state()
    url, data = requests[what]
    response = post(client_for(persona), url, data)
    assert response.status_code == status
    assert "detail" in response.json()
    assert _state() == before
    project.refresh_from_db()
    assert project.started_on is None
