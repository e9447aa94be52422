"""Reads of talent, jobs, fairs, training and events: scoped lists, counts for reports, the public pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parkos.accounts.access import scope_to_parks
from parkos.community.choices import (
    DEGREE_RANK,
    ApartmentLeaseStatus,
    CourseStatus,
    Degree,
    EventStatus,
    FairStatus,
    RegistrationStatus,
    TalentField,
    TalentLevel,
    TalentStatus,
    TrainingRegistrationStatus,
    WaitlistStatus,
)
from parkos.community.models import (
    ApartmentLease,
    ApartmentRoom,
    ApartmentWaitlistEntry,
    Event,
    JobPosting,
    RecruitmentFair,
    TalentRecord,
    TrainingCourse,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User


# --- Talent --------------------------------------------------------------------------------------------------


def talents_for(user: User | AnonymousUser) -> QuerySet[TalentRecord]:
    return scope_to_parks(user, TalentRecord.objects.select_related("park", "enterprise"))


def talents_on(park_ids: list[int] | None, day: datetime.date) -> QuerySet[TalentRecord]:
    """Talents in the park on `day`: arrived by then and not left before it."""
    queryset = TalentRecord.objects.filter(arrived_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
    if park_ids is not None:
        queryset = queryset.filter(park_id__in=park_ids)
    return queryset


@dataclass(frozen=True)
class TalentCounts:
    """Talents by level (rows) and field (columns) on a day, with totals — the report's table."""

    day: datetime.date
    levels: list[tuple[str, str]]
    fields: list[tuple[str, str]]
    cells: dict[tuple[str, str], int]
    by_degree: dict[str, int]
    returnees: int

    def cell(self, level: str, field: str) -> int:
        return self.cells.get((level, field), 0)

    def level_total(self, level: str) -> int:
        return sum(v for (lv, _f), v in self.cells.items() if lv == level)

    def field_total(self, field: str) -> int:
        return sum(v for (_lv, f), v in self.cells.items() if f == field)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    @property
    def rows(self) -> list[tuple[str, list[int], int]]:
        return [
            (label, [self.cell(level, field) for field, _f in self.fields], self.level_total(level))
            for level, label in self.levels
        ]

    @property
    def totals_row(self) -> list[int]:
        return [self.field_total(field) for field, _f in self.fields]


def talent_counts(park_ids: list[int] | None, day: datetime.date) -> TalentCounts:
    """Counts of talents by level and field in some parks on a day (two grouped queries)."""
    base = talents_on(park_ids, day)
    cells = {
        (row["level"], row["field"]): row["n"]
        for row in base.values("level", "field").annotate(n=Count("pk")).order_by()
    }
    by_degree = {row["degree"]: row["n"] for row in base.values("degree").annotate(n=Count("pk")).order_by()}
    return TalentCounts(
        day=day,
        levels=[(v, str(label)) for v, label in TalentLevel.choices],
        fields=[(v, str(label)) for v, label in TalentField.choices if any(f == v for _l, f in cells)],
        cells=cells,
        by_degree={str(label): by_degree.get(v, 0) for v, label in reversed(Degree.choices)},
        returnees=base.filter(returnee=True).count(),
    )


@dataclass(frozen=True)
class RoomState:
    room: ApartmentRoom
    tenant: ApartmentLease | None  # the active lease
    next_in_line: ApartmentWaitlistEntry | None


def apartment_overview(park_id: int) -> tuple[list[RoomState], list[ApartmentWaitlistEntry]]:
    """Every room of a park with its current occupant and the person first in line for it; the queue."""
    queue = list(
        ApartmentWaitlistEntry.objects.filter(park_id=park_id, status=WaitlistStatus.WAITING)
        .select_related("talent", "talent__enterprise")
        .order_by("priority", "requested_on", "pk")
    )
    rooms = ApartmentRoom.objects.filter(park_id=park_id).prefetch_related("leases__talent")
    states = []
    for room in rooms:
        lease = next((ls for ls in room.leases.all() if ls.status == ApartmentLeaseStatus.ACTIVE), None)
        first = None
        if lease is None and room.in_service:
            first = next((e for e in queue if not e.room_type or e.room_type == room.room_type), None)
        states.append(RoomState(room, lease, first))
    return states, queue


# --- Jobs, fairs, training --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobQuery:
    """The public board's search: words, field, minimum degree the seeker holds, park."""

    q: str = ""
    field: str = ""
    degree: str = ""
    park_code: str = ""


def public_jobs(query: JobQuery, *, today: datetime.date | None = None) -> QuerySet[JobPosting]:
    """Approved postings still open, matching the search; a seeker's degree shows postings asking no more."""
    today = today or timezone.localdate()
    jobs = JobPosting.objects.public(today).select_related("enterprise", "park").filter(park__archived_at__isnull=True)
    if query.q:
        jobs = jobs.filter(
            Q(title__icontains=query.q) | Q(description__icontains=query.q) | Q(enterprise__name__icontains=query.q)
        )
    if query.field:
        jobs = jobs.filter(field=query.field)
    if query.degree in DEGREE_RANK:
        jobs = jobs.filter(degree__in=[d for d, rank in DEGREE_RANK.items() if rank <= DEGREE_RANK[query.degree]])
    if query.park_code:
        jobs = jobs.filter(park__code=query.park_code)
    return jobs.order_by("-decided_at", "-pk")


def public_fairs(now: datetime.datetime | None = None) -> QuerySet[RecruitmentFair]:
    now = now or timezone.now()
    return (
        RecruitmentFair.objects.filter(status=FairStatus.PUBLISHED, ends_at__gte=now)
        .select_related("park")
        .annotate(booth_count=Count("booths"))
        .order_by("starts_at")
    )


def course_list(user: User | AnonymousUser) -> QuerySet[TrainingCourse]:
    return scope_to_parks(user, TrainingCourse.objects.select_related("park")).annotate(
        registered=Count("registrations", filter=Q(registrations__status=TrainingRegistrationStatus.REGISTERED)),
        attended=Count("registrations", filter=Q(registrations__attended_at__isnull=False)),
    )


def open_courses_for_parks(park_ids: list[int]) -> QuerySet[TrainingCourse]:
    return (
        TrainingCourse.objects.filter(park_id__in=park_ids, status=CourseStatus.OPEN, starts_at__gte=timezone.now())
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=TrainingRegistrationStatus.REGISTERED))
        )
        .order_by("starts_at")
    )


# --- Events ----------------------------------------------------------------------------------------------------


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate confirmed, waiting and checked-in counts in the same query."""
    return events.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
        checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
    )


def events_for(user: User | AnonymousUser) -> QuerySet[Event]:
    return with_counts(scope_to_parks(user, Event.objects.select_related("park")))


def public_events(*, kind: str = "", park_code: str = "", now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Published events that have not ended, soonest first, with their counts (one query)."""
    now = now or timezone.now()
    events = Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__gte=now).select_related("park")
    if kind:
        events = events.filter(kind=kind)
    if park_code:
        events = events.filter(park__code=park_code)
    return with_counts(events).order_by("starts_at", "pk")


def event_counts(event: Event) -> dict[str, int]:
    """Confirmed, waiting, cancelled and checked-in registrations of one event (one query)."""
    return event.registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )


def active_talent_count(enterprise_id: int) -> int:
    return TalentRecord.objects.filter(enterprise_id=enterprise_id, status=TalentStatus.ACTIVE).count()
