"""Readings through a real mosquitto on loopback land exactly once, even when the subscriber is
killed mid-stream and restarted (QoS 1, persistent session, idempotent storage)."""

from __future__ import annotations

import datetime
import time

import pytest

from parkos.monitoring.mqtt import Publisher, topic_for
from parkos.monitoring.parsing import encode_message
from parkos.monitoring.tests.conftest import start_subscriber
from parkos.monitoring.tests.factories import GatewayFactory, MeterFactory

UTC = datetime.UTC
STEP = datetime.timedelta(minutes=15)


def wait_until(predicate, timeout=60.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def wait_for_subscription(publisher, topic, code, moment, shared_db):
    """The subscriber is subscribed (its session exists) once a probe reading has landed; until then
    the broker has nobody to keep it for, so the probe is sent again."""
    probe = encode_message([(code, moment, 0.0)])
    landed = "SELECT COUNT(*) FROM monitoring_reading"
    assert wait_until(
        lambda: publisher.publish(topic, probe) and shared_db.scalar(landed) == 1, timeout=60, interval=1.0
    ), "the subscriber never stored a reading"


def messages(meters, start, first, count, per_message=10):
    """Messages of `per_message` readings: meter i at moment k has register 100·i + 2·k."""
    readings = [
        (meter.code, start + STEP * k, float(100 * i + 2 * k))
        for k in range(first, first + count)
        for i, meter in enumerate(meters)
    ]
    return [encode_message(readings[n : n + per_message]) for n in range(0, len(readings), per_message)]


@pytest.mark.slow
def test_readings_land_exactly_once_across_a_killed_subscriber(park_a, broker, shared_db, tmp_path):
    meters = [MeterFactory(park=park_a, code=f"E-{i}") for i in range(5)]
    gateway = GatewayFactory(park=park_a, code="GW1")
    topic = topic_for(park_a.code, gateway.code)
    start = (datetime.datetime.now(UTC) - datetime.timedelta(days=20)).replace(minute=0, second=0, microsecond=0)
    database = shared_db.publish()
    count = "SELECT COUNT(*) FROM monitoring_reading"

    # Small batches, so that the kill falls in the middle of the stream.
    small = ("--batch", "50", "--wait", "0.05")
    subscriber = start_subscriber(database, broker.port, tmp_path, "parkos-test-sub", *small)
    publisher = Publisher(host="127.0.0.1", port=broker.port, client_id="gateway-gw1")
    try:
        wait_for_subscription(publisher, topic, meters[0].code, start - STEP, shared_db)
        for payload in messages(meters, start, 0, 600):  # 3,000 readings
            publisher.publish(topic, payload)
        assert wait_until(lambda: shared_db.scalar(count) > 300, timeout=60)
        subscriber.kill()  # kill -9 mid-stream: some batches stored and unacknowledged, some not read
        subscriber.wait()
        landed_at_kill = shared_db.scalar(count)
        second = messages(meters, start, 600, 200)  # 1,000 more while nobody listens
        for payload in second:
            publisher.publish(topic, payload)
        publisher.close()
        subscriber = start_subscriber(database, broker.port, tmp_path, "parkos-test-sub")
        expected = 1 + 3000 + 1000
        assert wait_until(lambda: shared_db.scalar(count) == expected, timeout=90), (
            f"{shared_db.scalar(count)} of {expected} readings stored (after kill: {landed_at_kill})"
        )
        time.sleep(1.0)  # anything redelivered late must not add a row
        assert shared_db.scalar(count) == expected
        assert 300 < landed_at_kill < 3001, "the kill did not fall mid-stream"
        assert shared_db.scalar("SELECT COUNT(*) FROM monitoring_rejectedreading") == 0
        # Rollups count every interval once: meter 1 rises 2 per 15 minutes, 799 intervals.
        total = shared_db.scalar("SELECT SUM(total) FROM monitoring_hourlyrollup WHERE meter_id = ?", (meters[1].pk,))
        assert total == pytest.approx(2.0 * 799)
    finally:
        subscriber.kill()
        subscriber.wait()


def test_unknown_gateway_readings_are_kept_as_rejects(park_a, broker, shared_db, tmp_path):
    meter = MeterFactory(park=park_a, code="E-1")
    GatewayFactory(park=park_a, code="GW1")
    database = shared_db.publish()
    subscriber = start_subscriber(database, broker.port, tmp_path, "parkos-test-sub2")
    publisher = Publisher(host="127.0.0.1", port=broker.port)
    try:
        now = datetime.datetime.now(UTC).replace(microsecond=0)
        wait_for_subscription(publisher, topic_for(park_a.code, "GW1"), meter.code, now - STEP, shared_db)
        publisher.publish(topic_for(park_a.code, "NOPE"), encode_message([("E-1", now, 1.0)]))
        publisher.close()
        rejects = "SELECT COUNT(*) FROM monitoring_rejectedreading WHERE reason = 'unknown_gateway'"
        assert wait_until(lambda: shared_db.scalar(rejects) == 1, timeout=60)
        assert shared_db.scalar("SELECT COUNT(*) FROM monitoring_reading") == 1  # the probe only
    finally:
        subscriber.kill()
        subscriber.wait()
