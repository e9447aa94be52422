"""Billing: a month's bill run and ageing over the ledger, each against the raw SQL that does the same.

billing.bill_run — a park of 18,000 monthly leases (full; 1,800 small), each with 24 months of stored
accruals. The subject generates the run of one month (`bill_run_start` + `bill_run_generate`: the
preview, 18,000 bills of rent and property fee with VAT); every repeat bills the next month, as a
real month-end would. The floor is the raw SQL that inserts the same bills and lines (INSERT …
SELECT from the accruals, tax rounded in SQL) into tables of the same shape, indexes and constraints
(foreign keys included, checked at commit as the ledger's are).
Target ≤ 3×.

billing.ageing — 1,000,000 issued bill lines (full; 100,000 small) of 10,000 tenants, 70 % settled
(with the allocation rows that settled them), aged at a past date so settlements after it count as
open. The subject is `selectors.ageing_report` by tenant; the floor is the raw aggregate: one
SUM(CASE…) per bucket over the lines plus the same over the allocations dated after the date.
Target ≤ 3×.

Data are generated in SQL (or bulk inserts), once; the bill-run leases are removed afterwards so the
leasing benchmarks keep their portfolio.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.billing import billrun, selectors
from parkos.billing.models import BillingProfile
from parkos.enterprises.models import Enterprise
from parkos.leasing.choices import ContractKind, ContractStatus
from parkos.leasing.models import Contract
from parkos.parks.models import Park

RUN_PARK = "BENCH-BILL-RUN"
AGEING_PARK = "BENCH-AGEING"
FIRST_MONTH = datetime.date(2025, 1, 1)
MONTHS = 24
AGEING_AS_OF = datetime.date(2026, 3, 31)


def _vendor_sql(postgres: str, sqlite: str) -> str:
    return postgres if connection.vendor == "postgresql" else sqlite


def _execute(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _scalar(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _park(code: str, name: str) -> Park:
    park, _ = Park.objects.get_or_create(code=code, defaults={"name": name, "city": "重庆市"})
    BillingProfile.objects.get_or_create(
        park=park,
        defaults={"payee_name": "基准园区运营有限公司", "go_live_on": FIRST_MONTH, "late_fee_daily_rate": Decimal(0)},
    )
    return park


def _enterprises(prefix: str, count: int) -> list[int]:
    existing = list(Enterprise.objects.filter(name__startswith=prefix).order_by("pk").values_list("pk", flat=True))
    if len(existing) >= count:
        return existing[:count]
    Enterprise.objects.bulk_create(
        [Enterprise(name=f"{prefix}{i:06d}有限公司", name_key=f"{prefix}{i:06d}") for i in range(len(existing), count)],
        batch_size=5000,
    )
    return list(Enterprise.objects.filter(name__startswith=prefix).order_by("pk").values_list("pk", flat=True))


# --- The bill run --------------------------------------------------------------------------------


@transaction.atomic
def _leases(park: Park, count: int) -> None:
    """`count` monthly leases of 24 months from January 2025, with their stored accruals (SQL)."""
    enterprises = _enterprises("计费基准企业", count)
    end = datetime.date(FIRST_MONTH.year + MONTHS // 12, 1, 1) - datetime.timedelta(days=1)
    Contract.objects.bulk_create(
        [
            Contract(
                number=f"BB-{i:06d}",
                park=park,
                enterprise_id=enterprise,
                kind=ContractKind.LEASE,
                status=ContractStatus.SIGNED,
                signed_on=FIRST_MONTH,
                start_on=FIRST_MONTH,
                end_on=end,
                area_sqm=Decimal(100 + i % 900),
                rent_per_sqm_month=Decimal(20 + i % 20),
                payment_period="monthly",
                property_fee_per_sqm_month=Decimal("3.50"),
            )
            for i, enterprise in enumerate(enterprises)
        ],
        batch_size=5000,
    )
    # Whole months at one rate: the accrual is area × rate exactly (what `schedule.monthly_accruals` stores).
    months = _vendor_sql(
        "SELECT (%s::date + make_interval(months => g))::date AS month FROM generate_series(0, %s) g",
        "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < %s) "
        "SELECT date(%s, '+' || n || ' months') AS month FROM g",
    )
    params: list[Any] = [FIRST_MONTH, MONTHS - 1] if connection.vendor == "postgresql" else [MONTHS - 1, FIRST_MONTH]
    _execute(
        "INSERT INTO leasing_contractmonth (contract_id, park_id, month, rent, property_fee) "
        f"SELECT c.id, c.park_id, m.month, c.area_sqm * c.rent_per_sqm_month, c.area_sqm * 3.5 "
        f"FROM leasing_contract c CROSS JOIN ({months}) m WHERE c.park_id = %s",
        [*params, park.pk],
    )


def _clear_run_park(park: Park, *, leases: bool) -> None:
    """Remove the park's bills (and with `leases`, its leases, accruals and tenants)."""
    for table in ("bench_billline", "bench_bill"):  # they point at the park's accounts and leases
        _execute(f"DROP TABLE IF EXISTS {table}")
    with transaction.atomic():
        for sql in (
            "DELETE FROM billing_billline WHERE park_id = %s",
            "DELETE FROM billing_bill WHERE park_id = %s",
            "DELETE FROM billing_billrun WHERE park_id = %s",
            "DELETE FROM billing_billingterms WHERE park_id = %s",
            "DELETE FROM billing_account WHERE park_id = %s",
        ):
            _execute(sql, [park.pk])
        if leases:
            _execute("DELETE FROM leasing_contractmonth WHERE park_id = %s", [park.pk])
            _execute("DELETE FROM leasing_contract WHERE park_id = %s", [park.pk])
            Enterprise.objects.filter(name__startswith="计费基准企业").delete()


def _shadow_tables() -> None:
    """Empty tables shaped like the ledger's (columns, constraints, indexes) for the floor to fill."""
    if connection.vendor == "postgresql":
        # LIKE … INCLUDING ALL copies no foreign keys: they are copied here (checked at commit, as the
        # ledger's are), the ones to billing_bill pointing at bench_bill. SQLite's copied DDL has them.
        with connection.cursor() as cursor:
            for table in ("billing_bill", "billing_billline"):
                shadow = table.replace("billing_", "bench_")
                cursor.execute(f"CREATE TABLE {shadow} (LIKE {table} INCLUDING ALL)")
                cursor.execute(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                    "AND contype = 'f' ORDER BY conname",
                    [table],
                )
                for (definition,) in cursor.fetchall():
                    definition = definition.replace("REFERENCES billing_bill(", "REFERENCES bench_bill(")
                    cursor.execute(f"ALTER TABLE {shadow} ADD {definition}")
        return
    with connection.cursor() as cursor:
        for table in ("billing_bill", "billing_billline"):
            cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL", [table])
            for (statement,) in cursor.fetchall():
                shadow = statement.replace('"billing_billline"', '"bench_billline"').replace(
                    '"billing_bill"', '"bench_bill"'
                )
                shadow = shadow.replace('INDEX "', 'INDEX "bench_').replace("INDEX billing", "INDEX bench_billing")
                cursor.execute(shadow)


_FLOOR_BILLS = """
INSERT INTO bench_bill (number, kind, status, park_id, account_id, reason, period_start, period_end, due_on,
                        total_amount, tax_amount, buyer_name, buyer_credit_code, created_at, updated_at)
SELECT %s || c.id, 'bill', 'draft', c.park_id, a.id, '', m.month, %s, m.month, m.rent + m.property_fee,
       ROUND(m.rent * 0.09 / 1.09, 2) + ROUND(m.property_fee * 0.06 / 1.06, 2), '', '', %s, %s
FROM leasing_contractmonth m
JOIN leasing_contract c ON c.id = m.contract_id
JOIN billing_account a ON a.park_id = c.park_id AND a.enterprise_id = c.enterprise_id
WHERE m.park_id = %s AND m.month = %s
"""
_FLOOR_LINES = """
INSERT INTO bench_billline (bill_id, park_id, account_id, contract_id, kind, charge_key, description, period_start,
                            period_end, unit, amount, tax_rate, tax_amount, invoice_item, tax_code, due_on,
                            settled_amount, source_type)
SELECT b.id, c.park_id, b.account_id, c.id, %s, %s || c.id || ':' || %s, %s, m.month, %s, '', {amount}, %s,
       ROUND({amount} * %s / (1 + %s), 2), %s, '', m.month, 0, ''
FROM leasing_contractmonth m
JOIN leasing_contract c ON c.id = m.contract_id
JOIN bench_bill b ON b.number = %s || c.id
WHERE m.park_id = %s AND m.month = %s
"""


def _floor_run(park: Park, month: datetime.date) -> tuple[int, int, Decimal]:
    prefix = f"ZD-{park.code}-{month:%Y%m}-"
    end = billrun.month_end(month)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        _execute(_FLOOR_BILLS, [prefix, end, now, now, park.pk, month])
        for kind, key, column, rate, item in (
            ("rent", "rent:", "m.rent", Decimal("0.09"), "*经营租赁*房屋租金"),
            ("property_fee", "fee:", "m.property_fee", Decimal("0.06"), "*物业管理服务*物业管理费"),
        ):
            _execute(
                _FLOOR_LINES.format(amount=column),
                [kind, key, f"{month:%Y%m}", f"{kind} {month:%Y-%m}", end, rate, rate, rate, item, prefix, park.pk,
                 month],
            )  # fmt: skip
    bills = _scalar("SELECT COUNT(*) FROM bench_bill WHERE number LIKE %s", [prefix + "%"])
    lines, total = _line_totals("bench_billline", "bench_bill", prefix)
    return bills, lines, total


def _line_totals(lines_table: str, bills_table: str, prefix: str) -> tuple[int, Decimal]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(l.amount) FROM {lines_table} l JOIN {bills_table} b ON b.id = l.bill_id "
            "WHERE b.number LIKE %s",
            [prefix + "%"],
        )
        count, total = cursor.fetchone()
    return count, Decimal(str(total or 0)).quantize(Decimal("0.01"))


@benchmark("billing.bill_run")
def bill_run(scale: str) -> Case:
    count = 18_000 if scale == "full" else 1_800
    park = _park(RUN_PARK, "出账基准园区")
    _clear_run_park(park, leases=True)
    _leases(park, count)
    _shadow_tables()
    state = {"subject": 0, "floor": 0}

    def next_month(key: str) -> datetime.date:
        index = state[key]
        state[key] += 1
        return datetime.date(FIRST_MONTH.year + index // 12, index % 12 + 1, 1)

    def subject() -> tuple[int, int, Decimal]:
        month = next_month("subject")
        run = billrun.bill_run_start(park=park, period=month, actor=None)
        run = billrun.bill_run_generate(run=run)
        return run.bills_count, run.lines_count, run.total_amount

    def floor() -> tuple[int, int, Decimal]:
        return _floor_run(park, next_month("floor"))

    def check(s: Any, f: Any) -> None:
        assert s == f, f"bill run {s} != raw SQL {f}"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: INSERT … SELECT of the same bills and lines",
        target_ratio=3.0,
        check=check,
        notes=f"{count} monthly leases; each repeat bills the next month ({count} bills, {2 * count} lines)",
        teardown=lambda: _clear_run_park(park, leases=True),
    )


# --- Ageing --------------------------------------------------------------------------------------


def _series(limit: int) -> str:
    return _vendor_sql(
        f"SELECT g AS n FROM generate_series(1, {int(limit)}) g",
        f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {int(limit)}) SELECT n FROM g",
    )


def _plus_days(date_sql: str, days_sql: str) -> str:
    return _vendor_sql(f"({date_sql}::date + ({days_sql})::int)", f"date({date_sql}, '+' || ({days_sql}) || ' days')")


@transaction.atomic
def _ledger(park: Park, lines: int) -> None:
    """`lines` issued lines in bills of 10 lines for 10,000 tenants (SQL), 70 % settled with allocations."""
    if _scalar("SELECT COUNT(*) FROM billing_billline WHERE park_id = %s", [park.pk]) >= lines:
        return
    _clear_ageing(park)
    tenants = min(10_000, lines // 10)
    _enterprises("账龄基准企业", tenants)
    _execute(
        "INSERT INTO billing_account (park_id, enterprise_id, created_at) "
        "SELECT %s, e.id, %s FROM enterprises_enterprise e WHERE e.name LIKE %s ORDER BY e.id",
        [park.pk, connection.ops.adapt_datetimefield_value(timezone.now()), "账龄基准企业%"],
    )
    first_account = _scalar("SELECT MIN(id) FROM billing_account WHERE park_id = %s", [park.pk])
    bills = lines // 10
    # Modulo is written %% below: every statement here runs with parameters.
    issued = _plus_days("%s", "n %% 820")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    _execute(
        "INSERT INTO billing_bill (number, kind, status, park_id, account_id, reason, issued_on, due_on, total_amount, "
        "tax_amount, buyer_name, buyer_credit_code, created_at, updated_at) "
        f"SELECT 'AG-' || n, 'bill', 'issued', %s, %s + (n %% %s), '', {issued}, {issued}, 0, 0, '', '', %s, %s "
        f"FROM ({_series(bills)}) s",
        [park.pk, first_account, tenants, datetime.date(2024, 1, 1), datetime.date(2024, 1, 1), now, now],
    )
    first_bill = _scalar("SELECT MIN(id) FROM billing_bill WHERE park_id = %s", [park.pk])
    amount = "(1000 + (n %% 97) * 37.5)"
    due = _plus_days("b.issued_on", "n %% 30")
    # Every line whose number is not divisible by 10 … 7 of 10 are settled in full.
    settled = f"CASE WHEN n %% 10 < 7 THEN {amount} WHEN n %% 10 = 7 THEN {amount} / 2 ELSE 0 END"
    _execute(
        "INSERT INTO billing_billline (bill_id, park_id, account_id, kind, description, unit, amount, tax_rate, "
        "tax_amount, invoice_item, tax_code, due_on, issued_on, settled_amount, source_type) "
        f"SELECT b.id, b.park_id, b.account_id, 'rent', 'bench', '', {amount}, 0.09, 0, '', '', {due}, b.issued_on, "
        f"{settled}, '' FROM ({_series(lines)}) s JOIN billing_bill b ON b.id = %s + (n - 1) / 10",
        [first_bill],
    )
    paid_on = _plus_days("l.due_on", "(l.id %% 90)")
    _execute(
        "INSERT INTO billing_allocation (account_id, line_id, kind, amount, on_date, created_at) "
        f"SELECT l.account_id, l.id, 'payment', l.settled_amount, {paid_on}, %s FROM billing_billline l "
        "WHERE l.park_id = %s AND l.settled_amount > 0",
        [now, park.pk],
    )
    _execute("ANALYZE")


def _clear_ageing(park: Park) -> None:
    for sql in (
        "DELETE FROM billing_allocation WHERE account_id IN (SELECT id FROM billing_account WHERE park_id = %s)",
        "DELETE FROM billing_billline WHERE park_id = %s",
        "DELETE FROM billing_bill WHERE park_id = %s",
        "DELETE FROM billing_account WHERE park_id = %s",
    ):
        _execute(sql, [park.pk])


_BUCKETS = (
    ("due_on > %s", 1),
    ("due_on BETWEEN %s AND %s", 2),
    ("due_on BETWEEN %s AND %s", 2),
    ("due_on BETWEEN %s AND %s", 2),
    ("due_on < %s", 1),
)


def _bucket_params(as_of: datetime.date) -> list[datetime.date]:
    days = datetime.timedelta
    return [
        as_of, as_of - days(30), as_of, as_of - days(90), as_of - days(31), as_of - days(180), as_of - days(91),
        as_of - days(180),
    ]  # fmt: skip


def _floor_ageing(park: Park, as_of: datetime.date) -> Decimal:
    """The raw aggregate: open now per tenant and bucket, plus what was settled after the date."""
    open_sums = ", ".join(f"SUM(CASE WHEN {cond} THEN amount - settled_amount ELSE 0 END)" for cond, _n in _BUCKETS)
    later_sums = ", ".join(f"SUM(CASE WHEN l.{cond} THEN a.amount ELSE 0 END)" for cond, _n in _BUCKETS)
    total = Decimal(0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_id, {open_sums} FROM billing_billline "
            "WHERE park_id = %s AND issued_on <= %s AND amount > 0 GROUP BY account_id",
            [*_bucket_params(as_of), park.pk, as_of],
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT l.account_id, {later_sums} FROM billing_allocation a JOIN billing_billline l ON l.id = a.line_id "
            "WHERE l.park_id = %s AND a.on_date > %s AND l.issued_on <= %s AND l.amount > 0 GROUP BY l.account_id",
            [*_bucket_params(as_of), park.pk, as_of, as_of],
        )
        rows += cursor.fetchall()
    for row in rows:
        total += sum((Decimal(str(v or 0)) for v in row[1:]), Decimal(0))
    return total.quantize(Decimal("0.01"))


@benchmark("billing.ageing")
def ageing(scale: str) -> Case:
    lines = 1_000_000 if scale == "full" else 100_000
    park = _park(AGEING_PARK, "账龄基准园区")
    _ledger(park, lines)

    def subject() -> Decimal:
        report = selectors.ageing_report(park_ids=[park.pk], as_of=AGEING_AS_OF, group_by="account")
        return report.totals.total

    def floor() -> Decimal:
        return _floor_ageing(park, AGEING_AS_OF)

    def check(s: Any, f: Any) -> None:
        assert s == f, f"ageing {s} != raw aggregate {f}"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: SUM(CASE…) per bucket over lines + later allocations",
        target_ratio=3.0,
        check=check,
        notes=f"{lines} lines, {min(10_000, lines // 10)} tenants, as of {AGEING_AS_OF}",
    )
