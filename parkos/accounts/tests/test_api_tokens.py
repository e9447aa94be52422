"""API tokens expire, and are revoked on logout and on a password change.

Ref: #13 (hole 11): tokens never expired and survived logout.
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from parkos.accounts.models import ApiToken
from parkos.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _token(username="bob", password=PASSWORD):
    response = Client().post(
        "/api/accounts/token/", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["expiry"]
    return body["token"]


def _me(token):
    return Client().get("/api/accounts/me/", headers={"authorization": f"Token {token}"})


def _refused(response):
    # 403, not 401: session authentication comes first, and DRF answers as it would for a browser.
    return response.status_code == 403 and response.json()["detail"]


def test_token_works_then_expires(bob, settings):
    token = _token()
    assert _me(token).status_code == 200
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + ttl + datetime.timedelta(minutes=1)):
        response = _me(token)
    assert _refused(response)
    assert "detail" in response.json()


def test_tokens_are_not_stored_in_clear(bob):
    token = _token()
    assert not ApiToken.objects.filter(digest=token).exists()
    assert ApiToken.objects.filter(user=bob).count() == 1


def test_logging_out_of_the_site_revokes_tokens(bob):
    token = _token()
    client = Client()
    client.force_login(bob)
    client.post(reverse("accounts:logout"))
    assert _refused(_me(token))


def test_api_logout_revokes_the_token(bob):
    token = _token()
    other = _token()
    response = Client().post("/api/accounts/logout/", headers={"authorization": f"Token {token}"})
    assert response.status_code == 204
    assert _refused(_me(token))
    assert _me(other).status_code == 200


def test_password_change_revokes_tokens(bob):
    token = _token()
    client = Client()
    client.force_login(bob)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Blue-Ginkgo-2026", "new_password2": "Blue-Ginkgo-2026"},
    )
    assert response.status_code == 302
    assert _refused(_me(token))


def test_password_set_anywhere_revokes_tokens(bob):
    # The admin's change-password form, `manage.py changepassword`: any path that sets the password.
    token = _token()
    bob.set_password("Another-Ginkgo-2027")
    bob.save()
    assert _refused(_me(token))
