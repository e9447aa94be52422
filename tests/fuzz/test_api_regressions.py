"""The server errors the outside fuzzer found, one test each (Ref: #13, hole 6)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from parkos.enterprises.models import Enterprise
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from parkos.investment import services
from parkos.parks.tests.factories import LandParcelFactory

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("value", [None, True, "三个字", {"a": 1}])
@pytest.mark.parametrize("field", ["former_names", "secondary_industry_codes", "qualifications"])
def test_a_list_field_gets_a_list_or_a_400(client_for, field, value):
    response = _post(
        client_for("carol"), "/api/enterprises/enterprises/", {"name": "重庆列表字段有限公司", field: value}
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Enterprise.objects.exists()


def test_put_on_a_parcel_answers_without_a_server_error(client_for, park_a):
    parcel = LandParcelFactory(park=park_a, code="P-01")
    response = client_for("bob").put(
        f"/api/parks/parcels/{parcel.pk}/",
        json.dumps({"park": park_a.pk, "code": "P-01", "area_sqm": "12000.00"}),
        content_type="application/json",
    )
    assert response.status_code in (200, 400), response.content


@pytest.mark.parametrize("year", ["0", "-1", "99999", "二〇二五", "2025.5"])
def test_kpis_and_rent_roll_refuse_impossible_years(client_for, year):
    for url in ("/api/statistics/kpis/", "/api/leasing/rent-roll/"):
        response = client_for("alice").get(url, {"year": year})
        assert response.status_code == 400, (url, response.content)
        assert "year" in response.json()["errors"]


@pytest.mark.parametrize("pk", ["abc", "null,null", "1.5"])
def test_non_numeric_ids_are_no_route(client_for, pk):
    assert client_for("carol").post(f"/api/investment/notifications/{pk}/read/").status_code == 404
    assert client_for("carol").get(f"/api/parks/units/{pk}/").status_code == 404


def test_unknown_kind_in_the_archive_url_is_a_404(client_for, park_a):
    parcel = LandParcelFactory(park=park_a)
    assert client_for("bob").post(reverse("parks:archive", args=["nonsense", parcel.pk])).status_code == 404
    assert client_for("bob").post(reverse("parks:reserve", args=["nonsense", parcel.pk])).status_code == 404


def test_activities_without_a_kind_are_a_400(client_for, park_a):
    lead = services.lead_create(actor=None, company_name="活动公司", park=park_a)
    response = _post(client_for("carol"), f"/api/investment/leads/{lead.pk}/activities/", {"summary": "项目"})
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_documented_arrays_are_arrays(client_for, park_a):
    schema = client_for("alice").get("/api/schema/", {"format": "json"}).json()
    enterprise = EnterpriseFactory(parks=[park_a])
    ContactFactory(enterprise=enterprise)
    for path in ("/api/enterprises/enterprises/{id}/contacts/", "/api/investment/leads/{id}/activities/",
                 "/api/leasing/contracts/{id}/schedule/"):  # fmt: skip
        documented = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert documented["type"] == "array", path
    body = client_for("alice").get(f"/api/enterprises/enterprises/{enterprise.pk}/contacts/").json()
    assert isinstance(body, list)


def test_an_enterprise_not_yet_sized_matches_the_schema(client_for):
    EnterpriseFactory()
    schema = client_for("alice").get("/api/schema/", {"format": "json"}).json()
    row = client_for("alice").get("/api/enterprises/enterprises/").json()["results"][0]
    assert row["size_class"] == ""
    size = schema["components"]["schemas"]["Enterprise"]["properties"]["size_class"]
    enums = [ref["$ref"].rsplit("/", 1)[-1] for ref in size.get("oneOf", []) if "$ref" in ref]
    values = {v for name in enums for v in schema["components"]["schemas"][name].get("enum", [])}
    assert "" in values


def test_every_error_answer_is_documented(client_for):
    schema = client_for("alice").get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"403", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if operation.get("requestBody") or operation.get("parameters"):
                assert "400" in codes, (method, path)


# --- Found after main (innovation, incubation, monitoring, community) was merged: the former KNOWN_FINDINGS.

HUGE = str(2**70)


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/innovation/milestones/", {"year": "99999999"}),
        ("/api/innovation/projects/", {"completed_year": "-5"}),
        ("/api/monitoring/alarms/", {"meter": HUGE}),
        ("/api/monitoring/meters/", {"park": HUGE}),
        ("/api/monitoring/meters/", {"enterprise": HUGE}),
        ("/api/community/talents/", {"park": HUGE}),
        ("/api/monitoring/consumption/", {"park": HUGE, "start": "2026-01-01", "end": "2026-01-31"}),
        ("/api/monitoring/consumption/", {"park": "999999", "start": "2026-01-01", "end": "2026-01-31"}),
        ("/api/incubation/eligibility/", {"park": "abc"}),
        ("/api/incubation/risk/", {"park": HUGE}),
        ("/api/incubation/sla-dashboard/", {"park": "1.5"}),
    ],
)
def test_numbers_beyond_range_in_filters_are_a_400(client_for, url, query):
    response = client_for("alice").get(url, query)
    assert response.status_code == 400, (url, query, response.content)
    assert response.json()["errors"], response.content


@pytest.mark.parametrize(
    "path",
    ["/api/innovation/projects/{}/progress/", "/api/monitoring/meters/{}/", "/api/community/talents/{}/"],
)
def test_ids_beyond_64_bits_are_no_route(client_for, path):
    assert client_for("alice").get(path.format(HUGE)).status_code == 404


def test_the_ingest_endpoint_documents_its_refusals(client_for):
    schema = client_for("alice").get("/api/schema/", {"format": "json"}).json()
    assert {"200", "401", "413"} <= set(schema["paths"]["/api/monitoring/ingest/"]["post"]["responses"])
    assert client_for("alice").post("/api/monitoring/ingest/", "", content_type="text/csv").status_code == 401


@pytest.mark.parametrize("occurred_at", ["0594-01-01T00:00:00+08:00", "1999-12-31T23:00:00Z", "2999-01-01T00:00:00Z"])
def test_activity_times_out_of_the_records_range_are_refused(client_for, park_a, occurred_at):
    lead = services.lead_create(actor=None, company_name="时间公司", park=park_a)
    before = lead.activities.count()
    response = _post(
        client_for("carol"),
        f"/api/investment/leads/{lead.pk}/activities/",
        {"kind": "call", "summary": "电话", "occurred_at": occurred_at},
    )
    assert response.status_code == 400, response.content
    assert "occurred_at" in response.json()["errors"]
    assert lead.activities.count() == before


@pytest.mark.parametrize("query", [{"year": "-14176"}, {"year": "99999"}, {"park": HUGE}, {"month": "13"}])
def test_billing_reconciliation_refuses_impossible_periods_and_parks(client_for, query):
    response = client_for("alice").get("/api/billing/reconciliation/", query)
    assert response.status_code == 400, response.content
