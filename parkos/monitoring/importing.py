"""Manual readings from a sheet (人工抄表), through the shared import framework (parkos.core.importing).

Three columns — 表计编号, 抄表时间, 读数. Times are local (a person writes the wall-clock time, unlike a
gateway). Valid rows go through the same ingestion as HTTP and MQTT readings (`ingest_readings`:
validation, idempotent on meter and moment, rollups, alarms); a reading the ingestion refuses
(unknown meter, counter gone backwards…) is kept as a `RejectedReading` and reported on its row.
Mode VALID_ROWS: what passes is stored, the rest is listed with its reason; importing a sheet again
changes nothing (its readings are duplicates).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.models import User
from parkos.core.importing import (
    CellError,
    Column,
    ImportContext,
    ImportMode,
    ImportOutcome,
    Number,
    Row,
    Source,
    TableImporter,
    TableSpec,
    Text,
    WorkbookSpec,
    cell_text,
    jobs,
    run_import,
    template_workbook,
)
from parkos.core.models import ImportJob
from parkos.monitoring.choices import ReadingSource, RejectReason
from parkos.monitoring.ingest import RejectLine, ingest_readings
from parkos.monitoring.parsing import RawReading
from parkos.parks.models import Park

IMPORTER = "monitoring.readings"


class LocalMoment:
    """A cell with a local date and time ("2026-03-01 08:00", or an Excel date-time)."""

    def __call__(self, raw: object, /) -> datetime.datetime:
        if isinstance(raw, datetime.datetime):
            moment = raw
        else:
            text = cell_text(raw).replace("/", "-").replace("T", " ")
            try:
                moment = datetime.datetime.fromisoformat(text)
            except ValueError:
                raise CellError(_("“%(value)s”不是有效的时间，请写作 2026-03-01 08:00") % {"value": raw}) from None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@dataclass
class ReadingRow:
    meter: str
    read_at: datetime.datetime
    value: Decimal


TABLE = TableSpec[ReadingRow](
    name="readings",
    title=_("抄表读数"),
    row_type=ReadingRow,
    key=("meter", "read_at"),
    columns=(
        Column("meter", _("表计编号"), Text(60), required=True, aliases=(_("表号"), "meter"), example="W-A1"),
        Column(
            "read_at",
            _("抄表时间"),
            LocalMoment(),
            required=True,
            aliases=(_("时间"), "ts"),
            example="2026-03-01 08:00",
        ),
        Column("value", _("读数"), Number(), required=True, aliases=(_("表底读数"), "value"), example=12345.6),
    ),
)
WORKBOOK = WorkbookSpec(tables=(TABLE,), first_sheet=True)


class ReadingImporter(TableImporter[ReadingRow]):
    workbook = WORKBOOK

    def __init__(self, *, park: Park, actor: User | None) -> None:
        self.park, self.actor = park, actor

    def apply(self, table: TableSpec[ReadingRow], rows: Sequence[Row[ReadingRow]], ctx: ImportContext) -> None:
        by_line = {row.number: row for row in rows}
        readings = [
            RawReading(row.data.meter, row.data.read_at, float(row.data.value), line=row.number) for row in rows
        ]
        if ctx.dry_run:
            ctx.count(table.name, created=len(readings))
            return
        result = ingest_readings(park=self.park, readings=readings, source=ReadingSource.UPLOAD, actor=self.actor)
        for reject in result.rejects:
            row = by_line.get(reject.line)
            if row is not None:
                ctx.error(row, _reject_text(reject))
        ctx.count(table.name, created=result.accepted, unchanged=result.duplicates)


def _reject_text(reject: RejectLine) -> str:
    """The reason, then the detail when it says more ("累计读数倒退：读数 90 小于…")."""
    reason = str(RejectReason(reject.reason).label)
    if reject.message in ("", reason):
        return reason
    return _("%(reason)s：%(detail)s") % {"reason": reason, "detail": reject.message}


def import_readings(*, park: Park, name: str, data: bytes | IO[bytes], actor: User | None) -> ImportOutcome:
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    return run_import(
        ReadingImporter(park=park, actor=actor), Source.from_stream(stream, name), mode=ImportMode.VALID_ROWS
    )


def build_importer(job: ImportJob) -> ReadingImporter:
    return ReadingImporter(park=Park.objects.get(pk=job.options["park"]), actor=job.created_by)


def create_job(*, park: Park, upload: IO[bytes], name: str, actor: User | None) -> ImportJob:
    """A background job for a large sheet (the caller enqueues it)."""
    return jobs.create_job(
        importer=IMPORTER, upload=upload, name=name, mode=ImportMode.VALID_ROWS, actor=actor, options={"park": park.pk}
    )


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    template_workbook(WORKBOOK).save(buffer)
    return buffer.getvalue()
