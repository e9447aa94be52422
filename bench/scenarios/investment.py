"""Investment: ranking one requirement across the portfolio, and reverse matching 1,000 open leads.

Floors, measured in the same run:
- matching: the raw SQL query that applies only the hard filters (availability on the move-in date,
  area, fire class, floor load, clear height, clean room, industry-policy parks) to units and parcels
  and fetches the same rows the engine reads; target ratio ≤ 5.
- reverse matching: the raw SQL that finds the open requirements whose area range contains the unit;
  the issue's target is absolute (median < 1 s on SQLite), shown in the notes.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.core.db import refresh_planner_statistics
from parkos.investment import matching, selectors
from parkos.investment.matching import Need
from parkos.investment.models import Lead, Requirement
from parkos.parks.choices import CLEANROOM_RANK
from parkos.parks.demo import load_demo
from parkos.parks.fire import FireHazardClass, hazard_rank
from parkos.parks.models import LandParcel, Park, Unit

TARGET_PARCELS = 2000
REVERSE_LEADS = 1000
BENCH_PREFIX = "BENCH"


def _ensure_portfolio(scale: str) -> None:

    load_demo(scale="full" if scale == "full" else "demo")
    if scale == "full":
        _add_parcels()
    # As every bulk loader does (the demo command, the parks benchmark): without statistics SQLite's
    # planner may start from the space-type index and scan most units.
    refresh_planner_statistics()


def _add_parcels() -> None:
    missing = TARGET_PARCELS - LandParcel.objects.count()
    if missing <= 0:
        return
    rng = random.Random(7)
    parks = list(Park.objects.order_by("pk"))
    start = LandParcel.objects.filter(code__startswith=f"{BENCH_PREFIX}-P").count()
    LandParcel.objects.bulk_create(
        [
            LandParcel(
                park=parks[i % len(parks)],
                code=f"{BENCH_PREFIX}-P{start + i:05d}",
                name="基准测试地块",
                area_sqm=Decimal(rng.randrange(6_667, 200_000)),
                price_wan_per_mu=Decimal(rng.randrange(20, 80)),
            )
            for i in range(missing)
        ]
    )


def _need(kind: str) -> Any:

    if kind == "broad":
        # A 丙 factory, lease or buy, 1,000–5,000 m², ordinary loads: many candidates survive SQL.
        return Need(space_kind="factory", tenure="either", area_min=Decimal(1000), area_max=Decimal(5000),
                    tenant_class="bing", min_load=Decimal(5), min_height=Decimal("4.5"), budget_rent=Decimal(25),
                    cities=frozenset({"重庆市"}), tax_wan=Decimal(300))  # fmt: skip
    # The sterile device maker: C (10万级) clean room, ≥ 8 kN/m², class 3581.
    return Need(space_kind="factory", tenure="lease", area_min=Decimal(800), area_max=Decimal(4000), tenant_class="bing",
                cleanroom="C", min_load=Decimal(8), industry_code="3581", tax_wan=Decimal(300))  # fmt: skip


def _raw_sql(need: Any, park_ids: list[int], day: datetime.date) -> list[tuple[str, list[Any]]]:
    avail = [
        "x.archived_at IS NULL", "x.lettable",
        "NOT (x.occupancy <> 'vacant' AND x.occupied_from <= %s AND (x.occupied_until IS NULL OR x.occupied_until >= %s))",
        "(x.reserved_until IS NULL OR x.reserved_until < %s)", "(x.available_from IS NULL OR x.available_from <= %s)",
    ]  # fmt: skip
    classes = [c.value for c in FireHazardClass if hazard_rank(c) <= hazard_rank(FireHazardClass(need.tenant_class))]
    park_list = ",".join(str(int(p)) for p in park_ids) or "NULL"
    common = [*avail, f"x.park_id IN ({park_list})", "x.area_sqm >= %s", "x.area_sqm <= %s",
              "x.design_fire_class IN (" + ",".join(f"'{c}'" for c in classes) + ")"]  # fmt: skip
    base_args: list[Any] = [day, day, day, day, need.area_min, need.area_max]
    types = ",".join(f"'{t}'" for t in sorted(need.unit_types))
    unit_where = [*common, f"x.space_type IN ({types})", "b.archived_at IS NULL", "f.floor_load_kn_m2 >= %s"]
    unit_args = [*base_args, need.min_load]
    if need.min_height is not None:
        unit_where.append("f.clear_height_m >= %s")
        unit_args.append(need.min_height)
    if need.cleanroom:
        grades = [g for g, r in CLEANROOM_RANK.items() if r >= CLEANROOM_RANK[need.cleanroom]]
        unit_where.append("x.cleanroom_grade IN (" + ",".join(f"'{g}'" for g in grades) + ")")
    units = (
        "SELECT x.id, x.park_id, x.code, x.area_sqm, x.design_fire_class, x.rent_yuan_per_sqm_month,"
        " x.sale_price_yuan_per_sqm, x.for_sale, x.building_id, b.code, x.floor_id, f.level, b.structure, b.storeys,"
        " b.fire_resistance_grade, b.sprinklered, f.floor_load_kn_m2, f.clear_height_m, x.power_kva, x.freight_lift_t,"
        " b.freight_lift_t, x.crane_t, x.cleanroom_grade, x.wastewater_pretreatment FROM parks_unit x"
        " JOIN parks_floor f ON f.id = x.floor_id JOIN parks_building b ON b.id = x.building_id WHERE "
        + " AND ".join(unit_where)
    )
    queries = [(units, unit_args)]
    if need.wants_parcels:
        parcels = (
            "SELECT x.id, x.park_id, x.code, x.area_sqm, x.design_fire_class, x.rent_yuan_per_sqm_month,"
            " x.price_wan_per_mu FROM parks_landparcel x WHERE " + " AND ".join(common)
        )
        queries.append((parcels, base_args))
    return queries


def _make_match(kind: str, scale: str) -> Case:

    _ensure_portfolio(scale)
    need = _need(kind)
    day = timezone.localdate()
    parks = selectors.park_infos(None, industry_code=need.industry_code)
    # The engine considers parks whose policy fits or may fit (a code broader than the policy).
    welcome = [pk for pk, p in parks.items() if matching.park_policy_fit(p, need.industry_code) != "no"]
    queries = _raw_sql(need, welcome, day)

    def subject() -> int:
        report = selectors.match_requirement(need, park_ids=None)
        return report.ranking.considered

    def floor() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql, args in queries:
                cursor.execute(sql, args)
                rows += len(cursor.fetchall())
        return rows

    def check(subject_value: int, floor_value: int) -> None:
        assert subject_value == floor_value, f"engine read {subject_value} candidates, raw SQL {floor_value}"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL, hard filters only (fetch rows)",
        target_ratio=5.0,
        check=check,
        notes=f"{Unit.objects.count()} units, {LandParcel.objects.count()} parcels; {floor()} candidates after SQL",
    )


@benchmark("investment.match_broad")
def match_broad(scale: str) -> Case:
    return _make_match("broad", scale)


@benchmark("investment.match_cleanroom")
def match_cleanroom(scale: str) -> Case:
    return _make_match("clean", scale)


def _ensure_open_leads() -> None:

    existing = Lead.objects.filter(company_name__startswith=BENCH_PREFIX).count()
    if existing >= REVERSE_LEADS:
        return
    rng = random.Random(11)
    now = timezone.now()
    leads = Lead.objects.bulk_create(
        [
            Lead(company_name=f"{BENCH_PREFIX} 线索 {existing + i:05d}", stage="new", stage_changed_at=now)
            for i in range(REVERSE_LEADS - existing)
        ]
    )
    leads = list(Lead.objects.filter(company_name__startswith=BENCH_PREFIX, requirement__isnull=True))
    requirements = []
    for lead in leads:
        low = Decimal(rng.randrange(300, 4000))
        requirements.append(
            Requirement(
                lead=lead,
                space_kind=rng.choice(["factory", "factory", "lab", "office"]),
                area_min_sqm=low,
                area_max_sqm=low * Decimal(rng.choice([1.5, 2, 3])),
                fire_class=rng.choice(["", "bing", "ding", "jia"]),
                cleanroom_grade=rng.choice(["", "", "", "D", "C"]),
                min_floor_load_kn_m2=rng.choice([None, Decimal(5), Decimal(8)]),
                expected_annual_tax_wan=Decimal(rng.randrange(20, 800)),
            )
        )
    Requirement.objects.bulk_create(requirements)


@benchmark("investment.reverse_match_1000_leads")
def reverse_match(scale: str) -> Case:

    _ensure_portfolio(scale)
    _ensure_open_leads()
    day = timezone.localdate()
    unit = Unit.objects.available_on(day).filter(area_sqm__gte=1500, area_sqm__lte=3000).order_by("pk").first()
    assert unit is not None
    sql = (
        "SELECT r.id FROM investment_requirement r JOIN investment_lead l ON l.id = r.lead_id"
        " WHERE l.stage IN ('new', 'contacted', 'site_visit', 'negotiating')"
        " AND (r.area_min_sqm IS NULL OR r.area_min_sqm <= %s) AND (r.area_max_sqm IS NULL OR r.area_max_sqm >= %s)"
    )

    def subject() -> int:
        return len(selectors.leads_matching_space(unit))

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [unit.area_sqm, unit.area_sqm])
            return len(cursor.fetchall())

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: open requirements whose area range holds the unit",
        target_ratio=None,
        notes=f"{Lead.objects.open().count()} open leads; unit {unit.code} {unit.area_sqm} m²; target: median < 1000 ms",
    )
