"""Community: a resource's month calendar with 1,000 bookings and the public event list, rendered through
Django (middleware, template) against the raw SQL of the rows they show; both with a bounded query count."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.community.choices import BookingStatus, EventKind, EventStatus, RegistrationStatus
from parkos.community.models import BookableResource, Booking, Event, EventRegistration
from parkos.parks.models import Park

PARK_CODE = "BENCH-COMMUNITY"
MONTH_BOOKINGS = 1000
EVENTS = 120
#: The pages must not grow queries with their rows: session, user, park switcher, the rows, and a few more.
MAX_QUERIES = 12


def _park() -> Park:
    park, _ = Park.objects.get_or_create(code=PARK_CODE, defaults={"name": "基准测试人才园", "city": "重庆市"})
    return park


def _month() -> datetime.date:
    return (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _admin_client() -> Client:
    user, _ = User.objects.get_or_create(username="bench-community", defaults={"role": Role.OPERATOR_ADMIN})
    client = Client()
    client.force_login(user)
    return client


def _seed_calendar() -> BookableResource:
    park = _park()
    resource, created = BookableResource.objects.get_or_create(
        park=park,
        code="BENCH-HALL",
        defaults={
            "kind": "roadshow_hall", "name": "基准路演厅", "opens_at": datetime.time(6, 0), "closes_at": datetime.time(23, 0),
            "working_days_only": False, "slot_minutes": 30, "max_advance_days": 365,
        },
    )  # fmt: skip
    if created or not Booking.objects.filter(resource=resource).exists():
        tz = timezone.get_default_timezone()
        month = _month()
        rows: list[Booking] = []
        day = month
        while len(rows) < MONTH_BOOKINGS:
            for slot in range(34):
                start = datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=tz) + datetime.timedelta(
                    minutes=30 * slot
                )
                rows.append(
                    Booking(
                        resource=resource,
                        park=park,
                        title=f"会议{len(rows)}",
                        starts_at=start,
                        ends_at=start + datetime.timedelta(minutes=30),
                        status=BookingStatus.CONFIRMED,
                    )
                )
                if len(rows) == MONTH_BOOKINGS:
                    break
            day += datetime.timedelta(days=1)
        Booking.objects.bulk_create(rows, batch_size=500)
    return resource


def _bounded(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    count = len(queries.captured_queries)
    assert count <= MAX_QUERIES, f"{path}: {count} queries (bound {MAX_QUERIES})"
    return count


@benchmark("community.month_calendar_1000_bookings")
def month_calendar(scale: str) -> Case:
    resource = _seed_calendar()
    client = _admin_client()
    month = _month()
    path = f"/community/resources/{resource.pk}/?view=month&day={month.isoformat()}"
    queries = _bounded(client, path)
    tz = timezone.get_default_timezone()
    lower = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
    upper = datetime.datetime.combine(
        (month + datetime.timedelta(days=32)).replace(day=1), datetime.time.min, tzinfo=tz
    )

    def subject() -> int:
        response = client.get(path)
        return response.content.count(b"<li title=")

    def floor() -> int:
        # The rows the page shows, read raw (the bookings of the month with their enterprise names).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT b.id, b.starts_at, b.ends_at, b.title, b.status, b.enterprise_id, e.name FROM community_booking b"
                " LEFT JOIN enterprises_enterprise e ON e.id = b.enterprise_id"
                " WHERE b.resource_id = %s AND b.status IN ('pending', 'confirmed') AND b.starts_at < %s AND b.ends_at > %s",
                [resource.pk, *map(connection.ops.adapt_datetimefield_value, (upper, lower))],
            )
            rows = cursor.fetchall()
        return len(rows)

    def check(s: Any, f: Any) -> None:
        assert f == MONTH_BOOKINGS, f
        assert 0 < s <= f, (s, f)  # each day cell lists its first bookings, then "+N"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the month's bookings",
        target_ratio=None,
        check=check,
        notes=f"{MONTH_BOOKINGS} bookings in the month; page queries {queries} (bound {MAX_QUERIES})",
    )


def _seed_events() -> None:
    park = _park()
    if Event.objects.filter(park=park).count() >= EVENTS:
        return
    now = timezone.now()
    events = Event.objects.bulk_create(
        Event(
            park=park,
            kind=EventKind.values[i % 4],
            title=f"基准活动{i}",
            starts_at=now + datetime.timedelta(days=1 + i % 60, hours=i % 5),
            ends_at=now + datetime.timedelta(days=1 + i % 60, hours=i % 5 + 2),
            venue="路演厅",
            capacity=50,
            status=EventStatus.PUBLISHED,
            published_at=now,
        )
        for i in range(EVENTS)
    )
    EventRegistration.objects.bulk_create(
        EventRegistration(
            event=event,
            name="张伟",
            mobile=f"+86138{event.pk:04d}{n:04d}",
            status=RegistrationStatus.CONFIRMED,
            position=n + 1,
            consent_at=now,
        )
        for event in events
        for n in range(20)
    )


@benchmark("community.public_event_list")
def public_event_list(scale: str) -> Case:
    _seed_events()
    client = Client()
    queries = _bounded(client, "/events/")

    def subject() -> int:
        return client.get("/events/").content.count(b'class="chip"')

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.id, e.title, e.starts_at, p.name, COUNT(r.id) FROM community_event e"
                " JOIN parks_park p ON p.id = e.park_id LEFT JOIN community_eventregistration r"
                " ON r.event_id = e.id AND r.status = 'confirmed'"
                " WHERE e.status = 'published' AND e.ends_at >= %s GROUP BY e.id, e.title, e.starts_at, p.name"
                " ORDER BY e.starts_at LIMIT 20",
                [connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            return len(cursor.fetchall())

    def check(s: Any, f: Any) -> None:
        assert s == f == 20, (s, f)

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the first page of events with counts",
        target_ratio=None,
        check=check,
        notes=f"{EVENTS} published events × 20 registrants; page queries {queries} (bound {MAX_QUERIES})",
    )
