"""A bill run killed by SIGKILL resumes without duplicates; parallel allocations never double-allocate.

Both use real processes or threads against a real database file or server: the kill test runs
`manage.py billing_run` in a subprocess and kills it with SIGKILL once a chunk is committed; the
concurrency test (PostgreSQL) lets threads race to settle the same charges.
"""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db import close_old_connections, connection

from parkos.billing import billrun, services
from parkos.billing.models import Account, BillLine, BillRun, Payment
from parkos.billing.tests.factories import billing_profile, lease, run_month
from parkos.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
d = datetime.date
TENANTS = 6


def _database_url(tmp_path: Path) -> tuple[str, Path | None]:
    """A URL the subprocess can open with the test's data: the test database itself on PostgreSQL,
    a copy of the in-memory SQLite test database in a file otherwise."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}",
            None,
        )
    path = tmp_path / "kill.sqlite3"
    target = sqlite3.connect(path)
    connection.ensure_connection()
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}", path


def _manage(url: str, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": url, "PARKOS_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _scalar(path: Path | None, sql: str, params: tuple[object, ...] = ()) -> object:
    if path is None:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchone()[0]
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_with_sigkill_resumes_and_bills_each_tenant_once(tmp_path, park_a):
    billing_profile()
    for n in range(TENANTS):
        lease(park_a, code=f"K-{n:03d}", enterprise=EnterpriseFactory())
    run = billrun.bill_run_start(park=park_a, period=d(2026, 1, 1), actor=None)
    url, path = _database_url(tmp_path)

    # 1. Generate in chunks of 2 tenants, pausing between chunks; kill it once a chunk is committed.
    process = _manage(url, tmp_path, "billing_run", "--run", str(run.pk), "--chunk-size", "2", "--pause", "0.5")
    deadline = time.monotonic() + 60
    while _scalar(path, "SELECT cursor FROM billing_billrun WHERE id = ?", (run.pk,)) == 0:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no chunk committed within a minute"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    done_before = _scalar(path, "SELECT COUNT(*) FROM billing_bill WHERE run_id = ?", (run.pk,))
    assert 0 < done_before < TENANTS
    assert _scalar(path, "SELECT status FROM billing_billrun WHERE id = ?", (run.pk,)) == "generating"

    # 2. Run it again: it continues after the last committed chunk.
    process = _manage(url, tmp_path, "billing_run", "--run", str(run.pk), "--chunk-size", "2")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err

    assert _scalar(path, "SELECT status FROM billing_billrun WHERE id = ?", (run.pk,)) == "preview"
    assert _scalar(path, "SELECT COUNT(*) FROM billing_bill WHERE run_id = ?", (run.pk,)) == TENANTS
    assert _scalar(path, "SELECT COUNT(DISTINCT account_id) FROM billing_bill WHERE run_id = ?", (run.pk,)) == TENANTS
    assert _scalar(path, "SELECT COUNT(*) FROM billing_billline") == TENANTS
    assert _scalar(path, "SELECT COUNT(DISTINCT charge_key) FROM billing_billline") == TENANTS
    assert D(str(_scalar(path, "SELECT total_amount FROM billing_billrun WHERE id = ?", (run.pk,)))) == D(
        25000 * TENANTS
    )
    assert f"{TENANTS} bills" in out


def _in_thread(work, results, index, barrier):
    def target():
        try:
            barrier.wait(timeout=10)
            results[index] = work()
        except Exception as exc:
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    return threading.Thread(target=target)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
def test_parallel_payments_never_double_allocate(park_a):
    """Four payments of 30,000 race to settle two months of 25,000: 50,000 is allocated, not more,
    every line settles exactly once and the rest of the money stays as credit."""
    profile = billing_profile()
    profile.late_fee_daily_rate = D(0)
    profile.save()
    contract = lease(park_a)
    run_month(park_a, d(2026, 1, 1))
    run_month(park_a, d(2026, 2, 1))
    barrier = threading.Barrier(4)
    results: list[object] = [None] * 4

    def pay():
        return services.payment_record(
            park=contract.park,
            enterprise=contract.enterprise,
            data=services.PaymentInput(amount=D(30000), received_on=d(2026, 2, 5)),
            actor=None,
        ).pk

    threads = [_in_thread(pay, results, i, barrier) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(r, int) for r in results), results
    lines = BillLine.objects.filter(amount__gt=0)
    assert sorted(line.settled_amount for line in lines) == [D(25000), D(25000)]
    assert sum(p.allocated_amount for p in Payment.objects.all()) == D(50000)
    assert sum(p.unallocated for p in Payment.objects.all()) == D(70000)
    for line in lines:
        assert sum(a.amount for a in line.allocations.all()) == line.settled_amount


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")
def test_one_payment_allocated_twice_at_once_is_allocated_once(park_a):
    profile = billing_profile()
    profile.late_fee_daily_rate = D(0)
    profile.save()
    contract = lease(park_a)
    payment = services.payment_record(
        park=contract.park,
        enterprise=contract.enterprise,
        data=services.PaymentInput(amount=D(40000), received_on=d(2026, 1, 2)),
        actor=None,
    )
    run_month(park_a, d(2026, 1, 1), issue=False)
    run = BillRun.objects.get()
    billrun.bill_run_approve(run=run, actor=None)
    # Issue without applying credit, then let two officers press "核销" at the same moment.
    BillLine.objects.update(issued_on=d(2026, 1, 1))
    barrier = threading.Barrier(3)
    results: list[object] = [None] * 3
    threads = [
        _in_thread(lambda: len(services.payment_allocate(payment=payment, actor=None)), results, i, barrier)
        for i in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) == [0, 0, 1], results
    payment.refresh_from_db()
    assert payment.allocated_amount == D(25000)
    assert Account.objects.count() == 1
