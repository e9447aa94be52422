from django.urls import path

from parkos.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.BillingHomeView.as_view(), name="home"),
    path("runs/", views.RunListView.as_view(), name="run_list"),
    path("runs/start/", views.RunStartView.as_view(), name="run_start"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("runs/<int:pk>/<str:action>/", views.RunActionView.as_view(), name="run_action"),
    path("bills/", views.BillListView.as_view(), name="bill_list"),
    path("bills/<int:pk>/", views.BillDetailView.as_view(), name="bill_detail"),
    path("bills/<int:pk>/pdf/", views.BillPdfView.as_view(), name="bill_pdf"),
    path("bills/<int:pk>/xlsx/", views.BillXlsxView.as_view(), name="bill_xlsx"),
    path("bills/<int:pk>/credit-note/", views.CreditNoteView.as_view(), name="credit_note"),
    path("bills/<int:pk>/invoice/", views.InvoiceRequestCreateView.as_view(), name="invoice_request"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account_detail"),
    path("accounts/<int:pk>/write-off/", views.WriteOffRequestView.as_view(), name="write_off_request"),
    path("accounts/<int:pk>/<str:action>/", views.AccountActionView.as_view(), name="account_action"),
    path("contracts/<int:pk>/deposit/<str:action>/", views.DepositActionView.as_view(), name="deposit_action"),
    path("write-offs/", views.WriteOffListView.as_view(), name="write_off_list"),
    path("write-offs/<int:pk>/decide/", views.WriteOffDecideView.as_view(), name="write_off_decide"),
    path("payments/", views.PaymentListView.as_view(), name="payment_list"),
    path("payments/new/", views.PaymentCreateView.as_view(), name="payment_create"),
    path("payments/<int:pk>/", views.PaymentDetailView.as_view(), name="payment_detail"),
    path("payments/<int:pk>/<str:action>/", views.PaymentActionView.as_view(), name="payment_action"),
    path("statements/", views.StatementListView.as_view(), name="statement_list"),
    path("statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement_detail"),
    path(
        "statement-lines/<int:pk>/<str:action>/", views.StatementLineActionView.as_view(), name="statement_line_action"
    ),
    path("ageing/", views.AgeingView.as_view(), name="ageing"),
    path("reconciliation/", views.ReconciliationView.as_view(), name="reconciliation"),
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("invoices/", views.InvoiceRequestListView.as_view(), name="invoice_list"),
    path("invoices/<int:pk>/<str:action>/", views.InvoiceRequestActionView.as_view(), name="invoice_action"),
    path("charges/", views.ChargesView.as_view(), name="charges"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("my/", views.TenantBillsView.as_view(), name="tenant_bills"),
    path("my/bills/<int:pk>/", views.TenantBillDetailView.as_view(), name="tenant_bill"),
    path("my/bills/<int:pk>/pdf/", views.TenantBillPdfView.as_view(), name="tenant_bill_pdf"),
]
