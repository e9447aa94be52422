"""Duplicate submissions — a double click, a retry, two people at once (Ref: #13).

Sequential duplicates run on both databases; the truly concurrent ones need PostgreSQL's row locks
(SQLite serialises every writer, so there is no race to lose there).
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.enterprises.models import Enterprise, MergeRecord
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics.models import MonthlyReport
from tests.corpus.inputs import VALID_CODE

ENTERPRISE = {"name": "重庆重复提交有限公司", "credit_code": VALID_CODE}


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_the_same_enterprise_twice_is_one_enterprise_and_a_clear_error(client_for):
    first = _post(client_for("carol"), "/api/enterprises/enterprises/", ENTERPRISE)
    second = _post(client_for("carol"), "/api/enterprises/enterprises/", ENTERPRISE)
    assert first.status_code == 201
    assert second.status_code == 400
    assert "已存在" in json.dumps(second.json()["errors"], ensure_ascii=False)
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_the_same_month_twice_is_one_row(client_for, park_a):
    enterprise = EnterpriseFactory(parks=[park_a])
    body = {"park": park_a.pk, "enterprise": enterprise.pk, "year": 2025, "month": 3, "revenue": "10.00"}
    assert [_post(client_for("bob"), "/api/statistics/reports/", body).status_code for _ in range(2)] == [201, 201]
    assert MonthlyReport.objects.get().revenue == Decimal("10.00")


@pytest.mark.django_db
def test_the_same_merge_twice_merges_once(client_for, park_a):
    keep = EnterpriseFactory(name="重庆双击有限公司", parks=[park_a])
    merge = EnterpriseFactory(name="重庆双击有限责任公司", parks=[park_a], credit_code=None)
    client = client_for("bob")
    client.post(reverse("enterprises:dedup"), {"keep": keep.pk, "merge": merge.pk})
    again = client.post(reverse("enterprises:dedup"), {"keep": keep.pk, "merge": merge.pk}, follow=True)
    assert again.status_code in (200, 404)
    assert MergeRecord.objects.count() == 1


def _race(target, count: int) -> list:
    results: list = []
    barrier = threading.Barrier(count)

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except BaseException as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_enterprise_leave_one_and_clear_errors(park_a):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the sequential case is covered above")

    user = UserFactory(username="racer", role=Role.INVESTMENT_OFFICER, parks=[park_a])

    def create() -> int:
        client = Client()
        client.force_login(user)
        return _post(client, "/api/enterprises/enterprises/", ENTERPRISE).status_code

    statuses = _race(create, 8)
    assert sorted(statuses) == [201] + [400] * 7, statuses
    assert Enterprise.objects.count() == 1
