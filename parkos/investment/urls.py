"""Mounted at the root: the officers' pages under investment/, the public form at requirement/."""

from django.urls import path

from parkos.investment import views

app_name = "investment"

urlpatterns = [
    path("requirement/", views.requirement_form, name="requirement_form"),
    path("viewing/<slug:park_code>/<str:unit_code>/", views.viewing_request, name="viewing_request"),
    path("investment/", views.LeadBoardView.as_view(), name="lead_board"),
    path("investment/leads/", views.LeadListView.as_view(), name="lead_list"),
    path("investment/leads/new/", views.LeadCreateView.as_view(), name="lead_create"),
    path("investment/leads/<int:pk>/", views.LeadDetailView.as_view(), name="lead_detail"),
    path("investment/leads/<int:pk>/edit/", views.LeadUpdateView.as_view(), name="lead_update"),
    path("investment/leads/<int:pk>/move/", views.LeadMoveView.as_view(), name="lead_move"),
    path("investment/leads/<int:pk>/assign/", views.LeadAssignView.as_view(), name="lead_assign"),
    path("investment/leads/<int:pk>/activities/", views.ActivityCreateView.as_view(), name="activity_create"),
    path("investment/pipeline/", views.PipelineView.as_view(), name="pipeline"),
    path("investment/notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path(
        "investment/enterprises/<int:enterprise_id>/timeline/",
        views.EnterpriseTimelineView.as_view(),
        name="enterprise_timeline",
    ),
]
