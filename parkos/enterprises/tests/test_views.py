import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parkos.accounts.tests.factories import UserFactory
from parkos.core.models import AuditAction, AuditEntry, ImportJob, ImportStatus
from parkos.enterprises.models import Contact, Enterprise
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(park_a):
    enterprise = EnterpriseFactory(name="重庆博腾医疗器械有限公司", parks=[park_a])
    ContactFactory(enterprise=enterprise)
    return enterprise


def _client(client_for, personas, name, extra):
    if name in extra:
        client = Client()
        client.force_login(extra[name])
        return client
    return client_for(name)


@pytest.fixture
def who(client_for, personas, sam, frank):
    return lambda name: _client(client_for, personas, name, {"sam": sam, "frank": frank})


# role → expected status for: list, detail, create form POST, import page
MATRIX = {
    "alice": (200, 200, 302, 200),
    "bob": (200, 200, 302, 200),
    "carol": (200, 200, 302, 200),
    "dave": (200, 200, 302, 200),
    "sam": (200, 200, 302, 403),
    "frank": (200, 200, 403, 403),
    "erin": (403, 403, 403, 403),
    "anonymous": (302, 302, 302, 302),
}


@pytest.mark.parametrize("name", list(MATRIX))
def test_authorization_matrix(who, tenant, name):
    client = who(name)
    expected = MATRIX[name]
    before = Enterprise.objects.count()
    assert client.get(reverse("enterprises:enterprise_list")).status_code == expected[0]
    assert client.get(reverse("enterprises:enterprise_detail", args=[tenant.pk])).status_code == expected[1]
    response = client.post(
        reverse("enterprises:enterprise_create"),
        {"name": f"{name}的新企业", "listing_status": "unlisted", "lifecycle": "prospect", "legal_form": "limited"},
    )
    assert response.status_code == expected[2]
    assert Enterprise.objects.count() == before + (1 if expected[2] == 302 and name != "anonymous" else 0)
    assert client.get(reverse("enterprises:import")).status_code == expected[3]


@pytest.mark.parametrize(
    ("name", "visible"),
    [("alice", True), ("bob", True), ("carol", True), ("dave", False), ("sam", False), ("frank", False)],
)
def test_contact_masked_unless_right_and_park(who, tenant, name, visible):
    response = who(name).get(reverse("enterprises:enterprise_detail", args=[tenant.pk]))
    content = response.content.decode()
    assert ("13800138000" in content) is visible
    assert ("138****8000" in content) is not visible
    views = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL_DATA)
    assert views.count() == (1 if visible else 0)
    if visible:
        assert views.get().actor.username == name


def test_panels_without_data_say_so(client_for, tenant):
    content = client_for("carol").get(reverse("enterprises:enterprise_detail", args=[tenant.pk])).content.decode()
    for title in ("招商线索", "合同", "企业服务", "统计数据", "项目、研发与里程碑", "账单与欠费"):
        assert title in content
    assert content.count("暂无数据") == 6


def test_list_search_and_htmx_partial(client_for, tenant):
    EnterpriseFactory(name="成都华康生物医药有限公司", business_scope="生物药品研发", industry_code="2761")
    client = client_for("carol")
    response = client.get(reverse("enterprises:enterprise_list"), {"q": "医疗器械"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "重庆博腾医疗器械有限公司" in content
    assert "成都华康" not in content
    assert "<html" not in content
    assert "重庆博腾" in client.get(reverse("enterprises:enterprise_list"), {"mobile": "13800138000"}).content.decode()
    assert "重庆博腾" in client.get(reverse("enterprises:enterprise_list"), {"q": "138 0013 8000"}).content.decode()
    assert (
        "重庆博腾"
        in client.get(reverse("enterprises:enterprise_list"), {"credit_code": tenant.credit_code[:8]}).content.decode()
    )
    assert "成都华康" not in client.get(reverse("enterprises:enterprise_list"), {"industry": "C35"}).content.decode()


def test_list_query_count_is_bounded(client_for, django_assert_max_num_queries):
    for _ in range(30):
        EnterpriseFactory()
    client = client_for("bob")
    with django_assert_max_num_queries(12):
        client.get(reverse("enterprises:enterprise_list"))


def test_create_form_shows_chinese_errors(client_for):
    response = client_for("carol").post(
        reverse("enterprises:enterprise_create"),
        {
            "name": "甲",
            "credit_code": "91110000600037341N",
            "industry_code": "F2710",
            "listing_status": "unlisted",
            "lifecycle": "prospect",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "校验位不正确" in content
    assert "门类" in content
    assert not Enterprise.objects.exists()


def test_edit_keeps_parks_outside_editor_scope(client_for, park_a, park_b):
    enterprise = EnterpriseFactory(parks=[park_a, park_b])
    response = client_for("carol").post(
        reverse("enterprises:enterprise_update", args=[enterprise.pk]),
        {
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "listing_status": "unlisted",
            "lifecycle": "tenant",
        },
    )
    assert response.status_code == 302
    assert set(enterprise.parks.all()) == {park_b}


def test_erase_and_export_need_the_right(who, tenant):
    contact = tenant.contacts.get()
    assert who("sam").post(reverse("enterprises:contact_erase", args=[contact.pk])).status_code == 404
    assert who("dave").get(reverse("enterprises:contact_export", args=[contact.pk])).status_code == 404
    contact.refresh_from_db()
    assert contact.erased_at is None
    response = who("carol").get(reverse("enterprises:contact_export", args=[contact.pk]))
    assert response.json()["mobile"] == "+8613800138000"
    assert who("carol").post(reverse("enterprises:contact_erase", args=[contact.pk])).status_code == 302
    contact.refresh_from_db()
    assert contact.erased_at is not None
    assert contact.mobile == ""


def test_add_contact(client_for, tenant):
    response = client_for("bob").post(
        reverse("enterprises:contact_create", args=[tenant.pk]), {"name": "李娜", "mobile": "139-0013-9000"}
    )
    assert response.status_code == 302
    assert Contact.objects.get(name="李娜").mobile == "+8613900139000"
    response = client_for("bob").post(
        reverse("enterprises:contact_create", args=[tenant.pk]), {"name": "王", "mobile": "123"}
    )
    assert response.status_code == 400


def test_import_upload_runs_in_background_and_reports(client_for, django_capture_on_commit_callbacks):
    data = "企业名称,统一社会信用代码\n重庆甲科技有限公司,91110000600037341L\n重庆乙科技有限公司,91110000600037341N\n"
    upload = SimpleUploadedFile("a.csv", data.encode("utf-8"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("carol").post(reverse("enterprises:import"), {"file": upload, "mode": "valid_rows"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("enterprises:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.rows_ok, job.rows_failed) == (ImportStatus.DONE, 1, 1)
    page = client_for("carol").get(reverse("enterprises:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "校验位不正确" in page.content.decode()
    report = client_for("carol").get(reverse("enterprises:import_report", args=[job.pk]))
    assert report.status_code == 200
    # Another officer does not see carol's job; admins do.
    assert client_for("bob").get(reverse("enterprises:import_detail", args=[job.pk])).status_code == 404
    assert client_for("alice").get(reverse("enterprises:import_detail", args=[job.pk])).status_code == 200


def test_dedup_review_and_merge(client_for, who):
    keep = EnterpriseFactory(name="重庆博腾医疗器械有限公司")
    dup = EnterpriseFactory(name="重庆博腾医疗器械有限责任公司", credit_code=None)
    client = client_for("carol")
    assert "重庆博腾医疗器械有限责任公司" in client.get(reverse("enterprises:dedup")).content.decode()
    response = client.post(reverse("enterprises:dedup"), {"keep": keep.pk, "merge": dup.pk})
    assert response.status_code == 302
    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert who("frank").post(reverse("enterprises:dedup"), {"keep": keep.pk, "merge": dup.pk}).status_code == 403


def test_enterprise_user_sees_nothing(client_for, tenant):
    user = UserFactory(role="enterprise_user")

    client = Client()
    client.force_login(user)
    assert client.get(reverse("enterprises:enterprise_detail", args=[tenant.pk])).status_code == 403
