"""Import and export of the space inventory (parks, buildings, floors, units) as .xlsx or CSV.

The format is `WORKBOOK` (parkos.core.importing): one workbook with the sheets 园区 / 楼栋 / 楼层 / 单元
(or one CSV file per kind), Chinese headers whatever the interface language, so files travel between
people. The framework reads the file, matches headers (full- or half-width brackets, spaces, a
trailing "*", the English header; areas in m² or 亩), parses every cell, skips "#" example rows and
reports every problem by sheet, row and column. An import is all or nothing:

1. Pass 1 parses every row of every sheet (cells, required cells, duplicate natural keys).
2. Pass 2, inside one transaction, walks the sheets parent-first (parks → buildings → floors →
   units) and upserts each valid row by its natural key through the services of
   `parkos.parks.services`, so model validation, the services' own rules (floor capacity, storeys)
   and the audit trail all apply. Each service call runs in its own savepoint: a failing row is
   recorded and the walk goes on. Rows equal to the database are not touched, which makes
   re-importing a file a no-op. If either pass recorded any error, the whole transaction is rolled back.

A column left out of the file leaves that field alone on update (a file with 园区编码, 单元编号 and
租金 updates rents); a column present with an empty cell sets the field to empty (or its default).
Import never deletes or archives anything.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Final, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from parkos.accounts.access import Capability, has_capability, scope_to_parks
from parkos.accounts.models import User
from parkos.core.audit import audit_record
from parkos.core.importing import (
    AREA,
    Boolean,
    CellError,
    Choice,
    Column,
    Date,
    Fixed,
    ImportContext,
    ImportMode,
    ImportOutcome,
    Integer,
    Number,
    Quantity,
    RejectedRow,
    Row,
    RowError,
    Source,
    TableImporter,
    TableSpec,
    Text,
    Validated,
    WorkbookSpec,
    cell_text,
    error_list_columns,
    jobs,
    normalise,
    run_import,
    zh,
)
from parkos.core.importing import (
    csv_template as table_csv_template,
)
from parkos.core.importing import (
    template_workbook as build_template,
)
from parkos.core.importing.cells import CellParser
from parkos.core.models import AuditAction, ImportJob
from parkos.core.xlsx import AREA_FORMAT, DATE_FORMAT, write_sheet
from parkos.core.xlsx import Column as ExportColumn
from parkos.parks import services
from parkos.parks.choices import (
    CLEANROOM_ALIASES,
    BuildingStatus,
    BuildingStructure,
    CleanroomGrade,
    FireHazardClass,
    FireResistanceGrade,
    SpaceType,
    cleanroom_grade_from_text,
)
from parkos.parks.models import Building, Floor, Operator, Park, Unit, UnitAdjacency
from parkos.parks.policy import normalize_industry_codes

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

__all__ = [
    "IMPORTER",
    "SHEETS",
    "WORKBOOK",
    "InventoryKind",
    "RowError",
    "csv_template",
    "error_columns",
    "import_inventory",
    "inventory_workbook",
    "template_workbook",
]

IMPORTER: Final = "parks.inventory"
#: Inventories are at most a few thousand rows; beyond this a file is a mistake, not an inventory.
MAX_ROWS: Final = 20000
#: The template's instructions sheet, skipped on import.
NOTES_SHEET: Final = "说明"


class InventoryKind(models.TextChoices):
    """What a sheet (or a CSV file) holds; the order is the order of import, parents first."""

    PARK = "park", gettext_lazy("园区")
    BUILDING = "building", gettext_lazy("楼栋")
    FLOOR = "floor", gettext_lazy("楼层")
    UNIT = "unit", gettext_lazy("单元")


KIND_ORDER: Final = [InventoryKind.PARK, InventoryKind.BUILDING, InventoryKind.FLOOR, InventoryKind.UNIT]
MODELS: Final[dict[str, type[models.Model]]] = {
    InventoryKind.PARK: Park,
    InventoryKind.BUILDING: Building,
    InventoryKind.FLOOR: Floor,
    InventoryKind.UNIT: Unit,
}
#: Columns that name a parent rather than fill a field of the row itself.
REFERENCE_FIELDS: Final = frozenset({"park_ref", "building_ref", "floor_ref"})


def sheet_title(kind: str) -> str:
    return zh(InventoryKind(kind).label)


# --- Cells ---------------------------------------------------------------------------------------

_LEVEL: Final = re.compile(r"^(b|地下|-)?(\d+)(f|层|楼)?$")
_CODE_SEPARATORS: Final = re.compile(r"[,，、;；\s]+")


def parse_level(raw: object) -> int:
    """A floor as 1, -1, "1F", "B1", "地下1层"."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Integer()(raw)
    match = _LEVEL.match(normalise(cell_text(raw)))
    if not match:
        raise CellError(_("“%(value)s”不是有效楼层，请写 1、2…或 -1（地下一层）") % {"value": raw})
    number = int(match.group(2))
    return -number if match.group(1) else number


def _industry_codes(text: str) -> list[str]:
    return normalize_industry_codes([c for c in _CODE_SEPARATORS.split(text) if c])


def _blank(model: type[models.Model], name: str) -> Any:
    """What an empty cell means for a model field: no value, or the field's default, or empty text."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    return ""


def _col(
    model: type[models.Model] | None,
    name: str,
    label: StrOrPromise,
    parser: CellParser[Any] | None = None,
    *,
    required: bool = False,
    unit: Quantity | Fixed | None = None,
    example: object = None,
    hint: StrOrPromise = "",
    number_format: str | None = None,
) -> Column:
    blank = _blank(model, name) if model is not None else None
    if isinstance(parser, Validated):
        blank = []  # industry codes
    return Column(
        name, label, parser or Text(), required=required, unit=unit, blank=blank, example=example, hint=hint,
        number_format=number_format,
    )  # fmt: skip


_M2 = AREA
_RENT = Fixed("元/m²·月", ("CNY/m²·month", "元/平方米·月"))
_PRICE = Fixed("元/m²", ("CNY/m²", "元/平方米"))
_TONNES = Fixed("t", ("吨",))
_METRES = Fixed("m", ("米",))
_LOAD = Fixed("kN/m²", ("kN/m2",))
_KVA = Fixed("kVA")
_PARK_REF = Column("park_ref", gettext_lazy("园区编码"), Text(), required=True, example="CQ-BIO-01")
_BUILDING_REF = Column("building_ref", gettext_lazy("楼栋编号"), Text(), required=True, example="A1")
_CODES = Validated(_industry_codes)


@dataclass(frozen=True)
class CleanroomChoice(Choice):
    """A GMP grade as people type it: "D", "D级", "十万级", "10万级", "ISO 8" (RULES §7.4).

    A workbook exported before the labels were corrected says "C级（10万级）": the GMP letter decides.
    """

    def __call__(self, raw: object, /) -> str:
        with contextlib.suppress(ValueError):
            return cleanroom_grade_from_text(cell_text(raw))
        return super().__call__(raw)


def _unit_codes(text: str) -> list[str]:
    """Unit codes separated by commas, 、 or spaces, each once, in the order written."""
    return list(dict.fromkeys(c for c in _CODE_SEPARATORS.split(text) if c))


class ParkRow(TypedDict, total=False):
    """A row of 园区: only the columns present in the file (an absent column leaves the field alone)."""

    code: str
    name: str
    province: str
    city: str
    district: str
    address: str
    land_area_sqm: Decimal | None
    established_year: int | None
    industry_focus: str
    welcomed_industry_codes: list[str]
    min_tax_wan_per_mu_year: Decimal | None
    min_investment_wan_per_mu: Decimal | None
    rent_min_yuan_per_sqm_month: Decimal | None
    rent_max_yuan_per_sqm_month: Decimal | None
    sale_allowed: bool
    transport: str
    description: str


class BuildingRow(TypedDict, total=False):
    park_ref: str
    code: str
    name: str
    structure: str
    storeys: int
    basement_storeys: int
    fire_resistance_grade: str
    design_fire_class: str
    sprinklered: bool
    status: str
    column_grid: str
    freight_lift_count: int
    freight_lift_t: Decimal | None
    completed_year: int | None


class FloorRow(TypedDict, total=False):
    park_ref: str
    building_ref: str
    level: int
    area_sqm: Decimal
    floor_load_kn_m2: Decimal
    clear_height_m: Decimal
    design_fire_class: str
    column_grid: str


class UnitRow(TypedDict, total=False):
    park_ref: str
    code: str
    building_ref: str | None
    floor_ref: int | None
    area_sqm: Decimal
    storeys_spanned: int
    power_kva: int | None
    freight_lift_t: Decimal | None
    crane_t: Decimal | None
    space_type: str
    cleanroom_grade: str
    storage_fire_class: str
    cold_storage_min_c: Decimal | None
    adjacent_ref: list[str]
    wastewater_pretreatment: bool
    hazardous_chemicals_allowed: bool
    rent_yuan_per_sqm_month: Decimal | None
    sale_price_yuan_per_sqm: Decimal | None
    for_sale: bool
    lettable: bool
    available_from: datetime.date | None


InventoryRow = ParkRow | BuildingRow | FloorRow | UnitRow

PARK_TABLE: Final = TableSpec[ParkRow](
    name=InventoryKind.PARK.value, title=InventoryKind.PARK.label, row_type=ParkRow, key=("code",), max_rows=MAX_ROWS,
    columns=(
        _col(Park, "code", gettext_lazy("园区编码"), required=True, example="CQ-BIO-01",
             hint=gettext_lazy("字母、数字、连字符，全局唯一")),
        _col(Park, "name", gettext_lazy("园区名称"), required=True, example="重庆国际生物城一期"),
        _col(Park, "province", gettext_lazy("省份"), example="重庆市"),
        _col(Park, "city", gettext_lazy("城市"), required=True, example="重庆市"),
        _col(Park, "district", gettext_lazy("区县"), example="巴南区"),
        _col(Park, "address", gettext_lazy("地址"), example="生物城大道1号"),
        _col(Park, "land_area_sqm", gettext_lazy("占地面积"), Number(minimum=Decimal(0), places=2), unit=_M2,
             example=Decimal("200000"), number_format=AREA_FORMAT),
        _col(Park, "established_year", gettext_lazy("开园年份"), Integer(), example=2019),
        _col(Park, "industry_focus", gettext_lazy("主导产业"), example="生物医药、医疗器械"),
        _col(None, "welcomed_industry_codes", gettext_lazy("鼓励入驻的行业代码"), _CODES, example="27,358",
             hint=gettext_lazy("GB/T 4754-2017 代码，用逗号分隔；为空表示不限")),
        _col(Park, "min_tax_wan_per_mu_year", gettext_lazy("亩均税收门槛"), Number(),
             unit=Fixed("万元/亩·年", ("10k CNY/mu·year",)), example=Decimal(30)),
        _col(Park, "min_investment_wan_per_mu", gettext_lazy("投资强度门槛"), Number(),
             unit=Fixed("万元/亩", ("10k CNY/mu",)), example=Decimal(300)),
        _col(Park, "rent_min_yuan_per_sqm_month", gettext_lazy("参考租金下限"), Number(), unit=_RENT, example=Decimal(18)),
        _col(Park, "rent_max_yuan_per_sqm_month", gettext_lazy("参考租金上限"), Number(), unit=_RENT, example=Decimal(28)),
        _col(Park, "sale_allowed", gettext_lazy("允许分割销售"), Boolean(), example=False),
        _col(Park, "transport", gettext_lazy("交通"), example="距轨道交通站1.5公里"),
        _col(Park, "description", gettext_lazy("简介")),
    ),
)  # fmt: skip
BUILDING_TABLE: Final = TableSpec[BuildingRow](
    name=InventoryKind.BUILDING.value, title=InventoryKind.BUILDING.label, row_type=BuildingRow,
    key=("park_ref", "code"), max_rows=MAX_ROWS,
    columns=(
        _PARK_REF,
        _col(Building, "code", gettext_lazy("楼栋编号"), required=True, example="A1"),
        _col(Building, "name", gettext_lazy("楼栋名称"), example="A1栋标准厂房"),
        _col(Building, "structure", gettext_lazy("结构类型"), Choice(BuildingStructure), required=True,
             example=BuildingStructure.MULTI_STOREY_FRAME),
        _col(Building, "storeys", gettext_lazy("地上层数"), Integer(), required=True, example=4),
        _col(Building, "basement_storeys", gettext_lazy("地下层数"), Integer(), example=0),
        _col(Building, "fire_resistance_grade", gettext_lazy("耐火等级"), Choice(FireResistanceGrade),
             example=FireResistanceGrade.TWO),
        _col(Building, "design_fire_class", gettext_lazy("设计火灾危险性类别"), Choice(FireHazardClass),
             example=FireHazardClass.BING),
        _col(Building, "sprinklered", gettext_lazy("设自动喷水灭火系统"), Boolean(), example=True),
        _col(Building, "status", gettext_lazy("状态"), Choice(BuildingStatus), example=BuildingStatus.IN_USE),
        _col(Building, "column_grid", gettext_lazy("柱网"), example="8.4m×8.4m"),
        _col(Building, "freight_lift_count", gettext_lazy("货梯数量"), Integer(), example=2),
        _col(Building, "freight_lift_t", gettext_lazy("货梯载重"), Number(), unit=_TONNES, example=Decimal(3)),
        _col(Building, "completed_year", gettext_lazy("竣工年份"), Integer(), example=2020),
    ),
)  # fmt: skip
FLOOR_TABLE: Final = TableSpec[FloorRow](
    name=InventoryKind.FLOOR.value, title=InventoryKind.FLOOR.label, row_type=FloorRow,
    key=("park_ref", "building_ref", "level"), max_rows=MAX_ROWS,
    columns=(
        _PARK_REF,
        _BUILDING_REF,
        _col(Floor, "level", gettext_lazy("楼层"), parse_level, required=True, example=1,
             hint=gettext_lazy("地上为1、2、3…，地下为-1、-2…（也可写 1F、B1）")),
        _col(Floor, "area_sqm", gettext_lazy("建筑面积"), Number(minimum=Decimal(0), places=2), required=True, unit=_M2,
             example=Decimal(3000), number_format=AREA_FORMAT),
        _col(Floor, "floor_load_kn_m2", gettext_lazy("楼面活荷载"), Number(), required=True, unit=_LOAD,
             example=Decimal(12)),
        _col(Floor, "clear_height_m", gettext_lazy("净高"), Number(), required=True, unit=_METRES,
             example=Decimal("6.5")),
        _col(Floor, "design_fire_class", gettext_lazy("本层火灾危险性类别"), Choice(FireHazardClass),
             hint=gettext_lazy("为空时沿用楼栋的设计类别")),
        _col(Floor, "column_grid", gettext_lazy("柱网")),
    ),
)  # fmt: skip
UNIT_TABLE: Final = TableSpec[UnitRow](
    name=InventoryKind.UNIT.value, title=InventoryKind.UNIT.label, row_type=UnitRow, key=("park_ref", "code"),
    max_rows=MAX_ROWS,
    columns=(
        _PARK_REF,
        _col(Unit, "code", gettext_lazy("单元编号"), required=True, example="A1-101"),
        Column("building_ref", gettext_lazy("楼栋编号"), Text(), example="A1", hint=gettext_lazy("新建单元时必填")),
        Column("floor_ref", gettext_lazy("所在楼层"), parse_level, example=1, hint=gettext_lazy("新建单元时必填")),
        _col(Unit, "area_sqm", gettext_lazy("面积"), Number(minimum=Decimal(0), places=2), required=True, unit=_M2,
             example=Decimal(1500), number_format=AREA_FORMAT),
        _col(Unit, "storeys_spanned", gettext_lazy("跨越层数"), Integer(), example=1),
        _col(Unit, "power_kva", gettext_lazy("供电容量"), Integer(), unit=_KVA, example=400),
        _col(Unit, "freight_lift_t", gettext_lazy("货梯"), Number(), unit=_TONNES, example=Decimal(3)),
        _col(Unit, "crane_t", gettext_lazy("行车"), Number(), unit=_TONNES),
        _col(Unit, "space_type", gettext_lazy("空间类型"), Choice(SpaceType), example=SpaceType.FACTORY,
             hint=gettext_lazy("厂房、研发实验、办公、仓储或冷库；空白为厂房")),
        _col(Unit, "cleanroom_grade", gettext_lazy("洁净条件"), CleanroomChoice(CleanroomGrade, CLEANROOM_ALIASES),
             example=CleanroomGrade.D, hint=gettext_lazy("D/C/B/A 或 十万级/万级/百级，空白表示无洁净")),
        _col(Unit, "storage_fire_class", gettext_lazy("储存物品火灾危险性类别"), Choice(FireHazardClass),
             hint=gettext_lazy("仓储、冷库单元填写（GB 50016 表3.1.3，甲—戊）")),
        _col(Unit, "cold_storage_min_c", gettext_lazy("冷库最低温度"), Number(minimum=Decimal(-60)),
             unit=Fixed("℃", ("°C", "度")), hint=gettext_lazy("冷库单元填写，如 -18")),
        Column("adjacent_ref", gettext_lazy("相邻单元"), Validated(_unit_codes), blank=[],
               hint=gettext_lazy("同楼栋同层或上下层相邻的单元编号，用逗号分隔；只增加相邻关系，删除请在单元页面操作")),
        _col(Unit, "wastewater_pretreatment", gettext_lazy("污水预处理"), Boolean(), example=False),
        _col(Unit, "hazardous_chemicals_allowed", gettext_lazy("允许危化品"), Boolean(), example=False),
        _col(Unit, "rent_yuan_per_sqm_month", gettext_lazy("租金"), Number(), unit=_RENT, example=Decimal(22)),
        _col(Unit, "sale_price_yuan_per_sqm", gettext_lazy("售价"), Number(), unit=_PRICE),
        _col(Unit, "for_sale", gettext_lazy("可出售"), Boolean(), example=False),
        _col(Unit, "lettable", gettext_lazy("可租售"), Boolean(), example=True),
        _col(Unit, "available_from", gettext_lazy("可交付日期"), Date(), number_format=DATE_FORMAT),
    ),
)  # fmt: skip
TABLES: Final[dict[str, TableSpec[Any]]] = {t.name: t for t in (PARK_TABLE, BUILDING_TABLE, FLOOR_TABLE, UNIT_TABLE)}
WORKBOOK: Final = WorkbookSpec(tables=tuple(TABLES.values()), notes_sheet=NOTES_SHEET)
#: The columns of each sheet, in template order.
SHEETS: Final[dict[str, tuple[Column, ...]]] = {name: table.columns for name, table in TABLES.items()}


# --- Applying rows -------------------------------------------------------------------------------

_FK_HEADERS: Final = {
    "park": "park_ref",
    "building": "building_ref",
    "floor": "floor_ref",
    "adjacent_units": "adjacent_ref",
}


def _key(kind: str, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(f) for f in TABLES[kind].key)


class InventoryImporter(TableImporter[InventoryRow]):
    """Pass 2: upsert valid rows parent-first, through the services, recording every failure."""

    workbook = WORKBOOK

    def __init__(self, user: User) -> None:
        self.user = user
        self.is_admin = has_capability(user, Capability.MANAGE_USERS)
        self.may_change_parks = has_capability(user, Capability.CHANGE_PARK)
        operators = list(Operator.objects.all()[:2])
        self.default_operator = operators[0] if len(operators) == 1 else None
        self.filename = ""
        self.begin_pass(writing=False)

    def begin_pass(self, *, writing: bool) -> None:
        self.parks: dict[str, Park] = {}
        self.buildings: dict[tuple[str, str], Building] = {}
        self.floors: dict[tuple[str, str, int], Floor] = {}
        self.units: dict[tuple[str, str], Unit] = {}
        self.loaded: set[str] = set()
        # Natural keys of rows that failed and do not exist in the database, with their sheet and row:
        # children then say where the real problem is instead of "not found".
        self.failed: dict[tuple[str, tuple[Any, ...]], tuple[str, int]] = {}
        self.ctx: ImportContext | None = None
        # Unit rows naming neighbours, resolved after their batch so a row may name a unit further down.
        self.pending_adjacency: list[tuple[Row[InventoryRow], Unit, list[str], bool]] = []

    def rejected(self, table: TableSpec[InventoryRow], rows: Sequence[RejectedRow], ctx: ImportContext) -> None:
        for row in rows:
            key = _key(table.name, row.values)
            if all(part not in (None, "") for part in key):
                self.failed[(table.name, key)] = (row.sheet, row.number)

    def apply(self, table: TableSpec[InventoryRow], rows: Sequence[Row[InventoryRow]], ctx: ImportContext) -> None:
        self.ctx = ctx
        self._load(table.name, rows)
        step = getattr(self, table.name)
        for row in rows:
            step(row)
        if table.name == InventoryKind.UNIT:
            self._apply_adjacency()

    def finish(self, ctx: ImportContext) -> None:
        if ctx.errors or ctx.dry_run or not any(c.created + c.updated for c in ctx.counts.values()):
            return
        audit_record(
            actor=self.user,
            action=AuditAction.IMPORT,
            object_type="parks.inventory",
            object_repr=getattr(self, "filename", "")[:255],
            changes={
                k: {"created": c.created, "updated": c.updated, "unchanged": c.unchanged} for k, c in ctx.counts.items()
            },
        )

    def _load(self, kind: str, rows: Sequence[Row[InventoryRow]]) -> None:
        """Read the existing rows this batch can touch: one query per kind, scoped to the person's parks."""
        field = "code" if kind == InventoryKind.PARK else "park_ref"
        codes = {str(r.data.get(field)) for r in rows if r.data.get(field)} - self.loaded
        if not codes:
            return
        self.loaded |= codes
        parks = list(scope_to_parks(self.user, Park.objects.filter(code__in=codes), "pk"))
        self.parks.update({p.code: p for p in parks})
        park_ids = [p.pk for p in parks]
        for b in Building.objects.filter(park_id__in=park_ids).select_related("park"):
            self.buildings[(b.park.code, b.code)] = b
        for f in Floor.objects.filter(building__park_id__in=park_ids).select_related("building__park"):
            self.floors[(f.building.park.code, f.building.code, f.level)] = f
        for u in Unit.objects.filter(park_id__in=park_ids).select_related("park"):
            self.units[(u.park.code, u.code)] = u

    # -- helpers

    def error(self, row: Row[InventoryRow], field_name: str, message: str) -> None:
        assert self.ctx is not None
        self.ctx.error(row, message, column=_header(row.table, field_name))
        self._mark_failed(row)

    def _mark_failed(self, row: Row[InventoryRow]) -> None:
        self.failed[(row.table, _key(row.table, dict(row.data)))] = (row.sheet, row.number)

    def _parent_missing(
        self, row: Row[InventoryRow], field_name: str, kind: str, key: tuple[Any, ...], label: str
    ) -> None:
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
        self.error(row, field_name, message)

    def park_of(self, row: Row[InventoryRow]) -> Park | None:
        code = str(row.data.get("park_ref"))
        park = self.parks.get(code)
        if park is None:
            self._parent_missing(row, "park_ref", InventoryKind.PARK, (code,), _("园区“%(code)s”") % {"code": code})
        return park

    def building_of(self, row: Row[InventoryRow], park: Park, code: str) -> Building | None:
        building = self.buildings.get((park.code, code))
        if building is None:
            label = _("楼栋“%(park)s / %(code)s”") % {"park": park.code, "code": code}
            self._parent_missing(row, "building_ref", InventoryKind.BUILDING, (park.code, code), label)
        return building

    def run(self, row: Row[InventoryRow], call: Callable[[], models.Model]) -> models.Model | None:
        """Call a service in its own savepoint; a ValidationError becomes errors on this row."""
        try:
            with transaction.atomic():
                return call()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        self.error(row, name, message)
            else:
                for message in exc.messages:
                    self.error(row, NON_FIELD_ERRORS, message)
        except IntegrityError:
            self.error(row, NON_FIELD_ERRORS, _("与已有数据冲突（编号重复或违反约束），未能保存"))
        return None

    def upsert(
        self,
        row: Row[InventoryRow],
        existing: models.Model | None,
        values: dict[str, Any],
        create: Callable[..., models.Model],
        update: Callable[..., models.Model],
        instance_arg: str,
    ) -> models.Model | None:
        assert self.ctx is not None
        if existing is None:
            obj = self.run(row, lambda: create(actor=self.user, **values))
            if obj is not None:
                self.ctx.count(row.table, created=1)
            return obj
        changes = _diff(existing, values)
        if not changes:
            self.ctx.count(row.table, unchanged=1)
            return existing
        obj = self.run(row, lambda: update(actor=self.user, **{instance_arg: existing}, **changes))
        if obj is not None:
            self.ctx.count(row.table, updated=1)
        return obj or existing

    # -- one method per kind

    def park(self, row: Row[InventoryRow]) -> None:
        values: dict[str, Any] = dict(row.data)
        code = values["code"]
        existing = self.parks.get(code)
        if existing is None and not self.is_admin:
            # One message whether or not the park exists elsewhere, so its existence does not leak.
            self.error(row, "code", _("园区“%(code)s”不在您负责的园区中；新建园区需要运营管理员权限") % {"code": code})
            return
        if existing is not None and _diff(existing, values) and not self.may_change_parks:
            self.error(row, "code", _("您的角色无权修改园区信息（园区“%(code)s”）") % {"code": code})
            return
        if existing is None and self.default_operator is not None:
            values.setdefault("operator", self.default_operator)
        obj = self.upsert(row, existing, values, services.park_create, services.park_update, "park")
        if isinstance(obj, Park):
            self.parks[code] = obj

    def building(self, row: Row[InventoryRow]) -> None:
        park = self.park_of(row)
        if park is None:
            return
        values: dict[str, Any] = {k: v for k, v in row.data.items() if k != "park_ref"}
        key = (park.code, values["code"])
        existing = self.buildings.get(key)
        if existing is None:
            values["park"] = park
        obj = self.upsert(row, existing, values, services.building_create, services.building_update, "building")
        if isinstance(obj, Building):
            self.buildings[key] = obj
            for floor_key, floor in self.floors.items():
                if floor_key[:2] == key:
                    floor.building = obj

    def floor(self, row: Row[InventoryRow]) -> None:
        park = self.park_of(row)
        if park is None:
            return
        building = self.building_of(row, park, str(row.data.get("building_ref")))
        if building is None:
            return
        values: dict[str, Any] = {k: v for k, v in row.data.items() if k not in ("park_ref", "building_ref")}
        key = (park.code, building.code, values["level"])
        existing = self.floors.get(key)
        if existing is None:
            values["building"] = building
        obj = self.upsert(row, existing, values, services.floor_create, services.floor_update, "floor")
        if isinstance(obj, Floor):
            self.floors[key] = obj

    def unit(self, row: Row[InventoryRow]) -> None:
        park = self.park_of(row)
        if park is None:
            return
        values: dict[str, Any] = {k: v for k, v in row.data.items() if k not in REFERENCE_FIELDS}
        neighbours: list[str] = values.pop("adjacent_ref", None) or []
        key = (park.code, values["code"])
        existing = self.units.get(key)
        building_code = row.data.get("building_ref")
        level = row.data.get("floor_ref")
        if building_code or level is not None:
            if not building_code or level is None:
                missing = "building_ref" if not building_code else "floor_ref"
                self.error(row, missing, _("楼栋编号和所在楼层需同时填写"))
                return
            if not self._place_unit(row, park, str(building_code), int(str(level)), values):
                return
        elif existing is None:
            self.error(row, "building_ref", _("新建单元需要填写楼栋编号和所在楼层"))
            return
        if existing is None:
            values["park"] = park
        unchanged = existing is not None and not _diff(existing, values)
        obj = self.upsert(row, existing, values, services.unit_create, services.unit_update, "unit")
        if isinstance(obj, Unit):
            self.units[key] = obj
            if neighbours:
                self.pending_adjacency.append((row, obj, neighbours, unchanged))

    def _apply_adjacency(self) -> None:
        """Add the neighbours each row names (never removing one: the import deletes nothing)."""
        assert self.ctx is not None
        pending, self.pending_adjacency = self.pending_adjacency, []
        for row, unit, codes, unchanged in pending:
            park_code = str(row.data.get("park_ref"))
            missing = [c for c in codes if (park_code, c) not in self.units]
            if missing:
                message = _("相邻单元“%(codes)s”不存在：请在本表中先列出它，或检查编号")
                self.error(row, "adjacent_ref", message % {"codes": "、".join(missing)})
                continue
            current = services.adjacent_units(unit)
            known = {u.pk for u in current}
            added = [u for u in (self.units[(park_code, c)] for c in codes) if u.pk not in known]
            if not added:
                continue
            others = current + added
            if self.run(row, functools.partial(_set_adjacent, unit, others, self.user)) and unchanged:
                self.ctx.count(InventoryKind.UNIT.value, unchanged=-1, updated=1)

    def _place_unit(
        self, row: Row[InventoryRow], park: Park, building_code: str, level: int, values: dict[str, Any]
    ) -> bool:
        building = self.building_of(row, park, building_code)
        if building is None:
            return False
        floor = self.floors.get((park.code, building.code, level))
        if floor is None:
            label = _("楼层“%(park)s / %(building)s / %(level)s”") % {
                "park": park.code,
                "building": building.code,
                "level": level,
            }
            self._parent_missing(row, "floor_ref", InventoryKind.FLOOR, (park.code, building.code, level), label)
            return False
        values["building"] = building
        values["floor"] = floor
        return True


def _set_adjacent(unit: Unit, others: list[Unit], actor: User) -> Unit:
    services.unit_set_adjacent(unit=unit, others=others, actor=actor)
    return unit


def _header(kind: str, field_name: str) -> str:
    """The column header a model field's error belongs to ("" for errors about the whole row)."""
    name = _FK_HEADERS.get(field_name, field_name)
    header = TABLES[kind].header_of(name)
    if header or field_name == NON_FIELD_ERRORS:
        return header
    try:
        model_field = MODELS[kind]._meta.get_field(field_name)
    except FieldDoesNotExist:
        return ""
    return str(getattr(model_field, "verbose_name", field_name))


def _same(current: object, new: object) -> bool:
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
            current: object = getattr(instance, model_field.attname)
            new: object = getattr(value, "pk", value)
        else:
            current, new = getattr(instance, name), value
        if not _same(current, new):
            changes[name] = value
    return changes


# --- The entry points ----------------------------------------------------------------------------


class ImportResult(ImportOutcome):
    """The outcome, with the per-sheet counts the result page lists."""

    def count_rows(self) -> list[tuple[str, Any]]:
        """(sheet title, counts) in import order, for the result page."""
        return [(str(k.label), self.counts[k.value]) for k in KIND_ORDER if k.value in self.counts]


def import_inventory(
    *,
    user: User | AnonymousUser,
    stream: IO[bytes],
    filename: str,
    kind: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Validate a whole file and, only if every row is valid, upsert it in one transaction.

    `kind` is required for a CSV file (one kind per file) and ignored for a workbook.
    """
    if not (has_capability(user, Capability.IMPORT_DATA) and has_capability(user, Capability.CHANGE_SPACE)):
        result = ImportResult()
        result.errors = [RowError("", None, "", _("您的角色无权导入空间数据。"))]
        result.error_count = 1
        return result
    if filename.lower().endswith(".csv") and kind not in InventoryKind.values:
        result = ImportResult()
        result.errors = [RowError("", None, "", _("CSV 文件请选择数据类型（园区、楼栋、楼层或单元）。"))]
        result.error_count = 1
        return result
    assert isinstance(user, User), "has_capability above implies an authenticated user"
    importer = InventoryImporter(user)
    importer.filename = filename
    outcome = run_import(
        importer,
        Source.from_stream(stream, filename),
        mode=ImportMode.ALL_OR_NOTHING,
        dry_run=dry_run,
        csv_table=kind if filename.lower().endswith(".csv") else None,
    )
    return ImportResult(**vars(outcome))


def build_importer(job: ImportJob) -> InventoryImporter:
    assert job.created_by is not None
    importer = InventoryImporter(job.created_by)
    importer.filename = job.original_name
    return importer


def create_job(*, user: User, upload: IO[bytes], name: str, kind: str | None) -> ImportJob:
    """A background job for a large file (the caller enqueues it)."""
    options = {"table": kind} if kind and name.lower().endswith(".csv") else {}
    return jobs.create_job(
        importer=IMPORTER, upload=upload, name=name, mode=ImportMode.ALL_OR_NOTHING, actor=user, options=options
    )


# --- Writing files -------------------------------------------------------------------------------


def _export_value(kind: str, col: Column, obj: Any, neighbours: dict[int, list[str]]) -> Any:
    if col.field == "adjacent_ref":
        return ",".join(neighbours.get(obj.pk, []))
    if col.field == "park_ref":
        return obj.building.park.code if kind == InventoryKind.FLOOR else obj.park.code
    if col.field == "building_ref":
        return obj.building.code
    if col.field == "floor_ref":
        return obj.floor.level
    value = getattr(obj, col.field)
    if isinstance(col.parser, Boolean):
        return "是" if value else "否"
    if isinstance(col.parser, Choice):
        return zh(col.parser.choices(value).label) if value else ""
    if col.parser is _CODES:
        return ",".join(value or [])
    return value


def _columns(kind: str, neighbours: dict[int, list[str]]) -> list[ExportColumn]:
    def accessor(col: Column) -> Callable[[Any], Any]:
        return lambda obj: _export_value(kind, col, obj, neighbours)

    return [ExportColumn(col.header, accessor(col), col.number_format) for col in SHEETS[kind]]


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


def _neighbour_codes(user: User | AnonymousUser, park_ids: list[int] | None) -> dict[int, list[str]]:
    """Unit id → the codes of its recorded neighbours, for the 相邻单元 column (one query)."""
    parks = scope_to_parks(user, Park.objects.active(), "pk")
    if park_ids is not None:
        parks = parks.filter(pk__in=park_ids)
    result: dict[int, list[str]] = {}
    pairs = UnitAdjacency.objects.filter(park__in=parks).values_list("unit_id", "unit__code", "other_id", "other__code")
    for unit_id, unit_code, other_id, other_code in pairs.order_by("unit__code", "other__code"):
        result.setdefault(unit_id, []).append(other_code)
        result.setdefault(other_id, []).append(unit_code)
    return result


def inventory_workbook(user: User | AnonymousUser, park_ids: list[int] | None = None) -> Workbook:
    """The inventory in the template format: importing it back changes nothing."""
    workbook = Workbook(write_only=True)
    neighbours = _neighbour_codes(user, park_ids)
    for kind, rows in inventory_querysets(user, park_ids).items():
        write_sheet(workbook, sheet_title(kind), _columns(kind, neighbours), rows)
    return workbook


def template_workbook() -> Workbook:
    """The blank template: a header row, one example row (a "#" comment) and drop-down lists per sheet."""
    return build_template(WORKBOOK)


def csv_template(kind: str) -> str:
    """The template of one kind as CSV text (the caller adds a BOM so Excel reads it as UTF-8)."""
    return table_csv_template(TABLES[kind])


def error_columns() -> list[ExportColumn]:
    return error_list_columns()
