import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from parkos.core.models import AuditAction, AuditEntry, ImportJob
from parkos.enterprises.models import Enterprise
from parkos.enterprises.tests.factories import ContactFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(park_a):
    enterprise = EnterpriseFactory(name="重庆博腾医疗器械有限公司", parks=[park_a])
    ContactFactory(enterprise=enterprise)
    return enterprise


@pytest.mark.parametrize(
    ("name", "status"), [("alice", 200), ("carol", 200), ("dave", 200), ("erin", 403), ("anonymous", 403)]
)
def test_list(client_for, tenant, name, status):
    response = client_for(name).get("/api/enterprises/enterprises/", {"q": "医疗器械"})
    assert response.status_code == status
    if status == 200:
        assert [r["name"] for r in response.json()["results"]] == [tenant.name]


@pytest.mark.parametrize(("name", "status"), [("carol", 201), ("erin", 403), ("anonymous", 403)])
def test_create(client_for, name, status):
    response = client_for(name).post(
        "/api/enterprises/enterprises/",
        {
            "name": "重庆新企业科技有限公司",
            "credit_code": "91110000600037341L",
            "industry_code": "C3581",
            "tags": ["重点招商"],
        },
        content_type="application/json",
    )
    assert response.status_code == status
    assert Enterprise.objects.count() == (1 if status == 201 else 0)
    if status == 201:
        assert response.json()["industry_code"] == "3581"
        assert response.json()["tags"] == ["重点招商"]


def test_create_rejects_bad_code_with_chinese_detail(client_for):
    response = client_for("carol").post(
        "/api/enterprises/enterprises/",
        {"name": "甲", "credit_code": "91110000600037341N"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "校验位不正确" in response.json()["errors"]["credit_code"][0]


def test_facilities_cannot_write(client_for, frank, tenant):

    client = Client()
    client.force_login(frank)
    response = client.patch(
        f"/api/enterprises/enterprises/{tenant.pk}/", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 403
    tenant.refresh_from_db()
    assert tenant.name == "重庆博腾医疗器械有限公司"


@pytest.mark.parametrize(("name", "masked"), [("alice", False), ("carol", False), ("dave", True)])
def test_contacts_masked_and_audited(client_for, tenant, name, masked):
    response = client_for(name).get(f"/api/enterprises/enterprises/{tenant.pk}/contacts/")
    assert response.status_code == 200
    contact = response.json()[0]
    assert contact["masked"] is masked
    assert contact["mobile"] == ("138****8000" if masked else "+8613800138000")
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL_DATA).count() == (0 if masked else 1)


def test_import_job_upload(client_for, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("a.csv", "企业名称\n重庆甲科技有限公司\n".encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("carol").post("/api/enterprises/import-jobs/", {"file": upload, "mode": "valid_rows"})
    assert response.status_code == 201
    job_id = response.json()["id"]
    data = client_for("carol").get(f"/api/enterprises/import-jobs/{job_id}/").json()
    assert (data["status"], data["rows_ok"]) == ("done", 1)
    assert ImportJob.objects.count() == 1


def test_import_job_needs_import_right(sam):

    client = Client()
    client.force_login(sam)
    upload = SimpleUploadedFile("a.csv", "企业名称\n甲\n".encode(), content_type="text/csv")
    assert client.post("/api/enterprises/import-jobs/", {"file": upload}).status_code == 403
    assert not ImportJob.objects.exists()
