"""Import a park's monthly statistics from .xlsx or CSV: row-level errors, all or nothing, idempotent.

1. Read every row (a year of a park is a few thousand rows: small enough to validate whole).
2. Validate each row: the enterprise (by credit code, or ParkOS id), year and month, the form
   (累计 / 当月) and every figure; collect errors in Chinese by row number and column.
3. If any row is wrong, write nothing and return the errors. Otherwise upsert every row by
   (enterprise, year, month) in one transaction with one audit entry: importing the same file twice
   changes nothing the second time.

Amounts in the file are in 万元 (as enterprises fill the 一套表 forms); ParkOS stores 元.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from parkos.core.audit import audit_record
from parkos.core.models import AuditAction
from parkos.core.units import WAN
from parkos.enterprises import credit_code
from parkos.enterprises.models import Enterprise
from parkos.statistics.choices import ReportSource
from parkos.statistics.models import MonthlyReport
from parkos.statistics.services import _check_period

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.parks.models import Park


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    kind: str  # "money" (万元 in the file), "int", "decimal", "text"


_FIGURES: Final = (
    ("output", "工业总产值（万元）", "money"),
    ("revenue", "营业收入（万元）", "money"),
    ("profit", "利润总额（万元）", "money"),
    ("taxes", "税金总额（万元）", "money"),
    ("rnd_spending", "R&D经费支出（万元）", "money"),
    ("employees", "期末从业人员（人）", "int"),
    ("energy_tce", "综合能源消费量（吨标准煤）", "decimal"),
    ("fixed_asset_investment", "固定资产投资（万元）", "money"),
    ("exports", "出口交货值（万元）", "money"),
)
COLUMNS: Final[tuple[Column, ...]] = (
    Column("credit_code", "统一社会信用代码", "text"),
    Column("enterprise_id", "企业ID", "text"),
    Column("year", "年份", "int"),
    Column("month", "月份", "int"),
    Column("form", "口径", "text"),
    *(Column(name, header, kind) for name, header, kind in _FIGURES),
    *(Column(f"prior_{name}", "上年同期" + header, kind) for name, header, kind in _FIGURES),
)
CUMULATIVE_WORDS: Final = {"累计", "1-n月", "本年累计", "cumulative", ""}
MONTHLY_WORDS: Final = {"当月", "本月", "monthly"}


def _key(text: Any) -> str:
    """Header matching: NFKC (full-width brackets), no spaces, case-folded, unit in brackets optional."""
    normal = "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()
    return normal.split("(")[0]


_BY_HEADER: Final = {_key(column.header): column for column in COLUMNS}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _read(name: str, data: bytes) -> Iterator[list[Any]]:
    if name.lower().endswith(".xlsx"):
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
        workbook.close()
        return
    text = data.decode("utf-8-sig") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    handle: IO[str] = io.StringIO(text)
    yield from csv.reader(handle)


def _number(raw: Any, kind: str) -> Decimal | int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = unicodedata.normalize("NFKC", str(raw)).replace(",", "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("不是数字")) from None
    if not value.is_finite():
        raise ValueError(_("不是数字"))
    if kind == "int":
        if value != value.to_integral_value():
            raise ValueError(_("须为整数"))
        return int(value)
    if kind == "money":
        return (value * WAN).quantize(Decimal("0.01"))
    return value


def import_reports(*, park: Park, name: str, data: bytes, actor: User | None) -> ImportResult:  # noqa: C901 - moves onto the shared import framework (#12)
    """Validate the whole file, then upsert every row or none (see the module notes)."""
    result = ImportResult()
    rows = _read(name, data)
    try:
        headers = next(rows)
    except StopIteration:
        result.errors.append(RowError(1, "", _("文件为空")))
        return result
    columns = [_BY_HEADER.get(_key(h)) for h in headers]
    present = {c.field for c in columns if c is not None}
    for required in ("year", "month"):
        if required not in present:
            label = next(c.header for c in COLUMNS if c.field == required)
            result.errors.append(RowError(1, label, _("缺少必填列")))
    if not present & {"credit_code", "enterprise_id"}:
        result.errors.append(RowError(1, "统一社会信用代码", _("须有“统一社会信用代码”或“企业ID”列")))
    if result.errors:
        return result

    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in cells):
            continue
        record: dict[str, Any] = {}
        for column, raw in zip(columns, cells, strict=False):
            if column is None:
                continue
            if column.kind == "text":
                record[column.field] = "" if raw is None else str(raw).strip()
                continue
            try:
                record[column.field] = _number(raw, column.kind)
            except ValueError as exc:
                result.errors.append(RowError(number, column.header, f"“{raw}”{exc}"))
        parsed.append((number, record))
    result.rows = len(parsed)

    # Enterprises of the whole file in two queries, not one per row.
    codes = {credit_code.normalize(r.get("credit_code", "")) for _n, r in parsed if r.get("credit_code")}
    by_code = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk"))
    ids = {r["enterprise_id"] for _n, r in parsed if str(r.get("enterprise_id", "")).isdigit()}
    known_ids = set(Enterprise.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", flat=True))
    forms: dict[tuple[int, int], set[bool]] = {}
    seen: dict[tuple[int, int, int], int] = {}
    ready: list[tuple[int, int, dict[str, Any]]] = []
    for number, record in parsed:
        enterprise_id = _enterprise(record, by_code, known_ids, number, result)
        year, month = record.get("year"), record.get("month")
        if year is None:
            result.errors.append(RowError(number, "年份", _("必填")))
        if month is None:
            result.errors.append(RowError(number, "月份", _("必填")))
        if isinstance(year, int) and isinstance(month, int):
            try:
                _check_period(year, month)
            except ValidationError as exc:
                result.errors.append(RowError(number, "月份", " ".join(exc.messages)))
        form = unicodedata.normalize("NFKC", str(record.get("form", ""))).strip().casefold()
        if form not in CUMULATIVE_WORDS | MONTHLY_WORDS:
            result.errors.append(
                RowError(number, "口径", _("“%(value)s”应为“累计”或“当月”") % {"value": record.get("form")})
            )
        cumulative = form not in MONTHLY_WORDS
        for name in ("output", "revenue", "taxes", "rnd_spending", "fixed_asset_investment", "exports"):
            for field_name in (name, f"prior_{name}"):
                value = record.get(field_name)
                if value is not None and value < 0:
                    header = next(c.header for c in COLUMNS if c.field == field_name)
                    result.errors.append(RowError(number, header, _("不能为负数")))
        if enterprise_id is None or not isinstance(year, int) or not isinstance(month, int):
            continue
        key = (enterprise_id, year, month)
        if key in seen:
            result.errors.append(
                RowError(number, "月份", _("与第%(row)s行重复（同一企业同一月份）") % {"row": seen[key]})
            )
        seen[key] = number
        forms.setdefault((enterprise_id, year), set()).add(cumulative)
        values = {k: v for k, v in record.items() if k not in {"credit_code", "enterprise_id", "year", "month", "form"}}
        values["is_cumulative"] = cumulative
        ready.append((number, enterprise_id, {"year": year, "month": month, **values}))
    for number, enterprise_id, values in ready:
        if len(forms[(enterprise_id, values["year"])]) > 1:
            result.errors.append(RowError(number, "口径", _("同一企业同一年须统一采用累计或当月口径")))
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, e.column))
        return result
    _write(park, ready, actor, result)
    return result


def _enterprise(
    record: dict[str, Any], by_code: dict[str | None, int], known_ids: set[int], number: int, result: ImportResult
) -> int | None:
    code = credit_code.normalize(record.get("credit_code", "") or "")
    if code:
        if code in by_code:
            return by_code[code]
        result.errors.append(
            RowError(number, "统一社会信用代码", _("企业库中没有代码为“%(code)s”的企业") % {"code": code})
        )
        return None
    raw_id = str(record.get("enterprise_id", "") or "")
    if raw_id.isdigit() and int(raw_id) in known_ids:
        return int(raw_id)
    result.errors.append(RowError(number, "企业ID", _("须填写统一社会信用代码或有效的企业ID")))
    return None


_COMPARED: Final = ("park_id", "is_cumulative", *(c.field for c in COLUMNS[5:]))


@transaction.atomic
def _write(park: Park, ready: list[tuple[int, int, dict[str, Any]]], actor: User | None, result: ImportResult) -> None:
    existing = {
        (r.enterprise_id, r.year, r.month): r
        for r in MonthlyReport.objects.select_for_update().filter(
            enterprise_id__in={e for _n, e, _v in ready}, year__in={v["year"] for _n, _e, v in ready}
        )
    }
    to_create: list[MonthlyReport] = []
    to_update: list[MonthlyReport] = []
    figure_fields = [c.field for c in COLUMNS[5:]]
    for _number, enterprise_id, values in ready:
        report = existing.get((enterprise_id, values["year"], values["month"]))
        fresh = report is None
        if report is None:
            report = MonthlyReport(enterprise_id=enterprise_id, year=values["year"], month=values["month"])
        before = {name: getattr(report, name) for name in _COMPARED}
        report.park = park
        report.is_cumulative = values["is_cumulative"]
        for name in figure_fields:
            setattr(report, name, values.get(name))
        after = {name: getattr(report, name) for name in _COMPARED}
        if fresh:
            report.source = ReportSource.IMPORT
            report.submitted_by = actor
            to_create.append(report)
        elif _normalised(before) != _normalised(after):
            report.source = ReportSource.IMPORT
            report.submitted_by = actor
            to_update.append(report)
        else:
            result.unchanged += 1
    MonthlyReport.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        MonthlyReport.objects.bulk_update(to_update, [*_COMPARED, "source", "submitted_by"], batch_size=500)
    result.created, result.updated = len(to_create), len(to_update)
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="park_statistics.monthlyreport",
        object_repr=_("月度统计导入：%(park)s") % {"park": park.name},
        changes={"rows": result.rows, "created": result.created, "updated": result.updated},
        park_id=park.pk,
    )


def _normalised(values: dict[str, Any]) -> dict[str, Any]:
    return {k: Decimal(v) if isinstance(v, Decimal | int) and not isinstance(v, bool) else v for k, v in values.items()}


def template_workbook() -> bytes:
    """An empty import file with the expected headers and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "月度统计"
    sheet.append([c.header for c in COLUMNS])
    sheet.append(["91500000MA5U000000", "", 2025, 3, "累计", 1200, 1100, 80, 45, 30, 120, 150, 0, 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
