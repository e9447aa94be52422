"""What higher apps plug into leasing, filled from their AppConfig.ready() (leasing imports none of them).

- commitment actuals: the figures an enterprise actually reported (output, tax, jobs, investment), set
  beside its investment-agreement commitments on the contract page; the statistics app supplies them.
- rent support: a rent concession an enterprise is entitled to when it leases in a park — free months
  and a discount period, e.g. an incubation programme's (RULES §13.3); the incubation app supplies it.
  `services.contract_create_draft` asks for it when a lease is drafted and writes it into the terms.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

ActualsProvider = Callable[["Enterprise", datetime.date], dict[str, Any]]
_ACTUALS: list[ActualsProvider] = []


def provide_commitment_actuals(provider: ActualsProvider) -> ActualsProvider:
    if provider not in _ACTUALS:
        _ACTUALS.append(provider)
    return provider


def commitment_actuals(enterprise: Enterprise, since: datetime.date) -> dict[str, Any]:
    """Reported figures keyed investment/output/tax/jobs/production_on; empty when no app provides them."""
    actuals: dict[str, Any] = {}
    for provider in _ACTUALS:
        actuals.update(provider(enterprise, since))
    return actuals


@dataclass(frozen=True)
class RentSupport:
    """A rent concession for a lease starting on a given day, counted in lease months from its start.

    `free_rent_months` first, then `discount_months` at `1 − discount_rate` of the rent (0.5 = 减半).
    `source` says where it comes from and is stored on the contract ("孵化器「…」入孵企业租金优惠").
    """

    source: str
    free_rent_months: int = 0
    discount_rate: Decimal = Decimal(0)
    discount_months: int = 0

    @property
    def is_empty(self) -> bool:
        return self.free_rent_months == 0 and (self.discount_months == 0 or self.discount_rate == 0)


#: provider(enterprise, park, lease start) → the support it grants, or None.
RentSupportProvider = Callable[["Enterprise", "Park", datetime.date], RentSupport | None]
_RENT_SUPPORT: list[RentSupportProvider] = []


def provide_rent_support(provider: RentSupportProvider) -> RentSupportProvider:
    if provider not in _RENT_SUPPORT:
        _RENT_SUPPORT.append(provider)
    return provider


def rent_support_for(enterprise: Enterprise, park: Park, start_on: datetime.date) -> RentSupport | None:
    """The first non-empty support a provider grants for a lease of `enterprise` in `park` from `start_on`."""
    for provider in _RENT_SUPPORT:
        support = provider(enterprise, park, start_on)
        if support is not None and not support.is_empty:
            return support
    return None
