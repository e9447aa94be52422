"""规上, 升规 and size class (RULES §5, §5.1): each rule stated once, for every path that asks.

The rules:

1. **Revenue measure.** An enterprise's revenue over a window of months is the sum of its revenue
   *stretches* that lie inside the window (:func:`revenue_over`). A stretch is what the rows say
   about a run of months: a 1–N月 row less the enterprise's previous 1–N月 row of the year with
   revenue covers the months in between; a 当月 row covers its own months. A stretch is never
   split, so unreported months count as nothing: the measure is a lower bound, and a crossing is
   never invented by missing data (it may be found late). The window is the twelve months ending
   at a month (``"trailing12"``, RULES §5) or 1..that month of its year (``"cumulative"``, the
   annual basis of 年度入库).
2. **规上** at a month: the measure reaches the threshold of the enterprise's industry (``>=``;
   :func:`reaches`). Enterprises without an industry code, or in an industry without a revenue
   threshold, are never 规上.
3. **升规**: the *first* month the measure reaches the threshold, evaluated at each month the
   enterprise reported revenue (:func:`first_crossing`); later dips and recoveries are not new
   升规 (once in the 名录库 an enterprise stays until the annual review, not modelled here). An
   enterprise already 规上 before the period (or before the data, ``already_above``) has none in it.
4. **Sector** (:func:`sector_of`): an enterprise of 门类 B–D (采矿业, 制造业, 电力热力燃气及水) is
   工业, and only those count in 工业总产值, 规上工业 and 升规; every other code is 服务业 (营业收入,
   规上服务业 on the thresholds of its 门类, which :func:`threshold_yuan` already reads). An
   enterprise without an industry code is in neither: the report lists it as a data-quality warning
   rather than guess (a pharmacy counted as a factory would inflate 规上工业).
5. **迁入规上** (RULES §5.3; :func:`arrival_of`, :func:`split_by_arrival`): a new 规上 enterprise of the
   period (rule 3, on the scope's rows) that *arrived* in the scope within the rows read is 迁入规上,
   not 升规, when the best evidence says it was already 规上 when it came: its first crossing in the
   scope's rows is at or before the month it arrived (its first 1–N月 row here already carries the
   months before), or a 上年同期 revenue it re-reported in its rows here reaches the threshold (last
   year's 1–N月 alone did: it was 规上 last year), or its rows in any of the operator's parks reach
   the threshold at the month before it arrived. Its arrival is the month it moved in (a dated
   presence) or else its first row in the scope, when that is after the **horizon**
   (:class:`Horizon`): the later of (report year − 1, February) — the two years read, January being
   exempt (RULES §10.1) — and the scope's first month with any row (a start in January counting
   from February). An enterprise whose move-in or first row is not after the horizon was there when
   the rows read begin and did not arrive. Where the scope's data itself begins after (year − 1,
   February) (its first year in ParkOS), its rows cannot show whether those there from the start
   were 规上 by then: the same evidence, at the horizon, says so, and one that was is **not new** at
   all (neither 升规 nor 迁入). 升规 counts only the rest: those that crossed while in the park.
6. **Moved out** (:func:`left_scope`): an enterprise whose dated presence (``leasing.presence``)
   does not cover the period's last day in any of the scope's parks has left (or not yet come): it
   is out of the end-of-period 规上 set, out of 新增规上 and out of the comparable basis of every
   growth rate (RULES §10.2), though what it reported while there stays in the period's totals. An
   enterprise without any dated stay is not known to have left: its rows are the evidence.
7. **Size class** (大中小微, RULES §5.1): from the trailing-12 measure and the latest headcount
   reported within the same twelve months (:func:`latest_headcount`).

For a report period, :func:`judge` applies 1, 2 and 7 at the months a report needs
(:class:`JudgementPoints`) and :func:`period_events` applies 3.

What the rules read (:class:`ScaleInputs`): revenue as :class:`RevenueHistories` and headcounts as
:class:`Headcounts`, of a *batch* of enterprises whose rows fall alike — the same months, the same
items left out — so that which stretches lie inside a window is found once per batch and the
revenue of each enterprise is a sum over its column (as a ``PeriodTable`` is summed column by
column). The row rules (:func:`scale_inputs`) make a batch of each enterprise, from all its rows.
The SQL path (:mod:`parkos.statistics.kpi.gather`) makes batches of the enterprises whose few rows
it read fall alike, and says where the rows it did not read may lie (:class:`UnreadMonths`); where
such a row could change an answer, the rules answer :data:`UNDECIDED` and the SQL path reads more.
Nothing else decides anything: there is no second statement of these rules.
"""

from __future__ import annotations

import datetime
import functools
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Final, Literal, NamedTuple, cast

from parkos.core import industry
from parkos.core.units import WAN
from parkos.enterprises.sizing import (
    INDUSTRY_SECTIONS,
    UPGRADE_WATCH_BAND,
    SizeClass,
    above_scale_threshold,
    size_class,
)
from parkos.leasing.presence import Stay, left_by
from parkos.statistics.kpi.figures import Figure, RowKey, round_half_up
from parkos.statistics.kpi.period import ReportPeriod
from parkos.statistics.kpi.rows import MonthlyFigures, RowSet, month_bounds, spans_by_year

__all__ = [
    "SCALE_BASIS",
    "SECTORS",
    "SIZE_CLASSES",
    "UNDECIDED",
    "Arrival",
    "ArrivalMonth",
    "Column",
    "Headcounts",
    "Horizon",
    "JudgementPoints",
    "RevenueBasis",
    "RevenueHistories",
    "ScaleEvent",
    "ScaleInputs",
    "ScaleStatus",
    "Sector",
    "Undecided",
    "UnreadMonths",
    "UpgradeCandidate",
    "above_scale_set",
    "arrival_month",
    "arrival_of",
    "arrived_above",
    "enterprises_by_size_class",
    "first_crossings",
    "highest_measure",
    "in_watch_band",
    "industrial_divisions",
    "judge",
    "latest_headcount",
    "left_scope",
    "new_above_scale",
    "period_events",
    "reaches",
    "reaching",
    "read_whole",
    "revenue_figure",
    "revenue_measure",
    "revenue_over",
    "scale_events",
    "scale_inputs",
    "sector_of",
    "sectors_of",
    "size_class_of",
    "split_by_arrival",
    "threshold_yuan",
    "upgrade_candidates",
    "upgrade_candidates_of",
    "window",
]

RevenueBasis = Literal["trailing12", "cumulative"]
#: 规上 is judged on trailing-12-month revenue (RULES §5); "cumulative" is the annual-review basis.
SCALE_BASIS: Final[RevenueBasis] = "trailing12"
SIZE_CLASSES: Final[tuple[SizeClass, ...]] = ("large", "medium", "small", "micro")
_ZERO: Final = Decimal(0)


class Undecided(Enum):
    """The answer depends on rows that were not read."""

    UNDECIDED = "undecided"


UNDECIDED: Final = Undecided.UNDECIDED


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


# --- months --------------------------------------------------------------------------------------


def ordinal(year: int, month: int) -> int:
    """A month as one number, so that months of consecutive years follow each other."""
    return year * 12 + month - 1


def year_month(month_ordinal: int) -> tuple[int, int]:
    year, index = divmod(month_ordinal, 12)
    return year, index + 1


def _window_starts(ends: list[int], basis: RevenueBasis) -> list[int]:
    """The first month (ordinal) of the window ending at each of some months."""
    if basis == "trailing12":
        return [end - 11 for end in ends]
    if basis == "cumulative":
        return [end - end % 12 for end in ends]  # January of the same year
    raise ValueError(f"unknown revenue basis {basis!r}")


def window(year: int, month: int, basis: RevenueBasis = SCALE_BASIS) -> tuple[int, int]:
    """The months (as ordinals, first and last) whose revenue 规上 is judged on at year/month."""
    end = ordinal(year, month)
    return _window_starts([end], basis)[0], end


# --- thresholds ----------------------------------------------------------------------------------


Sector = Literal["industry", "service"]
#: The report's two sections, in its order: 工业, then 服务业.
SECTORS: Final[tuple[Sector, ...]] = ("industry", "service")


@functools.cache
def sector_of(industry_code: str | None) -> Sector | None:
    """工业 (门类 B–D) or 服务业 (any other 门类) of an industry code; None without one (rule 4)."""
    if not industry_code:
        return None
    return "industry" if industry.section_of(industry_code) in INDUSTRY_SECTIONS else "service"


@functools.cache
def industrial_divisions() -> frozenset[str]:
    """The 大类 (two digits) of 门类 B–D: rule 4's 工业, for queries that filter on the code's prefix."""
    return frozenset(
        code for code, _label in industry.choices("division") if industry.section_of(code) in INDUSTRY_SECTIONS
    )


def sectors_of(industry_by_enterprise: Mapping[int, str], sector: Sector) -> dict[int, str]:
    """The enterprises of one sector, with their codes: what the sector's 规上 rules are asked about."""
    return {e: code for e, code in industry_by_enterprise.items() if sector_of(code) == sector}


@functools.cache
def threshold_yuan(industry_code: str) -> Decimal | None:
    """The industry's 规上 revenue threshold in 元 (RULES §5), None if it has none.

    Cached: validating and matching a code costs ~50 µs, and a report asks for every enterprise.
    """
    threshold = above_scale_threshold(industry_code)
    return None if threshold is None else threshold * WAN


def reaching(revenues: Iterable[Decimal | None], thresholds: Iterable[Decimal | None]) -> list[bool]:
    """Whether each revenue measure (元) reaches its 规上 threshold (元): "及以上", ``>=``; never
    without a measure or a threshold. (A column at a time: a batch asks for thousands.)"""
    return [
        revenue is not None and threshold is not None and revenue >= threshold
        for revenue, threshold in zip(revenues, thresholds, strict=True)
    ]


def reaches(revenue: Decimal | None, threshold: Decimal | None) -> bool:
    """:func:`reaching` of one measure."""
    return reaching((revenue,), (threshold,))[0]


def size_class_of(industry_code: str, revenue: Decimal, employees: Decimal | int) -> SizeClass:
    """大中小微 from a trailing-12 revenue (元) and a headcount (``sizing.size_class`` without 资产总额)."""
    headcount = employees if isinstance(employees, int) else int(round_half_up(employees, 0))
    return size_class(industry_code, headcount, max(revenue, _ZERO) / WAN)


# --- what the rules read -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnreadMonths:
    """Where rows of an enterprise-year that were not read may hold an indicator: months
    ``first..last`` of ``year``, except the months ``read``. (Without anything known of the other
    rows, ``first..last`` is 1..12.)"""

    year: int
    read: Collection[int]
    first: int = 1
    last: int = 12

    def within(self, start: int, end: int) -> bool:
        """Whether such a row may lie in the months ``start..end`` (ordinals)."""
        base = self.year * 12 - 1
        months = range(max(self.first, start - base), min(self.last, end - base) + 1)
        return any(month not in self.read for month in months)


#: One value per enterprise of a batch, in the order of its ``enterprise_ids``.
Column = Sequence[Decimal]


class RevenueHistories:
    """The revenue of a batch of enterprises whose rows fall alike, as stretches of months in time
    order (rule 1 of the module notes).

    Stretch ``i`` covers the month ordinals ``firsts[i]..lasts[i]`` for every enterprise of the
    batch; ``values[i]`` is the column of their revenues over it, None where it was not read. Its
    rows are the one at ``lasts[i]`` and, in a year of 1–N月 rows, less the one before
    ``firsts[i]``. ``unread`` says, of the stretches that rows not read may cut, where those rows
    may lie (empty: every stretch is whole, the batch was read whole).
    """

    __slots__ = ("_runs", "enterprise_ids", "firsts", "lasts", "monthly_years", "unread", "values")

    def __init__(self, enterprise_ids: Sequence[int]) -> None:
        self.enterprise_ids = enterprise_ids
        self.firsts: list[int] = []
        self.lasts: list[int] = []
        self.values: list[Column | None] = []
        self.unread: dict[int, UnreadMonths] = {}
        self.monthly_years: set[int] = set()  # years of 当月 rows, whose stretches are not differences
        self._runs: dict[tuple[int, int], range | Undecided] = {}

    def add_cumulative_year(
        self,
        year: int,
        revenue_by_month: Iterable[tuple[int, Sequence[Decimal | None]]],
        unread: UnreadMonths | None = None,
    ) -> None:
        """One year of 1–N月 rows, in month order, each month with the column of the enterprises'
        revenue in their row of it. Each row with revenue, less the previous one of the year with
        revenue, covers the months since; rows without revenue are passed over, so a row that
        leaves revenue out one month merges into the next stretch. ``unread``: where rows that were
        not read may lie; then the months after the last row read form a stretch of unknown
        revenue, if such rows may lie there."""
        base = ordinal(year, 1) - 1
        begin = len(self.firsts)
        previous_month = 0
        previous: Column | None = None
        for month, column in revenue_by_month:
            revenues = _alike(column)
            if revenues is None:
                continue
            self.firsts.append(base + previous_month + 1)
            self.lasts.append(base + month)
            self.values.append(
                revenues if previous is None else [r - p for r, p in zip(revenues, previous, strict=True)]
            )
            previous_month, previous = month, revenues
        if unread is None:
            return
        if previous_month < 12 and unread.within(base + previous_month + 1, base + 12):
            self.firsts.append(base + previous_month + 1)  # a stretch of unknown revenue
            self.lasts.append(base + 12)
            self.values.append(None)
        self.unread.update(dict.fromkeys(range(begin, len(self.firsts)), unread))

    def add_months(self, year: int, first: int, last: int, revenues: Column) -> None:
        """当月 rows of one month (or of ``first..last`` when they cover several), read whole."""
        self.monthly_years.add(year)
        self.firsts.append(ordinal(year, first))
        self.lasts.append(ordinal(year, last))
        self.values.append(revenues)

    def sources(self, stretches: range, enterprise_id: int) -> tuple[RowKey, ...]:
        """The rows whose signed sum is one enterprise's revenue over some consecutive stretches,
        sorted: within a year the 1–N月 rows telescope to the last one less the one before the first."""
        coefficients: dict[RowKey, int] = {}
        for index in stretches:
            year, month = year_month(self.lasts[index])
            key = (enterprise_id, year, month)
            coefficients[key] = coefficients.get(key, 0) + 1
            first_year, first_month = year_month(self.firsts[index])
            if first_year not in self.monthly_years and first_month > 1:
                before = (enterprise_id, first_year, first_month - 1)
                coefficients[before] = coefficients.get(before, 0) - 1
        return tuple(sorted(key for key, coefficient in coefficients.items() if coefficient))


def _alike(column: Sequence[Decimal | None]) -> Column | None:
    """A column of revenues, or None where every row of the batch leaves revenue out."""
    missing = len([value for value in column if value is None])  # faster than counting with a generator
    if not missing:
        return cast(Column, column)
    if missing < len(column):
        raise ValueError("the rows of a batch must be alike: revenue reported by some, left out by others")
    return None


class Headcounts:
    """The headcounts (期末从业人员, a stock) of a batch of ``size`` enterprises whose rows fall alike,
    by month ordinal: a column per month read (None where a row leaves it out). ``unread``: where
    rows that were not read may hold one."""

    __slots__ = ("by_month", "size", "unread")

    def __init__(
        self, size: int, by_month: Mapping[int, Sequence[Decimal | int | None]], unread: Sequence[UnreadMonths] = ()
    ) -> None:
        self.size = size
        self.by_month = by_month
        self.unread = unread


class ScaleInputs(NamedTuple):
    """What the 规上 rules read of a batch of enterprises (``revenue.enterprise_ids``)."""

    industry_codes: Sequence[str]  # of each enterprise, in the batch's order
    revenue: RevenueHistories
    headcounts: Headcounts


# --- rule 1: the revenue measure; rule 7's headcount --------------------------------------------


def _first_inside(firsts: list[int], start: int, stop: int) -> int:
    """The first of the stretches before ``stop`` that starts within a window starting at ``start``
    (``stop`` when none does)."""
    return bisect_left(firsts, start, 0, stop)


def _inside(histories: RevenueHistories, start: int, end: int) -> range | Undecided:
    """The stretches that lie inside the months ``start..end``: one run of consecutive stretches,
    as stretches are disjoint and in time order. UNDECIDED when rows that were not read may make a
    stretch inside the window: a stretch of unknown revenue inside it, or one reaching into it
    that unread rows may cut. The same for every enterprise of the batch, so found once."""
    key = (start, end)
    found = histories._runs.get(key)
    if found is None:
        found = histories._runs[key] = _find_inside(histories, start, end)
    return found


def _find_inside(histories: RevenueHistories, start: int, end: int) -> range | Undecided:
    firsts, lasts, unread = histories.firsts, histories.lasts, histories.unread
    stop = bisect_right(lasts, end)
    inside = range(_first_inside(firsts, start, stop), stop)
    if not unread:
        return inside
    if any(histories.values[index] is None for index in inside):
        return UNDECIDED
    # Only the stretch just before the run and the one just after it can reach into the window; an
    # unread row there may end a shorter stretch inside it (one that starts after the month before
    # the window and ends within it).
    for index in (inside.start - 1, inside.stop):
        months = unread.get(index)
        if (
            months is not None
            and firsts[index] <= end
            and lasts[index] >= start
            and months.within(max(firsts[index], start - 1), min(lasts[index], end))
        ):
            return UNDECIDED
    return inside


def _sum(histories: RevenueHistories, stretches: range) -> Column:
    """Each enterprise's revenue over some stretches (all read)."""
    columns = cast(list[Column], histories.values[stretches.start : stretches.stop])
    if len(columns) == 1:  # the common case: a year's 1–N月 row
        return columns[0]
    return [sum(values, _ZERO) for values in zip(*columns, strict=True)]


def _sum_of(histories: RevenueHistories, stretches: range, enterprise: int) -> Decimal:
    """:func:`_sum` of one enterprise of the batch."""
    return sum((cast(Column, histories.values[index])[enterprise] for index in stretches), _ZERO)


def revenue_over(histories: RevenueHistories, start: int, end: int) -> Sequence[Decimal | None] | Undecided:
    """Each enterprise's revenue over the months ``start..end`` (ordinals): the sum of its stretches
    inside them; None when there are none."""
    inside = _inside(histories, start, end)
    if inside is UNDECIDED:
        return UNDECIDED
    return _sum(histories, inside) if inside else [None] * len(histories.enterprise_ids)


def revenue_figure(histories: RevenueHistories, enterprise: int, start: int, end: int) -> Figure:
    """:func:`revenue_over` of the ``enterprise``-th enterprise, with its source rows; the batch read whole."""
    inside = read_whole(_inside(histories, start, end))
    if not inside:
        return Figure(None, "yuan")
    enterprise_id = histories.enterprise_ids[enterprise]
    return Figure(_sum_of(histories, inside, enterprise), "yuan", histories.sources(inside, enterprise_id))


def latest_headcount(headcounts: Headcounts, start: int, end: int) -> Sequence[Decimal | int | None] | Undecided:
    """Each enterprise's headcount of its latest row within the months ``start..end`` that reports one."""
    found: list[Decimal | int | None] = []
    for month in range(end, start - 1, -1):
        column = headcounts.by_month.get(month)
        if column is None:
            if any(unread.within(month, month) for unread in headcounts.unread):
                return UNDECIDED
            continue
        if not found:
            found = list(column)
        elif None in found:
            found = [value if value is not None else earlier for value, earlier in zip(found, column, strict=True)]
        if None not in found:
            return found
    return found or [None] * headcounts.size


# --- rules 2 and 4 at a report's months: judge ---------------------------------------------------


@dataclass(frozen=True)
class JudgementPoints:
    """The months (year, month) a report judges 规上 at, and the windows of revenue judged there."""

    end: tuple[int, int]  # the period's last month: 规上 now, size class
    year_before: tuple[int, int]  # the same month a year earlier (last year's 规上 output)
    before_period: tuple[int, int]  # the month before the period starts: already 规上, so no 升规 in it
    windows: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]  # of the three, on SCALE_BASIS

    @classmethod
    def of(cls, period: ReportPeriod) -> JudgementPoints:
        year, first, last = period.year, period.first_month, period.last_month
        end, year_before = (year, last), (year - 1, last)
        before_period = (year - 1, 12) if first == 1 else (year, first - 1)
        return cls(end, year_before, before_period, (window(*end), window(*year_before), window(*before_period)))


class ScaleStatus(NamedTuple):
    """One enterprise judged for a period (:func:`judge`)."""

    enterprise_id: int
    revenue: Decimal | None  # the measure at the period's end
    above: bool  # 规上 at the period's end
    above_year_before: bool  # 规上 a year earlier
    above_before_period: bool  # 规上 just before the period: an event in it is not 升规
    size: SizeClass | None  # at the period's end, when revenue and a headcount are known


def judge(inputs: ScaleInputs, points: JudgementPoints) -> list[ScaleStatus] | Undecided:
    """规上 at the :class:`JudgementPoints` of a period, on :data:`SCALE_BASIS`, and the size class at
    its end (the same trailing-12 revenue, and the latest headcount within it), of each enterprise
    of the batch."""
    at_end, at_year_before, at_before_period = points.windows
    histories = inputs.revenue
    now = revenue_over(histories, *at_end)
    year_before = revenue_over(histories, *at_year_before)
    # For a 1–N月 period "a year earlier" and "before the period" are both last December.
    before_period = year_before if at_before_period == at_year_before else revenue_over(histories, *at_before_period)
    headcounts = latest_headcount(inputs.headcounts, *at_end)
    if now is UNDECIDED or year_before is UNDECIDED or before_period is UNDECIDED or headcounts is UNDECIDED:
        return UNDECIDED
    codes = inputs.industry_codes
    thresholds = [threshold_yuan(code) for code in codes]
    sizes = [
        None if revenue is None or headcount is None else size_class_of(code, revenue, headcount)
        for code, revenue, headcount in zip(codes, now, headcounts, strict=True)
    ]
    return list(
        map(
            ScaleStatus,
            histories.enterprise_ids,
            now,
            reaching(now, thresholds),
            reaching(year_before, thresholds),
            reaching(before_period, thresholds),
            sizes,
        )
    )


# --- rule 3: 升规 --------------------------------------------------------------------------------


def first_crossings(
    histories: RevenueHistories, thresholds: Sequence[Decimal | None], basis: RevenueBasis = SCALE_BASIS
) -> list[int | None]:
    """For each enterprise of a batch read whole, the stretch at whose last month its measure first
    reaches its threshold (None: never, or no threshold). Each stretch's end is a month the
    enterprise reported revenue; the stretches inside the window ending there are those from
    :func:`_first_inside` up to it (as in :func:`_inside`), and their revenue a difference of
    running sums: one pass, whatever the number of months."""
    firsts = histories.firsts
    running: list[Column] = [[_ZERO] * len(thresholds)]
    for column in cast(list[Column], histories.values):
        running.append([total + value for total, value in zip(running[-1], column, strict=True)])
    may_reach = [e for e, threshold in enumerate(thresholds) if threshold is not None]
    crossings: list[int | None] = [None] * len(thresholds)
    for index, start in enumerate(_window_starts(histories.lasts, basis)):
        if not may_reach:
            break
        first = _first_inside(firsts, start, index + 1)
        now, before = running[index + 1], running[first]
        measures = [now[e] - before[e] for e in may_reach]
        reached = reaching(measures, [thresholds[e] for e in may_reach])
        for enterprise in [e for e, crossed in zip(may_reach, reached, strict=True) if crossed]:
            crossings[enterprise] = index
        if any(reached):
            may_reach = [e for e in may_reach if crossings[e] is None]
    return crossings


def highest_measure(extremes: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The most an enterprise's revenue measure (rule 1) can be over any window of its 1–N月 rows,
    from the lowest and highest revenue of its rows of each year (``extremes``): within a year the
    stretches inside a window add up to one of its rows less an earlier one (or less nothing, from
    January on), so to at most the year's highest less its lowest, counting nothing as 0; a window
    reaches into two years at most. An enterprise whose highest measure is under its threshold
    crosses it nowhere (rule 3): its rows need not be read to know."""
    return sum((max(high, _ZERO) - min(low, _ZERO) for low, high in extremes), _ZERO)


def _events(histories: RevenueHistories, thresholds: Sequence[Decimal | None], basis: RevenueBasis) -> list[ScaleEvent]:
    """The first crossing of each enterprise of a batch read whole, as an event."""
    events = []
    for enterprise, crossing in enumerate(first_crossings(histories, thresholds, basis)):
        if crossing is not None:
            year, month = year_month(histories.lasts[crossing])
            revenue = revenue_figure(histories, enterprise, *window(year, month, basis))
            threshold = cast(Decimal, thresholds[enterprise])
            events.append(ScaleEvent(histories.enterprise_ids[enterprise], year, month, revenue, threshold, basis))
    return events


def period_events(
    histories: RevenueHistories,
    industry_codes: Sequence[str],
    statuses: Sequence[ScaleStatus],
    period: ReportPeriod,
) -> list[ScaleEvent]:
    """The 升规 (on :data:`SCALE_BASIS`) that fall within the period, of a batch read whole: of its
    enterprises that were not 规上 just before the period."""
    thresholds = [
        None if status.above_before_period else threshold_yuan(code)
        for code, status in zip(industry_codes, statuses, strict=True)
    ]
    return [
        event
        for event in _events(histories, thresholds, SCALE_BASIS)
        if event.year == period.year and event.month in period.months
    ]


# --- the rules over rows -------------------------------------------------------------------------


def _inputs(rows: Iterable[MonthlyFigures]) -> dict[int, tuple[RevenueHistories, Headcounts]]:
    """Every enterprise's revenue and headcounts, read whole from its rows, as a batch of its own
    (cached on a :class:`RowSet`)."""
    if isinstance(rows, RowSet) and "scale_inputs" in rows.cache:
        return cast(dict[int, tuple[RevenueHistories, Headcounts]], rows.cache["scale_inputs"])
    by_year = spans_by_year(rows if isinstance(rows, RowSet) else list(rows))  # refuses duplicates, mixed forms
    histories: dict[int, RevenueHistories] = {}
    headcounts: dict[int, dict[int, Sequence[Decimal | None]]] = defaultdict(dict)
    for enterprise_id, year in sorted(by_year):
        revenue = histories.setdefault(enterprise_id, RevenueHistories([enterprise_id]))
        year_rows = [span.end_row for span in by_year[(enterprise_id, year)]]
        headcounts[enterprise_id].update((ordinal(year, row.month), [row.employees]) for row in year_rows)
        if year_rows[0].is_cumulative:
            revenue.add_cumulative_year(year, ((row.month, [row.revenue]) for row in year_rows))
        else:
            for row in year_rows:
                if row.revenue is not None:
                    revenue.add_months(year, row.months_covered.start, row.month, [row.revenue])
    result = {e: (revenue, Headcounts(1, headcounts[e])) for e, revenue in histories.items()}
    if isinstance(rows, RowSet):
        rows.cache["scale_inputs"] = result
    return result


def read_whole[T](answer: T | Undecided) -> T:
    """A rule's answer about enterprises read whole (every row), which is never UNDECIDED."""
    if answer is UNDECIDED:
        raise ValueError("the rows were not read whole")
    return answer


def scale_inputs(rows: Iterable[MonthlyFigures], industry_by_enterprise: Mapping[int, str]) -> list[ScaleInputs]:
    """What the rules read of every enterprise with an industry code, from all its rows: a batch each."""
    return [
        ScaleInputs([industry_by_enterprise[enterprise_id]], histories, headcounts)
        for enterprise_id, (histories, headcounts) in _inputs(rows).items()
        if industry_by_enterprise.get(enterprise_id)
    ]


def _revenue_of(rows: Iterable[MonthlyFigures]) -> dict[int, RevenueHistories]:
    return {enterprise_id: histories for enterprise_id, (histories, _headcounts) in _inputs(rows).items()}


def revenue_measure(
    rows: Iterable[MonthlyFigures], enterprise_id: int, year: int, month: int, basis: RevenueBasis = SCALE_BASIS
) -> Figure:
    """The revenue one enterprise's 规上 status is judged on at year/month, with its rows."""
    histories = _revenue_of(rows).get(enterprise_id) or RevenueHistories([enterprise_id])
    return revenue_figure(histories, 0, *window(year, month, basis))


def above_scale_set(
    rows: Iterable[MonthlyFigures],
    year: int,
    month: int,
    industry_by_enterprise: Mapping[int, str],
    *,
    basis: RevenueBasis = SCALE_BASIS,
) -> frozenset[int]:
    """Enterprises whose revenue measure at year/month reaches their industry's 规上 threshold."""
    start, end = window(year, month, basis)
    return frozenset(
        enterprise_id
        for enterprise_id, histories in _revenue_of(rows).items()
        if enterprise_id in industry_by_enterprise
        and reaches(
            revenue_figure(histories, 0, start, end).value, threshold_yuan(industry_by_enterprise[enterprise_id])
        )
    )


def scale_events(
    rows: Iterable[MonthlyFigures],
    industry_by_enterprise: Mapping[int, str],
    *,
    basis: RevenueBasis = SCALE_BASIS,
    already_above: Collection[int] = (),
) -> list[ScaleEvent]:
    """Every enterprise's 升规 month (rule 3), sorted by year, month, enterprise.

    Enterprises in ``already_above`` (规上 before the data starts) never have an event.
    """
    events = []
    for enterprise_id, histories in _revenue_of(rows).items():
        code = industry_by_enterprise.get(enterprise_id)
        threshold = None if code is None or enterprise_id in already_above else threshold_yuan(code)
        events += _events(histories, [threshold], basis)
    return sorted(events, key=lambda event: (event.year, event.month, event.enterprise_id))


def new_above_scale(
    rows: Iterable[MonthlyFigures],
    year: int,
    months: Iterable[int],
    industry_by_enterprise: Mapping[int, str],
    *,
    basis: RevenueBasis = SCALE_BASIS,
    already_above: Collection[int] = (),
) -> list[ScaleEvent]:
    """The 升规 events (see :func:`scale_events`) that fall within ``months`` of ``year``."""
    first, last = month_bounds(months)
    return [
        event
        for event in scale_events(rows, industry_by_enterprise, basis=basis, already_above=already_above)
        if event.year == year and first <= event.month <= last
    ]


def in_watch_band(revenue: Decimal, threshold: Decimal, band: Decimal = UPGRADE_WATCH_BAND) -> bool:
    """规下 within the watch band under the threshold: band × threshold ≤ revenue < threshold (RULES §5)."""
    return threshold * band <= revenue < threshold


def upgrade_candidates_of(
    batches: Iterable[RevenueHistories],
    year: int,
    month: int,
    industry_by_enterprise: Mapping[int, str],
    *,
    band: Decimal = UPGRADE_WATCH_BAND,
    basis: RevenueBasis = SCALE_BASIS,
) -> list[UpgradeCandidate]:
    """The enterprises whose revenue measure at year/month is in the watch band (:func:`in_watch_band`),
    closest to the threshold first; the batches read whole. ``band`` must be in (0, 1)."""
    if not Decimal(0) < band < Decimal(1):
        raise ValueError(f"band must be in (0, 1), got {band}")
    start, end = window(year, month, basis)
    candidates: list[UpgradeCandidate] = []
    for histories in batches:
        for enterprise, enterprise_id in enumerate(histories.enterprise_ids):
            code = industry_by_enterprise.get(enterprise_id)
            threshold = None if code is None else threshold_yuan(code)
            revenue = revenue_figure(histories, enterprise, start, end)
            if threshold is not None and revenue.value is not None and in_watch_band(revenue.value, threshold, band):
                candidates.append(UpgradeCandidate(enterprise_id, revenue, threshold, revenue.value / threshold))
    return sorted(candidates, key=lambda candidate: (-candidate.share, candidate.enterprise_id))


def upgrade_candidates(
    rows: Iterable[MonthlyFigures],
    year: int,
    month: int,
    industry_by_enterprise: Mapping[int, str],
    *,
    band: Decimal = UPGRADE_WATCH_BAND,
    basis: RevenueBasis = SCALE_BASIS,
) -> list[UpgradeCandidate]:
    """:func:`upgrade_candidates_of` the enterprises of some rows. ``band`` defaults to the watch
    band of RULES §5 (0.8) and must be in (0, 1)."""
    return upgrade_candidates_of(
        _revenue_of(rows).values(), year, month, industry_by_enterprise, band=band, basis=basis
    )


def enterprises_by_size_class(
    rows: Iterable[MonthlyFigures],
    year: int,
    month: int,
    industry_by_enterprise: Mapping[int, str],
) -> dict[SizeClass, frozenset[int]]:
    """大中小微 (rule 7) at year/month. Enterprises without an industry code, revenue or headcount
    are left out. Every class is a key, possibly empty."""
    classes: dict[SizeClass, set[int]] = {size: set() for size in SIZE_CLASSES}
    start, end = window(year, month, "trailing12")
    for inputs in scale_inputs(rows, industry_by_enterprise):
        (revenue,) = read_whole(revenue_over(inputs.revenue, start, end))
        (headcount,) = read_whole(latest_headcount(inputs.headcounts, start, end))
        if revenue is not None and headcount is not None:
            classes[size_class_of(inputs.industry_codes[0], revenue, headcount)].add(inputs.revenue.enterprise_ids[0])
    return {size: frozenset(members) for size, members in classes.items()}


# --- rule 5: 迁入规上 ------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Horizon:
    """Where the rows read of a scope begin, for rule 5 (RULES §5.3): the later of (report year − 1,
    February) — the two years read, January being exempt (RULES §10.1) — and the scope's first
    month with any row (:meth:`of`). ``late_start``: the scope's data itself begins after (year − 1,
    February), so its rows do not show whether the enterprises there from its start were 规上 by
    then."""

    year: int
    month: int
    late_start: bool

    @classmethod
    def of(cls, year: int, data_start: tuple[int, int] | None) -> Horizon:
        """The horizon of a report year's rows in a scope whose first row (of the two years) is in
        ``data_start`` (None: it has none). Data that starts in January starts being expected in
        February, as every year's first report is 1–2月 (RULES §10.1)."""
        read_from = (year - 1, 2)
        start = read_from if data_start is None else (data_start[0], max(data_start[1], 2))
        begins = max(read_from, start)
        return cls(*begins, late_start=begins > read_from)

    @property
    def ordinal(self) -> int:
        return ordinal(self.year, self.month)


class ArrivalMonth(NamedTuple):
    """The month from which an enterprise's presence in a scope is judged (:func:`arrival_month`)."""

    year: int
    month: int
    #: False: it arrived then. True: it was there when the scope's data began (a late start), and the
    #: month is the horizon: whether it was 规上 by then decides whether it is new at all.
    at_data_start: bool = False


@dataclass(frozen=True)
class Arrival:
    """An enterprise that arrived in a scope within the rows read — or was there when the scope's data
    began late (``at_data_start``) — with what says whether it was 规上 by then."""

    enterprise_id: int
    year: int  # the month it arrived (or the horizon)
    month: int
    prior_revenue: Decimal | None  # the largest 上年同期 revenue it re-reported in its rows in the scope
    revenue_before: Decimal | None  # its measure at the month before, from its rows in every park
    at_data_start: bool = False


def arrival_month(
    first_row: tuple[int, int] | None,
    *,
    horizon: Horizon,
    moved_in: tuple[int, int] | None = None,
) -> ArrivalMonth | None:
    """The month an enterprise arrived in a scope (rule 5): the month it moved in (a dated presence),
    else the month of its first row there (``first_row``, of the rows read), when that is after the
    :class:`Horizon`. When it is not, the enterprise was there when the rows read begin: on a late
    start its month is the horizon (``at_data_start``), otherwise None, as when it has neither a
    row nor a stay. Whether it arrived needs no row's figures: the SQL path asks this first and
    reads the rows of those that did (:func:`arrival_of`)."""
    came = moved_in if moved_in is not None else first_row
    if came is None:
        return None
    if ordinal(*came) > horizon.ordinal:
        return ArrivalMonth(*came)
    if horizon.late_start:
        return ArrivalMonth(horizon.year, horizon.month, at_data_start=True)
    return None


def arrival_of(
    enterprise_id: int,
    rows_in_scope: Iterable[MonthlyFigures],
    rows_everywhere: Iterable[MonthlyFigures],
    *,
    horizon: Horizon,
    moved_in: tuple[int, int] | None = None,
) -> Arrival | None:
    """The :class:`Arrival` of one enterprise, or None when it was in the scope from the horizon on
    and the scope's rows show the months before, or has no rows in it (:func:`arrival_month`).
    ``moved_in``: the month of its dated presence, which beats the month of its first row."""
    own = [row for row in rows_in_scope if row.enterprise_id == enterprise_id]
    first_row = min(((row.year, row.month) for row in own), default=None)
    arrived = arrival_month(first_row, horizon=horizon, moved_in=moved_in)
    if arrived is None:
        return None
    priors = [
        row.prior_year_same_period.revenue
        for row in own
        if row.is_cumulative
        and row.prior_year_same_period is not None
        and row.prior_year_same_period.revenue is not None
    ]
    before = year_month(ordinal(arrived.year, arrived.month) - 1)
    everywhere = [row for row in rows_everywhere if row.enterprise_id == enterprise_id]
    return Arrival(
        enterprise_id,
        arrived.year,
        arrived.month,
        max(priors) if priors else None,
        revenue_measure(everywhere, enterprise_id, *before).value if everywhere else None,
        arrived.at_data_start,
    )


def arrived_above(event: ScaleEvent, arrival: Arrival | None) -> bool:
    """Whether a new 规上 enterprise was already 规上 at its arrival (or at the data's start), rather
    than crossing while in the scope (rule 5)."""
    if arrival is None:
        return False
    if ordinal(event.year, event.month) <= ordinal(arrival.year, arrival.month):
        return True
    return reaches(arrival.prior_revenue, event.threshold) or reaches(arrival.revenue_before, event.threshold)


def split_by_arrival(
    events: Iterable[ScaleEvent], arrivals: Mapping[int, Arrival]
) -> tuple[list[ScaleEvent], list[ScaleEvent]]:
    """New 规上 enterprises as (升规, 迁入规上), each in the events' order. An event of an enterprise
    that was 规上 when the scope's data began is in neither: it is not new (rule 5)."""
    upgraded: list[ScaleEvent] = []
    moved_in: list[ScaleEvent] = []
    for event in events:
        arrival = arrivals.get(event.enterprise_id)
        if not arrived_above(event, arrival):
            upgraded.append(event)
        elif arrival is not None and not arrival.at_data_start:
            moved_in.append(event)
    return upgraded, moved_in


# --- rule 6: moved out ---------------------------------------------------------------------------


def left_scope(
    enterprise_ids: Iterable[int],
    stays: Mapping[int, Sequence[Stay]],
    day: datetime.date,
    park_ids: Collection[int] | None = None,
) -> frozenset[int]:
    """Those of some enterprises whose dated stays in the scope's parks (None: every park) do not
    cover a day — the period's last (rule 6)."""
    left = []
    for enterprise_id in enterprise_ids:
        found = stays.get(enterprise_id, ())
        if park_ids is not None:
            found = [stay for stay in found if stay.park_id in park_ids]
        if left_by(found, day):
            left.append(enterprise_id)
    return frozenset(left)
