"""Occupancy, WALT and expiries: pure arithmetic over the periods units are let.

A span is one unit let under one contract from `start` to `end`, both days included; selectors
build spans from executed contracts, so occupancy derives from contracts and nobody types
"leased". Ratios are returned unrounded (28 significant digits) as fractions of 1, not percent:
rounding belongs to presentation (``parkos.core.units``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Final, Literal

__all__ = [
    "DAYS_PER_YEAR",
    "OccupancyRate",
    "OccupancySpan",
    "WaltWeight",
    "expiring_within",
    "occupancy_rate",
    "occupied_area_on",
    "walt",
]

#: The Julian year, so that a remaining term does not lose or gain a day's worth depending on
#: whether a 29 February lies ahead: the 4 years from 2026-01-01 (1461 days) are exactly 4.0.
DAYS_PER_YEAR: Final = Decimal("365.25")

WaltWeight = Literal["area", "rent"]

_RATIO: Final = Context(prec=28, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class OccupancySpan:
    """One unit let from `start` to `end` (inclusive), with its area and, optionally, its rent.

    `monthly_rent` (元/月, the rent currently payable) is needed only to weight WALT by rent.
    """

    unit_id: int
    area_sqm: Decimal
    start: date
    end: date
    monthly_rent: Decimal | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"span of unit {self.unit_id} ends ({self.end}) before it starts ({self.start})")
        if self.area_sqm < 0:
            raise ValueError(f"span of unit {self.unit_id} has negative area {self.area_sqm}")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class OccupancyRate:
    """Occupancy on one day. A rate is None where it cannot be computed (nothing lettable)."""

    occupied_area_sqm: Decimal
    occupied_units: int
    by_area: Decimal | None
    by_count: Decimal | None


def _occupied_units(spans: Iterable[OccupancySpan], day: date) -> dict[int, Decimal]:
    """Area let per unit on `day`.

    A unit counts once even when two spans cover the day, as when a renewal is booked to start on
    the old contract's last day; the larger area wins if the unit was re-measured in between.
    """
    occupied: dict[int, Decimal] = {}
    for span in spans:
        if span.covers(day):
            occupied[span.unit_id] = max(span.area_sqm, occupied.get(span.unit_id, span.area_sqm))
    return occupied


def occupied_area_on(spans: Iterable[OccupancySpan], day: date) -> Decimal:
    """Area (m²) let on `day`: the units whose span includes that day, each counted once."""
    return sum(_occupied_units(spans, day).values(), Decimal(0))


def occupancy_rate(
    spans: Iterable[OccupancySpan], lettable_area: Decimal, day: date, *, lettable_units: int | None = None
) -> OccupancyRate:
    """Occupancy on `day` by area (let m² / lettable m²) and by count (let units / lettable units).

    The by-count rate needs `lettable_units`; without it, or with nothing lettable, it is None.
    Rates are not clamped to 1: a value above 1 means spans on units outside the lettable stock,
    which is a data problem to show rather than hide.
    """
    occupied = _occupied_units(spans, day)
    area = sum(occupied.values(), Decimal(0))
    with localcontext(_RATIO):
        by_area = area / lettable_area if lettable_area > 0 else None
        by_count = Decimal(len(occupied)) / lettable_units if lettable_units else None
    return OccupancyRate(occupied_area_sqm=area, occupied_units=len(occupied), by_area=by_area, by_count=by_count)


def walt(leases: Iterable[OccupancySpan], as_of: date, *, weight: WaltWeight = "area") -> Decimal | None:
    """Weighted average unexpired lease term (WALT), in years, of the leases in force on `as_of`.

    WALT = Σ wᵢ·tᵢ / Σ wᵢ over spans with startᵢ ≤ as_of ≤ endᵢ, where
    tᵢ = ((endᵢ − as_of) in days + 1) / 365.25 (as_of itself is still a let day, so a lease
    ending today has one day left) and wᵢ is the area, or the monthly rent with ``weight="rent"``.
    Signed leases that have not started yet are left out: they are commitments, not income.
    None when no lease is in force or the weights sum to zero.

    Raises ValueError when weighting by rent and a lease in force has no `monthly_rent`.
    """
    weighted_days = Decimal(0)
    total_weight = Decimal(0)
    for lease in leases:
        if not lease.covers(as_of):
            continue
        if weight == "area":
            lease_weight = lease.area_sqm
        elif lease.monthly_rent is None:
            raise ValueError(f"lease of unit {lease.unit_id} has no monthly_rent to weight WALT by rent")
        else:
            lease_weight = lease.monthly_rent
        remaining_days = (lease.end - as_of).days + 1
        weighted_days += lease_weight * remaining_days
        total_weight += lease_weight
    if total_weight == 0:
        return None
    with localcontext(_RATIO):
        return weighted_days / (total_weight * DAYS_PER_YEAR)


def expiring_within(leases: Iterable[OccupancySpan], as_of: date, days: int) -> list[OccupancySpan]:
    """Leases whose last day falls within `days` days of `as_of`, both ends included, soonest first.

    ``days=90`` on 2026-01-01 finds leases ending 2026-01-01 … 2026-04-01. Leases that ended before
    `as_of` have already expired and are not listed.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    horizon = as_of + timedelta(days=days)
    return sorted(
        (lease for lease in leases if as_of <= lease.end <= horizon),
        key=lambda lease: (lease.end, lease.unit_id),
    )
