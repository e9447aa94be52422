"""Periodic jobs: one list (settings.SCHEDULED_JOBS), run once each however many nodes schedule them.

1. `manage.py scheduler` runs on every node. Every few seconds it computes, for each job, the latest
   time the job was due (`Job.last_due`: "daily 06:30" in TIME_ZONE, or "every 15 minutes").
2. For a due time without a `ScheduledRun` row, it inserts one. The row's unique constraint on
   (job, due_at) is the claim: on PostgreSQL two nodes inserting at once block on the index and the
   second gets an IntegrityError; on SQLite writers are serialised. Only the winner goes on.
3. In the same transaction the winner enqueues `run_scheduled_job` for the task worker (`manage.py
   worker`), so a claim without its task, or a task without its claim, cannot be committed.
4. The worker runs the job's management command, capturing its output on the row.

A scheduler that was down catches up with the latest missed run of each job (not every missed one):
the jobs are idempotent housekeeping, and one run covers what several would have done.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import re
import socket
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from parkos.core.models import ProcessHeartbeat, ProcessKind, ScheduledRun, ScheduledRunStatus

logger = logging.getLogger(__name__)

_DAILY = re.compile(r"^daily (\d{1,2}):(\d{2})$")
_EVERY = re.compile(r"^every (\d+) minutes?$")
#: Kept on the run row: the end of a command's output, where its summary and any traceback are.
OUTPUT_LIMIT = 20_000
#: Heartbeats of processes gone this long are deleted.
HEARTBEAT_FORGET_AFTER = datetime.timedelta(days=1)


class ScheduleError(ValueError):
    """A line of settings.SCHEDULED_JOBS that cannot be understood."""


@dataclass(frozen=True)
class Job:
    name: str
    when: str
    command: tuple[str, ...]

    def last_due(self, now: datetime.datetime, tz: datetime.tzinfo) -> datetime.datetime:
        """The latest time at or before `now` when this job was due (aware, UTC)."""
        if match := _DAILY.match(self.when):
            hour, minute = int(match.group(1)), int(match.group(2))
            local = now.astimezone(tz)
            due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if due > local:
                due -= datetime.timedelta(days=1)  # aware arithmetic keeps the wall-clock time
            return due.astimezone(datetime.UTC)
        if match := _EVERY.match(self.when):
            period = int(match.group(1)) * 60
            epoch = int(now.timestamp())
            return datetime.datetime.fromtimestamp(epoch - epoch % period, tz=datetime.UTC)
        raise ScheduleError(self.when)


def parse_jobs(lines: list[tuple[str, str, list[str]]]) -> list[Job]:
    """settings.SCHEDULED_JOBS as jobs; refuses unknown schedules, bad times and duplicate names."""
    jobs: list[Job] = []
    for name, when, command in lines:
        daily = _DAILY.match(when)
        every = _EVERY.match(when)
        if daily and (int(daily.group(1)) > 23 or int(daily.group(2)) > 59):
            raise ScheduleError(f"{name}: {when!r} is not a time of day")
        if every and not 1 <= int(every.group(1)) <= 24 * 60:
            raise ScheduleError(f"{name}: {when!r}: the period must be 1 to 1440 minutes")
        if not (daily or every):
            raise ScheduleError(f"{name}: {when!r} — use 'daily HH:MM' or 'every N minutes'")
        if not command:
            raise ScheduleError(f"{name}: no command")
        if any(job.name == name for job in jobs):
            raise ScheduleError(f"{name}: listed twice")
        jobs.append(Job(name=name, when=when, command=tuple(command)))
    return jobs


def scheduled_jobs() -> list[Job]:
    return parse_jobs(settings.SCHEDULED_JOBS)


def node_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}"


def claim_due_runs(*, now: datetime.datetime, node: str, jobs: list[Job] | None = None) -> list[ScheduledRun]:
    """Claim and enqueue every job's latest due run not yet claimed by any node; returns what this node won."""
    tz = ZoneInfo(settings.TIME_ZONE)
    won: list[ScheduledRun] = []
    for job in scheduled_jobs() if jobs is None else jobs:
        due_at = job.last_due(now, tz)
        if ScheduledRun.objects.filter(job=job.name, due_at=due_at).exists():
            continue  # the common case, without a failed insert in the database log
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, due_at=due_at, claimed_by=node[:128])
                run_scheduled_job.enqueue(run.pk)
        except IntegrityError:
            continue  # another node claimed it between our look and our insert
        logger.info("scheduled %s due %s", job.name, due_at.isoformat(), extra={"job": job.name, "run": run.pk})
        won.append(run)
    return won


@task(priority=50)
def run_scheduled_job(run_id: int) -> str:
    """Run one claimed job's command in the worker; its output and outcome go on the run row."""
    run = ScheduledRun.objects.get(pk=run_id)
    jobs = {job.name: job for job in scheduled_jobs()}
    job = jobs.get(run.job)
    run.status, run.started_at = ScheduledRunStatus.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    output = io.StringIO()
    status = ScheduledRunStatus.SUCCEEDED
    try:
        if job is None:
            raise ScheduleError(f"{run.job} is no longer in SCHEDULED_JOBS")
        call_command(*job.command, stdout=output, stderr=output)
    except Exception as error:
        status = ScheduledRunStatus.FAILED
        output.write(f"\n{type(error).__name__}: {error}\n")
        logger.exception("scheduled job %s failed", run.job, extra={"job": run.job, "run": run.pk})
    run.status, run.finished_at = status, timezone.now()
    run.output = output.getvalue()[-OUTPUT_LIMIT:]
    run.save(update_fields=["status", "finished_at", "output"])
    return str(status)


def beat(*, name: str, kind: ProcessKind, started_at: datetime.datetime) -> None:
    """Record that this process (named by `node_name`) is alive."""
    ProcessHeartbeat.objects.update_or_create(
        name=name[:128],
        defaults={
            "kind": kind,
            "hostname": socket.gethostname()[:128],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def forget_gone_processes(*, now: datetime.datetime) -> int:
    deleted, _ = ProcessHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_FORGET_AFTER).delete()
    return deleted


def heartbeat_failures(*, now: datetime.datetime, max_age_seconds: int) -> dict[str, str]:
    """{kind: what is wrong} for each kind of background process with no recent heartbeat."""
    failures: dict[str, str] = {}
    for kind in ProcessKind:
        latest = ProcessHeartbeat.objects.filter(kind=kind).order_by("-seen_at").values_list("seen_at", flat=True)
        seen = latest.first()
        if seen is None:
            failures[kind.value] = "no process has reported"
        elif (age := (now - seen).total_seconds()) > max_age_seconds:
            failures[kind.value] = f"last heartbeat {age:.0f} s ago"
    return failures
