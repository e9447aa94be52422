"""Running an import: modes, dry runs, batches, transactions, errors and counts.

An importer (`TableImporter`) states its tables (`WorkbookSpec`) and how rows reach its services
(`apply`, and optionally `check` for validation that needs the database). `run_import` does the rest:

- **All or nothing** (and every dry run): pass 1 streams every sheet, parses every cell and runs
  `check`, writing nothing; pass 2 streams again and `apply`s the valid rows, tables in the spec's
  order (parents first), inside one transaction that is rolled back if any row of either pass had an
  error — so every error of the file is reported at once — or if it is a dry run.
- **Valid rows**: one pass; each batch is parsed, checked and applied in its own transaction, and the
  rows in error are reported. A `Tracker` (the background job) checkpoints each batch inside that
  transaction, so a crashed import resumes after the last committed batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parkos.core.importing.errors import ErrorLog, FileRejected, RowError
from parkos.core.importing.reading import Deadline, ImportLimits, Source, TableFile
from parkos.core.importing.spec import HeaderMap, RejectedRow, Row, RowParser, TableSpec, WorkbookSpec, is_comment
from parkos.core.models import ImportMode

__all__ = ["Counts", "ImportContext", "ImportMode", "ImportOutcome", "TableImporter", "Tracker", "run_import"]


@dataclass
class Counts:
    """What happened to the rows of one table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class Failure:
    """A row in error with its original cells, for the error report."""

    sheet: str
    row: int
    cells: tuple[object, ...]
    errors: list[RowError]


class ImportContext:
    """What an importer's `check` and `apply` report to: row errors and counts."""

    def __init__(self, *, dry_run: bool, max_errors: int) -> None:
        self.dry_run = dry_run
        self.errors = ErrorLog(keep=max_errors)
        self.counts: dict[str, Counts] = {}
        self.warnings: list[str] = []
        self.recording = True
        self.file_errors: list[RowError] = []
        self._batch_failures: dict[tuple[str, int], Failure] = {}

    def error(self, row: Row[Any] | RejectedRow, message: str, *, column: str = "") -> None:
        """Record an error on a row (and, with `column`, a cell: give the header as the person sees it)."""
        failure = self._batch_failures.get((row.sheet, row.number))
        if failure is None:
            failure = Failure(row.sheet, row.number, row.cells, [])
            self._batch_failures[(row.sheet, row.number)] = failure
        error = RowError(row.sheet, row.number, column, message)
        failure.errors.append(error)
        if self.recording:
            self.errors.add(error)

    def file_error(self, message: str, *, sheet: str = "", row: int | None = None, column: str = "") -> None:
        """An error about the file or a sheet as a whole (its header, a missing column): nothing is imported."""
        error = RowError(sheet, row, column, message)
        self.file_errors.append(error)
        self.errors.add(error)

    def refused(self, row: Row[Any], exc: ValidationError, *, table: TableSpec[Any]) -> None:
        """A service's refusal of a row as row errors, each on the column its field is read from (a field
        that is no column of the table keeps its name in the message, so the person can still find it)."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                self.error(row, message)
            return
        for field_name, messages in exc.message_dict.items():
            header = table.header_of(field_name)
            for message in messages:
                self.error(row, message if header else f"{field_name}: {message}", column=header)

    def failed(self, row: Row[Any] | RejectedRow) -> bool:
        return (row.sheet, row.number) in self._batch_failures

    def count(self, table: str, *, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        counts = self.counts.setdefault(table, Counts())
        counts.created += created
        counts.updated += updated
        counts.unchanged += unchanged

    def counts_by_table(self) -> dict[str, list[int]]:
        """The counts as an audit entry records them: table → [created, updated, unchanged]."""
        return {name: [c.created, c.updated, c.unchanged] for name, c in self.counts.items()}

    def take_failures(self) -> list[Failure]:
        failures = list(self._batch_failures.values())
        self._batch_failures = {}
        return failures


class TableImporter[RowT]:
    """The part of an import an app writes: its tables, and how valid rows reach its services.

    `apply` receives the valid rows of one batch of one table, in file order, and reports each row's
    outcome with `ctx.count(...)` or `ctx.error(row, ...)`. A row error inside `apply` must leave
    nothing of that row written (run each row's service call in a savepoint, or write after checking).
    """

    workbook: WorkbookSpec
    batch_size: int = 1000
    #: False when `apply` cannot fail on a row `check` passed: an all-or-nothing import with errors in
    #: pass 1 then skips pass 2 (it could only repeat them).
    apply_can_fail: bool = True

    def begin_pass(self, *, writing: bool) -> None:
        """Called before each pass over the file: reset per-pass state."""

    def check(self, table: TableSpec[RowT], rows: Sequence[Row[RowT]], ctx: ImportContext) -> None:
        """Validation that needs the database (references, permissions), without writing."""

    def rejected(self, table: TableSpec[RowT], rows: Sequence[RejectedRow], ctx: ImportContext) -> None:
        """Rows of this batch with cell errors (e.g. to remember failed parents)."""

    def apply(self, table: TableSpec[RowT], rows: Sequence[Row[RowT]], ctx: ImportContext) -> None:
        raise NotImplementedError

    def finish(self, ctx: ImportContext) -> None:
        """After the last batch, inside the import's transaction (all or nothing): e.g. one audit entry."""


class Tracker(Protocol):
    """Where a background job keeps its progress and checkpoint (see `parkos.core.importing.jobs`)."""

    def resume_after(self) -> tuple[int, int]:
        """(sheet index, row number) of the last committed row; (0, 0) to start from the beginning."""
        ...

    def progress(self, *, phase: str, processed: int, ok: int, failed: int) -> None:
        """Outside any transaction: visible to the progress page at once."""
        ...

    def commit_batch(
        self, *, position: tuple[int, int], processed: int, ok: int, failed: int, failures: list[Failure]
    ) -> bool:
        """Inside the batch's transaction: store its errors and checkpoint. False if another worker
        committed this batch already (it is then rolled back)."""
        ...

    def store_failures(self, failures: list[Failure]) -> None: ...

    def batch_committed(self) -> None:
        """After a batch's transaction committed (valid-rows mode)."""
        ...


@dataclass
class ImportOutcome:
    """The result of one import: counts per table, errors (the first N and how many), warnings."""

    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    #: Errors about the file or a sheet as a whole (unreadable, header, missing columns).
    file_errors: list[RowError] = field(default_factory=list)
    rows_processed: int = 0
    rows_ok: int = 0
    rows_failed: int = 0
    dry_run: bool = False
    committed: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def changed(self) -> int:
        return self.created + self.updated

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())


class _Rollback(Exception):
    """Leaves a batch's transaction without committing it."""


@dataclass
class _Stats:
    processed: int = 0
    ok: int = 0
    failed: int = 0


@dataclass
class _Plan:
    index: int
    table: TableSpec[Any]
    title: str


def _plan(workbook: WorkbookSpec, file: TableFile, csv_table: str | None, ctx: ImportContext) -> list[_Plan]:
    """Which sheet feeds which table, in the order the tables are applied."""
    if not file.source.is_excel:
        table = workbook.tables[0] if len(workbook.tables) == 1 else None
        if csv_table is not None:
            table = workbook.table(csv_table)
        if table is None:
            raise FileRejected(_("CSV 文件只含一种数据，请选择它的数据类型。"))
        return [_Plan(0, table, file.titles[0] or table.sheet_title)]
    if workbook.first_sheet:
        if not file.titles:
            raise FileRejected(_("工作簿中没有工作表。"))
        return [_Plan(0, workbook.tables[0], file.titles[0])]
    found: dict[str, _Plan] = {}
    notes = {workbook.notes_sheet and str(workbook.notes_sheet)}
    for index, title in enumerate(file.titles):
        table = workbook.table_for_sheet(title)
        if table is None:
            if title not in notes:
                ctx.warnings.append(_("已忽略工作表“%(sheet)s”：不是可导入的数据表") % {"sheet": title})
        elif table.name in found:
            ctx.file_error(_("工作簿中有多个“%(sheet)s”表") % {"sheet": table.sheet_title}, sheet=title)
        else:
            found[table.name] = _Plan(index, table, title)
    if not found:
        names = "”“".join(t.sheet_title for t in workbook.tables)
        raise FileRejected(_("工作簿中没有名为“%(names)s”的工作表。") % {"names": names})
    return [found[t.name] for t in workbook.tables if t.name in found]


class _Pass:
    """One pass over every planned sheet, in batches."""

    def __init__(
        self,
        importer: TableImporter[Any],
        file: TableFile,
        plan: list[_Plan],
        ctx: ImportContext,
        *,
        writing: bool,
        tracker: Tracker | None,
        deadline: Deadline,
        announce: bool = True,
    ) -> None:
        self.importer, self.file, self.plan, self.ctx = importer, file, plan, ctx
        self.announce = announce  # header errors and warnings: once per import, not once per pass
        self.writing, self.tracker, self.deadline = writing, tracker, deadline
        self.stats = _Stats()

    def batches(self) -> Iterator[tuple[_Plan, RowParser[Any], list[tuple[int, tuple[object, ...]]]]]:
        resume = self.tracker.resume_after() if self.tracker and self.writing else (0, 0)
        for step in self.plan:
            rows = self.file.rows(step.title)
            header_row = next(rows, None)
            if header_row is None:
                continue
            parser = self._parser(step, header_row)
            if parser is None:
                continue
            batch: list[tuple[int, tuple[object, ...]]] = []
            for number, cells in rows:
                if is_comment(cells):
                    continue
                if (step.index, number) <= resume:
                    parser.remember_key(number, cells)
                    continue
                batch.append((number, cells))
                if len(batch) >= self.importer.batch_size:
                    yield step, parser, batch
                    batch = []
            if batch:
                yield step, parser, batch

    def _parser(self, step: _Plan, header_row: tuple[int, tuple[object, ...]]) -> RowParser[Any] | None:
        number, cells = header_row
        header = HeaderMap.read(step.table, cells)
        if self.announce:
            for text in header.unknown:
                self.ctx.warnings.append(
                    _("“%(sheet)s”已忽略无法识别的列“%(column)s”") % {"sheet": step.title, "column": text}
                )
            for column, message in header.errors:
                self.ctx.file_error(message, sheet=step.title, row=number, column=column)
            if number != 1:
                self.ctx.file_error(_("第1行应为表头"), sheet=step.title, row=1)
        if header.errors or number != 1:
            return None
        return RowParser(step.table, header, step.title)

    def parse_and_check(
        self, step: _Plan, parser: RowParser[Any], batch: list[tuple[int, tuple[object, ...]]]
    ) -> list[Row[Any]]:
        """Parse a batch, report rejected rows to the importer, run its checks; the rows still valid."""
        ctx, table = self.ctx, step.table
        good: list[Row[Any]] = []
        bad: list[RejectedRow] = []
        for number, cells in batch:
            row, errors = parser.parse(number, cells)
            for error in errors:
                ctx.error(row, error.message, column=error.column)
            if isinstance(row, RejectedRow):
                bad.append(row)
            else:
                good.append(row)
        if bad:
            self.importer.rejected(table, bad, ctx)
        if good:
            self.importer.check(table, good, ctx)
            good = [row for row in good if not ctx.failed(row)]
        return good

    def run_batch(self, step: _Plan, parser: RowParser[Any], batch: list[tuple[int, tuple[object, ...]]]) -> None:
        ctx, table = self.ctx, step.table
        good = self.parse_and_check(step, parser, batch)
        if good and self.writing:
            self.importer.apply(table, good, ctx)
        failures = ctx.take_failures()
        self.stats.processed += len(batch)
        self.stats.failed += len(failures)
        self.stats.ok += len(batch) - len(failures)
        self.deadline.check()
        if self.tracker is None:
            return
        stats = self.stats
        if self.writing:
            # Inside the batch's transaction: its rows, errors and checkpoint commit together.
            if not self.tracker.commit_batch(
                position=(step.index, batch[-1][0]),
                processed=stats.processed,
                ok=stats.ok,
                failed=stats.failed,
                failures=failures,
            ):
                raise _Rollback
        else:
            self.tracker.store_failures(failures)
            self.tracker.progress(phase="validating", processed=stats.processed, ok=stats.ok, failed=stats.failed)


def run_import(
    importer: TableImporter[Any],
    source: Source,
    *,
    mode: str = ImportMode.ALL_OR_NOTHING,
    dry_run: bool = False,
    limits: ImportLimits | None = None,
    csv_table: str | None = None,
    tracker: Tracker | None = None,
) -> ImportOutcome:
    """Import a file (see the module docstring). A file that cannot be read at all (FileRejected)
    becomes one error of the outcome; nothing is written then."""
    limits = limits or ImportLimits.from_settings()
    table_limits = [t.max_rows for t in importer.workbook.tables if t.max_rows]
    if len(table_limits) == len(importer.workbook.tables):
        limits = replace(limits, max_rows=min(limits.max_rows, max(table_limits)))
    ctx = ImportContext(dry_run=dry_run, max_errors=limits.max_errors)
    deadline = Deadline(limits.seconds)
    outcome = ImportOutcome(dry_run=dry_run)
    try:
        with TableFile(source, limits, deadline, csv_title=_csv_title(importer, csv_table)) as file:
            plan = _plan(importer.workbook, file, csv_table, ctx)
            if mode == ImportMode.VALID_ROWS and not dry_run:
                stats = _valid_rows(importer, file, plan, ctx, tracker, deadline)
            else:
                stats = _all_or_nothing(importer, file, plan, ctx, tracker, deadline)
            if not stats.processed and not ctx.errors:
                ctx.file_error(_("文件中没有数据行。"))
            outcome.committed = (
                not dry_run and not ctx.file_errors and (mode == ImportMode.VALID_ROWS or not ctx.errors)
            )
    except FileRejected as exc:
        ctx.file_error(str(exc))
        stats = _Stats()
        outcome.committed = False
    outcome.counts = ctx.counts if outcome.committed or dry_run else {}
    outcome.errors = sorted(ctx.errors.kept, key=_position(importer.workbook))
    outcome.error_count = ctx.errors.count
    outcome.warnings = ctx.warnings
    outcome.file_errors = ctx.file_errors
    outcome.rows_processed, outcome.rows_ok, outcome.rows_failed = stats.processed, stats.ok, stats.failed
    return outcome


def _csv_title(importer: TableImporter[Any], csv_table: str | None) -> str:
    tables = importer.workbook.tables
    if csv_table is not None:
        return importer.workbook.table(csv_table).sheet_title
    return tables[0].sheet_title if len(tables) == 1 else ""


def _valid_rows(
    importer: TableImporter[Any],
    file: TableFile,
    plan: list[_Plan],
    ctx: ImportContext,
    tracker: Tracker | None,
    deadline: Deadline,
) -> _Stats:
    importer.begin_pass(writing=True)
    walk = _Pass(importer, file, plan, ctx, writing=True, tracker=tracker, deadline=deadline)
    for step, parser, batch in walk.batches():
        try:
            with transaction.atomic():
                walk.run_batch(step, parser, batch)
        except _Rollback:
            continue
        if tracker is not None:
            tracker.batch_committed()
    with transaction.atomic():
        importer.finish(ctx)
    return walk.stats


def _all_or_nothing(
    importer: TableImporter[Any],
    file: TableFile,
    plan: list[_Plan],
    ctx: ImportContext,
    tracker: Tracker | None,
    deadline: Deadline,
) -> _Stats:
    importer.begin_pass(writing=False)
    check = _Pass(importer, file, plan, ctx, writing=False, tracker=tracker, deadline=deadline)
    for step, parser, batch in check.batches():
        check.run_batch(step, parser, batch)
    if ctx.errors and not importer.apply_can_fail and not ctx.dry_run:
        return check.stats
    if tracker is not None:
        tracker.progress(phase="running", processed=0, ok=0, failed=0)
    importer.begin_pass(writing=True)
    write = _Pass(importer, file, plan, ctx, writing=True, tracker=None, deadline=deadline, announce=False)
    apply_failures: list[Failure] = []
    with transaction.atomic():
        for step, parser, batch in write.batches():
            apply_failures += _apply_quietly(write, step, parser, batch, ctx)
        importer.finish(ctx)
        if ctx.errors or ctx.dry_run:
            transaction.set_rollback(True)
    if tracker is not None and apply_failures:
        tracker.store_failures(apply_failures)  # after the rollback, which would take them along
    return write.stats


def _apply_quietly(
    walk: _Pass, step: _Plan, parser: RowParser[Any], batch: list[tuple[int, tuple[object, ...]]], ctx: ImportContext
) -> list[Failure]:
    """Pass 2 of all-or-nothing: parse and check again without recording (pass 1 did), then apply.

    Returns the failures `apply` found (rows pass 1 let through that the services refused).
    """
    ctx.recording = False
    try:
        good = walk.parse_and_check(step, parser, batch)
    finally:
        ctx.recording = True
    failed_before = len(ctx.take_failures())
    if good:
        walk.importer.apply(step.table, good, ctx)
    found = ctx.take_failures()
    walk.stats.processed += len(batch)
    walk.stats.failed += failed_before + len(found)
    walk.stats.ok += len(batch) - failed_before - len(found)
    walk.deadline.check()
    return found


def _position(workbook: WorkbookSpec) -> Any:
    """Errors in reading order: table order, row, then the column's position in the spec."""
    order = {t.sheet_title: i for i, t in enumerate(workbook.tables)}
    headers = {t.sheet_title: [c.header for c in t.columns] for t in workbook.tables}

    def key(error: RowError) -> tuple[int, int, int]:
        columns = headers.get(error.sheet, [])
        return (
            order.get(error.sheet, -1),
            error.row or 0,
            columns.index(error.column) if error.column in columns else -1,
        )

    return key
