from django.urls import path
from rest_framework.routers import DefaultRouter

from parkos.leasing.api import views

router = DefaultRouter()
router.register("contracts", views.ContractViewSet, basename="contract")
router.register("renewal-tasks", views.RenewalTaskViewSet, basename="renewal-task")

urlpatterns = [
    path("occupancy/", views.OccupancyView.as_view(), name="leasing-occupancy"),
    path("rent-roll/", views.RentRollView.as_view(), name="leasing-rent-roll"),
    *router.urls,
]
