"""Services: lead creation and linking, assignment, the pipeline, activities, dedup, reverse matching."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.core.models import AuditEntry
from parkos.core.workdays import next_working_day
from parkos.enterprises.models import Enterprise
from parkos.investment import services
from parkos.investment.models import Activity, AssignmentRule, Lead, Notification, StageChange, SubmissionGuard
from parkos.parks.services import unit_create
from parkos.parks.tests.factories import FloorFactory

pytestmark = pytest.mark.django_db


def submission(mobile="13800138000", **kw):
    data = {
        "company_name": "重庆博腾医疗器械有限公司", "contact_name": "李女士", "mobile": mobile,
        "requirement": {"space_kind": "factory", "area_min_sqm": Decimal(1000), "area_max_sqm": Decimal(2000),
                     "industry_code": "3581", "expected_annual_tax_wan": Decimal(200)},
    }  # fmt: skip
    data.update(kw)
    return services.PublicSubmission(**data)


def test_lead_create_links_a_prospect_enterprise_and_contact(park_a, carol):
    lead = services.lead_create(actor=carol, company_name="重庆博腾医疗器械有限公司", park=park_a,
                                contact_name="李女士", contact_mobile="138 0013 8000")  # fmt: skip
    assert lead.contact_mobile == "+8613800138000"
    assert lead.enterprise is not None
    assert lead.enterprise.lifecycle == "prospect"
    assert lead.contact is not None
    assert lead.contact.mobile == "+8613800138000"
    assert list(lead.enterprise.parks.all()) == [park_a]
    again = services.lead_create(actor=carol, company_name="重庆博腾医疗器械（集团）有限公司", park=park_a)
    assert again.enterprise == lead.enterprise  # same normalised name
    assert Enterprise.objects.count() == 1
    assert StageChange.objects.filter(lead=lead, to_stage="new").count() == 1
    assert (
        AuditEntry.objects.filter(object_type="investment.lead", object_id=str(lead.pk), action="create").count() == 1
    )


def test_round_robin_among_the_parks_officers(park_a, carol):
    dan = UserFactory(username="dan", role=Role.INVESTMENT_OFFICER, parks=[park_a])
    officers = [services.lead_create(actor=None, company_name=f"公司{i}", park=park_a).officer for i in range(4)]
    assert officers == [carol, dan, carol, dan]
    assert Notification.objects.filter(user=carol).count() == 2


def test_assignment_rule_by_industry_wins(park_a, carol):
    specialist = UserFactory(username="sam", role=Role.INVESTMENT_OFFICER, parks=[park_a])
    AssignmentRule.objects.create(park=park_a, industry_prefix="C27", officer=specialist, priority=1)
    pharma = services.lead_create(actor=None, company_name="药企", park=park_a, requirement={"industry_code": "2710"})
    device = services.lead_create(actor=None, company_name="器械", park=park_a, requirement={"industry_code": "3581"})
    assert pharma.officer == specialist
    assert device.officer == carol


def test_move_records_who_and_when_and_lost_needs_reason(park_a, carol):
    lead = services.lead_create(actor=carol, company_name="某公司", park=park_a)
    services.lead_move(lead=lead, to_stage="site_visit", actor=carol)
    with pytest.raises(ValidationError):
        services.lead_move(lead=lead, to_stage="lost", actor=carol)
    lead.refresh_from_db()
    assert lead.stage == "site_visit"
    change = StageChange.objects.get(lead=lead, to_stage="site_visit")
    assert change.actor == carol
    assert change.from_stage == "new"
    services.lead_move(lead=lead, to_stage="lost", lost_reason="价格", actor=carol)
    assert Lead.objects.get(pk=lead.pk).lost_reason == "价格"


def test_reminder_on_a_holiday_moves_to_the_next_working_day(park_a, carol):
    # National Day 2025: 1–8 October off; Saturday 11 October is a make-up working day.
    assert next_working_day(datetime.date(2025, 10, 1)) == datetime.date(2025, 10, 9)
    assert next_working_day(datetime.date(2025, 10, 11)) == datetime.date(2025, 10, 11)
    lead = services.lead_create(actor=carol, company_name="某公司", park=park_a)
    activity = services.activity_log(lead=lead, kind="call", summary="电话沟通", actor=carol,
                                     next_step="安排考察", next_step_on=datetime.date(2025, 10, 3))  # fmt: skip
    assert activity.next_step_on == datetime.date(2025, 10, 9)


def test_public_repeat_within_a_day_adds_a_version_to_the_lead(park_a, carol):
    t0 = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    first = services.public_submit(submission=submission(), now=t0)
    lead = first.lead
    assert first.number == 1
    assert lead.source == "portal_form"
    assert lead.consent_at == t0
    area_before = Lead.objects.get().requirement.area_min_sqm
    again = services.public_submit(
        submission=submission(
            mobile="+86 138-0013-8000", requirement={"area_min_sqm": Decimal(3000), "area_max_sqm": Decimal(4000)}
        ),
        now=t0 + datetime.timedelta(hours=20),
    )
    assert again.number == 2
    assert again.lead_id == lead.pk
    assert Lead.objects.count() == 1
    assert Lead.objects.get().requirement.area_min_sqm == area_before  # the lead is not rewritten
    assert again.requirement["area_min_sqm"] == "3000"
    assert Activity.objects.filter(lead=lead, kind="submission").count() == 2
    later = services.public_submit(submission=submission(), now=t0 + datetime.timedelta(hours=45))  # 25 h after
    assert later.number == 1
    assert later.lead_id != lead.pk
    assert SubmissionGuard.objects.get().submissions == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_from_one_mobile_create_one_lead(park_a):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the sequential case is covered above")
    errors: list[BaseException] = []

    def submit():
        try:
            services.public_submit(submission=submission(mobile="13900139000"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Lead.objects.filter(contact_mobile="+8613900139000").count() == 1
    assert SubmissionGuard.objects.get(mobile="+8613900139000").submissions == 12


def test_new_unit_notifies_officers_of_leads_it_fits(park_a, carol, alice):
    lead = services.lead_create(actor=carol, company_name="待匹配", park=park_a, officer=carol,
                                requirement={"area_min_sqm": Decimal(800), "area_max_sqm": Decimal(1200)})  # fmt: skip
    Notification.objects.all().delete()
    floor = FloorFactory(building__park=park_a)
    unit = unit_create(actor=alice, floor=floor, code="N-101", area_sqm=Decimal(1000), power_kva=100)
    note = Notification.objects.get(user=carol)
    assert note.lead == lead
    assert "N-101" in note.text
    assert note.url == unit.get_absolute_url()
    # Idempotent while unread.
    assert services.notify_space_available(unit, alice) == 0
    unit_create(actor=alice, floor=floor, code="N-102", area_sqm=Decimal(300), power_kva=100)
    assert Notification.objects.filter(user=carol).count() == 1
