from django.contrib import admin
from django.http import HttpRequest

from parkos.core.models import AuditEntry, DemoDatabase, ImportJob, ImportRowError, ProcessHeartbeat, ScheduledRun


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the trail is written by services, never edited by hand."""

    list_display = ("at", "actor_repr", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_repr", "object_repr", "object_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(DemoDatabase)
class DemoDatabaseAdmin(admin.ModelAdmin[DemoDatabase]):
    list_display = ("created_at",)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = ("pk", "importer", "original_name", "mode", "status", "rows_processed", "rows_ok", "rows_failed")
    list_filter = ("importer", "status")
    raw_id_fields = ("created_by",)


@admin.register(ImportRowError)
class ImportRowErrorAdmin(admin.ModelAdmin[ImportRowError]):
    list_display = ("job", "sheet", "row_number", "column", "message")
    raw_id_fields = ("job",)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin[ScheduledRun]):
    """Read-only: the schedulers and the worker write runs."""

    list_display = ("job", "due_at", "status", "claimed_by", "started_at", "finished_at")
    list_filter = ("job", "status")
    readonly_fields = [f.name for f in ScheduledRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ScheduledRun | None = None) -> bool:
        return False


@admin.register(ProcessHeartbeat)
class ProcessHeartbeatAdmin(admin.ModelAdmin[ProcessHeartbeat]):
    list_display = ("name", "kind", "hostname", "pid", "started_at", "seen_at")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in ProcessHeartbeat._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
