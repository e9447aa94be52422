"""Admin: configuration is edited here (profiles, tax rules, tariffs, layouts, templates, contract
terms); the ledger (bills, lines, payments, allocations…) is read-only, because it changes only through
the services, which lock, check and audit."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from parkos.billing.models import (
    Account,
    Allocation,
    BankStatement,
    BankStatementLayout,
    BankStatementLine,
    Bill,
    BillingProfile,
    BillingTerms,
    BillLine,
    BillRun,
    DepositMovement,
    ExtraCharge,
    InvoiceRequest,
    Payment,
    Reminder,
    ReminderTemplate,
    TaxRule,
    UtilityReading,
    UtilityTariff,
    WriteOff,
    WriteOffLine,
)


class LedgerAdmin[M: Model](admin.ModelAdmin[M]):
    """Read-only: ledger rows are written by the billing services only."""

    def has_add_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


@admin.register(BillingProfile)
class BillingProfileAdmin(admin.ModelAdmin[BillingProfile]):
    list_display = ("park", "payee_name", "bank_name", "go_live_on", "late_fee_daily_rate")
    raw_id_fields = ("park",)


@admin.register(TaxRule)
class TaxRuleAdmin(admin.ModelAdmin[TaxRule]):
    list_display = ("kind", "park", "effective_from", "rate", "invoice_item", "tax_code")
    list_filter = ("kind",)
    raw_id_fields = ("park",)


@admin.register(UtilityTariff)
class UtilityTariffAdmin(admin.ModelAdmin[UtilityTariff]):
    list_display = ("park", "kind", "unit_price", "unit", "effective_from")
    list_filter = ("kind",)
    raw_id_fields = ("park",)


@admin.register(BankStatementLayout)
class BankStatementLayoutAdmin(admin.ModelAdmin[BankStatementLayout]):
    list_display = ("name", "date_headers", "credit_headers", "payer_name_headers")


@admin.register(ReminderTemplate)
class ReminderTemplateAdmin(admin.ModelAdmin[ReminderTemplate]):
    list_display = ("level", "name", "park", "working_days_overdue", "active")
    raw_id_fields = ("park",)


@admin.register(BillingTerms)
class BillingTermsAdmin(admin.ModelAdmin[BillingTerms]):
    list_display = ("contract", "park", "late_fee_daily_rate", "late_fee_waived", "billed_through")
    raw_id_fields = ("contract", "park")
    readonly_fields = ("billed_through", "deposit_billed")


@admin.register(Account)
class AccountAdmin(LedgerAdmin[Account]):
    list_display = ("enterprise", "park", "created_at")
    search_fields = ("enterprise__name",)


@admin.register(BillRun)
class BillRunAdmin(LedgerAdmin[BillRun]):
    list_display = ("park", "period", "sequence", "status", "bills_count", "total_amount")
    list_filter = ("status",)


@admin.register(Bill)
class BillAdmin(LedgerAdmin[Bill]):
    list_display = ("number", "kind", "status", "park", "buyer_name", "issued_on", "total_amount")
    list_filter = ("kind", "status")
    search_fields = ("number", "buyer_name")


@admin.register(BillLine)
class BillLineAdmin(LedgerAdmin[BillLine]):
    list_display = ("bill", "kind", "description", "amount", "settled_amount", "due_on")
    list_filter = ("kind",)
    search_fields = ("bill__number", "charge_key")


@admin.register(Payment)
class PaymentAdmin(LedgerAdmin[Payment]):
    list_display = ("number", "park", "account", "received_on", "amount", "allocated_amount", "voided_on")
    search_fields = ("number", "payer_name")


@admin.register(Allocation)
class AllocationAdmin(LedgerAdmin[Allocation]):
    list_display = ("line", "kind", "amount", "on_date", "payment")
    list_filter = ("kind",)


@admin.register(DepositMovement)
class DepositMovementAdmin(LedgerAdmin[DepositMovement]):
    list_display = ("contract", "kind", "amount", "on_date")
    list_filter = ("kind",)


@admin.register(WriteOff)
class WriteOffAdmin(LedgerAdmin[WriteOff]):
    list_display = ("account", "amount", "status", "requested_by", "decided_by")
    list_filter = ("status",)


@admin.register(WriteOffLine)
class WriteOffLineAdmin(LedgerAdmin[WriteOffLine]):
    list_display = ("write_off", "line", "amount")


@admin.register(ExtraCharge)
class ExtraChargeAdmin(LedgerAdmin[ExtraCharge]):
    list_display = ("description", "park", "enterprise", "kind", "unit_price", "charge_on")


@admin.register(UtilityReading)
class UtilityReadingAdmin(LedgerAdmin[UtilityReading]):
    list_display = ("meter_code", "enterprise", "kind", "period_start", "period_end", "quantity", "unit")


@admin.register(BankStatement)
class BankStatementAdmin(LedgerAdmin[BankStatement]):
    list_display = ("file_name", "park", "layout", "lines_created", "lines_duplicate", "created_at")


@admin.register(BankStatementLine)
class BankStatementLineAdmin(LedgerAdmin[BankStatementLine]):
    list_display = ("statement", "booked_on", "payer_name", "amount", "status", "match_method")
    list_filter = ("status",)


@admin.register(Reminder)
class ReminderAdmin(LedgerAdmin[Reminder]):
    list_display = ("account", "level", "sent_on", "outstanding_amount", "channel")


@admin.register(InvoiceRequest)
class InvoiceRequestAdmin(LedgerAdmin[InvoiceRequest]):
    list_display = ("bill", "buyer_name", "status", "invoice_number", "invoice_issued_on")
    list_filter = ("status",)
