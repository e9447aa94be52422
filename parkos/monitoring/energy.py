"""Who consumed what: attributing meters' consumption to tenants, and converting it to tce. Pure.

The period is cut into slices during which nothing about tenancy changes (a whole month when no lease
starts or ends in it). In each slice (RULES §15.2):
1. A virtual meter's consumption is the sum of its terms (coefficient × the source's consumption).
2. A meter naming an enterprise is that enterprise's; a meter of a unit belongs to the unit's tenant
   during the slice (nobody's while the unit is vacant: the operator bears it).
3. A common meter with an allocation rule is shared among the tenants it serves — those of its
   building, or of the whole park when it has none: by their leased area, by their own metered
   consumption of the same kind, or by fixed percentages (the rest stays with the operator).
Lines carry a note saying where they come from ("表计 E-A1-101", "公摊 A1栋公共照明 按租赁面积 12.50%").

Specs and lines, made once per meter per call, are named tuples: a park of a thousand meters costs
a few hundred microseconds of Python over its queries (bench `monitoring.tenant_month_consumption`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from parkos.monitoring.choices import AllocationMethod

QUANTITY_PLACES = Decimal("0.001")
#: tce to 0.1 kgce: a small tenant's month is a few tonnes.
TCE_PLACES = Decimal("0.0001")


class AllocationSpec(NamedTuple):
    method: str
    label: str
    shares: tuple[tuple[int, Decimal], ...] = ()  # (enterprise id, percent) for fixed shares


class MeterSpec(NamedTuple):
    id: int
    code: str
    name: str
    kind: str
    enterprise_id: int | None = None
    unit_id: int | None = None
    building_id: int | None = None
    terms: tuple[tuple[int, float], ...] = ()  # virtual: (source meter id, coefficient)
    allocation: AllocationSpec | None = None


@dataclass(frozen=True)
class Tenancy:
    """An enterprise occupying a unit from `start` to `end` (inclusive; None: open-ended)."""

    unit_id: int
    building_id: int | None
    enterprise_id: int
    start: datetime.date
    end: datetime.date | None
    area: Decimal

    def covers(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Slice:
    first: datetime.date
    last: datetime.date

    @property
    def whole_month(self) -> bool:
        return self.first.day == 1 and (self.last + datetime.timedelta(days=1)).day == 1


class Line(NamedTuple):
    enterprise_id: int
    meter_id: int
    kind: str
    quantity: float
    shared: bool


def slices(start: datetime.date, end: datetime.date, tenancies: Iterable[Tenancy]) -> list[Slice]:
    """[start, end] cut at month starts and at every day a tenancy begins or ends the day before."""
    cuts = set()
    day = start.replace(day=1)
    while day <= end:
        cuts.add(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    for tenancy in tenancies:
        cuts.add(tenancy.start)
        if tenancy.end is not None:
            cuts.add(tenancy.end + datetime.timedelta(days=1))
    bounds = sorted(c for c in cuts if start < c <= end)
    result, first = [], start
    for cut in bounds:
        result.append(Slice(first, cut - datetime.timedelta(days=1)))
        first = cut
    result.append(Slice(first, end))
    return result


def _resolve_virtual(meters: Mapping[int, MeterSpec], totals: dict[int, float]) -> None:
    """Fill in virtual meters' totals from their terms (virtual of virtual allowed, cycles ignored)."""
    resolving: set[int] = set()

    def total(meter_id: int) -> float:
        if meter_id in totals:
            return totals[meter_id]
        spec = meters.get(meter_id)
        if spec is None or not spec.terms or meter_id in resolving:
            return 0.0
        resolving.add(meter_id)
        value = sum(coefficient * total(source) for source, coefficient in spec.terms)
        resolving.discard(meter_id)
        totals[meter_id] = value
        return value

    for meter_id, spec in meters.items():
        if spec.terms:
            total(meter_id)


def _shares(
    spec: MeterSpec,
    tenants: list[Tenancy],
    own: Mapping[tuple[int, str], float],
    own_building: Mapping[tuple[int, str, int | None], float],
) -> dict[int, float]:
    """Fractions of a common meter borne by each enterprise in a slice."""
    if spec.allocation is None:
        return {}
    method = spec.allocation.method
    if method == AllocationMethod.FIXED:
        return {e: float(p) / 100 for e, p in spec.allocation.shares}
    in_scope = [t for t in tenants if spec.building_id is None or t.building_id == spec.building_id]
    weights: dict[int, float] = defaultdict(float)
    if method == AllocationMethod.AREA:
        for tenancy in in_scope:
            weights[tenancy.enterprise_id] += float(tenancy.area)
    else:
        for enterprise_id in {t.enterprise_id for t in in_scope}:
            if spec.building_id is None:
                weights[enterprise_id] = own.get((enterprise_id, spec.kind), 0.0)
            else:
                weights[enterprise_id] = own_building.get((enterprise_id, spec.kind, spec.building_id), 0.0)
    total = sum(weights.values())
    return {e: w / total for e, w in weights.items() if w > 0} if total > 0 else {}


def attribute_slice(
    meters: Mapping[int, MeterSpec], totals: dict[int, float], tenancies: Sequence[Tenancy], day: datetime.date
) -> list[Line]:
    """Lines of one slice: `totals` is each meter's consumption in the slice, `day` any day of it."""
    _resolve_virtual(meters, totals)
    tenants = [t for t in tenancies if t.covers(day)]
    occupant = {t.unit_id: t.enterprise_id for t in tenants}
    quantity_of = totals.get
    lines: list[Line] = []
    common: list[MeterSpec] = []
    new = tuple.__new__  # a named tuple's own constructor is a Python function: 3× the cost per line
    for spec in meters.values():
        if spec.allocation is not None:
            common.append(spec)
            continue
        quantity = quantity_of(spec.id, 0.0)
        if quantity == 0:
            continue
        enterprise_id = spec.enterprise_id
        if enterprise_id is None:
            enterprise_id = occupant.get(spec.unit_id) if spec.unit_id is not None else None
            if enterprise_id is None:
                continue
        lines.append(new(Line, (enterprise_id, spec.id, spec.kind, quantity, False)))
    if not common:
        return lines
    # What tenants consumed on their own meters: the weights of a share by consumption.
    own: dict[tuple[int, str], float] = defaultdict(float)
    own_building: dict[tuple[int, str, int | None], float] = defaultdict(float)
    for line in lines:
        own[(line.enterprise_id, line.kind)] += line.quantity
        own_building[(line.enterprise_id, line.kind, meters[line.meter_id].building_id)] += line.quantity
    for spec in common:
        quantity = quantity_of(spec.id, 0.0)
        if quantity == 0:
            continue
        for enterprise_id, fraction in sorted(_shares(spec, tenants, own, own_building).items()):
            lines.append(Line(enterprise_id, spec.id, spec.kind, quantity * fraction, True))
    return lines


class Attributed(NamedTuple):
    enterprise_id: int
    meter_id: int
    kind: str
    quantity: Decimal
    shared: bool
    fraction: float  # of the meter's consumption in the period (shared lines)


def quantity_of(value: float) -> Decimal:
    """A consumption in Decimal to the litre / watt-hour (0.001), rounded from the float itself:
    formatting rounds correctly and costs a third of Decimal(repr(…)).quantize(…)."""
    return Decimal("%.3f" % value)  # noqa: UP031 - the %-format is the fast one here


def combine(lines: Iterable[Line], meter_totals: Mapping[int, float], *, distinct: bool = False) -> list[Attributed]:
    """Sum a period's slice lines per enterprise and meter, in (enterprise, meter, kind) order.

    `distinct`: the lines are one slice's, which has at most one line per enterprise and meter
    (`attribute_slice`), so there is nothing to sum: they are only ordered and rounded."""
    if distinct:
        summed: Iterable[tuple[int, int, str, float, bool]] = sorted(lines)
    else:
        sums: dict[tuple[int, int, str, bool], float] = {}
        for enterprise_id, meter_id, kind, quantity, shared in lines:
            key = (enterprise_id, meter_id, kind, shared)
            sums[key] = sums.get(key, 0.0) + quantity
        summed = [(e, m, k, q, shared) for (e, m, k, shared), q in sorted(sums.items())]
    new, total_of = tuple.__new__, meter_totals.get
    return [
        new(
            Attributed,
            (
                enterprise_id,
                meter_id,
                kind,
                quantity_of(quantity),
                shared,
                quantity / total if (total := total_of(meter_id, 0.0)) else 0.0,
            ),
        )
        for enterprise_id, meter_id, kind, quantity, shared in summed
    ]


def totals(lines: Iterable[Line]) -> dict[tuple[int, str], Decimal]:
    """Each enterprise's consumption per kind, {(enterprise, kind): quantity}, summed then rounded."""
    sums: dict[tuple[int, str], float] = defaultdict(float)
    for enterprise_id, _meter_id, kind, quantity, _shared in lines:
        sums[(enterprise_id, kind)] += quantity
    return {key: quantity_of(quantity) for key, quantity in sorted(sums.items())}


def to_tce(quantities: Iterable[tuple[int, str, Decimal]], factors: Mapping[str, Decimal]) -> dict[int, Decimal]:
    """Tonnes of standard coal equivalent per enterprise from (enterprise, kind, quantity)."""
    result: dict[int, Decimal] = defaultdict(Decimal)
    for enterprise_id, kind, quantity in quantities:
        factor = factors.get(kind)
        if factor:
            result[enterprise_id] += quantity * factor
    return {e: v.quantize(TCE_PLACES) for e, v in result.items() if v}
