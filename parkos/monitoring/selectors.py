"""Every non-trivial read of monitoring: series at any resolution, consumption per tenant (billing),
energy in tce and emissions (statistics' 亩均), the park dashboard and the floor view.

Reads go to the rollups, never to the readings, except a meter's raw series over a short range.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.enterprises.models import Enterprise
from parkos.leasing import selectors as leasing_selectors
from parkos.monitoring import energy, storage
from parkos.monitoring.choices import (
    KIND_UNITS,
    SEVERITY_RANK,
    UTILITY_KINDS,
    AlarmStatus,
    AllocationMethod,
    MeterKind,
    MeterStatus,
)
from parkos.monitoring.models import (
    Alarm,
    DailyRollup,
    HourlyRollup,
    Meter,
    MeterShare,
    MonthlyRollup,
    Reading,
    RejectedReading,
    VirtualTerm,
)
from parkos.parks.models import Building, Park, Unit

Resolution = str  # "raw" | "hour" | "day" | "month"
RESOLUTIONS: tuple[Resolution, ...] = ("raw", "hour", "day", "month")
#: The finest resolution that keeps a chart under a few thousand points.
RAW_MAX = datetime.timedelta(days=2)
HOUR_MAX = datetime.timedelta(days=62)
DAY_MAX = datetime.timedelta(days=2 * 366)


def _park_id(park: Park | int) -> int:
    return park if isinstance(park, int) else park.pk


# --- series ---------------------------------------------------------------------------------------


class SeriesPoint(NamedTuple):
    """A bucket of a series (a named tuple: built straight from the rollup's rows, a year of days
    costs next to nothing over the query)."""

    at: datetime.datetime | datetime.date
    samples: int
    total: float
    minimum: float | None
    maximum: float | None

    @property
    def average(self) -> float | None:
        return self.total / self.samples if self.samples else None


def pick_resolution(start: datetime.datetime, end: datetime.datetime) -> Resolution:
    span = end - start
    if span <= RAW_MAX:
        return "raw"
    if span <= HOUR_MAX:
        return "hour"
    if span <= DAY_MAX:
        return "day"
    return "month"


def _physical_series(
    meter_id: int, resolution: Resolution, start: datetime.datetime, end: datetime.datetime
) -> list[SeriesPoint]:
    zone = storage.local_zone()
    if resolution in ("hour", "day", "month"):
        first, last = start.astimezone(zone).date(), (end - storage.ONE_SECOND).astimezone(zone).date()
        low, high = {
            "hour": (start, end),
            "day": (first, last + datetime.timedelta(days=1)),
            "month": (storage.month_start(first), storage.next_month(last)),
        }[resolution]
        return list(map(SeriesPoint._make, storage.rollup_rows(resolution, meter_id, low, high)))
    if resolution == "raw":
        rows = (
            Reading.objects.filter(meter_id=meter_id, ts__gt=start, ts__lte=end, quantity__isnull=False)
            .order_by("ts")
            .values_list("ts", "quantity")
        )
        return [SeriesPoint(ts, 1, q or 0.0, q, q) for ts, q in rows]
    return []


def meter_series(
    meter: Meter, *, start: datetime.datetime, end: datetime.datetime, resolution: Resolution | None = None
) -> tuple[Resolution, list[SeriesPoint]]:
    """A meter's series over [start, end) at the given resolution (or the one that fits the range).

    Counters give consumption per bucket (`total`); sensors their mean, minimum and maximum. A virtual
    meter combines its terms bucket by bucket (hourly at the finest).
    """
    resolution = resolution if resolution in RESOLUTIONS else pick_resolution(start, end)
    if not meter.is_virtual:
        return resolution, _physical_series(meter.pk, resolution, start, end)
    resolution = "hour" if resolution == "raw" else resolution
    combined: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for source_id, coefficient in VirtualTerm.objects.filter(virtual=meter).values_list("source_id", "coefficient"):
        for point in _physical_series(source_id, resolution, start, end):
            entry = combined[point.at]
            entry[0] += float(coefficient) * point.total
            entry[1] = max(entry[1], float(point.samples))
    return resolution, [
        SeriesPoint(at, int(samples), total, None, None) for at, (total, samples) in sorted(combined.items())
    ]


def meter_recent(
    meter: Meter, *, limit: int = 20
) -> list[tuple[datetime.datetime, float, float | None, float | None, int]]:
    """The latest readings of a meter: (ts, raw, value, quantity, flags)."""
    rows = Reading.objects.filter(meter=meter).order_by("-ts").values_list("ts", "raw", "value", "quantity", "flags")
    return list(rows[:limit])


def meter_last_seen(meter_ids: Sequence[int]) -> dict[int, datetime.datetime]:
    """When each meter last reported (one indexed lookup per meter on the readings key)."""
    if not meter_ids:
        return {}
    rows = Reading.objects.filter(meter_id__in=list(meter_ids)).values("meter_id").annotate(last=Max("ts"))
    return {row["meter_id"]: row["last"] for row in rows}


# --- consumption per tenant (billing), energy and emissions (亩均) ---------------------------------


class ConsumptionLine(NamedTuple):
    """A tenant's consumption of one utility from one meter (own or shared) over a period.

    The interface billing consumes (docs/models/monitoring.md): `quantity` in `unit` (kWh, m³, t, GJ);
    `meter_id`/`meter_code` name the measuring point, `shared` says the tenant has a share of it, and
    `share_note` says so in words (in the reader's language, made when read: a park's month has
    a thousand lines, and most callers sum quantities without reading a note).
    """

    enterprise_id: int
    kind: str
    quantity: Decimal
    unit: str
    meter_id: int | None = None
    meter_code: str = ""
    shared: bool = False
    meter_name: str = ""
    #: How a shared meter is split (an AllocationMethod) and the tenant's fraction of it.
    allocation_method: str = ""
    fraction: float = 0.0

    @property
    def share_note(self) -> str:
        if self.shared and self.allocation_method:
            return _("公摊 %(name)s（%(method)s %(pct).2f%%）") % {
                "name": self.meter_name,
                "method": AllocationMethod(self.allocation_method).label,
                "pct": self.fraction * 100,
            }
        return _("表计 %(code)s %(name)s") % {"code": self.meter_code, "name": self.meter_name}


ONE_DAY = datetime.timedelta(days=1)
#: (meter, month, total) of the park's meters, from the statement that reads the meters.
MonthTotals = list[tuple[int, datetime.date, float]]


def _whole_months(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The first and last calendar months lying wholly within [start, end], if any."""
    first = start if start.day == 1 else storage.next_month(start)
    after = end + datetime.timedelta(days=1)
    last = storage.month_start(end) if after.day == 1 else storage.month_start(storage.month_start(end) - ONE_DAY)
    return (first, last) if first <= last else None


def _specs(
    park_id: int, kinds: Sequence[str], start: datetime.date, end: datetime.date, *, names: bool = True
) -> tuple[dict[int, energy.MeterSpec], MonthTotals]:
    """The park's meters as the attribution engine sees them (formulas and shares only where used;
    code and name only with `names`), and their totals of the whole months in [start, end] (read
    together: one round trip)."""
    rows = storage.park_meters(park_id, kinds, _whole_months(start, end), names=names)
    monthly = [(row[0], row[10], row[11]) for row in rows if row[10] is not None]
    # A meter comes once per month it has a total in: once, for a month's consumption.
    meters = rows if len({row[0] for row in rows}) == len(rows) else list({row[0]: row for row in rows}.values())
    virtual = [m[0] for m in meters if m[7]]
    terms: dict[int, list[tuple[int, float]]] = defaultdict(list)
    if virtual:
        for virtual_id, source_id, coefficient in VirtualTerm.objects.filter(virtual_id__in=virtual).values_list(
            "virtual_id", "source_id", "coefficient"
        ):
            terms[virtual_id].append((source_id, float(coefficient)))
    shares: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    fixed = [m[8] for m in meters if m[9] == AllocationMethod.FIXED]
    if fixed:
        for allocation_id, enterprise_id, percent in MeterShare.objects.filter(allocation_id__in=fixed).values_list(
            "allocation_id", "enterprise_id", "percent"
        ):
            shares[allocation_id].append((enterprise_id, percent))
    labels: dict[str, str] = {}
    specs: dict[int, energy.MeterSpec] = {}
    # Most meters have no formula and no allocation: their spec is their row's first seven columns
    # (tuple.__new__: the named tuple's own constructor is a Python function, a third of the cost).
    plain, new = ((), None), tuple.__new__
    for row in meters:
        if row[9] is None and row[0] not in terms:
            specs[row[0]] = new(energy.MeterSpec, row[:7] + plain)
            continue
        pk, code, name, kind, enterprise_id, unit_id, building_id, _virtual, allocation_id, method = row[:10]
        allocation = None
        if method:
            labels = labels or {value: str(label) for value, label in AllocationMethod.choices}
            allocation = energy.AllocationSpec(method, labels[method], tuple(shares.get(allocation_id, ())))
        formula = tuple(terms[pk]) if pk in terms else ()
        specs[pk] = energy.MeterSpec(pk, code, name, kind, enterprise_id, unit_id, building_id, formula, allocation)
    return specs, monthly


def _tenancies(park_id: int, start: datetime.date, end: datetime.date) -> list[energy.Tenancy]:
    return [
        energy.Tenancy(unit_id, building_id, enterprise_id, first, last, area)
        for unit_id, building_id, enterprise_id, first, last, area in leasing_selectors.unit_tenancies(
            park_id, start, end
        )
    ]


def _needs_tenancies(specs: dict[int, energy.MeterSpec]) -> bool:
    """Whether any meter's attribution depends on who occupies what (a unit's meter not assigned to
    an enterprise, or a share by area or by consumption)."""
    return any(
        (spec.unit_id is not None and spec.enterprise_id is None)
        or (spec.allocation is not None and spec.allocation.method != AllocationMethod.FIXED)
        for spec in specs.values()
    )


def _slice_totals(
    park_id: int, kinds: Sequence[str], slices: list[energy.Slice], monthly: MonthTotals
) -> list[dict[int, float]]:
    """Each meter's consumption in each slice: monthly rollups for whole months (`monthly`, read
    with the meters), daily ones else."""
    if len(slices) == 1 and slices[0].whole_month:  # a month: `monthly` holds it alone, a meter once
        return [{meter_id: total for meter_id, _month, total in monthly}]
    totals: list[dict[int, float]] = [defaultdict(float) for _ in slices]
    months = {s.first: index for index, s in enumerate(slices) if s.whole_month}
    if months:
        for meter_id, month, total in monthly:
            index = months.get(month)
            if index is not None:
                totals[index][meter_id] += total
    partial = [(index, s) for index, s in enumerate(slices) if not s.whole_month]
    if partial:
        first = min(s.first for _i, s in partial)
        last = max(s.last for _i, s in partial)
        for meter_id, day, total in storage.park_totals(park_id, kinds, "day", first, last):
            for index, s in partial:
                if s.first <= day <= s.last:
                    totals[index][meter_id] += total
                    break
    return totals


class _Attribution(NamedTuple):
    specs: dict[int, energy.MeterSpec]
    lines: list[energy.Line]  # every slice's
    meter_totals: dict[int, float]  # each meter's consumption in the period
    one_slice: bool  # then `lines` has at most one line per enterprise and meter


def _attribution(
    park_id: int, start: datetime.date, end: datetime.date, kinds: Sequence[str], *, names: bool
) -> _Attribution:
    specs, monthly = _specs(park_id, kinds, start, end, names=names)
    tenancies = _tenancies(park_id, start, end) if _needs_tenancies(specs) else []
    slices = energy.slices(start, end, tenancies)
    per_slice = _slice_totals(park_id, kinds, slices, monthly)
    if len(slices) == 1:  # a period in which no tenancy changes: its totals are the meters' totals
        totals = dict(per_slice[0])
        return _Attribution(specs, energy.attribute_slice(specs, totals, tenancies, slices[0].first), totals, True)
    lines = []
    meter_totals: dict[int, float] = defaultdict(float)
    for index, piece in enumerate(slices):
        totals = dict(per_slice[index])
        lines.extend(energy.attribute_slice(specs, totals, tenancies, piece.first))
        for meter_id, total in totals.items():
            meter_totals[meter_id] += total
    return _Attribution(specs, lines, meter_totals, False)


def consumption_totals(*, park: Park | int, start: datetime.date, end: datetime.date) -> dict[tuple[int, str], Decimal]:
    """Each tenant's consumption per utility between two days (inclusive), {(enterprise, kind):
    quantity in the kind's unit}: what `consumption_by_enterprise`'s lines add up to (rounded once,
    not line by line), for the readers that want a tenant's total — the dashboard's top consumers,
    the tenant's widget, tce for 亩均 — without meter names or a line per meter."""
    attribution = _attribution(_park_id(park), start, end, sorted(UTILITY_KINDS), names=False)
    return energy.totals(attribution.lines)


def consumption_by_enterprise(*, park: Park | int, start: datetime.date, end: datetime.date) -> list[ConsumptionLine]:
    """Each tenant's consumption of electricity, water, gas, steam and chilled water between two days
    (inclusive), from its own meters and its shares of common ones (`energy` says how), a line per
    tenant and meter (what billing charges)."""
    specs, lines, meter_totals, one_slice = _attribution(_park_id(park), start, end, sorted(UTILITY_KINDS), names=True)
    attributed = energy.combine(lines, meter_totals, distinct=one_slice)
    no_allocation, new = "", tuple.__new__  # tuple.__new__: a third of the named tuple's constructor
    return [
        new(
            ConsumptionLine,
            (
                enterprise_id,
                kind,
                quantity,
                KIND_UNITS[kind],
                meter_id,
                (spec := specs[meter_id]).code,
                shared,
                spec.name,
                no_allocation if spec.allocation is None else spec.allocation.method,
                fraction,
            ),
        )
        for enterprise_id, meter_id, kind, quantity, shared, fraction in attributed
    ]


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def energy_by_enterprise(*, park: Park | int, year: int) -> dict[int, Decimal]:
    """Each tenant's metered energy of a year in tonnes of standard coal equivalent (tce), with the
    factors of `MONITORING_TCE_FACTORS` (RULES §15.3). Feeds 单位能耗增加值 of the 亩均 evaluation."""
    start, end = _year_bounds(year)
    totals = consumption_totals(park=park, start=start, end=end)
    return energy.to_tce(((e, kind, q) for (e, kind), q in totals.items()), settings.MONITORING_TCE_FACTORS)


def _month_bounds(first: datetime.date, offset: int) -> tuple[datetime.date, datetime.date]:
    ordinal = first.year * 12 + first.month - 1 + offset
    start = datetime.date(ordinal // 12, ordinal % 12 + 1, 1)
    following = datetime.date((ordinal + 1) // 12, (ordinal + 1) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def monthly_energy(
    *, enterprise_ids: Collection[int], first: datetime.date, months: int
) -> dict[int, list[Decimal | None]]:
    """Each enterprise's metered energy (tce, own meters and shares, every park it is in) in `months`
    calendar months from `first`'s month. A month in which nothing was attributed to it is None (no
    data), not zero; an enterprise with no data at all is left out. Early warning reads this."""
    wanted = set(enterprise_ids)
    park_ids = sorted(
        set(
            Enterprise.parks.through.objects.filter(enterprise_id__in=wanted, park__meters__isnull=False).values_list(
                "park_id", flat=True
            )
        )
    )
    found: dict[int, list[Decimal | None]] = {}
    for offset in range(months):
        start, end = _month_bounds(first, offset)
        quantities = [
            (enterprise_id, kind, quantity)
            for park_id in park_ids
            for (enterprise_id, kind), quantity in consumption_totals(park=park_id, start=start, end=end).items()
            if enterprise_id in wanted
        ]
        tce = energy.to_tce(quantities, settings.MONITORING_TCE_FACTORS)
        for enterprise_id in {enterprise_id for enterprise_id, _kind, _quantity in quantities}:
            found.setdefault(enterprise_id, [None] * months)[offset] = tce.get(enterprise_id, Decimal(0))
    return found


#: COD in mg/L times flow in m³ gives grams; a tonne is 10⁶ g.
GRAMS_PER_TONNE = 1_000_000


def emissions_by_enterprise(*, park: Park | int, year: int) -> dict[int, Decimal]:
    """Each tenant's COD discharge of a year in tonnes: Σ over days of the day's mean COD (mg/L) ×
    the day's wastewater flow (m³) at the same outlet (RULES §15.4). Feeds 单位排放增加值."""
    park_id = _park_id(park)
    start, end = _year_bounds(year)
    sensors = list(
        Meter.objects.filter(park_id=park_id, kind=MeterKind.COD, paired_flow__isnull=False).values_list(
            "pk", "paired_flow_id", "enterprise_id", "unit_id"
        )
    )
    if not sensors:
        return {}
    ids = [s[0] for s in sensors] + [s[1] for s in sensors]
    daily: dict[tuple[int, datetime.date], tuple[int, float]] = {
        (m, d): (n, t)
        for m, d, n, t in DailyRollup.objects.filter(meter_id__in=ids, day__gte=start, day__lte=end).values_list(
            "meter_id", "day", "samples", "total"
        )
    }
    tenancies = _tenancies(park_id, start, end)
    result: dict[int, Decimal] = defaultdict(Decimal)
    for sensor_id, flow_id, enterprise_id, unit_id in sensors:
        for (meter_id, day), (samples, total) in daily.items():
            if meter_id != sensor_id or not samples:
                continue
            flow = daily.get((flow_id, day))
            if flow is None:
                continue
            owner = enterprise_id
            if owner is None and unit_id is not None:
                owner = next((t.enterprise_id for t in tenancies if t.unit_id == unit_id and t.covers(day)), None)
            if owner is not None:
                result[owner] += Decimal(repr(total / samples * flow[1] / GRAMS_PER_TONNE))
    return {e: v.quantize(Decimal("0.0001")) for e, v in result.items() if v}


@dataclass(frozen=True)
class TenantEnergy:
    enterprise_id: int
    name: str
    quantities: dict[str, Decimal]  # by kind
    tce: Decimal
    area_sqm: Decimal | None
    output_yuan: Decimal | None

    @property
    def kgce_per_sqm(self) -> Decimal | None:
        if not self.area_sqm:
            return None
        return (self.tce * 1000 / self.area_sqm).quantize(Decimal("0.01"))

    @property
    def tce_per_wan(self) -> Decimal | None:
        if not self.output_yuan:
            return None
        return (self.tce / (self.output_yuan / 10000)).quantize(Decimal("0.0001"))


def tenant_energy(
    *, park: Park, start: datetime.date, end: datetime.date, output: dict[int, Decimal] | None = None
) -> list[TenantEnergy]:
    """The energy page: per tenant, consumption by kind, tce, leased area at the end of the period,
    kgce per m² and tce per 万元 of output (where the output is known)."""
    lines = consumption_by_enterprise(park=park, start=start, end=end)
    quantities: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in lines:
        quantities[line.enterprise_id][line.kind] += line.quantity
    factors = settings.MONITORING_TCE_FACTORS
    areas: dict[int, Decimal] = defaultdict(Decimal)
    for tenancy in _tenancies(park.pk, end, end):
        areas[tenancy.enterprise_id] += tenancy.area
    names = dict(Enterprise.objects.filter(pk__in=list(quantities)).values_list("pk", "name"))
    result = []
    for enterprise_id, kinds in quantities.items():
        tce = energy.to_tce(((enterprise_id, k, q) for k, q in kinds.items()), factors).get(enterprise_id, Decimal(0))
        result.append(
            TenantEnergy(
                enterprise_id,
                names.get(enterprise_id, str(enterprise_id)),
                dict(kinds),
                tce,
                areas.get(enterprise_id) or None,
                (output or {}).get(enterprise_id),
            )
        )
    return sorted(result, key=lambda t: (-t.tce, t.name))


# --- the park dashboard ---------------------------------------------------------------------------


def load_meters(park_id: int) -> QuerySet[Meter]:
    """The meters whose sum is the park's electricity load: physical, with no upstream meter."""
    return Meter.objects.filter(park_id=park_id, kind=MeterKind.ELECTRICITY, parent__isnull=True, is_virtual=False)


def load_curve(
    park_id: int, *, start: datetime.datetime, end: datetime.datetime
) -> list[tuple[datetime.datetime, float]]:
    """The park's electricity per hour (kWh in the hour = mean kW) over [start, end)."""
    rows = (
        HourlyRollup.objects.filter(meter__in=load_meters(park_id), hour__gte=start, hour__lt=end)
        .values("hour")
        .annotate(total=Sum("total"))
        .order_by("hour")
        .values_list("hour", "total")
    )
    return [(hour, total or 0.0) for hour, total in rows]


def daily_energy(park_id: int, *, first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, float]]:
    rows = (
        DailyRollup.objects.filter(meter__in=load_meters(park_id), day__gte=first, day__lte=last)
        .values("day")
        .annotate(total=Sum("total"))
        .order_by("day")
        .values_list("day", "total")
    )
    return [(day, total or 0.0) for day, total in rows]


@dataclass(frozen=True)
class MeterHealth:
    active: int
    silent: int
    rejects_24h: int


def meter_health(park_id: int, *, now: datetime.datetime | None = None) -> MeterHealth:
    """How many active physical meters there are, how many have been silent for more than two of
    their intervals, and how many readings were rejected in the last 24 hours."""
    now = now or timezone.now()
    meters = list(
        Meter.objects.filter(park_id=park_id, status=MeterStatus.ACTIVE, is_virtual=False).values_list(
            "pk", "expected_interval_s"
        )
    )
    seen = meter_last_seen([m for m, _i in meters])
    silent = sum(
        1
        for meter_id, interval in meters
        if meter_id not in seen or (now - seen[meter_id]).total_seconds() > 2 * interval
    )
    rejects = RejectedReading.objects.filter(
        park_id=park_id, received_at__gte=now - datetime.timedelta(hours=24)
    ).count()
    return MeterHealth(len(meters), silent, rejects)


def open_alarms(park_ids: list[int] | None) -> QuerySet[Alarm]:
    alarms = Alarm.objects.exclude(status=AlarmStatus.CLOSED).select_related("meter", "rule", "park")
    if park_ids is not None:
        alarms = alarms.filter(park_id__in=park_ids)
    return alarms.order_by("-opened_at")


def open_alarm_counts(park_ids: list[int] | None) -> dict[str, int]:
    rows = open_alarms(park_ids).order_by().values("severity").annotate(n=Count("pk"))
    return {row["severity"]: row["n"] for row in rows}


# --- the floor view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitEnergy:
    unit_id: int
    kwh: float
    kwh_per_sqm: float | None


def building_unit_energy(building: Building, month: datetime.date) -> dict[int, UnitEnergy]:
    """Electricity of each unit of a building in a month (its meters' monthly rollups), and per m²."""
    rows = (
        MonthlyRollup.objects.filter(
            month=storage.month_start(month), meter__unit__building=building, meter__kind=MeterKind.ELECTRICITY
        )
        .values("meter__unit_id")
        .annotate(total=Sum("total"))
        .values_list("meter__unit_id", "total")
    )
    areas = dict(Unit.objects.filter(building=building).values_list("pk", "area_sqm"))
    result = {}
    for unit_id, total in rows:
        area = areas.get(unit_id)
        result[unit_id] = UnitEnergy(unit_id, total or 0.0, (total or 0.0) / float(area) if area else None)
    return result


def building_alarms(building: Building) -> dict[int | None, tuple[str, int]]:
    """The worst open alarm severity and the open alarm count per unit of a building (None: meters of
    the building or its floors without a unit)."""
    rows = (
        Alarm.objects.exclude(status=AlarmStatus.CLOSED)
        .filter(Q(meter__building=building) | Q(meter__unit__building=building))
        .values_list("meter__unit_id", "severity")
    )
    worst: dict[int | None, tuple[str, int]] = {}
    for unit_id, severity in rows:
        current = worst.get(unit_id)
        if current is None or SEVERITY_RANK[severity] > SEVERITY_RANK[current[0]]:
            worst[unit_id] = (severity, (current[1] if current else 0) + 1)
        else:
            worst[unit_id] = (current[0], current[1] + 1)
    return worst
