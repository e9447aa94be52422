"""Money as people read it on a rent schedule: 1,485,750.00 (元, two places, grouped)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value: Decimal | int | None) -> str:
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


@register.filter
def rmb(value: Decimal | int | None) -> str:
    """¥93,000.00: money with the yuan sign, grouped, two places; "—" for none."""
    if value is None or value == "":
        return "—"
    return f"¥{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


@register.filter
def percent(value: Decimal | int | None) -> str:
    """A rate stored as 0.05 shown as 5%."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).normalize():f}%"
