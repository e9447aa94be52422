"""Bill figures as people read them: 9%, ¥ amounts with the sign of a credit."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def pct(rate: Decimal | None) -> str:
    """0.0900 → "9%", 0.0650 → "6.5%"."""
    if rate is None or rate == "":
        return "—"
    value = (Decimal(rate) * 100).normalize()
    return f"{value:f}%"


@register.filter
def get_item(mapping: dict[str, Decimal], key: str) -> Decimal | None:
    return mapping.get(key)
