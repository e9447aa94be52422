"""What higher apps plug into leasing, filled from their AppConfig.ready() (leasing imports none of them).

- commitment actuals: the figures an enterprise actually reported (output, tax, jobs, investment), set
  beside its investment-agreement commitments on the contract page; the statistics app supplies them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from parkos.enterprises.models import Enterprise

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
