"""Authorization cases of the billing app: every page and API operation (structure: tests/authz/framework.py).

Park A bills (the operator-wide billing profile); tina's enterprise leases a unit there and has an
issued January bill, an account, a payment, a write-off request, a 发票 request and a bank statement
line. Reading needs billing rights in the park (MANAGE_BILLING: alice, bob; carol's role has none);
approving (run approval, credit notes, deposits, write-offs, settings) needs APPROVE_BILLING; tenants
see their own bills under /billing/my/.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from parkos.billing import services
from parkos.billing.choices import InvoiceType, StatementLineStatus
from parkos.billing.models import Account, BankStatement, BankStatementLine, Bill, BillRun
from parkos.billing.tests.factories import billing_profile, lease, run_month
from tests.authz.framework import (
    API_STAFF_IN_PARK_A,
    STAFF_IN_PARK_A,
    Target,
    World,
    api,
    every,
    expect,
    operation,
    page,
    pk,
    ui,
)

JANUARY = datetime.date(2026, 1, 1)
# Billing in park A: MANAGE_BILLING (alice, bob); carol's role has no billing, dave bills in B only.
BILLING_A = expect(STAFF_IN_PARK_A, carol=403)
API_BILLING_A = expect(API_STAFF_IN_PARK_A, carol=403)
# Lists and forms without an object: any park one bills in (dave bills in B).
BILLING_ANY = expect(BILLING_A, dave=200)
# A form's POST redirects when done (or refused with a message).
BILLING_A_POST = expect(BILLING_A, alice=302, bob=302)
TENANT_ONLY = expect(every(403), tina=200, anonymous=302)
# API lists: scoped to the caller's parks (dave's lists are empty, not refused).
API_BILLING_LIST = expect(API_BILLING_A, dave=200)


def issued(w: World) -> BillRun:
    """Park A's January run, issued: one bill to tina's enterprise."""

    def build(w: World) -> BillRun:
        billing_profile(park=None)
        w.get("lease_a", lambda w: lease(w.park_a, enterprise=w.enterprise_a(), code="AZ9-101"))
        return run_month(w.park_a, JANUARY)

    return w.get("run_a", build)


def bill(w: World) -> Bill:
    issued(w)
    return w.get("bill_a", lambda w: Bill.objects.filter(park=w.park_a).order_by("pk").first())


def account(w: World) -> Account:
    issued(w)
    return w.get("account_a", lambda w: Account.objects.get(park=w.park_a, enterprise=w.enterprise_a()))


def contract(w: World):
    issued(w)
    return w.get("lease_a", lambda w: None)


def preview(w: World) -> BillRun:
    """February's run, generated but not approved."""
    issued(w)
    return w.get("run_a_feb", lambda w: run_month(w.park_a, datetime.date(2026, 2, 1), issue=False))


def payment(w: World):
    return w.get(
        "payment_a",
        lambda w: services.payment_record(
            park=w.park_a,
            enterprise=w.enterprise_a(),
            data=services.PaymentInput(amount=Decimal(100), received_on=datetime.date(2026, 1, 20)),
            actor=None,
            allocate=False,
        ),
    )


def write_off(w: World):
    return w.get(
        "write_off_a",
        lambda w: services.write_off_request(
            account=account(w), amounts={bill(w).lines.first().pk: Decimal(10)}, reason="矩阵核销", actor=w.users["bob"]
        ),
    )


def invoice_request(w: World):
    return w.get(
        "invoice_a",
        lambda w: services.invoice_request_create(
            bill=bill(w),
            buyer=services.Buyer(name=w.enterprise_a().name, credit_code="91350100M000100Y43"),
            invoice_type=InvoiceType.NORMAL,
            actor=None,
        )[0],
    )


def statement_line(w: World) -> BankStatementLine:
    def build(w: World) -> BankStatementLine:
        statement = BankStatement.objects.create(
            park=w.park_a, layout="icbc", file_name="矩阵流水.xlsx", file_sha256="0" * 64
        )
        return BankStatementLine.objects.create(
            statement=statement,
            park=w.park_a,
            row_number=2,
            booked_on=datetime.date(2026, 1, 21),
            amount=Decimal(50),
            payer_name="矩阵付款人",
            dedupe_key="matrix-line-1",
            status=StatementLineStatus.UNMATCHED,
        )

    return w.get("statement_line_a", build)


def _park(w: World) -> dict:
    issued(w)
    return {"park": w.park_a.pk}


CASES = [
    page("billing:home", "GET", target=ui("billing:home", data=_park), expect=BILLING_ANY),
    page("billing:run_list", "GET", target=ui("billing:run_list", data=_park), expect=BILLING_ANY),
    # dave's form offers his parks only: park A is refused by the form (a message, nothing started).
    page(
        "billing:run_start",
        "POST",
        target=ui("billing:run_start", data=_park),
        expect=expect(BILLING_A_POST, dave=302),
    ),
    page("billing:run_detail", "GET", target=ui("billing:run_detail", pk(issued)), expect=BILLING_A),
    page(
        "billing:run_action",
        "POST",
        target=ui("billing:run_action", pk(preview), "approve", watch=[preview]),
        expect=BILLING_A_POST,
    ),
    page("billing:bill_list", "GET", target=ui("billing:bill_list", data=_park), expect=BILLING_ANY),
    page(
        "billing:bill_detail",
        "GET",
        target=lambda w: Target(reverse("billing:bill_detail", args=[bill(w).pk]), secret=bill(w).number),
        expect=BILLING_A,
    ),
    page("billing:bill_pdf", "GET", target=ui("billing:bill_pdf", pk(bill)), expect=BILLING_A),
    page("billing:bill_xlsx", "GET", target=ui("billing:bill_xlsx", pk(bill)), expect=BILLING_A),
    page("billing:credit_note", "GET", target=ui("billing:credit_note", pk(bill)), expect=BILLING_A),
    page(
        "billing:credit_note",
        "POST",
        target=ui("billing:credit_note", pk(bill), watch=[bill]),
        expect=BILLING_A,
    ),
    page(
        "billing:invoice_request",
        "POST",
        target=ui("billing:invoice_request", pk(bill), watch=[bill]),
        expect=expect(BILLING_A_POST, alice=200, bob=200),  # an empty form is shown again with its errors
    ),
    page("billing:account_detail", "GET", target=ui("billing:account_detail", pk(account)), expect=BILLING_A),
    page(
        "billing:account_action",
        "POST",
        target=ui("billing:account_action", pk(account), "apply-credit", watch=[account]),
        expect=BILLING_A_POST,
    ),
    page("billing:write_off_request", "GET", target=ui("billing:write_off_request", pk(account)), expect=BILLING_A),
    page(
        "billing:write_off_request",
        "POST",
        target=ui("billing:write_off_request", pk(account), watch=[account]),
        expect=BILLING_A,
    ),
    page(
        "billing:deposit_action",
        "POST",
        target=ui("billing:deposit_action", pk(contract), "refund", watch=[contract]),
        expect=BILLING_A_POST,
    ),
    page("billing:write_off_list", "GET", target=ui("billing:write_off_list", data=_park), expect=BILLING_ANY),
    page(
        "billing:write_off_decide",
        "POST",
        target=ui("billing:write_off_decide", pk(write_off), data={"decision": "approve"}, watch=[write_off]),
        expect=BILLING_A_POST,
    ),
    page("billing:payment_list", "GET", target=ui("billing:payment_list", data=_park), expect=BILLING_ANY),
    page("billing:payment_create", "GET", target=ui("billing:payment_create", data=_park), expect=BILLING_ANY),
    page("billing:payment_create", "POST", target=ui("billing:payment_create"), expect=BILLING_ANY),
    page("billing:payment_detail", "GET", target=ui("billing:payment_detail", pk(payment)), expect=BILLING_A),
    page(
        "billing:payment_action",
        "POST",
        target=ui("billing:payment_action", pk(payment), "allocate", watch=[payment]),
        expect=BILLING_A_POST,
    ),
    page("billing:statement_list", "GET", target=ui("billing:statement_list", data=_park), expect=BILLING_ANY),
    page("billing:statement_list", "POST", target=ui("billing:statement_list"), expect=BILLING_ANY),
    page(
        "billing:statement_detail",
        "GET",
        target=lambda w: Target(reverse("billing:statement_detail", args=[statement_line(w).statement_id])),
        expect=BILLING_A,
    ),
    page(
        "billing:statement_line_action",
        "POST",
        target=ui("billing:statement_line_action", pk(statement_line), "ignore", watch=[statement_line]),
        expect=BILLING_A_POST,
    ),
    page("billing:ageing", "GET", target=ui("billing:ageing", data=_park), expect=BILLING_ANY),
    page("billing:reconciliation", "GET", target=ui("billing:reconciliation", data=_park), expect=BILLING_ANY),
    page("billing:reminder_list", "GET", target=ui("billing:reminder_list", data=_park), expect=BILLING_ANY),
    page(
        "billing:reminder_list",
        "POST",
        target=ui("billing:reminder_list"),
        expect=expect(BILLING_ANY, alice=302, bob=302, dave=302),
    ),
    page("billing:invoice_list", "GET", target=ui("billing:invoice_list", data=_park), expect=BILLING_ANY),
    page(
        "billing:invoice_action",
        "POST",
        target=ui("billing:invoice_action", pk(invoice_request), "cancel", watch=[invoice_request]),
        expect=BILLING_A_POST,
    ),
    page("billing:charges", "GET", target=ui("billing:charges", data=_park), expect=BILLING_ANY),
    page("billing:charges", "POST", target=ui("billing:charges"), expect=BILLING_ANY),
    page("billing:settings", "GET", target=ui("billing:settings", data=_park), expect=BILLING_ANY),
    page("billing:settings", "POST", target=ui("billing:settings"), expect=BILLING_ANY),
    # Tenants: their own bills only.
    page("billing:tenant_bills", "GET", target=ui("billing:tenant_bills", data=_park), expect=TENANT_ONLY),
    page(
        "billing:tenant_bill",
        "GET",
        target=lambda w: Target(reverse("billing:tenant_bill", args=[bill(w).pk])),
        expect=TENANT_ONLY,
    ),
    page(
        "billing:tenant_bill",
        "POST",
        target=ui("billing:tenant_bill", pk(bill), watch=[bill]),
        expect=TENANT_ONLY,
    ),
    page("billing:tenant_bill_pdf", "GET", target=ui("billing:tenant_bill_pdf", pk(bill)), expect=TENANT_ONLY),
    # --- API -------------------------------------------------------------------------------------------------
    operation("GET", "/api/billing/bill-runs/", target=api("/api/billing/bill-runs/"), expect=API_BILLING_LIST),
    operation(
        "POST",
        "/api/billing/bill-runs/",
        target=lambda w: Target(
            "/api/billing/bill-runs/", data={"park": _park(w)["park"], "period": "2026-03-01"}, json=True
        ),
        expect=expect(API_BILLING_A, alice=201, bob=201),
    ),
    operation(
        "GET", "/api/billing/bill-runs/{id}/", target=api("/api/billing/bill-runs/{id}/", issued), expect=API_BILLING_A
    ),
    operation(
        "POST",
        "/api/billing/bill-runs/{id}/approve/",
        target=api("/api/billing/bill-runs/{id}/approve/", preview),
        expect=API_BILLING_A,
    ),
    operation(
        "POST",
        "/api/billing/bill-runs/{id}/issue/",
        target=api("/api/billing/bill-runs/{id}/issue/", preview),
        expect=expect(API_BILLING_A, alice=400, bob=400),
    ),
    operation(
        "POST",
        "/api/billing/bill-runs/{id}/discard/",
        target=api("/api/billing/bill-runs/{id}/discard/", preview),
        expect=API_BILLING_A,
    ),
    operation("GET", "/api/billing/bills/", target=api("/api/billing/bills/"), expect=API_BILLING_LIST),
    operation("GET", "/api/billing/bills/{id}/", target=api("/api/billing/bills/{id}/", bill), expect=API_BILLING_A),
    operation(
        "POST",
        "/api/billing/bills/{id}/credit-note/",
        target=api("/api/billing/bills/{id}/credit-note/", bill, data={"reason": "矩阵"}),
        expect=expect(API_BILLING_A, alice=400, bob=400),
    ),
    operation("GET", "/api/billing/payments/", target=api("/api/billing/payments/"), expect=API_BILLING_LIST),
    operation(
        "POST",
        "/api/billing/payments/",
        target=lambda w: Target(
            "/api/billing/payments/",
            data={"account": account(w).pk, "amount": "10.00", "received_on": "2026-01-05"},
            json=True,
            watch=(account(w),),
        ),
        expect=expect(API_BILLING_A, alice=201, bob=201),
    ),
    operation(
        "GET", "/api/billing/payments/{id}/", target=api("/api/billing/payments/{id}/", payment), expect=API_BILLING_A
    ),
    operation(
        "POST",
        "/api/billing/payments/{id}/allocate/",
        target=api("/api/billing/payments/{id}/allocate/", payment),
        expect=API_BILLING_A,
    ),
    operation(
        "POST",
        "/api/billing/payments/{id}/void/",
        target=api("/api/billing/payments/{id}/void/", payment, data={"reason": "矩阵"}),
        expect=API_BILLING_A,
    ),
    operation(
        "GET", "/api/billing/statement-lines/", target=api("/api/billing/statement-lines/"), expect=API_BILLING_LIST
    ),
    operation(
        "GET",
        "/api/billing/statement-lines/{id}/",
        target=api("/api/billing/statement-lines/{id}/", statement_line),
        expect=API_BILLING_A,
    ),
    operation(
        "POST",
        "/api/billing/statement-lines/{id}/match/",
        target=lambda w: Target(
            f"/api/billing/statement-lines/{statement_line(w).pk}/match/",
            data={"account": account(w).pk},
            json=True,
            watch=(statement_line(w),),
        ),
        expect=expect(API_BILLING_A, alice=201, bob=201),
    ),
    operation(
        "GET",
        "/api/billing/ageing/",
        target=lambda w: Target("/api/billing/ageing/", data=_park(w)),
        expect=API_BILLING_A,
    ),
    operation(
        "GET",
        "/api/billing/reconciliation/",
        target=lambda w: Target("/api/billing/reconciliation/", data=_park(w)),
        expect=API_BILLING_A,
    ),
]

# The lease and the issued January run (with February's preview) cost seconds to make: once for every
# billing case (tests/authz/test_matrix.py rolls each case back, so none sees another's writes).
SHARED = (issued, preview)
