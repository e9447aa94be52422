"""Admin: the registry for support staff. Readings and rollups are read-only (the ingestion writes them)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from parkos.monitoring.models import (
    Alarm,
    AlarmEvent,
    AlarmNotification,
    AlarmRule,
    CascadeMember,
    EscalationPolicy,
    EscalationStep,
    Gateway,
    Meter,
    MeterAllocation,
    MeterDevice,
    MeterShare,
    RejectedReading,
    RuleState,
    VirtualTerm,
)


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """Derived or machine-written rows: visible for support, changed only by the code that owns them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


class MeterDeviceInline(admin.TabularInline[MeterDevice, Meter]):
    model = MeterDevice
    extra = 0


class VirtualTermInline(admin.TabularInline[VirtualTerm, Meter]):
    model = VirtualTerm
    fk_name = "virtual"
    extra = 0
    raw_id_fields = ("source",)


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin[Meter]):
    list_display = ("code", "name", "park", "kind", "measure", "building", "unit", "enterprise", "status")
    list_filter = ("kind", "measure", "status", "is_virtual")
    search_fields = ("code", "name")
    raw_id_fields = ("park", "building", "floor", "unit", "enterprise", "parent", "gateway", "paired_flow")
    inlines = [MeterDeviceInline, VirtualTermInline]


@admin.register(MeterDevice)
class MeterDeviceAdmin(admin.ModelAdmin[MeterDevice]):
    list_display = ("meter", "serial_number", "multiplier", "installed_at", "removed_at")
    raw_id_fields = ("meter",)


@admin.register(VirtualTerm)
class VirtualTermAdmin(admin.ModelAdmin[VirtualTerm]):
    list_display = ("virtual", "source", "coefficient")
    raw_id_fields = ("virtual", "source")


class MeterShareInline(admin.TabularInline[MeterShare, MeterAllocation]):
    model = MeterShare
    extra = 0
    raw_id_fields = ("enterprise",)


@admin.register(MeterAllocation)
class MeterAllocationAdmin(admin.ModelAdmin[MeterAllocation]):
    list_display = ("meter", "method")
    raw_id_fields = ("meter",)
    inlines = [MeterShareInline]


@admin.register(MeterShare)
class MeterShareAdmin(admin.ModelAdmin[MeterShare]):
    list_display = ("allocation", "enterprise", "percent")
    raw_id_fields = ("allocation", "enterprise")


@admin.register(Gateway)
class GatewayAdmin(admin.ModelAdmin[Gateway]):
    list_display = ("code", "name", "park", "token_prefix", "is_active", "last_seen_at")
    readonly_fields = ("token_prefix", "token_hash", "last_seen_at")
    raw_id_fields = ("park",)


@admin.register(RejectedReading)
class RejectedReadingAdmin(ReadOnlyAdmin[RejectedReading]):
    list_display = ("received_at", "park", "meter_code", "ts", "raw_value", "reason", "source")
    list_filter = ("reason", "source")


class EscalationStepInline(admin.TabularInline[EscalationStep, EscalationPolicy]):
    model = EscalationStep
    extra = 0
    filter_horizontal = ("users",)


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin[EscalationPolicy]):
    list_display = ("name", "park", "calendar")
    inlines = [EscalationStepInline]


@admin.register(EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin[EscalationStep]):
    list_display = ("policy", "position", "after_minutes", "channel")


class CascadeInline(admin.TabularInline[CascadeMember, AlarmRule]):
    model = CascadeMember
    extra = 0
    raw_id_fields = ("meter",)


@admin.register(AlarmRule)
class AlarmRuleAdmin(admin.ModelAdmin[AlarmRule]):
    list_display = ("name", "park", "kind", "severity", "meter", "meter_kind", "is_active")
    list_filter = ("kind", "severity", "is_active")
    raw_id_fields = ("park", "meter", "policy")
    inlines = [CascadeInline]


@admin.register(CascadeMember)
class CascadeMemberAdmin(admin.ModelAdmin[CascadeMember]):
    list_display = ("rule", "position", "meter")
    raw_id_fields = ("rule", "meter")


@admin.register(RuleState)
class RuleStateAdmin(ReadOnlyAdmin[RuleState]):
    list_display = ("rule", "meter", "raised", "condition_since", "last_ts")


class AlarmEventInline(admin.TabularInline[AlarmEvent, Alarm]):
    model = AlarmEvent
    extra = 0
    readonly_fields = ("kind", "at", "actor", "text")


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin[Alarm]):
    """Read mostly: acknowledge and close from the alarm pages (they record the history)."""

    list_display = ("opened_at", "park", "meter", "severity", "status", "occurrences", "escalation_level")
    list_filter = ("status", "severity")
    raw_id_fields = ("park", "rule", "meter", "acknowledged_by")
    readonly_fields = ("status", "opened_at", "last_triggered_at", "occurrences", "escalation_level")
    inlines = [AlarmEventInline]


@admin.register(AlarmEvent)
class AlarmEventAdmin(ReadOnlyAdmin[AlarmEvent]):
    list_display = ("alarm", "kind", "at", "actor")


@admin.register(AlarmNotification)
class AlarmNotificationAdmin(admin.ModelAdmin[AlarmNotification]):
    list_display = ("user", "alarm", "step", "channel", "created_at", "read_at", "emailed_at")
    raw_id_fields = ("user", "alarm")
