from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from parkos.core.units import format_area, format_money, format_money_wan, format_mu

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


@register.filter
def money(value: Decimal | float | int | None) -> str:
    """An amount in 元 shown in 元/万元/亿元 as its size needs ("1,250.00 万元"); "--" when unknown."""
    if value is None or value == "":
        return format_money(None)
    return format_money(Decimal(str(value)))


@register.filter
def money_wan(value: Decimal | float | int | None) -> str:
    """An amount held in 万元 shown as money: 1000 → "1,000 万元" ("CNY 10 million"); "--" when unknown."""
    if value is None or value == "":
        return format_money_wan(None)
    return format_money_wan(Decimal(str(value)))


@register.filter
def pct_of_one(value: Decimal | float | int | None) -> str:
    """A share stored as a fraction of one, shown in percent: 0.5 → "50%", 0.125 → "12.5%"."""
    if value is None or value == "":
        return "—"
    percent = (Decimal(str(value)) * 100).quantize(Decimal("0.1"))
    return f"{percent.normalize():f}%"
