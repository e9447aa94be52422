"""Journey: an operator admin opens every module of the main navigation; each page answers, shows its
heading, and loads every script, style and image it asks for without an error in the browser.

Cheap on the development server; against the production stack (PARKOS_E2E_STACK=1) it is what shows
that DEBUG off still serves every app: hashed static files in the manifest, no script the CSP blocks.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Response, expect

from parkos.accounts.tests.factories import PASSWORD
from tests.e2e.conftest import login


@pytest.mark.stack
def test_every_module_opens_without_a_browser_error(page, alice, park_a):
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script: {error}"))
    page.on("response", on_response)
    login(page, "alice", PASSWORD)
    links = page.get_by_role("navigation", name="模块导航").get_by_role("link")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
    assert len(hrefs) >= 10, hrefs  # one per app an operator admin may use
    for href in hrefs:
        response = page.goto(href)
        assert response is not None
        assert response.status == 200, href
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        page.wait_for_load_state("load")
    assert problems == []
