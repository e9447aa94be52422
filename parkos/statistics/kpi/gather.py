"""The SQL path of the KPIs: read what the rules need in a constant number of queries, and call them.

Nothing here computes a figure or judges an enterprise; every query below answers "which rows",
and the rules of :mod:`.totals` and :mod:`.scale` do the rest. The number of queries does not
depend on the number of enterprises, and for enterprises that report 1–N月 rows without gaps at
the months that matter no other row leaves the database:

1. **Census** (:func:`census`): one query over the summaries the database keeps of the scope's
   rows of the year and the year before (``ReportYear``, a row per park, enterprise and year):
   every enterprise, the parks its rows are in, whether it reported in the period, the month of
   its first row, whether it has 当月 rows and its lowest and highest revenue of each year. No
   step reads every row.
2. **Period-end rows** (:func:`period_end_rows`): the 1–N月 rows at the months that decide the
   period — its last month and the month before it starts, both years, and last December. They
   fill the :class:`~.totals.PeriodTable` (``PeriodTable.add_period_ends``) and are what the 规上
   rules first read of each enterprise (:class:`PeriodEnds`).
3. **Row extents** (:func:`row_extents`): where the rules answer ``UNDECIDED`` (a gap at a month
   that matters), one grouped query tells, for those enterprises only, between which months their
   other revenue and headcount rows lie; the rules are asked again.
4. **Every row** (:func:`load_rows`) of the enterprises still undecided and of those with 当月
   rows, in one query: the row rules take them whole.
5. **Revenue rows** (:func:`revenue_histories`) of the enterprises that are not 规上 before the
   period and could cross in it: those whose measure can nowhere reach their threshold
   (``scale.highest_measure`` of the census's revenue extremes) are left out; one query reads the
   rest, and the 升规 rule walks them month by month.
6. **Arrivals** (:func:`arrivals_of`): of the new 规上, those that arrived in the scope within the
   rows read — known from the census's first rows (whose earliest is where the scope's data
   begins: ``scale.Horizon``) and the dated presence — and, where the scope's data begins late,
   those there from its start, have their rows read here and in every park (two queries, none
   when it concerns none).

Counts and months are read with ``core.db.fetch_rows``, which skips Django's per-value converters
(on SQLite every decimal costs about 1 µs to convert) except where asked.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any, Final, NamedTuple, cast

from django.db import connection
from django.db.models import F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import Lag, Substr

from parkos.core.db import fetch_rows
from parkos.enterprises.models import Enterprise
from parkos.enterprises.sizing import INDUSTRY_SECTIONS
from parkos.leasing import presence as presence_rules
from parkos.leasing.presence import Stay
from parkos.leasing.selectors import presence
from parkos.statistics.kpi.figures import RowKey
from parkos.statistics.kpi.period import SERIES_SPANS, ReportPeriod
from parkos.statistics.kpi.rows import INDICATORS, Indicator, IndicatorValues, MonthlyFigures, RowSet, indicator_kwargs
from parkos.statistics.kpi.scale import (
    UNDECIDED,
    Arrival,
    Headcounts,
    Horizon,
    JudgementPoints,
    RevenueHistories,
    ScaleEvent,
    ScaleInputs,
    ScaleStatus,
    UnreadMonths,
    arrival_month,
    arrival_of,
    highest_measure,
    industrial_divisions,
    judge,
    ordinal,
    period_events,
    reaches,
    read_whole,
    scale_inputs,
    threshold_yuan,
)
from parkos.statistics.kpi.totals import (
    END_ROW_VALUES,
    PeriodEndRow,
    PeriodTable,
    enterprise_period_totals,
    totals_by_enterprise,
)
from parkos.statistics.models import MonthlyReport, ReportYear

__all__ = [
    "Census",
    "Judged",
    "PeriodEnds",
    "Scope",
    "arrivals_of",
    "census",
    "enterprise_facts",
    "id_chunks",
    "industrial_rows",
    "industries_of",
    "judge_from_period_ends",
    "listable",
    "load_rows",
    "monthly_totals",
    "period_end_rows",
    "period_table",
    "report_rows",
    "revenue_histories",
    "row_extents",
    "scale_events_of",
]

#: Parks a report covers (sorted ids), or None for every park.
Scope = tuple[int, ...] | None

#: On SQLite, above this many ids a query reads the whole scope and filters in Python instead of
#: listing them in ``IN (…)`` (SQLite allows at most 32,766 parameters); PostgreSQL takes one array.
MAX_ID_PARAMS: Final = 5000

_PRIOR_FIELDS: Final = tuple(f"prior_{name}" for name in INDICATORS)
_ROW_FIELDS: Final = ("enterprise_id", "year", "month", "is_cumulative", *INDICATORS, *_PRIOR_FIELDS)
#: A period-end row (``totals.PeriodEndRow``): the key, the indicators, the re-reported priors.
_END_ROW_FIELDS: Final = ("enterprise_id", "year", "month", *INDICATORS, *_PRIOR_FIELDS)
_REVENUE: Final = END_ROW_VALUES + INDICATORS.index("revenue")
_EMPLOYEES: Final = END_ROW_VALUES + INDICATORS.index("employees")
_ZERO: Final = Decimal(0)
_CENT: Final = Decimal("0.01")


def listable(ids: Collection[int]) -> bool:
    """Whether ids can go to the database as a list (``__any_of``): always on PostgreSQL (one array)."""
    return connection.vendor == "postgresql" or len(ids) <= MAX_ID_PARAMS


def id_chunks(ids: Collection[int]) -> list[list[int]]:
    """Sorted ids in lists the database takes as parameters: one on PostgreSQL, a few on SQLite."""
    ordered = sorted(ids)
    if listable(ordered):
        return [ordered] if ordered else []
    return [ordered[i : i + MAX_ID_PARAMS] for i in range(0, len(ordered), MAX_ID_PARAMS)]


def report_rows(park_ids: Collection[int] | None) -> QuerySet[MonthlyReport]:
    """The monthly reports of some parks (None: every park)."""
    queryset = MonthlyReport.objects.all()
    return queryset if park_ids is None else queryset.filter(park_id__in=list(park_ids))


# --- every row, for the row rules ----------------------------------------------------------------


def _decimal(value: Decimal | float | int | None) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


def _figures(row: Sequence[Any]) -> MonthlyFigures:
    count = len(INDICATORS)
    values = [_decimal(v) for v in row[4 : 4 + count]]
    priors = [_decimal(v) for v in row[4 + count :]]
    prior = IndicatorValues(**indicator_kwargs(priors)) if any(p is not None for p in priors) else None
    return MonthlyFigures(
        enterprise_id=row[0],
        year=row[1],
        month=row[2],
        is_cumulative=row[3],
        prior_year_same_period=prior,
        **indicator_kwargs(values),
    )


def load_rows(
    *, park_ids: Collection[int] | None, years: Iterable[int], enterprise_ids: Collection[int] | None = None
) -> RowSet:
    """The MonthlyReport rows of some parks (None: all) and years, as rule rows: one query."""
    queryset = report_rows(park_ids).filter(year__in=list(years))
    if enterprise_ids is not None:
        queryset = queryset.filter(enterprise_id__any_of=list(enterprise_ids))
    return RowSet(_figures(row) for row in queryset.values_list(*_ROW_FIELDS).order_by())


def _rows_of(scope: Scope, period: ReportPeriod, ids: Collection[int]) -> RowSet:
    """Every row of the two years of some enterprises: one query a chunk (none without any)."""
    years = (period.year - 1, period.year)
    return RowSet(
        row for chunk in id_chunks(ids) for row in load_rows(park_ids=scope, years=years, enterprise_ids=chunk)
    )


def enterprise_facts(park_ids: Collection[int] | None, years: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(name, industry code) of every enterprise with rows in the parks and years: one query."""
    reporting = report_rows(park_ids).filter(year__in=list(years)).values("enterprise_id")
    return {
        pk: (name, code)
        for pk, name, code in Enterprise.objects.filter(pk__in=reporting).values_list("pk", "name", "industry_code")
    }


# --- 1. census -----------------------------------------------------------------------------------


@dataclass
class Census:
    """Every enterprise with rows in the period's year or the year before."""

    reported: dict[int, bool]  # enterprise → whether it reported in the period
    monthly: set[int]  # enterprises with 当月 rows: the row rules take them whole
    parks_of: dict[int, set[int]]  # the parks its rows are in (a portfolio splits figures by park)
    first_row: dict[int, tuple[int, int]]  # the (year, month) of its first row of the two years
    #: Its lowest and highest revenue of each year with any: ``scale.highest_measure`` rules out a
    #: 升规 from them without reading its rows (step 5).
    revenue_extremes: dict[int, list[tuple[Decimal, Decimal]]]

    def horizon(self, year: int) -> Horizon:
        """``scale.Horizon`` of the scope's rows: its data begins at the earliest first row."""
        return Horizon.of(year, min(self.first_row.values(), default=None))

    def horizons_by_park(self, year: int) -> dict[int, Horizon]:
        """``scale.Horizon`` of each park's rows, as if the park were the scope alone (a portfolio).
        Exact for the parks whose enterprises report in no other park of the scope; a park where a
        mover reported is computed on its own anyway (``assembly.portfolio_kpis``)."""
        starts: dict[int, tuple[int, int]] = {}
        for enterprise_id, parks in self.parks_of.items():
            first = self.first_row[enterprise_id]
            for park_id in parks:
                if park_id not in starts or first < starts[park_id]:
                    starts[park_id] = first
        return {park_id: Horizon.of(year, start) for park_id, start in starts.items()}


def census(scope: Scope, period: ReportPeriod) -> Census:
    """Every enterprise of the scope's rows of the period's year and the year before, from their
    summaries (``ReportYear``: a row per park, enterprise and year that the database keeps equal to
    the aggregate of its monthly rows) rather than from the rows: two rows per enterprise, not 24."""
    year, last = period.year, period.last_month
    summaries = ReportYear.objects.filter(year__in=(year - 1, year)).order_by()
    if scope is not None:
        summaries = summaries.filter(park_id__in=list(scope))
    fields = (
        "park_id",
        "enterprise_id",
        "year",
        "first_month",
        "lowest_revenue",
        "highest_revenue",
        "has_monthly_rows",
    )
    # Booleans need no converting: SQLite's 0 and 1 are as falsy and truthy.
    found = fetch_rows(summaries.values_list(*fields), convert=(4, 5))
    reported: dict[int, bool] = {}
    monthly: set[int] = set()
    parks_of: dict[int, set[int]] = {}
    first_row: dict[int, tuple[int, int]] = {}
    extremes: dict[int, list[tuple[Decimal, Decimal]]] = {}
    for park_id, enterprise_id, row_year, first_month, lowest, highest, has_monthly_rows in found:
        reporting = row_year == year and first_month <= last
        first = (row_year, first_month)
        if enterprise_id in parks_of:  # its other year, or its rows in another of the scope's parks
            parks_of[enterprise_id].add(park_id)
            reported[enterprise_id] = reported[enterprise_id] or reporting
            first_row[enterprise_id] = min(first, first_row[enterprise_id])
        else:
            parks_of[enterprise_id] = {park_id}
            reported[enterprise_id] = reporting
            first_row[enterprise_id] = first
        if has_monthly_rows:
            monthly.add(enterprise_id)
        if lowest is not None:
            # A year whose rows lie in several parks gives a pair per park: the highest measure
            # (a sum over the pairs) only grows, and stays a bound that rules nothing out wrongly.
            if enterprise_id in extremes:
                extremes[enterprise_id].append((lowest, highest))
            else:
                extremes[enterprise_id] = [(lowest, highest)]
    return Census(reported, monthly, parks_of, first_row, extremes)


def industries_of(scope: Scope, period: ReportPeriod, enterprise_ids: Collection[int]) -> dict[int, str]:
    """The industry code of each enterprise that has one: one query."""
    if listable(enterprise_ids):
        codes = Enterprise.objects.filter(pk__any_of=list(enterprise_ids)).order_by().values_list("pk", "industry_code")
        return {pk: code for pk, code in codes if code}
    facts = enterprise_facts(scope, (period.year - 1, period.year))
    return {pk: code for pk, (_name, code) in facts.items() if code}


# --- 2. period-end rows and the table ------------------------------------------------------------


@functools.cache
def _decisive_months(period: ReportPeriod, year: int) -> tuple[int, ...]:
    """The months of a year whose 1–N月 rows decide the period: its last month and the month before
    it starts, and for last year also December (which closes the twelve months before the period)."""
    months = {period.last_month} | ({period.first_month - 1} if period.first_month > 1 else set())
    return tuple(sorted(months | {12} if year < period.year else months))


def period_end_rows(scope: Scope, period: ReportPeriod) -> dict[RowKey, PeriodEndRow]:
    """The 1–N月 rows at the decisive months of both years: one query."""
    year = period.year
    queryset = (
        report_rows(scope)
        .filter(
            Q(year=year, month__in=_decisive_months(period, year))
            | Q(year=year - 1, month__in=_decisive_months(period, year - 1))
        )
        .filter(is_cumulative=True)
        .order_by()
        .values_list(*_END_ROW_FIELDS)
    )
    converted = range(END_ROW_VALUES, len(_END_ROW_FIELDS))
    return {row[:END_ROW_VALUES]: row for row in fetch_rows(queryset, convert=converted)}


def _fill_table(
    scope: Scope, period: ReportPeriod, census: Census, end_rows: Mapping[RowKey, PeriodEndRow], rows: RowSet
) -> PeriodTable:
    """Every enterprise's period totals: from its period-end rows, or by the row rules from ``rows``
    for those with 当月 rows."""
    table = PeriodTable(period.year, period.months)
    table.add_period_ends(end_rows, (e for e in census.reported if e not in census.monthly))
    for totals in enterprise_period_totals(rows, period.year, period.months, census.monthly).values():
        table.add(totals)
    return table


def period_table(*, park_ids: Collection[int] | None, period: ReportPeriod) -> PeriodTable:
    """Every enterprise's totals for a period (this year, re-reported priors, last year): the table
    of a report without the rest of it, for the 亩均 evaluation. Three queries at most."""
    scope = tuple(sorted(park_ids)) if park_ids is not None else None
    counted = census(scope, period)
    end_rows = period_end_rows(scope, period)
    return _fill_table(scope, period, counted, end_rows, _rows_of(scope, period, counted.monthly))


# --- 3. the 规上 rules, fed period-end rows first ------------------------------------------------


class Extent(NamedTuple):
    """Between which months one enterprise-year's revenue and headcount rows lie (None: none)."""

    first_revenue: int | None
    last_revenue: int | None
    first_headcount: int | None
    last_headcount: int | None


def row_extents(scope: Scope, period: ReportPeriod, ids: Collection[int]) -> dict[tuple[int, int], Extent]:
    """(enterprise, year) → :class:`Extent` of some enterprises' rows of the two years: one grouped
    query (on SQLite one per 5,000 enterprises)."""
    with_revenue, with_headcount = Q(revenue__isnull=False), Q(employees__isnull=False)
    extents: dict[tuple[int, int], Extent] = {}
    for chunk in id_chunks(ids):
        rows = (
            report_rows(scope)
            .filter(year__in=(period.year - 1, period.year), enterprise_id__any_of=chunk)
            .order_by()
            .values_list("enterprise_id", "year")
            .annotate(
                first_revenue=Min("month", filter=with_revenue),
                last_revenue=Max("month", filter=with_revenue),
                first_headcount=Min("month", filter=with_headcount),
                last_headcount=Max("month", filter=with_headcount),
            )
        )
        for enterprise_id, year, *months in fetch_rows(rows):
            extents[(enterprise_id, year)] = Extent(*months)
    return extents


#: Which of an enterprise's decisive period-end rows exist, and of each whether it leaves revenue
#: and headcount out: enterprises alike in this are judged as one batch.
_Shape = tuple[tuple[bool, bool] | None, ...]


class PeriodEnds:
    """A scope's period-end rows (:func:`period_end_rows`) as the 规上 rules read them: in batches of
    enterprises whose rows fall alike."""

    def __init__(self, rows: Mapping[RowKey, PeriodEndRow], period: ReportPeriod) -> None:
        self.rows = rows
        self.months = [
            (year, month) for year in (period.year - 1, period.year) for month in _decisive_months(period, year)
        ]

    def batches(
        self,
        industries: Mapping[int, str],
        enterprise_ids: Iterable[int],
        extents: Mapping[tuple[int, int], Extent] | None = None,
    ) -> list[ScaleInputs]:
        """What the rules read of some enterprises: their period-end rows, and where their other rows
        may lie — anywhere in the two years (``extents`` None), or within the months their
        :func:`row_extents` name."""
        rows, months = self.rows, self.months
        alike: dict[tuple[_Shape, tuple[Extent | None, ...]], list[tuple[int, list[PeriodEndRow]]]] = defaultdict(list)
        for enterprise_id in enterprise_ids:
            found = [rows.get((enterprise_id, year, month)) for year, month in months]
            shape = tuple([None if row is None else (row[_REVENUE] is None, row[_EMPLOYEES] is None) for row in found])
            bounds = () if extents is None else tuple(extents.get((enterprise_id, year)) for year in _years(months))
            alike[(shape, bounds)].append((enterprise_id, [row for row in found if row is not None]))
        return [self._batch(shape, members, industries, bounds) for (shape, bounds), members in alike.items()]

    def _batch(
        self,
        shape: _Shape,
        members: list[tuple[int, list[PeriodEndRow]]],
        industries: Mapping[int, str],
        bounds: tuple[Extent | None, ...],
    ) -> ScaleInputs:
        """One batch of enterprises whose rows lie alike (``shape``); each member's rows as found."""
        ids = [enterprise_id for enterprise_id, _rows in members]
        read = [(year, month) for (year, month), row in zip(self.months, shape, strict=True) if row is not None]
        revenue = RevenueHistories(ids)
        headcounts: dict[int, Sequence[Decimal | int | None]] = {}
        unread_headcounts: list[UnreadMonths] = []
        for position, year in enumerate(_years(self.months)):
            at = [(j, month) for j, (y, month) in enumerate(read) if y == year]
            read_months = frozenset(month for _j, month in at)
            if bounds:
                extent = bounds[position] or Extent(None, None, None, None)
                revenue_unread = _unread(year, read_months, extent.first_revenue, extent.last_revenue)
                headcount_unread = _unread(year, read_months, extent.first_headcount, extent.last_headcount)
            else:
                revenue_unread = headcount_unread = UnreadMonths(year, read_months)
            # Revenue is a decimal column; only headcounts come as integers.
            columns = [
                (month, cast(list[Decimal | None], [rows[j][_REVENUE] for _e, rows in members])) for j, month in at
            ]
            revenue.add_cumulative_year(year, columns, revenue_unread)
            for j, month in at:
                headcounts[ordinal(year, month)] = [rows[j][_EMPLOYEES] for _e, rows in members]
            if headcount_unread is not None:
                unread_headcounts.append(headcount_unread)
        return ScaleInputs([industries[e] for e in ids], revenue, Headcounts(len(ids), headcounts, unread_headcounts))


def _years(months: Sequence[tuple[int, int]]) -> list[int]:
    return sorted({year for year, _month in months})


def _unread(year: int, read: Collection[int], first: int | None, last: int | None) -> UnreadMonths | None:
    return None if first is None or last is None else UnreadMonths(year, read, first, last)


@dataclass
class Judged:
    """The 规上 status of every enterprise of a scope with an industry code, for a period."""

    statuses: dict[int, ScaleStatus]
    #: Enterprises the period-end rows could not decide, and those with 当月 rows: the row rules
    #: decide them from ``rows``, their every row of the two years (``inputs``: what they read).
    by_rows: set[int]
    rows: RowSet
    inputs: list[ScaleInputs]


def judge_from_period_ends(
    scope: Scope,
    period: ReportPeriod,
    census: Census,
    end_rows: Mapping[RowKey, PeriodEndRow],
    industries: Mapping[int, str],
) -> Judged:
    """Every enterprise's :class:`~.scale.ScaleStatus`: from its period-end rows where they decide
    it, else from them and its :func:`row_extents`, else from every row (two queries at most)."""
    statuses: dict[int, ScaleStatus] = {}
    ends = PeriodEnds(end_rows, period)
    points = JudgementPoints.of(period)

    def judged(batches: list[ScaleInputs]) -> list[int]:
        """Record the statuses the rules decide; the enterprises they leave open."""
        open_ids: list[int] = []
        for inputs in batches:
            decided = judge(inputs, points)
            if decided is UNDECIDED:
                open_ids += inputs.revenue.enterprise_ids
            else:
                statuses.update((status.enterprise_id, status) for status in decided)
        return open_ids

    candidates = (e for e in census.reported if e in industries and e not in census.monthly)
    open_ids = judged(ends.batches(industries, candidates))
    open_ids = judged(ends.batches(industries, open_ids, row_extents(scope, period, open_ids)))
    by_rows = census.monthly | set(open_ids)
    rows = _rows_of(scope, period, by_rows)
    inputs = scale_inputs(rows, industries)
    for batch in inputs:
        statuses.update((status.enterprise_id, status) for status in read_whole(judge(batch, points)))
    return Judged(statuses, by_rows, rows, inputs)


# --- 5. 升规 -------------------------------------------------------------------------------------


def _revenue_rows(scope: Scope, period: ReportPeriod, ids: Collection[int]) -> Iterator[tuple[int, int, int, Decimal]]:
    """(enterprise, year, month, revenue) of the rows with revenue of some enterprises, ordered by
    enterprise, year and month: one query, read one list of ids at a time."""
    rows = report_rows(scope).filter(year__in=(period.year - 1, period.year), revenue__isnull=False)
    for chunk in id_chunks(ids):
        yield from fetch_rows(
            rows.filter(enterprise_id__any_of=chunk)
            .order_by("enterprise_id", "year", "month")
            .values_list("enterprise_id", "year", "month", "revenue"),
            convert=[3],
        )


def revenue_histories(scope: Scope, period: ReportPeriod, ids: Collection[int]) -> list[RevenueHistories]:
    """The revenue, read whole, of some enterprises that report 1–N月 rows: one query (none without
    any), in batches of the enterprises that reported revenue in the same months. Enterprises
    without revenue rows are in none."""
    alike: dict[tuple[tuple[int, int], ...], list[tuple[int, list[Decimal]]]] = defaultdict(list)
    current: int | None = None
    months: list[tuple[int, int]] = []
    revenues: list[Decimal] = []
    for enterprise_id, year, month, revenue in _revenue_rows(scope, period, ids):  # by enterprise, year, month
        if enterprise_id != current:
            if current is not None:
                alike[tuple(months)].append((current, revenues))
            current, months, revenues = enterprise_id, [], []
        months.append((year, month))
        revenues.append(revenue)
    if current is not None:
        alike[tuple(months)].append((current, revenues))
    batches = []
    for shape, members in alike.items():
        histories = RevenueHistories([enterprise_id for enterprise_id, _revenues in members])
        columns = list(zip(*(revenues for _e, revenues in members), strict=True))  # one per month
        for year, positions in groupby(range(len(shape)), key=lambda j: shape[j][0]):
            histories.add_cumulative_year(year, [(shape[j][1], columns[j]) for j in positions])
        batches.append(histories)
    return batches


def scale_events_of(
    scope: Scope, period: ReportPeriod, judged: Judged, industries: Mapping[int, str], counted: Census
) -> list[ScaleEvent]:
    """The 升规 events in the period: of the enterprises that could cross in it (not 规上 before it,
    in an industry with a threshold), from their revenue rows; by year, month and enterprise."""
    statuses = judged.statuses
    events: list[ScaleEvent] = []
    for inputs in judged.inputs:
        ids = inputs.revenue.enterprise_ids
        events += period_events(inputs.revenue, inputs.industry_codes, [statuses[e] for e in ids], period)
    thresholds = {
        enterprise_id: threshold
        for enterprise_id, status in statuses.items()
        if enterprise_id not in judged.by_rows
        and not status.above_before_period
        and (threshold := threshold_yuan(industries[enterprise_id])) is not None
    }
    extremes = counted.revenue_extremes
    candidates = [
        e for e, threshold in thresholds.items() if e in extremes and reaches(highest_measure(extremes[e]), threshold)
    ]
    for histories in revenue_histories(scope, period, candidates):
        ids = histories.enterprise_ids
        events += period_events(histories, [industries[e] for e in ids], [statuses[e] for e in ids], period)
    return sorted(events, key=lambda event: (event.year, event.month, event.enterprise_id))


def arrivals_of(
    scope: Scope,
    period: ReportPeriod,
    stays: Mapping[int, Sequence[Stay]],
    first_row: Mapping[int, tuple[int, int]],
    horizons: Mapping[int, Horizon],
) -> dict[int, Arrival]:
    """The :class:`~.scale.Arrival` of those of some enterprises (the period's new 规上, the keys of
    ``horizons``, each with the horizon of its rows) that arrived in the scope within the rows read,
    or were there when its data began late. Whether and when (``scale.arrival_month``) needs only
    the move-in of its stay in the scope at the period's end (``stays``, its dated presence) and
    the month of its first row there (``first_row``, from the census); the rows there and in every
    park of those it concerns are read (two queries, none when it concerns none) and
    ``scale.arrival_of`` decides."""
    end = period.dates[1]
    move_ins: dict[int, tuple[int, int] | None] = {}  # of those it concerns: the month of the stay
    for enterprise_id, horizon in horizons.items():
        day = presence_rules.arrived_on(stays.get(enterprise_id, ()), end)
        month = None if day is None else (day.year, day.month)
        if arrival_month(first_row.get(enterprise_id), horizon=horizon, moved_in=month) is not None:
            move_ins[enterprise_id] = month
    if not move_ins:
        return {}
    here = _by_enterprise(_rows_of(scope, period, move_ins))
    everywhere = here if scope is None else _by_enterprise(_rows_of(None, period, move_ins))
    arrivals = [
        arrival_of(
            enterprise_id,
            here.get(enterprise_id, ()),
            everywhere.get(enterprise_id, ()),
            horizon=horizons[enterprise_id],
            moved_in=month,
        )
        for enterprise_id, month in sorted(move_ins.items())
    ]
    return {arrival.enterprise_id: arrival for arrival in arrivals if arrival is not None}


def _by_enterprise(rows: Iterable[MonthlyFigures]) -> dict[int, list[MonthlyFigures]]:
    """Rows grouped by enterprise, so that each enterprise's rule reads its own rows alone."""
    grouped: dict[int, list[MonthlyFigures]] = defaultdict(list)
    for row in rows:
        grouped[row.enterprise_id].append(row)
    return grouped


# --- all of it -----------------------------------------------------------------------------------


@dataclass
class Gathered:
    """A scope's enterprises for a period, as a report sums over them."""

    census: Census
    industries: dict[int, str]
    table: PeriodTable
    statuses: dict[int, ScaleStatus]
    events: list[ScaleEvent]
    arrivals: dict[int, Arrival]
    #: Every enterprise's dated stays in the scope's parks (``leasing.selectors.presence``): who
    #: arrived when, and who left before the period's end (RULES §5.3).
    stays: dict[int, list[Stay]]


def gather(scope: Scope, period: ReportPeriod, *, horizon_by_park: bool = False) -> Gathered:
    """Steps 1–6 of the module notes. ``horizon_by_park``: the arrivals of each enterprise are judged
    on where the data of its own parks begins (a portfolio computes each park as if alone), not
    the whole scope's."""
    counted = census(scope, period)
    end_rows = period_end_rows(scope, period)
    industries = industries_of(scope, period, counted.reported)
    judged = judge_from_period_ends(scope, period, counted, end_rows, industries)
    table = _fill_table(scope, period, counted, end_rows, judged.rows)
    events = scale_events_of(scope, period, judged, industries, counted)
    stays = presence(park_ids=scope)
    horizons = dict.fromkeys((event.enterprise_id for event in events), counted.horizon(period.year))
    if horizon_by_park and horizons:  # each park as if alone (a mover's parks: the earliest of theirs)
        by_park = counted.horizons_by_park(period.year)
        horizons = {e: min(by_park[park_id] for park_id in counted.parks_of[e]) for e in horizons}
    arrivals = arrivals_of(scope, period, stays, counted.first_row, horizons)
    return Gathered(counted, industries, table, judged.statuses, events, arrivals, stays)


# --- the monthly series --------------------------------------------------------------------------


def industrial_rows(rows: QuerySet[MonthlyReport]) -> QuerySet[MonthlyReport]:
    """The rows of enterprises of 门类 B–D (``scale.sector_of``'s 工业): a code in one of their 大类,
    or the 门类 letter alone."""
    division = Substr("enterprise__industry_code", 1, 2)
    return rows.alias(division=division).filter(
        Q(division__in=sorted(industrial_divisions())) | Q(enterprise__industry_code__in=sorted(INDUSTRY_SECTIONS))
    )


def monthly_totals(
    scope: Scope, year: int, indicator: Indicator, *, industrial_only: bool = False
) -> dict[tuple[int, int], Decimal]:
    """``totals.period_total`` of each point of the monthly series (``SERIES_SPANS``: 1–2月, then
    each month) of a year and the year before, from one query; keyed (year, first month of the
    point). A point nobody has figures for is absent: a gap, not a zero. ``industrial_only``: of
    the enterprises of 门类 B–D alone (the 工业总产值 chart, RULES §5.3).

    The database groups the rows by what decides whether a row stands for its point — year, month,
    form, the month of the enterprise's previous row of the year (``LAG``) and which of the two
    values is missing — and sums each group (on SQLite in whole fen, so that the sum of floats is
    exact). Each group becomes a stand-in enterprise with a row at the month (and, for 1–N月 rows
    and for February's 当月 rows, one at the previous row's month) and the rule decides: a period
    total is a sum over enterprises, so enterprises whose rows have the same shape add up. A
    stand-in counts for the point that ends at its own month: January's rows count through
    February's (an enterprise's 1–2月 is its February row with the January row before it, or its
    1–2月 row), so January alone is never a point.
    """

    def previous(name: str) -> Window:  # the same enterprise-year's row before, by month
        return Window(Lag(name), partition_by=[F("enterprise_id"), F("year")], order_by=F("month").asc())

    scoped = report_rows(scope)
    inner = (
        (industrial_rows(scoped) if industrial_only else scoped)
        .filter(year__in=(year - 1, year))
        .order_by()
        .annotate(previous_month=previous("month"), previous_value=previous(indicator))
        .values_list("year", "month", "is_cumulative", indicator, "previous_month", "previous_value")
    )
    sql, params = inner.query.sql_with_params()
    column = INDICATORS[INDICATORS.index(indicator)]  # a known name: safe in the SQL below
    postgresql = connection.vendor == "postgresql"

    def total(name: str) -> str:
        return f"SUM({name})" if postgresql else f"SUM(CAST(ROUND({name} * 100) AS INTEGER))"

    with connection.cursor() as cursor:
        # The inner query is the ORM's, with its parameters; the rest is constants.
        cursor.execute(
            f"SELECT year, month, is_cumulative, previous_month, {column} IS NULL, previous_value IS NULL,"  # noqa: S608
            f" {total(column)}, {total('previous_value')} FROM ({sql}) AS months GROUP BY 1, 2, 3, 4, 5, 6",
            params,
        )
        groups = cursor.fetchall()

    def amount(value: Decimal | int | None, missing: bool) -> Decimal | None:
        if missing or value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(value) * _CENT

    position = INDICATORS.index(indicator)
    stand_ins: dict[int, tuple[int, int]] = {}
    rows: list[MonthlyFigures] = []
    for stand_in, (row_year, month, cumulative, previous_month, missing, previous_missing, value, before) in enumerate(
        groups
    ):
        stand_ins[stand_in] = (row_year, month)
        rows_of_group = [(month, amount(value, missing))]
        if previous_month is not None and (cumulative or month == SERIES_SPANS[0][1]):
            rows_of_group.append((previous_month, amount(before, previous_missing)))
        for row_month, row_value in rows_of_group:
            values: list[Decimal | None] = [None] * len(INDICATORS)
            values[position] = row_value
            rows.append(
                MonthlyFigures(
                    enterprise_id=stand_in,
                    year=row_year,
                    month=row_month,
                    is_cumulative=bool(cumulative),
                    **indicator_kwargs(values),
                )
            )
    spans = {last: (first, last) for first, last in SERIES_SPANS}
    by_point: dict[tuple[int, int], Decimal] = {}
    row_set = RowSet(rows)
    for row_year, month in sorted(set(stand_ins.values())):
        if month not in spans:  # January: within 1–2月
            continue
        first, last = spans[month]
        for stand_in, figure in totals_by_enterprise(row_set, indicator, row_year, range(first, last + 1)).items():
            if stand_ins[stand_in] == (row_year, month) and figure.value is not None:
                by_point[(row_year, first)] = by_point.get((row_year, first), _ZERO) + figure.value
    return by_point
