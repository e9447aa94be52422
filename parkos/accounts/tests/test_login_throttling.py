"""Login throttling on every login path: per client and account, per account; never an account that did not fail.

Ref: #13 (hole 2): the Django admin login had no limit, and 20 failures from one address locked every
account (behind a proxy, that address is everyone's).
"""

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from parkos.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

MAIN = "/accounts/login/"
ADMIN = "/admin/login/"
TOKEN = "/api/accounts/token/"


def _attempt(path, username, password, addr="198.51.100.7", **meta):
    client = Client(REMOTE_ADDR=addr, **meta)
    if path == TOKEN:
        response = client.post(path, {"username": username, "password": password}, content_type="application/json")
    else:
        response = client.post(path, {"username": username, "password": password, "next": "/admin/"})
    return client, response


def _logged_in(client, response, path):
    if path == TOKEN:
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize("path", [MAIN, ADMIN, TOKEN])
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_every_login_path_locks_the_account_from_that_client(alice, path):
    for _ in range(3):
        client, response = _attempt(path, "alice", "wrong")
        assert not _logged_in(client, response, path)
    client, response = _attempt(path, "alice", PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client, response, path)
    assert "登录失败次数过多" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_locked_response_speaks_english_when_asked(bob):
    for _ in range(3):
        _attempt(MAIN, "bob", "wrong")
    _client, response = _attempt(MAIN, "bob", "wrong", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()


@pytest.mark.parametrize("path", [MAIN, ADMIN, TOKEN])
@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_failures_from_one_address_never_lock_an_account_that_did_not_fail(alice, path):
    # A sweep of many accounts from one address (an office NAT, a proxy) ...
    for n in range(30):
        _attempt(path, f"nobody{n}", "wrong", addr="203.0.113.10")
    # ... does not lock out the admin, from that same address, who never failed.
    client, response = _attempt(path, "alice", PASSWORD, addr="203.0.113.10")
    assert _logged_in(client, response, path)


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_ACCOUNT_FAILURE_LIMIT=6)
def test_an_account_locked_from_one_client_still_logs_in_from_another_until_the_account_limit(bob):
    for _ in range(3):
        _attempt(MAIN, "bob", "wrong", addr="203.0.113.20")
    client, response = _attempt(MAIN, "bob", PASSWORD, addr="203.0.113.21")
    assert _logged_in(client, response, MAIN)
    # A distributed guess: failures from many addresses add up to the per-account limit.
    for n in range(6):
        _attempt(MAIN, "bob", "wrong", addr=f"203.0.113.{100 + n}")
    client, response = _attempt(MAIN, "bob", PASSWORD, addr="203.0.113.200")
    assert response.status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_address_is_read_from_trusted_proxies_only(bob):
    # Behind the trusted proxy, each client is told apart by the address the proxy forwarded.
    for _ in range(3):
        _attempt(MAIN, "bob", "wrong", addr="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.30")
    _client, response = _attempt(MAIN, "bob", PASSWORD, addr="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.30")
    assert response.status_code == 429
    client, response = _attempt(MAIN, "bob", PASSWORD, addr="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.31")
    assert _logged_in(client, response, MAIN)


@override_settings(LOGIN_FAILURE_LIMIT=3, TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_forged_forwarded_header_from_an_untrusted_peer_changes_nothing(bob):
    for n in range(3):
        _attempt(MAIN, "bob", "wrong", addr="198.51.100.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    _client, response = _attempt(MAIN, "bob", PASSWORD, addr="198.51.100.50", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_failures_are_counted_in_the_database_so_every_process_sees_them(bob):
    for _ in range(2):
        _attempt(MAIN, "bob", "wrong")
    assert AccessAttempt.objects.get(username="bob").failures_since_start == 2
    # A success clears the account's failures.
    client, response = _attempt(MAIN, "bob", PASSWORD)
    assert _logged_in(client, response, MAIN)
    assert not AccessAttempt.objects.filter(username="bob").exists()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_username_case_and_spaces_count_as_one_account(bob):
    for name in ("bob", "BOB", " Bob "):
        _attempt(MAIN, name, "wrong")
    _client, response = _attempt(MAIN, "bob", PASSWORD)
    assert response.status_code == 429


def test_login_page_still_logs_in(bob):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
