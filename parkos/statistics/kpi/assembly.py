"""The report's KPIs: what the SQL path gathered, summed into the figures a report shows.

``report_kpis`` (a park, some parks or all), ``portfolio_kpis`` (each park of many, in one pass)
and the page's tables. Every figure is a rule of :mod:`.totals` over the gathered
:class:`~.totals.PeriodTable`, or a count of the :mod:`.scale` judgements; sources stay described
(``totals.SourceKeys``) and are listed only when the sources page asks.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from django.core.exceptions import ValidationError

from parkos.core import industry
from parkos.enterprises.models import Enterprise
from parkos.innovation import selectors as innovation
from parkos.parks.models import Park
from parkos.parks.selectors import lettable_and_vacant_area
from parkos.statistics.kpi.figures import Figure, GrowthFigure
from parkos.statistics.kpi.gather import (
    Gathered,
    Scope,
    enterprise_facts,
    gather,
    listable,
    monthly_totals,
)
from parkos.statistics.kpi.investment import IndustrialInvestment, scope_investment
from parkos.statistics.kpi.narrative import AnnualKpis, Listing, ProductOutputPhrase, annual_paragraph
from parkos.statistics.kpi.period import SERIES_SPANS, ReportPeriod
from parkos.statistics.kpi.pipeline import ProductState, pipeline_counts
from parkos.statistics.kpi.rows import Indicator
from parkos.statistics.kpi.scale import (
    SECTORS,
    SIZE_CLASSES,
    Arrival,
    ScaleEvent,
    ScaleStatus,
    Sector,
    left_scope,
    sector_of,
    split_by_arrival,
)
from parkos.statistics.kpi.totals import (
    PeriodTable,
    SourceKeys,
    growth_by_enterprise,
    growth_of,
    pp_difference,
    rnd_intensity_of,
    total_of,
)
from parkos.statistics.product_output import ProductTotal, product_totals

__all__ = [
    "HEADLINE",
    "EnterpriseLine",
    "IndustryLine",
    "ListingLine",
    "ProjectLine",
    "ReportKpis",
    "SectorKpis",
    "SeriesPoint",
    "industry_division",
    "names_of",
    "portfolio_kpis",
    "report_kpis",
]

ZERO: Final = Decimal(0)
#: Products the paragraph names ("生产防护服120万件、…"): the park's main ones.
PARAGRAPH_PRODUCTS: Final = 3
#: The headline indicators of the report, in the order of its tables.
HEADLINE: Final[tuple[Indicator, ...]] = (
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


@dataclass(frozen=True)
class SeriesPoint:
    """A point of the monthly 工业总产值 series of the enterprises of 门类 B–D (RULES §5.3): months
    first..last (1–2月, then each month) of the year and of the year before; None where nobody
    reported — a gap, never a zero (RULES §10.1)."""

    first: int
    last: int
    current: Decimal | None
    previous: Decimal | None

    def label(self, year: int) -> str:
        """ "1–2月", "3月"…"""
        return ReportPeriod(year, self.first, self.last).label


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
    """One enterprise of the by-enterprise table, measured as its section is (RULES §5.3): a service
    enterprise has no 工业总产值 here and grows on 营业收入; ``above_scale`` in its own section."""

    enterprise_id: int
    name: str
    industry: str
    above_scale: bool
    output: Figure
    revenue: Figure
    taxes: Figure
    growth: GrowthFigure  # on ``indicator``
    indicator: Indicator = "output"


#: What each section of the report is measured on (RULES §10.1): 工业 on 工业总产值, 服务业 on 营业收入.
SECTOR_INDICATORS: Final[dict[Sector, Indicator]] = {"industry": "output", "service": "revenue"}


@dataclass(frozen=True)
class IndustryLine:
    """One 大类 of the by-industry table. A service division has no 工业总产值 (``output`` None: what
    its enterprises may have filled in counts in no 工业 figure, RULES §5.3) and grows on 营业收入."""

    code: str
    label: str
    enterprises: int
    output: Decimal | None  # None: nobody reported it (or a service division)
    revenue: Decimal | None
    taxes: Decimal | None
    growth: GrowthFigure  # on ``indicator``
    indicator: Indicator = "output"


@dataclass(frozen=True)
class SectorKpis:
    """One section of the report: 工业 (门类 B–D) or 服务业 (the other 门类), each with its own 规上
    thresholds (RULES §5) and measured on its own indicator (:data:`SECTOR_INDICATORS`)."""

    sector: Sector
    indicator: Indicator
    enterprise_ids: frozenset[int]  # the sector's enterprises with rows in either year
    total: Figure
    growth: GrowthFigure
    above_ids: frozenset[int]  # 规上 at the end of the period
    above_ids_previous: frozenset[int]  # 规上 a year earlier
    above_total: Figure
    above_total_previous: Figure
    above_growth: GrowthFigure
    upgraded: list[ScaleEvent]  # 升规: crossed the threshold while in the scope
    moved_in: list[ScaleEvent]  # 迁入规上: arrived already 规上

    @property
    def new_above_scale(self) -> int:
        return len(self.upgraded) + len(self.moved_in)


@dataclass
class ReportKpis:
    """Everything the report, the dashboard and the API show for a scope and a period."""

    period: ReportPeriod
    park_ids: tuple[int, ...] | None
    totals: dict[Indicator, Figure]
    growth: dict[Indicator, GrowthFigure]
    above_scale_ids: frozenset[int]  # 规上工业 (the industry section's)
    above_scale_ids_previous: frozenset[int]
    above_scale_output: Figure
    above_scale_output_previous: Figure
    above_scale_output_growth: GrowthFigure
    above_scale_output_naive: GrowthFigure
    rnd_intensity: Figure
    rnd_intensity_previous: Figure
    rnd_intensity_change: Figure
    size_classes: dict[str, int]
    new_above_scale: list[ScaleEvent]  # 升规 of 规上工业 (the industry section's)
    moved_in_above_scale: list[ScaleEvent]  # 迁入规上工业
    sections: dict[Sector, SectorKpis]
    #: Enterprises that reported in the period without an industry code: in no section, and listed
    #: on the report as a data-quality warning (their figures stay in the park's totals).
    unclassified_ids: frozenset[int]
    listings: list[ListingLine]
    projects_completed: list[ProjectLine]
    project_investment: Decimal
    products_by_stage: dict[str, int]
    products_in_rnd: int
    class1_drugs_in_clinical: int
    products_in_phase3: int  # in phase III at the end of the period
    products_new_in_phase3: int  # first entered phase III within the period
    occupancy_rate: Decimal | None
    reporting_enterprises: int
    #: Every enterprise's period totals: what the figures were summed from (the sources page resolves
    #: a figure's rows from it).
    table: PeriodTable
    names: dict[int, str] = field(default_factory=dict)
    by_enterprise: list[EnterpriseLine] = field(default_factory=list)
    by_industry: list[IndustryLine] = field(default_factory=list)
    monthly_output: list[SeriesPoint] = field(default_factory=list)
    #: 工业投资 on the park's basis (RULES §5.2) and 主要产品产量 (`beside_figures`); None / empty
    #: where not computed (the portfolio's per-park lines): the paragraph then reads the reports' 固定资产投资.
    industrial_investment: IndustrialInvestment | None = None
    product_output: list[ProductTotal] = field(default_factory=list)

    def annual_kpis(self) -> AnnualKpis:
        invested = self.industrial_investment
        return AnnualKpis(
            period=self.period,
            projects_completed=len(self.projects_completed),
            new_above_scale=len(self.new_above_scale),
            moved_in_above_scale=len(self.moved_in_above_scale),
            listings=tuple(Listing(line.name, line.board) for line in self.listings),
            industrial_investment=(
                self.totals["fixed_asset_investment"].value if invested is None else invested.current.amount
            ),
            industrial_investment_growth=self.growth["fixed_asset_investment"] if invested is None else invested.growth,
            above_scale_output=self.above_scale_output.value,
            above_scale_output_previous=self.above_scale_output_previous.value,
            above_scale_output_growth=self.above_scale_output_growth,
            products_in_rnd=self.products_in_rnd,
            class1_drugs_in_clinical=self.class1_drugs_in_clinical,
            products_in_phase3=self.products_in_phase3,
            products_new_in_phase3=self.products_new_in_phase3,
            products=tuple(
                ProductOutputPhrase(t.product_name, t.quantity, t.unit_label)
                for t in self.product_output[:PARAGRAPH_PRODUCTS]
            ),
        )

    @property
    def named_scale_events(self) -> list[tuple[ScaleEvent, str]]:
        """The 升规 events with the enterprise's name, for tables."""
        return [
            (event, self.names.get(event.enterprise_id, str(event.enterprise_id))) for event in self.new_above_scale
        ]

    @property
    def new_above_scale_lines(self) -> list[NewAboveScaleLine]:
        """Every new 规上 enterprise of both sections, 升规 and 迁入 apart, for the tables."""
        lines = []
        for section in self.sections.values():
            for kind, events in (("upgraded", section.upgraded), ("moved_in", section.moved_in)):
                lines += [
                    NewAboveScaleLine(section.sector, kind, event, self.names.get(event.enterprise_id, ""))
                    for event in events
                ]
        return lines

    @property
    def unclassified_names(self) -> list[str]:
        return sorted(self.names.get(e, str(e)) for e in self.unclassified_ids)

    @property
    def paragraph(self) -> str:
        return annual_paragraph(self.annual_kpis())


@dataclass(frozen=True)
class NewAboveScaleLine:
    """A row of the new-规上 table: the section, 升规 or 迁入, the event and the enterprise's name."""

    sector: Sector
    kind: str  # "upgraded" (升规) or "moved_in" (迁入规上)
    event: ScaleEvent
    name: str


# --- beside the enterprises' figures: projects, products, listings, occupancy ------------------


def _occupancy(areas: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Occupied share of lettable area today, from (lettable, vacant) areas of the inventory."""
    pairs = list(areas)
    lettable = sum((area for area, _vacant in pairs), ZERO)
    vacant = sum((vacant for _area, vacant in pairs), ZERO)
    if not lettable:
        return None
    return ((lettable - vacant) / lettable * 100).quantize(Decimal("0.1"))


@dataclass
class _Extras:
    """What a report shows beside the enterprises' figures: projects, products, listings, occupancy."""

    projects: list[ProjectLine] = field(default_factory=list)
    project_investment: Decimal = ZERO
    products: list[ProductState] = field(default_factory=list)
    listings: list[ListingLine] = field(default_factory=list)
    areas: list[tuple[Decimal, Decimal]] = field(default_factory=list)  # (lettable, vacant) per park


def _extras(scope: Scope, period: ReportPeriod) -> dict[int, _Extras]:
    """Per park: projects completed (建成投用) in the period and investment completed in it, products,
    listings (all from `parkos.innovation.selectors`) and lettable/vacant area. Five queries, whatever
    the number of parks."""
    start, end = period.dates
    extras: dict[int, _Extras] = defaultdict(_Extras)
    invested = innovation.investment_by_project(
        park_ids=scope, year=period.year, first_month=period.first_month, last_month=period.last_month
    )
    for line in invested.values():
        extras[line.park_id].project_investment += line.total
    for p in innovation.projects_completed(park_ids=scope, start=start, end=end):
        spent = invested[p.pk].total if p.pk in invested else ZERO
        extras[p.park_id].projects.append(
            ProjectLine(p.pk, p.name, p.enterprise, p.planned_investment, spent, p.started_on, p.completed_on)
        )
    for product in innovation.report_products(park_ids=scope, day=end):
        extras[product.park_id].products.append(product)
    for listing in innovation.listings(park_ids=scope, start=start, end=end):
        extras[listing.park_id].listings.append(
            ListingLine(listing.enterprise_id, listing.name, listing.board, listing.stock_code, listing.on)
        )
    for park_id, areas in lettable_and_vacant_area(list(scope) if scope is not None else None).items():
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


def names_of(enterprise_ids: Collection[int], scope: Scope, period: ReportPeriod) -> dict[int, str]:
    """Names of some enterprises (those a report lists by name): one query."""
    if not enterprise_ids:
        return {}
    if not listable(enterprise_ids):
        facts = enterprise_facts(scope, (period.year - 1, period.year))
        return {pk: name for pk, (name, _code) in facts.items() if pk in enterprise_ids}
    return dict(Enterprise.objects.filter(pk__any_of=list(enterprise_ids)).order_by().values_list("pk", "name"))


# --- the figures ---------------------------------------------------------------------------------


def _section(
    sector: Sector,
    table: PeriodTable,
    members: frozenset[int],
    statuses: Iterable[ScaleStatus],
    events: Iterable[ScaleEvent],
    arrivals: Mapping[int, Arrival],
    left: frozenset[int],
) -> SectorKpis:
    """One section's figures: sums over its enterprises' columns, counts of their judgements; those
    that left before the period's end (``left``) count in its total only (``scale.left_scope``)."""
    indicator = SECTOR_INDICATORS[sector]
    staying = members - left
    above = frozenset(status.enterprise_id for status in statuses if status.above and status.enterprise_id in staying)
    above_before = frozenset(
        status.enterprise_id for status in statuses if status.above_year_before and status.enterprise_id in members
    )
    upgraded, moved_in = split_by_arrival((event for event in events if event.enterprise_id in staying), arrivals)
    return SectorKpis(
        sector=sector,
        indicator=indicator,
        enterprise_ids=members,
        total=total_of(table, indicator, "current", members),
        growth=growth_of(table, indicator, staying),
        above_ids=above,
        above_ids_previous=above_before,
        above_total=total_of(table, indicator, "current", above),
        above_total_previous=total_of(table, indicator, "previous", above_before),
        above_growth=growth_of(table, indicator, above),
        upgraded=upgraded,
        moved_in=moved_in,
    )


@dataclass(frozen=True)
class _Enterprises:
    """What the SQL path gathered of a scope's enterprises, beside the table: what the figures count."""

    statuses: list[ScaleStatus]
    events: list[ScaleEvent]
    arrivals: Mapping[int, Arrival]
    industries: Mapping[int, str]
    reported: Mapping[int, bool]
    left: frozenset[int]  # left the scope before the period's end (``scale.left_scope``)


def _assemble(
    period: ReportPeriod,
    scope: Scope,
    table: PeriodTable,
    enterprises: _Enterprises,
    *,
    extras: _Extras,
    names: dict[int, str],
) -> ReportKpis:
    """The figures, as sums over the table's columns and counts of the judgements."""
    statuses = enterprises.statuses
    sizes: Counter[str] = Counter(dict.fromkeys(SIZE_CLASSES, 0))
    sizes.update(status.size for status in statuses if status.size is not None)
    members: dict[Sector | None, set[int]] = defaultdict(set)
    for enterprise_id in enterprises.reported:
        members[sector_of(enterprises.industries.get(enterprise_id))].add(enterprise_id)
    left = enterprises.left
    sections = {
        sector: _section(
            sector, table, frozenset(members[sector]), statuses, enterprises.events, enterprises.arrivals, left
        )
        for sector in SECTORS
    }
    comparable = None if not left else frozenset(enterprises.reported) - left
    industrial = sections["industry"]
    above, above_before = industrial.above_ids, industrial.above_ids_previous
    above_output, above_output_previous = industrial.above_total, industrial.above_total_previous
    naive_now = [e for e in table.current["output"] if e in above]
    naive_before = [e for e in table.previous["output"] if e in above_before]
    # The ratio of the two published 规上 totals, for contrast with the comparable growth.
    naive = GrowthFigure(
        above_output.value,
        above_output_previous.value,
        frozenset((*naive_now, *naive_before)),
        SourceKeys([(table, "current", "output", naive_now), (table, "previous", "output", naive_before)]),
    )
    rnd_now = rnd_intensity_of(table, "current")
    rnd_before = rnd_intensity_of(table, "previous")
    pipeline = pipeline_counts(extras.products, period)
    return ReportKpis(
        period=period,
        park_ids=scope,
        totals={indicator: total_of(table, indicator) for indicator in HEADLINE},
        growth={indicator: growth_of(table, indicator, comparable) for indicator in HEADLINE},
        above_scale_ids=above,
        above_scale_ids_previous=above_before,
        above_scale_output=above_output,
        above_scale_output_previous=above_output_previous,
        above_scale_output_growth=industrial.above_growth,
        above_scale_output_naive=naive,
        rnd_intensity=rnd_now,
        rnd_intensity_previous=rnd_before,
        rnd_intensity_change=pp_difference(rnd_now.value, rnd_before.value),
        size_classes=dict(sizes),
        new_above_scale=industrial.upgraded,
        moved_in_above_scale=industrial.moved_in,
        sections=sections,
        unclassified_ids=frozenset(e for e in members[None] if enterprises.reported[e]),
        listings=extras.listings,
        projects_completed=extras.projects,
        project_investment=extras.project_investment,
        products_by_stage=pipeline.by_stage,
        products_in_rnd=pipeline.in_rnd,
        class1_drugs_in_clinical=pipeline.class1_in_clinical,
        products_in_phase3=pipeline.in_phase3,
        products_new_in_phase3=pipeline.new_in_phase3,
        occupancy_rate=_occupancy(extras.areas),
        reporting_enterprises=sum(1 for reporting in enterprises.reported.values() if reporting),
        table=table,
        names=names,
    )


def report_kpis(*, park_ids: Collection[int] | None, period: ReportPeriod, detail: bool = True) -> ReportKpis:
    """The KPIs of a park, a set of parks (or None: the portfolio) over a period.

    A constant number of queries, whatever the number of enterprises (:func:`.gather.gather`, then
    five for the projects, products, listings and occupancy and one for names); ``detail`` adds
    the page's tables (by enterprise, by industry, the monthly trend). Totals, comparable growth
    (``totals.growth_of``: same enterprises both sides, re-reported priors first) and R&D
    intensity are sums over the gathered table; 规上 and size classes are counts of the judgements.
    """
    scope = tuple(sorted(park_ids)) if park_ids is not None else None
    gathered = gather(scope, period)
    reported = gathered.census.reported
    left = left_scope(reported, gathered.stays, period.dates[1])
    enterprises = _Enterprises(
        list(gathered.statuses.values()), gathered.events, gathered.arrivals, gathered.industries, reported, left
    )
    # Names of the enterprises the report lists: those with an event or without an industry code,
    # or everyone for the tables.
    listed = reported if detail else _listed(gathered.events, reported, gathered.industries)
    result = _assemble(
        period,
        scope,
        gathered.table,
        enterprises,
        extras=_merged(_extras(scope, period).values()),
        names=names_of(listed, scope, period),
    )
    result.industrial_investment = scope_investment(park_ids=scope, period=period, table=gathered.table)
    result.product_output = product_totals(
        park_ids=scope, year=period.year, first_month=period.first_month, last_month=period.last_month
    )
    if detail:
        _add_detail(result, gathered, scope)
    return result


def _listed(events: Iterable[ScaleEvent], reported: Mapping[int, bool], industries: Mapping[int, str]) -> set[int]:
    """The enterprises a report names without its tables: new 规上, and those it warns have no code."""
    unclassified = {e for e, reporting in reported.items() if reporting and e not in industries}
    return {event.enterprise_id for event in events} | unclassified


def industry_division(code: str) -> tuple[str, str]:
    """The 大类 of an industry code as people write it (``C27``) with its name, for the by-industry
    table; a code the classification does not know keeps its two digits and no name."""
    digits = "".join(ch for ch in code if ch.isdigit())[:2]
    if not digits:
        return ("", "")
    try:
        division = industry.lookup(digits)
    except ValidationError:
        return (digits, "")
    return (division.display_code, division.name)


def _known_sum(column: Mapping[int, Decimal], members: Iterable[int]) -> Decimal | None:
    """The sum of what some enterprises reported; None ("--", not 0.00) when none of them did."""
    known = [column[e] for e in members if e in column]
    return sum(known, ZERO) if known else None


def _add_detail(result: ReportKpis, gathered: Gathered, scope: Scope) -> None:
    """Tables by enterprise and by industry from the KPIs' own table, and the monthly output series.

    The tables are the table's columns (no second pass over the rows); the trend chart needs each
    month on its own, January with February (``gather.monthly_totals``).
    """
    table, industries = gathered.table, gathered.industries
    year = result.period.year
    output, revenue, taxes = (table.column("current", i) for i in ("output", "revenue", "taxes"))
    growth = {indicator: growth_by_enterprise(table, indicator) for indicator in SECTOR_INDICATORS.values()}
    # Unclassified enterprises (no code) keep their figures as reported, as in the totals.
    service = {e for e, code in industries.items() if sector_of(code) == "service"}
    above = result.sections["industry"].above_ids | result.sections["service"].above_ids
    no_growth = GrowthFigure(None, None, frozenset())

    def figure(column: dict[int, Decimal], indicator: Indicator, enterprise_id: int) -> Figure:
        if enterprise_id not in column:
            return Figure(None, "yuan")
        return Figure(column[enterprise_id], "yuan", SourceKeys([(table, "current", indicator, (enterprise_id,))]))

    # By 工业总产值, the largest first (the page lists the first ones); service enterprises after.
    ids = sorted(
        output.keys() | revenue.keys() | taxes.keys(),
        key=lambda e: (e in service, -output.get(e, ZERO) if e not in service else ZERO, e),
    )
    by_industry: dict[tuple[str, str], list[int]] = defaultdict(list)
    for enterprise_id in ids:
        indicator = SECTOR_INDICATORS["service" if enterprise_id in service else "industry"]
        result.by_enterprise.append(
            EnterpriseLine(
                enterprise_id,
                result.names.get(enterprise_id, str(enterprise_id)),
                industries.get(enterprise_id, ""),
                enterprise_id in above,
                figure({} if enterprise_id in service else output, "output", enterprise_id),
                figure(revenue, "revenue", enterprise_id),
                figure(taxes, "taxes", enterprise_id),
                growth[indicator].get(enterprise_id, no_growth),
                indicator,
            )
        )
        by_industry[industry_division(industries.get(enterprise_id, ""))].append(enterprise_id)
    for (code, label), members in sorted(by_industry.items()):
        in_service = members[0] in service
        indicator = SECTOR_INDICATORS["service" if in_service else "industry"]
        result.by_industry.append(
            IndustryLine(
                code,
                label,
                len(members),
                None if in_service else _known_sum(output, members),
                _known_sum(revenue, members),
                _known_sum(taxes, members),
                growth_of(table, indicator, set(members)),
                indicator,
            )
        )
    series = monthly_totals(scope, year, "output", industrial_only=True)
    result.monthly_output.extend(
        SeriesPoint(first, last, series.get((year, first)), series.get((year - 1, first)))
        for first, last in SERIES_SPANS
    )


def portfolio_kpis(*, park_ids: Collection[int], period: ReportPeriod) -> list[tuple[Park, ReportKpis]]:
    """The KPIs of each park, gathered once for all of them and split by park: a constant number of
    queries, whatever the number of parks and enterprises.

    Every figure is a sum over enterprises, so a park's figures are those of its enterprises. An
    enterprise whose rows of the two years lie in several parks (it moved) belongs to none of them
    alone: each park it reported in is computed on its own (``report_kpis``), as rare as moves are.
    """
    parks = list(Park.objects.filter(pk__in=list(park_ids)).order_by("city", "name"))
    scope = tuple(sorted(park.pk for park in parks))
    # Each park's arrivals are judged on where its own data begins (RULES §5.3), as if alone.
    gathered = gather(scope, period, horizon_by_park=True)
    parks_of = gathered.census.parks_of
    park_of = {e: next(iter(ps)) for e, ps in parks_of.items() if len(ps) == 1}
    moved = {park_id for ps in parks_of.values() if len(ps) > 1 for park_id in ps}
    tables = gathered.table.partition(park_of)
    statuses: dict[int, list[ScaleStatus]] = defaultdict(list)
    for enterprise_id, status in gathered.statuses.items():
        if enterprise_id in park_of:
            statuses[park_of[enterprise_id]].append(status)
    reported: dict[int, dict[int, bool]] = defaultdict(dict)
    for enterprise_id, reporting in gathered.census.reported.items():
        if enterprise_id in park_of:
            reported[park_of[enterprise_id]][enterprise_id] = reporting
    events: dict[int, list[ScaleEvent]] = defaultdict(list)
    for event in gathered.events:
        if event.enterprise_id in park_of:
            events[park_of[event.enterprise_id]].append(event)
    extras = _extras(scope, period)
    names = names_of(_listed(gathered.events, gathered.census.reported, gathered.industries), scope, period)
    results = []
    for park in parks:
        if park.pk in moved:
            results.append((park, report_kpis(park_ids=[park.pk], period=period, detail=False)))
            continue
        park_events = events.get(park.pk, [])
        park_reported = reported.get(park.pk, {})
        left = left_scope(park_reported, gathered.stays, period.dates[1], {park.pk})
        enterprises = _Enterprises(
            statuses.get(park.pk, []), park_events, gathered.arrivals, gathered.industries, park_reported, left
        )
        kpis = _assemble(
            period,
            (park.pk,),
            tables.get(park.pk) or PeriodTable(period.year, period.months),
            enterprises,
            extras=extras.get(park.pk) or _Extras(),
            names={e: name for e, name in names.items() if e in park_reported},
        )
        results.append((park, kpis))
    return results
