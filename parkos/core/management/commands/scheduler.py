"""`manage.py scheduler`: claims due runs of settings.SCHEDULED_JOBS for the task worker.

Run one on every node (or only some): each run is claimed by exactly one of them (parkos.core.scheduling).
`--once` makes one pass and exits (tests, cron); `--now` pretends the clock says so (tests).
"""

from __future__ import annotations

import datetime
import signal
import time
from types import FrameType

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from parkos.core.models import ProcessKind
from parkos.core.scheduling import beat, claim_due_runs, forget_gone_processes, node_name, scheduled_jobs


class Command(BaseCommand):
    help = "定时调度：按 SCHEDULED_JOBS 认领到期的定时任务并交给后台任务进程（多节点时每次只运行一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="检查一次后退出")
        parser.add_argument("--interval", type=float, default=15.0, help="两次检查之间的秒数（默认 15）")
        parser.add_argument("--now", type=datetime.datetime.fromisoformat, default=None, help="按此时间检查（测试用）")

    def handle(
        self, *args: object, once: bool, interval: float, now: datetime.datetime | None, **options: object
    ) -> None:
        jobs = scheduled_jobs()  # a bad line of SCHEDULED_JOBS stops the scheduler at start, not at 06:30
        name = node_name(ProcessKind.SCHEDULER)
        started_at = timezone.now()
        self.running = True

        def request_stop(signum: int, frame: FrameType | None) -> None:
            self.running = False

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(f"scheduler {name}: {', '.join(f'{j.name} ({j.when})' for j in jobs)}")
        while self.running:
            close_old_connections()
            moment = now or timezone.now()
            beat(name=name, kind=ProcessKind.SCHEDULER, started_at=started_at)
            claim_due_runs(now=moment, node=name, jobs=jobs)  # each claim is logged
            forget_gone_processes(now=moment)
            close_old_connections()
            if once:
                return
            # Short naps: a stop request is honoured within a second.
            next_check = time.monotonic() + interval
            while self.running and time.monotonic() < next_check:
                time.sleep(min(1.0, max(0.0, next_check - time.monotonic())))
