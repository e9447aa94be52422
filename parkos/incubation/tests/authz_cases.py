"""Authorization cases of the incubation app: every page and API operation (structure: tests/authz/framework.py).

Objects live in park A: a programme with its rubric, an application (with its business plan) that bob
reviews, an incubation record of tina's enterprise, a service desk (provider, offering) with a request
tina raised (and its photo), a policy scheme with an application, a notification of bob's. Staff of
the park read; running the work needs MANAGE_SERVICES there (alice, bob; carol's role and dave's lack
it); only the assigned reviewer sees a review form; tenants see their own requests and programme under
/incubation/my/; the application form is public.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from parkos.incubation import desk, services
from parkos.incubation.choices import AttachmentKind, ProviderKind, ServiceCategory, SlaUnit
from parkos.incubation.models import (
    Application,
    ApplicationAttachment,
    IncubationRecord,
    Notification,
    Programme,
    Scheme,
    SchemeApplication,
    ServiceOffering,
    ServiceProvider,
    ServiceRequest,
)
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    API_STAFF_IN_PARK_A,
    PUBLIC,
    STAFF_ANY_PARK,
    STAFF_IN_PARK_A,
    World,
    api,
    every,
    expect,
    operation,
    page,
    pages,
    pk,
    resource,
    ui,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
YEAR = 2025
# Running the work in park A: MANAGE_SERVICES (alice, bob); carol's role lacks it (403), dave serves B (404).
MANAGE_A = expect(STAFF_IN_PARK_A, carol=403)
# Without an object (or where the right is checked before the object): dave's role lacks it (403).
MANAGE_ANY = expect(STAFF_ANY_PARK, carol=403, dave=403)
# An action: done or refused with a message, back to the object's page.
ACT_A = expect(MANAGE_A, alice=302, bob=302)
TENANT_ONLY = expect(every(403), tina=200, anonymous=302)
API_MANAGE_A = expect(API_STAFF_IN_PARK_A, carol=403)


def programme(w: World) -> Programme:
    def build(w: World) -> Programme:
        made = services.programme_save(
            programme=Programme(park=w.park_a, name="矩阵孵化器", incubation_area_sqm=Decimal(5000)), actor=None
        )
        services.rubric_set(programme=made, criteria=[services.CriterionInput("团队", Decimal(1), 10)], actor=None)
        return made

    return w.get("incubation_programme_a", build)


def application(w: World) -> Application:
    return w.get(
        "incubation_application_a",
        lambda w: services.application_submit(
            programme=programme(w),
            data=services.ApplicationInput(
                company_name="矩阵微纳医疗", contact_name="矩阵申请人", contact_mobile="13800138077",
                project_summary="微流控芯片", company_registered=False,
            ),
            uploads=[services.Upload(AttachmentKind.BUSINESS_PLAN, ContentFile(PDF, name="矩阵计划书.pdf"))],
            actor=None,
        )[0],
    )  # fmt: skip


def attachment(w: World) -> ApplicationAttachment:
    return w.get("incubation_attachment_a", lambda w: application(w).attachments.get())


def review(w: World):
    """bob reviews the application (no one else may open his review)."""
    return w.get(
        "incubation_review_bob",
        lambda w: services.reviewers_assign(application=application(w), reviewers=[w.users["bob"]], actor=None)[0],
    )


def record(w: World) -> IncubationRecord:
    return w.get(
        "incubation_record_a",
        lambda w: services.record_admit(
            programme=programme(w), enterprise=w.enterprise_a(), admitted_on=datetime.date(YEAR, 3, 1), actor=None
        ),
    )


def provider(w: World) -> ServiceProvider:
    return w.get(
        "incubation_provider_a",
        lambda w: ServiceProvider.objects.create(park=w.park_a, name="矩阵服务中心", kind=ProviderKind.INTERNAL),
    )


def offering(w: World) -> ServiceOffering:
    return w.get(
        "incubation_offering_a",
        lambda w: desk.offering_save(
            offering=ServiceOffering(
                park=w.park_a, category=ServiceCategory.POLICY, name="矩阵政策咨询", provider=provider(w),
                response_target=4, response_unit=SlaUnit.HOURS, resolution_target=2, resolution_unit=SlaUnit.DAYS,
            ),
            actor=None,
        ),
    )  # fmt: skip


def service_request(w: World) -> ServiceRequest:
    """tina's request, with a photo."""
    return w.get(
        "incubation_request_a",
        lambda w: desk.request_raise(
            park=w.park_a, enterprise=w.enterprise_a(), offering=offering(w), subject="矩阵门禁故障",
            description="二楼门禁", actor=w.users["tina"], uploads=[desk.Upload(ContentFile(PDF, name="现场.pdf"))],
        ),
    )  # fmt: skip


def request_attachment(w: World):
    return w.get("incubation_request_attachment_a", lambda w: service_request(w).attachments.get())


def scheme(w: World) -> Scheme:
    return w.get(
        "incubation_scheme_a",
        lambda w: services.scheme_save(
            scheme=Scheme(park=w.park_a, name="矩阵研发奖励", level="district"),
            rules=[services.RuleInput("employees", "lte", "100")],
            actor=None,
        ),
    )


def scheme_application(w: World) -> SchemeApplication:
    return w.get(
        "incubation_scheme_application_a",
        lambda w: services.scheme_application_create(
            scheme=scheme(w), enterprise=w.enterprise_a(), park_id=w.park_a.pk, year=YEAR, actor=None
        ),
    )


def notification(w: World) -> Notification:
    return w.get(
        "incubation_notification_bob",
        lambda w: Notification.objects.create(user=w.users["bob"], kind="review", text="矩阵通知", url="/incubation/"),
    )


def _without_its_file(w: World, target):
    attachment(w).file.delete(save=False)
    return target(w)


def _torch(name: str, *extra):
    return ui(f"incubation:{name}", pk(programme), YEAR, *extra)


CASES = [
    page("incubation:overview", "GET", target=ui("incubation:overview"), expect=STAFF_ANY_PARK),
    page("incubation:apply", "GET", target=ui("incubation:apply"), expect=PUBLIC),
    # --- Programmes --------------------------------------------------------------------------------------------
    *pages(
        "incubation:programme",
        programme,
        list_=STAFF_ANY_PARK,
        create=MANAGE_ANY,
        detail=STAFF_IN_PARK_A,
        secret="矩阵孵化器",
        update=MANAGE_A,
    ),
    *[
        page(
            f"incubation:{name}",
            method,
            target=ui(f"incubation:{name}", pk(programme), watch=[programme]),
            expect=MANAGE_A,
        )
        for name in ("programme_rubric", "intake_create", "meeting_create")
        for method in ("GET", "POST")
    ],
    page("incubation:torch_report", "GET", target=_torch("torch_report"), expect=STAFF_IN_PARK_A),
    page("incubation:torch_xlsx", "GET", target=_torch("torch_xlsx"), expect=STAFF_IN_PARK_A),
    page("incubation:torch_sources", "GET", target=_torch("torch_sources", "admitted"), expect=STAFF_IN_PARK_A),
    # --- Applications and reviews ------------------------------------------------------------------------------
    page("incubation:application_list", "GET", target=ui("incubation:application_list"), expect=STAFF_ANY_PARK),
    page("incubation:application_create", "GET", target=ui("incubation:application_create"), expect=MANAGE_ANY),
    page("incubation:application_create", "POST", target=ui("incubation:application_create"), expect=MANAGE_ANY),
    page(
        "incubation:application_detail",
        "GET",
        target=ui("incubation:application_detail", pk(application), secret="矩阵微纳医疗"),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "incubation:application_attachment",
        "GET",
        target=ui("incubation:application_attachment", pk(application), pk(attachment)),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "incubation:application_attachment",
        "GET",
        target=lambda w: _without_its_file(w, ui("incubation:application_attachment", pk(application), pk(attachment))),
        expect=expect(STAFF_IN_PARK_A, alice=404, bob=404, carol=404),
        note="its file is gone: not found, not a server error",
    ),
    page(
        "incubation:application_action",
        "POST",
        target=ui("incubation:application_action", pk(application), "assign", watch=[application]),
        expect=ACT_A,
    ),
    # Only the assigned reviewer (bob) opens his review; for everyone else it does not exist.
    *[
        page(
            "incubation:application_review",
            method,
            target=ui("incubation:application_review", lambda w: review(w).application_id, watch=[review]),
            expect=expect(every(404), bob=200, erin=403, tina=403, anonymous=302),
        )
        for method in ("GET", "POST")
    ],
    # --- Records -----------------------------------------------------------------------------------------------
    page("incubation:record_list", "GET", target=ui("incubation:record_list"), expect=STAFF_ANY_PARK),
    page("incubation:record_detail", "GET", target=ui("incubation:record_detail", pk(record)), expect=STAFF_IN_PARK_A),
    page(
        "incubation:record_action",
        "POST",
        target=ui("incubation:record_action", pk(record), "advance", watch=[record]),
        expect=ACT_A,
    ),
    page("incubation:cohorts", "GET", target=ui("incubation:cohorts"), expect=STAFF_ANY_PARK),
    page("incubation:candidates", "GET", target=ui("incubation:candidates"), expect=STAFF_ANY_PARK),
    page(
        "incubation:enterprise_figures",
        "GET",
        target=ui("incubation:enterprise_figures", lambda w: w.enterprise_a().pk),
        expect=STAFF_IN_PARK_A,
    ),
    # One's own notifications: another's is not found.
    page(
        "incubation:notification_list",
        "GET",
        target=ui("incubation:notification_list"),
        expect=expect(every(200), anonymous=302),
    ),
    page(
        "incubation:notification_list",
        "POST",
        target=ui("incubation:notification_list", data=lambda w: {"id": notification(w).pk}, watch=[notification]),
        expect=expect(every(404), bob=302, anonymous=302),
    ),
    # --- The service desk --------------------------------------------------------------------------------------
    page("incubation:request_list", "GET", target=ui("incubation:request_list"), expect=STAFF_ANY_PARK),
    page("incubation:request_create", "GET", target=ui("incubation:request_create"), expect=MANAGE_ANY),
    page("incubation:request_create", "POST", target=ui("incubation:request_create"), expect=MANAGE_ANY),
    page(
        "incubation:request_detail",
        "GET",
        target=ui("incubation:request_detail", pk(service_request), secret="矩阵门禁故障"),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "incubation:request_attachment",
        "GET",
        target=ui("incubation:request_attachment", pk(service_request), pk(request_attachment)),
        expect=STAFF_IN_PARK_A,
    ),
    page(
        "incubation:request_action",
        "POST",
        target=ui("incubation:request_action", pk(service_request), "resolve", watch=[service_request]),
        expect=ACT_A,
    ),
    page("incubation:catalogue", "GET", target=ui("incubation:catalogue"), expect=STAFF_ANY_PARK),
    *[
        page(f"incubation:{kind}_create", method, target=ui(f"incubation:{kind}_create"), expect=MANAGE_ANY)
        for kind in ("offering", "provider")
        for method in ("GET", "POST")
    ],
    *[
        page(
            f"incubation:{kind}_update",
            method,
            target=ui(f"incubation:{kind}_update", pk(obj), watch=[obj]),
            expect=MANAGE_A,
        )
        for kind, obj in (("offering", offering), ("provider", provider))
        for method in ("GET", "POST")
    ],
    page("incubation:sla_dashboard", "GET", target=ui("incubation:sla_dashboard"), expect=STAFF_ANY_PARK),
    # --- Policy schemes, eligibility, early warning ------------------------------------------------------------
    *pages(
        "incubation:scheme",
        scheme,
        list_=STAFF_ANY_PARK,
        create=MANAGE_ANY,
        detail=STAFF_IN_PARK_A,
        secret="矩阵研发奖励",
        update=MANAGE_A,
    ),
    page(
        "incubation:scheme_application_create",
        "POST",
        target=ui("incubation:scheme_application_create", pk(scheme), watch=[scheme]),
        expect=ACT_A,
    ),
    page(
        "incubation:scheme_application_advance",
        "POST",
        target=ui("incubation:scheme_application_advance", pk(scheme_application), watch=[scheme_application]),
        expect=ACT_A,
    ),
    page("incubation:eligibility", "GET", target=ui("incubation:eligibility"), expect=STAFF_ANY_PARK),
    page("incubation:risk", "GET", target=ui("incubation:risk"), expect=STAFF_ANY_PARK),
    # --- The tenant's own pages --------------------------------------------------------------------------------
    page("incubation:tenant_requests", "GET", target=ui("incubation:tenant_requests"), expect=TENANT_ONLY),
    page("incubation:tenant_requests", "POST", target=ui("incubation:tenant_requests"), expect=TENANT_ONLY),
    page(
        "incubation:tenant_request_detail",
        "GET",
        target=ui("incubation:tenant_request_detail", pk(service_request), secret="矩阵门禁故障"),
        expect=TENANT_ONLY,
    ),
    page(
        "incubation:tenant_request_detail",
        "POST",
        target=ui(
            "incubation:tenant_request_detail",
            pk(service_request),
            data={"action": "message", "body": "矩阵补充说明"},  # no action at all is a 404 for everyone
            watch=[service_request],
        ),
        expect=expect(TENANT_ONLY, tina=302),
    ),
    page(
        "incubation:tenant_attachment",
        "GET",
        target=ui("incubation:tenant_attachment", pk(service_request), pk(request_attachment)),
        expect=TENANT_ONLY,
    ),
    page("incubation:tenant_programme", "GET", target=ui("incubation:tenant_programme"), expect=TENANT_ONLY),
    # --- API ---------------------------------------------------------------------------------------------------
    *resource("/api/incubation/programmes/", programme, list_=API_STAFF_ANY_PARK, detail=API_STAFF_IN_PARK_A),
    *resource("/api/incubation/applications/", application, list_=API_STAFF_ANY_PARK, detail=API_STAFF_IN_PARK_A),
    *resource("/api/incubation/records/", record, list_=API_STAFF_ANY_PARK, detail=API_STAFF_IN_PARK_A),
    *resource("/api/incubation/offerings/", offering, list_=API_STAFF_ANY_PARK, detail=API_STAFF_IN_PARK_A),
    *resource("/api/incubation/schemes/", scheme, list_=API_STAFF_ANY_PARK, detail=API_STAFF_IN_PARK_A),
    *resource(
        "/api/incubation/requests/",
        service_request,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=expect(API_MANAGE_A, alice=201, bob=201, dave=403),
        create_data=lambda w: {
            "offering": offering(w).pk,
            "enterprise": w.enterprise_a().pk,
            "subject": "矩阵API申请",
            "description": "矩阵",
        },
        create_watch=[service_request],
    ),
    operation(
        "POST",
        "/api/incubation/requests/{id}/message/",
        target=api("/api/incubation/requests/{id}/message/", service_request, data={"body": "矩阵回复"}),
        expect=API_MANAGE_A,
    ),
    operation(
        "POST",
        "/api/incubation/requests/{id}/resolve/",
        target=api("/api/incubation/requests/{id}/resolve/", service_request, data={"note": "矩阵已解决"}),
        expect=API_MANAGE_A,
    ),
    operation(
        "GET", "/api/incubation/sla-dashboard/", target=api("/api/incubation/sla-dashboard/"), expect=API_STAFF_ANY_PARK
    ),
    operation(
        "GET", "/api/incubation/eligibility/", target=api("/api/incubation/eligibility/"), expect=API_STAFF_ANY_PARK
    ),
    operation("GET", "/api/incubation/risk/", target=api("/api/incubation/risk/"), expect=API_STAFF_ANY_PARK),
]
