"""#15: nobody's lead is nobody's, signing closes the lead, the board and 我的待办, viewings from the
portal, committed space, rejected candidates in the API, and the industry picker."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parkos.core.models import AuditEntry
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.investment import hooks, selectors, services
from parkos.investment.choices import ActivityKind, LeadStage, NotificationKind
from parkos.investment.matching import Need
from parkos.investment.models import Lead, Notification, StageChange
from parkos.leasing import services as leasing_services
from parkos.leasing.tests.factories import lease_terms
from parkos.parks.choices import SpaceStatus
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor_a(park_a):
    return FloorFactory(building=BuildingFactory(park=park_a, code="T1"), level=1)


# --- the pool, assignment and the one-working-day alert --------------------------------------------


def test_a_lead_without_park_or_match_lands_in_the_pool(alice):
    lead = services.lead_create(actor=None, company_name="无园区的公司", requirement={"area_min_sqm": Decimal(500)})
    assert lead.park is None
    assert lead.officer is None
    assert list(services.unassigned_leads()) == [lead]
    assert lead in selectors.lead_list(alice)


def test_pool_leads_are_hidden_from_park_staff_but_an_officer_sees_the_leads_they_work(carol, dave, park_a):
    pooled = services.lead_create(actor=None, company_name="池中线索")
    mine = services.lead_create(actor=None, company_name="我的线索", park=park_a, officer=carol)
    assert pooled not in selectors.lead_list(carol)
    assert mine in selectors.lead_list(carol)
    assert mine not in selectors.lead_list(dave)


def test_a_manager_assigns_a_pool_lead_to_an_officer_of_a_park(alice, carol, park_a):
    lead = services.lead_create(actor=None, company_name="待分配公司")
    services.lead_assign(lead=lead, officer=carol, park=park_a, actor=alice)
    lead.refresh_from_db()
    assert (lead.park, lead.officer) == (park_a, carol)
    assert Notification.objects.filter(user=carol, lead=lead, kind=NotificationKind.ASSIGNED).count() == 1
    assert AuditEntry.objects.filter(object_type="investment.lead", object_id=str(lead.pk), action="update").exists()


def test_an_officer_cannot_assign_and_nobody_assigns_outside_the_officers_parks(carol, bob, dave, park_a, park_b):
    lead = services.lead_create(actor=None, company_name="某公司")
    with pytest.raises(PermissionDenied):
        services.lead_assign(lead=lead, officer=carol, park=park_a, actor=carol)
    with pytest.raises(ValidationError) as excinfo:
        # dave works park B, as a leasing manager
        services.lead_assign(lead=lead, officer=dave, park=park_a, actor=bob)
    assert "不是该园区的招商经理" in str(excinfo.value)
    lead.refresh_from_db()
    assert lead.officer is None


def test_unassigned_for_one_working_day_notifies_the_managers_once(alice, bob, carol, park_a):
    carol.is_active = False  # park A has no active officer, so the lead waits for a manager
    carol.save()
    with time_machine.travel(datetime.datetime(2026, 9, 30, 10, 0, tzinfo=datetime.UTC), tick=False):
        lead = services.lead_create(actor=None, company_name="没人管的公司", park=park_a)
    # 2026-10-01..07 is the National Day holiday: one working day after 09-30 is 10-08.
    with time_machine.travel(datetime.datetime(2026, 10, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        assert services.unassigned_leads_notify() == 0
    with time_machine.travel(datetime.datetime(2026, 10, 8, 10, 0, tzinfo=datetime.UTC), tick=False):
        assert services.unassigned_leads_notify() == 2  # alice (operator admin) and bob (park A's manager)
        assert services.unassigned_leads_notify() == 0  # idempotent
        call_command("investment_unassigned_leads")
    told = Notification.objects.filter(lead=lead, kind=NotificationKind.UNASSIGNED)
    assert sorted(told.values_list("user__username", flat=True)) == ["alice", "bob"]


# --- signing closes the lead; 已签约 by hand needs a reason ----------------------------------------------


def test_signing_a_contract_drafted_from_a_lead_moves_it_to_signed_by_the_system(alice, bob, carol, park_a, floor_a):
    unit = UnitFactory(floor=floor_a, code="Z1-101", area_sqm=Decimal(800))
    lead = services.lead_create(actor=carol, company_name="签约公司", park=park_a, officer=carol)
    contract = leasing_services.contract_create_draft(
        actor=bob, park=park_a, enterprise=EnterpriseFactory(), units=[unit], lead=lead, **lease_terms()
    )
    leasing_services.contract_approve(contract=contract, actor=alice)
    leasing_services.contract_sign(contract=contract, actor=bob)
    lead.refresh_from_db()
    assert lead.stage == LeadStage.SIGNED
    change = StageChange.objects.filter(lead=lead).latest("at", "pk")
    assert (change.by_system, change.actor, change.to_stage) == (True, bob, LeadStage.SIGNED)
    assert contract.number in change.note
    refs = hooks.contracts_of_leads([lead.pk])[lead.pk]
    assert [(r.number, r.signed) for r in refs] == [(contract.number, True)]


def test_signed_by_hand_without_a_signed_contract_needs_a_reason(carol, park_a):
    lead = services.lead_create(actor=carol, company_name="手工签约公司", park=park_a)
    with pytest.raises(ValidationError) as excinfo:
        services.lead_move(lead=lead, to_stage=LeadStage.SIGNED, actor=carol)
    assert "note" in excinfo.value.message_dict
    services.lead_move(lead=lead, to_stage=LeadStage.SIGNED, note="集团统一签约", actor=carol)
    assert StageChange.objects.filter(lead=lead, to_stage=LeadStage.SIGNED, note="集团统一签约").exists()


# --- the board, cards and 我的待办 -------------------------------------------------------------------------


def test_board_cards_show_days_in_stage_next_step_overdue_area_and_tax(carol, park_a):
    lead = services.lead_create(
        actor=carol, company_name="卡片公司", park=park_a, officer=carol,
        requirement={"area_min_sqm": Decimal(1000), "area_max_sqm": Decimal(2000), "expected_annual_tax_wan": Decimal(300)},
    )  # fmt: skip
    services.activity_log(
        lead=lead, kind=ActivityKind.CALL, summary="电话", next_step="送资料", next_step_on=datetime.date(2026, 3, 2),
        actor=carol,
    )  # fmt: skip
    card = selectors.board_cards([lead], today=datetime.date(2026, 3, 4))[0]
    assert (card.next_step, card.next_step_on, card.overdue) == ("送资料", datetime.date(2026, 3, 2), True)
    assert card.tax_wan == Decimal(300)
    assert card.area == "1,000 m² – 2,000 m²"


def test_the_board_has_an_unassigned_column_and_moves_by_json(client_for, carol, park_a):
    worked = services.lead_create(actor=carol, company_name="跟进公司", park=park_a, officer=carol)
    carol.is_active = False  # no active officer in park A: the next lead waits in 待分配
    carol.save()
    pooled = services.lead_create(actor=None, company_name="池中公司", park=park_a)
    assert pooled.officer is None
    carol.is_active = True
    carol.save()
    page = client_for("bob").get(reverse("investment:lead_board")).content.decode()
    assert "待分配" in page
    assert page.index("池中公司") < page.index("跟进公司")
    response = client_for("carol").post(
        reverse("investment:lead_move", args=[worked.pk]), {"stage": "contacted"}, HTTP_ACCEPT="application/json"
    )
    assert response.json()["stage"] == "contacted"
    refused = client_for("carol").post(
        reverse("investment:lead_move", args=[worked.pk]), {"stage": "signed"}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["needs_note"] is True
    worked.refresh_from_db()
    assert worked.stage == "contacted"
    del pooled


def test_todo_lists_next_steps_due_by_the_working_day(client_for, carol, park_a):
    lead = services.lead_create(actor=carol, company_name="待办公司", park=park_a, officer=carol)
    services.activity_log(
        lead=lead, kind=ActivityKind.CALL, summary="电话", next_step="回访", next_step_on=timezone.localdate(),
        actor=carol,
    )  # fmt: skip
    page = client_for("carol").get(reverse("web:todo")).content.decode()
    assert "待办公司：回访" in page


# --- the public side of a viewing -----------------------------------------------------------------------


def test_a_viewing_booked_on_a_unit_page_becomes_an_activity_on_the_prospects_lead(client, carol, park_a, floor_a):
    unit = UnitFactory(floor=floor_a, code="V1-101", area_sqm=Decimal(900))
    url = reverse("investment:viewing_request", args=[park_a.code, unit.code])
    day = timezone.localdate() + datetime.timedelta(days=3)
    data = {"contact_name": "周女士", "mobile": "13800138123", "preferred_on": day.isoformat(), "consent": "on"}
    assert client.post(url, {**data, "website": "spam"}).status_code == 400  # honeypot
    assert client.post(url, {**data, "consent": ""}).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 200
    assert "预约已收到" in response.content.decode()
    lead = Lead.objects.get(contact_mobile="+8613800138123")
    activity = lead.activities.get(kind=ActivityKind.VIEWING_REQUEST)
    assert list(activity.units.all()) == [unit]
    assert activity.next_step_on is not None
    # A second booking from the same mobile goes onto the same lead.
    client.post(url, data)
    assert lead.activities.filter(kind=ActivityKind.VIEWING_REQUEST).count() == 2


# --- committed space --------------------------------------------------------------------------------------


def test_a_lease_signed_to_start_next_year_is_committed_and_never_offered_for_an_overlapping_move_in(
    alice, bob, park_a, floor_a
):
    unit = UnitFactory(floor=floor_a, code="C1-101", area_sqm=Decimal(1200))
    today = timezone.localdate()
    start = datetime.date(today.year + 1, 1, 1)
    contract = leasing_services.contract_create_draft(
        actor=bob, park=park_a, enterprise=EnterpriseFactory(), units=[unit],
        **lease_terms(start_on=start, end_on=datetime.date(today.year + 3, 12, 31)),
    )  # fmt: skip
    leasing_services.contract_approve(contract=contract, actor=alice)
    leasing_services.contract_sign(contract=contract, actor=bob)
    unit.refresh_from_db()
    assert unit.status_on(today) == SpaceStatus.COMMITTED
    assert unit.status_on(start) == SpaceStatus.LEASED
    need = Need(area_min=Decimal(1000), area_max=Decimal(1500), move_in=today)
    assert "C1-101" not in [m.label for m in selectors.match_requirement(need, park_ids=None).matches]
    after = Need(area_min=Decimal(1000), area_max=Decimal(1500), move_in=datetime.date(today.year + 4, 1, 1))
    assert "C1-101" in [m.label for m in selectors.match_requirement(after, park_ids=None).matches]


# --- the API: rejected candidates, the picker -------------------------------------------------------------


def test_matches_api_lists_rejected_candidates_with_reasons_on_request(portfolio, client_for, carol):
    lead = services.lead_create(
        actor=carol, company_name="器械公司", park=portfolio["park_a"],
        requirement={"area_min_sqm": Decimal(1000), "area_max_sqm": Decimal(3000), "cleanroom_grade": "C"},
    )  # fmt: skip
    plain = client_for("carol").get(f"/api/investment/leads/{lead.pk}/matches/").json()
    assert plain["rejected"] == []
    full = client_for("carol").get(f"/api/investment/leads/{lead.pk}/matches/?include=rejected").json()
    rejected = {r["space"]["code"]: r for r in full["rejected"]}
    assert rejected["A1-202"]["reasons"] == ["需C级（万级，ISO 7）洁净车间，该单元为D级（十万级，ISO 8）"]
    assert "B1-101" not in rejected  # carol does not see park B
    assert full["rejected_total"] == len(full["rejected"])
    assert full["matches"][0]["parts"][0]["key"] == "area"


def test_typed_clean_room_names_are_accepted_by_the_api(portfolio, client_for):
    response = client_for("carol").post(
        "/api/investment/leads/",
        {"company_name": "万级公司", "park": portfolio["park_a"].pk, "requirement": {"cleanroom_grade": "万级"}},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["requirement"]["cleanroom_grade"] == "C"


def test_industry_search_by_name_code_and_pinyin(client):
    names = [r["value"] for r in client.get(reverse("web:industry_search"), {"q": "ylzd"}).json()["results"]]
    assert "3581" in names
    result = client.get(reverse("web:industry_search"), {"q": "358"}).json()["results"][0]
    assert (result["value"], result["text"]) == ("358", "C358 医疗仪器设备及器械制造")
    assert result["hint"].startswith("中类")


def test_a_2011_code_on_the_lead_form_is_mapped_and_the_officer_told(client_for, park_a):
    response = client_for("carol").post(
        reverse("investment:lead_create"),
        {"company_name": "眼镜公司", "source": "phone", "space_kind": "factory", "tenure": "lease",
         "area_unit": "sqm", "industry_code": "4042", "park": park_a.pk},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "GB/T 4754-2011" in page
    lead = Lead.objects.get(company_name="眼镜公司")
    assert lead.requirement.industry_code == "3587"
    assert "C3587 眼镜制造" in page
