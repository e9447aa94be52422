"""Late fees: day conventions, holidays, grace, partial payments, caps — vectors computed by hand."""

import datetime
from decimal import Decimal as D

import pytest

from parkos.billing.latefees import LateFeeTerms, Settlement, accrual_start, effective_due, late_fee

RATE = LateFeeTerms(daily_rate=D("0.0005"))  # 0.05 % a day, calendar days, shifted past holidays
d = datetime.date


def test_due_on_national_day_moves_to_the_first_working_day():
    # 2025-10-01 to 10-08 are 国庆/中秋 holidays; 10-09 is the first working day.
    assert effective_due(d(2025, 10, 1), RATE) == d(2025, 10, 9)
    assert accrual_start(d(2025, 10, 1), RATE) == d(2025, 10, 10)


def test_late_fee_over_a_holiday():
    """10,000 due 2025-10-01 (holiday), unpaid on 10-20: late from 10-10, 11 days × 5 = 55.00."""
    assert late_fee(amount=D(10000), due_on=d(2025, 10, 1), as_of=d(2025, 10, 20), terms=RATE) == D("55.0000")


def test_without_the_holiday_shift_the_days_count_from_the_due_date():
    terms = LateFeeTerms(daily_rate=D("0.0005"), shift_to_working_day=False)
    assert late_fee(amount=D(10000), due_on=d(2025, 10, 1), as_of=d(2025, 10, 20), terms=terms) == D("95.0000")


def test_paid_on_the_due_date_or_within_grace_pays_nothing():
    terms = LateFeeTerms(daily_rate=D("0.0005"), grace_days=5)
    paid = [Settlement(d(2026, 3, 6), D(10000))]
    assert late_fee(amount=D(10000), due_on=d(2026, 3, 1), as_of=d(2026, 3, 31), terms=terms, settlements=paid) == 0
    # Due Sunday 03-01 → Monday 03-02; grace 03-03..03-07; fee from 03-08 to 03-31: 24 days.
    assert late_fee(amount=D(10000), due_on=d(2026, 3, 1), as_of=d(2026, 3, 31), terms=terms) == D("120.0000")


def test_a_partial_payment_stops_the_fee_on_what_it_paid_from_its_day():
    """20,000 due 2026-06-01 (Mon); 12,000 paid 06-11; as of 06-30.

    Late from 06-02: 06-02..06-10 (9 days) on 20,000 = 90; 06-11..06-30 (20 days) on 8,000 = 80.
    """
    paid = [Settlement(d(2026, 6, 11), D(12000))]
    fee = late_fee(amount=D(20000), due_on=d(2026, 6, 1), as_of=d(2026, 6, 30), terms=RATE, settlements=paid)
    assert fee == D("170.0000")


def test_fully_paid_late_accrues_only_until_payment():
    paid = [Settlement(d(2026, 6, 11), D(20000))]
    fee = late_fee(amount=D(20000), due_on=d(2026, 6, 1), as_of=d(2026, 12, 31), terms=RATE, settlements=paid)
    assert fee == D("90.0000")


def test_cap_limits_the_total_to_a_share_of_the_charge():
    terms = LateFeeTerms(daily_rate=D("0.0005"), cap_rate=D("0.02"))  # at most 2 % = 200
    assert late_fee(amount=D(10000), due_on=d(2026, 1, 5), as_of=d(2026, 12, 31), terms=terms) == D("200.00")


def test_working_day_basis_counts_working_days_only():
    """Due Fri 2026-05-08; as of Fri 05-22: Sat 05-09 (调休上班), 05-11..05-15 and 05-18..05-22 = 11."""
    terms = LateFeeTerms(daily_rate=D("0.001"), day_basis="working")
    assert late_fee(amount=D(5000), due_on=d(2026, 5, 8), as_of=d(2026, 5, 22), terms=terms) == D("55.000")
    calendar = LateFeeTerms(daily_rate=D("0.001"))
    assert late_fee(amount=D(5000), due_on=d(2026, 5, 8), as_of=d(2026, 5, 22), terms=calendar) == D("70.000")


def test_nothing_before_the_due_date_and_nothing_on_nothing():
    assert late_fee(amount=D(10000), due_on=d(2026, 5, 8), as_of=d(2026, 5, 8), terms=RATE) == 0
    assert late_fee(amount=D(0), due_on=d(2026, 1, 1), as_of=d(2026, 5, 8), terms=RATE) == 0


def test_negative_terms_are_refused():
    with pytest.raises(ValueError, match="negative"):
        LateFeeTerms(daily_rate=D("-0.0005"))
