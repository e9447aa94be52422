"""Rows and spans: one enterprise's monthly reports as the rules read them (RULES §10.1).

A row is either *cumulative* (本年 1–N月, the form of 联网直报 and NBS releases) or *monthly*
(当月). One enterprise reports one year in one form; mixing them is refused, because a cumulative
figure next to monthly ones cannot be split without guessing. Two rows with the same key are
refused too. ``employees`` is a stock (期末从业人员): it is never differenced or summed over
months; a period's headcount is the one reported for its last month.

Missing months (:func:`to_monthly`): a cumulative row for month N is differenced against the
enterprise's previous cumulative row of the same year, month M. When M < N − 1 (a month was not
reported, or January, which 规上 enterprises are exempt from: the first release is 1–2月) the
difference covers months M+1..N together — one *span* — and nothing is spread over the gap,
because any split would be an invention. The first row of a year covers 1..N.

Units: money in 元 (Decimal), employees in persons, energy in 吨标准煤.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal, TypedDict, cast, get_args

from django.utils.translation import gettext_lazy as _

from parkos.statistics.kpi.figures import RowKey, Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "INDICATORS",
    "INDICATOR_LABELS",
    "INDICATOR_UNITS",
    "STOCK_INDICATORS",
    "Indicator",
    "IndicatorKwargs",
    "IndicatorValues",
    "MonthlyFigures",
    "RowSet",
    "Span",
    "indicator_kwargs",
    "to_monthly",
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

#: The indicators, in the order of the report's columns (and of the rows as the SQL path reads them).
INDICATORS: Final[tuple[Indicator, ...]] = get_args(Indicator)
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


class IndicatorKwargs(TypedDict):
    """The keyword arguments of :class:`IndicatorValues`."""

    output: Decimal | None
    revenue: Decimal | None
    profit: Decimal | None
    taxes: Decimal | None
    rnd_spending: Decimal | None
    employees: Decimal | None
    energy_tce: Decimal | None
    fixed_asset_investment: Decimal | None
    exports: Decimal | None


def indicator_kwargs(values: Sequence[Decimal | None]) -> IndicatorKwargs:
    """Values in :data:`INDICATORS` order as the keyword arguments of :class:`IndicatorValues`."""
    output, revenue, profit, taxes, rnd_spending, employees, energy_tce, fixed_asset_investment, exports = values
    return {
        "output": output,
        "revenue": revenue,
        "profit": profit,
        "taxes": taxes,
        "rnd_spending": rnd_spending,
        "employees": employees,
        "energy_tce": energy_tce,
        "fixed_asset_investment": fixed_asset_investment,
        "exports": exports,
    }


# --- spans ---------------------------------------------------------------------------------------

# A span is a stretch of months of one enterprise-year whose value is a signed sum of stored rows:
# a cumulative row N minus the previous cumulative row M covers M+1..N; a monthly row covers its
# own months. Summing spans adds their coefficients, so a cumulative 1..N total telescopes back to
# the single row N and the sources list exactly the rows whose values count.
Terms = dict[RowKey, tuple[MonthlyFigures, int]]


@dataclass(frozen=True)
class Span:
    first: int
    last: int
    end_row: MonthlyFigures  # the row keyed at ``last``
    terms: tuple[tuple[MonthlyFigures, int], ...]


class RowSet(tuple[MonthlyFigures, ...]):
    """Rows that remember their grouping: pass one RowSet to many rule functions (a report calls
    about thirty) and the rows are grouped into spans once instead of once per call. Immutable, so
    the cache cannot go stale."""

    def __new__(cls, rows: Iterable[MonthlyFigures] = ()) -> RowSet:
        instance = super().__new__(cls, rows)
        instance.cache = {}
        return instance

    #: Derived views of the rows, by name (``spans_by_year``; ``scale`` for the 规上 rules).
    cache: dict[str, object]


def spans_by_year(rows: Iterable[MonthlyFigures]) -> dict[tuple[int, int], list[Span]]:
    """Spans per (enterprise, year), in month order (cached on a :class:`RowSet`)."""
    if isinstance(rows, RowSet):
        if "spans_by_year" not in rows.cache:
            rows.cache["spans_by_year"] = _spans_by_year(rows)
        return cast(dict[tuple[int, int], list[Span]], rows.cache["spans_by_year"])
    return _spans_by_year(rows)


def _spans_by_year(rows: Iterable[MonthlyFigures]) -> dict[tuple[int, int], list[Span]]:
    """Spans per (enterprise, year), in month order; refuses duplicate keys and mixed forms."""
    by_year: dict[tuple[int, int], list[MonthlyFigures]] = defaultdict(list)
    seen: set[RowKey] = set()
    for row in rows:
        if row.key in seen:
            raise ValueError(f"two rows for enterprise {row.enterprise_id}, {row.year}-{row.month:02d}")
        seen.add(row.key)
        by_year[(row.enterprise_id, row.year)].append(row)
    result: dict[tuple[int, int], list[Span]] = {}
    for (enterprise_id, year), group in by_year.items():
        group.sort(key=lambda row: row.month)
        if len({row.is_cumulative for row in group}) > 1:
            raise ValueError(f"enterprise {enterprise_id} reports {year} both cumulatively and monthly")
        spans: list[Span] = []
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
            spans.append(Span(first=first, last=row.month, end_row=row, terms=terms))
        result[(enterprise_id, year)] = spans
    return result


def combine(spans: Iterable[Span]) -> Terms:
    """The rows behind some spans with their summed coefficients; rows that cancel are dropped."""
    combined: dict[RowKey, tuple[MonthlyFigures, int]] = {}
    for span in spans:
        for row, coefficient in span.terms:
            _, previous = combined.get(row.key, (row, 0))
            combined[row.key] = (row, previous + coefficient)
    return {key: term for key, term in combined.items() if term[1] != 0}


def evaluate(terms: Terms, indicator: Indicator, *, prior: bool) -> Decimal | None:
    """Σ coefficient × value over the terms; None if any value (or re-reported prior) is missing."""
    total = Decimal(0)
    for row, coefficient in terms.values():
        values = row.prior_year_same_period if prior else row
        value = None if values is None else values.get(indicator)
        if value is None:
            return None
        total += coefficient * value
    return total


def stock(row: MonthlyFigures, indicator: Indicator) -> tuple[Decimal | None, Decimal | None]:
    """A stock's value in a row and its re-reported prior."""
    prior = None if row.prior_year_same_period is None else row.prior_year_same_period.get(indicator)
    return row.get(indicator), prior


def month_bounds(months: Iterable[int]) -> tuple[int, int]:
    """First and last month of a contiguous, non-empty set of months within 1..12."""
    ordered = sorted(set(months))
    if not ordered or ordered[0] < 1 or ordered[-1] > 12 or ordered != list(range(ordered[0], ordered[-1] + 1)):
        raise ValueError(f"months must be contiguous within 1..12, got {ordered}")
    return ordered[0], ordered[-1]


def check_indicator(indicator: Indicator) -> None:
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}")


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
    for (enterprise_id, year), spans in sorted(spans_by_year(rows).items()):
        for span in spans:
            row = span.end_row
            if not row.is_cumulative:
                result.append(row)
                continue
            terms = combine([span])
            values: list[Decimal | None] = []
            priors: list[Decimal | None] = []
            for indicator in INDICATORS:
                if indicator in STOCK_INDICATORS:
                    value, prior = stock(row, indicator)
                else:
                    value, prior = evaluate(terms, indicator, prior=False), evaluate(terms, indicator, prior=True)
                values.append(value)
                priors.append(prior)
            has_prior = any(value is not None for value in priors)
            result.append(
                MonthlyFigures(
                    enterprise_id=enterprise_id,
                    year=year,
                    month=span.last,
                    is_cumulative=False,
                    span_start=span.first if span.first != span.last else None,
                    prior_year_same_period=IndicatorValues(**indicator_kwargs(priors)) if has_prior else None,
                    **indicator_kwargs(values),
                )
            )
    return result
