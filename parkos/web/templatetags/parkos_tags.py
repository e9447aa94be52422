from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from parkos.core.units import (
    WAN,
    MoneyUnit,
    format_area,
    format_money,
    format_money_column,
    format_money_wan,
    format_money_wan_per,
    format_mu,
)
from parkos.core.units import money_column as column_of_amounts

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context: dict[str, Any], field: str, label: str) -> SafeString:
    """A column header that toggles ascending/descending sort, keeping the current filters."""
    current = context.get("current_sort", "")
    qs = context.get("querystring_nosort", "")
    descending = current == field
    target = f"-{field}" if descending else field
    arrow = " ▲" if current == field else (" ▼" if current == f"-{field}" else "")
    prefix = f"{qs}&" if qs else ""
    return format_html('<a href="?{}sort={}">{}{}</a>', prefix, target, label, arrow)


@register.filter
def mu(sqm: Decimal | float | int | None) -> str:
    """Square metres shown as 亩 with two decimals."""
    if sqm is None:
        return "—"

    return format_mu(Decimal(str(sqm)))


@register.filter
def sqm(value: Decimal | float | int | None) -> str:
    """Square metres with thousands separators."""
    if value is None:
        return "—"

    return format_area(Decimal(str(value)))


@register.filter
def localized(obj: object, field: str) -> Any:
    """`obj.<field>_en` on English pages when it is filled in, else `obj.<field>` (Chinese first)."""
    if (translation.get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")


def _decimal(value: Decimal | float | int | str | None) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


@register.filter
def money(value: Decimal | float | int | None, unit: MoneyUnit = "auto") -> str:
    """An amount in 元 shown in 元/万元/亿元 as its size needs ("1,250.00 万元"), or in the Chinese unit
    asked for (`|money:"wan"`, `|money:"yuan"` for an exact ledger amount); English converts the
    magnitude ("CNY 12.5 million"). "--" when unknown."""
    return format_money(_decimal(value), unit)


@register.filter
def money_wan(value: Decimal | float | int | None) -> str:
    """An amount held in 万元 shown as money: 1000 → "1,000 万元" ("CNY 10 million"); "--" when unknown."""
    return format_money_wan(_decimal(value))


@register.filter
def money_wan_per(value: Decimal | float | int | None, per: str) -> str:
    """A price held in 万元 per `per` (a translated unit: `|money_wan_per:_("亩")`): "35 万元/亩",
    English "CNY 350,000/mu"; "--" when unknown."""
    return format_money_wan_per(_decimal(value), per)


@register.filter
def money_column(value: Decimal | float | int | None) -> str:
    """An amount in 元 as a figure of a column headed with `{% money_column_unit %}`: "1,234.57" (万元),
    in English "12.35" (CNY million); "--" when unknown."""
    return format_money_column(_decimal(value))


@register.filter
def money_column_wan(value: Decimal | float | int | None) -> str:
    """An amount held in 万元 as a figure of such a column."""
    amount = _decimal(value)
    return format_money_column(None if amount is None else amount * WAN)


@register.simple_tag
def money_column_unit() -> str:
    """The unit a column of amounts names in its header, in the reader's language: "万元", "CNY million".
    `{% money_column_unit as unit %}` then `{% blocktranslate %}营业收入（{{ unit }}）{% endblocktranslate %}`."""
    return column_of_amounts().unit


@register.filter
def pct_of_one(value: Decimal | float | int | None) -> str:
    """A share stored as a fraction of one, shown in percent: 0.5 → "50%", 0.125 → "12.5%"."""
    if value is None or value == "":
        return "—"
    percent = (Decimal(str(value)) * 100).quantize(Decimal("0.1"))
    return f"{percent.normalize():f}%"
