"""Dated presence (在园记录, RULES §5.3): the rules, the officer's entries and corrections, the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parkos.core.models import AuditEntry
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing import presence, selectors, services
from parkos.leasing.models import Presence
from parkos.leasing.presence import Stay
from parkos.leasing.tests.factories import signed_lease

D = datetime.date
TODAY = D(2026, 12, 4)


# --- the rules -----------------------------------------------------------------------------------


def test_contracts_that_follow_within_a_month_are_one_stay_and_a_gap_is_a_move_out():
    spans = [(D(2020, 1, 1), D(2022, 12, 31)), (D(2023, 1, 20), D(2025, 6, 30)), (D(2026, 3, 1), None)]
    assert presence.stays_from_contracts(7, spans, today=TODAY) == [
        Stay(7, D(2020, 1, 1), D(2025, 6, 30), "contract"),  # renewed 20 days late: one stay
        Stay(7, D(2026, 3, 1), None, "contract"),  # back after eight months, bought (open)
    ]
    # Overlapping leases, the longer one inside: one stay to the latest end.
    inside = [(D(2020, 1, 1), D(2030, 12, 31)), (D(2021, 1, 1), D(2022, 1, 1))]
    assert presence.stays_from_contracts(7, inside, today=D(2031, 1, 1)) == [
        Stay(7, D(2020, 1, 1), D(2030, 12, 31), "contract")
    ]


def test_the_officers_stays_win_over_the_contracts_in_their_park_only():
    officer = {(1, 10): [Stay(10, D(2024, 3, 1), D(2025, 6, 30), "officer")]}
    contracts = {(1, 10): [(D(2024, 1, 1), D(2028, 12, 31))], (1, 20): [(D(2025, 7, 1), D(2027, 6, 30))]}
    stays = presence.presence_of(officer, contracts, today=TODAY)[1]
    assert stays == [
        Stay(10, D(2024, 3, 1), D(2025, 6, 30), "officer"),
        Stay(20, D(2025, 7, 1), None, "contract", D(2027, 6, 30)),  # the lease runs: open
    ]
    park_10 = [stay for stay in stays if stay.park_id == 10]
    assert presence.left_by(park_10, D(2025, 12, 31))  # the lease runs to 2028, the officer says it left
    assert not presence.left_by(park_10, D(2025, 6, 30))  # the move-out day is still in the park
    assert not presence.left_by([], D(2025, 12, 31))  # no stay at all: not known to have left
    assert presence.arrived_on(stays, D(2025, 12, 31)) == D(2025, 7, 1)
    assert presence.arrived_on(park_10, D(2025, 12, 31)) is None


def test_a_stay_from_a_running_lease_is_open_with_the_lease_end_beside_it():
    """A lease end is a plan, not a move-out: until the lease has ended the stay is open, so the
    enterprise is present at every day from its move-in up to today; once ended, the end is the
    move-out."""
    spans = [(D(2024, 8, 1), D(2027, 7, 31))]
    (running,) = presence.stays_from_contracts(7, spans, today=TODAY)
    assert running == Stay(7, D(2024, 8, 1), None, "contract", D(2027, 7, 31))
    assert not presence.left_by([running], TODAY)
    assert presence.arrived_on([running], D(2025, 12, 31)) == D(2024, 8, 1)
    # Its last day is still running; the day after, it has ended and is the move-out.
    assert presence.stays_from_contracts(7, spans, today=D(2027, 7, 31))[0].moved_out is None
    (ended,) = presence.stays_from_contracts(7, spans, today=D(2027, 8, 1))
    assert ended == Stay(7, D(2024, 8, 1), D(2027, 7, 31), "contract")
    assert presence.left_by([ended], D(2027, 12, 31))
    # A lease terminated early to a day already past has ended; a renewal within a month keeps it open.
    renewed = [(D(2020, 1, 1), D(2026, 6, 30)), (D(2026, 7, 15), D(2029, 7, 14))]
    assert presence.stays_from_contracts(7, renewed, today=TODAY) == [
        Stay(7, D(2020, 1, 1), None, "contract", D(2029, 7, 14))
    ]


def test_overlap_is_any_shared_day_open_stays_run_for_ever():
    others = [(D(2020, 1, 1), D(2022, 6, 30))]
    assert presence.overlapping(D(2022, 6, 30), None, others)  # the move-out day itself
    assert not presence.overlapping(D(2022, 7, 1), None, others)
    assert presence.overlapping(D(2019, 1, 1), D(2019, 12, 31), [(D(2019, 6, 1), None)])
    assert not presence.overlapping(D(2018, 1, 1), D(2019, 5, 31), [(D(2019, 6, 1), None)])


# --- entries and corrections ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_records_a_stay_then_its_move_out_and_every_change_is_audited(park_a, bob):
    enterprise = EnterpriseFactory()
    stay = services.presence_record(
        enterprise=enterprise, park=park_a, entry=services.StayEntry(D(2024, 3, 1), note="现场核实"), actor=bob
    )
    corrected = services.presence_correct(
        stay=stay, entry=services.StayEntry(D(2024, 3, 1), D(2025, 6, 30), "搬迁通知"), actor=bob
    )
    assert (corrected.moved_out_on, corrected.note) == (D(2025, 6, 30), "搬迁通知")
    trail = AuditEntry.objects.filter(object_type="leasing.presence", object_id=str(stay.pk)).order_by("pk")
    assert [entry.action for entry in trail] == ["create", "update"]
    assert trail[1].changes["moved_out_on"] == [None, "2025-06-30"]
    # A correction that changes nothing writes no entry.
    services.presence_correct(
        stay=corrected, entry=services.StayEntry(D(2024, 3, 1), D(2025, 6, 30), "搬迁通知"), actor=bob
    )
    assert trail.count() == 2


@pytest.mark.django_db
def test_out_before_in_and_overlapping_stays_are_refused_and_nothing_is_written(park_a, park_b, bob):
    enterprise = EnterpriseFactory()
    with pytest.raises(ValidationError) as refused:
        services.presence_record(
            enterprise=enterprise, park=park_a, entry=services.StayEntry(D(2025, 6, 30), D(2025, 6, 30)), actor=bob
        )
    assert "迁出日期必须晚于迁入日期" in str(refused.value)
    first = services.presence_record(
        enterprise=enterprise, park=park_a, entry=services.StayEntry(D(2020, 1, 1), D(2022, 6, 30)), actor=bob
    )
    with pytest.raises(ValidationError) as refused:
        services.presence_record(enterprise=enterprise, park=park_a, entry=services.StayEntry(D(2022, 1, 1)), actor=bob)
    assert "重叠" in str(refused.value)
    assert "2020-01-01–2022-06-30" in str(refused.value)
    # The same dates in another park, or after the move-out, are fine; a correction into overlap is not.
    services.presence_record(enterprise=enterprise, park=park_b, entry=services.StayEntry(D(2022, 1, 1)), actor=bob)
    later = services.presence_record(
        enterprise=enterprise, park=park_a, entry=services.StayEntry(D(2023, 1, 1)), actor=bob
    )
    with pytest.raises(ValidationError):
        services.presence_correct(stay=later, entry=services.StayEntry(D(2022, 6, 1)), actor=bob)
    later.refresh_from_db()
    assert later.moved_in_on == D(2023, 1, 1)
    assert Presence.objects.filter(enterprise=enterprise).count() == 3
    assert AuditEntry.objects.filter(object_type="leasing.presence").count() == 3
    assert first.moved_out_on == D(2022, 6, 30)


@pytest.mark.django_db
def test_presence_reads_contracts_unless_an_officer_entered_stays(park_a, unit_a, bob, client_for):
    enterprise = EnterpriseFactory(parks=[park_a])
    lease = signed_lease(units=[unit_a], enterprise=enterprise, approver=bob)
    assert lease.end_on > timezone.localdate()  # a running lease: the stay is open, its end a plan
    stays = selectors.presence(park_ids=[park_a.pk])[enterprise.pk]
    assert stays == [Stay(park_a.pk, lease.start_on, None, "contract", lease.end_on)]
    page = client_for("bob").get(reverse("leasing:presence", args=[enterprise.pk])).content.decode()
    assert f"在园（合同至 {lease.end_on:%Y-%m-%d}）" in page
    services.presence_record(
        enterprise=enterprise, park=park_a, entry=services.StayEntry(D(2026, 4, 1), D(2027, 3, 31)), actor=bob
    )
    assert selectors.presence(park_ids=[park_a.pk], enterprise_ids=[enterprise.pk])[enterprise.pk] == [
        Stay(park_a.pk, D(2026, 4, 1), D(2027, 3, 31), "officer")
    ]
    assert selectors.presence(park_ids=[park_a.pk + 1000]) == {}


# --- the page ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_presence_page_enters_corrects_and_shows_the_history(client_for, park_a, bob):
    enterprise = EnterpriseFactory(parks=[park_a])
    client = client_for("bob")
    url = reverse("leasing:presence", args=[enterprise.pk])
    detail = client.get(reverse("enterprises:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert url in detail  # the 在园记录 panel links the page
    refused = client.post(url, {"park": park_a.pk, "moved_in_on": "2025-06-01", "moved_out_on": "2025-05-01"})
    assert refused.status_code == 400
    assert "迁出日期必须晚于迁入日期" in refused.content.decode()
    assert not Presence.objects.exists()
    response = client.post(url, {"park": park_a.pk, "moved_in_on": "2024-03-01", "note": "现场核实"})
    assert response.status_code == 302
    stay = Presence.objects.get()
    correct = reverse("leasing:presence_correct", args=[stay.pk])
    assert client.get(correct).status_code == 200
    response = client.post(
        correct, {"park": park_a.pk, "moved_in_on": "2024-03-01", "moved_out_on": "2025-06-30", "note": "搬迁通知"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "2025-06-30" in page
    assert "人工登记" in page
    assert "迁出日期：— → 2025-06-30" in page  # the history keeps what it was
    # Overlap refused on the page, with the stay it overlaps named.
    overlap = client.post(url, {"park": park_a.pk, "moved_in_on": "2025-01-01"})
    assert overlap.status_code == 400
    assert "2024-03-01–2025-06-30" in overlap.content.decode()


@pytest.mark.django_db
def test_the_source_column_says_where_each_stay_comes_from(client_for, park_a, unit_a, bob):
    from_contract = EnterpriseFactory(parks=[park_a])
    signed_lease(units=[unit_a], enterprise=from_contract, approver=bob)
    entered = EnterpriseFactory(parks=[park_a])
    services.presence_record(enterprise=entered, park=park_a, entry=services.StayEntry(D(2024, 3, 1), None), actor=bob)
    client = client_for("bob")

    def sources(enterprise):
        page = client.get(reverse("leasing:presence", args=[enterprise.pk])).content.decode()
        return re.findall(r'data-testid="presence-source">([^<]*)</td>', page)

    assert (sources(from_contract), sources(entered)) == (["租售合同"], ["人工登记"])
    client.cookies["django_language"] = "en"
    assert (sources(from_contract), sources(entered)) == (["From contracts"], ["Entered by an officer"])


@pytest.mark.django_db
def test_only_officers_of_the_park_enter_stays(client_for, park_a, park_b):
    enterprise = EnterpriseFactory(parks=[park_a])
    data = {"park": park_a.pk, "moved_in_on": "2024-03-01"}
    # carol (招商) sees the page but may not write; dave (park B) cannot pick park A.
    assert client_for("carol").post(reverse("leasing:presence", args=[enterprise.pk]), data).status_code == 403
    assert client_for("dave").post(reverse("leasing:presence", args=[enterprise.pk]), data).status_code in (400, 404)
    assert not Presence.objects.exists()
