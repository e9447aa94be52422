"""Journeys through the shell: log in, switch language, switch park, phone width."""

import re

import pytest
from playwright.sync_api import expect

from parkos.accounts.tests.factories import PASSWORD
from tests.e2e.conftest import login


@pytest.mark.stack
def test_log_in_and_see_dashboard(page, bob, park_a):
    login(page, "bob", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")
    expect(page.get_by_test_id("widget").first).to_contain_text("我负责的园区")
    expect(page.locator(".whoami")).to_contain_text("园区总经理")


def test_wrong_password_shows_chinese_error(page, bob):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("bob")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")


def test_switch_language_to_english_and_back(page, bob, park_a):
    login(page, "bob", PASSWORD)
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("lang-zh-hans").click()
    expect(page.get_by_role("link", name="工作台").first).to_be_visible()


def test_switch_park(page, alice, park_a, park_b):
    login(page, "alice", PASSWORD)
    page.get_by_label("园区", exact=True).select_option(label=park_b.name)
    expect(page.locator(".messages")).to_contain_text(f"已切换到园区：{park_b.name}")
    expect(page.get_by_label("园区", exact=True)).to_have_value(str(park_b.pk))
    expect(page.get_by_test_id("widget").first).to_contain_text(park_b.name)


def test_park_list_filters_in_place_at_phone_width(browser, live_server, bob, park_a, park_b):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, "bob", PASSWORD)
    page.goto("/parks/")
    expect(page.get_by_role("link", name=park_a.name)).to_be_visible()
    expect(page.get_by_text(park_b.name)).to_have_count(0)
    page.get_by_label("关键词").fill("不存在")
    expect(page.get_by_text("没有符合条件的园区")).to_be_visible()
    assert re.search(r"q=", page.url)
    context.close()
