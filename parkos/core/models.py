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
    """Marks a database that `manage.py demo` created (it found no user and no audit entry there).

    Only on such a database does `demo` create the demo logins and reset their known passwords; on
    any other (a real one), it leaves every account alone unless told `--reset-logins`.
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据库标记")
        verbose_name_plural = _("演示数据库标记")

    def __str__(self) -> str:
        return f"demo @ {self.created_at:%Y-%m-%d %H:%M}"


class ImportMode(models.TextChoices):
    VALID_ROWS = "valid_rows", _("仅导入有效行")
    ALL_OR_NOTHING = "all_or_nothing", _("全部有效才导入")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("校验中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    REJECTED = "rejected", _("有错误，未导入")
    FAILED = "failed", _("失败")


class ImportJob(TimeStampedModel):
    """One uploaded file being imported in the background by `manage.py db_worker`, for any importer.

    `importer` names the app's importer in `parkos.core.importing.jobs.registry` and `options` holds
    what it needs besides the file (a park, the table of a CSV file). `last_sheet`/`last_row` is the
    checkpoint: in "valid rows" mode every batch commits its rows and advances it in one transaction,
    so a crashed job resumes after it without writing any row twice. Progress and counts are written
    by the job as it runs; `counts` holds created/updated/unchanged per table.
    """

    importer = models.CharField(_("导入类型"), max_length=40, db_index=True)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    mode = models.CharField(_("导入方式"), max_length=16, choices=ImportMode.choices, default=ImportMode.VALID_ROWS)
    dry_run = models.BooleanField(_("仅预览"), default=False)
    options: models.JSONField[dict[str, Any]] = models.JSONField(_("选项"), default=dict, blank=True)
    language = models.CharField(_("语言"), max_length=16, default="zh-hans")
    status = models.CharField(_("状态"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_processed = models.PositiveIntegerField(_("已处理"), default=0)
    rows_ok = models.PositiveIntegerField(_("成功"), default=0)
    rows_failed = models.PositiveIntegerField(_("失败"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    last_sheet = models.PositiveSmallIntegerField(_("已提交至工作表"), default=0)
    last_row = models.PositiveIntegerField(_("已提交至行"), default=0)
    counts: models.JSONField[dict[str, dict[str, int]]] = models.JSONField(_("结果统计"), default=dict, blank=True)
    warnings: models.JSONField[list[str]] = models.JSONField(_("提示"), default=list, blank=True)
    error_report = models.FileField(_("错误报告"), upload_to="imports/reports/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-pk"]
        # Each app's job list reads its own importer's jobs, newest first.
        indexes = [models.Index(fields=["importer", "-id"], name="import_job_importer_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status in {ImportStatus.DONE, ImportStatus.REJECTED} else 0
        return min(100, round(self.rows_processed * 100 / self.rows_total))

    @property
    def finished(self) -> bool:
        return self.status in {ImportStatus.DONE, ImportStatus.REJECTED, ImportStatus.FAILED}


class ImportRowError(models.Model):
    """One error of an import job, with the row's original values for the error report."""

    # CASCADE: row errors are part of their job and go with it.
    job = models.ForeignKey(ImportJob, verbose_name=_("导入任务"), on_delete=models.CASCADE, related_name="row_errors")
    sheet = models.CharField(_("工作表"), max_length=60, blank=True)
    row_number = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    column = models.CharField(_("列"), max_length=60, blank=True)
    message = models.CharField(_("错误"), max_length=500)
    values: models.JSONField[list[Any]] = models.JSONField(_("原始值"), default=list)

    class Meta:
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")
        ordering = ["job", "row_number", "pk"]
        # The report and the job page read one job's errors in row order.
        indexes = [models.Index(fields=["job", "row_number"], name="core_import_error_row_idx")]

    def __str__(self) -> str:
        return f"{self.row_number} {self.column}: {self.message}"


class ScheduledRunStatus(models.TextChoices):
    ENQUEUED = "enqueued", _("已排队")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class ScheduledRun(models.Model):
    """One due run of a periodic job (settings.SCHEDULED_JOBS), claimed by exactly one scheduler.

    Every node runs `manage.py scheduler`; each inserts the row of a due (job, due_at) and the unique
    constraint lets exactly one insert win, so a job runs once however many nodes there are. The winner
    enqueues the run for the task worker in the same transaction; the worker writes status, times and
    the command's output. Written only by `parkos.core.scheduling`.
    """

    job = models.CharField(_("任务"), max_length=64)
    due_at = models.DateTimeField(_("计划时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ScheduledRunStatus.choices, default=ScheduledRunStatus.ENQUEUED
    )
    claimed_by = models.CharField(_("认领节点"), max_length=128)
    claimed_at = models.DateTimeField(_("认领时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    output = models.TextField(_("输出"), blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-due_at", "job"]
        constraints = [
            # The claim: the second scheduler's insert of the same run fails, so it never runs twice.
            models.UniqueConstraint(
                fields=["job", "due_at"],
                name="scheduled_run_once",
                violation_error_message=_("该定时任务的这一次运行已被认领。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M}"


class ProcessKind(models.TextChoices):
    WORKER = "worker", _("任务进程")
    SCHEDULER = "scheduler", _("定时调度进程")


class ProcessHeartbeat(models.Model):
    """The last sign of life of one background process (`manage.py worker` or `manage.py scheduler`).

    Each process updates its row every few seconds; /healthz reports a kind of process as failed when
    no row of that kind is recent. Rows of processes gone for a day are deleted by the scheduler.
    """

    name = models.CharField(_("进程"), max_length=128, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ProcessKind.choices)
    hostname = models.CharField(_("主机"), max_length=128)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("后台进程心跳")
        verbose_name_plural = _("后台进程心跳")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
