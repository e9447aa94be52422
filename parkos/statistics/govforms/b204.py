"""B204-1表 工业产销总值及主要产品产量: the form's layout and how each cell is derived (pure rules).

The layout (RULES §10.5; docs/domain/govforms.md): part one lists 工业总产值（当年价格） (01),
工业销售产值（当年价格） (02) and 其中：出口交货值 (03) in 千元, each 本月 and 1—本月; part two lists
the main products — 产品名称, 计量单位, 产品代码 — with their output 本月 and 1—本月.

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
    Indicator("工业销售产值（当年价格）", "千元", "02", None),
    Indicator("其中：出口交货值", "千元", "03", "exports"),
)
#: The column heads of both parts (甲 乙 丙 are the form's letter columns, 1 2 its number columns).
PART_ONE_HEAD: Final = ("指标名称", "计量单位", "代码", "本月", "1—本月")
PART_TWO_HEAD: Final = ("产品名称", "计量单位", "产品代码", "本月", "1—本月")
COLUMN_LETTERS: Final = ("甲", "乙", "丙", "1", "2")


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


@dataclass(frozen=True)
class ProductLine:
    product_name: str
    unit: str
    product_code: str
    this_month: Derived
    year_to_date: Derived


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


def product_lines(outputs: Sequence[OutputLine], month: int) -> tuple[ProductLine, ...]:
    """Part two: each (product, unit) with output in months 1..month, in name order.

    本月 is the month's row (empty when the month has none: not reported is not zero); 1—本月 the sum
    of the months recorded.
    """
    grouped: dict[tuple[str, str], list[OutputLine]] = defaultdict(list)
    for line in outputs:
        if line.month <= month:
            grouped[(line.product_name, line.unit)].append(line)
    result = []
    for (name, unit), lines in sorted(grouped.items()):
        now = [line for line in lines if line.month == month]
        code = next((line.product_code for line in reversed(lines) if line.product_code), "")
        current = (
            Derived(now[0].quantity, (now[0].key,), f"{month}月产量")
            if now
            else Derived(None, how=f"{month}月未填报该产品产量")
        )
        months = sorted({line.month for line in lines})
        total = Derived(
            sum((line.quantity for line in lines), ZERO),
            tuple(line.key for line in lines),
            "、".join(f"{m}月" for m in months) + "产量之和",
        )
        result.append(ProductLine(name, unit, code, current, total))
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
) -> EnterpriseForm:
    """An enterprise's form for a month from its report rows (by field, by month) and output lines.

    出口交货值 (03) comes from the enterprise's monthly report; where that has none, from the sum of
    its products' 出口交货值 (the products it makes for export are the ones that carry one).
    """
    lines = []
    for indicator in INDICATORS:
        if indicator.field is None:
            missing = Derived(None, how="ParkOS未采集该指标，请企业在联网直报中填写")
            lines.append(FormLine(indicator, missing, missing))
            continue
        rows = reports.get(indicator.field, {})
        current, total = this_month(rows, month), year_to_date(rows, month)
        if indicator.field == "exports" and current.empty and total.empty:
            current, total = _product_exports([o for o in outputs if o.month <= month], month)
        lines.append(FormLine(indicator, current, total))
    return EnterpriseForm(
        enterprise_id=enterprise_id,
        name=name,
        credit_code=credit_code,
        year=year,
        month=month,
        lines=tuple(lines),
        products=product_lines(outputs, month),
    )


def thousands(value: Decimal | None) -> Decimal | None:
    """元 → 千元, exact (the form prints 千元; the cell keeps every digit)."""
    return None if value is None else value / THOUSAND
