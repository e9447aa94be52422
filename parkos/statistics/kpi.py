"""Park KPIs from enterprise monthly statistics: totals, comparable growth, 规上 and 升规.

Pure functions over frozen dataclasses (RULES §5, §10). Selectors read ``MonthlyReport`` rows,
turn them into :class:`MonthlyFigures` and get figures back; nothing here touches the database.
Every figure carries the keys ``(enterprise_id, year, month)`` of the rows it was computed from,
so a report cell can link to its sources (DESIGN: "every KPI can be traced back to its rows").

Units: money in 元 (Decimal), employees in persons, energy in 吨标准煤. Thresholds of
:mod:`parkos.enterprises.sizing` are in 万元 and are converted here.

Conventions, and why:

Rows.
    A row is either *cumulative* (本年 1–N月, the form of 联网直报 and NBS releases) or *monthly*
    (当月). One enterprise reports one year in one form; mixing them is refused, because a
    cumulative figure next to monthly ones cannot be split without guessing. Two rows with the
    same key are refused too. ``employees`` is a stock (期末从业人员): it is never differenced or
    summed over months; a period's headcount is the one reported for its last month.

Missing months (:func:`to_monthly`).
    A cumulative row for month N is differenced against the enterprise's previous cumulative row
    of the same year, month M. When M < N − 1 (a month was not reported, or January, which
    规上 enterprises are exempt from: the first release is 1–2月) the difference covers months
    M+1..N together and is returned as one row for month N with ``span_start = M + 1``; the first
    row of a year covers 1..N. Nothing is spread over the gap, because any split would be an
    invention. A period can only be measured for an enterprise whose rows tile it exactly: 1–2月
    and 1–3月 are measurable from a 1–2月 report, February alone is not ("--", as in NBS tables,
    which publish no separate January or February figures).

Growth (:func:`comparable_growth`).
    累计同比 on the comparable basis of RULES §10.2: the same set of enterprises on both sides,
    namely those that report the whole period this year *and* a figure for last year's same
    period. The prior-year figure is the one the enterprise re-reported with this year's rows
    (上年同期数, which already reflects restatements and scope changes) and, only where that is
    missing, its own stored rows of last year. :func:`naive_growth` is the ratio of the two
    published totals, for contrast: it moves when enterprises enter or leave the population.

Above scale and 升规 (:func:`scale_events`).
    An enterprise is 规上 at a month when its revenue measure reaches the threshold of its
    industry (``>=``, RULES §5). The measure is either ``"trailing12"`` — revenue of the twelve
    months ending that month — or ``"cumulative"`` — revenue of 1..that month of the year (the
    annual basis of 年度入库). Unreported months count as nothing, so the measure is a lower bound
    and a crossing is never invented by missing data; it may be found late. 升规 is the *first*
    month in which the measure reaches the threshold, evaluated at each month the enterprise
    reported; later dips and recoveries are not new 升规 (once in the 名录库 an enterprise stays
    until the annual review, which this module does not model). Enterprises already 规上 before the
    data starts are passed as ``already_above`` so their first months are not mistaken for 升规.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict, cast

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parkos.core.units import NOT_COMPUTABLE, WAN, format_growth, format_money, format_pp, growth_rate
from parkos.enterprises.sizing import (
    UPGRADE_WATCH_BAND,
    SizeClass,
    above_scale_threshold,
    size_class,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "INDICATORS",
    "INDICATOR_LABELS",
    "INDICATOR_UNITS",
    "STOCK_INDICATORS",
    "Figure",
    "GrowthFigure",
    "Indicator",
    "IndicatorValues",
    "MonthlyFigures",
    "PeriodTable",
    "PeriodTotals",
    "RevenueBasis",
    "RowKey",
    "RowSet",
    "ScaleEvent",
    "SourceKeys",
    "TotalsSide",
    "Unit",
    "UpgradeCandidate",
    "above_scale_set",
    "comparable_growth",
    "enterprise_period_totals",
    "enterprises_by_size_class",
    "growth_by_enterprise",
    "growth_of",
    "naive_growth",
    "new_above_scale",
    "period_total",
    "pp_difference",
    "reaches_threshold",
    "revenue_measure",
    "rnd_intensity",
    "rnd_intensity_of",
    "scale_events",
    "size_class_of",
    "threshold_yuan",
    "to_monthly",
    "total_of",
    "totals_by_enterprise",
    "upgrade_candidates",
    "yoy",
]

Indicator = Literal[
    "output",
    "revenue",
    "profit",
    "taxes",
    "rnd_spending",
    "employees",
    "energy_tce",
    "fixed_asset_investment",
    "exports",
]
Unit = Literal["yuan", "person", "tce", "percent", "pp"]
RevenueBasis = Literal["trailing12", "cumulative"]
#: A stored row's identity: (enterprise_id, year, month).
RowKey = tuple[int, int, int]

INDICATORS: Final[tuple[Indicator, ...]] = (
    "output",
    "revenue",
    "profit",
    "taxes",
    "rnd_spending",
    "employees",
    "energy_tce",
    "fixed_asset_investment",
    "exports",
)
#: Indicators that are levels at a date, not flows over a period.
STOCK_INDICATORS: Final[frozenset[Indicator]] = frozenset({"employees"})

INDICATOR_UNITS: Final[Mapping[Indicator, Unit]] = {
    "output": "yuan",
    "revenue": "yuan",
    "profit": "yuan",
    "taxes": "yuan",
    "rnd_spending": "yuan",
    "employees": "person",
    "energy_tce": "tce",
    "fixed_asset_investment": "yuan",
    "exports": "yuan",
}

INDICATOR_LABELS: Final[Mapping[Indicator, StrPromise]] = {
    "output": _("工业总产值"),
    "revenue": _("营业收入"),
    "profit": _("利润总额"),
    "taxes": _("税金总额"),
    "rnd_spending": _("R&D经费支出"),
    "employees": _("从业人员"),
    "energy_tce": _("综合能源消费量"),
    "fixed_asset_investment": _("固定资产投资"),
    "exports": _("出口交货值"),
}

PERCENT_DIGITS: Final = 1
_HUNDRED: Final = Decimal(100)


def _round(value: Decimal, digits: int) -> Decimal:
    """Round half up (the convention of Chinese statistical tables); never return negative zero."""
    result = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def yoy(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """同比 in percent to one decimal: yoy(120, 100) = 20.0; None ("--") on a zero/negative/missing base."""
    rate = growth_rate(current, previous)
    return None if rate is None else _round(rate, PERCENT_DIGITS)


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IndicatorValues:
    """The indicator values of one report; None where the enterprise did not report the item."""

    output: Decimal | None = None  # 工业总产值 (current prices), 元
    revenue: Decimal | None = None  # 营业收入, 元
    profit: Decimal | None = None  # 利润总额, 元
    taxes: Decimal | None = None  # 税金总额, 元
    rnd_spending: Decimal | None = None  # R&D经费支出, 元
    employees: Decimal | None = None  # 期末从业人员, persons (a stock)
    energy_tce: Decimal | None = None  # 综合能源消费量, 吨标准煤
    fixed_asset_investment: Decimal | None = None  # 固定资产投资, 元
    exports: Decimal | None = None  # 出口交货值, 元

    def __post_init__(self) -> None:
        for name in INDICATORS:
            value = getattr(self, name)
            # Floats carry binary noise into money; refuse them rather than convert silently.
            if value is not None and (not isinstance(value, Decimal) or not value.is_finite()):
                raise TypeError(f"{name} must be a finite Decimal or None, not {value!r}")

    def get(self, indicator: Indicator) -> Decimal | None:
        """The value of one indicator."""
        if indicator not in INDICATORS:
            raise ValueError(f"unknown indicator {indicator!r}")
        value: Decimal | None = getattr(self, indicator)
        return value


@dataclass(frozen=True, kw_only=True)
class MonthlyFigures(IndicatorValues):
    """One enterprise's statistics report for one month, as submitted.

    ``is_cumulative``: the values are 本年 1..``month`` totals (and ``prior_year_same_period`` is 上年
    1..``month``); otherwise they are the month's own (and the prior is the same month last year).
    ``prior_year_same_period`` holds the 上年同期数 the enterprise re-reported with this row.
    ``span_start`` marks a monthly row that covers months ``span_start..month`` together (see
    :func:`to_monthly`); it is None for a row of a single month.
    """

    enterprise_id: int
    year: int
    month: int
    is_cumulative: bool = False
    prior_year_same_period: IndicatorValues | None = None
    span_start: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1..12, got {self.month}")
        if self.span_start is not None and (self.is_cumulative or not 1 <= self.span_start <= self.month):
            raise ValueError(f"span_start {self.span_start} is invalid for month {self.month}")

    @property
    def key(self) -> RowKey:
        return (self.enterprise_id, self.year, self.month)

    @property
    def months_covered(self) -> range:
        """The months of the year the values are for."""
        if self.is_cumulative:
            return range(1, self.month + 1)
        return range(self.span_start or self.month, self.month + 1)


class _Values(TypedDict):
    """The keyword arguments of :class:`IndicatorValues`, for building one from a loop."""

    output: Decimal | None
    revenue: Decimal | None
    profit: Decimal | None
    taxes: Decimal | None
    rnd_spending: Decimal | None
    employees: Decimal | None
    energy_tce: Decimal | None
    fixed_asset_investment: Decimal | None
    exports: Decimal | None


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A computed value with its unit and the keys of the rows it came from; None shows as "--"."""

    value: Decimal | None
    unit: Unit
    sources: Sequence[RowKey] = ()

    @property
    def display(self) -> str:
        """The value as a report prints it: "37.0 亿元", "1,204 人", "3.2%", "0.5个百分点", "--"."""
        if self.value is None:
            return NOT_COMPUTABLE
        if self.unit == "yuan":
            return format_money(self.value)
        if self.unit == "person":
            return gettext("%(value)s 人") % {"value": f"{_round(self.value, 0):,.0f}"}
        if self.unit == "tce":
            return gettext("%(value)s 吨标准煤") % {"value": f"{_round(self.value, 2):,.2f}"}
        if self.unit == "percent":
            return f"{_round(self.value, PERCENT_DIGITS):.{PERCENT_DIGITS}f}%"
        return format_pp(self.value)


@dataclass(frozen=True)
class GrowthFigure:
    """A growth rate with the totals behind it, the enterprises compared and the source rows.

    ``current`` and ``previous`` are the two sides over ``enterprises``; ``rate`` is rounded to one
    decimal, ``display`` follows NBS tables ("21.2%", "-3.4%", "1.5倍", "--") and is formatted from
    the unrounded rate so that "X倍" is rounded once.
    """

    current: Decimal | None
    previous: Decimal | None
    enterprises: frozenset[int]
    sources: Sequence[RowKey] = ()

    @property
    def rate(self) -> Decimal | None:
        return yoy(self.current, self.previous)

    @property
    def exact_rate(self) -> Decimal | None:
        return growth_rate(self.current, self.previous)

    @property
    def display(self) -> str:
        return format_growth(self.current, self.previous)


@dataclass(frozen=True)
class ScaleEvent:
    """The month an enterprise first reached its 规上 threshold (升规), with the revenue that did it."""

    enterprise_id: int
    year: int
    month: int
    revenue: Figure
    threshold: Decimal  # 元
    basis: RevenueBasis


@dataclass(frozen=True)
class UpgradeCandidate:
    """A 规下 enterprise whose revenue is within the watch band under its threshold."""

    enterprise_id: int
    revenue: Figure
    threshold: Decimal  # 元
    share: Decimal  # revenue / threshold, in (band, 1)


# --- internals: rows → spans ---------------------------------------------------------------------

# A span is a stretch of months of one enterprise-year whose value is a signed sum of stored rows:
# a cumulative row N minus the previous cumulative row M covers M+1..N; a monthly row covers its
# own months. Summing spans adds their coefficients, so a cumulative 1..N total telescopes back to
# the single row N and the sources list exactly the rows whose values count.
_Terms = dict[RowKey, tuple[MonthlyFigures, int]]


@dataclass(frozen=True)
class _Span:
    first: int
    last: int
    end_row: MonthlyFigures  # the row keyed at ``last``
    terms: tuple[tuple[MonthlyFigures, int], ...]


class RowSet(tuple[MonthlyFigures, ...]):
    """Rows that remember their grouping: pass one RowSet to many engine functions (a report calls
    about thirty) and the rows are grouped into spans once instead of once per call. Immutable, so
    the cache cannot go stale."""

    def __new__(cls, rows: Iterable[MonthlyFigures] = ()) -> RowSet:
        instance = super().__new__(cls, rows)
        instance._cache = {}
        return instance

    _cache: dict[str, object]


def _group(rows: Iterable[MonthlyFigures]) -> dict[tuple[int, int], list[_Span]]:
    """Spans per (enterprise, year), in month order (cached on a :class:`RowSet`)."""
    if isinstance(rows, RowSet):
        if "group" not in rows._cache:
            rows._cache["group"] = _group_rows(rows)
        return cast(dict[tuple[int, int], list[_Span]], rows._cache["group"])
    return _group_rows(rows)


def _group_rows(rows: Iterable[MonthlyFigures]) -> dict[tuple[int, int], list[_Span]]:
    """Spans per (enterprise, year), in month order; refuses duplicate keys and mixed forms."""
    by_year: dict[tuple[int, int], list[MonthlyFigures]] = defaultdict(list)
    seen: set[RowKey] = set()
    for row in rows:
        if row.key in seen:
            raise ValueError(f"two rows for enterprise {row.enterprise_id}, {row.year}-{row.month:02d}")
        seen.add(row.key)
        by_year[(row.enterprise_id, row.year)].append(row)
    result: dict[tuple[int, int], list[_Span]] = {}
    for (enterprise_id, year), group in by_year.items():
        group.sort(key=lambda row: row.month)
        if len({row.is_cumulative for row in group}) > 1:
            raise ValueError(f"enterprise {enterprise_id} reports {year} both cumulatively and monthly")
        spans: list[_Span] = []
        previous: MonthlyFigures | None = None
        for row in group:
            if row.is_cumulative:
                terms = ((row, 1),) if previous is None else ((row, 1), (previous, -1))
                first = 1 if previous is None else previous.month + 1
                previous = row
            else:
                terms = ((row, 1),)
                first = row.months_covered.start
                if spans and first <= spans[-1].last:
                    raise ValueError(f"rows of enterprise {enterprise_id} overlap in {year}-{row.month:02d}")
            spans.append(_Span(first=first, last=row.month, end_row=row, terms=terms))
        result[(enterprise_id, year)] = spans
    return result


def _combine(spans: Iterable[_Span]) -> _Terms:
    combined: dict[RowKey, tuple[MonthlyFigures, int]] = {}
    for span in spans:
        for row, coefficient in span.terms:
            _, previous = combined.get(row.key, (row, 0))
            combined[row.key] = (row, previous + coefficient)
    return {key: term for key, term in combined.items() if term[1] != 0}


def _evaluate(terms: _Terms, indicator: Indicator, *, prior: bool) -> Decimal | None:
    """Σ coefficient × value over the terms; None if any value (or re-reported prior) is missing."""
    total = Decimal(0)
    for row, coefficient in terms.values():
        values = row.prior_year_same_period if prior else row
        value = None if values is None else values.get(indicator)
        if value is None:
            return None
        total += coefficient * value
    return total


@dataclass(frozen=True)
class _Contribution:
    """One enterprise's reported value for a period, its re-reported prior (if any) and its rows."""

    value: Decimal
    prior: Decimal | None
    sources: tuple[RowKey, ...]


def _stock(row: MonthlyFigures, indicator: Indicator) -> tuple[Decimal | None, Decimal | None]:
    prior = None if row.prior_year_same_period is None else row.prior_year_same_period.get(indicator)
    return row.get(indicator), prior


def _period(spans: Sequence[_Span], indicator: Indicator, first: int, last: int) -> _Contribution | None:
    """One enterprise-year over months first..last.

    None unless the enterprise reported the indicator for the whole period: for a flow, its rows
    must tile first..last exactly; for a stock, it needs the row of month ``last``.
    """
    if indicator in STOCK_INDICATORS:
        end_rows = [span.end_row for span in spans if span.last == last]
        if not end_rows:
            return None
        value, prior = _stock(end_rows[0], indicator)
        return None if value is None else _Contribution(value, prior, (end_rows[0].key,))
    inside = [span for span in spans if span.first >= first and span.last <= last]
    covered = sorted(month for span in inside for month in range(span.first, span.last + 1))
    if covered != list(range(first, last + 1)):
        return None
    terms = _combine(inside)
    value = _evaluate(terms, indicator, prior=False)
    if value is None:
        return None
    return _Contribution(value, _evaluate(terms, indicator, prior=True), tuple(sorted(terms)))


def _bounds(months: Iterable[int]) -> tuple[int, int]:
    """First and last month of a contiguous, non-empty set of months within 1..12."""
    ordered = sorted(set(months))
    if not ordered or ordered[0] < 1 or ordered[-1] > 12 or ordered != list(range(ordered[0], ordered[-1] + 1)):
        raise ValueError(f"months must be contiguous within 1..12, got {ordered}")
    return ordered[0], ordered[-1]


def _contributions(
    groups: Mapping[tuple[int, int], Sequence[_Span]],
    indicator: Indicator,
    year: int,
    first: int,
    last: int,
    enterprise_ids: Collection[int] | None,
) -> dict[int, _Contribution]:
    result: dict[int, _Contribution] = {}
    for (enterprise_id, row_year), spans in sorted(groups.items()):
        if row_year != year or (enterprise_ids is not None and enterprise_id not in enterprise_ids):
            continue
        contribution = _period(spans, indicator, first, last)
        if contribution is not None:
            result[enterprise_id] = contribution
    return result


def _check_indicator(indicator: Indicator) -> None:
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}")


# --- public: monthly values, totals, growth ------------------------------------------------------


def to_monthly(rows: Iterable[MonthlyFigures]) -> list[MonthlyFigures]:
    """Monthly (当月) rows from cumulative ones by differencing; monthly rows pass through.

    Cumulative row N minus the enterprise's previous cumulative row M of the same year gives the
    values of months M+1..N, returned keyed at month N; when M < N − 1 the row has ``span_start =
    M + 1`` (a gap is never spread over the missing months). The first cumulative row of a year
    covers 1..N. Re-reported prior-year values are differenced the same way. An indicator is None
    in the result when either side is None. ``employees`` (a stock) is copied, not differenced.
    Downward revisions give negative months; they are kept, being what the enterprise reported.
    Sorted by enterprise, year, month.
    """
    result: list[MonthlyFigures] = []
    for (enterprise_id, year), spans in sorted(_group(rows).items()):
        for span in spans:
            row = span.end_row
            if not row.is_cumulative:
                result.append(row)
                continue
            terms = _combine([span])
            values: dict[str, Decimal | None] = {}
            priors: dict[str, Decimal | None] = {}
            for indicator in INDICATORS:
                if indicator in STOCK_INDICATORS:
                    values[indicator], priors[indicator] = _stock(row, indicator)
                else:
                    values[indicator] = _evaluate(terms, indicator, prior=False)
                    priors[indicator] = _evaluate(terms, indicator, prior=True)
            has_prior = any(value is not None for value in priors.values())
            result.append(
                MonthlyFigures(
                    enterprise_id=enterprise_id,
                    year=year,
                    month=span.last,
                    is_cumulative=False,
                    span_start=span.first if span.first != span.last else None,
                    prior_year_same_period=IndicatorValues(**cast(_Values, priors)) if has_prior else None,
                    **cast(_Values, values),
                )
            )
    return result


def period_total(
    rows: Iterable[MonthlyFigures],
    indicator: Indicator,
    year: int,
    months: Iterable[int],
    enterprise_ids: Collection[int] | None = None,
) -> Figure:
    """Sum of ``indicator`` over ``months`` of ``year`` across enterprises (1..N = 累计, one month = 当月).

    Only enterprises whose rows cover the whole period and report the indicator count (see the
    module notes on missing months); ``sources`` says which rows did. ``value`` is None ("--") when
    no enterprise does. For ``employees`` the total is the headcount at the end of the period.
    """
    _check_indicator(indicator)
    first, last = _bounds(months)
    contributions = _contributions(_group(rows), indicator, year, first, last, enterprise_ids)
    total = sum((c.value for c in contributions.values()), Decimal(0)) if contributions else None
    sources = tuple(sorted(key for c in contributions.values() for key in c.sources))
    return Figure(total, INDICATOR_UNITS[indicator], sources)


def totals_by_enterprise(
    rows: Iterable[MonthlyFigures],
    indicator: Indicator,
    year: int,
    months: Iterable[int],
    enterprise_ids: Collection[int] | None = None,
) -> dict[int, Figure]:
    """:func:`period_total` per enterprise, in one pass: each enterprise that covers the period.

    The figures of the 亩均 evaluation and of the by-enterprise tables; an enterprise that does not
    cover the whole period (or leaves the indicator out) is absent.
    """
    _check_indicator(indicator)
    first, last = _bounds(months)
    contributions = _contributions(_group(rows), indicator, year, first, last, enterprise_ids)
    unit = INDICATOR_UNITS[indicator]
    return {
        enterprise_id: Figure(contribution.value, unit, tuple(sorted(contribution.sources)))
        for enterprise_id, contribution in contributions.items()
    }


def comparable_growth(
    rows: Iterable[MonthlyFigures],
    indicator: Indicator,
    year: int,
    months: Iterable[int],
    enterprise_ids: Collection[int] | None = None,
) -> GrowthFigure:
    """累计同比 (or 当月同比 for one month) on the comparable basis: same enterprises both sides.

    1. Take every enterprise (within ``enterprise_ids`` if given) whose rows of ``year`` cover the
       period and report the indicator.
    2. Its prior-year figure is its re-reported 上年同期数 for the period if complete, else the
       same period of its own stored rows of ``year − 1``; without either it is left out.
    3. The rate is (Σ current − Σ prior) / Σ prior over the enterprises kept: *not* the ratio of
       the two published totals (see :func:`naive_growth`).
    """
    _check_indicator(indicator)
    first, last = _bounds(months)
    groups = _group(rows)
    current = _contributions(groups, indicator, year, first, last, enterprise_ids)
    last_year = _contributions(groups, indicator, year - 1, first, last, None)
    now_total, prior_total = Decimal(0), Decimal(0)
    kept: set[int] = set()
    sources: list[RowKey] = []
    for enterprise_id, contribution in current.items():
        prior_sources: tuple[RowKey, ...] = ()
        if contribution.prior is not None:
            prior = contribution.prior
        elif enterprise_id in last_year:
            prior, prior_sources = last_year[enterprise_id].value, last_year[enterprise_id].sources
        else:
            continue
        now_total += contribution.value
        prior_total += prior
        kept.add(enterprise_id)
        sources.extend(contribution.sources + prior_sources)
    if not kept:
        return GrowthFigure(None, None, frozenset())
    return GrowthFigure(now_total, prior_total, frozenset(kept), tuple(sorted(sources)))


def naive_growth(
    rows: Iterable[MonthlyFigures],
    indicator: Indicator,
    year: int,
    months: Iterable[int],
    enterprise_ids: Collection[int] | None = None,
) -> GrowthFigure:
    """This year's published total over last year's, each over whoever reported: for contrast only.

    It changes whenever enterprises enter or leave the population (升规, 退库, moves), which is
    why official growth rates are not computed this way (RULES §10.2).
    """
    row_list = list(rows)
    now = period_total(row_list, indicator, year, months, enterprise_ids)
    before = period_total(row_list, indicator, year - 1, months, enterprise_ids)
    keys = (*now.sources, *before.sources)
    return GrowthFigure(now.value, before.value, frozenset(key[0] for key in keys), tuple(sorted(keys)))


def pp_difference(a: GrowthFigure | Decimal | None, b: GrowthFigure | Decimal | None) -> Figure:
    """``a − b`` in percentage points ("增速比1–6月份加快0.1个百分点").

    Computed from the published one-decimal rates, so the text agrees with the rates printed
    beside it. None ("--") if either rate is not computable.
    """
    rates, sources = [], set[RowKey]()
    for side in (a, b):
        if isinstance(side, GrowthFigure):
            rates.append(side.rate)
            sources.update(side.sources)
        else:
            rates.append(side)
    rate_a, rate_b = rates
    if rate_a is None or rate_b is None:
        return Figure(None, "pp", tuple(sorted(sources)))
    return Figure(_round(rate_a, PERCENT_DIGITS) - _round(rate_b, PERCENT_DIGITS), "pp", tuple(sorted(sources)))


def rnd_intensity(
    rows: Iterable[MonthlyFigures],
    year: int,
    months: Iterable[int],
    enterprise_ids: Collection[int] | None = None,
) -> Figure:
    """R&D经费支出 / 营业收入 × 100 (%), over the enterprises that report both for the period."""
    first, last = _bounds(months)
    groups = _group(rows)
    rnd = _contributions(groups, "rnd_spending", year, first, last, enterprise_ids)
    revenue = _contributions(groups, "revenue", year, first, last, enterprise_ids)
    both = sorted(rnd.keys() & revenue.keys())
    rnd_total = sum((rnd[e].value for e in both), Decimal(0))
    revenue_total = sum((revenue[e].value for e in both), Decimal(0))
    sources = tuple(sorted({key for e in both for key in rnd[e].sources + revenue[e].sources}))
    if revenue_total <= 0:
        return Figure(None, "percent", sources)
    return Figure(rnd_total / revenue_total * _HUNDRED, "percent", sources)


# --- public: 规上, 升规, size ---------------------------------------------------------------------


def _ordinal(year: int, month: int) -> int:
    return year * 12 + month - 1


def _window(year: int, month: int, basis: RevenueBasis) -> tuple[int, int]:
    end = _ordinal(year, month)
    if basis == "trailing12":
        return end - 11, end
    if basis == "cumulative":
        return _ordinal(year, 1), end
    raise ValueError(f"unknown revenue basis {basis!r}")


def _revenue_spans(rows: Iterable[MonthlyFigures]) -> dict[int, list[tuple[int, _Span]]]:
    """Every enterprise's spans over the rows that report revenue, with their year, in time order.

    Rows without revenue are dropped before differencing, so a cumulative report that leaves
    revenue out one month merges into the next span instead of blanking two months.
    """
    if isinstance(rows, RowSet):
        if "revenue_spans" not in rows._cache:
            rows._cache["revenue_spans"] = _revenue_spans(list(rows))
        return cast(dict[int, list[tuple[int, _Span]]], rows._cache["revenue_spans"])
    row_list = list(rows)
    _group(row_list)  # validate the full set: duplicate keys, mixed forms
    result: dict[int, list[tuple[int, _Span]]] = defaultdict(list)
    for (enterprise_id, year), spans in sorted(_group(r for r in row_list if r.revenue is not None).items()):
        result[enterprise_id].extend((year, span) for span in spans)
    return result


def _measure(spans: Sequence[tuple[int, _Span]], year: int, month: int, basis: RevenueBasis) -> Figure:
    """Revenue over the window ending at year/month: the sum of the spans that lie inside it."""
    start, end = _window(year, month, basis)
    inside = [
        span
        for span_year, span in spans
        if _ordinal(span_year, span.first) >= start and _ordinal(span_year, span.last) <= end
    ]
    if not inside:
        return Figure(None, "yuan")
    terms = _combine(inside)
    return Figure(_evaluate(terms, "revenue", prior=False), "yuan", tuple(sorted(terms)))


def _span_revenue(span: _Span) -> Decimal:
    """A revenue span's value: its row, less the previous cumulative row (both report revenue)."""
    return sum((coefficient * cast(Decimal, row.revenue) for row, coefficient in span.terms), Decimal(0))


def revenue_measure(
    rows: Iterable[MonthlyFigures], enterprise_id: int, year: int, month: int, basis: RevenueBasis = "trailing12"
) -> Figure:
    """The revenue one enterprise's 规上 status is judged on at year/month (see the module notes)."""
    spans = _revenue_spans(rows).get(enterprise_id, [])
    return _measure(spans, year, month, basis)


@functools.cache
def _threshold_wan(industry_code: str) -> Decimal | None:
    # Cached: validating and matching a code costs ~50 µs, and a report asks for every enterprise.
    return above_scale_threshold(industry_code)


def _threshold_yuan(industry_code: str) -> Decimal | None:
    threshold = _threshold_wan(industry_code)
    return None if threshold is None else threshold * WAN


def _reaches(industry_code: str, revenue: Decimal | None) -> bool:
    """``sizing.is_above_scale`` on a revenue in 元, with the threshold looked up once per code."""
    threshold = _threshold_wan(industry_code)
    return revenue is not None and threshold is not None and revenue / WAN >= threshold


def above_scale_set(
    rows: Iterable[MonthlyFigures],
    year: int,
    month: int,
    industry_by_enterprise: Mapping[int, str],
    *,
    basis: RevenueBasis = "trailing12",
) -> frozenset[int]:
    """Enterprises whose revenue measure at year/month reaches their industry's 规上 threshold.

    Enterprises without an industry code, or in an industry without a revenue threshold, are
    never included.
    """
    spans_by_enterprise = _revenue_spans(rows)
    return frozenset(
        enterprise_id
        for enterprise_id, spans in spans_by_enterprise.items()
        if enterprise_id in industry_by_enterprise
        and _reaches(industry_by_enterprise[enterprise_id], _measure(spans, year, month, basis).value)
    )


def scale_events(
    rows: Iterable[MonthlyFigures],
    industry_by_enterprise: Mapping[int, str],
    *,
    basis: RevenueBasis = "trailing12",
    already_above: Collection[int] = (),
) -> list[ScaleEvent]:
    """Every enterprise's 升规 month: the first reported month its revenue measure reaches the threshold.

    Enterprises in ``already_above`` (规上 before the data starts) never have an event. Sorted by
    year, month, enterprise.
    """
    events: list[ScaleEvent] = []
    for enterprise_id, spans in _revenue_spans(rows).items():
        industry_code = industry_by_enterprise.get(enterprise_id)
        if enterprise_id in already_above or industry_code is None:
            continue
        threshold = _threshold_yuan(industry_code)
        if threshold is None:
            continue
        # Each span's value once, then the window sums as plain additions; the Figure with its
        # sources is built only for the crossing (the sum of the spans' values is _measure's).
        valued = [
            (_ordinal(span_year, span.first), _ordinal(span_year, span.last), _span_revenue(span))
            for span_year, span in spans
        ]
        for year, month in sorted({(span_year, span.last) for span_year, span in spans}):
            start, end = _window(year, month, basis)
            inside = [value for first, last, value in valued if first >= start and last <= end]
            if inside and _reaches(industry_code, sum(inside, Decimal(0))):
                revenue = _measure(spans, year, month, basis)
                events.append(ScaleEvent(enterprise_id, year, month, revenue, threshold, basis))
                break
    return sorted(events, key=lambda event: (event.year, event.month, event.enterprise_id))


def new_above_scale(
    rows: Iterable[MonthlyFigures],
    year: int,
    months: Iterable[int],
    industry_by_enterprise: Mapping[int, str],
    *,
    basis: RevenueBasis = "trailing12",
    already_above: Collection[int] = (),
) -> list[ScaleEvent]:
    """The 升规 events (see :func:`scale_events`) that fall within ``months`` of ``year``."""
    first, last = _bounds(months)
    return [
        event
        for event in scale_events(rows, industry_by_enterprise, basis=basis, already_above=already_above)
        if event.year == year and first <= event.month <= last
    ]


def upgrade_candidates(
    rows: Iterable[MonthlyFigures],
    year: int,
    month: int,
    industry_by_enterprise: Mapping[int, str],
    *,
    band: Decimal = UPGRADE_WATCH_BAND,
    basis: RevenueBasis = "trailing12",
) -> list[UpgradeCandidate]:
    """规下 enterprises with band × threshold ≤ revenue measure < threshold, closest first.

    ``band`` defaults to the watch band of RULES §5 (0.8) and must be in (0, 1).
    """
    if not Decimal(0) < band < Decimal(1):
        raise ValueError(f"band must be in (0, 1), got {band}")
    candidates: list[UpgradeCandidate] = []
    for enterprise_id, spans in _revenue_spans(rows).items():
        industry_code = industry_by_enterprise.get(enterprise_id)
        threshold = None if industry_code is None else _threshold_yuan(industry_code)
        if industry_code is None or threshold is None:
            continue
        revenue = _measure(spans, year, month, basis)
        if revenue.value is None or _reaches(industry_code, revenue.value):
            continue
        if revenue.value >= threshold * band:
            candidates.append(UpgradeCandidate(enterprise_id, revenue, threshold, revenue.value / threshold))
    return sorted(candidates, key=lambda candidate: (-candidate.share, candidate.enterprise_id))


def enterprises_by_size_class(
    rows: Iterable[MonthlyFigures],
    year: int,
    month: int,
    industry_by_enterprise: Mapping[int, str],
) -> dict[SizeClass, frozenset[int]]:
    """大中小微 (RULES §5.1) at year/month: trailing-12-month revenue and the latest headcount.

    The headcount is the last one reported within the same twelve months. Enterprises without an
    industry code, revenue or headcount are left out. Every class is a key, possibly empty.
    """
    classes: dict[SizeClass, set[int]] = {"large": set(), "medium": set(), "small": set(), "micro": set()}
    row_list = list(rows)
    start, end = _window(year, month, "trailing12")
    latest: dict[int, tuple[int, Decimal]] = {}  # enterprise → (month ordinal, headcount)
    for row in row_list:
        when = _ordinal(row.year, row.month)
        if row.employees is None or not start <= when <= end:
            continue
        if row.enterprise_id not in latest or when > latest[row.enterprise_id][0]:
            latest[row.enterprise_id] = (when, row.employees)
    for enterprise_id, spans in _revenue_spans(row_list).items():
        industry_code = industry_by_enterprise.get(enterprise_id)
        revenue = _measure(spans, year, month, "trailing12").value
        if industry_code is None or revenue is None or enterprise_id not in latest:
            continue
        employees = int(_round(latest[enterprise_id][1], 0))
        classes[size_class(industry_code, employees, max(revenue, Decimal(0)) / WAN)].add(enterprise_id)
    return {size: frozenset(members) for size, members in classes.items()}


# --- per-enterprise period totals (the SQL path of the selectors) --------------------------------

#: Which figures of a :class:`PeriodTotals` a source list is about.
TotalsSide = Literal["current", "previous"]


@dataclass(frozen=True)
class PeriodTotals:
    """One enterprise's figures for one period: this year, the 上年同期数 it re-reported, last year.

    Only measurable indicators are keys (the rules of :func:`period_total`: rows tile the period,
    the indicator is reported). :func:`enterprise_period_totals` computes them from rows; the
    selectors add them to a :class:`PeriodTable` for the enterprises their SQL does not handle.

    ``current_keys`` / ``previous_keys`` name the rows behind the flows of each side and
    ``*_stock_key`` the row behind a stock (headcount at the period's end); they are the sources
    of :func:`period_total` for this enterprise.
    """

    enterprise_id: int
    current: Mapping[Indicator, Decimal]
    reported_prior: Mapping[Indicator, Decimal]
    previous: Mapping[Indicator, Decimal]
    current_keys: tuple[RowKey, ...] = ()
    previous_keys: tuple[RowKey, ...] = ()
    current_stock_key: RowKey | None = None
    previous_stock_key: RowKey | None = None

    def keys(self, side: TotalsSide, indicator: Indicator) -> tuple[RowKey, ...]:
        """The rows behind one figure of one side."""
        if indicator in STOCK_INDICATORS:
            key = self.current_stock_key if side == "current" else self.previous_stock_key
            return () if key is None else (key,)
        return self.current_keys if side == "current" else self.previous_keys


class PeriodTable:
    """Every enterprise's :class:`PeriodTotals` for one period, stored column by column.

    ``current[indicator][enterprise_id]`` and likewise ``reported_prior`` and ``previous``: a
    report's thirty figures are sums over these columns, and a column is summed without touching
    the enterprises that did not report the indicator. Enterprises whose period totals are the
    period-end rows themselves (1–N月 rows, read in SQL by the selectors) are added with
    :meth:`add_from_period_ends` and their source keys follow from the period (the end row, less
    the row before the period starts); enterprises computed by the row engine are added with
    :meth:`add` and keep the keys it found.
    """

    __slots__ = ("_explicit", "current", "first", "last", "previous", "reported_prior", "year")

    def __init__(self, year: int, months: Iterable[int]) -> None:
        self.year = year
        self.first, self.last = _bounds(months)
        self.current: dict[Indicator, dict[int, Decimal]] = {i: {} for i in INDICATORS}
        self.reported_prior: dict[Indicator, dict[int, Decimal]] = {i: {} for i in INDICATORS}
        self.previous: dict[Indicator, dict[int, Decimal]] = {i: {} for i in INDICATORS}
        self._explicit: dict[int, PeriodTotals] = {}

    def column(self, side: TotalsSide | Literal["reported_prior"], indicator: Indicator) -> dict[int, Decimal]:
        """enterprise_id → value of one indicator on one side."""
        columns: dict[Indicator, dict[int, Decimal]] = getattr(self, side)
        return columns[indicator]

    def add(self, totals: PeriodTotals) -> None:
        """One enterprise's totals as the row engine computed them (its source keys kept as found)."""
        enterprise_id = totals.enterprise_id
        for target, values in (
            (self.current, totals.current),
            (self.reported_prior, totals.reported_prior),
            (self.previous, totals.previous),
        ):
            for indicator, value in values.items():
                target[indicator][enterprise_id] = value
        self._explicit[enterprise_id] = totals

    def partition(self, group_of: Mapping[int, int]) -> dict[int, PeriodTable]:
        """One table per group (e.g. park) of the enterprises ``group_of`` assigns; the others are dropped."""
        months = range(self.first, self.last + 1)
        parts = {group: PeriodTable(self.year, months) for group in set(group_of.values())}
        for side in ("current", "reported_prior", "previous"):
            for indicator, column in getattr(self, side).items():
                for enterprise_id, value in column.items():
                    if (group := group_of.get(enterprise_id)) is not None:
                        getattr(parts[group], side)[indicator][enterprise_id] = value
        for enterprise_id, totals in self._explicit.items():
            if (group := group_of.get(enterprise_id)) is not None:
                parts[group]._explicit[enterprise_id] = totals
        return parts

    def keys(self, side: TotalsSide, indicator: Indicator, enterprise_id: int) -> tuple[RowKey, ...]:
        """The rows behind one enterprise's figure of one side."""
        explicit = self._explicit.get(enterprise_id)
        if explicit is not None:
            return explicit.keys(side, indicator)
        year = self.year if side == "current" else self.year - 1
        end = (enterprise_id, year, self.last)
        if indicator in STOCK_INDICATORS or self.first == 1:
            return (end,)
        return ((enterprise_id, year, self.first - 1), end)


class SourceKeys(Sequence[RowKey]):
    """The source keys of a figure, described rather than listed: resolved on first use.

    A report has about thirty figures over thousands of enterprises; listing every row key of
    every figure up front costs more than computing the figures. This holds which enterprises'
    which side and indicator count, and materialises the sorted keys only when something
    iterates or counts (the "sources" page, an export).
    """

    __slots__ = ("_keys", "_parts")

    def __init__(self, parts: Iterable[tuple[PeriodTable, TotalsSide, Indicator, Collection[int]]] = ()) -> None:
        self._parts = tuple(parts)
        self._keys: tuple[RowKey, ...] | None = None

    def _resolve(self) -> tuple[RowKey, ...]:
        if self._keys is None:
            self._keys = tuple(
                sorted(
                    {
                        key
                        for table, side, indicator, ids in self._parts
                        for enterprise_id in ids
                        for key in table.keys(side, indicator, enterprise_id)
                    }
                )
            )
        return self._keys

    def __len__(self) -> int:
        return len(self._resolve())

    def __iter__(self) -> Iterator[RowKey]:
        return iter(self._resolve())

    def __getitem__(self, index: int | slice) -> Any:
        return self._resolve()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._resolve())

    def __repr__(self) -> str:
        resolved = "" if self._keys is None else f", {len(self._keys)} rows"
        return f"SourceKeys({sum(len(ids) for *_rest, ids in self._parts)} enterprise figures{resolved})"


def enterprise_period_totals(
    rows: Iterable[MonthlyFigures], year: int, months: Iterable[int], enterprise_ids: Collection[int] | None = None
) -> dict[int, PeriodTotals]:
    """:class:`PeriodTotals` of every enterprise in ``rows`` (within ``enterprise_ids``), by the row rules.

    The reference the selectors' SQL path is checked against, and what it uses for enterprises
    whose rows it does not handle (monthly rows, gaps, unreported months).
    """
    first, last = _bounds(months)
    groups = _group(rows)
    ids = {enterprise_id for enterprise_id, _year in groups}
    if enterprise_ids is not None:
        ids &= set(enterprise_ids)
    current: dict[int, dict[Indicator, _Contribution]] = defaultdict(dict)
    previous: dict[int, dict[Indicator, _Contribution]] = defaultdict(dict)
    for indicator in INDICATORS:
        for enterprise_id, contribution in _contributions(groups, indicator, year, first, last, ids).items():
            current[enterprise_id][indicator] = contribution
        for enterprise_id, contribution in _contributions(groups, indicator, year - 1, first, last, ids).items():
            previous[enterprise_id][indicator] = contribution

    def keys(by_indicator: Mapping[Indicator, _Contribution]) -> tuple[tuple[RowKey, ...], RowKey | None]:
        flows = next((c.sources for i, c in by_indicator.items() if i not in STOCK_INDICATORS), ())
        stock = next((c.sources[0] for i, c in by_indicator.items() if i in STOCK_INDICATORS), None)
        return flows, stock

    result: dict[int, PeriodTotals] = {}
    for enterprise_id in sorted(ids):
        now, before = current.get(enterprise_id, {}), previous.get(enterprise_id, {})
        now_flows, now_stock = keys(now)
        before_flows, before_stock = keys(before)
        result[enterprise_id] = PeriodTotals(
            enterprise_id,
            {i: c.value for i, c in now.items()},
            {i: c.prior for i, c in now.items() if c.prior is not None},
            {i: c.value for i, c in before.items()},
            now_flows,
            before_flows,
            now_stock,
            before_stock,
        )
    return result


def total_of(
    table: PeriodTable,
    indicator: Indicator,
    side: TotalsSide = "current",
    enterprise_ids: Collection[int] | None = None,
) -> Figure:
    """:func:`period_total` over a :class:`PeriodTable`: this year's (or last year's own) sum."""
    _check_indicator(indicator)
    column = table.column(side, indicator)
    if enterprise_ids is None:
        members: Collection[int] = column.keys()
        value = sum(column.values(), Decimal(0))
    else:
        members = [e for e in column if e in enterprise_ids]
        value = sum((column[e] for e in members), Decimal(0))
    if not members:
        return Figure(None, INDICATOR_UNITS[indicator])
    return Figure(value, INDICATOR_UNITS[indicator], SourceKeys([(table, side, indicator, tuple(members))]))


def growth_of(table: PeriodTable, indicator: Indicator, enterprise_ids: Collection[int] | None = None) -> GrowthFigure:
    """:func:`comparable_growth` over a :class:`PeriodTable` (the same rule, step for step)."""
    _check_indicator(indicator)
    current = table.column("current", indicator)
    reported = table.column("reported_prior", indicator)
    own = table.column("previous", indicator)
    now_total, prior_total = Decimal(0), Decimal(0)
    kept: list[int] = []
    from_own: list[int] = []  # enterprises compared with their own stored rows of last year
    for enterprise_id, value in current.items():
        if enterprise_id in reported:
            prior = reported[enterprise_id]
        elif enterprise_id in own:
            prior = own[enterprise_id]
            from_own.append(enterprise_id)
        else:
            continue
        if enterprise_ids is not None and enterprise_id not in enterprise_ids:
            continue
        now_total += value
        prior_total += prior
        kept.append(enterprise_id)
    if not kept:
        return GrowthFigure(None, None, frozenset())
    if enterprise_ids is not None:
        from_own = [e for e in from_own if e in enterprise_ids]
    sources = SourceKeys([(table, "current", indicator, kept), (table, "previous", indicator, from_own)])
    return GrowthFigure(now_total, prior_total, frozenset(kept), sources)


def growth_by_enterprise(table: PeriodTable, indicator: Indicator) -> dict[int, GrowthFigure]:
    """:func:`growth_of` of each enterprise on its own, in one pass (the by-enterprise table)."""
    _check_indicator(indicator)
    reported = table.column("reported_prior", indicator)
    own = table.column("previous", indicator)
    result: dict[int, GrowthFigure] = {}
    for enterprise_id, value in table.column("current", indicator).items():
        parts: list[tuple[PeriodTable, TotalsSide, Indicator, Collection[int]]] = [
            (table, "current", indicator, (enterprise_id,))
        ]
        if enterprise_id in reported:
            prior = reported[enterprise_id]
        elif enterprise_id in own:
            prior = own[enterprise_id]
            parts.append((table, "previous", indicator, (enterprise_id,)))
        else:
            result[enterprise_id] = GrowthFigure(None, None, frozenset())
            continue
        result[enterprise_id] = GrowthFigure(value, prior, frozenset((enterprise_id,)), SourceKeys(parts))
    return result


def rnd_intensity_of(
    table: PeriodTable, side: TotalsSide = "current", enterprise_ids: Collection[int] | None = None
) -> Figure:
    """:func:`rnd_intensity` over a :class:`PeriodTable`."""
    rnd, revenue = table.column(side, "rnd_spending"), table.column(side, "revenue")
    both = [
        e for e in rnd if e in revenue and (enterprise_ids is None or e in enterprise_ids)
    ]  # reported both for the period
    rnd_total = sum((rnd[e] for e in both), Decimal(0))
    revenue_total = sum((revenue[e] for e in both), Decimal(0))
    sources = SourceKeys([(table, side, "revenue", both)])
    if revenue_total <= 0:
        return Figure(None, "percent", sources)
    return Figure(rnd_total / revenue_total * _HUNDRED, "percent", sources)


def reaches_threshold(industry_code: str, revenue: Decimal | None) -> bool:
    """Whether a revenue measure (元) makes an enterprise of the industry 规上 (``>=``, RULES §5)."""
    return _reaches(industry_code, revenue)


def threshold_yuan(industry_code: str) -> Decimal | None:
    """The industry's 规上 revenue threshold in 元, None if it has none."""
    return _threshold_yuan(industry_code)


def size_class_of(industry_code: str, revenue: Decimal, employees: Decimal | int) -> SizeClass:
    """大中小微 from a trailing-12 revenue (元) and a headcount, as :func:`enterprises_by_size_class`.

    ``sizing.size_class`` without 资产总额 (it caches the per-industry lookups).
    """
    headcount = employees if isinstance(employees, int) else int(_round(employees, 0))
    return size_class(industry_code, headcount, max(revenue, Decimal(0)) / WAN)
