"""Login throttling on every login path — the login page, the Django admin and the API token — by django-axes.

Axes' database handler keeps the failures in the database, so every web process sees the same
counts. Two counters, never one per address alone:

1. per client and account (address + username): `LOGIN_FAILURE_LIMIT` failures lock that account
   from that client for `LOGIN_FAILURE_WINDOW_SECONDS`;
2. per account, from anywhere: `LOGIN_ACCOUNT_FAILURE_LIMIT` failures (a guess spread over many
   addresses) lock the account everywhere for the same window.

A lock therefore never falls on an account that did not fail: a sweep of many usernames from one
address — an office NAT, a carrier-grade NAT, a proxy — cannot lock out the people behind it. The
client address is the peer's, or the one a trusted proxy forwarded (`parkos.core.client_ip`).
A success clears the failures of that client for the account.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def failure_limit(request: HttpRequest | None = None, credentials: Mapping[str, object] | None = None) -> int:
    """Failures per client and account (axes compares every counter to this one number, see the handler)."""
    return int(settings.LOGIN_FAILURE_LIMIT)


def account_failure_limit() -> int:
    return int(getattr(settings, "LOGIN_ACCOUNT_FAILURE_LIMIT", 0) or 4 * failure_limit())


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    return datetime.timedelta(seconds=int(settings.LOGIN_FAILURE_WINDOW_SECONDS))


def normalised_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """One account whatever its spelling: "Bob ", "BOB" and "bob" share their failures."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username") if request.method == "POST" else None
    if raw is None:
        return None
    return str(raw).strip().casefold()[:150] or None


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit for the per-account counter.

    `settings.AXES_LOCKOUT_PARAMETERS` lists the client-and-account pair first, the account second.
    Axes compares the largest count to one limit; the account's count is scaled so that it reaches
    that limit exactly at `LOGIN_ACCOUNT_FAILURE_LIMIT`.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        pair, account = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(pair, account * failure_limit() // account_failure_limit())

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """A success clears this client's failures for the account, not the account's count from elsewhere:
        otherwise every login of the real user would hand a distributed guess a fresh allowance."""
        pair, _account = self.filter_user_attempts(request, credentials)
        deleted, _by_model = pair.delete()
        return int(deleted)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Mapping[str, object] | None = None
) -> HttpResponse:
    """What a locked-out login answers: JSON for the API, a page for people; 429 either way."""
    minutes = max(1, int(settings.LOGIN_FAILURE_WINDOW_SECONDS) // 60)
    message = _("登录失败次数过多，请 %(minutes)d 分钟后再试。") % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)
