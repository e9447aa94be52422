"""Live demo readings: `manage.py monitoring_feed [--mqtt 127.0.0.1:18883 | --http URL --token T]`.

Every `--interval` seconds it sends one reading of each of the flagship's physical meters, computed
by the same functions as the demo history (so the live series continues it), over MQTT through the
broker, or over HTTP to the batch API when there is no broker. After `--incident-after` seconds the
grade-C clean room's pressure creeps up to its neighbour's for `--incident-duration` seconds: the
pressure cascade breaks, its alarm fires and escalates.
"""

from __future__ import annotations

import datetime
import json
import signal
import threading
import urllib.request
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max
from django.utils import timezone

from parkos.monitoring import demo, simulation, storage
from parkos.monitoring.models import Meter, Reading
from parkos.monitoring.mqtt import Publisher, topic_for
from parkos.monitoring.parsing import encode_message
from parkos.parks.demo_portfolio import FLAGSHIP_CODE
from parkos.parks.models import Park

INCIDENT_METER = "DP-C1-C"
INCIDENT_PRESSURE = 41.0  # B is at ≈45 Pa: the difference falls under the 10 Pa minimum


class Command(BaseCommand):
    help = "演示用实时数据：定时为旗舰园区的表计发送读数（经 MQTT 或 HTTP），并制造一次洁净区压差告警。"

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--mqtt", help="broker 地址 host:port")
        target.add_argument("--http", help="批量接口 URL，如 http://127.0.0.1:8000/api/monitoring/ingest/")
        parser.add_argument("--token", default=demo.DEMO_GATEWAY_TOKEN, help="HTTP 方式的网关令牌")
        parser.add_argument("--park", default=FLAGSHIP_CODE)
        parser.add_argument("--interval", type=float, default=10.0, help="发送间隔（秒）")
        parser.add_argument("--incident-after", type=float, default=60.0, help="多少秒后制造压差异常（负数：不制造）")
        parser.add_argument("--incident-duration", type=float, default=900.0, help="异常持续秒数")
        parser.add_argument("--count", type=int, default=0, help="发送多少轮后退出（0：一直发送）")

    def handle(
        self,
        *args: object,
        mqtt: str | None,
        http: str | None,
        token: str,
        park: str,
        interval: float,
        incident_after: float,
        incident_duration: float,
        count: int,
        **options: object,
    ) -> None:
        found = Park.objects.filter(code=park).first()
        if found is None:
            raise CommandError("找不到园区，请先运行 manage.py demo")
        specs = [s for s in demo.demo_meters(found) if s.behaviour is not None]
        meters = {m.code: m for m in Meter.objects.filter(park=found, code__in=[s.code for s in specs])}
        registers = self._registers(meters)
        send = self._sender(found, mqtt=mqtt, http=http, token=token)
        stop = threading.Event()
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, lambda *_: stop.set())
        started = timezone.now().replace(microsecond=0)
        rounds = 0
        zone = storage.local_zone()
        while not stop.is_set():
            now = timezone.now().replace(microsecond=0)
            elapsed = (now - started).total_seconds()
            incident = 0 <= incident_after <= elapsed < incident_after + incident_duration
            readings = []
            for spec in specs:
                behaviour = spec.behaviour
                assert behaviour is not None
                local, step = now.astimezone(zone), simulation.step_number(now)
                if behaviour.counter:
                    since, register = registers[spec.code]
                    hours = max(0.0, (now - since).total_seconds() / 3600)
                    register += behaviour.per_hour(local, step) * hours / float(spec.multiplier)
                    registers[spec.code] = (now, register)
                    value = round(register, 3)
                elif spec.code == INCIDENT_METER and incident:
                    value = INCIDENT_PRESSURE
                else:
                    value = behaviour.value(local, step)
                readings.append((spec.code, now, value))
            send(readings)
            rounds += 1
            self.stdout.write(
                f"{timezone.localtime(now):%H:%M:%S} sent {len(readings)} readings{' (压差异常)' if incident else ''}"
            )
            if count and rounds >= count:
                break
            stop.wait(interval)

    def _registers(self, meters: dict[str, Meter]) -> dict[str, tuple[datetime.datetime, float]]:
        """Each counter's last stored reading (the live series continues the history from there)."""
        latest = dict(Reading.objects.filter(meter__in=meters.values()).values_list("meter_id").annotate(Max("ts")))
        registers = {}
        now = timezone.now()
        for code, meter in meters.items():
            ts = latest.get(meter.pk)
            raw = Reading.objects.filter(meter=meter, ts=ts).values_list("raw", flat=True).first() if ts else None
            registers[code] = (ts or now, raw if raw is not None else 10_000.0)
        return registers

    def _sender(
        self, park: Park, *, mqtt: str | None, http: str | None, token: str
    ) -> Callable[[list[tuple[str, datetime.datetime, float]]], None]:
        if mqtt:
            host, _sep, port = mqtt.rpartition(":")
            publisher = Publisher(host=host or "127.0.0.1", port=int(port), client_id=f"parkos-demo-feed-{park.code}")
            topic = topic_for(park.code, demo.DEMO_GATEWAY_CODE)

            def publish(readings: list[tuple[str, datetime.datetime, float]]) -> None:
                publisher.publish(topic, encode_message(readings))

            return publish
        if http is None:
            raise CommandError("give --mqtt or --http")
        url = http

        def post(readings: list[tuple[str, datetime.datetime, float]]) -> None:
            body = "\n".join(
                json.dumps({"meter": code, "ts": ts.isoformat(), "value": value}) for code, ts, value in readings
            ).encode()
            request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own API
                url,
                data=body,
                method="POST",
                headers={"Content-Type": "application/x-ndjson", "Authorization": f"Gateway {token}"},
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    response.read()
            except OSError as exc:
                self.stderr.write(f"HTTP feed: {exc}")

        return post
