"""What innovation hears from apps above it: 升规 from statistics.

升规 (a 规下 enterprise reaching its 规上 threshold, RULES §5) is recorded from the monthly
statistics, never typed: statistics, which sits above this app, registers a provider here from its
`AppConfig.ready()`, and the enterprise timeline and the milestone counts ask it. Without a provider
(statistics not installed) there are simply no 升规 events.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class ScaleUp:
    """An enterprise reached its 规上 threshold in a month (the event is dated the month's last day)."""

    enterprise_id: int
    on: datetime.date
    note: str = ""


#: provider(park_ids=…, enterprise_ids=…, years=…) → the 升规 events of those enterprises (or of every
#: enterprise of those parks, None: all parks) in those years.
ScaleUpProvider = Callable[..., list[ScaleUp]]
_SCALE_UP_PROVIDERS: list[ScaleUpProvider] = []


def provide_scale_ups(provider: ScaleUpProvider) -> None:
    """Register the source of 升规 events (statistics does, from its ready())."""
    if provider not in _SCALE_UP_PROVIDERS:
        _SCALE_UP_PROVIDERS.append(provider)


def scale_ups(
    *, park_ids: Collection[int] | None, enterprise_ids: Collection[int] | None, years: Collection[int]
) -> list[ScaleUp]:
    """Every registered provider's 升规 events, by date."""
    events: list[ScaleUp] = []
    for provider in _SCALE_UP_PROVIDERS:
        events += provider(park_ids=park_ids, enterprise_ids=enterprise_ids, years=years)
    return sorted(events, key=lambda event: (event.on, event.enterprise_id))
