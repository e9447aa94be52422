"""The one rounding rule (ROUND_HALF_UP at line level), VAT inside tax-inclusive amounts, amounts in words."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.billing.money import amount_in_words, line_amount, tax_of, to_fen


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (D("2.675"), D("2.68")),  # a float would hold 2.67499999… and round down
        (D("-2.675"), D("-2.68")),  # half away from zero, also for credits
        (D("2.665"), D("2.67")),  # not banker's rounding (that would give 2.66)
        (D("2.6749999"), D("2.67")),
        (D("0.005"), D("0.01")),
        (D("-0.004"), D("0.00")),  # never "-0.00"
        (D("13709.677419354838709677"), D("13709.68")),  # 17/31 of 25,000 (a pro-rata January)
    ],
)
def test_to_fen_rounds_half_up_once(amount, expected):
    assert to_fen(amount) == expected
    assert str(to_fen(amount)) == str(expected)


def test_to_fen_refuses_floats():
    with pytest.raises(TypeError):
        to_fen(2.675)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("quantity", "price", "expected"),
    [
        (D(3), D("0.335"), D("1.01")),  # 1.005 → 1.01
        (D("1234.5"), D("0.85"), D("1049.33")),  # 1049.325 kWh price → 1049.33
        (D("12.3456"), D("5.2"), D("64.20")),  # 64.19712
    ],
)
def test_line_amount_is_rounded_once_after_the_exact_product(quantity, price, expected):
    assert line_amount(quantity, price) == expected


@pytest.mark.parametrize(
    ("amount", "rate", "tax"),
    [
        (D("10900.00"), D("0.09"), D("900.00")),
        (D("25000.00"), D("0.09"), D("2064.22")),  # 2064.2201…
        (D("3500.00"), D("0.06"), D("198.11")),  # 198.1132…
        (D("1000.00"), D("0.06"), D("56.60")),  # 56.6037…
        (D("113.00"), D("0.13"), D("13.00")),
        (D("-25000.00"), D("0.09"), D("-2064.22")),  # a credit note line mirrors the line it corrects
        (D("5000.00"), D("0"), D("0.00")),  # deposits: no VAT
    ],
)
def test_tax_inside_a_tax_inclusive_amount(amount, rate, tax):
    assert tax_of(amount, rate) == tax


@given(
    st.decimals(min_value=D("-1e9"), max_value=D("1e9"), places=2),
    st.sampled_from([D(0), D("0.03"), D("0.05"), D("0.06"), D("0.09"), D("0.13")]),
)
def test_tax_is_within_the_amount_and_symmetric(amount, rate):
    tax = tax_of(amount, rate)
    assert abs(tax) <= abs(amount)
    assert tax_of(-amount, rate) == -tax
    assert tax.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (D("1234.50"), "壹仟贰佰叁拾肆元伍角整"),
        (D("28500.00"), "贰万捌仟伍佰元整"),
        (D("100.05"), "壹佰元零伍分"),
        (D("0.05"), "伍分"),
        (D("10.00"), "壹拾元整"),
        (D("100010.00"), "壹拾万零壹拾元整"),
        (D("1000001.00"), "壹佰万零壹元整"),
        (D("100000001.00"), "壹亿零壹元整"),
        (D("110000000.00"), "壹亿壹仟万元整"),
        (D("13709.68"), "壹万叁仟柒佰零玖元陆角捌分"),
        (D("0"), "零元整"),
        (D("-56.60"), "负伍拾陆元陆角整"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


AMOUNTS = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)
RATES = st.sampled_from([D(0), D("0.03"), D("0.05"), D("0.06"), D("0.09"), D("0.13"), D("0.1234")])


@pytest.mark.django_db
@given(amounts=st.lists(AMOUNTS, min_size=1, max_size=40), rate=RATES)
def test_the_sql_tax_of_bill_runs_equals_the_python_rule(amounts, rate):
    """Bill runs compute rent and fee VAT in SQL (`billrun.tax_sql`); it is the same rounding as `tax_of`.

    (At these rates an exact half fen cannot occur: 2·fen·bp = odd·(10000 + bp) has no solution.)
    """
    from django.db import connection  # noqa: PLC0415

    from parkos.billing.billrun import tax_sql  # noqa: PLC0415

    with connection.cursor() as cursor:
        for amount in amounts:
            cursor.execute(
                f"SELECT {tax_sql('t.a', 't.bp')} FROM (SELECT CAST(%s AS NUMERIC) AS a, CAST(%s AS INTEGER) AS bp) t",  # noqa: S608
                [amount, int(rate * 10000)],
            )
            assert D(str(cursor.fetchone()[0])).quantize(D("0.01")) == tax_of(amount, rate), amount
