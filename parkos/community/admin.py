"""Admin for reading community records; writes go through the pages and services (rules, quota, audit)."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from parkos.community.models import (
    ApartmentLease,
    ApartmentRoom,
    ApartmentWaitlistEntry,
    BookableResource,
    Booking,
    BookingSeries,
    BookingTariff,
    Event,
    EventRegistration,
    FairBooth,
    JobApplication,
    JobPosting,
    PersonalCalendarFeed,
    QuotaLock,
    RecruitmentFair,
    TalentApplication,
    TalentProgramme,
    TalentRecord,
    TrainingCourse,
    TrainingRegistration,
)


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """Rows written by services only: the admin lists them, nobody edits or deletes them here."""

    def has_add_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


@admin.register(TalentProgramme)
class TalentProgrammeAdmin(ReadOnlyAdmin[TalentProgramme]):
    list_display = ("name", "level", "authority", "active")
    list_filter = ("level", "active")


@admin.register(TalentRecord)
class TalentRecordAdmin(ReadOnlyAdmin[TalentRecord]):
    # Personal data: the admin shows the masked name only; the talent pages audit unmasked views.
    list_display = ("name_masked", "enterprise", "park", "level", "degree", "field", "status")
    list_filter = ("level", "degree", "field", "status")
    exclude = ("name", "mobile", "birth_year")


@admin.register(TalentApplication)
class TalentApplicationAdmin(ReadOnlyAdmin[TalentApplication]):
    list_display = ("programme", "talent", "year", "kind", "status")
    list_filter = ("status", "kind", "year")


@admin.register(ApartmentRoom)
class ApartmentRoomAdmin(ReadOnlyAdmin[ApartmentRoom]):
    list_display = ("park", "building", "number", "room_type", "area_sqm", "monthly_rent", "in_service")


@admin.register(ApartmentLease)
class ApartmentLeaseAdmin(ReadOnlyAdmin[ApartmentLease]):
    list_display = ("room", "talent", "starts_on", "planned_end_on", "ended_on", "status")


@admin.register(ApartmentWaitlistEntry)
class ApartmentWaitlistEntryAdmin(ReadOnlyAdmin[ApartmentWaitlistEntry]):
    list_display = ("talent", "park", "priority", "requested_on", "status")


@admin.register(JobPosting)
class JobPostingAdmin(ReadOnlyAdmin[JobPosting]):
    list_display = ("title", "enterprise", "park", "field", "degree", "status", "closes_on")
    list_filter = ("status", "field", "degree")
    search_fields = ("title", "enterprise__name")


@admin.register(JobApplication)
class JobApplicationAdmin(ReadOnlyAdmin[JobApplication]):
    # Applicants sent their data to the enterprise: the admin shows counts, not people.
    list_display = ("job", "created_at", "erased_at")
    exclude = ("name", "mobile", "email", "message")


@admin.register(RecruitmentFair)
class RecruitmentFairAdmin(ReadOnlyAdmin[RecruitmentFair]):
    list_display = ("title", "park", "starts_at", "status")


@admin.register(FairBooth)
class FairBoothAdmin(ReadOnlyAdmin[FairBooth]):
    list_display = ("fair", "number", "enterprise")


@admin.register(TrainingCourse)
class TrainingCourseAdmin(ReadOnlyAdmin[TrainingCourse]):
    list_display = ("title", "park", "starts_at", "capacity", "status")


@admin.register(TrainingRegistration)
class TrainingRegistrationAdmin(ReadOnlyAdmin[TrainingRegistration]):
    list_display = ("course", "name_masked", "enterprise", "status", "attended_at")
    exclude = ("participant_name", "participant_mobile")


@admin.register(BookingTariff)
class BookingTariffAdmin(ReadOnlyAdmin[BookingTariff]):
    list_display = ("name", "park", "free_minutes_per_month", "price_per_hour")


@admin.register(BookableResource)
class BookableResourceAdmin(ReadOnlyAdmin[BookableResource]):
    list_display = ("name", "code", "park", "kind", "capacity", "tariff", "audience", "active")
    list_filter = ("kind", "audience", "active")
    exclude = ("ical_token",)


@admin.register(BookingSeries)
class BookingSeriesAdmin(ReadOnlyAdmin[BookingSeries]):
    list_display = ("title", "resource", "first_starts_at", "until", "cancelled_at")


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin[Booking]):
    list_display = ("resource", "starts_at", "ends_at", "enterprise", "status", "amount")
    list_filter = ("status",)
    date_hierarchy = "starts_at"


@admin.register(QuotaLock)
class QuotaLockAdmin(ReadOnlyAdmin[QuotaLock]):
    list_display = ("enterprise", "tariff", "month")


@admin.register(PersonalCalendarFeed)
class PersonalCalendarFeedAdmin(ReadOnlyAdmin[PersonalCalendarFeed]):
    list_display = ("user", "created_at")
    exclude = ("token",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin[Event]):
    list_display = ("title", "kind", "park", "starts_at", "capacity", "status")
    list_filter = ("kind", "status")


@admin.register(EventRegistration)
class EventRegistrationAdmin(ReadOnlyAdmin[EventRegistration]):
    list_display = ("event", "position", "name_masked", "status", "checked_in_at", "lead_outcome")
    list_filter = ("status",)
    exclude = ("name", "mobile", "email", "checkin_code", "manage_token")
