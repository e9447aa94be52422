"""Booking services: rules, quota, approval, cancellation, series with exceptions; no double booking on either database."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.utils import timezone

from parkos.community.choices import BookingAudience, BookingStatus
from parkos.community.models import Booking
from parkos.community.services import bookings as services
from parkos.community.tests.conftest import WEDNESDAY
from parkos.community.tests.factories import ResourceFactory, at, tenant_of
from parkos.core.models import AuditEntry
from parkos.core.workdays import next_working_day

NOW = at(WEDNESDAY - datetime.timedelta(days=2), "09:00")  # Monday before


def _book(resource, actor, start, end, *, title="周例会", attendees=4, enterprise=None, now=NOW):
    data = services.BookingInput(
        resource=resource, starts_at=start, ends_at=end, title=title, attendees=attendees, enterprise=enterprise
    )
    return services.booking_create(data=data, actor=actor, now=now)


def test_tenant_books_within_quota_for_free_then_pays_beyond_it(room, tenant):
    enterprise, tina = tenant
    first = _book(room, tina, at(WEDNESDAY, "09:00"), at(WEDNESDAY, "11:00"))
    assert first.status == BookingStatus.CONFIRMED
    assert first.enterprise == enterprise
    assert (first.free_minutes, first.chargeable_minutes, first.amount) == (120, 0, Decimal("0.00"))
    second = _book(room, tina, at(WEDNESDAY, "14:00"), at(WEDNESDAY, "15:30"))
    assert (second.free_minutes, second.chargeable_minutes, second.amount) == (0, 90, Decimal("150.00"))
    assert AuditEntry.objects.filter(
        object_type="community.booking", object_id=str(second.pk), action="create"
    ).exists()


def test_cancelling_a_free_booking_hands_its_minutes_to_the_next(room, tenant):
    _enterprise, tina = tenant
    first = _book(room, tina, at(WEDNESDAY, "09:00"), at(WEDNESDAY, "11:00"))
    second = _book(room, tina, at(WEDNESDAY, "14:00"), at(WEDNESDAY, "15:00"))
    assert second.amount == Decimal("100.00")
    services.booking_cancel(booking=first, actor=tina, reason="改期", now=NOW)
    second.refresh_from_db()
    assert (second.free_minutes, second.chargeable_minutes, second.amount) == (60, 0, Decimal("0.00"))
    first.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED
    assert first.amount == 0


def test_quota_is_per_calendar_month(room, tenant):
    _enterprise, tina = tenant
    may_end = _book(room, tina, at("2026-05-29", "09:00"), at("2026-05-29", "11:00"), now=at("2026-05-20", "09:00"))
    june = _book(room, tina, at("2026-06-01", "09:00"), at("2026-06-01", "11:00"), now=at("2026-05-20", "09:00"))
    assert may_end.amount == 0
    assert june.amount == 0


def test_overlap_refused_with_the_next_free_slot(room, tenant, park_a):
    _enterprise, tina = tenant
    _book(room, tina, at(WEDNESDAY, "10:00"), at(WEDNESDAY, "12:00"))
    _other, olga = tenant_of(park_a)
    with pytest.raises(services.BookingConflict) as caught:
        _book(room, olga, at(WEDNESDAY, "11:00"), at(WEDNESDAY, "12:00"))
    assert caught.value.next_free == services.rules.Interval(at(WEDNESDAY, "12:00"), at(WEDNESDAY, "13:00"))
    assert "已被预订" in caught.value.messages[0]
    assert "12:00–13:00" in caught.value.messages[0]
    # Touching ranges are not overlaps: [10, 12) and [12, 13) both stand.
    assert _book(room, olga, at(WEDNESDAY, "12:00"), at(WEDNESDAY, "13:00")).status == BookingStatus.CONFIRMED


def test_the_database_itself_refuses_an_overlap(room, tenant):
    """Even a write that bypasses the service (admin, a script) cannot double-book: constraint or trigger."""
    _enterprise, tina = tenant
    booking = _book(room, tina, at(WEDNESDAY, "10:00"), at(WEDNESDAY, "12:00"))
    clash = Booking(
        resource=room, park=room.park, title="绕过服务", starts_at=at(WEDNESDAY, "11:30"), ends_at=at(WEDNESDAY, "13:00"),
        status=BookingStatus.CONFIRMED,
    )  # fmt: skip
    with pytest.raises(IntegrityError, match=services.NO_OVERLAP), transaction.atomic():
        clash.save()
    # A cancelled booking holds nothing; an update that moves a booking onto another is refused too.
    clash.status = BookingStatus.CANCELLED
    clash.save()
    clash.status = BookingStatus.CONFIRMED
    with pytest.raises(IntegrityError, match=services.NO_OVERLAP), transaction.atomic():
        clash.save()
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    clash.save()  # now free


def test_rules_refused_with_every_reason(room, tenant):
    _enterprise, tina = tenant
    with pytest.raises(ValidationError) as caught:
        _book(
            room, tina, at("2026-05-01", "07:00"), at("2026-05-01", "07:20"), attendees=40, now=at("2026-04-28", "9:00")
        )
    messages = " ".join(caught.value.messages)
    assert "不是工作日" in messages
    assert "开放时间" in messages
    assert "不能少于" in messages
    assert "容纳上限" in messages
    assert not Booking.objects.exists()


def test_who_may_book(room, tenant, park_a, park_b, bob, carol, dave, erin):
    enterprise, tina = tenant
    start, end = at(WEDNESDAY, "09:00"), at(WEDNESDAY, "10:00")
    # A park manager books for a tenant (its quota applies) or for the park itself (free).
    for_tenant = _book(room, bob, start, end, enterprise=enterprise)
    assert for_tenant.enterprise == enterprise
    internal = _book(room, bob, at(WEDNESDAY, "10:00"), at(WEDNESDAY, "11:00"))
    assert internal.enterprise is None
    assert internal.amount == 0
    # Staff without the right book only for the park, not for an enterprise.
    with pytest.raises(PermissionDenied):
        _book(room, carol, at(WEDNESDAY, "11:00"), at(WEDNESDAY, "12:00"), enterprise=enterprise)
    # Staff of another park: the room does not exist for them.
    with pytest.raises(Exception, match="未找到"):
        _book(room, dave, at(WEDNESDAY, "11:00"), at(WEDNESDAY, "12:00"))
    # An enterprise user without an enterprise, and a tenant of another park.
    with pytest.raises(PermissionDenied):
        _book(room, erin, at(WEDNESDAY, "11:00"), at(WEDNESDAY, "12:00"))
    _elsewhere, other = tenant_of(park_b)
    with pytest.raises(PermissionDenied, match="不对贵企业开放"):
        _book(room, other, at(WEDNESDAY, "11:00"), at(WEDNESDAY, "12:00"))
    # A staff-only room refuses tenants; a listed room accepts only the listed ones.
    staff_only = ResourceFactory(park=park_a, audience=BookingAudience.STAFF)
    with pytest.raises(PermissionDenied):
        _book(staff_only, tina, start, end)
    listed = ResourceFactory(park=park_a, audience=BookingAudience.LISTED)
    with pytest.raises(PermissionDenied):
        _book(listed, tina, start, end)
    listed.allowed_enterprises.add(enterprise)
    assert _book(listed, tina, start, end).enterprise == enterprise


def test_above_a_size_waits_for_approval_holding_the_slot(park_a, tenant, bob, tariff):
    _enterprise, tina = tenant
    hall = ResourceFactory(park=park_a, capacity=200, approval_above_attendees=50, tariff=tariff)
    pending = _book(hall, tina, at(WEDNESDAY, "09:00"), at(WEDNESDAY, "11:00"), attendees=80)
    assert pending.status == BookingStatus.PENDING
    with pytest.raises(services.BookingConflict):
        _book(hall, bob, at(WEDNESDAY, "10:00"), at(WEDNESDAY, "11:00"))
    with pytest.raises(ValidationError):
        services.booking_decide(booking=pending, approve=False, actor=bob, reason="")
    rejected = services.booking_decide(booking=pending, approve=False, actor=bob, reason="当日有政府活动")
    assert rejected.status == BookingStatus.REJECTED
    assert _book(hall, bob, at(WEDNESDAY, "10:00"), at(WEDNESDAY, "11:00")).status == BookingStatus.CONFIRMED


def test_cancel_rights_and_timing(room, tenant, park_a, carol):
    _enterprise, tina = tenant
    booking = _book(room, tina, at(WEDNESDAY, "09:00"), at(WEDNESDAY, "10:00"))
    _other, olga = tenant_of(park_a)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, actor=olga, now=NOW)
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, actor=carol, now=NOW)
    with pytest.raises(ValidationError, match="已开始"):
        services.booking_cancel(booking=booking, actor=tina, now=at(WEDNESDAY, "09:30"))


# --- series ---------------------------------------------------------------------------------------------------


def test_weekly_series_with_exceptions_holidays_and_quota(park_a, tenant, tariff):
    _enterprise, tina = tenant
    room = ResourceFactory(park=park_a, tariff=tariff, max_advance_days=90)
    data = services.BookingInput(
        resource=room, starts_at=at("2026-09-16", "14:00"), ends_at=at("2026-09-16", "15:00"), title="周三例会"
    )
    series = services.booking_series_create(
        data=data, until=datetime.date(2026, 10, 21), exceptions=[datetime.date(2026, 9, 23)], actor=tina,
        now=at("2026-09-01", "09:00"),
    )  # fmt: skip
    days = [
        b.starts_at.astimezone(at("2026-09-16", "00:00").tzinfo).date().isoformat()
        for b in series.bookings.order_by("starts_at")
    ]
    assert days == ["2026-09-16", "2026-09-30", "2026-10-14", "2026-10-21"]
    assert series.exceptions == ["2026-09-23", "2026-10-07"]
    # 120 free minutes a month: both September hours free; October likewise (two hours).
    assert sum(b.amount for b in series.bookings.all()) == 0
    # Cancelling one occurrence makes it an exception of the series.
    services.booking_cancel(
        booking=series.bookings.get(starts_at=at("2026-10-14", "14:00")), actor=tina, now=at("2026-09-01", "09:00")
    )
    series.refresh_from_db()
    assert "2026-10-14" in series.exceptions


def test_series_is_all_or_nothing_and_names_each_taken_date(park_a, tenant, bob):
    _enterprise, tina = tenant
    room = ResourceFactory(park=park_a, max_advance_days=90)
    _book(room, bob, at("2026-09-30", "14:30"), at("2026-09-30", "15:30"), now=at("2026-09-01", "09:00"))
    data = services.BookingInput(
        resource=room, starts_at=at("2026-09-16", "14:00"), ends_at=at("2026-09-16", "15:00"), title="例会"
    )
    with pytest.raises(ValidationError) as caught:
        services.booking_series_create(
            data=data, until=datetime.date(2026, 10, 14), actor=tina, now=at("2026-09-01", "09:00")
        )
    assert any(m.startswith("2026-09-30：该时段已被预订") and "15:30–16:30" in m for m in caught.value.messages)
    assert Booking.objects.count() == 1
    series = services.booking_series_create(
        data=data,
        until=datetime.date(2026, 10, 14),
        exceptions=[datetime.date(2026, 9, 30)],
        actor=tina,
        now=at("2026-09-01", "09:00"),
    )
    assert series.bookings.count() == 3  # 16 and 23 Sep, 14 Oct (30 Sep excepted, 7 Oct is 国庆)


def test_series_cancel_from_a_day(park_a, tenant):
    _enterprise, tina = tenant
    room = ResourceFactory(park=park_a, max_advance_days=90)
    data = services.BookingInput(
        resource=room, starts_at=at("2026-09-16", "14:00"), ends_at=at("2026-09-16", "15:00"), title="例会"
    )
    now = at("2026-09-01", "09:00")
    series = services.booking_series_create(data=data, until=datetime.date(2026, 10, 21), actor=tina, now=now)
    cancelled = services.series_cancel(series=series, actor=tina, from_day=datetime.date(2026, 10, 1), now=now)
    assert cancelled == 2
    assert series.bookings.active().count() == 3


# --- concurrency ------------------------------------------------------------------------------------------------


def test_sequential_overlapping_requests_one_booking_49_refusals(room, park_a):
    """SQLite (and PostgreSQL) sequentially: 50 overlapping requests, exactly one wins."""
    tenants = [tenant_of(park_a)[1] for _ in range(50)]
    won, refused = 0, []
    for i, user in enumerate(tenants):
        start = at(WEDNESDAY, "10:00") + datetime.timedelta(minutes=30 * (i % 2))
        try:
            _book(room, user, start, start + datetime.timedelta(hours=1))
            won += 1
        except services.BookingConflict as exc:
            refused.append(exc)
    assert won == 1
    assert len(refused) == 49
    assert Booking.objects.active().count() == 1
    assert all(exc.next_free is not None and "最近的空闲时段" in exc.messages[0] for exc in refused)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="simultaneous writers need PostgreSQL")
def test_fifty_simultaneous_requests_one_booking_49_clear_refusals(client, park_a, tariff):
    """50 tenants post overlapping slots of one room at the same moment: exactly one booking, 49 refusals
    that name the next free slot — the exclusion constraint decides the races the pre-check cannot see."""
    room = ResourceFactory(park=park_a, tariff=tariff, min_lead_minutes=0)
    users = [tenant_of(park_a)[1] for _ in range(50)]
    day = next_working_day(timezone.localdate() + datetime.timedelta(days=7))
    barrier = threading.Barrier(len(users))
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def attempt(i, user):
        http = Client()
        http.force_login(user)
        start = at(day, "10:00") + datetime.timedelta(minutes=30 * (i % 2))
        barrier.wait()
        try:
            response = http.post(
                "/api/community/bookings/",
                {
                    "resource": room.pk,
                    "starts_at": start.isoformat(),
                    "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
                    "title": f"会议{i}",
                    "attendees": 3,
                },
                content_type="application/json",
            )
            with lock:
                results.append((response.status_code, response.content.decode()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [409] * 49, statuses
    assert Booking.objects.active().filter(resource=room).count() == 1
    assert all("已被预订" in body and "最近的空闲时段" in body for status, body in results if status == 409)
