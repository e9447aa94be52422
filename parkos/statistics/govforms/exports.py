"""Government forms as .xlsx files officers hand in: B204-1 (enterprise-month) and the 亩均 submission.

Each workbook has the official sheet(s) and a "数据来源" sheet listing, for every figure, the ParkOS
rows it came from and how it was derived — so an officer (or the bureau) can trace each number.
Text cells go through `neutralise_formulas` (a product named "=HYPERLINK(…)" stays text).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from parkos.core.xlsx import MONEY_FORMAT, neutralise_formulas, sheet_title
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Park
from parkos.statistics import muju, selectors
from parkos.statistics.choices import MujuCategory
from parkos.statistics.govforms import b204
from parkos.statistics.models import MonthlyReport, ParkStatisticsSettings, ProductOutput

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_QUANTITY_FORMAT = "#,##0.###"
_THOUSANDS_FORMAT = "#,##0.0"


# --- B204-1 --------------------------------------------------------------------------------------


def b204_forms(
    *, park: Park, year: int, month: int, enterprise_ids: Collection[int] | None = None
) -> list[b204.EnterpriseForm]:
    """The park's B204-1 forms of a month: every enterprise with 工业总产值 or product output that
    month, in name order, with 上年同期 from the priors its rows re-report or its rows of the year
    before. Three queries."""
    reports = MonthlyReport.objects.filter(park=park, year__in=(year - 1, year), month__lte=month)
    outputs = ProductOutput.objects.filter(park=park, year__in=(year - 1, year), month__lte=month)
    if enterprise_ids is not None:
        reports = reports.filter(enterprise_id__in=list(enterprise_ids))
        outputs = outputs.filter(enterprise_id__in=list(enterprise_ids))
    Months = dict[int, dict[str, dict[int, b204.ReportedMonth]]]
    by_field: Months = defaultdict(lambda: defaultdict(dict))
    priors: Months = defaultdict(lambda: defaultdict(dict))
    last_year: Months = defaultdict(lambda: defaultdict(dict))
    reporting: set[int] = set()
    fields = ("pk", "enterprise_id", "year", "month", "is_cumulative", "output", "exports")
    for (
        pk,
        enterprise_id,
        row_year,
        row_month,
        cumulative,
        output,
        exports,
        prior_output,
        prior_exports,
    ) in reports.values_list(*fields, "prior_output", "prior_exports"):
        target = by_field if row_year == year else last_year
        target[enterprise_id]["output"][row_month] = b204.ReportedMonth(pk, row_month, cumulative, output)
        target[enterprise_id]["exports"][row_month] = b204.ReportedMonth(pk, row_month, cumulative, exports)
        if row_year == year:
            priors[enterprise_id]["output"][row_month] = b204.ReportedMonth(pk, row_month, cumulative, prior_output)
            priors[enterprise_id]["exports"][row_month] = b204.ReportedMonth(pk, row_month, cumulative, prior_exports)
            if row_month == month and output is not None:
                reporting.add(enterprise_id)
    lines: dict[int, list[b204.OutputLine]] = defaultdict(list)
    lines_before: dict[int, list[b204.OutputLine]] = defaultdict(list)
    for row in outputs.order_by("month", "pk"):
        (lines if row.year == year else lines_before)[row.enterprise_id].append(
            b204.OutputLine(
                row.pk, row.month, row.product_name, row.get_unit_display(), row.product_code, row.quantity, row.exports
            )
        )
        if row.year == year and row.month == month:
            reporting.add(row.enterprise_id)
    enterprises = Enterprise.objects.filter(pk__in=sorted(reporting)).order_by("name", "pk")
    return [
        b204.build_form(
            enterprise_id=enterprise.pk,
            name=enterprise.name,
            credit_code=enterprise.credit_code or "",
            year=year,
            month=month,
            reports=by_field.get(enterprise.pk, {}),
            outputs=lines.get(enterprise.pk, []),
            priors=priors.get(enterprise.pk, {}),
            last_year=last_year.get(enterprise.pk, {}),
            last_year_outputs=lines_before.get(enterprise.pk, []),
        )
        for enterprise in enterprises
    ]


def _boxed(ws: Worksheet, row: int, values: Sequence[Any], *, bold: bool = False, formats: Sequence[str] = ()) -> None:
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column, value=value)
        cell.border = _BOX
        if bold:
            cell.font = _BOLD
            cell.alignment = Alignment(horizontal="center", vertical="center")
        if column - 4 >= 0 and column - 4 < len(formats) and isinstance(value, Decimal):
            cell.number_format = formats[column - 4]


def _write_form(ws: Worksheet, form: b204.EnterpriseForm) -> None:
    """One enterprise's form, laid out as the paper form: heading block, part one, part two."""
    ws.merge_cells("A1:G1")
    ws["A1"] = b204.FORM_TITLE
    ws["A1"].font = _TITLE
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"] = f"统一社会信用代码：{form.credit_code}"
    ws["E2"] = f"表    号：{b204.FORM_CODE}"
    ws["A3"] = f"单位详细名称：{form.name}"
    ws["E3"] = f"制定机关：{b204.FORM_AUTHORITY}"
    ws["A4"] = f"{form.year}年{form.month}月"
    row = _head(ws, 6, b204.PART_ONE_HEAD)
    for line in form.lines:
        money = line.indicator.unit == "千元"
        values = [b204.thousands(d.value) if money else d.value for d in line.figures]
        _boxed(ws, row, (line.indicator.label, line.indicator.unit, line.indicator.code, *values),
               formats=(_THOUSANDS_FORMAT,) * 4)  # fmt: skip
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="主要工业产品产量").font = _BOLD
    row = _head(ws, row + 1, b204.PART_TWO_HEAD)
    for product in form.products:
        values = [d.value for d in product.figures]
        _boxed(ws, row, (product.product_name, product.unit, product.product_code, *values),
               formats=(_QUANTITY_FORMAT,) * 4)  # fmt: skip
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="说明：金额单位千元；空白表示ParkOS中没有可推算的数据，见“数据来源”表。")
    for column, width in zip("ABCDEFG", (34, 12, 10, 14, 14, 14, 14), strict=True):
        ws.column_dimensions[column].width = width


def _head(ws: Worksheet, row: int, heads: Sequence[str]) -> int:
    """The form's three head rows at ``row`` — 甲乙丙's heads over two rows, 本年 and 上年同期 over
    two columns each, then the letters and numbers; returns the next row."""
    _boxed(ws, row, (*heads[:3], *b204.GROUP_HEAD[3:]), bold=True)
    _boxed(ws, row + 1, ("", "", "", *heads[3:]), bold=True)
    for first, last in ("D", "E"), ("F", "G"):
        ws.merge_cells(f"{first}{row}:{last}{row}")
    for column in "ABC":
        ws.merge_cells(f"{column}{row}:{column}{row + 1}")
    _boxed(ws, row + 2, b204.COLUMN_LETTERS, bold=True)
    return row + 3


@dataclass(frozen=True)
class _Trace:
    enterprise: str
    credit_code: str
    item: str
    code: str
    column: str
    value: Decimal | None
    unit: str
    how: str
    sources: str


def _source_text(table: str, keys: Iterable[int]) -> str:
    return "；".join(f"{table}#{key}" for key in keys)


def _traces(form: b204.EnterpriseForm) -> Iterable[_Trace]:
    for line in form.lines:
        money = line.indicator.unit == "千元"
        for column, derived in zip(b204.COLUMNS, line.figures, strict=True):
            table = "主要产品产量" if "产品" in derived.how else "月度统计报表"
            value = b204.thousands(derived.value) if money else derived.value
            yield _Trace(form.name, form.credit_code, line.indicator.label, line.indicator.code, column,
                         value, line.indicator.unit, derived.how, _source_text(table, derived.keys))  # fmt: skip
    for product in form.products:
        for column, derived in zip(b204.COLUMNS, product.figures, strict=True):
            yield _Trace(form.name, form.credit_code, product.product_name, product.product_code, column,
                         derived.value, product.unit, derived.how, _source_text("主要产品产量", derived.keys))  # fmt: skip


_TRACE_HEAD = ("企业名称", "统一社会信用代码", "指标/产品", "代码", "栏次", "数值", "单位", "推算方式", "来源记录")


def b204_workbook(forms: Sequence[b204.EnterpriseForm], *, park: Park, year: int, month: int) -> bytes:
    """One sheet per enterprise (the form as printed), then "数据来源"."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None  # a new Workbook always has one sheet
    workbook.remove(first)
    used: set[str] = set()
    for form in forms:
        title = sheet_title(f"{form.name}")
        if title in used:
            title = sheet_title(f"{form.name[:24]}-{form.enterprise_id}")
        used.add(title)
        _write_form(workbook.create_sheet(title), form)
    trace = workbook.create_sheet("数据来源")
    trace.append([f"{park.name} {year}年{month}月 {b204.FORM_CODE}{b204.FORM_TITLE}：各数值的来源"])
    trace.append(list(_TRACE_HEAD))
    for cell in trace[2]:
        cell.font = _BOLD
    for form in forms:
        for item in _traces(form):
            trace.append([item.enterprise, item.credit_code, item.item, item.code, item.column, item.value,
                          item.unit, item.how, item.sources])  # fmt: skip
    for column, width in enumerate((30, 22, 26, 8, 14, 16, 10, 44, 40), start=1):
        trace.column_dimensions[get_column_letter(column)].width = width
    if not forms:
        trace.append([_("本月没有企业填报工业总产值或产品产量")])
    for sheet in workbook.worksheets:
        neutralise_formulas(cell for row in sheet.iter_rows() for cell in row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- 亩均 submission -----------------------------------------------------------------------------


def park_scheme(park: Park, key: str | None = None) -> muju.Scheme:
    """The scheme named, else the park's (its statistics settings), else the park default."""
    if key is None:
        key = (
            ParkStatisticsSettings.objects.filter(park=park).values_list("muju_scheme", flat=True).first()
            or muju.PARK_DEFAULT.key
        )
    return muju.SCHEMES.get(key, muju.PARK_DEFAULT)


#: The submission's fixed columns before the scheme's indicators (RULES §6.6).
MUJU_HEAD: Final = (
    "序号",
    "统一社会信用代码",
    "企业名称",
    "行业代码",
    "评价类别",
    "用地面积（亩）",
    "税收实际贡献（万元）",
    "营业收入（万元）",
    "研发经费支出（万元）",
    "综合能源消费量（吨标准煤）",
    "年平均职工人数（人）",
)
_MUJU_INPUTS: Final = (muju.TAXES, muju.REVENUE, muju.RND, muju.ENERGY, muju.EMPLOYEES)
_WAN: Final = Decimal(10000)


def _wan(key: str, value: Decimal | None) -> Decimal | None:
    if value is None or key in (muju.ENERGY, muju.EMPLOYEES):
        return value
    return value / _WAN


def muju_workbook(*, park: Park, year: int, scheme: muju.Scheme) -> bytes:
    """The 亩均 evaluation submission of a park's year under a scheme: one row per enterprise evaluated,
    inputs, each indicator's value and points, total, rank and grade; then the scheme's benchmarks."""
    lines = selectors.muju_evaluation(park_id=park.pk, year=year, scheme=scheme)
    facts = {
        pk: (code or "", industry or "")
        for pk, code, industry in Enterprise.objects.filter(pk__in=[line.enterprise_id for line in lines]).values_list(
            "pk", "credit_code", "industry_code"
        )
    }
    categories = dict(MujuCategory.choices)
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet_title("亩均效益评价汇总表")
    indicator_heads = [
        head
        for indicator in scheme.indicators
        for head in (f"{indicator.label}（{indicator.unit}）" if indicator.unit else str(indicator.label), "得分")
    ]
    ws.append([f"{park.name} {year}年度 亩均效益综合评价企业汇总表（{scheme.name}）"])
    ws.append([*MUJU_HEAD, *indicator_heads, "综合得分", "排名", "评价等级"])
    for cell in ws[2]:
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for number, line in enumerate(lines, start=1):
        code, industry = facts.get(line.enterprise_id, ("", ""))
        graded = line.graded
        category = graded.score.category or ""
        items = []
        for item in graded.score.items:
            items += [item.value, item.points]
        ws.append([
            number,
            code,
            line.name,
            industry,
            str(categories.get(category, category)) if category else "参评",
            None if line.land_mu is None else line.land_mu.quantize(Decimal("0.01")),
            *(_wan(key, line.inputs.get(key)) for key in _MUJU_INPUTS),
            *items,
            graded.total,
            graded.rank,
            graded.display,
        ])  # fmt: skip
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
    for column in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(column)].width = 14 if column != 3 else 30
    notes = workbook.create_sheet("评价口径与来源")
    notes.append(["评价办法", str(scheme.name)])
    notes.append(["指标", "权重", "基准值", "单位"])
    for indicator in scheme.indicators:
        notes.append([str(indicator.label), indicator.weight, indicator.benchmark, str(indicator.unit)])
    notes.append([])
    notes.append(["数据来源"])
    notes.append(["税收、营业收入、研发经费、从业人员", f"{year}年月度统计报表（1–12月），按企业汇总"])
    notes.append(["综合能源消费量", "有计量表的企业取智慧园区能耗计量，否则取月度统计报表填报数"])
    notes.append(["用地面积", "租售合同所涉地块面积；企业园区档案中录入的用地面积优先"])
    for sheet in workbook.worksheets:
        neutralise_formulas(cell for row in sheet.iter_rows() for cell in row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
