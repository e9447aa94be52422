"""Bill runs: what a month bills, with vectors computed by hand, and that runs never bill twice."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from parkos.billing import billrun, services
from parkos.billing.choices import BillRunStatus, BillStatus, ChargeKind
from parkos.billing.models import Bill, BillingTerms, BillLine, BillRun, ExtraCharge, TaxRule, UtilityTariff
from parkos.billing.tests.factories import lease, run_month
from parkos.community.choices import BookingStatus
from parkos.community.models import Booking
from parkos.community.tests.factories import ResourceFactory, TariffFactory, at
from parkos.core.models import AuditEntry
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing import services as leasing_services

pytestmark = pytest.mark.django_db
d = datetime.date


def lines_of(run, kind=None):
    lines = BillLine.objects.filter(bill__run=run).order_by("contract_id", "period_start", "kind")
    if kind is not None:
        lines = lines.filter(kind=kind)
    return list(lines)


def amounts(run, kind):
    return [(line.period_start, line.period_end, line.amount) for line in lines_of(run, kind)]


def test_monthly_lease_bills_rent_and_property_fee_of_the_month(park_a, profile):
    contract = lease(park_a, property_fee_per_sqm_month=D("3.50"))

    run = run_month(park_a, d(2026, 1, 1))

    assert run.status == BillRunStatus.ISSUED
    bill = Bill.objects.get(run=run)
    assert bill.status == BillStatus.ISSUED
    assert [(line.kind, line.amount, line.tax_rate, line.tax_amount) for line in lines_of(run)] == [
        (ChargeKind.PROPERTY_FEE, D("3500.00"), D("0.0600"), D("198.11")),
        (ChargeKind.RENT, D("25000.00"), D("0.0900"), D("2064.22")),
    ]
    assert (bill.total_amount, bill.tax_amount) == (D("28500.00"), D("2262.33"))
    assert bill.buyer_name == contract.enterprise.name
    assert bill.number == f"ZD-{park_a.code}-202601-00001"
    assert all(line.issued_on == d(2026, 1, 1) for line in lines_of(run))


def test_pro_rata_first_month(park_a, profile):
    """From 01-15: 17 of 31 days. Rent 25,000 × 17/31 = 13,709.677… → 13,709.68; fee 3,500 × 17/31 → 1,919.35."""
    lease(park_a, start_on=d(2026, 1, 15), property_fee_per_sqm_month=D("3.50"))

    run = run_month(park_a, d(2026, 1, 1))

    assert amounts(run, ChargeKind.RENT) == [(d(2026, 1, 15), d(2026, 1, 31), D("13709.68"))]
    assert amounts(run, ChargeKind.PROPERTY_FEE) == [(d(2026, 1, 15), d(2026, 1, 31), D("1919.35"))]
    assert lines_of(run, ChargeKind.RENT)[0].description == "租金 2026年01月（01-15至01-31） A1-101"


def test_free_rent_in_a_quarterly_in_advance_lease(park_a, profile):
    """Quarterly from 01-15 with one month free (to 02-14): the first quarter is billed in January.

    January: free (no rent line). February: 14 free days, 14 paid of 28 → 12,500.00. March: 25,000.00.
    The property fee is charged through the free month (the contract does not waive it).
    """
    lease(
        park_a,
        start_on=d(2026, 1, 15),
        payment_period="quarterly",
        free_rent_months=1,
        property_fee_per_sqm_month=D("3.00"),
    )

    january = run_month(park_a, d(2026, 1, 1))
    february = run_month(park_a, d(2026, 2, 1))
    april = run_month(park_a, d(2026, 4, 1))

    assert amounts(january, ChargeKind.RENT) == [
        (d(2026, 2, 1), d(2026, 2, 28), D("12500.00")),
        (d(2026, 3, 1), d(2026, 3, 31), D("25000.00")),
    ]
    assert [a for _s, _e, a in amounts(january, ChargeKind.PROPERTY_FEE)] == [D("1645.16"), D("3000.00"), D("3000.00")]
    assert all(line.due_on == d(2026, 1, 15) for line in lines_of(january))  # in advance: the period's first day
    # Nothing begins in February; January's bill is unpaid, so February bills its late fee only.
    assert {line.kind for line in lines_of(february)} == {ChargeKind.LATE_FEE}
    assert [a for _s, _e, a in amounts(april, ChargeKind.RENT)] == [D("25000.00")] * 3


def test_escalation_inside_a_quarter(park_a, profile):
    """From 2024-01-15, +5 % every year, quarterly. The 2025 Q1 bill: the rate steps up on 01-15.

    January 2025: 14 days at 25 + 17 days at 26.25 = (350,000 + 446,250) / 31 = 25,685.48387 → 25,685.48;
    February and March at 26.25 × 1,000 = 26,250.00 each.
    """
    profile.go_live_on = d(2025, 1, 1)
    profile.save()
    lease(
        park_a,
        start_on=d(2024, 1, 15),
        end_on=d(2027, 1, 14),
        payment_period="quarterly",
        escalation_rate=D("0.05"),
        escalation_every_years=1,
    )

    run = run_month(park_a, d(2025, 1, 1))

    assert [a for _s, _e, a in amounts(run, ChargeKind.RENT)] == [D("25685.48"), D("26250.00"), D("26250.00")]


def test_go_live_bills_the_months_of_a_straddling_period_from_go_live_on(park_a, profile):
    """Billing went live in February: a quarter Jan–Mar is billed for February and March only."""
    profile.go_live_on = d(2026, 2, 1)
    profile.save()
    lease(park_a, payment_period="quarterly")

    run = run_month(park_a, d(2026, 2, 1))

    assert [s for s, _e, _a in amounts(run, ChargeKind.RENT)] == [d(2026, 2, 1), d(2026, 3, 1)]


def test_a_lease_signed_late_is_caught_up(park_a, profile):
    """January was billed before the lease existed; February's run bills January too."""
    run_month(park_a, d(2026, 1, 1))
    lease(park_a)

    run = run_month(park_a, d(2026, 2, 1))

    assert [s for s, _e, _a in amounts(run, ChargeKind.RENT)] == [d(2026, 1, 1), d(2026, 2, 1)]


def test_deposit_is_billed_once_with_the_first_bill(park_a, profile):
    contract = lease(park_a, deposit=D("75000"), signed_on=None)

    january = run_month(park_a, d(2026, 1, 1))
    february = run_month(park_a, d(2026, 2, 1))

    deposit = lines_of(january, ChargeKind.DEPOSIT)
    assert [(line.amount, line.tax_amount, line.invoice_item) for line in deposit] == [(D("75000.00"), D(0), "")]
    assert not lines_of(february, ChargeKind.DEPOSIT)
    assert BillingTerms.objects.get(contract=contract).deposit_billed


def test_tax_rate_follows_its_effective_date(park_a, profile):
    """A park-specific 5 % (simplified method) from March applies to March's rent, not February's."""
    TaxRule.objects.create(kind=ChargeKind.RENT, park=park_a, effective_from=d(2026, 3, 1), rate=D("0.05"))
    lease(park_a)

    february = run_month(park_a, d(2026, 2, 1))
    march = run_month(park_a, d(2026, 3, 1))

    assert [line.tax_rate for line in lines_of(february, ChargeKind.RENT)] == [D("0.0900"), D("0.0900")]
    assert [line.tax_rate for line in lines_of(march, ChargeKind.RENT)] == [D("0.0500")]
    assert lines_of(march, ChargeKind.RENT)[0].tax_amount == D("1190.48")  # 25,000 × 5/105


def test_park_rate_property_fee_for_leases_without_their_own(park_a, profile):
    profile.property_fee_per_sqm_month = D("4.00")
    profile.save()
    lease(park_a, start_on=d(2026, 1, 15))  # no property fee in the contract

    run = run_month(park_a, d(2026, 1, 1))

    assert amounts(run, ChargeKind.PROPERTY_FEE) == [(d(2026, 1, 15), d(2026, 1, 31), D("2193.55"))]  # 4,000×17/31


def test_one_off_charges_and_readings_are_billed_by_their_month(park_a, profile):
    contract = lease(park_a)
    enterprise = contract.enterprise
    services.extra_charge_create(
        park=park_a,
        enterprise=enterprise,
        kind=ChargeKind.OTHER,
        description="门禁卡补办",
        unit_price=D("50"),
        quantity=D(3),
        unit="张",
        charge_on=d(2026, 1, 20),
        actor=None,
    )
    UtilityTariff.objects.create(
        park=park_a, kind=ChargeKind.ELECTRICITY, unit="kWh", unit_price=D("0.85"), effective_from=d(2020, 1, 1)
    )
    services.readings_import(
        park=park_a,
        readings=[
            services.ReadingInput(
                enterprise=enterprise,
                meter_code="E-101",
                kind=ChargeKind.ELECTRICITY,
                period_start=d(2026, 1, 1),
                period_end=d(2026, 1, 31),
                previous_reading=D("1000"),
                current_reading=D("2234.5"),
                multiplier=D(1),
                unit="kWh",
            )
        ],
        actor=None,
    )

    january = run_month(park_a, d(2026, 1, 1))
    february = run_month(park_a, d(2026, 2, 1))

    other = lines_of(january, ChargeKind.OTHER)[0]
    assert (other.amount, other.tax_rate, other.tax_amount) == (D("150.00"), D("0.0600"), D("8.49"))
    power = lines_of(january, ChargeKind.ELECTRICITY)[0]
    assert (power.quantity, power.amount, power.tax_rate) == (D("1234.5000"), D("1049.33"), D("0.1300"))
    assert not lines_of(february, ChargeKind.OTHER)
    assert not lines_of(february, ChargeKind.ELECTRICITY)


def test_late_fee_is_billed_next_month_on_calendar_days_over_a_holiday(park_a, profile):
    """Rent of 10,000 due 2025-10-01 (国庆): late from 10-10; November's run bills 22 days to 10-31."""
    profile.go_live_on = d(2025, 10, 1)
    profile.save()
    lease(park_a, start_on=d(2025, 10, 1), end_on=d(2026, 9, 30), rent_per_sqm_month=D(10))

    run_month(park_a, d(2025, 10, 1))
    november = run_month(park_a, d(2025, 11, 1))
    december = run_month(park_a, d(2025, 12, 1))

    fee = lines_of(november, ChargeKind.LATE_FEE)
    assert [(line.amount, line.tax_rate) for line in fee] == [(D("110.00"), D("0.0900"))]  # 10,000×0.05%×22
    # December: October's rent is 61 days late by 11-30 (10-10..11-30 = 52 days → 260) less 110 billed;
    # November's rent (due 11-01, a Saturday → Monday 11-03) is 27 days late → 135.
    assert sorted(line.amount for line in lines_of(december, ChargeKind.LATE_FEE)) == [D("135.00"), D("150.00")]


def test_rerunning_a_period_never_bills_twice(park_a, profile):
    lease(park_a)
    lease(park_a, code="A1-102")
    first = run_month(park_a, d(2026, 1, 1))

    again = run_month(park_a, d(2026, 1, 1))

    assert (first.bills_count, again.bills_count) == (2, 0)
    assert again.sequence == 2
    assert BillLine.objects.filter(kind=ChargeKind.RENT).count() == 2


def test_starting_an_open_period_returns_the_open_run(park_a, profile, alice):
    lease(park_a)
    run = billrun.bill_run_start(park=park_a, period=d(2026, 1, 17), actor=alice)

    assert billrun.bill_run_start(park=park_a, period=d(2026, 1, 1), actor=alice) == run
    assert run.period == d(2026, 1, 1)
    billrun.bill_run_generate(run=run)
    billrun.bill_run_generate(run=run)  # a second worker: nothing to do
    assert Bill.objects.filter(run=run).count() == 1


def test_a_charge_key_cannot_be_billed_twice(park_a, profile):
    lease(park_a)
    run = run_month(park_a, d(2026, 1, 1))
    line = lines_of(run)[0]

    with pytest.raises(IntegrityError), transaction.atomic():
        BillLine.objects.create(
            bill=line.bill,
            park=park_a,
            account=line.account,
            kind=line.kind,
            charge_key=line.charge_key,
            description="dup",
            amount=D(1),
            due_on=line.due_on,
        )


def test_a_run_stopped_half_way_resumes_without_duplicates(park_a, profile, monkeypatch):
    for n in range(5):
        lease(park_a, code=f"A1-1{n:02d}")
    run = billrun.bill_run_start(park=park_a, period=d(2026, 1, 1), actor=None)
    real_write = billrun._write_chunk
    calls = []

    def crash_on_third(setup, ids):
        calls.append(ids)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real_write(setup, ids)

    monkeypatch.setattr(billrun, "_write_chunk", crash_on_third)
    with pytest.raises(RuntimeError, match="power cut"):
        billrun.bill_run_generate(run=run, chunk_size=2)
    run.refresh_from_db()
    assert run.status == BillRunStatus.GENERATING
    assert Bill.objects.filter(run=run).count() == 4  # two chunks of two tenants committed
    monkeypatch.setattr(billrun, "_write_chunk", real_write)

    run = billrun.bill_run_generate(run=run, chunk_size=2)

    assert run.status == BillRunStatus.PREVIEW
    assert (run.bills_count, run.lines_count) == (5, 5)
    assert run.total_amount == D("125000.00")


def test_discarding_a_preview_makes_the_month_billable_again(park_a, profile):
    contract = lease(park_a, deposit=D(5000))
    run = run_month(park_a, d(2026, 1, 1), issue=False)
    assert BillingTerms.objects.get(contract=contract).billed_through == d(2026, 1, 31)

    billrun.bill_run_discard(run=run, actor=None)

    terms = BillingTerms.objects.get(contract=contract)
    assert (terms.billed_through, terms.deposit_billed) == (None, False)
    assert not Bill.objects.exists()
    assert run_month(park_a, d(2026, 1, 1)).bills_count == 1


def test_an_issued_run_cannot_be_discarded_and_steps_go_in_order(park_a, profile):
    lease(park_a)
    run = run_month(park_a, d(2026, 1, 1), issue=False)
    with pytest.raises(Exception, match="须先审核"):
        billrun.bill_run_issue(run=run, actor=None)
    run = run_month(park_a, d(2026, 2, 1))
    with pytest.raises(Exception, match="红字冲销单"):
        billrun.bill_run_discard(run=run, actor=None)
    assert AuditEntry.objects.filter(object_type="billing.billrun", object_id=str(run.pk)).count() == 4


def test_terminated_lease_bills_up_to_its_termination(park_a, profile):
    contract = lease(park_a)
    leasing_services.contract_terminate(contract=contract, terminated_on=d(2026, 2, 14), reason="other", actor=None)

    run_month(park_a, d(2026, 1, 1))
    february = run_month(park_a, d(2026, 2, 1))
    march = run_month(park_a, d(2026, 3, 1))

    assert amounts(february, ChargeKind.RENT) == [(d(2026, 2, 1), d(2026, 2, 14), D("12500.00"))]
    assert not lines_of(march, ChargeKind.RENT)  # only late fees on the unpaid bills remain


def test_bills_group_every_lease_of_a_tenant_into_one_bill(park_a, profile):
    tenant = EnterpriseFactory()
    lease(park_a, enterprise=tenant)
    lease(park_a, enterprise=tenant, code="A1-102", area=D(500))

    run = run_month(park_a, d(2026, 1, 1))

    bill = Bill.objects.get(run=run)
    assert bill.total_amount == D("37500.00")
    assert bill.lines.count() == 2


def test_runs_need_a_billing_profile(park_a):
    with pytest.raises(Exception, match="收款设置"):
        billrun.bill_run_start(park=park_a, period=d(2026, 1, 1), actor=None)
    assert not BillRun.objects.exists()
    assert not ExtraCharge.objects.exists()


def test_bookings_beyond_quota_are_billed_in_arrears_once(park_a, profile):
    """Community reports bookings beyond the free quota; February's run bills January's, once."""
    tenant = lease(park_a).enterprise
    tariff = TariffFactory(park=park_a, free_minutes_per_month=0, price_per_hour=D("120.00"))
    room = ResourceFactory(park=park_a, tariff=tariff)
    booking = Booking.objects.create(
        resource=room, park=park_a, enterprise=tenant, title="路演", tariff=tariff, unit_price=D("120.00"),
        starts_at=at("2026-01-20", "09:00"), ends_at=at("2026-01-20", "10:30"), status=BookingStatus.CONFIRMED,
        chargeable_minutes=90, amount=D("180.00"),
    )  # fmt: skip

    january = run_month(park_a, d(2026, 1, 1))
    february = run_month(park_a, d(2026, 2, 1))
    again = run_month(park_a, d(2026, 2, 1))

    assert lines_of(january, ChargeKind.BOOKING) == []  # not yet happened when January was billed
    [line] = lines_of(february, ChargeKind.BOOKING)
    assert (line.amount, line.quantity, line.unit_price, line.tax_rate) == (
        D("180.00"), D("1.5000"), D("120.000000"), D("0.0600")
    )  # fmt: skip
    assert (line.source_type, line.source_id, line.period_start) == ("community.booking", booking.pk, d(2026, 1, 20))
    assert "超出免费额度 90 分钟" in line.description
    assert again.bills_count == 0
    assert BillLine.objects.filter(kind=ChargeKind.BOOKING).count() == 1


def test_a_tenant_without_a_credit_code_is_billed(park_a, profile):
    """Enterprises registered before their licence is entered have no credit code (NULL)."""
    tenant = EnterpriseFactory(credit_code=None)
    lease(park_a, enterprise=tenant)

    run = run_month(park_a, d(2026, 1, 1))

    bill = Bill.objects.get(run=run)
    assert (bill.status, bill.buyer_name, bill.buyer_credit_code) == (BillStatus.ISSUED, tenant.name, "")
