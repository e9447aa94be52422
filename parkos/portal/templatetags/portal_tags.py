from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: Where the requirement form lives until (and after) the investment app registers its URL name.
REQUIREMENT_FALLBACK_PATH = "/requirement/"
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def requirement_base() -> str:
    try:
        return reverse("investment:requirement_form")
    except NoReverseMatch:
        return REQUIREMENT_FALLBACK_PATH


@register.simple_tag
def requirement_url(park_code: str = "", unit_code: str = "", kind: str = "") -> str:
    """The investment app's requirement form, prefilled with a park (and the space the prospect looked at)."""
    params = {"park": park_code}
    if unit_code:
        params["unit" if kind != "parcel" else "parcel"] = unit_code
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{requirement_base()}?{query}" if query else requirement_base()


@register.filter
def yuan(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}".rstrip("0").rstrip(".")


@register.simple_tag
def json_ld(data: dict[str, Any]) -> SafeString:
    """A JSON-LD block; <, > and & are escaped so the data cannot close the script element."""
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above
