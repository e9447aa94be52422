"""iCalendar (RFC 5545) feeds of bookings, written with `icalendar`.

A single booking is one VEVENT. A weekly series is one VEVENT with RRULE:FREQ=WEEKLY;UNTIL=… and an
EXDATE for every week without an active booking (exceptions, holidays, cancelled occurrences), so a
calendar app shows exactly the occurrences that hold. Times carry TZID=Asia/Shanghai with its
VTIMEZONE. Pending bookings are TENTATIVE.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

import icalendar
from django.utils import timezone

from parkos.community.choices import BookingStatus
from parkos.community.models import Booking, BookingSeries

PRODID = "-//ParkOS//Community bookings//ZH"
UID_DOMAIN = "parkos"


def _summary(booking: Booking, *, details: bool, busy_label: str) -> str:
    return booking.title if details else busy_label


def _base_event(
    uid: str, booking: Booking, *, details: bool, busy_label: str, stamp: datetime.datetime
) -> icalendar.Event:
    tz = timezone.get_default_timezone()
    event = icalendar.Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", booking.updated_at)
    event.add("summary", _summary(booking, details=details, busy_label=busy_label))
    location = booking.resource.name + (f"（{booking.resource.location}）" if booking.resource.location else "")
    event.add("location", location)
    if details and booking.enterprise is not None:
        event.add("description", booking.enterprise.name)
    event.add("status", "TENTATIVE" if booking.status == BookingStatus.PENDING else "CONFIRMED")
    event.add("dtstart", booking.starts_at.astimezone(tz))
    event.add("dtend", booking.ends_at.astimezone(tz))
    return event


def _series_event(
    series: BookingSeries, occurrences: Sequence[Booking], *, details: bool, busy_label: str, stamp: datetime.datetime
) -> icalendar.Event:
    """One VEVENT for the series: the first week's times, weekly until the last, minus the weeks without a booking."""
    tz = timezone.get_default_timezone()
    first = series.first_starts_at.astimezone(tz)
    duration = datetime.timedelta(minutes=series.duration_minutes)
    template = occurrences[0]
    event = _base_event(f"series-{series.pk}", template, details=details, busy_label=busy_label, stamp=stamp)
    event.pop("dtstart")
    event.pop("dtend")
    event.add("dtstart", first)
    event.add("dtend", first + duration)
    held = {b.starts_at.astimezone(tz).date() for b in occurrences}
    last = max(held)
    event.add(
        "rrule",
        {"freq": "weekly", "until": datetime.datetime.combine(last, first.time(), tzinfo=tz).astimezone(datetime.UTC)},
    )
    skipped = []
    day = first.date()
    while day <= last:
        if day not in held:
            skipped.append(datetime.datetime.combine(day, first.time(), tzinfo=tz))
        day += datetime.timedelta(weeks=1)
    if skipped:
        event.add("exdate", skipped)
    if any(b.status == BookingStatus.PENDING for b in occurrences):
        event["status"] = "TENTATIVE"
    return event


def feed(
    name: str, bookings: Iterable[Booking], *, details: bool, busy_label: str, now: datetime.datetime | None = None
) -> bytes:
    """The calendar of these active bookings (resource and enterprise loaded; series with theirs).

    `details=False` hides titles and enterprises (a resource's public busy times), showing `busy_label`.
    """
    stamp = (now or timezone.now()).astimezone(datetime.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(timezone.get_default_timezone()))
    by_series: dict[int, list[Booking]] = defaultdict(list)
    series_of: dict[int, BookingSeries] = {}
    for booking in bookings:
        if booking.series_id is not None and booking.series is not None:
            by_series[booking.series_id].append(booking)
            series_of[booking.series_id] = booking.series
        else:
            calendar.add_component(
                _base_event(f"booking-{booking.pk}", booking, details=details, busy_label=busy_label, stamp=stamp)
            )
    for series_id, occurrences in sorted(by_series.items()):
        occurrences.sort(key=lambda b: b.starts_at)
        calendar.add_component(
            _series_event(series_of[series_id], occurrences, details=details, busy_label=busy_label, stamp=stamp)
        )
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
