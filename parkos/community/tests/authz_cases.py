"""Authorization cases of the community app: every page and API operation (structure: tests/authz/framework.py).

Who may do what (parkos/community/rights.py): staff read community pages in their parks; running the work
(resources, tariffs, events, talent, programmes, fairs, courses, approvals) needs MANAGE_SERVICES in the
park (alice, bob; carol's role has it not; dave serves park B only). Tenants (tina) book rooms, post their
enterprise's jobs and see their own bookings; an enterprise user without an enterprise (erin) sees nothing.
Public pages (events, jobs, fairs, a registration's private link) are open to anyone.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from parkos.community.choices import EventKind
from parkos.community.models import PersonalCalendarFeed
from parkos.community.services import bookings as booking_services
from parkos.community.services import events as event_services
from parkos.community.services import jobs as job_services
from parkos.community.services import talent as talent_services
from parkos.community.tests.factories import ResourceFactory, TariffFactory, at
from tests.authz.framework import (
    API_STAFF_ANY_PARK,
    API_STAFF_IN_PARK_A,
    PUBLIC,
    STAFF_ANY_PARK,
    STAFF_IN_PARK_A,
    Target,
    World,
    api,
    every,
    expect,
    operation,
    page,
    pages,
    pk,
    ui,
)

# Community pages: staff of any park, and tenants; not erin (no enterprise).
STAFF_OR_TENANT = expect(STAFF_ANY_PARK, tina=200)
# Running community work in park A: alice and bob (MANAGE_SERVICES); carol's role lacks the right (403),
# dave serves park B (404).
MANAGE_A = expect(STAFF_IN_PARK_A, carol=403)
# Most forms check the right before looking up the object: dave's role lacks it (403).
MANAGE_FORM_A = expect(MANAGE_A, dave=403)
# A create form needs the right (dave's role has it not either).
MANAGE_ANY = expect(STAFF_ANY_PARK, carol=403, dave=403)
# A successful action redirects (302); refusals as MANAGE_A.
ACT_A = expect(MANAGE_A, alice=302, bob=302)
API_STAFF_OR_TENANT = expect(API_STAFF_ANY_PARK, tina=200)


def day() -> datetime.date:
    """A Tuesday one to two weeks ahead: bookable (lead time, advance limit, a working day)."""
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 + (1 - today.weekday()) % 7)


def tariff(w: World):
    return w.get("community_tariff_a", lambda w: TariffFactory(park=w.park_a, name="矩阵会议室收费"))


def hall(w: World):
    return w.get(
        "community_hall_a",
        lambda w: ResourceFactory(
            park=w.park_a,
            tariff=tariff(w),
            code="AZ-HALL",
            name="矩阵路演厅",
            capacity=100,
            approval_above_attendees=10,
        ),
    )


def booking(w: World):
    """A pending booking of tina's enterprise (50 people need approval)."""
    return w.get(
        "community_booking_a",
        lambda w: booking_services.booking_create(
            data=booking_services.BookingInput(
                resource=hall(w),
                starts_at=at(day(), "09:00"),
                ends_at=at(day(), "10:00"),
                title="矩阵路演预订",
                attendees=50,
            ),
            actor=w.users["tina"],
        ),
    )


def event(w: World):
    def build(w: World):
        created = event_services.event_create(
            park=w.park_a, actor=w.users["alice"], kind=EventKind.ROADSHOW, title="矩阵路演活动", summary="",
            description="", starts_at=at(day(), "14:00"), ends_at=at(day(), "16:00"), venue="路演厅", capacity=10,
            waitlist_limit=5, registration_closes_at=None,
        )  # fmt: skip
        return event_services.event_publish(event=created, actor=w.users["alice"])

    return w.get("community_event_a", build)


def registration(w: World):
    return w.get(
        "community_registration_a",
        lambda w: event_services.event_register(
            event=event(w),
            data=event_services.RegistrationInput(name="矩阵报名人", mobile="13800000077", company="矩阵企业"),
        )[0],
    )


def talent(w: World):
    return w.get(
        "community_talent_a",
        lambda w: talent_services.talent_create(
            park=w.park_a,
            enterprise=w.enterprise_a(),
            actor=w.users["alice"],
            name="矩阵人才",
            mobile="13800000088",
            level="c",
            degree="doctor",
            field="medical_devices",
            arrived_on=datetime.date(2025, 3, 1),
        ),
    )


def programme(w: World):
    return w.get(
        "community_programme",
        lambda w: talent_services.programme_save(
            actor=w.users["alice"], name="矩阵英才计划", level="provincial", benefits=["research_funding"]
        ),
    )


def application(w: World):
    return w.get(
        "community_application_a",
        lambda w: talent_services.application_create(
            programme=programme(w), talent=talent(w), kind="recommendation", year=day().year, actor=w.users["alice"]
        ),
    )


def job(w: World):
    """A posting of tina's enterprise, waiting for approval."""
    return w.get(
        "community_job_a",
        lambda w: job_services.job_submit(
            job=job_services.job_save(
                actor=w.users["tina"],
                park=w.park_a,
                enterprise=w.enterprise_a(),
                title="矩阵质量工程师",
                field="biopharma",
                degree="bachelor",
                description="质量体系",
            ),
            actor=w.users["tina"],
        ),
    )


def approved_job(w: World):
    def build(w: World):
        posting = job_services.job_submit(
            job=job_services.job_save(
                actor=w.users["tina"],
                park=w.park_a,
                enterprise=w.enterprise_a(),
                title="矩阵注册专员",
                field="biopharma",
                degree="bachelor",
                description="注册申报",
            ),
            actor=w.users["tina"],
        )
        return job_services.job_decide(job=posting, approve=True, actor=w.users["alice"])

    return w.get("community_job_approved_a", build)


def fair(w: World):
    return w.get(
        "community_fair_a",
        lambda w: job_services.fair_save(
            actor=w.users["alice"],
            park=w.park_a,
            title="矩阵招聘会",
            starts_at=at(day(), "09:00"),
            ends_at=at(day(), "12:00"),
            venue="路演厅",
            description="",
        ),
    )


def course(w: World):
    return w.get(
        "community_course_a",
        lambda w: job_services.course_save(
            actor=w.users["alice"],
            park=w.park_a,
            title="矩阵GMP培训",
            provider="园区",
            field="biopharma",
            description="",
            starts_at=at(day(), "09:00"),
            ends_at=at(day(), "17:00"),
            venue="培训室",
            capacity=20,
            hours=Decimal(8),
            fee=Decimal(0),
        ),
    )


def person_feed(w: World):
    return w.get("community_feed_tina", lambda w: PersonalCalendarFeed.objects.create(user=w.users["tina"]))


def _booking_payload(w: World) -> dict:
    return {
        "resource": hall(w).pk,
        "starts_at": at(day(), "15:00").isoformat(),
        "ends_at": at(day(), "16:00").isoformat(),
        "title": "矩阵API预订",
        "attendees": 3,
    }


CASES = [
    page("community:home", "GET", target=ui("community:home"), expect=STAFF_OR_TENANT),
    # --- Rooms, equipment and bookings -----------------------------------------------------------------------
    page("community:resource_list", "GET", target=ui("community:resource_list"), expect=STAFF_OR_TENANT),
    page("community:resource_create", "GET", target=ui("community:resource_create"), expect=MANAGE_ANY),
    page("community:resource_create", "POST", target=ui("community:resource_create"), expect=MANAGE_ANY),
    page(
        "community:resource_calendar",
        "GET",
        target=ui("community:resource_calendar", pk(hall)),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page("community:resource_update", "GET", target=ui("community:resource_update", pk(hall)), expect=MANAGE_FORM_A),
    page(
        "community:resource_update",
        "POST",
        target=ui("community:resource_update", pk(hall), watch=[hall]),
        expect=MANAGE_FORM_A,
    ),
    page(
        "community:booking_create",
        "GET",
        target=ui("community:booking_create", pk(hall)),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page(
        "community:booking_create",
        "POST",
        target=ui("community:booking_create", pk(hall), watch=[booking]),
        expect=expect(STAFF_IN_PARK_A, tina=200),
        note="an empty form: shown again with its errors",
    ),
    page(
        "community:series_create",
        "GET",
        target=ui("community:series_create", pk(hall)),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page(
        "community:series_create",
        "POST",
        target=ui("community:series_create", pk(hall), watch=[booking]),
        expect=expect(STAFF_IN_PARK_A, tina=200),
        note="an empty form: shown again with its errors",
    ),
    page(
        "community:booking_quote",
        "GET",
        target=ui("community:booking_quote", pk(hall)),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page("community:tariff_create", "GET", target=ui("community:tariff_create"), expect=MANAGE_ANY),
    page("community:tariff_create", "POST", target=ui("community:tariff_create"), expect=MANAGE_ANY),
    page("community:tariff_update", "GET", target=ui("community:tariff_update", pk(tariff)), expect=MANAGE_FORM_A),
    page(
        "community:tariff_update",
        "POST",
        target=ui("community:tariff_update", pk(tariff), watch=[tariff]),
        expect=MANAGE_FORM_A,
    ),
    page("community:booking_list", "GET", target=ui("community:booking_list"), expect=STAFF_OR_TENANT),
    page("community:charges", "GET", target=ui("community:charges"), expect=STAFF_ANY_PARK),
    page(
        "community:booking_detail",
        "GET",
        target=ui("community:booking_detail", pk(booking), secret="矩阵路演预订"),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page(
        "community:booking_action",
        "POST",
        target=ui("community:booking_action", pk(booking), "approve", watch=[booking]),
        expect=expect(ACT_A, dave=404, tina=403),
    ),
    page(
        "community:booking_action",
        "POST",
        target=ui("community:booking_action", pk(booking), "nonsense", watch=[booking]),
        expect=expect(STAFF_IN_PARK_A, alice=404, bob=404, carol=404, tina=404),
        note="unknown action",
    ),
    page("community:calendar_feeds", "GET", target=ui("community:calendar_feeds"), expect=STAFF_OR_TENANT),
    page(
        "community:calendar_feeds",
        "POST",
        target=ui("community:calendar_feeds"),
        expect=expect(STAFF_OR_TENANT, alice=302, bob=302, carol=302, dave=302, tina=302),
    ),
    page(
        "community:resource_feed",
        "GET",
        target=lambda w: Target(reverse("community:resource_feed", args=[hall(w).ical_token])),
        expect=PUBLIC,
        note="by its secret address",
    ),
    page(
        "community:resource_feed",
        "GET",
        target=ui("community:resource_feed", "not-a-token"),
        expect=every(404),
        note="a guessed address",
    ),
    page(
        "community:person_feed",
        "GET",
        target=lambda w: Target(reverse("community:person_feed", args=[person_feed(w).token])),
        expect=PUBLIC,
        note="by its secret address",
    ),
    # --- Events ----------------------------------------------------------------------------------------------
    page("community:event_list", "GET", target=ui("community:event_list"), expect=STAFF_ANY_PARK),
    page("community:event_create", "GET", target=ui("community:event_create"), expect=MANAGE_ANY),
    page("community:event_create", "POST", target=ui("community:event_create"), expect=MANAGE_ANY),
    page(
        "community:event_detail",
        "GET",
        target=ui("community:event_detail", pk(event), secret="矩阵报名人"),
        expect=STAFF_IN_PARK_A,
    ),
    page("community:event_update", "GET", target=ui("community:event_update", pk(event)), expect=MANAGE_A),
    page(
        "community:event_update",
        "POST",
        target=ui("community:event_update", pk(event), watch=[event]),
        expect=MANAGE_A,
    ),
    page(
        "community:event_export",
        "GET",
        target=lambda w: Target(reverse("community:event_export", args=[registration(w).event_id])),
        expect=expect(STAFF_IN_PARK_A, carol=200),
        note="names and mobiles masked for staff without the right",
    ),
    page("community:checkin_desk", "GET", target=ui("community:checkin_desk", pk(event)), expect=MANAGE_A),
    page(
        "community:checkin_desk",
        "POST",
        target=ui(
            "community:checkin_desk",
            pk(event),
            data=lambda w: {"code": registration(w).checkin_code},
            watch=[registration],
        ),
        expect=MANAGE_A,
    ),
    page(
        "community:event_action",
        "POST",
        target=ui("community:event_action", pk(event), "cancel", watch=[event]),
        expect=ACT_A,
    ),
    page(
        "community:checkin_code",
        "GET",
        target=lambda w: Target(reverse("community:checkin_code", args=[registration(w).checkin_code])),
        expect=MANAGE_A,
    ),
    page(
        "community:checkin_code",
        "POST",
        target=lambda w: Target(
            reverse("community:checkin_code", args=[registration(w).checkin_code]), watch=(registration(w),)
        ),
        expect=MANAGE_A,
    ),
    # --- Talent ----------------------------------------------------------------------------------------------
    page("community:talent_counts", "GET", target=ui("community:talent_counts"), expect=STAFF_ANY_PARK),
    *pages(
        "community:talent",
        talent,
        list_=STAFF_ANY_PARK,
        create=MANAGE_ANY,
        detail=STAFF_IN_PARK_A,
        secret="矩阵人才",
        update=MANAGE_FORM_A,
    ),
    page(
        "community:talent_action",
        "POST",
        target=ui("community:talent_action", pk(talent), "leave", data={"left_on": "2026-01-31"}, watch=[talent]),
        expect=ACT_A,
    ),
    # Programmes are operator-wide: any staff reads them, MANAGE_SERVICES changes them.
    *pages(
        "community:programme",
        programme,
        list_=STAFF_ANY_PARK,
        create=MANAGE_ANY,
        detail=STAFF_ANY_PARK,
        update=MANAGE_ANY,
    ),
    page(
        "community:application_advance",
        "POST",
        target=ui(
            "community:application_advance", pk(application), data={"to_status": "submitted"}, watch=[application]
        ),
        expect=ACT_A,
    ),
    page("community:apartments", "GET", target=ui("community:apartments"), expect=STAFF_ANY_PARK),
    page(
        "community:apartments",
        "POST",
        target=ui("community:apartments", data=lambda w: {"park": w.park_a.pk, "action": "room"}),
        expect=MANAGE_FORM_A,
        note="an empty room form: shown again with its errors",
    ),
    # --- Jobs, fairs, training -------------------------------------------------------------------------------
    page("community:job_list", "GET", target=ui("community:job_list"), expect=STAFF_OR_TENANT),
    # Postings are written by tenants, or by the park's managers for an enterprise.
    page("community:job_create", "GET", target=ui("community:job_create"), expect=expect(MANAGE_ANY, tina=200)),
    page("community:job_create", "POST", target=ui("community:job_create"), expect=expect(MANAGE_ANY, tina=200)),
    page(
        "community:job_detail",
        "GET",
        target=ui("community:job_detail", pk(job), secret="矩阵质量工程师"),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page(
        "community:job_update",
        "GET",
        target=ui("community:job_update", pk(job)),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page(
        "community:job_update",
        "POST",
        target=ui("community:job_update", pk(job), watch=[job]),
        expect=expect(STAFF_IN_PARK_A, tina=200),
    ),
    page(
        "community:job_action",
        "POST",
        target=ui("community:job_action", pk(job), "approve", watch=[job]),
        expect=expect(ACT_A, tina=403),
    ),
    page("community:fair_create", "GET", target=ui("community:fair_create"), expect=MANAGE_ANY),
    page("community:fair_create", "POST", target=ui("community:fair_create"), expect=MANAGE_ANY),
    page("community:fair_detail", "GET", target=ui("community:fair_detail", pk(fair)), expect=STAFF_IN_PARK_A),
    page(
        "community:fair_detail",
        "POST",
        target=ui("community:fair_detail", pk(fair), data={"action": "published"}, watch=[fair]),
        expect=ACT_A,
    ),
    page("community:fair_update", "GET", target=ui("community:fair_update", pk(fair)), expect=MANAGE_FORM_A),
    page(
        "community:fair_update",
        "POST",
        target=ui("community:fair_update", pk(fair), watch=[fair]),
        expect=MANAGE_FORM_A,
    ),
    page("community:course_list", "GET", target=ui("community:course_list"), expect=STAFF_OR_TENANT),
    page("community:course_create", "GET", target=ui("community:course_create"), expect=MANAGE_ANY),
    page("community:course_create", "POST", target=ui("community:course_create"), expect=MANAGE_ANY),
    page(
        "community:course_detail",
        "GET",
        target=ui("community:course_detail", pk(course)),
        expect=expect(STAFF_IN_PARK_A, tina=404),
        note="a course in preparation: not yet shown to tenants",
    ),
    page(
        "community:course_detail",
        "POST",
        target=ui("community:course_detail", pk(course), data={"action": "open"}, watch=[course]),
        expect=expect(ACT_A, tina=404),
    ),
    page("community:course_update", "GET", target=ui("community:course_update", pk(course)), expect=MANAGE_FORM_A),
    page(
        "community:course_update",
        "POST",
        target=ui("community:course_update", pk(course), watch=[course]),
        expect=MANAGE_FORM_A,
    ),
    # --- Public pages (framed by the portal) -----------------------------------------------------------------
    page("community_public:event_list", "GET", target=ui("community_public:event_list"), expect=PUBLIC),
    page(
        "community_public:event_detail",
        "GET",
        target=ui("community_public:event_detail", pk(event), secret="矩阵报名人"),
        expect=PUBLIC,
    ),
    page(
        "community_public:registration",
        "GET",
        target=lambda w: Target(reverse("community_public:registration", args=[registration(w).manage_token])),
        expect=PUBLIC,
        note="the registrant's private link",
    ),
    page(
        "community_public:registration_qr",
        "GET",
        target=lambda w: Target(reverse("community_public:registration_qr", args=[registration(w).manage_token])),
        expect=PUBLIC,
    ),
    page(
        "community_public:registration",
        "GET",
        target=ui("community_public:registration", "guessed-token"),
        expect=every(404),
        note="a guessed link",
    ),
    page("community_public:job_board", "GET", target=ui("community_public:job_board"), expect=PUBLIC),
    page(
        "community_public:job_detail",
        "GET",
        target=ui("community_public:job_detail", pk(approved_job)),
        expect=PUBLIC,
    ),
    page(
        "community_public:job_detail",
        "GET",
        target=ui("community_public:job_detail", pk(job)),
        expect=every(404),
        note="a posting not yet approved",
    ),
    page(
        "community_public:fair_detail",
        "GET",
        target=ui("community_public:fair_detail", pk(fair)),
        expect=every(404),
        note="a draft fair",
    ),
    # --- API -------------------------------------------------------------------------------------------------
    operation("GET", "/api/community/resources/", target=api("/api/community/resources/"), expect=API_STAFF_OR_TENANT),
    operation(
        "GET",
        "/api/community/resources/{id}/",
        target=api("/api/community/resources/{id}/", hall),
        expect=expect(API_STAFF_IN_PARK_A, tina=200),
    ),
    operation("GET", "/api/community/bookings/", target=api("/api/community/bookings/"), expect=API_STAFF_OR_TENANT),
    operation(
        "POST",
        "/api/community/bookings/",
        target=api("/api/community/bookings/", data=_booking_payload, watch=[booking]),
        # Staff of the park book for the operator itself; tenants for their enterprise.
        expect=expect(API_STAFF_IN_PARK_A, alice=201, bob=201, carol=201, tina=201),
    ),
    operation(
        "GET",
        "/api/community/bookings/{id}/",
        target=api("/api/community/bookings/{id}/", booking),
        expect=expect(API_STAFF_IN_PARK_A, tina=200),
    ),
    operation(
        "POST",
        "/api/community/bookings/{id}/approve/",
        target=api("/api/community/bookings/{id}/approve/", booking, watch=[booking]),
        expect=expect(API_STAFF_IN_PARK_A, carol=403),
    ),
    operation(
        "POST",
        "/api/community/bookings/{id}/reject/",
        target=api("/api/community/bookings/{id}/reject/", booking, data={"reason": "已占用"}, watch=[booking]),
        expect=expect(API_STAFF_IN_PARK_A, carol=403),
    ),
    operation(
        "POST",
        "/api/community/bookings/{id}/cancel/",
        target=api("/api/community/bookings/{id}/cancel/", booking, watch=[booking]),
        expect=expect(API_STAFF_IN_PARK_A, carol=403, tina=200),
    ),
    operation(
        "GET",
        "/api/community/chargeable-bookings/",
        target=lambda w: Target(
            "/api/community/chargeable-bookings/",
            data={"park": w.park_a.pk, "start": f"{day():%Y-%m}-01", "end": day().isoformat()},
        ),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation("GET", "/api/community/events/", target=api("/api/community/events/"), expect=API_STAFF_ANY_PARK),
    operation(
        "GET",
        "/api/community/events/{id}/",
        target=api("/api/community/events/{id}/", event),
        expect=API_STAFF_IN_PARK_A,
    ),
    operation("GET", "/api/community/jobs/", target=api("/api/community/jobs/"), expect=API_STAFF_ANY_PARK),
    operation(
        "GET", "/api/community/jobs/{id}/", target=api("/api/community/jobs/{id}/", job), expect=API_STAFF_IN_PARK_A
    ),
    operation("GET", "/api/community/talents/", target=api("/api/community/talents/"), expect=API_STAFF_ANY_PARK),
    operation(
        "GET",
        "/api/community/talents/{id}/",
        target=api("/api/community/talents/{id}/", talent),
        expect=API_STAFF_IN_PARK_A,
    ),
]
