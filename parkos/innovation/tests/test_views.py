"""Pages: who sees what, forms that refuse bad input in Chinese with nothing written, bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkos.core.models import AuditEntry
from parkos.innovation.models import (
    Institution,
    InstitutionContact,
    Milestone,
    Product,
    ProductStage,
    Project,
    ProjectProgress,
    StakeInvestment,
)
from parkos.innovation.tests.factories import FundFactory, ProductFactory, ProjectFactory, StakeFactory

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


@pytest.fixture
def project(park_a, tenant):
    return ProjectFactory(park=park_a, enterprise=tenant, name="制剂车间", planned_investment=D(10_000_000))


@pytest.fixture
def drug(park_a, tenant):
    return ProductFactory(park=park_a, enterprise=tenant, name="BC-101", history=[(day(2025, 1, 1), "phase2")])


@pytest.fixture
def stake(park_a, tenant):
    stake = StakeFactory(enterprise=tenant, park=park_a)
    StakeInvestment.objects.create(stake=stake, kind="initial", on=day(2023, 1, 1), amount=D(1_000_000), share_pct=D(5))
    return stake


PAGES = [
    "innovation:overview",
    "innovation:project_list",
    "innovation:product_list",
    "innovation:pipeline",
    "innovation:milestone_list",
    "innovation:cooperation",
    "innovation:institution_list",
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"), [("bob", 200), ("carol", 200), ("dave", 200), ("erin", 403), ("anonymous", 302)]
)
def test_pages_by_persona(client_for, project, drug, name, persona, status):
    response = client_for(persona).get(reverse(name))
    assert response.status_code == status
    if persona == "dave" and name in ("innovation:project_list", "innovation:product_list"):
        # Dave serves park B: park A's project and product are not listed.
        assert "制剂车间" not in response.content.decode()
        assert "BC-101" not in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "detail", "portfolio"),
    [("bob", 200, 200), ("alice", 200, 200), ("carol", 200, 403), ("sam", 200, 403), ("dave", 404, 403)],
)
def test_objects_and_the_confidential_portfolio(client_for, sam, project, drug, stake, persona, detail, portfolio):
    client = client_for(persona) if persona != "sam" else _client(sam)
    assert client.get(reverse("innovation:project_detail", args=[project.pk])).status_code == detail
    assert client.get(reverse("innovation:product_detail", args=[drug.pk])).status_code == detail
    assert client.get(reverse("innovation:portfolio")).status_code == portfolio
    response = client.get(reverse("innovation:stake_detail", args=[stake.pk]))
    assert response.status_code == (portfolio if portfolio == 403 else 200)


def test_amount_columns_name_their_unit_in_the_readers_language(client_for, project, stake):
    ProjectProgress.objects.create(project=project, year=2025, month=6, investment=D("2500000.00"))
    client = client_for("bob")
    urls = [
        reverse("innovation:project_list"),
        reverse("innovation:project_detail", args=[project.pk]),
        reverse("innovation:portfolio"),
    ]
    listing, detail, portfolio = (client.get(url).content.decode() for url in urls)
    assert ("计划总投资（万元）" in listing, '<td class="num">1,000.00</td>' in listing) == (True, True)
    assert ("单位：万元" in detail, '<td class="num">250.00</td>' in detail) == (True, True)
    assert ("成本（万元）" in portfolio, '<td class="num">100.00</td>' in portfolio) == (True, True)
    client.cookies["django_language"] = "en"
    listing, detail, portfolio = (client.get(url).content.decode() for url in urls)
    assert ("Planned total investment (CNY million)" in listing, '<td class="num">10.00</td>' in listing) == (
        True,
        True,
    )
    assert ("Unit: CNY million" in detail, '<td class="num">2.50</td>' in detail) == (True, True)
    assert ("Cost (CNY million)" in portfolio, '<td class="num">1.00</td>' in portfolio) == (True, True)
    for page in (listing, detail, portfolio):
        assert "¥10k" not in page
        assert "CNY 10k" not in page


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_list_pages_have_bounded_queries(client_for, park_a, tenant):
    def count(name):
        with CaptureQueriesContext(connection) as queries:
            assert client_for("bob").get(reverse(name)).status_code == 200
        return len(queries.captured_queries)

    ProjectFactory(park=park_a, enterprise=tenant)
    ProductFactory(park=park_a, enterprise=tenant, history=[(day(2025, 1, 1), "phase1")])
    few = {name: count(name) for name in ("innovation:project_list", "innovation:product_list", "innovation:pipeline")}
    for n in range(15):
        ProjectFactory(park=park_a, enterprise=tenant, started_on=day(2025, 1, n + 1))
        ProductFactory(park=park_a, enterprise=tenant, history=[(day(2025, 1, n + 1), "phase2")])
    assert {name: count(name) for name in few} == few


def test_officer_records_a_project_and_a_month_of_investment(client_for, park_a, tenant):
    client = client_for("carol")  # investment officers follow deals to production
    response = client.post(
        reverse("innovation:project_create"),
        {"park": park_a.pk, "name": "高端制剂生产线", "kind": "industrial", "enterprise": tenant.credit_code,
         "planned_investment": "1000", "planned_signed_on": "2025-01-10", "signed_on": "2025-01-10"},
    )  # fmt: skip
    project = Project.objects.get(name="高端制剂生产线")
    assert response.status_code == 302
    assert (project.planned_investment, project.enterprise_id) == (D(10_000_000), tenant.pk)
    client.post(
        reverse("innovation:project_progress", args=[project.pk]),
        {"year": 2025, "month": 6, "construction": "300", "installation": "50", "equipment": "120", "other": "30"},
    )
    assert ProjectProgress.objects.get(project=project).investment == D(5_000_000)


def test_a_future_actual_date_comes_back_in_chinese_and_nothing_is_written(client_for, park_a, tenant):
    before = (Project.objects.count(), AuditEntry.objects.count())
    response = client_for("bob").post(
        reverse("innovation:project_create"),
        {
            "park": park_a.pk,
            "name": "未来项目",
            "kind": "industrial",
            "enterprise": tenant.name,
            "started_on": "2099-01-01",
        },
    )
    assert response.status_code == 200
    assert "不能晚于今天" in response.content.decode()
    assert (Project.objects.count(), AuditEntry.objects.count()) == before


def test_an_unknown_enterprise_is_refused(client_for, park_a):
    response = client_for("bob").post(
        reverse("innovation:project_create"),
        {"park": park_a.pk, "name": "X", "kind": "industrial", "enterprise": "不存在的公司"},
    )
    assert "企业库中没有找到" in response.content.decode()
    assert not Project.objects.exists()


def test_stage_step_back_without_reason_shows_the_error(client_for, sam, drug):
    client = _client(sam)
    url = reverse("innovation:product_stage", args=[drug.pk])
    response = client.post(url, {"stage": "phase1", "on": "2026-01-01"}, follow=True)
    assert "须说明原因" in response.content.decode()
    assert ProductStage.objects.filter(product=drug).count() == 1
    client.post(url, {"stage": "phase3", "on": "2026-01-01"})
    drug.refresh_from_db()
    assert drug.stage == "phase3"


def test_new_device_with_a_bad_number_is_refused_in_chinese(client_for, sam, park_a, tenant):
    response = _client(sam).post(
        reverse("innovation:product_create"),
        {"park": park_a.pk, "enterprise": tenant.name, "name": "心脏封堵器", "kind": "device", "device_class": "class_3",
         "device_number": "国药准字H20200001", "stage": "in_review", "stage_on": "2025-06-01", "is_key": "on"},
    )  # fmt: skip
    assert "药品批准文号" in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        ("sam", "innovation:project_create", 403),
        ("carol", "innovation:product_create", 403),
        ("carol", "innovation:milestone_create", 403),
        ("dave", "innovation:project_create", 403),
    ],
)
def test_writes_need_their_capability(client_for, sam, park_a, tenant, persona, url_name, status):
    client = _client(sam) if persona == "sam" else client_for(persona)
    before = (Project.objects.count(), Product.objects.count(), Milestone.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse(url_name), {"park": park_a.pk, "name": "X", "kind": "industrial", "enterprise": tenant.name}
    )
    assert response.status_code == status
    assert (
        Project.objects.count(),
        Product.objects.count(),
        Milestone.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_step_on_another_parks_project_is_404_and_changes_nothing(client_for, project):
    response = client_for("dave").post(
        reverse("innovation:project_phase", args=[project.pk]), {"phase": "started", "actual_on": "2025-01-01"}
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.started_on is None


def test_enterprise_page_shows_the_innovation_panel_and_timeline(client_for, tenant, project, drug):
    Milestone.objects.create(
        park=project.park, enterprise=tenant, kind="listing", on=day(2025, 6, 18), exchange="star", stock_code="688001"
    )
    page = client_for("bob").get(reverse("enterprises:enterprise_detail", args=[tenant.pk])).content.decode()
    assert "项目、研发与里程碑" in page
    assert "上市 · 科创板 688001" in page
    timeline = client_for("bob").get(reverse("innovation:enterprise_timeline", args=[tenant.pk])).content.decode()
    assert "BC-101 · 二期临床" in timeline
    assert "制剂车间" not in timeline or "开工" not in timeline  # no phase dates yet: nothing to show for it


def test_contacts_are_masked_unless_allowed_and_unmasked_views_are_audited(client_for, sam):
    institution = Institution.objects.create(name="重庆医科大学", kind="university")
    InstitutionContact.objects.create(institution=institution, name="李教授", mobile="+8613800138000")
    url = reverse("innovation:institution_detail", args=[institution.pk])
    masked = _client(sam).get(url).content.decode()  # services officers lack the contact-details right
    assert "138****8000" in masked
    assert "13800138000" not in masked
    assert not AuditEntry.objects.filter(action="view_personal_data").exists()
    shown = client_for("bob").get(url).content.decode()
    assert "+8613800138000" in shown
    assert (
        AuditEntry.objects.filter(action="view_personal_data", object_type="innovation.institutioncontact").count() == 1
    )


def test_stake_created_and_marked_from_the_pages(client_for, park_a, tenant):
    fund = FundFactory(name="生物城产业基金")
    client = client_for("bob")
    response = client.post(
        reverse("innovation:stake_create"),
        {"fund": fund.pk, "enterprise": tenant.name, "park": park_a.pk, "kind": "initial", "on": "2024-01-10", "amount": "2000", "share_pct": "8"},
    )  # fmt: skip
    assert response.status_code == 302
    stake = fund.stakes.get()
    client.post(
        reverse("innovation:stake_mark", args=[stake.pk]),
        {"on": "2025-12-31", "fair_value": "5000", "method": "recent_round"},
    )
    page = client.get(reverse("innovation:portfolio")).content.decode()
    assert "2.50x" in page  # 5000万 / 2000万
