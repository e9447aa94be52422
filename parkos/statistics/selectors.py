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
from itertools import groupby
from operator import itemgetter
from typing import Any, Final, NamedTuple, cast

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, F, Max, Min, Q, QuerySet, Sum, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lag
from django.utils import timezone

from parkos.core import industry
from parkos.core.db import fetch_rows
from parkos.core.units import sqm_to_mu
from parkos.enterprises.models import Enterprise
from parkos.enterprises.sizing import UPGRADE_WATCH_BAND
from parkos.leasing.selectors import land_area_by_enterprise as contracted_land
from parkos.parks.models import Park
from parkos.parks.selectors import lettable_and_vacant_area
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
    *, park_ids: Collection[int] | None, years: Iterable[int], enterprise_ids: Collection[int] | None = None
) -> kpi.RowSet:
    """The MonthlyReport rows of some parks (None: all) and years, as engine rows: one query."""
    queryset = report_queryset(park_ids).filter(year__in=list(years))
    if enterprise_ids is not None:
        queryset = queryset.filter(enterprise_id__any_of=list(enterprise_ids))
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
    #: Every enterprise's period totals: what the figures were summed from (the sources page resolves
    #: a figure's rows from it).
    table: kpi.PeriodTable | None = None
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
    def named_scale_events(self) -> list[tuple[ScaleEvent, str]]:
        """The 升规 events with the enterprise's name, for tables."""
        return [
            (event, self.names.get(event.enterprise_id, str(event.enterprise_id))) for event in self.new_above_scale
        ]

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


def _occupancy(areas: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Occupied share of lettable area today, from (lettable, vacant) areas of the inventory."""
    pairs = list(areas)
    lettable = sum((area for area, _vacant in pairs), ZERO)
    vacant = sum((vacant for _area, vacant in pairs), ZERO)
    if not lettable:
        return None
    return ((lettable - vacant) / lettable * 100).quantize(Decimal("0.1"))


_ProductRow = tuple[str, bool, str, str, datetime.date | None, str]


def _product_counts(rows: Iterable[_ProductRow], period: ReportPeriod) -> tuple[dict[str, int], int, int, int]:
    """Products by stage (now), key products in R&D, 1类新药 in trials, products that entered phase III in the period."""
    start, end = _period_dates(period)
    by_stage: Counter[str] = Counter()
    in_rnd = class1 = phase3 = 0
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


@dataclass
class _Extras:
    """What a report shows beside the enterprises' figures: projects, products, listings, occupancy."""

    projects: list[ProjectLine] = field(default_factory=list)
    project_investment: Decimal = ZERO
    products: list[_ProductRow] = field(default_factory=list)
    listings: list[ListingLine] = field(default_factory=list)
    areas: list[tuple[Decimal, Decimal]] = field(default_factory=list)  # (lettable, vacant) per park


def _extras(park_ids: Collection[int] | None, period: ReportPeriod) -> dict[int, _Extras]:
    """Per park: projects completed (建成投用) in the period and investment completed in it, products,
    listings and lettable/vacant area. Five queries, whatever the number of parks."""

    start, end = _period_dates(period)
    extras: dict[int, _Extras] = defaultdict(_Extras)
    progress = _scoped(Project.objects.all(), park_ids).filter(
        progress__year=period.year, progress__month__gte=period.first_month, progress__month__lte=period.last_month
    )
    by_project: dict[int, Decimal] = {}
    for project_id, park_id, total in (
        progress.values_list("pk", "park_id").annotate(total=Sum("progress__investment")).order_by()
    ):
        by_project[project_id] = total or ZERO
        extras[park_id].project_investment += total or ZERO
    completed = (
        _scoped(Project.objects.all(), park_ids)
        .filter(completed_on__gte=start, completed_on__lte=end)
        .select_related("enterprise")
        .order_by("completed_on", "pk")
    )
    for p in completed:
        extras[p.park_id].projects.append(
            ProjectLine(
                p.pk,
                p.name,
                p.enterprise.name if p.enterprise else "",
                p.planned_investment,
                by_project.get(p.pk) or ZERO,
                p.started_on,
                p.completed_on,
            )
        )
    for park_id, *product in _scoped(Product.objects.all(), park_ids).values_list(
        "park_id", "kind", "is_key", "drug_category", "stage", "stage_since", "device_status"
    ):
        extras[park_id].products.append(cast(_ProductRow, tuple(product)))
    milestones = (
        _scoped(Milestone.objects.filter(kind=MilestoneKind.LISTING, on__gte=start, on__lte=end), park_ids)
        .select_related("enterprise")
        .order_by("on", "pk")
    )
    for m in milestones:
        extras[m.park_id].listings.append(
            ListingLine(
                m.enterprise_id, m.short_name or m.enterprise.name, m.get_exchange_display(), m.stock_code, m.on
            )
        )
    for park_id, areas in lettable_and_vacant_area(list(park_ids) if park_ids is not None else None).items():
        extras[park_id].areas.append(areas)
    return extras


def _merged(extras: Iterable[_Extras]) -> _Extras:
    """Several parks' extras as one scope's, in the order a report lists them."""
    merged = _Extras()
    for part in extras:
        merged.projects += part.projects
        merged.project_investment += part.project_investment
        merged.products += part.products
        merged.listings += part.listings
        merged.areas += part.areas
    merged.projects.sort(key=lambda line: (line.completed_on or datetime.date.min, line.pk))
    merged.listings.sort(key=lambda line: line.on)
    return merged


def _above_scale(rows: Sequence[MonthlyFigures], year: int, month: int, industries: dict[int, str]) -> frozenset[int]:
    return kpi.above_scale_set(rows, year, month, industries, basis=SCALE_BASIS)


_ROW_FIELDS: Final = ("enterprise_id", "year", "month", *kpi.INDICATORS, *(f"prior_{i}" for i in kpi.INDICATORS))
_INDICATOR_COUNT: Final = len(kpi.INDICATORS)
#: Positions in a period-end row (``_ROW_FIELDS``): the key, the indicators, then the priors.
_VALUES: Final = 3
_PRIORS: Final = _VALUES + _INDICATOR_COUNT
_REVENUE: Final = _VALUES + kpi.INDICATORS.index("revenue")
_EMPLOYEES: Final = _VALUES + kpi.INDICATORS.index("employees")
#: On SQLite, above this many ids a query reads the whole scope and filters in Python instead of
#: listing them in ``IN (…)`` (SQLite allows at most 32,766 parameters); PostgreSQL takes one array.
_MAX_ID_PARAMS: Final = 5000


def _listable(ids: Collection[int]) -> bool:
    """Whether ids can go to the database as a list (``__any_of``): always on PostgreSQL (one array)."""
    return connection.vendor == "postgresql" or len(ids) <= _MAX_ID_PARAMS


def _id_chunks(ids: Collection[int]) -> list[list[int]]:
    """Sorted ids in lists the database takes as parameters: one on PostgreSQL, a few on SQLite."""
    ordered = sorted(ids)
    if _listable(ordered):
        return [ordered] if ordered else []
    return [ordered[i : i + _MAX_ID_PARAMS] for i in range(0, len(ordered), _MAX_ID_PARAMS)]


_Point = tuple[int, int]  # (year, month) at which 规上 is judged
#: Period-end rows by key, as fetched (``_ROW_FIELDS``; headcounts are integers).
_EndRows = dict[RowKey, tuple[Any, ...]]


def _scale_points(period: ReportPeriod) -> tuple[_Point, _Point, _Point]:
    """Where 规上 is judged: the period's end, a year earlier, and just before the period (already 规上)."""
    year, first, last = period.year, period.first_month, period.last_month
    before = (year - 1, 12) if first == 1 else (year, first - 1)
    return (year, last), (year - 1, last), before


class _YearFacts(NamedTuple):
    """Where one enterprise-year's revenue and headcount rows lie, and its revenue range (``_row_facts``)."""

    first_revenue: int | None  # the first and last month that report revenue
    last_revenue: int | None
    revenue_max: Decimal | float | None  # a bound only: a float on SQLite
    revenue_min: Decimal | float | None
    # This year: the last month up to the period's end with a headcount; last year: the last after it.
    headcount_month: int | None


_Facts = dict[int, _YearFacts]  # year → facts, of one enterprise


@dataclass
class _Census:
    """Every enterprise with rows in the two years: (has monthly rows, reported in the period), and
    the parks its rows are in (a portfolio splits the figures by park)."""

    flags: dict[int, tuple[bool, bool]]
    parks_of: dict[int, set[int]]


def _census(scope: tuple[int, ...] | None, period: ReportPeriod) -> _Census:
    """The one pass over every row the report needs, kept to what the (park, enterprise, year, month)
    index holds so that PostgreSQL reads the index alone; the few enterprises with monthly (当月)
    rows come from a partial index of those rows. What else the rows are like is asked only for
    the enterprises whose period-end rows leave it open (``_row_facts``).
    """
    year, last = period.year, period.last_month
    rows = report_queryset(scope).filter(year__in=(year - 1, year)).order_by()
    first_months = rows.values_list("park_id", "enterprise_id").annotate(first_month=Min("month", filter=Q(year=year)))
    # A literal, not a parameter: SQLite uses a partial index only when it can see the condition.
    literal_false = RawSQL("false" if connection.vendor == "postgresql" else "0", (), output_field=BooleanField())  # noqa: S611 - a constant
    monthly = set(rows.filter(is_cumulative=literal_false).values_list("enterprise_id", flat=True).distinct())
    reporting: dict[int, bool] = {}
    parks_of: dict[int, set[int]] = defaultdict(set)
    for park_id, enterprise_id, first_month in fetch_rows(first_months):
        parks_of[enterprise_id].add(park_id)
        reported = first_month is not None and first_month <= last
        reporting[enterprise_id] = reporting.get(enterprise_id, False) or reported
    flags = {enterprise_id: (enterprise_id in monthly, reported) for enterprise_id, reported in reporting.items()}
    return _Census(flags, parks_of)


def _row_facts(scope: tuple[int, ...] | None, period: ReportPeriod, ids: Collection[int]) -> dict[int, _Facts]:
    """One row per enterprise and year of some enterprises: where their revenue and headcount rows lie
    relative to the months 规上 is judged at, and the range of their revenue (a bound on any
    trailing-12 measure). One grouped query (on SQLite one per 5,000 enterprises)."""
    if not ids:
        return {}
    year, last = period.year, period.last_month
    with_revenue = Q(revenue__isnull=False)
    headcount = Q(employees__isnull=False) & (Q(year=year, month__lte=last) | Q(year=year - 1, month__gt=last))
    facts: dict[int, _Facts] = defaultdict(dict)
    for chunk in _id_chunks(ids):
        rows = (
            report_queryset(scope)
            .filter(year__in=(year - 1, year), enterprise_id__any_of=chunk)
            .order_by()
            .values_list("enterprise_id", "year")
            .annotate(
                first_revenue=Min("month", filter=with_revenue),
                last_revenue=Max("month", filter=with_revenue),
                revenue_max=Max("revenue"),
                revenue_min=Min("revenue"),
                headcount_month=Max("month", filter=headcount),
            )
        )
        # Months, and two revenue bounds taken as the driver gives them (see _judge_scale).
        for enterprise_id, row_year, *values in fetch_rows(rows):
            facts[enterprise_id][row_year] = _YearFacts(*values)
    return facts


def _period_end_rows(scope: tuple[int, ...] | None, period: ReportPeriod) -> _EndRows:
    """The cumulative rows at the months that decide a period: its last month and the month before
    it starts, this year and last, and last December. For 1–N月 rows the period total *is* such a row (or the
    difference of two), so no other row needs to leave the database."""
    year, first, last = period.year, period.first_month, period.last_month
    months = {last} | ({first - 1} if first > 1 else set())
    queryset = (
        report_queryset(scope)
        .filter(Q(year=year, month__in=sorted(months)) | Q(year=year - 1, month__in=sorted(months | {12})))
        .filter(is_cumulative=True)
        .order_by()
        .values_list(*_ROW_FIELDS)
    )
    return {row[:_VALUES]: row for row in fetch_rows(queryset, convert=range(_VALUES, len(_ROW_FIELDS)))}


def _add_period_ends(table: kpi.PeriodTable, rows: _EndRows, enterprise_ids: Collection[int]) -> None:
    """Period totals of enterprises reporting 1–N月 rows, column by column, from their period-end rows.

    ``kpi.period_total`` on such rows reduces to: a flow is the period's last row less the row
    before the period starts (the last row itself for 1–N月 periods; not measurable when that row
    is missing), a stock is the last row's. The re-reported priors of this year's rows likewise.
    The rows are transposed once and each column filled in one step where it has no gaps.
    """
    first, last = table.first, table.last
    for year, side in ((table.year, "current"), (table.year - 1, "previous")):
        ids = [e for e in enterprise_ids if (e, year, last) in rows]
        if not ids:
            continue
        by_column = list(zip(*(rows[(e, year, last)] for e in ids), strict=True))
        starts = [rows.get((e, year, first - 1)) for e in ids] if first > 1 else []
        targets: list[tuple[dict[kpi.Indicator, dict[int, Decimal]], int]] = [(getattr(table, side), _VALUES)]
        if side == "current":
            targets.append((table.reported_prior, _PRIORS))
        for columns, offset in targets:
            for index, indicator in enumerate(kpi.INDICATORS):
                at, column = offset + index, columns[indicator]
                values: Sequence[Any] = by_column[at]
                if indicator in kpi.STOCK_INDICATORS:  # headcounts: integers in the database
                    values = [None if v is None else Decimal(v) for v in values]
                elif first > 1:
                    values = [
                        None if start is None or v is None or start[at] is None else v - start[at]
                        for v, start in zip(values, starts, strict=True)
                    ]
                # ``is not None``, not ``None in values``: comparing a Decimal with None is slow.
                if offset == _PRIORS:  # a re-reported prior counts only beside a figure of this year
                    current = table.current[indicator]
                    column.update({e: v for e, v in zip(ids, values, strict=True) if v is not None and e in current})
                else:
                    column.update({e: v for e, v in zip(ids, values, strict=True) if v is not None})


class _Irregular(Exception):
    """The enterprise's rows need the row-by-row engine (gaps at the months that matter)."""


class _NeedFacts(Exception):
    """The period-end rows leave open what the enterprise's other rows are like (``_row_facts``)."""


def _measure(
    enterprise_id: int, point: _Point, period_year: int, facts: _Facts | None, rows: _EndRows
) -> Decimal | None:
    """Trailing-12 revenue at a point from period-end rows (``kpi.revenue_measure`` on 1–N月 rows).

    Within a year cumulative spans telescope: the point's own year contributes its 1–m月 row, and
    last year (for a point of this year) its December row minus its 1–m月 row. Raise _Irregular
    when a row that rule needs is missing but other rows exist (the engine then decides), and
    _NeedFacts (``facts`` None) when only the enterprise's other rows can tell.
    """
    year, month = point
    row = rows.get((enterprise_id, year, month))
    total: Decimal | None = None if row is None else row[_REVENUE]
    if total is None:
        if facts is None:
            raise _NeedFacts
        own_year = facts.get(year)
        if own_year is not None and own_year.first_revenue is not None and own_year.first_revenue <= month:
            raise _Irregular  # revenue reported earlier in the year, but not at this month
    if year == period_year and month < 12:
        december = rows.get((enterprise_id, year - 1, 12))
        if december is not None and december[_REVENUE] is not None:
            later = True  # last year reports revenue after this month: its December row does
        elif facts is None:
            raise _NeedFacts
        else:
            before = facts.get(year - 1)
            later = before is not None and (before.last_revenue or 0) >= month
        if later:
            at = rows.get((enterprise_id, year - 1, month))
            if at is None or december is None or at[_REVENUE] is None or december[_REVENUE] is None:
                raise _Irregular
            total = (total or ZERO) + december[_REVENUE] - at[_REVENUE]
    return total


#: Float rounding allowance when comparing a revenue bound with a threshold (it can only admit more).
_BOUND_HEADROOM: Final = 1.000001


@dataclass
class _Scale:
    above: set[int] = field(default_factory=set)
    above_before: set[int] = field(default_factory=set)
    already: set[int] = field(default_factory=set)
    sizes: dict[str, set[int]] = field(
        default_factory=lambda: {s: set() for s in ("large", "medium", "small", "micro")}
    )
    candidates: set[int] = field(default_factory=set)
    revenue_now: dict[int, Decimal] = field(default_factory=dict)  # trailing-12 at the period's end


def _judge_scale(
    enterprise_id: int,
    facts: _Facts | None,
    rows: _EndRows,
    period: ReportPeriod,
    points: tuple[_Point, _Point, _Point],
    industry_code: str,
    threshold: Decimal | None,
    scale: _Scale,
) -> None:
    """规上 now, a year earlier and before the period, size class, possible 升规: from period-end rows.

    Raises _Irregular when the rows do not decide it (the engine then does), and _NeedFacts when
    ``facts`` is None and the enterprise's other rows must be asked (nothing is recorded then).
    """
    year, last = period.year, period.last_month
    at_end, year_before, before_period = points
    now = _measure(enterprise_id, at_end, year, facts, rows)
    before = _measure(enterprise_id, year_before, year, facts, rows)
    # For 1–N月 periods "a year earlier" and "before the period" are both last December.
    already = before if before_period == year_before else _measure(enterprise_id, before_period, year, facts, rows)
    # The headcount: the latest reported up to the period's end (within twelve months).
    end_row = rows.get((enterprise_id, year, last))
    headcount: int | None = None
    if end_row is not None and end_row[_EMPLOYEES] is not None:
        headcount = end_row[_EMPLOYEES]  # an integer
    elif facts is None:
        raise _NeedFacts
    else:
        this_year, last_year = facts.get(year), facts.get(year - 1)
        headcount_now = None if this_year is None else this_year.headcount_month
        headcount_before = None if last_year is None else last_year.headcount_month
        if headcount_now is not None or headcount_before is not None:
            latest = (year, last) if headcount_now is not None else (year - 1, 12)
            if (headcount_now or headcount_before) != latest[1]:
                raise _Irregular
            headcount = rows[(enterprise_id, *latest)][_EMPLOYEES]
    if now is not None:
        scale.revenue_now[enterprise_id] = now
        if headcount is not None:
            scale.sizes[kpi.size_class_of(industry_code, now, headcount)].add(enterprise_id)
    if threshold is None:  # an industry without a 规上 line: never 规上
        return
    if now is not None and now >= threshold:
        scale.above.add(enterprise_id)
    if before is not None and before >= threshold:
        scale.above_before.add(enterprise_id)
    if already is not None and already >= threshold:
        scale.already.add(enterprise_id)
        return
    if facts is None:  # no revenue range to bound it by: ``_crossings`` checks it month by month
        scale.candidates.add(enterprise_id)
        return
    this_year, last_year = facts.get(year), facts.get(year - 1)
    if this_year is not None and this_year.revenue_max is not None:
        # At a month of this year the trailing-12 sum is a 1–m月 row of this year plus a
        # difference of two rows of last year, so it is at most max⁺(this year) + max⁺(last year)
        # − min⁻(last year): below the threshold no month of the period can be a crossing, and
        # only the others are checked month by month (``_crossings``). In floats with headroom:
        # the bound only admits enterprises to the exact check.
        bound = max(float(this_year.revenue_max), 0.0)
        if last_year is not None:
            bound += max(float(last_year.revenue_max or 0), 0.0) - min(float(last_year.revenue_min or 0), 0.0)
        if bound * _BOUND_HEADROOM >= float(threshold):
            scale.candidates.add(enterprise_id)


def _engine_rows(scope: tuple[int, ...] | None, period: ReportPeriod, ids: set[int]) -> kpi.RowSet:
    """The rows of some enterprises for the row-by-row engine: one query (none without any)."""
    years = (period.year - 1, period.year)
    return kpi.RowSet(
        row for chunk in _id_chunks(ids) for row in load_rows(park_ids=scope, years=years, enterprise_ids=chunk)
    )


def _crossings(
    scope: tuple[int, ...] | None,
    period: ReportPeriod,
    ids: set[int],
    industries: dict[int, str],
) -> list[ScaleEvent]:
    """The 升规 events of possible-crossing enterprises that report 1–N月 rows: one query.

    ``kpi.scale_events`` on such rows, reduced to additions: within a year cumulative spans
    telescope, so the trailing-12 revenue at a revenue row of last year is that row, and at month
    m of this year it is this year's row at m plus last year's last revenue row less its first
    revenue row at or after m (nothing when there is none; the two cancel when it is the last).
    Evaluated at each row in time order, the first to reach the threshold is the event, with the
    rows of those terms as its sources. The engine agrees on every kind of row (tested).
    """
    if not ids:
        return []
    year = period.year
    rows = report_queryset(scope).filter(year__in=(year - 1, year), revenue__isnull=False)
    points = (
        point
        for chunk in _id_chunks(ids)  # one list of rows at a time
        for point in fetch_rows(
            rows.filter(enterprise_id__any_of=chunk)
            .order_by("enterprise_id", "year", "month")
            .values_list("enterprise_id", "year", "month", "revenue"),
            convert=[3],
        )
    )
    events: list[ScaleEvent] = []
    thresholds: dict[str, Decimal | None] = {}
    previous_year, first, last = year - 1, period.first_month, period.last_month
    # Rows arrive ordered by enterprise, year, month (chunks ascend): last year's months come first.
    for enterprise_id, group in groupby(points, key=itemgetter(0)):
        code = industries.get(enterprise_id)
        if enterprise_id not in ids or code is None:
            continue
        if code not in thresholds:
            thresholds[code] = kpi.threshold_yuan(code)
        threshold = thresholds[code]
        if threshold is None:
            continue
        revenue_rows = list(group)
        last_year = {month: revenue for _e, row_year, month, revenue in revenue_rows if row_year == previous_year}
        closing = max(last_year, default=0)
        opening_at: dict[int, int] = {}  # month m → last year's first revenue month at or after m
        following = 0
        for month in range(12, 0, -1):
            following = month if month in last_year else following
            if following and following != closing:  # at the closing month the two rows cancel
                opening_at[month] = following
        for _e, row_year, month, revenue in revenue_rows:
            opening = opening_at.get(month, 0) if row_year == year else 0
            measure = revenue + (last_year[closing] - last_year[opening]) if opening else revenue
            if measure < threshold:  # ``kpi.reaches_threshold``: a 万元 threshold, in 元
                continue
            if row_year == year and first <= month <= last:
                keys = [(enterprise_id, row_year, month)]
                if opening:
                    keys += [(enterprise_id, previous_year, closing), (enterprise_id, previous_year, opening)]
                figure = Figure(measure, "yuan", tuple(sorted(keys)))
                events.append(ScaleEvent(enterprise_id, row_year, month, figure, threshold, SCALE_BASIS))
            break
    return events


@dataclass
class _Judged:
    """Every enterprise of a scope sorted out for a period (``_judge_all``)."""

    census: dict[int, tuple[bool, bool]]  # enterprise → (has monthly rows, reported in the period)
    parks_of: dict[int, set[int]]
    end_rows: _EndRows
    industries: dict[int, str]
    scale: _Scale
    irregular: set[int]  # for the row-by-row engine: monthly rows, or gaps the rule cannot bridge


def _judge_all(scope: tuple[int, ...] | None, period: ReportPeriod) -> _Judged:
    """Census, period-end rows, industries, and each enterprise's 规上 status, size and trailing-12
    revenue (``_judge_scale``), asking the rows' facts only of the enterprises that need them."""
    year = period.year
    counted = _census(scope, period)
    census = counted.flags
    end_rows = _period_end_rows(scope, period)
    if _listable(census):
        codes = Enterprise.objects.filter(pk__any_of=list(census)).order_by().values_list("pk", "industry_code")
        industries = {pk: code for pk, code in codes if code}
    else:
        facts = enterprise_facts(scope, (year - 1, year))
        industries = {pk: code for pk, (_name, code) in facts.items() if code}
    scale = _Scale()
    points = _scale_points(period)
    thresholds = {code: kpi.threshold_yuan(code) for code in set(industries.values())}
    irregular = {enterprise_id for enterprise_id, (monthly, _reporting) in census.items() if monthly}
    need_facts: list[int] = []
    for enterprise_id in census:
        code = industries.get(enterprise_id)
        if code is None or enterprise_id in irregular:
            continue
        try:
            _judge_scale(enterprise_id, None, end_rows, period, points, code, thresholds[code], scale)
        except _NeedFacts:
            need_facts.append(enterprise_id)
        except _Irregular:
            irregular.add(enterprise_id)
    # The few whose period-end rows leave something open: one more grouped query, over their rows.
    row_facts = _row_facts(scope, period, need_facts)
    for enterprise_id in need_facts:
        code = industries[enterprise_id]
        try:
            known = row_facts.get(enterprise_id, {})
            _judge_scale(enterprise_id, known, end_rows, period, points, code, thresholds[code], scale)
        except _Irregular:
            irregular.add(enterprise_id)
    return _Judged(census, counted.parks_of, end_rows, industries, scale, irregular)


def period_table(*, park_ids: Collection[int] | None, period: ReportPeriod) -> kpi.PeriodTable:
    """Every enterprise's totals for a period (this year, re-reported priors, last year): the table of
    ``report_kpis`` without the rest of the report, for the 亩均 evaluation. Three queries at most."""
    scope = tuple(sorted(park_ids)) if park_ids is not None else None
    census = _census(scope, period).flags
    monthly = {enterprise_id for enterprise_id, (has_monthly, _reporting) in census.items() if has_monthly}
    table, _engine = _filled_table(scope, period, census, _period_end_rows(scope, period), monthly)
    return table


def _filled_table(
    scope: tuple[int, ...] | None,
    period: ReportPeriod,
    enterprise_ids: Collection[int],
    end_rows: _EndRows,
    irregular: set[int],
) -> tuple[kpi.PeriodTable, kpi.RowSet]:
    """The period table: regular enterprises from their period-end rows, the irregular ones from the
    row engine (one query for their rows, which are returned too)."""
    table = kpi.PeriodTable(period.year, period.months)
    _add_period_ends(table, end_rows, [e for e in enterprise_ids if e not in irregular])
    irregular_rows = _engine_rows(scope, period, irregular)
    for totals in kpi.enterprise_period_totals(irregular_rows, period.year, period.months).values():
        table.add(totals)
    return table, irregular_rows


def report_kpis(*, park_ids: Collection[int] | None, period: ReportPeriod, detail: bool = True) -> ReportKpis:
    """The KPIs of a park, a set of parks (or None: the portfolio) over a period.

    A constant number of queries, whatever the number of enterprises; no per-row Python work for
    enterprises that report 1–N月 rows without gaps at the months that matter:

    1. One light grouped query over every row: one row per enterprise, whether it has monthly rows
       and whether it reported in the period (``_census``). One more fetches the cumulative rows at
       the period's end, its start and December (``_period_end_rows``).
    2. From those: this year's and last year's period totals and the re-reported priors, column by
       column into a ``kpi.PeriodTable`` (``_add_period_ends``), and per enterprise trailing-12
       revenue at the period's end, a year earlier and before the period (规上 now, last year,
       already 规上: RULES §5) and its size class (``_judge_scale``). Where those rows leave
       something open (a gap at a month that matters), the enterprise's other rows are summarised
       in one more grouped query, for those enterprises only (``_row_facts``).
    3. Enterprises with monthly rows or gaps that the rule cannot bridge go through the row-by-row
       engine (``kpi``), loaded in one query. Enterprises not already 规上 whose revenue could
       cross the threshold in the period are checked month by month from their revenue rows
       (``_crossings``: the engine's rule reduced to additions for 1–N月 rows).
    4. Totals, comparable growth (``kpi.growth_of``: same enterprises both sides, re-reported
       priors first) and R&D intensity are sums over the table's columns; the naive ratio of the
       two published 规上 totals is kept for contrast. Sources stay described (``kpi.SourceKeys``)
       and are listed only when the sources page asks.
    """
    scope = tuple(sorted(park_ids)) if park_ids is not None else None
    computed = _compute(scope, period)
    census = computed.judged.census
    extras = _merged(_extras(scope, period).values())
    result = _assemble(
        period,
        scope,
        computed,
        reporting=sum(1 for _monthly, reporting in census.values() if reporting),
        extras=extras,
        # Names of the enterprises the report lists: those with an event, or everyone for the tables.
        names=_names(census if detail else [event.enterprise_id for event in computed.events], scope, period),
    )
    if detail:
        _add_detail(result, computed.table, scope, computed.judged.industries)
    return result


@dataclass
class _Computed:
    """Per-enterprise results of a scope (``_compute``): what the report's figures are sums over."""

    judged: _Judged
    table: kpi.PeriodTable
    above: frozenset[int]
    above_before: frozenset[int]
    events: list[ScaleEvent]
    sizes: dict[str, set[int]]


def _compute(scope: tuple[int, ...] | None, period: ReportPeriod) -> _Computed:
    """Steps 1–3 of ``report_kpis``: the table, 规上 now and a year earlier, 升规 events, size classes."""
    year, months = period.year, period.months
    judged = _judge_all(scope, period)
    census, end_rows, industries, scale = judged.census, judged.end_rows, judged.industries, judged.scale
    table, irregular_rows = _filled_table(scope, period, census, end_rows, judged.irregular)
    judged.end_rows = {}  # the table holds what counts; a portfolio's rows need not outlive it
    at_end, year_before, before_period = _scale_points(period)
    already = _above_scale(irregular_rows, *before_period, industries)
    events = sorted(
        (
            *kpi.new_above_scale(irregular_rows, year, months, industries, basis=SCALE_BASIS, already_above=already),
            *_crossings(scope, period, scale.candidates, industries),
        ),
        key=lambda event: (event.year, event.month, event.enterprise_id),
    )
    engine_sizes = kpi.enterprises_by_size_class(irregular_rows, year, period.last_month, industries)
    return _Computed(
        judged,
        table,
        frozenset(scale.above | _above_scale(irregular_rows, *at_end, industries)),
        frozenset(scale.above_before | _above_scale(irregular_rows, *year_before, industries)),
        events,
        {size: members | engine_sizes[size] for size, members in scale.sizes.items()},  # type: ignore[index]
    )


def _assemble(
    period: ReportPeriod,
    scope: tuple[int, ...] | None,
    computed: _Computed,
    *,
    reporting: int,
    extras: _Extras,
    names: dict[int, str],
) -> ReportKpis:
    """Step 4 of ``report_kpis``: the figures, as sums over the table's columns."""
    table, above, above_before = computed.table, computed.above, computed.above_before
    above_output = kpi.total_of(table, "output", "current", above)
    above_output_previous = kpi.total_of(table, "output", "previous", above_before)
    naive_now = [e for e in table.current["output"] if e in above]
    naive_before = [e for e in table.previous["output"] if e in above_before]
    naive = GrowthFigure(
        above_output.value,
        above_output_previous.value,
        frozenset((*naive_now, *naive_before)),
        kpi.SourceKeys([(table, "current", "output", naive_now), (table, "previous", "output", naive_before)]),
    )
    rnd_now = kpi.rnd_intensity_of(table, "current")
    rnd_before = kpi.rnd_intensity_of(table, "previous")
    by_stage, in_rnd, class1, phase3 = _product_counts(extras.products, period)
    return ReportKpis(
        period=period,
        park_ids=scope,
        totals={indicator: kpi.total_of(table, indicator) for indicator in HEADLINE},
        growth={indicator: kpi.growth_of(table, indicator) for indicator in HEADLINE},
        above_scale_ids=above,
        above_scale_ids_previous=above_before,
        above_scale_output=above_output,
        above_scale_output_previous=above_output_previous,
        above_scale_output_growth=kpi.growth_of(table, "output", above),
        above_scale_output_naive=naive,
        rnd_intensity=rnd_now,
        rnd_intensity_previous=rnd_before,
        rnd_intensity_change=kpi.pp_difference(rnd_now.value, rnd_before.value),
        size_classes={size: len(members) for size, members in computed.sizes.items()},
        new_above_scale=computed.events,
        listings=extras.listings,
        projects_completed=extras.projects,
        project_investment=extras.project_investment,
        products_by_stage=by_stage,
        products_in_rnd=in_rnd,
        class1_drugs_in_clinical=class1,
        products_in_phase3=phase3,
        occupancy_rate=_occupancy(extras.areas),
        reporting_enterprises=reporting,
        names=names,
        table=table,
    )


def _names(enterprise_ids: Collection[int], scope: tuple[int, ...] | None, period: ReportPeriod) -> dict[int, str]:
    """Names of some enterprises (those a report lists by name): one query."""
    if not enterprise_ids:
        return {}
    if not _listable(enterprise_ids):
        facts = enterprise_facts(scope, (period.year - 1, period.year))
        return {pk: name for pk, (name, _code) in facts.items() if pk in enterprise_ids}
    return dict(Enterprise.objects.filter(pk__any_of=list(enterprise_ids)).order_by().values_list("pk", "name"))


def _add_detail(
    result: ReportKpis, table: kpi.PeriodTable, scope: tuple[int, ...] | None, industries: dict[int, str]
) -> None:
    """Tables by enterprise and by industry from the KPIs' own table, and the monthly output series.

    The tables are the table's columns (no second pass over the rows); the trend chart needs each
    month on its own, which 1–N月 rows give only by differencing, so the engine gets the output
    rows alone (one query, one decimal column converted instead of eighteen).
    """
    period = result.period
    year = period.year
    output, revenue, taxes = (table.column("current", i) for i in ("output", "revenue", "taxes"))
    growth = kpi.growth_by_enterprise(table, "output")

    def figure(column: dict[int, Decimal], indicator: kpi.Indicator, enterprise_id: int) -> Figure:
        if enterprise_id not in column:
            return Figure(None, "yuan")
        return Figure(column[enterprise_id], "yuan", kpi.SourceKeys([(table, "current", indicator, (enterprise_id,))]))

    ids = sorted(output.keys() | revenue.keys() | taxes.keys(), key=lambda e: (-output.get(e, ZERO), e))
    by_industry: dict[tuple[str, str], list[int]] = defaultdict(list)
    for enterprise_id in ids:
        result.by_enterprise.append(
            EnterpriseLine(
                enterprise_id,
                result.names.get(enterprise_id, str(enterprise_id)),
                industries.get(enterprise_id, ""),
                enterprise_id in result.above_scale_ids,
                figure(output, "output", enterprise_id),
                figure(revenue, "revenue", enterprise_id),
                figure(taxes, "taxes", enterprise_id),
                growth.get(enterprise_id, GrowthFigure(None, None, frozenset())),
            )
        )
        by_industry[industry_division(industries.get(enterprise_id, ""))].append(enterprise_id)
    for (code, label), members in sorted(by_industry.items()):
        result.by_industry.append(
            IndustryLine(
                code,
                label,
                len(members),
                sum((output.get(e, ZERO) for e in members), ZERO),
                sum((revenue.get(e, ZERO) for e in members), ZERO),
                sum((taxes.get(e, ZERO) for e in members), ZERO),
                kpi.growth_of(table, "output", set(members)),
            )
        )
    series = _single_months(scope, year, "output")
    result.monthly_output.extend((m, series.get((year, m)), series.get((year - 1, m))) for m in range(1, 13))


def _single_months(
    scope: tuple[int, ...] | None, year: int, indicator: kpi.Indicator
) -> dict[tuple[int, int], Decimal]:
    """``kpi.period_total`` of each single month of a year and the year before, in one query.

    A month stands alone in a 当月 row, in a 1月 row, or as the difference of a 1–N月 row and the
    enterprise's row of the month before (``LAG`` over its rows of the year); any other row spans
    several months and counts for none of them, as in the engine. The database sums; on SQLite in
    whole fen, so that the sum of floats is exact.
    """

    def previous(name: str) -> Window:  # the same enterprise-year's row before, by month
        return Window(Lag(name), partition_by=[F("enterprise_id"), F("year")], order_by=F("month").asc())

    inner = (
        report_queryset(scope)
        .filter(year__in=(year - 1, year))
        .order_by()
        .annotate(previous_month=previous("month"), previous_value=previous(indicator))
        .values_list("year", "month", "is_cumulative", indicator, "previous_month", "previous_value")
    )
    sql, params = inner.query.sql_with_params()
    column = kpi.INDICATORS[kpi.INDICATORS.index(indicator)]  # a known name: safe in the SQL below
    alone = (
        f"CASE WHEN NOT is_cumulative OR month = 1 THEN {column}"
        f" WHEN previous_month = month - 1 THEN {column} - previous_value END"
    )
    total = f"SUM({alone})" if connection.vendor == "postgresql" else f"SUM(CAST(ROUND(({alone}) * 100) AS INTEGER))"
    with connection.cursor() as cursor:
        # The inner query is the ORM's, with its parameters; the rest is constants.
        cursor.execute(f"SELECT year, month, {total} FROM ({sql}) AS months GROUP BY year, month", params)  # noqa: S608
        sums = cursor.fetchall()
    cent = Decimal("0.01")
    return {
        (row_year, month): (value if isinstance(value, Decimal) else Decimal(value) * cent)
        for row_year, month, value in sums
        if value is not None
    }


def portfolio_kpis(*, park_ids: Collection[int], period: ReportPeriod) -> list[tuple[Park, ReportKpis]]:
    """The KPIs of each park, computed once for all of them and split by park: a constant number of
    queries, whatever the number of parks and enterprises.

    Every figure is a sum over enterprises, so a park's figures are those of its enterprises. An
    enterprise whose rows of the two years lie in several parks (it moved) belongs to none of them
    alone: each park it reported in is computed on its own (``report_kpis``), as rare as moves are.
    """
    parks = list(Park.objects.filter(pk__in=list(park_ids)).order_by("city", "name"))
    scope = tuple(sorted(park.pk for park in parks))
    computed = _compute(scope, period)
    judged = computed.judged
    park_of = {e: next(iter(ps)) for e, ps in judged.parks_of.items() if len(ps) == 1}
    moved = {park_id for ps in judged.parks_of.values() if len(ps) > 1 for park_id in ps}

    def by_park(members: Iterable[int]) -> dict[int, set[int]]:
        split: dict[int, set[int]] = defaultdict(set)
        for enterprise_id in members:
            if enterprise_id in park_of:
                split[park_of[enterprise_id]].add(enterprise_id)
        return split

    tables = computed.table.partition(park_of)
    above, above_before = by_park(computed.above), by_park(computed.above_before)
    sizes = {size: by_park(members) for size, members in computed.sizes.items()}
    reporting = by_park(e for e, (_monthly, reported) in judged.census.items() if reported)
    events: dict[int, list[ScaleEvent]] = defaultdict(list)
    for event in computed.events:
        if event.enterprise_id in park_of:
            events[park_of[event.enterprise_id]].append(event)
    extras = _extras(scope, period)
    names = _names([event.enterprise_id for event in computed.events], scope, period)
    results = []
    for park in parks:
        if park.pk in moved:
            results.append((park, report_kpis(park_ids=[park.pk], period=period, detail=False)))
            continue
        part = _Computed(
            judged,
            tables.get(park.pk) or kpi.PeriodTable(period.year, period.months),
            frozenset(above.get(park.pk, ())),
            frozenset(above_before.get(park.pk, ())),
            events.get(park.pk, []),
            {size: set(split.get(park.pk, ())) for size, split in sizes.items()},
        )
        park_names = {event.enterprise_id: names.get(event.enterprise_id, "") for event in part.events}
        kpis = _assemble(
            period,
            (park.pk,),
            part,
            reporting=len(reporting.get(park.pk, ())),
            extras=extras.get(park.pk) or _Extras(),
            names=park_names,
        )
        results.append((park, kpis))
    return results


# --- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    report: MonthlyReport
    enterprise_name: str
    value: Decimal | None
    prior: Decimal | None


def source_rows(keys: Iterable[RowKey], park_ids: Collection[int] | None, indicator: str) -> list[SourceRow]:
    """The stored rows behind source keys, with the indicator's value and re-reported prior, in the
    order of the keys given (one query)."""
    wanted = list(keys)
    if not wanted:
        return []
    years = sorted({key[1] for key in wanted})
    enterprises = sorted({key[0] for key in wanted})
    queryset = report_queryset(park_ids).filter(year__in=years).select_related("enterprise")
    if _listable(enterprises):
        queryset = queryset.filter(enterprise_id__any_of=enterprises)
    wanted_set = set(wanted)
    found = {
        (r.enterprise_id, r.year, r.month): r for r in queryset if (r.enterprise_id, r.year, r.month) in wanted_set
    }
    return [
        SourceRow(r, r.enterprise.name, getattr(r, indicator), getattr(r, f"prior_{indicator}"))
        for key in wanted
        if (r := found.get(key)) is not None
    ]


SOURCES_PER_PAGE: Final = 200


def source_page(
    keys: Sequence[RowKey], park_ids: Collection[int] | None, indicator: str, page: str | int | None
) -> tuple[Page[RowKey], list[SourceRow]]:
    """One page of the rows behind a figure, ordered by enterprise name, year and month.

    A portfolio figure stands on tens of thousands of rows: the keys are sorted by name (one query
    for the names) and only the page's rows are loaded.
    """
    enterprises = sorted({key[0] for key in keys})
    if _listable(enterprises):
        names = dict(Enterprise.objects.filter(pk__any_of=enterprises).order_by().values_list("pk", "name"))
    else:
        reporting = report_queryset(park_ids).values("enterprise_id")
        names = dict(Enterprise.objects.filter(pk__in=reporting).order_by().values_list("pk", "name"))
    ordered = sorted(keys, key=lambda key: (names.get(key[0], ""), key))
    current = Paginator(ordered, SOURCES_PER_PAGE).get_page(page)
    return current, source_rows(current.object_list, park_ids, indicator)


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

    result: dict[int, tuple[Decimal | None, str]] = {
        enterprise_id: (area, MujuCategory.RATED.value) for enterprise_id, area in contracted_land(park_id).items()
    }
    for enterprise_id, area, category in EnterpriseParkProfile.objects.filter(park_id=park_id).values_list(
        "enterprise_id", "land_area_sqm", "muju_category"
    ):
        contracted = result.get(enterprise_id, (None, MujuCategory.RATED.value))[0]
        result[enterprise_id] = (area if area is not None else contracted, category)
    return result


def muju_evaluation(
    *, park_id: int, year: int, scheme: muju.Scheme = PARK_DEFAULT, table: kpi.PeriodTable | None = None
) -> list[MujuLine]:
    """The 亩均 evaluation of a park's enterprises for a year: inputs, score per indicator, grade.

    Enterprises with land on record and a full year of revenue are evaluated; benchmarks not set
    by the scheme are the park's aggregate for the year (``muju.benchmarks_from_average``, factor 1).
    ``table``: the park's full-year ``PeriodTable`` when the caller has it (the annual report).
    """
    if table is None or (table.year, table.first, table.last) != (year, 1, 12):
        table = period_table(park_ids=[park_id], period=ReportPeriod(year))
    land = land_area_by_enterprise(park_id)
    taxes, revenue, rnd, energy, employees = (
        table.column("current", name) for name in ("taxes", "revenue", "rnd_spending", "energy_tce", "employees")
    )
    inputs: dict[int, tuple[dict[str, Decimal | None], Decimal | None, str]] = {}
    for enterprise_id, (area, category) in land.items():
        if enterprise_id not in revenue:
            continue
        values: dict[str, Decimal | None] = {
            muju.TAXES: taxes.get(enterprise_id),
            muju.REVENUE: revenue.get(enterprise_id),
            muju.RND: rnd.get(enterprise_id),
            muju.ENERGY: energy.get(enterprise_id),
            muju.EMPLOYEES: employees.get(enterprise_id),
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


def grade_distribution(lines: Iterable[MujuLine]) -> dict[str, int]:
    counts: Counter[str] = Counter(line.graded.display for line in lines)
    return dict(sorted(counts.items()))


def upgrade_candidates(
    *, park_id: int, year: int, month: int, band: Decimal | None = None
) -> list[tuple[str, kpi.UpgradeCandidate]]:
    """规下 enterprises of a park within the watch band under their threshold (RULES §5).

    ``kpi.upgrade_candidates`` decides, on the rows of the enterprises the SQL path finds in the
    band (their trailing-12 revenue is known from the period-end rows) and of those it could not
    judge; the rest of the park's rows stay in the database.
    """
    band = UPGRADE_WATCH_BAND if band is None else band
    period = ReportPeriod(year, 1, month)
    scope = (park_id,)
    judged = _judge_all(scope, period)
    near = set(judged.irregular)
    for enterprise_id, revenue in judged.scale.revenue_now.items():
        threshold = kpi.threshold_yuan(judged.industries[enterprise_id])
        if threshold is not None and threshold * band <= revenue < threshold:
            near.add(enterprise_id)
    rows = _engine_rows(scope, period, near)
    candidates = kpi.upgrade_candidates(rows, year, month, judged.industries, basis=SCALE_BASIS, band=band)
    names = _names([c.enterprise_id for c in candidates], scope, period)
    return [(names.get(c.enterprise_id, ""), c) for c in candidates]


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
