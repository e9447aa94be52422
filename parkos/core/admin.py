from django.contrib import admin

from parkos.core.models import AuditEntry, DemoDatabase


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """Read-only: the trail is written by services, never edited by hand."""

    list_display = ("at", "actor_repr", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_repr", "object_repr", "object_id")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(DemoDatabase)
class DemoDatabaseAdmin(admin.ModelAdmin[DemoDatabase]):
    list_display = ("created_at",)
