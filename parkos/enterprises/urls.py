from django.urls import path

from parkos.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("new/", views.EnterpriseFormView.as_view(), name="enterprise_create"),
    path("autocomplete/", views.EnterpriseAutocompleteView.as_view(), name="enterprise_autocomplete"),
    path("<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseFormView.as_view(), name="enterprise_update"),
    path("<int:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact_create"),
    path("contacts/<int:pk>/erase/", views.ContactEraseView.as_view(), name="contact_erase"),
    path("contacts/<int:pk>/export/", views.ContactExportView.as_view(), name="contact_export"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/resume/", views.ImportResumeView.as_view(), name="import_resume"),
    path("import/<int:pk>/errors.xlsx", views.ImportReportView.as_view(), name="import_report"),
    path("duplicates/", views.DedupView.as_view(), name="dedup"),
    path("merges/<int:pk>/revert/", views.MergeRevertView.as_view(), name="merge_revert"),
]
