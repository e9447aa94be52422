"""Authorization cases of the monitoring app: every page and API operation (structure: tests/authz/framework.py).

Objects live in park A: a meter, a threshold rule on it and an open alarm, a rejected reading, bob's
import job. Reading needs a staff role in the park (VIEW_FACILITIES); changing meters, rules and
alarms needs MANAGE_FACILITIES there (alice and bob among the personas); the ingest endpoint takes
a gateway's token only, never a person's session.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from parkos.core.models import ImportJob
from parkos.monitoring import alarms
from parkos.monitoring.choices import ReadingSource, RejectReason, RuleKind
from parkos.monitoring.importing import IMPORTER
from parkos.monitoring.models import AlarmRule, RejectedReading
from parkos.monitoring.tests.factories import GatewayFactory, MeterFactory
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    API_STAFF_IN_PARK_A,
    STAFF_ANY_PARK,
    STAFF_IN_PARK_A,
    Target,
    World,
    api,
    every,
    expect,
    operation,
    page,
    pages,
    pk,
    ui,
)

NOW = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
# MANAGE_FACILITIES in park A: of the personas, the operator admin only (a park manager watches, the
# facilities team acts). A form's POST checks the right before the park (dave: 403, not 404).
MANAGE_A = expect(STAFF_IN_PARK_A, bob=403, carol=403)
MANAGE_A_POST = expect(MANAGE_A, dave=403)
API_MANAGE_A = expect(API_STAFF_IN_PARK_A, bob=403, carol=403)
# Creating (no object yet): the right is checked before the park.
MANAGE_ANY = expect(STAFF_ANY_PARK, bob=403, carol=403, dave=403)
API_MANAGE_ANY = expect(API_STAFF_ANY_PARK, bob=403, carol=403, dave=403)


def meter(w: World):
    return w.get("meter_a", lambda w: MeterFactory(park=w.park_a, code="AZ-E1", name="矩阵电表"))


def rule(w: World):
    return w.get(
        "rule_a",
        lambda w: AlarmRule.objects.create(
            park=w.park_a, name="矩阵需量", kind=RuleKind.THRESHOLD, meter=meter(w), upper=100
        ),
    )


def alarm(w: World):
    return w.get(
        "alarm_a",
        lambda w: alarms.raise_alarm(rule=rule(w), meter=meter(w), at=NOW, value=120, message="矩阵告警"),
    )


def reject(w: World):
    return w.get(
        "reject_a",
        lambda w: RejectedReading.objects.create(
            park=w.park_a,
            meter=meter(w),
            source=ReadingSource.choices[0][0],
            reason=RejectReason.choices[0][0],
            detail="矩阵",
        ),
    )


def gateway(w: World):
    return w.get("gateway_a", lambda w: GatewayFactory(park=w.park_a, code="AZGW", name="矩阵网关"))


def import_job(w: World):
    return w.get(
        "monitoring_import_job_bob",
        lambda w: ImportJob.objects.create(
            importer=IMPORTER,
            original_name="矩阵读数导入.xlsx",
            options={"park": w.park_a.pk},
            created_by=w.users["bob"],
            status="done",
        ),
    )


def _park(w: World) -> dict:
    return {"park": w.park_a.pk}


CASES = [
    page("monitoring:dashboard", "GET", target=ui("monitoring:dashboard", data=_park), expect=STAFF_IN_PARK_A),
    page(
        "monitoring:dashboard_data", "GET", target=ui("monitoring:dashboard_data", data=_park), expect=STAFF_IN_PARK_A
    ),
    *pages(
        "monitoring:meter",
        meter,
        list_=STAFF_ANY_PARK,
        create=MANAGE_ANY,
        detail=STAFF_IN_PARK_A,
        secret="矩阵电表",
        update=MANAGE_A,
        update_post=MANAGE_A_POST,
    ),
    page("monitoring:meter_replace", "GET", target=ui("monitoring:meter_replace", pk(meter)), expect=MANAGE_A),
    page(
        "monitoring:meter_replace",
        "POST",
        target=ui("monitoring:meter_replace", pk(meter), watch=[meter]),
        expect=MANAGE_A,
    ),
    page("monitoring:meter_series", "GET", target=ui("monitoring:meter_series", pk(meter)), expect=STAFF_IN_PARK_A),
    page(
        "monitoring:building",
        "GET",
        target=ui("monitoring:building", lambda w: w.building_a().pk),
        expect=STAFF_IN_PARK_A,
    ),
    page("monitoring:alarm_list", "GET", target=ui("monitoring:alarm_list"), expect=STAFF_ANY_PARK),
    page(
        "monitoring:alarm_detail",
        "GET",
        target=ui("monitoring:alarm_detail", pk(alarm), secret="矩阵告警"),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "monitoring:alarm_action",
        "POST",
        target=ui("monitoring:alarm_action", pk(alarm), "acknowledge", data={"comment": "ok"}, watch=[alarm]),
        expect=expect(MANAGE_A, alice=302),
    ),
    page(
        "monitoring:alarm_action",
        "POST",
        target=ui("monitoring:alarm_action", pk(alarm), "nonsense", watch=[alarm]),
        expect=expect(every(404), erin=403, tina=403, anonymous=302),
        note="unknown action",
    ),
    page("monitoring:notifications", "GET", target=ui("monitoring:notifications"), expect=STAFF_ANY_PARK),
    *pages(
        "monitoring:rule", rule, list_=STAFF_ANY_PARK, create=MANAGE_ANY, update=MANAGE_A, update_post=MANAGE_A_POST
    ),
    page("monitoring:gateway_list", "GET", target=ui("monitoring:gateway_list"), expect=STAFF_ANY_PARK),
    # Rotating a gateway's token of park A: MANAGE_FACILITIES there.
    page(
        "monitoring:gateway_list",
        "POST",
        target=lambda w: Target(
            reverse("monitoring:gateway_list"), data={"rotate": gateway(w).pk}, watch=(gateway(w),)
        ),
        expect=MANAGE_ANY,
    ),
    # Marking one's own notifications read: everyone with the page.
    page(
        "monitoring:notifications",
        "POST",
        target=ui("monitoring:notifications"),
        expect=expect(STAFF_ANY_PARK, alice=302, bob=302, carol=302, dave=302),
    ),
    page("monitoring:reject_list", "GET", target=ui("monitoring:reject_list"), expect=STAFF_ANY_PARK),
    page("monitoring:reading_upload", "GET", target=ui("monitoring:reading_upload"), expect=MANAGE_ANY),
    page("monitoring:reading_upload", "POST", target=ui("monitoring:reading_upload"), expect=MANAGE_ANY),
    page(
        "monitoring:reading_import_job",
        "GET",
        target=ui("monitoring:reading_import_job", pk(import_job), secret="矩阵读数导入.xlsx"),
        # Reading imports need MANAGE_FACILITIES: bob may not see even his own job without it.
        expect=expect(STAFF_ANY_PARK, bob=403, carol=403, dave=403),
    ),
    page("monitoring:energy", "GET", target=ui("monitoring:energy", data=_park), expect=STAFF_IN_PARK_A),
    # --- API -------------------------------------------------------------------------------------------------
    operation("GET", "/api/monitoring/meters/", target=api("/api/monitoring/meters/"), expect=API_STAFF_ANY_PARK),
    operation(
        "POST",
        "/api/monitoring/meters/",
        target=lambda w: Target(
            "/api/monitoring/meters/",
            data={"park": w.park_a.pk, "code": "AZ-NEW", "name": "矩阵新表", "kind": "electricity"},
            json=True,
        ),
        expect=expect(API_MANAGE_ANY, alice=400),  # incomplete: refused by validation, after the right
    ),
    operation(
        "GET",
        "/api/monitoring/meters/{id}/",
        target=api("/api/monitoring/meters/{id}/", meter),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "PUT",
        "/api/monitoring/meters/{id}/",
        target=api("/api/monitoring/meters/{id}/", meter, data={"name": "改名"}),
        expect=expect(API_MANAGE_A, alice=400),
    ),
    operation(
        "PATCH",
        "/api/monitoring/meters/{id}/",
        target=api("/api/monitoring/meters/{id}/", meter, data={"name": "改名"}),
        expect=API_MANAGE_A,
    ),
    operation(
        "GET",
        "/api/monitoring/meters/{id}/series/",
        target=api("/api/monitoring/meters/{id}/series/", meter),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation("GET", "/api/monitoring/alarms/", target=api("/api/monitoring/alarms/"), expect=API_STAFF_ANY_PARK),
    operation(
        "GET",
        "/api/monitoring/alarms/{id}/",
        target=api("/api/monitoring/alarms/{id}/", alarm),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "POST",
        "/api/monitoring/alarms/{id}/acknowledge/",
        target=api("/api/monitoring/alarms/{id}/acknowledge/", alarm, data={"text": "ok"}),
        expect=API_MANAGE_A,
    ),
    operation(
        "POST",
        "/api/monitoring/alarms/{id}/comment/",
        target=api("/api/monitoring/alarms/{id}/comment/", alarm, data={"text": "ok"}),
        expect=API_MANAGE_A,
    ),
    operation(
        "POST",
        "/api/monitoring/alarms/{id}/close/",
        target=api("/api/monitoring/alarms/{id}/close/", alarm, data={"text": "ok"}),
        expect=API_MANAGE_A,
    ),
    operation("GET", "/api/monitoring/rules/", target=api("/api/monitoring/rules/"), expect=API_STAFF_ANY_PARK),
    operation(
        "POST",
        "/api/monitoring/rules/",
        target=lambda w: Target(
            "/api/monitoring/rules/",
            data={"park": w.park_a.pk, "name": "矩阵新规则", "kind": "threshold", "meter": meter(w).pk, "upper": 5},
            json=True,
        ),
        expect=expect(API_MANAGE_ANY, alice=201),
    ),
    operation(
        "GET",
        "/api/monitoring/rules/{id}/",
        target=api("/api/monitoring/rules/{id}/", rule),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "PUT",
        "/api/monitoring/rules/{id}/",
        target=api("/api/monitoring/rules/{id}/", rule, data={"name": "改名"}),
        expect=expect(API_MANAGE_A, alice=400),
    ),
    operation(
        "PATCH",
        "/api/monitoring/rules/{id}/",
        target=api("/api/monitoring/rules/{id}/", rule, data={"name": "改名"}),
        expect=API_MANAGE_A,
    ),
    operation("GET", "/api/monitoring/rejects/", target=api("/api/monitoring/rejects/"), expect=API_STAFF_ANY_PARK),
    operation(
        "GET",
        "/api/monitoring/rejects/{id}/",
        target=api("/api/monitoring/rejects/{id}/", reject),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "GET",
        "/api/monitoring/consumption/",
        target=lambda w: Target(
            "/api/monitoring/consumption/",
            data={"park": w.park_a.pk, "start": "2026-03-01", "end": "2026-03-31"},
        ),
        expect=API_STAFF_IN_PARK_A,
    ),
    # Gateways only (their token): a person's session is refused, whatever the role.
    operation(
        "POST",
        "/api/monitoring/ingest/",
        target=lambda w: Target(
            "/api/monitoring/ingest/",
            data={"readings": [{"meter": meter(w).code, "ts": NOW.isoformat(), "value": 1}]},
            json=True,
            watch=(meter(w),),
        ),
        expect=every(401),
    ),
]
