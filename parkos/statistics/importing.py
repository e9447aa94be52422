"""Import a park's monthly statistics from .xlsx or CSV: row-level errors, all or nothing, idempotent.

The format is `TABLE` (parkos.core.importing reads the file, its encoding and the units in the headers:
amounts in 元, 万元 or 亿元 — 万元 when the header names none, as enterprises fill the 一套表 forms —
are stored in 元). This module keeps what is particular to statistics:

1. `check`: the enterprise (by credit code, or ParkOS id, or — with neither — by its exact name or a
   former name, an ambiguous name refused with its candidates; a 企业名称 given beside a code or id
   must be that enterprise's name or a former one, never ignored), the period, one form (累计 / 当月) per
   enterprise and year, one row per enterprise and month, and that an existing month belongs to this
   park (an import never moves another park's figures here);
2. `apply`: upsert every row by (enterprise, year, month) — importing the same file twice changes
   nothing the second time — and one audit entry for the import.
Small files run in the request; larger ones (IMPORT_BACKGROUND_MB) as a background job.
"""

from __future__ import annotations

import io
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core.audit import audit_record
from parkos.core.importing import (
    MONEY,
    Column,
    Fixed,
    ImportContext,
    ImportMode,
    ImportOutcome,
    Integer,
    Number,
    Row,
    Source,
    TableImporter,
    TableSpec,
    Text,
    Validated,
    WorkbookSpec,
    jobs,
    run_import,
    template_workbook,
)
from parkos.core.models import AuditAction, ImportJob
from parkos.core.xlsx import neutralise_formulas
from parkos.enterprises import credit_code, search
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Park
from parkos.statistics.choices import ReportSource
from parkos.statistics.models import MonthlyReport
from parkos.statistics.services import _check_period

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from parkos.accounts.models import User

IMPORTER: Final = "statistics.monthly"
CUMULATIVE_WORDS: Final = {"累计", "1-n月", "本年累计", "cumulative", ""}
MONTHLY_WORDS: Final = {"当月", "本月", "monthly"}
_AMOUNT: Final = MONEY.with_units(stored="元", default="万元")
_LIMIT: Final = Decimal("1e16")

#: The figures: field, label, kind ("money": 万元 on forms and by default in files, stored in 元).
FIGURES: Final = (
    ("output", gettext_lazy("工业总产值"), "money"),
    ("revenue", gettext_lazy("营业收入"), "money"),
    ("profit", gettext_lazy("利润总额"), "money"),
    ("taxes", gettext_lazy("税金总额"), "money"),
    ("rnd_spending", gettext_lazy("R&D经费支出"), "money"),
    ("employees", gettext_lazy("期末从业人员"), "int"),
    ("energy_tce", gettext_lazy("综合能源消费量"), "decimal"),
    ("fixed_asset_investment", gettext_lazy("固定资产投资"), "money"),
    ("exports", gettext_lazy("出口交货值"), "money"),
)
_FORM_UNITS: Final = {"money": "万元", "int": "人", "decimal": "吨标准煤"}
#: The figures as the entry form labels them (amounts in 万元 there too).
FORM_FIGURES: Final = tuple(
    (name, format_lazy("{}（{}）", label, _FORM_UNITS[kind]), kind) for name, label, kind in FIGURES
)
#: Figures that may be negative (a loss).
SIGNED: Final = frozenset({"profit"})


def _is_cumulative(text: str) -> bool:
    form = unicodedata.normalize("NFKC", text).strip().casefold()
    if form in MONTHLY_WORDS:
        return False
    if form in CUMULATIVE_WORDS:
        return True
    raise ValidationError(_("“%(value)s”应为“累计”或“当月”") % {"value": text})


def _figure(name: str, label: StrOrPromise, kind: str, *, prior: bool) -> Column:
    field = f"prior_{name}" if prior else name
    title = format_lazy(gettext_lazy("上年同期{figure}"), figure=label) if prior else label
    if kind == "int":
        return Column(field, title, Integer(minimum=0), unit=Fixed("人"))
    if kind == "decimal":
        return Column(field, title, Number(minimum=Decimal(0), maximum=_LIMIT), unit=Fixed("吨标准煤"))
    minimum = None if name in SIGNED else Decimal(0)
    return Column(field, title, Number(minimum=minimum, maximum=_LIMIT, places=2), unit=_AMOUNT)


@dataclass
class MonthlyRow:
    """One enterprise-month of the file; amounts already in 元."""

    year: int
    month: int
    credit_code: str = ""
    enterprise_id: str = ""
    name: str = ""
    is_cumulative: bool = True
    output: Decimal | None = None
    revenue: Decimal | None = None
    profit: Decimal | None = None
    taxes: Decimal | None = None
    rnd_spending: Decimal | None = None
    employees: int | None = None
    energy_tce: Decimal | None = None
    fixed_asset_investment: Decimal | None = None
    exports: Decimal | None = None
    prior_output: Decimal | None = None
    prior_revenue: Decimal | None = None
    prior_profit: Decimal | None = None
    prior_taxes: Decimal | None = None
    prior_rnd_spending: Decimal | None = None
    prior_employees: int | None = None
    prior_energy_tce: Decimal | None = None
    prior_fixed_asset_investment: Decimal | None = None
    prior_exports: Decimal | None = None


FIGURE_FIELDS: Final = tuple(name for figure, _l, _k in FIGURES for name in (figure, f"prior_{figure}"))

TABLE: Final = TableSpec[MonthlyRow](
    name="monthly",
    title=gettext_lazy("月度统计"),
    row_type=MonthlyRow,
    needs=(("year",), ("month",), ("credit_code", "enterprise_id", "name")),
    columns=(
        Column("credit_code", gettext_lazy("统一社会信用代码"), Text(), blank="", aliases=("信用代码",),
               example="91500113MA4CL12T2E"),
        Column("enterprise_id", gettext_lazy("企业ID"), Text(), blank=""),
        Column("name", gettext_lazy("企业名称"), Text(), blank="", aliases=("单位名称", "单位详细名称"),
               example="重庆示例医疗器械有限公司",
               hint=gettext_lazy("无信用代码时按名称（含曾用名）精确匹配；有代码时须与之相符")),
        Column("year", gettext_lazy("年份"), Integer(minimum=2000, maximum=2100), required=True, example=2025),
        Column("month", gettext_lazy("月份"), Integer(), required=True, example=3),
        Column("is_cumulative", gettext_lazy("口径"), Validated(_is_cumulative), blank=True, example="累计",
               hint=gettext_lazy("累计（本年1月至当月）或当月；同一企业同一年须统一")),
        *(_figure(name, label, kind, prior=False) for name, label, kind in FIGURES),
        *(_figure(name, label, kind, prior=True) for name, label, kind in FIGURES),
    ),
)  # fmt: skip
WORKBOOK: Final = WorkbookSpec(tables=(TABLE,), first_sheet=True)
COLUMNS: Final = TABLE.columns
_EXAMPLE: Final = {"output": 1200, "revenue": 1100, "profit": 80, "taxes": 45, "rnd_spending": 30, "employees": 120,
                   "energy_tce": 150, "fixed_asset_investment": 0, "exports": 0}  # fmt: skip


def name_form(name: str) -> str:
    """A name as matching compares it: NFKC (full-width brackets and letters as half-width), without
    whitespace, case-folded. Exact otherwise: "（集团）" and "集团" are different names."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


@dataclass(frozen=True)
class Known:
    """An enterprise of the pool as the import matches it: its id, name, former names and code."""

    pk: int
    name: str
    former_names: tuple[str, ...]
    credit_code: str | None

    def answers_to(self, name: str) -> bool:
        """Whether a name in the file is this enterprise's: its name or a former one, up to legal form
        and brackets (``search.name_key``), as a name typed beside a code may be abbreviated so."""
        key = search.name_key(name)
        return any(search.name_key(own) == key for own in (self.name, *self.former_names))

    @property
    def described(self) -> str:
        return f"{self.name}（{self.credit_code or _('无信用代码')}，ID {self.pk}）"


def _known(condition: Q) -> list[Known]:
    rows = Enterprise.objects.active().filter(condition).values_list("pk", "name", "former_names", "credit_code")
    return [Known(pk, name, tuple(former or ()), code) for pk, name, former, code in rows]


def enterprises_named(names: Collection[str]) -> dict[str, list[Known]]:
    """The active enterprises whose name or a former name is each of ``names`` (keys: ``name_form``).

    One query: candidates by the indexed ``name_key`` or a former-name line of ``search_text``, then
    the exact comparison here."""
    wanted = {name_form(name): name for name in names if name_form(name)}
    if not wanted:
        return {}
    condition = Q(name_key__in={search.name_key(name) for name in wanted.values()})
    for name in wanted.values():
        condition |= Q(search_text__contains="\n" + search.normalize_text(name) + "\n")
    found: dict[str, list[Known]] = defaultdict(list)
    for known in _known(condition):
        for form in {name_form(own) for own in (known.name, *known.former_names)} & wanted.keys():
            found[form].append(known)
    return found


class MonthlyReportImporter(TableImporter[MonthlyRow]):
    workbook = WORKBOOK

    def __init__(self, *, park: Park, actor: User | None) -> None:
        self.park = park
        self.actor = actor
        self.begin_pass(writing=False)

    def begin_pass(self, *, writing: bool) -> None:
        self.enterprises: dict[int, int] = {}  # row number → enterprise id
        self.blank: set[int] = set()  # rows without a figure of the period (a prefilled template's unfilled rows)
        self.seen: dict[tuple[int, int, int], int] = {}
        self.forms: dict[tuple[int, int], tuple[bool, int]] = {}
        self.rows = 0

    def check(self, table: TableSpec[MonthlyRow], rows: Sequence[Row[MonthlyRow]], ctx: ImportContext) -> None:
        """Enterprises of the batch in two queries, existing months in one, then each row's rules."""
        codes = {credit_code.normalize(r.data.credit_code) for r in rows if r.data.credit_code}
        by_code = {known.credit_code: known for known in _known(Q(credit_code__in=codes))}
        ids = {int(r.data.enterprise_id) for r in rows if r.data.enterprise_id.isdigit()}
        by_id = {known.pk: known for known in _known(Q(pk__in=ids))}
        named = enterprises_named(
            {r.data.name for r in rows if r.data.name and not r.data.credit_code and not r.data.enterprise_id}
        )
        for row in rows:
            if all(getattr(row.data, name) is None for name, _label, _kind in FIGURES):
                self.blank.add(row.number)
                continue
            enterprise_id = self._enterprise(table, row, _Lookup(by_code, by_id, named), ctx)
            if enterprise_id is not None:
                self.enterprises[row.number] = enterprise_id
                self._period(table, row, enterprise_id, ctx)
        self._other_parks(table, rows, ctx)

    def _enterprise(
        self, table: TableSpec[MonthlyRow], row: Row[MonthlyRow], lookup: _Lookup, ctx: ImportContext
    ) -> int | None:
        """The row's enterprise: by code, else by id, else by name; None (with the error) if none."""
        code, raw_id, name = credit_code.normalize(row.data.credit_code), row.data.enterprise_id, row.data.name
        known: Known | None
        if code:
            known = lookup.by_code.get(code)
            if known is None:
                message = _("企业库中没有代码为“%(code)s”的企业") % {"code": code}
                ctx.error(row, message, column=table.header_of("credit_code"))
                return None
        elif raw_id:
            known = lookup.by_id.get(int(raw_id)) if raw_id.isdigit() else None
            if known is None:
                ctx.error(
                    row, _("企业库中没有ID为“%(id)s”的企业") % {"id": raw_id}, column=table.header_of("enterprise_id")
                )
                return None
        else:
            return self._by_name(table, row, lookup, ctx)
        if name and not known.answers_to(name):
            message = _("企业名称“%(name)s”与按代码或ID找到的企业“%(registered)s”不符（也不是其曾用名）") % {
                "name": name,
                "registered": known.name,
            }
            ctx.error(row, message, column=table.header_of("name"))
            return None
        return known.pk

    def _by_name(
        self, table: TableSpec[MonthlyRow], row: Row[MonthlyRow], lookup: _Lookup, ctx: ImportContext
    ) -> int | None:
        name = row.data.name
        if not name:
            ctx.error(row, _("须填写统一社会信用代码、企业ID或企业名称"), column=table.header_of("credit_code"))
            return None
        candidates = lookup.named.get(name_form(name), [])
        if len(candidates) == 1:
            return candidates[0].pk
        if not candidates:
            message = _("企业库中没有名称或曾用名为“%(name)s”的企业，请填写统一社会信用代码") % {"name": name}
        else:
            message = _("名称“%(name)s”对应多家企业，请填写统一社会信用代码：%(candidates)s") % {
                "name": name,
                "candidates": "；".join(known.described for known in sorted(candidates, key=lambda k: k.pk)[:5]),
            }
        ctx.error(row, message, column=table.header_of("name"))
        return None

    def _period(
        self, table: TableSpec[MonthlyRow], row: Row[MonthlyRow], enterprise_id: int, ctx: ImportContext
    ) -> None:
        data, month_header = row.data, table.header_of("month")
        try:
            _check_period(data.year, data.month)
        except ValidationError as exc:
            ctx.error(row, " ".join(exc.messages), column=month_header)
            return
        key = (enterprise_id, data.year, data.month)
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            ctx.error(row, _("与第%(row)s行重复（同一企业同一月份）") % {"row": first}, column=month_header)
        form, form_row = self.forms.setdefault((enterprise_id, data.year), (data.is_cumulative, row.number))
        if form != data.is_cumulative:
            message = _("同一企业同一年须统一采用累计或当月口径（与第%(row)s行不同）") % {"row": form_row}
            ctx.error(row, message, column=table.header_of("is_cumulative"))

    def _other_parks(self, table: TableSpec[MonthlyRow], rows: Sequence[Row[MonthlyRow]], ctx: ImportContext) -> None:
        """A month already reported under another park is that park's: it is not overwritten from here."""
        wanted = {
            (self.enterprises[r.number], r.data.year, r.data.month): r for r in rows if r.number in self.enterprises
        }
        if not wanted:
            return
        taken = (
            MonthlyReport.objects.filter(
                enterprise_id__in={e for e, _y, _m in wanted}, year__in={y for _e, y, _m in wanted}
            )
            .exclude(park=self.park)
            .values_list("enterprise_id", "year", "month")
        )
        for key in taken:
            row = wanted.get(key)
            if row is not None:
                ctx.error(
                    row, _("该企业该月的统计已由其他园区报送，不能从本园区导入覆盖"), column=table.header_of("month")
                )

    def apply(self, table: TableSpec[MonthlyRow], rows: Sequence[Row[MonthlyRow]], ctx: ImportContext) -> None:
        ready = [(self.enterprises[r.number], r.data) for r in rows if r.number not in self.blank]
        existing = {
            (r.enterprise_id, r.year, r.month): r
            for r in MonthlyReport.objects.select_for_update().filter(
                enterprise_id__in={e for e, _d in ready}, year__in={d.year for _e, d in ready}, park=self.park
            )
        }
        to_create: list[MonthlyReport] = []
        to_update: list[MonthlyReport] = []
        for enterprise_id, data in ready:
            report = existing.get((enterprise_id, data.year, data.month))
            if report is None:
                report = MonthlyReport(enterprise_id=enterprise_id, year=data.year, month=data.month, park=self.park)
                to_create.append(report)
            elif _same(report, data):
                continue
            else:
                to_update.append(report)
            report.is_cumulative = data.is_cumulative
            for name in FIGURE_FIELDS:
                setattr(report, name, getattr(data, name))
            report.source = ReportSource.IMPORT
            report.submitted_by = self.actor
        MonthlyReport.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            MonthlyReport.objects.bulk_update(
                to_update, ["is_cumulative", *FIGURE_FIELDS, "source", "submitted_by"], batch_size=500
            )
        ctx.count(
            table.name,
            created=len(to_create),
            updated=len(to_update),
            unchanged=len(ready) - len(to_create) - len(to_update),
        )
        self.rows += len(rows)

    def finish(self, ctx: ImportContext) -> None:
        if self.blank:
            ctx.warnings.append(
                _("%(count)s行没有填写本期任何数据（如填报模板中尚未填写的企业），未导入") % {"count": len(self.blank)}
            )
        counts = ctx.counts.get(TABLE.name)
        if counts is None or ctx.dry_run:
            return
        audit_record(
            actor=self.actor,
            action=AuditAction.IMPORT,
            object_type="park_statistics.monthlyreport",
            object_repr=_("月度统计导入：%(park)s") % {"park": self.park.name},
            changes={"rows": self.rows, "created": counts.created, "updated": counts.updated},
            park_id=self.park.pk,
        )


@dataclass(frozen=True)
class _Lookup:
    """A batch's enterprises, found once: by credit code, by id, by normalised name."""

    by_code: dict[str | None, Known]
    by_id: dict[int, Known]
    named: dict[str, list[Known]]


def _same(report: MonthlyReport, data: MonthlyRow) -> bool:
    if report.is_cumulative != data.is_cumulative:
        return False
    return all(_number(getattr(report, name)) == _number(getattr(data, name)) for name in FIGURE_FIELDS)


def _number(value: object) -> Any:
    return Decimal(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else value


def import_reports(
    *, park: Park, name: str, data: bytes | IO[bytes], actor: User | None, dry_run: bool = False
) -> ImportOutcome:
    """Validate the whole file, then upsert every row or none (see the module notes)."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    return run_import(
        MonthlyReportImporter(park=park, actor=actor),
        Source.from_stream(stream, name),
        mode=ImportMode.ALL_OR_NOTHING,
        dry_run=dry_run,
    )


def build_importer(job: ImportJob) -> MonthlyReportImporter:
    return MonthlyReportImporter(park=Park.objects.get(pk=job.options["park"]), actor=job.created_by)


def create_job(*, park: Park, upload: IO[bytes], name: str, actor: User | None) -> ImportJob:
    """A background job for a large file (the caller enqueues it)."""
    return jobs.create_job(
        importer=IMPORTER,
        upload=upload,
        name=name,
        mode=ImportMode.ALL_OR_NOTHING,
        actor=actor,
        options={"park": park.pk},
    )


def template_bytes(prefilled: Sequence[Mapping[str, Any]] = ()) -> bytes:
    """The import template: headers with their units, one example row (marked "#", skipped on import),
    then ``prefilled`` rows (field → cell, amounts in the template's 万元): a park's 本月填报模板."""
    example = {c.field: c.example for c in COLUMNS} | _EXAMPLE
    book = template_workbook(WORKBOOK, examples={TABLE.name: [example]})
    sheet = book.worksheets[0]
    for row in prefilled:
        sheet.append([row.get(c.field) for c in COLUMNS])
        neutralise_formulas(sheet[sheet.max_row])  # names come from the enterprise pool: never a live formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
