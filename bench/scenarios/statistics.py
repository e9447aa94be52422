"""Statistics: annual-report KPIs of one park, and portfolio KPIs, against the raw SQL aggregate.

Scales: small — one park of 200 enterprises × 24 months; full — one park of 2,000 enterprises × 24
months (target: median ≤ 3× the floor) and a portfolio of 50,000 enterprises × 24 months (25 parks
of 2,000; median and memory stated, no target). Rows are cumulative 1–N月 with the prior year
re-reported, generated with bulk_create.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from bench.harness import Case, benchmark

YEAR = 2025
SEASON = (0.055, 0.06, 0.08, 0.08, 0.085, 0.09, 0.085, 0.085, 0.09, 0.09, 0.09, 0.11)


def _park(code: str) -> Any:
    from parkos.parks.models import Park

    park, _ = Park.objects.get_or_create(code=code, defaults={"name": f"统计基准园区 {code}", "city": "重庆市"})
    return park


@transaction.atomic
def _fill(park: Any, enterprises: int, seed: int) -> None:
    """`enterprises` enterprises × 24 months of cumulative rows in `park`, unless already there."""
    from parkos.enterprises.models import Enterprise
    from parkos.statistics.models import MonthlyReport

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
                        revenue=revenue, output=revenue, taxes=revenue * Decimal("0.05"),
                        rnd_spending=revenue * Decimal("0.04"), employees=int(annual / 8e5) + 5,
                        prior_revenue=prior, prior_output=prior,
                    )
                )  # fmt: skip
            if len(rows) >= 20_000:
                MonthlyReport.objects.bulk_create(rows, batch_size=2000)
                rows.clear()
    MonthlyReport.objects.bulk_create(rows, batch_size=2000)


FLOOR_SQL = (
    "SELECT enterprise_id, year, COUNT(*), SUM(output), SUM(revenue), SUM(taxes), SUM(rnd_spending),"
    " SUM(prior_output), SUM(prior_revenue), MAX(employees) FROM park_statistics_monthlyreport"
    " WHERE park_id IN ({ids}) AND year IN (%s, %s) GROUP BY enterprise_id, year"
)


def _floor(park_ids: list[int]) -> Any:
    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL.format(ids=",".join(str(int(p)) for p in park_ids)), [YEAR - 1, YEAR])
            return len(cursor.fetchall())

    return run


def _park_case(scale: str) -> Case:
    from parkos.statistics import selectors
    from parkos.statistics.narrative import ReportPeriod

    enterprises = 2000 if scale == "full" else 200
    park = _park(f"BENCH-STAT-{enterprises}")
    _fill(park, enterprises, seed=1)

    def subject() -> Any:
        return selectors.report_kpis(park_ids=[park.pk], period=ReportPeriod(YEAR), detail=False)

    def check(kpis: Any, groups: int) -> None:
        assert groups == 2 * enterprises
        assert kpis.reporting_enterprises == enterprises

    return Case(
        subject=subject,
        floor=_floor([park.pk]),
        floor_label=f"raw SQL aggregate per enterprise-year ({enterprises} enterprises × 24 months)",
        target_ratio=3.0,
        check=check,
        notes=f"{enterprises} enterprises × 24 months, cumulative rows; KPIs without the by-enterprise tables",
    )


@benchmark("statistics.annual_report_kpis")
def annual_report_kpis(scale: str) -> Case:
    return _park_case(scale)


@benchmark("statistics.portfolio_kpis")
def portfolio_kpis(scale: str) -> Case:
    from parkos.statistics import selectors
    from parkos.statistics.narrative import ReportPeriod

    parks, per_park = (25, 2000) if scale == "full" else (5, 200)
    park_ids = []
    for index in range(parks):
        park = _park(f"BENCH-PF-{index:02d}-{per_park}")
        _fill(park, per_park, seed=100 + index)
        park_ids.append(park.pk)

    def subject() -> Any:
        return selectors.portfolio_kpis(park_ids=park_ids, period=ReportPeriod(YEAR))

    return Case(
        subject=subject,
        floor=_floor(park_ids),
        floor_label=f"raw SQL aggregate ({parks} parks × {per_park} enterprises × 24 months)",
        target_ratio=None,
        notes="park by park: a constant number of queries per park, memory bounded by the largest park",
    )
