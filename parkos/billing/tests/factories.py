"""Billing test data: a park that bills, leases with known terms, issued runs."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from parkos.billing import billrun
from parkos.billing.models import BillingProfile, BillRun
from parkos.leasing.tests.factories import signed_lease
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory


def billing_profile(park: Any = None, **overrides: Any) -> BillingProfile:
    values = {
        "payee_name": "重庆渝健产业园区运营有限公司",
        "payee_credit_code": "91500113MA5U7T1X2K",
        "address": "重庆市巴南区木洞镇生物城大道1号",
        "phone": "023-67891234",
        "bank_name": "中国工商银行重庆巴南支行",
        "bank_account": "3100021109024588888",
        "go_live_on": datetime.date(2024, 1, 1),
        "late_fee_cap_rate": None,
    } | overrides
    return BillingProfile.objects.create(park=park, **values)


def unit_in(park: Any, code: str = "A1-101", area: Decimal = Decimal(1000)) -> Any:
    building = BuildingFactory(park=park)
    floor = FloorFactory(building=building, level=1, area_sqm=Decimal(5000))
    return UnitFactory(floor=floor, code=code, area_sqm=area)


def lease(
    park: Any, *, enterprise: Any = None, code: str = "A1-101", area: Decimal = Decimal(1000), **terms: Any
) -> Any:
    """A signed lease of a new unit (defaults: 25 元/m²/月 from 2026-01-01 for a year, quarterly, no free rent)."""
    defaults = {
        "start_on": datetime.date(2026, 1, 1),
        "end_on": datetime.date(2026, 12, 31),
        "rent_per_sqm_month": Decimal(25),
        "payment_period": "monthly",
        "free_rent_months": 0,
        "escalation_rate": Decimal(0),
        "escalation_every_years": 0,
        "deposit": None,
    }
    return signed_lease(units=[unit_in(park, code, area)], enterprise=enterprise, **(defaults | terms))


def run_month(park: Any, period: datetime.date, *, actor: Any = None, issue: bool = True) -> BillRun:
    """Generate a month's run, and approve and issue it unless `issue` is False."""
    run = billrun.bill_run_start(park=park, period=period, actor=actor)
    run = billrun.bill_run_generate(run=run, actor=actor)
    if issue:
        run = billrun.bill_run_approve(run=run, actor=actor)
        run = billrun.bill_run_issue(run=run, actor=actor, issued_on=period)
    return run
