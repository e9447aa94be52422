from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def dictget(mapping: dict[Any, Any] | None, key: object) -> Any:
    """`{{ row.quantities|dictget:kind }}`: a mapping's value for a key held in a variable."""
    return (mapping or {}).get(key)
