"""Period totals and growth on the comparable basis (RULES §10.2), by the row rules and by table.

A period total counts an enterprise only when its rows tile the period and report the indicator
(:mod:`.rows`: a span is never split); ``employees`` is the headcount at the period's end.

Growth (:func:`comparable_growth`) is 累计同比 on the comparable basis of RULES §10.2: the same set
of enterprises on both sides, namely those that report the whole period this year *and* a figure
for last year's same period. The prior-year figure is the one the enterprise re-reported with this
year's rows (上年同期数, which already reflects restatements and scope changes) and, only where that
is missing, its own stored rows of last year. :func:`naive_growth` is the ratio of the two
published totals, for contrast: it moves when enterprises enter or leave the population.

Two forms of the same rules: over rows (:func:`period_total`, :func:`comparable_growth`,
:func:`rnd_intensity`: the reference) and over a :class:`PeriodTable` of every enterprise's totals
(:func:`total_of`, :func:`growth_of`, :func:`rnd_intensity_of`: what a report sums, step for step
the same). A table is filled from the row rules (:func:`enterprise_period_totals`) or, for
enterprises reporting 1–N月 rows, from their rows at the period's ends
(:meth:`PeriodTable.add_period_ends`), where the span rule reduces to one subtraction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal, cast, overload

from parkos.statistics.kpi.figures import PERCENT_DIGITS, Figure, GrowthFigure, RowKey, round_half_up
from parkos.statistics.kpi.rows import (
    INDICATOR_UNITS,
    INDICATORS,
    STOCK_INDICATORS,
    Indicator,
    MonthlyFigures,
    Span,
    check_indicator,
    combine,
    evaluate,
    month_bounds,
    spans_by_year,
    stock,
)

__all__ = [
    "PeriodTable",
    "PeriodTotals",
    "SourceKeys",
    "TotalsSide",
    "comparable_growth",
    "enterprise_period_totals",
    "growth_by_enterprise",
    "growth_of",
    "naive_growth",
    "period_total",
    "pp_difference",
    "rnd_intensity",
    "rnd_intensity_of",
    "total_of",
    "totals_by_enterprise",
]

_HUNDRED: Final = Decimal(100)


@dataclass(frozen=True)
class _Contribution:
    """One enterprise's reported value for a period, its re-reported prior (if any) and its rows."""

    value: Decimal
    prior: Decimal | None
    sources: tuple[RowKey, ...]


def _period(spans: Sequence[Span], indicator: Indicator, first: int, last: int) -> _Contribution | None:
    """One enterprise-year over months first..last.

    None unless the enterprise reported the indicator for the whole period: for a flow, its rows
    must tile first..last exactly; for a stock, it needs the row of month ``last``.
    """
    if indicator in STOCK_INDICATORS:
        end_rows = [span.end_row for span in spans if span.last == last]
        if not end_rows:
            return None
        value, prior = stock(end_rows[0], indicator)
        return None if value is None else _Contribution(value, prior, (end_rows[0].key,))
    inside = [span for span in spans if span.first >= first and span.last <= last]
    covered = sorted(month for span in inside for month in range(span.first, span.last + 1))
    if covered != list(range(first, last + 1)):
        return None
    terms = combine(inside)
    value = evaluate(terms, indicator, prior=False)
    if value is None:
        return None
    return _Contribution(value, evaluate(terms, indicator, prior=True), tuple(sorted(terms)))


def _contributions(
    groups: Mapping[tuple[int, int], Sequence[Span]],
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


# --- over rows --------------------------------------------------------------------------------


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
    check_indicator(indicator)
    first, last = month_bounds(months)
    contributions = _contributions(spans_by_year(rows), indicator, year, first, last, enterprise_ids)
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
    check_indicator(indicator)
    first, last = month_bounds(months)
    contributions = _contributions(spans_by_year(rows), indicator, year, first, last, enterprise_ids)
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
    check_indicator(indicator)
    first, last = month_bounds(months)
    groups = spans_by_year(rows)
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
    return Figure(
        round_half_up(rate_a, PERCENT_DIGITS) - round_half_up(rate_b, PERCENT_DIGITS), "pp", tuple(sorted(sources))
    )


def rnd_intensity(
    rows: Iterable[MonthlyFigures],
    year: int,
    months: Iterable[int],
    enterprise_ids: Collection[int] | None = None,
) -> Figure:
    """R&D经费支出 / 营业收入 × 100 (%), over the enterprises that report both for the period."""
    first, last = month_bounds(months)
    groups = spans_by_year(rows)
    rnd = _contributions(groups, "rnd_spending", year, first, last, enterprise_ids)
    revenue = _contributions(groups, "revenue", year, first, last, enterprise_ids)
    both = sorted(rnd.keys() & revenue.keys())
    rnd_total = sum((rnd[e].value for e in both), Decimal(0))
    revenue_total = sum((revenue[e].value for e in both), Decimal(0))
    sources = tuple(sorted({key for e in both for key in rnd[e].sources + revenue[e].sources}))
    if revenue_total <= 0:
        return Figure(None, "percent", sources)
    return Figure(rnd_total / revenue_total * _HUNDRED, "percent", sources)


# --- over a table --------------------------------------------------------------------------------

#: Which figures of a :class:`PeriodTotals` a source list is about.
TotalsSide = Literal["current", "previous"]
#: A cumulative row as :meth:`PeriodTable.add_period_ends` reads it: enterprise_id, year, month, the
#: values in :data:`INDICATORS` order, then the re-reported priors in the same order (headcounts
#: may be integers, as the database holds them).
PeriodEndRow = Sequence[Decimal | int | None]
END_ROW_VALUES: Final = 3
END_ROW_PRIORS: Final = END_ROW_VALUES + len(INDICATORS)


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
    the enterprises that did not report the indicator. Enterprises reporting 1–N月 rows are added
    with :meth:`add_period_ends` from their rows at the period's ends; enterprises computed by the
    row rules are added with :meth:`add` and keep the keys those found.
    """

    __slots__ = ("_explicit", "current", "first", "last", "previous", "reported_prior", "year")

    def __init__(self, year: int, months: Iterable[int]) -> None:
        self.year = year
        self.first, self.last = month_bounds(months)
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

    def add_period_ends(self, rows: Mapping[RowKey, PeriodEndRow], enterprise_ids: Iterable[int]) -> None:
        """Period totals of enterprises reporting 1–N月 rows, from their rows at the period's ends.

        ``rows``: cumulative rows keyed by (enterprise, year, month), laid out as
        :data:`PeriodEndRow`, at least at the period's last month and the month before it starts,
        this year and last. On such rows the span rule of :func:`period_total` reduces to one
        subtraction: a flow is the period's last row less the row before the period starts (the
        last row itself for a 1–N月 period; not measurable when either is missing or leaves the
        indicator out); a stock is the last row's. The re-reported priors of this year likewise,
        counted only beside a figure of this year. :meth:`keys` names the same rows as sources.
        The rows are transposed once and each column filled in one step.
        """
        wanted = list(enterprise_ids)
        for year, side in ((self.year, self.current), (self.year - 1, self.previous)):
            ids = [e for e in wanted if (e, year, self.last) in rows]
            if not ids:
                continue
            by_column = list(zip(*(rows[(e, year, self.last)] for e in ids), strict=True))
            starts = [rows.get((e, year, self.first - 1)) for e in ids] if self.first > 1 else None
            for index, indicator in enumerate(INDICATORS):
                values = self._period_values(indicator, by_column, starts, END_ROW_VALUES + index)
                # ``is not None``, not ``None in values``: comparing a Decimal with None is slow.
                side[indicator].update({e: v for e, v in zip(ids, values, strict=True) if v is not None})
                if side is self.current:
                    priors = self._period_values(indicator, by_column, starts, END_ROW_PRIORS + index)
                    current = self.current[indicator]
                    self.reported_prior[indicator].update(
                        {e: v for e, v in zip(ids, priors, strict=True) if v is not None and e in current}
                    )

    def _period_values(
        self,
        indicator: Indicator,
        by_column: Sequence[Sequence[Decimal | int | None]],
        starts: Sequence[PeriodEndRow | None] | None,
        at: int,
    ) -> Sequence[Decimal | None]:
        """One column of period values from the end rows (and the rows before the period starts)."""
        if indicator in STOCK_INDICATORS:  # headcounts: integers in the database
            return [None if v is None else Decimal(v) for v in by_column[at]]
        values = cast(Sequence[Decimal | None], by_column[at])  # flows are decimals
        if starts is None:
            return values
        return [
            None if start is None or v is None or (before := start[at]) is None else v - before
            for v, start in zip(values, starts, strict=True)
        ]

    def keys(self, side: TotalsSide, indicator: Indicator, enterprise_id: int) -> tuple[RowKey, ...]:
        """The rows behind one enterprise's figure of one side (see :meth:`add_period_ends`)."""
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

    @overload
    def __getitem__(self, index: int) -> RowKey: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RowKey]: ...
    def __getitem__(self, index: int | slice) -> RowKey | Sequence[RowKey]:
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
    first, last = month_bounds(months)
    groups = spans_by_year(rows)
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
    check_indicator(indicator)
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
    check_indicator(indicator)
    current = table.column("current", indicator)
    reported = table.column("reported_prior", indicator)
    own = table.column("previous", indicator)
    # A report asks this of a dozen indicators and sets over thousands of enterprises: the steps
    # are whole-list comprehensions and C-level sums rather than one loop with branches.
    kept = [e for e in current if (e in reported or e in own) and (enterprise_ids is None or e in enterprise_ids)]
    if not kept:
        return GrowthFigure(None, None, frozenset())
    from_own = [e for e in kept if e not in reported]  # compared with their own stored rows of last year
    now_total = sum(map(current.__getitem__, kept), Decimal(0))
    prior_total = sum(map(reported.__getitem__, [e for e in kept if e in reported]), Decimal(0))
    prior_total = sum(map(own.__getitem__, from_own), prior_total)
    sources = SourceKeys([(table, "current", indicator, kept), (table, "previous", indicator, from_own)])
    return GrowthFigure(now_total, prior_total, frozenset(kept), sources)


def growth_by_enterprise(table: PeriodTable, indicator: Indicator) -> dict[int, GrowthFigure]:
    """:func:`growth_of` of each enterprise on its own, in one pass (the by-enterprise table)."""
    check_indicator(indicator)
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
