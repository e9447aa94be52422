"""Authorization cases of the parks app: every page and API operation (structure: tests/authz/framework.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from parkos.core.models import ImportJob
from parkos.parks import services
from parkos.parks.importing import IMPORTER as PARKS_IMPORTER
from parkos.parks.models import SpaceMedia
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
    resource,
    ui,
)

# Changing space in park A: CHANGE_SPACE (not carol's role), in one's parks (not dave's).
CHANGE_SPACE_A = expect(STAFF_IN_PARK_A, carol=403)
API_CHANGE_SPACE_A = expect(API_STAFF_IN_PARK_A, carol=403)
ONLY_ADMIN = expect(every(403), alice=200, anonymous=302)


def _reservation(w: World):
    return w.get(
        "reservation_a",
        lambda w: services.reservation_create(
            space=w.unit_a(),
            holder_name="矩阵预留企业",
            reserved_until=timezone.localdate().replace(year=timezone.localdate().year + 1),
            actor=None,
        ),
    )


def _import_job(w: World):
    return w.get(
        "parks_import_job_bob",
        lambda w: ImportJob.objects.create(
            importer=PARKS_IMPORTER, original_name="矩阵空间导入.xlsx", created_by=w.users["bob"], status="done"
        ),
    )


def _media(w: World):
    return w.get(
        "media_a",
        lambda w: SpaceMedia.objects.create(unit=w.unit_a(), park=w.park_a, image="parks/media/matrix.png"),
    )


def _park_a(w: World):
    return w.park_a.pk


CASES = [
    *pages(
        "parks:park",
        lambda w: w.park_a,
        list_=STAFF_ANY_PARK,
        create=ONLY_ADMIN,
        detail=STAFF_IN_PARK_A,
        secret="重庆国际生物城A园",
        update=expect(STAFF_IN_PARK_A, carol=403),
    ),
    page("parks:building_create", "GET", target=ui("parks:building_create", _park_a), expect=CHANGE_SPACE_A),
    page("parks:building_create", "POST", target=ui("parks:building_create", _park_a), expect=CHANGE_SPACE_A),
    page("parks:parcel_create", "GET", target=ui("parks:parcel_create", _park_a), expect=CHANGE_SPACE_A),
    page("parks:parcel_create", "POST", target=ui("parks:parcel_create", _park_a), expect=CHANGE_SPACE_A),
    page(
        "parks:building_detail",
        "GET",
        target=lambda w: Target(reverse("parks:building_detail", args=[w.building_a().pk]), secret=w.building_a().name),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "parks:building_update",
        "GET",
        target=ui("parks:building_update", lambda w: w.building_a().pk),
        expect=CHANGE_SPACE_A,
    ),
    page(
        "parks:building_update",
        "POST",
        target=lambda w: Target(reverse("parks:building_update", args=[w.building_a().pk]), watch=(w.building_a(),)),
        expect=CHANGE_SPACE_A,
    ),
    page(
        "parks:floor_create",
        "GET",
        target=ui("parks:floor_create", lambda w: w.building_a().pk),
        expect=CHANGE_SPACE_A,
    ),
    page(
        "parks:floor_create",
        "POST",
        target=ui("parks:floor_create", lambda w: w.building_a().pk),
        expect=CHANGE_SPACE_A,
    ),
    page(
        "parks:unit_create", "GET", target=ui("parks:unit_create", lambda w: w.building_a().pk), expect=CHANGE_SPACE_A
    ),
    page(
        "parks:unit_create", "POST", target=ui("parks:unit_create", lambda w: w.building_a().pk), expect=CHANGE_SPACE_A
    ),
    *pages("parks:floor", lambda w: w.floor_a(), update=CHANGE_SPACE_A),
    *pages("parks:unit", lambda w: w.unit_a(), detail=STAFF_IN_PARK_A, secret="AZ1-101", update=CHANGE_SPACE_A),
    *pages(
        "parks:parcel",
        lambda w: w.parcel_a(),
        list_=STAFF_ANY_PARK,
        detail=STAFF_IN_PARK_A,
        secret="AZ-D01",
        update=CHANGE_SPACE_A,
    ),
    page(
        "parks:archive",
        "POST",
        target=lambda w: Target(reverse("parks:archive", args=["unit", w.unit_a().pk]), watch=(w.unit_a(),)),
        expect=expect(CHANGE_SPACE_A, alice=302, bob=302),
    ),
    page(
        "parks:archive",
        "POST",
        target=lambda w: Target(reverse("parks:archive", args=["nonsense", w.unit_a().pk]), watch=(w.unit_a(),)),
        expect=expect(every(404), erin=403, tina=403, anonymous=302),
        note="unknown kind",
    ),
    page(
        "parks:reserve",
        "POST",
        target=lambda w: Target(reverse("parks:reserve", args=["unit", w.unit_a().pk]), watch=(w.unit_a(),)),
        expect=expect(STAFF_IN_PARK_A, alice=302, bob=302, carol=302),
    ),
    page(
        "parks:release",
        "POST",
        target=lambda w: Target(reverse("parks:release", args=[_reservation(w).pk]), watch=(_reservation(w),)),
        expect=expect(STAFF_IN_PARK_A, alice=302, bob=302, carol=302),
    ),
    page("parks:availability", "GET", target=ui("parks:availability"), expect=STAFF_ANY_PARK),
    page("parks:import", "GET", target=ui("parks:import"), expect=expect(STAFF_ANY_PARK, carol=403)),
    page("parks:import", "POST", target=ui("parks:import"), expect=expect(STAFF_ANY_PARK, carol=403)),
    page("parks:import_template", "GET", target=ui("parks:import_template"), expect=STAFF_ANY_PARK),
    # A background import bob started: his, and every one for the operator admin; carol may not import space.
    page(
        "parks:import_job",
        "GET",
        target=lambda w: Target(reverse("parks:import_job", args=[_import_job(w).pk]), secret="矩阵空间导入.xlsx"),
        expect=expect(STAFF_ANY_PARK, carol=403, dave=404),
    ),
    page("parks:inventory_export", "GET", target=ui("parks:inventory_export"), expect=STAFF_ANY_PARK),
    page("parks:unit_export", "GET", target=ui("parks:unit_export"), expect=STAFF_ANY_PARK),
    page("parks:park_export", "GET", target=ui("parks:park_export"), expect=STAFF_ANY_PARK),
    # --- API ---------------------------------------------------------------------------------------------
    operation("GET", "/api/parks/parks/", target=api("/api/parks/parks/"), expect=API_STAFF_ANY_PARK),
    operation(
        "POST",
        "/api/parks/parks/",
        target=lambda w: Target("/api/parks/parks/", {"code": "NEW-01", "name": "新园区", "city": "武汉市"}, json=True),
        expect=expect(every(403), alice=201),
    ),
    operation(
        "GET",
        "/api/parks/parks/{id}/",
        target=api("/api/parks/parks/{id}/", lambda w: w.park_a),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "PUT",
        "/api/parks/parks/{id}/",
        target=lambda w: Target(
            f"/api/parks/parks/{w.park_a.pk}/",
            {"code": w.park_a.code, "name": "改名园区", "city": w.park_a.city},
            json=True,
            watch=(w.park_a,),
        ),
        expect=expect(API_STAFF_IN_PARK_A, carol=403),
    ),
    operation(
        "PATCH",
        "/api/parks/parks/{id}/",
        target=api("/api/parks/parks/{id}/", lambda w: w.park_a, data={"name": "改名园区"}),
        expect=expect(API_STAFF_IN_PARK_A, carol=403),
    ),
    operation(
        "DELETE",
        "/api/parks/parks/{id}/",
        target=api("/api/parks/parks/{id}/", lambda w: w.park_a),
        expect=expect(API_STAFF_IN_PARK_A, alice=204, bob=204, carol=403),
    ),
]


def _space_family(plural: str, obj, create_payload) -> list:
    """List, create, read, replace, change and archive of a park-A space resource (CHANGE_SPACE)."""
    return resource(
        f"/api/parks/{plural}/",
        obj,
        list_=API_STAFF_ANY_PARK,
        create=expect(API_CHANGE_SPACE_A, alice=201, bob=201),
        create_data=create_payload,
        detail=API_STAFF_IN_PARK_A,
        replace=API_CHANGE_SPACE_A,
        replace_data=create_payload,
        update=API_CHANGE_SPACE_A,
        update_data={},
        # Floors are not archived on their own (their building is).
        delete=None if plural == "floors" else expect(API_CHANGE_SPACE_A, alice=204, bob=204),
    )


CASES += _space_family(
    "buildings",
    lambda w: w.building_a(),
    lambda w: {"park": w.park_a.pk, "code": "NB9", "name": "新楼", "storeys": 2, "structure": "multi_storey_frame"},
)
CASES += _space_family(
    "floors",
    lambda w: w.floor_a(),
    lambda w: {
        "building": w.building_a().pk,
        "level": 2,
        "area_sqm": "1000.00",
        "floor_load_kn_m2": "8.0",
        "clear_height_m": "4.50",
    },
)
CASES += _space_family(
    "units",
    lambda w: w.unit_a(),
    lambda w: {"floor": w.floor_a().pk, "code": "AZ1-199", "area_sqm": "500.00"},
)
CASES += _space_family(
    "parcels",
    lambda w: w.parcel_a(),
    lambda w: {"park": w.park_a.pk, "code": "AZ-D99", "area_sqm": "20000.00"},
)
CASES += [
    operation("GET", "/api/parks/reservations/", target=api("/api/parks/reservations/"), expect=API_STAFF_ANY_PARK),
    operation(
        "POST",
        "/api/parks/reservations/",
        target=lambda w: Target(
            "/api/parks/reservations/",
            {
                "unit": w.unit_a().pk,
                "holder_name": "矩阵预留",
                "reserved_until": str(timezone.localdate().replace(year=timezone.localdate().year + 1)),
            },
            json=True,
            watch=(w.unit_a(),),
        ),
        expect=expect(API_STAFF_IN_PARK_A, alice=201, bob=201, carol=201),
    ),
    operation(
        "GET",
        "/api/parks/reservations/{id}/",
        target=api("/api/parks/reservations/{id}/", _reservation),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "POST",
        "/api/parks/reservations/{id}/release/",
        target=api("/api/parks/reservations/{id}/release/", _reservation),
        expect=API_STAFF_IN_PARK_A,
    ),
    page(
        "parks:unit_autocomplete",
        "GET",
        target=lambda w: Target(reverse("parks:unit_autocomplete"), data={"q": w.unit_a().code}),
        expect=STAFF_ANY_PARK,
    ),
    # Photos and floor plans: CHANGE_SPACE in the owner's park (an empty upload is refused by the form).
    page(
        "parks:media_upload",
        "POST",
        target=lambda w: Target(reverse("parks:media_upload", args=["unit", w.unit_a().pk]), watch=(w.unit_a(),)),
        expect=expect(CHANGE_SPACE_A, alice=302, bob=302),
    ),
    page(
        "parks:media_upload",
        "POST",
        target=lambda w: Target(reverse("parks:media_upload", args=["nonsense", w.unit_a().pk])),
        expect=expect(every(404), erin=403, tina=403, anonymous=302),
        note="unknown kind",
    ),
    page(
        "parks:media_delete",
        "POST",
        target=lambda w: Target(reverse("parks:media_delete", args=[_media(w).pk]), watch=(_media(w),)),
        expect=expect(CHANGE_SPACE_A, alice=302, bob=302),
    ),
]
