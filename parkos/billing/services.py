"""Every write to receivables except bill runs (see `billrun`): typed, keyword-only, atomic, audited.

Settlement — payments, credit, credit notes, write-offs, deposit offsets — always locks the tenant's
`Account` row first (`_locked_account`): two officers allocating money to one tenant at the same
time are served one after the other, and each sees what the other settled. Bill lines are changed
only under that lock, and the database refuses a line settled beyond its amount.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parkos.billing import allocation, matching, reminders, statements
from parkos.billing.charges import DOCUMENT_LANGUAGE
from parkos.billing.choices import (
    AllocationKind,
    BillKind,
    BillStatus,
    ChargeKind,
    DepositMovementKind,
    InvoiceRequestStatus,
    InvoiceScope,
    MatchMethod,
    ReminderChannel,
    StatementLineStatus,
    WriteOffStatus,
)
from parkos.billing.models import (
    Account,
    Allocation,
    BankStatement,
    BankStatementLine,
    Bill,
    BillingProfile,
    BillLine,
    DepositMovement,
    ExtraCharge,
    InvoiceRequest,
    Payment,
    Reminder,
    ReminderTemplate,
    TaxRule,
    UtilityReading,
    WriteOff,
    WriteOffLine,
)
from parkos.billing.money import ZERO, line_amount, tax_of, to_fen
from parkos.core.audit import audit_record, save_audited, snapshot
from parkos.core.models import AuditAction
from parkos.core.workdays import is_working_day
from parkos.enterprises import credit_code
from parkos.enterprises.models import Enterprise
from parkos.leasing.models import Contract
from parkos.parks.models import Park

if TYPE_CHECKING:
    from parkos.accounts.models import User


# --- Accounts and profiles -----------------------------------------------------------------------


def profile_for(park: Park | int) -> BillingProfile:
    """The park's billing profile, else the operator-wide default; a clear error when neither exists."""
    park_id = park if isinstance(park, int) else park.pk
    profile = (
        BillingProfile.objects.filter(Q(park_id=park_id) | Q(park__isnull=True))
        .order_by(F("park_id").asc(nulls_last=True))
        .first()
    )
    if profile is None:
        raise ValidationError(_("尚未配置收款设置（收款单位、开户银行、出账起始日期），请先在“收款设置”中填写"))
    return profile


def account_for(*, park_id: int, enterprise_id: int) -> Account:
    account, _created = Account.objects.get_or_create(park_id=park_id, enterprise_id=enterprise_id)
    return account


def _locked_account(account: Account | int) -> Account:
    pk = account if isinstance(account, int) else account.pk
    return Account.objects.select_for_update().select_related("park", "enterprise").get(pk=pk)


@transaction.atomic
def profile_save(*, profile: BillingProfile, actor: User | None) -> BillingProfile:
    """Create or change a billing profile; the go-live date is kept as the first of its month."""
    before = snapshot(BillingProfile.objects.get(pk=profile.pk)) if profile.pk else None
    profile.go_live_on = profile.go_live_on.replace(day=1)
    if profile.payee_credit_code:
        profile.payee_credit_code = credit_code.validate(profile.payee_credit_code)
    clash = BillingProfile.objects.filter(park=profile.park).exclude(pk=profile.pk)
    if clash.exists():
        raise ValidationError({"park": _("该园区已有收款设置")})
    return save_audited(profile, actor=actor, before=before, park_id=profile.park_id)


@transaction.atomic
def tax_rule_create(
    *,
    kind: str,
    rate: Decimal,
    effective_from: datetime.date,
    actor: User | None,
    park: Park | None = None,
    invoice_item: str = "",
    tax_code: str = "",
    note: str = "",
) -> TaxRule:
    """A new rate from a date on: earlier lines keep the rate they were billed with."""
    rule = TaxRule(
        kind=kind,
        park=park,
        rate=rate,
        effective_from=effective_from,
        invoice_item=invoice_item,
        tax_code=tax_code,
        note=note,
    )
    return save_audited(rule, actor=actor, before=None, park_id=park.pk if park else None)


# --- Settlement core ---------------------------------------------------------------------------------


def _open_lines(account_id: int, *, exclude_kinds: Sequence[str] = ()) -> list[allocation.OpenLine]:
    rows = (
        BillLine.objects.filter(account_id=account_id, issued_on__isnull=False, amount__gt=0)
        .filter(settled_amount__lt=F("amount"))
        .exclude(kind__in=exclude_kinds)
        .values_list("pk", "bill_id", "due_on", "amount", "settled_amount")
    )
    return [allocation.OpenLine(pk, bill_id, due, amount - settled) for pk, bill_id, due, amount, settled in rows]


def _settle(
    *,
    account: Account,
    shares: Sequence[allocation.Share],
    kind: str,
    on_date: datetime.date,
    actor: User | None,
    payment: Payment | None = None,
    write_off: WriteOff | None = None,
    credit_line: BillLine | None = None,
    deposit_movement: DepositMovement | None = None,
) -> list[Allocation]:
    """Record allocations and move the lines' settled amounts; the caller holds the account lock."""
    made = Allocation.objects.bulk_create(
        Allocation(
            account=account,
            line_id=share.line_id,
            kind=kind,
            amount=share.amount,
            on_date=on_date,
            payment=payment,
            write_off=write_off,
            credit_line=credit_line,
            deposit_movement=deposit_movement,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        for share in shares
        if share.amount
    )
    _add_settled(shares)
    if kind == AllocationKind.PAYMENT:
        _deposits_received(account, shares, on_date, actor)
    return made


def _add_settled(shares: Sequence[allocation.Share]) -> None:
    """Move lines' settled amounts by exact Decimal sums (the caller holds the account lock).

    Not `F("settled_amount") + x`: SQLite adds decimals as floats, and 0.1 + 0.2 would then settle a
    line beyond its amount in the database's eyes.
    """
    lines = {
        line.pk: line
        for line in BillLine.objects.filter(pk__in=[s.line_id for s in shares]).only("pk", "settled_amount")
    }
    for share in shares:
        lines[share.line_id].settled_amount += share.amount
    # One UPDATE … CASE for all the lines (a payment settling twelve months is one round trip, not twelve).
    BillLine.objects.bulk_update(lines.values(), ["settled_amount"])


def _add_allocated(payment_id: int, amount: Decimal) -> Decimal:
    """Move a payment's allocated amount by an exact sum (see `_add_settled`); returns the new value."""
    allocated: Decimal = Payment.objects.values_list("allocated_amount", flat=True).get(pk=payment_id) + amount
    Payment.objects.filter(pk=payment_id).update(allocated_amount=allocated)
    return allocated


def _deposits_received(
    account: Account, shares: Sequence[allocation.Share], on_date: datetime.date, actor: User | None
) -> None:
    """Money applied to a deposit line is deposit held (保证金收取), kept per contract."""
    deposit_lines = dict(
        BillLine.objects.filter(pk__in=[s.line_id for s in shares], kind=ChargeKind.DEPOSIT).values_list(
            "pk", "contract_id"
        )
    )
    for share in shares:
        contract_id = deposit_lines.get(share.line_id)
        if contract_id is not None and share.amount > 0:
            DepositMovement.objects.create(
                contract_id=contract_id,
                account=account,
                kind=DepositMovementKind.RECEIVED,
                amount=share.amount,
                on_date=on_date,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )


def _allocate(
    payment: Payment, account: Account, actor: User | None, *, bill_ids: Sequence[int] = ()
) -> list[Allocation]:
    """Apply what is left of a payment to the account's open lines; the caller holds the account lock."""
    payment.refresh_from_db(fields=["allocated_amount", "voided_on"])
    available = payment.amount - payment.allocated_amount
    if available <= 0 or payment.voided_on is not None:
        return []
    shares = allocation.plan(available, _open_lines(account.pk), first_bill_ids=bill_ids)
    if not shares:
        return []
    # Dated when the money came in: a tenant owes no late fee for days its money sat with the park.
    made = _settle(
        account=account,
        shares=shares,
        kind=AllocationKind.PAYMENT,
        on_date=payment.received_on,
        actor=actor,
        payment=payment,
    )
    payment.allocated_amount = _add_allocated(payment.pk, sum((s.amount for s in shares), ZERO))
    return made


# --- Payments ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentInput:
    amount: Decimal
    received_on: datetime.date
    method: str = "bank_transfer"
    payer_name: str = ""
    payer_account: str = ""
    reference: str = ""
    note: str = ""


@transaction.atomic
def payment_record(
    *,
    park: Park,
    enterprise: Enterprise,
    data: PaymentInput,
    actor: User | None,
    allocate: bool = True,
    bill_ids: Sequence[int] = (),
    statement_line: BankStatementLine | None = None,
    match_method: str = "",
) -> Payment:
    """Record money received from a tenant and, by default, settle its oldest charges with it.

    1. Lock the tenant's account (created on first use).
    2. Store the payment; its number is SK-<park>-<yyyymm>-<id>.
    3. Allocate it: the named bills first, then the oldest due; the rest stays as credit.
    """
    if data.amount <= 0:
        raise ValidationError({"amount": _("收款金额必须大于0")})
    account = _locked_account(account_for(park_id=park.pk, enterprise_id=enterprise.pk))
    payment = Payment(
        number=f"tmp-{timezone.now().timestamp()}-{enterprise.pk}",
        park=park,
        account=account,
        amount=to_fen(data.amount),
        received_on=data.received_on,
        method=data.method,
        payer_name=data.payer_name,
        payer_account=data.payer_account,
        reference=data.reference,
        note=data.note,
        statement_line=statement_line,
        match_method=match_method,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    payment.full_clean(exclude=["number"])
    payment.save()
    payment.number = f"SK-{park.code}-{data.received_on:%Y%m}-{payment.pk:06d}"
    payment.save(update_fields=["number"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=payment,
        park_id=park.pk,
        changes={"amount": payment.amount, "account": account.pk, "received_on": data.received_on},
    )
    if allocate:
        _allocate(payment, account, actor, bill_ids=bill_ids)
    return payment


@transaction.atomic
def payment_allocate(*, payment: Payment, actor: User | None, bill_ids: Sequence[int] = ()) -> list[Allocation]:
    """Apply what is left of a payment (e.g. credit from an overpayment) to open charges, oldest first."""
    account = _locked_account(payment.account_id)
    made = _allocate(payment, account, actor, bill_ids=bill_ids)
    if made:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=payment,
            park_id=payment.park_id,
            changes={"allocated": [str(a.line_id) + ":" + str(a.amount) for a in made]},
        )
    return made


@transaction.atomic
def account_apply_credit(*, account: Account | int, actor: User | None) -> list[Allocation]:
    """Apply the tenant's unallocated payments (credit), oldest payment first, to its open charges."""
    locked = _locked_account(account)
    made: list[Allocation] = []
    credits = Payment.objects.filter(account=locked, voided_on__isnull=True, allocated_amount__lt=F("amount"))
    for payment in credits.order_by("received_on", "pk"):
        made.extend(_allocate(payment, locked, actor))
    return made


@transaction.atomic
def payment_void(*, payment: Payment, actor: User | None, reason: str) -> Payment:
    """Undo a payment recorded against the wrong tenant: its allocations are reversed (dated today),
    and a bank statement line it came from goes back to the officer's list."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写作废原因")})
    account = _locked_account(payment.account_id)
    payment = Payment.objects.get(pk=payment.pk)
    if payment.voided_on is not None:
        raise ValidationError(_("该收款已作废"))
    today = timezone.localdate()
    net = dict(
        Allocation.objects.filter(payment=payment, kind=AllocationKind.PAYMENT)
        .values_list("line_id")
        .annotate(total=Sum("amount"))
    )
    reversals = [allocation.Share(line_id, -total) for line_id, total in net.items() if total]
    held = _deposit_received_on_lines(payment, reversals)
    if held:
        raise ValidationError(_("该收款已用于缴纳保证金且保证金已抵扣或退还，不能作废"))
    _settle(account=account, shares=reversals, kind=AllocationKind.PAYMENT, on_date=today, actor=actor, payment=payment)
    payment.allocated_amount = ZERO
    payment.voided_on = today
    payment.void_reason = reason
    payment.save(update_fields=["allocated_amount", "voided_on", "void_reason", "updated_at"])
    if payment.statement_line_id is not None:
        line = payment.statement_line
        assert line is not None
        payment.statement_line = None
        payment.save(update_fields=["statement_line"])
        BankStatementLine.objects.filter(pk=line.pk).update(status=StatementLineStatus.UNMATCHED)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=payment,
        park_id=payment.park_id,
        changes={"voided_on": today, "reason": reason},
    )
    return payment


def _deposit_received_on_lines(payment: Payment, reversals: Sequence[allocation.Share]) -> bool:
    """Take back the deposit received through these lines; True if that deposit is no longer held."""
    deposit_lines = dict(
        BillLine.objects.filter(pk__in=[r.line_id for r in reversals], kind=ChargeKind.DEPOSIT).values_list(
            "pk", "contract_id"
        )
    )
    for share in reversals:
        contract_id = deposit_lines.get(share.line_id)
        if contract_id is None:
            continue
        if deposit_held(contract_id) < -share.amount:
            return True
        DepositMovement.objects.create(
            contract_id=contract_id,
            account_id=payment.account_id,
            # A negative receipt, not a refund: the money never was the tenant's deposit.
            kind=DepositMovementKind.RECEIVED,
            amount=share.amount,
            on_date=timezone.localdate(),
            note=_("收款 %(number)s 作废，冲回保证金") % {"number": payment.number},
        )
    return False


# --- Deposits ------------------------------------------------------------------------------------


_DEPOSIT_SIGN = {
    DepositMovementKind.OPENING: 1,
    DepositMovementKind.RECEIVED: 1,
    DepositMovementKind.OFFSET: -1,
    DepositMovementKind.REFUNDED: -1,
}


def deposit_held(contract_id: int) -> Decimal:
    """The deposit held for a lease now: opening + received − offset − refunded."""
    rows = DepositMovement.objects.filter(contract_id=contract_id).values_list("kind").annotate(total=Sum("amount"))
    return sum((total * _DEPOSIT_SIGN[DepositMovementKind(kind)] for kind, total in rows), ZERO)


def _contract_account(contract: Contract) -> Account:
    return _locked_account(account_for(park_id=contract.park_id, enterprise_id=contract.enterprise_id))


@transaction.atomic
def deposit_record_opening(
    *, contract: Contract, amount: Decimal, on_date: datetime.date, actor: User | None
) -> DepositMovement:
    """Record a deposit collected before billing went live (期初结存)."""
    if amount <= 0:
        raise ValidationError({"amount": _("金额必须大于0")})
    account = _contract_account(contract)
    movement = DepositMovement.objects.create(
        contract=contract,
        account=account,
        kind=DepositMovementKind.OPENING,
        amount=to_fen(amount),
        on_date=on_date,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=movement,
        park_id=contract.park_id,
        changes={"kind": movement.kind, "amount": movement.amount},
    )
    return movement


@transaction.atomic
def deposit_offset(
    *, contract: Contract, actor: User | None, amount: Decimal | None = None, on_date: datetime.date | None = None
) -> DepositMovement:
    """Settle the tenant's open charges from the deposit held (保证金抵扣), oldest first.

    `amount` defaults to what the deposit and the open charges allow; deposit lines are not settled
    from a deposit.
    """
    account = _contract_account(contract)
    on_date = on_date or timezone.localdate()
    held = deposit_held(contract.pk)
    lines = _open_lines(account.pk, exclude_kinds=(ChargeKind.DEPOSIT,))
    open_total = sum((line.outstanding for line in lines), ZERO)
    wanted = min(held, open_total) if amount is None else to_fen(amount)
    if wanted <= 0:
        raise ValidationError(_("没有可抵扣的保证金或欠费"))
    if wanted > held:
        raise ValidationError({"amount": _("抵扣金额超过保证金余额 %(held)s 元") % {"held": held}})
    if wanted > open_total:
        raise ValidationError({"amount": _("抵扣金额超过欠费 %(open)s 元") % {"open": open_total}})
    movement = DepositMovement.objects.create(
        contract=contract,
        account=account,
        kind=DepositMovementKind.OFFSET,
        amount=wanted,
        on_date=on_date,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _settle(
        account=account,
        shares=allocation.plan(wanted, lines),
        kind=AllocationKind.DEPOSIT,
        on_date=on_date,
        actor=actor,
        deposit_movement=movement,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=contract,
        park_id=contract.park_id,
        changes={"deposit_offset": wanted},
    )
    return movement


@transaction.atomic
def deposit_refund(
    *, contract: Contract, amount: Decimal, actor: User | None, on_date: datetime.date | None = None, note: str = ""
) -> DepositMovement:
    """Pay back deposit held (保证金退还); refused beyond what is held or while charges are unpaid."""
    account = _contract_account(contract)
    amount = to_fen(amount)
    held = deposit_held(contract.pk)
    if amount <= 0 or amount > held:
        raise ValidationError({"amount": _("退还金额须大于0且不超过保证金余额 %(held)s 元") % {"held": held}})
    if _open_lines(account.pk, exclude_kinds=(ChargeKind.DEPOSIT,)):
        raise ValidationError(_("该企业仍有未结清的费用，请先以保证金抵扣或收清欠费后再退还"))
    movement = DepositMovement.objects.create(
        contract=contract,
        account=account,
        kind=DepositMovementKind.REFUNDED,
        amount=amount,
        on_date=on_date or timezone.localdate(),
        note=note,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=contract,
        park_id=contract.park_id,
        changes={"deposit_refund": amount},
    )
    return movement


# --- Credit notes --------------------------------------------------------------------------------


@transaction.atomic
def credit_note_issue(
    *,
    bill: Bill,
    amounts: Mapping[int, Decimal],
    reason: str,
    actor: User | None,
    on_date: datetime.date | None = None,
) -> Bill:
    """Correct an issued bill with a credit note (红字冲销单); the bill itself is never edited.

    1. Lock the account; check each amount is positive and within what is not yet credited.
    2. Issue the credit note: negative lines pointing at the corrected lines, VAT split per line.
    3. Reduce each corrected line: first what is still open on it; where it was already paid, the
       payment's allocation is reversed, so the money becomes the tenant's credit.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("请填写冲销原因")})
    account = _locked_account(bill.account_id)
    bill = Bill.objects.get(pk=bill.pk)
    if bill.kind != BillKind.BILL or bill.status != BillStatus.ISSUED:
        raise ValidationError(_("只有已出账的账单可以开具红字冲销单"))
    on_date = on_date or timezone.localdate()
    lines = {line.pk: line for line in bill.lines.all()}
    credited = dict(
        BillLine.objects.filter(credits_line__in=list(lines)).values_list("credits_line").annotate(total=Sum("amount"))
    )
    plans = []
    for line_id, raw in amounts.items():
        amount = to_fen(raw)
        if amount == 0:
            continue
        line = lines.get(line_id)
        if line is None:
            raise ValidationError(_("明细不属于该账单"))
        left = line.amount + credited.get(line_id, ZERO)
        if amount < 0 or amount > left:
            raise ValidationError(_("“%(line)s”可冲销金额为 %(left)s 元") % {"line": line.description, "left": left})
        plans.append((line, amount))
    if not plans:
        raise ValidationError(_("请填写要冲销的金额"))
    note = Bill.objects.create(
        number=f"tmp-credit-{bill.pk}-{timezone.now().timestamp()}",
        kind=BillKind.CREDIT_NOTE,
        status=BillStatus.ISSUED,
        park_id=bill.park_id,
        account=account,
        credit_of=bill,
        reason=reason,
        issued_on=on_date,
        due_on=on_date,
        period_start=bill.period_start,
        period_end=bill.period_end,
        buyer_name=account.enterprise.name,
        buyer_credit_code=account.enterprise.credit_code or "",
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    note.number = f"HC-{account.park.code}-{on_date:%Y%m}-{note.pk:06d}"
    with translation.override(DOCUMENT_LANGUAGE):
        prefix = _("冲销：")
    for line, amount in plans:
        credit = BillLine.objects.create(
            bill=note,
            park_id=line.park_id,
            account=account,
            contract_id=line.contract_id,
            kind=line.kind,
            description=(prefix + line.description)[:200],
            period_start=line.period_start,
            period_end=line.period_end,
            amount=-amount,
            tax_rate=line.tax_rate,
            tax_amount=-tax_of(amount, line.tax_rate),
            invoice_item=line.invoice_item,
            tax_code=line.tax_code,
            due_on=on_date,
            issued_on=on_date,
            settled_amount=-amount,
            credits_line=line,
        )
        _reduce_line(account, line, amount, credit, on_date, actor)
    totals = note.lines.aggregate(total=Sum("amount"), tax=Sum("tax_amount"))
    note.total_amount, note.tax_amount = totals["total"], totals["tax"]
    note.save(update_fields=["number", "total_amount", "tax_amount"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=note,
        park_id=note.park_id,
        changes={"credit_of": bill.number, "amount": note.total_amount, "reason": reason},
    )
    return note


def _reduce_line(
    account: Account, line: BillLine, amount: Decimal, credit: BillLine, on_date: datetime.date, actor: User | None
) -> None:
    line.refresh_from_db(fields=["settled_amount"])
    from_open = min(amount, line.amount - line.settled_amount)
    if from_open:
        _settle(
            account=account,
            shares=[allocation.Share(line.pk, from_open)],
            kind=AllocationKind.CREDIT_NOTE,
            on_date=on_date,
            actor=actor,
            credit_line=credit,
        )
    rest = amount - from_open
    # Already paid: release the newest payment allocations on the line; that money becomes credit.
    paid = (
        Allocation.objects.filter(line=line, kind=AllocationKind.PAYMENT)
        .values_list("payment_id")
        .annotate(total=Sum("amount"))
        .order_by("-payment_id")
    )
    for payment_id, total in paid:
        if rest <= 0:
            break
        take = min(rest, total)
        if take <= 0:
            continue
        payment = Payment.objects.get(pk=payment_id)
        _settle(
            account=account,
            shares=[allocation.Share(line.pk, -take)],
            kind=AllocationKind.PAYMENT,
            on_date=on_date,
            actor=actor,
            payment=payment,
        )
        _add_allocated(payment_id, -take)
        _settle(
            account=account,
            shares=[allocation.Share(line.pk, take)],
            kind=AllocationKind.CREDIT_NOTE,
            on_date=on_date,
            actor=actor,
            credit_line=credit,
        )
        rest -= take
    if rest > 0:
        raise ValidationError(
            _("“%(line)s”已由保证金抵扣或核销，不能再冲销 %(rest)s 元") % {"line": line.description, "rest": rest}
        )


# --- Write-offs ----------------------------------------------------------------------------------


@transaction.atomic
def write_off_request(*, account: Account, amounts: Mapping[int, Decimal], reason: str, actor: User | None) -> WriteOff:
    """Ask to write off uncollectable charges (坏账核销); nothing changes until a second person approves."""
    if not reason.strip():
        raise ValidationError({"reason": _("请填写核销原因")})
    account = _locked_account(account)
    open_lines = {line.line_id: line for line in _open_lines(account.pk)}
    wanted = {line_id: to_fen(amount) for line_id, amount in amounts.items() if amount}
    for line_id, amount in wanted.items():
        line = open_lines.get(line_id)
        if line is None or amount <= 0 or amount > line.outstanding:
            raise ValidationError(_("核销金额须大于0且不超过该明细的欠费"))
    if not wanted:
        raise ValidationError(_("请选择要核销的欠费"))
    write_off = WriteOff.objects.create(
        park_id=account.park_id,
        account=account,
        amount=sum(wanted.values(), ZERO),
        reason=reason,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
    )
    WriteOffLine.objects.bulk_create(WriteOffLine(write_off=write_off, line_id=k, amount=v) for k, v in wanted.items())
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=write_off,
        park_id=account.park_id,
        changes={"amount": write_off.amount, "reason": reason},
    )
    return write_off


@transaction.atomic
def write_off_decide(*, write_off: WriteOff, approve: bool, actor: User, note: str = "") -> WriteOff:
    """Approve (the lines are settled as written off) or reject a write-off; never by its requester."""
    account = _locked_account(write_off.account_id)
    write_off = WriteOff.objects.select_for_update().get(pk=write_off.pk)
    if write_off.status != WriteOffStatus.REQUESTED:
        raise ValidationError(_("该核销申请已处理"))
    if write_off.requested_by_id == actor.pk:
        raise ValidationError(_("核销须由申请人以外的人员审批"))
    if approve:
        open_lines = {line.line_id: line for line in _open_lines(account.pk)}
        shares = []
        for item in write_off.lines.all():
            line = open_lines.get(item.line_id)
            if line is None or item.amount > line.outstanding:
                raise ValidationError(_("申请后欠费已变化（已收款或已冲销），请驳回后重新申请"))
            shares.append(allocation.Share(item.line_id, item.amount))
        _settle(
            account=account,
            shares=shares,
            kind=AllocationKind.WRITE_OFF,
            on_date=timezone.localdate(),
            actor=actor,
            write_off=write_off,
        )
    write_off.status = WriteOffStatus.APPROVED if approve else WriteOffStatus.REJECTED
    write_off.decided_by = actor
    write_off.decided_at = timezone.now()
    write_off.decision_note = note
    write_off.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=write_off,
        park_id=write_off.park_id,
        changes={"status": write_off.status, "note": note},
    )
    return write_off


# --- Bank statements -----------------------------------------------------------------------------


def _candidates(park_id: int) -> list[matching.Candidate]:
    """The park's tenant accounts with their names, former names and open bills (three queries)."""
    accounts = list(
        Account.objects.filter(park_id=park_id).values_list("pk", "enterprise__name", "enterprise__former_names")
    )
    open_by_bill = (
        BillLine.objects.filter(park_id=park_id, issued_on__isnull=False, amount__gt=0, settled_amount__lt=F("amount"))
        .values_list("account_id", "bill__number")
        .annotate(open=Sum(F("amount") - F("settled_amount")))
    )
    bills: dict[int, dict[str, Decimal]] = {}
    for account_id, number, open_amount in open_by_bill:
        bills.setdefault(account_id, {})[number] = open_amount
    return [
        matching.Candidate(
            account_id=pk,
            name=name,
            former_names=tuple(former or ()),
            open_bills=bills.get(pk, {}),
            outstanding=sum(bills.get(pk, {}).values(), ZERO),
        )
        for pk, name, former in accounts
    ]


def _bill_ids(numbers: Sequence[str]) -> list[int]:
    by_number = dict(Bill.objects.filter(number__in=numbers).values_list("number", "pk"))
    return [by_number[n] for n in numbers if n in by_number]


@dataclass(frozen=True, slots=True)
class StatementImport:
    statement: BankStatement
    errors: list[tuple[int | None, str]]
    matched: int


@transaction.atomic
def statement_import(
    *, park: Park, data: bytes, file_name: str, layout: statements.Layout, actor: User | None, auto_match: bool = True
) -> StatementImport:
    """Import a bank statement: store its incoming transfers once, and book the ones that match surely.

    1. Read the file with the bank's layout (rows that cannot be read are reported, nothing is stored
       when the file itself is unreadable).
    2. Skip transfers already imported (same bank serial, or the same facts), so overlapping
       exports and a second upload change nothing.
    3. Match each new line (matching.Matcher): confident matches become payments allocated oldest
       first (the bills named in the reference first); the rest wait for an officer with a suggestion.
    """
    result = statements.read_statement(data, file_name, layout)
    statement = BankStatement.objects.create(
        park=park,
        layout=layout.name,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        rows_read=result.read,
        rows_skipped=result.skipped,
        imported_by=actor if actor is not None and actor.is_authenticated else None,
    )
    keys = statements.dedupe_keys(result.rows)
    existing = set(
        BankStatementLine.objects.filter(park=park, dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    new_lines = [
        BankStatementLine(
            statement=statement,
            park=park,
            row_number=row.row_number,
            booked_on=row.booked_on,
            amount=row.amount,
            payer_name=row.payer_name,
            payer_account=row.payer_account,
            reference=row.reference,
            serial=row.serial,
            dedupe_key=key,
        )
        for row, key in zip(result.rows, keys, strict=True)
        if key not in existing and not existing.add(key)  # type: ignore[func-returns-value]
    ]
    BankStatementLine.objects.bulk_create(new_lines)
    statement.lines_created = len(new_lines)
    statement.lines_duplicate = len(result.rows) - len(new_lines)
    statement.save(update_fields=["lines_created", "lines_duplicate"])
    matched = 0
    if new_lines:
        matcher = matching.Matcher(_candidates(park.pk))
        for line in statement.lines.order_by("row_number"):
            found = matcher.match(matching.Entry(line.amount, line.payer_name, line.reference))
            if found.account_id is None:
                continue
            line.suggested_account_id = found.account_id
            line.match_method = found.method
            line.match_note = found.note[:300]
            line.save(update_fields=["suggested_account", "match_method", "match_note"])
            if auto_match and found.confident:
                _book_line(
                    line,
                    Account.objects.get(pk=found.account_id),
                    found.method,
                    actor,
                    bill_ids=_bill_ids(found.bill_numbers),
                )
                matched += 1
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=statement,
        park_id=park.pk,
        changes={
            "created": statement.lines_created,
            "duplicates": statement.lines_duplicate,
            "matched": matched,
            "errors": len(result.errors),
        },
    )
    return StatementImport(statement, result.errors, matched)


def _book_line(
    line: BankStatementLine, account: Account, method: str, actor: User | None, *, bill_ids: Sequence[int] = ()
) -> Payment:
    payment = payment_record(
        park=line.park,
        enterprise=account.enterprise,
        data=PaymentInput(
            amount=line.amount,
            received_on=line.booked_on,
            payer_name=line.payer_name,
            payer_account=line.payer_account,
            reference=line.reference,
        ),
        actor=actor,
        bill_ids=bill_ids,
        statement_line=line,
        match_method=method,
    )
    line.status = StatementLineStatus.MATCHED
    line.save(update_fields=["status"])
    return payment


@transaction.atomic
def statement_line_match(
    *, line: BankStatementLine, account: Account, actor: User | None, bill_ids: Sequence[int] = ()
) -> Payment:
    """An officer books an unmatched transfer to a tenant: a payment, allocated oldest first."""
    line = BankStatementLine.objects.select_for_update().get(pk=line.pk)
    if line.status != StatementLineStatus.UNMATCHED:
        raise ValidationError(_("该流水已处理"))
    if account.park_id != line.park_id:
        raise ValidationError(_("企业账户不属于该流水的园区"))
    method = line.match_method if line.suggested_account_id == account.pk and line.match_method else MatchMethod.MANUAL
    return _book_line(line, account, method, actor, bill_ids=bill_ids)


@transaction.atomic
def statement_line_ignore(*, line: BankStatementLine, actor: User | None, note: str) -> BankStatementLine:
    """Mark a transfer that is not a tenant's payment (interest, a refund…) as dealt with."""
    line = BankStatementLine.objects.select_for_update().get(pk=line.pk)
    if line.status != StatementLineStatus.UNMATCHED:
        raise ValidationError(_("该流水已处理"))
    line.status = StatementLineStatus.IGNORED
    line.match_note = note[:300]
    line.save(update_fields=["status", "match_note"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=line,
        park_id=line.park_id,
        changes={"status": line.status, "note": note},
    )
    return line


# --- Reminders -----------------------------------------------------------------------------------


def _templates(park_id: int) -> dict[int, ReminderTemplate]:
    """Active templates by level, the park's own winning over the operator-wide ones."""
    chosen: dict[int, ReminderTemplate] = {}
    rows = ReminderTemplate.objects.filter(Q(park_id=park_id) | Q(park__isnull=True), active=True)
    for template in rows.order_by(F("park_id").asc(nulls_first=True), "level"):
        chosen[template.level] = template
    return chosen


@dataclass(frozen=True, slots=True)
class Arrears:
    outstanding: Decimal
    oldest_due: datetime.date
    bills: list[str]


def account_arrears(account_id: int, today: datetime.date) -> Arrears | None:
    """What a tenant owes that is already due, and since when (None if nothing is overdue)."""
    rows = list(
        BillLine.objects.filter(account_id=account_id, issued_on__isnull=False, amount__gt=0, due_on__lte=today)
        .filter(settled_amount__lt=F("amount"))
        .values_list("due_on", "amount", "settled_amount", "bill__number")
    )
    if not rows:
        return None
    outstanding = sum((amount - settled for _due, amount, settled, _n in rows), ZERO)
    return Arrears(outstanding, min(due for due, *_rest in rows), sorted({n for *_rest, n in rows}))


def _send(
    *,
    account: Account,
    template: ReminderTemplate,
    arrears: Arrears,
    today: datetime.date,
    actor: User | None,
    profile: BillingProfile | None = None,
) -> Reminder:
    profile = profile or profile_for(account.park_id)
    values = {
        "enterprise": account.enterprise.name,
        "amount": f"{arrears.outstanding:,.2f}",
        "oldest_due": arrears.oldest_due.isoformat(),
        "days": str((today - arrears.oldest_due).days),
        "payee": profile.payee_name,
        "bank_name": profile.bank_name,
        "bank_account": profile.bank_account,
        "bills": "、".join(arrears.bills[:20]),
    }
    subject = reminders.render(template.subject, values)
    body = reminders.render(template.body, values)
    reminder = Reminder.objects.create(
        account=account,
        park_id=account.park_id,
        level=template.level,
        template=template,
        overdue_since=arrears.oldest_due,
        outstanding_amount=arrears.outstanding,
        subject=subject[:100],
        body=body,
        channel=ReminderChannel.NOTICE,
        sent_on=today,
        sent_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=reminder,
        park_id=account.park_id,
        changes={"level": reminder.level, "outstanding": reminder.outstanding_amount},
    )
    return reminder


@transaction.atomic
def reminder_send(
    *, account: Account, actor: User | None, level: int | None = None, today: datetime.date | None = None
) -> Reminder:
    """Send a reminder now (an officer's click): the level due, or the one chosen; once per level."""
    today = today or timezone.localdate()
    account = _locked_account(account)
    arrears = account_arrears(account.pk, today)
    if arrears is None:
        raise ValidationError(_("该企业没有逾期欠费"))
    templates = _templates(account.park_id)
    if not templates:
        raise ValidationError(_("尚未配置催缴模板"))
    sent = set(
        Reminder.objects.filter(account=account, overdue_since=arrears.oldest_due).values_list("level", flat=True)
    )
    if level is None:
        levels = [reminders.Level(t.level, t.working_days_overdue) for t in templates.values()]
        days = reminders.working_days_overdue(arrears.oldest_due, today)
        level = reminders.level_due(levels, days, sent) or min(
            (lv for lv in templates if lv not in sent and all(lv > s for s in sent)), default=None
        )
    if level is None or level not in templates:
        raise ValidationError(_("该欠费已发送过最高级别的催缴通知"))
    if level in sent:
        raise ValidationError(_("该欠费已发送过该级别的催缴通知"))
    return _send(account=account, template=templates[level], arrears=arrears, today=today, actor=actor)


@transaction.atomic
@transaction.atomic
def reminders_send_due(
    *, park_ids: Sequence[int] | None = None, today: datetime.date | None = None, actor: User | None = None
) -> int:
    """The daily reminder run: every overdue tenant gets the level its arrears reached; idempotent.

    Runs only on working days (a reminder dated on a holiday is not sent until the next working day).
    Set-based: the arrears of every overdue tenant in one query, the accounts to remind locked in one
    (so a concurrent run waits, then sees what this one sent), the reminders sent already in one.
    """
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    arrears = _overdue_arrears(park_ids, today)
    templates_by_park: dict[int, dict[int, ReminderTemplate]] = {}
    for park_id in {park_id for park_id, _arrears in arrears.values()}:
        templates_by_park[park_id] = _templates(park_id)
    candidates = sorted(account_id for account_id, (park_id, _a) in arrears.items() if templates_by_park[park_id])
    if not candidates:
        return 0
    accounts = {
        account.pk: account
        for account in Account.objects.select_for_update()
        .filter(pk__any_of=candidates)
        .select_related("enterprise")
        .order_by("pk")
    }
    sent: dict[tuple[int, datetime.date], set[int]] = defaultdict(set)
    for account_id, since, level in Reminder.objects.filter(account_id__any_of=candidates).values_list(
        "account_id", "overdue_since", "level"
    ):
        sent[(account_id, since)].add(level)
    profiles: dict[int, BillingProfile] = {}
    count = 0
    for account_id in candidates:
        park_id, owed = arrears[account_id]
        templates = templates_by_park[park_id]
        levels = [reminders.Level(t.level, t.working_days_overdue) for t in templates.values()]
        days = reminders.working_days_overdue(owed.oldest_due, today)
        due_level = reminders.level_due(levels, days, sent[(account_id, owed.oldest_due)])
        if due_level is None:
            continue
        if park_id not in profiles:
            profiles[park_id] = profile_for(park_id)
        _send(
            account=accounts[account_id],
            template=templates[due_level],
            arrears=owed,
            today=today,
            actor=actor,
            profile=profiles[park_id],
        )
        count += 1
    return count


def _overdue_arrears(park_ids: Sequence[int] | None, today: datetime.date) -> dict[int, tuple[int, Arrears]]:
    """`account_arrears` of every tenant with a charge overdue today (due before today), in one query."""
    lines = BillLine.objects.filter(issued_on__isnull=False, amount__gt=0, due_on__lte=today).filter(
        settled_amount__lt=F("amount")
    )
    if park_ids is not None:
        lines = lines.filter(park_id__any_of=list(park_ids))
    rows: dict[int, list[tuple[datetime.date, Decimal, str]]] = defaultdict(list)
    parks: dict[int, int] = {}
    for account_id, park_id, due, amount, settled, number in lines.values_list(
        "account_id", "park_id", "due_on", "amount", "settled_amount", "bill__number"
    ):
        rows[account_id].append((due, amount - settled, number))
        parks[account_id] = park_id
    result = {}
    for account_id, owed in rows.items():
        oldest = min(due for due, _amount, _number in owed)
        if oldest < today:
            outstanding = sum((amount for _due, amount, _number in owed), ZERO)
            result[account_id] = (parks[account_id], Arrears(outstanding, oldest, sorted({n for *_r, n in owed})))
    return result


# --- Invoices (发票 records) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    name: str
    credit_code: str
    address: str = ""
    phone: str = ""
    bank: str = ""
    bank_account: str = ""
    email: str = ""


def invoice_lines(bill: Bill, scope: str) -> QuerySet[BillLine]:
    """The lines of a bill that one 发票 of `scope` covers (deposits take a receipt, not an invoice)."""
    lines = bill.lines.exclude(invoice_item="")
    if scope == InvoiceScope.LEASE:
        return lines.filter(kind=ChargeKind.RENT)
    return lines.exclude(kind=ChargeKind.RENT)


def _validated_buyer(buyer: Buyer) -> str:
    """The buyer's normalised credit code; every problem of the buyer's details at once otherwise."""
    errors: dict[str, list[str]] = {}
    if not buyer.name.strip():
        errors["buyer_name"] = [_("请填写购买方名称")]
    code = buyer.credit_code
    try:
        code = credit_code.validate(buyer.credit_code)
    except ValidationError as exc:
        errors["buyer_credit_code"] = list(exc.messages)
    digits = buyer.bank_account.replace(" ", "")
    if digits and not digits.isdigit():
        errors["buyer_bank_account"] = [_("银行账号只能包含数字")]
    if bool(buyer.bank.strip()) != bool(digits):
        errors.setdefault("buyer_bank_account", []).append(_("开户银行和银行账号须同时填写"))
    if errors:
        raise ValidationError(errors)
    return code


@transaction.atomic
def invoice_request_create(
    *, bill: Bill, buyer: Buyer, invoice_type: str, actor: User | None, note: str = ""
) -> list[InvoiceRequest]:
    """Ask for the 发票 of an issued bill (开票申请): one for its rent, one for its other charges.

    The buyer's code is checked as GB 32100 requires, its bank account as digits; a bill already
    requested (and not cancelled) is refused.
    """
    bill = Bill.objects.select_for_update().get(pk=bill.pk)
    if bill.status != BillStatus.ISSUED:
        raise ValidationError(_("账单出账后才能申请开票"))
    code = _validated_buyer(buyer)
    requests = []
    for scope in InvoiceScope:
        amount = invoice_lines(bill, scope).aggregate(total=Sum("amount"))["total"] or ZERO
        if amount == 0:
            continue
        if (
            InvoiceRequest.objects.filter(bill=bill, scope=scope)
            .exclude(status=InvoiceRequestStatus.CANCELLED)
            .exists()
        ):
            raise ValidationError(_("该账单已有开票申请"))
        requests.append(
            InvoiceRequest.objects.create(
                bill=bill,
                park_id=bill.park_id,
                invoice_type=invoice_type,
                scope=scope,
                buyer_name=buyer.name.strip(),
                buyer_credit_code=code,
                buyer_address=buyer.address,
                buyer_phone=buyer.phone,
                buyer_bank=buyer.bank.strip(),
                buyer_bank_account=buyer.bank_account.replace(" ", ""),
                email=buyer.email,
                amount=amount,
                note=note,
                requested_by=actor if actor is not None and actor.is_authenticated else None,
            )
        )
    if not requests:
        raise ValidationError(_("该账单没有可开票的费用（保证金开具收据）"))
    for request in requests:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=request,
            park_id=bill.park_id,
            changes={"bill": bill.number, "scope": request.scope, "amount": request.amount},
        )
    return requests


@transaction.atomic
def invoice_record_issued(
    *, request: InvoiceRequest, number: str, issued_on: datetime.date, actor: User | None
) -> InvoiceRequest:
    """Record the number and date of the 发票 issued in the invoicing software."""
    request = InvoiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != InvoiceRequestStatus.REQUESTED:
        raise ValidationError(_("该开票申请已处理"))
    number = number.strip()
    if not number.isdigit() or len(number) not in (8, 20):
        raise ValidationError({"invoice_number": _("发票号码应为20位（数电票）或8位数字")})
    if InvoiceRequest.objects.filter(invoice_number=number).exists():
        raise ValidationError({"invoice_number": _("该发票号码已登记")})
    request.status = InvoiceRequestStatus.ISSUED
    request.invoice_number = number
    request.invoice_issued_on = issued_on
    request.recorded_by = actor if actor is not None and actor.is_authenticated else None
    request.save(update_fields=["status", "invoice_number", "invoice_issued_on", "recorded_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=request,
        park_id=request.park_id,
        changes={"invoice_number": number, "issued_on": issued_on},
    )
    return request


@transaction.atomic
def invoice_request_cancel(*, request: InvoiceRequest, actor: User | None, note: str = "") -> InvoiceRequest:
    request = InvoiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != InvoiceRequestStatus.REQUESTED:
        raise ValidationError(_("只能取消待开票的申请"))
    request.status = InvoiceRequestStatus.CANCELLED
    request.note = (note or request.note)[:200]
    request.save(update_fields=["status", "note", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=request, park_id=request.park_id, changes={"status": request.status}
    )
    return request


# --- Charges awaiting a run ----------------------------------------------------------------------


@transaction.atomic
def extra_charge_create(
    *,
    park: Park,
    enterprise: Enterprise,
    kind: str,
    description: str,
    unit_price: Decimal,
    charge_on: datetime.date,
    actor: User | None,
    quantity: Decimal = Decimal(1),
    unit: str = "",
    contract: Contract | None = None,
) -> ExtraCharge:
    """A one-off charge (一次性费用) for the next bill run of its month."""
    if kind in (ChargeKind.RENT, ChargeKind.PROPERTY_FEE, ChargeKind.DEPOSIT, ChargeKind.LATE_FEE):
        raise ValidationError({"kind": _("租金、物业费、保证金和滞纳金由出账自动生成，不能作为一次性费用录入")})
    if contract is not None and (contract.park_id != park.pk or contract.enterprise_id != enterprise.pk):
        raise ValidationError({"contract": _("合同不属于该园区的该企业")})
    if line_amount(quantity, unit_price) == 0:
        raise ValidationError({"unit_price": _("金额不能为0")})
    charge = ExtraCharge(
        park=park,
        enterprise=enterprise,
        contract=contract,
        kind=kind,
        description=description,
        quantity=quantity,
        unit=unit,
        unit_price=unit_price,
        charge_on=charge_on,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    return save_audited(charge, actor=actor, before=None, park_id=park.pk)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadingInput:
    enterprise: Enterprise
    meter_code: str
    kind: str
    period_start: datetime.date
    period_end: datetime.date
    previous_reading: Decimal
    current_reading: Decimal
    multiplier: Decimal
    unit: str


@transaction.atomic
def readings_import(*, park: Park, readings: Sequence[ReadingInput], actor: User | None) -> tuple[int, int]:
    """Store a reading sheet (抄表单); a meter's period already stored is left as it is. (created, kept)."""
    created = kept = 0
    for item in readings:
        if item.current_reading < item.previous_reading:
            raise ValidationError(_("表 %(meter)s 本期读数小于上期读数") % {"meter": item.meter_code})
        quantity = (item.current_reading - item.previous_reading) * item.multiplier
        _reading, made = UtilityReading.objects.get_or_create(
            park=park,
            meter_code=item.meter_code,
            kind=item.kind,
            period_start=item.period_start,
            defaults={
                "enterprise": item.enterprise,
                "period_end": item.period_end,
                "previous_reading": item.previous_reading,
                "current_reading": item.current_reading,
                "multiplier": item.multiplier,
                "quantity": quantity,
                "unit": item.unit,
                "imported_by": actor if actor is not None and actor.is_authenticated else None,
            },
        )
        created += made
        kept += not made
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="billing.utilityreading",
        object_repr=_("抄表单导入"),
        park_id=park.pk,
        changes={"created": created, "kept": kept},
    )
    return created, kept
