"""Billing's raw SQL under Django's debug cursor (DEBUG on: `make dev`, the development server).

The debug cursor formats every statement with its parameters (`sql % params`) to record it in
`connection.queries`, so a literal `%` in SQL run with parameters (a strftime pattern, a printf
format) must be written `%%`. Tests run with DEBUG off; `CaptureQueriesContext` forces the debug cursor.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.billing import billrun, selectors, services
from parkos.billing.choices import ChargeKind
from parkos.billing.models import Bill, BillLine, Reminder
from parkos.billing.tests.factories import lease, run_month

pytestmark = pytest.mark.django_db
d = datetime.date


def test_bill_runs_late_fees_reminders_and_ageing_run_under_the_debug_cursor(park_a, profile):
    """A partial first month (the description's dates), a late fee, reminders and the reports, all
    with every statement recorded; the figures are those of the late-fee vector in test_billrun."""
    profile.go_live_on = d(2025, 10, 1)
    profile.save()
    lease(park_a, start_on=d(2025, 10, 10), end_on=d(2026, 9, 30), rent_per_sqm_month=D(10))

    with CaptureQueriesContext(connection) as captured:
        october = run_month(park_a, d(2025, 10, 1))
        november = run_month(park_a, d(2025, 11, 1))
        sent = services.reminders_send_due(park_ids=[park_a.pk], today=d(2025, 12, 15))
        ageing = selectors.ageing_report(park_ids=[park_a.pk], as_of=d(2025, 12, 15), group_by="park")
        reconciled = selectors.reconciliation(park_ids=[park_a.pk], year=2025, month=11, today=d(2025, 12, 15))

    # The rent line's description carries its formatted month and days, number its padded sequence.
    rent = BillLine.objects.get(bill__run=october, kind=ChargeKind.RENT)
    assert rent.description.startswith("租金 2025年10月（10-10至10-31）")
    assert rent.charge_key == f"rent:{rent.contract_id}:202510"
    assert Bill.objects.get(run=october).number == f"ZD-{park_a.code}-202510-00001"
    # 10,000 × 22/31 = 7,096.77 due 10-10 (a working day), unpaid: 21 days late by 10-31 × 0.05 %.
    fee = BillLine.objects.get(bill__run=november, kind=ChargeKind.LATE_FEE)
    assert fee.amount == D("74.52")
    assert sent == 1
    assert Reminder.objects.count() == 1
    november_total = Bill.objects.get(run=november).total_amount
    assert ageing.totals.total == rent.amount + november_total
    assert not reconciled.rent_differences
    assert reconciled.billed_rent_total == reconciled.rent_roll_total == D(10000)
    recorded = "\n".join(query["sql"] for query in captured.captured_queries)
    assert "INSERT INTO billing_billline" in recorded
    assert "INSERT INTO billing_bill " in recorded


@pytest.mark.parametrize(
    ("sampled_rows", "sampled_pages", "pages", "stale"),
    [
        (-1, 0, 0, True),  # never sampled
        (0, 0, 9, True),  # sampled while empty, loaded since
        (0, 0, 8, False),  # a few pages: not worth a sample
        (432_000, 3_000, 3_608, False),  # a month's bills later: the accruals have not changed
        (432_000, 3_000, 3_609, True),  # a fifth larger
    ],
)
def test_statistics_are_stale_when_never_taken_or_the_table_grew(sampled_rows, sampled_pages, pages, stale):
    assert billrun.statistics_stale(sampled_rows=sampled_rows, sampled_pages=sampled_pages, pages=pages) is stale


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_a_run_after_a_run_does_not_sample_the_unchanged_accruals_again(park_a, profile):
    """The demo's 72 runs sampled the month table 72 times (28 s); a run samples it only when stale."""
    lease(park_a)
    lease(park_a, code="A1-102")
    run_month(park_a, d(2026, 1, 1))

    with CaptureQueriesContext(connection) as second:
        run_month(park_a, d(2026, 2, 1))

    statements = [query["sql"] for query in second.captured_queries]
    assert any("FROM pg_class" in sql for sql in statements)
    assert 'ANALYZE "leasing_contractmonth"' not in statements
    assert BillLine.objects.filter(kind=ChargeKind.RENT).count() == 4
