from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from parkos.community.api import views

router = DefaultRouter()
router.register("resources", views.ResourceViewSet, basename="community-resource")
router.register("bookings", views.BookingViewSet, basename="community-booking")
router.register("talents", views.TalentViewSet, basename="community-talent")
router.register("jobs", views.JobViewSet, basename="community-job")
router.register("events", views.EventViewSet, basename="community-event")

urlpatterns: list[URLPattern | URLResolver] = [
    path("chargeable-bookings/", views.ChargeableBookingsView.as_view(), name="community-chargeable-bookings"),
    *router.urls,
]
