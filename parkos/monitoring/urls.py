from django.urls import path

from parkos.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("data/", views.DashboardDataView.as_view(), name="dashboard_data"),
    path("meters/", views.MeterListView.as_view(), name="meter_list"),
    path("meters/new/", views.MeterFormView.as_view(), name="meter_create"),
    path("meters/<int:pk>/", views.MeterDetailView.as_view(), name="meter_detail"),
    path("meters/<int:pk>/edit/", views.MeterFormView.as_view(), name="meter_update"),
    path("meters/<int:pk>/replace/", views.MeterReplaceView.as_view(), name="meter_replace"),
    path("meters/<int:pk>/series/", views.MeterSeriesView.as_view(), name="meter_series"),
    path("buildings/<int:pk>/", views.BuildingView.as_view(), name="building"),
    path("alarms/", views.AlarmListView.as_view(), name="alarm_list"),
    path("alarms/<int:pk>/", views.AlarmDetailView.as_view(), name="alarm_detail"),
    path("alarms/<int:pk>/<str:action>/", views.AlarmActionView.as_view(), name="alarm_action"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("rules/", views.RuleListView.as_view(), name="rule_list"),
    path("rules/new/", views.RuleFormView.as_view(), name="rule_create"),
    path("rules/<int:pk>/edit/", views.RuleFormView.as_view(), name="rule_update"),
    path("gateways/", views.GatewayListView.as_view(), name="gateway_list"),
    path("rejects/", views.RejectListView.as_view(), name="reject_list"),
    path("readings/import/", views.ReadingUploadView.as_view(), name="reading_upload"),
    path("readings/import/jobs/<int:pk>/", views.ReadingImportJobView.as_view(), name="reading_import_job"),
    path("energy/", views.EnergyView.as_view(), name="energy"),
]
