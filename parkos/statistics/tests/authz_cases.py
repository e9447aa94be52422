"""Authorization cases of the statistics app: every page and API operation (structure: tests/authz/framework.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from parkos.core.models import ImportJob
from parkos.statistics import importing, product_output, services
from parkos.statistics.choices import SubmissionStatus
from parkos.statistics.models import ReportSubmission
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    API_STAFF_IN_PARK_A,
    STAFF_ANY_PARK,
    STAFF_IN_PARK_A,
    Target,
    World,
    every,
    expect,
    operation,
    page,
)

YEAR = 2025
# MANAGE_STATISTICS in park A: alice and bob (carol's role has it not).
MANAGE_A = expect(STAFF_IN_PARK_A, carol=403)
# Pages of enterprise users linked to an enterprise: tina only.
TENANT_ONLY = expect(every(403), tina=200, anonymous=302)


def report(w: World):
    return w.get(
        "report_a",
        lambda w: services.report_submit(
            park=w.park_a,
            enterprise=w.enterprise_a(),
            year=YEAR,
            month=5,
            is_cumulative=True,
            values={"revenue": Decimal("1000000.00")},
            actor=None,
        ),
    )


def submission(w: World):
    """A tenant's revision of report_a, waiting for an officer."""
    report(w)
    return w.get(
        "submission_a",
        lambda w: ReportSubmission.objects.create(
            park=w.park_a,
            enterprise=w.enterprise_a(),
            year=YEAR,
            month=5,
            is_cumulative=True,
            values={"revenue": "1200000.00"},
            status=SubmissionStatus.PENDING,
            submitted_by=w.users["tina"],
        ),
    )


def _late_permission(w: World, month: int) -> int:
    """The month is long past the tenants' reporting window: tina's enterprise may still report it."""
    services.late_permission_grant(
        park=w.park_a,
        enterprise=w.enterprise_a(),
        year=YEAR,
        month=month,
        until=timezone.localdate() + datetime.timedelta(days=30),
        actor=w.users["alice"],
    )
    return month


def import_job(w: World):
    return w.get(
        "statistics_import_job_a",
        lambda w: ImportJob.objects.create(
            importer=importing.IMPORTER,
            original_name="矩阵月报导入.xlsx",
            options={"park": w.park_a.pk},
            created_by=w.users["bob"],
            status="done",
        ),
    )


def output(w: World):
    """A product output line of park A (the B204-1 form's part two)."""
    return w.get(
        "product_output_a",
        lambda w: product_output.output_record(
            park=w.park_a,
            enterprise=w.enterprise_a(),
            year=YEAR,
            month=5,
            data=product_output.OutputData(product_name="医用防护服", unit="10k_items", quantity=Decimal(12)),
            actor=None,
        )[0],
    )


def _page(name, *args, data=None, watch=(), query=None):
    def build(w: World) -> Target:
        return Target(
            reverse(name, args=[a(w) if callable(a) else a for a in args]),
            data=query(w) if query else data,
            watch=tuple(o(w) for o in watch),
        )

    return build


def _park(w: World) -> int:
    return w.park_a.pk


def _api(path, data=None, obj=report, json=True):
    return lambda w: Target(
        path.format(id=obj(w).pk) if "{id}" in path else path, data=data(w) if callable(data) else data, json=json
    )


CASES = [
    page("park_statistics:dashboard", "GET", target=_page("park_statistics:dashboard"), expect=STAFF_ANY_PARK),
    page(
        "park_statistics:dashboard",
        "GET",
        target=_page("park_statistics:dashboard", query=lambda w: {"park": w.park_a.pk}),
        expect=STAFF_IN_PARK_A,
        note="park A chosen",
    ),
    page("park_statistics:portfolio", "GET", target=_page("park_statistics:portfolio"), expect=STAFF_ANY_PARK),
    page(
        "park_statistics:sources",
        "GET",
        target=_page(
            "park_statistics:sources", query=lambda w: {"parks": w.park_a.pk, "year": YEAR, "indicator": "revenue"}
        ),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "park_statistics:import_template", "GET", target=_page("park_statistics:import_template"), expect=STAFF_ANY_PARK
    ),
    page("park_statistics:report", "GET", target=_page("park_statistics:report", _park, YEAR), expect=STAFF_IN_PARK_A),
    page(
        "park_statistics:report_pdf",
        "GET",
        target=_page("park_statistics:report_pdf", _park, YEAR),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "park_statistics:report_xlsx",
        "GET",
        target=_page("park_statistics:report_xlsx", _park, YEAR),
        expect=STAFF_IN_PARK_A,
    ),
    page("park_statistics:muju", "GET", target=_page("park_statistics:muju", _park, YEAR), expect=STAFF_IN_PARK_A),
    page("park_statistics:calendar", "GET", target=_page("park_statistics:calendar", _park), expect=STAFF_IN_PARK_A),
    page("park_statistics:entry", "GET", target=_page("park_statistics:entry", _park), expect=MANAGE_A),
    page(
        "park_statistics:entry", "POST", target=_page("park_statistics:entry", _park, watch=[report]), expect=MANAGE_A
    ),
    page("park_statistics:import", "GET", target=_page("park_statistics:import", _park), expect=MANAGE_A),
    page(
        "park_statistics:import", "POST", target=_page("park_statistics:import", _park, watch=[report]), expect=MANAGE_A
    ),
    page(
        "park_statistics:import_job",
        "GET",
        target=lambda w: Target(
            reverse("park_statistics:import_job", args=[w.park_a.pk, import_job(w).pk]), secret="矩阵月报导入.xlsx"
        ),
        expect=MANAGE_A,
    ),
    page("park_statistics:tenant_reports", "GET", target=_page("park_statistics:tenant_reports"), expect=TENANT_ONLY),
    page(
        "park_statistics:tenant_reports",
        "POST",
        target=_page("park_statistics:tenant_reports", watch=[report]),
        expect=TENANT_ONLY,
    ),
    page(
        "park_statistics:tenant_report_detail",
        "GET",
        target=_page("park_statistics:tenant_report_detail", lambda w: report(w).pk),
        expect=TENANT_ONLY,
    ),
    # --- API ---------------------------------------------------------------------------------------------
    operation(
        "GET",
        "/api/statistics/reports/",
        target=_api("/api/statistics/reports/"),
        expect=expect(API_STAFF_ANY_PARK, tina=200),
    ),
    operation(
        "POST",
        "/api/statistics/reports/",
        target=_api(
            "/api/statistics/reports/",
            lambda w: {
                "park": w.park_a.pk,
                "enterprise": w.enterprise_a().pk,
                "year": YEAR,
                "month": _late_permission(w, 6),
                "revenue": "1.00",
            },
        ),
        expect=expect(API_STAFF_IN_PARK_A, alice=201, bob=201, carol=403, tina=201),
    ),
    operation(
        "GET",
        "/api/statistics/reports/{id}/",
        target=_api("/api/statistics/reports/{id}/"),
        expect=expect(API_STAFF_IN_PARK_A, tina=200),
    ),
    operation(
        "GET",
        "/api/statistics/kpis/",
        target=_api("/api/statistics/kpis/", {"year": YEAR}, json=False),
        expect=API_STAFF_ANY_PARK,
    ),
    operation(
        "GET",
        "/api/statistics/kpis/",
        target=_api("/api/statistics/kpis/", lambda w: {"year": YEAR, "park": w.park_a.pk}, json=False),
        expect=API_STAFF_IN_PARK_A,
        note="park A",
    ),
    # The park's prefilled monthly template and the officers' queue of revisions: MANAGE_STATISTICS in A.
    page(
        "park_statistics:prefilled_template",
        "GET",
        target=_page("park_statistics:prefilled_template", _park),
        expect=MANAGE_A,
    ),
    page("park_statistics:submissions", "GET", target=_page("park_statistics:submissions", _park), expect=MANAGE_A),
    page(
        "park_statistics:submissions",
        "POST",
        target=_page("park_statistics:submissions", _park, watch=[report]),
        expect=MANAGE_A,
    ),
    page(
        "park_statistics:submission_decide",
        "POST",
        target=lambda w: Target(
            reverse("park_statistics:submission_decide", args=[w.park_a.pk, submission(w).pk]),
            data={"approve": "1"},
            watch=(submission(w), report(w)),
        ),
        expect=expect(MANAGE_A, alice=302, bob=302),
    ),
    # Product output and the government forms: read by park-A staff, written with MANAGE_STATISTICS.
    page(
        "park_statistics:product_output",
        "GET",
        target=_page("park_statistics:product_output", _park),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "park_statistics:product_output",
        "POST",
        target=_page("park_statistics:product_output", _park, watch=[output]),
        expect=MANAGE_A,
    ),
    page(
        "park_statistics:product_output_template",
        "GET",
        target=_page("park_statistics:product_output_template", _park),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "park_statistics:b204_export",
        "GET",
        target=_page("park_statistics:b204_export", _park),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "park_statistics:muju_submission",
        "GET",
        target=_page("park_statistics:muju_submission", _park, YEAR),
        expect=STAFF_IN_PARK_A,
    ),
    operation(
        "GET",
        "/api/statistics/product-output/",
        target=_api("/api/statistics/product-output/", obj=output),
        expect=API_STAFF_ANY_PARK,
    ),
    operation(
        "POST",
        "/api/statistics/product-output/",
        target=_api(
            "/api/statistics/product-output/",
            lambda w: {
                "park": w.park_a.pk,
                "enterprise": w.enterprise_a().pk,
                "year": YEAR,
                "month": 6,
                "product_name": "口罩",
                "unit": "10k_pieces",
                "quantity": "5",
            },
            obj=output,
        ),
        expect=expect(API_STAFF_IN_PARK_A, alice=201, bob=201, carol=403),
    ),
    operation(
        "GET",
        "/api/statistics/product-output/{id}/",
        target=_api("/api/statistics/product-output/{id}/", obj=output),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "DELETE",
        "/api/statistics/product-output/{id}/",
        target=lambda w: Target(f"/api/statistics/product-output/{output(w).pk}/", watch=(output(w),), json=True),
        expect=expect(API_STAFF_IN_PARK_A, alice=204, bob=204, carol=403),
    ),
]
