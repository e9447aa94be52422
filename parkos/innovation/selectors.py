"""Every non-trivial read of innovation: what the annual report counts, the pipeline at a date, the
enterprise timeline, milestone and 产学研 counts, the portfolio.

Statistics (above this app) reads projects, products and listings only through the report selectors
at the top of this module; each runs one query whatever the number of parks. Park scopes are lists
of ids (None: every park).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkos.core.units import format_money
from parkos.enterprises.choices import ListingStatus
from parkos.innovation import hooks, phases, portfolio, regulatory
from parkos.innovation.choices import ExitKind, MilestoneKind, PatentStatus, PatentType, ProjectPhase
from parkos.innovation.models import (
    SPLIT_FIELDS,
    STATISTICAL_THRESHOLD,
    Agreement,
    JointProject,
    Milestone,
    Platform,
    PlatformUse,
    Product,
    ProductStage,
    Project,
    ProjectProgress,
    Stake,
    StakeExit,
    StakeInvestment,
    TechTransfer,
)
from parkos.innovation.regulatory import ClinicalStage, DeviceStage, DrugFamily, Pathway, ProductKind

ZERO: Final = Decimal(0)


def scoped[Q_: QuerySet[Any]](queryset: Q_, park_ids: Collection[int] | None, park_field: str = "park_id") -> Q_:
    return queryset if park_ids is None else queryset.filter(**{f"{park_field}__in": list(park_ids)})


# --- what the annual report counts (read by statistics) ------------------------------------------


@dataclass(frozen=True)
class CompletedProject:
    pk: int
    park_id: int
    name: str
    enterprise: str  # the builder's name ("" for a park's own project)
    planned_investment: Decimal | None
    started_on: datetime.date | None
    completed_on: datetime.date | None  # always set: the projects are those completed in a period


def projects_completed(
    *, park_ids: Collection[int] | None, start: datetime.date, end: datetime.date
) -> list[CompletedProject]:
    """Projects that went into production (建成投用) between start and end (inclusive): one query."""
    rows = (
        scoped(Project.objects.filter(completed_on__gte=start, completed_on__lte=end), park_ids)
        .order_by("completed_on", "pk")
        .values_list("pk", "park_id", "name", "enterprise__name", "planned_investment", "started_on", "completed_on")
    )
    return [
        CompletedProject(pk, park_id, name, builder or "", planned, started, completed)
        for pk, park_id, name, builder, planned, started, completed in rows
    ]


@dataclass(frozen=True)
class ProjectInvestment:
    """A project's investment completed over some months, in total and by 构成 (None: not split)."""

    project_id: int
    park_id: int
    total: Decimal
    construction: Decimal | None = None
    installation: Decimal | None = None
    equipment: Decimal | None = None
    other: Decimal | None = None


def _months_q(year: int, first_month: int, last_month: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}year": year, f"{prefix}month__gte": first_month, f"{prefix}month__lte": last_month})


def investment_by_project(
    *,
    park_ids: Collection[int] | None,
    year: int,
    first_month: int = 1,
    last_month: int = 12,
    statistical_only: bool = False,
) -> dict[int, ProjectInvestment]:
    """Investment completed per project in months first..last of a year (one grouped query).

    `statistical_only`: only projects of ≥ 500万元 planned investment, the 固定资产投资 statistics'
    scope (RULES §5).
    """
    queryset = scoped(
        ProjectProgress.objects.filter(_months_q(year, first_month, last_month)), park_ids, "project__park_id"
    )
    if statistical_only:
        queryset = queryset.filter(project__planned_investment__gte=STATISTICAL_THRESHOLD)
    rows = (
        queryset.values("project_id", "project__park_id")
        .annotate(total=Sum("investment"), **{name: Sum(name) for name in SPLIT_FIELDS})
        .order_by()
        .values_list("project_id", "project__park_id", "total", *SPLIT_FIELDS)
    )
    return {
        project_id: ProjectInvestment(project_id, park_id, total or ZERO, *split)
        for project_id, park_id, total, *split in rows
    }


@dataclass(frozen=True)
class ProjectMonth:
    project_id: int
    park_id: int
    year: int
    month: int
    total: Decimal
    construction: Decimal | None
    installation: Decimal | None
    equipment: Decimal | None
    other: Decimal | None


def investment_by_project_month(
    *, park_ids: Collection[int] | None, start: tuple[int, int], end: tuple[int, int]
) -> list[ProjectMonth]:
    """Each project's completed investment month by month between (year, month) start and end: one query."""
    queryset = scoped(ProjectProgress.objects.all(), park_ids, "project__park_id").filter(
        Q(year__gt=start[0]) | Q(year=start[0], month__gte=start[1]),
        Q(year__lt=end[0]) | Q(year=end[0], month__lte=end[1]),
    )
    return [
        ProjectMonth(*row)
        for row in queryset.order_by("project_id", "year", "month").values_list(
            "project_id", "project__park_id", "year", "month", "investment", *SPLIT_FIELDS
        )
    ]


@dataclass(frozen=True)
class ReportProduct:
    """A product as the report counts it: its class, its stage at the end of the period and the day
    it first entered phase III (on or before that end)."""

    product_id: int
    park_id: int
    pathway: Pathway
    kind: str
    is_key: bool
    drug_family: str
    drug_category: str
    stage: str | None  # its stage on the day, of either pathway; None: not yet in the pipeline
    phase3_from: datetime.date | None  # first entry into phase III on or before the day


def report_products(*, park_ids: Collection[int] | None, day: datetime.date) -> list[ReportProduct]:
    """Every product of the parks with its stage on `day` and its first phase III entry up to it, both
    from the dated history (`ProductStage`): one query."""
    first_phase3 = Subquery(
        ProductStage.objects.filter(product=OuterRef("pk"), stage=ClinicalStage.PHASE3, on__lte=day)
        .order_by("on", "pk")
        .values("on")[:1]
    )
    rows = (
        products_at(park_ids=park_ids, day=day)
        .annotate(phase3_from=first_phase3)
        .order_by("pk")
        .values_list("pk", "park_id", "kind", "is_key", "drug_family", "drug_category", "stage_at", "phase3_from")
    )
    return [
        ReportProduct(
            pk, park_id, regulatory.pathway_of(kind, family), kind, is_key, family, category, stage, phase3_from
        )
        for pk, park_id, kind, is_key, family, category, stage, phase3_from in rows
    ]


def stage_at_subquery(day: datetime.date) -> Subquery:
    """SQL: a product's stage on `day` (its last history entry on or before it; NULL before any)."""
    return Subquery(
        ProductStage.objects.filter(product=OuterRef("pk"), on__lte=day).order_by("-on", "-pk").values("stage")[:1]
    )


def products_at(*, park_ids: Collection[int] | None, day: datetime.date) -> QuerySet[Product]:
    """The parks' products annotated with `stage_at` (their stage on `day`; None: not yet in the pipeline)."""
    return scoped(Product.objects.all(), park_ids).annotate(stage_at=stage_at_subquery(day))


def stage_entries(
    *, park_ids: Collection[int] | None, stages: Collection[str], start: datetime.date, end: datetime.date
) -> dict[int, datetime.date]:
    """Products that entered one of `stages` between start and end, with the first such date (e.g.
    本年新进入III期): one query."""
    rows = (
        scoped(
            ProductStage.objects.filter(stage__in=list(stages), on__gte=start, on__lte=end),
            park_ids,
            "product__park_id",
        )
        .order_by("product_id", "on")
        .values_list("product_id", "on")
    )
    entered: dict[int, datetime.date] = {}
    for product_id, on in rows:
        entered.setdefault(product_id, on)
    return entered


@dataclass(frozen=True)
class ListingRow:
    park_id: int
    enterprise_id: int
    name: str  # 证券简称, else the enterprise's name
    board: str
    stock_code: str
    on: datetime.date


def listings(*, park_ids: Collection[int] | None, start: datetime.date, end: datetime.date) -> list[ListingRow]:
    """Listings (上市) between start and end, by date: one query."""
    rows = (
        scoped(Milestone.objects.filter(kind=MilestoneKind.LISTING, on__gte=start, on__lte=end), park_ids)
        .order_by("on", "pk")
        .values_list("park_id", "enterprise_id", "short_name", "enterprise__name", "exchange", "stock_code", "on")
    )
    boards = dict(ListingStatus.choices)
    return [
        ListingRow(park_id, enterprise_id, short or name, str(boards.get(exchange, exchange)), code, on)
        for park_id, enterprise_id, short, name, exchange, code, on in rows
    ]


# --- projects ------------------------------------------------------------------------------------


def project_list(queryset: QuerySet[Project]) -> QuerySet[Project]:
    """Projects with what their list shows: builder, park, investment completed to date."""
    return queryset.select_related("park", "enterprise").annotate(invested=Sum("progress__investment"))


@dataclass(frozen=True)
class InvestmentLine:
    year: int
    month: int
    total: Decimal
    split: tuple[Decimal | None, ...]
    cumulative: Decimal
    note: str


@dataclass
class ProjectInvestmentSummary:
    lines: list[InvestmentLine]
    total: Decimal
    by_split: dict[str, Decimal]
    unsplit: Decimal  # months recorded with a total only
    planned: Decimal | None

    @property
    def share_of_plan(self) -> Decimal | None:
        if not self.planned:
            return None
        return (self.total / self.planned * 100).quantize(Decimal("0.1"))


def project_investment(project: Project) -> ProjectInvestmentSummary:
    """A project's months of investment with running totals, and the totals by 构成: one query."""
    lines = []
    cumulative = ZERO
    by_split = dict.fromkeys(SPLIT_FIELDS, ZERO)
    unsplit = ZERO
    for row in project.progress.order_by("year", "month"):
        cumulative += row.investment
        split = tuple(getattr(row, name) for name in SPLIT_FIELDS)
        if row.has_split:
            for name, value in zip(SPLIT_FIELDS, split, strict=True):
                by_split[name] += value or ZERO
        else:
            unsplit += row.investment
        lines.append(InvestmentLine(row.year, row.month, row.investment, split, cumulative, row.note))
    return ProjectInvestmentSummary(lines, cumulative, by_split, unsplit, project.planned_investment)


@dataclass(frozen=True)
class ProjectCounts:
    total: int
    statistical: int
    by_phase: dict[str, int]
    behind: int
    completed_this_year: int
    planned_investment: Decimal
    invested: Decimal


def project_counts(*, park_ids: Collection[int] | None, today: datetime.date) -> ProjectCounts:
    """The projects overview: by current phase, behind schedule, completed this year (three queries)."""
    queryset = scoped(Project.objects.all(), park_ids)
    by_phase: Counter[str] = Counter()
    total = statistical = 0
    planned = ZERO
    fields = [actual for _planned, actual in phases.PHASE_FIELDS.values()]
    for row in queryset.values_list("planned_investment", *fields):
        total += 1
        planned += row[0] or ZERO
        statistical += row[0] is not None and row[0] >= STATISTICAL_THRESHOLD
        reached = [phase for phase, actual in zip(ProjectPhase, row[1:], strict=True) if actual is not None]
        by_phase[reached[-1] if reached else ""] += 1
    invested = scoped(ProjectProgress.objects.all(), park_ids, "project__park_id").aggregate(s=Sum("investment"))["s"]
    return ProjectCounts(
        total=total,
        statistical=statistical,
        by_phase=dict(by_phase),
        behind=queryset.filter(phases.behind_schedule_q(today)).count(),
        completed_this_year=sum(
            1 for p in projects_completed(park_ids=park_ids, start=today.replace(month=1, day=1), end=today)
        ),
        planned_investment=planned,
        invested=invested or ZERO,
    )


# --- the pipeline at a date ----------------------------------------------------------------------


@dataclass
class PipelineRow:
    key: tuple[str, str, str]  # (kind, family or device class, category)
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Pipeline:
    day: datetime.date
    clinical_stages: list[tuple[str, str]]
    registration_stages: list[tuple[str, str]]
    clinical: list[PipelineRow] = field(default_factory=list)
    registration: list[PipelineRow] = field(default_factory=list)

    def totals(self, which: str) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for row in getattr(self, which):
            counts.update(row.counts)
        return dict(counts)

    @property
    def class_one_in_trials(self) -> int:
        """1类新药 in clinical trials (phase I–III) on the day."""
        return sum(
            count
            for row in self.clinical
            if regulatory.is_class_one(row.key[1], row.key[2])
            for stage, count in row.counts.items()
            if stage in regulatory.IN_CLINICAL_TRIAL
        )


def _family_order(family: str) -> int:
    return DrugFamily.values.index(family) if family in DrugFamily.values else len(DrugFamily.values)


def pipeline(*, park_ids: Collection[int] | None, day: datetime.date) -> Pipeline:
    """Products by class and stage on `day`, counted in the database: one grouped query.

    Drug rows are family × registration class with clinical stages as columns; device rows are
    kind × device class with registration stages. A product counts from its first stage entry on.
    """
    rows = (
        scoped(Product.objects.all(), park_ids)
        .annotate(stage_at=stage_at_subquery(day))
        .values("kind", "drug_family", "drug_category", "device_class", "stage_at")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result = Pipeline(
        day, [(s.value, str(s.label)) for s in ClinicalStage], [(s.value, str(s.label)) for s in DeviceStage]
    )
    clinical: dict[tuple[str, str, str], PipelineRow] = {}
    registration: dict[tuple[str, str, str], PipelineRow] = {}
    for row in rows:
        if row["stage_at"] is None:
            continue  # not yet in the pipeline on that day
        kind, family, category, device_class = (
            row["kind"],
            row["drug_family"],
            row["drug_category"],
            row["device_class"],
        )
        if regulatory.pathway_of(kind, family) == Pathway.CLINICAL:
            key = (kind, family, category)
            target = clinical.setdefault(
                key, PipelineRow(key, regulatory.registration_class_label(family, category), {})
            )
        else:
            key = (kind, device_class, "")
            label = str(ProductKind(kind).label) if kind in ProductKind.values else kind
            if device_class:
                label = f"{label} · {regulatory.DeviceClass(device_class).label}"
            target = registration.setdefault(key, PipelineRow(key, label, {}))
        target.counts[row["stage_at"]] = target.counts.get(row["stage_at"], 0) + row["n"]
    result.clinical = sorted(clinical.values(), key=lambda r: (_family_order(r.key[1]), r.key[2]))
    result.registration = sorted(
        registration.values(),
        key=lambda r: (ProductKind.values.index(r.key[0]) if r.key[0] in ProductKind.values else 9, r.key[1]),
    )
    return result


# --- milestones ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneCounts:
    year: int
    #: kind → quarter (1–4) → count (patents: how many, by the milestone's quantity)
    by_kind: dict[str, dict[int, int]]
    patents: dict[tuple[str, str], int]  # (type, status) → how many in the year
    financing_amount: Decimal
    scale_ups: dict[int, int]  # quarter → 升规 enterprises (from statistics)

    def total(self, kind: str) -> int:
        return sum(self.by_kind.get(kind, {}).values())


def milestone_counts(*, park_ids: Collection[int] | None, year: int, with_scale_ups: bool = True) -> MilestoneCounts:
    """Park-level counts of a year's milestones by kind and quarter; 升规 from statistics (the hook)."""
    rows = scoped(Milestone.objects.filter(on__year=year), park_ids).values_list(
        "kind", "on", "quantity", "patent_type", "patent_status", "amount"
    )
    by_kind: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(range(1, 5), 0))
    patents: Counter[tuple[str, str]] = Counter()
    financing = ZERO
    for kind, on, quantity, patent_type, patent_status, amount in rows:
        quarter = (on.month - 1) // 3 + 1
        by_kind[kind][quarter] += quantity if kind == MilestoneKind.PATENT else 1
        if kind == MilestoneKind.PATENT:
            patents[(patent_type, patent_status)] += quantity
        if kind == MilestoneKind.FINANCING:
            financing += amount or ZERO
    scale = dict.fromkeys(range(1, 5), 0)
    if with_scale_ups:
        for event in hooks.scale_ups(park_ids=park_ids, enterprise_ids=None, years=[year]):
            scale[(event.on.month - 1) // 3 + 1] += 1
    return MilestoneCounts(year, dict(by_kind), dict(patents), financing, scale)


PATENT_COLUMNS: Final = [(t, s) for t in PatentType.values for s in PatentStatus.values]


# --- 产学研 ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CooperationKpis:
    institutions: int
    agreements: int
    agreements_in_force: int
    joint_projects: int
    joint_projects_ongoing: int
    joint_budget: Decimal
    platforms: int
    platform_users: int
    transfers: int
    transfer_amount: Decimal


def cooperation_kpis(*, park_ids: Collection[int] | None, year: int, today: datetime.date) -> CooperationKpis:
    """产学研 counts and amounts of the parks; agreements, projects and transfers signed in `year`."""
    agreements = scoped(Agreement.objects.all(), park_ids)
    joint = scoped(JointProject.objects.all(), park_ids)
    transfers = scoped(TechTransfer.objects.filter(signed_on__year=year), park_ids).aggregate(
        n=Count("pk"), amount=Sum("amount")
    )
    joint_year = joint.filter(started_on__year=year).aggregate(n=Count("pk"), budget=Sum("budget"))
    institutions = set(agreements.values_list("institution_id", flat=True)) | set(
        joint.values_list("institution_id", flat=True)
    )
    in_force = agreements.filter(signed_on__lte=today).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    platforms = scoped(Platform.objects.all(), park_ids)
    users = (
        scoped(PlatformUse.objects.filter(since__lte=today), park_ids, "platform__park_id")
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values("enterprise_id")
        .distinct()
        .count()
    )
    return CooperationKpis(
        institutions=len(institutions),
        agreements=agreements.filter(signed_on__year=year).count(),
        agreements_in_force=in_force.count(),
        joint_projects=joint_year["n"],
        joint_projects_ongoing=joint.filter(status="ongoing").count(),
        joint_budget=joint_year["budget"] or ZERO,
        platforms=platforms.count(),
        platform_users=users,
        transfers=transfers["n"],
        transfer_amount=transfers["amount"] or ZERO,
    )


# --- the portfolio -------------------------------------------------------------------------------

from_iso: Final = datetime.date.fromisoformat


class StakeRef(NamedTuple):
    """What the portfolio shows of a stake besides its figures (read without model instances)."""

    pk: int
    enterprise_id: int
    enterprise_name: str
    fund_name: str
    park_name: str

    def get_absolute_url(self) -> str:
        return reverse("innovation:stake_detail", args=[self.pk])


class StakeLine(NamedTuple):
    stake: StakeRef
    flows: portfolio.StakeFlows
    figures: portfolio.StakeFigures
    listed_unmarked: bool  # the enterprise listed after the stake's last mark: mark it at market


@dataclass
class PortfolioView:
    as_of: datetime.date
    lines: list[StakeLine]
    totals: portfolio.PortfolioTotals


# The portfolio reads raw SQL: the ORM takes longer to compile these queries than the database to run
# them, and Django's per-value converters longer than the figures (benchmark innovation.portfolio_500).
# `{day}` is the date column, read as text on SQLite and parsed here (Django's converter for it is a
# Python function per value); `{where}` restricts the stakes when the queryset is filtered.
_FLOWS_SQL: Final = (
    "SELECT stake_id, 'investment', {day}, amount, share_pct FROM innovation_stakeinvestment{where}"
    " UNION ALL SELECT stake_id, 'mark', {day}, fair_value, NULL FROM innovation_stakevaluation{where}"
    " UNION ALL SELECT stake_id, kind, {day}, proceeds, share_pct FROM innovation_stakeexit{where}"
)
_STAKES_SQL: Final = (
    "SELECT s.id, s.enterprise_id, e.name, f.name, p.name, listing.latest FROM innovation_stake s"
    " JOIN enterprises_enterprise e ON e.id = s.enterprise_id JOIN innovation_fund f ON f.id = s.fund_id"
    " JOIN parks_park p ON p.id = s.park_id"
    " LEFT JOIN (SELECT enterprise_id, MAX({day}) AS latest FROM innovation_milestone"
    ' WHERE kind = %s AND "on" <= %s GROUP BY enterprise_id) listing ON listing.enterprise_id = s.enterprise_id'
    "{where} ORDER BY s.park_id, e.name, s.id"
)


def _chosen_stakes(stakes: QuerySet[Stake], column: str) -> tuple[str, tuple[Any, ...]]:
    """A WHERE clause keeping the stakes of the queryset (none for every stake, an operator admin's
    whole portfolio: the tables are read whole). Raises EmptyResultSet for a queryset that is none."""
    if not stakes.query.has_filters():
        return "", ()
    chosen, params = stakes.values("pk").query.get_compiler(stakes.db).as_sql()
    return f" WHERE {column} IN ({chosen})", tuple(params)


def _date_column(vendor: str, column: str) -> str:
    return f"CAST({column} AS TEXT)" if vendor == "sqlite" else column


def portfolio_flows(stakes: QuerySet[Stake]) -> dict[int, portfolio.StakeFlows]:
    """Every stake's investments, marks and exits in one query (UNION ALL), whatever their number."""
    database = connections[stakes.db]
    try:
        where, params = _chosen_stakes(stakes, "stake_id")
    except EmptyResultSet:
        return {}
    with database.cursor() as cursor:
        cursor.execute(_FLOWS_SQL.format(day=_date_column(database.vendor, '"on"'), where=where), params * 3)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    on_sqlite = database.vendor == "sqlite"
    investment, mark, exit_, write_off = portfolio.Investment, portfolio.Mark, portfolio.Exit, ExitKind.WRITE_OFF.value
    lists: dict[int, tuple[list[portfolio.Investment], list[portfolio.Mark], list[portfolio.Exit]]] = {}
    for stake_id, kind, on, amount, share in rows:
        if on_sqlite:  # ISO dates, and money and shares as int or float (whose repr is exact to the cent)
            on, amount = from_iso(on), Decimal(str(amount))
            share = None if share is None else Decimal(str(share))
        entry = lists.get(stake_id)
        if entry is None:
            entry = lists[stake_id] = ([], [], [])
        if kind == "investment":
            entry[0].append(investment(on, amount, share))
        elif kind == "mark":
            entry[1].append(mark(on, amount))
        else:
            entry[2].append(exit_(on, amount, share, kind == write_off))
    return {pk: portfolio.StakeFlows(*entry) for pk, entry in lists.items()}


def portfolio_view(*, stakes: QuerySet[Stake], as_of: datetime.date) -> PortfolioView:
    """The portfolio on `as_of`: each stake's cost, fair value, MOIC, IRR, and the totals.

    Two queries whatever the number of stakes: the stakes with their names and the latest listing of
    their enterprises, and every cash flow and mark (one UNION ALL); the rest is `portfolio.py`.
    """
    database = connections[stakes.db]
    try:
        where, params = _chosen_stakes(stakes, "s.id")
    except EmptyResultSet:
        return PortfolioView(as_of, [], portfolio.portfolio_totals([], as_of))
    with database.cursor() as cursor:
        sql = _STAKES_SQL.format(day=_date_column(database.vendor, '"on"'), where=where)
        cursor.execute(sql, (MilestoneKind.LISTING.value, as_of, *params))
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    flows = portfolio_flows(stakes)
    empty = portfolio.StakeFlows(())
    lines = []
    for pk, enterprise_id, enterprise_name, fund_name, park_name, listed in rows:
        stake_flows = flows.get(pk, empty)
        figures = portfolio.stake_figures(stake_flows, as_of)
        listed_on = from_iso(listed) if isinstance(listed, str) else listed
        unmarked = (
            listed_on is not None
            and not figures.exited
            and (figures.marked_on is None or figures.marked_on < listed_on)
        )
        ref = StakeRef(pk, enterprise_id, enterprise_name, fund_name, park_name)
        lines.append(StakeLine(ref, stake_flows, figures, unmarked))
    totals = portfolio.portfolio_totals(((line.flows, line.figures) for line in lines), as_of)
    return PortfolioView(as_of, lines, totals)


# --- the enterprise timeline ---------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    on: datetime.date
    topic: str  # project, product, milestone, scale_up, stake, cooperation
    title: str
    detail: str = ""
    url: str = ""
    late: bool = False
    planned: bool = False  # a planned date, not yet reached


TOPIC_LABELS: Final = {
    "project": gettext_lazy("项目建设"),
    "product": gettext_lazy("研发管线"),
    "milestone": gettext_lazy("里程碑"),
    "scale_up": gettext_lazy("升规"),
    "stake": gettext_lazy("投资孵化"),
    "cooperation": gettext_lazy("产学研"),
}


def _project_events(
    enterprise_id: int, park_ids: Collection[int] | None, today: datetime.date
) -> Iterable[TimelineEvent]:
    for project in scoped(Project.objects.filter(enterprise_id=enterprise_id), park_ids).order_by("pk"):
        url = project.get_absolute_url()
        for line in phases.phase_lines(project.phase_dates(), today):
            if line.actual is not None:
                detail = _("计划 %(date)s") % {"date": line.planned.isoformat()} if line.planned else ""
                yield TimelineEvent(
                    line.actual, "project", f"{project.name} · {line.label}", detail, url, late=line.late
                )
            elif line.planned is not None:
                detail = _("逾期 %(days)s 天") % {"days": line.delay_days} if line.running_late else _("计划")
                yield TimelineEvent(
                    line.planned, "project", f"{project.name} · {line.label}", detail, url, line.running_late, True
                )


def _product_events(enterprise_id: int, park_ids: Collection[int] | None) -> Iterable[TimelineEvent]:
    stages = (
        scoped(ProductStage.objects.filter(product__enterprise_id=enterprise_id), park_ids, "product__park_id")
        .order_by("on", "pk")
        .values_list("product_id", "product__name", "stage", "on", "reason", "note")
    )
    urls: dict[int, str] = {}
    for product_id, name, stage, on, reason, note in stages:
        if product_id not in urls:
            urls[product_id] = reverse("innovation:product_detail", args=[product_id])
        title = f"{name} · {regulatory.stage_label(stage)}"
        yield TimelineEvent(on, "product", title, reason or note, urls[product_id])


def _milestone_title(milestone: Milestone) -> tuple[str, str]:
    kind = milestone.get_kind_display()
    if milestone.kind == MilestoneKind.LISTING:
        return f"{kind} · {milestone.get_exchange_display()} {milestone.stock_code}", milestone.short_name
    if milestone.kind == MilestoneKind.HIGH_TECH:
        until = _("有效期至 %(date)s") % {"date": milestone.valid_until.isoformat()} if milestone.valid_until else ""
        return kind, f"{milestone.certificate_number} {until}".strip()
    if milestone.kind == MilestoneKind.FINANCING:
        amount = format_money(milestone.amount) if milestone.amount is not None else ""
        return f"{kind} · {milestone.get_financing_round_display()}", f"{amount} {milestone.investors}".strip()
    if milestone.kind == MilestoneKind.PATENT:
        title = f"{milestone.get_patent_type_display()}{milestone.get_patent_status_display()} × {milestone.quantity}"
        return title, milestone.title or milestone.patent_number
    return kind, milestone.title or milestone.note


def _milestone_events(enterprise_id: int, park_ids: Collection[int] | None) -> Iterable[TimelineEvent]:
    for milestone in scoped(Milestone.objects.filter(enterprise_id=enterprise_id), park_ids).order_by("on", "pk"):
        title, detail = _milestone_title(milestone)
        yield TimelineEvent(milestone.on, "milestone", title, detail)


def _stake_events(enterprise_id: int, park_ids: Collection[int] | None) -> Iterable[TimelineEvent]:
    stakes = scoped(Stake.objects.filter(enterprise_id=enterprise_id), park_ids)
    for investment in StakeInvestment.objects.filter(stake__in=stakes).select_related("stake__fund").order_by("on"):
        title = _("%(fund)s 投资") % {"fund": investment.stake.fund.name}
        yield TimelineEvent(
            investment.on, "stake", title, format_money(investment.amount), investment.stake.get_absolute_url()
        )
    for exit_ in StakeExit.objects.filter(stake__in=stakes).select_related("stake__fund").order_by("on"):
        title = f"{exit_.stake.fund.name} {exit_.get_kind_display()}"
        yield TimelineEvent(exit_.on, "stake", title, format_money(exit_.proceeds), exit_.stake.get_absolute_url())


def _cooperation_events(enterprise_id: int, park_ids: Collection[int] | None) -> Iterable[TimelineEvent]:
    for agreement in scoped(Agreement.objects.filter(enterprise_id=enterprise_id), park_ids).select_related(
        "institution"
    ):
        yield TimelineEvent(
            agreement.signed_on,
            "cooperation",
            f"{agreement.institution.name} · {agreement.title}",
            agreement.get_kind_display(),
        )
    for project in scoped(JointProject.objects.filter(enterprise_id=enterprise_id), park_ids).select_related(
        "institution"
    ):
        yield TimelineEvent(
            project.started_on, "cooperation", f"{project.institution.name} · {project.title}", _("产学研合作项目")
        )
    for transfer in scoped(TechTransfer.objects.filter(enterprise_id=enterprise_id), park_ids).select_related(
        "institution"
    ):
        party = transfer.institution.name if transfer.institution else transfer.licensor_name
        amount = format_money(transfer.amount) if transfer.amount is not None else ""
        yield TimelineEvent(
            transfer.signed_on,
            "cooperation",
            f"{transfer.get_kind_display()} · {party}",
            f"{transfer.ip} {amount}".strip(),
        )


def enterprise_timeline(
    *, enterprise_id: int, park_ids: Collection[int] | None, today: datetime.date, with_stakes: bool
) -> list[TimelineEvent]:
    """One enterprise's innovation story in the viewer's parks, newest first: project phases (actual,
    and planned ones still ahead or overdue), product stages, milestones, 升规 (from statistics),
    the operator's investments (for those allowed to see them) and 产学研. A bounded number of
    queries, whatever the number of events."""
    events = [
        *_project_events(enterprise_id, park_ids, today),
        *_product_events(enterprise_id, park_ids),
        *_milestone_events(enterprise_id, park_ids),
        *_cooperation_events(enterprise_id, park_ids),
    ]
    if with_stakes:
        events += _stake_events(enterprise_id, park_ids)
    years = {event.on.year for event in events if not event.planned} | {today.year - 1, today.year}
    for scale_up in hooks.scale_ups(
        park_ids=park_ids, enterprise_ids=[enterprise_id], years=range(min(years), today.year + 1)
    ):
        events.append(TimelineEvent(scale_up.on, "scale_up", str(_("升规（纳入规模以上企业）")), scale_up.note))
    return sorted(events, key=lambda event: (event.on, event.topic), reverse=True)
