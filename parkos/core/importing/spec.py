"""What a file must look like: columns, tables (sheets), header matching and the parsing of one row.

A `TableSpec` is the single statement of one table's format. The importer reads files with it, the
template is generated from it (headers, units, examples, drop-downs, notes), and the error report
names its columns — so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from parkos.core.importing.cells import (
    Boolean,
    CellError,
    CellParser,
    Choice,
    Fixed,
    Number,
    Quantity,
    Text,
    cell_text,
    is_blank,
    normalise,
    spellings,
    zh,
)
from parkos.core.importing.errors import RowError

__all__ = ["Column", "HeaderMap", "RejectedRow", "Row", "RowParser", "TableSpec", "WorkbookSpec"]

TEXT: Final = Text()
#: A row whose first cell starts with this is a comment — the template's example rows — and is skipped.
COMMENT_MARK = "#"


@dataclass(frozen=True)
class Column:
    """One column: the field it fills, its header (without the unit), how to read a cell, its unit.

    `required`: a cell of this column may not be blank (when the column is in the file; which columns
    must be in the file is the table's `needs`). `blank`: the value of a blank cell. `example` is
    written into the template's example row as the file would have it (in the default unit).
    """

    field: str
    label: str | Promise
    parser: CellParser[Any] = TEXT
    required: bool = False
    aliases: tuple[str | Promise, ...] = ()
    unit: Quantity | Fixed | None = None
    blank: object = None
    example: object = None
    hint: str | Promise = ""
    number_format: str | None = None

    @property
    def header(self) -> str:
        """The template's header: the Chinese label and the default unit, e.g. "工业总产值（万元）"."""
        unit = self.unit.default if isinstance(self.unit, Quantity) else getattr(self.unit, "unit", "")
        return f"{zh(self.label)}（{unit}）" if unit else zh(self.label)

    def dropdown(self) -> list[str]:
        if isinstance(self.parser, Boolean):
            return ["是", "否"]
        if isinstance(self.parser, Choice):
            return self.parser.labels()
        return []


@dataclass(frozen=True)
class TableSpec[RowT]:
    """One table (a sheet of a workbook, or a CSV file) and the typed row it becomes.

    `row_type` is called with the parsed values of the columns present in the file, keyword by field
    (a dataclass, or a TypedDict with total=False when absent columns must stay absent). `key`: the
    natural key; two rows with the same key in one file are an error. `needs`: groups of fields of
    which at least one column must be in the file (by default each key field).
    """

    name: str
    title: str | Promise
    columns: tuple[Column, ...]
    row_type: Callable[..., RowT]
    key: tuple[str, ...] = ()
    needs: tuple[tuple[str, ...], ...] | None = None
    sheet_aliases: tuple[str | Promise, ...] = ()
    max_rows: int | None = None

    @property
    def sheet_title(self) -> str:
        return zh(self.title)

    @property
    def required_groups(self) -> tuple[tuple[str, ...], ...]:
        return self.needs if self.needs is not None else tuple((name,) for name in self.key)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    def header_of(self, name: str) -> str:
        """The header of a field for messages ("" when the field is not a column of the table)."""
        return next((c.header for c in self.columns if c.field == name), "")

    def sheet_spellings(self) -> set[str]:
        return {*spellings(self.title, *self.sheet_aliases), normalise(self.name), normalise(self.name + "s")}


@dataclass(frozen=True)
class WorkbookSpec:
    """The tables of one import, in the order they are applied (parents first).

    A workbook's sheets are matched to tables by title; with `first_sheet` a one-table import reads the
    first sheet whatever its name. `notes_sheet` is the template's instructions sheet, ignored on import.
    """

    tables: tuple[TableSpec[Any], ...]
    first_sheet: bool = False
    notes_sheet: str | Promise = ""

    def table(self, name: str) -> TableSpec[Any]:
        return next(t for t in self.tables if t.name == name)

    def table_for_sheet(self, title: str) -> TableSpec[Any] | None:
        key = normalise(title)
        return next((t for t in self.tables if key in t.sheet_spellings()), None)


# --- Headers -------------------------------------------------------------------------------------


def _split_unit(header: str) -> tuple[str, str]:
    """ "工业总产值(万元)" → ("工业总产值", "万元"); headers are normalised, so brackets are half-width."""
    if header.endswith(")") and "(" in header:
        position = header.rindex("(")
        return header[:position], header[position + 1 : -1]
    return header, ""


@dataclass
class HeaderMap:
    """Where each column is in a file's header row, and the unit factor its header declares."""

    positions: dict[str, int] = field(default_factory=dict)
    factors: dict[str, Decimal] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (header, message)

    @classmethod
    def read(cls, table: TableSpec[Any], header_cells: Sequence[object]) -> HeaderMap:
        result = cls(headers=[cell_text(c) for c in header_cells])
        labels: dict[str, Column] = {}
        for column in table.columns:
            for spelling in spellings(column.label, *column.aliases):
                labels.setdefault(spelling, column)
        for position, text in enumerate(result.headers):
            if not text:
                continue
            result._place(table, labels, position, text)
        for group in table.required_groups:
            if not any(name in result.positions for name in group):
                names = "”或“".join(table.header_of(name) for name in group)
                result.errors.append((table.header_of(group[0]), _("缺少必需的列“%(columns)s”") % {"columns": names}))
        return result

    def _place(self, table: TableSpec[Any], labels: Mapping[str, Column], position: int, text: str) -> None:
        normal = normalise(text)
        label, unit = _split_unit(normal)
        column = labels.get(normal)
        if column is not None:
            label, unit = normal, ""
        else:
            column = labels.get(label)
        if column is None:
            self.unknown.append(text)
            return
        if column.field in self.positions:
            first = self.headers[self.positions[column.field]]
            self.errors.append((column.header, _("列重复：“%(a)s”与“%(b)s”") % {"a": first, "b": text}))
            return
        factor = _unit_factor(column, unit, text)
        if isinstance(factor, str):
            self.errors.append((text, factor))
            return
        self.positions[column.field] = position
        if factor is not None:
            self.factors[column.field] = factor

    def __contains__(self, name: object) -> bool:
        return name in self.positions


def _unit_factor(column: Column, unit: str, header: str) -> Decimal | str | None:
    """The factor from the header's unit to the stored one; a message (str) if the column cannot take it."""
    if isinstance(column.unit, Quantity):
        factor = column.unit.factor(unit or column.unit.default)
        if factor is None:
            return _("列“%(header)s”的单位“%(unit)s”不能用于此列，可用：%(units)s") % {
                "header": header,
                "unit": unit,
                "units": "、".join(column.unit.units[:3]),
            }
        return None if factor == 1 else factor
    if unit and not (isinstance(column.unit, Fixed) and column.unit.accepts(unit)):
        expected = column.unit.unit if isinstance(column.unit, Fixed) else ""
        if expected:
            return _("列“%(header)s”的单位应为“%(unit)s”") % {"header": header, "unit": expected}
        return _("列“%(header)s”不带单位，请删去括号中的“%(unit)s”") % {"header": header, "unit": unit}
    return None


# --- Rows ----------------------------------------------------------------------------------------


@dataclass
class Row[RowT]:
    """A row that read cleanly: its typed data, and the fields whose columns are in the file."""

    table: str
    sheet: str
    number: int
    data: RowT
    present: frozenset[str]
    cells: tuple[object, ...]


@dataclass
class RejectedRow:
    """A row with cell errors: what could be read of it (for importers that track failed parents)."""

    table: str
    sheet: str
    number: int
    values: dict[str, Any]
    cells: tuple[object, ...]


class RowParser[RowT]:
    """Parses the rows of one table after its header: cells, required cells, in-file duplicate keys."""

    def __init__(self, table: TableSpec[RowT], header: HeaderMap, sheet: str) -> None:
        self.table = table
        self.sheet = sheet
        self.header = header
        self.columns = [(header.positions[c.field], c) for c in table.columns if c.field in header.positions]
        self.present = frozenset(header.positions)
        self.first_seen: dict[tuple[Any, ...], int] = {}
        self.key_header = "+".join(table.header_of(k) for k in table.key)

    def parse(self, number: int, cells: tuple[object, ...]) -> tuple[Row[RowT] | RejectedRow, list[RowError]]:
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for position, column in self.columns:
            raw = cells[position] if position < len(cells) else None
            if is_blank(raw):
                if column.required:
                    errors.append(RowError(self.sheet, number, column.header, _("必填")))
                else:
                    values[column.field] = column.blank
                continue
            try:
                values[column.field] = self._value(column, raw)
            except CellError as exc:
                errors.append(RowError(self.sheet, number, self.header.headers[position], str(exc)))
        self._check_key(number, values, errors)
        if errors:
            return RejectedRow(self.table.name, self.sheet, number, values, cells), errors
        data = self.table.row_type(**values)
        return Row(self.table.name, self.sheet, number, data, self.present, cells), errors

    def _value(self, column: Column, raw: object) -> Any:
        factor = self.header.factors.get(column.field)
        if factor is not None and isinstance(column.parser, Number):
            # Bounds and rounding apply in the stored unit, after the conversion.
            return column.parser.check(column.parser.read(raw) * factor)
        return column.parser(raw)

    def _check_key(self, number: int, values: Mapping[str, Any], errors: list[RowError]) -> None:
        if not self.table.key or any(is_blank(values.get(k)) for k in self.table.key):
            return
        key = tuple(values[k] for k in self.table.key)
        first = self.first_seen.setdefault(key, number)
        if first != number:
            errors.append(RowError(self.sheet, number, self.key_header, _("与第 %(row)d 行重复") % {"row": first}))

    def remember_key(self, number: int, cells: tuple[object, ...]) -> None:
        """A row committed before a resume: only its key is read, so later duplicates are still caught."""
        if not self.table.key or any(k not in self.header.positions for k in self.table.key):
            return
        try:
            values = {
                k: self._value(self.table.column(k), cells[self.header.positions[k]])
                for k in self.table.key
                if self.header.positions[k] < len(cells) and not is_blank(cells[self.header.positions[k]])
            }
        except CellError:
            return
        if len(values) == len(self.table.key):
            self.first_seen.setdefault(tuple(values[k] for k in self.table.key), number)


def is_comment(cells: Iterable[object]) -> bool:
    """The template's example rows (and any row) whose first filled cell starts with "#"."""
    first = next((c for c in cells if not is_blank(c)), None)
    return isinstance(first, str) and first.lstrip().startswith(COMMENT_MARK)
