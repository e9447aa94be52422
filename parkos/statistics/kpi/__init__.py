"""Park KPIs from enterprise monthly statistics: every rule once, the SQL path that feeds it, the report.

The package has three layers, each using only the ones before it:

1. **The rules** — pure functions over frozen data, no database (RULES §5, §10):
   :mod:`.period` (``ReportPeriod``), :mod:`.figures` (``Figure``, ``GrowthFigure``), :mod:`.rows`
   (rows, spans, ``to_monthly``), :mod:`.totals` (period totals, comparable growth, the
   ``PeriodTable`` a report sums over) and :mod:`.scale` (规上, 升规, size class). Each rule is
   stated once; where a rule has a shortcut for 1–N月 rows (a period total is one subtraction), the
   shortcut lives beside the rule, and a test holds the two together.
2. **The SQL path** — :mod:`.gather`: reads in a constant number of queries what the rules need
   and calls them. It decides nothing itself; where the rows it read leave a rule undecided
   (``scale.UNDECIDED``), it reads more, and at last every row of that enterprise.
3. **The report** — :mod:`.assembly`: ``report_kpis``, ``portfolio_kpis``: the figures of a
   report as sums over the gathered table and judgements; :mod:`.narrative`: its paragraph.

Every figure carries the keys ``(enterprise_id, year, month)`` of the rows it was computed from,
so a report cell can link to its sources (DESIGN: "every KPI can be traced back to its rows").
This module re-exports the rules; the SQL path and the report are imported from their modules.
"""

from parkos.statistics.kpi.figures import PERCENT_DIGITS, Figure, GrowthFigure, RowKey, Unit, round_half_up, yoy
from parkos.statistics.kpi.period import ReportPeriod
from parkos.statistics.kpi.rows import (
    INDICATOR_LABELS,
    INDICATOR_UNITS,
    INDICATORS,
    STOCK_INDICATORS,
    Indicator,
    IndicatorValues,
    MonthlyFigures,
    RowSet,
    indicator_kwargs,
    to_monthly,
)
from parkos.statistics.kpi.scale import (
    SCALE_BASIS,
    RevenueBasis,
    ScaleEvent,
    UpgradeCandidate,
    above_scale_set,
    enterprises_by_size_class,
    new_above_scale,
    reaches,
    revenue_measure,
    scale_events,
    size_class_of,
    threshold_yuan,
    upgrade_candidates,
)
from parkos.statistics.kpi.totals import (
    PeriodTable,
    PeriodTotals,
    SourceKeys,
    TotalsSide,
    comparable_growth,
    enterprise_period_totals,
    growth_by_enterprise,
    growth_of,
    naive_growth,
    period_total,
    pp_difference,
    rnd_intensity,
    rnd_intensity_of,
    total_of,
    totals_by_enterprise,
)

__all__ = [
    "INDICATORS",
    "INDICATOR_LABELS",
    "INDICATOR_UNITS",
    "PERCENT_DIGITS",
    "SCALE_BASIS",
    "STOCK_INDICATORS",
    "Figure",
    "GrowthFigure",
    "Indicator",
    "IndicatorValues",
    "MonthlyFigures",
    "PeriodTable",
    "PeriodTotals",
    "ReportPeriod",
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
    "indicator_kwargs",
    "naive_growth",
    "new_above_scale",
    "period_total",
    "pp_difference",
    "reaches",
    "revenue_measure",
    "rnd_intensity",
    "rnd_intensity_of",
    "round_half_up",
    "scale_events",
    "size_class_of",
    "threshold_yuan",
    "to_monthly",
    "total_of",
    "totals_by_enterprise",
    "upgrade_candidates",
    "yoy",
]
