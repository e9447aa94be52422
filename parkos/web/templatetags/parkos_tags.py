from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from parkos.core.units import format_area, format_mu

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
