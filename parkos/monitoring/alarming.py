"""Alarm conditions and escalation times: pure and typed, no ORM.

A condition is a signal against limits. It raises once the signal has been beyond a limit
continuously for `min_duration` (a door opening for a moment must not page anybody) and clears only
when the signal is back inside the limit by the hysteresis (no flapping at the limit):

    raise:  value > upper  or  value < lower,   held for min_duration
    clear:  value ≤ upper − hysteresis  and  value ≥ lower + hysteresis

The signal depends on the rule: the value of an instantaneous sensor, the consumption rate per hour
of a counter (threshold), the change per minute (rate of change), the mean over a window (permit
limits), the pressure difference between adjacent clean rooms (cascade, with `lower` = the minimum
difference).

Escalation: a step due `after` minutes counts them on the policy's calendar: wall-clock time, or
working time (Chinese working days and office hours, `parkos.core.workdays`), from the moment the
alarm opened.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from enum import StrEnum

from parkos.core.workdays import add_working_hours


class Transition(StrEnum):
    RAISE = "raise"
    CLEAR = "clear"


@dataclass(frozen=True)
class Limits:
    upper: float | None = None
    lower: float | None = None
    hysteresis: float = 0.0
    min_duration_s: int = 0

    def beyond(self, value: float) -> bool:
        return (self.upper is not None and value > self.upper) or (self.lower is not None and value < self.lower)

    def back_inside(self, value: float) -> bool:
        upper_ok = self.upper is None or value <= self.upper - self.hysteresis
        lower_ok = self.lower is None or value >= self.lower + self.hysteresis
        return upper_ok and lower_ok


@dataclass(frozen=True)
class Condition:
    """Where a rule stands for one meter: since when the signal is beyond a limit, whether raised."""

    since: datetime.datetime | None = None
    raised: bool = False


def step(limits: Limits, state: Condition, ts: datetime.datetime, value: float) -> tuple[Condition, Transition | None]:
    """Feed one sample; returns the new state and a transition if the alarm raises or clears."""
    if state.raised:
        if limits.back_inside(value):
            return Condition(None, raised=False), Transition.CLEAR
        return state, None
    if not limits.beyond(value):
        return Condition(None, raised=False), None
    since = state.since or ts
    if (ts - since).total_seconds() >= limits.min_duration_s:
        return Condition(since, raised=True), Transition.RAISE
    return Condition(since, raised=False), None


def rate_per_minute(
    previous_ts: datetime.datetime | None, previous_value: float | None, ts: datetime.datetime, value: float
) -> float | None:
    """The change per minute since the previous sample (None for the first sample or no time passed)."""
    if previous_ts is None or previous_value is None:
        return None
    minutes = (ts - previous_ts).total_seconds() / 60
    if minutes <= 0:
        return None
    return (value - previous_value) / minutes


def cascade_breaks(pressures: list[tuple[int, float | None]], min_difference: float) -> dict[int, float | None]:
    """The pressure difference at each downstream room of a cascade, keyed by its meter.

    `pressures` runs from the highest-pressure room down; each room must stay `min_difference` below
    the one before it. A room whose own or upstream value is missing has None (not judged).
    """
    differences: dict[int, float | None] = {}
    for (_upstream, high), (meter_id, low) in itertools.pairwise(pressures):
        differences[meter_id] = None if high is None or low is None else high - low
    return differences


def due_at(
    opened_at: datetime.datetime, after_minutes: int, *, working_time: bool, zone: datetime.tzinfo
) -> datetime.datetime:
    """When an escalation step falls due: `after_minutes` of wall-clock or of working time."""
    duration = datetime.timedelta(minutes=after_minutes)
    if not working_time:
        return opened_at + duration
    return add_working_hours(opened_at.astimezone(zone), duration)


def crossed(value: float, limits: Limits) -> tuple[str, float | None]:
    """Which limit the value is beyond, for the alarm's message: ("upper", 25.0), ("lower", 5.0), ("out", None)."""
    if limits.upper is not None and value > limits.upper:
        return "upper", limits.upper
    if limits.lower is not None and value < limits.lower:
        return "lower", limits.lower
    return "out", None
