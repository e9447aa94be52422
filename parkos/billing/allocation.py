"""Which open charges a sum of money settles: pure, typed, no database.

Order (RULES §14.4): the bill the payer named first (when told), then the oldest due date, then the
oldest bill and line — so the longest-overdue charges, which accrue late fees first, are cleared
first (《民法典》 §560: absent an agreement, the debt already due and the least secured goes first).
Each line takes at most what is still open on it; what is left of the money stays as the tenant's
credit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class OpenLine:
    line_id: int
    bill_id: int
    due_on: datetime.date
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class Share:
    line_id: int
    amount: Decimal


def order_lines(lines: Iterable[OpenLine], *, first_bill_ids: Sequence[int] = ()) -> list[OpenLine]:
    """Open lines in the order money settles them: named bills first, then oldest first."""
    preferred = {bill_id: rank for rank, bill_id in enumerate(first_bill_ids)}
    return sorted(
        (line for line in lines if line.outstanding > 0),
        key=lambda line: (preferred.get(line.bill_id, len(preferred)), line.due_on, line.bill_id, line.line_id),
    )


def plan(available: Decimal, lines: Iterable[OpenLine], *, first_bill_ids: Sequence[int] = ()) -> list[Share]:
    """How `available` settles the lines: each takes min(what is left, what is open on it)."""
    if available < 0:
        raise ValueError("cannot allocate a negative amount")
    shares = []
    left = available
    for line in order_lines(lines, first_bill_ids=first_bill_ids):
        if left <= 0:
            break
        take = min(left, line.outstanding)
        shares.append(Share(line.line_id, take))
        left -= take
    return shares
