"""Charges before they are bill lines: drafts, their tax terms, and how they are described.

Pure and typed. A bill run turns what is owed (leasing's monthly accruals, deposits, one-off charges,
metered consumption, bookings, services, late fees) into `LineDraft`s, prices their VAT with the
`TaxTable` in force on their due date (`Pricer`), and stores them as `BillLine`s. Descriptions are
rendered in the active language; bill generation activates the document language (Chinese).
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from parkos.billing.choices import ChargeKind
from parkos.billing.money import ZERO, tax_of

#: Bill documents are Chinese whatever language the officer who ran them reads.
DOCUMENT_LANGUAGE = "zh-hans"


@dataclass(frozen=True, slots=True)
class TaxTerms:
    rate: Decimal
    invoice_item: str
    tax_code: str


NO_TAX = TaxTerms(Decimal(0), "", "")


@dataclass(frozen=True, slots=True)
class TaxRuleRow:
    kind: str
    park_id: int | None
    effective_from: datetime.date
    terms: TaxTerms


class TaxTable:
    """The tax rules of one park: the park's own rule in force on a day, else the operator-wide one."""

    def __init__(self, rules: Iterable[TaxRuleRow], park_id: int) -> None:
        self._rules: dict[tuple[str, bool], list[TaxRuleRow]] = {}
        for rule in sorted(rules, key=lambda r: r.effective_from):
            if rule.park_id not in (None, park_id):
                continue
            self._rules.setdefault((rule.kind, rule.park_id is not None), []).append(rule)
        self._starts = {key: [r.effective_from for r in rows] for key, rows in self._rules.items()}

    def _in_force(self, kind: str, own: bool, day: datetime.date) -> TaxTerms | None:
        rows = self._rules.get((kind, own))
        if not rows:
            return None
        index = bisect.bisect_right(self._starts[(kind, own)], day) - 1
        return rows[index].terms if index >= 0 else None

    def terms(self, kind: str, day: datetime.date) -> TaxTerms | None:
        """The rule for `kind` in force on `day`, or None when nothing is configured."""
        return self._in_force(kind, True, day) or self._in_force(kind, False, day)


@dataclass(frozen=True, slots=True, kw_only=True)
class LineDraft:
    """A charge about to be billed. `amount` is tax-inclusive and already rounded to the fen."""

    enterprise_id: int
    kind: str
    charge_key: str
    description: str
    amount: Decimal
    due_on: datetime.date
    contract_id: int | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    quantity: Decimal | None = None
    unit: str = ""
    unit_price: Decimal | None = None
    source_type: str = ""
    source_id: int | None = None
    #: For late fees: the kind of the overdue charge, whose tax terms a late fee follows (价外费用).
    tax_kind: str = ""


class Pricer:
    """The VAT terms in force on a day, looked up once per kind and day, and the VAT of drafts."""

    def __init__(self, table: TaxTable) -> None:
        self.table = table
        self._terms: dict[tuple[str, datetime.date], TaxTerms | None] = {}
        self.missing: set[str] = set()

    def terms_for(self, kind: str, day: datetime.date) -> TaxTerms:
        key = (kind, day)
        if key not in self._terms:
            self._terms[key] = self.table.terms(kind, day)
        found = self._terms[key]
        if found is None:
            if kind != ChargeKind.DEPOSIT:
                self.missing.add(kind)
            return NO_TAX
        return found

    def tax(self, draft: LineDraft) -> tuple[TaxTerms, Decimal]:
        terms = self.terms_for(draft.tax_kind or draft.kind, draft.due_on)
        return terms, tax_of(draft.amount, terms.rate) if terms.rate else ZERO


# --- Descriptions (rendered in the document language: bill generation activates it) ---------------


def _kind_label(kind: str) -> str:
    language = translation.get_language() or DOCUMENT_LANGUAGE
    key = (language, kind)
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = str(ChargeKind(kind).label)
    return label


_LABELS: dict[tuple[str, str], str] = {}


def month_label(month: datetime.date) -> str:
    return f"{month.year}年{month.month:02d}月"


def accrual_descriptions(
    month: datetime.date, start: datetime.date, end: datetime.date, spaces: str
) -> tuple[str, str]:
    """The rent and property-fee descriptions of one month (as `accrual_description`, both at once)."""
    stem = f"{month.year}年{month.month:02d}月"
    next_month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    if start != month or end != next_month - datetime.timedelta(days=1):
        stem += _("（%(start)s至%(end)s）") % {"start": start.strftime("%m-%d"), "end": end.strftime("%m-%d")}
    if spaces:
        stem = f"{stem} {spaces}"
    return (
        f"{_kind_label(ChargeKind.RENT)} {stem}"[:200],
        f"{_kind_label(ChargeKind.PROPERTY_FEE)} {stem}"[:200],
    )


def deposit_description(contract_number: str) -> str:
    return _("租赁保证金（合同 %(number)s）") % {"number": contract_number}


def utility_description(kind: str, start: datetime.date, end: datetime.date, meter: str) -> str:
    return _("%(kind)s %(start)s至%(end)s 表号%(meter)s") % {
        "kind": _kind_label(kind),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "meter": meter,
    }


def metered_description(
    kind: str, start: datetime.date, end: datetime.date, *, meter: str, note: str, shared: bool
) -> str:
    """E.g. "电费 2026-10-01至2026-10-31 表计 E-101 101室电表", or for a share of a common meter
    "电费 2026-10-01至2026-10-31 表号E-PUB 公摊 公共照明（按面积 12.50%）"."""
    if shared:
        return f"{utility_description(kind, start, end, meter)} {note}"[:200]
    return f"{_kind_label(kind)} {start.isoformat()}至{end.isoformat()} {note}"[:200]


def reading_description(
    kind: str, start: datetime.date, end: datetime.date, meter: str, readings: tuple[Decimal, Decimal, Decimal]
) -> str:
    """A reading-sheet line with its register readings, e.g. "… 表号E-7 读数 1200→1500 ×40"."""
    previous, current, multiplier = readings
    text = f"{utility_description(kind, start, end, meter)} " + _("读数 %(previous)s→%(current)s") % {
        "previous": plain_number(previous),
        "current": plain_number(current),
    }
    if multiplier != 1:
        text += f" ×{plain_number(multiplier)}"
    return text[:200]


def plain_number(number: Decimal) -> str:
    """A reading without trailing zeros: 1200.5000 → 1200.5, 1200.0000 → 1200."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def late_fee_description(bill_number: str, description: str, through: datetime.date) -> str:
    text = _("滞纳金：%(bill)s %(line)s，计至%(through)s") % {
        "bill": bill_number,
        "line": description,
        "through": through.isoformat(),
    }
    return text[:200]
