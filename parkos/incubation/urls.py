from django.urls import URLPattern, URLResolver, path

from parkos.incubation import desk_views, policy_views, public_views, tenant_views, views

app_name = "incubation"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.OverviewView.as_view(), name="overview"),
    # Public (no login): the application form the portal frames.
    path("apply/", public_views.apply, name="apply"),
    # Programmes and the lifecycle.
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.ProgrammeFormView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.ProgrammeFormView.as_view(), name="programme_update"),
    path("programmes/<int:pk>/rubric/", views.RubricView.as_view(), name="programme_rubric"),
    path("programmes/<int:pk>/intakes/new/", views.IntakeCreateView.as_view(), name="intake_create"),
    path("programmes/<int:pk>/meetings/new/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("programmes/<int:pk>/statistics/<int:year>/", policy_views.TorchReportView.as_view(), name="torch_report"),
    path(
        "programmes/<int:pk>/statistics/<int:year>/report.xlsx", policy_views.TorchXlsxView.as_view(), name="torch_xlsx"
    ),
    path(
        "programmes/<int:pk>/statistics/<int:year>/sources/<slug:key>/",
        policy_views.TorchSourcesView.as_view(),
        name="torch_sources",
    ),
    path("applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("applications/new/", views.ApplicationCreateView.as_view(), name="application_create"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("applications/<int:pk>/review/", views.ReviewView.as_view(), name="application_review"),
    path(
        "applications/<int:pk>/files/<int:attachment_pk>/",
        views.ApplicationAttachmentView.as_view(),
        name="application_attachment",
    ),
    path("applications/<int:pk>/<slug:action>/", views.ApplicationActionView.as_view(), name="application_action"),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record_detail"),
    path("records/<int:pk>/<slug:action>/", views.RecordActionView.as_view(), name="record_action"),
    path("cohorts/", views.CohortView.as_view(), name="cohorts"),
    path("candidates/", views.CandidateListView.as_view(), name="candidates"),
    path("enterprises/<int:pk>/figures/", views.EnterpriseFiguresView.as_view(), name="enterprise_figures"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    # The service desk.
    path("requests/", desk_views.RequestListView.as_view(), name="request_list"),
    path("requests/new/", desk_views.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/", desk_views.RequestDetailView.as_view(), name="request_detail"),
    path(
        "requests/<int:pk>/files/<int:attachment_pk>/",
        desk_views.RequestAttachmentView.as_view(),
        name="request_attachment",
    ),
    path("requests/<int:pk>/<slug:action>/", desk_views.RequestActionView.as_view(), name="request_action"),
    path("catalogue/", desk_views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/services/new/", desk_views.OfferingFormView.as_view(), name="offering_create"),
    path("catalogue/services/<int:pk>/edit/", desk_views.OfferingFormView.as_view(), name="offering_update"),
    path("catalogue/providers/new/", desk_views.ProviderFormView.as_view(), name="provider_create"),
    path("catalogue/providers/<int:pk>/edit/", desk_views.ProviderFormView.as_view(), name="provider_update"),
    path("sla/", desk_views.SlaDashboardView.as_view(), name="sla_dashboard"),
    # Policy schemes, eligibility, early warning.
    path("schemes/", policy_views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/new/", policy_views.SchemeFormView.as_view(), name="scheme_create"),
    path("schemes/<int:pk>/", policy_views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<int:pk>/edit/", policy_views.SchemeFormView.as_view(), name="scheme_update"),
    path(
        "schemes/<int:pk>/applications/new/",
        policy_views.SchemeApplicationView.as_view(),
        {"action": "create"},
        name="scheme_application_create",
    ),
    path(
        "scheme-applications/<int:pk>/advance/",
        policy_views.SchemeApplicationView.as_view(),
        {"action": "advance"},
        name="scheme_application_advance",
    ),
    path("eligibility/", policy_views.EligibilityView.as_view(), name="eligibility"),
    path("risk/", policy_views.RiskView.as_view(), name="risk"),
    # The tenant's own pages.
    path("my/requests/", tenant_views.TenantRequestListView.as_view(), name="tenant_requests"),
    path("my/requests/<int:pk>/", tenant_views.TenantRequestDetailView.as_view(), name="tenant_request_detail"),
    path(
        "my/requests/<int:pk>/files/<int:attachment_pk>/",
        tenant_views.TenantAttachmentView.as_view(),
        name="tenant_attachment",
    ),
    path("my/programme/", tenant_views.TenantProgrammeView.as_view(), name="tenant_programme"),
]
