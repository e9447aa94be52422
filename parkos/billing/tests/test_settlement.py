"""Settling charges: payments oldest first, partial, overpaid as credit; credit notes, write-offs, deposits."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from parkos.billing import selectors, services
from parkos.billing.choices import AllocationKind, BillKind, BillStatus, ChargeKind, WriteOffStatus
from parkos.billing.models import Account, Allocation, Bill, BillLine, Payment
from parkos.billing.tests.factories import lease, run_month
from parkos.core.models import AuditEntry

pytestmark = pytest.mark.django_db
d = datetime.date


def pay(contract, amount, on, **kwargs):
    return services.payment_record(
        park=contract.park,
        enterprise=contract.enterprise,
        data=services.PaymentInput(amount=D(amount), received_on=on, reference=kwargs.pop("reference", "")),
        actor=kwargs.pop("actor", None),
        **kwargs,
    )


def open_amounts(contract):
    account = Account.objects.get(enterprise=contract.enterprise)
    return [(line.due_on, line.outstanding) for line in selectors.open_lines(account)]


@pytest.fixture
def billed(park_a, profile):
    """A 25,000 a month lease billed for January and February (issued on the 1st)."""
    profile.late_fee_daily_rate = D(0)
    profile.save()
    contract = lease(park_a)
    run_month(park_a, d(2026, 1, 1))
    run_month(park_a, d(2026, 2, 1))
    return contract


def test_payment_settles_the_oldest_charge_first(billed):
    payment = pay(billed, "30000", d(2026, 2, 5))

    assert payment.allocated_amount == D(30000)
    assert open_amounts(billed) == [(d(2026, 2, 1), D("20000.00"))]
    assert payment.number.startswith("SK-CQ-A-202602-")
    assert AuditEntry.objects.filter(object_type="billing.payment", object_id=str(payment.pk)).exists()


def test_a_named_bill_is_paid_first(billed):
    february = Bill.objects.get(run__period=d(2026, 2, 1))

    pay(billed, "25000", d(2026, 2, 5), bill_ids=[february.pk])

    assert open_amounts(billed) == [(d(2026, 1, 1), D("25000.00"))]


def test_overpayment_stays_as_credit_and_settles_the_next_bill_at_issue(billed):
    payment = pay(billed, "60000", d(2026, 2, 5))
    assert (payment.allocated_amount, payment.unallocated) == (D(50000), D(10000))
    assert selectors.account_summary(payment.account).credit == D(10000)

    run_month(billed.park, d(2026, 3, 1))

    payment.refresh_from_db()
    assert payment.unallocated == D(0)
    assert open_amounts(billed) == [(d(2026, 3, 1), D("15000.00"))]


def test_partial_payments_add_up(billed):
    pay(billed, "10000", d(2026, 1, 10))
    pay(billed, "10000.01", d(2026, 1, 20))

    assert open_amounts(billed) == [(d(2026, 1, 1), D("4999.99")), (d(2026, 2, 1), D("25000.00"))]


def test_voiding_a_payment_reverses_its_allocations_and_keeps_the_history(billed):
    payment = pay(billed, "25000", d(2026, 1, 10))

    services.payment_void(payment=payment, actor=None, reason="匹配错企业")

    payment.refresh_from_db()
    assert (payment.allocated_amount, payment.voided_on is not None) == (D(0), True)
    assert open_amounts(billed)[0] == (d(2026, 1, 1), D("25000.00"))
    assert sorted(Allocation.objects.filter(payment=payment).values_list("amount", flat=True)) == [
        D("-25000.00"),
        D("25000.00"),
    ]
    with pytest.raises(ValidationError, match="已作废"):
        services.payment_void(payment=payment, actor=None, reason="again")


def test_payment_must_be_positive(billed):
    with pytest.raises(ValidationError):
        pay(billed, "0", d(2026, 1, 10))
    assert not Payment.objects.exists()


def test_credit_note_corrects_an_open_bill_without_editing_it(billed):
    january = Bill.objects.get(run__period=d(2026, 1, 1))
    line = january.lines.get()

    note = services.credit_note_issue(bill=january, amounts={line.pk: D("5000")}, reason="面积复核", actor=None)

    january.refresh_from_db()
    line.refresh_from_db()
    assert (january.total_amount, line.amount) == (D("25000.00"), D("25000.00"))  # never edited
    assert (note.kind, note.status, note.total_amount, note.tax_amount) == (
        BillKind.CREDIT_NOTE,
        BillStatus.ISSUED,
        D("-5000.00"),
        D("-412.84"),
    )
    assert note.number.startswith("HC-")
    assert line.outstanding == D("20000.00")


def test_credit_note_on_a_paid_line_turns_the_payment_into_credit(billed):
    january = Bill.objects.get(run__period=d(2026, 1, 1))
    line = january.lines.get()
    payment = pay(billed, "25000", d(2026, 1, 5))

    services.credit_note_issue(bill=january, amounts={line.pk: D("25000")}, reason="免收一月租金", actor=None)

    payment.refresh_from_db()
    line.refresh_from_db()
    assert payment.unallocated == D(25000)
    assert line.outstanding == 0
    assert line.allocations.filter(kind=AllocationKind.CREDIT_NOTE).get().amount == D(25000)
    with pytest.raises(ValidationError, match=r"可冲销金额为 0\.00 元"):
        services.credit_note_issue(bill=january, amounts={line.pk: D("1")}, reason="again", actor=None)


def test_credit_note_needs_a_reason_and_an_issued_bill(billed, park_a):
    january = Bill.objects.get(run__period=d(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.credit_note_issue(bill=january, amounts={january.lines.get().pk: D(1)}, reason=" ", actor=None)
    assert not Bill.objects.filter(kind=BillKind.CREDIT_NOTE).exists()


def test_write_off_needs_a_second_person(billed, alice, bob):
    account = Account.objects.get(enterprise=billed.enterprise)
    line = BillLine.objects.get(bill__run__period=d(2026, 1, 1))
    request = services.write_off_request(account=account, amounts={line.pk: D("25000")}, reason="企业注销", actor=bob)

    with pytest.raises(ValidationError, match="申请人以外"):
        services.write_off_decide(write_off=request, approve=True, actor=bob)
    line.refresh_from_db()
    assert line.outstanding == D(25000)

    services.write_off_decide(write_off=request, approve=True, actor=alice, note="同意")

    line.refresh_from_db()
    request.refresh_from_db()
    assert (request.status, line.outstanding) == (WriteOffStatus.APPROVED, D(0))
    assert AuditEntry.objects.filter(object_type="billing.writeoff", actor=alice).exists()


def test_rejected_write_off_changes_nothing(billed, alice, bob):
    account = Account.objects.get(enterprise=billed.enterprise)
    line = BillLine.objects.get(bill__run__period=d(2026, 1, 1))
    request = services.write_off_request(account=account, amounts={line.pk: D("100")}, reason="x", actor=bob)

    services.write_off_decide(write_off=request, approve=False, actor=alice)

    line.refresh_from_db()
    assert line.outstanding == D(25000)
    assert not Allocation.objects.filter(kind=AllocationKind.WRITE_OFF).exists()


def test_write_off_beyond_what_is_open_is_refused(billed, bob):
    account = Account.objects.get(enterprise=billed.enterprise)
    line = BillLine.objects.get(bill__run__period=d(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.write_off_request(account=account, amounts={line.pk: D("25000.01")}, reason="x", actor=bob)


def test_deposit_billed_paid_held_offset_and_refunded(park_a, profile):
    profile.late_fee_daily_rate = D(0)
    profile.save()
    contract = lease(park_a, deposit=D("50000"))
    run_month(park_a, d(2026, 1, 1))
    pay(contract, "50000", d(2026, 1, 2), bill_ids=[])  # settles the deposit line first (due on signing)
    assert services.deposit_held(contract.pk) == D(50000)
    assert open_amounts(contract) == [(d(2026, 1, 1), D("25000.00"))]

    with pytest.raises(ValidationError, match="未结清"):
        services.deposit_refund(contract=contract, amount=D(1000), actor=None)
    services.deposit_offset(contract=contract, actor=None)

    assert services.deposit_held(contract.pk) == D(25000)
    assert open_amounts(contract) == []
    with pytest.raises(ValidationError, match="余额"):
        services.deposit_refund(contract=contract, amount=D("25000.01"), actor=None)
    services.deposit_refund(contract=contract, amount=D(25000), actor=None, note="退租")
    assert services.deposit_held(contract.pk) == D(0)


def test_the_database_refuses_to_settle_a_line_twice(billed):
    """The last guard: even a buggy caller cannot settle beyond the amount."""
    from django.db import IntegrityError, transaction  # noqa: PLC0415

    line = BillLine.objects.get(bill__run__period=d(2026, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        BillLine.objects.filter(pk=line.pk).update(settled_amount=line.amount + D("0.01"))


def test_deposit_line_has_no_invoice_and_rent_late_fee_follows_rent_tax(park_a, profile):
    contract = lease(park_a, deposit=D(1000))
    run_month(park_a, d(2026, 1, 1))
    february = run_month(park_a, d(2026, 2, 1))

    assert BillLine.objects.get(kind=ChargeKind.DEPOSIT).invoice_item == ""
    fee = BillLine.objects.filter(bill__run=february, kind=ChargeKind.LATE_FEE, source_id__isnull=False)
    assert {line.tax_rate for line in fee} == {D("0.0900")}
    assert contract.pk
