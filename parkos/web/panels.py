"""Panels on the enterprise page that other apps fill: leads, contracts, services, statistics, innovation.

The enterprise page must not import every later app, and those apps must not edit its template, so
each registers a provider here from its AppConfig.ready(). A topic with no provider shows its
placeholder ("暂无数据").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise


@dataclass(frozen=True)
class PanelRow:
    label: StrOrPromise
    value: object = ""
    url: str = ""


@dataclass(frozen=True)
class Panel:
    title: StrOrPromise
    rows: list[PanelRow] = field(default_factory=list)
    url: str = ""
    link_text: StrOrPromise = ""
    empty_text: StrOrPromise = field(default_factory=lambda: _("暂无数据"))


type Provider = Callable[[Enterprise, User], Panel | None]

#: The topics in page order; providers are keyed by topic.
TOPICS: dict[str, Any] = {
    "leads": _("招商线索"),
    "contracts": _("合同"),
    "presence": _("在园记录"),
    "services": _("企业服务"),
    "statistics": _("统计数据"),
    "innovation": _("项目、研发与里程碑"),
    "billing": _("账单与欠费"),
    "energy": _("能耗"),
}
_PROVIDERS: dict[str, Provider] = {}


def register(topic: str) -> Callable[[Provider], Provider]:
    if topic not in TOPICS:
        raise ValueError(f"unknown enterprise panel topic: {topic}")

    def decorator(provider: Provider) -> Provider:
        _PROVIDERS[topic] = provider
        return provider

    return decorator


def panels_for(enterprise: Enterprise, user: User) -> list[Panel]:
    """One panel per topic: the provider's, or a placeholder when no app provides it (or it has nothing)."""
    panels = []
    for topic, title in TOPICS.items():
        provider = _PROVIDERS.get(topic)
        panel = provider(enterprise, user) if provider is not None else None
        panels.append(panel or Panel(title=title))
    return panels
