"""Role × park × endpoint for the community pages and API: the status each persona gets, and that nothing
changed on denial (rows and audit trail)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from parkos.community.choices import BookingStatus, EventKind, JobStatus
from parkos.community.models import Booking, Event, JobPosting, TalentRecord
from parkos.community.selectors import chargeable_bookings
from parkos.community.services import bookings as booking_services
from parkos.community.services import events as event_services
from parkos.community.services import jobs as job_services
from parkos.community.tests.factories import ResourceFactory, TariffFactory, at
from parkos.core.models import AuditEntry

DAY = datetime.date(2026, 12, 16)


@pytest.fixture
def world(park_a, tenant, bob):
    enterprise, tina = tenant
    hall = ResourceFactory(park=park_a, approval_above_attendees=10, capacity=100)
    pending = booking_services.booking_create(
        data=booking_services.BookingInput(
            resource=hall, starts_at=at(DAY, "09:00"), ends_at=at(DAY, "10:00"), title="路演", attendees=50
        ),
        actor=tina,
        now=at("2026-12-01", "09:00"),
    )
    event = event_services.event_create(
        park=park_a, actor=bob, kind=EventKind.ROADSHOW, title="路演", summary="", description="", starts_at=at(DAY, "14:00"),
        ends_at=at(DAY, "16:00"), venue="路演厅", capacity=10, waitlist_limit=5, registration_closes_at=None,
    )  # fmt: skip
    job = job_services.job_submit(
        job=job_services.job_save(
            actor=tina,
            park=park_a,
            enterprise=enterprise,
            title="QA",
            field="biopharma",
            degree="bachelor",
            description="质量",
        ),
        actor=tina,
    )
    return {"hall": hall, "booking": pending, "event": event, "job": job, "tina": tina}


def _state():
    return (
        list(Booking.objects.values_list("pk", "status")),
        list(Event.objects.values_list("pk", "status")),
        list(JobPosting.objects.values_list("pk", "status")),
        TalentRecord.objects.count(),
        AuditEntry.objects.count(),
    )


READS = [
    "community:home",
    "community:resource_list",
    "community:booking_list",
    "community:event_list",
    "community:talent_list",
    "community:job_list",
    "community:course_list",
]
STAFF_ONLY_READS = {"community:event_list", "community:talent_list"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("bob", 200), ("carol", 200), ("dave", 200), ("erin", 403), ("anonymous", 302)],
)
@pytest.mark.parametrize("url_name", READS)
def test_read_pages(client_for, world, persona, expected, url_name):
    response = client_for(persona).get(reverse(url_name))
    assert response.status_code == expected


def test_tenant_reads_its_pages_but_not_staff_ones(client_for, world):
    client = Client()
    client.force_login(world["tina"])
    for name in READS:
        assert client.get(reverse(name)).status_code == (403 if name in STAFF_ONLY_READS else 200), name


# persona → (booking approve, event publish, job approve)
WRITES = [
    ("alice", 302, 302, 302, True),
    ("bob", 302, 302, 302, True),
    ("carol", 403, 403, 403, False),
    ("dave", 404, 404, 404, False),
    ("erin", 403, 403, 403, False),
    ("anonymous", 302, 302, 302, False),
]


@pytest.mark.parametrize(("persona", "booking_status", "event_status", "job_status", "changes"), WRITES)
def test_write_matrix(client_for, world, persona, booking_status, event_status, job_status, changes):
    client = client_for(persona)
    before = _state()
    responses = [
        client.post(reverse("community:booking_action", args=[world["booking"].pk, "approve"])),
        client.post(reverse("community:event_action", args=[world["event"].pk, "publish"])),
        client.post(reverse("community:job_action", args=[world["job"].pk, "approve"])),
    ]
    statuses = [r.status_code for r in responses]
    if persona == "carol":
        # Staff of the park without the right: the action is refused inside the page (403) — nothing written.
        assert all(s in (302, 403) for s in statuses)
    else:
        assert statuses == [booking_status, event_status, job_status]
    if changes:
        assert Booking.objects.get(pk=world["booking"].pk).status == BookingStatus.CONFIRMED
        assert Event.objects.get(pk=world["event"].pk).status == "published"
        assert JobPosting.objects.get(pk=world["job"].pk).status == JobStatus.APPROVED
    else:
        assert _state() == before


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("bob", 200), ("carol", 200), ("dave", 200), ("erin", 403), ("anonymous", 403)],
)
def test_api_lists_are_scoped(client_for, world, persona, expected):
    response = client_for(persona).get("/api/community/bookings/")
    assert response.status_code == expected
    if persona == "dave":
        assert response.json()["results"] == []
    if persona == "bob":
        assert [row["id"] for row in response.json()["results"]] == [world["booking"].pk]


def test_api_booking_create_conflict_and_cancel(client_for, world, time_machine):
    time_machine.move_to(at("2026-12-01", "09:00"))
    client = Client()
    client.force_login(world["tina"])
    payload = {
        "resource": world["hall"].pk,
        "starts_at": at(DAY, "09:30").isoformat(),
        "ends_at": at(DAY, "10:30").isoformat(),
        "title": "会议",
        "attendees": 3,
    }
    conflict = client.post("/api/community/bookings/", payload, content_type="application/json")
    assert conflict.status_code == 409
    assert conflict.json()["next_free_starts_at"].startswith("2026-12-16T10:00")
    ok = client.post(
        "/api/community/bookings/",
        {**payload, "starts_at": at(DAY, "11:00").isoformat(), "ends_at": at(DAY, "12:00").isoformat()},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["status"] == "confirmed"
    bad = client.post(
        "/api/community/bookings/",
        {
            **payload,
            "starts_at": at("2026-12-19", "11:00").isoformat(),
            "ends_at": at("2026-12-19", "12:00").isoformat(),
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "不是工作日" in str(bad.json())
    cancelled = client.post(
        f"/api/community/bookings/{ok.json()['id']}/cancel/", {"reason": "改期"}, content_type="application/json"
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


def test_chargeable_bookings_api_and_selector(client_for, world, park_a, time_machine):
    time_machine.move_to(at("2026-12-01", "09:00"))
    tariff = TariffFactory(park=park_a, free_minutes_per_month=60, price_per_hour=Decimal("120.00"))
    room = ResourceFactory(park=park_a, tariff=tariff)
    for start, end in (("09:00", "10:00"), ("10:00", "11:30")):
        booking_services.booking_create(
            data=booking_services.BookingInput(
                resource=room, starts_at=at(DAY, start), ends_at=at(DAY, end), title="会"
            ),
            actor=world["tina"],
        )
    [line] = chargeable_bookings(park=park_a, start=datetime.date(2026, 12, 1), end=datetime.date(2026, 12, 31))
    assert (line.quantity, line.unit_price, line.source_type) == (
        Decimal("1.5000"),
        Decimal("120.00"),
        "community.booking",
    )
    assert line.occurred_on == DAY
    assert line.quantity * line.unit_price == Decimal("180.00")
    api = client_for("bob").get(f"/api/community/chargeable-bookings/?park={park_a.pk}&start=2026-12-01&end=2026-12-31")
    assert api.status_code == 200
    assert len(api.json()) == 1
    assert (
        client_for("dave")
        .get(f"/api/community/chargeable-bookings/?park={park_a.pk}&start=2026-12-01&end=2026-12-31")
        .status_code
        == 404
    )
    xlsx = client_for("bob").get(f"/community/bookings/charges/?park={park_a.pk}&month=2026-12&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
