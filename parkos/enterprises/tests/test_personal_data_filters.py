"""Filtering the pool by personal data: only those who may see it, only by the exact normalised value.

Ref: #13 (hole 1): a masked mobile could be recovered digit by digit with `mobile__contains`.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.settings import api_settings

from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(park_a):
    enterprise = EnterpriseFactory(name="重庆隐私测试医疗器械有限公司", parks=[park_a])
    ContactFactory(enterprise=enterprise, mobile="+8613912345678")
    EnterpriseFactory(name="重庆无关企业有限公司", parks=[park_a])
    return enterprise


@pytest.fixture
def in_park_b(park_b):
    enterprise = EnterpriseFactory(name="成都他园企业有限公司", parks=[park_b])
    ContactFactory(enterprise=enterprise, mobile="+8613700001111")
    return enterprise


def _login(user):
    client = Client()
    client.force_login(user)
    return client


def _api_names(client, **params):
    response = client.get("/api/enterprises/enterprises/", params)
    return response.status_code, response.json()


@pytest.mark.parametrize("partial", ["139", "1391234", "5678", "12345678"])
def test_partial_mobile_never_filters(client_for, target, partial):
    status, body = _api_names(client_for("bob"), mobile=partial)
    assert status == 400
    assert "mobile" in body["errors"]
    page = client_for("bob").get(reverse("enterprises:enterprise_list"), {"mobile": partial}).content.decode()
    assert "完整" in page  # "请输入完整的手机号码"


def test_exact_mobile_filters_for_those_who_may_see_it(client_for, target):
    status, body = _api_names(client_for("bob"), mobile="139 1234 5678")
    assert status == 200
    assert [row["name"] for row in body["results"]] == [target.name]


def test_role_without_contact_right_cannot_filter_by_mobile(sam, target):
    status, body = _api_names(_login(sam), mobile="13912345678")
    assert status == 400
    assert "mobile" in body["errors"]
    # The keyword box does not match mobiles for them either.
    status, body = _api_names(_login(sam), q="13912345678")
    assert status == 200
    assert body["results"] == []


def test_exact_mobile_only_finds_enterprises_in_own_parks(client_for, target, in_park_b):
    # bob may see contacts of park A only: a park-B number finds nothing, by filter or keyword.
    status, body = _api_names(client_for("bob"), mobile="13700001111")
    assert status == 200
    assert body["results"] == []
    status, body = _api_names(client_for("bob"), q="13700001111")
    assert body["results"] == []
    status, body = _api_names(client_for("alice"), mobile="13700001111")
    assert [row["name"] for row in body["results"]] == [in_park_b.name]


def test_api_throttling_is_enabled(settings):
    assert api_settings.DEFAULT_THROTTLE_CLASSES, "API throttling configured but not enabled"
