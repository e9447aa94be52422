"""Authorization cases of the innovation app: every page and API operation (structure: tests/authz/framework.py).

Objects live in park A: a construction project of tina's enterprise (with a photo and an open issue),
a product, a milestone, 产学研 records (agreement, joint project, platform, transfer) with a partner
institution (operator-wide), a fund's stake and bob's import job. Reading needs a staff role in the park;
projects are changed with MANAGE_PROJECTS (alice, bob, carol), pipelines, milestones and 产学研 with
MANAGE_SERVICES (alice, bob), and the operator's stakes — reading included — need MANAGE_STAKES (alice, bob).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from parkos.core.models import ImportJob
from parkos.innovation.importing import IMPORTER
from parkos.innovation.models import (
    Agreement,
    JointProject,
    Milestone,
    Platform,
    Product,
    Project,
    ProjectIssue,
    ProjectPhoto,
    Stake,
    StakeInvestment,
    TechTransfer,
)
from parkos.innovation.tests.factories import (
    FundFactory,
    InstitutionFactory,
    MilestoneFactory,
    ProductFactory,
    ProjectFactory,
    StakeFactory,
)
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    API_STAFF_IN_PARK_A,
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

ON = datetime.date(2025, 6, 1)
# Projects: MANAGE_PROJECTS (alice, bob, carol); dave's role has it not.
PROJECTS_NEW = expect(STAFF_ANY_PARK, dave=403)
# Pipelines, milestones, 产学研: MANAGE_SERVICES (alice, bob).
SERVICES_A = expect(STAFF_IN_PARK_A, carol=403)
SERVICES_NEW = expect(STAFF_ANY_PARK, carol=403, dave=403)
# A step (a POST-only form on an object): done or refused with a message, back to the object's page.
STEP_A = expect(STAFF_IN_PARK_A, alice=302, bob=302, carol=302)
SERVICES_STEP_A = expect(STEP_A, carol=403)
# The portfolio is confidential: MANAGE_STAKES (alice, bob) before anything else, the park after.
STAKES = expect(every(403), alice=200, bob=200, anonymous=302)
STAKES_A = expect(STAKES, dave=403)
STAKES_STEP_A = expect(STAKES_A, alice=302, bob=302)
API_SERVICES_A = expect(API_STAFF_IN_PARK_A, carol=403)
API_STAKES = expect(every(403), alice=200, bob=200)
# Creating (the park is in the payload): the right first — dave's role has it not (403, not 404).
API_SERVICES_NEW = expect(API_SERVICES_A, alice=201, bob=201, dave=403)


def project(w: World) -> Project:
    return w.get(
        "innovation_project_a",
        lambda w: ProjectFactory(park=w.park_a, enterprise=w.enterprise_a(), name="矩阵建设项目"),
    )


def photo(w: World) -> ProjectPhoto:
    return w.get(
        "innovation_photo_a",
        lambda w: ProjectPhoto.objects.create(
            project=project(w), taken_on=ON, image=ContentFile(b"\x89PNG\r\n\x1a\n", name="matrix.png")
        ),
    )


def _without_its_file(w: World, target):
    photo(w).image.delete(save=False)
    return target(w)


def issue(w: World) -> ProjectIssue:
    return w.get(
        "innovation_issue_a",
        lambda w: ProjectIssue.objects.create(
            project=project(w), raised_on=ON, problem="矩阵问题", owner="园区", due_on=ON + datetime.timedelta(days=30)
        ),
    )


def product(w: World) -> Product:
    return w.get(
        "innovation_product_a",
        lambda w: ProductFactory(
            park=w.park_a, enterprise=w.enterprise_a(), name="矩阵注射液", history=[(ON, "ind_filed")]
        ),
    )


def milestone(w: World) -> Milestone:
    return w.get("innovation_milestone_a", lambda w: MilestoneFactory(park=w.park_a, enterprise=w.enterprise_a()))


def institution(w: World):
    return w.get("innovation_institution", lambda w: InstitutionFactory(name="矩阵医科大学"))


def agreement(w: World) -> Agreement:
    return w.get(
        "innovation_agreement_a",
        lambda w: Agreement.objects.create(
            park=w.park_a, institution=institution(w), enterprise=w.enterprise_a(), title="矩阵协议", kind="strategic",
            signed_on=ON,
        ),
    )  # fmt: skip


def joint_project(w: World) -> JointProject:
    return w.get(
        "innovation_joint_project_a",
        lambda w: JointProject.objects.create(
            park=w.park_a, institution=institution(w), enterprise=w.enterprise_a(), title="矩阵联合攻关", started_on=ON
        ),
    )


def platform(w: World) -> Platform:
    return w.get(
        "innovation_platform_a",
        lambda w: Platform.objects.create(
            park=w.park_a, name="矩阵中试平台", kind="pilot_gmp", institution=institution(w)
        ),
    )


def transfer(w: World) -> TechTransfer:
    return w.get(
        "innovation_transfer_a",
        lambda w: TechTransfer.objects.create(
            park=w.park_a, kind="licence", institution=institution(w), enterprise=w.enterprise_a(), ip="ZL2025矩阵",
            amount=Decimal(100000), signed_on=ON,
        ),
    )  # fmt: skip


def fund(w: World):
    return w.get("innovation_fund", lambda w: FundFactory(name="矩阵产业基金"))


def stake(w: World) -> Stake:
    """A holding of park A with its first investment."""

    def build(w: World) -> Stake:
        held = StakeFactory(fund=fund(w), enterprise=w.enterprise_a(), park=w.park_a)
        StakeInvestment.objects.create(stake=held, kind="initial", on=ON, amount=Decimal(1000000))
        return held

    return w.get("innovation_stake_a", build)


def import_job(w: World) -> ImportJob:
    return w.get(
        "innovation_import_job_bob",
        lambda w: ImportJob.objects.create(
            importer=IMPORTER,
            original_name="矩阵创新导入.xlsx",
            options={"park": w.park_a.pk},
            created_by=w.users["bob"],
            status="done",
        ),
    )


def _in_park_a(**fields):
    """A create payload in park A for tina's enterprise (values may be functions of the World)."""
    return lambda w: {
        "park": w.park_a.pk,
        "enterprise": w.enterprise_a().pk,
        **{k: v(w) if callable(v) else v for k, v in fields.items()},
    }


CASES = [
    page("innovation:overview", "GET", target=ui("innovation:overview"), expect=STAFF_ANY_PARK),
    # --- Projects --------------------------------------------------------------------------------------------
    *pages(
        "innovation:project",
        project,
        list_=STAFF_ANY_PARK,
        create=PROJECTS_NEW,
        detail=STAFF_IN_PARK_A,
        secret="矩阵建设项目",
        update=STAFF_IN_PARK_A,
        update_post=expect(STAFF_IN_PARK_A, dave=403),  # a form's POST checks the right before the object
    ),
    page(
        "innovation:project_phase",
        "POST",
        target=ui(
            "innovation:project_phase",
            pk(project),
            data={"phase": "started", "actual_on": "2025-06-01"},
            watch=[project],
        ),
        expect=STEP_A,
    ),
    page(
        "innovation:project_progress",
        "POST",
        target=ui(
            "innovation:project_progress",
            pk(project),
            data={"year": 2025, "month": 6, "construction": "1000"},
            watch=[project],
        ),
        expect=STEP_A,
    ),
    page(
        "innovation:project_photo_add",
        "POST",
        target=ui("innovation:project_photo_add", pk(project), watch=[photo]),
        expect=STEP_A,
    ),
    page(
        "innovation:project_issue_add",
        "POST",
        target=ui(
            "innovation:project_issue_add",
            pk(project),
            data={"raised_on": "2025-06-01", "problem": "矩阵", "owner": "园区", "due_on": "2025-07-01"},
            watch=[issue],
        ),
        expect=STEP_A,
    ),
    page(
        "innovation:project_issue_close",
        "POST",
        target=ui(
            "innovation:project_issue_close",
            pk(issue),
            data={"status": "resolved", "resolution": "矩阵"},
            watch=[issue],
        ),
        expect=STEP_A,
    ),
    page("innovation:project_photo", "GET", target=ui("innovation:project_photo", pk(photo)), expect=STAFF_IN_PARK_A),
    page(
        "innovation:project_photo",
        "GET",
        target=lambda w: _without_its_file(w, ui("innovation:project_photo", pk(photo))),
        expect=expect(STAFF_IN_PARK_A, alice=404, bob=404, carol=404),
        note="its file is gone: not found, not a server error",
    ),
    # --- Products and the pipeline ---------------------------------------------------------------------------
    *pages(
        "innovation:product",
        product,
        list_=STAFF_ANY_PARK,
        create=SERVICES_NEW,
        detail=STAFF_IN_PARK_A,
        secret="矩阵注射液",
        update=SERVICES_A,
        update_post=SERVICES_NEW,
    ),
    page(
        "innovation:product_stage",
        "POST",
        target=ui(
            "innovation:product_stage", pk(product), data={"stage": "phase1", "on": "2025-07-01"}, watch=[product]
        ),
        expect=SERVICES_STEP_A,
    ),
    page(
        "innovation:product_partner",
        "POST",
        target=ui(
            "innovation:product_partner",
            pk(product),
            data={"role": "cro", "name": "矩阵CRO", "since": "2025-01-01"},
            watch=[product],
        ),
        expect=SERVICES_STEP_A,
    ),
    page("innovation:pipeline", "GET", target=ui("innovation:pipeline"), expect=STAFF_ANY_PARK),
    # --- Milestones and the timeline -------------------------------------------------------------------------
    *pages(
        "innovation:milestone",
        milestone,
        list_=STAFF_ANY_PARK,
        create=SERVICES_NEW,
        update=SERVICES_A,
        update_post=SERVICES_NEW,
    ),
    # The enterprise registry is operator-wide; the timeline shows only the events of one's parks.
    page(
        "innovation:enterprise_timeline",
        "GET",
        target=ui("innovation:enterprise_timeline", lambda w: milestone(w).enterprise_id),
        expect=STAFF_ANY_PARK,
    ),
    # --- 产学研 ----------------------------------------------------------------------------------------------
    page("innovation:cooperation", "GET", target=ui("innovation:cooperation"), expect=STAFF_ANY_PARK),
    *[
        case
        for name in ("agreement_create", "joint_project_create", "platform_create", "transfer_create")
        for case in (
            page(f"innovation:{name}", "GET", target=ui(f"innovation:{name}"), expect=SERVICES_NEW),
            page(f"innovation:{name}", "POST", target=ui(f"innovation:{name}"), expect=SERVICES_NEW),
        )
    ],
    page(
        "innovation:platform_use",
        "POST",
        target=ui(
            "innovation:platform_use",
            pk(platform),
            data=lambda w: {"enterprise": w.enterprise_a().pk, "since": "2025-01-01"},
            watch=[platform],
        ),
        expect=SERVICES_STEP_A,
    ),
    # Partner institutions are operator-wide: any staff reads them, MANAGE_SERVICES changes them.
    *pages(
        "innovation:institution",
        institution,
        list_=STAFF_ANY_PARK,
        create=SERVICES_NEW,
        detail=STAFF_ANY_PARK,
        update=SERVICES_NEW,
    ),
    page(
        "innovation:institution_contact",
        "POST",
        target=ui("innovation:institution_contact", pk(institution), data={"name": "矩阵联系人"}, watch=[institution]),
        expect=expect(SERVICES_NEW, alice=302, bob=302),
    ),
    # --- Import ----------------------------------------------------------------------------------------------
    page("innovation:import", "GET", target=ui("innovation:import"), expect=STAFF_ANY_PARK),
    page("innovation:import", "POST", target=ui("innovation:import"), expect=STAFF_ANY_PARK),
    page("innovation:import_template", "GET", target=ui("innovation:import_template"), expect=STAFF_ANY_PARK),
    page(
        "innovation:import_job",
        "GET",
        target=ui("innovation:import_job", pk(import_job), secret="矩阵创新导入.xlsx"),
        expect=STAFF_IN_PARK_A,
    ),
    # --- 投资孵化 --------------------------------------------------------------------------------------------
    page("innovation:portfolio", "GET", target=ui("innovation:portfolio"), expect=STAKES),
    page("innovation:stake_create", "GET", target=ui("innovation:stake_create"), expect=STAKES),
    page("innovation:stake_create", "POST", target=ui("innovation:stake_create", watch=[stake]), expect=STAKES),
    page("innovation:stake_detail", "GET", target=ui("innovation:stake_detail", pk(stake)), expect=STAKES_A),
    page(
        "innovation:stake_invest",
        "POST",
        target=ui(
            "innovation:stake_invest",
            pk(stake),
            data={"kind": "follow_on", "on": "2025-06-01", "amount": "1"},
            watch=[stake],
        ),
        expect=STAKES_STEP_A,
    ),
    page(
        "innovation:stake_mark",
        "POST",
        target=ui(
            "innovation:stake_mark",
            pk(stake),
            data={"on": "2025-06-01", "fair_value": "1", "method": "model"},
            watch=[stake],
        ),
        expect=STAKES_STEP_A,
    ),
    page(
        "innovation:stake_exit",
        "POST",
        target=ui(
            "innovation:stake_exit",
            pk(stake),
            data={"kind": "write_off", "on": "2025-06-01", "proceeds": "0"},
            watch=[stake],
        ),
        expect=STAKES_STEP_A,
    ),
    # --- API -------------------------------------------------------------------------------------------------
    *resource(
        "/api/innovation/projects/",
        project,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=expect(API_STAFF_IN_PARK_A, alice=201, bob=201, carol=201, dave=403),
        create_data=_in_park_a(name="矩阵新项目", kind="industrial", planned_investment="1000000.00"),
        create_watch=[project],
        update=API_STAFF_IN_PARK_A,
        update_data={"name": "改名项目"},
        replace=expect(API_STAFF_IN_PARK_A, alice=400, bob=400, carol=400),
        replace_data={"name": "改名项目"},
    ),
    operation(
        "POST",
        "/api/innovation/projects/{id}/phase/",
        target=api(
            "/api/innovation/projects/{id}/phase/", project, data={"phase": "started", "actual_on": "2025-06-01"}
        ),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "GET",
        "/api/innovation/projects/{id}/progress/",
        target=api("/api/innovation/projects/{id}/progress/", project),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation(
        "POST",
        "/api/innovation/projects/{id}/progress/",
        target=api(
            "/api/innovation/projects/{id}/progress/", project, data={"year": 2025, "month": 6, "construction": "1"}
        ),
        expect=expect(API_STAFF_IN_PARK_A, alice=201, bob=201, carol=201),
    ),
    *resource(
        "/api/innovation/products/",
        product,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=API_SERVICES_NEW,
        create_data=_in_park_a(
            name="矩阵新药",
            kind="drug",
            drug_family="chemical",
            drug_category="1",
            initial_stage="preclinical",
            initial_stage_on="2025-01-10",
        ),
        create_watch=[product],
        update=API_SERVICES_A,
        update_data={"name": "改名产品"},
        replace=expect(API_SERVICES_A, alice=400, bob=400),
        replace_data={"name": "改名产品"},
    ),
    operation(
        "POST",
        "/api/innovation/products/{id}/stage/",
        target=api("/api/innovation/products/{id}/stage/", product, data={"stage": "phase1", "on": "2025-07-01"}),
        expect=expect(API_SERVICES_A, alice=201, bob=201),
    ),
    operation(
        "GET",
        "/api/innovation/products/{id}/stages/",
        target=api("/api/innovation/products/{id}/stages/", product),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation("GET", "/api/innovation/pipeline/", target=api("/api/innovation/pipeline/"), expect=API_STAFF_ANY_PARK),
    *resource(
        "/api/innovation/milestones/",
        milestone,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=API_SERVICES_NEW,
        create_data=_in_park_a(kind="financing", on="2025-05-01", financing_round="b"),
        create_watch=[milestone],
        update=API_SERVICES_A,
        update_data={"note": "矩阵"},
        replace=expect(API_SERVICES_A, alice=400, bob=400),
        replace_data={"note": "矩阵"},
    ),
    operation(
        "GET",
        "/api/innovation/enterprises/{id}/timeline/",
        target=lambda w: api(f"/api/innovation/enterprises/{w.enterprise_a().pk}/timeline/")(w),
        expect=API_STAFF_ANY_PARK,
    ),
    *resource(
        "/api/innovation/institutions/",
        institution,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_ANY_PARK,
        create=expect(API_STAFF_ANY_PARK, alice=201, bob=201, carol=403, dave=403),
        create_data={"name": "矩阵新研究院", "kind": "research_institute"},
        create_watch=[institution],
        update=expect(API_STAFF_ANY_PARK, carol=403, dave=403),
        update_data={"note": "矩阵"},
        replace=expect(API_STAFF_ANY_PARK, alice=400, bob=400, carol=403, dave=403),
        replace_data={"note": "矩阵"},
    ),
    *resource(
        "/api/innovation/agreements/",
        agreement,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=API_SERVICES_NEW,
        create_data=_in_park_a(
            institution=lambda w: institution(w).pk, title="矩阵新协议", kind="clinical", signed_on="2025-03-01"
        ),
        create_watch=[agreement],
    ),
    *resource(
        "/api/innovation/joint-projects/",
        joint_project,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=API_SERVICES_NEW,
        create_data=_in_park_a(institution=lambda w: institution(w).pk, title="矩阵新攻关", started_on="2025-03-01"),
        create_watch=[joint_project],
    ),
    *resource(
        "/api/innovation/platforms/",
        platform,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=API_SERVICES_NEW,
        create_data=lambda w: {"park": w.park_a.pk, "name": "矩阵新平台", "kind": "testing"},
        create_watch=[platform],
    ),
    *resource(
        "/api/innovation/tech-transfers/",
        transfer,
        list_=API_STAFF_ANY_PARK,
        detail=API_STAFF_IN_PARK_A,
        create=API_SERVICES_NEW,
        create_data=_in_park_a(
            kind="assignment",
            institution=lambda w: institution(w).pk,
            ip="ZL2025新",
            amount="1000.00",
            signed_on="2025-03-01",
        ),
        create_watch=[transfer],
    ),
    # --- 投资孵化 (API) --------------------------------------------------------------------------------------
    *resource(
        "/api/innovation/funds/",
        fund,
        list_=API_STAKES,
        detail=API_STAKES,
        create=expect(API_STAKES, alice=201, bob=201),
        create_data={"name": "矩阵新基金", "kind": "fund"},
        create_watch=[fund],
    ),
    *resource("/api/innovation/stakes/", stake, list_=API_STAKES, detail=expect(API_STAKES, dave=403)),
    operation(
        "POST",
        "/api/innovation/stakes/invest/",
        target=api(
            "/api/innovation/stakes/invest/",
            data=lambda w: {
                "fund": fund(w).pk,
                "enterprise": w.enterprise_a().pk,
                "park": w.park_a.pk,
                "kind": "initial",
                "on": "2025-01-01",
                "amount": "1000.00",
            },
            watch=[stake],
        ),
        expect=expect(API_STAKES, alice=201, bob=201),
    ),
    operation(
        "POST",
        "/api/innovation/stakes/{id}/mark/",
        target=api(
            "/api/innovation/stakes/{id}/mark/", stake, data={"on": "2025-06-01", "fair_value": "1", "method": "model"}
        ),
        expect=expect(API_STAKES, alice=201, bob=201, dave=403),
    ),
    operation(
        "POST",
        "/api/innovation/stakes/{id}/exit/",
        target=api(
            "/api/innovation/stakes/{id}/exit/", stake, data={"kind": "write_off", "on": "2025-06-01", "proceeds": "0"}
        ),
        expect=expect(API_STAKES, alice=201, bob=201, dave=403),
    ),
    operation("GET", "/api/innovation/portfolio/", target=api("/api/innovation/portfolio/"), expect=API_STAKES),
]
