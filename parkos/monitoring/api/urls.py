from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from parkos.monitoring.api import views

router = DefaultRouter()
router.register("meters", views.MeterViewSet, basename="meter")
router.register("alarms", views.AlarmViewSet, basename="alarm")
router.register("rules", views.AlarmRuleViewSet, basename="alarm-rule")
router.register("rejects", views.RejectViewSet, basename="reject")

urlpatterns: list[URLPattern | URLResolver] = [
    path("ingest/", views.IngestView.as_view(), name="monitoring-ingest"),
    path("consumption/", views.ConsumptionView.as_view(), name="monitoring-consumption"),
    *router.urls,
]
