from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from parkos.incubation.api import views

router = DefaultRouter()
router.register("programmes", views.ProgrammeViewSet, basename="incubation-programme")
router.register("applications", views.ApplicationViewSet, basename="incubation-application")
router.register("records", views.IncubationRecordViewSet, basename="incubation-record")
router.register("offerings", views.ServiceOfferingViewSet, basename="incubation-offering")
router.register("requests", views.ServiceRequestViewSet, basename="incubation-request")
router.register("schemes", views.SchemeViewSet, basename="incubation-scheme")

urlpatterns: list[URLPattern | URLResolver] = [
    path("sla-dashboard/", views.SlaDashboardView.as_view(), name="incubation-sla-dashboard"),
    path("eligibility/", views.EligibilityView.as_view(), name="incubation-eligibility"),
    path("risk/", views.RiskView.as_view(), name="incubation-risk"),
    *router.urls,
]
