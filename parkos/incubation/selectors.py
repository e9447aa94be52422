"""Every non-trivial read of incubation: review aggregates, graduation candidates, cohorts, the SLA
dashboard, chargeable services, eligibility facts and scan, early-warning signals, the tenant's view.

Heavy reads aggregate in SQL and return one row per group, never one per request: the SLA dashboard
is two grouped queries and two window queries whatever the number of requests; the eligibility scan
reads each kind of fact once for the whole park (a handful of queries) and leaves the rules to the
pure engine. Facts from other apps come through `figures` (statistics) and `milestones` (the one
place that knows where milestones live).
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django.db.models import Avg, Count, F, Min, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.models import User
from parkos.core.workdays import subtract_working_days
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.incubation import eligibility, figures, lifecycle, milestones, risk, rubric
from parkos.incubation.choices import (
    ApplicationStatus,
    RequestStatus,
    SchemeApplicationStatus,
)
from parkos.incubation.hooks import RiskSignal, risk_signal_sources
from parkos.incubation.models import (
    ACTIVE_STAGES,
    OPEN_REQUEST_STATUSES,
    Application,
    IncubationRecord,
    Programme,
    Review,
    Scheme,
    SchemeApplication,
    ServiceOffering,
    ServiceProvider,
    ServiceRequest,
)
from parkos.leasing import selectors as leasing_selectors
from parkos.leasing.hooks import RentSupport
from parkos.leasing.schedule import next_term_start
from parkos.monitoring import selectors as monitoring_selectors
from parkos.parks.models import Park

ZERO = Decimal(0)
WAN = Decimal(10000)


# --- Review ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewSummary:
    criteria: list[rubric.CriterionSpec]
    reviews: list[Review]
    aggregate: rubric.Aggregate
    totals: dict[int, Decimal]  # review id → total, for submitted complete reviews


def review_summary(application: Application) -> ReviewSummary:
    """The rubric, every review with its scores, and the aggregate with its spread (three queries)."""
    criteria = [
        rubric.CriterionSpec(c.pk, c.name, c.weight, Decimal(c.max_score)) for c in application.programme.rubric.all()
    ]
    reviews = list(application.reviews.select_related("reviewer").prefetch_related("scores").order_by("pk"))
    inputs = [
        rubric.ReviewInput(
            r.reviewer_id,
            {s.criterion_id: s.score for s in r.scores.all()},
            submitted=r.submitted_at is not None,
            conflict=r.conflict_declared,
        )
        for r in reviews
    ]
    aggregate = rubric.aggregate(criteria, inputs)
    totals = {r.pk: aggregate.totals[r.reviewer_id] for r in reviews if r.reviewer_id in aggregate.totals}
    return ReviewSummary(criteria, reviews, aggregate, totals)


def entry_check(application: Application) -> list[str]:
    """The programme's entry criteria this applicant does not meet (for the screening officer)."""
    programme = application.programme
    return lifecycle.entry_problems(
        founded_on=application.founded_on,
        industry_code=application.industry_code,
        has_ip=bool(application.patents or application.ip_description.strip()),
        on=timezone.localdate(application.submitted_at),
        max_age_years=programme.entry_max_age_years,
        industry_prefixes=programme.entry_industry_prefixes,
        requires_ip=programme.entry_requires_ip,
    )


def application_counts(park_ids: Collection[int] | None) -> dict[str, int]:
    queryset = Application.objects.all() if park_ids is None else Application.objects.filter(park_id__in=park_ids)
    return dict(queryset.values_list("status").annotate(n=Count("pk")).order_by())


# --- Records: overdue, graduation candidates, cohorts -------------------------------------------------


def records_active(park_ids: Collection[int] | None) -> QuerySet[IncubationRecord]:
    queryset = IncubationRecord.objects.filter(stage__in=ACTIVE_STAGES)
    return queryset if park_ids is None else queryset.filter(park_id__in=park_ids)


def overdue_records(park_ids: Collection[int] | None, today: datetime.date) -> QuerySet[IncubationRecord]:
    return records_active(park_ids).filter(due_on__lt=today).select_related("enterprise", "programme")


@dataclass(frozen=True)
class Candidate:
    record: IncubationRecord
    evidence: list[lifecycle.GraduationEvidence]


def _graduation_facts(
    records: Sequence[IncubationRecord], today: datetime.date
) -> dict[int, lifecycle.GraduationFacts]:
    """What can make each record's enterprise graduate: milestones and reported revenue by year."""
    ids = [r.enterprise_id for r in records]
    if not ids:
        return {}
    first_year = min(r.admitted_on.year for r in records)
    revenue = figures.revenue_by_year(ids, range(first_year, today.year + 1))
    found = milestones.milestones_of(ids)
    facts = {}
    for enterprise_id in ids:
        dated: dict[str, datetime.date] = {}
        urls: dict[str, str] = {}
        for fact in found.get(enterprise_id, []):
            dated.setdefault(fact.kind, fact.on)
            urls.setdefault(fact.kind, fact.url)
        years = revenue.get(enterprise_id, {})
        facts[enterprise_id] = lifecycle.GraduationFacts(
            high_tech_on=dated.get(milestones.HIGH_TECH),
            listed_on=dated.get(milestones.LISTING),
            acquired_on=dated.get(milestones.ACQUIRED),
            revenue_by_year=years,
            revenue_sources={year: figures.statistics_url(enterprise_id) for year in years},
            milestone_urls={
                "high_tech": urls.get(milestones.HIGH_TECH, ""),
                "listed": urls.get(milestones.LISTING, ""),
                "acquired": urls.get(milestones.ACQUIRED, ""),
            },
        )
    return facts


def graduation_evidence_for(
    records: Sequence[IncubationRecord], today: datetime.date
) -> dict[int, list[lifecycle.GraduationEvidence]]:
    """record id → the graduation criteria its enterprise meets (empty list: none yet)."""
    facts = _graduation_facts(records, today)
    return {
        record.pk: lifecycle.graduation_evidence(
            facts[record.enterprise_id],
            admitted_on=record.admitted_on,
            bases=record.programme.graduation_bases,
            revenue_threshold_wan=record.programme.graduation_revenue_wan,
        )
        for record in records
    }


def graduation_candidates(park_ids: Collection[int] | None, today: datetime.date) -> list[Candidate]:
    """Active records whose enterprise meets a graduation criterion of its programme, earliest met first."""
    records = list(records_active(park_ids).select_related("enterprise", "programme"))
    evidence = graduation_evidence_for(records, today)
    found = [Candidate(r, evidence[r.pk]) for r in records if evidence[r.pk]]
    return sorted(found, key=lambda c: (c.evidence[0].met_on, c.record.pk))


def cohort_rows(
    park_ids: Collection[int] | None, today: datetime.date, programme_id: int | None = None
) -> list[lifecycle.CohortRow]:
    queryset = (
        IncubationRecord.objects.all() if park_ids is None else IncubationRecord.objects.filter(park_id__in=park_ids)
    )
    if programme_id is not None:
        queryset = queryset.filter(programme_id=programme_id)
    states = [
        lifecycle.RecordState(intake_year or admitted.year, stage, due)
        for intake_year, admitted, stage, due in queryset.values_list("intake__year", "admitted_on", "stage", "due_on")
    ]
    return lifecycle.cohorts(states, today)


def stage_counts(park_ids: Collection[int] | None) -> dict[str, int]:
    queryset = (
        IncubationRecord.objects.all() if park_ids is None else IncubationRecord.objects.filter(park_id__in=park_ids)
    )
    return dict(queryset.values_list("stage").annotate(n=Count("pk")).order_by())


# --- The SLA dashboard --------------------------------------------------------------------------------

#: Backlog age buckets in working days: up to 2, 3–5, 6–10, more than 10.
BACKLOG_BUCKETS = (2, 5, 10)


@dataclass
class SlaRow:
    key: int | None
    label: str
    provider: str = ""
    total: int = 0
    cancelled: int = 0
    response_met: int = 0
    response_breached: int = 0
    resolution_met: int = 0
    resolution_breached: int = 0
    open: int = 0
    backlog: list[int] = field(default_factory=lambda: [0] * (len(BACKLOG_BUCKETS) + 1))
    oldest_open: datetime.datetime | None = None
    resolved: int = 0
    median_seconds: Decimal | None = None
    rating_sum: int = 0
    rated: int = 0

    @property
    def response_met_pct(self) -> Decimal | None:
        return _pct(self.response_met, self.response_met + self.response_breached)

    @property
    def resolution_met_pct(self) -> Decimal | None:
        return _pct(self.resolution_met, self.resolution_met + self.resolution_breached)

    @property
    def median_hours(self) -> Decimal | None:
        if self.median_seconds is None:
            return None
        return (self.median_seconds / 3600).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def rating(self) -> Decimal | None:
        return (Decimal(self.rating_sum) / self.rated).quantize(Decimal("0.1")) if self.rated else None

    def add(self, other: SlaRow) -> None:
        for name in (
            "total", "cancelled", "response_met", "response_breached", "resolution_met", "resolution_breached",
            "open", "resolved", "rating_sum", "rated",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.backlog = [a + b for a, b in zip(self.backlog, other.backlog, strict=True)]
        if other.oldest_open is not None and (self.oldest_open is None or other.oldest_open < self.oldest_open):
            self.oldest_open = other.oldest_open


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / whole * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None


@dataclass(frozen=True)
class SlaDashboard:
    start: datetime.date
    end: datetime.date
    by_service: list[SlaRow]
    by_provider: list[SlaRow]
    total: SlaRow


def _requests(park_ids: Collection[int] | None, start: datetime.date, end: datetime.date) -> QuerySet[ServiceRequest]:
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    queryset = ServiceRequest.objects.filter(raised_at__gte=since, raised_at__lt=until)
    return queryset if park_ids is None else queryset.filter(park_id__in=list(park_ids))


def _sla_counts(now: datetime.datetime, boundaries: Sequence[datetime.datetime]) -> dict[str, Any]:
    """The per-group COUNTs of the dashboard, as filtered aggregates (one grouped query)."""
    live = ~Q(status=RequestStatus.CANCELLED)
    is_open = Q(status__in=OPEN_REQUEST_STATUSES)
    counts: dict[str, Any] = {
        "total": Count("pk"),
        "cancelled": Count("pk", filter=Q(status=RequestStatus.CANCELLED)),
        "response_met": Count("pk", filter=live & Q(first_response_at__lte=F("response_due_at"))),
        "response_breached": Count(
            "pk",
            filter=live
            & (
                Q(first_response_at__gt=F("response_due_at"))
                | Q(first_response_at__isnull=True, response_due_at__lt=now)
                | Q(first_response_at__isnull=True, response_breached=True)
            ),
        ),
        "resolution_met": Count("pk", filter=live & Q(resolved_at__lte=F("resolution_due_at"))),
        "resolution_breached": Count(
            "pk",
            filter=live
            & (
                Q(resolved_at__gt=F("resolution_due_at"))
                | Q(resolved_at__isnull=True, resolution_breached=True)
                | (
                    is_open
                    & Q(resolved_at__isnull=True, resolution_due_at__lt=now)
                    & ~Q(status=RequestStatus.WAITING_TENANT)
                )
            ),
        ),
        "open": Count("pk", filter=is_open),
        "oldest_open": Min("raised_at", filter=is_open),
        "resolved": Count("pk", filter=Q(resolution_seconds__isnull=False)),
        "rating_sum": Sum("rating", default=0),
        "rated": Count("rating"),
    }
    previous = None
    for index, boundary in enumerate(boundaries):
        newer = Q(raised_at__gte=boundary) if previous is None else Q(raised_at__gte=boundary, raised_at__lt=previous)
        counts[f"b{index}"] = Count("pk", filter=is_open & newer)
        previous = boundary
    counts[f"b{len(boundaries)}"] = Count("pk", filter=is_open & Q(raised_at__lt=previous))
    return counts


def _medians(queryset: QuerySet[ServiceRequest], partition: str | None) -> dict[int | None, Decimal]:
    """The median resolution time (office seconds) per group, from the middle rows of a window query."""
    resolved = queryset.filter(resolution_seconds__isnull=False)
    if partition is None:
        count = resolved.count()
        if not count:
            return {}
        middle = [
            seconds
            for seconds in resolved.order_by("resolution_seconds").values_list("resolution_seconds", flat=True)[
                (count - 1) // 2 : count // 2 + 1
            ]
            if seconds is not None
        ]
        return {None: Decimal(sum(middle)) / len(middle)}
    ranked = resolved.annotate(
        rank=Window(RowNumber(), partition_by=[F(partition)], order_by=F("resolution_seconds").asc()),
        size=Window(Count("pk"), partition_by=[F(partition)]),
    )
    middle_rows = ranked.filter(Q(rank=(F("size") + 1) / 2) | Q(rank=(F("size") + 2) / 2)).values_list(
        partition, "resolution_seconds"
    )
    grouped: dict[int | None, list[int]] = defaultdict(list)
    for key, seconds in middle_rows:
        if seconds is not None:
            grouped[key].append(seconds)
    return {key: Decimal(sum(values)) / len(values) for key, values in grouped.items()}


def sla_dashboard(
    *, park_ids: Collection[int] | None, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> SlaDashboard:
    """Met and breached responses and resolutions per service and per provider, median resolution time
    in office hours, open requests by age in working days (RULES §13.6). Four queries plus the names.

    1. One grouped query over (service, provider): every count as a filtered aggregate; a request
       still open past its due time counts as breached now (one waiting for the tenant does not).
    2. Window queries give the middle rows of resolution time per service and per provider; the
       overall median reads the one or two middle rows directly.
    3. Backlog ages compare `raised_at` with boundaries computed once on the working-day calendar.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    boundaries = [
        datetime.datetime.combine(subtract_working_days(today, days), datetime.time.min, tzinfo=tz)
        for days in BACKLOG_BUCKETS
    ]
    queryset = _requests(park_ids, start, end)
    grouped = cast(
        list[dict[str, Any]],
        list(queryset.values("offering_id", "provider_id").annotate(**_sla_counts(now, boundaries)).order_by()),
    )
    offerings = dict(ServiceOffering.objects.filter(pk__in=queryset.values("offering_id")).values_list("pk", "name"))
    providers = dict(ServiceProvider.objects.filter(pk__in=queryset.values("provider_id")).values_list("pk", "name"))
    by_service: dict[int, SlaRow] = {}
    by_provider: dict[int | None, SlaRow] = {}
    total = SlaRow(None, _("合计"))
    for row in grouped:
        part = SlaRow(
            row["offering_id"],
            offerings.get(row["offering_id"], ""),
            providers.get(row["provider_id"], "") if row["provider_id"] else _("未指定"),
            **{k: row[k] for k in ("total", "cancelled", "response_met", "response_breached", "resolution_met")},
            resolution_breached=row["resolution_breached"],
            open=row["open"],
            backlog=[row[f"b{i}"] for i in range(len(BACKLOG_BUCKETS) + 1)],
            oldest_open=row["oldest_open"],
            resolved=row["resolved"],
            rating_sum=row["rating_sum"] or 0,
            rated=row["rated"],
        )
        service = by_service.setdefault(part.key or 0, SlaRow(part.key, part.label, part.provider))
        service.add(part)
        provider = by_provider.setdefault(row["provider_id"], SlaRow(row["provider_id"], part.provider))
        provider.add(part)
        total.add(part)
    for key, median in _medians(queryset, "offering_id").items():
        if key in by_service:
            by_service[key].median_seconds = median
    for key, median in _medians(queryset, "provider_id").items():
        if key in by_provider:
            by_provider[key].median_seconds = median
    total.median_seconds = _medians(queryset, None).get(None)
    return SlaDashboard(
        start,
        end,
        sorted(by_service.values(), key=lambda r: (-r.total, r.label)),
        sorted(by_provider.values(), key=lambda r: (-r.total, r.label)),
        total,
    )


# --- Chargeable services (read by billing) --------------------------------------------------------------


@dataclass(frozen=True)
class ChargeLine:
    """A charge billing can bill: a resolved, priced service request (unit price in 元, tax included)."""

    enterprise_id: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    source_type: str
    source_id: int
    occurred_on: datetime.date


def chargeable_services(*, park: Park, start: datetime.date, end: datetime.date) -> list[ChargeLine]:
    """Priced requests of a park resolved between `start` and `end` (inclusive), oldest first."""
    tz = timezone.get_current_timezone()
    rows = (
        ServiceRequest.objects.filter(
            park=park,
            resolved_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
            resolved_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
            offering__unit_price__gt=0,
            quantity__gt=0,
        )
        .exclude(status=RequestStatus.CANCELLED)
        .select_related("offering")
        .order_by("resolved_at", "pk")
    )
    lines = []
    for request in rows:
        assert request.resolved_at is not None
        assert request.quantity is not None
        unit_price = request.offering.unit_price
        assert unit_price is not None
        lines.append(
            ChargeLine(
                enterprise_id=request.enterprise_id,
                description=f"{request.offering.name}（{request.reference}）",
                quantity=request.quantity,
                unit=request.offering.price_unit,
                unit_price=unit_price,
                source_type="incubation.servicerequest",
                source_id=request.pk,
                occurred_on=timezone.localdate(request.resolved_at),
            )
        )
    return lines


# --- Eligibility -----------------------------------------------------------------------------------------


def park_population(park_id: int) -> QuerySet[Any, Any]:
    """The enterprises a park serves: its tenants and the enterprises incubated there (as a subquery)."""
    return (
        Enterprise.objects.active()
        .filter(
            Q(parks=park_id, lifecycle=EnterpriseLifecycle.TENANT)
            | Q(incubations__park_id=park_id, incubations__stage__in=ACTIVE_STAGES)
        )
        .values("pk")
        .distinct()
    )


@functools.lru_cache(maxsize=16384)  # a scan asks for the same few thousand day counts again and again
def _years(days: int) -> Decimal:
    return (Decimal(days) / Decimal("365.25")).quantize(Decimal("0.01"))


def eligibility_facts(
    park_id: int, as_of: datetime.date, only: Collection[int] | None = None
) -> list[eligibility.EnterpriseFacts]:
    """One `EnterpriseFacts` per enterprise the park serves, from six queries whatever their number.

    Enterprise record (规上, industry, headcount, founding date), milestones (高新 valid for 3 years,
    专精特新), last full year's statistics (revenue, R&D intensity, year-end headcount preferred to the
    record's), the first day it occupied space in the park, its incubation stage there.
    """
    population = park_population(park_id)
    base = Enterprise.objects.filter(pk__in=population).values_list(
        "pk", "above_scale", "industry_code", "employees", "founded_on", *milestones.STATUS_FIELDS
    )
    if only is not None:  # one enterprise's page: its own rows, not the park's
        base = base.filter(pk__in=list(only))
    recognised = milestones.recognised_high_tech(as_of)
    annual = figures.annual_figures(park_ids=[park_id], year=as_of.year - 1, enterprise_ids=only)
    in_park = leasing_selectors.occupied_since(park_id)
    stages = dict(records_active([park_id]).values_list("enterprise_id", "stage"))
    result = []
    for pk, above_scale, code, employees, founded_on, flag, qualifications, listing in base.order_by("pk"):
        facts = annual.get(pk)
        state = milestones.status_of(pk, flag, qualifications, listing, recognised)
        since = in_park.get(pk)
        result.append(
            eligibility.EnterpriseFacts(
                pk,
                above_scale=bool(above_scale),
                high_tech=state.high_tech,
                specialised=state.specialised,
                rd_intensity=facts.rnd_intensity if facts else None,
                revenue_wan=facts.revenue / WAN if facts and facts.revenue is not None else None,
                industry_code=eligibility.digits(code),
                employees=facts.employees if facts and facts.employees is not None else employees,
                age_years=_years((as_of - founded_on).days) if founded_on else None,
                in_park_years=_years((as_of - since).days) if since and since <= as_of else None,
                stage=stages.get(pk, ""),
            )
        )
    return result


def schemes_for(park_id: int, *, active_only: bool = True) -> QuerySet[Scheme]:
    queryset = Scheme.objects.filter(Q(park_id=park_id) | Q(park__isnull=True)).prefetch_related("criteria")
    return queryset.filter(is_active=True) if active_only else queryset


def scheme_rules(scheme: Scheme) -> tuple[eligibility.Rule, ...]:
    """The scheme's criteria as rules, in order; one that no longer parses is an invalid rule (never holds)."""
    return tuple(eligibility.Rule.stored(c.fact, c.operator, c.value) for c in scheme.criteria.all())


@dataclass(frozen=True)
class ScanResult:
    schemes: list[Scheme]
    results: dict[int, eligibility.SchemeResult]
    population: int


def eligibility_scan(park_id: int, as_of: datetime.date, schemes: Iterable[Scheme] | None = None) -> ScanResult:
    """Every active scheme of a park over every enterprise it serves: who qualifies, who misses one rule."""
    chosen = list(schemes if schemes is not None else schemes_for(park_id))
    facts = eligibility_facts(park_id, as_of)
    results = eligibility.scan(facts, [eligibility.SchemeRules(s.pk, scheme_rules(s)) for s in chosen])
    return ScanResult(chosen, results, len(facts))


def enterprise_eligibility(
    enterprise_id: int, park_id: int, as_of: datetime.date
) -> list[tuple[Scheme, list[eligibility.RuleCheck]]]:
    """One enterprise against every active scheme of its park, rule by rule (tenant home, enterprise page)."""
    found = eligibility_facts(park_id, as_of, only=[enterprise_id])
    if not found:
        return []
    facts = found[0]
    return [(scheme, eligibility.check(facts, scheme_rules(scheme))) for scheme in schemes_for(park_id)]


def awards_total(park_ids: Collection[int] | None, year: int) -> tuple[Decimal, int]:
    """Policy money awarded (元) to enterprises of the parks in a year, and how many awards: a park KPI."""
    queryset = SchemeApplication.objects.filter(status=SchemeApplicationStatus.AWARDED, awarded_on__year=year)
    if park_ids is not None:
        queryset = queryset.filter(park_id__in=park_ids)
    agg = queryset.aggregate(total=Sum("amount_awarded", default=0), count=Count("pk"))
    return Decimal(agg["total"] or 0), agg["count"]


# --- Early warning -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRow:
    assessment: risk.RiskAssessment
    enterprise: Enterprise


def risk_list(park_id: int, as_of: datetime.date) -> list[RiskRow]:
    """The park's enterprises with at least one warning signal, highest score first."""
    ids = list(park_population(park_id).values_list("pk", flat=True))
    assessments = risk.assess(
        (source.key, source.label, source.provider(ids, as_of)) for source in risk_signal_sources()
    )
    names = Enterprise.objects.in_bulk([a.enterprise_id for a in assessments])
    return [RiskRow(a, names[a.enterprise_id]) for a in assessments if a.enterprise_id in names]


def falling_output_signals(enterprise_ids: Collection[int], as_of: datetime.date) -> Mapping[int, RiskSignal]:
    series = figures.monthly_output(enterprise_ids, [as_of.year - 1, as_of.year])
    found = {}
    for enterprise_id, months in series.items():
        result = risk.output_trend(months)
        if result is not None:
            found[enterprise_id] = RiskSignal(result[0], result[1], figures.statistics_url(enterprise_id))
    return found


def energy_drop_signals(enterprise_ids: Collection[int], as_of: datetime.date) -> Mapping[int, RiskSignal]:
    """Metered energy of the last three complete months against the three before (monitoring)."""
    first = risk.months_before((as_of.year, as_of.month), 6)[-1]
    series = monitoring_selectors.monthly_energy(
        enterprise_ids=enterprise_ids, first=datetime.date(first[0], first[1], 1), months=6
    )
    found = {}
    for enterprise_id, months in series.items():
        result = risk.energy_trend(first, months)
        if result is not None:
            url = reverse("enterprises:enterprise_detail", args=[enterprise_id])
            found[enterprise_id] = RiskSignal(result[0], result[1], url)
    return found


def missing_statistics_signals(enterprise_ids: Collection[int], as_of: datetime.date) -> Mapping[int, RiskSignal]:
    """Reporters (an enterprise that reported in the twelve months before those due) that stopped."""
    due = risk.months_due(as_of)
    earlier = risk.months_before(due[-1], 12)
    reported = figures.reported_months(enterprise_ids, [*due, *earlier])
    found = {}
    for enterprise_id, months in reported.items():
        if not months.intersection(earlier):
            continue
        result = risk.missing_statistics(due, months)
        if result is not None:
            found[enterprise_id] = RiskSignal(result[0], result[1], figures.statistics_url(enterprise_id))
    return found


def expiring_lease_signals(enterprise_ids: Collection[int], as_of: datetime.date) -> Mapping[int, RiskSignal]:
    wanted = set(enterprise_ids)
    found = {}
    for enterprise_id, contract in leasing_selectors.expiring_without_renewal(None, days=180, today=as_of).items():
        if enterprise_id in wanted and contract.end_on is not None:
            score, reason = risk.expiry(contract.end_on, as_of, contract.number)
            found[enterprise_id] = RiskSignal(score, reason, contract.get_absolute_url())
    return found


def escalation_signals(enterprise_ids: Collection[int], as_of: datetime.date) -> Mapping[int, RiskSignal]:
    since = datetime.datetime.combine(
        as_of - datetime.timedelta(days=90), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    rows = (
        ServiceRequest.objects.filter(
            enterprise_id__any_of=list(enterprise_ids), escalation_level__gte=2, raised_at__gte=since
        )
        .values_list("enterprise_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {}
    for enterprise_id, count in rows:
        result = risk.escalations(count)
        if result is not None:
            url = reverse("incubation:request_list") + f"?enterprise={enterprise_id}&escalated=2"
            found[enterprise_id] = RiskSignal(result[0], result[1], url)
    return found


# --- The tenant's view ----------------------------------------------------------------------------------


def tenant_record(enterprise_id: int) -> IncubationRecord | None:
    """The enterprise's current incubation (or its latest, when it has ended)."""
    records = IncubationRecord.objects.filter(enterprise_id=enterprise_id).select_related("programme", "park")
    return records.filter(stage__in=ACTIVE_STAGES).first() or records.order_by("-admitted_on").first()


def tenant_requests(enterprise_id: int) -> QuerySet[ServiceRequest]:
    return (
        ServiceRequest.objects.filter(enterprise_id=enterprise_id)
        .select_related("offering")
        .order_by("-raised_at", "-pk")
    )


def tenant_park_id(enterprise: Enterprise) -> int | None:
    """The park a tenant is served by: its incubation's park, else its first park."""
    record = tenant_record(enterprise.pk)
    if record is not None:
        return record.park_id
    return enterprise.parks.order_by("pk").values_list("pk", flat=True).first()


def average_rating(park_ids: Collection[int] | None, since: datetime.date) -> Decimal | None:
    queryset = ServiceRequest.objects.filter(rated_at__date__gte=since)
    if park_ids is not None:
        queryset = queryset.filter(park_id__in=park_ids)
    value = queryset.aggregate(v=Avg("rating"))["v"]
    return Decimal(str(value)).quantize(Decimal("0.1")) if value is not None else None


def programmes_in(park_ids: Collection[int] | None) -> QuerySet[Programme]:
    queryset = Programme.objects.select_related("park")
    return queryset if park_ids is None else queryset.filter(park_id__in=park_ids)


def applications_waiting(park_ids: Collection[int] | None) -> int:
    queryset = Application.objects.filter(status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW))
    return (queryset if park_ids is None else queryset.filter(park_id__in=park_ids)).count()


def reviews_pending_for(user: User) -> QuerySet[Review]:
    return Review.objects.filter(
        reviewer=user,
        submitted_at__isnull=True,
        application__status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW),
    ).select_related("application")


# --- Rent support (read by leasing through its hook) --------------------------------------------------


def _whole_months(start: datetime.date, end: datetime.date) -> int:
    """Whole lease months from `start` to `end` (0 when `end` is not after `start`)."""
    months = 0
    while next_term_start(start, months + 1) <= end:
        months += 1
    return months


def rent_support(enterprise: Enterprise, park: Park, start_on: datetime.date) -> RentSupport | None:
    """The rent support of the programme an enterprise is incubated in, for a lease starting on `start_on`.

    Counted from admission (RULES §13.3): a programme's "first 12 months free, the next 12 at half"
    gives a lease starting 5 months after admission 7 free months and then 12 at half; a lease after
    the support has run out gets none.
    """
    record = (
        IncubationRecord.objects.filter(enterprise=enterprise, park=park, stage__in=ACTIVE_STAGES)
        .select_related("programme")
        .first()
    )
    if record is None:
        return None
    programme = record.programme
    elapsed = _whole_months(record.admitted_on, start_on)
    free = max(0, programme.rent_free_months - elapsed)
    discount_end = programme.rent_free_months + programme.rent_discount_months
    discount = max(0, discount_end - max(elapsed, programme.rent_free_months)) if programme.rent_discount_rate else 0
    if not free and not discount:
        return None
    return RentSupport(
        source=_("%(kind)s「%(name)s」入孵企业租金优惠（入孵日 %(date)s）")
        % {"kind": programme.get_kind_display(), "name": programme.name, "date": record.admitted_on.isoformat()},
        free_rent_months=free,
        discount_rate=programme.rent_discount_rate,
        discount_months=discount,
    )
