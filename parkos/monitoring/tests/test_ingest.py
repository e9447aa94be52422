"""Ingestion end to end on the database: validation, idempotency, late readings, rollups, rejects."""

import datetime

import pytest

from parkos.monitoring.choices import MeterKind, ReadingSource, RejectReason
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import DailyRollup, HourlyRollup, MonthlyRollup, Reading, RejectedReading
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
T0 = datetime.datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # 08:00 in Chongqing
NOW = datetime.datetime(2026, 3, 10, tzinfo=UTC)


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


def raw(meter, minutes, value):
    return RawReading(meter.code, at(minutes), float(value))


def ingest(park, readings, **kwargs):
    return ingest_readings(park=park, readings=readings, source=ReadingSource.API, now=NOW, **kwargs)


def test_counter_readings_become_consumption_and_rollups(park_a):
    meter = MeterFactory(park=park_a)
    result = ingest(park_a, [raw(meter, m, 100 + m) for m in range(0, 121, 15)])
    assert (result.accepted, result.duplicates, result.rejected) == (9, 0, 0)
    hours = dict(HourlyRollup.objects.filter(meter=meter).values_list("hour", "total"))
    # Readings at :15..:00 close the intervals of their hour (interval-ending); the first has no consumption.
    assert hours == {T0: 60.0, at(60): 60.0}
    assert DailyRollup.objects.get(meter=meter).total == 120.0
    assert MonthlyRollup.objects.get(meter=meter).total == 120.0


def test_resending_a_batch_stores_nothing_twice(park_a):
    meter = MeterFactory(park=park_a)
    batch = [raw(meter, m, 10 * m) for m in range(0, 61, 15)]
    ingest(park_a, batch)
    again = ingest(park_a, batch)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 5, 0)
    assert Reading.objects.filter(meter=meter).count() == 5
    assert HourlyRollup.objects.get(meter=meter).total == 600.0


def test_conflicting_value_for_a_stored_moment_is_rejected_with_reason(park_a):
    meter = MeterFactory(park=park_a)
    ingest(park_a, [raw(meter, 0, 10), raw(meter, 15, 20)])
    result = ingest(park_a, [raw(meter, 15, 25)])
    assert result.rejected == 1
    reject = RejectedReading.objects.get()
    assert reject.reason == RejectReason.CONFLICT
    assert Reading.objects.get(meter=meter, ts=at(15)).raw == 20


def test_late_reading_in_a_closed_hour_corrects_hour_day_and_month(park_a):
    meter = MeterFactory(park=park_a)
    ingest(park_a, [raw(meter, 0, 0), raw(meter, 60, 40), raw(meter, 120, 100)])
    assert dict(HourlyRollup.objects.filter(meter=meter).values_list("hour", "total")) == {T0: 40.0, at(60): 60.0}
    # A reading of 00:30 arrives after 02:00 was stored: hour 00 keeps 40 but now from two intervals.
    result = ingest(park_a, [raw(meter, 30, 10), raw(meter, 90, 70)])
    assert (result.accepted, result.late) == (2, 2)
    hourly = {h.hour: (h.samples, h.total, h.minimum, h.maximum) for h in HourlyRollup.objects.filter(meter=meter)}
    assert hourly == {T0: (2, 40.0, 10.0, 30.0), at(60): (2, 60.0, 30.0, 30.0)}
    assert DailyRollup.objects.get(meter=meter).samples == 4
    assert MonthlyRollup.objects.get(meter=meter).total == 100.0


def test_backwards_counter_is_rejected_but_reset_to_zero_is_accepted(park_a):
    meter = MeterFactory(park=park_a)
    ingest(park_a, [raw(meter, 0, 5000), raw(meter, 15, 5010)])
    backwards = ingest(park_a, [raw(meter, 30, 4000)])
    assert backwards.rejects[0].reason == RejectReason.BACKWARDS
    reset = ingest(park_a, [raw(meter, 45, 3)])
    assert reset.accepted == 1
    stored = Reading.objects.get(meter=meter, ts=at(45))
    assert (stored.quantity, stored.value) == (3.0, 5013.0)


def test_unknown_meter_future_and_bad_values_are_kept_as_rejects(park_a):
    meter = MeterFactory(park=park_a, kind=MeterKind.TEMPERATURE)
    result = ingest(
        park_a,
        [
            RawReading("NOPE", at(0), 1.0),
            RawReading(meter.code, NOW + datetime.timedelta(hours=1), 20.0),
            RawReading(meter.code, at(15), 500.0),
            RawReading(meter.code, None, None, problem=RejectReason.BAD_TIME, raw_ts="yesterday"),
        ],
    )
    reasons = sorted(r.reason for r in result.rejects)
    assert reasons == sorted(
        [RejectReason.UNKNOWN_METER, RejectReason.FUTURE, RejectReason.OUT_OF_RANGE, RejectReason.BAD_TIME]
    )
    assert RejectedReading.objects.count() == 4
    assert not Reading.objects.exists()
