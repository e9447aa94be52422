"""Enterprise figures from the monthly statistics, as incubation needs them: the one place that calls
`parkos.statistics` (its public selectors and row engine), so a change of names there is one change here.

- `annual_figures`: revenue, R&D spending and year-end employees of each enterprise for a year, from
  the statistics' period table (a few queries whatever the number of enterprises).
- `revenue_by_year`: each enterprise's reported revenue per year, full year or year to date.
- `monthly_output`: each enterprise's output month by month (cumulative rows differenced by the
  statistics engine; a gap is never spread over the missing months).
- `reported_months`: which months each enterprise has reported.
Money in 元.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import NamedTuple

from django.urls import reverse

from parkos.statistics import kpi
from parkos.statistics.kpi.gather import load_rows, period_table
from parkos.statistics.selectors import report_queryset


class AnnualFigures(NamedTuple):
    """One enterprise's year (a named tuple: a park's scan builds thousands)."""

    revenue: Decimal | None
    rnd_spending: Decimal | None
    employees: int | None

    @property
    def rnd_intensity(self) -> Decimal | None:
        """R&D经费支出 / 营业收入 × 100, when both are reported and revenue is positive."""
        if self.revenue is None or self.rnd_spending is None or self.revenue <= 0:
            return None
        return self.rnd_spending / self.revenue * 100


def annual_figures(
    *, park_ids: Collection[int] | None, year: int, enterprise_ids: Collection[int] | None = None
) -> dict[int, AnnualFigures]:
    """Every enterprise reporting in the parks for a full year: its revenue, R&D and year-end headcount.

    For a whole park the statistics' period table (a few queries); for a few enterprises (a tenant's
    own page) their rows through the row engine, so one enterprise's page does not read the park.
    """
    if enterprise_ids is not None:
        rows = load_rows(park_ids=park_ids, years=[year], enterprise_ids=list(enterprise_ids))
        totals = kpi.enterprise_period_totals(rows, year, range(1, 13))
        revenue = {e: t.current["revenue"] for e, t in totals.items() if "revenue" in t.current}
        rnd = {e: t.current["rnd_spending"] for e, t in totals.items() if "rnd_spending" in t.current}
        employees = {e: t.current["employees"] for e, t in totals.items() if "employees" in t.current}
    else:
        table = period_table(park_ids=park_ids, period=kpi.ReportPeriod(year))
        revenue = table.column("current", "revenue")
        rnd = table.column("current", "rnd_spending")
        employees = table.column("current", "employees")
    ids = set(revenue) | set(rnd) | set(employees)
    return {
        enterprise_id: AnnualFigures(
            revenue.get(enterprise_id),
            rnd.get(enterprise_id),
            int(employees[enterprise_id]) if enterprise_id in employees else None,
        )
        for enterprise_id in ids
    }


def _monthly(enterprise_ids: Collection[int], years: Iterable[int]) -> list[kpi.MonthlyFigures]:
    if not enterprise_ids:
        return []
    rows = load_rows(park_ids=None, years=list(years), enterprise_ids=list(enterprise_ids))
    return kpi.to_monthly(rows)


def revenue_by_year(enterprise_ids: Collection[int], years: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """enterprise → year → revenue reported for that year (whole year, or year to date)."""
    result: dict[int, dict[int, Decimal]] = {}
    for row in _monthly(enterprise_ids, years):
        if row.revenue is None:
            continue
        by_year = result.setdefault(row.enterprise_id, {})
        by_year[row.year] = by_year.get(row.year, Decimal(0)) + row.revenue
    return result


def monthly_output(
    enterprise_ids: Collection[int], years: Iterable[int]
) -> dict[int, list[tuple[int, int, Decimal | None]]]:
    """enterprise → [(year, month, output)] in order; a row covering several months (a gap) ends a run."""
    result: dict[int, list[tuple[int, int, Decimal | None]]] = {}
    for row in sorted(_monthly(enterprise_ids, years), key=lambda r: (r.enterprise_id, r.year, r.month)):
        series = result.setdefault(row.enterprise_id, [])
        if row.span_start is not None:  # several months in one value: the months before it are unknown
            series.clear()
        series.append((row.year, row.month, row.output))
    return result


def reported_months(
    enterprise_ids: Collection[int], periods: Collection[tuple[int, int]]
) -> dict[int, set[tuple[int, int]]]:
    """enterprise → the (year, month) among `periods` it has reported (any park)."""
    result: dict[int, set[tuple[int, int]]] = {}
    if not enterprise_ids or not periods:
        return result
    years = sorted({year for year, _month in periods})
    rows = (
        report_queryset(None)
        .filter(enterprise_id__any_of=list(enterprise_ids), year__in=years)
        .values_list("enterprise_id", "year", "month")
        .order_by()
    )
    wanted = set(periods)
    for enterprise_id, year, month in rows:
        if (year, month) in wanted:
            result.setdefault(enterprise_id, set()).add((year, month))
    return result


def statistics_url(enterprise_id: int) -> str:
    """Where staff see the statistics rows behind an enterprise's figures (the evidence page)."""
    return reverse("incubation:enterprise_figures", args=[enterprise_id])


def report_rows(enterprise_id: int, years: Iterable[int]) -> list[tuple[int, int, bool, dict[str, Decimal | None]]]:
    """The stored monthly reports of an enterprise for some years: (year, month, cumulative, figures)."""
    fields = ("revenue", "output", "rnd_spending", "employees", "taxes")
    rows = (
        report_queryset(None)
        .filter(enterprise_id=enterprise_id, year__in=list(years))
        .order_by("-year", "-month")
        .values_list("year", "month", "is_cumulative", *fields)
    )
    return [(y, m, c, dict(zip(fields, values, strict=True))) for y, m, c, *values in rows]
