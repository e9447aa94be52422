"""Manual readings from a sheet (人工抄表): the table a meter reader fills in, read into `RawReading`s.

The sheet has three columns — 表计编号, 抄表时间, 读数 — in .xlsx or CSV (UTF-8, UTF-8 with BOM or
GBK). Times are local (Asia/Shanghai): a person writes the time on the wall clock, unlike a gateway.
Every row goes through the same ingestion as the HTTP and MQTT readings (validation, rejects with
their reason, idempotent on meter and time), so re-importing a sheet changes nothing.

This reads files with openpyxl and the csv module until the shared import framework
(parkos/core/importing) lands; its spec is `COLUMNS` below.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook

from parkos.monitoring.choices import RejectReason
from parkos.monitoring.parsing import RawReading, parse_value

#: (header, accepted aliases): the template's columns, in order.
COLUMNS = (
    ("表计编号", ("表计编号", "表号", "meter", "meter_code")),
    ("抄表时间", ("抄表时间", "时间", "ts", "time")),
    ("读数", ("读数", "表底读数", "value", "reading")),
)
MAX_ROWS = 100_000
MAX_BYTES = 10 * 1024 * 1024


class SheetError(ValueError):
    """The file as a whole cannot be read (format, encoding, size, headers)."""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV")


def _rows(name: str, data: bytes) -> Iterator[list[Any]]:
    if len(data) > MAX_BYTES:
        raise SheetError(f"文件超过 {MAX_BYTES // (1024 * 1024)} MB")
    if name.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise SheetError("无法读取 .xlsx 文件") from exc
        yield from ([*row] for row in workbook.worksheets[0].iter_rows(values_only=True))
        return
    yield from csv.reader(io.StringIO(_decode(data)))


def _columns(header: list[Any]) -> list[int]:
    names = [str(cell or "").strip().lower() for cell in header]
    positions = []
    for title, aliases in COLUMNS:
        found = next((names.index(a.lower()) for a in aliases if a.lower() in names), None)
        if found is None:
            raise SheetError(f"缺少“{title}”列")
        positions.append(found)
    return positions


def _moment(value: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value or "").strip().replace("/", "-")
        if not text:
            raise ValueError("empty")
        moment = datetime.datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def read_sheet(name: str, data: bytes) -> list[RawReading]:
    """The readings of an uploaded sheet; a row that cannot be read is a reading with its problem."""
    rows = _rows(name, data)
    header = next(rows, None)
    if header is None:
        raise SheetError("文件是空的")
    meter_at, time_at, value_at = _columns(header)
    readings = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise SheetError(f"超过 {MAX_ROWS} 行，请分批导入")
        cells = [*row, None, None, None]
        code = str(cells[meter_at] or "").strip()
        if not code and cells[time_at] in (None, "") and cells[value_at] in (None, ""):
            continue
        readings.append(_reading(code, cells[time_at], cells[value_at], number))
    return readings


def _reading(code: str, when: Any, value: Any, line: int) -> RawReading:
    raw_ts, raw_value = str(when or "")[:60], str(value or "")[:60]
    if not code:
        return RawReading("", None, None, line, raw_ts, raw_value, RejectReason.MALFORMED, "缺少表计编号")
    try:
        moment = _moment(when)
    except (ValueError, TypeError):
        return RawReading(
            code, None, None, line, raw_ts, raw_value, RejectReason.BAD_TIME, "抄表时间格式应为 2026-03-01 08:00"
        )
    try:
        number = parse_value(value)
    except (ValueError, TypeError):
        return RawReading(code, moment, None, line, raw_ts, raw_value, RejectReason.BAD_VALUE, "读数不是有效数字")
    return RawReading(code, moment, number, line, raw_ts, raw_value)


def template_rows(examples: Iterable[tuple[str, datetime.datetime, float]]) -> list[list[Any]]:
    """The downloadable template: headers and example rows."""
    rows: list[list[Any]] = [[title for title, _aliases in COLUMNS]]
    rows += [[code, timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"), value] for code, moment, value in examples]
    return rows
