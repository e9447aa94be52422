"""`manage.py worker`: django-tasks-db's `db_worker`, plus a heartbeat that /healthz reads.

Run as many as you like, on as many machines: each task is taken by one worker (PostgreSQL: the
worker locks the next ready row with FOR UPDATE SKIP LOCKED; SQLite: claims are serialised by an
exclusive transaction). Every option of `db_worker` applies (`--queue-name`, `--interval`, `--batch`…).
"""

from __future__ import annotations

import threading

from django.db import connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from parkos.core.models import ProcessKind
from parkos.core.scheduling import beat, node_name

#: Seconds between heartbeats (well under HEALTHZ_WORKER_MAX_AGE_SECONDS).
HEARTBEAT_SECONDS = 20


class Command(db_worker.Command):
    help = "运行后台任务进程（导入、定时任务等），并定期写入心跳。"

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: dict[str, object],
    ) -> None:
        name = node_name(ProcessKind.WORKER)
        started_at = timezone.now()
        stop = threading.Event()

        def keep_beating() -> None:
            # Its own thread and its own database connection; closed after each beat so a restarted
            # database or a proxy's idle timeout never leaves it holding a dead one.
            while True:
                try:
                    beat(name=name, kind=ProcessKind.WORKER, started_at=started_at)
                except Exception:  # a missed beat is reported by /healthz; the worker goes on
                    db_worker.logger.exception("worker heartbeat failed")
                finally:
                    connection.close()
                if stop.wait(HEARTBEAT_SECONDS):
                    return

        heart = threading.Thread(target=keep_beating, name="heartbeat", daemon=True)
        heart.start()
        try:
            super().handle(
                verbosity=verbosity,
                queue_name=queue_name,
                interval=interval,
                batch=batch,
                backend_name=backend_name,
                startup_delay=startup_delay,
                reload=reload,
                max_tasks=max_tasks,
                worker_id=worker_id,
                exclude_queues=exclude_queues,
                **options,
            )
        finally:
            stop.set()
