from django.urls import path
from rest_framework.routers import DefaultRouter

from parkos.statistics.api import views

router = DefaultRouter()
router.register("reports", views.MonthlyReportViewSet, basename="monthly-report")

urlpatterns = [path("kpis/", views.KpiView.as_view(), name="statistics-kpis"), *router.urls]
