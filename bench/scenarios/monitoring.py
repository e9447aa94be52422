"""Monitoring: batch ingest against raw executemany, a year of a 1,000-meter park read through the
rollups against raw SQL, and the MQTT path's sustained rate through a real mosquitto on loopback.

Targets (issue #21): ingest ≥ 50 % of raw executemany's speed (subject/floor ≤ 2); a meter's daily
series for a year and every tenant's consumption of a month within 3× of raw SQL on the rollups;
MQTT ≥ 5,000 readings/s with nothing lost.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.monitoring import storage
from parkos.monitoring.choices import MeterKind, MeterMeasure, ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import (
    DailyRollup,
    HourlyRollup,
    Meter,
    MeterDevice,
    MonthlyRollup,
    RejectedReading,
)
from parkos.monitoring.parsing import RawReading
from parkos.parks.models import Park

ROOT = Path(__file__).resolve().parents[2]
UTC = datetime.UTC
STEP = datetime.timedelta(minutes=15)
INSTALLED = datetime.datetime(2020, 1, 1, tzinfo=UTC)


def _park(code: str, name: str) -> Park:
    park, _created = Park.objects.get_or_create(
        code=code, defaults={"name": name, "city": "重庆市", "district": "巴南区", "land_area_sqm": Decimal(90000)}
    )
    return park


def _meters(park: Park, count: int, *, prefix: str = "BM") -> list[Meter]:
    """`count` electricity meters in the park, each with a device (created once, reused)."""
    have = Meter.objects.filter(park=park, code__startswith=f"{prefix}-").count()
    new = [
        Meter(
            park=park,
            code=f"{prefix}-{i:05d}",
            name=f"基准电表{i}",
            kind=MeterKind.ELECTRICITY,
            measure=MeterMeasure.COUNTER,
        )
        for i in range(have, count)
    ]
    Meter.objects.bulk_create(new, batch_size=1000)
    meters = list(Meter.objects.filter(park=park, code__startswith=f"{prefix}-").order_by("code")[:count])
    without = [m for m in meters if not MeterDevice.objects.filter(meter=m).exists()] if new else []
    MeterDevice.objects.bulk_create(
        [MeterDevice(meter=m, serial_number=f"SN-{m.code}", installed_at=INSTALLED) for m in without], batch_size=1000
    )
    return meters


def _clear(meter_ids: list[int]) -> None:
    with transaction.atomic():
        _delete_readings(meter_ids)
        for model in (HourlyRollup, DailyRollup, MonthlyRollup, RejectedReading):
            model.objects.filter(meter_id__in=meter_ids).delete()


def _delete_readings(meter_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM monitoring_reading WHERE meter_id IN ({', '.join(['%s'] * len(meter_ids))})", meter_ids
        )


@benchmark("monitoring.ingest_batch")
def ingest_batch(scale: str) -> Case:
    meter_count, per_meter = (1000, 1000) if scale == "full" else (100, 1000)
    park = _park("BENCH-MON-INGEST", "基准监测园区（写入）")
    meters = _meters(park, meter_count)
    ids = [m.pk for m in meters]
    start = (timezone.now() - datetime.timedelta(days=40)).replace(minute=0, second=0, microsecond=0)
    stamps = [(start + STEP * i).astimezone(UTC) for i in range(per_meter)]
    readings = [RawReading(meter.code, ts, float(1000 + 2.5 * i)) for meter in meters for i, ts in enumerate(stamps)]
    encode = storage._encode_ts  # the floor writes what the ingestion writes, encoded alike
    rows = [
        (meter.pk, encode(ts), 1000 + 2.5 * i, 1000 + 2.5 * i, None if i == 0 else 2.5, 0, int(ReadingSource.API))
        for meter in meters
        for i, ts in enumerate(stamps)
    ]
    storage.ensure_partitions({s.date() for s in stamps} | {(s + datetime.timedelta(hours=8)).date() for s in stamps})
    insert = (
        "INSERT INTO monitoring_reading (meter_id, ts, raw, value, quantity, flags, source)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )

    def subject() -> int:
        result = ingest_readings(park=park, readings=readings, source=ReadingSource.API)
        assert result.rejected == 0, result.rejects[:3]
        return result.accepted

    def floor() -> int:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, rows)
        return len(rows)

    def check(s: Any, f: Any) -> None:
        assert s == f == meter_count * per_meter, (s, f)

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw executemany of the same rows into monitoring_reading",
        target_ratio=2.0,
        check=check,
        notes=f"{meter_count * per_meter:,} readings, {meter_count} meters; subject validates, stores, rolls up",
        reset=lambda: _clear(ids),
        max_repeats=3 if scale == "full" else 5,
        items=meter_count * per_meter,
    )
