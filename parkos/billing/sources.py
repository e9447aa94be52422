"""Charges that other apps produce, adapted to bill-line drafts.

Agreed interfaces (docs/development.md, "Cross-app interfaces"):
- community → `community.selectors.chargeable_bookings(*, park, start, end) -> list[ChargeLine]`
  (bookings beyond a tenant's quota);
- incubation → `incubation.selectors.chargeable_services(*, park, start, end) -> list[ChargeLine]`
  (paid services).

`CHARGE_SOURCES` lists the providers in use; `BillingConfig.ready()` adds them. Metered consumption
is not a source here: monitoring is a lower layer, and `billing.utilities` reads its selector.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from parkos.billing.choices import ChargeKind


class ChargeLineLike(Protocol):
    """The shape of `ChargeLine` as community and incubation define it."""

    enterprise_id: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    source_type: str
    source_id: int
    occurred_on: datetime.date


@dataclass(frozen=True, slots=True)
class ChargeSource:
    kind: ChargeKind
    provide: Callable[..., list[Any]]


CHARGE_SOURCES: list[ChargeSource] = []


def register_charge_source(kind: ChargeKind, provide: Callable[..., list[Any]]) -> None:
    if all(source.provide is not provide for source in CHARGE_SOURCES):
        CHARGE_SOURCES.append(ChargeSource(kind, provide))


def external_charges(park: Any, start: datetime.date, end: datetime.date) -> list[tuple[ChargeKind, ChargeLineLike]]:
    """Every registered provider's charge lines for the park and days, with the kind they bill as."""
    return [
        (source.kind, line) for source in CHARGE_SOURCES for line in source.provide(park=park, start=start, end=end)
    ]
