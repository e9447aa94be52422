"""Every non-trivial read of receivables: ageing at any date, account statements, reconciliation.

Ageing reads the ledger in two grouped queries whatever its size: what is open now (`amount −
settled_amount`) per group and bucket, plus what was settled after the date asked (allocations dated
later), which was still open then.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, F, Min, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.billing import ageing
from parkos.billing.choices import (
    COLLECTED_KINDS,
    AllocationKind,
    BillKind,
    BillStatus,
    ChargeKind,
    InvoiceRequestStatus,
    StatementLineStatus,
    WriteOffStatus,
)
from parkos.billing.models import (
    Account,
    Allocation,
    BankStatementLine,
    Bill,
    BillLine,
    DepositMovement,
    InvoiceRequest,
    Payment,
    Reminder,
    WriteOff,
)
from parkos.billing.money import ZERO
from parkos.core.db import fetch_rows
from parkos.incubation.hooks import RiskSignal
from parkos.leasing import selectors as leasing_selectors
from parkos.parks.models import Park

MONEY = DecimalField(max_digits=16, decimal_places=2)


def _park_filter(queryset: QuerySet[Any], park_ids: Iterable[int] | None, field_name: str = "park_id") -> QuerySet[Any]:
    return queryset if park_ids is None else queryset.filter(**{f"{field_name}__in": list(park_ids)})


# --- Ageing --------------------------------------------------------------------------------------


@dataclass
class AgeingRow:
    key: int | None  # account, park or None (portfolio)
    label: str = ""
    park: str = ""
    buckets: dict[str, Decimal] = field(default_factory=lambda: {b.key: ZERO for b in ageing.BUCKETS})
    url: str = ""

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    @property
    def overdue(self) -> Decimal:
        return sum((self.buckets[k] for k in ageing.OVERDUE_KEYS), ZERO)


@dataclass
class AgeingReport:
    as_of: datetime.date
    group_by: str
    rows: list[AgeingRow]
    totals: AgeingRow

    @property
    def buckets(self) -> tuple[ageing.Bucket, ...]:
        return ageing.BUCKETS


def _bucket_cases(as_of: datetime.date, value: Combinable, due_field: str) -> dict[str, Any]:
    """One SUM per bucket, each a due-date range (`ageing.due_ranges`)."""
    sums = {}
    for key, (earliest, latest) in ageing.due_ranges(as_of).items():
        condition = Q()
        if earliest is not None:
            condition &= Q(**{f"{due_field}__gte": earliest})
        if latest is not None:
            condition &= Q(**{f"{due_field}__lte": latest})
        sums[key] = Sum(Case(When(condition, then=value), default=Value(ZERO), output_field=MONEY))
    return sums


_GROUPS = {"account": ("account_id", "account_id"), "park": ("park_id", "line__park_id"), "portfolio": (None, None)}


def ageing_report(
    *, park_ids: Iterable[int] | None, as_of: datetime.date | None = None, group_by: str = "account"
) -> AgeingReport:
    """Receivables open on `as_of` (issued by then, not settled by then) by age bucket and group.

    `group_by`: "account" (tenant in a park), "park" or "portfolio". Credit-note lines carry no
    balance of their own (they settle the lines they correct), so only positive lines count.
    """
    as_of = as_of or timezone.localdate()
    park_ids = None if park_ids is None else list(park_ids)
    line_group, allocation_group = _GROUPS[group_by]
    lines = _park_filter(BillLine.objects.filter(issued_on__lte=as_of, amount__gt=0), park_ids)
    now_open = _grouped(lines, line_group, _bucket_cases(as_of, F("amount") - F("settled_amount"), "due_on"))
    later = _park_filter(
        Allocation.objects.filter(on_date__gt=as_of, line__issued_on__lte=as_of, line__amount__gt=0),
        park_ids,
        "line__park_id",
    )
    settled_later = _grouped(later, allocation_group, _bucket_cases(as_of, F("amount"), "line__due_on"))
    rows: dict[int | None, AgeingRow] = {}
    for source in (now_open, settled_later):
        for key, sums in source.items():
            row = rows.setdefault(key, AgeingRow(key))
            for bucket, value in sums.items():
                row.buckets[bucket] += value
    kept = [row for row in rows.values() if row.total]
    _label(kept, group_by, park_ids)
    totals = AgeingRow(None)
    for row in kept:
        for bucket, value in row.buckets.items():
            totals.buckets[bucket] += value
    kept.sort(key=lambda r: (-r.overdue, -r.total, r.label))
    return AgeingReport(as_of=as_of, group_by=group_by, rows=kept, totals=totals)


def _grouped(queryset: QuerySet[Any], group: str | None, sums: dict[str, Any]) -> dict[int | None, dict[str, Decimal]]:
    keys = list(sums)
    if group is None:
        values = queryset.aggregate(**sums)
        return {None: {k: values[k] or ZERO for k in keys}}
    rows = fetch_rows(queryset.values_list(group).annotate(**sums).order_by(), convert=range(1, len(keys) + 1))
    return {row[0]: {k: row[i + 1] or ZERO for i, k in enumerate(keys)} for row in rows}


def _label(rows: list[AgeingRow], group_by: str, park_ids: list[int] | None) -> None:
    ids = [row.key for row in rows if row.key is not None]
    if group_by == "account":
        # The accounts of the parks, not an id list: tens of thousands of ids make SQLite crawl.
        accounts = _park_filter(Account.objects.all(), park_ids).order_by()
        names = {
            pk: (name, park)
            for pk, name, park in fetch_rows(accounts.values_list("pk", "enterprise__name", "park__name"))
        }
        detail = reverse("billing:account_detail", args=[0])[: -len("0/")]
        for row in rows:
            row.label, row.park = names.get(row.key, ("", "")) if row.key is not None else ("", "")
            row.url = f"{detail}{row.key}/"
    elif group_by == "park":
        park_names = dict(Park.objects.filter(pk__in=ids).values_list("pk", "name"))
        for row in rows:
            row.label = park_names.get(row.key, "") if row.key is not None else ""
    else:
        for row in rows:
            row.label = "—"


# --- One tenant's account ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSummary:
    billed: Decimal
    settled: Decimal
    outstanding: Decimal
    overdue: Decimal
    credit: Decimal
    deposit_held: Decimal
    oldest_overdue: datetime.date | None


def account_summary(account: Account, today: datetime.date | None = None) -> AccountSummary:
    today = today or timezone.localdate()
    lines = BillLine.objects.filter(account=account, issued_on__isnull=False, amount__gt=0)
    agg = lines.aggregate(
        billed=Sum("amount"),
        settled=Sum("settled_amount"),
        overdue=Sum(F("amount") - F("settled_amount"), filter=Q(due_on__lt=today), output_field=MONEY),
    )
    oldest = (
        lines.filter(due_on__lt=today, settled_amount__lt=F("amount"))
        .order_by("due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    credit = Payment.objects.filter(account=account, voided_on__isnull=True).aggregate(
        credit=Sum(F("amount") - F("allocated_amount"), output_field=MONEY)
    )["credit"]
    billed, settled = agg["billed"] or ZERO, agg["settled"] or ZERO
    return AccountSummary(
        billed=billed,
        settled=settled,
        outstanding=billed - settled,
        overdue=agg["overdue"] or ZERO,
        credit=credit or ZERO,
        deposit_held=deposits_held_by_account(account),
        oldest_overdue=oldest,
    )


def deposits_held_by_account(account: Account) -> Decimal:
    signed = Case(When(kind__in=("offset", "refunded"), then=-F("amount")), default=F("amount"), output_field=MONEY)
    return DepositMovement.objects.filter(account=account).aggregate(held=Sum(signed))["held"] or ZERO


def open_lines(account: Account) -> QuerySet[BillLine]:
    return (
        BillLine.objects.filter(account=account, issued_on__isnull=False, amount__gt=0, settled_amount__lt=F("amount"))
        .select_related("bill")
        .order_by("due_on", "bill_id", "pk")
    )


def account_bills(account: Account) -> QuerySet[Bill]:
    return Bill.objects.filter(account=account).exclude(status=BillStatus.DISCARDED).order_by("-issued_on", "-pk")


# --- Tenants' own view ---------------------------------------------------------------------------


def tenant_accounts(enterprise_id: int) -> QuerySet[Account]:
    return Account.objects.filter(enterprise_id=enterprise_id).select_related("park")


def tenant_bills(enterprise_id: int) -> QuerySet[Bill]:
    """Issued bills and credit notes of a tenant, in every park, newest first (drafts are not theirs yet)."""
    return (
        Bill.objects.filter(account__enterprise_id=enterprise_id, status=BillStatus.ISSUED)
        .select_related("park")
        .annotate(open=Sum(F("lines__amount") - F("lines__settled_amount"), filter=Q(lines__amount__gt=0)))
        .order_by("-issued_on", "-pk")
    )


def tenant_reminders(enterprise_id: int) -> QuerySet[Reminder]:
    return Reminder.objects.filter(account__enterprise_id=enterprise_id).order_by("-sent_at")


# --- Work lists ----------------------------------------------------------------------------------


def unmatched_statement_lines(park_ids: Iterable[int] | None) -> QuerySet[BankStatementLine]:
    lines = BankStatementLine.objects.filter(status=StatementLineStatus.UNMATCHED)
    return _park_filter(lines, park_ids).select_related("suggested_account__enterprise", "statement")


def pending_write_offs(park_ids: Iterable[int] | None) -> QuerySet[WriteOff]:
    return _park_filter(WriteOff.objects.filter(status=WriteOffStatus.REQUESTED), park_ids)


def pending_invoice_requests(park_ids: Iterable[int] | None) -> QuerySet[InvoiceRequest]:
    return _park_filter(InvoiceRequest.objects.filter(status=InvoiceRequestStatus.REQUESTED), park_ids)


# --- Reconciliation ------------------------------------------------------------------------------


@dataclass
class RentDifference:
    contract_id: int
    number: str
    enterprise: str
    rent_roll: Decimal
    billed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.billed - self.rent_roll


@dataclass
class Reconciliation:
    year: int
    month: int | None
    through: datetime.date  # rent is compared up to the end of this month
    rent_roll_total: Decimal
    billed_rent_total: Decimal
    rent_differences: list[RentDifference]
    billed: Decimal
    collected: Decimal
    credited: Decimal
    written_off: Decimal
    outstanding: Decimal
    ledger_differences: list[tuple[int, str, str, Decimal, Decimal]]
    payments_total: Decimal
    payments_allocated: Decimal
    payments_credit: Decimal
    payment_differences: list[tuple[int, str, Decimal, Decimal]]

    @property
    def rent_difference(self) -> Decimal:
        return self.billed_rent_total - self.rent_roll_total

    @property
    def settled_total(self) -> Decimal:
        return self.collected + self.credited + self.written_off

    @property
    def ledger_difference(self) -> Decimal:
        return self.billed - self.settled_total - self.outstanding

    @property
    def balanced(self) -> bool:
        return not self.rent_differences and not self.ledger_differences and not self.payment_differences


def _months_of(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    return datetime.date(year, month, 1), datetime.date(year, month, 1)


def reconciliation(
    *, park_ids: Iterable[int] | None, year: int, month: int | None = None, today: datetime.date | None = None
) -> Reconciliation:
    """The two equalities of a period, and every difference behind them.

    1. Billed rent = the rent roll: per lease, the rent lines of the period's months (net of credit
       notes) against leasing's accruals of the same months (`leasing.selectors.rent_roll`), for the
       months that have begun (a year in progress is compared to date). Months not billed yet show as
       differences, as do leases changed after billing (a termination).
    2. Billed = collected + credited + written off + outstanding, over the lines issued in the period,
       and each line's settled amount = the sum of its allocations; each payment's allocated amount =
       the sum of its allocations.
    """
    park_ids = None if park_ids is None else list(park_ids)
    first, last = _months_of(year, month)
    current = (today or timezone.localdate()).replace(day=1)
    through = min(last, max(current, first))
    roll = leasing_selectors.rent_roll(park_ids, year, month)
    counted = [i for i, column in enumerate(roll.columns) if column <= through]
    rolled_by_contract = {row.contract_id: (row, sum((row.months[i] for i in counted), ZERO)) for row in roll.rows}
    # A rent line belongs to the month of its first day (lines are per calendar month).
    through_end = (through.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    rent_lines = _park_filter(
        BillLine.objects.filter(kind=ChargeKind.RENT, issued_on__isnull=False).filter(
            Q(period_start__gte=first, period_start__lte=through_end, credits_line__isnull=True)
            | Q(credits_line__period_start__gte=first, credits_line__period_start__lte=through_end)
        ),
        park_ids,
    )
    billed_by_contract = dict(rent_lines.values_list("contract_id").annotate(total=Sum("amount")).order_by())
    differences = []
    for contract_id in set(rolled_by_contract) | set(billed_by_contract):
        row, rolled = rolled_by_contract.get(contract_id, (None, ZERO))
        billed = billed_by_contract.get(contract_id) or ZERO
        if rolled != billed:
            differences.append(
                RentDifference(contract_id, row.number if row else "", row.enterprise if row else "", rolled, billed)
            )
    _name_missing(differences)
    differences.sort(key=lambda d: (-abs(d.difference), d.number))
    month_end = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    ledger = _ledger(park_ids, first, month_end)
    payments = _payments(park_ids, first, month_end)
    return Reconciliation(
        year=year,
        month=month,
        through=through_end,
        rent_roll_total=sum((rolled for _row, rolled in rolled_by_contract.values()), ZERO),
        billed_rent_total=sum(billed_by_contract.values(), ZERO),
        rent_differences=differences,
        **ledger,
        **payments,
    )


def _name_missing(differences: list[RentDifference]) -> None:
    """Leases billed in the period but absent from the roll (e.g. terminated later) still get a name."""
    missing = [d for d in differences if not d.number]
    if not missing:
        return
    names = {
        cid: (number, name)
        for cid, number, name in BillLine.objects.filter(contract_id__in=[d.contract_id for d in missing])
        .values_list("contract_id", "contract__number", "contract__enterprise__name")
        .distinct()
    }
    for d in missing:
        d.number, d.enterprise = names.get(d.contract_id, ("", ""))


def _ledger(park_ids: list[int] | None, first: datetime.date, last: datetime.date) -> dict[str, Any]:
    lines = _park_filter(
        BillLine.objects.filter(issued_on__gte=first, issued_on__lte=last, amount__gt=0, bill__kind=BillKind.BILL),
        park_ids,
    )
    totals = lines.aggregate(billed=Sum("amount"), settled=Sum("settled_amount"))
    by_kind = dict(
        Allocation.objects.filter(line__in=lines).values_list("kind").annotate(total=Sum("amount")).order_by()
    )
    mismatched = (
        lines.annotate(allocated=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=MONEY))
        .exclude(settled_amount=F("allocated"))
        .values_list("pk", "bill__number", "description", "settled_amount", "allocated")[:200]
    )
    billed = totals["billed"] or ZERO
    return {
        "billed": billed,
        "collected": sum((by_kind.get(k, ZERO) for k in COLLECTED_KINDS), ZERO),
        "credited": by_kind.get(AllocationKind.CREDIT_NOTE, ZERO),
        "written_off": by_kind.get(AllocationKind.WRITE_OFF, ZERO),
        "outstanding": billed - (totals["settled"] or ZERO),
        "ledger_differences": [(pk, n, d, s, a or ZERO) for pk, n, d, s, a in mismatched],
    }


def _payments(park_ids: list[int] | None, first: datetime.date, last: datetime.date) -> dict[str, Any]:
    payments = _park_filter(
        Payment.objects.filter(received_on__gte=first, received_on__lte=last, voided_on__isnull=True), park_ids
    )
    totals = payments.aggregate(amount=Sum("amount"), allocated=Sum("allocated_amount"))
    mismatched = (
        payments.annotate(net=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=MONEY))
        .exclude(allocated_amount=F("net"))
        .values_list("pk", "number", "allocated_amount", "net")[:200]
    )
    amount, allocated = totals["amount"] or ZERO, totals["allocated"] or ZERO
    return {
        "payments_total": amount,
        "payments_allocated": allocated,
        "payments_credit": amount - allocated,
        "payment_differences": [(pk, n, a, net or ZERO) for pk, n, a, net in mismatched],
    }


# --- Dashboard and risk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParkBillingStatus:
    outstanding: Decimal
    overdue: Decimal
    overdue_accounts: int
    unmatched_lines: int
    pending_write_offs: int
    pending_invoices: int


def billing_status(park_ids: list[int] | None, today: datetime.date | None = None) -> ParkBillingStatus:
    today = today or timezone.localdate()
    lines = _park_filter(
        BillLine.objects.filter(issued_on__isnull=False, amount__gt=0, settled_amount__lt=F("amount")), park_ids
    )
    agg = lines.aggregate(
        outstanding=Sum(F("amount") - F("settled_amount"), output_field=MONEY),
        overdue=Sum(F("amount") - F("settled_amount"), filter=Q(due_on__lt=today), output_field=MONEY),
        accounts=Count("account_id", filter=Q(due_on__lt=today), distinct=True),
    )
    return ParkBillingStatus(
        outstanding=agg["outstanding"] or ZERO,
        overdue=agg["overdue"] or ZERO,
        overdue_accounts=agg["accounts"],
        unmatched_lines=unmatched_statement_lines(park_ids).count(),
        pending_write_offs=pending_write_offs(park_ids).count(),
        pending_invoices=pending_invoice_requests(park_ids).count(),
    )


#: The early-warning score (0–100, RULES §13.7) of arrears by the age of the oldest overdue charge:
#: a month late is a mild sign on its own; half a year late is a warning by itself.
ARREARS_SCORE = {"d0_30": 10, "d31_90": 25, "d91_180": 40, "d181": 50}


@dataclass(frozen=True, slots=True)
class Arrears:
    overdue: Decimal
    bucket: str
    account_id: int  # the account with the oldest overdue charge


def arrears_by_enterprise(enterprise_ids: Iterable[int], as_of: datetime.date) -> dict[int, Arrears]:
    """Overdue amount (all parks), the bucket of the oldest overdue charge and its account, per tenant."""
    ids = list(enterprise_ids)
    rows = (
        BillLine.objects.filter(
            account__enterprise_id__any_of=ids or [0], issued_on__lte=as_of, amount__gt=0, due_on__lt=as_of
        )
        .filter(settled_amount__lt=F("amount"))
        .values_list("account__enterprise_id", "account_id")
        .annotate(overdue=Sum(F("amount") - F("settled_amount"), output_field=MONEY), oldest=Min("due_on"))
        .order_by("oldest")
    )
    found: dict[int, Arrears] = {}
    for enterprise_id, account_id, overdue, oldest in rows:
        earlier = found.get(enterprise_id)
        if earlier is None:
            found[enterprise_id] = Arrears(overdue, ageing.bucket_of(oldest, as_of), account_id)
        else:
            found[enterprise_id] = Arrears(earlier.overdue + overdue, earlier.bucket, earlier.account_id)
    return found


def arrears_signals(enterprise_ids: Collection[int], as_of: datetime.date) -> dict[int, RiskSignal]:
    """The "arrears" risk signal of incubation's early warning (registered in BillingConfig.ready()):
    scored by the age of the oldest overdue charge; tenants without overdue charges are absent."""
    labels = {b.key: str(b.label) for b in ageing.BUCKETS}
    return {
        enterprise_id: RiskSignal(
            score=ARREARS_SCORE[a.bucket],
            reason=_("逾期欠费 %(amount)s 元，最长逾期%(bucket)s")
            % {"amount": f"{a.overdue:,.2f}", "bucket": labels[a.bucket]},
            evidence_url=reverse("billing:account_detail", args=[a.account_id]),
        )
        for enterprise_id, a in arrears_by_enterprise(enterprise_ids, as_of).items()
    }
