"""Applications, review, admission, the lifecycle and scheme applications, through the services."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, connections

from parkos.core.models import AuditEntry
from parkos.enterprises.models import Enterprise
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.incubation import services
from parkos.incubation.choices import (
    ApplicationSource,
    ApplicationStatus,
    AttachmentKind,
    DecisionOutcome,
    IncubationStage,
    NotificationKind,
    SchemeApplicationStatus,
)
from parkos.incubation.models import (
    Application,
    ApplicationAttachment,
    IncubationRecord,
    Notification,
    Scheme,
    SchemeApplication,
    StageChange,
)
from parkos.incubation.tests.conftest import pdf


def answers(**overrides):
    values = {
        "company_name": "重庆微纳医疗科技有限公司",
        "contact_name": "张伟",
        "contact_mobile": "138 0013 8000",
        "project_summary": "微流控诊断芯片",
        "company_registered": False,
        "industry_code": "3581",
        "founded_on": datetime.date(2025, 3, 1),
    }
    return services.ApplicationInput(**(values | overrides))


def submit(programme, **overrides):
    application, _created = services.application_submit(
        programme=programme,
        data=answers(**overrides),
        uploads=[services.Upload(AttachmentKind.BUSINESS_PLAN, pdf())],
        actor=None,
        source=ApplicationSource.PORTAL,
        consent=True,
    )
    return application


def test_submission_stores_files_privately_and_audits_without_personal_data(programme):
    application = submit(programme)
    assert application.reference == f"RF-{application.submitted_at:%Y}-{application.pk:06d}"
    assert application.contact_mobile == "+8613800138000"
    attachment = ApplicationAttachment.objects.get(application=application)
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "商业计划书.pdf"
    assert not attachment.file.name.endswith("商业计划书.pdf")  # stored under a random name
    assert attachment.file.storage.exists(attachment.file.name)
    entry = AuditEntry.objects.get(object_type="incubation.application", action="create")
    assert "13800138000" not in str(entry.changes)


def test_a_repeat_from_the_same_mobile_within_a_day_is_the_same_application(programme):
    first = submit(programme)
    again, created = services.application_submit(
        programme=programme,
        data=answers(),
        uploads=[services.Upload(AttachmentKind.OTHER, pdf("补充材料.pdf"))],
        actor=None,
        source=ApplicationSource.PORTAL,
        consent=True,
    )
    assert (again.pk, created) == (first.pk, False)
    assert Application.objects.count() == 1
    assert first.attachments.count() == 2


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (
            services.Upload(AttachmentKind.BUSINESS_PLAN, ContentFile(b"MZ\x90\x00evil", name="plan.pdf")),
            "不支持的文件类型",
        ),
        (
            services.Upload(AttachmentKind.BUSINESS_PLAN, ContentFile(b"\x89PNG\r\n\x1a\nxx", name="plan.png")),
            "不支持的文件类型",
        ),
        (services.Upload(AttachmentKind.OTHER, ContentFile(b"%PDF-1.4 x", name="scan.png")), "扩展名与内容不符"),
        (
            services.Upload(AttachmentKind.OTHER, ContentFile(b"PK\x03\x04not-a-zip", name="deck.docx")),
            "不支持的文件类型",
        ),
    ],
)
def test_files_are_checked_by_content_and_nothing_is_written_on_refusal(programme, upload, fragment):
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(programme=programme, data=answers(), uploads=[upload], actor=None)
    assert fragment in str(excinfo.value)
    assert not Application.objects.exists()


def test_files_over_the_size_limit_are_refused(programme, monkeypatch):
    monkeypatch.setenv("UPLOAD_MAX_MB", "1")
    big = ContentFile(b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1), name="大文件.pdf")
    with pytest.raises(ValidationError, match="文件过大"):
        services.application_submit(
            programme=programme,
            data=answers(),
            uploads=[services.Upload(AttachmentKind.BUSINESS_PLAN, big)],
            actor=None,
        )


def test_answers_are_validated_in_chinese(programme):
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(
            programme=programme,
            data=answers(contact_mobile="12345", company_registered=True, credit_code="", industry_code="9999"),
            actor=None,
        )
    errors = excinfo.value.message_dict
    assert errors["contact_mobile"] == ["请填写正确的11位手机号码"]
    assert errors["credit_code"] == ["已注册公司请填写统一社会信用代码"]
    assert "industry_code" in errors


def review_all(application, reviewers, scores):
    reviews = services.reviewers_assign(application=application, reviewers=reviewers, actor=None)
    criteria = list(application.programme.rubric.all())
    for review, values in zip(reviews, scores, strict=True):
        services.review_submit(
            review=review,
            data=services.ReviewInput(scores={c.pk: D(v) for c, v in zip(criteria, values, strict=True)}),
            actor=review.reviewer,
        )
    return reviews


def test_review_admission_creates_the_enterprise_and_its_record(programme, bob, sam, park_a):
    application = submit(programme)
    reviews = review_all(application, [bob, sam], [(8, 8, 6), (6, 7, 5)])
    assert Notification.objects.filter(kind=NotificationKind.REVIEW, user__in=[bob, sam]).count() == 2
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    with pytest.raises(ValidationError, match="决策会议"):
        services.application_decide(application=application, outcome=DecisionOutcome.ADMIT, actor=bob)
    meeting = services.meeting_record(
        programme=programme, held_on=datetime.date(2026, 3, 2), title="评审会", attendees="", minutes="", actor=bob
    )
    services.application_decide(
        application=application,
        outcome=DecisionOutcome.ADMIT,
        meeting=meeting,
        admitted_on=datetime.date(2026, 3, 2),
        actor=bob,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    enterprise = Enterprise.objects.get(pk=application.enterprise_id)
    assert enterprise.name == "重庆微纳医疗科技有限公司"
    record = IncubationRecord.objects.get(application=application)
    # 3581 is a medical device industry: 60 months (RULES §13.1).
    assert (record.stage, record.period_months, record.due_on) == (
        IncubationStage.INCUBATING,
        60,
        datetime.date(2031, 3, 1),
    )
    assert park_a in enterprise.parks.all()
    assert [c.to_stage for c in StageChange.objects.filter(record=record)] == [IncubationStage.INCUBATING]
    assert len(reviews) == 2


def test_a_reviewer_submits_only_their_own_review_and_every_score_in_range(programme, bob, sam):
    application = submit(programme)
    review, other = services.reviewers_assign(application=application, reviewers=[bob, sam], actor=None)
    criteria = list(programme.rubric.all())
    with pytest.raises(ValidationError, match="本人"):
        services.review_submit(review=review, data=services.ReviewInput(scores={}), actor=sam)
    with pytest.raises(ValidationError, match="每个评分项"):
        services.review_submit(review=review, data=services.ReviewInput(scores={criteria[0].pk: D(5)}), actor=bob)
    with pytest.raises(ValidationError, match="超出范围"):
        services.review_submit(
            review=review, data=services.ReviewInput(scores={c.pk: D(11) for c in criteria}), actor=bob
        )
    with pytest.raises(ValidationError) as excinfo:
        services.review_submit(review=review, data=services.ReviewInput(scores={}, conflict=True), actor=bob)
    assert "conflict_note" in excinfo.value.message_dict
    services.review_submit(
        review=review, data=services.ReviewInput(scores={}, conflict=True, conflict_note="申请人为本人亲属"), actor=bob
    )
    review.refresh_from_db()
    assert review.conflict_declared
    assert review.submitted_at is not None
    assert not review.scores.exists()
    assert other.submitted_at is None


def test_enterprise_users_cannot_review_and_closed_applications_take_no_reviewers(programme, erin, bob):
    application = submit(programme)
    with pytest.raises(ValidationError, match="企业用户"):
        services.reviewers_assign(application=application, reviewers=[erin], actor=None)
    services.application_decide(application=application, outcome=DecisionOutcome.REJECT, actor=bob, note="不符合方向")
    with pytest.raises(ValidationError, match="已有结论"):
        services.reviewers_assign(application=application, reviewers=[bob], actor=None)


def test_rubric_criteria_with_scores_cannot_be_removed(programme, bob):
    application = submit(programme)
    review_all(application, [bob], [(8, 8, 8)])
    with pytest.raises(ValidationError, match="不能删除"):
        services.rubric_set(programme=programme, criteria=[services.CriterionInput("团队", D(1))], actor=None)
    assert programme.rubric.count() == 3


def admitted(programme, enterprise=None, on=datetime.date(2024, 3, 15), stage=IncubationStage.INCUBATING):
    return services.record_admit(
        programme=programme,
        enterprise=enterprise or EnterpriseFactory(industry_code="3841"),
        admitted_on=on,
        stage=stage,
        actor=None,
    )


@time_machine.travel(datetime.datetime(2026, 6, 1, 10, tzinfo=datetime.UTC))
def test_stages_move_forward_and_the_record_ends_once(programme):
    record = admitted(programme, stage=IncubationStage.PRE_INCUBATION)
    assert (record.period_months, record.due_on) == (48, datetime.date(2028, 3, 14))
    services.record_advance(
        record=record, to_stage=IncubationStage.ACCELERATING, on=datetime.date(2025, 1, 10), actor=None
    )
    with pytest.raises(ValidationError, match="向前"):
        services.record_advance(
            record=record, to_stage=IncubationStage.INCUBATING, on=datetime.date(2025, 2, 1), actor=None
        )
    with pytest.raises(ValidationError, match="晚于今天"):
        services.record_exit(record=record, reason="relocated", on=datetime.date(2026, 7, 1), actor=None)
    with pytest.raises(ValidationError) as excinfo:
        services.record_exit(record=record, reason="other", on=datetime.date(2026, 5, 1), actor=None)
    assert "note" in excinfo.value.message_dict
    services.record_graduate(record=record, basis="high_tech", on=datetime.date(2026, 5, 20), actor=None)
    record.refresh_from_db()
    assert (record.stage, record.graduated_on, record.graduation_basis) == (
        IncubationStage.GRADUATED,
        datetime.date(2026, 5, 20),
        "high_tech",
    )
    with pytest.raises(ValidationError, match="已结束"):
        services.record_exit(record=record, reason="relocated", on=datetime.date(2026, 5, 25), actor=None)
    stages = list(StageChange.objects.filter(record=record).values_list("to_stage", flat=True))
    assert stages == [IncubationStage.PRE_INCUBATION, IncubationStage.ACCELERATING, IncubationStage.GRADUATED]


def test_one_running_record_per_enterprise_and_park(programme):
    record = admitted(programme)
    with pytest.raises(ValidationError, match="已有进行中"):
        admitted(programme, enterprise=record.enterprise)
    assert IncubationRecord.objects.count() == 1


def test_graduation_needs_a_criterion_the_programme_counts(programme):
    programme.graduate_on_listing = False
    programme.save()
    record = admitted(programme)
    with pytest.raises(ValidationError) as excinfo:
        services.record_graduate(record=record, basis="listed", on=datetime.date(2025, 1, 1), actor=None)
    assert "basis" in excinfo.value.message_dict


def test_annual_return_rejects_more_graduates_than_staff(programme):
    record = admitted(programme)
    with pytest.raises(ValidationError) as excinfo:
        services.annual_return_save(
            record=record, year=2025, values={"employees": 10, "college_educated": 12}, actor=None
        )
    assert "college_educated" in excinfo.value.message_dict
    saved = services.annual_return_save(
        record=record, year=2025, values={"employees": 10, "college_educated": 8}, actor=None
    )
    again = services.annual_return_save(record=record, year=2025, values={"college_educated": 9}, actor=None)
    assert saved.pk == again.pk
    assert again.college_educated == 9


def test_scheme_criteria_are_checked_by_the_engine_and_applications_move_to_award(park_a, tenant_x):
    with pytest.raises(ValidationError) as excinfo:
        services.scheme_save(
            scheme=Scheme(park=park_a, name="研发奖励", level="district"),
            rules=[services.RuleInput("rd_intensity", "gte", "三")],
            actor=None,
        )
    assert "criteria" in excinfo.value.message_dict
    assert not Scheme.objects.exists()
    scheme = services.scheme_save(
        scheme=Scheme(park=park_a, name="研发奖励", level="district"),
        rules=[services.RuleInput("rd_intensity", "gte", "3")],
        actor=None,
    )
    application = services.scheme_application_create(
        scheme=scheme, enterprise=tenant_x, park_id=park_a.pk, year=2026, actor=None
    )
    with pytest.raises(ValidationError, match="不能从"):
        services.scheme_application_advance(
            application=application, status=SchemeApplicationStatus.AWARDED, on=datetime.date(2026, 5, 1), actor=None
        )
    for status in (SchemeApplicationStatus.SUBMITTED, SchemeApplicationStatus.APPROVED):
        services.scheme_application_advance(
            application=application, status=status, on=datetime.date(2026, 5, 1), actor=None
        )
    with pytest.raises(ValidationError, match="兑现金额"):
        services.scheme_application_advance(
            application=application, status=SchemeApplicationStatus.AWARDED, on=datetime.date(2026, 6, 1), actor=None
        )
    services.scheme_application_advance(
        application=application,
        status=SchemeApplicationStatus.AWARDED,
        on=datetime.date(2026, 6, 1),
        amount=D(200000),
        actor=None,
    )
    application.refresh_from_db()
    assert (application.status, application.amount_awarded) == (SchemeApplicationStatus.AWARDED, D(200000))
    with pytest.raises(ValidationError, match="已申报"):
        services.scheme_application_create(scheme=scheme, enterprise=tenant_x, park_id=park_a.pk, year=2026, actor=None)
    assert SchemeApplication.objects.count() == 1


def test_admitting_an_applicant_with_a_credit_code_links_the_existing_enterprise(programme, bob):
    existing = EnterpriseFactory(name="重庆已有企业有限公司")
    application = submit(
        programme, company_registered=True, credit_code=existing.credit_code, company_name="重庆已有企业"
    )
    assert application.enterprise_id == existing.pk
    meeting = services.meeting_record(
        programme=programme, held_on=datetime.date(2026, 1, 5), title="会", attendees="", minutes="", actor=bob
    )
    services.application_decide(application=application, outcome=DecisionOutcome.ADMIT, meeting=meeting, actor=bob)
    assert Enterprise.objects.filter(name__startswith="重庆已有企业").count() == 1
    assert IncubationRecord.objects.get().enterprise_id == existing.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the whole file)")
def test_two_simultaneous_portal_submissions_from_one_mobile_make_one_application(programme):
    barrier = threading.Barrier(2)
    created: list[bool] = []

    def apply() -> None:
        try:
            barrier.wait(timeout=10)
            _application, made = services.application_submit(
                programme=programme, data=answers(), actor=None, source=ApplicationSource.PORTAL, consent=True
            )
            created.append(made)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(created) == [False, True]
    assert Application.objects.count() == 1
