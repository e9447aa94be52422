"""Base models shared by every app, and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    CREATE = "create", _("创建")
    UPDATE = "update", _("修改")
    ARCHIVE = "archive", _("归档")
    DELETE = "delete", _("删除")
    VIEW_PERSONAL_DATA = "view_personal_data", _("查看个人信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    LOGIN = "login", _("登录")
    OTHER = "other", _("其他")


class AuditEntry(models.Model):
    """One recorded change: who did what to which record, written in the same transaction as the change."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # PROTECT would block deleting a user with history; SET_NULL keeps the entry and its actor_repr.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_repr = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    # Scoping the trail by park lets park managers read their own park's history.
    park_id_ref = models.BigIntegerField(_("园区编号"), null=True, blank=True, db_index=True)
    changes: models.JSONField[dict[str, Any]] = models.JSONField(_("变更内容"), default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        # The object history panel reads entries of one object newest first.
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.get_action_display()} {self.object_repr}"


class DemoDatabase(models.Model):
    """Marks a database that `manage.py demo` created (it found no user and no park there).

    Only on such a database does `demo` create the demo logins and reset their known passwords; on
    any other (a real one), it leaves every account alone unless told `--reset-logins`.
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据库标记")
        verbose_name_plural = _("演示数据库标记")

    def __str__(self) -> str:
        return f"demo @ {self.created_at:%Y-%m-%d %H:%M}"
