"""Faults: a real process is killed with SIGKILL in the middle of the work, then the work is resumed or
retried — nothing lost, nothing doubled (Ref: #13).

Each test runs ParkOS in child processes on a database they share with this test: on PostgreSQL the
test database itself; on SQLite a file copy of it (``VACUUM INTO``), since the test's own is in memory.
The child processes are ordinary ParkOS (``manage.py`` or a few lines of Python after ``django.setup()``);
where the work must be caught inside its transaction, one function is wrapped to announce it and wait.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from parkos.enterprises.demo import generate
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing.tests.factories import approved_lease
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from parkos.statistics import services

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


# --- Plumbing --------------------------------------------------------------------------------------------


@pytest.fixture
def shared_env(tmp_path):
    """Environment for child processes pointing at a database this test can also read (through them)."""

    def build() -> dict[str, str]:
        settings = connection.settings_dict
        if connection.vendor == "postgresql":
            url = f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        else:
            path = tmp_path / "shared.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(path)])
            url = f"sqlite:///{path}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
        env.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="parkos.settings",
            PARKOS_VAR_DIR=str(tmp_path / "var"),
            DEBUG="false",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        return env

    return build


def _code(body: str) -> list[str]:
    return [PYTHON, "-c", "import django, json; django.setup()\n" + body]


def run(args: list[str], env: dict[str, str], timeout: int = 120) -> str:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def query(env: dict[str, str], body: str) -> dict:
    """Run `body` (which sets `result`) in a child on the shared database; return `result`."""
    out = run(_code(body + "\nprint('RESULT=' + json.dumps(result, default=str))"), env)
    return json.loads(out.rsplit("RESULT=", 1)[1])


def start(args: list[str], env: dict[str, str], *, output: int = subprocess.PIPE) -> subprocess.Popen[str]:
    """`output=subprocess.DEVNULL` for a child nobody reads: a full pipe would block its next log line."""
    return subprocess.Popen(  # noqa: S603
        args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )


def kill9_when(process: subprocess.Popen[str], predicate, timeout: float = 120) -> str:
    """Read the child's output until `predicate(output)` holds, then SIGKILL it (and its group)."""
    seen = ""
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        char = process.stdout.read(1)
        if not char:
            break
        seen += char
        if predicate(seen):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            assert process.returncode == -signal.SIGKILL
            return seen
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    pytest.fail(f"the child finished or stalled before the moment to kill it:\n{seen[-2000:]}")


def free_port() -> int:
    """A free loopback port: from TEST_PORT_RANGE ("56200-56299") when set, so that a machine shared by
    several checkouts keeps each one in its own range; else whichever the system hands out."""
    low, _, high = os.environ.get("TEST_PORT_RANGE", "0-0").partition("-")
    for port in range(int(low), int(high) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port if port else int(probe.getsockname()[1])
    pytest.skip(f"no free port in {low}–{high}")


# --- An import, killed between and inside batches, then resumed -------------------------------------------


def _import_file(path: Path, count: int) -> set[str]:
    codes = set()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["企业名称", "统一社会信用代码", "区县", "联系人", "联系人手机"])
        for item in generate(count, seed=13):
            enterprise = item.enterprise
            contact = item.contacts[0] if item.contacts else None
            writer.writerow(
                [
                    enterprise.name,
                    enterprise.credit_code,
                    enterprise.district,
                    contact.name if contact else "",
                    contact.mobile.removeprefix("+86") if contact else "",
                ]
            )
            codes.add(enterprise.credit_code)
    return codes


def test_a_killed_import_resumes_with_nothing_lost_or_doubled(shared_env, tmp_path):
    env = shared_env()
    source = tmp_path / "企业导入.csv"
    codes = _import_file(source, 600)
    manage = [PYTHON, "manage.py", "import_enterprises"]
    progress = start([*manage, str(source), "--batch-size", "20"], env)

    def far_enough(out: str) -> bool:  # a few batches committed, the next one under way
        counts = [int(done) for done in re.findall(r"#\d+ (\d+)/\d+", out)]
        return bool(counts) and counts[-1] >= 100

    seen = kill9_when(progress, far_enough)
    half = query(
        env,
        "from parkos.core.models import ImportJob\nfrom parkos.enterprises.models import Enterprise\n"
        "job = ImportJob.objects.get()\n"
        "result = {'status': job.status, 'last_row': job.last_row, 'n': Enterprise.objects.count()}",
    )
    assert half["status"] == "running"
    assert 0 < half["n"] < len(codes)
    # What was committed is exactly the checkpoint: no batch half-written.
    assert half["n"] == half["last_row"] - 1

    job_id = int(re.findall(r"#(\d+) \d+/\d+", seen)[-1])  # ids continue from earlier tests' rows
    run([*manage, "--resume", str(job_id)], env)
    done = query(
        env,
        "from django.db.models import Count\n"
        "from parkos.core.models import ImportJob\nfrom parkos.enterprises.models import Contact, Enterprise\n"
        "job = ImportJob.objects.get()\n"
        "result = {'status': job.status, 'ok': job.rows_ok, 'codes': sorted(Enterprise.objects.values_list('credit_code', flat=True)),\n"
        " 'contacts': Contact.objects.count(),\n"
        " 'doubled': Contact.objects.values('enterprise', 'mobile').annotate(n=Count('pk')).filter(n__gt=1).count()}",
    )
    assert done["status"] == "done"
    assert done["ok"] == len(codes)
    assert done["codes"] == sorted(codes)  # every enterprise, each once
    assert done["doubled"] == 0


# --- Contract signing, killed inside its transaction, then retried -------------------------------------


SIGN = """
from parkos.leasing import services
from parkos.leasing.models import Contract
pause = {pause}
if pause:
    import time
    original = services._event
    def announce_and_wait(*args, **kwargs):
        original(*args, **kwargs)
        print("IN_TRANSACTION", flush=True)  # the contract, its spaces and months are written, not committed
        time.sleep(600)
    services._event = announce_and_wait
services.contract_sign(contract=Contract.objects.get(pk={pk}), actor=None)
result = {{"signed": True}}
"""

SIGN_STATE = """
from parkos.core.models import AuditEntry
from parkos.leasing.models import Contract, ContractEvent, ContractMonth
from parkos.enterprises.models import Enterprise
contract = Contract.objects.get(pk={pk})
result = {{
    "status": contract.status,
    "signed_events": ContractEvent.objects.filter(contract=contract, kind="signed").count(),
    "months": ContractMonth.objects.filter(contract=contract).count(),
    "audit": AuditEntry.objects.count(),
    "lifecycle": Enterprise.objects.get(pk=contract.enterprise_id).lifecycle,
}}
"""


def test_a_signing_killed_inside_its_transaction_leaves_nothing_and_the_retry_signs_once(shared_env, park_a):
    unit = UnitFactory(floor=FloorFactory(building=BuildingFactory(park=park_a, code="K1"), level=1), code="K1-101")
    contract = approved_lease(units=[unit], enterprise=EnterpriseFactory(lifecycle="prospect", parks=[park_a]))
    env = shared_env()
    before = query(env, SIGN_STATE.format(pk=contract.pk))
    assert before["status"] == "approved"

    kill9_when(start(_code(SIGN.format(pause=True, pk=contract.pk)), env), lambda out: "IN_TRANSACTION" in out)
    assert query(env, SIGN_STATE.format(pk=contract.pk)) == before  # rolled back whole: nothing half-signed

    run(_code(SIGN.format(pause=False, pk=contract.pk) + "\nprint(result)"), env)
    after = query(env, SIGN_STATE.format(pk=contract.pk))
    assert after["status"] == "signed"
    assert after["signed_events"] == 1
    assert after["months"] > 0
    assert after["lifecycle"] == "tenant"
    # A second retry (the user clicks again) is refused and changes nothing.
    again = subprocess.run(  # noqa: S603
        _code(SIGN.format(pause=False, pk=contract.pk)), cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode != 0
    assert "须先审批" in again.stderr
    assert query(env, SIGN_STATE.format(pk=contract.pk)) == after


# --- A report export, the server killed mid-download, then retried --------------------------------------


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    server = start(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env,
        output=subprocess.DEVNULL,  # one request log line per poll: nobody reads them
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?only=database", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.1)
    os.killpg(server.pid, signal.SIGKILL)
    pytest.fail("the server did not start")


def _download(opener, url: str, outcome: dict) -> None:
    try:
        with opener.open(url, timeout=120) as response:
            outcome["body"] = response.read()
            outcome["length"] = int(response.headers.get("Content-Length") or -1)
    except (urllib.error.URLError, ConnectionError, OSError, ValueError) as exc:  # http.client errors included
        outcome["error"] = repr(exc)


def test_a_report_export_killed_mid_way_is_retried_whole(shared_env, park_a, alice, client):
    for n in range(12):
        enterprise = EnterpriseFactory(parks=[park_a], name=f"导出测试{n}有限公司")
        for month in range(1, 13):
            services.report_submit(park=park_a, enterprise=enterprise, year=2025, month=month, is_cumulative=True,
                                   values={"revenue": Decimal(1000 * month), "output": Decimal(900 * month)}, actor=None)  # fmt: skip
    client.force_login(alice)
    session = client.cookies["sessionid"].value
    env = shared_env()
    audit_before = query(env, "from parkos.core.models import AuditEntry\nresult = AuditEntry.objects.count()")
    port = free_port()
    url = f"http://127.0.0.1:{port}/statistics/parks/{park_a.pk}/report/2025/report.pdf"
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session}")]

    server = _serve(env, port)
    first: dict = {}
    downloading = threading.Thread(target=_download, args=(opener, url, first))
    downloading.start()
    time.sleep(0.3)  # the PDF is being rendered: kill the server under it
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)
    downloading.join(timeout=60)
    # Killed under the download: the client knows it failed; a complete answer is the whole PDF.
    if "body" in first:
        assert first["body"].startswith(b"%PDF")
        assert first["body"].rstrip().endswith(b"%%EOF")
        assert first["length"] == len(first["body"])
    else:
        assert "error" in first

    server = _serve(env, port)
    try:
        second: dict = {}
        _download(opener, url, second)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    assert second["body"].startswith(b"%PDF")
    assert second["body"].rstrip().endswith(b"%%EOF")
    assert second["length"] == len(second["body"])
    # An export writes nothing: a killed one leaves nothing behind either.
    assert query(env, "from parkos.core.models import AuditEntry\nresult = AuditEntry.objects.count()") == audit_before
