"""Notifications in ParkOS and by e-mail, through Django's mail framework.

`notify` writes the in-app row inside the caller's transaction and sends the e-mail only once that
transaction commits (`transaction.on_commit`), so a rolled-back escalation never mails anyone and a
mail server that is down never rolls back the change. The demo uses the console backend
(EMAIL_BACKEND); a failed send is logged, and the in-app notification stays.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.incubation.models import Notification

if TYPE_CHECKING:
    from parkos.accounts.models import User

logger = logging.getLogger(__name__)


def _send(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except Exception:  # the in-app notification is the record; e-mail is best effort
        logger.exception("notification e-mail to %s failed", address.split("@")[-1])


def notify(*, users: Iterable[User], kind: str, text: str, url: str = "", email: bool = True) -> list[Notification]:
    """One notification per (distinct, active) user; e-mailed after commit to those with an address."""
    created = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        address = user.email if email else ""
        created.append(
            Notification.objects.create(user=user, kind=kind, text=text[:300], url=url[:300], emailed_to=address)
        )
        if address:
            subject = _("【ParkOS】%(text)s") % {"text": text[:60]}
            link = f"{settings.PARKOS_BASE_URL.rstrip('/')}{url}" if url.startswith("/") else url
            body = f"{text}\n\n{link}\n" if link else f"{text}\n"
            transaction.on_commit(functools.partial(_send, address, subject, body))
    return created


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one of the person's notifications read, or all of them."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    return unread.update(read_at=timezone.now())
