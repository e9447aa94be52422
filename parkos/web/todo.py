"""我的待办: what each person has to do today, from every app that has tasks (next steps of leads,
renewal tasks of leases), on the Chinese working-day calendar.

Apps register a provider from their AppConfig.ready(); the shell's page and dashboard widget list
what is due by the end of the current working day (on a weekend or a holiday: by the next working
day), overdue first, with how many working days each is late.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from parkos.accounts.models import User
from parkos.core.workdays import is_working_day, next_working_day, working_days_between


@dataclass(frozen=True)
class TodoItem:
    title: str
    due_on: datetime.date
    url: str
    kind: str  # shown beside the title ("跟进", "续签")
    detail: str = ""


Provider = Callable[[User, datetime.date], list[TodoItem]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Register a provider(user, until) → the person's open items due on or before `until`."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def horizon(today: datetime.date) -> datetime.date:
    """The last due date shown today: today on a working day, else the next working day."""
    return today if is_working_day(today) else next_working_day(today)


def overdue_working_days(item: TodoItem, today: datetime.date) -> int:
    """Working days an item is late (0 when due today or later)."""
    if item.due_on >= today:
        return 0
    return working_days_between(item.due_on, today)


def todo_for(user: User, *, today: datetime.date | None = None) -> list[TodoItem]:
    today = today or timezone.localdate()
    until = horizon(today)
    items: list[TodoItem] = []
    for provider in _PROVIDERS:
        items.extend(provider(user, until))
    return sorted(items, key=lambda item: (item.due_on, item.kind, item.title))
