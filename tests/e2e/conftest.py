"""Browser journeys: Playwright driving Debian's chromium against pytest-django's live_server.

`PARKOS_E2E_STACK=1` (PostgreSQL only) runs the same journeys against the production stack instead:
granian (DEBUG off, hashed static files, the CSP) and a task worker, started once on the test
database; the journeys' transactional data is committed, so those processes see it.

Journeys marked `stack` run against the production stack in every run on PostgreSQL (`make test`
there), on the database the run has already migrated: CI needs no separate step, migration and
pytest start-up for them. Their stack lives for their module only, so its task worker never takes a
task that a later unit test enqueued for itself.
"""

from __future__ import annotations

import fcntl
import hashlib
import http.client
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.staticfiles import finders
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, Page, sync_playwright

from parkos.core.models import ProcessHeartbeat
from parkos.core.tests.processes import (
    ROOT,
    database_url,
    finish,
    free_port,
    manage,
    process_env,
    start_app_server,
    stop,
    wait_http,
)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("PARKOS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server, handling one request at a time while it shares the test's SQLite connection.

    On SQLite the test database lives in memory, and every request thread of Django's live server uses
    the test thread's one connection (pytest-django passes it on). Two requests at once then ran on the
    same sqlite3 connection, and the same query in both shares one cached statement, which each thread
    resets and steps in turn: one of them can read no row. A browser sends two at once whenever a
    field's `change` fires an HTMX request as a button submits the form (blur, then click): the booking
    journey's POST once answered 404 from `get_object_or_404` while its price quote ran the same query.
    Connections stay on their own threads (keep-alive); only the application is taken in turn, until
    the response is closed. On PostgreSQL each thread has its own connection and nothing is serialised.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._handling = threading.Lock()

    def set_app(self, application: Callable[..., Iterable[bytes]]) -> None:
        if not self.connections_override:
            super().set_app(application)
            return
        lock = self._handling

        def in_turn(environ: dict[str, object], start_response: Callable[..., object]) -> Iterable[bytes]:
            lock.acquire()
            try:
                return _Releasing(application(environ, start_response), lock.release)
            except BaseException:
                lock.release()
                raise

        super().set_app(in_turn)


class _Releasing:
    """A WSGI response that runs `release` once the server closes it (it always does, error or not)."""

    def __init__(self, response: Iterable[bytes], release: Callable[[], None]) -> None:
        self._response = response
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._response)

    def close(self) -> None:
        try:
            close = getattr(self._response, "close", None)
            if close is not None:
                close()
        finally:
            if self._release is not None:
                release, self._release = self._release, None
                release()


LiveServerThread.server_class = _OneRequestAtATime


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


STACK = os.environ.get("PARKOS_E2E_STACK", "") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "stack: on PostgreSQL, this journey runs against the production stack in every run"
    )


class _NoSettingsOverride:
    def enable(self) -> None: ...

    def disable(self) -> None: ...


@dataclass(frozen=True)
class Server:
    url: str
    # pytest-django's autouse helper toggles the live server's settings around each test; the stack
    # runs in processes of its own, with the settings of its environment: nothing to toggle.
    _live_server_modified_settings: _NoSettingsOverride = field(default_factory=_NoSettingsOverride)


def _collected_static(env: dict[str, str]) -> Path:
    """The static files as production collects them (hashed names, compressed copies), collected once
    per content of the sources: later runs on this checkout, and the other xdist workers of this run,
    reuse them instead of compressing everything again."""
    sources = sorted(
        (path, storage.path(path))
        for finder in finders.get_finders()
        for path, storage in finder.list(["CVS", ".*", "*~"])
    )
    digest = hashlib.sha256()
    for path, source in sources:
        stat = os.stat(source)
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    root = ROOT / "var" / "test-static"
    target = root / digest.hexdigest()[:16]
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "staticfiles.json").exists():
            for stale in root.iterdir():  # an earlier content's, or a collection that was killed
                if stale.is_dir():
                    shutil.rmtree(stale, ignore_errors=True)
            collecting = root / f"collecting-{os.getpid()}"
            code, _out, err = finish(
                manage(
                    "collectstatic", "--noinput", "--verbosity", "0", env={**env, "PARKOS_VAR_DIR": str(collecting)}
                ),
                timeout=900,
            )
            assert code == 0, err
            (collecting / "static").rename(target)
            shutil.rmtree(collecting)
    return target


def _wait_for_the_worker(port: int, timeout: float = 180) -> None:
    """Until the task worker has reported (its heartbeat, as /healthz reads it): a journey that queues a
    task right away would otherwise watch it wait while the worker is still starting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/healthz?only=database,worker")
        if conn.getresponse().status == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"no task worker reported within {timeout} s")


def _other_sessions() -> int:
    """Sessions on the test database other than this connection's (the stack's, the live server's)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _wait_until_disconnected(sessions_before: int, timeout: float = 30) -> None:
    """Until the stopped processes' sessions have left the database (PostgreSQL ends a backend a moment
    after its client): one still open kept the test database from being dropped at the end of the run."""
    deadline = time.monotonic() + timeout
    while _other_sessions() > sessions_before and time.monotonic() < deadline:
        time.sleep(0.2)


#: Non-empty while the production stack serves the journeys (see `login`).
_stack_serving: list[bool] = []


@contextmanager
def _stack(tmp_path_factory: pytest.TempPathFactory, django_db_blocker) -> Iterator[Server]:
    with django_db_blocker.unblock():
        url = database_url()  # PostgreSQL: SQLite test databases live in this process's memory
        sessions_before = _other_sessions()
    var_dir = tmp_path_factory.mktemp("stack")
    # No page cache across journeys: each starts from a flushed database.
    env = process_env(
        var_dir,
        url,
        PARKOS_PRODUCTION="true",
        PARKOS_HTTPS="false",
        CACHE_BACKEND="django.core.cache.backends.dummy.DummyCache",
    )
    (var_dir / "static").symlink_to(_collected_static(env), target_is_directory=True)
    port = free_port()
    with (var_dir / "stack.log").open("w") as log:
        web = start_app_server(port, env, workers=2, log=log)
        worker = manage("worker", "--queue-name", "*", "--interval", "0.2", env=env, log=log)
        try:
            wait_http(port, "/healthz", process=web)
            _wait_for_the_worker(port)
            _stack_serving.append(True)
            yield Server(url=f"http://127.0.0.1:{port}")
        finally:
            _stack_serving.clear()
            for process in (web, worker):
                stop(process)
            with django_db_blocker.unblock():
                _wait_until_disconnected(sessions_before)
                # The worker's heartbeat thread may have beaten after the last journey's flush: a later
                # test on this database must not find a worker reporting.
                ProcessHeartbeat.objects.all().delete()
                connection.close()


@pytest.fixture(scope="session")
def production_stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Server]:
    """The stack for a whole `PARKOS_E2E_STACK=1` run (journeys only)."""
    with _stack(tmp_path_factory, django_db_blocker) as server:
        yield server


@pytest.fixture(scope="module")
def module_stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Server]:
    """The stack for the `stack` journeys of one module, in a run of the whole suite."""
    with _stack(tmp_path_factory, django_db_blocker) as server:
        yield server


@pytest.fixture
def live_server(live_server, request):
    """pytest-django's live server; the production stack with PARKOS_E2E_STACK=1, or for a journey
    marked `stack` on PostgreSQL."""
    if STACK:
        return request.getfixturevalue("production_stack")
    if request.node.get_closest_marker("stack") and connection.vendor == "postgresql":
        return request.getfixturevalue("module_stack")
    return live_server


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page: Page, username: str, password: str) -> None:
    if _stack_serving:
        # The tests' one-iteration hash is upgraded at the stack's first login, a full PBKDF2 that a busy
        # machine stretched past the page's timeout: hash at production's count here, before the page waits.
        get_user_model().objects.filter(username=username).update(
            password=make_password(password, hasher=PBKDF2PasswordHasher())
        )
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # Not "**/": the login page itself matches that, and a refused login then failed a later step.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
