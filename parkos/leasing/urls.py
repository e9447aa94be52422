from django.urls import path

from parkos.leasing import views

app_name = "leasing"

urlpatterns = [
    path("", views.ContractListView.as_view(), name="contract_list"),
    path("new/", views.ContractCreateView.as_view(), name="contract_create"),
    path("<int:pk>/", views.ContractDetailView.as_view(), name="contract_detail"),
    path("<int:pk>/edit/", views.ContractUpdateView.as_view(), name="contract_update"),
    path("<int:pk>/schedule.xlsx", views.ContractScheduleExportView.as_view(), name="contract_schedule_export"),
    path("<int:pk>/<str:action>/", views.ContractActionView.as_view(), name="contract_action"),
    path("rent-roll/", views.RentRollView.as_view(), name="rent_roll"),
    path("presence/<int:pk>/", views.EnterprisePresenceView.as_view(), name="presence"),
    path("presence/entries/<int:pk>/", views.PresenceCorrectView.as_view(), name="presence_correct"),
    path("occupancy/", views.OccupancyView.as_view(), name="occupancy"),
]
