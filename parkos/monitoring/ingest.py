"""Ingestion: the one path every reading takes, whether it came by HTTP, MQTT or a file.

`ingest_readings` validates a batch, stores what passes, keeps what does not with its reason, brings
the rollups up to date and evaluates the alarm rules, in one transaction. It is idempotent on
(meter, moment): a reading sent twice is counted as a duplicate and stored once, which is what makes
MQTT's at-least-once delivery land exactly once.

The batch path works on columns (lists), not objects: a million readings go through it in seconds
(bench `monitoring.ingest_batch`).
"""

from __future__ import annotations

import bisect
import datetime
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation

from parkos.accounts.models import User
from parkos.core.audit import audit_record
from parkos.core.models import AuditAction
from parkos.monitoring import alarms, messages, storage
from parkos.monitoring.choices import KIND_VALID_RANGES, MeterKind, MeterStatus, ReadingSource, RejectReason
from parkos.monitoring.messages import Detail
from parkos.monitoring.models import Gateway, Meter, MeterDevice, RejectedReading
from parkos.monitoring.parsing import RawReading, iter_chunks
from parkos.monitoring.validation import FLAG_LATE, Device, Inserted, Profile, validate_series
from parkos.parks.models import Park

UTC = datetime.UTC
#: A gateway clock this far ahead of ours is still believed (NTP drift, rounding).
CLOCK_SKEW = datetime.timedelta(minutes=5)
#: An electricity meter in a unit may draw at most this many times the unit's power (kVA) per hour
#: before a reading is judged a spike, when the meter states no limit of its own.
POWER_HEADROOM = 1.5
_moment = operator.attrgetter("ts")


@dataclass(frozen=True)
class RejectLine:
    """A refused reading as the sender is told: `reason` and `code` are stable machine codes (`code` is
    the detail's, or the reason again where it has none), `params` the detail's figures, `message`
    the words in the language active at ingestion (the request's, the uploader's)."""

    line: int
    meter_code: str
    ts: str
    reason: str
    code: str
    params: dict[str, str]
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
            Device(d.pk, float(d.multiplier), d.installed_at, d.removed_at, d.initial_reading, d.final_reading)
            for d in devices
        ),
        expected_interval_s=meter.expected_interval_s,
        register_max=meter.register_max,
        max_rate=max_rate,
        max_step=meter.max_step,
        valid_min=meter.valid_min if meter.valid_min is not None else low,
        valid_max=meter.valid_max if meter.valid_max is not None else high,
    )


def _meter_verdict(
    code: str, meter: Meter | None, gateway: Gateway | None
) -> tuple[RejectReason, Detail | None] | None:
    if meter is None:
        return RejectReason.UNKNOWN_METER, Detail("unknown_meter", {"meter": code})
    if gateway is not None and meter.gateway_id not in (None, gateway.pk):
        return RejectReason.FOREIGN_METER, Detail("foreign_meter", {})
    if meter.is_virtual:
        return RejectReason.VIRTUAL_METER, None
    if meter.status == MeterStatus.RETIRED:
        return RejectReason.RETIRED_METER, None
    return None


class _Batch:
    """A batch sorted into per-meter series (time order, one reading per moment) and early rejects."""

    def __init__(self, gateway: Gateway | None, now: datetime.datetime) -> None:
        self.gateway = gateway
        self.latest = now + CLOCK_SKEW
        self.oldest = storage.local_midnight(storage.retention_cutoff(timezone.localdate(now)))
        self.series: dict[int, list[RawReading]] = {}
        self.rejects: list[tuple[RawReading, Meter | None, RejectReason, Detail | None]] = []
        self.duplicates = 0

    def refuse(self, reading: RawReading, meter: Meter | None, reason: RejectReason, detail: Detail | None) -> None:
        self.rejects.append((reading, meter, reason, detail))

    def sort(self, readings: Sequence[RawReading], meters: dict[str, Meter]) -> None:
        """1. Group by meter code; refuse unknown, foreign, virtual and retired meters and readings
        that could not be read. 2. Order each meter's readings by time; refuse those in the future
        or before the retention cutoff. 3. Keep one reading per moment: the same value again is a
        duplicate, another value a conflict."""
        by_code: dict[str, list[RawReading]] = defaultdict(list)
        for reading in readings:
            by_code[reading.meter_code].append(reading)
        for code, items in by_code.items():
            meter = meters.get(code)
            usable = [r for r in items if r.problem is None]
            if len(usable) != len(items):
                for reading in items:
                    if reading.problem is not None:
                        self.refuse(reading, meter, reading.problem, reading.detail)
            verdict = _meter_verdict(code, meter, self.gateway)
            if verdict is not None:
                for reading in usable:
                    self.refuse(reading, meter, *verdict)
                continue
            assert meter is not None
            if usable:
                usable.sort(key=_moment)
                kept = self._in_range(usable, meter)
                if kept:
                    self.series[meter.pk] = kept

    def _in_range(self, items: list[RawReading], meter: Meter) -> list[RawReading]:
        moments = [_moment(r) for r in items]  # usable readings have their moment
        first = bisect.bisect_left(moments, self.oldest)
        last = bisect.bisect_right(moments, self.latest)
        for reading in items[:first]:
            self.refuse(
                reading, meter, RejectReason.TOO_OLD, Detail("too_old", {"cutoff": self.oldest.date().isoformat()})
            )
        for reading in items[last:]:
            assert reading.ts is not None
            at = f"{timezone.localtime(reading.ts):%Y-%m-%d %H:%M}"
            self.refuse(reading, meter, RejectReason.FUTURE, Detail("future", {"at": at}))
        kept = items[first:last]
        if not kept or len(set(moments[first:last])) == len(kept):
            return kept
        distinct = [kept[0]]
        for reading in kept[1:]:
            previous = distinct[-1]
            if reading.ts != previous.ts:
                distinct.append(reading)
            elif reading.value == previous.value:
                self.duplicates += 1
            else:
                self.refuse(
                    reading, meter, RejectReason.CONFLICT, Detail("batch_conflict", {"kept": str(previous.value)})
                )
        return distinct


def reject_words(reason: RejectReason, detail: Detail | None) -> str:
    """A refusal in the active language: its detail's words, or its reason's where it has no detail."""
    if detail is None:
        return str(reason.label)
    return messages.reject_detail(*detail) or str(reason.label)


def stored_reject_words(refusals: Iterable[tuple[RejectReason, Detail | None]]) -> list[str]:
    """The Chinese words kept beside each refusal's code (`RejectedReading.detail`)."""
    with translation.override(settings.LANGUAGE_CODE):
        return [reject_words(reason, detail) for reason, detail in refusals]


def _reject_rows(
    batch: _Batch, park: Park, source: ReadingSource, gateway: Gateway | None
) -> tuple[list[RejectedReading], list[RejectLine]]:
    """The rows kept (the detail as a code and figures, with its Chinese words) and the lines the sender
    is told, worded in the active language."""
    rows, lines = [], []
    stored_words = stored_reject_words((reason, detail) for _reading, _meter, reason, detail in batch.rejects)
    for (reading, meter, reason, detail), words in zip(batch.rejects, stored_words, strict=True):
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
                detail=words[:300],
                detail_code="" if detail is None else detail.code,
                detail_params={} if detail is None else detail.params,
            )
        )
        lines.append(
            RejectLine(
                reading.line,
                reading.meter_code,
                reading.ts.isoformat() if reading.ts else reading.raw_ts,
                str(reason.value),
                str(reason.value) if detail is None else detail.code,
                {} if detail is None else detail.params,
                reject_words(reason, detail),
            )
        )
    return rows, lines


def _unrecorded(rows: list[RejectedReading], park: Park) -> list[RejectedReading]:
    """The rejects not kept already: a reading refused again (a sheet imported twice, a batch sent
    again, a message redelivered after a crash) is kept once, with its first refusal."""
    if not rows:
        return rows
    stamps = [row.ts for row in rows if row.ts is not None]
    window = Q(ts__isnull=True)
    if stamps:
        window |= Q(ts__gte=min(stamps), ts__lte=max(stamps))
    seen: set[tuple[str, datetime.datetime | None, str, str]] = set()
    for codes in iter_chunks(sorted({row.meter_code for row in rows}), 500):
        kept = RejectedReading.objects.filter(window, park=park, meter_code__in=codes)
        seen.update(kept.values_list("meter_code", "ts", "raw_value", "reason"))
    fresh = []
    for row in rows:
        key = (row.meter_code, row.ts, row.raw_value, str(row.reason))
        if key not in seen:
            seen.add(key)
            fresh.append(row)
    return fresh


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
       insert, update the stored readings a late one changed, store the rejects, bring the rollups
       of the touched hours, days and months up to date, evaluate the alarm rules, note the gateway.
    """
    now = now or timezone.now()
    codes = sorted({r.meter_code for r in readings if r.meter_code})
    meters = {
        m.code: m
        for m in Meter.objects.filter(park=park, code__in=codes)
        .select_related("unit")
        .prefetch_related(Prefetch("devices", queryset=MeterDevice.objects.order_by("installed_at", "pk")))
    }
    batch = _Batch(gateway, now)
    batch.sort(readings, meters)
    zone = storage.local_zone()
    months: set[datetime.date] = set()
    for series in batch.series.values():
        first, last = _moment(series[0]).astimezone(zone).date(), _moment(series[-1]).astimezone(zone).date()
        months.update(storage.months_between(first, last))
    storage.ensure_partitions(months)
    with transaction.atomic():
        return _store(batch, {m.pk: m for m in meters.values()}, park, source, gateway, actor, evaluate_alarms)


def _store(
    batch: _Batch,
    meters: dict[int, Meter],
    park: Park,
    source: ReadingSource,
    gateway: Gateway | None,
    actor: User | None,
    evaluate_alarms: bool,
) -> IngestResult:
    result = IngestResult(duplicates=batch.duplicates)
    storage.plan_without_jit()
    ids = sorted(batch.series)
    # Lock in id order so two batches over the same meters cannot deadlock (no-op on SQLite, whose
    # IMMEDIATE transactions already take turns).
    list(Meter.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))
    profiles = {i: meter_profile(meters[i], list(meters[i].devices.all())) for i in ids}
    windows = {i: (_moment(batch.series[i][0]), _moment(batch.series[i][-1])) for i in ids}
    context = storage.series_context(profiles, windows)
    new = storage.NewReadings(int(source))
    rollup_windows: dict[int, storage.Window] = {}
    accepted: dict[int, Inserted] = {}
    for meter_id in ids:
        series = batch.series[meter_id]
        stored = context[meter_id].stored
        # Readings in a batch's series are the usable ones: each has its moment and its value.
        usable = [(r.ts, r.value) for r in series if r.ts is not None and r.value is not None]
        moments = [moment for moment, _raw in usable]
        raws = [raw for _moment, raw in usable]
        outcome = validate_series(profiles[meter_id], context[meter_id].before, stored, moments, raws)
        result.duplicates += outcome.duplicates
        if outcome.rejects:
            by_moment = {r.ts: r for r in series}
            for refusal in outcome.rejects:
                batch.refuse(by_moment[refusal.reading.ts], meters[meter_id], refusal.reason, refusal.detail)
        inserts = outcome.inserts
        storage.update_readings(meter_id, outcome.updates)
        if outcome.shift_after is not None:
            storage.shift_values(meter_id, *outcome.shift_after)
        if not len(inserts) and not outcome.updates:
            continue
        # Appending after every stored reading: the touched hours just gain these readings.
        appended = not stored and not outcome.updates
        new.add(meter_id, inserts, add_to_hours=appended)
        changed = [inserts.ts[0], inserts.ts[-1]] if len(inserts) else []
        changed += [p.ts for p in outcome.updates]
        rollup_windows[meter_id] = storage.Window.around(min(changed), max(changed), recompute_hours=not appended)
        if len(inserts) and evaluate_alarms:
            accepted[meter_id] = inserts
        result.late += sum(1 for flags in inserts.flags if flags & FLAG_LATE)
    new.write()
    result.accepted = new.count
    result.meters = set(rollup_windows)
    reject_rows, result.rejects = _reject_rows(batch, park, source, gateway)
    RejectedReading.objects.bulk_create(_unrecorded(reject_rows, park), batch_size=500)
    storage.recompute_rollups(rollup_windows)
    if accepted:
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
