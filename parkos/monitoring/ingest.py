"""Ingestion: the one path every reading takes, whether it came by HTTP, MQTT or a file.

`ingest_readings` validates a batch, stores what passes, keeps what does not with its reason, brings
the rollups up to date and evaluates the alarm rules, in one transaction. It is idempotent on
(meter, moment): a reading sent twice is counted as a duplicate and stored once, which is what makes
MQTT's at-least-once delivery land exactly once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from parkos.accounts.models import User
from parkos.core.audit import audit_record
from parkos.core.models import AuditAction
from parkos.monitoring import alarms, storage
from parkos.monitoring.choices import KIND_VALID_RANGES, MeterKind, MeterStatus, ReadingSource, RejectReason
from parkos.monitoring.models import Gateway, Meter, MeterDevice, RejectedReading
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.validation import FLAG_LATE, Device, Incoming, Point, Profile, validate_series
from parkos.parks.models import Park

#: A gateway clock this far ahead of ours is still believed (NTP drift, rounding).
CLOCK_SKEW = datetime.timedelta(minutes=5)
#: An electricity meter in a unit may draw at most this many times the unit's power (kVA) per hour
#: before a reading is judged a spike, when the meter states no limit of its own.
POWER_HEADROOM = 1.5


@dataclass(frozen=True)
class RejectLine:
    line: int
    meter_code: str
    ts: str
    reason: str
    message: str


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    late: int = 0
    rejects: list[RejectLine] = field(default_factory=list)
    meters: set[int] = field(default_factory=set)

    @property
    def rejected(self) -> int:
        return len(self.rejects)


def meter_profile(meter: Meter, devices: Sequence[MeterDevice]) -> Profile:
    """What validation needs of a meter: its devices and limits (with the kind's physical range)."""
    max_rate = meter.max_rate
    if max_rate is None and meter.kind == MeterKind.ELECTRICITY and meter.unit is not None and meter.unit.power_kva:
        max_rate = meter.unit.power_kva * POWER_HEADROOM
    low, high = KIND_VALID_RANGES.get(meter.kind, (None, None))
    return Profile(
        id=meter.pk,
        counter=meter.is_counter,
        devices=tuple(
            Device(
                d.pk,
                float(d.multiplier),
                d.installed_at,
                d.removed_at,
                d.initial_reading,
                d.final_reading,
            )
            for d in devices
        ),
        expected_interval_s=meter.expected_interval_s,
        register_max=meter.register_max,
        max_rate=max_rate,
        max_step=meter.max_step,
        valid_min=meter.valid_min if meter.valid_min is not None else low,
        valid_max=meter.valid_max if meter.valid_max is not None else high,
    )


class _Batch:
    """Sorting a batch into per-meter series and early rejects."""

    def __init__(self, park: Park, gateway: Gateway | None, now: datetime.datetime) -> None:
        self.park = park
        self.gateway = gateway
        self.now = now
        self.oldest = storage.local_midnight(storage.retention_cutoff(timezone.localdate(now)))
        self.series: dict[int, dict[datetime.datetime, RawReading]] = defaultdict(dict)
        self.rejects: list[tuple[RawReading, Meter | None, RejectReason, str]] = []
        self.duplicates = 0

    def refuse(self, reading: RawReading, meter: Meter | None, reason: RejectReason, detail: str = "") -> None:
        self.rejects.append((reading, meter, reason, detail or str(reason.label)))

    def add(self, reading: RawReading, meter: Meter | None) -> None:
        if reading.problem is not None:
            self.refuse(reading, meter, reading.problem, reading.detail)
        elif meter is None:
            self.refuse(reading, None, RejectReason.UNKNOWN_METER, f"园区内没有表计 {reading.meter_code}")
        elif self.gateway is not None and meter.gateway_id not in (None, self.gateway.pk):
            self.refuse(reading, meter, RejectReason.FOREIGN_METER, "该表计指定由其他网关上报")
        elif meter.is_virtual:
            self.refuse(reading, meter, RejectReason.VIRTUAL_METER)
        elif meter.status == MeterStatus.RETIRED:
            self.refuse(reading, meter, RejectReason.RETIRED_METER)
        elif reading.ts is None or reading.value is None:
            self.refuse(reading, meter, RejectReason.MALFORMED)
        elif reading.ts > self.now + CLOCK_SKEW:
            self.refuse(reading, meter, RejectReason.FUTURE, f"{reading.ts.isoformat()} 晚于服务器时间")
        elif reading.ts < self.oldest:
            self.refuse(reading, meter, RejectReason.TOO_OLD, f"早于数据保留起点 {self.oldest.date().isoformat()}")
        else:
            known = self.series[meter.pk].get(reading.ts)
            if known is None:
                self.series[meter.pk][reading.ts] = reading
            elif known.value == reading.value:
                self.duplicates += 1
            else:
                self.refuse(reading, meter, RejectReason.CONFLICT, f"同一批次中该时间已有读数 {known.value}")


def _reject_rows(
    batch: _Batch, park: Park, source: ReadingSource, gateway: Gateway | None
) -> tuple[list[RejectedReading], list[RejectLine]]:
    rows, lines = [], []
    for reading, meter, reason, detail in batch.rejects:
        rows.append(
            RejectedReading(
                park=park,
                meter=meter,
                meter_code=reading.meter_code,
                gateway=gateway,
                ts=reading.ts,
                raw_value=(reading.raw_value or ("" if reading.value is None else repr(reading.value)))[:60],
                source=source,
                reason=reason,
                detail=detail[:300],
            )
        )
        lines.append(
            RejectLine(
                reading.line,
                reading.meter_code,
                reading.ts.isoformat() if reading.ts else reading.raw_ts,
                str(reason.value),
                detail,
            )
        )
    return rows, lines


def ingest_readings(
    *,
    park: Park,
    readings: Sequence[RawReading],
    source: ReadingSource,
    gateway: Gateway | None = None,
    actor: User | None = None,
    evaluate_alarms: bool = True,
    now: datetime.datetime | None = None,
) -> IngestResult:
    """Validate and store a batch of readings of one park; keep the rejects; update rollups and alarms.

    1. Resolve meter codes in the park; refuse unknown, foreign, virtual or retired meters, unreadable
       values, moments in the future or before the retention cutoff, and conflicts within the batch.
    2. Make sure the months to be written have partitions (PostgreSQL; a short transaction of its own).
    3. In one transaction: lock the meters (concurrent batches of one meter take turns), read each
       meter's stored neighbours of the batch, validate the series (validation.validate_series),
       insert, update the stored readings a late one changed, store the rejects, recompute the
       rollups of the touched hours, days and months, evaluate the alarm rules, note the gateway.
    """
    now = now or timezone.now()
    codes = sorted({r.meter_code for r in readings if r.meter_code})
    meters = {
        m.code: m
        for m in Meter.objects.filter(park=park, code__in=codes)
        .select_related("unit")
        .prefetch_related(Prefetch("devices", queryset=MeterDevice.objects.order_by("installed_at", "pk")))
    }
    batch = _Batch(park, gateway, now)
    for reading in readings:
        batch.add(reading, meters.get(reading.meter_code))
    by_id = {m.pk: m for m in meters.values()}
    months = {r.astimezone(storage.local_zone()).date() for series in batch.series.values() for r in series}
    storage.ensure_partitions(months)
    with transaction.atomic():
        return _store(batch, by_id, park, source, gateway, actor, evaluate_alarms=evaluate_alarms)


def _store(
    batch: _Batch,
    meters: dict[int, Meter],
    park: Park,
    source: ReadingSource,
    gateway: Gateway | None,
    actor: User | None,
    *,
    evaluate_alarms: bool,
) -> IngestResult:
    result = IngestResult(duplicates=batch.duplicates)
    ids = sorted(batch.series)
    # Lock in id order so two batches over the same meters cannot deadlock (no-op on SQLite, whose
    # IMMEDIATE transactions already take turns).
    list(Meter.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
    profiles = {i: meter_profile(meters[i], list(meters[i].devices.all())) for i in ids}
    windows = {i: (min(batch.series[i]), max(batch.series[i])) for i in ids}
    context = storage.series_context(profiles, windows)
    rows: list[storage.Row] = []
    rollup_windows: dict[int, storage.Window] = {}
    accepted: dict[int, list[Point]] = {}
    for meter_id in ids:
        series = batch.series[meter_id]
        incoming = [Incoming(ts, series[ts].value or 0.0) for ts in sorted(series)]
        outcome = validate_series(profiles[meter_id], context[meter_id].before, context[meter_id].stored, incoming)
        result.duplicates += outcome.duplicates
        for refusal in outcome.rejects:
            batch.refuse(series[refusal.reading.ts], meters[meter_id], refusal.reason, refusal.detail)
        rows.extend((meter_id, p.ts, p.raw, p.value, p.quantity, p.flags, int(source)) for p in outcome.inserts)
        storage.update_readings(meter_id, outcome.updates)
        if outcome.shift_after is not None:
            storage.shift_values(meter_id, *outcome.shift_after)
        changed = [p.ts for p in outcome.inserts] + [p.ts for p in outcome.updates]
        if changed:
            rollup_windows[meter_id] = storage.Window.around(min(changed), max(changed))
            accepted[meter_id] = outcome.inserts
            result.late += sum(1 for p in outcome.inserts if p.flags & FLAG_LATE)
    storage.insert_readings(rows)
    result.accepted = len(rows)
    result.meters = set(accepted)
    reject_rows, result.rejects = _reject_rows(batch, park, source, gateway)
    RejectedReading.objects.bulk_create(reject_rows, batch_size=500)
    storage.recompute_rollups(rollup_windows)
    if evaluate_alarms and accepted:
        alarms.evaluate_readings(park=park, meters=meters, accepted=accepted)
    if gateway is not None:
        Gateway.objects.filter(pk=gateway.pk).update(last_seen_at=timezone.now())
    if actor is not None:
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="monitoring.reading",
            object_repr=f"{park.code} {ReadingSource(source).label}",
            changes={"accepted": result.accepted, "duplicates": result.duplicates, "rejected": result.rejected},
            park_id=park.pk,
        )
    return result
