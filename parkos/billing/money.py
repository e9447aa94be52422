"""Money on bills: the one rounding rule, the VAT inside a tax-inclusive amount, amounts in words.

The rule, stated once (RULES §14.1): every bill line is rounded to the fen (0.01 元) once, half
away from zero (ROUND_HALF_UP), when it is created; bill totals, ageing and reconciliation are sums
of rounded lines and never round again. Rent and property-fee lines arrive already rounded by
leasing's schedule under the same rule. Inputs are exact Decimals (never floats); intermediate
products are exact (a 60-digit context), so the only rounding is the one at line level.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Final

__all__ = ["EXACT", "FEN", "ZERO", "amount_in_words", "line_amount", "tax_of", "to_fen"]

FEN: Final = Decimal("0.01")
ZERO: Final = Decimal("0.00")
EXACT: Final = Context(prec=60, rounding=ROUND_HALF_UP, traps=[InvalidOperation])


def _decimal(value: Decimal | int, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or int, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite")
    return result


def to_fen(amount: Decimal | int) -> Decimal:
    """Round to the fen, half away from zero: 10.005 → 10.01, −10.005 → −10.01, 10.004 → 10.00."""
    # The context's methods, not `localcontext`: a bill run rounds a hundred thousand lines.
    rounded = _decimal(amount, "amount").quantize(FEN, rounding=ROUND_HALF_UP, context=EXACT)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def line_amount(quantity: Decimal | int, unit_price: Decimal | int) -> Decimal:
    """A line's amount: quantity × unit price, exact, then rounded once to the fen."""
    return to_fen(EXACT.multiply(_decimal(quantity, "quantity"), _decimal(unit_price, "unit_price")))


def tax_of(amount: Decimal, rate: Decimal) -> Decimal:
    """The VAT inside a tax-inclusive amount: amount × rate / (1 + rate), rounded to the fen.

    This is how 发票 split 价税合计 into 金额 and 税额 per line: 10,900.00 at 9 % holds 900.00 tax;
    1,000.00 at 6 % holds 56.60 (56.6037…). The quotient is carried to 60 digits, far beyond where
    it could sit on the wrong side of a half fen.
    """
    exact = EXACT.divide(
        EXACT.multiply(_decimal(amount, "amount"), _decimal(rate, "rate")), EXACT.add(Decimal(1), rate)
    )
    return to_fen(exact)


_DIGITS: Final = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS: Final = ("", "拾", "佰", "仟")
_GROUP_UNITS: Final = ("", "万", "亿", "万亿")


def _group_words(group: int) -> str:
    """0–9999 in capital digits, with 零 for inner gaps: 1001 → 壹仟零壹, 1010 → 壹仟零壹拾."""
    text = ""
    zero_pending = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += "零"
            zero_pending = False
        text += _DIGITS[digit] + _SMALL_UNITS[position]
    return text


def _integer_words(value: int) -> str:
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    text = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        # A gap before this group (a zero group, or a group under 1000 after a higher one) reads 零.
        if text and (groups[index + 1] == 0 or group < 1000):
            text += "零"
        text += _group_words(group) + _GROUP_UNITS[index]
    return text


def amount_in_words(amount: Decimal) -> str:
    """An amount in 元 as written on bills and 发票 (人民币大写): 1,234.50 → 壹仟贰佰叁拾肆元伍角整.

    Conventions (GB/T and 《支付结算办法》 usage): 整 after 元 or 角 when no fen follows; 零 for
    inner gaps; negative amounts begin with 负; 0 → 零元整.
    """
    value = to_fen(amount)
    if value >= Decimal("1e16"):
        raise ValueError("amount too large for words")
    sign = "负" if value < 0 else ""
    fen_total = int(value.copy_abs() * 100)
    yuan, fractional = divmod(fen_total, 100)
    jiao, fen = divmod(fractional, 10)
    text = _integer_words(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return sign + (text if yuan or jiao or fen else "零元整")
