"""Background import jobs for every importer: create, run or resume, progress, error report.

An app registers a factory that builds its importer for a job (in its AppConfig.ready())::

    jobs.registry.register("enterprises", lambda job: EnterpriseImporter(actor=job.created_by))

Then `create_job(importer="enterprises", ...)` stores the upload, `run_import_job.enqueue(job.pk)`
(or `run_job(job.pk)` inline) runs it, and the job row carries status, progress, counts and the
checkpoint. `manage.py db_worker` runs the queued jobs; running a job twice is safe.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from parkos.core.importing.cells import cell_text
from parkos.core.importing.errors import FileRejected
from parkos.core.importing.reading import EXCEL_SUFFIXES, Deadline, ImportLimits, Source, TableFile, check_size
from parkos.core.importing.running import Failure, ImportMode, ImportOutcome, TableImporter, run_import
from parkos.core.importing.spec import WorkbookSpec
from parkos.core.importing.workbooks import write_error_report
from parkos.core.models import ImportJob, ImportRowError, ImportStatus

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = ["ImporterRegistry", "SimulatedCrash", "create_job", "registry", "run_import_job", "run_job"]


class SimulatedCrash(RuntimeError):
    """Raised by tests (via `crash_after_batches`) to kill an import half-way."""


@dataclass(frozen=True)
class RegisteredImporter:
    name: str
    label: str
    workbook: WorkbookSpec
    build: Callable[[ImportJob], TableImporter[Any]]


class ImporterRegistry:
    """Importer name → how to build the importer for a job; filled by the apps in ready()."""

    def __init__(self) -> None:
        self._entries: dict[str, RegisteredImporter] = {}

    def register(
        self,
        name: str,
        build: Callable[[ImportJob], TableImporter[Any]],
        *,
        workbook: WorkbookSpec,
        label: str = "",
    ) -> None:
        self._entries[name] = RegisteredImporter(name, label or name, workbook, build)

    def build(self, job: ImportJob) -> TableImporter[Any]:
        try:
            entry = self._entries[job.importer]
        except KeyError:
            raise LookupError(f"no importer registered as {job.importer!r}") from None
        return entry.build(job)

    def get(self, name: str) -> RegisteredImporter | None:
        return self._entries.get(name)

    def all(self) -> list[RegisteredImporter]:
        return sorted(self._entries.values(), key=lambda entry: entry.name)


registry = ImporterRegistry()


def create_job(
    *,
    importer: str,
    upload: IO[bytes] | Path,
    name: str,
    mode: str,
    actor: AbstractBaseUser | None,
    options: dict[str, Any] | None = None,
    dry_run: bool = False,
) -> ImportJob:
    """Store the file and create its pending job (the caller enqueues `run_import_job` or runs it)."""
    if not name.lower().endswith((*EXCEL_SUFFIXES, ".csv")):
        raise ValidationError(_("仅支持 .xlsx 或 .csv 文件"), code="file_type")
    size = upload.stat().st_size if isinstance(upload, Path) else getattr(upload, "size", None)
    try:
        check_size(int(size if size is not None else 1), ImportLimits.from_settings())
    except FileRejected as exc:
        raise ValidationError(str(exc), code="file_size") from None
    job = ImportJob(
        importer=importer,
        original_name=name[:255],
        mode=mode,
        dry_run=dry_run,
        options=options or {},
        language=translation.get_language() or "zh-hans",
        created_by=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
    )
    if isinstance(upload, Path):
        with upload.open("rb") as handle:
            job.file.save(name, File(handle), save=False)
    else:
        job.file.save(name, File(upload), save=False)
    job.save()
    return job


def _update(job: ImportJob, **fields: object) -> None:
    """Progress written outside the batch transactions, so the job page sees it at once."""
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


class JobTracker:
    """The runner's `Tracker` for a job: checkpoint, progress and capped error rows in the job's tables."""

    def __init__(
        self,
        job: ImportJob,
        *,
        max_errors: int,
        on_progress: Callable[[ImportJob], None] | None,
        crash_after_batches: int | None,
    ) -> None:
        self.job = job
        self.max_errors = max_errors
        self.on_progress = on_progress
        self.crash_after_batches = crash_after_batches
        self.batches = 0
        resuming = job.status == ImportStatus.RUNNING and (job.last_sheet, job.last_row) > (0, 0)
        self.resume = (job.last_sheet, job.last_row) if resuming else (0, 0)
        self.base = (job.rows_processed, job.rows_ok, job.rows_failed) if resuming else (0, 0, 0)
        self.stored = job.row_errors.count() if resuming else 0
        self.counted = job.error_count if resuming else 0

    def resume_after(self) -> tuple[int, int]:
        return self.resume

    def progress(self, *, phase: str, processed: int, ok: int, failed: int) -> None:
        status = ImportStatus.VALIDATING if phase == "validating" else ImportStatus.RUNNING
        _update(self.job, status=status, rows_processed=processed, rows_ok=ok, rows_failed=failed)
        if self.on_progress:
            self.on_progress(self.job)

    def store_failures(self, failures: list[Failure]) -> None:
        rows: list[ImportRowError] = []
        for failure in failures:
            values = [cell_text(v) for v in failure.cells]
            for error in failure.errors:
                self.counted += 1
                if self.stored < self.max_errors:
                    self.stored += 1
                    rows.append(
                        ImportRowError(
                            job=self.job,
                            sheet=error.sheet[:60],
                            row_number=error.row,
                            column=error.column[:60],
                            message=error.message[:500],
                            values=values,
                        )
                    )
        ImportRowError.objects.bulk_create(rows)
        _update(self.job, error_count=self.counted)

    def commit_batch(
        self, *, position: tuple[int, int], processed: int, ok: int, failed: int, failures: list[Failure]
    ) -> bool:
        # Lock the job: two workers resuming the same job cannot both commit this batch.
        current = ImportJob.objects.select_for_update().get(pk=self.job.pk)
        if (current.last_sheet, current.last_row) >= position:
            return False
        self.store_failures(failures)
        base_processed, base_ok, base_failed = self.base
        _update(
            self.job,
            status=ImportStatus.RUNNING,
            rows_processed=base_processed + processed,
            rows_ok=base_ok + ok,
            rows_failed=base_failed + failed,
            last_sheet=position[0],
            last_row=position[1],
        )
        return True

    def batch_committed(self) -> None:
        self.batches += 1
        if self.on_progress:
            self.on_progress(self.job)
        if self.crash_after_batches is not None and self.batches >= self.crash_after_batches:
            raise SimulatedCrash(f"simulated crash after {self.batches} batches")


def estimate_rows(source: Source) -> int:
    """Data rows, for the progress bar: lines of a CSV file, the declared dimension of a workbook's
    first sheet (0 when it declares none); an estimate is enough."""
    if source.is_excel:
        try:
            with TableFile(source, ImportLimits.from_settings(background=True), Deadline(60)) as file:
                return file.declared_rows()
        except FileRejected:
            return 0
    lines = 0
    with source.open() as raw:
        while chunk := raw.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(0, lines - 1)


def run_job(
    job_id: int,
    *,
    batch_size: int | None = None,
    crash_after_batches: int | None = None,
    on_progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Run (or resume) an import job to the end, in the language of the person who uploaded it."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return job
    importer = registry.build(job)
    if batch_size:
        importer.batch_size = batch_size
    source = Source.from_path(job.file.path, job.original_name)
    limits = ImportLimits.from_settings(background=True)
    tracker = JobTracker(
        job, max_errors=limits.max_errors, on_progress=on_progress, crash_after_batches=crash_after_batches
    )
    if tracker.resume == (0, 0):
        ImportRowError.objects.filter(job=job).delete()
        _update(job, rows_processed=0, rows_ok=0, rows_failed=0, error_count=0, last_sheet=0, last_row=0)
    if job.started_at is None:
        _update(job, started_at=timezone.now())
    with translation.override(job.language):
        _update(job, rows_total=estimate_rows(source), message="", status=ImportStatus.RUNNING)
        try:
            outcome = run_import(
                importer,
                source,
                mode=job.mode,
                dry_run=job.dry_run,
                limits=limits,
                csv_table=job.options.get("table"),
                tracker=tracker,
            )
        except SimulatedCrash:
            raise
        except Exception as exc:
            _update(job, status=ImportStatus.FAILED, message=str(exc)[:2000], finished_at=timezone.now())
            raise
        _finish(job, outcome, tracker)
    return job


def _finish(job: ImportJob, outcome: ImportOutcome, tracker: JobTracker) -> None:
    # Errors about the whole file never went through a batch: store them now.
    file_errors = outcome.file_errors
    if file_errors:
        tracker.store_failures([Failure(e.sheet, e.row or 0, (), [e]) for e in file_errors])
    status = ImportStatus.DONE if outcome.committed else ImportStatus.REJECTED
    message = "；".join(e.message for e in file_errors)[:2000]
    job.refresh_from_db()
    if job.row_errors.exists():
        write_job_error_report(job)
    counts = {
        name: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
        for name, c in outcome.counts.items()
    }
    fields: dict[str, Any] = {}
    if job.mode != ImportMode.VALID_ROWS or job.dry_run:
        # Valid-rows jobs counted batch by batch (across resumes); the others count in the outcome.
        fields = {
            "rows_processed": outcome.rows_processed,
            "rows_ok": outcome.rows_ok,
            "rows_failed": outcome.rows_failed,
        }
    _update(
        job,
        status=status,
        message=message,
        counts=counts,
        warnings=outcome.warnings,
        finished_at=timezone.now(),
        **fields,
    )


def write_job_error_report(job: ImportJob) -> None:
    """The rows in error with their original columns plus 行号 and 错误, one sheet per sheet of the file."""
    headers = _original_headers(job)
    workbook = Workbook(write_only=True)
    write_error_report(
        workbook,
        headers=headers,
        errors=job.row_errors.order_by("sheet", "row_number", "pk").iterator(chunk_size=2000),
        total=job.error_count,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    stem = Path(job.original_name).stem
    job.error_report.save(_("%(name)s-错误报告.xlsx") % {"name": stem}, ContentFile(buffer.getvalue()), save=False)
    ImportJob.objects.filter(pk=job.pk).update(error_report=job.error_report.name)


def _original_headers(job: ImportJob) -> dict[str, list[str]]:
    source = Source.from_path(job.file.path, job.original_name)
    importer = registry.build(job)
    title = importer.workbook.tables[0].sheet_title if len(importer.workbook.tables) == 1 else ""
    csv_table = job.options.get("table")
    if csv_table:
        title = importer.workbook.table(csv_table).sheet_title
    headers: dict[str, list[str]] = {}
    try:
        with TableFile(source, ImportLimits.from_settings(background=True), Deadline(3600), csv_title=title) as file:
            for sheet in file.titles:
                first = next(file.rows(sheet), None)
                headers[sheet] = [cell_text(c) for c in first[1]] if first else []
    except Exception:
        return {}
    return headers


@task()
def run_import_job(job_id: int) -> None:
    """Run or resume an import job; safe to run twice (the job's checkpoint skips committed rows)."""
    run_job(job_id)


def enqueue(job: ImportJob) -> None:
    """Queue the job once the transaction that created it commits."""
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
