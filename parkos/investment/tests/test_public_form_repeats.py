"""A repeat submission adds a version, never overwrites a lead, and never shows another submission's reference.

Ref: #13 (hole 7): a repeat with the same mobile within 24 hours replaced the earlier lead's company,
contact and requirement, and showed its reference number. Also (hole 11) the honeypot answered 400,
telling a bot what gave it away.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from parkos.investment.models import Activity, Lead, RequirementVersion
from parkos.investment.tests.test_views import FORM

pytestmark = pytest.mark.django_db


def _reference(body: str) -> str:
    match = re.search(r"受理编号：\s*([0-9A-Z-]+)", body)
    assert match, body
    return match.group(1)


def test_a_repeat_keeps_what_was_there_and_adds_a_version(portfolio, carol):
    first = Client().post(reverse("investment:requirement_form"), FORM)
    assert first.status_code == 200
    lead = Lead.objects.get()
    original = (lead.company_name, lead.contact_name, lead.requirement.area_min_sqm, lead.requirement.area_max_sqm)

    # Someone else types the same mobile with another company and need.
    repeat = Client().post(
        reverse("investment:requirement_form"),
        {**FORM, "company_name": "冒名公司", "contact_name": "李四", "area_min": "50", "area_max": "60"},
    )
    assert repeat.status_code == 200
    lead.refresh_from_db()
    lead.requirement.refresh_from_db()
    assert Lead.objects.count() == 1
    assert (
        lead.company_name,
        lead.contact_name,
        lead.requirement.area_min_sqm,
        lead.requirement.area_max_sqm,
    ) == original
    versions = list(RequirementVersion.objects.filter(lead=lead).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].company_name == "冒名公司"
    assert versions[1].requirement["area_min_sqm"] == str(Decimal(50))
    assert Activity.objects.filter(lead=lead, kind="submission").count() == 2

    # Each answer shows its own reference; the repeat never reveals the first one.
    first_ref, repeat_ref = _reference(first.content.decode()), _reference(repeat.content.decode())
    assert first_ref != repeat_ref
    assert first_ref not in repeat.content.decode()
    assert str(lead.pk) not in repeat_ref
    # Both pages read the same: the repeat does not say an earlier submission exists.
    assert "需求已提交" in repeat.content.decode()
    assert "需求已更新" not in repeat.content.decode()


def test_the_officer_sees_every_version(portfolio, carol, client_for):
    Client().post(reverse("investment:requirement_form"), FORM)
    Client().post(reverse("investment:requirement_form"), {**FORM, "company_name": "第二版公司"})
    lead = Lead.objects.get()
    page = client_for("carol").get(reverse("investment:lead_detail", args=[lead.pk])).content.decode()
    assert "第二版公司" in page
    for version in RequirementVersion.objects.filter(lead=lead):
        assert version.reference in page


def test_honeypot_answers_like_a_success_and_stores_nothing(portfolio):
    response = Client().post(reverse("investment:requirement_form"), {**FORM, "website": "http://spam.example"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "需求已提交" in body
    assert _reference(body)
    assert Lead.objects.count() == 0
    assert RequirementVersion.objects.count() == 0
