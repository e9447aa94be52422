"""The monitoring API: gateway batch ingestion (JSON lines, CSV, idempotent, token per gateway) and
the staff endpoints, with the authorization matrix (status, and nothing changed on denial)."""

import datetime
import json

import pytest

from parkos.monitoring import alarms, services
from parkos.monitoring.choices import AlarmStatus, MeterKind, RuleKind
from parkos.monitoring.models import AlarmRule, Meter, Reading, RejectedReading
from parkos.monitoring.tests.factories import MeterFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def gateway_token(park_a):
    _gateway, token = services.gateway_create(actor=None, fields={"park": park_a, "code": "GW1", "name": "一号网关"})
    return token


def post(client, token, body, content_type="application/x-ndjson"):
    return client.post(
        "/api/monitoring/ingest/", data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Gateway {token}"
    )


def lines(code, count, start=NOW - datetime.timedelta(hours=10)):
    return "\n".join(
        json.dumps({"meter": code, "ts": (start + datetime.timedelta(minutes=15 * i)).isoformat(), "value": 10 + i})
        for i in range(count)
    )


def test_json_lines_batch_is_idempotent(client, park_a, gateway_token):
    MeterFactory(park=park_a, code="E-1")
    body = lines("E-1", 20) + "\nnot json\n" + json.dumps({"meter": "E-9", "ts": NOW.isoformat(), "value": 1})
    first = post(client, gateway_token, body)
    assert first.status_code == 200
    assert (first.json()["accepted"], first.json()["rejected"]) == (20, 2)
    reasons = sorted(r["reason"] for r in first.json()["rejects"])
    assert reasons == ["malformed", "unknown_meter"]
    again = post(client, gateway_token, body)
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 20)
    assert Reading.objects.count() == 20
    assert again.json()["rejected"] == 2  # each refusal reported both times, kept once
    assert RejectedReading.objects.count() == 2


def test_rejects_carry_a_stable_code_and_a_message_in_the_requests_language(client, park_a, gateway_token):
    MeterFactory(park=park_a, code="E-1")
    start = NOW - datetime.timedelta(hours=10)
    post(client, gateway_token, lines("E-1", 2, start))
    body = "not json\n" + json.dumps(
        {"meter": "E-1", "ts": (start + datetime.timedelta(hours=1)).isoformat(), "value": 3}
    )
    english = client.post(
        "/api/monitoring/ingest/",
        data=body,
        content_type="application/x-ndjson",
        HTTP_AUTHORIZATION=f"Gateway {gateway_token}",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()["rejects"]
    assert [(r["reason"], r["code"], r["message"]) for r in english] == [
        ("malformed", "bad_json", "Not valid JSON"),
        ("backwards", "backwards", english[1]["message"]),
    ]
    assert english[1]["message"].startswith("Reading 3.0 is below the reading of 11.0 at ")
    assert english[1]["params"]["previous"] == "11.0"
    chinese = post(client, gateway_token, body).json()["rejects"]  # the same refusals again, in Chinese
    assert [r["code"] for r in chinese] == ["bad_json", "backwards"]
    assert chinese[1]["message"].startswith("读数 3.0 小于 ")
    assert chinese[1]["message"].endswith("的读数 11.0，且不像表计清零或翻转")


def test_the_rejects_endpoint_words_details_in_the_requests_language(client_for, park_a, gateway_token, client):
    MeterFactory(park=park_a, code="E-1")
    post(client, gateway_token, json.dumps({"meter": "E-404", "ts": NOW.isoformat(), "value": 1}))
    staff = client_for("bob")
    [row] = staff.get("/api/monitoring/rejects/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert (row["reason"], row["detail_code"], row["detail_params"]) == (
        "unknown_meter",
        "unknown_meter",
        {"meter": "E-404"},
    )
    assert row["detail"] == "No meter E-404 in this park"
    [row] = staff.get("/api/monitoring/rejects/").json()["results"]
    assert row["detail"] == "园区内没有表计 E-404"


def test_csv_batch(client, park_a, gateway_token):
    MeterFactory(park=park_a, code="T-1", kind=MeterKind.TEMPERATURE)
    body = f"meter,ts,value\nT-1,{NOW.isoformat()},21.5\nT-1,2026-01-01 08:00,21\n"
    response = post(client, gateway_token, body, "text/csv")
    assert response.json()["accepted"] == 1
    assert response.json()["rejects"][0]["reason"] == "bad_time"  # no UTC offset


def test_missing_or_wrong_token_is_refused_and_stores_nothing(client, park_a):
    MeterFactory(park=park_a, code="E-1")
    assert post(client, "pkg_wrong", lines("E-1", 3)).status_code == 401
    assert client.post(
        "/api/monitoring/ingest/", data=lines("E-1", 3), content_type="application/x-ndjson"
    ).status_code in (401, 403)
    assert not Reading.objects.exists()


def test_gateway_cannot_write_another_parks_meters(client, park_a, park_b, gateway_token):
    MeterFactory(park=park_b, code="E-B")
    response = post(client, gateway_token, lines("E-B", 2))
    assert {r["reason"] for r in response.json()["rejects"]} == {"unknown_meter"}
    assert not Reading.objects.exists()


def test_consumption_endpoint(client_for, park_a):
    response = client_for("bob").get(f"/api/monitoring/consumption/?park={park_a.pk}&start=2026-01-01&end=2026-01-31")
    assert response.status_code == 200
    assert response.json() == []
    assert (
        client_for("dave")
        .get(f"/api/monitoring/consumption/?park={park_a.pk}&start=2026-01-01&end=2026-01-31")
        .status_code
        == 404
    )


# persona → (GET meter, PATCH meter, POST acknowledge)
MATRIX = [
    ("alice", 200, 200, 200),
    ("bob", 200, 403, 403),
    ("frank", 200, 200, 200),
    ("carol", 200, 403, 403),
    ("dave", 404, 404, 404),
    ("erin", 403, 403, 403),
    ("anonymous", 403, 403, 403),
]


@pytest.mark.parametrize(("persona", "read", "write", "act"), MATRIX)
def test_authorization_matrix(client_for, park_a, persona, read, write, act):
    meter = MeterFactory(park=park_a, code="E-M", name="原名")
    rule = AlarmRule.objects.create(park=park_a, name="r", kind=RuleKind.THRESHOLD, meter=meter, upper=1)
    alarm = alarms.raise_alarm(rule=rule, meter=meter, at=NOW, value=2, message="m")
    client = client_for(persona)
    assert client.get(f"/api/monitoring/meters/{meter.pk}/").status_code == read
    patched = client.patch(f"/api/monitoring/meters/{meter.pk}/", {"name": "新名"}, content_type="application/json")
    assert patched.status_code == write
    acted = client.post(
        f"/api/monitoring/alarms/{alarm.pk}/acknowledge/", {"text": "ok"}, content_type="application/json"
    )
    assert acted.status_code == act
    meter.refresh_from_db()
    alarm.refresh_from_db()
    assert meter.name == ("新名" if write == 200 else "原名")
    assert alarm.status == (AlarmStatus.ACKNOWLEDGED if act == 200 else AlarmStatus.OPEN)


def test_a_notified_park_manager_may_acknowledge(client_for, park_a, bob):
    meter = MeterFactory(park=park_a)
    rule = AlarmRule.objects.create(park=park_a, name="r", kind=RuleKind.THRESHOLD, meter=meter, upper=1)
    alarm = alarms.raise_alarm(rule=rule, meter=meter, at=NOW, value=2, message="m")
    alarm.notifications.create(user=bob, step=2, channel="in_app", text="m")
    response = client_for("bob").post(
        f"/api/monitoring/alarms/{alarm.pk}/acknowledge/", {}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"


def test_create_meter_through_the_api(client_for, frank, park_a):
    response = client_for("frank").post(
        "/api/monitoring/meters/",
        {
            "park": park_a.pk,
            "code": "G-1",
            "name": "燃气表",
            "kind": "gas",
            "measure": "counter",
            "serial_number": "SN9",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert Meter.objects.get(code="G-1").devices.get().serial_number == "SN9"
