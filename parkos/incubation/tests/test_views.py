"""Pages: every persona's access to each page and action (status, and nothing changed on denial), tenant
isolation, the public application form's protections, private downloads."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from parkos.core.models import AuditEntry
from parkos.incubation import desk, services
from parkos.incubation.choices import ApplicationSource, AttachmentKind, RequestStatus, Visibility
from parkos.incubation.models import (
    AnnualReturn,
    Application,
    IncubationRecord,
    Scheme,
    SchemeCriterion,
    ServiceMessage,
    ServiceRequest,
)
from parkos.incubation.tests.conftest import pdf


@pytest.fixture
def application(programme):
    application, _created = services.application_submit(
        programme=programme,
        data=services.ApplicationInput(
            company_name="重庆微纳医疗科技有限公司",
            contact_name="张伟",
            contact_mobile="13800138000",
            project_summary="微流控芯片",
            company_registered=False,
            industry_code="3581",
        ),
        uploads=[services.Upload(AttachmentKind.BUSINESS_PLAN, pdf())],
        actor=None,
        source=ApplicationSource.PORTAL,
        consent=True,
    )
    return application


@pytest.fixture
def record(programme, tenant_x):
    return services.record_admit(
        programme=programme, enterprise=tenant_x, admitted_on=datetime.date(2025, 3, 1), actor=None
    )


@pytest.fixture
def request_x(offering, tenant_x, xavier):
    return desk.request_raise(
        park=offering.park,
        enterprise=tenant_x,
        offering=offering,
        subject="洁净间门禁故障",
        description="二楼洁净间门禁无法刷卡",
        actor=xavier,
        uploads=[desk.Upload(pdf("现场照片.pdf"))],
    )


@pytest.fixture
def request_y(offering, tenant_y, yvonne):
    return desk.request_raise(
        park=offering.park,
        enterprise=tenant_y,
        offering=offering,
        subject="乙方的机密申请",
        description="乙方",
        actor=yvonne,
    )


@pytest.fixture
def scheme(park_a):
    return services.scheme_save(
        scheme=Scheme(park=park_a, name="研发奖励", level="district"),
        rules=[services.RuleInput("employees", "lte", "100")],
        actor=None,
    )


def login(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Reading: staff of the park, not other parks, not tenants, not anonymous ------------------------


PAGES = [
    "incubation:overview",
    "incubation:programme_list",
    "incubation:application_list",
    "incubation:record_list",
    "incubation:cohorts",
    "incubation:candidates",
    "incubation:request_list",
    "incubation:catalogue",
    "incubation:sla_dashboard",
    "incubation:scheme_list",
    "incubation:eligibility",
    "incubation:risk",
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(("persona", "expected"), [("bob", 200), ("carol", 200), ("erin", 403), ("anonymous", 302)])
def test_staff_pages(client_for, programme, name, persona, expected):
    response = client_for(persona).get(reverse(name))
    assert response.status_code == expected


def test_the_financing_column_names_its_unit_in_the_readers_language(client_for, record):
    AnnualReturn.objects.create(record=record, year=2025, financing_wan=D(1500))
    client = client_for("bob")
    url = reverse("incubation:record_detail", args=[record.pk])
    page = client.get(url).content.decode()
    assert ("投融资（万元）" in page, '<td class="num">1,500.00</td>' in page) == (True, True)
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert ("Financing (CNY million)" in page, '<td class="num">15.00</td>' in page) == (True, True)
    assert "10k" not in page


DETAILS = [
    ("incubation:programme_detail", "programme"),
    ("incubation:application_detail", "application"),
    ("incubation:record_detail", "record"),
    ("incubation:request_detail", "request_x"),
    ("incubation:scheme_detail", "scheme"),
]


@pytest.mark.parametrize(("name", "fixture"), DETAILS)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("bob", 200), ("carol", 200), ("dave", 404), ("erin", 403), ("anonymous", 302)],
)
def test_detail_pages_are_scoped_to_the_park(request, client_for, name, fixture, persona, expected):
    obj = request.getfixturevalue(fixture)
    response = client_for(persona).get(reverse(name, args=[obj.pk]))
    assert response.status_code == expected
    if expected != 200:
        assert "微纳" not in response.content.decode()


# --- Writing: the services capability in the object's park; nothing changes on denial --------------


def _state(application: Application) -> tuple:
    application.refresh_from_db()
    return (application.status, application.reviews.count(), AuditEntry.objects.count())


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 302), ("bob", 302), ("carol", 403), ("dave", 404), ("erin", 403), ("anonymous", 302)],
)
def test_assigning_reviewers_needs_the_services_right_in_the_park(client_for, application, bob, persona, expected):
    before = _state(application)
    response = client_for(persona).post(
        reverse("incubation:application_action", args=[application.pk, "assign"]), {"reviewers": [bob.pk]}
    )
    assert response.status_code == expected
    if persona in ("alice", "bob"):
        assert application.reviews.get().reviewer == bob
    else:
        assert _state(application) == before


@pytest.mark.parametrize(("persona", "expected"), [("bob", 302), ("carol", 403), ("dave", 404), ("erin", 403)])
def test_resolving_a_request(client_for, request_x, persona, expected):
    before = (request_x.status, AuditEntry.objects.count())
    response = client_for(persona).post(
        reverse("incubation:request_action", args=[request_x.pk, "resolve"]), {"note": "已更换读卡器"}
    )
    assert response.status_code == expected
    request_x.refresh_from_db()
    if expected == 302:
        assert request_x.status == RequestStatus.RESOLVED
    else:
        assert (request_x.status, AuditEntry.objects.count()) == before


@pytest.mark.parametrize(("persona", "expected"), [("bob", 302), ("carol", 403), ("dave", 404)])
def test_graduating_a_record(client_for, record, persona, expected):
    response = client_for(persona).post(
        reverse("incubation:record_action", args=[record.pk, "graduate"]),
        {"basis": "high_tech", "on": "2025-12-01", "note": ""},
    )
    assert response.status_code == expected
    record.refresh_from_db()
    assert (record.stage == "graduated") is (expected == 302)


def test_only_the_assigned_reviewer_reaches_the_review_form(client_for, application, bob, carol):
    services.reviewers_assign(application=application, reviewers=[bob], actor=None)
    assert client_for("bob").get(reverse("incubation:application_review", args=[application.pk])).status_code == 200
    assert client_for("carol").get(reverse("incubation:application_review", args=[application.pk])).status_code == 404
    criteria = list(application.programme.rubric.all())
    response = client_for("bob").post(
        reverse("incubation:application_review", args=[application.pk]),
        {**{f"score_{c.pk}": "8" for c in criteria}, "recommendation": "admit", "comment": "团队扎实"},
    )
    assert response.status_code == 302
    assert application.reviews.get().scores.count() == 3


def test_a_reviewer_sees_the_others_only_after_submitting(client_for, application, bob, alice, carol):
    reviews = services.reviewers_assign(application=application, reviewers=[carol, alice], actor=None)
    criteria = list(application.programme.rubric.all())
    services.review_submit(
        review=reviews[1],
        data=services.ReviewInput(scores={c.pk: D(9) for c in criteria}, comment="非常出色"),
        actor=alice,
    )
    page = client_for("carol").get(reverse("incubation:application_detail", args=[application.pk])).content.decode()
    assert "非常出色" not in page
    assert "提交本人评审后" in page


def test_application_mobile_is_masked_without_the_contact_details_right(client_for, application):
    page = client_for("carol").get(reverse("incubation:application_detail", args=[application.pk])).content.decode()
    assert "13800138000" in page  # investment officers may see contact details: audited
    assert AuditEntry.objects.filter(action="view_personal_data", object_id=str(application.pk)).exists()


def test_services_officer_sees_the_mobile_masked(sam, application):
    page = login(sam).get(reverse("incubation:application_detail", args=[application.pk])).content.decode()
    assert "138****8000" in page
    assert "13800138000" not in page


# --- Private downloads ------------------------------------------------------------------------------


def test_business_plans_go_only_to_staff_of_the_park_and_are_never_rendered(client_for, application, xavier):
    attachment = application.attachments.get()
    url = reverse("incubation:application_attachment", args=[application.pk, attachment.pk])
    response = client_for("bob").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client_for("dave").get(url).status_code == 404
    assert client_for("erin").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302
    assert login(xavier).get(url).status_code == 403
    assert not attachment.file.name.startswith("media")


# --- Tenant isolation ---------------------------------------------------------------------------------


def test_a_tenant_sees_its_own_requests_and_nothing_of_another_enterprise(request_x, request_y, xavier, sam):
    desk.request_message(request=request_x, body="内部备注：供应商下周到场", actor=sam, visibility=Visibility.INTERNAL)
    desk.request_message(
        request=request_x,
        body="明天上午上门维修",
        actor=sam,
        uploads=[desk.Upload(pdf("维修单.pdf"), Visibility.INTERNAL)],
    )
    client = login(xavier)
    listing = client.get(reverse("incubation:tenant_requests")).content.decode()
    assert request_x.subject in listing
    assert request_y.subject not in listing
    detail = client.get(reverse("incubation:tenant_request_detail", args=[request_x.pk])).content.decode()
    assert "明天上午上门维修" in detail
    assert "内部备注" not in detail
    assert "维修单.pdf" not in detail  # an internal attachment
    # Another enterprise's request and files answer 404, as if they did not exist.
    assert client.get(reverse("incubation:tenant_request_detail", args=[request_y.pk])).status_code == 404
    internal = request_x.attachments.get(visibility=Visibility.INTERNAL)
    assert client.get(reverse("incubation:tenant_attachment", args=[request_x.pk, internal.pk])).status_code == 404
    public = request_x.attachments.get(visibility=Visibility.PUBLIC)
    assert client.get(reverse("incubation:tenant_attachment", args=[request_x.pk, public.pk])).status_code == 200
    before = ServiceMessage.objects.filter(request=request_y).count()
    response = client.post(
        reverse("incubation:tenant_request_detail", args=[request_y.pk]), {"action": "message", "body": "x"}
    )
    assert response.status_code == 404
    assert ServiceMessage.objects.filter(request=request_y).count() == before
    home = client.get("/").content.decode()
    assert request_x.subject in home
    assert request_y.subject not in home
    assert "重庆乙方" not in home
    # Staff pages and the API stay closed to tenants.
    assert client.get(reverse("incubation:request_list")).status_code == 403
    assert client.get(f"/api/incubation/requests/{request_x.pk}/").status_code == 403


def test_a_tenant_raises_rates_and_reopens_through_its_pages(offering, xavier, sam):
    client = login(xavier)
    response = client.post(
        reverse("incubation:tenant_requests"),
        {
            "offering": offering.pk,
            "subject": "空调不制冷",
            "description": "三楼研发室空调不制冷",
            "attachments": [pdf("照片.pdf")],
        },
    )
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.channel, request.raised_by, request.attachments.count()) == ("tenant", xavier, 1)
    desk.request_resolve(request=request, actor=sam, note="已维修")
    detail = reverse("incubation:tenant_request_detail", args=[request.pk])
    assert client.post(detail, {"action": "rate", "rating": "5", "comment": "很快"}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.rating) == (RequestStatus.CLOSED, 5)
    assert client.post(detail, {"action": "reopen", "reason": "又坏了"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_PROGRESS


def test_tenant_without_an_enterprise_is_refused_its_pages(erin):
    assert login(erin).get(reverse("incubation:tenant_requests")).status_code == 403


def test_tenant_programme_page(record, xavier):
    page = login(xavier).get(reverse("incubation:tenant_programme")).content.decode()
    assert "生物城孵化器" in page
    assert record.due_on.isoformat() in page


# --- The public application form ------------------------------------------------------------------------


def form_data(programme, **overrides):
    return {
        "programme": programme.pk,
        "company_name": "重庆睿影医学影像有限公司",
        "company_registered": "",
        "industry_code": "3581",
        "project_summary": "AI 辅助影像诊断",
        "team_size": "5",
        "patents": "1",
        "contact_name": "李娜",
        "contact_mobile": "13912345678",
        "consent": "on",
        "business_plan": pdf(),
        **overrides,
    }


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_public_application_is_accepted_with_csrf_and_shows_its_reference(programme):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("incubation:apply"))
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("incubation:apply"), {**form_data(programme), "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    application = Application.objects.get()
    assert application.reference in response.content.decode()
    assert application.source == ApplicationSource.PORTAL
    assert application.consent_at is not None
    assert Client(enforce_csrf_checks=True).post(reverse("incubation:apply"), form_data(programme)).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"website": "http://spam.example"}, "提交未通过校验"),
        ({"consent": ""}, "请勾选同意"),
        ({"business_plan": ""}, "请上传商业计划书"),
        ({"contact_mobile": "12345"}, "手机"),
    ],
)
def test_public_application_refusals_store_nothing(programme, overrides, fragment):
    data = form_data(programme, **overrides)
    if data["business_plan"] == "":
        data.pop("business_plan")
    response = Client().post(reverse("incubation:apply"), data)
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not Application.objects.exists()


def test_a_disguised_executable_is_refused(programme):
    response = Client().post(
        reverse("incubation:apply"),
        form_data(programme, business_plan=ContentFile(b"MZ\x90\x00", name="商业计划书.pdf")),
    )
    assert response.status_code == 400
    assert "不支持的文件类型" in response.content.decode()
    assert not Application.objects.exists()


def test_public_application_rate_limit_per_address(programme, monkeypatch):
    monkeypatch.setenv("INCUBATION_FORM_IP_LIMIT", "2")
    client = Client()
    statuses = [
        client.post(reverse("incubation:apply"), form_data(programme, contact_mobile=f"1391234567{i}")).status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Application.objects.count() == 2


def test_records_list_shows_overdue(client_for, programme, tenant_x):
    services.record_admit(programme=programme, enterprise=tenant_x, admitted_on=datetime.date(2019, 1, 1), actor=None)
    page = client_for("bob").get(reverse("incubation:record_list") + "?overdue=true").content.decode()
    assert tenant_x.name in page
    assert "超期在孵" in page
    assert IncubationRecord.objects.count() == 1


# --- A stored rule that no longer parses --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "invalid", "reason"),
    [("zh-hans", "规则有误", "请填写数值"), ("en", "Rule is invalid", "Please enter a number")],
)
def test_a_broken_stored_rule_reads_invalid_and_the_officer_fixes_it(
    bob, xavier, tenant_x, park_a, language, invalid, reason
):
    scheme = services.scheme_save(
        scheme=Scheme(park=park_a, name="小微企业补贴", level="district"), rules=[], actor=None
    )
    # Written around the form, as an older grammar or a hand-made row leaves it.
    SchemeCriterion.objects.create(scheme=scheme, fact="employees", operator="lte", value="一百人")
    staff = login(bob)
    staff.cookies["django_language"] = language
    detail = staff.get(reverse("incubation:scheme_detail", args=[scheme.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert invalid in page
    assert reason in page
    assert tenant_x.name not in page.split('data-testid="eligible"')[1].split("</section>")[0]
    tenant = login(xavier)
    tenant.cookies["django_language"] = language
    home = tenant.get("/")
    assert home.status_code == 200
    assert invalid in home.content.decode()
    assert reason not in home.content.decode()
    edit = staff.get(reverse("incubation:scheme_update", args=[scheme.pk])).content.decode()
    assert 'data-testid="stored-rule-problem"' in edit
    assert reason in edit
    fixed = staff.post(
        reverse("incubation:scheme_update", args=[scheme.pk]),
        {
            "name": scheme.name,
            "level": scheme.level,
            "park": park_a.pk,
            "rules-TOTAL_FORMS": 1,
            "rules-INITIAL_FORMS": 1,
            "rules-0-fact": "employees",
            "rules-0-operator": "lte",
            "rules-0-value": "100",
        },
    )
    assert fixed.status_code == 302, fixed.content.decode()[:2000]
    assert list(scheme.criteria.values_list("fact", "operator", "value")) == [("employees", "lte", "100")]
    assert invalid not in staff.get(reverse("incubation:scheme_detail", args=[scheme.pk])).content.decode()
