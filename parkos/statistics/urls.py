from django.urls import path

from parkos.statistics import views, views_govforms

app_name = "park_statistics"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("portfolio/", views.PortfolioView.as_view(), name="portfolio"),
    path("sources/", views.SourcesView.as_view(), name="sources"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("parks/<int:pk>/report/<int:year>/", views.ReportView.as_view(), name="report"),
    path("parks/<int:pk>/report/<int:year>/report.pdf", views.ReportPdfView.as_view(), name="report_pdf"),
    path("parks/<int:pk>/report/<int:year>/report.xlsx", views.ReportXlsxView.as_view(), name="report_xlsx"),
    path("parks/<int:pk>/muju/<int:year>/", views.MujuView.as_view(), name="muju"),
    path("parks/<int:pk>/calendar/", views.CalendarView.as_view(), name="calendar"),
    path("parks/<int:pk>/entry/", views.EntryView.as_view(), name="entry"),
    path("parks/<int:pk>/import/", views.ImportView.as_view(), name="import"),
    path("parks/<int:pk>/import/month.xlsx", views.PrefilledTemplateView.as_view(), name="prefilled_template"),
    path("parks/<int:pk>/submissions/", views.SubmissionsView.as_view(), name="submissions"),
    path(
        "parks/<int:pk>/submissions/<int:submission>/decide/",
        views.SubmissionDecisionView.as_view(),
        name="submission_decide",
    ),
    path("parks/<int:pk>/import/jobs/<int:job>/", views.ImportJobView.as_view(), name="import_job"),
    path("parks/<int:pk>/products/", views_govforms.ProductOutputView.as_view(), name="product_output"),
    path(
        "parks/<int:pk>/products/template.xlsx",
        views_govforms.ProductOutputTemplateView.as_view(),
        name="product_output_template",
    ),
    path("parks/<int:pk>/forms/b204-1.xlsx", views_govforms.B204ExportView.as_view(), name="b204_export"),
    path(
        "parks/<int:pk>/muju/<int:year>/submission.xlsx",
        views_govforms.MujuSubmissionView.as_view(),
        name="muju_submission",
    ),
    path("my/", views.TenantReportsView.as_view(), name="tenant_reports"),
    path("my/<int:pk>/", views.TenantReportDetailView.as_view(), name="tenant_report_detail"),
]
