"""The periodic monitoring job: `manage.py monitoring_tick [--loop 30]`.

One pass: partitions ahead (PostgreSQL), missing-data alarms, due escalations, and once a day the
retention policy. `--loop N` repeats every N seconds until SIGTERM / Ctrl-C (for a Procfile line or a
supervisor); without it, one pass (for cron or the scheduler).
"""

from __future__ import annotations

import datetime
import signal
import threading

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from parkos.monitoring import alarms, storage


class Command(BaseCommand):
    help = "监测定时任务：创建分区、检查数据中断、告警升级、按保留期清理。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="每隔多少秒重复（0：只运行一次）")
        parser.add_argument("--no-retention", action="store_true", help="不执行保留期清理")

    def handle(self, *args: object, loop: float, no_retention: bool, **options: object) -> None:
        stop = threading.Event()
        if loop:
            for stop_signal in (signal.SIGTERM, signal.SIGINT):
                signal.signal(stop_signal, lambda *_: stop.set())
        last_retention: datetime.date | None = None
        while True:
            today = timezone.localdate()
            storage.create_partitions_ahead()
            missing = alarms.check_missing_data()
            escalated = alarms.escalate_due()
            if not no_retention and last_retention != today:
                storage.drop_expired(storage.retention_cutoff(today))
                last_retention = today
            if missing or escalated or not loop:
                self.stdout.write(
                    f"{timezone.localtime():%H:%M:%S} missing-data alarms={missing} escalations={escalated}"
                )
            close_old_connections()
            if not loop or stop.wait(loop):
                return
