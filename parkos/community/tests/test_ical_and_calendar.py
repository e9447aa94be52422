"""iCalendar feeds parsed back (with the weekly rule and its exceptions expanded); calendar grids and query counts."""

import datetime

import icalendar
import pytest
import recurring_ical_events
from django.urls import reverse

from parkos.community import calendars
from parkos.community.models import Booking, PersonalCalendarFeed
from parkos.community.selectors import bookings as selectors
from parkos.community.services import bookings as services
from parkos.community.tests.factories import ResourceFactory, at

NOW = at("2026-09-01", "09:00")


def _series(room, actor):
    data = services.BookingInput(
        resource=room, starts_at=at("2026-09-16", "14:00"), ends_at=at("2026-09-16", "15:00"), title="周三例会"
    )
    series = services.booking_series_create(
        data=data, until=datetime.date(2026, 10, 28), exceptions=[datetime.date(2026, 9, 23)], actor=actor, now=NOW
    )
    # One occurrence cancelled afterwards becomes an exception too.
    services.booking_cancel(booking=series.bookings.get(starts_at=at("2026-10-14", "14:00")), actor=actor, now=NOW)
    return series


def test_person_feed_parses_back_with_the_weekly_rule_and_exceptions(client, park_a, tenant, time_machine):
    time_machine.move_to(NOW)
    _enterprise, tina = tenant
    room = ResourceFactory(park=park_a, name="301会议室", location="综合楼3楼", max_advance_days=90)
    _series(room, tina)
    single = services.booking_create(
        data=services.BookingInput(
            resource=room, starts_at=at("2026-09-17", "10:00"), ends_at=at("2026-09-17", "11:30"), title="客户洽谈"
        ),
        actor=tina,
        now=NOW,
    )
    feed = PersonalCalendarFeed.objects.create(user=tina)
    response = client.get(reverse("community:person_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")

    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert events[f"booking-{single.pk}@parkos"]["SUMMARY"] == "客户洽谈"
    assert events[f"booking-{single.pk}@parkos"].decoded("DTSTART") == at("2026-09-17", "10:00")
    assert "301会议室" in str(events[f"booking-{single.pk}@parkos"]["LOCATION"])
    series_event = next(e for uid, e in events.items() if uid.startswith("series-"))
    assert series_event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"

    occurrences = recurring_ical_events.of(calendar).between(datetime.date(2026, 9, 1), datetime.date(2026, 11, 30))
    series_days = sorted(
        o.decoded("DTSTART").date().isoformat() for o in occurrences if str(o["UID"]).startswith("series-")
    )
    # 23 Sep: asked exception; 7 Oct: 国庆 holiday; 14 Oct: cancelled afterwards.
    assert series_days == ["2026-09-16", "2026-09-30", "2026-10-21", "2026-10-28"]
    assert all(o.decoded("DTSTART").hour == 14 for o in occurrences if str(o["UID"]).startswith("series-"))


def test_resource_feed_hides_titles_and_unknown_tokens_404(client, park_a, tenant, time_machine):
    time_machine.move_to(NOW)
    _enterprise, tina = tenant
    room = ResourceFactory(park=park_a, max_advance_days=90)
    services.booking_create(
        data=services.BookingInput(
            resource=room, starts_at=at("2026-09-17", "10:00"), ends_at=at("2026-09-17", "11:00"), title="保密项目"
        ),
        actor=tina,
        now=NOW,
    )
    body = client.get(reverse("community:resource_feed", args=[room.ical_token])).content
    calendar = icalendar.Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "已预订"
    assert "保密项目" not in body.decode()
    assert client.get(reverse("community:resource_feed", args=["wrong"])).status_code == 404


def test_month_grid_with_many_bookings_in_bounded_queries(park_a, bob, django_assert_max_num_queries):
    room = ResourceFactory(park=park_a, min_lead_minutes=0, max_advance_days=365)
    day = datetime.date(2026, 9, 1)
    rows = []
    while day < datetime.date(2026, 10, 1):
        for hour in range(9, 17):
            rows.append(
                Booking(
                    resource=room,
                    park=park_a,
                    title=f"会议{hour}",
                    starts_at=at(day, f"{hour}:00"),
                    ends_at=at(day, f"{hour}:30"),
                    status="confirmed",
                )
            )
        day += datetime.timedelta(days=1)
    Booking.objects.bulk_create(rows)
    with django_assert_max_num_queries(2):
        grid = selectors.resource_calendar(room, view="month", anchor=datetime.date(2026, 9, 15), viewer=bob)
    assert sum(len(d.rows) for d in grid.days) == len(rows)
    assert grid.days[0].more == 8 - calendars.MONTH_CELL_LIMIT
    # National Day is closed and named; a make-up Sunday is open.
    with django_assert_max_num_queries(2):
        october = selectors.resource_calendar(room, view="month", anchor=datetime.date(2026, 10, 1), viewer=bob)
    first = october.days[0]
    assert first.open is False
    assert first.note == "国庆节"


def test_week_grid_places_blocks_on_slots(park_a, bob):
    room = ResourceFactory(park=park_a, min_lead_minutes=0)
    services.booking_create(
        data=services.BookingInput(
            resource=room, starts_at=at("2026-09-16", "09:30"), ends_at=at("2026-09-16", "11:00"), title="例会"
        ),
        actor=bob,
        now=NOW,
    )
    grid = selectors.resource_calendar(room, view="week", anchor=datetime.date(2026, 9, 16), viewer=bob)
    assert next(d.day.isoformat() for d in grid.days) == "2026-09-14"
    [block] = grid.days[2].blocks
    assert (block.line, block.span) == (3, 3)  # 08:30 is line 1; 09:30 is line 3; 90 minutes = 3 slots
    assert grid.slots[0].label == "08:30"
    assert grid.slots[-1].until == "18:00"


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_calendar_page_and_htmx_partial(client_for, park_a, view):
    room = ResourceFactory(park=park_a)
    client = client_for("bob")
    url = reverse("community:resource_calendar", args=[room.pk]) + f"?view={view}&day=2026-09-16"
    page = client.get(url)
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert f'data-view="{view}"' in partial.content.decode()
