"""Every non-trivial read of parks and space: KPIs, stacking plans, availability."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from parkos.parks.choices import SpaceStatus
from parkos.parks.fire import FireHazardClass, hazard_rank
from parkos.parks.models import Building, Floor, LandParcel, Park, Unit, status_on

ZERO = Decimal(0)
_DEC = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class ParkKpis:
    land_area_sqm: Decimal
    built_area_sqm: Decimal
    lettable_area_sqm: Decimal
    vacant_area_sqm: Decimal
    buildings: int
    units: int
    units_by_status: dict[str, int]

    @property
    def vacancy_rate(self) -> Decimal | None:
        """Share of lettable area that is not leased or sold today (reserved space counts as vacant)."""
        if not self.lettable_area_sqm:
            return None
        return (self.vacant_area_sqm / self.lettable_area_sqm * 100).quantize(Decimal("0.1"))

    @property
    def occupancy_rate(self) -> Decimal | None:
        rate = self.vacancy_rate
        return None if rate is None else Decimal(100) - rate


def park_kpis(park_ids: list[int], day: datetime.date | None = None) -> dict[int, ParkKpis]:
    """KPIs for many parks in a constant number of queries (three aggregates, grouped by park)."""
    day = day or timezone.localdate()
    lettable = Unit.objects.filter(park_id__in=park_ids, archived_at__isnull=True, lettable=True)
    by_status: dict[int, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    for row in (
        lettable.annotate(s=status_on(day))
        .values("park_id", "s")
        .annotate(n=Count("pk"), area=Coalesce(Sum("area_sqm"), Value(ZERO), output_field=_DEC))
    ):
        by_status[row["park_id"]][row["s"]] = (row["n"], row["area"])
    built = dict(
        Floor.objects.filter(building__park_id__in=park_ids, building__archived_at__isnull=True)
        .values_list("building__park_id")
        .annotate(area=Sum("area_sqm"))
    )
    buildings = dict(
        Building.objects.filter(park_id__in=park_ids, archived_at__isnull=True)
        .values_list("park_id")
        .annotate(n=Count("pk"))
    )
    result: dict[int, ParkKpis] = {}
    for park_id, land in Park.objects.filter(pk__in=park_ids).values_list("pk", "land_area_sqm"):
        statuses = by_status.get(park_id, {})
        lettable_area = sum((area for _n, area in statuses.values()), ZERO)
        vacant_area = sum(
            (area for s, (_n, area) in statuses.items() if s in (SpaceStatus.AVAILABLE, SpaceStatus.RESERVED)), ZERO
        )
        result[park_id] = ParkKpis(
            land_area_sqm=land,
            built_area_sqm=built.get(park_id) or ZERO,
            lettable_area_sqm=lettable_area,
            vacant_area_sqm=vacant_area,
            buildings=buildings.get(park_id, 0),
            units=sum(n for n, _area in statuses.values()),
            units_by_status={s: n for s, (n, _area) in statuses.items()},
        )
    return result


def lettable_and_vacant_area(
    park_ids: list[int] | None, day: datetime.date | None = None
) -> dict[int, tuple[Decimal, Decimal]]:
    """Per park (None: every park with lettable units): lettable area and the part of it vacant
    (available or reserved) on ``day``. One aggregate, for reports that need the occupancy and
    nothing else of ``park_kpis``; parks without lettable units are absent."""
    day = day or timezone.localdate()
    lettable = Unit.objects.filter(archived_at__isnull=True, lettable=True)
    if park_ids is not None:
        lettable = lettable.filter(park_id__in=park_ids)
    vacant = Q(status__in=(SpaceStatus.AVAILABLE, SpaceStatus.RESERVED))
    rows = (
        lettable.annotate(status=status_on(day))
        .order_by()
        .values_list("park_id")
        .annotate(
            area=Coalesce(Sum("area_sqm"), Value(ZERO), output_field=_DEC),
            vacant=Coalesce(Sum("area_sqm", filter=vacant), Value(ZERO), output_field=_DEC),
        )
    )
    return {park_id: (area, vacant_area) for park_id, area, vacant_area in rows}


@dataclass
class StackingFloor:
    floor: Floor
    units: list[Unit] = field(default_factory=list)

    @property
    def let_area(self) -> Decimal:
        return sum((u.area_sqm for u in self.units), ZERO)

    @property
    def unlet_remainder(self) -> Decimal:
        """Floor area not divided into units (cores, corridors, or not yet partitioned)."""
        return max(self.floor.area_sqm - self.let_area, ZERO)


def building_stacking_plan(building: Building, day: datetime.date | None = None) -> list[StackingFloor]:
    """Floors top-down, each with its units and their status — two queries, whatever the unit count."""
    day = day or timezone.localdate()
    floors = {f.pk: StackingFloor(floor=f) for f in building.floors.order_by("-level")}
    units = (
        Unit.objects.filter(building=building, archived_at__isnull=True)
        .annotate(status_now=status_on(day))
        .order_by("code")
    )
    for unit in units:
        if unit.floor_id in floors:
            floors[unit.floor_id].units.append(unit)
    return list(floors.values())


def unit_search(queryset: QuerySet[Unit], *, day: datetime.date | None = None) -> QuerySet[Unit]:
    """Units with everything the availability list shows, and their status on `day`, in one query."""
    return queryset.select_related("park", "building", "floor").annotate(
        status_now=status_on(day or timezone.localdate())
    )


def parcel_search(queryset: QuerySet[LandParcel], *, day: datetime.date | None = None) -> QuerySet[LandParcel]:
    return queryset.select_related("park").annotate(status_now=status_on(day or timezone.localdate()))


def group_by_building(units: list[Unit]) -> list[tuple[Building, list[Unit]]]:
    groups: dict[int, tuple[Building, list[Unit]]] = {}
    for unit in units:
        groups.setdefault(unit.building_id, (unit.building, []))[1].append(unit)
    return list(groups.values())


def city_choices(park_ids: list[int] | None) -> list[str]:
    parks = Park.objects.active()
    if park_ids is not None:
        parks = parks.filter(pk__in=park_ids)
    return list(parks.order_by("city").values_list("city", flat=True).distinct())


def units_hosting(tenant_class: str) -> Q:
    """Units whose design class can host a tenant of `tenant_class` (space at most as hazardous)."""

    rank = hazard_rank(FireHazardClass(tenant_class))
    return Q(design_fire_class__in=[c.value for c in FireHazardClass if hazard_rank(c) <= rank])


def stores_class(stored_class: str) -> list[str]:
    """Storage classes (GB 50016 表3.1.3) of warehouses that may store goods of `stored_class`."""
    rank = hazard_rank(FireHazardClass(stored_class))
    return [c.value for c in FireHazardClass if hazard_rank(c) <= rank]
