from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import acting_user
from parkos.accounts.models import ApiToken, User
from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.models import AuditAction


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ("username", "display_name", "role", "is_active", "last_login")
    list_filter = ("role", "is_active", "parks")
    filter_horizontal = ("parks", "groups", "user_permissions")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("园区与角色"), {"fields": ("display_name", "role", "parks")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: BaseForm, change: bool) -> None:
        before = snapshot(User.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        changes = model_changes(before, snapshot(obj))
        changes.pop("password", None)
        audit_record(
            actor=acting_user(request),
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            changes=changes,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Issued API tokens (only a hash is stored); deleting one revokes it."""

    list_display = ("user", "token_key", "created", "expiry")
    search_fields = ("user__username",)
    readonly_fields = ("user", "token_key", "digest", "created", "expiry")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
