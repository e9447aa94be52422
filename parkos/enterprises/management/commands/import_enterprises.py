"""`manage.py import_enterprises FILE [--mode valid_rows|all_or_nothing] [--resume JOB]`."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkos.core.importing import ImportMode
from parkos.core.importing.jobs import run_import_job
from parkos.core.models import ImportJob, ImportStatus
from parkos.enterprises import importing


class Command(BaseCommand):
    help = "从 Excel（.xlsx）或 CSV 导入企业与联系人；可断点续导，按统一社会信用代码去重。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--mode", choices=ImportMode.values, default=ImportMode.VALID_ROWS)
        parser.add_argument("--resume", type=int, metavar="JOB", help="继续一个中断的导入任务")
        parser.add_argument("--batch-size", type=int, default=importing.BATCH_SIZE)
        parser.add_argument("--background", action="store_true", help="交给后台任务执行（db_worker）")

    def handle(
        self,
        *args: object,
        file: str | None,
        mode: str,
        resume: int | None,
        batch_size: int,
        background: bool,
        **options: object,
    ) -> None:
        if resume:
            job = ImportJob.objects.filter(pk=resume, importer=importing.IMPORTER).first()
            if job is None:
                raise CommandError(f"导入任务 #{resume} 不存在")
        else:
            if not file:
                raise CommandError("请指定要导入的文件，或用 --resume 继续中断的任务")
            path = Path(file)
            if not path.exists():
                raise CommandError(f"文件不存在：{path}")
            try:
                job = importing.create_job(upload=path, name=path.name, mode=mode, actor=None)
            except ValidationError as exc:
                raise CommandError(exc.messages[0]) from exc
        if background:
            run_import_job.enqueue(job.pk)
            self.stdout.write(f"已提交后台任务：导入任务 #{job.pk}")
            return

        def progress(current: ImportJob) -> None:
            self.stdout.write(f"\r#{current.pk} {current.rows_processed}/{current.rows_total}", ending="")
            self.stdout.flush()

        try:
            job = importing.run_import(job.pk, batch_size=batch_size, on_progress=progress)
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        job.refresh_from_db()
        self.stdout.write("")
        self.stdout.write(
            f"导入任务 #{job.pk}：{job.get_status_display()}，共 {job.rows_processed} 行，"
            f"成功 {job.rows_ok} 行，失败 {job.rows_failed} 行"
        )
        if job.error_report:
            self.stdout.write(f"错误报告：{job.error_report.path}")
        if job.status != ImportStatus.DONE:
            raise CommandError(job.message or f"导入未完成：{job.get_status_display()}")
