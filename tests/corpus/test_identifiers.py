"""Credit codes and mobiles, as people type them, at every entry point that takes one (Ref: #13)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from parkos.enterprises.models import Contact, Enterprise
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.investment.models import Lead
from parkos.investment.tests.test_views import FORM
from tests.corpus.inputs import (
    BAD_CODES,
    BAD_MOBILES,
    CODE_SPELLINGS,
    MOBILE_SPELLINGS,
    VALID_CODE,
    VALID_MOBILE_E164,
    assert_valid_code_fixture,
)

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese(messages) -> bool:
    return any(CJK.search(str(m)) for m in (messages if isinstance(messages, list) else [messages]))


def test_the_corpus_is_what_it_says():
    assert_valid_code_fixture()


# --- Credit codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", CODE_SPELLINGS)
def test_api_accepts_every_spelling_of_a_valid_code(client_for, spelling):
    response = client_for("carol").post(
        "/api/enterprises/enterprises/",
        json.dumps({"name": "重庆拼写测试有限公司", "credit_code": spelling}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Enterprise.objects.get().credit_code == VALID_CODE


@pytest.mark.parametrize("bad", BAD_CODES)
def test_api_refuses_bad_codes_in_chinese_and_stores_nothing(client_for, bad):
    response = client_for("carol").post(
        "/api/enterprises/enterprises/",
        json.dumps({"name": "重庆坏代码有限公司", "credit_code": bad}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert _chinese(response.json()["errors"]["credit_code"])
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("bad", BAD_CODES)
def test_enterprise_form_refuses_bad_codes(client_for, bad):
    response = client_for("carol").post(
        reverse("enterprises:enterprise_create"),
        {"name": "重庆坏代码有限公司", "credit_code": bad, "listing_status": "unlisted", "lifecycle": "prospect"},
    )
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("spelling", CODE_SPELLINGS)
def test_contract_form_finds_the_enterprise_by_any_spelling_of_its_code(client_for, park_a, spelling):
    """The contract form's enterprise picker searches by code as people type it."""
    enterprise = EnterpriseFactory(credit_code=VALID_CODE, parks=[park_a])
    response = client_for("bob").get(reverse("enterprises:enterprise_autocomplete"), {"q": spelling})
    assert [row["value"] for row in response.json()["results"]] == [enterprise.pk], spelling


@pytest.mark.parametrize("bad", BAD_CODES)
def test_lead_form_refuses_bad_codes(client_for, park_a, bad):
    response = client_for("carol").post(
        reverse("investment:lead_create"),
        {"company_name": "坏代码线索公司", "credit_code": bad, "source": "phone", "park": park_a.pk, "tenure": "lease",
         "space_kind": "factory", "area_unit": "sqm"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode()
    assert not Lead.objects.exists()
    assert not Enterprise.objects.exists()


# --- Mobiles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", MOBILE_SPELLINGS)
def test_contact_form_normalises_every_spelling(client_for, park_a, spelling):
    enterprise = EnterpriseFactory(parks=[park_a])
    response = client_for("bob").post(
        reverse("enterprises:contact_create", args=[enterprise.pk]), {"name": "王五", "mobile": spelling}
    )
    assert response.status_code == 302, response.content.decode()
    assert Contact.objects.get().mobile == VALID_MOBILE_E164


@pytest.mark.parametrize("bad", BAD_MOBILES)
def test_contact_form_refuses_bad_mobiles(client_for, park_a, bad):
    enterprise = EnterpriseFactory(parks=[park_a])
    response = client_for("bob").post(
        reverse("enterprises:contact_create", args=[enterprise.pk]), {"name": "王五", "mobile": bad}
    )
    assert response.status_code == 400
    assert CJK.search(response.content.decode().split('role="alert"')[-1])
    assert not Contact.objects.exists()


@pytest.mark.parametrize("spelling", MOBILE_SPELLINGS)
def test_lead_api_normalises_every_spelling(client_for, park_a, spelling):
    response = client_for("carol").post(
        "/api/investment/leads/",
        json.dumps(
            {"company_name": "手机拼写公司", "park": park_a.pk, "contact_name": "李", "contact_mobile": spelling}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Lead.objects.get().contact_mobile == VALID_MOBILE_E164


@pytest.mark.parametrize("bad", BAD_MOBILES)
def test_lead_api_refuses_bad_mobiles(client_for, park_a, bad):
    response = client_for("carol").post(
        "/api/investment/leads/",
        json.dumps({"company_name": "坏手机公司", "park": park_a.pk, "contact_name": "李", "contact_mobile": bad}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert _chinese(response.json()["errors"]["contact_mobile"])
    assert not Lead.objects.exists()


@pytest.mark.parametrize("bad", BAD_MOBILES)
def test_public_form_refuses_bad_mobiles(client, park_a, bad):
    response = client.post(reverse("investment:requirement_form"), {**FORM, "mobile": bad})
    assert response.status_code == 400
    body = response.content.decode()
    # The number's own message, or the length / null-character one for what no phone could be.
    assert any(message in body for message in ("请填写正确的11位手机号码", "字符")), body
    assert not Lead.objects.exists()
