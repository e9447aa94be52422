"""Reminder escalation (催缴): which level is due for a tenant's arrears, and the letter's text.

Pure and typed. Overdue time is counted in working days (RULES §14.6; `parkos.core.workdays`):
a reminder never goes out on a weekend or public holiday, and a charge that fell due just before
the Spring Festival is not "ten days late" after a week of holiday.
"""

from __future__ import annotations

import datetime
import string
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from parkos.core.workdays import working_days_between

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Level:
    level: int
    working_days_overdue: int


def working_days_overdue(oldest_due: datetime.date, today: datetime.date) -> int:
    """Working days after the due date, up to and including today (due today: 0)."""
    return working_days_between(oldest_due + ONE_DAY, today + ONE_DAY)


def level_due(levels: Sequence[Level], days_overdue: int, sent: Collection[int]) -> int | None:
    """The level to send now: the highest one reached, unless it or a higher one was already sent.

    A tenant who was never reminded and is already 30 working days late gets the level for 30 days
    at once, not the gentle first letter; levels never go down within one episode of arrears.
    """
    reached = [lv.level for lv in levels if lv.working_days_overdue <= days_overdue]
    if not reached:
        return None
    highest = max(reached)
    if any(level >= highest for level in sent):
        return None
    return highest


class _Lenient(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill {placeholders}; an unknown one is left as written rather than failing the reminder."""
    formatter = string.Formatter()
    try:
        return formatter.vformat(template, (), _Lenient(values))
    except (ValueError, IndexError):
        return template
