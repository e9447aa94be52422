"""A generic .xlsx writer for any list page: columns in, a download out.

Every app's list page exports the same way::

    columns = [Column(_("单元编号"), "code"), Column(_("面积（m²）"), "area_sqm", AREA_FORMAT)]
    return xlsx_response("单元", columns, queryset.iterator())

openpyxl's write-only mode streams rows to disk-backed XML as they come, so memory stays flat however
long the list is; only the finished (compressed) workbook is held for the response.
"""

from __future__ import annotations

import datetime
import enum
import io
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Number formats shared by the apps, so every export shows money and areas alike.
AREA_FORMAT = "#,##0.00"
MONEY_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
DECIMAL1_FORMAT = "0.0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

#: Sheet names cannot hold these characters and are at most 31 characters long (Excel's rules).
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_HEADER_FONT = Font(bold=True)


class Column(NamedTuple):
    """One column of an export.

    `accessor` is a dotted attribute path ("park.name"; a callable found on the way is called, so
    "get_status_display" works) or a function of the row. `number_format` is an Excel format code.
    """

    header: str | Promise
    accessor: str | Callable[[Any], Any]
    number_format: str | None = None
    width: float | None = None


def resolve(row: object, accessor: str | Callable[[Any], Any]) -> Any:
    """The value of one cell: follow a dotted path on objects or dicts, or call a function."""
    if callable(accessor):
        return accessor(row)
    value = row
    for part in accessor.split("."):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        if callable(value) and not isinstance(value, type):
            value = value()
    return value


def cell_value(value: object) -> Any:
    """A Python value as Excel stores it: numbers and dates stay typed, the rest becomes text."""
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            # Excel has no time zones: show the local wall-clock time people expect.
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, enum.Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, list | tuple | set):
        return ",".join(str(v) for v in value)
    return str(value)


#: Text that a spreadsheet would read as a formula, or that turns into one once the cell is edited or
#: the sheet saved as CSV ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)"): CSV/formula injection.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(ws: WriteOnlyWorksheet, value: object, number_format: str | None = None) -> WriteOnlyCell:
    """One cell of an export. Text that starts like a formula is neutralised: stored as text (never a
    formula) and marked "quote prefix", so Excel and WPS keep it text even when someone edits it."""
    cell = WriteOnlyCell(ws, value=cell_value(value))
    if isinstance(cell.value, str):
        if cell.data_type == "f" or cell.value.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"
            cell.quotePrefix = True
    elif number_format:
        cell.number_format = number_format
    return cell


def neutralise_formulas(cells: Iterable[Any]) -> None:
    """The same for cells already in a (not write-only) sheet: text that starts like a formula stays text."""
    for cell in cells:
        if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_TRIGGERS)):
            cell.data_type = "s"
            cell.quotePrefix = True


def text_row(ws: WriteOnlyWorksheet, values: Iterable[Any]) -> list[WriteOnlyCell]:
    """A row of `text_cell`s, for sheets written without `Column`s."""
    return [text_cell(ws, value) for value in values]


def sheet_title(title: str) -> str:
    return (title.translate(_SHEET_FORBIDDEN).strip() or "Sheet")[:31]


def write_sheet(
    workbook: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    freeze: str = "A2",
    totals: Sequence[Any] | None = None,
) -> int:
    """Append one sheet (header row, then one row per item) to a write-only workbook; returns the row count.

    `freeze` is the first cell that scrolls (``"D2"`` keeps three columns and the header in view);
    `totals` is a closing row, one value per column, in bold.
    """
    ws = workbook.create_sheet(title=sheet_title(title))
    for index, column in enumerate(columns):
        width = column.width or min(max(len(str(column.header)) * 2.2 + 2, 10), 40)
        ws.column_dimensions[_column_letter(index)].width = width
    ws.freeze_panes = freeze
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=str(column.header))
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([text_cell(ws, resolve(row, c.accessor), c.number_format) for c in columns])
        count += 1
    if totals is not None:
        closing = []
        for value, column in zip(totals, columns, strict=True):
            cell = text_cell(ws, value, column.number_format)
            cell.font = _HEADER_FONT
            closing.append(cell)
        ws.append(closing)
    return count


def _column_letter(index: int) -> str:

    return str(get_column_letter(index + 1))


def content_disposition(filename: str) -> str:
    """An attachment header that keeps a Chinese file name (RFC 6266 / RFC 5987), with an ASCII fallback."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    fallback = filename if filename.isascii() else "export" + (f".{extension}" if extension.isascii() else "")
    fallback = "".join(ch if ch.isprintable() and ch not in '"\\' else "_" for ch in fallback)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def stamped_filename(stem: str, extension: str = "xlsx") -> str:
    """ "单元" → "单元-20261125-1430.xlsx", so repeated downloads do not overwrite each other."""
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def xlsx_response(
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    sheet: str | None = None,
    freeze: str = "A2",
    totals: Sequence[Any] | None = None,
) -> HttpResponse:
    """A one-sheet .xlsx download of `rows`; `filename` may be Chinese (".xlsx" is added if missing)."""
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    workbook = Workbook(write_only=True)
    write_sheet(workbook, sheet or filename.rsplit(".", 1)[0], columns, rows, freeze=freeze, totals=totals)
    return workbook_response(workbook, filename)
