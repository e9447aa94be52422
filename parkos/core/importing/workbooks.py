"""Files the framework writes: the template generated from the spec, and error reports.

The template has one sheet per table: the header (required columns marked "*"), example rows marked
"#" in their first cell — they pass validation once the mark is removed, and are skipped as they are —
drop-down lists for choices and yes/no, and a notes sheet describing every column with its unit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from parkos.core.importing.cells import Boolean, Choice, Quantity, zh
from parkos.core.importing.spec import COMMENT_MARK, Column, TableSpec, WorkbookSpec
from parkos.core.xlsx import Column as ExportColumn
from parkos.core.xlsx import sheet_title

__all__ = ["csv_template", "error_list_columns", "example_cell", "template_workbook", "write_error_report"]

#: Drop-down lists reach this row of the template.
DROPDOWN_ROWS = 5000


def example_cell(column: Column) -> Any:
    """A column's example as a person would type it: labels for choices, 是/否 for yes/no."""
    value = column.example
    if value is None:
        return None
    if isinstance(column.parser, Boolean):
        return "是" if value else "否"
    if isinstance(column.parser, Choice):
        return zh(column.parser.choices(str(value)).label)
    return value


def _examples(table: TableSpec[Any], examples: Sequence[Mapping[str, Any]] | None) -> list[list[Any]]:
    if examples:
        rows = [[row.get(c.field) for c in table.columns] for row in examples]
    else:
        rows = [[example_cell(c) for c in table.columns]]
    for row in rows:
        row[0] = f"{COMMENT_MARK}{'' if row[0] is None else row[0]}"
    return rows


def _header(column: Column) -> str:
    return column.header + ("*" if column.required else "")


def template_workbook(
    spec: WorkbookSpec, *, examples: Mapping[str, Sequence[Mapping[str, Any]]] | None = None, notes: bool = True
) -> Workbook:
    """The blank template of an import. `examples` (table name → rows of field → cell) replaces the
    columns' own examples where one row is not enough."""
    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    note_font = Font(italic=True, color="808080")
    for table in spec.tables:
        ws = workbook.create_sheet(sheet_title(table.sheet_title))
        ws.append([_header(c) for c in table.columns])
        example_rows = _examples(table, (examples or {}).get(table.name))
        for row in example_rows:
            ws.append(row)
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(len(column.header) * 2.2 + 2, 12)
            ws.cell(row=1, column=index).font = Font(bold=True)
            for offset in range(len(example_rows)):
                ws.cell(row=2 + offset, column=index).font = note_font
            options = column.dropdown()
            if options:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(options) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=column.header,
                    error=_("请从列表中选择"),
                )
                validation.add(f"{letter}{2 + len(example_rows)}:{letter}{table.max_rows or DROPDOWN_ROWS}")
                ws.add_data_validation(validation)
        ws.freeze_panes = "A2"
    if notes and spec.notes_sheet:
        _notes(workbook.create_sheet(zh(spec.notes_sheet)), spec)
    return workbook


def _hint(column: Column) -> str:
    parts = []
    if column.hint:
        parts.append(zh(column.hint))
    options = column.dropdown()
    if options and not column.hint:
        parts.append("可填：" + "、".join(options))
    if isinstance(column.unit, Quantity):
        parts.append("单位可写在表头括号中：" + "、".join(column.unit.units[:3]))
    return "；".join(parts)


def _notes(ws: Worksheet, spec: WorkbookSpec) -> None:
    ws.append(["工作表", "列", "必填", "说明"])
    ws.append(["", "", "", "以 # 开头的行是示例，导入时跳过；删除 # 即作为数据导入。带 * 的列为必填。"])
    for table in spec.tables:
        for column in table.columns:
            ws.append([table.sheet_title, column.header, "是" if column.required else "", _hint(column)])
    for letter, width in (("A", 10), ("B", 28), ("C", 6), ("D", 60)):
        ws.column_dimensions[letter].width = width


def csv_template(table: TableSpec[Any]) -> str:
    """One table's template as CSV text (the caller adds a BOM so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in table.columns])
    for row in _examples(table, None):
        writer.writerow(["" if v is None else str(v) for v in row])
    return buffer.getvalue()


class _StoredError(Protocol):
    sheet: str
    row_number: int | None
    column: str
    message: str
    values: list[Any]


def write_error_report(
    workbook: Workbook, *, headers: Mapping[str, list[str]], errors: Iterable[_StoredError], total: int
) -> None:
    """One sheet per sheet of the file: 行号, the row's original cells, then every error of the row.

    `errors` come ordered by sheet and row; when more errors were found than kept, a last line says so.
    """
    sheets: dict[str, Any] = {}
    rows: dict[str, list[Any]] = {}
    written = 0

    def flush(sheet: str) -> None:
        if rows.get(sheet):
            sheets[sheet].append(rows.pop(sheet))

    current: tuple[str, int | None] | None = None
    messages: list[str] = []
    for error in errors:
        written += 1
        name = error.sheet if error.sheet in headers else next(iter(headers), error.sheet or _("错误报告"))
        if name not in sheets:
            sheets[name] = workbook.create_sheet(sheet_title(name))
            sheets[name].append([_("行号"), *headers.get(name, []), _("错误")])
        if current != (name, error.row_number):
            if current is not None:
                _append(sheets[current[0]], current[1], rows.pop(current[0], []), messages)
            current, messages = (name, error.row_number), []
            width = len(headers.get(name, []))
            rows[name] = [*error.values, *[""] * (width - len(error.values))][: max(width, len(error.values))]
        messages.append(f"{error.column}：{error.message}" if error.column else error.message)
    if current is not None:
        _append(sheets[current[0]], current[1], rows.pop(current[0], []), messages)
    if not sheets:
        workbook.create_sheet(_("错误报告")).append([_("行号"), _("错误")])
    if total > written:
        last = next(iter(sheets.values()), None) or workbook.worksheets[-1]
        last.append([None, _("共 %(total)d 处错误，仅列出前 %(kept)d 处。") % {"total": total, "kept": written}])


def _append(ws: Worksheet, row: int | None, values: list[Any], messages: list[str]) -> None:
    ws.append([row, *values, "；".join(messages)])


def error_list_columns() -> list[ExportColumn]:
    """One line per error (工作表, 行号, 列, 错误说明), for `parkos.core.xlsx.xlsx_response`."""
    return [
        ExportColumn(_("工作表"), "sheet", width=12),
        ExportColumn(_("行号"), "row", width=8),
        ExportColumn(_("列"), "column", width=24),
        ExportColumn(_("错误说明"), "message", width=80),
    ]
