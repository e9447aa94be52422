"""Validating one meter's readings against what is already stored: pure and typed, no ORM.

`validate_series` takes a meter's profile, the stored reading just before the batch, the stored
readings from the batch's first moment on (up to and including the first one after its last), and
the batch's readings in time order. It returns what to insert, which stored readings change (a late
reading changes the consumption of the one after it), and what to reject with which reason.

Conventions (RULES §15.1):
- A counter's consumption is the difference of its register, times the device's multiplier. The
  point's `value` is a continuous register in engineering units, carried across device changes,
  resets and roll-overs, so consumption between any two readings is a difference of values.
- A counter that goes back: a roll-over when the device's register maximum is set and the register
  wrapped (from its top tenth to its bottom tenth); a reset when it fell to near zero (under
  `RESET_FRACTION` of the previous register) — both accepted and flagged; any other step back is an
  error and rejected.
- A spike: a counter's consumption per hour above the meter's `max_rate`, or an instantaneous value
  changing by more than `max_step` from the previous one; rejected. Values outside the meter's range
  are rejected too.
- A gap: more than `GAP_FACTOR` × the expected interval since the previous reading; accepted, flagged.
- A late reading: one that arrives after a later reading of the meter was stored; accepted, flagged,
  and the next reading's consumption is recomputed.
- The same moment twice: the same value is a duplicate (counted, not stored again); another value is
  a conflict (rejected: the first one stands).
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.utils import timezone

from parkos.monitoring.choices import RejectReason
from parkos.monitoring.messages import Detail

FLAG_LATE = 1
FLAG_GAP = 2
FLAG_RESET = 4
FLAG_ROLLOVER = 8
FLAG_DEVICE_CHANGE = 16
FLAG_NAMES = {
    FLAG_LATE: "late",
    FLAG_GAP: "gap",
    FLAG_RESET: "reset",
    FLAG_ROLLOVER: "rollover",
    FLAG_DEVICE_CHANGE: "device_change",
}

#: A counter falling below this share of its previous register was reset (or swapped unannounced).
RESET_FRACTION = 0.05
#: A roll-over goes from the top tenth of the register to its bottom tenth.
ROLLOVER_BAND = 0.1
#: More than this many expected intervals without a reading is a gap.
GAP_FACTOR = 2
#: Two values of one moment closer than this are the same reading (floats through JSON and CSV).
SAME_VALUE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Device:
    id: int
    multiplier: float
    installed_at: datetime.datetime
    removed_at: datetime.datetime | None
    initial_reading: float = 0.0
    final_reading: float | None = None

    def covers(self, moment: datetime.datetime) -> bool:
        return self.installed_at <= moment and (self.removed_at is None or moment <= self.removed_at)


@dataclass(frozen=True, slots=True)
class Profile:
    """What validation needs to know of a meter."""

    id: int
    counter: bool
    devices: tuple[Device, ...]  # in installation order
    expected_interval_s: int = 900
    register_max: float | None = None
    max_rate: float | None = None  # counters: consumption per hour
    max_step: float | None = None  # instantaneous: change between consecutive samples
    valid_min: float | None = None
    valid_max: float | None = None

    def device_at(self, moment: datetime.datetime) -> Device | None:
        for device in reversed(self.devices):
            if device.covers(moment):
                return device
        return None

    def device(self, device_id: int) -> Device | None:
        for device in self.devices:
            if device.id == device_id:
                return device
        return None


@dataclass(slots=True)
class Point:
    """A reading as stored: raw register, continuous value (counters), quantity, flags, device."""

    ts: datetime.datetime
    raw: float
    value: float | None
    quantity: float | None
    flags: int
    device_id: int


class Incoming(NamedTuple):
    ts: datetime.datetime
    raw: float


class Refusal(NamedTuple):
    reading: Incoming
    reason: RejectReason
    detail: Detail


@dataclass
class Inserted:
    """New readings as columns (a million of them cost far less as lists than as objects)."""

    ts: list[datetime.datetime] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    value: list[float | None] = field(default_factory=list)
    quantity: list[float | None] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    device_id: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ts)

    def append(self, point: Point) -> None:
        self.ts.append(point.ts)
        self.raw.append(point.raw)
        self.value.append(point.value)
        self.quantity.append(point.quantity)
        self.flags.append(point.flags)
        self.device_id.append(point.device_id)

    def extend(self, other: Inserted) -> None:
        for name in ("ts", "raw", "value", "quantity", "flags", "device_id"):
            getattr(self, name).extend(getattr(other, name))

    def last(self) -> Point:
        return Point(self.ts[-1], self.raw[-1], self.value[-1], self.quantity[-1], self.flags[-1], self.device_id[-1])

    def points(self) -> list[Point]:
        return [
            Point(*p)
            for p in zip(self.ts, self.raw, self.value, self.quantity, self.flags, self.device_id, strict=True)
        ]


@dataclass
class Outcome:
    inserts: Inserted = field(default_factory=Inserted)
    updates: list[Point] = field(default_factory=list)
    rejects: list[Refusal] = field(default_factory=list)
    duplicates: int = 0
    #: Stored readings after the last one examined move by this much (a late reading revealed a reset).
    shift_after: tuple[datetime.datetime, float] | None = None


class _Refused(Exception):
    def __init__(self, reason: RejectReason, detail: Detail) -> None:
        super().__init__(detail.code)
        self.reason = reason
        self.detail = detail


def _fmt(moment: datetime.datetime) -> str:
    """A moment as the park's staff read it: local wall-clock time."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _consumption(profile: Profile, prev: Point, reading: Incoming, device: Device) -> tuple[float, int]:
    """A counter's consumption from `prev` to `reading` (engineering units) and the flags it earns."""
    if prev.device_id != device.id:
        old = profile.device(prev.device_id)
        old_multiplier = old.multiplier if old is not None else device.multiplier
        old_final = old.final_reading if old is not None and old.final_reading is not None else prev.raw
        if reading.raw < device.initial_reading or old_final < prev.raw:
            raise _Refused(
                RejectReason.INCONSISTENT,
                Detail(
                    "device_change",
                    {
                        "old_from": str(prev.raw),
                        "old_to": str(old_final),
                        "new_from": str(device.initial_reading),
                        "value": str(reading.raw),
                    },
                ),
            )
        used = (old_final - prev.raw) * old_multiplier + (reading.raw - device.initial_reading) * device.multiplier
        return used, FLAG_DEVICE_CHANGE
    step = reading.raw - prev.raw
    if step >= 0:
        return step * device.multiplier, 0
    top = profile.register_max
    if top and prev.raw >= top * (1 - ROLLOVER_BAND) and reading.raw <= top * ROLLOVER_BAND:
        return (top - prev.raw + reading.raw) * device.multiplier, FLAG_ROLLOVER
    if reading.raw <= prev.raw * RESET_FRACTION:
        return reading.raw * device.multiplier, FLAG_RESET
    raise _Refused(
        RejectReason.BACKWARDS,
        Detail("backwards", {"value": str(reading.raw), "at": _fmt(prev.ts), "previous": str(prev.raw)}),
    )


def _judge(profile: Profile, prev: Point | None, reading: Incoming, following: Point | None) -> Point:
    """The stored form of one incoming reading, or _Refused."""
    device = profile.device_at(reading.ts)
    if device is None:
        raise _Refused(RejectReason.NO_DEVICE, Detail("no_device", {"at": _fmt(reading.ts)}))
    flags = 0
    if prev is not None and (reading.ts - prev.ts).total_seconds() > GAP_FACTOR * profile.expected_interval_s:
        flags |= FLAG_GAP
    if following is not None:
        flags |= FLAG_LATE
    if not profile.counter:
        value = reading.raw * device.multiplier
        low, high = profile.valid_min, profile.valid_max
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Refused(
                RejectReason.OUT_OF_RANGE,
                Detail("out_of_range", {"value": f"{value:g}", "low": str(low), "high": str(high)}),
            )
        if (
            profile.max_step is not None
            and prev is not None
            and prev.quantity is not None
            and not flags & FLAG_GAP
            and abs(value - prev.quantity) > profile.max_step
        ):
            raise _Refused(
                RejectReason.SPIKE,
                Detail("step", {"change": f"{value - prev.quantity:+g}", "limit": f"{profile.max_step:g}"}),
            )
        return Point(reading.ts, reading.raw, None, value, flags, device.id)
    if (
        following is not None
        and following.device_id == device.id
        and not following.flags & (FLAG_RESET | FLAG_ROLLOVER)
        and reading.raw > following.raw
    ):
        raise _Refused(
            RejectReason.INCONSISTENT,
            Detail(
                "late_above_next", {"value": str(reading.raw), "at": _fmt(following.ts), "next": str(following.raw)}
            ),
        )
    if prev is None:
        return Point(reading.ts, reading.raw, reading.raw * device.multiplier, None, flags, device.id)
    used, earned = _consumption(profile, prev, reading, device)
    hours = (reading.ts - prev.ts).total_seconds() / 3600
    if profile.max_rate is not None and hours > 0 and used / hours > profile.max_rate:
        raise _Refused(
            RejectReason.SPIKE,
            Detail(
                "rate",
                {
                    "hours": f"{hours:.2f}",
                    "used": f"{used:g}",
                    "per_hour": f"{used / hours:g}",
                    "limit": f"{profile.max_rate:g}",
                },
            ),
        )
    assert prev.value is not None  # counters always carry a value
    return Point(reading.ts, reading.raw, prev.value + used, used, flags | earned, device.id)


def _recompute(profile: Profile, prev: Point, stored: Point) -> Point:
    """A stored counter reading seen after a new predecessor: its consumption and value again."""
    device = profile.device(stored.device_id) or profile.device_at(stored.ts)
    if device is None or not profile.counter:
        return stored
    try:
        used, earned = _consumption(profile, prev, Incoming(stored.ts, stored.raw), device)
    except _Refused:
        # The stored reading stays as it was; the late one before it was already judged consistent.
        return stored
    assert prev.value is not None
    kept = stored.flags & ~(FLAG_RESET | FLAG_ROLLOVER | FLAG_DEVICE_CHANGE | FLAG_GAP)
    gap = FLAG_GAP if (stored.ts - prev.ts).total_seconds() > GAP_FACTOR * profile.expected_interval_s else 0
    return replace(stored, value=prev.value + used, quantity=used, flags=kept | earned | gap)


def _rising(
    profile: Profile, device: Device, before: Point, moments: list[datetime.datetime], raws: list[float]
) -> Inserted | None:
    """The common case in bulk: every reading above the one before it, within the meter's rate.

    Returns the readings as stored, or None when any reading needs the full rule (`_judge`). Column
    arithmetic over lists rather than a loop of objects: this is the path a million readings take.
    """
    assert before.value is not None
    previous_moments = [before.ts, *moments[:-1]]
    steps = [b - a for a, b in zip([before.raw, *raws[:-1]], raws, strict=True)]
    if min(steps) < 0:
        return None
    multiplier = device.multiplier
    amounts = steps if multiplier == 1 else [step * multiplier for step in steps]
    if profile.max_rate is not None:
        limit = profile.max_rate / 3600
        if any(q > limit * (b - a).total_seconds() for q, a, b in zip(amounts, previous_moments, moments, strict=True)):
            return None
    gap = datetime.timedelta(seconds=GAP_FACTOR * profile.expected_interval_s)
    flags = [FLAG_GAP if b - a > gap else 0 for a, b in zip(previous_moments, moments, strict=True)]
    running = list(itertools.accumulate(amounts, initial=before.value))
    values: list[float | None] = [*running[1:]]
    quantities: list[float | None] = [*amounts]
    return Inserted(moments, raws, values, quantities, flags, [device.id] * len(moments))


def _append_counter(
    profile: Profile,
    device: Device,
    before: Point | None,
    moments: list[datetime.datetime],
    raws: list[float],
    outcome: Outcome,
) -> None:
    """New counter readings after every stored one, one device throughout: in bulk when they all
    rise normally, else one by one through `_judge` (resets, roll-overs, steps back, spikes)."""
    start = 0
    if before is None:
        first = Incoming(moments[0], raws[0])
        try:
            before = _judge(profile, None, first, None)
        except _Refused as refused:
            outcome.rejects.append(Refusal(first, refused.reason, refused.detail))
        else:
            outcome.inserts.append(before)
        start = 1
    if start >= len(moments):
        return
    bulk = _rising(profile, device, before, moments[start:], raws[start:]) if before is not None else None
    if bulk is not None:
        outcome.inserts.extend(bulk)
        return
    prev = before
    for reading in map(Incoming, moments[start:], raws[start:]):
        try:
            point = _judge(profile, prev, reading, None)
        except _Refused as refused:
            outcome.rejects.append(Refusal(reading, refused.reason, refused.detail))
        else:
            outcome.inserts.append(point)
            prev = point


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=SAME_VALUE_TOLERANCE, abs_tol=SAME_VALUE_TOLERANCE)


def validate_series(
    profile: Profile,
    before: Point | None,
    stored: Sequence[Point],
    moments: list[datetime.datetime],
    raws: list[float],
) -> Outcome:
    """Merge a meter's incoming readings (`moments` sorted and distinct, with their `raws`) into its
    stored ones.

    1. Walk stored and incoming readings together in time order, `prev` the last one kept.
    2. An incoming reading at a stored moment is a duplicate or a conflict; otherwise it is judged
       against `prev` (and the stored reading after it, for late ones) and kept or refused.
    3. A stored reading whose predecessor changed is recomputed; if its continuous value moved, every
       stored reading after the last one seen moves by the same amount (`shift_after`).
    """
    outcome = Outcome()
    if not stored and profile.counter and moments:
        device = profile.device_at(moments[0])
        if device is not None and device.covers(moments[-1]) and (before is None or before.device_id == device.id):
            _append_counter(profile, device, before, moments, raws, outcome)
            return outcome
    incoming = list(map(Incoming, moments, raws))
    prev = before
    changed = False  # whether `prev` is not the predecessor the next stored reading was computed from
    i = j = 0
    while i < len(incoming) or j < len(stored):
        existing = stored[j] if j < len(stored) else None
        reading = incoming[i] if i < len(incoming) else None
        if existing is not None and (reading is None or existing.ts <= reading.ts):
            if reading is not None and existing.ts == reading.ts:
                if _same(existing.raw, reading.raw):
                    outcome.duplicates += 1
                else:
                    outcome.rejects.append(
                        Refusal(
                            reading,
                            RejectReason.CONFLICT,
                            Detail("stored_conflict", {"kept": str(existing.raw), "value": str(reading.raw)}),
                        )
                    )
                i += 1
            if changed and prev is not None:
                updated = _recompute(profile, prev, existing)
                if updated != existing:
                    outcome.updates.append(updated)
                    if j == len(stored) - 1 and existing.value is not None and updated.value is not None:
                        moved = updated.value - existing.value
                        if not _same(moved, 0.0):
                            outcome.shift_after = (existing.ts, moved)
                existing = updated
            prev = existing
            changed = False
            j += 1
            continue
        assert reading is not None
        try:
            point = _judge(profile, prev, reading, existing)
        except _Refused as refused:
            outcome.rejects.append(Refusal(reading, refused.reason, refused.detail))
        else:
            outcome.inserts.append(point)
            prev = point
            changed = True
        i += 1
    return outcome
