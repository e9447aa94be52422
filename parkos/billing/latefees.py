"""Late fees (滞纳金/逾期违约金) on an overdue charge: pure, typed, no database.

Conventions (RULES §14.3; each is a contract term or a stated default):
1. The effective due date is the line's due date, moved to the next working day when it falls on a
   weekend or public holiday (the period rule of 《民法典》 §203 applied to payment dates) unless
   the contract says otherwise (`shift_to_working_day=False`).
2. A grace period of `grace_days` follows the effective due date (counted in the contract's day
   basis); no fee accrues during it, and a charge paid within it pays no fee.
3. From the first day after the grace period up to and including `as_of`, every counted day accrues
   `daily_rate` × the amount still unpaid at the start of that day. A payment made on a day stops the
   accrual on that amount from that day (a charge due 10-09 and paid 10-20 is 11 days late).
   Days are counted as the contract says: calendar days (自然日, the default) or working days only.
4. The total accrued on a charge never exceeds `cap_rate` × the charge (when the contract caps it).
5. The total is exact; it is rounded to the fen once, when billed (money.to_fen, line level).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from parkos.billing.choices import DayBasis
from parkos.billing.money import EXACT
from parkos.core.workdays import is_working_day

ONE_DAY = datetime.timedelta(days=1)
WorkingDay = Callable[[datetime.date], bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class LateFeeTerms:
    daily_rate: Decimal  # 0.0005 = 0.05 % a day
    cap_rate: Decimal | None = None  # 0.2 = at most 20 % of the charge; None: no cap
    grace_days: int = 0
    day_basis: str = DayBasis.CALENDAR
    shift_to_working_day: bool = True

    def __post_init__(self) -> None:
        if self.daily_rate < 0 or (self.cap_rate is not None and self.cap_rate < 0) or self.grace_days < 0:
            raise ValueError("late-fee terms must not be negative")


@dataclass(frozen=True, slots=True)
class Settlement:
    """Part of the charge settled on a day (a payment, a credit, a write-off)."""

    on: datetime.date
    amount: Decimal


def effective_due(due_on: datetime.date, terms: LateFeeTerms, working: WorkingDay = is_working_day) -> datetime.date:
    """The due date, moved past weekends and holidays when the contract shifts it."""
    day = due_on
    while terms.shift_to_working_day and not working(day):
        day += ONE_DAY
    return day


def _counted_days(first: datetime.date, last: datetime.date, terms: LateFeeTerms, working: WorkingDay) -> int:
    """Days in [first, last] that count under the contract's day basis."""
    if last < first:
        return 0
    if terms.day_basis != DayBasis.WORKING:
        return (last - first).days + 1
    return sum(1 for offset in range((last - first).days + 1) if working(first + datetime.timedelta(days=offset)))


def accrual_start(due_on: datetime.date, terms: LateFeeTerms, working: WorkingDay = is_working_day) -> datetime.date:
    """The first day on which a fee can accrue: after the effective due date and the grace period."""
    day = effective_due(due_on, terms, working)
    grace = terms.grace_days
    while grace:
        day += ONE_DAY
        if terms.day_basis != DayBasis.WORKING or working(day):
            grace -= 1
    return day + ONE_DAY


def late_fee(
    *,
    amount: Decimal,
    due_on: datetime.date,
    as_of: datetime.date,
    terms: LateFeeTerms,
    settlements: Sequence[Settlement] = (),
    working: WorkingDay = is_working_day,
) -> Decimal:
    """The exact late fee accrued on a charge of `amount` due on `due_on`, up to and including `as_of`.

    Steps: 1. find the first accruing day (due date shifted, grace skipped); 2. cut the days up to
    `as_of` into spans of constant unpaid amount at each settlement date; 3. add rate × unpaid ×
    counted days of each span; 4. cap the total. `settlements` may come in any order.
    """
    start = accrual_start(due_on, terms, working)
    if as_of < start or amount <= 0:
        return Decimal(0)
    unpaid = amount
    total = Decimal(0)
    span_start = start
    with localcontext(EXACT):
        for settlement in sorted(settlements, key=lambda s: s.on):
            if settlement.on > as_of:
                break
            if settlement.on > span_start:
                if unpaid > 0:
                    total += (
                        unpaid * terms.daily_rate * _counted_days(span_start, settlement.on - ONE_DAY, terms, working)
                    )
                span_start = settlement.on
            unpaid -= settlement.amount
        if unpaid > 0:
            total += unpaid * terms.daily_rate * _counted_days(span_start, as_of, terms, working)
        if terms.cap_rate is not None:
            total = min(total, amount * terms.cap_rate)
    return total
