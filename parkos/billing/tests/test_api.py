"""The billing API end to end: run, approve, issue, pay, credit, ageing, reconciliation."""

import datetime
import json

import pytest
import time_machine

from parkos.billing.models import Account, Bill
from parkos.billing.tests.factories import lease

pytestmark = pytest.mark.django_db
d = datetime.date


def post(client, url, payload=None):
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json")


@time_machine.travel(datetime.datetime(2026, 1, 20, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_a_month_through_the_api(client_for, park_a, profile):
    contract = lease(park_a)
    client = client_for("bob")

    run = post(client, "/api/billing/bill-runs/", {"park": park_a.pk, "period": "2026-01-20"}).json()
    assert (run["status"], run["bills_count"], run["total_amount"]) == ("preview", 1, "25000.00")
    assert post(client, f"/api/billing/bill-runs/{run['id']}/approve/").json()["status"] == "approved"
    assert post(client, f"/api/billing/bill-runs/{run['id']}/issue/").json()["status"] == "issued"

    bills = client.get("/api/billing/bills/", {"park": park_a.pk}).json()["results"]
    assert [b["total_amount"] for b in bills] == ["25000.00"]
    bill = bills[0]
    account = Account.objects.get(enterprise=contract.enterprise)

    payment = post(
        client,
        "/api/billing/payments/",
        {"account": account.pk, "amount": "10000.00", "received_on": "2026-01-10", "bills": [bill["id"]]},
    )
    assert payment.status_code == 201
    assert payment.json()["allocated_amount"] == "10000.00"

    # Issued today (2026-01-20, the run's default), due 2026-01-01: 19 days overdue.
    ageing = client.get("/api/billing/ageing/", {"group": "portfolio"}).json()
    assert ageing[-1]["total"] == "15000.00"
    assert ageing[-1]["d0_30"] == "15000.00"

    credit = post(
        client,
        f"/api/billing/bills/{bill['id']}/credit-note/",
        {"reason": "减免", "amounts": [{"line": bill["lines"][0]["id"], "amount": "5000.00"}]},
    )
    assert credit.status_code == 201
    assert credit.json()["total_amount"] == "-5000.00"

    reconciliation = client.get("/api/billing/reconciliation/", {"year": 2026, "month": 1}).json()
    assert reconciliation["billed"] == "25000.00"
    assert reconciliation["collected"] == "10000.00"
    assert reconciliation["credited"] == "5000.00"
    assert reconciliation["outstanding"] == "10000.00"


def test_api_errors_are_explained(client_for, park_a, profile):
    lease(park_a)
    client = client_for("bob")
    run = post(client, "/api/billing/bill-runs/", {"park": park_a.pk, "period": "2026-01-01"}).json()

    response = post(client, f"/api/billing/bill-runs/{run['id']}/issue/")

    assert response.status_code == 400
    assert "须先审核" in json.dumps(response.json(), ensure_ascii=False)
    assert client.get("/api/billing/ageing/", {"as_of": "yesterday"}).status_code == 400
    assert not Bill.objects.filter(status="issued").exists()
