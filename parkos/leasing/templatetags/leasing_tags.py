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
