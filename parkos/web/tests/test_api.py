import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from parkos.accounts.tests.factories import PASSWORD

SNAPSHOT = Path(__file__).parent / "openapi_snapshot.yaml"


def test_api_errors_are_json_in_chinese(client_for, park_b):
    response = client_for("bob").get(f"/api/parks/parks/{park_b.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该记录，或您无权访问。"}


def test_api_errors_in_english_when_asked(client_for, park_b):
    response = client_for("bob").get(f"/api/parks/parks/{park_b.pk}/", headers={"accept-language": "en"})
    assert response.json()["detail"] == "Not found, or you do not have access to it."


def test_validation_errors_carry_a_message_and_field_errors(client_for):
    response = client_for("alice").post(
        "/api/parks/parks/", data=json.dumps({"name": "", "city": "武汉市"}), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "提交的数据有误，请检查后重试。"
    assert "code" in body["errors"]
    assert "name" in body["errors"]


def test_anonymous_api_gets_chinese_login_message(client_for):
    response = client_for("anonymous").get("/api/parks/parks/")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_token_auth_works_and_is_scoped(db, bob, park_a, park_b):

    client = Client()
    token = client.post("/api/accounts/token/", {"username": "bob", "password": PASSWORD}).json()["token"]
    rows = client.get("/api/parks/parks/", headers={"authorization": f"Token {token}"}).json()["results"]
    assert [r["code"] for r in rows] == [park_a.code]
    bad = client.post("/api/accounts/token/", {"username": "bob", "password": "nope"})
    assert bad.status_code == 400


def test_me_reports_role_and_parks(client_for, park_a):
    me = client_for("bob").get("/api/accounts/me/").json()
    assert me["role"] == "park_manager"
    assert me["park_ids"] == [park_a.pk]
    assert "change_park" in me["capabilities"]


@pytest.mark.parametrize(("persona", "status"), [("alice", 200), ("bob", 200), ("erin", 403), ("anonymous", 403)])
def test_schema_and_docs_for_staff_only(client_for, persona, status):
    assert client_for(persona).get("/api/schema/").status_code == status
    assert client_for(persona).get("/api/docs/").status_code == status


# DRF derives integer bounds from the database backend (SQLite: 64-bit for every integer field,
# PostgreSQL: the column's own range), so the snapshot leaves backend-derived bounds out.
BACKEND_INTEGER_BOUNDS = {32767, 2147483647, 9223372036854775807}


def _without_backend_bounds(node):
    if isinstance(node, dict):
        node = {k: _without_backend_bounds(v) for k, v in node.items()}
        # Bounds sit beside "type: integer" and also beside an "allOf" enum reference (a choices field).
        if node.get("maximum") in BACKEND_INTEGER_BOUNDS:
            node.pop("maximum")
        if -node.get("minimum", 0) - 1 in BACKEND_INTEGER_BOUNDS:
            node.pop("minimum")
        if node.get("type") == "integer" and node.get("format") in ("int32", "int64"):
            node.pop("format")
        return node
    if isinstance(node, list):
        return [_without_backend_bounds(v) for v in node]
    return node


def test_openapi_schema_matches_snapshot(tmp_path):
    """Update with: .venv/bin/python manage.py spectacular --file parkos/web/tests/openapi_snapshot.yaml"""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    current = _without_backend_bounds(yaml.safe_load(out.read_text(encoding="utf-8")))
    expected = _without_backend_bounds(yaml.safe_load(SNAPSHOT.read_text(encoding="utf-8")))
    assert current == expected, "API schema changed: review it and update the snapshot (see docstring)"
