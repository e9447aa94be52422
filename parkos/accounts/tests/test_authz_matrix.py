"""Role × park × endpoint: the status each persona gets, and that nothing changed on denial."""

import json

import pytest
from django.urls import reverse

from parkos.core.models import AuditEntry
from parkos.parks.models import Park


def _park(name, park_a, park_b):
    return park_a if name == "A" else park_b


def _state(park):
    park.refresh_from_db()
    return (park.name, park.archived_at, AuditEntry.objects.count())


# persona → expected status per (park, endpoint).
READ_MATRIX = [
    # persona, park, ui detail, api detail
    ("alice", "A", 200, 200),
    ("alice", "B", 200, 200),
    ("bob", "A", 200, 200),
    ("bob", "B", 404, 404),
    ("carol", "A", 200, 200),
    ("carol", "B", 404, 404),
    ("dave", "A", 404, 404),
    ("dave", "B", 200, 200),
    ("erin", "A", 403, 403),
    ("anonymous", "A", 302, 403),
]


@pytest.mark.parametrize(("persona", "which", "ui_status", "api_status"), READ_MATRIX)
def test_read_matrix(client_for, park_a, park_b, persona, which, ui_status, api_status):
    park = _park(which, park_a, park_b)
    client = client_for(persona)
    ui = client.get(reverse("parks:park_detail", args=[park.pk]))
    assert ui.status_code == ui_status
    if ui_status != 200:
        assert park.name not in ui.content.decode()
    api = client.get(f"/api/parks/parks/{park.pk}/")
    assert api.status_code == api_status
    if api_status != 200:
        assert park.name not in api.content.decode()
        assert "detail" in api.json()


WRITE_MATRIX = [
    # persona, park, PATCH status, DELETE (archive) status
    ("alice", "B", 200, 204),
    ("bob", "A", 200, 204),
    ("bob", "B", 404, 404),
    ("carol", "A", 403, 403),
    ("dave", "A", 404, 404),
    ("dave", "B", 403, 403),
    ("erin", "A", 403, 403),
    ("anonymous", "A", 403, 403),
]


@pytest.mark.parametrize(("persona", "which", "patch_status", "delete_status"), WRITE_MATRIX)
def test_write_matrix(client_for, park_a, park_b, persona, which, patch_status, delete_status):
    park = _park(which, park_a, park_b)
    client = client_for(persona)
    before = _state(park)
    patched = client.patch(
        f"/api/parks/parks/{park.pk}/", data=json.dumps({"name": "改名园区"}), content_type="application/json"
    )
    assert patched.status_code == patch_status
    if patch_status != 200:
        assert _state(park) == before
    else:
        assert Park.objects.get(pk=park.pk).name == "改名园区"
        assert AuditEntry.objects.filter(object_id=str(park.pk), action="update").exists()
    before = _state(park)
    deleted = client.delete(f"/api/parks/parks/{park.pk}/")
    assert deleted.status_code == delete_status
    if delete_status != 204:
        assert _state(park) == before
    else:
        assert Park.objects.get(pk=park.pk).archived_at is not None


@pytest.mark.parametrize(("persona", "expected"), [("alice", 201), ("bob", 403), ("carol", 403), ("erin", 403)])
def test_only_operator_admin_creates_parks(client_for, persona, expected):
    client = client_for(persona)
    count = Park.objects.count()
    response = client.post(
        "/api/parks/parks/",
        data=json.dumps({"code": "NEW-01", "name": "新园区", "city": "武汉市"}),
        content_type="application/json",
    )
    assert response.status_code == expected
    assert Park.objects.count() == count + (1 if expected == 201 else 0)


def test_list_is_scoped(client_for, park_a, park_b):
    data = client_for("bob").get("/api/parks/parks/").json()
    assert [row["code"] for row in data["results"]] == [park_a.code]
    page = client_for("bob").get(reverse("parks:park_list")).content.decode()
    assert park_a.name in page
    assert park_b.name not in page
