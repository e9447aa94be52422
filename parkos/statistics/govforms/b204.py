"""B204-1表 工业产销总值及主要产品产量: the form's layout and how each cell is derived (pure rules).

The layout (RULES §10.5, with its source; docs/domain/govforms.md): columns 甲 指标名称 · 乙 计量单位 ·
丙 代码, then 本年 (1 本月, 2 1—本月) and 上年同期 (3 本月, 4 1—本月). Part one lists 工业总产值（当年价格）
(01), 工业销售产值（当年价格） (03) and 其中：出口交货值 (04) in 千元, and 企业用电量 (05) in 万千瓦小时;
part two the main products — 产品名称, 计量单位, 产品代码 — with their output in the same four columns.
上年同期 is the enterprise's re-reported prior-year figure where its rows carry one, else derived
from its own rows (and product output) of the year before, by the same rules.

Every cell is a `Derived`: its value, the keys of the rows it came from and how (e.g. "1–3月累计 −
1–2月累计"), so the export's source sheet can show where each figure came from. A cell that cannot
be derived from what was reported stays empty (never 0) and says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

FORM_CODE: Final = "B204-1表"
FORM_TITLE: Final = "工业产销总值及主要产品产量"
FORM_AUTHORITY: Final = "国家统计局"
THOUSAND: Final = Decimal(1000)
ZERO: Final = Decimal(0)


@dataclass(frozen=True)
class Indicator:
    """A line of part one: its name, unit and code as printed, and the MonthlyReport field it reads."""

    label: str
    unit: str
    code: str
    field: str | None  # None: ParkOS does not collect it


#: Part one of the form, in its order (RULES §10.5).
INDICATORS: Final = (
    Indicator("工业总产值（当年价格）", "千元", "01", "output"),
    Indicator("工业销售产值（当年价格）", "千元", "03", None),
    Indicator("其中：出口交货值", "千元", "04", "exports"),
    Indicator("企业用电量", "万千瓦小时", "05", None),
)
#: The column heads of both parts: the first row's groups (本年, 上年同期 over two columns each), the
#: second row's heads, then the form's letter (甲 乙 丙) and number (1–4) columns.
GROUP_HEAD: Final = ("", "", "", "本年", "", "上年同期", "")
PART_ONE_HEAD: Final = ("指标名称", "计量单位", "代码", "本月", "1—本月", "本月", "1—本月")
PART_TWO_HEAD: Final = ("产品名称", "计量单位", "产品代码", "本月", "1—本月", "本月", "1—本月")
COLUMN_LETTERS: Final = ("甲", "乙", "丙", "1", "2", "3", "4")
#: The 栏次 of each of the four figures, as the source sheet names them.
COLUMNS: Final = ("本年本月", "本年1—本月", "上年同期本月", "上年同期1—本月")


@dataclass(frozen=True)
class ReportedMonth:
    """One MonthlyReport row's figure: `cumulative` 1..month, else the month alone."""

    key: int
    month: int
    cumulative: bool
    value: Decimal | None


@dataclass(frozen=True)
class Derived:
    value: Decimal | None
    keys: tuple[int, ...] = ()
    how: str = ""

    @property
    def empty(self) -> bool:
        return self.value is None


def _span(month: int) -> str:
    return f"{month}月" if month == 1 else f"1–{month}月"


def year_to_date(rows: Mapping[int, ReportedMonth], month: int) -> Derived:
    """The 1..month total: a cumulative row as it stands; monthly rows summed (every month needed)."""
    row = rows.get(month)
    if row is None or row.value is None:
        return Derived(None, how=f"{month}月未填报")
    if row.cumulative:
        return Derived(row.value, (row.key,), f"{_span(month)}累计")
    if month == 1:
        return Derived(row.value, (row.key,), "1月当月")
    before = year_to_date(rows, month - 1)
    if before.value is None:
        return Derived(None, before.keys, f"{before.how}，无法累计1—{month}月")
    return Derived(before.value + row.value, (*before.keys, row.key), f"1–{month}月各月当月数之和")


def this_month(rows: Mapping[int, ReportedMonth], month: int) -> Derived:
    """The month alone: a monthly row as it stands; a cumulative one less the 1..month−1 total."""
    row = rows.get(month)
    if row is None or row.value is None:
        return Derived(None, how=f"{month}月未填报")
    if not row.cumulative:
        return Derived(row.value, (row.key,), f"{month}月当月")
    if month == 1:
        return Derived(row.value, (row.key,), "1月累计即当月")
    before = year_to_date(rows, month - 1)
    if before.value is None:
        return Derived(None, (row.key,), f"缺少1—{month - 1}月累计数，无法推算本月")
    return Derived(row.value - before.value, (row.key, *before.keys), f"{_span(month)}累计 − {_span(month - 1)}累计")


@dataclass(frozen=True)
class OutputLine:
    """One ProductOutput row: a product's output of a month (quantity in `unit`, exports in 元)."""

    key: int
    month: int
    product_name: str
    unit: str  # the unit as printed (万件, 吨, …)
    product_code: str
    quantity: Decimal
    exports: Decimal | None


@dataclass(frozen=True)
class FormLine:
    indicator: Indicator
    this_month: Derived
    year_to_date: Derived
    prior_month: Derived = Derived(None)
    prior_year_to_date: Derived = Derived(None)

    @property
    def figures(self) -> tuple[Derived, Derived, Derived, Derived]:
        """Columns 1–4, in the form's order (:data:`COLUMNS`)."""
        return (self.this_month, self.year_to_date, self.prior_month, self.prior_year_to_date)


@dataclass(frozen=True)
class ProductLine:
    product_name: str
    unit: str
    product_code: str
    this_month: Derived
    year_to_date: Derived
    prior_month: Derived = Derived(None)
    prior_year_to_date: Derived = Derived(None)

    @property
    def figures(self) -> tuple[Derived, Derived, Derived, Derived]:
        return (self.this_month, self.year_to_date, self.prior_month, self.prior_year_to_date)


@dataclass(frozen=True)
class EnterpriseForm:
    """One enterprise's B204-1 of a month; money in 元 (the writer prints 千元)."""

    enterprise_id: int
    name: str
    credit_code: str
    year: int
    month: int
    lines: tuple[FormLine, ...]
    products: tuple[ProductLine, ...] = field(default=())


def _product_exports(outputs: Sequence[OutputLine], month: int) -> tuple[Derived, Derived]:
    """Code 03 from the product lines' 出口交货值, where the enterprise's report has none."""
    with_exports = [line for line in outputs if line.exports is not None]
    if not with_exports:
        return Derived(None, how="未填报出口交货值"), Derived(None, how="未填报出口交货值")
    now = [line for line in with_exports if line.month == month]
    current = Derived(
        sum((line.exports or ZERO for line in now), ZERO) if now else None,
        tuple(line.key for line in now),
        "本月各产品出口交货值之和" if now else f"{month}月未填报产品出口交货值",
    )
    total = Derived(
        sum((line.exports or ZERO for line in with_exports), ZERO),
        tuple(line.key for line in with_exports),
        f"1–{month}月各产品出口交货值之和",
    )
    return current, total


def _product_figures(lines: Sequence[OutputLine], month: int, prefix: str = "") -> tuple[Derived, Derived]:
    """本月 (the month's row; empty when the month has none: not reported is not zero) and 1—本月
    (the sum of the months recorded) of one product's lines of a year."""
    now = [line for line in lines if line.month == month]
    current = (
        Derived(now[0].quantity, (now[0].key,), f"{prefix}{month}月产量")
        if now
        else Derived(None, how=f"{prefix}{month}月未填报该产品产量")
    )
    if not lines:
        return current, Derived(None, how=f"{prefix}未填报该产品产量")
    months = sorted({line.month for line in lines})
    total = Derived(
        sum((line.quantity for line in lines), ZERO),
        tuple(line.key for line in lines),
        prefix + "、".join(f"{m}月" for m in months) + "产量之和",
    )
    return current, total


def product_lines(
    outputs: Sequence[OutputLine], month: int, last_year: Sequence[OutputLine] = ()
) -> tuple[ProductLine, ...]:
    """Part two: each (product, unit) with output in months 1..month, in name order, with the same
    product's output of the year before (``last_year``) as 上年同期."""
    grouped: dict[tuple[str, str], list[OutputLine]] = defaultdict(list)
    for line in outputs:
        if line.month <= month:
            grouped[(line.product_name, line.unit)].append(line)
    before: dict[tuple[str, str], list[OutputLine]] = defaultdict(list)
    for line in last_year:
        if line.month <= month:
            before[(line.product_name, line.unit)].append(line)
    result = []
    for (name, unit), lines in sorted(grouped.items()):
        code = next((line.product_code for line in reversed(lines) if line.product_code), "")
        current, total = _product_figures(lines, month)
        prior, prior_total = _product_figures(before.get((name, unit), []), month, "上年")
        result.append(ProductLine(name, unit, code, current, total, prior, prior_total))
    return tuple(result)


def build_form(
    *,
    enterprise_id: int,
    name: str,
    credit_code: str,
    year: int,
    month: int,
    reports: Mapping[str, Mapping[int, ReportedMonth]],
    outputs: Sequence[OutputLine],
    priors: Mapping[str, Mapping[int, ReportedMonth]] | None = None,
    last_year: Mapping[str, Mapping[int, ReportedMonth]] | None = None,
    last_year_outputs: Sequence[OutputLine] = (),
) -> EnterpriseForm:
    """An enterprise's form for a month from its report rows (by field, by month) and output lines;
    上年同期 from the priors its rows re-report (``priors``, by field, by month), else from its rows
    and output lines of the year before.

    出口交货值 (04) comes from the enterprise's monthly report; where that has none, from the sum of
    its products' 出口交货值 (the products it makes for export are the ones that carry one).
    """
    lines = []
    for indicator in INDICATORS:
        if indicator.field is None:
            missing = Derived(None, how="ParkOS未采集该指标，请企业在联网直报中填写")
            lines.append(FormLine(indicator, missing, missing, missing, missing))
            continue
        current, total = _figures(reports, indicator.field, outputs, month)
        prior, prior_total = _prior_figures(indicator.field, month, priors or {}, last_year or {}, last_year_outputs)
        lines.append(FormLine(indicator, current, total, prior, prior_total))
    return EnterpriseForm(
        enterprise_id=enterprise_id,
        name=name,
        credit_code=credit_code,
        year=year,
        month=month,
        lines=tuple(lines),
        products=product_lines(outputs, month, last_year_outputs),
    )


def _figures(
    reports: Mapping[str, Mapping[int, ReportedMonth]], field: str, outputs: Sequence[OutputLine], month: int
) -> tuple[Derived, Derived]:
    """本月 and 1—本月 of one field of a year's rows (出口交货值 from the products where the rows have none)."""
    rows = reports.get(field, {})
    current, total = this_month(rows, month), year_to_date(rows, month)
    if field == "exports" and current.empty and total.empty:
        current, total = _product_exports([o for o in outputs if o.month <= month], month)
    return current, total


def _prior_figures(
    field: str,
    month: int,
    priors: Mapping[str, Mapping[int, ReportedMonth]],
    last_year: Mapping[str, Mapping[int, ReportedMonth]],
    last_year_outputs: Sequence[OutputLine],
) -> tuple[Derived, Derived]:
    """上年同期: each of 本月 and 1—本月 from the re-reported priors where they give it (RULES §10.2:
    re-reported first), else from last year's own rows."""
    rows = priors.get(field, {})
    own_month, own_total = _figures(last_year, field, last_year_outputs, month)
    return (
        _first_known(this_month(rows, month), own_month),
        _first_known(year_to_date(rows, month), own_total),
    )


def _first_known(reported: Derived, own: Derived) -> Derived:
    """The re-reported figure if there is one, else last year's own; the source says which."""
    if not reported.empty:
        return Derived(reported.value, reported.keys, f"本年报表所报上年同期数：{reported.how}")
    return Derived(own.value, own.keys, f"上年报表：{own.how}")


def thousands(value: Decimal | None) -> Decimal | None:
    """元 → 千元, exact (the form prints 千元; the cell keeps every digit)."""
    return None if value is None else value / THOUSAND
