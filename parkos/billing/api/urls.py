from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from parkos.billing.api import views

router = DefaultRouter()
router.register("bill-runs", views.BillRunViewSet, basename="bill-run")
router.register("bills", views.BillViewSet, basename="bill")
router.register("payments", views.PaymentViewSet, basename="payment")
router.register("statement-lines", views.StatementLineViewSet, basename="statement-line")

urlpatterns: list[URLPattern | URLResolver] = [
    path("ageing/", views.AgeingView.as_view(), name="billing-ageing"),
    path("reconciliation/", views.ReconciliationView.as_view(), name="billing-reconciliation"),
    *router.urls,
]
