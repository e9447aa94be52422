"""Authorization cases of the investment app: every page and API operation (structure: tests/authz/framework.py)."""

from __future__ import annotations

from django.urls import reverse

from parkos.investment import services
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    API_STAFF_IN_PARK_A,
    PUBLIC,
    STAFF_ANY_PARK,
    STAFF_IN_PARK_A,
    Target,
    World,
    every,
    expect,
    operation,
    page,
)

# MANAGE_LEADS: alice, bob and carol (park A); dave's role has it not, and A is not his park.
MANAGE_A = STAFF_IN_PARK_A
API_MANAGE_A = API_STAFF_IN_PARK_A


def lead(w: World):
    return w.get(
        "lead_a",
        lambda w: services.lead_create(
            actor=None,
            company_name="矩阵线索公司",
            park=w.park_a,
            contact_name="线索联系人",
            contact_mobile="13900001234",
        ),
    )


def notification(w: World):
    return w.get("notification_carol", lambda w: services.notify(user=w.users["carol"], text="矩阵通知", lead=lead(w)))


def _page(name, *args, data=None, watch=None, secret=""):
    def build(w: World) -> Target:
        return Target(
            reverse(name, args=[a(w) if callable(a) else a for a in args]),
            data=data,
            watch=tuple(o(w) for o in (watch or ())),
            secret=secret,
        )

    return build


def _pk(w: World) -> int:
    return lead(w).pk


def _api(path, data=None, obj=lead):
    return lambda w: Target(
        path.format(id=obj(w).pk) if "{id}" in path else path, data=data, json=True, watch=(obj(w),)
    )


CASES = [
    page("investment:lead_board", "GET", target=_page("investment:lead_board"), expect=STAFF_ANY_PARK),
    page("investment:lead_list", "GET", target=_page("investment:lead_list"), expect=STAFF_ANY_PARK),
    page(
        "investment:lead_create", "GET", target=_page("investment:lead_create"), expect=expect(STAFF_ANY_PARK, dave=403)
    ),
    page(
        "investment:lead_create",
        "POST",
        target=_page("investment:lead_create"),
        expect=expect(STAFF_ANY_PARK, dave=403),
    ),
    page(
        "investment:lead_detail",
        "GET",
        target=lambda w: Target(reverse("investment:lead_detail", args=[_pk(w)]), secret=lead(w).company_name),
        expect=STAFF_IN_PARK_A,
    ),
    page("investment:lead_update", "GET", target=_page("investment:lead_update", _pk), expect=MANAGE_A),
    page("investment:lead_update", "POST", target=_page("investment:lead_update", _pk, watch=[lead]), expect=MANAGE_A),
    page(
        "investment:lead_move",
        "POST",
        target=_page("investment:lead_move", _pk, data={"stage": "contacted"}, watch=[lead]),
        expect=expect(MANAGE_A, alice=302, bob=302, carol=302),
    ),
    page(
        "investment:activity_create",
        "POST",
        target=_page("investment:activity_create", _pk, data={"kind": "call", "summary": "电话"}, watch=[lead]),
        expect=expect(MANAGE_A, alice=302, bob=302, carol=302),
    ),
    page("investment:pipeline", "GET", target=_page("investment:pipeline"), expect=STAFF_ANY_PARK),
    page("investment:notification_list", "GET", target=_page("investment:notification_list"), expect=STAFF_ANY_PARK),
    page(
        "investment:notification_list",
        "POST",
        target=lambda w: Target(
            reverse("investment:notification_list"), data={"id": notification(w).pk}, watch=(notification(w),)
        ),
        expect=expect(STAFF_ANY_PARK, alice=404, bob=404, carol=302, dave=404),
        note="someone else's notification",
    ),
    page(
        "investment:enterprise_timeline",
        "GET",
        target=_page("investment:enterprise_timeline", lambda w: w.enterprise_a().pk),
        expect=STAFF_ANY_PARK,
    ),
    page("investment:requirement_form", "GET", target=_page("investment:requirement_form"), expect=PUBLIC),
    page("investment:requirement_form", "POST", target=_page("investment:requirement_form"), expect=every(400)),
    # --- API ---------------------------------------------------------------------------------------------
    operation("GET", "/api/investment/leads/", target=_api("/api/investment/leads/"), expect=API_STAFF_ANY_PARK),
    operation(
        "POST",
        "/api/investment/leads/",
        target=lambda w: Target(
            "/api/investment/leads/", {"company_name": "矩阵新线索", "park": w.park_a.pk}, json=True
        ),
        expect=expect(API_MANAGE_A, alice=201, bob=201, carol=201, dave=403),
    ),
    operation(
        "GET", "/api/investment/leads/{id}/", target=_api("/api/investment/leads/{id}/"), expect=API_STAFF_IN_PARK_A
    ),
    operation(
        "PUT",
        "/api/investment/leads/{id}/",
        target=_api("/api/investment/leads/{id}/", {"company_name": "改名公司"}),
        expect=API_MANAGE_A,
    ),
    operation(
        "PATCH", "/api/investment/leads/{id}/", target=_api("/api/investment/leads/{id}/", {}), expect=API_MANAGE_A
    ),
    operation(
        "GET",
        "/api/investment/leads/{id}/matches/",
        target=_api("/api/investment/leads/{id}/matches/"),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "POST",
        "/api/investment/leads/{id}/move/",
        target=_api("/api/investment/leads/{id}/move/", {"stage": "contacted"}),
        expect=API_MANAGE_A,
    ),
    operation(
        "GET",
        "/api/investment/leads/{id}/activities/",
        target=_api("/api/investment/leads/{id}/activities/"),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "POST",
        "/api/investment/leads/{id}/activities/",
        target=_api("/api/investment/leads/{id}/activities/", {"kind": "call", "summary": "电话沟通"}),
        expect=expect(API_MANAGE_A, alice=201, bob=201, carol=201),
    ),
    operation(
        "GET",
        "/api/investment/notifications/",
        target=_api("/api/investment/notifications/"),
        expect=expect(every(200), anonymous=403),
    ),
    operation(
        "POST",
        "/api/investment/notifications/{id}/read/",
        target=_api("/api/investment/notifications/{id}/read/", obj=notification),
        expect=expect(every(404), carol=200, anonymous=403),
    ),
    # Assigning a lead of park A: managers of A (bob) and the operator admin; the others are refused.
    page(
        "investment:lead_assign",
        "POST",
        target=_page("investment:lead_assign", _pk, data={"officer": "", "park": ""}, watch=[lead]),
        expect=expect(MANAGE_A, alice=302, bob=302, carol=302),
    ),
    # 预约看房 on a unit's public page: anyone.
    page(
        "investment:viewing_request",
        "GET",
        target=lambda w: Target(reverse("investment:viewing_request", args=[w.park_a.code, w.unit_a().code])),
        expect=PUBLIC,
    ),
]
