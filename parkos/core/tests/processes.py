"""Helpers for tests that run ParkOS in other processes: app servers, workers, schedulers, Redis.

`shared_database` gives those processes this test's database: on PostgreSQL the test database itself
(the test runs with `transactional_db`, so what it writes is committed and visible); on SQLite, whose
test database lives in this process's memory, a file copy made with the online backup API, copied
back when the test ends so the test can read what the other processes wrote.

Ports come from `PARKOS_TEST_PORTS` ("56500-56599") when set — machines shared by several people give
each a range — or from the operating system.
"""

from __future__ import annotations

import http.client
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO

from django.db import connections

ROOT = Path(__file__).resolve().parents[3]
TEST_SECRET_KEY = "test-secret-key-for-processes-started-by-tests-0123456789abcdef"


def free_port(*, taken: tuple[int, ...] = ()) -> int:
    """A port nothing listens on (none of `taken`, which may be bound only later)."""
    wanted = os.environ.get("PARKOS_TEST_PORTS", "")
    candidates: list[int] = [0]
    if wanted:
        low, high = (int(x) for x in wanted.split("-"))
        # Random order: parallel test processes spread over the range instead of racing for one port.
        candidates = random.sample(range(low, high + 1), high - low + 1)
    for port in candidates:
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            found = int(sock.getsockname()[1])
        if found not in taken:
            return found
    raise RuntimeError(f"no free port in {wanted or 'the ephemeral range'}")


def database_url() -> str:
    """The URL of the default connection's database, for another process."""
    settings = connections["default"].settings_dict
    if connections["default"].vendor == "postgresql":
        return (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    raise RuntimeError("SQLite test databases live in memory: use shared_database()")


@contextmanager
def shared_database(directory: Path) -> Iterator[str]:
    """A DATABASE_URL other processes can use for this test's database (see the module docstring)."""
    connection = connections["default"]
    if connection.vendor == "postgresql":
        yield database_url()
        return
    path = directory / "shared.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as copy:
            copy.backup(connection.connection)


def process_env(var_dir: Path, database: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(
        DJANGO_SETTINGS_MODULE="parkos.settings",
        DATABASE_URL=database,
        PARKOS_VAR_DIR=str(var_dir),
        SECRET_KEY=TEST_SECRET_KEY,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_REPLICA_URL", None)
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], log: IO[str] | None = None) -> subprocess.Popen[str]:
    """Start `manage.py ARGS` (returns at once; `.communicate()` to wait). A long-running process
    writes to `log` instead of pipes nobody reads while it runs (a full pipe would stall it)."""
    return subprocess.Popen(  # noqa: S603 - this interpreter and our manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=log or subprocess.PIPE,
        stderr=log or subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return process.returncode, out, err


def wait_http(port: int, path: str, *, process: subprocess.Popen[str] | None = None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited: {(process.communicate()[1] or '')[-3000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port} within {timeout} s")


def start_app_server(
    port: int, env: dict[str, str], *, workers: int = 1, log: IO[str] | None = None
) -> subprocess.Popen[str]:
    """granian serving ParkOS, as deploy/Procfile does."""
    return subprocess.Popen(  # noqa: S603 - this interpreter and granian
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "parkos.wsgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            "2",
            "--no-ws",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log or subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """A throwaway redis-server on loopback (no persistence); yields its URL."""
    binary = redis_server_path()
    assert binary is not None
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - Debian's redis-server
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
