"""Template helpers for space: status badges and stacking-plan block sizes."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from parkos.parks.choices import SpaceStatus

register = template.Library()

STATUS_CLASSES: dict[str, str] = {
    SpaceStatus.AVAILABLE: "st-available",
    SpaceStatus.COMMITTED: "st-committed",
    SpaceStatus.RESERVED: "st-reserved",
    SpaceStatus.LEASED: "st-leased",
    SpaceStatus.SOLD: "st-sold",
    SpaceStatus.NOT_LETTABLE: "st-not-lettable",
}


@register.simple_tag
def status_badge(status: str | None) -> SafeString:
    if not status:
        return format_html("")
    return format_html('<span class="badge {}">{}</span>', STATUS_CLASSES.get(status, ""), SpaceStatus(status).label)


@register.filter
def status_label(status: str | None) -> str:
    return str(SpaceStatus(status).label) if status else ""


@register.filter
def flex_basis(area: Decimal, floor_area: Decimal) -> str:
    """A unit's share of its floor as a CSS percentage, so blocks are sized by area."""
    if not floor_area:
        return "0"
    return f"{Decimal(area) / Decimal(floor_area) * 100:.2f}"
