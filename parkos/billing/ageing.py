"""Arrears ageing buckets (账龄): pure, typed.

Age is counted in calendar days past the due date (RULES §14.7): due today is 0 days overdue.
Buckets: not yet due, 0–30, 31–90, 91–180, more than 180 days. The SQL path in
`selectors.ageing` turns the same boundaries into due-date ranges (no date arithmetic in SQL).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str
    label: StrOrPromise
    min_days: int | None  # None: not yet due
    max_days: int | None  # None: no upper bound


BUCKETS: tuple[Bucket, ...] = (
    Bucket("not_due", _("未到期"), None, -1),
    Bucket("d0_30", _("0–30天"), 0, 30),
    Bucket("d31_90", _("31–90天"), 31, 90),
    Bucket("d91_180", _("91–180天"), 91, 180),
    Bucket("d181", _("180天以上"), 181, None),
)
OVERDUE_KEYS = ("d0_30", "d31_90", "d91_180", "d181")


def bucket_of(due_on: datetime.date, as_of: datetime.date) -> str:
    days = (as_of - due_on).days
    for bucket in BUCKETS:
        low = bucket.min_days if bucket.min_days is not None else -(10**9)
        high = bucket.max_days if bucket.max_days is not None else 10**9
        if low <= days <= high:
            return bucket.key
    raise AssertionError(days)


def due_ranges(as_of: datetime.date) -> dict[str, tuple[datetime.date | None, datetime.date | None]]:
    """Each bucket as an inclusive range of due dates (None: unbounded) for the SQL path."""
    ranges: dict[str, tuple[datetime.date | None, datetime.date | None]] = {}
    for bucket in BUCKETS:
        earliest = None if bucket.max_days is None else as_of - datetime.timedelta(days=bucket.max_days)
        latest = None if bucket.min_days is None else as_of - datetime.timedelta(days=bucket.min_days)
        ranges[bucket.key] = (earliest, latest)
    return ranges
