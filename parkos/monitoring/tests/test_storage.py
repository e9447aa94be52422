"""Storage: monthly partitions created ahead and dropped by retention (PostgreSQL), retention by rows
(SQLite), rollups kept incrementally equal to rollups rebuilt from the readings, late data included."""

import datetime
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from parkos.monitoring import storage
from parkos.monitoring.choices import MeterKind, ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import DailyRollup, HourlyRollup, MonthlyRollup, Reading
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory
from parkos.parks.tests.factories import ParkFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 15, tzinfo=UTC)


def test_bucket_of_a_reading_is_the_hour_it_ends():
    assert storage.hour_of(datetime.datetime(2026, 1, 1, 10, 0, tzinfo=UTC)) == datetime.datetime(
        2026, 1, 1, 9, tzinfo=UTC
    )
    assert storage.hour_of(datetime.datetime(2026, 1, 1, 10, 0, 1, tzinfo=UTC)) == datetime.datetime(
        2026, 1, 1, 10, tzinfo=UTC
    )
    # A Chongqing day starts at 16:00 UTC the day before.
    assert storage.local_day_of_hour(datetime.datetime(2026, 1, 1, 16, tzinfo=UTC)) == datetime.date(2026, 1, 2)


def test_retention_cutoff_counts_whole_local_months():
    assert storage.retention_cutoff(datetime.date(2026, 6, 15), 36) == datetime.date(2023, 7, 1)
    assert storage.retention_cutoff(datetime.date(2026, 6, 15), 1) == datetime.date(2026, 6, 1)


@pytest.mark.django_db(transaction=True)
@override_settings(MONITORING_RETENTION_MONTHS=4)
def test_partitions_are_created_ahead_on_demand_and_dropped_by_retention():
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's")
    park = ParkFactory()
    meter = MeterFactory(park=park)
    created = storage.create_partitions_ahead(2, today=datetime.date(2026, 6, 10))
    assert created == [datetime.date(2026, 6, 1), datetime.date(2026, 7, 1), datetime.date(2026, 8, 1)]
    assert storage.create_partitions_ahead(2, today=datetime.date(2026, 6, 10)) == []  # idempotent
    # The ingestion creates the partition of an older month itself.
    old = datetime.datetime(2026, 1, 20, tzinfo=UTC)
    february = datetime.datetime(2026, 2, 15, tzinfo=UTC)
    assert (
        ingest_readings(
            park=park, readings=[RawReading(meter.code, old, 1.0)], source=ReadingSource.API, now=february
        ).accepted
        == 1
    )
    assert (
        ingest_readings(
            park=park, readings=[RawReading(meter.code, NOW, 2.0)], source=ReadingSource.API, now=NOW
        ).accepted
        == 1
    )
    assert datetime.date(2026, 1, 1) in storage.existing_partitions()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM monitoring_reading WHERE meter_id = %s ORDER BY ts", [meter.pk]
        )
        assert [row[0] for row in cursor.fetchall()] == ["monitoring_reading_p202601", "monitoring_reading_p202606"]
    cutoff = storage.retention_cutoff(NOW.date())  # four months kept: March–June
    assert cutoff == datetime.date(2026, 3, 1)
    dropped = storage.drop_expired(cutoff)
    # (Other tests may have left older partitions behind in this database: all before March go.)
    assert "monitoring_reading_p202601" in dropped
    assert max(dropped) < "monitoring_reading_p202603"
    assert min(storage.existing_partitions()) >= datetime.date(2026, 3, 1)
    assert list(Reading.objects.filter(meter=meter).values_list("raw", flat=True)) == [2.0]
    assert MonthlyRollup.objects.filter(meter=meter).exists()  # rollups outlive their readings
    # Readings older than retention are refused, not written into a recreated partition.
    late = ingest_readings(park=park, readings=[RawReading(meter.code, old, 1.0)], source=ReadingSource.API, now=NOW)
    assert late.rejects[0].reason == "too_old"


@pytest.mark.django_db
def test_partitions_command_and_sqlite_retention(capsys):
    park = ParkFactory()
    meter = MeterFactory(park=park)
    start = datetime.datetime(2023, 1, 1, tzinfo=UTC)
    ingest_readings(
        park=park,
        readings=[RawReading(meter.code, start + datetime.timedelta(days=40 * i), float(i)) for i in range(30)],
        source=ReadingSource.API,
        now=datetime.datetime(2026, 4, 1, tzinfo=UTC),
    )
    call_command("monitoring_partitions", "--drop-expired", "--retention-months", "12")
    cutoff = storage.local_midnight(storage.retention_cutoff(months=12))
    assert not Reading.objects.filter(ts__lt=cutoff).exists()
    assert Reading.objects.filter(meter=meter).exists()


def _rollups(meter):
    return (
        sorted(HourlyRollup.objects.filter(meter=meter).values_list("hour", "samples", "total", "minimum", "maximum")),
        sorted(DailyRollup.objects.filter(meter=meter).values_list("day", "samples", "total", "minimum", "maximum")),
        sorted(
            MonthlyRollup.objects.filter(meter=meter).values_list("month", "samples", "total", "minimum", "maximum")
        ),
    )


def _rounded(rollups):
    return [[tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in level] for level in rollups]


class IncrementalRollupsTest(TestCase):
    """Readings arriving in random batches, in random order (late ones included), leave rollups equal
    to those rebuilt from scratch."""

    @settings(max_examples=15)
    @given(st.integers(min_value=0, max_value=10_000), st.sampled_from([MeterKind.ELECTRICITY, MeterKind.TEMPERATURE]))
    def test_incremental_equals_rebuilt(self, seed, kind):
        rng = random.Random(seed)
        park = ParkFactory()
        meter = MeterFactory(park=park, kind=kind)
        start = datetime.datetime(2026, 3, 31, 12, tzinfo=UTC)  # crosses a local day and a month
        value, readings = 100.0, []
        for i in range(rng.randint(5, 80)):
            value += rng.choice([0.5, 1.0, 2.5, 7.0])
            raw = value if kind == MeterKind.ELECTRICITY else rng.uniform(15, 30)
            readings.append(
                RawReading(
                    meter.code, start + datetime.timedelta(minutes=rng.choice([5, 15, 20]) * i + 1), round(raw, 3)
                )
            )
        rng.shuffle(readings)
        while readings:
            cut = rng.randint(1, len(readings))
            batch, readings = readings[:cut], readings[cut:]
            ingest_readings(park=park, readings=batch, source=ReadingSource.API, now=NOW)
        incremental = _rollups(meter)
        HourlyRollup.objects.filter(meter=meter).delete()
        DailyRollup.objects.filter(meter=meter).delete()
        MonthlyRollup.objects.filter(meter=meter).delete()
        storage.rebuild_rollups(meter_ids=[meter.pk])
        assert _rounded(incremental) == _rounded(_rollups(meter))
        assert sum(row[2] for row in incremental[2]) == pytest.approx(sum(row[2] for row in incremental[0]))


@pytest.mark.django_db
def test_ingestion_plans_its_statements_without_jit():
    """JIT compiled every batch's neighbour and rollup statements for seconds (storage.plan_without_jit)."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    park = ParkFactory()
    meter = MeterFactory(park=park)
    moment = datetime.datetime(2026, 6, 1, tzinfo=UTC)
    ingest_readings(park=park, readings=[RawReading(meter.code, moment, 1.0)], source=ReadingSource.API, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"  # SET LOCAL: until the test's transaction ends
