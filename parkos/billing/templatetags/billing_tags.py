"""Bill figures as people read them: 9%, ¥ amounts with the sign of a credit."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from parkos.billing.charges import plain_number
from parkos.billing.models import BillLine

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


@register.filter
def usage(line: BillLine) -> str:
    """How a priced line was computed, for the tenant to check: "用量 1234.5 kWh × 单价 0.85 元/kWh"."""
    if line.quantity is None or line.unit_price is None:
        return ""
    return _("用量 %(quantity)s %(unit)s × 单价 %(price)s 元/%(unit)s") % {
        "quantity": plain_number(abs(line.quantity)),
        "unit": line.unit,
        "price": plain_number(line.unit_price),
    }
