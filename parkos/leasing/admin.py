from django.contrib import admin
from django.http import HttpRequest

from parkos.leasing.models import Contract, ContractEvent, ContractMonth, ContractSpace, Presence, RenewalTask


class ContractSpaceInline(admin.TabularInline[ContractSpace, Contract]):
    model = ContractSpace
    extra = 0
    raw_id_fields = ("unit", "parcel", "building", "park")
    readonly_fields = ("kind", "occupies", "start_on", "end_on")


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin[Contract]):
    """Read mostly: status and occupancy change only through the services (the contract pages)."""

    list_display = ("number", "park", "enterprise", "kind", "status", "start_on", "end_on", "area_sqm")
    list_filter = ("kind", "status")
    search_fields = ("number", "enterprise__name")
    raw_id_fields = ("park", "enterprise", "renewal_of", "created_by")
    readonly_fields = ("status", "terminated_on", "termination_reason", "termination_note")
    inlines = [ContractSpaceInline]


@admin.register(ContractSpace)
class ContractSpaceAdmin(admin.ModelAdmin[ContractSpace]):
    list_display = ("contract", "unit", "parcel", "area_sqm", "occupies", "start_on", "end_on")
    raw_id_fields = ("contract", "unit", "parcel", "building", "park")


@admin.register(ContractEvent)
class ContractEventAdmin(admin.ModelAdmin[ContractEvent]):
    list_display = ("contract", "kind", "at", "actor")
    raw_id_fields = ("contract", "actor")


@admin.register(ContractMonth)
class ContractMonthAdmin(admin.ModelAdmin[ContractMonth]):
    list_display = ("contract", "month", "rent", "property_fee")
    raw_id_fields = ("contract", "park")


@admin.register(RenewalTask)
class RenewalTaskAdmin(admin.ModelAdmin[RenewalTask]):
    list_display = ("contract", "park", "due_on", "assignee", "status")
    list_filter = ("status",)
    raw_id_fields = ("contract", "park", "assignee")


@admin.register(Presence)
class PresenceAdmin(admin.ModelAdmin[Presence]):
    """Read only: stays are entered and corrected on the presence page, audited (the services)."""

    list_display = ("enterprise", "park", "moved_in_on", "moved_out_on", "note")
    raw_id_fields = ("enterprise", "park", "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Presence | None = None) -> bool:
        return False
