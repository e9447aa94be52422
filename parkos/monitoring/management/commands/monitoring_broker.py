"""Run a local mosquitto for development and the demo: `manage.py monitoring_broker --port 18883`.

Production runs its own broker (see docs/monitoring.md); this one listens on loopback only, keeps a
persistent subscriber's messages while it is away, and stops with Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkos.monitoring.mqtt import broker_config, mosquitto_path


class Command(BaseCommand):
    help = "在本机回环地址启动 mosquitto（开发与演示用）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.MONITORING_MQTT_PORT)
        parser.add_argument("--dir", default=str(Path(settings.VAR_DIR) / "mosquitto"), help="配置与持久化目录")

    def handle(self, *args: object, port: int, dir: str, **options: object) -> None:
        binary = mosquitto_path()
        if binary is None:
            raise CommandError("未安装 mosquitto（apt-get install mosquitto）")
        config = broker_config(port=port, directory=Path(dir))
        self.stdout.write(f"mosquitto on 127.0.0.1:{port} ({config})")
        os.execv(binary, [binary, "-c", str(config)])  # noqa: S606 - replaces this process with the broker
