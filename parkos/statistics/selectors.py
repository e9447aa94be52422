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
from django.db.models import Q, QuerySet, Sum

from parkos.core.units import sqm_to_mu
from parkos.enterprises import industry
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Park
from parkos.statistics import kpi, muju
from parkos.statistics.choices import DeviceStatus, MilestoneKind, ProductKind
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
        queryset = queryset.filter(enterprise_id__in=list(enterprise_ids))
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


def report_kpis(*, park_ids: Collection[int] | None, period: ReportPeriod, detail: bool = True) -> ReportKpis:
    """The KPIs of a park, a set of parks (or None: the portfolio) over a period.

    1. Load the rows of the year and the year before (prior-year fallback, last year's 规上 set,
       trailing-12 revenue) in one query, and the enterprises' names and industries in one more.
    2. 规上 = trailing-12 revenue at the period's last month reaches the threshold (RULES §5);
       last year's set is judged at the same month a year earlier.
    3. Totals over everyone who reported; growth on the comparable basis (``kpi.comparable_growth``);
       the naive ratio of the two published 规上 totals is kept for contrast.
    4. 升规 in the period: first crossings, with last year's 规上 set (at December) as already above.
    """
    year, months = period.year, period.months
    last = period.last_month
    scope = tuple(sorted(park_ids)) if park_ids is not None else None
    rows = load_rows(park_ids=scope, years=(year - 1, year))
    facts = enterprise_facts(scope, (year - 1, year))
    industries = {pk: code for pk, (_name, code) in facts.items() if code}
    names = {pk: name for pk, (name, _code) in facts.items()}

    totals: dict[str, Figure] = {indicator: kpi.period_total(rows, indicator, year, months) for indicator in HEADLINE}
    growth: dict[str, GrowthFigure] = {
        indicator: kpi.comparable_growth(rows, indicator, year, months) for indicator in HEADLINE
    }
    above = _above_scale(rows, year, last, industries)
    above_before = _above_scale(rows, year - 1, last, industries)
    above_output = kpi.period_total(rows, "output", year, months, above)
    above_output_previous = kpi.period_total(rows, "output", year - 1, months, above_before)
    above_growth = kpi.comparable_growth(rows, "output", year, months, above)
    naive = GrowthFigure(
        above_output.value,
        above_output_previous.value,
        frozenset(key[0] for key in above_output.sources + above_output_previous.sources),
        tuple(sorted(above_output.sources + above_output_previous.sources)),
    )
    rnd_now = kpi.rnd_intensity(rows, year, months)
    rnd_before = kpi.rnd_intensity(rows, year - 1, months)
    rnd_change = kpi.pp_difference(rnd_now.value, rnd_before.value)
    already = (
        _above_scale(rows, year - 1, 12, industries)
        if period.first_month == 1
        else _above_scale(rows, year, period.first_month - 1, industries)
    )
    events = kpi.new_above_scale(rows, year, months, industries, basis=SCALE_BASIS, already_above=already)
    sizes = kpi.enterprises_by_size_class(rows, year, last, industries)
    projects, project_investment = _projects(scope, period)
    by_stage, in_rnd, class1, phase3 = _products(scope, period)
    reporting = len({row.enterprise_id for row in rows if row.year == year and row.month <= last})
    result = ReportKpis(
        period=period,
        park_ids=scope,
        totals=totals,
        growth=growth,
        above_scale_ids=above,
        above_scale_ids_previous=above_before,
        above_scale_output=above_output,
        above_scale_output_previous=above_output_previous,
        above_scale_output_growth=above_growth,
        above_scale_output_naive=naive,
        rnd_intensity=rnd_now,
        rnd_intensity_previous=rnd_before,
        rnd_intensity_change=rnd_change,
        size_classes={size: len(members) for size, members in sizes.items()},
        new_above_scale=events,
        listings=_listings(scope, period),
        projects_completed=projects,
        project_investment=project_investment,
        products_by_stage=by_stage,
        products_in_rnd=in_rnd,
        class1_drugs_in_clinical=class1,
        products_in_phase3=phase3,
        occupancy_rate=_occupancy(scope),
        reporting_enterprises=reporting,
        names=names,
    )
    if detail:
        _add_detail(result, rows, industries)
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
    """Land (m²) and 亩均 category of each enterprise in a park, from its EnterpriseParkProfile.

    The leasing module does not yet offer a selector for an enterprise's leased or bought area;
    when it does, this is the one place to read it from.
    """
    return {
        enterprise_id: (area, category)
        for enterprise_id, area, category in EnterpriseParkProfile.objects.filter(park_id=park_id).values_list(
            "enterprise_id", "land_area_sqm", "muju_category"
        )
    }


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
