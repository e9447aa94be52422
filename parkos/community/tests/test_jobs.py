"""Jobs: a tenant posts, staff approve, the public board searches; applicants' data reaches the enterprise only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from parkos.community.choices import Degree, JobStatus, TalentField
from parkos.community.models import JobApplication
from parkos.community.selectors import people
from parkos.community.services import jobs as services
from parkos.community.tests.factories import tenant_of


def _job(park, enterprise, actor, **overrides):
    fields = {
        "title": "注册专员",
        "field": TalentField.QUALITY_REGULATORY,
        "degree": Degree.BACHELOR,
        "description": "负责医疗器械注册申报",
    }
    return services.job_save(actor=actor, park=park, enterprise=enterprise, **(fields | overrides))


def test_post_approve_and_search(park_a, tenant, bob):
    enterprise, tina = tenant
    job = services.job_submit(job=_job(park_a, enterprise, tina), actor=tina)
    assert job.status == JobStatus.PENDING
    assert not people.public_jobs(people.JobQuery()).exists()
    with pytest.raises(PermissionDenied):
        services.job_decide(job=job, approve=True, actor=tina)
    services.job_decide(job=job, approve=True, actor=bob)
    doctor_job = services.job_submit(
        job=_job(park_a, enterprise, tina, title="首席科学家", degree=Degree.DOCTOR, field=TalentField.BIOPHARMA),
        actor=tina,
    )
    services.job_decide(job=doctor_job, approve=True, actor=bob)
    # A seeker with a master's degree sees postings asking for at most that; by field; by park; by words.
    assert list(people.public_jobs(people.JobQuery(degree=Degree.MASTER))) == [job]
    assert list(people.public_jobs(people.JobQuery(field=TalentField.BIOPHARMA))) == [doctor_job]
    assert set(people.public_jobs(people.JobQuery(park_code=park_a.code))) == {job, doctor_job}
    assert list(people.public_jobs(people.JobQuery(q="科学家"))) == [doctor_job]
    # An edit of an approved posting sends it back for approval.
    edited = services.job_save(
        actor=tina,
        park=park_a,
        enterprise=enterprise,
        job=job,
        title="高级注册专员",
        field=job.field,
        degree=job.degree,
        description=job.description,
    )
    assert edited.status == JobStatus.PENDING
    with pytest.raises(ValidationError, match="原因"):
        services.job_decide(job=edited, approve=False, actor=bob)


def test_tenants_post_only_for_themselves(park_a, park_b, tenant):
    enterprise, _tina = tenant
    _other, olga = tenant_of(park_a)
    with pytest.raises(PermissionDenied):
        _job(park_a, enterprise, olga)
    with pytest.raises(PermissionDenied, match="在园企业"):
        _job(park_b, enterprise, _tina)


def test_public_application_goes_to_the_enterprise_only(client, client_for, park_a, tenant, bob):
    enterprise, tina = tenant
    job = services.job_submit(job=_job(park_a, enterprise, tina), actor=tina)
    services.job_decide(job=job, approve=True, actor=bob)
    url = reverse("community_public:job_detail", args=[job.pk])
    assert (
        client.post(url, {"name": "王五", "mobile": "13912345678", "message": "药学硕士"}).status_code == 400
    )  # no consent
    response = client.post(url, {"name": "王五", "mobile": "13912345678", "message": "药学硕士", "consent": "on"})
    assert response.status_code == 200
    assert "投递成功" in response.content.decode()
    client.post(url, {"name": "王五", "mobile": "13912345678", "message": "药学硕士，3年注册经验", "consent": "on"})
    application = JobApplication.objects.get()
    assert application.message == "药学硕士，3年注册经验"
    assert application.consent_at is not None
    detail = reverse("community:job_detail", args=[job.pk])
    assert "13912345678" in client_for_user(client_for, tina).get(detail).content.decode()
    staff_page = client_for("bob").get(detail).content.decode()
    assert "王五" not in staff_page
    assert "13912345678" not in staff_page


def client_for_user(client_for, user):
    client = Client()
    client.force_login(user)
    return client


def test_retention_erases_applicants(park_a, tenant, bob):
    enterprise, tina = tenant
    job = services.job_submit(job=_job(park_a, enterprise, tina), actor=tina)
    services.job_decide(job=job, approve=True, actor=bob)
    services.job_apply(job=job, data=services.ApplicationInput(name="王五", mobile="13912345678"))
    erased = services.applications_erase(
        before=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1), actor=None
    )
    assert erased == 1
    application = JobApplication.objects.get()
    assert application.mobile == ""
    assert application.name == "（已删除）"
