from django.urls import path
from rest_framework.routers import DefaultRouter

from parkos.statistics.api import product_output, views

router = DefaultRouter()
router.register("reports", views.MonthlyReportViewSet, basename="monthly-report")
router.register("product-output", product_output.ProductOutputViewSet, basename="product-output")

urlpatterns = [path("kpis/", views.KpiView.as_view(), name="statistics-kpis"), *router.urls]
