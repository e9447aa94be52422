from django.urls import URLPattern, URLResolver, path

from parkos.community.views import bookings, events, home, jobs, talent

app_name = "community"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.HomeView.as_view(), name="home"),
    # Rooms and equipment.
    path("resources/", bookings.ResourceListView.as_view(), name="resource_list"),
    path("resources/new/", bookings.ResourceFormView.as_view(), name="resource_create"),
    path("resources/<int:pk>/", bookings.ResourceCalendarView.as_view(), name="resource_calendar"),
    path("resources/<int:pk>/edit/", bookings.ResourceFormView.as_view(), name="resource_update"),
    path("resources/<int:pk>/book/", bookings.BookingCreateView.as_view(), name="booking_create"),
    path("resources/<int:pk>/weekly/", bookings.BookingCreateView.as_view(series=True), name="series_create"),
    path("resources/<int:pk>/quote/", bookings.QuoteView.as_view(), name="booking_quote"),
    path("tariffs/new/", bookings.TariffFormView.as_view(), name="tariff_create"),
    path("tariffs/<int:pk>/edit/", bookings.TariffFormView.as_view(), name="tariff_update"),
    path("bookings/", bookings.BookingListView.as_view(), name="booking_list"),
    path("bookings/charges/", bookings.ChargesView.as_view(), name="charges"),
    path("bookings/<int:pk>/", bookings.BookingDetailView.as_view(), name="booking_detail"),
    path("bookings/<int:pk>/<str:action>/", bookings.BookingActionView.as_view(), name="booking_action"),
    path("calendar-feeds/", bookings.CalendarFeedsView.as_view(), name="calendar_feeds"),
    path("ical/resources/<str:token>.ics", bookings.resource_feed, name="resource_feed"),
    path("ical/people/<str:token>.ics", bookings.person_feed, name="person_feed"),
    # Events.
    path("events/", events.EventListView.as_view(), name="event_list"),
    path("events/new/", events.EventFormView.as_view(), name="event_create"),
    path("events/<int:pk>/", events.EventDetailView.as_view(), name="event_detail"),
    path("events/<int:pk>/edit/", events.EventFormView.as_view(), name="event_update"),
    path("events/<int:pk>/registrants.xlsx", events.EventRegistrantsExportView.as_view(), name="event_export"),
    path("events/<int:pk>/checkin/", events.CheckinDeskView.as_view(), name="checkin_desk"),
    path("events/<int:pk>/<str:action>/", events.EventActionView.as_view(), name="event_action"),
    path("checkin/<str:code>/", events.CheckinCodeView.as_view(), name="checkin_code"),
    # Talent.
    path("talent/", talent.TalentListView.as_view(), name="talent_list"),
    path("talent/new/", talent.TalentFormView.as_view(), name="talent_create"),
    path("talent/counts/", talent.TalentCountsView.as_view(), name="talent_counts"),
    path("talent/<int:pk>/", talent.TalentDetailView.as_view(), name="talent_detail"),
    path("talent/<int:pk>/edit/", talent.TalentFormView.as_view(), name="talent_update"),
    path("talent/<int:pk>/<str:action>/", talent.TalentActionView.as_view(), name="talent_action"),
    path("programmes/", talent.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", talent.ProgrammeFormView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", talent.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", talent.ProgrammeFormView.as_view(), name="programme_update"),
    path("applications/<int:pk>/advance/", talent.ApplicationAdvanceView.as_view(), name="application_advance"),
    path("apartments/", talent.ApartmentView.as_view(), name="apartments"),
    # Jobs, fairs, training.
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/new/", jobs.JobFormView.as_view(), name="job_create"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/edit/", jobs.JobFormView.as_view(), name="job_update"),
    path("jobs/<int:pk>/<str:action>/", jobs.JobActionView.as_view(), name="job_action"),
    path("fairs/new/", jobs.FairFormView.as_view(), name="fair_create"),
    path("fairs/<int:pk>/", jobs.FairDetailView.as_view(), name="fair_detail"),
    path("fairs/<int:pk>/edit/", jobs.FairFormView.as_view(), name="fair_update"),
    path("courses/", jobs.CourseListView.as_view(), name="course_list"),
    path("courses/new/", jobs.CourseFormView.as_view(), name="course_create"),
    path("courses/<int:pk>/", jobs.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", jobs.CourseFormView.as_view(), name="course_update"),
]
