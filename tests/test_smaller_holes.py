"""The smaller holes of the outside review (Ref: #13, item 11), each with the behaviour it must have."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.accounts.tests.factories import UserFactory
from parkos.enterprises.models import Contact, Enterprise
from parkos.enterprises.tests.factories import EnterpriseFactory, valid_code
from parkos.parks import services as park_services
from parkos.parks.models import Unit
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from parkos.web import demo

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


# --- Units not available today are still units -----------------------------------------------------


@pytest.fixture
def reserved_unit(park_a, alice):
    floor = FloorFactory(building=BuildingFactory(park=park_a, code="R1"), level=1)
    unit = UnitFactory(floor=floor, code="R1-101")
    park_services.reservation_create(
        space=unit,
        holder_name="某意向企业",
        reserved_until=timezone.localdate() + datetime.timedelta(days=30),
        actor=alice,
    )
    return unit


def test_unit_not_available_today_is_readable_changeable_and_archivable(client_for, reserved_unit):
    client = client_for("bob")
    url = f"/api/parks/units/{reserved_unit.pk}/"
    assert client.get(url).status_code == 200
    assert reserved_unit.pk not in [u["id"] for u in client.get("/api/parks/units/").json()["results"]]
    response = client.patch(url, {"rent_yuan_per_sqm_month": "31.50"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert str(Unit.objects.get(pk=reserved_unit.pk).rent_yuan_per_sqm_month) == "31.50"
    assert client.delete(url).status_code == 204


# --- Credit codes and mobiles are normalised before their length is checked ----------------------------


def test_credit_code_with_spaces_is_accepted_by_api_and_form(client_for):
    code = valid_code()
    spaced = " ".join(code[i : i + 4] for i in range(0, 18, 4))
    response = client_for("carol").post(
        "/api/enterprises/enterprises/",
        {"name": "重庆空格代码有限公司", "credit_code": " 9111 0000 6000 3734 1L "},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == "91110000600037341L"
    response = client_for("carol").post(
        reverse("enterprises:enterprise_create"),
        {
            "name": "重庆空格代码二有限公司",
            "credit_code": spaced,
            "listing_status": "unlisted",
            "lifecycle": "prospect",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Enterprise.objects.get(name="重庆空格代码二有限公司").credit_code == code


def test_mobile_with_spaces_is_accepted_on_the_contact_form(client_for, park_a):
    enterprise = EnterpriseFactory(parks=[park_a])
    response = client_for("bob").post(
        reverse("enterprises:contact_create", args=[enterprise.pk]),
        {"name": "王五", "mobile": "+86 139 1234 5678", "landline": "023 6879 1234 转 8001"},
    )
    assert response.status_code == 302, response.content.decode()
    assert Contact.objects.get(enterprise=enterprise).mobile == "+8613912345678"


def test_empty_credit_code_is_explicitly_optional_and_stored_as_none(client_for):
    for n, blank in enumerate(["", "   "]):
        response = client_for("carol").post(
            "/api/enterprises/enterprises/",
            {"name": f"重庆尚无代码{n}有限公司", "credit_code": blank},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["credit_code"] is None
    assert Enterprise.objects.filter(credit_code__isnull=True).count() == 2
    schema = client_for("alice").get("/api/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["EnterpriseRequest"]["properties"]["credit_code"]
    assert field.get("nullable") is True
    assert "选填" in field.get("description", "")


# --- Headers and probes ----------------------------------------------------------------------------------


def test_permissions_policy_denies_powerful_features(client):
    response = client.get("/accounts/login/")
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_is_not_redirected_to_https(client):
    # The database alone: the test runs no task worker or scheduler for the full check to see.
    assert client.get("/healthz", {"only": "database"}).status_code == 200
    assert client.get("/accounts/login/").status_code == 301


# --- Settings that refuse to run unsafely ------------------------------------------------------------------


def _run_settings(env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "PARKOS_PRODUCTION"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.INSTALLED_APPS"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "parkos.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_without_production_refuses_the_development_key():
    refused = _run_settings({"DEBUG": "false"})
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr
    assert _run_settings({"DEBUG": "true"}).returncode == 0
    assert _run_settings({"DEBUG": "false", "SECRET_KEY": "x" * 60}).returncode == 0


# --- manage.py demo on a database it did not create ---------------------------------------------------------


def test_demo_does_not_reset_passwords_on_a_database_it_did_not_create(settings, monkeypatch):
    # The logins only: the portfolio takes a minute to load.
    monkeypatch.setattr(demo, "_LOADERS", {k: v for k, v in demo._LOADERS.items() if k == "logins"})

    admin = UserFactory(username=settings.DEMO_ADMIN_USERNAME, role=Role.OPERATOR_ADMIN, is_superuser=True)
    admin.set_password("Real-Prod-Secret-2026")
    admin.save()
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    admin.refresh_from_db()
    assert admin.check_password("Real-Prod-Secret-2026")
    assert not User.objects.filter(username="manager").exists()  # no demo login with a known password
    call_command("demo", "--reset-logins", stdout=open(os.devnull, "w"))  # noqa: SIM115
    admin.refresh_from_db()
    assert admin.check_password(settings.DEMO_ADMIN_PASSWORD)
    assert User.objects.filter(username="manager").exists()


# --- Pages that would not let one save ---------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [("bob", 200), ("dave", 404), ("carol", 403), ("erin", 403)])
def test_new_building_page_renders_only_for_who_can_save_it(client_for, park_a, persona, status):
    response = client_for(persona).get(reverse("parks:building_create", args=[park_a.pk]))
    assert response.status_code == status


def test_new_building_page_for_a_services_officer(park_a):
    sally = UserFactory(username="sally", role=Role.SERVICES_OFFICER, parks=[park_a])
    client = Client()
    client.force_login(sally)
    assert client.get(reverse("parks:building_create", args=[park_a.pk])).status_code == 403
