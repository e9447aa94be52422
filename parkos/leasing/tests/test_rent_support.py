"""Rent discount periods in the schedule, and rent support granted by a provider (an incubation programme)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from parkos.leasing import hooks, services
from parkos.leasing.schedule import LeaseTerms, PaymentPeriod, contract_total, generate_schedule, monthly_accruals
from parkos.leasing.tests.factories import EnterpriseFactory, lease_terms


def two_year_lease(**overrides):
    """1,000 m² × 20 元/m²/月 = 20,000 元/月, 2026-01-01..2027-12-31, paid quarterly."""
    terms = {
        "start": date(2026, 1, 1),
        "end": date(2027, 12, 31),
        "area_sqm": D(1000),
        "monthly_rent_per_sqm": D(20),
        "payment_period": PaymentPeriod.QUARTERLY,
    }
    return LeaseTerms(**(terms | overrides))


def test_discount_follows_the_free_months_and_halves_the_rent():
    # 3 months free, then 6 months at half: Q1 0, Q2 and Q3 30,000 each, then 60,000 a quarter.
    terms = two_year_lease(free_rent_months=3, discount_rate=D("0.5"), discount_months=6)
    lines = generate_schedule(terms)
    expected = ["0.00", "30000.00", "30000.00", "60000.00", "60000.00"]
    assert [line.rent_amount for line in lines[:5]] == [D(amount) for amount in expected]
    assert "租金减免50%共91天" in lines[1].description
    assert contract_total(terms) == D(20000) * 24 - D(20000) * 3 - D(10000) * 6


def test_discount_starts_mid_month_and_is_prorated_by_day():
    # From 2026-01-15 with 1 free month: the discount runs 2026-02-15..2026-03-14 (one lease month).
    terms = two_year_lease(start=date(2026, 1, 15), free_rent_months=1, discount_rate=D("0.5"), discount_months=1)
    months = {month: rent for month, rent, _fee in monthly_accruals(terms)}
    # February: 14 full days (1–14 Feb are free) … 15–28 Feb at half: 14/28 × 10,000 = 5,000.00
    assert months[date(2026, 2, 1)] == D("5000.00")
    # March: 1–14 at half (14/31 × 10,000) + 15–31 full (17/31 × 20,000) = 4,516.13 + 10,967.74
    assert months[date(2026, 3, 1)] == D("15483.87")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"discount_rate": D("1.5"), "discount_months": 1}, "discount_rate_invalid"),
        ({"discount_rate": D("-0.1"), "discount_months": 1}, "discount_rate_invalid"),
        ({"discount_rate": D("0.5"), "discount_months": -1}, "discount_negative"),
        ({"free_rent_months": 20, "discount_rate": D("0.5"), "discount_months": 5}, "discount_exceeds_term"),
    ],
)
def test_invalid_discounts_are_refused(overrides, code):
    with pytest.raises(ValidationError) as excinfo:
        two_year_lease(**overrides)
    field = next(iter(excinfo.value.error_dict))
    assert [error.code for error in excinfo.value.error_dict[field]] == [code]


@pytest.fixture
def granted_support():
    """A provider granting 6 free months and 12 at half to one enterprise; removed after the test."""
    granted: dict[int, hooks.RentSupport] = {}

    def provider(enterprise, park, start_on):
        return granted.get(enterprise.pk)

    hooks.provide_rent_support(provider)
    yield granted
    hooks._RENT_SUPPORT.remove(provider)


def test_a_new_lease_takes_over_the_granted_support(unit_a, granted_support):
    supported, other = EnterpriseFactory(), EnterpriseFactory()
    granted_support[supported.pk] = hooks.RentSupport(
        source="孵化器「生物城孵化器」入孵企业租金优惠", free_rent_months=6, discount_rate=D("0.5"), discount_months=12
    )
    contract = services.contract_create_draft(
        actor=None, park=unit_a.park, enterprise=supported, units=[unit_a], **lease_terms(free_rent_months=0)
    )
    assert (contract.free_rent_months, contract.rent_discount_rate, contract.rent_discount_months) == (6, D("0.5"), 12)
    assert contract.rent_support_note == "孵化器「生物城孵化器」入孵企业租金优惠"
    lines = generate_schedule(services.lease_terms(contract))
    assert lines[0].rent_amount == D("0.00")  # Q1 2026 free
    assert lines[2].rent_amount == D("37500.00")  # Q3 2026 at half of 75,000

    # Another enterprise gets nothing; a negotiated free period longer than the grant is kept.
    services.contract_cancel(contract=contract, actor=None)
    plain = services.contract_create_draft(
        actor=None, park=unit_a.park, enterprise=other, units=[unit_a], **lease_terms(free_rent_months=2)
    )
    assert (plain.free_rent_months, plain.rent_discount_months, plain.rent_support_note) == (2, 0, "")


def test_support_is_capped_to_a_short_lease(unit_a, granted_support):
    enterprise = EnterpriseFactory()
    granted_support[enterprise.pk] = hooks.RentSupport(
        source="加速器租金优惠", free_rent_months=6, discount_rate=D("0.3"), discount_months=24
    )
    contract = services.contract_create_draft(
        actor=None,
        park=unit_a.park,
        enterprise=enterprise,
        units=[unit_a],
        **lease_terms(start_on=date(2026, 1, 1), end_on=date(2026, 12, 31), free_rent_months=8, escalation_rate=D(0)),
    )
    # The negotiated 8 free months beat the granted 6; the discount fills the remaining 4 months.
    assert (contract.free_rent_months, contract.rent_discount_months) == (8, 4)
