"""Area and money presentation: RULES §6.1 / §10.2 vectors, edge cases and conversion properties."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from parkos.core.units import (
    NOT_COMPUTABLE,
    SQM_PER_MU,
    format_area,
    format_growth,
    format_growth_rate,
    format_money,
    format_money_column,
    format_money_prose,
    format_money_wan_per,
    format_mu,
    format_pp,
    growth_rate,
    money_column,
    mu_to_sqm,
    sqm_to_mu,
)

D = Decimal


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    # The msgids are the Chinese texts; pin the language so a shipped English catalogue cannot
    # change what these tests read.
    with translation.override("zh-hans"):
        yield


# --- Area ------------------------------------------------------------------------------------------


def test_one_mu_is_ten_thousand_fifteenths_of_a_square_metre() -> None:
    assert D(10000) / D(15) == SQM_PER_MU
    assert SQM_PER_MU.quantize(D("0.01")) == D("666.67")


def test_ten_thousand_square_metres_are_exactly_fifteen_mu() -> None:
    assert sqm_to_mu(D(10000)) == D(15)
    assert format_mu(D(10000)) == "15.00 亩"


def test_fifteen_mu_are_exactly_one_hectare() -> None:
    assert mu_to_sqm(D(15)) == D(10000)


def test_flagship_land_shows_as_136_mu() -> None:
    assert format_mu(D("90666.67")) == "136.00 亩"
    assert format_mu(mu_to_sqm(136)) == "136.00 亩"


def test_sqm_to_mu_is_exact_for_any_stored_value() -> None:
    # A DecimalField(max_digits=14, decimal_places=2) value converts without rounding.
    assert sqm_to_mu(D("999999999999.99")) == D("1499999999.999985")


@pytest.mark.parametrize(
    ("sqm", "expected"),
    [
        (D(2400), "2,400 m²"),
        (D("2400.00"), "2,400 m²"),
        (D("1234.5"), "1,234.50 m²"),
        (D("2386.52"), "2,386.52 m²"),
        (D("0.004"), "0 m²"),
        (D(0), "0 m²"),
        (1500000, "1,500,000 m²"),
    ],
)
def test_format_area_shows_whole_areas_without_decimals(sqm: Decimal | int, expected: str) -> None:
    assert format_area(sqm) == expected


def test_format_area_with_mu_appends_mu_in_full_width_brackets() -> None:
    assert format_area(D(10000), with_mu=True) == "10,000 m²（15.00 亩）"


def test_format_area_with_fixed_digits_rounds_half_up() -> None:
    assert format_area(D("1234.5"), digits=0) == "1,235 m²"
    assert format_area(D(2400), digits=2) == "2,400.00 m²"


def test_missing_area_shows_as_not_computable() -> None:
    assert format_area(None) == NOT_COMPUTABLE
    assert format_mu(None) == NOT_COMPUTABLE


@pytest.mark.parametrize("bad", [1.5, "100", True])
def test_conversions_refuse_floats_strings_and_bools(bad: object) -> None:
    with pytest.raises(TypeError):
        sqm_to_mu(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity")])
def test_conversions_refuse_non_finite_values(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="finite"):
        mu_to_sqm(bad)


# --- Money -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yuan", "unit", "expected"),
    [
        (D("1234.56"), "auto", "1,234.56 元"),
        (D("3700000000"), "auto", "37.0 亿元"),
        (D("12500000"), "auto", "1,250.00 万元"),
        (D("9999.99"), "auto", "9,999.99 元"),
        (D(10000), "auto", "1.00 万元"),
        (D(100000000), "auto", "1.0 亿元"),
        (D("-25000"), "auto", "-2.50 万元"),
        (D("1234.56"), "yuan", "1,234.56 元"),
        (D("3700000000"), "yuan", "3,700,000,000.00 元"),
        (D("3700000000"), "wan", "370,000.00 万元"),
        (D("12500000"), "yi", "0.1 亿元"),
        (D("0.005"), "yuan", "0.01 元"),
        (D("-0.001"), "yuan", "0.00 元"),
        (0, "auto", "0.00 元"),
    ],
)
def test_format_money(yuan: Decimal | int, unit: str, expected: str) -> None:
    assert format_money(yuan, unit) == expected  # type: ignore[arg-type]


# One table for both languages: Chinese keeps 万元/亿元 exactly; English converts the magnitude
# (万 = 10⁴, 亿 = 10⁸) to thousands, millions and billions rather than translating the unit words.
MONEY_IN_BOTH_LANGUAGES = [
    # Each row: the amount in 元, the unit asked for, the Chinese text, the English text.
    (0, "auto", "0.00 元", "CNY 0.00"),
    (D("1234.56"), "auto", "1,234.56 元", "CNY 1,234.56"),
    (D("-1234.56"), "auto", "-1,234.56 元", "CNY -1,234.56"),
    (D("9999.995"), "auto", "1.00 万元", "CNY 10,000"),
    (D("12345"), "auto", "1.23 万元", "CNY 12,345"),
    (D("-12345.4"), "auto", "-1.23 万元", "CNY -12,345"),
    (D("999999.5"), "auto", "100.00 万元", "CNY 1 million"),
    (D("10000000"), "auto", "1,000.00 万元", "CNY 10 million"),
    (D("12345678"), "auto", "1,234.57 万元", "CNY 12.35 million"),
    (D("99995000"), "auto", "9,999.50 万元", "CNY 100 million"),  # 9,999.5万: just below 1亿
    (D("99999999.995"), "auto", "1.0 亿元", "CNY 100 million"),
    (D("100000000"), "auto", "1.0 亿元", "CNY 100 million"),  # 1亿
    (D("-150000000"), "auto", "-1.5 亿元", "CNY -150 million"),
    (D("999999999"), "auto", "10.0 亿元", "CNY 1 billion"),  # judged as printed, not "1,000 million"
    (D("2200000000"), "auto", "22.0 亿元", "CNY 2.2 billion"),
    (D("3712345678"), "auto", "37.1 亿元", "CNY 3.71 billion"),
    (D("1234567890123"), "auto", "12,345.7 亿元", "CNY 1,234.57 billion"),
    # A Chinese unit asked for by the caller is a magnitude English does not have: scaled as "auto".
    (D("12500000"), "wan", "1,250.00 万元", "CNY 12.5 million"),
    (D("12500000"), "yi", "0.1 亿元", "CNY 12.5 million"),
    # The exact amount stays exact (ledgers).
    (D("3700000000"), "yuan", "3,700,000,000.00 元", "CNY 3,700,000,000.00"),
]


@pytest.mark.parametrize(("yuan", "unit", "chinese", "english"), MONEY_IN_BOTH_LANGUAGES)
def test_money_reads_in_each_language_as_its_readers_count(
    yuan: Decimal | int, unit: str, chinese: str, english: str
) -> None:
    assert format_money(yuan, unit) == chinese  # type: ignore[arg-type]
    with translation.override("en"):
        assert format_money(yuan, unit) == english  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("yuan", "chinese", "english"),
    [
        (0, "0万元", "CNY 0"),
        (D(5000), "0.5万元", "CNY 5,000"),
        (D(56000000), "5600万元", "CNY 56 million"),
        (D(-56000000), "-5600万元", "CNY -56 million"),
        (D("999960000"), "10亿元", "CNY 1 billion"),
        (D("99999600"), "1亿元", "CNY 100 million"),  # 9,999.96万 reads as 1亿
        (D("710000000"), "7.1亿元", "CNY 710 million"),
        (D("3675000000"), "36.8亿元", "CNY 3.7 billion"),  # half up
        (D("12345000"), "1234.5万元", "CNY 12.3 million"),
        (D("99990000"), "9999万元", "CNY 100 million"),
        (D("3700000000"), "37亿元", "CNY 3.7 billion"),
        (D("10350000000"), "103.5亿元", "CNY 10.4 billion"),
    ],
)
def test_money_in_prose(yuan: Decimal | int, chinese: str, english: str) -> None:
    assert format_money_prose(yuan) == chinese
    with translation.override("en"):
        assert format_money_prose(yuan) == english


@pytest.mark.parametrize(
    ("yuan", "chinese", "english"),
    [
        (D("12345678"), "1,234.57", "12.35"),
        (D("3712345678"), "371,234.57", "3,712.35"),
        (D("5000"), "0.50", "0.01"),
        (D("-1250000"), "-125.00", "-1.25"),
        (0, "0.00", "0.00"),
        (None, "--", "--"),
    ],
)
def test_a_column_of_amounts_counts_in_wan_in_chinese_and_millions_in_english(
    yuan: Decimal | int | None, chinese: str, english: str
) -> None:
    assert (format_money_column(yuan), money_column()) == (chinese, (D(10_000), "万元"))
    with translation.override("en"):
        assert (format_money_column(yuan), money_column()) == (english, (D(1_000_000), "CNY million"))


def test_a_price_per_unit_held_in_wan() -> None:
    assert format_money_wan_per(D("35.00"), "亩") == "35 万元/亩"
    assert format_money_wan_per(D("12.5"), "亩·年") == "12.50 万元/亩·年"
    assert format_money_wan_per(None, "亩") == NOT_COMPUTABLE
    with translation.override("en"):
        assert format_money_wan_per(D("35.00"), "mu") == "CNY 350,000/mu"
        assert format_money_wan_per(D(300), "mu") == "CNY 3 million/mu"


def test_english_money_keeps_the_callers_digits_only_for_exact_amounts() -> None:
    with translation.override("en"):
        assert format_money(D("2.5"), "yuan", digits=0) == "CNY 3"
        assert format_money(D("12500000"), "wan", digits=0) == "CNY 12.5 million"
        assert format_money(None) == NOT_COMPUTABLE


def test_auto_unit_is_judged_as_printed() -> None:
    # 9,999.995 元 would print as "10,000.00 元", so it is shown in 万元 instead; the same at 亿元.
    assert format_money(D("9999.995")) == "1.00 万元"
    assert format_money(D("99999999.995")) == "1.0 亿元"


def test_money_digits_override_the_unit_default() -> None:
    assert format_money(D("3712345678"), "yi", digits=2) == "37.12 亿元"
    assert format_money(D("12500000"), "wan", digits=0) == "1,250 万元"
    assert format_money(D("2.5"), "yuan", digits=0) == "3 元"  # half up, not to even


def test_unknown_money_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unit"):
        format_money(D(1), "qian")  # type: ignore[arg-type]


def test_missing_money_shows_as_not_computable() -> None:
    assert format_money(None) == NOT_COMPUTABLE


# --- Growth (RULES §10.2) -----------------------------------------------------------------------------


def test_growth_rate_vector() -> None:
    assert growth_rate(120, 100) == D("20.0")
    assert format_growth(120, 100) == "20.0%"


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (D("121.2"), 100, "21.2%"),
        (D("96.6"), 100, "-3.4%"),
        (100, 100, "0.0%"),
        (D("100.05"), 100, "0.1%"),  # half up
        (D("99.96"), 100, "0.0%"),  # never "-0.0%"
        (250, 100, "1.5倍"),  # 增长1.5倍 = +150 %
        (200, 100, "1.0倍"),
        (D("199.96"), 100, "1.0倍"),  # rounds to 100.0 %, so shown as a multiple
        (D("199.94"), 100, "99.9%"),
        (1330, 100, "12.3倍"),
        (-50, 100, "-150.0%"),  # profit to loss is computable
    ],
)
def test_format_growth(current: Decimal | int, previous: Decimal | int, expected: str) -> None:
    assert format_growth(current, previous) == expected


@pytest.mark.parametrize(("current", "previous"), [(120, 0), (120, -10), (-5, -10), (None, 100), (100, None)])
def test_growth_is_not_computable_on_a_missing_zero_or_negative_base(current: int | None, previous: int | None) -> None:
    assert growth_rate(current, previous) is None
    assert format_growth(current, previous) == "--"


def test_format_growth_rate_formats_a_precomputed_rate() -> None:
    assert format_growth_rate(D("17.05")) == "17.1%"
    assert format_growth_rate(D(150)) == "1.5倍"
    assert format_growth_rate(None) == "--"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (D("0.1"), "0.1个百分点"),
        (D("-2.35"), "-2.4个百分点"),
        (D("0.05"), "0.1个百分点"),
        (D("-0.04"), "0.0个百分点"),
        (3, "3.0个百分点"),
        (None, "--"),
    ],
)
def test_format_pp(delta: Decimal | int | None, expected: str) -> None:
    assert format_pp(delta) == expected


# --- Properties ----------------------------------------------------------------------------------------

areas = st.decimals(min_value=D("0.01"), max_value=D("1e12"), places=2, allow_nan=False, allow_infinity=False)
amounts = st.decimals(min_value=D("-1e13"), max_value=D("1e13"), places=2, allow_nan=False, allow_infinity=False)


@given(areas)
def test_sqm_round_trips_through_mu(sqm: Decimal) -> None:
    back = mu_to_sqm(sqm_to_mu(sqm))
    assert abs(back - sqm) / sqm < D("1e-20")


@given(st.decimals(min_value=D("0.0001"), max_value=D("1e9"), places=4))
def test_mu_round_trips_through_sqm(mu: Decimal) -> None:
    back = sqm_to_mu(mu_to_sqm(mu))
    assert abs(back - mu) / mu < D("1e-20")


@given(areas, areas)
def test_sqm_to_mu_is_additive(a: Decimal, b: Decimal) -> None:
    # Exact arithmetic: the mu of two parcels is the sum of their mu.
    assert sqm_to_mu(a + b) == sqm_to_mu(a) + sqm_to_mu(b)


@given(areas)
def test_formatted_area_reads_back_as_the_rounded_area(sqm: Decimal) -> None:
    text = format_area(sqm, digits=2)
    assert D(text.removesuffix(" m²").replace(",", "")) == sqm


@given(amounts)
def test_formatted_money_reads_back_within_half_a_printed_digit(yuan: Decimal) -> None:
    text = format_money(yuan)
    number, unit = text.split(" ")
    scale = {"元": D(1), "万元": D(10000), "亿元": D(100000000)}[unit]
    places = len(number.partition(".")[2])
    shown = D(number.replace(",", "")) * scale
    assert abs(shown - yuan) <= scale * D(5) / D(10) ** (places + 1)


@given(amounts)
def test_auto_money_never_prints_ten_thousand_of_a_smaller_unit(yuan: Decimal) -> None:
    number, unit = format_money(yuan).split(" ")
    if unit != "亿元":
        assert abs(D(number.replace(",", ""))) < 10000


@given(
    st.decimals(min_value=D(0), max_value=D("1e9"), places=2),
    st.decimals(min_value=D("0.01"), max_value=D("1e9"), places=2),
)
def test_growth_sign_and_form_follow_the_rate(current: Decimal, previous: Decimal) -> None:
    rate = growth_rate(current, previous)
    assert rate is not None
    text = format_growth(current, previous)
    if text.endswith("倍"):
        assert rate >= D("99.95")
    else:
        assert text.endswith("%")
        assert D(text.removesuffix("%")) == rate.quantize(D("0.1"), rounding="ROUND_HALF_UP")
