"""Monitoring: batch ingest against raw executemany, a year of a 1,000-meter park read through the
rollups against raw SQL, and the MQTT path's sustained rate through a real mosquitto on loopback.

Targets (issue #21): ingest ≥ 50 % of raw executemany's speed (subject/floor ≤ 2); a meter's daily
series for a year and every tenant's consumption of a month within 3× of raw SQL on the rollups;
MQTT ≥ 5,000 readings/s with nothing lost.
"""

from __future__ import annotations

import atexit
import datetime
import itertools
import math
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.enterprises.models import Enterprise
from parkos.monitoring import mqtt, selectors, services, storage
from parkos.monitoring.choices import MeterKind, MeterMeasure, ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import (
    DailyRollup,
    Gateway,
    HourlyRollup,
    Meter,
    MeterDevice,
    MonthlyRollup,
    Reading,
    RejectedReading,
)
from parkos.monitoring.parsing import RawReading, encode_message
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


# --- a year of a park read through the rollups -----------------------------------------------------

YEAR_PARK = "BENCH-MON-YEAR"
GENERATE_METERS = 100


def _year_park(scale: str) -> tuple[Park, list[Meter], datetime.datetime, datetime.datetime]:
    """A park of electricity meters with a year (small: 60 days) of 15-minute readings, generated in
    SQL on PostgreSQL (generate_series; a closed form for the register), rollups rebuilt set-based."""
    meter_count, days = (1000, 365) if scale == "full" else (50, 60)
    park = _park(YEAR_PARK, "基准监测园区（全年）")
    meters = _meters(park, meter_count, prefix="BY")
    tenants = _tenants(meter_count // 2)
    unassigned = [m.pk for m in meters if m.enterprise_id is None]
    if unassigned:
        # Four meters in five belong to a tenant (two each); the rest are the park's own.
        for index, meter in enumerate(meters):
            if index % 5 != 4:
                meter.enterprise_id = tenants[(index // 2) % len(tenants)]
        Meter.objects.bulk_update(meters, ["enterprise_id"], batch_size=1000)
    end = timezone.now().astimezone(storage.local_zone()).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - datetime.timedelta(days=days)
    ids = [m.pk for m in meters]
    expected = days * 96
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM monitoring_reading WHERE meter_id = %s", [ids[-1]])
        if cursor.fetchone()[0] == expected:
            return park, meters, start, end
    _clear(ids)
    storage.ensure_partitions(storage.months_between(start.date(), end.date()))
    # A hundred meters at a time: each a transaction of its own (3.5 M rows at full scale), so a
    # year loads in steps that show progress and never hold one huge transaction.
    for first in range(0, len(ids), GENERATE_METERS):
        chunk = ids[first : first + GENERATE_METERS]
        _generate(chunk, start, expected)
        with transaction.atomic():
            storage.rebuild_rollups(meter_ids=chunk)
        print(f"  {first + len(chunk)}/{len(ids)} meters loaded", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return park, meters, start, end


def _tenants(count: int) -> list[int]:
    have = list(Enterprise.objects.filter(name__startswith="基准租户").order_by("pk").values_list("pk", flat=True))
    Enterprise.objects.bulk_create(
        Enterprise(name=f"基准租户{i:04d}有限公司", credit_code=None, city="重庆市") for i in range(len(have), count)
    )
    return list(Enterprise.objects.filter(name__startswith="基准租户").order_by("pk").values_list("pk", flat=True))[
        :count
    ]


# Register of meter m at step i: rate·(i + ½·Σ_{k≤i} sin kθ), θ = 2π/96 (a daily wave); the sum has
# the closed form sin(iθ/2)·sin((i+1)θ/2)/sin(θ/2), so SQL computes every row independently.
_THETA = 2 * math.pi / 96
_RATE = "(1.0 + mod(m.id, 17) / 4.0)"
_REGISTER = f"{_RATE} * (t.i + 0.5 * sin(t.i * {_THETA} / 2) * sin((t.i + 1) * {_THETA} / 2) / sin({_THETA} / 2))"
_STEP = f"{_RATE} * (1 + 0.5 * sin(t.i * {_THETA}))"


def _generate(ids: list[int], start: datetime.datetime, steps: int) -> None:
    if storage.is_postgresql():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO monitoring_reading (meter_id, ts, raw, value, quantity, flags, source)"
                f" SELECT m.id, %s::timestamptz + t.i * interval '15 minutes', {_REGISTER}, {_REGISTER},"
                f" CASE WHEN t.i = 0 THEN NULL ELSE {_STEP} END, 0, 4"
                " FROM unnest(%s::bigint[]) AS m(id) CROSS JOIN generate_series(0, %s - 1) AS t(i)",
                [start, ids, steps],
            )
        return
    theta = _THETA
    with transaction.atomic(), connection.cursor() as cursor:
        for meter_id in ids:
            rate = 1.0 + (meter_id % 17) / 4.0
            rows = []
            for i in range(steps):
                register = rate * (
                    i + 0.5 * math.sin(i * theta / 2) * math.sin((i + 1) * theta / 2) / math.sin(theta / 2)
                )
                step = None if i == 0 else rate * (1 + 0.5 * math.sin(i * theta))
                ts = (start + STEP * i).astimezone(UTC).isoformat(" ")[:19]
                rows.append((meter_id, ts, register, register, step, 0, 4))
            cursor.executemany(
                "INSERT INTO monitoring_reading (meter_id, ts, raw, value, quantity, flags, source)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )


@benchmark("monitoring.year_daily_series")
def year_daily_series(scale: str) -> Case:
    _park_row, meters, start, end = _year_park(scale)
    meter = meters[len(meters) // 2]
    zone = storage.local_zone()
    first, last = start.astimezone(zone).date(), (end - datetime.timedelta(seconds=1)).astimezone(zone).date()

    def subject() -> int:
        resolution, points = selectors.meter_series(meter, start=start, end=end, resolution="day")
        assert resolution == "day"
        return len(points)

    def floor() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT day, samples, total, minimum, maximum FROM monitoring_dailyrollup"
                " WHERE meter_id = %s AND day >= %s AND day <= %s ORDER BY day",
                [meter.pk, first, last],
            )
            return len(cursor.fetchall())

    def check(s: Any, f: Any) -> None:
        assert s == f, (s, f)

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the meter's daily rollup rows",
        target_ratio=3.0,
        check=check,
        notes=f"{len(meters)} meters × {(end - start).days} days at 15 min",
    )


def _last_month(end: datetime.datetime) -> tuple[datetime.date, datetime.date]:
    month_end = end.astimezone(storage.local_zone()).date().replace(day=1) - datetime.timedelta(days=1)
    return month_end.replace(day=1), month_end


@benchmark("monitoring.tenant_month_consumption")
def tenant_month_consumption(scale: str) -> Case:
    """Every tenant's consumption of a month per utility (`consumption_totals`: the dashboard's top
    consumers, the tenant's widget, tce) against the raw SQL that sums the same rollups the same way."""
    park, meters, _start, end = _year_park(scale)
    month, month_end = _last_month(end)
    sql = (
        "SELECT m.enterprise_id, m.kind, SUM(r.total) FROM monitoring_monthlyrollup r"
        " JOIN monitoring_meter m ON m.id = r.meter_id"
        " WHERE m.park_id = %s AND r.month = %s AND m.enterprise_id IS NOT NULL GROUP BY 1, 2"
    )

    def subject() -> dict[tuple[int, str], Decimal]:
        return selectors.consumption_totals(park=park, start=month, end=month_end)

    def floor() -> dict[tuple[int, str], float]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [park.pk, month])
            return {(enterprise, kind): float(total) for enterprise, kind, total in cursor.fetchall()}

    def check(s: Any, f: Any) -> None:
        assert set(s) == set(f), (len(s), len(f))
        for key, total in f.items():
            assert abs(float(s[key]) - total) < 0.001, (key, s[key], total)

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the month's rollups of tenants' meters, summed per tenant and utility",
        target_ratio=3.0,
        check=check,
        notes=f"{len(meters)} meters, {len({m.enterprise_id for m in meters} - {None})} tenants, {month:%Y-%m}",
    )


@benchmark("monitoring.tenant_month_lines")
def tenant_month_lines(scale: str) -> Case:
    """The same month as billing reads it (`consumption_by_enterprise`: a line per tenant and meter,
    with the meter's code and name) against the raw SQL of the same lines."""
    park, meters, _start, end = _year_park(scale)
    month, month_end = _last_month(end)
    sql = (
        "SELECT m.enterprise_id, m.id, m.kind, m.code, m.name, r.total FROM monitoring_monthlyrollup r"
        " JOIN monitoring_meter m ON m.id = r.meter_id"
        " WHERE m.park_id = %s AND r.month = %s AND m.enterprise_id IS NOT NULL ORDER BY 1, 2"
    )

    def subject() -> list[selectors.ConsumptionLine]:
        return selectors.consumption_by_enterprise(park=park, start=month, end=month_end)

    def floor() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [park.pk, month])
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows

    def check(s: Any, f: Any) -> None:
        assert [(line.enterprise_id, line.meter_id, line.meter_code) for line in s] == [
            (row[0], row[1], row[3]) for row in f
        ]
        assert all(abs(float(line.quantity) - row[5]) < 0.001 for line, row in zip(s, f, strict=True))

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the month's rollup of each tenant's meter, with the meter's code and name",
        target_ratio=3.0,
        check=check,
        notes=f"{len(meters)} meters, {month:%Y-%m}",
    )


# --- the MQTT path ---------------------------------------------------------------------------------


def _start_broker_and_subscriber(port: int) -> None:
    """A mosquitto on loopback and `manage.py monitoring_mqtt` beside it, both stopped at exit."""
    directory = Path(settings.VAR_DIR) / "bench-mosquitto"
    shutil.rmtree(directory, ignore_errors=True)
    broker = mqtt.LocalBroker(port=port, directory=directory).start()
    env = {**os.environ, "LOG_LEVEL": "WARNING", "MONITORING_MQTT_PORT": str(port)}
    subscriber = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "monitoring_mqtt", "--client-id", "parkos-bench", "--quiet"],
        cwd=ROOT,
        env=env,
    )

    def stop() -> None:
        subscriber.terminate()
        subscriber.wait()
        broker.stop()

    atexit.register(stop)


@benchmark("monitoring.mqtt_throughput")
def mqtt_throughput(scale: str) -> Case:
    """Readings published at QoS 1 to a real mosquitto on loopback, stored by `manage.py
    monitoring_mqtt` in another process; timed until every one is in the database. The floor is the
    same readings given to the ingestion directly (no broker)."""
    if mqtt.mosquitto_path() is None:
        raise RuntimeError("mosquitto is not installed (apt-get install mosquitto)")
    per_run = 100_000 if scale == "full" else 20_000
    per_message = 50
    park = _park("BENCH-MON-MQTT", "基准监测园区（MQTT）")
    meters = _meters(park, 200, prefix="BQ")
    gateway = (
        Gateway.objects.filter(park=park, code="GWB").first()
        or services.gateway_create(actor=None, fields={"park": park, "code": "GWB", "name": "基准网关"})[0]
    )
    ids = [m.pk for m in meters]
    port = int(os.environ.get("PARKOS_BENCH_MQTT_PORT", "56420"))
    _start_broker_and_subscriber(port)
    publisher = mqtt.Publisher(host="127.0.0.1", port=port, client_id="parkos-bench-gateway")
    topic = mqtt.topic_for(park.code, gateway.code)
    base = (timezone.now() - datetime.timedelta(days=30)).replace(second=0, microsecond=0)
    runs = itertools.count()

    def batch() -> list[RawReading]:
        offset = next(runs) * (per_run // len(meters))
        return [
            RawReading(meter.code, base + datetime.timedelta(seconds=10 * (offset + k)), float(offset + k))
            for k in range(per_run // len(meters))
            for meter in meters
        ]

    def count() -> int:
        return Reading.objects.filter(meter_id__in=ids).count()

    def wait_for(last: RawReading, target: int, timeout: float = 600) -> None:
        """Until the run's last reading is stored (messages are stored in the order they were sent),
        then every reading must be there."""
        deadline = time.monotonic() + timeout
        meter_id = next(m.pk for m in meters if m.code == last.meter_code)
        assert last.ts is not None
        while not Reading.objects.filter(meter_id=meter_id, ts=last.ts).exists():
            if RejectedReading.objects.filter(meter_id__in=ids).exists():
                raise RuntimeError("readings were rejected")
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {count()} of {target} readings arrived")
            time.sleep(0.02)
        if count() != target:
            raise RuntimeError(f"{count()} readings stored, {target} expected")

    _clear(ids)
    # The subscriber's session exists once a probe reading has landed (a meter of its own, a moment
    # no run used).
    probe_meter = _meters(park, 1, prefix="BP")[0]
    probe = timezone.now().replace(microsecond=0)
    deadline = time.monotonic() + 60
    while not Reading.objects.filter(meter=probe_meter, ts=probe).exists():
        publisher.publish(topic, encode_message([(probe_meter.code, probe, 0.0)]))
        if time.monotonic() > deadline:
            raise RuntimeError("the subscriber did not start")
        time.sleep(1)

    def subject() -> int:
        readings = batch()
        target = count() + len(readings)
        for start in range(0, len(readings), per_message):
            chunk = readings[start : start + per_message]
            publisher.publish(topic, encode_message((r.meter_code, r.ts, r.value) for r in chunk))  # type: ignore[misc]
        wait_for(readings[-1], target)
        return len(readings)

    def floor() -> int:
        result = ingest_readings(park=park, readings=batch(), source=ReadingSource.API)
        return result.accepted

    def check(s: Any, f: Any) -> None:
        assert s == f == per_run, (s, f)

    return Case(
        subject=subject,
        floor=floor,
        floor_label="the same readings ingested directly (no broker)",
        check=check,
        notes=f"{per_run:,} readings a run in messages of {per_message}, {len(meters)} meters; target ≥ 5,000 readings/s",
        max_repeats=3 if scale == "full" else 5,
        items=per_run,
        min_items_per_second=5000,
    )
