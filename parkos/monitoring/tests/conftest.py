"""Monitoring fixtures: a facilities operator persona, a real mosquitto on loopback, and a database a
subscriber process can share with the test."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.monitoring.mqtt import LocalBroker, mosquitto_path

ROOT = Path(__file__).resolve().parents[3]
#: Ports tried for test brokers (a free one is taken); override with PARKOS_TEST_MQTT_PORTS=low-high.
PORTS = os.environ.get("PARKOS_TEST_MQTT_PORTS", "56400-56449")


@pytest.fixture
def frank(park_a):
    """Facilities operator (设施运维) of park A."""
    return UserFactory(username="frank", role=Role.FACILITIES_OPERATOR, parks=[park_a], email="frank@example.cn")


@pytest.fixture
def personas(personas, frank):
    """The shared personas plus frank, so `client_for("frank")` works in these tests."""
    return {**personas, "frank": frank}


def free_port() -> int:
    low, high = (int(part) for part in PORTS.split("-"))
    for port in range(low, high + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


@pytest.fixture
def broker(tmp_path) -> Iterator[LocalBroker]:
    if mosquitto_path() is None:
        if os.environ.get("CI") or os.environ.get("PARKOS_REQUIRE_MOSQUITTO"):
            pytest.fail("mosquitto is required in CI (.ci/run installs it)")
        pytest.skip("mosquitto is not installed (apt-get install mosquitto)")
    local = LocalBroker(port=free_port(), directory=tmp_path / "mosquitto").start()
    yield local
    local.stop()


class SharedDatabase:
    """The test database as another process sees it: the PostgreSQL test database itself, or, for
    SQLite's in-memory test database, a file copy taken when `publish()` is called."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.sqlite_file: Path | None = None

    def publish(self) -> str:
        """The DATABASE_URL for a subprocess (call after the test's set-up rows are written)."""
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        self.sqlite_file = self.tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(self.sqlite_file)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{self.sqlite_file}"

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.sqlite_file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return cursor.fetchone()[0]
        with sqlite3.connect(self.sqlite_file, timeout=20) as reader:
            return reader.execute(sql, params).fetchone()[0]


@pytest.fixture
def shared_db(transactional_db, tmp_path) -> SharedDatabase:
    return SharedDatabase(tmp_path)


def start_subscriber(
    database_url: str, port: int, tmp_path: Path, client_id: str, *extra: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PARKOS_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "parkos.settings",
        "LOG_LEVEL": "WARNING",
        "TIME_ZONE": settings.TIME_ZONE,
    }
    log = (tmp_path / f"{client_id}.log").open("ab")
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "monitoring_mqtt",
            "--port",
            str(port),
            "--client-id",
            client_id,
            "--quiet",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
