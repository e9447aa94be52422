import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from parkos.env import ImproperlyConfiguredEnv, env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]


def test_healthz_reports_database(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


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
