"""Billing pages through the personas: every page renders, documents download, tenants see their own."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkos.billing import services
from parkos.billing.models import Account, BankStatementLine, Bill, BillRun, InvoiceRequest, Payment
from parkos.billing.tests.factories import lease, run_month
from parkos.enterprises.tests.factories import valid_code

pytestmark = pytest.mark.django_db
d = datetime.date


@pytest.fixture
def billed(park_a, profile, erin):
    """A tenant of park A with January billed and half paid; erin is its user."""
    contract = lease(park_a, property_fee_per_sqm_month=D("3.50"))
    run_month(park_a, d(2026, 1, 1))
    services.payment_record(
        park=park_a,
        enterprise=contract.enterprise,
        data=services.PaymentInput(amount=D(10000), received_on=d(2026, 1, 5), payer_name="付款人"),
        actor=None,
    )
    erin.enterprise = contract.enterprise
    erin.save()
    return contract


def staff_urls(contract):
    bill = Bill.objects.get()
    account = Account.objects.get()
    payment = Payment.objects.get()
    run = BillRun.objects.get()
    return [
        reverse("billing:home"),
        reverse("billing:run_list"),
        reverse("billing:run_detail", args=[run.pk]),
        reverse("billing:bill_list"),
        reverse("billing:bill_list") + "?open=true&overdue=true&q=ZD",
        reverse("billing:bill_detail", args=[bill.pk]),
        reverse("billing:credit_note", args=[bill.pk]),
        reverse("billing:account_detail", args=[account.pk]),
        reverse("billing:write_off_request", args=[account.pk]),
        reverse("billing:write_off_list"),
        reverse("billing:payment_list"),
        reverse("billing:payment_create"),
        reverse("billing:payment_detail", args=[payment.pk]),
        reverse("billing:statement_list"),
        reverse("billing:ageing"),
        reverse("billing:ageing") + "?group=park&as_of=2026-02-28",
        reverse("billing:reconciliation") + "?year=2026&month=1",
        reverse("billing:reminder_list"),
        reverse("billing:invoice_list"),
        reverse("billing:charges"),
        reverse("billing:settings"),
    ]


def test_every_staff_page_renders(client_for, billed):
    client = client_for("alice")
    for url in staff_urls(billed):
        response = client.get(url)
        assert response.status_code == 200, url
        assert billed.enterprise.name in response.content.decode() or "账单与收款" in response.content.decode(), url


def test_pages_render_in_english_too(client_for, billed):
    client = client_for("alice")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("billing:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reconciliation" in page
    assert "Receivables outstanding" in page
    assert "账龄分析" not in page


def test_bill_pdf_and_workbooks(client_for, billed):
    client = client_for("bob")
    bill = Bill.objects.get()

    pdf = client.get(reverse("billing:bill_pdf", args=[bill.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    sheet = client.get(reverse("billing:bill_xlsx", args=[bill.pk]))
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "账单号"
    assert {row[0] for row in rows[1:]} == {bill.number}
    assert sum(row[10] for row in rows[1:]) == 28500

    ageing = client.get(reverse("billing:ageing") + "?format=xlsx&as_of=2026-01-31")
    rows = list(load_workbook(io.BytesIO(ageing.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == billed.enterprise.name
    assert rows[-1][-1] == 18500  # the totals row: 28,500 billed, 10,000 paid

    run = client.get(reverse("billing:run_detail", args=[bill.run_id]) + "?format=xlsx")
    assert run.status_code == 200


def test_tenant_sees_own_bills_and_requests_an_invoice(client_for, billed, park_a):
    client = client_for("erin")
    bill = Bill.objects.get()

    home = client.get(reverse("web:dashboard")).content.decode()
    assert "我的账单" in home
    assert "18,500.00" in home
    listing = client.get(reverse("billing:tenant_bills")).content.decode()
    assert bill.number in listing
    assert client.get(reverse("billing:tenant_bill_pdf", args=[bill.pk])).status_code == 200

    response = client.post(
        reverse("billing:tenant_bill", args=[bill.pk]),
        {"invoice_type": "special", "buyer_name": billed.enterprise.name, "buyer_credit_code": valid_code()},
    )
    assert response.status_code == 302
    assert InvoiceRequest.objects.filter(bill=bill).count() == 2  # rent, and the property fee


def test_tenant_cannot_see_another_tenants_bill_or_staff_pages(client_for, billed, park_a):
    other = lease(park_a, code="A1-109")
    run_month(park_a, d(2026, 2, 1))
    foreign = Bill.objects.get(account__enterprise=other.enterprise)
    client = client_for("erin")

    assert client.get(reverse("billing:tenant_bill", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("billing:bill_detail", args=[foreign.pk])).status_code == 403
    assert client.get(reverse("billing:home")).status_code == 403


def test_officer_runs_a_month_from_the_pages(client_for, park_a, profile):
    lease(park_a)
    client = client_for("bob")

    response = client.post(reverse("billing:run_start"), {"park": park_a.pk, "period": "2026-01"})
    run = BillRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    for action in ("approve", "issue"):
        client.post(reverse("billing:run_action", args=[run.pk, action]))
    run.refresh_from_db()
    assert (run.status, run.bills_count) == ("issued", 1)


def test_statement_import_through_the_page(client_for, billed, park_a):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    text = (
        f"交易日期,收入金额,支出金额,对方户名,摘要,交易流水号\n2026-01-20,18500.00,,{billed.enterprise.name},一月,X1\n"
    )
    upload = SimpleUploadedFile("jan.csv", text.encode("gbk"), content_type="text/csv")
    response = client_for("bob").post(
        reverse("billing:statement_list"),
        {"park": park_a.pk, "layout": "builtin:中国农业银行", "file": upload, "auto_match": "on"},
    )
    assert response.status_code == 302
    assert BankStatementLine.objects.get().status == "matched"
    assert Bill.objects.get().lines.filter(settled_amount__lt=D(1)).count() == 0


def test_statement_import_explains_a_file_it_cannot_read(client_for, billed, park_a):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    upload = SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client_for("bob").post(
        reverse("billing:statement_list"), {"park": park_a.pk, "layout": "builtin:中国工商银行", "file": upload}
    )
    assert response.status_code == 200
    assert "未找到" in response.content.decode()
    assert not BankStatementLine.objects.exists()


def test_run_list_query_count_is_bounded(client_for, billed, django_assert_max_num_queries):
    client = client_for("alice")
    with django_assert_max_num_queries(12):
        client.get(reverse("billing:bill_list"))
