"""Statistics: annual-report KPIs of one park, and portfolio KPIs, against the raw SQL aggregate.

Scales: small — one park of 200 enterprises × 24 months; full — one park of 2,000 enterprises × 24
months (target: median ≤ 3× the floor) and a portfolio of 50,000 enterprises × 24 months (25 parks
of 2,000; median and memory stated, no target). Rows are cumulative 1–N月 with the prior year
re-reported, generated with bulk_create.

The subject is the selector that produces the annual KPIs (`selectors.report_kpis`, without the
page's tables), not the HTML page. The floor is the raw SQL aggregate of the same indicators over
the same rows, this year and last year; each Case checks that both give the same headline totals.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.harness import Case, benchmark
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Park
from parkos.statistics import selectors
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.models import MonthlyReport

YEAR = 2025
CENT = Decimal("0.01")
SEASON = (0.055, 0.06, 0.08, 0.08, 0.085, 0.09, 0.085, 0.085, 0.09, 0.09, 0.09, 0.11)


def _park(code: str) -> Any:

    park, _ = Park.objects.get_or_create(code=code, defaults={"name": f"统计基准园区 {code}", "city": "重庆市"})
    return park


@transaction.atomic
def _fill(park: Any, enterprises: int, seed: int) -> None:
    """`enterprises` enterprises × 24 months of cumulative rows in `park`, unless already there."""

    if MonthlyReport.objects.filter(park=park).exists():
        return
    rng = random.Random(seed)
    batch = [
        Enterprise(name=f"{park.code} 基准企业 {i}", industry_code=rng.choice(("3581", "2710", "7340")), source="demo")
        for i in range(enterprises)
    ]
    Enterprise.objects.bulk_create(batch, batch_size=2000)
    rows = []
    for enterprise in batch:
        base = 10 ** rng.uniform(6.5, 8.8)
        growth = rng.gauss(1.12, 0.15)
        for year, annual in ((YEAR - 1, base), (YEAR, base * growth)):
            for month in range(1, 13):
                share = sum(SEASON[:month])
                revenue = Decimal(f"{annual * share:.2f}")
                prior = Decimal(f"{annual / growth * share:.2f}") if year == YEAR else None
                rows.append(
                    MonthlyReport(
                        park=park, enterprise=enterprise, year=year, month=month, is_cumulative=True,
                        revenue=revenue, output=revenue, taxes=(revenue * Decimal("0.05")).quantize(CENT),
                        rnd_spending=(revenue * Decimal("0.04")).quantize(CENT), employees=int(annual / 8e5) + 5,
                        prior_revenue=prior, prior_output=prior,
                    )
                )  # fmt: skip
            if len(rows) >= 20_000:
                MonthlyReport.objects.bulk_create(rows, batch_size=2000)
                rows.clear()
    MonthlyReport.objects.bulk_create(rows, batch_size=2000)


#: The headline figures straight from SQL: one SUM per indicator over the same rows the selector
#: reads (the park's rows of this year and last), grouped by year. A 1–N月 row counts at December,
#: when the year's total is the row itself; a monthly (当月) row counts as it is; headcount, a
#: stock, at December.
_FLOW = "SUM(CASE WHEN month = 12 OR NOT is_cumulative THEN {} END)"
FLOOR_SQL = (
    "SELECT year, COUNT(DISTINCT enterprise_id), "
    + ", ".join(_FLOW.format(column) for column in ("output", "revenue", "taxes", "rnd_spending"))
    + ", SUM(CASE WHEN month = 12 THEN employees END), "
    + ", ".join(_FLOW.format(column) for column in ("prior_output", "prior_revenue"))
    + " FROM park_statistics_monthlyreport WHERE park_id IN ({ids}) AND year IN (%s, %s)"
    " GROUP BY year ORDER BY year"
)


def _floor(park_ids: list[int]) -> Any:
    def run() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL.format(ids=",".join(str(int(p)) for p in park_ids)), [YEAR - 1, YEAR])
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

    return run


def _money(value: Any) -> Decimal:
    """A SUM from the cursor (Decimal on PostgreSQL, float on SQLite) to cents."""
    return Decimal(str(value)).quantize(CENT)


def _check_headline(kpis: Any, groups: list[tuple[Any, ...]], enterprises: int) -> None:
    """The selector and the floor agree on the headline totals, this year and last."""
    (before_year, before_n, *_before), (year, count, *now) = groups
    assert (before_year, year) == (YEAR - 1, YEAR)
    assert count == before_n == kpis.reporting_enterprises == enterprises
    output, revenue, taxes, rnd, employees, prior_output, prior_revenue = now
    # Rows filled before the data were rounded to cents hold taxes and R&D to four places on
    # SQLite; Django reads each back rounded to the field's two, so allow half a cent a row.
    for indicator, total in (("output", output), ("revenue", revenue), ("taxes", taxes), ("rnd_spending", rnd)):
        difference = abs(kpis.totals[indicator].value - _money(total))
        assert difference <= count * CENT / 2, (indicator, kpis.totals[indicator].value, total)
    assert kpis.totals["employees"].value == employees
    # Everyone re-reports last year's output and revenue: the comparable base is their sum.
    assert kpis.growth["output"].previous == _money(prior_output)
    assert kpis.growth["revenue"].previous == _money(prior_revenue)
    assert len(kpis.totals["revenue"].sources) == enterprises


def _park_case(scale: str) -> Case:

    enterprises = 2000 if scale == "full" else 200
    park = _park(f"BENCH-STAT-{enterprises}")
    _fill(park, enterprises, seed=1)

    def subject() -> Any:
        return selectors.report_kpis(park_ids=[park.pk], period=ReportPeriod(YEAR), detail=False)

    return Case(
        subject=subject,
        floor=_floor([park.pk]),
        floor_label=f"raw SQL: SUM per indicator over the same rows, by year ({enterprises} enterprises × 24 months)",
        target_ratio=3.0,
        check=lambda kpis, groups: _check_headline(kpis, groups, enterprises),
        notes=f"{enterprises} enterprises × 24 months, cumulative rows; the annual KPI selector (no page tables)",
    )


@benchmark("statistics.annual_report_kpis")
def annual_report_kpis(scale: str) -> Case:
    return _park_case(scale)


@benchmark("statistics.portfolio_kpis")
def portfolio_kpis(scale: str) -> Case:

    parks, per_park = (25, 2000) if scale == "full" else (5, 200)
    park_ids = []
    for index in range(parks):
        park = _park(f"BENCH-PF-{index:02d}-{per_park}")
        _fill(park, per_park, seed=100 + index)
        park_ids.append(park.pk)

    def subject() -> Any:
        return selectors.portfolio_kpis(park_ids=park_ids, period=ReportPeriod(YEAR))

    with CaptureQueriesContext(connection) as queries:
        subject()

    def check(results: Any, groups: list[tuple[Any, ...]]) -> None:
        assert sum(kpis.reporting_enterprises for _park, kpis in results) == groups[1][1] == parks * per_park
        revenue = sum(kpis.totals["revenue"].value for _park, kpis in results)
        assert abs(revenue - _money(groups[1][3])) <= Decimal("0.01") * parks

    return Case(
        subject=subject,
        floor=_floor(park_ids),
        floor_label=f"raw SQL: SUM per indicator over the same rows, by year ({parks} parks × {per_park} enterprises)",
        target_ratio=None,
        check=check,
        notes=f"all parks at once, {len(queries.captured_queries)} queries in all ({parks} parks)",
    )
