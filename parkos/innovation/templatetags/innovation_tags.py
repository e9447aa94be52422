"""Money, multiples and rates as the innovation pages show them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import Capability, has_capability
from parkos.core.units import NOT_COMPUTABLE
from parkos.innovation.choices import PatentStatus, PatentType
from parkos.innovation.selectors import MilestoneCounts

register = template.Library()


@register.filter
def multiple(value: Decimal | float | None) -> str:
    """A MOIC: 2.35 → "2.35x"."""
    return NOT_COMPUTABLE if value is None else f"{Decimal(value):.2f}x"


@register.filter
def rate(value: Decimal | float | None) -> str:
    """A fraction as a percentage to one decimal: 0.1234 → "12.3%"."""
    if value is None:
        return NOT_COMPUTABLE
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@register.filter
def get(mapping: Mapping[object, object] | None, key: object) -> object:
    """A dict's value in a template: {{ counts|get:stage }} (0 when absent)."""
    return mapping.get(key, 0) if mapping is not None else 0


@register.inclusion_tag("innovation/_subnav.html", takes_context=True)
def innovation_nav(context: dict[str, Any]) -> dict[str, Any]:
    """The module's own tabs; 投资孵化 only for those who may see stakes."""
    request = context["request"]
    current = getattr(getattr(request, "resolver_match", None), "url_name", "")
    tabs = [
        ("overview", _("概览"), ()),
        ("project_list", _("建设项目"), ("project_",)),
        ("product_list", _("研发产品"), ("product_",)),
        ("pipeline", _("研发管线"), ()),
        ("milestone_list", _("里程碑"), ("milestone_",)),
        ("cooperation", _("产学研"), ("agreement_", "joint_project_", "platform_", "transfer_", "institution_")),
    ]
    if has_capability(request.user, Capability.MANAGE_STAKES):
        tabs.append(("portfolio", _("投资孵化"), ("stake_",)))
    return {
        "tabs": [
            (
                reverse(f"innovation:{name}"),
                label,
                current == name or current.startswith(prefixes) if prefixes else current == name,
            )
            for name, label, prefixes in tabs
        ]
    }


@register.filter
def total_of(counts: MilestoneCounts, kind: str) -> int:
    """A milestone kind's count for the year: {{ milestones|total_of:"listing" }}."""
    return int(counts.total(kind))


@register.filter
def sum_values(values: Iterable[int]) -> int:
    return int(sum(values))


@register.filter
def patent_label(patent_type: str, status: str) -> str:
    """ "发明专利·已授权" for a (type, status) column."""
    return f"{PatentType(patent_type).label}·{PatentStatus(status).label}"
