"""Consume readings from the MQTT broker: `manage.py monitoring_mqtt [--host H] [--port P]`.

Runs until SIGTERM or Ctrl-C; a stop lets the batch in hand finish and be acknowledged. See
parkos/monitoring/mqtt.py for the delivery guarantees and the broker settings they need.
"""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from parkos.monitoring.mqtt import BATCH_READINGS, BATCH_WAIT_SECONDS, TOPIC, BatchStats, Subscriber


class Command(BaseCommand):
    help = "MQTT 读数订阅：把网关上报的读数写入数据库（QoS 1，持久会话，入库后才确认）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.MONITORING_MQTT_HOST, help="broker 地址（MONITORING_MQTT_HOST）")
        parser.add_argument("--port", type=int, default=settings.MONITORING_MQTT_PORT, help="broker 端口")
        parser.add_argument(
            "--client-id", default=settings.MONITORING_MQTT_CLIENT_ID, help="固定的客户端 ID（持久会话）"
        )
        parser.add_argument("--topic", default=TOPIC, help=f"订阅主题（默认 {TOPIC}）")
        parser.add_argument("--batch", type=int, default=BATCH_READINGS, help="每批最多读数条数")
        parser.add_argument("--wait", type=float, default=BATCH_WAIT_SECONDS, help="凑批等待秒数")
        parser.add_argument("--quiet", action="store_true", help="不逐批打印")

    def handle(
        self,
        *args: object,
        host: str,
        port: int,
        client_id: str,
        topic: str,
        batch: int,
        wait: float,
        quiet: bool,
        **options: object,
    ) -> None:
        def report(stats: BatchStats) -> None:
            if not quiet:
                self.stdout.write(
                    f"messages={stats.messages} accepted={stats.accepted} duplicates={stats.duplicates}"
                    f" rejected={stats.rejected}"
                )

        subscriber = Subscriber(
            host=host,
            port=port,
            client_id=client_id,
            username=settings.MONITORING_MQTT_USERNAME,
            password=settings.MONITORING_MQTT_PASSWORD,
            topic=topic,
            batch_readings=batch,
            batch_wait=wait,
            on_batch=report,
        )
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop_signal, lambda *_: subscriber.stop())
        self.stdout.write(f"subscribing to {topic} at {host}:{port}")
        subscriber.run()
