"""Demo receivables: a few months billed for every park, most bills paid, some in arrears.

Billing went live a few months ago (5 at demo scale, 2 at full scale); every park's months since then
are billed through the real bill runs (preview → approve → issue), so rent lines are leasing's
accruals and the reconciliation holds. About four in five bills are paid in full within three weeks
of falling due, some partly (oldest charges first), the rest are left unpaid so
ageing, reminders and late fees have something to show. Deposits of leases older than go-live are
recorded as opening balances.

Utility lines come from monitoring's demo meters (the flagship's tenants), priced by the tariffs set
here. Idempotent: nothing happens when any bill run exists. Payments and their allocations are
inserted in bulk (a system load: no audit entries), partial ones allocated oldest first as the
payment service does.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TextIO

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from parkos.billing import allocation, billrun, bulk, services
from parkos.billing.choices import AllocationKind, ChargeKind, DepositMovementKind, MatchMethod
from parkos.billing.models import (
    Account,
    Allocation,
    Bill,
    BillingProfile,
    BillLine,
    BillRun,
    DepositMovement,
    Payment,
    UtilityTariff,
)
from parkos.core.workdays import previous_working_day
from parkos.leasing.choices import ContractKind
from parkos.leasing.models import Contract
from parkos.parks.models import Operator, Park

SEED = 20261201
PAID_SHARE = 0.80
PARTLY_SHARE = 0.06
TARIFFS = (
    (ChargeKind.ELECTRICITY, "kWh", Decimal("0.85")),
    (ChargeKind.WATER, "m³", Decimal("5.20")),
    (ChargeKind.GAS, "m³", Decimal("3.45")),
    (ChargeKind.STEAM, "t", Decimal("268")),
    (ChargeKind.CHILLED_WATER, "GJ", Decimal("96")),
)


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _profile(go_live: datetime.date) -> BillingProfile:
    operator = Operator.objects.order_by("pk").first()
    profile, _created = BillingProfile.objects.get_or_create(
        park=None,
        defaults={
            "payee_name": operator.name if operator else "渝健产业园区运营集团有限公司",
            "address": (operator.address if operator else "") or "重庆市巴南区木洞镇生物城大道1号",
            "phone": (operator.hotline if operator else "") or "023-67891234",
            "bank_name": "中国工商银行重庆巴南支行",
            "bank_account": "3100021109024588888",
            "letterhead_note": "园区服务热线 023-67891234",
            "go_live_on": go_live,
        },
    )
    return profile


def _opening_deposits(go_live: datetime.date) -> int:
    leases = Contract.objects.occupying().filter(kind=ContractKind.LEASE, start_on__lt=go_live, end_on__gte=go_live)
    rows = list(
        leases.exclude(deposit__isnull=True).values_list("pk", "park_id", "enterprise_id", "deposit", "start_on")
    )
    pairs = {(park, enterprise) for _pk, park, enterprise, _d, _s in rows}
    Account.objects.bulk_create([Account(park_id=p, enterprise_id=e) for p, e in pairs], ignore_conflicts=True)
    accounts = {(a.park_id, a.enterprise_id): a.pk for a in Account.objects.all()}
    DepositMovement.objects.bulk_create(
        [
            DepositMovement(
                contract_id=pk,
                account_id=accounts[(park, enterprise)],
                kind=DepositMovementKind.OPENING,
                amount=deposit,
                on_date=start,
                note="上线前已收取",
            )
            for pk, park, enterprise, deposit, start in rows
            if deposit
        ],
        batch_size=2000,
    )
    return len(rows)


def _pay_in_full(bills: list[Bill], rng: random.Random, today: datetime.date) -> int:
    """Pay some bills in full by bank transfer, in bulk: payment, allocations, lines settled."""
    lines_by_bill: dict[int, list[tuple[int, Decimal, str, int | None]]] = defaultdict(list)
    for pk, bill_id, amount, kind, contract_id in BillLine.objects.filter(bill__in=bills, amount__gt=0).values_list(
        "pk", "bill_id", "amount", "kind", "contract_id"
    ):
        lines_by_bill[bill_id].append((pk, amount, kind, contract_id))
    plans = []
    for bill in bills:
        assert bill.due_on is not None
        received = bill.due_on + datetime.timedelta(days=rng.randint(0, 20))
        if received <= today and lines_by_bill.get(bill.pk):
            plans.append((bill, received, lines_by_bill[bill.pk]))
    ids = bulk.reserve_ids(Payment, len(plans))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    payments, allocations, deposits, settled = [], [], [], []
    for payment_id, (bill, received, lines) in zip(ids, plans, strict=True):
        total = sum((amount for _pk, amount, _k, _c in lines), Decimal(0))
        payments.append(
            (
                payment_id,
                f"SK-{bill.park.code}-{received:%Y%m}-{payment_id:06d}",
                bill.park_id,
                bill.account_id,
                received,
                total,
                total,
                "bank_transfer",
                bill.buyer_name,
                "",
                f"{bill.number} 租金物业费",
                MatchMethod.REFERENCE,
                "",
                "",
                now,
                now,
            )
        )
        for line_id, line_amount, line_kind, lease_id in lines:
            allocations.append(
                (bill.account_id, line_id, AllocationKind.PAYMENT, line_amount, received, payment_id, now)
            )
            settled.append(line_id)
            if line_kind == ChargeKind.DEPOSIT and lease_id:
                deposits.append(
                    (lease_id, bill.account_id, DepositMovementKind.RECEIVED, line_amount, received, "", now)
                )
    _insert_payments(payments, allocations, deposits)
    for start in range(0, len(settled), 5000):
        BillLine.objects.filter(pk__in=settled[start : start + 5000]).update(settled_amount=F("amount"))
    return len(payments)


def _insert_payments(
    payments: Sequence[tuple[object, ...]],
    allocations: Sequence[tuple[object, ...]],
    deposits: Sequence[tuple[object, ...]],
) -> None:
    bulk.insert(
        Payment,
        ("id", "number", "park_id", "account_id", "received_on", "amount", "allocated_amount", "method", "payer_name",
         "payer_account", "reference", "match_method", "note", "void_reason", "created_at", "updated_at"),
        payments,
    )  # fmt: skip
    bulk.insert(
        Allocation, ("account_id", "line_id", "kind", "amount", "on_date", "payment_id", "created_at"), allocations
    )
    bulk.insert(
        DepositMovement, ("contract_id", "account_id", "kind", "amount", "on_date", "note", "created_at"), deposits
    )


def _pay_partly(bills: list[Bill], rng: random.Random, today: datetime.date) -> int:
    """Pay some bills in part, as `services.payment_record` would (the tenant's oldest open charges
    first, `allocation.plan`), in bulk: the open lines of all their tenants read once, payments,
    allocations and settled amounts written in a few statements."""
    plans = []
    for bill in bills:
        assert bill.due_on is not None
        received = bill.due_on + datetime.timedelta(days=rng.randint(5, 40))
        if received > today or bill.total_amount <= 0:
            continue
        amount = (bill.total_amount * Decimal(rng.choice(("0.3", "0.5", "0.6")))).quantize(Decimal("0.01"))
        plans.append((bill, received, amount))
    if not plans:
        return 0
    open_lines: dict[int, list[allocation.OpenLine]] = defaultdict(list)
    kinds: dict[int, tuple[str, int | None]] = {}
    for pk, account_id, bill_id, due, amount, settled, kind, contract_id in (
        BillLine.objects.filter(
            account_id__any_of=sorted({bill.account_id for bill, _r, _a in plans}),
            issued_on__isnull=False,
            amount__gt=0,
            settled_amount__lt=F("amount"),
        )
        .order_by("pk")
        .values_list("pk", "account_id", "bill_id", "due_on", "amount", "settled_amount", "kind", "contract_id")
    ):
        open_lines[account_id].append(allocation.OpenLine(pk, bill_id, due, amount - settled))
        kinds[pk] = (kind, contract_id)
    settled_by: dict[int, Decimal] = defaultdict(Decimal)
    ids = bulk.reserve_ids(Payment, len(plans))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    payments, allocations, deposits = [], [], []
    for payment_id, (bill, received, amount) in zip(ids, plans, strict=True):
        lines = [line for line in open_lines[bill.account_id] if line.outstanding > settled_by[line.line_id]]
        left = [replace(line, outstanding=line.outstanding - settled_by[line.line_id]) for line in lines]
        shares = allocation.plan(amount, left)
        allocated = sum((share.amount for share in shares), Decimal(0))
        payments.append(
            (payment_id, f"SK-{bill.park.code}-{received:%Y%m}-{payment_id:06d}", bill.park_id, bill.account_id,
             received, amount, allocated, "bank_transfer", bill.buyer_name, "", f"{bill.number} 部分付款", "", "",
             "", now, now)
        )  # fmt: skip
        for share in shares:
            settled_by[share.line_id] += share.amount
            allocations.append(
                (bill.account_id, share.line_id, AllocationKind.PAYMENT, share.amount, received, payment_id, now)
            )
            line_kind, lease_id = kinds[share.line_id]
            if line_kind == ChargeKind.DEPOSIT and lease_id:
                deposits.append(
                    (lease_id, bill.account_id, DepositMovementKind.RECEIVED, share.amount, received, "", now)
                )
    _insert_payments(payments, allocations, deposits)
    changed = list(BillLine.objects.filter(pk__any_of=list(settled_by)).only("pk", "settled_amount"))
    for line in changed:
        line.settled_amount += settled_by[line.pk]
    BillLine.objects.bulk_update(changed, ["settled_amount"], batch_size=1000)
    return len(payments)


@transaction.atomic
def load_demo(*, scale: str = "demo", stdout: TextIO | None = None, seed: int = SEED) -> dict[str, int]:
    if BillRun.objects.exists():
        return {"runs": 0}
    rng = random.Random(seed)
    today = timezone.localdate()
    go_live = _month_start(today, 2 if scale == "full" else 5)
    _profile(go_live)
    parks = list(Park.objects.filter(archived_at__isnull=True).order_by("pk"))
    UtilityTariff.objects.bulk_create(
        [
            UtilityTariff(park=park, kind=kind, unit=unit, unit_price=price, effective_from=datetime.date(2020, 1, 1))
            for park in parks
            for kind, unit, price in TARIFFS
        ],
        ignore_conflicts=True,
    )
    deposits = _opening_deposits(go_live)
    runs = paid = partly = 0
    month = go_live
    while month <= today:
        for park in parks:
            run = billrun.bill_run_start(park=park, period=month, actor=None)
            run = billrun.bill_run_generate(run=run)
            billrun.bill_run_approve(run=run, actor=None)
            billrun.bill_run_issue(run=run, actor=None, issued_on=month)
            runs += 1
        # Tenants pay before the next run, so next month's late fees see who paid late.
        next_month = billrun.month_end(month) + datetime.timedelta(days=1)
        bills = list(
            Bill.objects.filter(run__period=month).select_related("park", "account__enterprise").order_by("pk")
        )
        fates = [rng.random() for _bill in bills]
        until = min(today, next_month - datetime.timedelta(days=1))
        paid += _pay_in_full([b for b, f in zip(bills, fates, strict=True) if f < PAID_SHARE], rng, until)
        partly_bills = [b for b, f in zip(bills, fates, strict=True) if PAID_SHARE <= f < PAID_SHARE + PARTLY_SHARE]
        partly += _pay_partly(partly_bills, rng, until)
        month = next_month
    bills_count = Bill.objects.count()
    reminders = services.reminders_send_due(today=previous_working_day(today))
    counts = {
        "runs": runs,
        "bills": bills_count,
        "paid": paid,
        "partly": partly,
        "deposits": deposits,
        "reminders": reminders,
    }
    if stdout:
        stdout.write(
            f"账单：{runs} 个出账批次、{bills_count} 份账单，{paid} 份已付清、{partly} 份部分付款，"
            f"{deposits} 份期初保证金，{reminders} 份催缴通知\n"
        )
    return counts
