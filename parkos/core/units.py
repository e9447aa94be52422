"""Area and money: exact conversions and the way ParkOS presents them.

Areas are stored in m² and money in 元 (Decimal). 亩, 万元 and 亿元 exist only on screen and in
reports, so every conversion here is exact Decimal arithmetic and rounding (ROUND_HALF_UP, the
convention of Chinese statistical tables) happens once, when a value is presented.

Growth rates follow the NBS table conventions of domain/RULES.md §10.2: one decimal place,
"X倍" from +100 % on ("增长1.5倍" = +150 %), "--" where the rate is not computable.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Final, Literal, NamedTuple

from django.utils.translation import get_language, gettext, pgettext

__all__ = [
    "MU_PER_HECTARE",
    "NOT_COMPUTABLE",
    "SQM_PER_MU",
    "WAN",
    "YI",
    "MoneyColumn",
    "MoneyUnit",
    "format_area",
    "format_growth",
    "format_growth_rate",
    "format_money",
    "format_money_column",
    "format_money_prose",
    "format_money_wan",
    "format_money_wan_per",
    "format_mu",
    "format_pp",
    "growth_rate",
    "money_column",
    "mu_to_sqm",
    "sqm_to_mu",
]

Number = Decimal | int

#: 15 亩 make one hectare (RULES §6.1), so one 亩 is 10000/15 m² ≈ 666.67 m².
MU_PER_HECTARE: Final = Decimal(15)
SQM_PER_HECTARE: Final = Decimal(10000)
SQM_PER_MU: Final = Decimal(10000) / Decimal(15)

WAN: Final = Decimal(10_000)
YI: Final = Decimal(100_000_000)

#: What NBS tables print where a value or rate cannot be computed.
NOT_COMPUTABLE: Final = "--"

MoneyUnit = Literal["auto", "yuan", "wan", "yi"]
_MONEY_DIVISORS: Final[dict[str, Decimal]] = {"yuan": Decimal(1), "wan": WAN, "yi": YI}
#: Decimal places per unit when the caller does not choose: 元 and 万元 to the fen/hundred yuan,
#: 亿元 to one decimal as in NBS aggregate tables ("37.0 亿元").
MONEY_DEFAULT_DIGITS: Final[dict[str, int]] = {"yuan": 2, "wan": 2, "yi": 1}
#: English counts large amounts in thousands, not in 万 (10⁴) and 亿 (10⁸): from a million on an amount
#: reads "CNY 12.35 million", "CNY 2.2 billion" (two decimals at most, trailing zeros dropped);
#: below, in full with separators ("CNY 12,345", to the fen where Chinese would show 元).
WESTERN_SCALES: Final = (Decimal(10) ** 6, Decimal(10) ** 9)
WESTERN_DIGITS: Final = 2
#: A column of a table (or a chart's axis) states one unit for all its figures, in its header: Chinese
#: tables count in 万元 as NBS tables do, English ones in millions. Two decimals either way.
COLUMN_DIGITS: Final = 2
#: Amounts in prose ("37亿元") to one decimal, a trailing ".0" dropped.
PROSE_DIGITS: Final = 1
#: Areas in m² are shown whole when they are whole, else to the hundredth (contract precision).
AREA_MAX_DIGITS: Final = 2
MU_DIGITS: Final = 2
PERCENT_DIGITS: Final = 1
#: From this growth (in %) on, the rate is printed as a multiple: 150 % → "1.5倍".
TIMES_THRESHOLD_PERCENT: Final = Decimal(100)
TIMES_DIGITS: Final = 1

# Wide enough that the conversions are exact for any stored value (max_digits ≤ 20 in the models);
# a private context also keeps callers' decimal settings out of our results.
_EXACT: Final = Context(prec=60, rounding=ROUND_HALF_UP)


def _check(value: Number, name: str) -> Decimal:
    """Accept Decimal or int; refuse float (binary noise) and non-finite values."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or int, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite, got {result}")
    return result


def sqm_to_mu(sqm: Number) -> Decimal:
    """Square metres to 亩, exactly (no rounding): sqm × 15 / 10000."""
    value = _check(sqm, "sqm")
    with localcontext(_EXACT):
        return value * MU_PER_HECTARE / SQM_PER_HECTARE


def mu_to_sqm(mu: Number) -> Decimal:
    """亩 to square metres: mu × 10000 / 15, to 60 significant digits (1/15 has no finite decimal)."""
    value = _check(mu, "mu")
    with localcontext(_EXACT):
        return value * SQM_PER_HECTARE / MU_PER_HECTARE


def _round(value: Decimal, digits: int) -> Decimal:
    """Round half up to `digits` places; never return negative zero."""
    with localcontext(_EXACT):
        result = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return result.copy_abs() if result.is_zero() else result


def _grouped(value: Decimal, digits: int) -> str:
    """'1234567.891' → '1,234,567.89' (thousands separators, fixed decimals)."""
    return f"{_round(value, digits):,.{digits}f}"


def format_area(sqm: Number | None, *, with_mu: bool = False, digits: int | None = None) -> str:
    """An area for people: "2,400 m²", "1,234.56 m²", or "10,000 m²（15.00 亩）" with `with_mu`.

    Without `digits`, whole areas print without decimals and others to the hundredth; pass `digits`
    for a fixed number of places (e.g. aligned table columns).
    """
    if sqm is None:
        return NOT_COMPUTABLE
    value = _check(sqm, "sqm")
    if digits is None:
        rounded = _round(value, AREA_MAX_DIGITS)
        digits = 0 if rounded == rounded.to_integral_value() else AREA_MAX_DIGITS
    area = f"{_grouped(value, digits)} m²"
    if not with_mu:
        return area
    return gettext("%(area)s（%(mu)s）") % {"area": area, "mu": format_mu(value)}


def format_mu(sqm: Number | None) -> str:
    """Square metres shown in 亩 to two decimals: 90,666.67 m² → "136.00 亩"."""
    if sqm is None:
        return NOT_COMPUTABLE
    return gettext("%(value)s 亩") % {"value": _grouped(sqm_to_mu(sqm), MU_DIGITS)}


def _pick_money_unit(amount: Decimal, digits: int | None) -> str:
    """The largest unit the amount reaches, judged as the smaller unit would print it.

    So 9,999.999 元 shows as "1.00 万元" rather than "10,000.00 元", and 99,999,999.999 元 as
    "1.0 亿元" rather than "10,000.00 万元".
    """
    magnitude = amount.copy_abs()
    for unit, smaller in (("yi", "wan"), ("wan", "yuan")):
        places = MONEY_DEFAULT_DIGITS[smaller] if digits is None else digits
        with localcontext(_EXACT):
            as_printed = _round(magnitude / _MONEY_DIVISORS[smaller], places) * _MONEY_DIVISORS[smaller]
        if as_printed >= _MONEY_DIVISORS[unit]:
            return unit
    return "yuan"


def _counts_in_myriads() -> bool:
    """Chinese groups large amounts by 万 and 亿; the other language ParkOS speaks, English, by thousands."""
    return (get_language() or "zh-hans").startswith("zh")


def _format_money_western(amount: Decimal, unit: MoneyUnit, digits: int | None, *, prose: bool = False) -> str:
    """English money: "CNY 1,234.56", "CNY 12,345", "CNY 10 million", "CNY 2.2 billion".

    `unit="yuan"` asks for the exact amount (ledgers) and keeps it in full; any other unit names a
    Chinese magnitude, which English does not have, so the scale is chosen as for "auto": the largest
    the amount reaches as the smaller scale would print it (999,999,999 元 is "1 billion", not
    "1,000 million").
    """
    scaled_digits = PROSE_DIGITS if prose else WESTERN_DIGITS
    if prose:  # a sentence rounds: whole yuan, one decimal of a million
        places = 0
    elif unit == "yuan" or _round(amount.copy_abs(), MONEY_DEFAULT_DIGITS["yuan"]) < WAN:
        places = MONEY_DEFAULT_DIGITS["yuan"] if digits is None or unit != "yuan" else digits
    else:
        places = 0  # where Chinese shows 万元, English shows whole yuan
    scale, scale_places = Decimal(1), places
    if unit != "yuan":
        for larger in WESTERN_SCALES:
            with localcontext(_EXACT):
                as_printed = _round(amount.copy_abs() / scale, scale_places) * scale
            if as_printed < larger:
                break
            scale, scale_places = larger, scaled_digits
    with localcontext(_EXACT):
        text = _grouped(amount / scale, scale_places)
    if scale == 1:
        return gettext("%(value)s 元") % {"value": text}
    text = text.rstrip("0").rstrip(".")
    if scale == WESTERN_SCALES[0]:
        return gettext("%(value)s 百万元") % {"value": text}
    return gettext("%(value)s 十亿元") % {"value": text}


def format_money(yuan: Number | None, unit: MoneyUnit = "auto", digits: int | None = None) -> str:
    """Money stored in 元, shown in 元/万元/亿元: "1,234.56 元", "1,250.00 万元", "37.0 亿元".

    `unit="auto"` picks 亿元 from 1e8 元 on, 万元 from 1e4 元 on, else 元. `digits` overrides the
    per-unit default (元 2, 万元 2, 亿元 1). In English the magnitude is converted, not translated:
    "CNY 12,345", "CNY 10 million", "CNY 2.2 billion" (`_format_money_western`).
    """
    if yuan is None:
        return NOT_COMPUTABLE
    amount = _check(yuan, "yuan")
    if unit not in ("auto", *_MONEY_DIVISORS):
        raise ValueError(f"unknown money unit {unit!r}")
    if not _counts_in_myriads():
        return _format_money_western(amount, unit, digits)
    chosen = _pick_money_unit(amount, digits) if unit == "auto" else unit
    if chosen not in _MONEY_DIVISORS:
        raise ValueError(f"unknown money unit {unit!r}")
    places = MONEY_DEFAULT_DIGITS[chosen] if digits is None else digits
    with localcontext(_EXACT):
        text = _grouped(amount / _MONEY_DIVISORS[chosen], places)
    if chosen == "yi":
        return gettext("%(value)s 亿元") % {"value": text}
    if chosen == "wan":
        return gettext("%(value)s 万元") % {"value": text}
    return gettext("%(value)s 元") % {"value": text}


def format_money_wan(wan: Number | None) -> str:
    """An amount held in 万元 (thresholds, awards typed in 万元): "1,000 万元", "2.50 万元", "--" for None.

    Whole amounts print without decimals; in English the magnitude is converted ("CNY 10 million").
    """
    if wan is None:
        return NOT_COMPUTABLE
    amount = _check(wan, "wan")
    whole = _round(amount, MONEY_DEFAULT_DIGITS["wan"]) == amount.to_integral_value()
    with localcontext(_EXACT):
        return format_money(amount * WAN, "wan", digits=0 if whole else None)


class MoneyColumn(NamedTuple):
    """The unit of a column of amounts in the reader's language: what its figures are divided by (元 per
    unit) and the words its header names ("万元", "CNY million")."""

    divisor: Decimal
    unit: str


def money_column() -> MoneyColumn:
    """The unit of a table column or chart axis of amounts: 万元 in Chinese, millions in English."""
    if _counts_in_myriads():
        return MoneyColumn(WAN, pgettext("unit of a column of amounts", "万元"))
    return MoneyColumn(WESTERN_SCALES[0], pgettext("unit of a column of amounts", "百万元"))


def format_money_column(yuan: Number | None) -> str:
    """An amount in 元 as a figure of a column whose header names `money_column().unit`: 12,345,678 元 →
    "1,234.57" (万元) in Chinese, "12.35" (CNY million) in English; "--" for None."""
    if yuan is None:
        return NOT_COMPUTABLE
    amount = _check(yuan, "yuan")
    with localcontext(_EXACT):
        return _grouped(amount / money_column().divisor, COLUMN_DIGITS)


def format_money_wan_per(wan: Number | None, per: str) -> str:
    """A price held in 万元 per some unit (`per`, already in the reader's language): "35 万元/亩";
    English converts the magnitude ("CNY 350,000/mu"); "--" for None."""
    if wan is None:
        return NOT_COMPUTABLE
    return f"{format_money_wan(wan)}/{per}"


def format_money_prose(yuan: Number) -> str:
    """Money in a sentence, as report prose writes it: "37亿元", "103.5亿元", "5600万元", "0.5万元".

    One decimal without a trailing ".0", no separators; 亿元 from 1 亿 on, judged as it would print
    (9,999.96 万 reads "1亿元"). English converts the magnitude: "CNY 3.7 billion", "CNY 56 million".
    """
    amount = _check(yuan, "yuan")
    if not _counts_in_myriads():
        return _format_money_western(amount, "auto", None, prose=True)
    with localcontext(_EXACT):
        if _round(amount / WAN, PROSE_DIGITS).copy_abs() >= WAN:
            return gettext("%(value)s亿元") % {"value": _trimmed(amount / YI)}
        return gettext("%(value)s万元") % {"value": _trimmed(amount / WAN)}


def _trimmed(value: Decimal) -> str:
    """One decimal without a trailing ".0": 37.0 → "37", 36.8 → "36.8"."""
    return f"{_round(value, PROSE_DIGITS):.{PROSE_DIGITS}f}".removesuffix(".0")


def growth_rate(current: Number | None, previous: Number | None) -> Decimal | None:
    """Growth in percent, unrounded: (current − previous) / previous × 100.

    None ("--") when either value is missing or the base is zero or negative (a loss, RULES §10.2):
    a rate on a non-positive base has no meaning. A positive base falling below zero (profit to
    loss) is computable and gives a decline beyond −100 %.
    """
    if current is None or previous is None:
        return None
    now, base = _check(current, "current"), _check(previous, "previous")
    if base <= 0:
        return None
    with localcontext(_EXACT):
        return (now - base) / base * 100


def format_growth_rate(rate: Decimal | None) -> str:
    """A growth rate (in %) as NBS prints it: "21.2%", "-3.4%", "1.5倍" from +100 % on, "--" for None."""
    if rate is None:
        return NOT_COMPUTABLE
    rounded = _round(_check(rate, "rate"), PERCENT_DIGITS)
    # Judged after rounding, so 99.96 % does not print as "100.0%".
    if rounded >= TIMES_THRESHOLD_PERCENT:
        with localcontext(_EXACT):
            times = _round(rate / 100, TIMES_DIGITS)
        return gettext("%(value)s倍") % {"value": f"{times:.{TIMES_DIGITS}f}"}
    return f"{rounded:.{PERCENT_DIGITS}f}%"


def format_growth(current: Number | None, previous: Number | None) -> str:
    """Growth of `current` over `previous`: (120, 100) → "20.0%", (250, 100) → "1.5倍", (x, 0) → "--"."""
    return format_growth_rate(growth_rate(current, previous))


def format_pp(delta: Number | None) -> str:
    """A difference of two rates, in percentage points: 0.1 → "0.1个百分点", −2.35 → "-2.4个百分点"."""
    if delta is None:
        return NOT_COMPUTABLE
    value = _round(_check(delta, "delta"), PERCENT_DIGITS)
    return gettext("%(value)s个百分点") % {"value": f"{value:.{PERCENT_DIGITS}f}"}
