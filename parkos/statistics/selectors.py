"""Every non-trivial read of the statistics: rows for the KPI engine, report KPIs, 亩均, the calendar.

The KPI selectors load MonthlyReport rows with `.values_list()` in one query per park (never one per
enterprise), turn them into `kpi.MonthlyFigures` and hand them to the pure functions of `kpi`,
`muju` and `narrative`. Every figure keeps the keys of its source rows, which `source_rows`
resolves for the "sources" page.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from parkos.core.units import sqm_to_mu
from parkos.enterprises import industry
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Park
from parkos.statistics import kpi, muju
from parkos.statistics.choices import DeviceStatus, MilestoneKind, MujuCategory, ProductKind
from parkos.statistics.kpi import Figure, GrowthFigure, IndicatorValues, MonthlyFigures, RowKey, ScaleEvent
from parkos.statistics.models import EnterpriseParkProfile, Milestone, MonthlyReport, Product, Project
from parkos.statistics.narrative import AnnualKpis, Listing, ReportPeriod, annual_paragraph
from parkos.statistics.products import IN_CLINICAL_TRIAL, ClinicalStage, DrugRegistrationCategory

ZERO: Final = Decimal(0)
#: 规上 is judged on trailing-12-month revenue (RULES §5); "cumulative" is the annual-review basis.
SCALE_BASIS: Final[kpi.RevenueBasis] = "trailing12"
#: The headline indicators of the report, in the order of its tables.
HEADLINE: Final[tuple[kpi.Indicator, ...]] = (
    "output",
    "revenue",
    "profit",
    "taxes",
    "rnd_spending",
    "fixed_asset_investment",
    "exports",
    "energy_tce",
    "employees",
)
_FIELDS: Final = (
    "enterprise_id",
    "year",
    "month",
    "is_cumulative",
    *kpi.INDICATORS,
    *(f"prior_{name}" for name in kpi.INDICATORS),
)
_DRUG_FINISHED: Final = {ClinicalStage.APPROVED, ClinicalStage.PHASE4}
_DEVICE_IN_RND: Final = {DeviceStatus.IN_DEVELOPMENT, DeviceStatus.IN_REVIEW}


# --- rows ----------------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(value)


def _figures(row: Sequence[Any]) -> MonthlyFigures:
    count = len(kpi.INDICATORS)
    values = [_decimal(v) for v in row[4 : 4 + count]]
    priors = [_decimal(v) for v in row[4 + count :]]
    prior = (
        IndicatorValues(**dict(zip(kpi.INDICATORS, priors, strict=True)))
        if any(p is not None for p in priors)
        else None
    )
    return MonthlyFigures(
        enterprise_id=row[0],
        year=row[1],
        month=row[2],
        is_cumulative=row[3],
        prior_year_same_period=prior,
        **dict(zip(kpi.INDICATORS, values, strict=True)),  # type: ignore[arg-type]
    )


def report_queryset(park_ids: Collection[int] | None) -> QuerySet[MonthlyReport]:
    queryset = MonthlyReport.objects.all()
    return queryset if park_ids is None else queryset.filter(park_id__in=list(park_ids))


def load_rows(
    *,
    park_ids: Collection[int] | None,
    years: Iterable[int],
    enterprise_ids: Collection[int] | None = None,
    revenue_only: bool = False,
) -> kpi.RowSet:
    """The MonthlyReport rows of some parks (None: all) and years, as engine rows: one query.

    ``revenue_only``: rows carrying revenue alone, enough for 规上 and 升规 (``kpi.scale_events``)
    at a fraction of the cost of converting eighteen decimal columns.
    """
    queryset = report_queryset(park_ids).filter(year__in=list(years))
    if enterprise_ids is not None:
        queryset = queryset.filter(enterprise_id__in=list(enterprise_ids))
    if revenue_only:
        return kpi.RowSet(
            MonthlyFigures(enterprise_id=e, year=y, month=m, is_cumulative=c, revenue=_decimal(r))
            for e, y, m, c, r in queryset.values_list(*_FIELDS[:4], "revenue").order_by()
        )
    return kpi.RowSet(_figures(row) for row in queryset.values_list(*_FIELDS).order_by())


def enterprise_facts(park_ids: Collection[int] | None, years: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(name, industry code) of every enterprise with rows in the parks and years: one query."""
    reporting = report_queryset(park_ids).filter(year__in=list(years)).values("enterprise_id")
    return {
        pk: (name, code)
        for pk, name, code in Enterprise.objects.filter(pk__in=reporting).values_list("pk", "name", "industry_code")
    }


def industry_division(code: str) -> tuple[str, str]:
    """The 大类 (two digits) of an industry code with its name, for the by-industry table."""
    digits = "".join(ch for ch in code if ch.isdigit())[:2]
    if not digits:
        return ("", "")
    try:
        return (digits, industry.lookup(digits).label)
    except ValidationError:
        return (digits, digits)


# --- report KPIs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectLine:
    pk: int
    name: str
    enterprise: str
    planned_investment: Decimal | None
    investment_in_period: Decimal
    started_on: datetime.date | None
    completed_on: datetime.date | None


@dataclass(frozen=True)
class ListingLine:
    enterprise_id: int
    name: str
    board: str
    stock_code: str
    on: datetime.date


@dataclass(frozen=True)
class EnterpriseLine:
    enterprise_id: int
    name: str
    industry: str
    above_scale: bool
    output: Figure
    revenue: Figure
    taxes: Figure
    growth: GrowthFigure


@dataclass(frozen=True)
class IndustryLine:
    code: str
    label: str
    enterprises: int
    output: Decimal
    revenue: Decimal
    taxes: Decimal
    growth: GrowthFigure


@dataclass
class ReportKpis:
    """Everything the report, the dashboard and the API show for a scope and a period."""

    period: ReportPeriod
    park_ids: tuple[int, ...] | None
    totals: dict[str, Figure]
    growth: dict[str, GrowthFigure]
    above_scale_ids: frozenset[int]
    above_scale_ids_previous: frozenset[int]
    above_scale_output: Figure
    above_scale_output_previous: Figure
    above_scale_output_growth: GrowthFigure
    above_scale_output_naive: GrowthFigure
    rnd_intensity: Figure
    rnd_intensity_previous: Figure
    rnd_intensity_change: Figure
    size_classes: dict[str, int]
    new_above_scale: list[ScaleEvent]
    listings: list[ListingLine]
    projects_completed: list[ProjectLine]
    project_investment: Decimal
    products_by_stage: dict[str, int]
    products_in_rnd: int
    class1_drugs_in_clinical: int
    products_in_phase3: int
    occupancy_rate: Decimal | None
    reporting_enterprises: int
    names: dict[int, str] = field(default_factory=dict)
    by_enterprise: list[EnterpriseLine] = field(default_factory=list)
    by_industry: list[IndustryLine] = field(default_factory=list)
    monthly_output: list[tuple[int, Decimal | None, Decimal | None]] = field(default_factory=list)

    def annual_kpis(self) -> AnnualKpis:
        return AnnualKpis(
            period=self.period,
            projects_completed=len(self.projects_completed),
            new_above_scale=len(self.new_above_scale),
            listings=tuple(Listing(line.name, line.board) for line in self.listings),
            industrial_investment=self.totals["fixed_asset_investment"].value,
            industrial_investment_growth=self.growth["fixed_asset_investment"],
            above_scale_output=self.above_scale_output.value,
            above_scale_output_previous=self.above_scale_output_previous.value,
            above_scale_output_growth=self.above_scale_output_growth,
            products_in_rnd=self.products_in_rnd,
            class1_drugs_in_clinical=self.class1_drugs_in_clinical,
            products_in_phase3=self.products_in_phase3,
        )

    @property
    def paragraph(self) -> str:
        return annual_paragraph(self.annual_kpis())


def _period_dates(period: ReportPeriod) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(period.year, period.first_month, 1)
    end_month = period.last_month % 12 + 1
    end_year = period.year + (1 if period.last_month == 12 else 0)
    return start, datetime.date(end_year, end_month, 1) - datetime.timedelta(days=1)


def _scoped(queryset: QuerySet[Any], park_ids: Collection[int] | None) -> QuerySet[Any]:
    return queryset if park_ids is None else queryset.filter(park_id__in=list(park_ids))


def _occupancy(park_ids: Collection[int] | None) -> Decimal | None:
    """Occupied share of lettable area today, from the inventory (derived from contracts there)."""
    from parkos.parks.selectors import park_kpis

    ids = list(park_ids) if park_ids is not None else list(Park.objects.values_list("pk", flat=True))
    figures = park_kpis(ids).values()
    lettable = sum((f.lettable_area_sqm for f in figures), ZERO)
    vacant = sum((f.vacant_area_sqm for f in figures), ZERO)
    if not lettable:
        return None
    return ((lettable - vacant) / lettable * 100).quantize(Decimal("0.1"))


def _products(park_ids: Collection[int] | None, period: ReportPeriod) -> tuple[dict[str, int], int, int, int]:
    """Products by stage (now), key products in R&D, 1类新药 in trials, products that entered phase III in the period."""
    start, end = _period_dates(period)
    by_stage: Counter[str] = Counter()
    in_rnd = class1 = phase3 = 0
    rows = _scoped(Product.objects.all(), park_ids).values_list(
        "kind", "is_key", "drug_category", "stage", "stage_since", "device_status"
    )
    for kind, is_key, category, stage, since, device_status in rows:
        if kind == ProductKind.DRUG:
            by_stage[stage or "preclinical"] += 1
            if is_key and stage not in _DRUG_FINISHED:
                in_rnd += 1
            if category == DrugRegistrationCategory.CAT_1 and stage in IN_CLINICAL_TRIAL:
                class1 += 1
            if stage == ClinicalStage.PHASE3 and since is not None and start <= since <= end:
                phase3 += 1
        else:
            by_stage[f"device_{device_status or 'in_development'}"] += 1
            if is_key and device_status in _DEVICE_IN_RND:
                in_rnd += 1
    return dict(by_stage), in_rnd, class1, phase3


def _projects(park_ids: Collection[int] | None, period: ReportPeriod) -> tuple[list[ProjectLine], Decimal]:
    """Projects completed (建成投用) in the period, and investment all projects completed in it."""
    start, end = _period_dates(period)
    progress = _scoped(Project.objects.all(), park_ids).filter(
        progress__year=period.year, progress__month__gte=period.first_month, progress__month__lte=period.last_month
    )
    by_project = dict(progress.values_list("pk").annotate(total=Sum("progress__investment")).order_by())
    completed = (
        _scoped(Project.objects.all(), park_ids)
        .filter(completed_on__gte=start, completed_on__lte=end)
        .select_related("enterprise")
        .order_by("completed_on", "pk")
    )
    lines = [
        ProjectLine(
            p.pk,
            p.name,
            p.enterprise.name if p.enterprise else "",
            p.planned_investment,
            by_project.get(p.pk) or ZERO,
            p.started_on,
            p.completed_on,
        )
        for p in completed
    ]
    return lines, sum(by_project.values(), ZERO)


def _listings(park_ids: Collection[int] | None, period: ReportPeriod) -> list[ListingLine]:
    start, end = _period_dates(period)
    milestones = (
        _scoped(Milestone.objects.filter(kind=MilestoneKind.LISTING, on__gte=start, on__lte=end), park_ids)
        .select_related("enterprise")
        .order_by("on", "pk")
    )
    return [
        ListingLine(m.enterprise_id, m.short_name or m.enterprise.name, m.get_exchange_display(), m.stock_code, m.on)
        for m in milestones
    ]


def _above_scale(rows: Sequence[MonthlyFigures], year: int, month: int, industries: dict[int, str]) -> frozenset[int]:
    return kpi.above_scale_set(rows, year, month, industries, basis=SCALE_BASIS)


_FLOWS: Final = tuple(i for i in kpi.INDICATORS if i not in kpi.STOCK_INDICATORS)
_ROW_FIELDS: Final = ("enterprise_id", "year", "month", *kpi.INDICATORS, *(f"prior_{i}" for i in kpi.INDICATORS))
#: Above this many enterprises, rows for the engine are loaded for the whole scope and filtered in
#: Python instead of with ``enterprise_id IN (…)`` (SQLite allows at most 32,766 parameters).
_MAX_ID_PARAMS: Final = 5000

_Point = tuple[int, int]  # (year, month) at which 规上 is judged


def _scale_points(period: ReportPeriod) -> tuple[_Point, _Point, _Point]:
    """Where 规上 is judged: the period's end, a year earlier, and just before the period (already 规上)."""
    year, first, last = period.year, period.first_month, period.last_month
    before = (year - 1, 12) if first == 1 else (year, first - 1)
    return (year, last), (year - 1, last), before


def _census(scope: tuple[int, ...] | None, period: ReportPeriod) -> dict[int, dict[str, Any]]:
    """One row per enterprise over all its rows of the year and the year before: one grouped query.

    What the period-end rows cannot tell: whether the enterprise has monthly (当月) rows, whether it
    reported in the period, where its revenue and headcount rows lie relative to the months 规上 is
    judged at, and the range of its revenue (a bound on any trailing-12 measure).
    """
    year, last = period.year, period.last_month
    aggregates: dict[str, Any] = {
        "monthly": Count("pk", filter=Q(is_cumulative=False)),
        "reporting": Count("pk", filter=Q(year=year, month__lte=last)),
        "revenue_max": Max("revenue", filter=Q(year=year)),
        "revenue_max_before": Max("revenue", filter=Q(year=year - 1)),
        "revenue_min_before": Min("revenue", filter=Q(year=year - 1)),
        "headcount_now": Max("month", filter=Q(year=year, month__lte=last, employees__isnull=False)),
        "headcount_before": Max("month", filter=Q(year=year - 1, month__gt=last, employees__isnull=False)),
    }
    for point_year, month in set(_scale_points(period)):
        aggregates[f"upto_{point_year}_{month}"] = Count("revenue", filter=Q(year=point_year, month__lte=month))
        if point_year == year and month < 12:
            aggregates[f"from_{month}"] = Count("revenue", filter=Q(year=year - 1, month__gte=month))
    queryset = report_queryset(scope).filter(year__in=(year - 1, year)).order_by().values("enterprise_id")
    return {row["enterprise_id"]: dict(row) for row in queryset.annotate(**aggregates)}


def _period_end_rows(
    scope: tuple[int, ...] | None, period: ReportPeriod
) -> dict[tuple[int, int, int], dict[str, Decimal | None]]:
    """The cumulative rows at the months that decide a period: its last month, the month before it
    starts and December, this year and last. For 1–N月 rows the period total *is* such a row (or the
    difference of two), so no other row needs to leave the database."""
    year, first, last = period.year, period.first_month, period.last_month
    months = {last, 12} | ({first - 1} if first > 1 else set())
    queryset = (
        report_queryset(scope)
        .filter(year__in=(year - 1, year), month__in=sorted(months), is_cumulative=True)
        .order_by()
        .values_list(*_ROW_FIELDS)
    )
    names = _ROW_FIELDS[3:]
    return {
        (row[0], row[1], row[2]): {name: _decimal(value) for name, value in zip(names, row[3:], strict=True)}
        for row in queryset
    }


def _side(
    enterprise_id: int,
    year: int,
    period: ReportPeriod,
    rows: dict[tuple[int, int, int], dict[str, Decimal | None]],
    *,
    with_prior: bool,
) -> tuple[dict[kpi.Indicator, Decimal], dict[kpi.Indicator, Decimal], tuple[RowKey, ...], RowKey | None]:
    """Flows, re-reported priors, flow sources and stock source of one enterprise-year (cumulative rows)."""
    first, last = period.first_month, period.last_month
    end = rows.get((enterprise_id, year, last))
    start = rows.get((enterprise_id, year, first - 1)) if first > 1 else None
    values: dict[kpi.Indicator, Decimal] = {}
    priors: dict[kpi.Indicator, Decimal] = {}
    if end is None:
        return values, priors, (), None
    if end["employees"] is not None:
        values["employees"] = end["employees"]
        if with_prior and end["prior_employees"] is not None:
            priors["employees"] = end["prior_employees"]
    if first > 1 and start is None:  # 1–(first−1)月 unreported: the period cannot be split off
        return values, priors, (), (enterprise_id, year, last)
    for indicator in _FLOWS:
        for name, target in ((indicator, values), (f"prior_{indicator}", priors if with_prior else None)):
            if target is None:
                continue
            value = end[name]
            if start is not None:
                opening = start[name]
                value = None if value is None or opening is None else value - opening
            if value is not None:
                target[indicator] = value
    keys: tuple[RowKey, ...] = ((enterprise_id, year, last),)
    if start is not None:
        keys = ((enterprise_id, year, first - 1), *keys)
    return values, priors, keys, (enterprise_id, year, last)


class _Irregular(Exception):
    """The enterprise's rows need the row-by-row engine (gaps at the months that matter)."""


def _measure(
    enterprise_id: int,
    point: _Point,
    period: ReportPeriod,
    census: dict[str, Any],
    rows: dict[tuple[int, int, int], dict[str, Decimal | None]],
) -> Decimal | None:
    """Trailing-12 revenue at a point from period-end rows (``kpi.revenue_measure`` on 1–N月 rows).

    Within a year cumulative spans telescope: the point's own year contributes its 1–m月 row, and
    last year (for a point of this year) its December row minus its 1–m月 row. Raise _Irregular
    when a row that rule needs is missing but other rows exist (the engine then decides).
    """
    year, month = point

    def revenue(y: int, m: int) -> Decimal | None:
        row = rows.get((enterprise_id, y, m))
        return None if row is None else row["revenue"]

    own = revenue(year, month)
    if own is None and census[f"upto_{year}_{month}"]:
        raise _Irregular
    total = own
    if year == period.year and month < 12 and census[f"from_{month}"]:
        at, december = revenue(year - 1, month), revenue(year - 1, 12)
        if at is None or december is None:
            raise _Irregular
        total = (total or ZERO) + december - at
    return total


@dataclass
class _Scale:
    above: set[int] = field(default_factory=set)
    above_before: set[int] = field(default_factory=set)
    already: set[int] = field(default_factory=set)
    sizes: dict[str, set[int]] = field(
        default_factory=lambda: {s: set() for s in ("large", "medium", "small", "micro")}
    )
    candidates: set[int] = field(default_factory=set)


def _regular(
    enterprise_id: int,
    census: dict[str, Any],
    rows: dict[tuple[int, int, int], dict[str, Decimal | None]],
    period: ReportPeriod,
    industry_code: str | None,
    scale: _Scale,
) -> kpi.PeriodTotals:
    """PeriodTotals and 规上 status of an enterprise reporting 1–N月 rows, from its period-end rows."""
    year = period.year
    current, priors, keys, stock = _side(enterprise_id, year, period, rows, with_prior=True)
    previous, _priors, previous_keys, previous_stock = _side(enterprise_id, year - 1, period, rows, with_prior=False)
    totals = kpi.PeriodTotals(enterprise_id, current, priors, previous, keys, previous_keys, stock, previous_stock)
    if industry_code is None:
        return totals
    at_end, year_before, before_period = _scale_points(period)
    now = _measure(enterprise_id, at_end, period, census, rows)
    headcount: Decimal | None = None
    if census["headcount_now"] is not None or census["headcount_before"] is not None:
        latest = (year, period.last_month) if census["headcount_now"] is not None else (year - 1, 12)
        if (census["headcount_now"] or census["headcount_before"]) != latest[1]:
            raise _Irregular
        headcount = rows[(enterprise_id, *latest)]["employees"]
    before = _measure(enterprise_id, year_before, period, census, rows)
    already = _measure(enterprise_id, before_period, period, census, rows)
    if kpi.reaches_threshold(industry_code, now):
        scale.above.add(enterprise_id)
    if kpi.reaches_threshold(industry_code, before):
        scale.above_before.add(enterprise_id)
    if now is not None and headcount is not None:
        scale.sizes[kpi.size_class_of(industry_code, now, headcount)].add(enterprise_id)
    threshold = kpi.threshold_yuan(industry_code)
    if kpi.reaches_threshold(industry_code, already):
        scale.already.add(enterprise_id)
    elif threshold is not None and census["revenue_max"] is not None:
        # At a month of this year the trailing-12 sum is a 1–m月 row of this year plus a
        # difference of two rows of last year, so it is at most max⁺(this year) + max⁺(last year)
        # − min⁻(last year): below the threshold no month of the period can be a crossing, and
        # only the others go month by month through the engine.
        bound = (
            max(census["revenue_max"], ZERO)
            + max(census["revenue_max_before"] or ZERO, ZERO)
            - min(census["revenue_min_before"] or ZERO, ZERO)
        )
        if bound >= threshold:
            scale.candidates.add(enterprise_id)
    return totals


def _engine_rows(
    scope: tuple[int, ...] | None,
    period: ReportPeriod,
    ids: set[int],
    every_row: kpi.RowSet | None,
    *,
    revenue_only: bool = False,
) -> kpi.RowSet:
    """The rows of some enterprises for the row-by-row engine: one query (none if already loaded)."""
    if not ids:
        return kpi.RowSet()
    if every_row is not None:
        return kpi.RowSet(r for r in every_row if r.enterprise_id in ids)
    years = (period.year - 1, period.year)
    if len(ids) > _MAX_ID_PARAMS:
        rows = load_rows(park_ids=scope, years=years, revenue_only=revenue_only)
        return kpi.RowSet(r for r in rows if r.enterprise_id in ids)
    return load_rows(park_ids=scope, years=years, enterprise_ids=sorted(ids), revenue_only=revenue_only)


#: Headroom when comparing a trailing-12 sum computed by the database with a threshold: on SQLite
#: the sum is of floats. It only lets an enterprise through to the engine, which decides exactly.
_PEAK_HEADROOM: Final = Decimal("1.000001")


def _possible_crossings(
    scope: tuple[int, ...] | None, period: ReportPeriod, ids: set[int], industries: dict[int, str]
) -> set[int]:
    """Of the possible 升规 enterprises, those whose trailing-12 revenue reaches their threshold at a
    month of the period: one grouped query, one row per enterprise.

    ``kpi.scale_events`` on 1–N月 rows (these enterprises have no monthly rows), reduced to
    additions: within a year cumulative spans telescope, so at month m the spans of the period's
    year sum to its row at m, and last year's spans that start after m to its last revenue row
    less its first revenue row at or after m (nothing when that is the last one); the window
    holds no earlier year. The database returns the highest such sum over the period's months;
    only an enterprise whose peak reaches its threshold goes through the engine, which finds the
    first crossing (it may lie last year: then no event), so none the engine would report is lost.
    """
    year = period.year
    last_year = report_queryset(scope).filter(
        enterprise_id=OuterRef("enterprise_id"), year=year - 1, revenue__isnull=False
    )
    closing = last_year.order_by("-month").values("revenue")[:1]
    opening = last_year.filter(month__gte=OuterRef("month")).order_by("month").values("revenue")[:1]
    money = DecimalField(max_digits=30, decimal_places=2)
    trailing = ExpressionWrapper(
        F("revenue") + Coalesce(Subquery(closing) - Subquery(opening), Value(ZERO), output_field=money),
        output_field=money,
    )
    queryset = report_queryset(scope).filter(
        year=year, month__gte=period.first_month, month__lte=period.last_month, revenue__isnull=False
    )
    if len(ids) <= _MAX_ID_PARAMS:
        queryset = queryset.filter(enterprise_id__in=sorted(ids))
    peaks = (
        queryset.order_by().values("enterprise_id").annotate(peak=Max(trailing)).values_list("enterprise_id", "peak")
    )
    return {
        enterprise_id
        for enterprise_id, peak in peaks
        if enterprise_id in ids
        and peak is not None
        and kpi.reaches_threshold(industries[enterprise_id], Decimal(peak) * _PEAK_HEADROOM)
    }


def report_kpis(*, park_ids: Collection[int] | None, period: ReportPeriod, detail: bool = True) -> ReportKpis:
    """The KPIs of a park, a set of parks (or None: the portfolio) over a period.

    A constant number of queries, whatever the number of enterprises; no per-row Python work for
    enterprises that report 1–N月 rows without gaps at the months that matter:

    1. One grouped query over the two years' rows gives one row per enterprise (``_census``); one
       more fetches the cumulative rows at the period's end, its start and December (``_period_end_rows``).
    2. From those, per enterprise: this year's and last year's period totals and the re-reported
       priors (``kpi.PeriodTotals``), and trailing-12 revenue at the period's end, a year earlier
       and before the period (规上 now, last year, already 规上: RULES §5).
    3. Enterprises with monthly rows or gaps at those months, and the few whose trailing-12
       revenue reaches the threshold at a month of the period (not already 规上; the peak computed
       in the database by ``_possible_crossings``), go through the row-by-row engine (``kpi``),
       loaded in one query: the same rules, on a few rows.
    4. Totals, comparable growth (``kpi.growth_of``: same enterprises both sides, re-reported
       priors first) and R&D intensity over the per-enterprise totals; the naive ratio of the two
       published 规上 totals is kept for contrast. Sources stay described (``kpi.SourceKeys``) and
       are listed only when the sources page asks.
    """
    year, months = period.year, period.months
    last = period.last_month
    scope = tuple(sorted(park_ids)) if park_ids is not None else None
    census = _census(scope, period)
    end_rows = _period_end_rows(scope, period)
    if len(census) <= _MAX_ID_PARAMS:  # primary-key lookups instead of a second pass over the rows
        facts = {
            pk: (name, code)
            for pk, name, code in Enterprise.objects.filter(pk__in=list(census)).values_list(
                "pk", "name", "industry_code"
            )
        }
    else:
        facts = enterprise_facts(scope, (year - 1, year))
    industries = {pk: code for pk, (_name, code) in facts.items() if code}
    names = {pk: name for pk, (name, _code) in facts.items()}

    scale = _Scale()
    totals: list[kpi.PeriodTotals] = []
    irregular: set[int] = set()
    for enterprise_id, row in census.items():
        if row["monthly"]:
            irregular.add(enterprise_id)
            continue
        try:
            totals.append(_regular(enterprise_id, row, end_rows, period, industries.get(enterprise_id), scale))
        except _Irregular:
            irregular.add(enterprise_id)
    # The page's tables need every row anyway; the headline KPIs only the engine's few.
    every_row = load_rows(park_ids=scope, years=(year - 1, year)) if detail else None
    # Of the possible 升规 enterprises only those whose trailing-12 revenue can reach the threshold
    # in the period need the engine; their rows come with the irregular ones, in one query.
    candidates = (
        scale.candidates
        if every_row is not None or not scale.candidates
        else _possible_crossings(scope, period, scale.candidates, industries)
    )
    engine_rows = _engine_rows(scope, period, irregular | candidates, every_row, revenue_only=not irregular)
    irregular_rows = kpi.RowSet(r for r in engine_rows if r.enterprise_id in irregular)
    candidate_rows = kpi.RowSet(r for r in engine_rows if r.enterprise_id in candidates)
    rows = kpi.RowSet((*irregular_rows, *candidate_rows))
    totals.extend(kpi.enterprise_period_totals(irregular_rows, year, months).values())
    at_end, year_before, before_period = _scale_points(period)
    above = frozenset(scale.above | _above_scale(irregular_rows, *at_end, industries))
    above_before = frozenset(scale.above_before | _above_scale(irregular_rows, *year_before, industries))
    already = scale.already | _above_scale(irregular_rows, *before_period, industries)
    events = kpi.new_above_scale(rows, year, months, industries, basis=SCALE_BASIS, already_above=already)
    sizes = kpi.enterprises_by_size_class(irregular_rows, year, last, industries)

    above_output = kpi.total_of(totals, "output", "current", above)
    above_output_previous = kpi.total_of(totals, "output", "previous", above_before)
    naive_parts = [(t, "current", "output") for t in totals if t.enterprise_id in above and "output" in t.current]
    naive_parts += [
        (t, "previous", "output") for t in totals if t.enterprise_id in above_before and "output" in t.previous
    ]
    naive = GrowthFigure(
        above_output.value,
        above_output_previous.value,
        frozenset(t.enterprise_id for t, _side, _indicator in naive_parts),
        kpi.SourceKeys(naive_parts),  # type: ignore[arg-type]
    )
    rnd_now = kpi.rnd_intensity_of(totals, "current")
    rnd_before = kpi.rnd_intensity_of(totals, "previous")
    projects, project_investment = _projects(scope, period)
    by_stage, in_rnd, class1, phase3 = _products(scope, period)
    result = ReportKpis(
        period=period,
        park_ids=scope,
        totals={indicator: kpi.total_of(totals, indicator) for indicator in HEADLINE},
        growth={indicator: kpi.growth_of(totals, indicator) for indicator in HEADLINE},
        above_scale_ids=above,
        above_scale_ids_previous=above_before,
        above_scale_output=above_output,
        above_scale_output_previous=above_output_previous,
        above_scale_output_growth=kpi.growth_of(totals, "output", above),
        above_scale_output_naive=naive,
        rnd_intensity=rnd_now,
        rnd_intensity_previous=rnd_before,
        rnd_intensity_change=kpi.pp_difference(rnd_now.value, rnd_before.value),
        size_classes={size: len(scale.sizes[size] | sizes[size]) for size in scale.sizes},  # type: ignore[index]
        new_above_scale=events,
        listings=_listings(scope, period),
        projects_completed=projects,
        project_investment=project_investment,
        products_by_stage=by_stage,
        products_in_rnd=in_rnd,
        class1_drugs_in_clinical=class1,
        products_in_phase3=phase3,
        occupancy_rate=_occupancy(scope),
        reporting_enterprises=sum(1 for row in census.values() if row["reporting"]),
        names=names,
    )
    if every_row is not None:
        _add_detail(result, every_row, industries)
    return result


def _add_detail(result: ReportKpis, rows: Sequence[MonthlyFigures], industries: dict[int, str]) -> None:
    """Tables by enterprise and by industry, and the monthly output series for the trend chart."""
    period = result.period
    year, months = period.year, period.months
    output = kpi.totals_by_enterprise(rows, "output", year, months)
    revenue = kpi.totals_by_enterprise(rows, "revenue", year, months)
    taxes = kpi.totals_by_enterprise(rows, "taxes", year, months)
    empty = Figure(None, "yuan")
    ids = sorted(set(output) | set(revenue) | set(taxes), key=lambda e: (-(output.get(e, empty).value or ZERO), e))
    by_industry: dict[tuple[str, str], list[int]] = defaultdict(list)
    for enterprise_id in ids:
        growth = (
            kpi.comparable_growth(rows, "output", year, months, {enterprise_id})
            if enterprise_id in output
            else GrowthFigure(None, None, frozenset())
        )
        result.by_enterprise.append(
            EnterpriseLine(
                enterprise_id,
                result.names.get(enterprise_id, str(enterprise_id)),
                industries.get(enterprise_id, ""),
                enterprise_id in result.above_scale_ids,
                output.get(enterprise_id, empty),
                revenue.get(enterprise_id, empty),
                taxes.get(enterprise_id, empty),
                growth,
            )
        )
        by_industry[industry_division(industries.get(enterprise_id, ""))].append(enterprise_id)
    for (code, label), members in sorted(by_industry.items()):
        member_set = set(members)
        result.by_industry.append(
            IndustryLine(
                code,
                label,
                len(members),
                sum((output[e].value or ZERO for e in members if e in output), ZERO),
                sum((revenue[e].value or ZERO for e in members if e in revenue), ZERO),
                sum((taxes[e].value or ZERO for e in members if e in taxes), ZERO),
                kpi.comparable_growth(rows, "output", year, months, member_set),
            )
        )
    for month in range(1, 13):
        now = kpi.period_total(rows, "output", year, [month]).value
        before = kpi.period_total(rows, "output", year - 1, [month]).value
        result.monthly_output.append((month, now, before))


def portfolio_kpis(*, park_ids: Collection[int], period: ReportPeriod) -> list[tuple[Park, ReportKpis]]:
    """KPIs park by park (a constant number of queries per park; memory bounded by the largest park)."""
    parks = list(Park.objects.filter(pk__in=list(park_ids)).order_by("city", "name"))
    return [(park, report_kpis(park_ids=[park.pk], period=period, detail=False)) for park in parks]


# --- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    report: MonthlyReport
    enterprise_name: str
    value: Decimal | None
    prior: Decimal | None


def source_rows(keys: Iterable[RowKey], park_ids: Collection[int] | None, indicator: str) -> list[SourceRow]:
    """The stored rows behind a figure's source keys, with the indicator's value and re-reported prior."""
    wanted = set(keys)
    if not wanted:
        return []
    years = {key[1] for key in wanted}
    enterprises = {key[0] for key in wanted}
    queryset = (
        report_queryset(park_ids)
        .filter(year__in=years, enterprise_id__in=enterprises)
        .select_related("enterprise")
        .order_by("enterprise__name", "year", "month")
    )
    return [
        SourceRow(r, r.enterprise.name, getattr(r, indicator), getattr(r, f"prior_{indicator}"))
        for r in queryset
        if (r.enterprise_id, r.year, r.month) in wanted
    ]


# --- 亩均 ----------------------------------------------------------------------------------------

#: ParkOS stores no 工业增加值 or emissions (they come from the bureau once a year), so the park's
#: default scheme keeps the Zhejiang weights of RULES §6.2 on the revenue basis ParkOS has:
#: 亩均税收 30, 亩均营业收入 20 + 单位能耗营业收入 20 (for the two value-added items),
#: 人均营业收入 10 + 10 (labour productivity, plus the emission item's 10), R&D占比 10.
#: Benchmarks default to the park's own aggregate (factor 1: an enterprise at the park average
#: scores 100); grades 20/60/95 % with the Zhejiang names.
PARK_DEFAULT: Final = muju.Scheme(
    key="park_default",
    name="园区默认（浙江权重，营收口径）",
    indicators=(
        muju.Indicator("tax_per_mu", "亩均税收", Decimal(30), None, muju.TAXES, muju.LAND, "万元/亩"),
        muju.Indicator("revenue_per_mu", "亩均营业收入", Decimal(20), None, muju.REVENUE, muju.LAND, "万元/亩"),
        muju.Indicator(
            "revenue_per_energy", "单位能耗营业收入", Decimal(20), None, muju.REVENUE, muju.ENERGY, "万元/吨标准煤"
        ),
        muju.Indicator(
            "revenue_per_employee", "人均营业收入", Decimal(20), None, muju.REVENUE, muju.EMPLOYEES, "万元/人"
        ),
        muju.Indicator("rnd_ratio", "R&D经费支出占营业收入之比", Decimal(10), None, muju.RND, muju.REVENUE),
    ),
    grades=muju.HUANGYAN_2023.grades,
    exempt_categories=frozenset({"utility", "new_production", "under_construction", "policy_supported"}),
)
SCHEMES: Final[dict[str, muju.Scheme]] = {
    PARK_DEFAULT.key: PARK_DEFAULT,
    muju.HUANGYAN_2023.key: muju.HUANGYAN_2023,
    muju.HUAIAN_2024.key: muju.HUAIAN_2024,
}


@dataclass(frozen=True)
class MujuLine:
    enterprise_id: int
    name: str
    graded: muju.Graded
    land_mu: Decimal | None
    inputs: dict[str, Decimal | None]


def land_area_by_enterprise(park_id: int) -> dict[int, tuple[Decimal | None, str]]:
    """Land (m²) and 亩均 category of each enterprise in a park.

    The land is the area of the parcels the enterprise holds through executed contracts (leasing);
    an EnterpriseParkProfile's `land_area_sqm`, where entered, overrides it (e.g. land held before
    ParkOS, or shared plots).
    """
    from parkos.leasing.selectors import land_area_by_enterprise as contracted_land

    result: dict[int, tuple[Decimal | None, str]] = {
        enterprise_id: (area, MujuCategory.RATED.value) for enterprise_id, area in contracted_land(park_id).items()
    }
    for enterprise_id, area, category in EnterpriseParkProfile.objects.filter(park_id=park_id).values_list(
        "enterprise_id", "land_area_sqm", "muju_category"
    ):
        contracted = result.get(enterprise_id, (None, MujuCategory.RATED.value))[0]
        result[enterprise_id] = (area if area is not None else contracted, category)
    return result


def muju_evaluation(*, park_id: int, year: int, scheme: muju.Scheme = PARK_DEFAULT) -> list[MujuLine]:
    """The 亩均 evaluation of a park's enterprises for a year: inputs, score per indicator, grade.

    Enterprises with land on record and a full year of revenue are evaluated; benchmarks not set
    by the scheme are the park's aggregate for the year (``muju.benchmarks_from_average``, factor 1).
    """
    months = range(1, 13)
    rows = load_rows(park_ids=[park_id], years=[year])
    land = land_area_by_enterprise(park_id)
    totals = {
        name: kpi.totals_by_enterprise(rows, name, year, months)
        for name in ("taxes", "revenue", "rnd_spending", "energy_tce")
    }
    employees = kpi.totals_by_enterprise(rows, "employees", year, months)
    inputs: dict[int, tuple[dict[str, Decimal | None], Decimal | None, str]] = {}
    for enterprise_id, (area, category) in land.items():
        if enterprise_id not in totals["revenue"]:
            continue
        values: dict[str, Decimal | None] = {
            muju.TAXES: _value(totals["taxes"].get(enterprise_id)),
            muju.REVENUE: _value(totals["revenue"].get(enterprise_id)),
            muju.RND: _value(totals["rnd_spending"].get(enterprise_id)),
            muju.ENERGY: _value(totals["energy_tce"].get(enterprise_id)),
            muju.EMPLOYEES: _value(employees.get(enterprise_id)),
        }
        inputs[enterprise_id] = (values, sqm_to_mu(area) if area else None, category)
    missing = {i.key for i in scheme.indicators if i.benchmark is None}
    if missing:
        averages = muju.benchmarks_from_average(
            [(v, mu) for v, mu, category in inputs.values() if category not in scheme.exempt_categories],
            scheme,
            factor=Decimal(1) if scheme.key == PARK_DEFAULT.key else Decimal(2),
        )
        scheme = scheme.with_benchmarks({k: v for k, v in averages.items() if k in missing})
        if any(i.benchmark is None for i in scheme.indicators):
            scheme = scheme.with_benchmarks({i.key: Decimal(1) for i in scheme.indicators if i.benchmark is None})
    scores = [
        muju.score_enterprise(values, mu, scheme, enterprise_id=enterprise_id, category=category or None)
        for enterprise_id, (values, mu, category) in sorted(inputs.items())
    ]
    names = dict(Enterprise.objects.filter(pk__in=list(inputs)).values_list("pk", "name"))
    return [
        MujuLine(
            graded.enterprise_id or 0,
            names.get(graded.enterprise_id or 0, ""),
            graded,
            graded.score.land_mu,
            inputs[graded.enterprise_id or 0][0],
        )
        for graded in muju.grade_all(scores, scheme)
    ]


def _value(figure: Figure | None) -> Decimal | None:
    return None if figure is None else figure.value


def grade_distribution(lines: Iterable[MujuLine]) -> dict[str, int]:
    counts: Counter[str] = Counter(line.graded.display for line in lines)
    return dict(sorted(counts.items()))


def upgrade_candidates(
    *, park_id: int, year: int, month: int, band: Decimal | None = None
) -> list[tuple[str, kpi.UpgradeCandidate]]:
    """规下 enterprises of a park within the watch band under their threshold (RULES §5)."""
    rows = load_rows(park_ids=[park_id], years=(year - 1, year))
    facts = enterprise_facts([park_id], (year - 1, year))
    industries = {pk: code for pk, (_n, code) in facts.items() if code}
    kwargs: dict[str, Any] = {} if band is None else {"band": band}
    candidates = kpi.upgrade_candidates(rows, year, month, industries, basis=SCALE_BASIS, **kwargs)
    return [(facts[c.enterprise_id][0], c) for c in candidates]


# --- the submission calendar ---------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarEntry:
    enterprise_id: int
    name: str
    reported: bool


def expected_reporters(park_id: int, year: int, month: int) -> QuerySet[Enterprise]:
    """Who should report for a month: the park's tenants, and anyone who reported there in the last year."""
    recent = MonthlyReport.objects.filter(park_id=park_id).filter(
        Q(year=year - 1, month__gte=month) | Q(year=year, month__lte=month)
    )
    return Enterprise.objects.filter(
        Q(parks=park_id, lifecycle="tenant") | Q(pk__in=recent.values("enterprise_id"))
    ).distinct()


def submission_calendar(
    *, park_id: int, year: int, month: int, january_exempt: bool = True
) -> tuple[bool, list[CalendarEntry]]:
    """(exempt, entries): whether the month is exempt (January, RULES §10.1) and who has reported."""
    reported = set(
        MonthlyReport.objects.filter(park_id=park_id, year=year, month=month).values_list("enterprise_id", flat=True)
    )
    entries = [
        CalendarEntry(pk, name, pk in reported)
        for pk, name in expected_reporters(park_id, year, month).order_by("name").values_list("pk", "name")
    ]
    return (january_exempt and month == 1, sorted(entries, key=lambda e: (e.reported, e.name)))


def reports_for_enterprise(enterprise_id: int) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(enterprise_id=enterprise_id).select_related("park").order_by("-year", "-month")


def tenant_park(enterprise: Enterprise) -> Park | None:
    """The park an enterprise user's figures go to: the park of its latest report, else its first park."""
    latest = (
        MonthlyReport.objects.filter(enterprise=enterprise).order_by("-year", "-month").select_related("park").first()
    )
    if latest is not None:
        return latest.park
    return enterprise.parks.order_by("pk").first()


_WAN = Decimal(10000)


def enterprise_actuals_for_commitments(*, enterprise: Any, since: datetime.date) -> dict[str, Any]:
    """What an enterprise actually reported, beside its investment-agreement commitments (leasing).

    Annual output and tax: the latest twelve reported months (万元); jobs: employees at the latest
    month; investment: fixed-asset investment completed since the contract started (万元). A figure
    is None when the enterprise has not reported enough to state it, never a guess.
    """
    rows = load_rows(
        park_ids=None, years=range(since.year - 1, timezone.localdate().year + 1), enterprise_ids=[enterprise.pk]
    )
    monthly = sorted(kpi.to_monthly(rows), key=lambda r: (r.year, r.month))
    if not monthly:
        return {}
    # The latest rows that together cover exactly twelve months (a cumulative 1–2月 row covers two).
    last_twelve: list[MonthlyFigures] = []
    covered = 0
    for row in reversed(monthly):
        if covered >= 12:
            break
        last_twelve.append(row)
        covered += len(row.months_covered)
    full_year = covered == 12

    def total(indicator: kpi.Indicator, rows: list[MonthlyFigures]) -> Decimal | None:
        values = [r.get(indicator) for r in rows]
        present = [v for v in values if v is not None]
        if not values or len(present) != len(values):
            return None
        return (sum(present, Decimal(0)) / _WAN).quantize(Decimal("0.01"))

    since_start = [r for r in monthly if (r.year, r.month) >= (since.year, since.month)]
    return {
        "output": total("output", last_twelve) if full_year else None,
        "tax": total("taxes", last_twelve) if full_year else None,
        "jobs": monthly[-1].employees,
        "investment": total("fixed_asset_investment", since_start),
    }
