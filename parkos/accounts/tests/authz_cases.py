"""Authorization cases of accounts: login, logout, password, park switch, who-am-I and tokens (structure:
tests/authz/framework.py)."""

from __future__ import annotations

from django.urls import reverse

from tests.authz.framework import Target, World, every, expect, operation, page

LOGGED_IN = expect(every(200), anonymous=302)


def _page(name, *args, data=None, watch=()):
    def build(w: World) -> Target:
        return Target(reverse(name, args=list(args)), data=data, watch=tuple(o(w) for o in watch))

    return build


CASES = [
    # A logged-in person is sent on to the dashboard; the anonymous visitor gets the form.
    page("accounts:login", "GET", target=_page("accounts:login"), expect=expect(every(302), anonymous=200)),
    page("accounts:login", "POST", target=_page("accounts:login"), expect=expect(every(302), anonymous=200)),
    # Django's form views answer PUT as POST.
    page("accounts:login", "PUT", target=_page("accounts:login"), expect=expect(every(302), anonymous=200)),
    page("accounts:logout", "POST", target=_page("accounts:logout"), expect=every(302)),
    page("accounts:password_change", "GET", target=_page("accounts:password_change"), expect=LOGGED_IN),
    page(
        "accounts:password_change",
        "POST",
        target=_page("accounts:password_change", watch=[lambda w: w.users["bob"]]),
        expect=LOGGED_IN,
    ),
    page(
        "accounts:password_change",
        "PUT",
        target=_page("accounts:password_change", watch=[lambda w: w.users["bob"]]),
        expect=LOGGED_IN,
    ),
    page("accounts:password_change_done", "GET", target=_page("accounts:password_change_done"), expect=LOGGED_IN),
    page(
        "accounts:switch_park",
        "POST",
        target=lambda w: Target(reverse("accounts:switch_park"), data={"park": w.park_a.pk}),
        expect=every(302),
    ),
    operation(
        "GET",
        "/api/accounts/me/",
        target=lambda w: Target("/api/accounts/me/"),
        expect=expect(every(200), anonymous=403),
    ),
    operation(
        "POST",
        "/api/accounts/token/",
        target=lambda w: Target("/api/accounts/token/", {"username": "bob", "password": "wrong"}, json=True),
        expect=every(400),
    ),
    operation(
        "POST",
        "/api/accounts/logout/",
        target=lambda w: Target("/api/accounts/logout/", {}, json=True),
        expect=expect(every(204), anonymous=403),
    ),
]
