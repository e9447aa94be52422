"""Authorization cases of the enterprises app: every page and API operation (structure: tests/authz/framework.py).

The pool is operator-wide: every staff role reads every profile; contacts' personal data and merges
follow the parks (see selectors.contact_details_visible and dedup.may_merge).
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse

from parkos.core.models import ImportJob
from parkos.enterprises import services
from parkos.enterprises.importing import IMPORTER as ENTERPRISES_IMPORTER
from parkos.enterprises.tests.factories import EnterpriseFactory
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    STAFF_ANY_PARK,
    STAFF_IN_PARK_A,
    Target,
    World,
    expect,
    operation,
    page,
)

# Contacts of an enterprise in park A: those with the contact-details right who serve A.
CONTACTS_A = STAFF_IN_PARK_A
# A job bob started: his, and every job for the operator admin.
BOBS_JOB = expect(STAFF_ANY_PARK, carol=404, dave=404)


def job(w: World):
    def build(w: World):
        job = ImportJob.objects.create(
            importer=ENTERPRISES_IMPORTER, original_name="矩阵导入.xlsx", created_by=w.users["bob"], status="done"
        )
        job.error_report.save("errors.xlsx", ContentFile(b"PK"), save=True)
        return job

    return w.get("import_job_bob", build)


def twins(w: World):
    return w.get(
        "twins_a",
        lambda w: (
            EnterpriseFactory(name="重庆矩阵双胞胎有限公司", parks=[w.park_a]),
            EnterpriseFactory(name="重庆矩阵双胞胎有限责任公司", parks=[w.park_a], credit_code=None),
        ),
    )


def merge_record(w: World):
    return w.get("merge_a", lambda w: services.enterprise_merge(keep=twins(w)[0], merge=twins(w)[1], actor=None))


def _page(name, *args, data=None, watch=(), secret=""):
    def build(w: World) -> Target:
        return Target(
            reverse(name, args=[a(w) if callable(a) else a for a in args]),
            data=data(w) if callable(data) else data,
            watch=tuple(o(w) for o in watch),
            secret=secret,
        )

    return build


def _ent(w: World) -> int:
    return w.enterprise_a().pk


def _contact(w: World) -> int:
    return w.contact_a().pk


def _api(path, data=None, obj=lambda w: w.enterprise_a()):
    return lambda w: Target(
        path.format(id=obj(w).pk) if "{id}" in path else path, data=data, json=True, watch=(obj(w),)
    )


CASES = [
    page("enterprises:enterprise_list", "GET", target=_page("enterprises:enterprise_list"), expect=STAFF_ANY_PARK),
    page("enterprises:enterprise_create", "GET", target=_page("enterprises:enterprise_create"), expect=STAFF_ANY_PARK),
    page("enterprises:enterprise_create", "POST", target=_page("enterprises:enterprise_create"), expect=STAFF_ANY_PARK),
    page(
        "enterprises:enterprise_detail",
        "GET",
        target=_page("enterprises:enterprise_detail", _ent),
        expect=STAFF_ANY_PARK,
    ),
    page(
        "enterprises:enterprise_update",
        "GET",
        target=_page("enterprises:enterprise_update", _ent),
        expect=STAFF_ANY_PARK,
    ),
    page(
        "enterprises:enterprise_update",
        "POST",
        target=_page("enterprises:enterprise_update", _ent, watch=[lambda w: w.enterprise_a()]),
        expect=STAFF_ANY_PARK,
    ),
    page(
        "enterprises:contact_create",
        "POST",
        target=_page("enterprises:contact_create", _ent, watch=[lambda w: w.enterprise_a()]),
        expect=expect(CONTACTS_A, alice=400, bob=400, carol=400),
    ),
    page(
        "enterprises:contact_erase",
        "POST",
        target=_page("enterprises:contact_erase", _contact, watch=[lambda w: w.contact_a()]),
        expect=expect(CONTACTS_A, alice=302, bob=302, carol=302),
    ),
    page(
        "enterprises:contact_export",
        "GET",
        target=_page("enterprises:contact_export", _contact, secret="13800138000"),
        expect=CONTACTS_A,
    ),
    page("enterprises:import", "GET", target=_page("enterprises:import"), expect=STAFF_ANY_PARK),
    page(
        "enterprises:import",
        "POST",
        target=_page("enterprises:import"),
        expect=expect(STAFF_ANY_PARK, alice=400, bob=400, carol=400, dave=400),
    ),
    page("enterprises:import_template", "GET", target=_page("enterprises:import_template"), expect=STAFF_ANY_PARK),
    page(
        "enterprises:import_detail",
        "GET",
        target=_page("enterprises:import_detail", lambda w: job(w).pk),
        expect=BOBS_JOB,
    ),
    page(
        "enterprises:import_resume",
        "POST",
        target=_page("enterprises:import_resume", lambda w: job(w).pk, watch=[job]),
        expect=expect(BOBS_JOB, alice=302, bob=302),
    ),
    page(
        "enterprises:import_report",
        "GET",
        target=_page("enterprises:import_report", lambda w: job(w).pk),
        expect=BOBS_JOB,
    ),
    page("enterprises:dedup", "GET", target=_page("enterprises:dedup"), expect=STAFF_ANY_PARK),
    page(
        "enterprises:dedup",
        "POST",
        target=_page(
            "enterprises:dedup",
            data=lambda w: {"keep": twins(w)[0].pk, "merge": twins(w)[1].pk},
            watch=[lambda w: twins(w)[1]],
        ),
        expect=expect(STAFF_IN_PARK_A, alice=302, bob=302, carol=302),
    ),
    page(
        "enterprises:merge_revert",
        "POST",
        target=_page("enterprises:merge_revert", lambda w: merge_record(w).pk, watch=[merge_record]),
        expect=expect(STAFF_IN_PARK_A, alice=302, bob=302, carol=302),
    ),
    # --- API ---------------------------------------------------------------------------------------------
    operation(
        "GET", "/api/enterprises/enterprises/", target=_api("/api/enterprises/enterprises/"), expect=API_STAFF_ANY_PARK
    ),
    operation(
        "POST",
        "/api/enterprises/enterprises/",
        target=_api("/api/enterprises/enterprises/", {"name": "重庆矩阵新企业有限公司"}),
        expect=expect(API_STAFF_ANY_PARK, alice=201, bob=201, carol=201, dave=201),
    ),
    operation(
        "GET",
        "/api/enterprises/enterprises/{id}/",
        target=_api("/api/enterprises/enterprises/{id}/"),
        expect=API_STAFF_ANY_PARK,
    ),
    operation(
        "PUT",
        "/api/enterprises/enterprises/{id}/",
        target=_api("/api/enterprises/enterprises/{id}/", {"name": "重庆矩阵改名有限公司"}),
        expect=API_STAFF_ANY_PARK,
    ),
    operation(
        "PATCH",
        "/api/enterprises/enterprises/{id}/",
        target=_api("/api/enterprises/enterprises/{id}/", {}),
        expect=API_STAFF_ANY_PARK,
    ),
    operation(
        "GET",
        "/api/enterprises/enterprises/{id}/contacts/",
        target=_api("/api/enterprises/enterprises/{id}/contacts/"),
        expect=API_STAFF_ANY_PARK,
    ),
    operation(
        "GET", "/api/enterprises/import-jobs/", target=_api("/api/enterprises/import-jobs/"), expect=API_STAFF_ANY_PARK
    ),
    operation(
        "POST",
        "/api/enterprises/import-jobs/",
        target=lambda w: Target("/api/enterprises/import-jobs/", data={}),
        expect=expect(API_STAFF_ANY_PARK, alice=400, bob=400, carol=400, dave=400),
    ),
    operation(
        "GET",
        "/api/enterprises/import-jobs/{id}/",
        target=_api("/api/enterprises/import-jobs/{id}/", obj=job),
        expect=expect(API_STAFF_ANY_PARK, carol=404, dave=404),
    ),
    # Pickers (contract entry): staff search the enterprises of their parks; creating one inline needs
    # CHANGE_ENTERPRISE (an empty name is refused by the service).
    page(
        "enterprises:enterprise_autocomplete",
        "GET",
        target=_page("enterprises:enterprise_autocomplete", data={"q": "矩阵"}),
        expect=expect(STAFF_ANY_PARK),
    ),
    page(
        "enterprises:enterprise_autocomplete",
        "POST",
        target=lambda w: Target(
            reverse("enterprises:enterprise_autocomplete"),
            data={"name": "矩阵新建企业有限公司"},
            watch=(w.enterprise_a(),),
        ),
        expect=expect(STAFF_ANY_PARK, alice=201, bob=201, carol=201, dave=201),
    ),
]
