"""Pages: the public form, the board, the lead page; authorization by persona."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from parkos.accounts.tests.factories import UserFactory
from parkos.investment import services
from parkos.investment.models import Activity, Lead

pytestmark = pytest.mark.django_db

FORM = {
    "space_kind": "factory", "area_min": "1000", "area_max": "3000", "area_unit": "sqm", "industry_code": "27",
    "expected_annual_tax_wan": "300", "process_presets": ["solvent_low"], "cleanroom_grade": "",
    "company_name": "重庆原料药合成有限公司", "contact_name": "王先生", "mobile": "13912345678", "consent": "on",
    "website": "",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_public_form_renders_and_preselects_park(portfolio):
    response = Client().get(reverse("investment:requirement_form") + "?park=" + portfolio["park_a"].code)
    assert response.status_code == 200
    assert f'<option value="{portfolio["park_a"].pk}" selected>' in response.content.decode()
    assert reverse("investment:requirement_form") == "/requirement/"


def test_public_submit_shows_matches_and_routes_the_lead(portfolio, carol):
    client = Client(enforce_csrf_checks=False)
    response = client.post(reverse("investment:requirement_form"), FORM)
    body = response.content.decode()
    assert response.status_code == 200, body
    assert "需求已提交" in body
    assert "J1" in body
    assert portfolio["park_a"].name in body
    assert "A1" not in body.split("public-matches")[1]  # the 丙 multi-storey building is not offered
    assert "+86" not in body
    assert "139" not in body
    lead = Lead.objects.get()
    assert lead.park == portfolio["park_a"]
    assert lead.officer == carol
    assert lead.requirement.fire_class == "jia"
    # Repeat from the same mobile: the same lead, a new version.
    response = client.post(reverse("investment:requirement_form"), {**FORM, "mobile": "139 1234 5678"})
    assert "需求已提交" in response.content.decode()
    assert Lead.objects.count() == 1
    assert lead.requirement_versions.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "请勾选同意个人信息处理"),
        ({"mobile": "12345"}, "请填写正确的11位手机号码"),
        ({"area_min": "", "area_max": ""}, "请填写需求面积"),
        ({"industry_code": ""}, "请选择用途"),
    ],
)
def test_public_form_rejects_invalid_input_clearly(portfolio, change, message):
    response = Client().post(reverse("investment:requirement_form"), {**FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Lead.objects.count() == 0


def test_public_form_rate_limits_per_mobile(portfolio, monkeypatch):
    monkeypatch.setenv("INVESTMENT_FORM_MOBILE_LIMIT", "2")
    client = Client()
    statuses = [client.post(reverse("investment:requirement_form"), FORM).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Lead.objects.count() == 1


def test_public_form_needs_csrf(portfolio):
    response = Client(enforce_csrf_checks=True).post(reverse("investment:requirement_form"), FORM)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("bob", 200), ("carol", 200), ("dave", 404), ("erin", 403), ("anonymous", 302)],
)
def test_lead_page_authorization(portfolio, client_for, carol, persona, status):
    lead = services.lead_create(actor=carol, company_name="某公司", park=portfolio["park_a"])
    assert client_for(persona).get(lead.get_absolute_url()).status_code == status


@pytest.mark.parametrize(("persona", "moved"), [("carol", True), ("bob", True), ("dave", False), ("erin", False)])
def test_move_authorization_changes_nothing_on_denial(portfolio, client_for, carol, persona, moved):
    lead = services.lead_create(actor=carol, company_name="某公司", park=portfolio["park_a"])
    client_for(persona).post(reverse("investment:lead_move", args=[lead.pk]), {"stage": "contacted"})
    assert Lead.objects.get(pk=lead.pk).stage == ("contacted" if moved else "new")


def test_board_lists_leads_by_stage_and_detail_shows_matches(portfolio, client_for, carol):
    lead = services.lead_create(actor=carol, company_name="器械公司", park=portfolio["park_a"],
                                requirement={"area_min_sqm": Decimal(1000), "area_max_sqm": Decimal(3000),
                                             "cleanroom_grade": "C", "min_floor_load_kn_m2": Decimal(8)})  # fmt: skip
    client = client_for("carol")
    board = client.get(reverse("investment:lead_board")).content.decode()
    assert "器械公司" in board
    detail = client.get(lead.get_absolute_url()).content.decode()
    assert "A1-201" in detail
    matches = detail.split('data-testid="matches"')[1].split("</section>")[0]
    offered, rejected = matches.split('data-testid="rejected"')
    assert "A1-301" not in offered
    assert "A1-301" in rejected  # listed with its reason: the floor load is too low
    assert "楼面荷载5 kN/m²，低于需求8 kN/m²" in rejected


def test_lead_amounts_read_as_money_in_each_language(portfolio, client_for, carol):
    lead = services.lead_create(actor=carol, company_name="税源公司", park=portfolio["park_a"],
                                requirement={"area_min_sqm": Decimal(1000), "area_max_sqm": Decimal(3000),
                                             "expected_annual_tax_wan": Decimal(300),
                                             "investment_wan": Decimal(5000)})  # fmt: skip
    client = client_for("carol")
    card = client.get(reverse("investment:lead_board")).content.decode().split("税源公司", 1)[1].split("</article>")[0]
    detail = client.get(lead.get_absolute_url()).content.decode()
    assert "年税收 300 万元" in card
    assert ("300 万元" in detail, "5,000 万元" in detail) == (True, True)
    client.cookies["django_language"] = "en"
    card = client.get(reverse("investment:lead_board")).content.decode().split("税源公司", 1)[1].split("</article>")[0]
    detail = client.get(lead.get_absolute_url()).content.decode()
    pipeline = client.get(reverse("investment:pipeline")).content.decode()
    assert "Tax CNY 3 million a year" in card
    assert ("CNY 3 million" in detail, "CNY 50 million" in detail) == (True, True)
    assert "Weighted annual tax (CNY million)" in pipeline
    for page in (card, detail, pipeline):
        assert "10k" not in page
        assert "万元" not in page


def test_site_visit_with_units_and_mobile_masking(portfolio, client_for, carol, alice):
    lead = services.lead_create(actor=carol, company_name="某公司", park=portfolio["park_a"], contact_name="王",
                                contact_mobile="13912345678")  # fmt: skip
    response = client_for("carol").post(
        reverse("investment:activity_create", args=[lead.pk]),
        {"kind": "site_visit", "summary": "带看A1栋", "units": "A1-101, A1-201"},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(lead=lead, kind="site_visit")
    assert sorted(u.code for u in activity.units.all()) == ["A1-101", "A1-201"]

    viewer = UserFactory(role="services_officer", parks=[portfolio["park_a"]])
    client = Client()
    client.force_login(viewer)
    assert "139****5678" in client.get(lead.get_absolute_url()).content.decode()
    assert "13912345678" in client_for("carol").get(lead.get_absolute_url()).content.decode()


def test_pipeline_and_notifications_pages(portfolio, client_for, carol):
    services.lead_create(actor=None, company_name="某公司", park=portfolio["park_a"])
    client = client_for("carol")
    assert client.get(reverse("investment:pipeline")).status_code == 200
    page = client.get(reverse("investment:notification_list")).content.decode()
    assert "新线索分配给您：某公司" in page
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert "招商通知" in dashboard
