"""Every non-trivial read of investment promotion: matching, reverse matching, the pipeline, timelines."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, F, FloatField, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import is_staff_member, visible_park_ids
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.investment import matching
from parkos.investment.choices import OPEN_STAGES, PIPELINE, LeadStage
from parkos.investment.matching import Constraint, Match, Need, ParkInfo, Ranking, Rejection, Space
from parkos.investment.models import Activity, Lead, Notification, Requirement, StageChange
from parkos.parks.choices import CLEANROOM_RANK
from parkos.parks.models import Floor, LandParcel, Park, Unit, UnitAdjacency
from parkos.parks.selectors import stores_class, units_hosting
from parkos.web.todo import TodoItem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User

ZERO = Decimal(0)

# --- Requirements as the engine sees them ----------------------------------------------------------


def need_of(requirement: Requirement, *, preferred_park_ids: Iterable[int] | None = None) -> Need:
    """The engine's view of a requirement (`preferred_park_ids` saves a query when prefetched)."""
    if preferred_park_ids is None:
        preferred_park_ids = requirement.preferred_parks.values_list("pk", flat=True)
    return Need(
        space_kind=requirement.space_kind,
        tenure=requirement.tenure,
        area_min=requirement.area_min_sqm,
        area_max=requirement.area_max_sqm,
        tenant_class=requirement.fire_class or None,
        storage_class=requirement.storage_fire_class or None,
        cold_temp=requirement.cold_storage_temp_c,
        floor_preference=requirement.floor_preference or "",
        cleanroom=requirement.cleanroom_grade or "",
        min_load=requirement.min_floor_load_kn_m2,
        min_height=requirement.min_clear_height_m,
        min_power=requirement.min_power_kva,
        min_lift=requirement.min_lift_t,
        min_crane=requirement.min_crane_t,
        wastewater=requirement.needs_wastewater_pretreatment,
        budget_rent=requirement.budget_rent_yuan_per_sqm_month,
        budget_price=requirement.budget_price_yuan_per_sqm,
        budget_land_wan_per_mu=requirement.budget_land_wan_per_mu,
        cities=frozenset(requirement.preferred_cities or ()),
        park_ids=frozenset(preferred_park_ids),
        industry_code=requirement.industry_code or "",
        tax_wan=requirement.expected_annual_tax_wan,
        investment_wan=requirement.investment_wan,
        move_in=requirement.move_in_on,
    )


# --- Candidates: SQL narrowing ------------------------------------------------------------------------

UNIT_COLUMNS = (
    "pk", "park_id", "code", "area_sqm", "design_fire_class", "rent_yuan_per_sqm_month", "sale_price_yuan_per_sqm",
    "for_sale", "building_id", "building__code", "floor_id", "floor__level", "building__structure",
    "building__storeys", "building__fire_resistance_grade", "building__sprinklered", "floor__floor_load_kn_m2",
    "floor__clear_height_m", "power_kva", "freight_lift_t", "building__freight_lift_t", "crane_t", "cleanroom_grade",
    "wastewater_pretreatment", "space_type", "storage_fire_class", "cold_storage_min_c", "storeys_spanned",
)  # fmt: skip
#: For rejections only: when a space that is not free on the move-in date becomes free.
FREE_COLUMNS = ("available_from", "reserved_until", "committed_until")
PARCEL_COLUMNS = (
    "pk",
    "park_id",
    "code",
    "area_sqm",
    "design_fire_class",
    "rent_yuan_per_sqm_month",
    "price_wan_per_mu",
)


def _unit_space(row: tuple[Any, ...], land_sqm: float | None = None, free_from: datetime.date | None = None) -> Space:
    # Positional, in `Space`'s field order: a broad search builds thousands (keywords cost more).
    return Space(
        "unit", row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], None,  # kind … land price
        row[8], row[9], row[10], row[11], row[11] + row[27] - 1,  # building, floor, level, top level
        row[12], row[13], row[14], row[15], row[16], row[17], row[18],  # structure … power
        row[19] if row[19] is not None else row[20], row[21], row[22], row[23], row[24], row[25], row[26],
        land_sqm, free_from,
    )  # fmt: skip


def _free_from(columns: tuple[Any, ...]) -> datetime.date | None:
    """The first day a space is free again: after its delivery date, reservation and contracts."""
    available_from, reserved_until, committed_until = (None if v is None else _as_date(v) for v in columns)
    if committed_until == datetime.date.max:
        return None  # sold, or held with no end
    one = datetime.timedelta(days=1)
    days = [
        d
        for d in (
            available_from,
            reserved_until + one if reserved_until else None,
            committed_until + one if committed_until else None,
        )
        if d is not None
    ]
    return max(days) if days else None


def _as_date(value: object) -> datetime.date:
    # Raw rows: SQLite returns ISO strings, PostgreSQL dates.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _parcel_space(row: tuple[Any, ...]) -> Space:
    return Space(
        kind="parcel",
        id=row[0],
        park_id=row[1],
        code=row[2],
        area=row[3],
        design_class=row[4],
        rent=row[5],
        land_price_wan_per_mu=row[6],
    )


def _raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Rows of an ORM-built query without the per-value converters.

    The engine compares and scores numbers in float, so SQLite's floats need no Decimal conversion
    (which costs more than the query on a broad search); PostgreSQL returns Decimals either way.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def unit_space(unit: Unit) -> Space:
    """One unit as the engine sees it (reverse matching)."""
    row = Unit.objects.filter(pk=unit.pk).values_list(*UNIT_COLUMNS).get()
    return _unit_space(row)


def parcel_space(parcel: LandParcel) -> Space:
    return _parcel_space(LandParcel.objects.filter(pk=parcel.pk).values_list(*PARCEL_COLUMNS).get())


def _area_q(need: Need, *, with_min: bool = True) -> Q:
    q = Q()
    if with_min and need.area_min is not None:
        q &= Q(area_sqm__gte=need.area_min)
    if need.area_max is not None:
        q &= Q(area_sqm__lte=need.area_max)
    return q


def unit_column_filters(need: Need) -> dict[str, Q]:
    """The hard constraints that map to unit columns, one Q each (the explanation counts them apart)."""
    filters: dict[str, Q] = {}
    if need.wants_units:
        filters[Constraint.SPACE_TYPE] = Q(space_type__in=sorted(need.unit_types))
    if need.tenant_class:
        filters[Constraint.FIRE] = units_hosting(need.tenant_class)
    if need.storage_class:
        filters[Constraint.STORAGE] = Q(storage_fire_class__in=stores_class(need.storage_class))
    if need.cold_temp is not None:
        filters[Constraint.COLD] = Q(cold_storage_min_c__lte=need.cold_temp)
    if need.floor_preference == "ground":
        filters[Constraint.FLOOR] = Q(floor__level=1)
    if need.min_load is not None:
        filters[Constraint.LOAD] = Q(floor__floor_load_kn_m2__gte=need.min_load)
    if need.min_height is not None:
        filters[Constraint.HEIGHT] = Q(floor__clear_height_m__gte=need.min_height)
    if need.min_power is not None:
        filters[Constraint.POWER] = Q(power_kva__gte=need.min_power)
    if need.cleanroom:
        wanted = CLEANROOM_RANK[need.cleanroom]
        filters[Constraint.CLEANROOM] = Q(cleanroom_grade__in=[g for g, r in CLEANROOM_RANK.items() if r >= wanted])
    if need.min_crane is not None:
        filters[Constraint.CRANE] = Q(crane_t__gte=need.min_crane)
    if need.wastewater:
        filters[Constraint.WASTEWATER] = Q(wastewater_pretreatment=True)
    if need.tenure == "buy":
        filters[Constraint.TENURE] = Q(for_sale=True)
    return filters


def _parcel_column_filters(need: Need) -> dict[str, Q]:
    filters: dict[str, Q] = {}
    if need.tenant_class:
        filters[Constraint.FIRE] = units_hosting(need.tenant_class)  # same column, same rule
    return filters


def _and(qs: Iterable[Q]) -> Q:
    result = Q()
    for q in qs:
        result &= q
    return result


#: Industry-chain neighbour counts change slowly (tenants move in over months): cached this long.
CHAIN_CACHE_SECONDS = 300


def chain_neighbours(division: str) -> dict[int, int]:
    """Tenants per park whose GB/T 4754 code is in `division` (2 digits), cached for a few minutes.

    A range on the indexed code column (not LIKE) so the 220,000-row pool answers from the index.
    """

    if not division.isdigit():
        return {}
    key = f"investment:chain:{division}"
    cached: dict[int, int] | None = cache.get(key)
    if cached is not None:
        return cached
    upper = f"{int(division) + 1:02d}"
    counts = dict(
        Enterprise.objects.filter(
            merged_into__isnull=True,
            lifecycle=EnterpriseLifecycle.TENANT,
            industry_code__gte=division,
            industry_code__lt=upper,
            parks__isnull=False,
        )
        .values_list("parks")
        .annotate(n=Count("pk", distinct=True))
    )
    cache.set(key, counts, CHAIN_CACHE_SECONDS)
    return counts


def park_infos(park_ids: list[int] | None, *, industry_code: str = "") -> dict[int, ParkInfo]:
    """Every active park (of `park_ids`, None = all) with its policy, thresholds and chain neighbours."""
    parks = Park.objects.active()
    if park_ids is not None:
        parks = parks.filter(pk__in=park_ids)
    neighbours = chain_neighbours(industry_code[:2]) if industry_code else {}
    return {
        pk: ParkInfo(
            id=pk,
            name=name,
            city=city,
            code=code,
            welcomed=tuple(welcomed or ()),
            min_tax_wan_per_mu=min_tax,
            min_investment_wan_per_mu=min_inv,
            chain_neighbours=neighbours.get(pk, 0),
        )
        for pk, name, city, code, welcomed, min_tax, min_inv in parks.values_list(
            "pk",
            "name",
            "city",
            "code",
            "welcomed_industry_codes",
            "min_tax_wan_per_mu_year",
            "min_investment_wan_per_mu",
        )
    }


@dataclass(frozen=True)
class MatchReport:
    """A ranking plus what the page needs to explain it."""

    ranking: Ranking
    need: Need
    parks: dict[int, ParkInfo] = field(default_factory=dict)
    #: On request: every candidate of the parks considered that failed, with why (fewest failures first).
    rejected: tuple[Rejection, ...] = ()
    rejected_total: int = 0
    #: An empty result: the nearest candidates and what would have to change.
    hints: tuple[str, ...] = ()

    @property
    def matches(self) -> tuple[Match, ...]:
        return self.ranking.matches

    @property
    def combinations(self) -> tuple[Match, ...]:
        return self.ranking.combinations

    @property
    def flags(self) -> list[str]:
        """Threshold shortfalls of the best matches' parks (one line per park)."""
        seen: dict[str, None] = {}
        for match in (*self.matches[:5], *self.combinations[:3]):
            for flag in match.flags:
                seen.setdefault(flag)
        return list(seen)

    @property
    def policy_maybe(self) -> bool:
        """Some results only "may fit" the park's policy: the lead's industry code is too broad."""
        return any(m.policy_maybe for m in (*self.matches, *self.combinations))

    @property
    def empty_reason(self) -> str:
        if not self.ranking.is_empty:
            return ""
        top = self.ranking.top_eliminator()
        if top is None:
            return _("没有可供匹配的空间：您可见的园区中暂无可租售的单元或地块。")
        constraint, count = top
        return _("没有符合条件的空间。排除候选最多的条件是“%(label)s”（排除 %(count)d 个）。") % {
            "label": constraint.label,
            "count": count,
        }


#: Rejections listed at most (the page and the API say how many there were in all).
REJECTED_LIMIT = 500


def match_requirement(
    requirement: Requirement | Need,
    *,
    park_ids: list[int] | None,
    limit: int = matching.DEFAULT_LIMIT,
    day: datetime.date | None = None,
    include_rejected: bool = False,
) -> MatchReport:
    """Rank every available unit and parcel in `park_ids` (None: every active park) for a requirement.

    1. Parks: drop those whose industry policy excludes the use (pure `policy_fit`, per park; a
       lead coded more broadly than the policy is kept as "may fit").
    2. SQL: free for a move-in on the date (signed leases that start later count), area range, and
       the column constraints (space type, fire and storage class, cold store, ground floor, load,
       height, power, clean room, crane, wastewater, for sale).
    3. Engine: placement blocks, floors, lifts, scores (with the land apportioned to each unit when
       tax or investment per 亩 is scored) and reasons for the top `limit`.
    4. No unit large enough: units recorded as adjacent that pass everything else are combined.
    5. Empty, or on request: every other candidate with the constraints it failed; for an empty
       result the nearest of them and what would have to change, and what eliminated most.
    """
    need = requirement if isinstance(requirement, Need) else need_of(requirement)
    day = _move_in_day(need, day)
    parks = park_infos(park_ids, industry_code=need.industry_code)
    welcome = [pk for pk, park in parks.items() if matching.park_policy_fit(park, need.industry_code) != "no"]
    unit_filters = unit_column_filters(need)
    spaces: list[Space] = []
    if need.wants_units and welcome:
        units = (
            Unit.objects.available_on(day)
            .filter(park_id__in=welcome, building__archived_at__isnull=True)
            .filter(_area_q(need), _and(unit_filters.values()))
            .order_by()
            .values_list(*UNIT_COLUMNS)
        )
        spaces.extend(_unit_spaces(need, _raw_rows(units)))
    if need.wants_parcels and welcome:
        parcels = (
            LandParcel.objects.available_on(day)
            .filter(park_id__in=welcome)
            .filter(_area_q(need), _and(_parcel_column_filters(need).values()))
            .order_by()
            .values_list(*PARCEL_COLUMNS)
        )
        spaces.extend(map(_parcel_space, _raw_rows(parcels)))
    ranking = matching.rank(need, spaces, parks, limit=limit)
    if (
        need.wants_units
        and need.area_min is not None
        and welcome
        and not any(m.kind == "unit" for m in ranking.matches)
    ):
        ranking = _with_combinations(need, ranking, parks, welcome, unit_filters, day, limit)
    rejected: list[Rejection] = []
    hints: list[str] = []
    if ranking.is_empty or include_rejected:
        rejected = _rejected(need, parks, day)
    if ranking.is_empty:
        ranking = Ranking(
            matches=(),
            combinations=(),
            considered=ranking.considered,
            eliminated=_count_eliminations(need, parks, park_ids, unit_filters, day, ranking.eliminated),
        )
        hints = matching.nearest_hints(rejected, need)
    return MatchReport(
        ranking=ranking,
        need=need,
        parks=parks,
        rejected=tuple(rejected[:REJECTED_LIMIT]) if include_rejected else (),
        rejected_total=len(rejected) if include_rejected else 0,
        hints=tuple(hints),
    )


def _move_in_day(need: Need, day: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    if need.move_in is not None:
        return max(need.move_in, today)
    return day or today


def _unit_spaces(need: Need, rows: list[tuple[Any, ...]], *, with_free: bool = False) -> list[Space]:
    """Units as the engine sees them, from rows of `UNIT_COLUMNS` (then `FREE_COLUMNS` with
    `with_free`, for rejections), with the land apportioned to each when a per-亩 figure is scored
    (one query).

    A unit's land = its share of the building's floor area above ground × the land under the
    building (`Building.land_area_sqm`, else its ground-floor area). Each space is built once, with
    its land: a broad search reads thousands (benchmark investment.match_broad).
    """
    n = len(UNIT_COLUMNS)
    buildings: dict[int, tuple[float, float]] = {}
    if rows and (need.tax_wan is not None or need.investment_wan is not None):
        buildings = building_land({row[8] for row in rows if row[8] is not None})
    spaces = []
    for row in rows:
        gross, land = buildings.get(row[8] or 0, (0.0, 0.0))
        share = float(row[3]) / gross * land if gross and land else None
        spaces.append(_unit_space(row, share, _free_from(row[n : n + len(FREE_COLUMNS)]) if with_free else None))
    return spaces


def building_land(building_ids: Iterable[int]) -> dict[int, tuple[float, float]]:
    """{building id: (floor area above ground m², land under the building m²)}.

    Aggregated over the floors grouped by building only (grouping buildings by every column, as an
    annotation on `Building` does, cost a broad search more than its candidates' query).
    """
    ids = sorted(set(building_ids))
    if not ids:
        return {}
    rows = (
        Floor.objects.filter(building_id__any_of=ids)
        .order_by()
        .values_list("building_id", "building__land_area_sqm")
        .annotate(
            # Floats: only divided by, and without the cast to NUMERIC SQLite would add per group.
            gross=Sum("area_sqm", filter=Q(level__gt=0), output_field=FloatField()),
            ground=Max("area_sqm", filter=Q(level=1), output_field=FloatField()),
        )
    )
    return {pk: (float(gross or 0), float(land or ground or 0)) for pk, land, gross, ground in rows}


def unit_adjacency(unit_ids: Iterable[int]) -> dict[int, dict[int, str]]:
    """The recorded adjacency among some units: {unit id: {neighbour id: "side" | "stacked"}}."""
    ids = list(set(unit_ids))
    graph: dict[int, dict[int, str]] = defaultdict(dict)
    if not ids:
        return graph
    pairs = UnitAdjacency.objects.filter(unit_id__any_of=ids, other_id__any_of=ids).values_list(
        "unit_id", "other_id", "relation"
    )
    for a, b, relation in pairs:
        graph[a][b] = relation
        graph[b][a] = relation
    return graph


def _with_combinations(
    need: Need,
    ranking: Ranking,
    parks: dict[int, ParkInfo],
    welcome: list[int],
    unit_filters: dict[str, Q],
    day: datetime.date,
    limit: int,
) -> Ranking:
    """Add combinations of smaller units that the inventory records as adjacent."""
    assert need.area_min is not None
    rows = (
        Unit.objects.available_on(day)
        .filter(park_id__in=welcome, building__archived_at__isnull=True, area_sqm__lt=need.area_min)
        .filter(_and(unit_filters.values()))
        .filter(Q(pk__in=UnitAdjacency.objects.values("unit_id")) | Q(pk__in=UnitAdjacency.objects.values("other_id")))
        .order_by()
        .values_list(*UNIT_COLUMNS)
    )
    parts = [
        s
        for s in _unit_spaces(need, _raw_rows(rows))
        if not matching.hard_failures(need, s, parks[s.park_id], check_area=False)
    ]
    adjacency = unit_adjacency(s.id for s in parts)
    combos = tuple(matching.combine_adjacent(need, parts, parks, adjacency, limit=limit))
    return Ranking(
        matches=ranking.matches, combinations=combos, considered=ranking.considered, eliminated=ranking.eliminated
    )


def _rejected(need: Need, parks: dict[int, ParkInfo], day: datetime.date) -> list[Rejection]:
    """Every lettable unit and parcel of the parks considered that does not fit, with why."""
    park_ids = list(parks)
    spaces: list[Space] = []
    unavailable: set[tuple[str, int]] = set()
    if need.wants_units:
        units = Unit.objects.filter(
            park_id__in=park_ids, archived_at__isnull=True, lettable=True, building__archived_at__isnull=True
        )
        free = set(units.available_on(day).values_list("pk", flat=True))
        rows = _raw_rows(units.order_by().values_list(*UNIT_COLUMNS, *FREE_COLUMNS))
        spaces.extend(_unit_spaces(need, rows, with_free=True))
        unavailable |= {("unit", row[0]) for row in rows if row[0] not in free}
    if need.wants_parcels:
        parcels = LandParcel.objects.filter(park_id__in=park_ids, archived_at__isnull=True, lettable=True)
        free = set(parcels.available_on(day).values_list("pk", flat=True))
        rows = _raw_rows(parcels.order_by().values_list(*PARCEL_COLUMNS))
        spaces.extend(map(_parcel_space, rows))
        unavailable |= {("parcel", row[0]) for row in rows if row[0] not in free}
    return matching.reject(need, spaces, parks, unavailable=frozenset(unavailable))


def _count_eliminations(
    need: Need,
    parks: dict[int, ParkInfo],
    park_ids: list[int] | None,
    unit_filters: dict[str, Q],
    day: datetime.date,
    engine_counts: dict[str, int],
) -> dict[str, int]:
    """How many lettable candidates each constraint rules out on its own (SQL, one query per kind)."""
    counts: Counter[str] = Counter(engine_counts)
    scoped_units = Unit.objects.filter(archived_at__isnull=True, lettable=True, park__archived_at__isnull=True)
    scoped_parcels = LandParcel.objects.filter(archived_at__isnull=True, lettable=True, park__archived_at__isnull=True)
    if park_ids is not None:
        scoped_units = scoped_units.filter(park_id__in=park_ids)
        scoped_parcels = scoped_parcels.filter(park_id__in=park_ids)
    policy_out = [pk for pk, p in parks.items() if matching.park_policy_fit(p, need.industry_code) == "no"]
    for wanted, queryset, filters in (
        (need.wants_units, scoped_units, unit_filters),
        (need.wants_parcels, scoped_parcels, _parcel_column_filters(need)),
    ):
        if not wanted:
            continue
        checks: dict[str, Q] = dict(filters)
        area = _area_q(need)
        if area:
            checks[Constraint.AREA] = area
        aggregates = {key: Count("pk", filter=~q) for key, q in checks.items()}
        if policy_out:
            aggregates[Constraint.POLICY] = Count("pk", filter=Q(park_id__in=policy_out))
        aggregates["total"] = Count("pk")
        result = queryset.aggregate(**aggregates)
        total = result.pop("total")
        available = queryset.available_on(day).count()  # committed to a later lease counts as unavailable
        counts[Constraint.AVAILABILITY] = counts.get(Constraint.AVAILABILITY, 0) + (total - available)
        for key, value in result.items():
            counts[key] = max(counts.get(key, 0), 0) + value
    return {k: v for k, v in counts.items() if v}


def match_for_user(
    requirement: Requirement, user: User | AnonymousUser, *, include_rejected: bool = False
) -> MatchReport:
    """Matches across every park the person may see."""
    return match_requirement(requirement, park_ids=visible_park_ids(user), include_rejected=include_rejected)


# --- Reverse matching ---------------------------------------------------------------------------------


def leads_matching_space(space: Unit | LandParcel) -> list[tuple[Lead, Match]]:
    """Open leads that this unit or parcel fits, best first, each with the match and its reasons.

    SQL keeps requirements whose area range contains the space (and, for units, whose numeric needs
    it meets); the engine checks the rest per lead. The space must be available by each lead's
    move-in date.
    """
    is_unit = isinstance(space, Unit)
    row = unit_space(space) if isinstance(space, Unit) else parcel_space(space)
    requirements = Requirement.objects.filter(lead__stage__in=sorted(OPEN_STAGES)).filter(
        Q(area_min_sqm__isnull=True) | Q(area_min_sqm__lte=row.area),
        Q(area_max_sqm__isnull=True) | Q(area_max_sqm__gte=row.area),
    )
    if is_unit:
        requirements = requirements.exclude(space_kind="land").filter(
            Q(min_floor_load_kn_m2__isnull=True) | Q(min_floor_load_kn_m2__lte=row.floor_load or 0),
            Q(min_clear_height_m__isnull=True) | Q(min_clear_height_m__lte=row.clear_height or 0),
            Q(min_power_kva__isnull=True) | Q(min_power_kva__lte=row.power),
            cleanroom_grade__in=[g for g, r in CLEANROOM_RANK.items() if r <= CLEANROOM_RANK.get(row.cleanroom, 0)],
        )
    else:
        requirements = requirements.filter(Q(space_kind="land") | (Q(space_kind="factory") & ~Q(tenure="lease")))
    requirements = requirements.select_related("lead").prefetch_related("preferred_parks")
    parks = park_infos([row.park_id])
    if row.park_id not in parks:
        return []
    park = parks[row.park_id]
    results: list[tuple[Lead, Match]] = []
    today = timezone.localdate()
    for requirement in requirements:
        need = need_of(requirement, preferred_park_ids=[p.pk for p in requirement.preferred_parks.all()])
        day = max(need.move_in or today, today)
        if space.status_on(day).value != "available" or (space.available_from and space.available_from > day):
            continue
        if space.committed_until is not None and space.committed_until >= day:
            continue  # a signed lease from a later date overlaps this move-in
        if not matching.fits(need, row, park):
            continue
        value = matching.score(need, (row,), park)
        results.append((requirement.lead, matching.explain(need, (row,), park, value)))
    results.sort(key=lambda pair: (-pair[1].score, pair[0].pk))
    return results


# --- Leads, pipeline, timelines -------------------------------------------------------------------------


def scope_leads(user: User | AnonymousUser, queryset: QuerySet[Lead]) -> QuerySet[Lead]:
    """The leads a person may see: those of their parks, those they work, and — for operator
    admins — every lead, the operator-wide pool (no park) included."""
    if not is_staff_member(user):
        return queryset.none()
    park_ids = visible_park_ids(user)
    if park_ids is None:
        return queryset
    return queryset.filter(Q(park_id__in=park_ids) | Q(officer_id=user.pk))


def lead_list(user: User | AnonymousUser) -> QuerySet[Lead]:
    return scope_leads(user, Lead.objects.select_related("park", "officer", "requirement", "enterprise"))


@dataclass(frozen=True)
class BoardCard:
    """A lead as its board card shows it: days in stage, the next step and its date, area and tax."""

    lead: Lead
    days_in_stage: int
    next_step: str
    next_step_on: datetime.date | None
    overdue: bool
    area: str
    tax_wan: Decimal | None
    unassigned: bool


def board_cards(leads: Iterable[Lead], *, today: datetime.date | None = None) -> list[BoardCard]:
    """Cards for some leads (requirement preloaded), with each lead's earliest open next step (one query)."""
    today = today or timezone.localdate()
    leads = list(leads)
    steps: dict[int, tuple[datetime.date | None, str]] = {}
    for lead_id, step, on in (
        Activity.objects.filter(lead__in=[lead.pk for lead in leads], next_step_done_at__isnull=True)
        .exclude(next_step="")
        .order_by(F("next_step_on").asc(nulls_last=True), "pk")
        .values_list("lead_id", "next_step", "next_step_on")
    ):
        steps.setdefault(lead_id, (on, step))
    cards = []
    for lead in leads:
        on, step = steps.get(lead.pk, (None, ""))
        requirement = getattr(lead, "requirement", None)
        since = (
            timezone.localdate(lead.stage_changed_at) if lead.stage_changed_at else timezone.localdate(lead.created_at)
        )
        cards.append(
            BoardCard(
                lead=lead,
                days_in_stage=(today - since).days,
                next_step=step,
                next_step_on=on,
                overdue=on is not None and on < today,
                area=requirement.area_display if requirement is not None else "—",
                tax_wan=requirement.expected_annual_tax_wan if requirement is not None else None,
                unassigned=lead.park_id is None or lead.officer_id is None,
            )
        )
    return cards


def todo_next_steps(user: User, until: datetime.date) -> list[TodoItem]:
    """我的待办 from 招商: the person's open next steps due by `until` (registered with web.todo)."""
    return [
        TodoItem(
            title=f"{a.lead.company_name}：{a.next_step}",
            due_on=a.next_step_on,
            url=a.lead.get_absolute_url(),
            kind=str(_("跟进")),
        )
        for a in reminders_due(user, until=until)[:200]
        if a.next_step_on is not None
    ]


@dataclass(frozen=True)
class FunnelRow:
    stage: LeadStage
    reached: int
    conversion: Decimal | None  # to the next stage, %
    avg_days: Decimal | None  # average time spent in this stage


def pipeline_funnel(leads: QuerySet[Lead], *, now: datetime.datetime | None = None) -> list[FunnelRow]:
    """How many leads reached each stage, the conversion to the next, and the average days spent there."""
    now = now or timezone.now()
    order = {stage.value: i for i, stage in enumerate(PIPELINE)}
    lead_rows = dict(leads.values_list("pk", "stage"))
    furthest: dict[int, int] = {pk: order.get(stage, -1) for pk, stage in lead_rows.items()}
    durations: dict[str, list[float]] = defaultdict(list)
    history: dict[int, list[tuple[datetime.datetime, str]]] = defaultdict(list)
    for lead_id, to_stage, at in (
        StageChange.objects.filter(lead__in=leads)
        .values_list("lead_id", "to_stage", "at")
        .order_by("lead_id", "at", "pk")
    ):
        history[lead_id].append((at, to_stage))
        furthest[lead_id] = max(furthest.get(lead_id, -1), order.get(to_stage, -1))
    for changes in history.values():
        for (at, stage), nxt in zip(changes, [*changes[1:], (now, "")], strict=True):
            if stage in order and (nxt[1] or stage in OPEN_STAGES):
                durations[stage].append((nxt[0] - at).total_seconds() / 86400)
    reached = [sum(1 for f in furthest.values() if f >= i) for i in range(len(PIPELINE))]
    rows = []
    for i, stage in enumerate(PIPELINE):
        conversion = None
        if i + 1 < len(PIPELINE) and reached[i]:
            conversion = (Decimal(reached[i + 1]) * 100 / reached[i]).quantize(Decimal("0.1"))
        spent = durations.get(stage.value)
        avg = Decimal(sum(spent) / len(spent)).quantize(Decimal("0.1")) if spent else None
        rows.append(FunnelRow(stage=stage, reached=reached[i], conversion=conversion, avg_days=avg))
    return rows


@dataclass(frozen=True)
class ForecastRow:
    month: str
    leads: int
    weighted_area_sqm: Decimal
    weighted_tax_wan: Decimal


def pipeline_forecast(leads: QuerySet[Lead]) -> list[ForecastRow]:
    """Open leads by expected signing month: area and annual tax weighted by win probability."""
    buckets: dict[str, list[Decimal | int]] = {}
    rows = (
        leads.filter(stage__in=sorted(OPEN_STAGES), expected_signing_on__isnull=False)
        .select_related("requirement")
        .order_by("expected_signing_on")
    )
    for lead in rows:
        signing_on = lead.expected_signing_on
        if signing_on is None:  # excluded by the query; the type cannot tell
            continue
        month = signing_on.strftime("%Y-%m")
        p = Decimal(lead.effective_probability) / 100
        requirement = getattr(lead, "requirement", None)
        area = ZERO
        tax = ZERO
        if requirement is not None:
            need = need_of(requirement, preferred_park_ids=())
            area = need.area_target or ZERO
            tax = requirement.expected_annual_tax_wan or ZERO
        bucket = buckets.setdefault(month, [0, ZERO, ZERO])
        bucket[0] = int(bucket[0]) + 1
        bucket[1] = Decimal(bucket[1]) + area * p
        bucket[2] = Decimal(bucket[2]) + tax * p
    return [
        ForecastRow(
            month=m,
            leads=int(b[0]),
            weighted_area_sqm=Decimal(b[1]).quantize(Decimal("0.01")),
            weighted_tax_wan=Decimal(b[2]).quantize(Decimal("0.01")),
        )
        for m, b in sorted(buckets.items())
    ]


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str
    title: str
    text: str
    actor: str
    lead: Lead | None = None
    activity: Activity | None = None


def lead_timeline(lead: Lead) -> list[TimelineEntry]:
    """Activities and stage moves of one lead, newest first."""
    entries = [
        TimelineEntry(
            at=a.occurred_at,
            kind=a.kind,
            title=a.get_kind_display(),
            text=a.summary,
            actor=str(a.actor or ""),
            activity=a,
        )
        for a in lead.activities.select_related("actor").prefetch_related("units", "parcels")
    ]
    labels = dict(LeadStage.choices)
    for change in lead.stage_changes.select_related("actor"):
        title = _("阶段：%(from)s → %(to)s") % {
            "from": labels.get(change.from_stage, "—"),
            "to": labels.get(change.to_stage, change.to_stage),
        }
        entries.append(
            TimelineEntry(at=change.at, kind="stage", title=title, text=change.note, actor=str(change.actor or ""))
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def enterprise_timeline(enterprise_id: int, user: User | AnonymousUser) -> list[TimelineEntry]:
    """Investment activities on an enterprise, across the leads the person may see, newest first."""
    leads = lead_list(user).filter(enterprise_id=enterprise_id)
    activities = Activity.objects.filter(lead__in=leads).select_related("actor", "lead").order_by("-occurred_at")[:200]
    return [
        TimelineEntry(
            at=a.occurred_at,
            kind=a.kind,
            title=a.get_kind_display(),
            text=a.summary,
            actor=str(a.actor or ""),
            lead=a.lead,
            activity=a,
        )
        for a in activities
    ]


def unread_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-pk")


def reminders_due(user: User, *, until: datetime.date | None = None) -> QuerySet[Activity]:
    """Next steps on the person's leads due by `until` (today) and not done."""
    until = until or timezone.localdate()
    return (
        Activity.objects.filter(lead__officer=user, next_step_on__lte=until, next_step_done_at__isnull=True)
        .exclude(next_step="")
        .select_related("lead")
        .order_by("next_step_on", "pk")
    )
