"""Personal data (PIPL): every unmasked view is audited; erasure scrubs personal values from the audit trail.

Ref: #13 (hole 10): unmasked lead mobiles were shown without an audit entry, and after a contact was
erased, audit rows still carried the person's name and number.
"""

import json

import pytest
from django.urls import reverse

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.core.models import AuditAction, AuditEntry
from parkos.enterprises import services as enterprise_services
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.investment import services as investment_services
from parkos.investment.models import Lead, RequirementVersion, SubmissionGuard
from parkos.investment.tests.test_services import submission

pytestmark = pytest.mark.django_db

NAME = "欧阳娜娜"
MOBILE = "13987654321"


@pytest.fixture
def lead(park_a, carol):
    return investment_services.lead_create(
        actor=carol, company_name="重庆隐私测试有限公司", park=park_a, contact_name=NAME, contact_mobile=MOBILE
    )


def _views(obj_type, obj_id=None):
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL_DATA, object_type=obj_type)
    return entries.filter(object_id=str(obj_id)) if obj_id is not None else entries


@pytest.mark.parametrize(("persona", "unmasked"), [("carol", True), ("bob", True), ("alice", True)])
def test_unmasked_lead_mobile_on_the_lead_page_is_audited(client_for, lead, persona, unmasked):
    page = client_for(persona).get(reverse("investment:lead_detail", args=[lead.pk])).content.decode()
    assert (MOBILE in page) is unmasked
    assert _views("investment.lead", lead.pk).count() == 1
    entry = _views("investment.lead", lead.pk).get()
    assert entry.actor.username == persona
    assert MOBILE not in json.dumps(entry.changes)
    assert NAME not in entry.object_repr


def test_masked_lead_mobile_is_not_audited(client, lead, park_a):
    sam = UserFactory(username="sam", role=Role.SERVICES_OFFICER, parks=[park_a])
    client.force_login(sam)
    page = client.get(reverse("investment:lead_detail", args=[lead.pk])).content.decode()
    assert MOBILE not in page
    assert not _views("investment.lead").exists()


def test_lead_api_audits_each_unmasked_mobile(client_for, lead):
    listing = client_for("carol").get("/api/investment/leads/").json()
    assert listing["results"][0]["contact_mobile"] == MOBILE
    assert _views("investment.lead", lead.pk).count() == 1
    client_for("carol").get(f"/api/investment/leads/{lead.pk}/")
    assert _views("investment.lead", lead.pk).count() == 2


def test_lead_edit_form_shows_the_mobile_only_with_an_audit_entry(client_for, lead):
    page = client_for("carol").get(reverse("investment:lead_update", args=[lead.pk])).content.decode()
    assert MOBILE in page
    assert _views("investment.lead", lead.pk).count() == 1


def test_erasure_scrubs_personal_values_from_the_audit_trail(client_for, alice, lead, park_a):
    contact = lead.contact
    assert contact is not None
    enterprise_services.contact_update(contact=contact, actor=alice, title="总经理")
    for persona in ("alice", "bob", "carol"):
        client_for(persona).get(reverse("enterprises:enterprise_detail", args=[contact.enterprise_id]))
        client_for(persona).get(reverse("investment:lead_detail", args=[lead.pk]))
    investment_services.lead_update(lead=lead, actor=alice, contact_name=NAME + "女士")
    before = AuditEntry.objects.count()

    enterprise_services.contact_erase(contact=contact, actor=alice)

    # Every fact stays (who did what, when), and the erasure is recorded (the contact's and the lead's) ...
    assert AuditEntry.objects.count() == before + 2
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL_DATA).count() == 6
    # ... but no entry carries the person's name or number any more.
    for entry in AuditEntry.objects.all():
        text = entry.object_repr + json.dumps(entry.changes, ensure_ascii=False)
        assert NAME not in text, (entry.action, entry.object_type, text)
        assert MOBILE not in text, (entry.action, entry.object_type, text)
    # The lead that copied the person's data is scrubbed too; the lead itself stays.
    lead.refresh_from_db()
    assert lead.contact_mobile == ""
    assert NAME not in lead.contact_name
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_erasure_reaches_portal_submissions(park_a, alice):
    version = investment_services.public_submit(submission=submission(mobile=MOBILE, contact_name=NAME))
    contact = version.lead.contact
    assert contact is not None
    enterprise_services.contact_erase(contact=contact, actor=alice)
    version.refresh_from_db()
    assert NAME not in version.contact_name
    assert not SubmissionGuard.objects.filter(mobile="+86" + MOBILE).exists()
    assert RequirementVersion.objects.filter(pk=version.pk).exists()


def test_enterprise_detail_view_is_still_audited_per_contact(client_for, park_a):
    enterprise = EnterpriseFactory(parks=[park_a])
    enterprise_services.contact_create(enterprise=enterprise, actor=None, name=NAME, mobile=MOBILE)
    client_for("bob").get(reverse("enterprises:enterprise_detail", args=[enterprise.pk]))
    assert _views("enterprises.contact").count() == 1
