"""The incubation API: scoping by park, writes through the services, the dashboards; and the commands."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from parkos.core.models import AuditEntry
from parkos.incubation import desk, hooks, services
from parkos.incubation.choices import NotificationKind, RequestStatus
from parkos.incubation.hooks import RiskSignal
from parkos.incubation.models import Notification, Scheme, ServiceRequest


@pytest.mark.parametrize(
    ("persona", "expected"), [("alice", 201), ("bob", 201), ("carol", 403), ("dave", 403), ("erin", 403)]
)
def test_raising_a_request_by_api(client_for, offering, tenant_x, persona, expected):
    before = AuditEntry.objects.count()
    response = client_for(persona).post(
        "/api/incubation/requests/",
        data=json.dumps({"enterprise": tenant_x.pk, "offering": offering.pk, "subject": "报修", "description": "空调"}),
        content_type="application/json",
    )
    assert response.status_code == expected
    if expected == 201:
        body = response.json()
        assert body["reference"].startswith("FW-")
        assert body["status"] == RequestStatus.ASSIGNED
        assert body["response_due_at"] is not None
    else:
        assert not ServiceRequest.objects.exists()
        assert AuditEntry.objects.count() == before


def test_requests_api_is_scoped_and_acts_through_the_desk(client_for, offering, tenant_x, sam):
    request = desk.request_raise(
        park=offering.park, enterprise=tenant_x, offering=offering, subject="咨询", description="x", actor=sam
    )
    assert client_for("dave").get(f"/api/incubation/requests/{request.pk}/").status_code == 404
    assert client_for("dave").get("/api/incubation/requests/").json()["count"] == 0
    assert client_for("bob").get("/api/incubation/requests/").json()["count"] == 1
    response = client_for("bob").post(
        f"/api/incubation/requests/{request.pk}/resolve/",
        data=json.dumps({"note": ""}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "note" in response.json()["errors"]
    response = client_for("bob").post(
        f"/api/incubation/requests/{request.pk}/resolve/",
        data=json.dumps({"note": "已答复"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == RequestStatus.RESOLVED


def test_dashboards_by_api(client_for, offering, tenant_x, sam, park_a, programme):
    desk.request_raise(
        park=offering.park, enterprise=tenant_x, offering=offering, subject="咨询", description="x", actor=sam
    )
    services.scheme_save(
        scheme=Scheme(park=park_a, name="在孵补贴", level="park"),
        rules=[services.RuleInput("stage", "in", "在孵")],
        actor=None,
    )
    services.record_admit(programme=programme, enterprise=tenant_x, admitted_on=datetime.date(2025, 5, 1), actor=None)
    sla = client_for("bob").get("/api/incubation/sla-dashboard/").json()
    assert sla["total"]["total"] == 1
    eligibility = client_for("bob").get(f"/api/incubation/eligibility/?park={park_a.pk}").json()
    assert eligibility[0]["qualified"] == [tenant_x.pk]
    assert client_for("dave").get(f"/api/incubation/eligibility/?park={park_a.pk}").status_code == 404
    assert client_for("bob").get(f"/api/incubation/risk/?park={park_a.pk}").status_code == 200
    assert client_for("erin").get("/api/incubation/sla-dashboard/").status_code == 403
    records = client_for("bob").get("/api/incubation/records/").json()
    assert records["results"][0]["period_months"] == 60


def test_applications_api_leaves_personal_data_out(client_for, programme):
    services.application_submit(
        programme=programme,
        data=services.ApplicationInput(
            company_name="重庆甲",
            contact_name="张伟",
            contact_mobile="13800138000",
            project_summary="x",
            company_registered=False,
        ),
        actor=None,
    )
    row = client_for("bob").get("/api/incubation/applications/").json()["results"][0]
    assert "contact_mobile" not in row
    assert "13800138000" not in json.dumps(row)


def test_sla_sweep_command(offering, tenant_x, sam):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 2, tzinfo=datetime.UTC), tick=False):
        desk.request_raise(
            park=offering.park, enterprise=tenant_x, offering=offering, subject="咨询", description="x", actor=sam
        )
    out = StringIO()
    with time_machine.travel(datetime.datetime(2026, 3, 9, 2, tzinfo=datetime.UTC), tick=False):
        call_command("incubation_sla_sweep", stdout=out)
    assert "response breaches: 1; resolution breaches: 1" in out.getvalue()


@pytest.fixture
def arrears():
    hooks.register_risk_signal("arrears", "欠租", lambda ids, as_of: dict.fromkeys(ids, RiskSignal(70, "欠租")))
    yield
    hooks._SIGNALS.pop("arrears")


def test_weekly_risk_digest_once_a_week(bob, sam, tenant_x, arrears):
    out = StringIO()
    call_command("incubation_weekly_risk", "--date", "2026-03-02", stdout=out)
    assert "sent: 2" in out.getvalue()
    digests = Notification.objects.filter(kind=NotificationKind.RISK_DIGEST)
    assert {n.user for n in digests} == {bob, sam}
    assert "高风险 1 家" in digests.first().text
    call_command("incubation_weekly_risk", "--date", "2026-03-04", stdout=StringIO())
    assert Notification.objects.filter(kind=NotificationKind.RISK_DIGEST).count() == 2
