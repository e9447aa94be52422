"""Journeys through the protections of #13: a login locked after repeated failures, and what it does not lock.

Screenshots (desktop and phone width, Chinese and English) go to var/screenshots/security/.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from playwright.sync_api import Browser, Page, expect

from parkos.accounts.tests.factories import PASSWORD
from tests.e2e.conftest import login

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "security"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fail_login(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()


def test_repeated_failures_lock_that_login_from_that_client_and_nothing_else(
    page, browser: Browser, live_server, bob, carol
):
    page.set_default_timeout(60_000)  # a dozen logins in a row: password hashing is slow on a busy machine
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _fail_login(page, "bob")
    expect(page.get_by_role("alert")).to_contain_text("登录失败次数过多")
    # Even the right password is refused while the lock lasts: the password is not even checked.
    page.get_by_role("link", name="返回登录页").click()
    page.get_by_label("用户名").fill("bob")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("暂时无法登录")
    _shot(page, "locked-desktop-zh")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "locked-phone-zh")

    # Another account from the same address is not locked: nothing is counted per address alone.
    login(page, "carol", PASSWORD)
    expect(page.locator(".whoami")).to_contain_text("招商")

    # The lock page reads in English too.
    english = browser.new_context(locale="en-US", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        other = english.new_page()
        other.set_default_timeout(60_000)
        other.goto("/accounts/login/")
        other.locator("input[name=username]").fill("bob")
        other.locator("input[name=password]").fill(PASSWORD)
        other.get_by_role("button", name="Log in").click()
        expect(other.get_by_role("alert")).to_contain_text("Too many failed logins")
        _shot(other, "locked-desktop-en")
    finally:
        english.close()
