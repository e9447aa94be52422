import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from parkos.core.models import ProcessKind
from parkos.core.scheduling import beat
from parkos.core.tests.processes import free_port
from parkos.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]


def _beat_all() -> None:
    now = timezone.now()
    beat(name="worker:h:1", kind=ProcessKind.WORKER, started_at=now)
    beat(name="scheduler:h:2", kind=ProcessKind.SCHEDULER, started_at=now)


def test_healthz_reports_every_check(db, client):
    _beat_all()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "worker": "ok", "scheduler": "ok"}


def test_healthz_names_a_missing_worker(db, client):
    beat(name="scheduler:h:2", kind=ProcessKind.SCHEDULER, started_at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["worker"]
    assert body["worker"] == "failed: no process has reported"
    assert body["database"] == "ok"


def test_healthz_only_checks_what_the_load_balancer_asks(db, client):
    # No worker or scheduler has reported: the full check fails, the app node's own check does not.
    assert client.get("/healthz").status_code == 503
    response = client.get("/healthz", {"only": "database,cache"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert client.get("/healthz", {"only": "worker"}).json()["failed"] == ["worker"]
    assert client.get("/healthz", {"only": "disk"}).status_code == 400


def test_healthz_names_an_unreachable_cache(db, client, settings):
    _beat_all()
    port = free_port()  # nothing listens there
    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert response.json()["cache"].startswith("failed: ")


def test_healthz_is_not_redirected_to_https(settings):
    assert "^healthz$" in settings.SECURE_REDIRECT_EXEMPT


@pytest.mark.parametrize(
    ("persona", "expected", "absent"),
    [
        ("alice", ["全部园区", "平台用户"], []),
        ("bob", ["我负责的园区", "重庆国际生物城A园"], ["平台用户", "成都天府生物城B园"]),
        ("erin", ["企业服务"], ["我负责的园区", "平台用户"]),
    ],
)
def test_dashboard_per_role(client_for, persona, expected, absent):
    page = client_for(persona).get(reverse("web:dashboard")).content.decode()
    for text in expected:
        assert text in page
    for text in absent:
        assert text not in page


def test_dashboard_requires_login(client_for):
    response = client_for("anonymous").get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_enterprise_user_cannot_open_staff_pages(client_for, park_a):
    response = client_for("erin").get(reverse("parks:park_list"))
    assert response.status_code == 403
    assert "该页面仅限园区工作人员访问" in response.content.decode()


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfiguredEnv, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfiguredEnv, match="X_INT"):
        env_int("X_INT", 1)
    monkeypatch.delenv("X_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfiguredEnv, match="X_REQUIRED"):
        env_str("X_REQUIRED")
    monkeypatch.setenv("X_LIST", " a, b ,,c ")
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_BOOL", "on")
    assert env_bool("X_BOOL", False) is True


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PARKOS_PRODUCTION="true",
        SECRET_KEY="k" * 20 + "-production-secret-with-enough-entropy-0123456789",
        PARKOS_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_default_secret(tmp_path):
    result = _manage("check", PARKOS_PRODUCTION="true", PARKOS_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
