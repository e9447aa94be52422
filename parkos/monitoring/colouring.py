"""Colourings of a building's units: by electricity per m² in a month, or by open alarms. Used by the
monitoring floor view and registered with the parks stacking plan (parks.hooks)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.monitoring import selectors
from parkos.monitoring.choices import SEVERITY_RANK, Severity
from parkos.parks.models import Building

ENERGY_BANDS = ("e0", "e1", "e2", "e3", "e4")


def energy(building: Building, month: datetime.date) -> tuple[dict[int, tuple[str, str]], list[Any]]:
    """Units coloured by electricity per m² in a month, in five bands of the building's range."""
    usage = selectors.building_unit_energy(building, month)
    rates = sorted(u.kwh_per_sqm for u in usage.values() if u.kwh_per_sqm is not None)
    top = rates[-1] if rates else 0.0
    colours: dict[int, tuple[str, str]] = {}
    counts = dict.fromkeys(ENERGY_BANDS, 0)
    for unit_id, item in usage.items():
        rate = item.kwh_per_sqm or 0.0
        band = ENERGY_BANDS[min(4, int(5 * rate / top)) if top else 0]
        counts[band] += 1
        colours[unit_id] = (f"col-energy-{band}", f"{item.kwh:,.0f} kWh · {rate:.2f} kWh/m²")
    step = top / 5 if top else 0
    legend = [
        (f"col-energy-{band}", f"{i * step:.1f}–{(i + 1) * step:.1f} kWh/m²", counts[band])
        for i, band in enumerate(ENERGY_BANDS)
        if counts[band]
    ]
    return colours, legend


def alarms(building: Building) -> tuple[dict[int, tuple[str, str]], list[Any]]:
    """Units coloured by their worst open alarm."""
    worst = selectors.building_alarms(building)
    colours: dict[int, tuple[str, str]] = {}
    counts: dict[str, int] = {}
    for unit_id, (severity, count) in worst.items():
        if unit_id is None:
            continue
        colours[unit_id] = (f"col-alarm-{severity}", _("%(n)s 条未关闭告警") % {"n": count})
        counts[severity] = counts.get(severity, 0) + 1
    legend = [(f"col-alarm-{s}", Severity(s).label, counts[s]) for s in sorted(counts, key=lambda s: -SEVERITY_RANK[s])]
    return colours, legend


def energy_this_month(building: Building, day: datetime.date | None) -> tuple[dict[int, tuple[str, str]], list[Any]]:
    """The stacking plan's colouring by this month's electricity per m² (parks.hooks)."""
    return energy(building, (day or timezone.localdate()).replace(day=1))


def alarms_now(building: Building, day: datetime.date | None) -> tuple[dict[int, tuple[str, str]], list[Any]]:
    """The stacking plan's colouring by open alarms (parks.hooks)."""
    return alarms(building)
