"""Ageing at any date, reminders on working days, 发票 records, reconciliation equalities."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from parkos.billing import invoicing, selectors, services
from parkos.billing.choices import InvoiceRequestStatus, InvoiceScope
from parkos.billing.models import Account, Bill, BillLine, Reminder
from parkos.billing.tests.factories import lease, run_month
from parkos.enterprises.tests.factories import valid_code
from parkos.incubation import hooks as incubation_hooks
from parkos.leasing import services as leasing_services

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def quarter(park_a, profile):
    """One lease billed January to March 2026 (25,000 a month, due on the 1st), no late fees."""
    profile.late_fee_daily_rate = D(0)
    profile.save()
    contract = lease(park_a)
    for month in (1, 2, 3):
        run_month(park_a, d(2026, month, 1))
    return contract


def pay(contract, amount, on):
    return services.payment_record(
        park=contract.park,
        enterprise=contract.enterprise,
        data=services.PaymentInput(amount=D(amount), received_on=on),
        actor=None,
    )


def buckets(report):
    return {k: v for k, v in report.totals.buckets.items() if v}


def test_ageing_at_any_date(quarter, park_a):
    pay(quarter, "25000", d(2026, 2, 20))  # pays January, late

    # On 02-10 nothing had been paid: January is 40 days old, February 9.
    assert buckets(selectors.ageing_report(park_ids=[park_a.pk], as_of=d(2026, 2, 10))) == {
        "d31_90": D("25000.00"),
        "d0_30": D("25000.00"),
    }
    # On 03-31 January is paid; February is 58 days old, March 30.
    report = selectors.ageing_report(park_ids=[park_a.pk], as_of=d(2026, 3, 31))
    assert buckets(report) == {"d31_90": D("25000.00"), "d0_30": D("25000.00")}
    assert report.totals.total == D("50000.00")
    # Before a bill was issued it is not there at all; per tenant and per park the totals agree.
    assert selectors.ageing_report(park_ids=[park_a.pk], as_of=d(2025, 12, 31)).totals.total == 0
    by_park = selectors.ageing_report(park_ids=[park_a.pk], as_of=d(2026, 3, 31), group_by="park")
    assert [(row.label, row.total) for row in by_park.rows] == [(park_a.name, D("50000.00"))]
    tenant = selectors.ageing_report(park_ids=None, as_of=d(2026, 3, 31)).rows[0]
    assert (tenant.label, tenant.overdue) == (quarter.enterprise.name, D("50000.00"))


def test_ageing_counts_credit_notes_and_write_offs_from_their_dates(quarter, park_a, alice, bob):
    january = Bill.objects.get(run__period=d(2026, 1, 1))
    services.credit_note_issue(
        bill=january, amounts={january.lines.get().pk: D(5000)}, reason="x", actor=alice, on_date=d(2026, 3, 5)
    )

    assert selectors.ageing_report(park_ids=[park_a.pk], as_of=d(2026, 3, 4)).totals.total == D("75000.00")
    assert selectors.ageing_report(park_ids=[park_a.pk], as_of=d(2026, 3, 5)).totals.total == D("70000.00")


def test_reminders_escalate_on_working_days_and_go_out_once(quarter, park_a):
    # 2026-01-03 (Saturday) is the 元旦 holiday: nothing is sent on a day off.
    assert services.reminders_send_due(today=d(2026, 1, 3)) == 0
    # Sunday 01-04 is a make-up working day: by Monday 01-05 the rent is 2 working days late; level 1 needs 3.
    assert services.reminders_send_due(today=d(2026, 1, 5)) == 0
    assert services.reminders_send_due(today=d(2026, 1, 6)) == 1
    assert services.reminders_send_due(today=d(2026, 1, 8)) == 0  # idempotent: level 1 went out
    assert services.reminders_send_due(today=d(2026, 1, 14)) == 0  # 9 working days; level 2 needs 10
    assert services.reminders_send_due(today=d(2026, 1, 15)) == 1
    first, second = Reminder.objects.order_by("sent_at")
    assert (first.level, second.level) == (1, 2)
    assert "25,000.00" in first.body
    assert first.overdue_since == d(2026, 1, 1)


def test_an_officer_sends_the_level_due_or_the_next(quarter, park_a, bob):
    account = Account.objects.get(enterprise=quarter.enterprise)

    reminder = services.reminder_send(account=account, actor=bob, today=d(2026, 1, 6))

    assert reminder.level == 1
    assert services.reminder_send(account=account, actor=bob, today=d(2026, 1, 6)).level == 2
    with pytest.raises(ValidationError):
        services.reminder_send(account=account, actor=bob, level=2, today=d(2026, 1, 6))


def test_invoice_requests_validate_the_buyer_and_split_rent(park_a, profile, bob):
    contract = lease(park_a, property_fee_per_sqm_month=D("3.50"), deposit=D(1000))
    run_month(park_a, d(2026, 1, 1))
    bill = Bill.objects.get()
    bad = services.Buyer(name="", credit_code="91110000600037341N", bank="工行", bank_account="12a")

    with pytest.raises(ValidationError) as error:
        services.invoice_request_create(bill=bill, buyer=bad, invoice_type="special", actor=bob)
    assert set(error.value.message_dict) == {"buyer_name", "buyer_credit_code", "buyer_bank_account"}
    assert "校验位不正确" in error.value.message_dict["buyer_credit_code"][0]

    buyer = services.Buyer(
        name=contract.enterprise.name,
        credit_code=valid_code().lower(),
        bank="工商银行重庆分行",
        bank_account="3100 0211 0902 4588 888",
    )
    rent, other = services.invoice_request_create(bill=bill, buyer=buyer, invoice_type="special", actor=bob)

    assert (rent.scope, rent.amount) == (InvoiceScope.LEASE, D("25000.00"))
    assert (other.scope, other.amount) == (InvoiceScope.OTHER, D("3500.00"))  # the deposit takes a receipt
    assert rent.buyer_credit_code == rent.buyer_credit_code.upper()
    with pytest.raises(ValidationError, match="已有开票申请"):
        services.invoice_request_create(bill=bill, buyer=buyer, invoice_type="special", actor=bob)

    workbook = load_workbook(__import__("io").BytesIO(_saved(invoicing.export_workbook([rent, other]))))
    assert workbook.sheetnames == ["1-发票基本信息", "2-发票明细信息", "3-不动产经营租赁"]
    assert [c.value for c in workbook["2-发票明细信息"][2]][1] == "*经营租赁*房屋租金"
    assert workbook["3-不动产经营租赁"].max_row == 2  # the rent invoice only

    with pytest.raises(ValidationError):
        services.invoice_record_issued(request=rent, number="123", issued_on=d(2026, 1, 10), actor=bob)
    services.invoice_record_issued(request=rent, number="26502000000012345678", issued_on=d(2026, 1, 10), actor=bob)
    rent.refresh_from_db()
    assert rent.status == InvoiceRequestStatus.ISSUED
    with pytest.raises(ValidationError, match="已登记"):
        services.invoice_record_issued(
            request=other, number="26502000000012345678", issued_on=d(2026, 1, 10), actor=bob
        )


def _saved(workbook):
    import io  # noqa: PLC0415

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_reconciliation_balances_and_lists_a_termination_after_billing(quarter, park_a, alice):
    pay(quarter, "30000", d(2026, 2, 1))
    result = selectors.reconciliation(park_ids=[park_a.pk], year=2026, month=2)
    assert result.balanced
    assert (result.rent_roll_total, result.billed_rent_total) == (D("25000.00"), D("25000.00"))
    assert result.billed == result.collected + result.credited + result.written_off + result.outstanding
    assert result.payments_total == result.payments_allocated + result.payments_credit

    # Terminated on 03-15 after March was billed in full: the roll shrinks, the bill does not.
    leasing_services.contract_terminate(contract=quarter, terminated_on=d(2026, 3, 15), reason="other", actor=alice)
    march = selectors.reconciliation(park_ids=[park_a.pk], year=2026, month=3)
    assert not march.balanced
    assert [(x.number, x.rent_roll, x.billed) for x in march.rent_differences] == [
        (quarter.number, D("12096.77"), D("25000.00"))  # 15/31 of 25,000
    ]

    # The credit note for the difference balances it again.
    line = BillLine.objects.get(bill__run__period=d(2026, 3, 1), kind="rent")
    services.credit_note_issue(
        bill=line.bill, amounts={line.pk: D("12903.23")}, reason="提前退租", actor=alice, on_date=d(2026, 3, 20)
    )
    assert selectors.reconciliation(park_ids=[park_a.pk], year=2026, month=3).balanced


def test_reconciliation_catches_a_ledger_tampered_with(quarter, park_a):
    line = BillLine.objects.get(bill__run__period=d(2026, 1, 1))
    BillLine.objects.filter(pk=line.pk).update(settled_amount=D(100))  # not through a service

    result = selectors.reconciliation(park_ids=[park_a.pk], year=2026, month=1)

    assert not result.balanced
    assert [row[0] for row in result.ledger_differences] == [line.pk]


def test_arrears_feed_the_incubation_early_warning(quarter, park_a):
    """January's rent is paid; as of 04-15 February's and March's are not (the oldest 73 days overdue)."""
    tenant = quarter.enterprise
    pay(quarter, 25000, d(2026, 1, 5))
    [source] = [s for s in incubation_hooks.risk_signal_sources() if s.key == "arrears"]

    signal = source.provider([tenant.pk], d(2026, 4, 15))[tenant.pk]

    assert signal.score == 25
    assert signal.reason == "逾期欠费 50,000.00 元，最长逾期31–90天"
    assert signal.evidence_url == f"/billing/accounts/{Account.objects.get().pk}/"
    assert selectors.arrears_signals([tenant.pk], d(2026, 2, 1)) == {}  # January's paid, February's due today
    assert selectors.arrears_signals([tenant.pk], d(2026, 8, 1))[tenant.pk].score == 50
