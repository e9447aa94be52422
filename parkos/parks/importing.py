"""Import and export of the space inventory (parks, buildings, floors, units) as .xlsx or CSV.

The file format is the template: one workbook with the sheets 园区 / 楼栋 / 楼层 / 单元 (or one CSV
file per kind), Chinese headers whatever the interface language, so files travel between people.
Headers are matched loosely (full- or half-width brackets, spaces, a trailing "*", or the English
header), choices accept the Chinese label or the stored value, and lines whose first cell starts with
"#" are comments (the template's example rows).

An import runs in two passes and commits all or nothing:

1. Parse every row of every sheet: required cells, numbers, choices, dates, duplicate natural keys
   inside the file. Every problem becomes a `RowError` (sheet, row as Excel shows it, column header,
   message); parsing never stops at the first one.
2. Inside one transaction, walk the sheets parent-first (parks → buildings → floors → units) and
   upsert each parsed row by its natural key through the services of `parkos.parks.services`, so
   model validation, the services' own rules (floor capacity, storeys) and the audit trail all apply.
   Each service call runs in its own savepoint: a failing row is recorded and the walk goes on.
   Rows equal to the database are not touched, which makes re-importing a file a no-op. If pass 1 or
   pass 2 recorded any error, the whole transaction is rolled back.

A column left out of the file leaves that field alone on update (a file with 园区编码, 单元编号 and
租金 updates rents); a column present with an empty cell sets the field to empty (or its default).
Import never deletes or archives anything.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from parkos.accounts.access import Capability, has_capability, scope_to_parks
from parkos.core.audit import audit_record
from parkos.core.models import AuditAction
from parkos.core.xlsx import AREA_FORMAT, DATE_FORMAT, Column, write_sheet
from parkos.parks import services
from parkos.parks.choices import (
    CLEANROOM_ALIASES,
    BuildingStatus,
    BuildingStructure,
    CleanroomGrade,
    FireHazardClass,
    FireResistanceGrade,
    cleanroom_grade_from_text,
)
from parkos.parks.models import Building, Floor, Operator, Park, Unit
from parkos.parks.policy import normalize_industry_codes

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User

#: Inventories are at most a few thousand rows; beyond this a file is a mistake, not an inventory.
MAX_ROWS = 20000
#: The template's instructions sheet, skipped on import.
NOTES_SHEET = "说明"
#: Columns read per row; anything further right is ignored.
MAX_COLUMNS = 80


class InventoryKind(models.TextChoices):
    """What a sheet (or a CSV file) holds; the order is the order of import, parents first."""

    PARK = "park", gettext_lazy("园区")
    BUILDING = "building", gettext_lazy("楼栋")
    FLOOR = "floor", gettext_lazy("楼层")
    UNIT = "unit", gettext_lazy("单元")


KIND_ORDER = [InventoryKind.PARK, InventoryKind.BUILDING, InventoryKind.FLOOR, InventoryKind.UNIT]


def zh(text: str | Promise) -> str:
    """The Simplified Chinese text of a (lazy) string: the file format is Chinese in every language."""
    with translation.override("zh-hans"):
        return str(text)


def en(text: str | Promise) -> str:
    with translation.override("en"):
        return str(text)


# --- The format ----------------------------------------------------------------------------------

TEXT, DECIMAL, INT, BOOL, CHOICE, DATE, CODES, LEVEL = (
    "text",
    "decimal",
    "int",
    "bool",
    "choice",
    "date",
    "codes",
    "level",
)


@dataclass(frozen=True)
class Col:
    """One column of a sheet: its header, the model field (or reference) it fills, and how to read it."""

    header: Promise
    field: str
    datatype: str = TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    example: Any = None
    hint: Promise | str = ""
    number_format: str | None = None

    @property
    def is_reference(self) -> bool:
        return self.field in REFERENCE_FIELDS


#: Columns that name a parent rather than fill a field of the row itself.
REFERENCE_FIELDS = {"park_ref", "building_ref", "floor_ref"}

_PARK_REF = Col(gettext_lazy("园区编码"), "park_ref", required=True, example="CQ-BIO-01")
_BUILDING_REF = Col(gettext_lazy("楼栋编号"), "building_ref", required=True, example="A1")

SHEETS: dict[str, list[Col]] = {
    InventoryKind.PARK: [
        Col(gettext_lazy("园区编码"), "code", required=True, example="CQ-BIO-01",
            hint=gettext_lazy("字母、数字、连字符，全局唯一")),
        Col(gettext_lazy("园区名称"), "name", required=True, example="重庆国际生物城一期"),
        Col(gettext_lazy("省份"), "province", example="重庆市"),
        Col(gettext_lazy("城市"), "city", required=True, example="重庆市"),
        Col(gettext_lazy("区县"), "district", example="巴南区"),
        Col(gettext_lazy("地址"), "address", example="生物城大道1号"),
        Col(gettext_lazy("占地面积（m²）"), "land_area_sqm", DECIMAL, example=Decimal("200000"), number_format=AREA_FORMAT),
        Col(gettext_lazy("开园年份"), "established_year", INT, example=2019),
        Col(gettext_lazy("主导产业"), "industry_focus", example="生物医药、医疗器械"),
        Col(gettext_lazy("鼓励入驻的行业代码"), "welcomed_industry_codes", CODES, example="27,358",
            hint=gettext_lazy("GB/T 4754-2017 代码，用逗号分隔；为空表示不限")),
        Col(gettext_lazy("亩均税收门槛（万元/亩·年）"), "min_tax_wan_per_mu_year", DECIMAL, example=Decimal(30)),
        Col(gettext_lazy("投资强度门槛（万元/亩）"), "min_investment_wan_per_mu", DECIMAL, example=Decimal(300)),
        Col(gettext_lazy("参考租金下限（元/m²·月）"), "rent_min_yuan_per_sqm_month", DECIMAL, example=Decimal(18)),
        Col(gettext_lazy("参考租金上限（元/m²·月）"), "rent_max_yuan_per_sqm_month", DECIMAL, example=Decimal(28)),
        Col(gettext_lazy("允许分割销售"), "sale_allowed", BOOL, example=False),
        Col(gettext_lazy("交通"), "transport", example="距轨道交通站1.5公里"),
        Col(gettext_lazy("简介"), "description"),
    ],
    InventoryKind.BUILDING: [
        _PARK_REF,
        Col(gettext_lazy("楼栋编号"), "code", required=True, example="A1"),
        Col(gettext_lazy("楼栋名称"), "name", example="A1栋标准厂房"),
        Col(gettext_lazy("结构类型"), "structure", CHOICE, required=True, choices=BuildingStructure,
            example=BuildingStructure.MULTI_STOREY_FRAME),
        Col(gettext_lazy("地上层数"), "storeys", INT, required=True, example=4),
        Col(gettext_lazy("地下层数"), "basement_storeys", INT, example=0),
        Col(gettext_lazy("耐火等级"), "fire_resistance_grade", CHOICE, choices=FireResistanceGrade,
            example=FireResistanceGrade.TWO),
        Col(gettext_lazy("设计火灾危险性类别"), "design_fire_class", CHOICE, choices=FireHazardClass,
            example=FireHazardClass.BING),
        Col(gettext_lazy("设自动喷水灭火系统"), "sprinklered", BOOL, example=True),
        Col(gettext_lazy("状态"), "status", CHOICE, choices=BuildingStatus, example=BuildingStatus.IN_USE),
        Col(gettext_lazy("柱网"), "column_grid", example="8.4m×8.4m"),
        Col(gettext_lazy("货梯数量"), "freight_lift_count", INT, example=2),
        Col(gettext_lazy("货梯载重（t）"), "freight_lift_t", DECIMAL, example=Decimal(3)),
        Col(gettext_lazy("竣工年份"), "completed_year", INT, example=2020),
    ],
    InventoryKind.FLOOR: [
        _PARK_REF,
        _BUILDING_REF,
        Col(gettext_lazy("楼层"), "level", LEVEL, required=True, example=1,
            hint=gettext_lazy("地上为1、2、3…，地下为-1、-2…（也可写 1F、B1）")),
        Col(gettext_lazy("建筑面积（m²）"), "area_sqm", DECIMAL, required=True, example=Decimal(3000),
            number_format=AREA_FORMAT),
        Col(gettext_lazy("楼面活荷载（kN/m²）"), "floor_load_kn_m2", DECIMAL, required=True, example=Decimal(12)),
        Col(gettext_lazy("净高（m）"), "clear_height_m", DECIMAL, required=True, example=Decimal("6.5")),
        Col(gettext_lazy("本层火灾危险性类别"), "design_fire_class", CHOICE, choices=FireHazardClass,
            hint=gettext_lazy("为空时沿用楼栋的设计类别")),
        Col(gettext_lazy("柱网"), "column_grid"),
    ],
    InventoryKind.UNIT: [
        _PARK_REF,
        Col(gettext_lazy("单元编号"), "code", required=True, example="A1-101"),
        Col(gettext_lazy("楼栋编号"), "building_ref", example="A1", hint=gettext_lazy("新建单元时必填")),
        Col(gettext_lazy("所在楼层"), "floor_ref", LEVEL, example=1, hint=gettext_lazy("新建单元时必填")),
        Col(gettext_lazy("面积（m²）"), "area_sqm", DECIMAL, required=True, example=Decimal(1500),
            number_format=AREA_FORMAT),
        Col(gettext_lazy("跨越层数"), "storeys_spanned", INT, example=1),
        Col(gettext_lazy("供电容量（kVA）"), "power_kva", INT, example=400),
        Col(gettext_lazy("货梯（t）"), "freight_lift_t", DECIMAL, example=Decimal(3)),
        Col(gettext_lazy("行车（t）"), "crane_t", DECIMAL),
        Col(gettext_lazy("洁净条件"), "cleanroom_grade", CHOICE, choices=CleanroomGrade, example=CleanroomGrade.D,
            hint=gettext_lazy("D/C/B/A 或 十万级/万级/百级，空白表示无洁净")),
        Col(gettext_lazy("污水预处理"), "wastewater_pretreatment", BOOL, example=False),
        Col(gettext_lazy("允许危化品"), "hazardous_chemicals_allowed", BOOL, example=False),
        Col(gettext_lazy("租金（元/m²·月）"), "rent_yuan_per_sqm_month", DECIMAL, example=Decimal(22)),
        Col(gettext_lazy("售价（元/m²）"), "sale_price_yuan_per_sqm", DECIMAL),
        Col(gettext_lazy("可出售"), "for_sale", BOOL, example=False),
        Col(gettext_lazy("可租售"), "lettable", BOOL, example=True),
        Col(gettext_lazy("可交付日期"), "available_from", DATE, number_format=DATE_FORMAT),
    ],
}  # fmt: skip

#: The natural key of each kind, as fields of the parsed row.
KEYS: dict[str, tuple[str, ...]] = {
    InventoryKind.PARK: ("code",),
    InventoryKind.BUILDING: ("park_ref", "code"),
    InventoryKind.FLOOR: ("park_ref", "building_ref", "level"),
    InventoryKind.UNIT: ("park_ref", "code"),
}
MODELS: dict[str, type[models.Model]] = {
    InventoryKind.PARK: Park,
    InventoryKind.BUILDING: Building,
    InventoryKind.FLOOR: Floor,
    InventoryKind.UNIT: Unit,
}


def sheet_title(kind: str) -> str:
    return zh(InventoryKind(kind).label)


def _norm(text: Any) -> str:
    """Loose form of a header or choice: NFKC (full-width → half-width), no spaces, no "*", lower case."""
    value = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", "", value).rstrip("*")


_SHEET_ALIASES: dict[str, str] = {}
for _kind in KIND_ORDER:
    for _alias in (_kind.value, zh(_kind.label), en(_kind.label), en(_kind.label) + "s"):
        _SHEET_ALIASES[_norm(_alias)] = _kind.value


def header_map(kind: str) -> dict[str, Col]:
    """Every accepted spelling of every header of a sheet → its column."""
    result: dict[str, Col] = {}
    for col in SHEETS[kind]:
        for spelling in (zh(col.header), en(col.header)):
            result.setdefault(_norm(spelling), col)
    return result


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem, located as the person sees it in Excel: sheet, row number (header = 1), column."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def count_rows(self) -> list[tuple[str, Counts]]:
        """(sheet title, counts) in import order, for the result page."""
        return [(str(k.label), self.counts[k]) for k in KIND_ORDER if k in self.counts]


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a workbook, wrong encoding, too large)."""


# --- Reading files -------------------------------------------------------------------------------


@dataclass
class RawSheet:
    kind: str
    title: str
    rows: list[tuple[int, list[Any]]]  # (row number as Excel shows it, cells); row 1 is the header


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _collect_rows(title: str, kind: str, rows: Iterable[Sequence[Any]]) -> RawSheet:
    collected: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(rows, start=1):
        values = list(cells)[:MAX_COLUMNS]
        if all(_is_blank(v) for v in values):
            continue
        if number > MAX_ROWS + 1:
            raise ImportFileError(_("“%(sheet)s”超过 %(max)d 行，请分批导入") % {"sheet": title, "max": MAX_ROWS})
        collected.append((number, values))
    return RawSheet(kind=kind, title=title, rows=collected)


def read_xlsx(stream: IO[bytes], warnings: list[str]) -> list[RawSheet]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("无法读取该文件：它不是有效的 Excel（.xlsx）工作簿。")) from exc
    try:
        sheets = []
        for ws in workbook.worksheets:
            kind = _SHEET_ALIASES.get(_norm(ws.title))
            if kind is None and _norm(ws.title) == _norm(NOTES_SHEET):
                continue
            if kind is None:
                warnings.append(_("已忽略工作表“%(sheet)s”：不是园区、楼栋、楼层或单元") % {"sheet": ws.title})
                continue
            sheets.append(_collect_rows(ws.title, kind, ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)))
    finally:
        workbook.close()
    if not sheets:
        raise ImportFileError(_("工作簿中没有名为“园区”“楼栋”“楼层”或“单元”的工作表。"))
    return sheets


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030 — a superset of the GBK Excel uses in China."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别 CSV 文件的编码，请另存为“CSV UTF-8”或 GBK 编码。"))


def read_csv(stream: IO[bytes], kind: str) -> list[RawSheet]:
    text = decode_csv(stream.read())
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from exc
    return [_collect_rows(sheet_title(kind), kind, rows)]


# --- Parsing cells -------------------------------------------------------------------------------


class CellError(Exception):
    pass


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有", "t"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无", "f"}
_LEVEL = re.compile(r"^(b|地下|-)?(\d+)(f|层|楼)?$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
_CODE_SEPARATORS = re.compile(r"[,，、;；\s]+")


def _choice_map(choices: type[models.TextChoices]) -> dict[str, str]:
    result: dict[str, str] = {}
    for value, label in choices.choices:
        for spelling in (value, zh(label), en(label)):
            result.setdefault(_norm(spelling), value)
        # "D级（30万级）" is also written "D级"; "甲" also "甲类".
        short = re.split(r"[（(]", zh(label))[0]
        result.setdefault(_norm(short), value)
    if "" in choices.values:
        result.setdefault(_norm("无"), "")
    if choices is CleanroomGrade:
        # "10万级", "万级", "百级", "ISO 7": what people type for a GMP grade (RULES §7.4).
        for spelling, value in CLEANROOM_ALIASES.items():
            result.setdefault(_norm(spelling), value)
    return result


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a unit code 101 typed into Excel comes back as the number 101.0
    if isinstance(raw, datetime.datetime | datetime.date):
        return raw.isoformat()
    return str(raw).strip()


def _decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("应为数字"))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        # Excel arithmetic leaves tails like 0.30000000000000004; no field here has 6 decimals.
        return Decimal(repr(round(raw, 6)))
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s”不是有效的数字") % {"value": raw}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s”不是有效的数字") % {"value": raw})
    return value


def _int(raw: Any) -> int:
    value = _decimal(raw)
    if value != value.to_integral_value():
        raise CellError(_("“%(value)s”应为整数") % {"value": raw})
    return int(value)


def parse_cell(col: Col, raw: Any) -> Any:  # noqa: C901 - moves onto the shared import framework (#12)
    """The Python value of a non-blank cell, or CellError with a Chinese message."""
    if col.datatype == TEXT:
        return _text(raw)
    if col.datatype == DECIMAL:
        return _decimal(raw)
    if col.datatype == INT:
        return _int(raw)
    if col.datatype == BOOL:
        if isinstance(raw, bool):
            return raw
        key = _norm(_text(raw))
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise CellError(_("应填“是”或“否”"))
    if col.datatype == CHOICE:
        assert col.choices is not None
        options, key = _choice_map(col.choices), _norm(_text(raw))
        value = options.get(key)
        if value is None and key.endswith("类"):
            value = options.get(key[:-1])  # "丁类" for 丁
        if value is None and col.choices is CleanroomGrade:
            # "C级（10万级）" from a sheet exported before #15: the GMP letter decides.
            with contextlib.suppress(ValueError):
                value = cleanroom_grade_from_text(_text(raw))
        if value is None:
            allowed = "、".join(zh(label) for v, label in col.choices.choices if v)
            raise CellError(_("“%(value)s”不是有效选项，可填：%(allowed)s") % {"value": raw, "allowed": allowed})
        return value
    if col.datatype == DATE:
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        for fmt in _DATE_FORMATS:
            try:
                return datetime.datetime.strptime(_text(raw), fmt).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
        raise CellError(_("“%(value)s”不是有效日期，请写作 2026-01-31") % {"value": raw})
    if col.datatype == CODES:
        codes = [c for c in _CODE_SEPARATORS.split(_text(raw)) if c]
        try:
            return normalize_industry_codes(codes)
        except ValidationError as exc:
            raise CellError("；".join(exc.messages)) from None
    if col.datatype == LEVEL:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return _int(raw)
        match = _LEVEL.match(_norm(_text(raw)))
        if not match:
            raise CellError(_("“%(value)s”不是有效楼层，请写 1、2…或 -1（地下一层）") % {"value": raw})
        number = int(match.group(2))
        return -number if match.group(1) else number
    raise AssertionError(col.datatype)


def _blank_value(kind: str, col: Col) -> Any:
    """What an empty cell means: empty text, no value, or the field's default."""
    if col.is_reference:
        return None
    model_field = MODELS[kind]._meta.get_field(col.field)
    assert isinstance(model_field, models.Field)
    if col.datatype == CODES:
        return []
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return ""


@dataclass
class ParsedRow:
    kind: str
    title: str
    row: int
    values: dict[str, Any]  # field → value, only for the columns present in the file
    ok: bool = True

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(self.values.get(f) for f in KEYS[self.kind])


def parse_sheet(sheet: RawSheet, errors: list[RowError], warnings: list[str]) -> list[ParsedRow]:  # noqa: C901 - moves onto the shared import framework (#12)
    """Pass 1 for one sheet: read every cell of every row, recording every problem."""
    if not sheet.rows or sheet.rows[0][0] != 1:
        errors.append(RowError(sheet.title, 1, "", _("第1行应为表头")))
        return []
    lookup = header_map(sheet.kind)
    header_cells = sheet.rows[0][1]
    columns: list[tuple[int, Col, str]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(header_cells):
        if _is_blank(raw):
            continue
        col = lookup.get(_norm(raw))
        if col is None:
            warnings.append(_("“%(sheet)s”已忽略无法识别的列“%(column)s”") % {"sheet": sheet.title, "column": raw})
            continue
        if col.field in seen:
            errors.append(
                RowError(sheet.title, 1, zh(col.header), _("列重复：与第 %(n)s 列相同") % {"n": seen[col.field]})
            )
            continue
        seen[col.field] = index + 1
        columns.append((index, col, zh(col.header)))
    for key_field in KEYS[sheet.kind]:
        if key_field not in seen:
            col = next(c for c in SHEETS[sheet.kind] if c.field == key_field)
            errors.append(RowError(sheet.title, 1, zh(col.header), _("缺少必填列")))
    if any(f not in seen for f in KEYS[sheet.kind]):
        return []

    parsed: list[ParsedRow] = []
    first_seen: dict[tuple[Any, ...], int] = {}
    for number, cells in sheet.rows[1:]:
        if isinstance(cells[0], str) and cells[0].lstrip().startswith("#"):
            continue  # a comment line, e.g. the template's example row
        prow = ParsedRow(sheet.kind, sheet.title, number, {})
        for index, col, header in columns:
            raw = cells[index] if index < len(cells) else None
            if _is_blank(raw):
                if col.required:
                    errors.append(RowError(sheet.title, number, header, _("必填")))
                    prow.ok = False
                else:
                    prow.values[col.field] = _blank_value(sheet.kind, col)
                continue
            try:
                prow.values[col.field] = parse_cell(col, raw)
            except CellError as exc:
                errors.append(RowError(sheet.title, number, header, str(exc)))
                prow.ok = False
        if all(prow.values.get(f) not in (None, "") for f in KEYS[sheet.kind]):
            if prow.key in first_seen:
                key_header = "+".join(h for _i, c, h in columns if c.field in KEYS[sheet.kind])
                errors.append(
                    RowError(sheet.title, number, key_header, _("与第 %(row)d 行重复") % {"row": first_seen[prow.key]})
                )
                prow.ok = False
            else:
                first_seen[prow.key] = number
        parsed.append(prow)
    return parsed


# --- Applying rows -------------------------------------------------------------------------------

_FK_HEADERS = {"park": "park_ref", "building": "building_ref", "floor": "floor_ref"}


class _Importer:
    """Pass 2: upsert parsed rows parent-first, through the services, recording every failure."""

    def __init__(self, user: User, errors: list[RowError], result: ImportResult) -> None:
        self.user = user
        self.errors = errors
        self.result = result
        self.parks: dict[str, Park] = {}
        self.buildings: dict[tuple[str, str], Building] = {}
        self.floors: dict[tuple[str, str, int], Floor] = {}
        self.units: dict[tuple[str, str], Unit] = {}
        # Natural keys of rows that failed and do not exist in the database, with their row number:
        # children then say where the real problem is instead of "not found".
        self.failed: dict[tuple[str, tuple[Any, ...]], tuple[str, int]] = {}
        self.is_admin = has_capability(user, Capability.MANAGE_USERS)
        operators = list(Operator.objects.all()[:2])
        self.default_operator = operators[0] if len(operators) == 1 else None

    def load(self, rows: list[ParsedRow]) -> None:
        """Read the existing rows the file can touch: one query per kind, scoped to the person's parks."""
        codes = {r.values.get("code") if r.kind == InventoryKind.PARK else r.values.get("park_ref") for r in rows}
        parks = scope_to_parks(self.user, Park.objects.filter(code__in=[c for c in codes if c]), "pk")
        self.parks = {p.code: p for p in parks}
        park_ids = [p.pk for p in self.parks.values()]
        for b in Building.objects.filter(park_id__in=park_ids).select_related("park"):
            self.buildings[(b.park.code, b.code)] = b
        for f in Floor.objects.filter(building__park_id__in=park_ids).select_related("building__park"):
            self.floors[(f.building.park.code, f.building.code, f.level)] = f
        for u in Unit.objects.filter(park_id__in=park_ids).select_related("park"):
            self.units[(u.park.code, u.code)] = u

    # -- helpers

    def error(self, prow: ParsedRow, field_name: str, message: str) -> None:
        self.errors.append(RowError(prow.title, prow.row, _header(prow.kind, field_name), message))
        prow.ok = False

    def _parent_missing(self, prow: ParsedRow, field_name: str, kind: str, key: tuple[Any, ...], label: str) -> None:
        failed = self.failed.get((kind, key))
        if failed is not None:
            message = _("%(what)s在“%(sheet)s”表第 %(row)d 行有错误，请先修正该行") % {
                "what": label,
                "sheet": failed[0],
                "row": failed[1],
            }
        elif kind == InventoryKind.PARK:
            message = _("%(what)s不存在，或不在您负责的园区中") % {"what": label}
        else:
            message = _("%(what)s不存在：请在文件中添加，或检查编号") % {"what": label}
        self.error(prow, field_name, message)

    def park_of(self, prow: ParsedRow) -> Park | None:
        code = prow.values["park_ref"]
        park = self.parks.get(code)
        if park is None:
            self._parent_missing(prow, "park_ref", InventoryKind.PARK, (code,), _("园区“%(code)s”") % {"code": code})
        return park

    def building_of(self, prow: ParsedRow, park: Park, code: str) -> Building | None:
        building = self.buildings.get((park.code, code))
        if building is None:
            label = _("楼栋“%(park)s / %(code)s”") % {"park": park.code, "code": code}
            self._parent_missing(prow, "building_ref", InventoryKind.BUILDING, (park.code, code), label)
        return building

    def run(self, prow: ParsedRow, call: Callable[[], models.Model]) -> models.Model | None:
        """Call a service in its own savepoint; a ValidationError becomes errors on this row."""
        try:
            with transaction.atomic():
                return call()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        self.error(prow, name, message)
            else:
                for message in exc.messages:
                    self.error(prow, NON_FIELD_ERRORS, message)
        except IntegrityError:
            self.error(prow, NON_FIELD_ERRORS, _("与已有数据冲突（编号重复或违反约束），未能保存"))
        return None

    def upsert(
        self,
        prow: ParsedRow,
        existing: models.Model | None,
        values: dict[str, Any],
        create: Callable[..., models.Model],
        update: Callable[..., models.Model],
        instance_arg: str,
    ) -> models.Model | None:
        counts = self.result.counts.setdefault(prow.kind, Counts())
        if existing is None:
            obj = self.run(prow, lambda: create(actor=self.user, **values))
            if obj is not None:
                counts.created += 1
            else:
                self.failed[(prow.kind, prow.key)] = (prow.title, prow.row)
            return obj
        changes = _diff(existing, values)
        if not changes:
            counts.unchanged += 1
            return existing
        obj = self.run(prow, lambda: update(actor=self.user, **{instance_arg: existing}, **changes))
        if obj is not None:
            counts.updated += 1
        return obj or existing

    # -- one method per kind

    def park(self, prow: ParsedRow) -> None:
        values = dict(prow.values)
        code = values["code"]
        existing = self.parks.get(code)
        if existing is None and not self.is_admin:
            # One message whether or not the park exists elsewhere, so its existence does not leak.
            self.error(prow, "code", _("园区“%(code)s”不在您负责的园区中；新建园区需要运营管理员权限") % {"code": code})
            self.failed[(prow.kind, prow.key)] = (prow.title, prow.row)
            return
        if existing is not None and _diff(existing, values) and not has_capability(self.user, Capability.CHANGE_PARK):
            self.error(prow, "code", _("您的角色无权修改园区信息（园区“%(code)s”）") % {"code": code})
            return
        if existing is None and self.default_operator is not None:
            values.setdefault("operator", self.default_operator)
        obj = self.upsert(prow, existing, values, services.park_create, services.park_update, "park")
        if isinstance(obj, Park):
            self.parks[code] = obj

    def building(self, prow: ParsedRow) -> None:
        park = self.park_of(prow)
        if park is None:
            return
        values = {k: v for k, v in prow.values.items() if k != "park_ref"}
        key = (park.code, values["code"])
        existing = self.buildings.get(key)
        if existing is None:
            values["park"] = park
        obj = self.upsert(prow, existing, values, services.building_create, services.building_update, "building")
        if isinstance(obj, Building):
            self.buildings[key] = obj
            for floor_key, floor in self.floors.items():
                if floor_key[:2] == key:
                    floor.building = obj

    def floor(self, prow: ParsedRow) -> None:
        park = self.park_of(prow)
        if park is None:
            return
        building = self.building_of(prow, park, prow.values["building_ref"])
        if building is None:
            return
        values = {k: v for k, v in prow.values.items() if k not in ("park_ref", "building_ref")}
        key = (park.code, building.code, values["level"])
        existing = self.floors.get(key)
        if existing is None:
            values["building"] = building
        obj = self.upsert(prow, existing, values, services.floor_create, services.floor_update, "floor")
        if isinstance(obj, Floor):
            self.floors[key] = obj

    def unit(self, prow: ParsedRow) -> None:
        park = self.park_of(prow)
        if park is None:
            return
        values = {k: v for k, v in prow.values.items() if k not in REFERENCE_FIELDS}
        key = (park.code, values["code"])
        existing = self.units.get(key)
        building_code = prow.values.get("building_ref")
        level = prow.values.get("floor_ref")
        if building_code or level is not None:
            if not building_code or level is None:
                missing = "building_ref" if not building_code else "floor_ref"
                self.error(prow, missing, _("楼栋编号和所在楼层需同时填写"))
                return
            building = self.building_of(prow, park, building_code)
            if building is None:
                return
            floor = self.floors.get((park.code, building.code, level))
            if floor is None:
                label = _("楼层“%(park)s / %(building)s / %(level)s”") % {
                    "park": park.code,
                    "building": building.code,
                    "level": level,
                }
                self._parent_missing(prow, "floor_ref", InventoryKind.FLOOR, (park.code, building.code, level), label)
                return
            values["building"] = building
            values["floor"] = floor
        elif existing is None:
            self.error(prow, "building_ref", _("新建单元需要填写楼栋编号和所在楼层"))
            return
        if existing is None:
            values["park"] = park
        obj = self.upsert(prow, existing, values, services.unit_create, services.unit_update, "unit")
        if isinstance(obj, Unit):
            self.units[key] = obj


def _header(kind: str, field_name: str) -> str:
    """The column header a model field's error belongs to ("" for errors about the whole row)."""
    name = _FK_HEADERS.get(field_name, field_name)
    for col in SHEETS[kind]:
        if col.field == name:
            return zh(col.header)
    if field_name == NON_FIELD_ERRORS:
        return ""
    try:
        model_field = MODELS[kind]._meta.get_field(field_name)
    except FieldDoesNotExist:
        return ""
    return str(getattr(model_field, "verbose_name", field_name))


def _same(current: Any, new: Any) -> bool:
    if isinstance(current, models.Model) or isinstance(new, models.Model):
        return bool(getattr(current, "pk", current) == getattr(new, "pk", new))
    if isinstance(current, str) and isinstance(new, str):
        return current.strip() == new.strip()
    return bool(current == new)


def _diff(instance: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The values that differ from the instance; foreign keys compare by id, without loading them."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        model_field = instance._meta.get_field(name)
        if isinstance(model_field, models.ForeignKey):
            current: Any = getattr(instance, model_field.attname)
            new: Any = getattr(value, "pk", value)
        else:
            current, new = getattr(instance, name), value
        if not _same(current, new):
            changes[name] = value
    return changes


# --- The entry point -----------------------------------------------------------------------------


def import_inventory(
    *, user: User | AnonymousUser, stream: IO[bytes], filename: str, kind: str | None = None
) -> ImportResult:
    """Validate a whole file and, only if every row is valid, upsert it in one transaction.

    `kind` is required for a CSV file (one kind per file) and ignored for a workbook.
    """
    result = ImportResult()
    errors = result.errors
    if not (has_capability(user, Capability.IMPORT_DATA) and has_capability(user, Capability.CHANGE_SPACE)):
        errors.append(RowError("", None, "", _("您的角色无权导入空间数据。")))
        return result
    try:
        if filename.lower().endswith(".csv"):
            if kind not in InventoryKind.values:
                raise ImportFileError(_("CSV 文件请选择数据类型（园区、楼栋、楼层或单元）。"))
            sheets = read_csv(stream, str(kind))
        else:
            sheets = read_xlsx(stream, result.warnings)
    except ImportFileError as exc:
        errors.append(RowError("", None, "", str(exc)))
        return result

    # Pass 1: every cell of every sheet.
    parsed: dict[str, list[ParsedRow]] = {}
    for sheet in sheets:
        if sheet.kind in parsed:
            errors.append(RowError(sheet.title, None, "", _("工作簿中有多个“%(sheet)s”表") % {"sheet": sheet.title}))
            continue
        parsed[sheet.kind] = parse_sheet(sheet, errors, result.warnings)
    if not any(parsed.values()) and not errors:
        errors.append(RowError("", None, "", _("文件中没有数据行。")))
        return result

    # Pass 2: upsert parent-first inside one transaction; roll everything back on any error.
    actor: User = user  # type: ignore[assignment]  # has_capability above implies an authenticated user
    with transaction.atomic():
        importer = _Importer(actor, errors, result)
        importer.load([r for rows in parsed.values() for r in rows])
        for kind in KIND_ORDER:
            apply = getattr(importer, kind.value)
            for prow in parsed.get(kind, []):
                if prow.ok:
                    apply(prow)
                else:
                    importer.failed[(kind.value, prow.key)] = (prow.title, prow.row)
        if errors:
            transaction.set_rollback(True)
        elif result.changed:
            audit_record(
                actor=actor,
                action=AuditAction.IMPORT,
                object_type="parks.inventory",
                object_repr=filename[:255],
                changes={
                    k: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged}
                    for k, c in result.counts.items()
                },
            )
    order = {zh(k.label): i for i, k in enumerate(KIND_ORDER)}
    headers = {zh(k.label): [zh(c.header) for c in SHEETS[k]] for k in KIND_ORDER}

    def position(e: RowError) -> tuple[int, int, int]:
        columns = headers.get(e.sheet, [])
        return (order.get(e.sheet, -1), e.row or 0, columns.index(e.column) if e.column in columns else -1)

    errors.sort(key=position)
    if errors:
        result.counts = {}
    return result


# --- Writing files -------------------------------------------------------------------------------


def _export_value(kind: str, col: Col, obj: Any) -> Any:
    if col.field == "park_ref":
        return obj.building.park.code if kind == InventoryKind.FLOOR else obj.park.code
    if col.field == "building_ref":
        return obj.building.code
    if col.field == "floor_ref":
        return obj.floor.level
    value = getattr(obj, col.field)
    if col.datatype == BOOL:
        return "是" if value else "否"
    if col.datatype == CHOICE:
        assert col.choices is not None
        return zh(col.choices(value).label) if value else ""
    if col.datatype == CODES:
        return ",".join(value or [])
    return value


def _columns(kind: str) -> list[Column]:
    def accessor(col: Col) -> Callable[[Any], Any]:
        return lambda obj: _export_value(kind, col, obj)

    return [Column(zh(col.header), accessor(col), col.number_format) for col in SHEETS[kind]]


def inventory_querysets(user: User | AnonymousUser, park_ids: list[int] | None = None) -> dict[str, Iterator[Any]]:
    """Everything the person may see (optionally some parks), not archived, in the template's order."""
    parks = scope_to_parks(user, Park.objects.active(), "pk")
    if park_ids is not None:
        parks = parks.filter(pk__in=park_ids)
    buildings = Building.objects.filter(park__in=parks, archived_at__isnull=True)
    return {
        InventoryKind.PARK: parks.order_by("code").iterator(),
        InventoryKind.BUILDING: buildings.select_related("park").order_by("park__code", "code").iterator(),
        InventoryKind.FLOOR: Floor.objects.filter(building__in=buildings)
        .select_related("building__park")
        .order_by("building__park__code", "building__code", "level")
        .iterator(),
        InventoryKind.UNIT: Unit.objects.filter(building__in=buildings, archived_at__isnull=True)
        .select_related("park", "building", "floor")
        .order_by("park__code", "code")
        .iterator(),
    }


def inventory_workbook(user: User | AnonymousUser, park_ids: list[int] | None = None) -> Workbook:
    """The inventory in the template format: importing it back changes nothing."""
    workbook = Workbook(write_only=True)
    for kind, rows in inventory_querysets(user, park_ids).items():
        write_sheet(workbook, sheet_title(kind), _columns(kind), rows)
    return workbook


def template_workbook() -> Workbook:
    """The blank template: a header row, one example row (a "#" comment) and drop-down lists per sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    note_font = Font(italic=True, color="808080")
    for kind in KIND_ORDER:
        ws = workbook.create_sheet(sheet_title(kind))
        columns = SHEETS[kind]
        ws.append([zh(c.header) + ("*" if c.required else "") for c in columns])
        example = [_example(c) for c in columns]
        example[0] = f"#{example[0]}"
        ws.append(example)
        for index, col in enumerate(columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = max(len(zh(col.header)) * 2.2 + 2, 12)
            ws.cell(row=1, column=index).font = Font(bold=True)
            ws.cell(row=2, column=index).font = note_font
            options = _dropdown(col)
            if options:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(options) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle=zh(col.header),
                    error=_("请从列表中选择"),
                )
                validation.add(f"{letter}3:{letter}{MAX_ROWS}")
                ws.add_data_validation(validation)
        ws.freeze_panes = "A2"
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["工作表", "列", "必填", "说明"])
    notes.append(["", "", "", "以 # 开头的行是示例，导入时跳过；删除 # 即作为数据导入。带 * 的列为必填。"])
    for kind in KIND_ORDER:
        for col in SHEETS[kind]:
            options = _dropdown(col)
            hint = zh(col.hint) if col.hint else ("可填：" + "、".join(options) if options else "")
            notes.append([sheet_title(kind), zh(col.header), "是" if col.required else "", hint])
    for letter, width in (("A", 10), ("B", 28), ("C", 6), ("D", 60)):
        notes.column_dimensions[letter].width = width
    return workbook


def _dropdown(col: Col) -> list[str]:
    if col.datatype == BOOL:
        return ["是", "否"]
    if col.datatype == CHOICE and col.choices is not None:
        return [zh(label) for value, label in col.choices.choices if value]
    return []


def _example(col: Col) -> Any:
    if col.example is None:
        return None
    if col.datatype == BOOL:
        return "是" if col.example else "否"
    if col.datatype == CHOICE and col.choices is not None:
        return zh(col.choices(col.example).label)
    return col.example


def csv_template(kind: str) -> str:
    """The template of one kind as CSV text (the caller adds a BOM so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = SHEETS[kind]
    writer.writerow([zh(c.header) for c in columns])
    example = ["" if v is None else str(v) for v in (_example(c) for c in columns)]
    example[0] = f"#{example[0]}"
    writer.writerow(example)
    return buffer.getvalue()


def error_columns() -> list[Column]:
    return [
        Column(_("工作表"), "sheet", width=12),
        Column(_("行号"), "row", width=8),
        Column(_("列"), "column", width=24),
        Column(_("错误说明"), "message", width=80),
    ]
