"""Rent schedules of lease contracts: payment periods, free rent, escalation and pro-rata.

Pure functions over frozen dataclasses; the contract models and services call them, nothing here
touches the database. The conventions, chosen once and used everywhere:

Lease months (免租期, anniversaries)
    A term of n months beginning on day S (S included) ends the day before S's day-of-month n
    months later; when that month is too short to have that day, it ends on the month's last day.
    This is the period rule of 《民法典》 §201–202 (the first day is not counted, so a lease
    "from S" counts from S−1; a missing corresponding day means the month-end). Examples:
    1 month from 01-15 ends 02-14; from 01-31 ends 02-28; from 03-01 ends 03-31; 12 months
    from 2024-02-29 end 2025-02-28, so the second lease year starts 2025-03-01.

Billing periods (付款周期)
    Periods follow calendar months: the first period runs from the lease start to the end of the
    calendar month `n − 1` months after the start month (n = 1, 3, 6, 12), each later period
    covers the next n calendar months, and the last stops at the lease end. So a lease from
    01-15 paid quarterly is billed 01-15–03-31, 04-01–06-30, …; only the first and last periods
    can be partial. Calendar-month periods are what the rent roll, month-end closing and 发票
    work in, and they make "a partial month" well defined. Rent is due in advance, on the first
    day of each period (先付后用).

Pro-rata (按日折算)
    Every day of the lease accrues 1/(days in its calendar month) of the monthly rent, so a whole
    calendar month costs exactly the monthly rent whatever its length and 17 days of January
    cost 17/31 of it. Partial first and last months, the end of free rent and a mid-month
    escalation all fall out of this one rule.

Escalation (递增)
    Compounding steps on the anniversaries of the start date (every `escalation_every_years`
    lease years, by the lease-month rule above): rate_k = base × (1 + r)^k, effective from the
    anniversary day itself, including mid-period and mid-month. Escalated rates are kept exact
    (25 × 1.05² = 27.5625), never rounded; only money is rounded. Property fees do not escalate.

Free rent (免租期) and property fees (物业费)
    Free rent covers the first `free_rent_months` lease months and waives rent only: property
    fees are still charged, as park leases usually require ("免租期内物业费照常缴纳") because the
    operator serves the unit from handover. `property_fee_free_during_free_rent=True` waives
    them too for contracts that say so.

Rent discount (租金减免期)
    `discount_months` lease months right after the free rent (from the start when there is none)
    accrue rent at `1 − discount_rate` of the rate in force (0.5 = 减半), e.g. an incubation
    programme's "first year free, second year half" (RULES §13.3). Escalation applies first, the
    discount to the escalated rate; property fees are never discounted.

Money
    Accruals are exact rationals (``Fraction``): day-based pro-rata divides by 28–31, which no
    Decimal holds exactly, and an inexact sum could round a half-fen tie the wrong way. Each
    invoice line is rounded once, to the fen, ROUND_HALF_UP; totals are sums of those lines, so
    a contract total always equals the sum of its invoices. Every amount returned is a Decimal
    with two places, except the exact ``unrounded_*`` values.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "MAX_LEASE_YEARS",
    "LeaseTerms",
    "PaymentPeriod",
    "RateStep",
    "ScheduleLine",
    "billing_periods_starting",
    "contract_total",
    "generate_schedule",
    "monthly_accruals",
    "next_term_start",
    "property_fee_total",
    "rate_steps",
    "receivables_due",
    "rent_for_month",
    "term_end",
    "unrounded_total",
]

#: 《民法典》 §705: a lease term may not exceed twenty years (the excess is void).
MAX_LEASE_YEARS: Final = 20

ONE_DAY: Final = timedelta(days=1)
FEN: Final = Decimal("0.01")
ZERO_YUAN: Final = Decimal("0.00")

# Escalated rates are products of Decimals, so they are exact given room for the digits; trapping
# Inexact makes any silent rounding of a rate or a total an error instead of a wrong invoice.
_EXACT: Final = Context(
    prec=10_000, rounding=ROUND_HALF_UP, traps=[Inexact, InvalidOperation, DivisionByZero, Overflow]
)


class PaymentPeriod(StrEnum):
    """How often rent is invoiced; the values are those stored on contracts."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return _PERIOD_MONTHS[self]


_PERIOD_MONTHS: Final[dict[PaymentPeriod, int]] = {
    PaymentPeriod.MONTHLY: 1,
    PaymentPeriod.QUARTERLY: 3,
    PaymentPeriod.HALF_YEARLY: 6,
    PaymentPeriod.YEARLY: 12,
}


# --- Calendar arithmetic -------------------------------------------------------------------------


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _first_day_of_month_index(index: int) -> date:
    year, month_zero_based = divmod(index, 12)
    return date(year, month_zero_based + 1, 1)


def _days_in_month(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _last_day_of_month(day: date) -> date:
    return day.replace(day=_days_in_month(day))


def next_term_start(start: date, months: int) -> date:
    """The first day after a term of `months` lease months beginning on `start`.

    Same day-of-month `months` later, or the 1st of the following month when that month is too
    short (《民法典》 §202): (01-15, 1) → 02-15, (01-31, 1) → 03-01, (2024-02-29, 12) → 2025-03-01.
    """
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    target = _first_day_of_month_index(_month_index(start) + months)
    if start.day <= _days_in_month(target):
        return target.replace(day=start.day)
    return _first_day_of_month_index(_month_index(target) + 1)


def term_end(start: date, months: int) -> date:
    """The last day (inclusive) of a term of `months` lease months beginning on `start`."""
    return next_term_start(start, months) - ONE_DAY


# --- Terms ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaseTerms:
    """The money terms of one lease contract, validated on construction.

    Raises ``ValidationError`` keyed by field name, so a model's ``clean()`` can attach each
    message to its form field. Codes: ``end_before_start``, ``term_too_long``,
    ``area_not_positive``, ``rent_not_positive``, ``property_fee_negative``,
    ``free_rent_negative``, ``free_rent_exceeds_term``, ``escalation_rate_negative``,
    ``escalation_period_negative``, ``escalation_period_missing``, ``payment_period_invalid``,
    ``discount_rate_invalid``, ``discount_negative``, ``discount_exceeds_term``.
    `payment_period` also accepts the stored string value and is normalised to the enum.
    """

    start: date
    end: date  # inclusive: the last day the tenant holds the unit
    area_sqm: Decimal
    monthly_rent_per_sqm: Decimal  # 元/m²/月 before any escalation
    payment_period: PaymentPeriod
    free_rent_months: int = 0
    escalation_rate: Decimal = Decimal(0)  # 0.05 = +5 % per step
    escalation_every_years: int = 0  # 0 = no escalation
    property_fee_per_sqm: Decimal = Decimal(0)  # 元/m²/月
    property_fee_free_during_free_rent: bool = False
    discount_rate: Decimal = Decimal(0)  # share of rent waived during the discount months, 0.5 = 减半
    discount_months: int = 0  # lease months after the free rent

    def __post_init__(self) -> None:
        for name in ("area_sqm", "monthly_rent_per_sqm", "escalation_rate", "property_fee_per_sqm", "discount_rate"):
            value = getattr(self, name)
            if not isinstance(value, Decimal):
                raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
        errors = _term_errors(self)
        if errors:
            raise ValidationError(errors)
        object.__setattr__(self, "payment_period", PaymentPeriod(self.payment_period))

    @property
    def free_rent_end(self) -> date | None:
        """The last rent-free day, or None without free rent."""
        if self.free_rent_months == 0:
            return None
        return term_end(self.start, self.free_rent_months)

    @property
    def discount_span(self) -> tuple[date, date] | None:
        """The first and last day of the discount period, or None without one."""
        if self.discount_months == 0 or self.discount_rate == 0:
            return None
        first = next_term_start(self.start, self.free_rent_months)
        return first, term_end(self.start, self.free_rent_months + self.discount_months)

    @property
    def monthly_rent(self) -> Decimal:
        """Rent of one whole calendar month before escalation, in 元."""
        with localcontext(_EXACT):
            return self.area_sqm * self.monthly_rent_per_sqm


def _positive(value: Decimal) -> bool:
    return value.is_finite() and value > 0


def _non_negative(value: Decimal) -> bool:
    return value.is_finite() and value >= 0


def _term_errors(terms: LeaseTerms) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}

    def add(name: str, message: StrPromise, code: str, params: dict[str, int] | None = None) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code, params=params))

    dates_valid = terms.end >= terms.start
    if not dates_valid:
        add("end", _("租期结束日期不能早于开始日期"), "end_before_start")
    elif terms.end > term_end(terms.start, MAX_LEASE_YEARS * 12):
        add("end", _("租期不能超过%(years)d年（《民法典》第七百零五条）"), "term_too_long", {"years": MAX_LEASE_YEARS})
    if not _positive(terms.area_sqm):
        add("area_sqm", _("租赁面积必须大于0"), "area_not_positive")
    if not _positive(terms.monthly_rent_per_sqm):
        add("monthly_rent_per_sqm", _("租金单价必须大于0"), "rent_not_positive")
    if not _non_negative(terms.property_fee_per_sqm):
        add("property_fee_per_sqm", _("物业费单价不能为负数"), "property_fee_negative")
    if terms.free_rent_months < 0:
        add("free_rent_months", _("免租期不能为负数"), "free_rent_negative")
    elif dates_valid and (
        # The cap keeps absurd inputs away from date overflow; no lease reaches it.
        terms.free_rent_months > MAX_LEASE_YEARS * 12 or term_end(terms.start, terms.free_rent_months) > terms.end
    ):
        add("free_rent_months", _("免租期不能超过租期"), "free_rent_exceeds_term")
    _discount_errors(terms, dates_valid, add)
    if not _non_negative(terms.escalation_rate):
        add("escalation_rate", _("租金递增率不能为负数"), "escalation_rate_negative")
    if terms.escalation_every_years < 0:
        add("escalation_every_years", _("租金递增周期不能为负数"), "escalation_period_negative")
    elif terms.escalation_every_years == 0 and _positive(terms.escalation_rate):
        # A rate without a period is a half-filled form, not "no escalation": ignoring it would
        # silently under-bill.
        add("escalation_every_years", _("填写了租金递增率时，请填写递增周期（年）"), "escalation_period_missing")
    if terms.payment_period not in _PERIOD_MONTHS:
        add("payment_period", _("付款周期无效"), "payment_period_invalid")
    return errors


def _discount_errors(terms: LeaseTerms, dates_valid: bool, add: Callable[[str, StrPromise, str], None]) -> None:
    if not (_non_negative(terms.discount_rate) and terms.discount_rate <= 1):
        add("discount_rate", _("租金减免比例须在0到1之间"), "discount_rate_invalid")
    if terms.discount_months < 0:
        add("discount_months", _("租金减免期不能为负数"), "discount_negative")
    elif (
        dates_valid
        and terms.free_rent_months >= 0
        and terms.discount_months
        and (
            terms.free_rent_months + terms.discount_months > MAX_LEASE_YEARS * 12
            or term_end(terms.start, terms.free_rent_months + terms.discount_months) > terms.end
        )
    ):
        add("discount_months", _("免租期与租金减免期合计不能超过租期"), "discount_exceeds_term")


# --- Rates ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RateStep:
    """A monthly rent rate (元/m²/月) in force from `effective_from` until the next step."""

    effective_from: date
    monthly_rent_per_sqm: Decimal


def rate_steps(terms: LeaseTerms) -> tuple[RateStep, ...]:
    """The rent rates over the lease: the base rate at the start, then one step per escalation.

    Steps fall on every `escalation_every_years`-th anniversary that is inside the lease.
    """
    steps = [RateStep(terms.start, terms.monthly_rent_per_sqm)]
    if terms.escalation_every_years == 0 or terms.escalation_rate == 0:
        return tuple(steps)
    step_months = terms.escalation_every_years * 12
    factor = 1 + terms.escalation_rate
    while True:
        effective_from = next_term_start(terms.start, step_months * len(steps))
        if effective_from > terms.end:
            return tuple(steps)
        with localcontext(_EXACT):
            rate = steps[-1].monthly_rent_per_sqm * factor
        steps.append(RateStep(effective_from, rate))


def _rate_on(steps: tuple[RateStep, ...], day: date) -> Decimal:
    rate = steps[0].monthly_rent_per_sqm
    for step in steps:
        if step.effective_from > day:
            break
        rate = step.monthly_rent_per_sqm
    return rate


# --- Accrual -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Piece:
    """Consecutive days inside one calendar month sharing one rate, one free-rent and one discount state."""

    start: date
    end: date
    monthly_rent_per_sqm: Decimal
    rent_free: bool
    discounted: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def share_of_month(self) -> Fraction:
        return Fraction(self.days, _days_in_month(self.start))


def _pieces(terms: LeaseTerms, steps: tuple[RateStep, ...], first: date, last: date) -> Iterator[_Piece]:
    """Split [first, last] wherever the month, the rate, the free-rent or the discount state changes."""
    free_rent_end = terms.free_rent_end
    discount = terms.discount_span
    changes = sorted(
        {step.effective_from for step in steps[1:]}
        | ({free_rent_end + ONE_DAY} if free_rent_end else set())
        | ({discount[0], discount[1] + ONE_DAY} if discount else set())
    )
    cursor = first
    while cursor <= last:
        piece_end = min(last, _last_day_of_month(cursor))
        for change in changes:
            if cursor < change <= piece_end:
                piece_end = change - ONE_DAY
                break
        yield _Piece(
            start=cursor,
            end=piece_end,
            monthly_rent_per_sqm=_rate_on(steps, cursor),
            rent_free=free_rent_end is not None and cursor <= free_rent_end,
            discounted=discount is not None and discount[0] <= cursor <= discount[1],
        )
        cursor = piece_end + ONE_DAY


def _piece_rent(terms: LeaseTerms, piece: _Piece) -> Fraction:
    if piece.rent_free:
        return Fraction(0)
    rent = Fraction(terms.area_sqm) * Fraction(piece.monthly_rent_per_sqm) * piece.share_of_month
    if piece.discounted:
        return rent * (1 - Fraction(terms.discount_rate))
    return rent


def _piece_property_fee(terms: LeaseTerms, piece: _Piece) -> Fraction:
    if piece.rent_free and terms.property_fee_free_during_free_rent:
        return Fraction(0)
    return Fraction(terms.area_sqm) * Fraction(terms.property_fee_per_sqm) * piece.share_of_month


def _to_fen(amount: Fraction) -> Decimal:
    """Round an exact amount to the fen, half away from zero (ROUND_HALF_UP), exactly."""
    magnitude = abs(amount) * 100
    fen = (2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator)
    return Decimal(fen if amount >= 0 else -fen).scaleb(-2, _EXACT)


# --- Schedule ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """One invoice of the rent schedule: a billing period with its rent and property fee."""

    number: int  # 1-based: 第1期
    period_start: date
    period_end: date  # inclusive
    due_date: date
    rent_amount: Decimal  # 元, rounded to the fen
    property_fee_amount: Decimal  # 元, rounded to the fen
    free_rent_days: int
    monthly_rent_per_sqm: Decimal  # the rate in force on period_start
    rate_steps: tuple[RateStep, ...]  # every rate in force during the period, the first on period_start
    description: str
    unrounded_rent: Fraction = field(repr=False)
    unrounded_property_fee: Fraction = field(repr=False)

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    @property
    def total_amount(self) -> Decimal:
        return self.rent_amount + self.property_fee_amount


def _billing_period(start: date, end: date, months: int, number: int) -> tuple[date, date] | None:
    """The `number`-th (0-based) billing period of a lease from `start` to `end`, or None past the end."""
    first_month = _month_index(start)
    period_start = max(start, _first_day_of_month_index(first_month + number * months))
    if period_start > end:
        return None
    next_period_start = _first_day_of_month_index(first_month + (number + 1) * months)
    return period_start, min(end, next_period_start - ONE_DAY)


def _billing_periods(terms: LeaseTerms) -> Iterator[tuple[date, date]]:
    months = terms.payment_period.months
    for number in itertools.count():
        period = _billing_period(terms.start, terms.end, months, number)
        if period is None:
            return
        yield period


def billing_periods_starting(
    *, start: date, end: date, payment_period: PaymentPeriod | str, after: date, through: date
) -> list[tuple[date, date]]:
    """The billing periods (first and last day) of a lease that begin in (`after`, `through`].

    The same periods as :func:`generate_schedule`, found by calendar arithmetic alone (no rent is
    computed), so a bill run can ask thousands of leases which periods fall due in a month.
    `start`/`end` are the lease's first and (effective) last day.
    """
    months = PaymentPeriod(payment_period).months
    first_month = _month_index(start)
    # The first period that could begin after `after`: periods begin on month indices first + k·n.
    number = max(0, (_month_index(after) - first_month) // months)
    periods: list[tuple[date, date]] = []
    while True:
        period = _billing_period(start, end, months, number)
        if period is None or period[0] > through:
            return periods
        if period[0] > after:
            periods.append(period)
        number += 1


def _plain(value: Decimal) -> str:
    """26.2500 → "26.25", 30 → "30": rates as a person writes them."""
    return format(value.normalize(_EXACT), "f")


def _free_rent_note(first: date, last: date) -> str:
    """The free span [first, last] as "免租1个月", "免租17天" or "免租1个月14天"."""
    months = 0
    while term_end(first, months + 1) <= last:
        months += 1
    days = (last - next_term_start(first, months)).days + 1
    if months and days:
        return gettext("免租%(months)d个月%(days)d天") % {"months": months, "days": days}
    if months:
        return gettext("免租%(months)d个月") % {"months": months}
    return gettext("免租%(days)d天") % {"days": days}


def _describe(
    number: int,
    start: date,
    end: date,
    free_span: tuple[date, date] | None,
    steps: list[RateStep],
    discount: tuple[Decimal, int] | None = None,
) -> str:
    text = gettext("第%(number)d期 %(start)s至%(end)s") % {
        "number": number,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    notes = []
    if free_span:
        notes.append(_free_rent_note(*free_span))
    if discount:
        rate, days = discount
        notes.append(
            gettext("租金减免%(pct)s%%共%(days)d天") % {"pct": _plain(rate * 100), "days": days},
        )
    notes.extend(
        gettext("%(date)s起租金单价%(rate)s元/m²/月")
        % {"date": step.effective_from.isoformat(), "rate": _plain(step.monthly_rent_per_sqm)}
        for step in steps
        if step.effective_from > start
    )
    if not notes:
        return text
    return gettext("%(text)s（%(notes)s）") % {"text": text, "notes": gettext("；").join(notes)}


def generate_schedule(terms: LeaseTerms) -> list[ScheduleLine]:
    """The lease's invoices, one per billing period, contiguous from `start` to `end`.

    Example line description: "第1期 2026-01-01至2026-03-31（免租3个月）"; a period in which the
    rent steps up adds "2028-01-15起租金单价26.25元/m²/月".
    """
    steps = rate_steps(terms)
    free_rent_end = terms.free_rent_end
    lines = []
    for number, (period_start, period_end) in enumerate(_billing_periods(terms), start=1):
        pieces = list(_pieces(terms, steps, period_start, period_end))
        rent = sum((_piece_rent(terms, piece) for piece in pieces), Fraction(0))
        fee = sum((_piece_property_fee(terms, piece) for piece in pieces), Fraction(0))
        free_span = None
        if free_rent_end is not None and period_start <= free_rent_end:
            free_span = (period_start, min(period_end, free_rent_end))
        discount_days = sum(piece.days for piece in pieces if piece.discounted)
        period_steps = [
            RateStep(max(step.effective_from, period_start), step.monthly_rent_per_sqm)
            for index, step in enumerate(steps)
            if step.effective_from <= period_end
            and (index + 1 == len(steps) or steps[index + 1].effective_from > period_start)
        ]
        lines.append(
            ScheduleLine(
                number=number,
                period_start=period_start,
                period_end=period_end,
                due_date=period_start,
                rent_amount=_to_fen(rent),
                property_fee_amount=_to_fen(fee),
                free_rent_days=sum(piece.days for piece in pieces if piece.rent_free),
                monthly_rent_per_sqm=period_steps[0].monthly_rent_per_sqm,
                rate_steps=tuple(period_steps),
                description=_describe(
                    number,
                    period_start,
                    period_end,
                    free_span,
                    period_steps,
                    (terms.discount_rate, discount_days) if discount_days else None,
                ),
                unrounded_rent=rent,
                unrounded_property_fee=fee,
            )
        )
    return lines


def contract_total(terms: LeaseTerms) -> Decimal:
    """Total rent of the contract (合同租金总额): the sum of the schedule's rounded rent lines."""
    with localcontext(_EXACT):
        return sum((line.rent_amount for line in generate_schedule(terms)), ZERO_YUAN)


def property_fee_total(terms: LeaseTerms) -> Decimal:
    """Total property fees of the contract: the sum of the schedule's rounded fee lines."""
    with localcontext(_EXACT):
        return sum((line.property_fee_amount for line in generate_schedule(terms)), ZERO_YUAN)


def unrounded_total(terms: LeaseTerms) -> Fraction:
    """The exact rent of the whole lease, accrued day by day, before any rounding.

    A Fraction because it is exact (a Decimal would already be rounded); compare it with
    Decimals directly, or convert with ``Fraction(decimal)``. It differs from
    :func:`contract_total` by at most half a fen per schedule line.
    """
    steps = rate_steps(terms)
    return sum((_piece_rent(terms, piece) for piece in _pieces(terms, steps, terms.start, terms.end)), Fraction(0))


def rent_for_month(terms: LeaseTerms, year: int, month: int) -> Decimal:
    """Rent accrued in one calendar month (the rent roll), rounded to the fen; 0.00 outside the lease.

    Accrual, not billing: free-rent days accrue nothing and a month is charged by its days inside
    the lease, whatever the payment period.
    """
    month_start = date(year, month, 1)
    first = max(terms.start, month_start)
    last = min(terms.end, _last_day_of_month(month_start))
    steps = rate_steps(terms)
    return _to_fen(sum((_piece_rent(terms, piece) for piece in _pieces(terms, steps, first, last)), Fraction(0)))


def receivables_due(terms: LeaseTerms, as_of: date) -> list[ScheduleLine]:
    """Schedule lines due on or before `as_of` (whether paid is the ledger's business, not ours).

    Lines with nothing to pay (free rent without property fee) are included: they are still
    periods of the schedule, and the caller decides whether a zero invoice is issued.
    """
    return [line for line in generate_schedule(terms) if line.due_date <= as_of]


def monthly_accruals(terms: LeaseTerms) -> list[tuple[date, Decimal, Decimal]]:
    """Every calendar month of the lease as (first day of month, rent, property fee), in one pass.

    Each value equals ``rent_for_month`` for that month (and the property fee accrued by the same
    day rule), rounded to the fen once per month: the rows the rent roll stores and sums. A month
    wholly inside one rate and outside free rent is the exact product area × rate, computed in
    Decimal without fractions; partial months fall back to the exact day rule.
    """
    steps = rate_steps(terms)
    by_month: dict[date, list[_Piece]] = {}
    for piece in _pieces(terms, steps, terms.start, terms.end):
        by_month.setdefault(piece.start.replace(day=1), []).append(piece)
    rows = []
    for month, pieces in by_month.items():
        if len(pieces) == 1 and pieces[0].days == _days_in_month(month) and not pieces[0].discounted:
            piece = pieces[0]
            with localcontext(_EXACT):
                rent = ZERO_YUAN if piece.rent_free else (terms.area_sqm * piece.monthly_rent_per_sqm)
                fee_free = piece.rent_free and terms.property_fee_free_during_free_rent
                fee = ZERO_YUAN if fee_free else terms.area_sqm * terms.property_fee_per_sqm
            rows.append((month, rent.quantize(FEN, ROUND_HALF_UP), fee.quantize(FEN, ROUND_HALF_UP)))
            continue
        rent_exact = sum((_piece_rent(terms, piece) for piece in pieces), Fraction(0))
        fee_exact = sum((_piece_property_fee(terms, piece) for piece in pieces), Fraction(0))
        rows.append((month, _to_fen(rent_exact), _to_fen(fee_exact)))
    return rows
