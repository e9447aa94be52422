"""Browser journeys: Playwright driving Debian's chromium against pytest-django's live_server.

`PARKOS_E2E_STACK=1` (PostgreSQL only) runs the same journeys against the production stack instead:
granian (DEBUG off, hashed static files, the CSP) and a task worker, started once on the test
database; the journeys' transactional data is committed, so those processes see it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import global_settings, settings
from playwright.sync_api import Browser, Page, sync_playwright

from parkos.core.tests.processes import (
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


@pytest.hookimpl(trylast=True)  # after the root conftest's, which sets MD5
def pytest_configure(config: pytest.Config) -> None:
    if STACK:
        # The stack checks passwords with production's hashers, which do not include the fast MD5 the
        # root conftest gives the tests: a journey's users hashed with it could never log in.
        settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


class _NoSettingsOverride:
    def enable(self) -> None: ...

    def disable(self) -> None: ...


@dataclass(frozen=True)
class Server:
    url: str
    # pytest-django's autouse helper toggles the live server's settings around each test; the stack
    # runs in processes of its own, with the settings of its environment: nothing to toggle.
    _live_server_modified_settings: _NoSettingsOverride = field(default_factory=_NoSettingsOverride)


@pytest.fixture(scope="session")
def production_stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Server]:
    with django_db_blocker.unblock():
        url = database_url()  # PostgreSQL: SQLite test databases live in this process's memory
    var_dir = tmp_path_factory.mktemp("stack")
    # No page cache across journeys: each starts from a flushed database.
    env = process_env(
        var_dir,
        url,
        PARKOS_PRODUCTION="true",
        PARKOS_HTTPS="false",
        CACHE_BACKEND="django.core.cache.backends.dummy.DummyCache",
    )
    # Compressing every static file takes minutes on a busy machine.
    code, _out, err = finish(manage("collectstatic", "--noinput", "--verbosity", "0", env=env), timeout=900)
    assert code == 0, err
    port = free_port()
    with (var_dir / "stack.log").open("w") as log:
        web = start_app_server(port, env, workers=2, log=log)
        worker = manage("worker", "--queue-name", "*", "--interval", "0.2", env=env, log=log)
        try:
            wait_http(port, "/healthz", process=web)
            yield Server(url=f"http://127.0.0.1:{port}")
        finally:
            for process in (web, worker):
                stop(process)


@pytest.fixture
def live_server(live_server, request):
    """pytest-django's live server, or the production stack with PARKOS_E2E_STACK=1."""
    return request.getfixturevalue("production_stack") if STACK else live_server


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def login(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # Not "**/": the login page itself matches that, and a refused login then failed a later step.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
