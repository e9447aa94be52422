"""Authorization cases of the leasing app: every page and API operation (structure: tests/authz/framework.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from parkos.leasing import services
from parkos.leasing.models import Presence, RenewalTask
from parkos.leasing.tests.factories import lease_terms
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    API_STAFF_IN_PARK_A,
    STAFF_ANY_PARK,
    STAFF_IN_PARK_A,
    Target,
    World,
    expect,
    operation,
    page,
)

# MANAGE_CONTRACTS: not carol's role; dave has it, in park B only.
MANAGE_A = expect(STAFF_IN_PARK_A, carol=403)
API_MANAGE_A = expect(API_STAFF_IN_PARK_A, carol=403)


def draft(w: World):
    return w.get(
        "draft_a",
        lambda w: services.contract_create_draft(
            actor=None, park=w.park_a, enterprise=w.enterprise_a(), units=[w.unit_a()], **lease_terms()
        ),
    )


def renewal_task(w: World):
    return w.get(
        "renewal_task_a",
        lambda w: RenewalTask.objects.create(contract=draft(w), park=w.park_a, due_on=datetime.date(2030, 10, 1)),
    )


def _page(name, *args, data=None, watch=None):
    def build(w: World) -> Target:
        return Target(
            reverse(name, args=[a(w) if callable(a) else a for a in args]),
            data=data,
            watch=(draft(w),) if watch else (),
        )

    return build


def stay(w: World):
    return w.get(
        "presence_a",
        lambda w: Presence.objects.create(
            enterprise=w.enterprise_a(), park=w.park_a, moved_in_on=datetime.date(2020, 1, 1)
        ),
    )


def _enterprise(w: World) -> int:
    return w.enterprise_a().pk


def _stay_pk(w: World) -> int:
    return stay(w).pk


#: Statistics officers and leasing staff enter stays: not carol (招商); dave only in park B.
RECORD_A = expect(STAFF_IN_PARK_A, carol=403)


def _pk(w: World) -> int:
    return draft(w).pk


def _api(path, data=None, obj=draft):
    return lambda w: Target(
        path.format(id=obj(w).pk) if "{id}" in path else path, data=data, json=True, watch=(draft(w),)
    )


def _create_payload(w: World) -> dict:
    terms = {k: str(v) for k, v in lease_terms().items()}
    return {"park": w.park_a.pk, "enterprise": w.enterprise_a().pk, "units": [w.unit_a().pk], **terms}


CASES = [
    page("leasing:contract_list", "GET", target=_page("leasing:contract_list"), expect=STAFF_ANY_PARK),
    page(
        "leasing:contract_create",
        "GET",
        target=_page("leasing:contract_create"),
        expect=expect(STAFF_ANY_PARK, carol=403),
    ),
    page(
        "leasing:contract_create",
        "POST",
        target=_page("leasing:contract_create"),
        expect=expect(STAFF_ANY_PARK, carol=403),
    ),
    page("leasing:contract_detail", "GET", target=_page("leasing:contract_detail", _pk), expect=STAFF_IN_PARK_A),
    page("leasing:contract_update", "GET", target=_page("leasing:contract_update", _pk), expect=MANAGE_A),
    page("leasing:contract_update", "POST", target=_page("leasing:contract_update", _pk, watch=True), expect=MANAGE_A),
    page(
        "leasing:contract_schedule_export",
        "GET",
        target=_page("leasing:contract_schedule_export", _pk),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "leasing:contract_action",
        "POST",
        target=_page("leasing:contract_action", _pk, "approve", watch=True),
        expect=expect(MANAGE_A, alice=302, bob=302),
    ),
    page(
        "leasing:contract_action",
        "POST",
        target=_page("leasing:contract_action", _pk, "nonsense", watch=True),
        expect=expect(MANAGE_A, alice=404, bob=404),
        note="unknown step",
    ),
    page("leasing:presence", "GET", target=_page("leasing:presence", _enterprise), expect=STAFF_ANY_PARK),
    page(
        "leasing:presence",
        "POST",
        target=lambda w: Target(
            reverse("leasing:presence", args=[w.enterprise_a().pk]),
            data={"park": w.park_a.pk, "moved_in_on": "2019-01-01", "moved_out_on": "2019-12-31"},
            watch=(w.enterprise_a(),),
        ),
        expect=expect(STAFF_ANY_PARK, alice=302, bob=302, carol=403, dave=400),
        note="dave may enter stays in park B only: park A is not a choice",
    ),
    page("leasing:presence_correct", "GET", target=_page("leasing:presence_correct", _stay_pk), expect=RECORD_A),
    page(
        "leasing:presence_correct",
        "POST",
        target=lambda w: Target(
            reverse("leasing:presence_correct", args=[stay(w).pk]),
            data={"park": w.park_a.pk, "moved_in_on": "2020-01-01", "moved_out_on": "2025-06-30"},
            watch=(stay(w),),
        ),
        expect=expect(RECORD_A, alice=302, bob=302),
    ),
    page("leasing:rent_roll", "GET", target=_page("leasing:rent_roll"), expect=STAFF_ANY_PARK),
    page("leasing:occupancy", "GET", target=_page("leasing:occupancy"), expect=STAFF_ANY_PARK),
    # --- API ---------------------------------------------------------------------------------------------
    operation("GET", "/api/leasing/contracts/", target=_api("/api/leasing/contracts/"), expect=API_STAFF_ANY_PARK),
    operation(
        "POST",
        "/api/leasing/contracts/",
        target=lambda w: Target("/api/leasing/contracts/", _create_payload(w), json=True, watch=(w.unit_a(),)),
        expect=expect(API_MANAGE_A, alice=201, bob=201),
    ),
    operation(
        "GET", "/api/leasing/contracts/{id}/", target=_api("/api/leasing/contracts/{id}/"), expect=API_STAFF_IN_PARK_A
    ),
    operation(
        "POST",
        "/api/leasing/contracts/{id}/approve/",
        target=_api("/api/leasing/contracts/{id}/approve/"),
        expect=API_MANAGE_A,
    ),
    operation(
        "POST",
        "/api/leasing/contracts/{id}/sign/",
        target=_api("/api/leasing/contracts/{id}/sign/", {"signed_on": "2026-01-01"}),
        expect=expect(API_MANAGE_A, alice=400, bob=400),
        note="a draft is not signed before approval",
    ),
    operation(
        "POST",
        "/api/leasing/contracts/{id}/terminate/",
        target=_api("/api/leasing/contracts/{id}/terminate/", {}),
        expect=expect(API_MANAGE_A, alice=400, bob=400),
    ),
    operation(
        "POST",
        "/api/leasing/contracts/{id}/renew/",
        target=_api("/api/leasing/contracts/{id}/renew/", {}),
        expect=expect(API_MANAGE_A, alice=400, bob=400),
    ),
    operation(
        "GET",
        "/api/leasing/contracts/{id}/schedule/",
        target=_api("/api/leasing/contracts/{id}/schedule/"),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation("GET", "/api/leasing/occupancy/", target=_api("/api/leasing/occupancy/"), expect=API_STAFF_ANY_PARK),
    operation(
        "GET",
        "/api/leasing/occupancy/",
        target=lambda w: Target("/api/leasing/occupancy/", {"park": w.park_a.pk}),
        expect=API_STAFF_IN_PARK_A,
        note="one park",
    ),
    operation("GET", "/api/leasing/rent-roll/", target=_api("/api/leasing/rent-roll/"), expect=API_STAFF_ANY_PARK),
    operation(
        "GET", "/api/leasing/renewal-tasks/", target=_api("/api/leasing/renewal-tasks/"), expect=API_STAFF_ANY_PARK
    ),
    operation(
        "GET",
        "/api/leasing/renewal-tasks/{id}/",
        target=_api("/api/leasing/renewal-tasks/{id}/", obj=renewal_task),
        expect=API_STAFF_IN_PARK_A,
    ),
]
