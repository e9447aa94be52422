"""Deterministic meter behaviour for the demo: a year of history and the live feed use the same
functions, so the live readings continue the history without a jump.

Nothing here is random: a reading is a function of the meter's key and the moment, so loading the
demo twice gives the same numbers. Loads follow the Chinese working calendar (workdays), with a
day shape, a lunch dip and weekends/holidays at standby.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from functools import lru_cache

from parkos.core.workdays import is_working_day
from parkos.monitoring.choices import MeterKind

STEP = datetime.timedelta(minutes=15)


def noise(key: int, step: int) -> float:
    """A repeatable value in [-1, 1) for a meter key and a step number (a multiplicative hash)."""
    return ((step * 2654435761 + key * 40503 + 12345) % 1000003) / 500001.5 - 1.0


@lru_cache(maxsize=4096)
def _working(day: datetime.date) -> bool:
    return is_working_day(day)


def activity(local: datetime.datetime) -> float:
    """How busy the park is at a local moment, 0.3 (night, holiday) to 1.0 (a working afternoon)."""
    if not _working(local.date()):
        return 0.35
    hour = local.hour + local.minute / 60
    if hour < 7 or hour >= 22:
        return 0.3
    if hour < 9:
        return 0.3 + 0.7 * (hour - 7) / 2
    if 12 <= hour < 13:
        return 0.8
    if hour < 18:
        return 1.0
    return 1.0 - 0.6 * (hour - 18) / 4


@dataclass(frozen=True)
class Behaviour:
    """How one demo meter behaves: counters grow by `rate` per hour × activity (plus `base`);
    sensors sit at `level` ± `swing` over the day, `busy` more when the park is busy."""

    key: int
    kind: str
    rate: float = 0.0  # counters: per hour at full activity
    base: float = 0.0  # counters: per hour whatever the activity (standby)
    level: float = 0.0
    swing: float = 0.0
    busy: float = 0.0
    jitter: float = 0.0

    @property
    def counter(self) -> bool:
        return self.kind in {
            MeterKind.ELECTRICITY,
            MeterKind.WATER,
            MeterKind.GAS,
            MeterKind.STEAM,
            MeterKind.CHILLED_WATER,
            MeterKind.WASTEWATER_FLOW,
        }

    def per_hour(self, local: datetime.datetime, step: int) -> float:
        """A counter's consumption rate at a moment (units per hour)."""
        return max(0.0, self.base + self.rate * activity(local) * (1 + 0.08 * noise(self.key, step)))

    def value(self, local: datetime.datetime, step: int) -> float:
        """A sensor's value at a moment."""
        day_phase = math.sin(2 * math.pi * (local.hour + local.minute / 60 - 9) / 24)
        season = math.cos(2 * math.pi * (local.timetuple().tm_yday - 15) / 365)
        value = self.level + self.swing * day_phase + self.busy * activity(local) + self.jitter * noise(self.key, step)
        if self.kind == MeterKind.PM25:
            value = max(3.0, value + 25 * season)  # winters are hazier in the Sichuan basin
        return round(value, 2)


def step_number(moment: datetime.datetime) -> int:
    """The 15-minute step a moment falls in, counted from the epoch (the noise index)."""
    return int(moment.timestamp()) // 900


def counter_series(
    behaviour: Behaviour, start: datetime.datetime, end: datetime.datetime, register: float, zone: datetime.tzinfo
) -> list[tuple[datetime.datetime, float]]:
    """A counter's readings every 15 minutes after `start` up to `end`, continuing from `register`."""
    readings = []
    moment = start + STEP
    while moment <= end:
        register += behaviour.per_hour(moment.astimezone(zone), step_number(moment)) * 0.25
        readings.append((moment, round(register, 3)))
        moment += STEP
    return readings


def sensor_series(
    behaviour: Behaviour, start: datetime.datetime, end: datetime.datetime, zone: datetime.tzinfo
) -> list[tuple[datetime.datetime, float]]:
    readings = []
    moment = start + STEP
    while moment <= end:
        readings.append((moment, behaviour.value(moment.astimezone(zone), step_number(moment))))
        moment += STEP
    return readings
