"""工业投资 of a park for a period (RULES §5.2): the rule (pure) and the reads that feed it.

A park counts its industrial investment from one of three bases (its `ParkStatisticsSettings`):

- **projects** — investment completed in the period on its industrial projects (工业项目 and the
  park's own 标准厂房) from their monthly progress, whether or not a tenant builds them; projects
  below the 固定资产投资 statistical threshold (计划总投资 < 500万元, RULES §5) are out, as are
  projects with no planned investment (their size is unknown);
- **enterprises** — the 固定资产投资 its enterprises report in their monthly statistics;
- **both** — the enterprises' reports, plus the projects of enterprises that reported none and the
  projects without an enterprise: a reporting enterprise's 固定资产投资 already contains its projects
  (counting both would count them twice).

Year-on-year growth compares the same months of the year before on the same basis. Each amount
carries what it was summed from (project ids, enterprise ids).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.db.models import Sum

from parkos.innovation.choices import ProjectKind
from parkos.innovation.models import ProjectProgress
from parkos.statistics.choices import InvestmentBasis
from parkos.statistics.kpi.figures import yoy
from parkos.statistics.kpi.period import ReportPeriod
from parkos.statistics.kpi.totals import PeriodTable
from parkos.statistics.models import ParkStatisticsSettings

ZERO: Final = Decimal(0)
#: 固定资产投资 statistical threshold: 计划总投资 ≥ 500万元 (RULES §5).
STATISTICAL_THRESHOLD: Final = Decimal(5_000_000)
#: Project kinds that are industrial investment: a tenant's plant and the park's standard factories.
INDUSTRIAL_KINDS: Final = frozenset({ProjectKind.INDUSTRIAL.value, ProjectKind.STANDARD_FACTORY.value})


@dataclass(frozen=True)
class ProjectAmount:
    """A project's investment completed in some months (元)."""

    project_id: int
    park_id: int
    enterprise_id: int | None
    kind: str
    planned_investment: Decimal | None
    amount: Decimal


@dataclass(frozen=True)
class InvestmentTotal:
    amount: Decimal
    project_ids: tuple[int, ...] = ()
    enterprise_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class IndustrialInvestment:
    """工业投资 of a period and the same months a year before, on one basis; growth in %."""

    basis: str
    current: InvestmentTotal
    previous: InvestmentTotal
    growth: Decimal | None


def counts(project: ProjectAmount) -> bool:
    """An industrial project at or above the statistical threshold (RULES §5: "≥ 500 万元")."""
    return (
        project.kind in INDUSTRIAL_KINDS
        and project.planned_investment is not None
        and project.planned_investment >= STATISTICAL_THRESHOLD
    )


def industrial_investment_total(
    *, basis: str, projects: Iterable[ProjectAmount], enterprise_investment: Mapping[int, Decimal | None]
) -> InvestmentTotal:
    """The rule: 工业投资 on a basis from project amounts and enterprises' reported 固定资产投资.

    ``enterprise_investment`` holds each enterprise's reported 固定资产投资 of the period (None: it
    reported none).
    """
    reported = {e: v for e, v in enterprise_investment.items() if v is not None}
    counted = [p for p in projects if counts(p)]
    if basis == InvestmentBasis.ENTERPRISES:
        chosen_projects: list[ProjectAmount] = []
        chosen_enterprises = reported
    elif basis == InvestmentBasis.PROJECTS:
        chosen_projects, chosen_enterprises = counted, {}
    elif basis == InvestmentBasis.BOTH:
        chosen_enterprises = reported
        chosen_projects = [p for p in counted if p.enterprise_id is None or p.enterprise_id not in reported]
    else:
        raise ValueError(f"unknown investment basis: {basis!r}")
    amount = sum((p.amount for p in chosen_projects), ZERO) + sum(chosen_enterprises.values(), ZERO)
    return InvestmentTotal(
        amount,
        tuple(sorted(p.project_id for p in chosen_projects)),
        tuple(sorted(chosen_enterprises)),
    )


def industrial_investment(
    *,
    basis: str,
    projects_now: Iterable[ProjectAmount],
    projects_before: Iterable[ProjectAmount],
    enterprises_now: Mapping[int, Decimal | None],
    enterprises_before: Mapping[int, Decimal | None],
) -> IndustrialInvestment:
    current = industrial_investment_total(basis=basis, projects=projects_now, enterprise_investment=enterprises_now)
    previous = industrial_investment_total(
        basis=basis, projects=projects_before, enterprise_investment=enterprises_before
    )
    return IndustrialInvestment(basis, current, previous, yoy(current.amount, previous.amount))


# --- the reads -----------------------------------------------------------------------------------


def project_amounts(
    *, park_ids: Collection[int] | None, years: Collection[int], first: int, last: int
) -> dict[int, list[ProjectAmount]]:
    """Each project's investment completed in months first..last of each of some years, by year: one
    grouped query."""
    queryset = ProjectProgress.objects.filter(year__in=list(years), month__gte=first, month__lte=last)
    if park_ids is not None:
        queryset = queryset.filter(project__park_id__in=list(park_ids))
    rows = (
        queryset.values("year", "project_id")
        .annotate(total=Sum("investment"))
        .order_by("year", "project_id")
        .values_list(
            "year",
            "project_id",
            "project__park_id",
            "project__enterprise_id",
            "project__kind",
            "project__planned_investment",
            "total",
        )
    )
    by_year: dict[int, list[ProjectAmount]] = {year: [] for year in years}
    for year, pk, park, enterprise, kind, planned, total in rows:
        by_year[year].append(ProjectAmount(pk, park, enterprise, kind, planned, total or ZERO))
    return by_year


def basis_of(park_ids: Collection[int] | None) -> str:
    """The scope's basis: the parks' setting when they agree, else (or unset) BOTH, the default."""
    if park_ids is None or len(park_ids) != 1:
        bases = set(
            ParkStatisticsSettings.objects.filter(
                **({} if park_ids is None else {"park_id__in": list(park_ids)})
            ).values_list("investment_basis", flat=True)
        )
        return bases.pop() if len(bases) == 1 else InvestmentBasis.BOTH
    setting = ParkStatisticsSettings.objects.filter(park_id=next(iter(park_ids))).values_list(
        "investment_basis", flat=True
    )
    return setting.first() or InvestmentBasis.BOTH


def scope_investment(
    *, park_ids: Collection[int] | None, period: ReportPeriod, table: PeriodTable, basis: str | None = None
) -> IndustrialInvestment:
    """工业投资 of a scope and period, with YoY, from the KPIs' own table (the enterprises' reported
    固定资产投资, current and prior as the growth rules take them) and one project query."""
    year, first, last = period.year, period.first_month, period.last_month
    projects = project_amounts(park_ids=park_ids, years=(year - 1, year), first=first, last=last)
    return industrial_investment(
        basis=basis or basis_of(park_ids),
        projects_now=projects[year],
        projects_before=projects[year - 1],
        enterprises_now=table.column("current", "fixed_asset_investment"),
        # Last year's figure of an enterprise: the 上年同期 it re-reports first, else its own rows.
        enterprises_before={
            **table.column("previous", "fixed_asset_investment"),
            **table.column("reported_prior", "fixed_asset_investment"),
        },
    )
