"""Every non-trivial read of the statistics: report KPIs, their sources, 亩均, 升规 candidates, the calendar.

The KPIs are computed by the `kpi` package (rules once, the SQL path that feeds them, the report);
this module is what the rest of ParkOS reads them through.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.units import WAN, sqm_to_mu
from parkos.enterprises.models import Enterprise
from parkos.enterprises.sizing import UPGRADE_WATCH_BAND
from parkos.leasing.selectors import land_area_by_enterprise as contracted_land
from parkos.monitoring import selectors as monitoring_selectors
from parkos.parks.models import Park
from parkos.statistics import muju
from parkos.statistics.choices import MujuCategory, SubmissionStatus
from parkos.statistics.importing import FORM_FIGURES
from parkos.statistics.kpi import Indicator, MonthlyFigures, PeriodTable, ReportPeriod, RowKey, to_monthly
from parkos.statistics.kpi.assembly import HEADLINE, ReportKpis, names_of, portfolio_kpis, report_kpis
from parkos.statistics.kpi.gather import (
    census,
    industries_of,
    judge_from_period_ends,
    listable,
    load_rows,
    period_end_rows,
    period_table,
    report_rows,
    revenue_histories,
)
from parkos.statistics.kpi.scale import UpgradeCandidate, in_watch_band, threshold_yuan, upgrade_candidates_of
from parkos.statistics.models import EnterpriseParkProfile, MonthlyReport, ReportSubmission

__all__ = [
    "HEADLINE",
    "SOURCES_PER_PAGE",
    "CalendarEntry",
    "Comparison",
    "MujuLine",
    "ReportKpis",
    "SourceRow",
    "comparison_rows",
    "decided_submissions",
    "enterprise_actuals_for_commitments",
    "expected_reporters",
    "grade_distribution",
    "land_area_by_enterprise",
    "muju_evaluation",
    "pending_submissions",
    "period_table",
    "portfolio_kpis",
    "prefilled_template_rows",
    "proposed_changes",
    "report_kpis",
    "report_queryset",
    "reports_for_enterprise",
    "source_page",
    "source_rows",
    "submission_calendar",
    "tenant_park",
    "upgrade_candidates",
]


def report_queryset(park_ids: Collection[int] | None) -> QuerySet[MonthlyReport]:
    """The monthly reports of some parks (None: every park)."""
    return report_rows(park_ids)


# --- sources -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    report: MonthlyReport
    enterprise_name: str
    value: Decimal | None
    prior: Decimal | None


def source_rows(keys: Iterable[RowKey], park_ids: Collection[int] | None, indicator: Indicator) -> list[SourceRow]:
    """The stored rows behind source keys, with the indicator's value and re-reported prior, in the
    order of the keys given (one query)."""
    wanted = list(keys)
    if not wanted:
        return []
    years = sorted({key[1] for key in wanted})
    enterprises = sorted({key[0] for key in wanted})
    queryset = report_rows(park_ids).filter(year__in=years).select_related("enterprise")
    if listable(enterprises):
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
    keys: Sequence[RowKey], park_ids: Collection[int] | None, indicator: Indicator, page: str | int | None
) -> tuple[Page[RowKey], list[SourceRow]]:
    """One page of the rows behind a figure, ordered by enterprise name, year and month.

    A portfolio figure stands on tens of thousands of rows: the keys are sorted by name (one query
    for the names) and only the page's rows are loaded.
    """
    enterprises = sorted({key[0] for key in keys})
    if listable(enterprises):
        names = dict(Enterprise.objects.filter(pk__any_of=enterprises).order_by().values_list("pk", "name"))
    else:
        reporting = report_rows(park_ids).values("enterprise_id")
        names = dict(Enterprise.objects.filter(pk__in=reporting).order_by().values_list("pk", "name"))
    ordered = sorted(keys, key=lambda key: (names.get(key[0], ""), key))
    current = Paginator(ordered, SOURCES_PER_PAGE).get_page(page)
    return current, source_rows(current.object_list, park_ids, indicator)


# --- 亩均 ----------------------------------------------------------------------------------------


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
    *, park_id: int, year: int, scheme: muju.Scheme = muju.PARK_DEFAULT, table: PeriodTable | None = None
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
    # Metered energy and COD discharge (smart park) stand in for the self-reported energy where an
    # enterprise has meters, and give the emission input of 单位排放增加值 (RULES §15.3–14.4).
    energy = {**energy, **monitoring_selectors.energy_by_enterprise(park=park_id, year=year)}
    emissions = monitoring_selectors.emissions_by_enterprise(park=park_id, year=year)
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
            muju.EMISSIONS: emissions.get(enterprise_id),
        }
        inputs[enterprise_id] = (values, sqm_to_mu(area) if area else None, category)
    missing = {i.key for i in scheme.indicators if i.benchmark is None}
    if missing:
        averages = muju.benchmarks_from_average(
            [(v, mu) for v, mu, category in inputs.values() if category not in scheme.exempt_categories],
            scheme,
            factor=Decimal(1) if scheme.key == muju.PARK_DEFAULT.key else Decimal(2),
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


def annual_output(park_id: int, year: int) -> dict[int, Decimal]:
    """Each enterprise's output (工业总产值, 元) of a year in a park: energy per 万元 of output (monitoring)."""
    return dict(period_table(park_ids=[park_id], period=ReportPeriod(year)).column("current", "output"))


def grade_distribution(lines: Iterable[MujuLine]) -> dict[str, int]:
    counts: Counter[str] = Counter(line.graded.display for line in lines)
    return dict(sorted(counts.items()))


def upgrade_candidates(
    *, park_id: int, year: int, month: int, band: Decimal | None = None
) -> list[tuple[str, UpgradeCandidate]]:
    """规下 enterprises of a park within the watch band under their threshold (RULES §5), with names.

    The 规上 rules judge every enterprise from the period-end rows where they can; the revenue rows
    are read only of those whose measure is in the band, and of those judged from every row.
    """
    band = UPGRADE_WATCH_BAND if band is None else band
    period = ReportPeriod(year, 1, month)
    scope = (park_id,)
    counted = census(scope, period)
    industries = industries_of(scope, period, counted.reported)
    judged = judge_from_period_ends(scope, period, counted, period_end_rows(scope, period), industries)
    near = []
    for enterprise_id, status in judged.statuses.items():
        threshold = threshold_yuan(industries[enterprise_id])
        if enterprise_id in judged.by_rows or status.revenue is None or threshold is None:
            continue
        if in_watch_band(status.revenue, threshold, band):
            near.append(enterprise_id)
    batches = [inputs.revenue for inputs in judged.inputs] + revenue_histories(scope, period, near)
    candidates = upgrade_candidates_of(batches, year, month, industries, band=band)
    names = names_of([c.enterprise_id for c in candidates], scope, period)
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


def enterprise_actuals_for_commitments(*, enterprise: Enterprise, since: datetime.date) -> dict[str, Decimal | None]:
    """What an enterprise actually reported, beside its investment-agreement commitments (leasing).

    Annual output and tax: the latest twelve reported months (万元); jobs: employees at the latest
    month; investment: fixed-asset investment completed since the contract started (万元). A figure
    is None when the enterprise has not reported enough to state it, never a guess.
    """
    rows = load_rows(
        park_ids=None, years=range(since.year - 1, timezone.localdate().year + 1), enterprise_ids=[enterprise.pk]
    )
    monthly = sorted(to_monthly(rows), key=lambda r: (r.year, r.month))
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

    def total(indicator: Indicator, rows: list[MonthlyFigures]) -> Decimal | None:
        values = [r.get(indicator) for r in rows]
        present = [v for v in values if v is not None]
        if not values or len(present) != len(values):
            return None
        return (sum(present, Decimal(0)) / WAN).quantize(Decimal("0.01"))

    since_start = [r for r in monthly if (r.year, r.month) >= (since.year, since.month)]
    return {
        "output": total("output", last_twelve) if full_year else None,
        "tax": total("taxes", last_twelve) if full_year else None,
        "jobs": monthly[-1].employees,
        "investment": total("fixed_asset_investment", since_start),
    }


# --- tenants' submissions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A figure of the form beside the enterprise's last month and the same month last year (form units)."""

    label: str
    last_month: str
    last_year: str


def _shown(value: Decimal | int | None, kind: str) -> str:
    if value is None:
        return "--"
    if kind == "money":
        return f"{Decimal(value) / WAN:,.2f}"
    if kind == "int":
        return f"{value:,}"
    return f"{Decimal(value):,.3f}"


def comparison_rows(enterprise_id: int, year: int, month: int) -> tuple[str, str, list[Comparison]]:
    """(last month's period, last year's period, one line per figure) for the tenant's form."""
    rows = {
        (r.year, r.month): r
        for r in MonthlyReport.objects.filter(enterprise_id=enterprise_id).filter(
            Q(year=year, month=month - 1) | Q(year=year - 1, month=month)
        )
    }
    last_month, last_year = rows.get((year, month - 1)), rows.get((year - 1, month))
    lines = [
        Comparison(
            str(header),
            _shown(None if last_month is None else getattr(last_month, name), kind),
            _shown(None if last_year is None else getattr(last_year, name), kind),
        )
        for name, header, kind in FORM_FIGURES
    ]
    return (
        "--" if last_month is None else last_month.period_label,
        "--" if last_year is None else last_year.period_label,
        lines,
    )


def pending_submissions(park_id: int) -> QuerySet[ReportSubmission]:
    return (
        ReportSubmission.objects.filter(park_id=park_id, status=SubmissionStatus.PENDING)
        .select_related("enterprise", "submitted_by")
        .order_by("created_at")
    )


def decided_submissions(park_id: int, limit: int = 20) -> QuerySet[ReportSubmission]:
    return (
        ReportSubmission.objects.filter(park_id=park_id)
        .exclude(status=SubmissionStatus.PENDING)
        .select_related("enterprise", "decided_by")
        .order_by("-updated_at")[:limit]
    )


def proposed_changes(submission: ReportSubmission) -> list[tuple[str, str, str]]:
    """(figure, in force, proposed) for each figure a waiting revision changes, in form units."""
    report = MonthlyReport.objects.filter(
        enterprise_id=submission.enterprise_id, year=submission.year, month=submission.month
    ).first()
    changes = []
    for name, header, kind in FORM_FIGURES:
        for field, label in ((name, str(header)), (f"prior_{name}", _("上年同期") + str(header))):
            text = submission.values.get(field)
            proposed = None if text is None else Decimal(text)
            current = None if report is None else getattr(report, field)
            if (None if current is None else Decimal(current)) != proposed:
                changes.append((label, _shown(current, kind), _shown(proposed, kind)))
    return changes


def _in_form_units(value: Decimal | int | None, kind: str) -> Decimal | int | None:
    if value is None or kind != "money":
        return value
    return (Decimal(value) / WAN).quantize(Decimal("0.000001")).normalize()


def prefilled_template_rows(park_id: int, year: int, month: int) -> list[dict[str, object]]:
    """The park's 本月填报模板: one row per enterprise expected to report the month (by name), with
    its credit code and name, the form it reports the year in, and 上年同期 prefilled from its own row
    of the same month last year (any park; only when that row has the same form) — the officer types
    only this month's figures. Amounts in 万元, the template's unit."""
    enterprises = list(
        expected_reporters(park_id, year, month).order_by("name").values_list("pk", "name", "credit_code")
    )
    ids = [pk for pk, _name, _code in enterprises]
    last_year = {
        r.enterprise_id: r for r in MonthlyReport.objects.filter(enterprise_id__in=ids, year=year - 1, month=month)
    }
    forms = dict(
        MonthlyReport.objects.filter(enterprise_id__in=ids, year=year)
        .order_by("enterprise_id", "-month")
        .values_list("enterprise_id", "is_cumulative")
    )
    rows: list[dict[str, object]] = []
    for pk, name, code in enterprises:
        before = last_year.get(pk)
        cumulative = forms.get(pk, True if before is None else before.is_cumulative)
        row: dict[str, object] = {
            "credit_code": code or "",
            "enterprise_id": "" if code else pk,
            "name": name,
            "year": year,
            "month": month,
            "is_cumulative": "累计" if cumulative else "当月",
        }
        if before is not None and before.is_cumulative == cumulative:
            for field, _header, kind in FORM_FIGURES:
                row[f"prior_{field}"] = _in_form_units(getattr(before, field), kind)
        rows.append(row)
    return rows
