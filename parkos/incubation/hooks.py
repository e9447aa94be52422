"""What higher apps plug into incubation, filled from their AppConfig.ready() (incubation imports none of them).

- risk signals (early warning, 预警): `register_risk_signal(key, label, provider)`, where
  provider(enterprise_ids, as_of) → {enterprise_id: RiskSignal}. Billing registers "arrears" (rent in
  arrears). Incubation registers its own signals from the apps below it the same way (falling output,
  missing statistics, expiring leases, escalated requests), so the risk list reads one registry. A
  signal whose source app is not installed is simply absent: left out of the score, never counted as 0.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class RiskSignal:
    """One reason an enterprise may be in trouble: its weight in the score (0–100), why, and where to look."""

    score: int
    reason: str
    evidence_url: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.score <= 100:
            raise ValueError("a risk signal's score is between 0 and 100")


RiskProvider = Callable[[Collection[int], datetime.date], Mapping[int, RiskSignal]]


@dataclass(frozen=True)
class SignalSource:
    key: str
    label: StrOrPromise
    provider: RiskProvider


_SIGNALS: dict[str, SignalSource] = {}


def register_risk_signal(key: str, label: StrOrPromise, provider: RiskProvider) -> None:
    """Add (or replace, by key) a source of risk signals."""
    _SIGNALS[key] = SignalSource(key, label, provider)


def risk_signal_sources() -> list[SignalSource]:
    return list(_SIGNALS.values())
