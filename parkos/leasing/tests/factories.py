from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from parkos.enterprises.models import Enterprise
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing import services


def lease_terms(**overrides: Any) -> dict[str, Any]:
    """The issue's lease: 25 元/m²/月, 3 months free, +5 % every 2 years, quarterly, 2026–2030."""
    return {
        "start_on": datetime.date(2026, 1, 1),
        "end_on": datetime.date(2030, 12, 31),
        "rent_per_sqm_month": Decimal(25),
        "payment_period": "quarterly",
        "free_rent_months": 3,
        "escalation_rate": Decimal("0.05"),
        "escalation_every_years": 2,
        "deposit": Decimal(75000),
    } | overrides


def signed_lease(
    *, units: list[Any], enterprise: Enterprise | None = None, actor: Any = None, approver: Any = None, **terms: Any
) -> Any:
    """Draft, approve (four eyes: `approver`, not the drafter) and sign a lease of `units` (all in one park)."""
    enterprise = enterprise or EnterpriseFactory()
    contract = services.contract_create_draft(
        actor=actor, park=units[0].park, enterprise=enterprise, units=units, **lease_terms(**terms)
    )
    services.contract_approve(contract=contract, actor=approver)
    return services.contract_sign(contract=contract, actor=actor, signed_on=contract.start_on)


def approved_lease(*, units: list[Any], enterprise: Enterprise | None = None, **terms: Any) -> Any:
    enterprise = enterprise or EnterpriseFactory()
    contract = services.contract_create_draft(
        actor=None, park=units[0].park, enterprise=enterprise, units=units, **lease_terms(**terms)
    )
    return services.contract_approve(contract=contract, actor=None)
