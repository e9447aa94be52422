"""The community app's models, one module per area: talent, jobs (with fairs and training), bookings, events."""

from parkos.community.models.bookings import (
    BookableResource,
    Booking,
    BookingSeries,
    BookingTariff,
    PersonalCalendarFeed,
    QuotaLock,
)
from parkos.community.models.events import Event, EventRegistration
from parkos.community.models.jobs import (
    FairBooth,
    JobApplication,
    JobPosting,
    RecruitmentFair,
    TrainingCourse,
    TrainingRegistration,
)
from parkos.community.models.talent import (
    ApartmentLease,
    ApartmentRoom,
    ApartmentWaitlistEntry,
    TalentApplication,
    TalentProgramme,
    TalentRecord,
)

__all__ = [
    "ApartmentLease",
    "ApartmentRoom",
    "ApartmentWaitlistEntry",
    "BookableResource",
    "Booking",
    "BookingSeries",
    "BookingTariff",
    "Event",
    "EventRegistration",
    "FairBooth",
    "JobApplication",
    "JobPosting",
    "PersonalCalendarFeed",
    "QuotaLock",
    "RecruitmentFair",
    "TalentApplication",
    "TalentProgramme",
    "TalentRecord",
    "TrainingCourse",
    "TrainingRegistration",
]
