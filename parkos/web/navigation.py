"""The main navigation: each app registers its entry from AppConfig.ready(), so the shell names no app.

An entry shows only to people who may use it: `capability` (any of them) for staff modules, or
`audience="tenant"` for enterprise users' pages. Order is by `order`, then registration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise

from parkos.accounts.access import Capability

Audience = Literal["staff", "tenant"]


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    module: str
    order: int = 100
    audience: Audience = "staff"
    #: Staff entries: shown when the person has any of these (empty: every staff member).
    capabilities: frozenset[Capability] = frozenset()


_ENTRIES: dict[str, NavEntry] = {}


def register(
    url_name: str,
    label: str | Promise,
    *,
    module: str,
    order: int = 100,
    audience: Audience = "staff",
    capabilities: frozenset[Capability] | set[Capability] = frozenset(),
) -> None:
    """Add (or replace, keyed by URL name) one entry of the main navigation."""
    _ENTRIES[url_name] = NavEntry(url_name, label, module, order, audience, frozenset(capabilities))


def entries(audience: Audience, allowed: Callable[[NavEntry], bool]) -> list[NavEntry]:
    """The entries for an audience that `allowed` lets through, in display order."""
    chosen = [entry for entry in _ENTRIES.values() if entry.audience == audience and allowed(entry)]
    return sorted(chosen, key=lambda entry: entry.order)
