"""The MQTT side: the subscriber behind `manage.py monitoring_mqtt`, a publisher, and a local broker.

Gateways publish to `parkos/<park code>/<gateway code>/readings` at QoS 1 (payloads: see `parsing`).
The subscriber holds a persistent session (fixed client id, clean session off), so the broker keeps
what arrives while it is down, and acknowledges a message only after the transaction that stored its
readings has committed. A crash between commit and acknowledgement makes the broker deliver the
message again; the readings are then duplicates of stored ones and are not stored twice (the key is
(meter, moment)). Together: every reading lands exactly once.

The broker must keep enough for the subscriber's absence and let enough messages be in flight:
`max_queued_messages` and `max_inflight_messages` in mosquitto.conf (`broker_config` writes a file
suitable for a single-host deployment, the tests and the demo).
"""

from __future__ import annotations

import getpass
import logging
import queue
import shutil
import socket
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as paho
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion

from parkos.monitoring.choices import ReadingSource, RejectReason
from parkos.monitoring.ingest import ingest_readings, stored_reject_words
from parkos.monitoring.messages import Detail
from parkos.monitoring.models import Gateway, RejectedReading
from parkos.monitoring.parsing import RawReading, parse_message

logger = logging.getLogger(__name__)

TOPIC = "parkos/+/+/readings"
#: At most this many readings per stored batch (one transaction per gateway): large batches spread
#: each transaction's fixed cost (meters, locks, rollup statements) over many readings.
BATCH_READINGS = 20000
#: A batch closes when the messages stop coming for this long, or at the latest this long after its
#: first message: under load batches grow by themselves (what arrived while the last one was being
#: stored), and a quiet feed is stored at once.
BATCH_WAIT_SECONDS = 0.3
LINGER_SECONDS = 0.02
#: After a database error the batch is retried (its messages stay unacknowledged) after this pause.
RETRY_SECONDS = 2.0


def topic_for(park_code: str, gateway_code: str) -> str:
    return f"parkos/{park_code}/{gateway_code}/readings"


def _route(topic: str) -> tuple[str, str] | None:
    parts = topic.split("/")
    if len(parts) != 4 or parts[0] != "parkos" or parts[3] != "readings":
        return None
    return parts[1], parts[2]


@dataclass(frozen=True, slots=True)
class Received:
    """A message as the network thread hands it over: parsed, with what its acknowledgement needs."""

    mid: int
    qos: int
    topic: str
    payload: bytes
    route: tuple[str, str] | None
    readings: list[RawReading]

    @classmethod
    def of(cls, message: paho.MQTTMessage) -> Received:
        payload, route = bytes(message.payload), _route(message.topic)
        readings = parse_message(payload) if route is not None else []
        return cls(message.mid, message.qos, message.topic, payload, route, readings)

    @property
    def size(self) -> int:
        return len(self.readings) or 1


@dataclass
class BatchStats:
    messages: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0


class Subscriber:
    """Consumes readings from the broker into the database until `stop()`.

    paho's network thread parses each message as it arrives and queues it with its readings (parsing
    overlaps the storing of the previous batch); this object's `run()` stores them in batches, then
    acknowledges them in the order they came (MQTT requires that order for QoS 1).
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        client_id: str,
        username: str = "",
        password: str = "",
        topic: str = TOPIC,
        batch_readings: int = BATCH_READINGS,
        batch_wait: float = BATCH_WAIT_SECONDS,
        on_batch: Callable[[BatchStats], object] | None = None,
    ) -> None:
        self.host, self.port, self.topic = host, port, topic
        self.batch_readings, self.batch_wait = batch_readings, batch_wait
        self.on_batch = on_batch
        self.messages: queue.Queue[Received] = queue.Queue()
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._gateways: dict[tuple[str, str], Gateway | None] = {}
        self._gateways_at = 0.0
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            protocol=paho.MQTTv311,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password or None)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.max_inflight_messages_set(1000)

    # paho callbacks (network thread) -----------------------------------------------------------

    def _on_connect(
        self, client: paho.Client, userdata: object, flags: object, reason: object, properties: object
    ) -> None:
        if getattr(reason, "is_failure", False):
            logger.error("mqtt connect refused", extra={"reason": str(reason)})
            return
        client.subscribe(self.topic, qos=1)
        self.connected.set()
        logger.info("mqtt connected", extra={"host": self.host, "port": self.port, "topic": self.topic})

    def _on_disconnect(
        self, client: paho.Client, userdata: object, flags: object, reason: object, properties: object
    ) -> None:
        self.connected.clear()
        if not self._stop.is_set():
            logger.warning("mqtt disconnected; reconnecting", extra={"reason": str(reason)})

    def _on_message(self, client: paho.Client, userdata: object, message: paho.MQTTMessage) -> None:
        self.messages.put(Received.of(message))

    # the consumer loop (caller's thread) ---------------------------------------------------------

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()
        try:
            while not self._stop.is_set():
                batch = self._collect()
                if batch:
                    self._handle(batch)
        finally:
            self.client.disconnect()
            self.client.loop_stop()

    def _collect(self) -> list[Received]:
        """Messages until the batch holds enough readings, none came for `LINGER_SECONDS`, or the
        wait is over (at least one message)."""
        try:
            first = self.messages.get(timeout=0.5)
        except queue.Empty:
            return []
        batch, size = [first], first.size
        deadline = time.monotonic() + self.batch_wait
        while size < self.batch_readings:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                received = self.messages.get(timeout=min(remaining, LINGER_SECONDS))
            except queue.Empty:
                break
            batch.append(received)
            size += received.size
        return batch

    def _handle(self, batch: list[Received]) -> None:
        while not self._stop.is_set():
            try:
                stats = self.store(batch)
            except Exception:
                # The database is away or refused the batch: nothing was committed, nothing is
                # acknowledged; the same messages are tried again (and redelivered after a restart).
                logger.exception("mqtt batch not stored; retrying", extra={"messages": len(batch)})
                close_old_connections()
                time.sleep(RETRY_SECONDS)
                continue
            for received in batch:
                self.client.ack(received.mid, received.qos)
            if self.on_batch is not None:
                self.on_batch(stats)
            return

    def _gateway(self, park_code: str, gateway_code: str) -> Gateway | None:
        # Gateways change rarely; a minute of caching spares a query per message.
        if time.monotonic() - self._gateways_at > 60:
            self._gateways, self._gateways_at = {}, time.monotonic()
        key = (park_code, gateway_code)
        if key not in self._gateways:
            self._gateways[key] = (
                Gateway.objects.select_related("park")
                .filter(park__code=park_code, code=gateway_code, is_active=True)
                .first()
            )
        return self._gateways[key]

    def store(self, batch: Iterable[Received]) -> BatchStats:
        """Store the readings of some messages, one ingestion per gateway (each its own transaction)."""
        stats = BatchStats()
        groups: dict[tuple[str, str], list[RawReading]] = defaultdict(list)
        strays: list[tuple[str, bytes]] = []
        for received in batch:
            stats.messages += 1
            if received.route is None:
                strays.append((received.topic, received.payload))
                continue
            groups[received.route].extend(received.readings)
        for (park_code, gateway_code), readings in groups.items():
            gateway = self._gateway(park_code, gateway_code)
            if gateway is None:
                strays.append((topic_for(park_code, gateway_code), b""))
                stats.rejected += len(readings)
                continue
            result = ingest_readings(park=gateway.park, readings=readings, source=ReadingSource.MQTT, gateway=gateway)
            stats.accepted += result.accepted
            stats.duplicates += result.duplicates
            stats.rejected += result.rejected
        if strays:
            details = [Detail("unknown_topic", {"topic": topic[:120]}) for topic, _payload in strays]
            words = stored_reject_words((RejectReason.UNKNOWN_GATEWAY, detail) for detail in details)
            RejectedReading.objects.bulk_create(
                RejectedReading(
                    source=ReadingSource.MQTT,
                    reason=RejectReason.UNKNOWN_GATEWAY,
                    detail=text,
                    detail_code=detail.code,
                    detail_params=detail.params,
                    raw_value=payload[:60].decode("utf-8", "replace"),
                )
                for (_topic, payload), detail, text in zip(strays, details, words, strict=True)
            )
        return stats


class Publisher:
    """A QoS 1 publisher (the demo feed, tests and the bench; gateways do the same)."""

    def __init__(self, *, host: str, port: int, client_id: str = "") -> None:
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv311)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.connect(host, port, keepalive=30)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes) -> paho.MQTTMessageInfo:
        return self.client.publish(topic, payload, qos=1)

    def close(self, *, timeout: float = 30.0) -> None:
        """Wait until every message was acknowledged by the broker, then disconnect."""
        deadline = time.monotonic() + timeout
        while self.client.want_write() or self._unacked():
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        self.client.disconnect()
        self.client.loop_stop()

    def _unacked(self) -> bool:
        return bool(getattr(self.client, "_out_messages", {}))


# --- a local mosquitto (tests, demo, bench) --------------------------------------------------------


def mosquitto_path() -> str | None:
    """The mosquitto binary (Debian installs it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")


def broker_config(*, port: int, directory: Path) -> Path:
    """A mosquitto.conf for a broker on loopback that keeps a subscriber's messages while it is away."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "mosquitto.conf"
    config.write_text(
        "\n".join(
            [
                f"listener {port} 127.0.0.1",
                "allow_anonymous true",
                # Started as root, mosquitto would switch to its own user and lose access to this directory.
                f"user {getpass.getuser()}",
                "persistence true",
                f"persistence_location {directory}/",
                "autosave_interval 5",
                # Keep everything a persistent session misses (the default of 1,000 drops the rest).
                "max_queued_messages 1000000",
                "max_inflight_messages 1000",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return config


def wait_for_port(port: int, *, host: str = "127.0.0.1", timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            if probe.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.05)
    return False


class LocalBroker:
    """A mosquitto process on loopback for the tests, the bench and the demo."""

    def __init__(self, *, port: int, directory: Path) -> None:
        self.port, self.directory = port, directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> LocalBroker:
        binary = mosquitto_path()
        if binary is None:
            raise RuntimeError("mosquitto is not installed (apt-get install mosquitto)")
        config = broker_config(port=self.port, directory=self.directory)
        log = (self.directory / "mosquitto.log").open("ab")
        self.process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=log)  # noqa: S603 - our binary, our config
        if not wait_for_port(self.port):
            self.stop()
            raise RuntimeError(f"mosquitto did not listen on 127.0.0.1:{self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
