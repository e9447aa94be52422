"""Talent records: masking and audited unmasked views, counts by level and field, applications, apartments."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parkos.community.choices import ApplicationStatus, Degree, RoomType, TalentField, TalentLevel
from parkos.community.models import TalentRecord
from parkos.community.selectors import people
from parkos.community.services import talent as services
from parkos.core.models import AuditEntry

ARRIVED = datetime.date(2025, 3, 1)


def _talent(park, enterprise, actor, **overrides):
    fields = {
        "name": "欧阳娜娜", "mobile": "13800138000", "level": TalentLevel.C, "degree": Degree.DOCTOR,
        "field": TalentField.MEDICAL_DEVICES, "arrived_on": ARRIVED,
    } | overrides  # fmt: skip
    return services.talent_create(park=park, enterprise=enterprise, actor=actor, **fields)


def test_masked_for_other_roles_unmasked_and_audited_for_talent_staff(client_for, park_a, tenant, sam):
    enterprise, _tina = tenant
    talent = _talent(park_a, enterprise, sam)
    assert talent.mobile == "+8613800138000"
    assert talent.name_masked == "欧***"
    assert talent.mobile_masked == "138****8000"
    # Talent staff of the park: unmasked, and the view is in the audit trail (no personal values there).
    page = client_for("bob").get(reverse("community:talent_detail", args=[talent.pk])).content.decode()
    assert "欧阳娜娜" in page
    assert "13800138000" in page
    entry = AuditEntry.objects.get(action="view_personal_data", object_id=str(talent.pk))
    assert "欧阳娜娜" not in str(entry.changes)
    assert "138" not in str(entry.changes)
    # An investment officer of the same park: masked, nothing audited for them.
    before = AuditEntry.objects.count()
    masked = client_for("carol").get(reverse("community:talent_detail", args=[talent.pk])).content.decode()
    assert "欧阳娜娜" not in masked
    assert "欧***" in masked
    assert "138****8000" in masked
    assert AuditEntry.objects.count() == before
    # Another park's staff: not found; a tenant login: no staff page.
    assert client_for("dave").get(reverse("community:talent_detail", args=[talent.pk])).status_code == 404
    assert client_for("erin").get(reverse("community:talent_detail", args=[talent.pk])).status_code == 403
    # The API masks the same way.
    api = client_for("carol").get("/api/community/talents/").json()["results"][0]
    assert api["name"] == "欧***"
    assert api["mobile"] == "138****8000"
    assert client_for("bob").get("/api/community/talents/").json()["results"][0]["name"] == "欧阳娜娜"


def test_counts_by_level_and_field_on_a_day(park_a, park_b, tenant, sam):
    enterprise, _tina = tenant
    _talent(park_a, enterprise, sam, level=TalentLevel.C, field=TalentField.MEDICAL_DEVICES)
    _talent(park_a, enterprise, sam, level=TalentLevel.C, field=TalentField.MEDICAL_DEVICES, returnee=True)
    _talent(park_a, enterprise, sam, level=TalentLevel.E, field=TalentField.BIOPHARMA, degree=Degree.BACHELOR)
    leaver = _talent(park_a, enterprise, sam, level=TalentLevel.E, field=TalentField.BIOPHARMA)
    services.talent_leave(talent=leaver, actor=sam, left_on=datetime.date(2026, 1, 31))
    counts = people.talent_counts([park_a.pk], datetime.date(2026, 6, 1))
    assert counts.cell("c", "medical_devices") == 2
    assert counts.cell("e", "biopharma") == 1
    assert counts.total == 3
    assert counts.returnees == 1
    assert counts.by_degree["博士"] == 2
    assert counts.by_degree["本科"] == 1
    # On a day before the leaver left, they count.
    assert people.talent_counts([park_a.pk], datetime.date(2026, 1, 15)).total == 4
    assert people.talent_counts([park_b.pk], datetime.date(2026, 6, 1)).total == 0


def test_application_course_and_outcome(park_a, tenant, sam):
    enterprise, _tina = tenant
    talent = _talent(park_a, enterprise, sam)
    programme = services.programme_save(
        actor=sam, name="重庆英才计划", level="provincial", benefits=["research_funding"]
    )
    application = services.application_create(
        programme=programme, talent=talent, kind="recommendation", year=2026, actor=sam
    )
    with pytest.raises(ValidationError, match="已申报"):
        services.application_create(programme=programme, talent=talent, kind="application", year=2026, actor=sam)
    with pytest.raises(ValidationError, match="不能从"):
        services.application_advance(application=application, to_status=ApplicationStatus.APPROVED, actor=sam)
    services.application_advance(application=application, to_status=ApplicationStatus.SUBMITTED, actor=sam)
    done = services.application_advance(
        application=application, to_status=ApplicationStatus.APPROVED, actor=sam, note="已公示", granted_wan=Decimal(50)
    )
    assert done.status == "approved"
    assert done.granted_wan == Decimal(50)
    assert done.decided_on is not None


def test_programme_funding_and_grants_read_as_money_in_each_language(client_for, park_a, tenant, sam):
    enterprise, _tina = tenant
    talent = _talent(park_a, enterprise, sam)
    programme = services.programme_save(
        actor=sam, name="重庆英才计划", level="provincial", benefits=["research_funding"], subsidy_wan=Decimal(50)
    )
    application = services.application_create(
        programme=programme, talent=talent, kind="recommendation", year=2026, actor=sam
    )
    services.application_advance(application=application, to_status=ApplicationStatus.SUBMITTED, actor=sam)
    services.application_advance(
        application=application, to_status=ApplicationStatus.APPROVED, actor=sam, note="已公示", granted_wan=Decimal(10)
    )
    client = client_for("bob")
    urls = [
        reverse("community:programme_list"),
        reverse("community:programme_detail", args=[programme.pk]),
        reverse("community:talent_detail", args=[talent.pk]),
    ]
    listing, detail, person = (client.get(url).content.decode() for url in urls)
    assert "50 万元" in listing
    assert ("50 万元" in detail, "10 万元" in detail, "10 万元" in person) == (True, True, True)
    client.cookies["django_language"] = "en"
    listing, detail, person = (client.get(url).content.decode() for url in urls)
    assert "CNY 500,000" in listing
    assert ("CNY 500,000" in detail, "CNY 100,000" in detail, "CNY 100,000" in person) == (True, True, True)
    for page in (listing, detail, person):
        assert "10k" not in page
        assert "万元" not in page


def test_apartment_queue_allocation_and_move_out(park_a, tenant, sam):
    enterprise, _tina = tenant
    junior = _talent(park_a, enterprise, sam, level=TalentLevel.E, name="张三", mobile="13800000001")
    senior = _talent(park_a, enterprise, sam, level=TalentLevel.B, name="李四", mobile="13800000002")
    room = services.room_save(
        actor=sam,
        park=park_a,
        building="人才公寓1栋",
        number="201",
        room_type=RoomType.ONE_BEDROOM,
        area_sqm=Decimal(45),
        monthly_rent=Decimal(600),
    )
    services.waitlist_add(talent=junior, actor=sam, requested_on=datetime.date(2026, 1, 5))
    services.waitlist_add(talent=senior, actor=sam, requested_on=datetime.date(2026, 3, 1))
    states, queue = people.apartment_overview(park_a.pk)
    # A higher level goes first although it asked later.
    assert [e.talent for e in queue] == [senior, junior]
    assert states[0].next_in_line.talent == senior
    lease = services.apartment_allocate(
        room=room,
        talent=senior,
        starts_on=datetime.date(2026, 4, 1),
        planned_end_on=datetime.date(2027, 3, 31),
        actor=sam,
    )
    assert lease.monthly_rent == Decimal(600)
    assert senior.waitlist_entries.get().status == "housed"
    with pytest.raises(ValidationError, match="已有在住人员"):
        services.apartment_allocate(
            room=room,
            talent=junior,
            starts_on=datetime.date(2026, 4, 1),
            planned_end_on=datetime.date(2027, 3, 31),
            actor=sam,
        )
    services.talent_leave(talent=senior, actor=sam, left_on=datetime.date(2026, 8, 31))
    lease.refresh_from_db()
    assert lease.status == "ended"
    assert lease.ended_on == datetime.date(2026, 8, 31)
    states, queue = people.apartment_overview(park_a.pk)
    assert states[0].tenant is None
    assert states[0].next_in_line.talent == junior


def test_erase_keeps_counts(park_a, tenant, sam):
    enterprise, _tina = tenant
    talent = services.talent_erase(talent=_talent(park_a, enterprise, sam), actor=sam)
    assert talent.name == "（已删除）"
    assert talent.mobile == ""
    assert talent.erased_at is not None
    assert TalentRecord.objects.filter(level="c").count() == 1
    with pytest.raises(ValidationError):
        services.talent_update(talent=talent, actor=sam, position="总监")
