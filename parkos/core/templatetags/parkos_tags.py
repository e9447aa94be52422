from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
    from parkos.core.units import format_mu

    return format_mu(Decimal(str(sqm)))


@register.filter
def sqm(value: Decimal | float | int | None) -> str:
    """Square metres with thousands separators."""
    if value is None:
        return "—"
    from parkos.core.units import format_area

    return format_area(Decimal(str(value)))


STATUS_CLASSES = {
    "available": "st-available",
    "reserved": "st-reserved",
    "leased": "st-leased",
    "sold": "st-sold",
    "not_lettable": "st-not-lettable",
}


@register.simple_tag
def status_badge(status: str | None) -> SafeString:
    from parkos.parks.choices import SpaceStatus

    if not status:
        return format_html("")
    return format_html('<span class="badge {}">{}</span>', STATUS_CLASSES.get(status, ""), SpaceStatus(status).label)


@register.filter
def flex_basis(area: Decimal, floor_area: Decimal) -> str:
    """A unit's share of its floor as a CSS percentage, so blocks are sized by area."""
    if not floor_area:
        return "0"
    return f"{Decimal(area) / Decimal(floor_area) * 100:.2f}"


@register.filter
def status_label(status: str | None) -> str:
    from parkos.parks.choices import SpaceStatus

    return str(SpaceStatus(status).label) if status else ""
