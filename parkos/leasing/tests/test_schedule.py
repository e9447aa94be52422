"""Rent schedules: hand-checked contracts to the fen, the calendar rules, validation, properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parkos.leasing.schedule import (
    LeaseTerms,
    PaymentPeriod,
    RateStep,
    billing_periods_starting,
    contract_total,
    generate_schedule,
    next_term_start,
    property_fee_total,
    rate_steps,
    receivables_due,
    rent_for_month,
    term_end,
    unrounded_total,
)


def five_year_lease(**overrides):
    """The example of the issue: 1,000 m² at 25 元/m²/月, 2026–2030, quarterly, 3 months free, +5 % every 2 years."""
    terms = {
        "start": date(2026, 1, 1),
        "end": date(2030, 12, 31),
        "area_sqm": D(1000),
        "monthly_rent_per_sqm": D(25),
        "payment_period": PaymentPeriod.QUARTERLY,
        "free_rent_months": 3,
        "escalation_rate": D("0.05"),
        "escalation_every_years": 2,
    }
    return LeaseTerms(**(terms | overrides))


def rents(lines):
    return [line.rent_amount for line in lines]


# --- Hand-checked contracts ----------------------------------------------------------------------


def test_five_year_quarterly_lease_with_free_rent_and_escalation():
    """1,000 m² × 25 元/m²/月 = 25,000 元/月, so a quarter of whole months is 75,000.00.

    Free rent: the first 3 lease months, 2026-01-01..2026-03-31 → 第1期 0.00.
    Anniversaries every 2 years, compounding:
      2028-01-01: 25 × 1.05 = 26.25 元/m²/月 → 26,250/月 → 78,750.00 a quarter
      2030-01-01: 26.25 × 1.05 = 27.5625 元/m²/月 → 27,562.50/月 → 82,687.50 a quarter
    Total = 7 × 75,000 + 8 × 78,750 + 4 × 82,687.50 = 525,000 + 630,000 + 330,750 = 1,485,750.00.
    """
    lines = generate_schedule(five_year_lease())

    assert five_year_lease().monthly_rent == D(25_000)
    assert len(lines) == 20
    assert rents(lines) == [D("0.00")] + [D("75000.00")] * 7 + [D("78750.00")] * 8 + [D("82687.50")] * 4
    assert [line.monthly_rent_per_sqm for line in lines[7:10]] == [D(25), D("26.25"), D("26.25")]
    assert lines[16].monthly_rent_per_sqm == D("27.5625")
    assert lines[0].description == "第1期 2026-01-01至2026-03-31（免租3个月）"
    assert lines[0].free_rent_days == 90
    assert lines[1].description == "第2期 2026-04-01至2026-06-30"
    assert lines[1].due_date == date(2026, 4, 1)
    assert contract_total(five_year_lease()) == D("1485750.00")
    assert unrounded_total(five_year_lease()) == Fraction(1_485_750)


def test_escalation_compounds_on_each_anniversary():
    assert rate_steps(five_year_lease()) == (
        RateStep(date(2026, 1, 1), D(25)),
        RateStep(date(2028, 1, 1), D("26.25")),
        RateStep(date(2030, 1, 1), D("27.5625")),
    )


def test_mid_month_start_prorates_first_and_last_months():
    """1,000 m² × 25 = 25,000 元/月, 2026-01-15..2027-01-14, monthly.

    January 2026: 17 of 31 days → 25,000 × 17/31 = 13,709.677… → 13,709.68
    February..December 2026: 11 × 25,000.00
    January 2027: 14 of 31 days → 25,000 × 14/31 = 11,290.322… → 11,290.32
    Total 13,709.68 + 275,000.00 + 11,290.32 = 300,000.00 (17 + 14 days make one whole January).
    """
    terms = five_year_lease(
        start=date(2026, 1, 15),
        end=date(2027, 1, 14),
        payment_period=PaymentPeriod.MONTHLY,
        free_rent_months=0,
        escalation_rate=D(0),
        escalation_every_years=0,
    )
    lines = generate_schedule(terms)

    assert len(lines) == 13
    assert (lines[0].period_start, lines[0].period_end) == (date(2026, 1, 15), date(2026, 1, 31))
    assert (lines[-1].period_start, lines[-1].period_end) == (date(2027, 1, 1), date(2027, 1, 14))
    assert rents(lines) == [D("13709.68")] + [D("25000.00")] * 11 + [D("11290.32")]
    assert lines[0].unrounded_rent == Fraction(25_000 * 17, 31)
    assert contract_total(terms) == D("300000.00")
    assert unrounded_total(terms) == 300_000


def test_mid_month_start_paid_quarterly_has_a_short_first_quarter():
    """Same lease, quarterly: 第1期 2026-01-15..03-31 = 13,709.677… + 2 × 25,000 = 63,709.68."""
    terms = five_year_lease(
        start=date(2026, 1, 15),
        end=date(2027, 1, 14),
        free_rent_months=0,
        escalation_rate=D(0),
        escalation_every_years=0,
    )
    lines = generate_schedule(terms)

    assert [(line.period_start, line.period_end) for line in lines] == [
        (date(2026, 1, 15), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 14)),
    ]
    assert rents(lines) == [D("63709.68"), D("75000.00"), D("75000.00"), D("75000.00"), D("11290.32")]
    assert contract_total(terms) == D("300000.00")


def test_payment_periods_count_calendar_months_from_the_start_month():
    terms = five_year_lease(
        start=date(2026, 3, 1),
        end=date(2027, 2, 28),
        payment_period=PaymentPeriod.HALF_YEARLY,
        free_rent_months=0,
        escalation_rate=D(0),
        escalation_every_years=0,
    )
    lines = generate_schedule(terms)

    assert [(line.period_start, line.period_end) for line in lines] == [
        (date(2026, 3, 1), date(2026, 8, 31)),
        (date(2026, 9, 1), date(2027, 2, 28)),
    ]
    assert rents(lines) == [D("150000.00"), D("150000.00")]


def test_jan_31_start_ends_free_month_at_end_of_february():
    """100 m² × 31 元 = 3,100 元/月, 2026-01-31..2027-01-30, monthly, 1 month free.

    One lease month from 01-31 ends 02-28 (February has no 31st, so the month-end; 《民法典》 §202).
    第1期 01-31 alone: free, 0.00 ("免租1天"); 第2期 February: free, 0.00 ("免租1个月").
    March..December 2026: 10 × 3,100.00; 2027-01-01..01-30: 3,100 × 30/31 = 3,000.00.
    Total 31,000 + 3,000 = 34,000.00.
    """
    terms = LeaseTerms(
        start=date(2026, 1, 31),
        end=date(2027, 1, 30),
        area_sqm=D(100),
        monthly_rent_per_sqm=D(31),
        payment_period=PaymentPeriod.MONTHLY,
        free_rent_months=1,
    )
    lines = generate_schedule(terms)

    assert terms.free_rent_end == date(2026, 2, 28)
    assert len(lines) == 13
    assert rents(lines) == [D("0.00"), D("0.00")] + [D("3100.00")] * 10 + [D("3000.00")]
    assert [line.free_rent_days for line in lines[:3]] == [1, 28, 0]
    assert lines[0].description == "第1期 2026-01-31至2026-01-31（免租1天）"
    assert lines[1].description == "第2期 2026-02-01至2026-02-28（免租1个月）"
    assert contract_total(terms) == D("34000.00")


def test_jan_31_start_paid_quarterly():
    """第1期 2026-01-31..03-31: January's day and February are free, March 3,100.00."""
    terms = LeaseTerms(
        start=date(2026, 1, 31),
        end=date(2027, 1, 30),
        area_sqm=D(100),
        monthly_rent_per_sqm=D(31),
        payment_period=PaymentPeriod.QUARTERLY,
        free_rent_months=1,
    )
    first = generate_schedule(terms)[0]

    assert (first.period_start, first.period_end) == (date(2026, 1, 31), date(2026, 3, 31))
    assert first.rent_amount == D("3100.00")
    assert first.free_rent_days == 29
    assert first.description == "第1期 2026-01-31至2026-03-31（免租1个月）"


def yearly_escalating_lease(**overrides):
    terms = {
        "start": date(2026, 1, 15),
        "end": date(2028, 1, 14),
        "area_sqm": D(100),
        "monthly_rent_per_sqm": D(30),
        "payment_period": PaymentPeriod.YEARLY,
        "escalation_rate": D("0.05"),
        "escalation_every_years": 1,
    }
    return LeaseTerms(**(terms | overrides))


def test_yearly_payment_with_an_anniversary_inside_the_period():
    """100 m² × 30 元 = 3,000 元/月, 2026-01-15..2028-01-14, yearly, +5 % every year.

    第1期 2026-01-15..12-31: 3,000 × 17/31 + 11 × 3,000 = 1,645.161… + 33,000 = 34,645.16
    第2期 2027-01-01..12-31: the rate steps to 31.5 (3,150/月) on the anniversary 2027-01-15:
        January = 3,000 × 14/31 + 3,150 × 17/31 = (42,000 + 53,550)/31 = 3,082.258…
        February..December = 11 × 3,150 = 34,650 → 37,732.258… → 37,732.26
    第3期 2028-01-01..01-14: 3,150 × 14/31 = 1,422.580… → 1,422.58
    Exact total: lease year 1 = 12 × 3,000 = 36,000, year 2 = 12 × 3,150 = 37,800 → 73,800.00,
    and the rounded lines add up to it too.
    """
    terms = yearly_escalating_lease()
    lines = generate_schedule(terms)

    assert rents(lines) == [D("34645.16"), D("37732.26"), D("1422.58")]
    assert lines[1].rate_steps == (RateStep(date(2027, 1, 1), D(30)), RateStep(date(2027, 1, 15), D("31.5")))
    assert lines[1].monthly_rent_per_sqm == D(30)
    assert lines[1].description == "第2期 2027-01-01至2027-12-31（2027-01-15起租金单价31.5元/m²/月）"
    assert lines[2].monthly_rent_per_sqm == D("31.5")
    assert unrounded_total(terms) == 73_800
    assert contract_total(terms) == D("73800.00")
    assert rent_for_month(terms, 2027, 1) == D("3082.26")


def test_leap_day_start_escalates_on_march_first():
    """Lease year 1 from 2024-02-29 ends 2025-02-28, so the step applies from 2025-03-01."""
    terms = LeaseTerms(
        start=date(2024, 2, 29),
        end=date(2026, 2, 28),
        area_sqm=D(100),
        monthly_rent_per_sqm=D(10),
        payment_period=PaymentPeriod.MONTHLY,
        escalation_rate=D("0.1"),
        escalation_every_years=1,
    )

    assert rate_steps(terms) == (RateStep(date(2024, 2, 29), D(10)), RateStep(date(2025, 3, 1), D(11)))
    assert rent_for_month(terms, 2024, 2) == D("34.48")  # 1,000 × 1/29 = 34.482…
    assert rent_for_month(terms, 2025, 2) == D("1000.00")
    assert rent_for_month(terms, 2025, 3) == D("1100.00")


# --- Free rent and property fees -----------------------------------------------------------------


def test_property_fee_is_charged_during_free_rent_unless_waived():
    """1,000 m² × 5 元/m²/月 = 5,000/月 → 15,000.00 a quarter, 20 quarters = 300,000.00; not escalated."""
    charged = generate_schedule(five_year_lease(property_fee_per_sqm=D(5)))
    waived = generate_schedule(five_year_lease(property_fee_per_sqm=D(5), property_fee_free_during_free_rent=True))

    assert [line.property_fee_amount for line in charged] == [D("15000.00")] * 20
    assert [line.property_fee_amount for line in waived] == [D("0.00")] + [D("15000.00")] * 19
    assert charged[1].total_amount == D("90000.00")
    assert property_fee_total(five_year_lease(property_fee_per_sqm=D(5))) == D("300000.00")


def test_free_rent_note_counts_months_then_days():
    """Free 2026-01-15..05-14 (4 months), quarterly: 第2期 holds 04-01..04-30 + 05-01..05-14."""
    terms = five_year_lease(start=date(2026, 1, 15), free_rent_months=4)
    lines = generate_schedule(terms)

    assert lines[0].description == "第1期 2026-01-15至2026-03-31（免租2个月17天）"
    assert lines[1].description == "第2期 2026-04-01至2026-06-30（免租1个月14天）"
    assert lines[1].free_rent_days == 44
    # 04-01..05-14 free; 05-15..05-31 is 17/31 of May, then all of June.
    assert lines[1].unrounded_rent == Fraction(25_000 * 17, 31) + 25_000


def test_whole_lease_may_be_rent_free():
    terms = five_year_lease(free_rent_months=60, property_fee_per_sqm=D(1))

    assert contract_total(terms) == D("0.00")
    assert property_fee_total(terms) == D("60000.00")


# --- Rounding, rent roll, receivables ------------------------------------------------------------


def test_line_rounds_half_up_to_the_fen():
    """0.125 元 is a tie: ROUND_HALF_UP gives 0.13 where banker's rounding would give 0.12."""
    terms = LeaseTerms(
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
        area_sqm=D(1),
        monthly_rent_per_sqm=D("0.125"),
        payment_period=PaymentPeriod.MONTHLY,
    )

    assert rents(generate_schedule(terms)) == [D("0.13")]


def test_rent_for_month_is_the_accrual_of_that_month():
    terms = five_year_lease(start=date(2026, 1, 15))

    assert rent_for_month(terms, 2025, 12) == D("0.00")
    assert rent_for_month(terms, 2026, 1) == D("0.00")  # free
    assert rent_for_month(terms, 2026, 4) == D("13333.33")  # free until 04-14: 16/30 of 25,000
    assert rent_for_month(terms, 2026, 5) == D("25000.00")
    assert rent_for_month(terms, 2030, 12) == D("27562.50")
    assert rent_for_month(terms, 2031, 1) == D("0.00")


@pytest.mark.parametrize(
    ("as_of", "due"),
    [
        (date(2025, 12, 31), 0),
        (date(2026, 1, 1), 1),
        (date(2026, 3, 31), 1),
        (date(2026, 4, 1), 2),
        (date(2031, 1, 1), 20),
    ],
)
def test_receivables_due_include_lines_due_on_the_day(as_of, due):
    lines = receivables_due(five_year_lease(), as_of)

    assert len(lines) == due
    assert all(line.due_date <= as_of for line in lines)


# --- Lease-month arithmetic ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "next_start"),
    [
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
        (date(2026, 1, 1), 1, date(2026, 2, 1)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 3, 1)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),
        (date(2026, 1, 31), 3, date(2026, 5, 1)),
        (date(2026, 1, 29), 1, date(2026, 3, 1)),
        (date(2028, 1, 29), 1, date(2028, 2, 29)),
        (date(2026, 3, 1), 1, date(2026, 4, 1)),
        (date(2026, 11, 30), 3, date(2027, 3, 1)),
        (date(2024, 2, 29), 12, date(2025, 3, 1)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
    ],
)
def test_next_term_start(start, months, next_start):
    assert next_term_start(start, months) == next_start
    assert term_end(start, months) == next_start - timedelta(days=1)


def test_next_term_start_rejects_negative_months():
    with pytest.raises(ValueError, match="negative"):
        next_term_start(date(2026, 1, 1), -1)


# --- Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"end": date(2025, 12, 31)}, "end", "end_before_start"),
        ({"end": date(2046, 1, 1)}, "end", "term_too_long"),
        ({"area_sqm": D(0)}, "area_sqm", "area_not_positive"),
        ({"area_sqm": D("NaN")}, "area_sqm", "area_not_positive"),
        ({"monthly_rent_per_sqm": D(0)}, "monthly_rent_per_sqm", "rent_not_positive"),
        ({"monthly_rent_per_sqm": D("-1")}, "monthly_rent_per_sqm", "rent_not_positive"),
        ({"property_fee_per_sqm": D("-0.01")}, "property_fee_per_sqm", "property_fee_negative"),
        ({"free_rent_months": -1}, "free_rent_months", "free_rent_negative"),
        ({"free_rent_months": 61}, "free_rent_months", "free_rent_exceeds_term"),
        ({"free_rent_months": 10**9}, "free_rent_months", "free_rent_exceeds_term"),
        ({"escalation_rate": D("-0.05")}, "escalation_rate", "escalation_rate_negative"),
        ({"escalation_every_years": -2}, "escalation_every_years", "escalation_period_negative"),
        ({"escalation_every_years": 0}, "escalation_every_years", "escalation_period_missing"),
        ({"payment_period": "weekly"}, "payment_period", "payment_period_invalid"),
    ],
)
def test_invalid_terms_are_rejected_with_a_code(overrides, field, code):
    with pytest.raises(ValidationError) as excinfo:
        five_year_lease(**overrides)

    assert list(excinfo.value.error_dict) == [field]
    assert [error.code for error in excinfo.value.error_dict[field]] == [code]


def test_validation_messages_are_chinese_and_all_reported_at_once():
    with pytest.raises(ValidationError) as excinfo:
        five_year_lease(end=date(2025, 1, 1), monthly_rent_per_sqm=D(0), free_rent_months=-1)

    assert excinfo.value.message_dict == {
        "end": ["租期结束日期不能早于开始日期"],
        "monthly_rent_per_sqm": ["租金单价必须大于0"],
        "free_rent_months": ["免租期不能为负数"],
    }


def test_free_rent_may_not_exceed_the_term_message():
    with pytest.raises(ValidationError) as excinfo:
        five_year_lease(free_rent_months=61)

    assert excinfo.value.message_dict == {"free_rent_months": ["免租期不能超过租期"]}


def test_twenty_years_is_the_longest_lease():
    assert five_year_lease(end=date(2045, 12, 31)).end == date(2045, 12, 31)


def test_stored_payment_period_string_is_accepted():
    assert five_year_lease(payment_period="quarterly").payment_period is PaymentPeriod.QUARTERLY


def test_float_money_is_refused():
    with pytest.raises(TypeError, match="area_sqm"):
        five_year_lease(area_sqm=1000.0)


def test_replace_validates_the_new_terms():
    with pytest.raises(ValidationError):
        replace(five_year_lease(), escalation_every_years=0)


# --- Properties ----------------------------------------------------------------------------------


@st.composite
def lease_terms(draw):
    start = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=20 * 365)))
    free_rent_months = draw(st.integers(min_value=0, max_value=36))
    while term_end(start, free_rent_months) > end:
        free_rent_months -= 1
    escalation_every_years = draw(st.integers(min_value=0, max_value=5))
    escalation_rate = draw(st.decimals(min_value=0, max_value=D("0.2"), places=4)) if escalation_every_years else D(0)
    return LeaseTerms(
        start=start,
        end=end,
        area_sqm=draw(st.decimals(min_value=D("0.01"), max_value=D(100_000), places=2)),
        monthly_rent_per_sqm=draw(st.decimals(min_value=D("0.01"), max_value=D(500), places=2)),
        payment_period=draw(st.sampled_from(PaymentPeriod)),
        free_rent_months=free_rent_months,
        escalation_rate=escalation_rate,
        escalation_every_years=escalation_every_years,
        property_fee_per_sqm=draw(st.decimals(min_value=0, max_value=D(50), places=2)),
        property_fee_free_during_free_rent=draw(st.booleans()),
    )


def month_index(day):
    return day.year * 12 + day.month - 1


@given(lease_terms())
def test_lines_are_contiguous_and_cover_the_lease(terms):
    lines = generate_schedule(terms)

    assert lines[0].period_start == terms.start
    assert lines[-1].period_end == terms.end
    for previous, following in pairwise(lines):
        assert following.period_start == previous.period_end + timedelta(days=1)
    for number, line in enumerate(lines, start=1):
        assert line.number == number
        assert line.period_start <= line.period_end
        assert line.due_date == line.period_start
        assert month_index(line.period_end) - month_index(line.period_start) < terms.payment_period.months


@given(lease_terms())
def test_totals_are_the_sums_of_lines_within_half_a_fen_per_line(terms):
    lines = generate_schedule(terms)
    total = contract_total(terms)
    exact = unrounded_total(terms)

    assert total == sum((line.rent_amount for line in lines), D(0))
    assert property_fee_total(terms) == sum((line.property_fee_amount for line in lines), D(0))
    assert sum((line.unrounded_rent for line in lines), Fraction(0)) == exact
    assert abs(Fraction(total) - exact) <= Fraction(len(lines), 200)
    assert all(line.rent_amount >= 0 and line.rent_amount.as_tuple().exponent == -2 for line in lines)


@given(lease_terms())
def test_monthly_accruals_add_up_to_the_exact_total(terms):
    months = range(month_index(terms.start), month_index(terms.end) + 1)
    accrued = sum((rent_for_month(terms, index // 12, index % 12 + 1) for index in months), D(0))

    assert abs(Fraction(accrued) - unrounded_total(terms)) <= Fraction(len(months), 200)


@given(lease_terms())
def test_free_rent_days_are_the_first_lease_months(terms):
    free_days = sum(line.free_rent_days for line in generate_schedule(terms))

    expected = (terms.free_rent_end - terms.start).days + 1 if terms.free_rent_end else 0
    assert free_days == expected


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)).map(lambda day: day.replace(day=1)),
    months=st.integers(min_value=1, max_value=240),
    period=st.sampled_from(PaymentPeriod),
    area=st.integers(min_value=1, max_value=100_000).map(D),
    rate=st.decimals(min_value=D("0.01"), max_value=D(500), places=2),
)
def test_whole_months_cost_the_monthly_rent_exactly(start, months, period, area, rate):
    """Whole m² at a rate in fen give a monthly rent in fen, so nothing is left to round."""
    terms = LeaseTerms(
        start=start, end=term_end(start, months), area_sqm=area, monthly_rent_per_sqm=rate, payment_period=period
    )

    assert contract_total(terms) == area * rate * months


@given(lease_terms(), st.integers(min_value=-3, max_value=250), st.integers(min_value=0, max_value=14))
def test_billing_periods_starting_are_the_schedule_periods_in_the_window(terms, offset, width):
    """A bill run asks which periods begin in a window; the answer is the schedule's own periods."""
    after = terms.start.replace(day=1) + timedelta(days=offset * 30)
    through = after + timedelta(days=width * 31)
    expected = [
        (line.period_start, line.period_end)
        for line in generate_schedule(terms)
        if after < line.period_start <= through
    ]

    found = billing_periods_starting(
        start=terms.start, end=terms.end, payment_period=terms.payment_period, after=after, through=through
    )

    assert found == expected
