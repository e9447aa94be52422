"""Failed-login throttling, counted in the database so every web process sees the same counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from parkos.accounts.models import LoginFailure


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_locked_out(username: str, remote_addr: str | None) -> bool:
    """Too many recent failures for this username, or from this address (a username sweep)."""
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    by_user = recent.filter(username__iexact=username).count() if username else 0
    by_addr = recent.filter(remote_addr=remote_addr).count() if remote_addr else 0
    limit = settings.LOGIN_FAILURE_LIMIT
    # An address gets more room than one account: a shared office NAT has many users.
    return by_user >= limit or by_addr >= limit * 4


def record_failure(username: str, remote_addr: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], remote_addr=remote_addr)


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(Q(username__iexact=username) | Q(at__lt=_window_start())).delete()
