"""Incubation: the SLA dashboard and the eligibility scan, each against the equivalent raw SQL.

Scales: small — 20,000 requests, 4,000 enterprises × 30 schemes; full — 100,000 requests and 20,000
enterprises × 30 schemes (the issue's figures; target ≤ 3× the floor for both, on SQLite and PostgreSQL).

- SLA dashboard: the subject is `selectors.sla_dashboard` (the page's data: counts per service and
  provider, medians, backlog ages, names); the floor is the same grouped aggregate and the same
  window-function medians written as raw SQL. The check compares the totals and the overall median.
- Eligibility scan: the subject is `selectors.eligibility_scan` (facts from six queries, rules by the
  pure engine, qualified and near-miss sets per scheme); the floor computes the same facts and, for
  every scheme, its count of failed rules per enterprise in one raw SQL statement, keeping the rows
  that fail at most one. The check compares qualified and near-miss counts scheme by scheme.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.core.workdays import subtract_working_days
from parkos.enterprises.models import Enterprise
from parkos.incubation import selectors
from parkos.incubation.choices import (
    CriterionOperator,
    EligibilityFact,
    IncubationStage,
    ProviderKind,
    RequestStatus,
    SchemeLevel,
    ServiceCategory,
    SlaUnit,
)
from parkos.incubation.models import (
    OPEN_REQUEST_STATUSES,
    IncubationRecord,
    Programme,
    Scheme,
    SchemeCriterion,
    ServiceOffering,
    ServiceProvider,
    ServiceRequest,
)
from parkos.innovation.choices import MilestoneKind
from parkos.innovation.models import Milestone
from parkos.leasing.models import Contract, ContractSpace
from parkos.parks.choices import BuildingStructure, FireHazardClass, FireResistanceGrade
from parkos.parks.models import Building, Floor, Park, Unit
from parkos.statistics.models import MonthlyReport

AS_OF = datetime.date(2026, 6, 15)
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=datetime.UTC)
WAN = Decimal(10000)


def _park(code: str, name: str) -> Park:
    park, _created = Park.objects.get_or_create(code=code, defaults={"name": name, "city": "重庆市"})
    return park


# --- The SLA dashboard ---------------------------------------------------------------------------------


@transaction.atomic
def _fill_requests(park: Park, count: int, seed: int) -> None:
    if ServiceRequest.objects.filter(park=park).exists():
        return
    rng = random.Random(seed)
    enterprises = Enterprise.objects.bulk_create(
        [Enterprise(name=f"{park.code} 服务企业 {i}", source="demo") for i in range(200)], batch_size=1000
    )
    providers = [
        ServiceProvider.objects.create(park=park, name=f"提供方{i}", kind=ProviderKind.PARTNER) for i in range(6)
    ]
    offerings = [
        ServiceOffering.objects.create(
            park=park,
            category=rng.choice(list(ServiceCategory.values)),
            name=f"服务{i}",
            provider=providers[i % len(providers)],
            response_target=4,
            response_unit=SlaUnit.HOURS,
            resolution_target=3,
            resolution_unit=SlaUnit.DAYS,
        )
        for i in range(12)
    ]
    rows = []
    start = NOW - datetime.timedelta(days=365)
    for index in range(count):
        offering = rng.choice(offerings)
        raised = start + datetime.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        response_due = raised + datetime.timedelta(hours=6)
        resolution_due = raised + datetime.timedelta(days=4)
        fate = rng.random()
        status = RequestStatus.CLOSED
        first_response = raised + datetime.timedelta(hours=rng.uniform(0.2, 9))
        resolved: datetime.datetime | None = raised + datetime.timedelta(hours=rng.uniform(2, 140))
        if fate < 0.02:
            status = RequestStatus.CANCELLED
            resolved = None
        elif fate < 0.06 and raised > NOW - datetime.timedelta(days=40):
            status = rng.choice(list(OPEN_REQUEST_STATUSES))
            resolved = None
            if status in (RequestStatus.NEW, RequestStatus.ASSIGNED):
                first_response = None  # type: ignore[assignment]
        rows.append(
            ServiceRequest(
                park=park,
                enterprise=enterprises[index % len(enterprises)],
                offering=offering,
                provider=offering.provider,
                subject="基准",
                description="基准",
                status=status,
                channel="staff",
                raised_at=raised,
                response_due_at=response_due,
                resolution_due_at=resolution_due,
                first_response_at=first_response,
                resolved_at=resolved,
                resolution_seconds=int((resolved - raised).total_seconds() * 0.3) if resolved else None,
                response_breached=first_response is not None and first_response > response_due,
                resolution_breached=resolved is not None and resolved > resolution_due,
                rating=rng.choice((None, 3, 4, 5, 5)) if status == RequestStatus.CLOSED else None,
            )
        )
        if len(rows) >= 20_000:
            ServiceRequest.objects.bulk_create(rows, batch_size=5000)
            rows.clear()
    ServiceRequest.objects.bulk_create(rows, batch_size=5000)


def _in(values: Any) -> str:
    return ", ".join(f"'{v}'" for v in values)


OPEN = _in(OPEN_REQUEST_STATUSES)
SLA_SQL = f"""
SELECT offering_id, provider_id, COUNT(*),
  SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END),
  SUM(CASE WHEN status <> 'cancelled' AND first_response_at <= response_due_at THEN 1 ELSE 0 END),
  SUM(CASE WHEN status <> 'cancelled' AND (first_response_at > response_due_at
       OR (first_response_at IS NULL AND (response_due_at < %(now)s OR response_breached = %(true)s))) THEN 1 ELSE 0 END),
  SUM(CASE WHEN status <> 'cancelled' AND resolved_at <= resolution_due_at THEN 1 ELSE 0 END),
  SUM(CASE WHEN status <> 'cancelled' AND (resolved_at > resolution_due_at
       OR (resolved_at IS NULL AND resolution_breached = %(true)s)
       OR (status IN ({OPEN}) AND status <> 'waiting_tenant' AND resolved_at IS NULL AND resolution_due_at < %(now)s))
       THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ({OPEN}) THEN 1 ELSE 0 END),
  MIN(CASE WHEN status IN ({OPEN}) THEN raised_at END),
  SUM(CASE WHEN resolution_seconds IS NOT NULL THEN 1 ELSE 0 END),
  SUM(rating), COUNT(rating),
  SUM(CASE WHEN status IN ({OPEN}) AND raised_at >= %(b0)s THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ({OPEN}) AND raised_at >= %(b1)s AND raised_at < %(b0)s THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ({OPEN}) AND raised_at >= %(b2)s AND raised_at < %(b1)s THEN 1 ELSE 0 END),
  SUM(CASE WHEN status IN ({OPEN}) AND raised_at < %(b2)s THEN 1 ELSE 0 END)
FROM incubation_servicerequest
WHERE park_id = %(park)s AND raised_at >= %(since)s AND raised_at < %(until)s
GROUP BY offering_id, provider_id
"""
MEDIAN_SQL = """
SELECT {key}, AVG(resolution_seconds) FROM (
  SELECT {key} AS {key}, resolution_seconds,
    ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY resolution_seconds) AS rn,
    COUNT(*) OVER (PARTITION BY {key}) AS n
  FROM incubation_servicerequest
  WHERE park_id = %(park)s AND raised_at >= %(since)s AND raised_at < %(until)s AND resolution_seconds IS NOT NULL
) ranked WHERE rn = (n + 1) / 2 OR rn = (n + 2) / 2 GROUP BY {key}
"""


@benchmark("incubation.sla_dashboard")
def sla_dashboard(scale: str) -> Case:
    count = 100_000 if scale == "full" else 20_000
    park = _park(f"BENCH-SLA-{count}", f"SLA基准园区 {count}")
    _fill_requests(park, count, seed=18)
    start, end = AS_OF - datetime.timedelta(days=400), AS_OF
    tz = timezone.get_current_timezone()
    bounds = [
        datetime.datetime.combine(subtract_working_days(AS_OF, days), datetime.time.min, tzinfo=tz)
        for days in selectors.BACKLOG_BUCKETS
    ]
    params: dict[str, Any] = {
        "park": park.pk,
        "now": NOW,
        "true": True,
        "since": datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        "until": datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
        **{f"b{i}": bound for i, bound in enumerate(bounds)},
    }

    def subject() -> tuple[int, int, int, Decimal | None]:
        dashboard = selectors.sla_dashboard(park_ids=[park.pk], start=start, end=end, now=NOW)
        total = dashboard.total
        return total.total, total.resolution_breached, total.open, total.median_seconds

    def floor() -> tuple[int, int, int, Decimal | None]:
        with connection.cursor() as cursor:
            cursor.execute(SLA_SQL, params)
            groups = cursor.fetchall()
            medians = {}
            for key in ("offering_id", "provider_id"):
                cursor.execute(MEDIAN_SQL.format(key=key), params)
                medians[key] = cursor.fetchall()
            cursor.execute(MEDIAN_SQL.format(key="park_id"), params)
            overall = cursor.fetchall()
        median = Decimal(str(overall[0][1])) if overall else None
        return sum(g[2] for g in groups), sum(g[7] for g in groups), sum(g[8] for g in groups), median

    def check(s: Any, f: Any) -> None:
        assert s[:3] == f[:3], f"dashboard {s} != raw SQL {f}"
        assert s[3] is not None, "no median"
        assert f[3] is not None, "no median from SQL"
        assert abs(s[3] - f[3]) < 1, f"median {s[3]} != {f[3]}"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the grouped aggregate + window medians",
        target_ratio=3.0,
        check=check,
        notes=f"{count} requests, 12 services, 6 providers",
    )


# --- The eligibility scan ----------------------------------------------------------------------------


@transaction.atomic
def _fill_enterprises(park: Park, count: int, seed: int) -> None:
    if Enterprise.objects.filter(parks=park).exists():
        return
    rng = random.Random(seed)
    codes = ("2761", "2710", "3581", "3589", "3841", "1491", "6513", "7340", "2770", "3581")
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"{park.code} 企业 {i}",
                source="demo",
                lifecycle="tenant",
                industry_code=rng.choice(codes),
                employees=rng.randint(3, 600),
                founded_on=AS_OF - datetime.timedelta(days=rng.randint(100, 7000)),
                above_scale=rng.random() < 0.3,
                high_tech=rng.random() < 0.15,
                qualifications=["specialised"] if rng.random() < 0.1 else [],
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    link = Enterprise.parks.through
    link.objects.bulk_create([link(enterprise_id=e.pk, park_id=park.pk) for e in enterprises], batch_size=5000)
    reports = []
    for enterprise in enterprises:
        if rng.random() < 0.7:
            revenue = Decimal(f"{10 ** rng.uniform(5.5, 8.5):.2f}")
            reports.append(
                MonthlyReport(
                    park=park, enterprise=enterprise, year=AS_OF.year - 1, month=12, is_cumulative=True,
                    revenue=revenue, rnd_spending=(revenue * Decimal(rng.uniform(0, 0.12))).quantize(Decimal("0.01")),
                    employees=rng.randint(3, 600),
                )
            )  # fmt: skip
    MonthlyReport.objects.bulk_create(reports, batch_size=5000)
    Milestone.objects.bulk_create(
        [
            Milestone(
                park=park,
                enterprise=e,
                kind=MilestoneKind.HIGH_TECH,
                on=AS_OF - datetime.timedelta(days=rng.randint(30, 1500)),
            )
            for e in enterprises
            if rng.random() < 0.05
        ],
        batch_size=5000,
    )
    building = Building.objects.create(
        park=park, code="B1", name="基准楼", structure=BuildingStructure.MULTI_STOREY_FRAME, storeys=4,
        fire_resistance_grade=FireResistanceGrade.TWO, design_fire_class=FireHazardClass.BING,
    )  # fmt: skip
    floor = Floor.objects.create(
        building=building, level=1, area_sqm=Decimal(100000), floor_load_kn_m2=Decimal(10), clear_height_m=Decimal(6)
    )
    unit = Unit.objects.create(floor=floor, building=building, park=park, code="B1-101", area_sqm=Decimal(100))
    leased = [e for e in enterprises if rng.random() < 0.4]
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                number=f"{park.code}-{i}", park=park, enterprise=e, kind="lease", status="signed", start_on=AS_OF - datetime.timedelta(days=rng.randint(30, 2500)),
                end_on=AS_OF + datetime.timedelta(days=900), area_sqm=Decimal(100), rent_per_sqm_month=Decimal(25),
            )
            for i, e in enumerate(leased)
        ],
        batch_size=2000,
    )  # fmt: skip
    ContractSpace.objects.bulk_create(
        [
            ContractSpace(
                contract=c, park=park, unit=unit, building=building, area_sqm=Decimal(100), kind="lease",
                occupies=True, start_on=c.start_on, end_on=c.end_on,
            )
            for c in contracts
        ],
        batch_size=5000,
    )  # fmt: skip
    programme = Programme.objects.create(park=park, name="基准孵化器")
    stages = (IncubationStage.PRE_INCUBATION, IncubationStage.INCUBATING, IncubationStage.ACCELERATING)
    IncubationRecord.objects.bulk_create(
        [
            IncubationRecord(
                programme=programme, park=park, enterprise=e, stage=rng.choice(stages), stage_since=AS_OF,
                admitted_on=AS_OF - datetime.timedelta(days=200), period_months=48, due_on=AS_OF + datetime.timedelta(days=1200),
            )
            for e in enterprises
            if rng.random() < 0.1
        ],
        batch_size=5000,
    )  # fmt: skip
    _schemes(park, rng)


RULE_TEMPLATES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (EligibilityFact.ABOVE_SCALE, CriterionOperator.IS_TRUE, ("",)),
    (EligibilityFact.HIGH_TECH, CriterionOperator.IS_TRUE, ("",)),
    (EligibilityFact.SPECIALISED, CriterionOperator.IS_TRUE, ("",)),
    (EligibilityFact.RD_INTENSITY, CriterionOperator.GTE, ("3", "4", "5")),
    (EligibilityFact.REVENUE_WAN, CriterionOperator.GTE, ("500", "1000", "2000")),
    (EligibilityFact.REVENUE_WAN, CriterionOperator.LT, ("2000", "5000")),
    (EligibilityFact.INDUSTRY, CriterionOperator.PREFIX, ("27", "27,358", "35,14")),
    (EligibilityFact.EMPLOYEES, CriterionOperator.LTE, ("100", "300")),
    (EligibilityFact.AGE_YEARS, CriterionOperator.LT, ("3", "5", "10")),
    (EligibilityFact.IN_PARK_YEARS, CriterionOperator.GTE, ("1", "2")),
    (EligibilityFact.STAGE, CriterionOperator.IN, ("incubating,accelerating", "pre_incubation,incubating")),
)


def _schemes(park: Park, rng: random.Random) -> None:
    for index in range(30):
        scheme = Scheme.objects.create(park=park, name=f"基准政策{index}", level=SchemeLevel.DISTRICT)
        templates = rng.sample(RULE_TEMPLATES, rng.randint(2, 4))
        SchemeCriterion.objects.bulk_create(
            SchemeCriterion(scheme=scheme, fact=fact, operator=op, value=rng.choice(values), position=i)
            for i, (fact, op, values) in enumerate(templates)
        )


def _condition(fact: str, operator: str, value: str) -> str:
    """One criterion as a SQL condition over the facts subquery (NULL = missing = failing)."""
    numeric = {"gte": ">=", "lte": "<=", "gt": ">", "lt": "<"}
    if fact in ("above_scale", "high_tech", "specialised"):
        return f"f.{fact} = 1" if operator == "is_true" else f"f.{fact} = 0"
    if fact == "industry":
        return "(" + " OR ".join(f"f.industry LIKE '{p}%%'" for p in value.split(",")) + ")"
    if fact == "stage":
        return "f.stage IN (" + ", ".join(f"'{s}'" for s in value.split(",")) + ")"
    column = {"rd_intensity": "f.rd", "revenue_wan": "f.revenue", "employees": "f.employees",
              "age_years": "f.age", "in_park_years": "f.in_park"}[fact]  # fmt: skip
    threshold = Decimal(value) * (WAN if fact == "revenue_wan" else 1)
    return f"({column} IS NOT NULL AND {column} {numeric[operator]} {threshold})"


def _facts_sql(vendor: str) -> str:
    if vendor == "postgresql":
        age = "ROUND(((%(as_of)s::date - e.founded_on) / 365.25)::numeric, 2)"
        in_park = "ROUND(((%(as_of)s::date - c.first) / 365.25)::numeric, 2)"
        quals = "e.qualifications::text"
        truth = "CASE WHEN {} THEN 1 ELSE 0 END"
    else:
        age = "ROUND((julianday(%(as_of)s) - julianday(e.founded_on)) / 365.25, 2)"
        in_park = "ROUND((julianday(%(as_of)s) - julianday(c.first)) / 365.25, 2)"
        quals = "CAST(e.qualifications AS TEXT)"
        truth = "CASE WHEN {} THEN 1 ELSE 0 END"
    high_tech = truth.format("e.high_tech OR ms.enterprise_id IS NOT NULL")
    specialised = truth.format(f"{quals} LIKE '%%\"specialised\"%%' OR {quals} LIKE '%%\"little_giant\"%%'")
    return f"""
SELECT e.id AS id, {truth.format("e.above_scale")} AS above_scale, {high_tech} AS high_tech, {specialised} AS specialised,
  CASE WHEN r.revenue > 0 AND r.rnd_spending IS NOT NULL THEN r.rnd_spending * 100 / r.revenue END AS rd,
  r.revenue AS revenue, e.industry_code AS industry, COALESCE(r.employees, e.employees) AS employees,
  CASE WHEN e.founded_on IS NOT NULL THEN {age} END AS age,
  CASE WHEN c.first <= %(as_of)s THEN {in_park} END AS in_park, COALESCE(ir.stage, '') AS stage
FROM enterprises_enterprise e
JOIN enterprises_enterprise_parks ep ON ep.enterprise_id = e.id AND ep.park_id = %(park)s
LEFT JOIN park_statistics_monthlyreport r ON r.enterprise_id = e.id AND r.park_id = %(park)s
  AND r.year = %(last_year)s AND r.month = 12 AND r.is_cumulative = %(true)s
LEFT JOIN (SELECT DISTINCT enterprise_id FROM innovation_milestone WHERE kind = 'high_tech'
  AND "on" > %(valid_from)s AND "on" <= %(as_of)s) ms ON ms.enterprise_id = e.id
LEFT JOIN (SELECT lc.enterprise_id, MIN(cs.start_on) AS first FROM leasing_contractspace cs
  JOIN leasing_contract lc ON lc.id = cs.contract_id WHERE cs.park_id = %(park)s AND cs.occupies = %(true)s
  GROUP BY lc.enterprise_id) c ON c.enterprise_id = e.id
LEFT JOIN incubation_incubationrecord ir ON ir.enterprise_id = e.id AND ir.park_id = %(park)s
  AND ir.stage IN ('pre_incubation', 'incubating', 'accelerating')
WHERE e.merged_into_id IS NULL AND e.lifecycle = 'tenant'
"""


@benchmark("incubation.eligibility_scan")
def eligibility_scan(scale: str) -> Case:
    count = 20_000 if scale == "full" else 4_000
    park = _park(f"BENCH-ELIG-{count}", f"政策匹配基准园区 {count}")
    _fill_enterprises(park, count, seed=30)
    schemes = list(Scheme.objects.filter(park=park).prefetch_related("criteria").order_by("pk"))
    fails = []
    for scheme in schemes:
        parts = [
            f"CASE WHEN {_condition(c.fact, c.operator, c.value)} THEN 0 ELSE 1 END" for c in scheme.criteria.all()
        ]
        fails.append(" + ".join(parts) or "0")
    columns = ", ".join(f"{expression} AS s{i}" for i, expression in enumerate(fails))
    sql = f"SELECT f.id, {columns} FROM ({_facts_sql(connection.vendor)}) f"
    params: dict[str, Any] = {
        "park": park.pk,
        "as_of": AS_OF,
        "last_year": AS_OF.year - 1,
        "true": True,
        "valid_from": AS_OF.replace(year=AS_OF.year - 3),
    }

    def subject() -> list[tuple[int, int]]:
        scan = selectors.eligibility_scan(park.pk, AS_OF, schemes)
        return [(scan.results[s.pk].qualified_count, scan.results[s.pk].near_miss_count) for s in schemes]

    def floor() -> list[tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        counts = [[0, 0] for _ in schemes]
        for row in rows:
            for index, failed in enumerate(row[1:]):
                if failed <= 1:
                    counts[index][failed] += 1
        return [(q, n) for q, n in counts]

    def check(s: Any, f: Any) -> None:
        assert s == f, f"scan {s} != raw SQL {f}"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: facts joined once, failed rules per scheme",
        target_ratio=3.0,
        check=check,
        notes=f"{count} enterprises × {len(schemes)} schemes",
    )
