"""Role × park × endpoint for billing: the status each persona gets, and that nothing changed on denial.

alice: operator admin; bob: park manager of A (bills and approves); carol: investment officer of A (no
billing); dave: leasing manager of B (bills in B, approves nowhere); erin: a tenant user; anonymous.
"""

import datetime
import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from parkos.billing.models import Account, Bill, BillRun, Payment
from parkos.billing.tests.factories import lease, run_month
from parkos.core.models import AuditEntry

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def bill_a(park_a, profile):
    lease(park_a)
    run_month(park_a, d(2026, 1, 1))
    return Bill.objects.get()


def _state():
    return (
        Payment.objects.count(),
        Bill.objects.count(),
        list(BillRun.objects.values_list("status", flat=True)),
        AuditEntry.objects.count(),
    )


READ = [
    # persona, page, API
    ("alice", 200, 200),
    ("bob", 200, 200),
    ("carol", 403, 403),
    ("dave", 404, 404),
    ("erin", 403, 403),
    ("anonymous", 302, 403),
]


@pytest.mark.parametrize(("persona", "page", "api"), READ)
def test_reading_a_bill(client_for, bill_a, persona, page, api):
    client = client_for(persona)
    response = client.get(reverse("billing:bill_detail", args=[bill_a.pk]))
    assert response.status_code == page
    if page != 200:
        assert bill_a.number not in response.content.decode()
    response = client.get(f"/api/billing/bills/{bill_a.pk}/")
    assert response.status_code == api
    if api != 200:
        assert bill_a.number not in response.content.decode()
        assert "detail" in response.json()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("bob", 200), ("carol", 403), ("dave", 200), ("erin", 403), ("anonymous", 302)],
)
def test_billing_lists_are_scoped(client_for, bill_a, persona, status):
    response = client_for(persona).get(reverse("billing:bill_list"))
    assert response.status_code == status
    if status == 200:
        assert (bill_a.number in response.content.decode()) == (persona in ("alice", "bob"))


WRITE = [
    # persona, approve a park-A run (page), record a payment on a park-A account (API)
    ("alice", 302, 201),
    ("bob", 302, 201),
    ("carol", 403, 403),
    ("dave", 404, 404),
    ("erin", 403, 403),
    ("anonymous", 302, 403),
]


@pytest.mark.parametrize(("persona", "approve", "pay"), WRITE)
def test_writes_need_the_capability_in_the_park(client_for, park_a, profile, persona, approve, pay):
    lease(park_a)
    run_month(park_a, d(2026, 1, 1), issue=False)
    run = BillRun.objects.get()
    account = Account.objects.get()
    client = client_for(persona)
    before = _state()

    response = client.post(reverse("billing:run_action", args=[run.pk, "approve"]))
    assert response.status_code == approve
    run.refresh_from_db()
    assert run.status == ("approved" if persona in ("alice", "bob") else "preview")
    if persona not in ("alice", "bob"):
        assert _state() == before

    before = _state()
    response = client.post(
        "/api/billing/payments/",
        data=json.dumps({"account": account.pk, "amount": "1000.00", "received_on": "2026-01-05"}),
        content_type="application/json",
    )
    assert response.status_code == pay
    if pay != 201:
        assert _state() == before
    else:
        assert Payment.objects.get().unallocated == D(1000)  # the run is not issued yet: credit


def test_a_biller_without_approval_cannot_issue(client_for, park_b, profile, dave):
    lease(park_b)
    run_month(park_b, d(2026, 1, 1), issue=False)
    run = BillRun.objects.get()
    client = client_for("dave")

    assert client.post(reverse("billing:run_action", args=[run.pk, "approve"])).status_code == 403
    assert client.post(f"/api/billing/bill-runs/{run.pk}/approve/").status_code == 403
    run.refresh_from_db()
    assert run.status == "preview"
    assert client.post(reverse("billing:run_action", args=[run.pk, "discard"])).status_code == 302
    run.refresh_from_db()
    assert run.status == "discarded"


def test_write_offs_are_decided_by_approvers_only(client_for, bill_a, bob, alice):
    from parkos.billing import services  # noqa: PLC0415

    request = services.write_off_request(
        account=Account.objects.get(), amounts={bill_a.lines.get().pk: D(100)}, reason="x", actor=bob
    )
    url = reverse("billing:write_off_decide", args=[request.pk])
    assert client_for("carol").post(url, {"decision": "approve"}).status_code == 403
    client_for("bob").post(url, {"decision": "approve"})  # the requester: refused with a message
    request.refresh_from_db()
    assert request.status == "requested"
    client_for("alice").post(url, {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved"
