import datetime
import zoneinfo

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from parkos.core.models import ProcessHeartbeat, ProcessKind, ScheduledRun, ScheduledRunStatus
from parkos.core.scheduling import (
    Job,
    ScheduleError,
    beat,
    claim_due_runs,
    heartbeat_failures,
    parse_jobs,
    run_scheduled_job,
    scheduled_jobs,
)
from parkos.core.tests.processes import finish, manage, process_env, shared_database

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def test_every_job_of_the_settings_is_understood():
    names = [job.name for job in scheduled_jobs()]
    assert {"leasing_reminders", "investment_reverse_match", "backup"} <= set(names)


@pytest.mark.parametrize(
    ("when", "now", "due"),
    [
        ("daily 06:30", "2026-03-10 07:00", "2026-03-10 06:30"),
        ("daily 06:30", "2026-03-10 06:29", "2026-03-09 06:30"),
        ("daily 06:30", "2026-03-10 06:30", "2026-03-10 06:30"),
        ("every 15 minutes", "2026-03-10 07:44:59", "2026-03-10 07:30"),
        ("every 60 minutes", "2026-03-10 00:00", "2026-03-10 00:00"),
    ],
)
def test_last_due(when, now, due):
    assert Job("j", when, ("check",)).last_due(at(now), SHANGHAI) == at(due)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (("j", "daily 25:00", ["check"]), "time of day"),
        (("j", "weekly", ["check"]), "daily HH:MM"),
        (("j", "every 0 minutes", ["check"]), "1 to 1440"),
        (("j", "daily 01:00", []), "no command"),
    ],
)
def test_bad_schedule_lines_are_refused(line, message):
    with pytest.raises(ScheduleError, match=message):
        parse_jobs([line])


def test_a_job_listed_twice_is_refused():
    with pytest.raises(ScheduleError, match="twice"):
        parse_jobs([("j", "daily 01:00", ["check"]), ("j", "daily 02:00", ["check"])])


def test_each_due_run_is_claimed_once_and_enqueued(db):
    jobs = parse_jobs([("a", "daily 06:30", ["check"]), ("b", "every 15 minutes", ["check"])])
    first = claim_due_runs(now=at("2026-03-10 07:00"), node="n1", jobs=jobs)
    again = claim_due_runs(now=at("2026-03-10 07:05"), node="n2", jobs=jobs)
    assert sorted(run.job for run in first) == ["a", "b"]
    assert again == []
    assert ScheduledRun.objects.count() == 2
    assert DBTaskResult.objects.filter(task_path__endswith="run_scheduled_job").count() == 2
    later = claim_due_runs(now=at("2026-03-10 07:15"), node="n2", jobs=jobs)
    assert [run.job for run in later] == ["b"]


def test_the_worker_runs_the_command_and_keeps_its_output(db, settings):
    settings.SCHEDULED_JOBS = [("checks", "every 5 minutes", ["check"]), ("broken", "every 5 minutes", ["nosuch"])]
    runs = claim_due_runs(now=at("2026-03-10 07:00"), node="n1")
    by_job = {run.job: run for run in runs}
    run_scheduled_job.call(by_job["checks"].pk)
    run_scheduled_job.call(by_job["broken"].pk)
    ok, broken = ScheduledRun.objects.get(job="checks"), ScheduledRun.objects.get(job="broken")
    assert ok.status == ScheduledRunStatus.SUCCEEDED
    assert "no issues" in ok.output
    assert ok.started_at is not None
    assert ok.finished_at is not None
    assert broken.status == ScheduledRunStatus.FAILED
    assert "nosuch" in broken.output


def test_heartbeats_name_the_missing_process(db):
    now = datetime.datetime.now(datetime.UTC)
    assert set(heartbeat_failures(now=now, max_age_seconds=60)) == {"worker", "scheduler"}
    beat(name="worker:h:1", kind=ProcessKind.WORKER, started_at=now)
    assert set(heartbeat_failures(now=now, max_age_seconds=60)) == {"scheduler"}
    assert "ago" in heartbeat_failures(now=now + datetime.timedelta(minutes=5), max_age_seconds=60)["worker"]
    assert ProcessHeartbeat.objects.get().kind == ProcessKind.WORKER


@pytest.mark.slow
def test_two_schedulers_claim_each_run_once_and_a_worker_runs_them(transactional_db, tmp_path):
    """Ref: #14 — several nodes each run a scheduler; every job still runs once."""
    now = "2026-03-10T07:00:00+08:00"
    with shared_database(tmp_path) as url:
        env = process_env(tmp_path, url)
        schedulers = [manage("scheduler", "--once", "--now", now, env=env) for _ in range(2)]
        results = [finish(process) for process in schedulers]
        assert all(code == 0 for code, _out, _err in results), results
        # The worker runs every claimed job for real: housekeeping, reverse matching, a backup.
        code, _out, err = finish(manage("worker", "--batch", "--no-startup-delay", "--interval", "0", env=env))
        assert code == 0, err
    assert ScheduledRun.objects.count() == len(settings.SCHEDULED_JOBS)
    nodes = set(ProcessHeartbeat.objects.filter(kind=ProcessKind.SCHEDULER).values_list("name", flat=True))
    assert set(ScheduledRun.objects.values_list("claimed_by", flat=True)) <= nodes
    outcomes = dict(ScheduledRun.objects.values_list("job", "status"))
    assert set(outcomes.values()) == {ScheduledRunStatus.SUCCEEDED}, ScheduledRun.objects.values("job", "output")
    assert ProcessHeartbeat.objects.filter(kind=ProcessKind.SCHEDULER).count() == 2
    assert ProcessHeartbeat.objects.filter(kind=ProcessKind.WORKER).count() == 1
