"""Which tenant paid a bank transfer: pure, typed, no database.

Rules, strongest first (RULES §14.5):
1. Reference: the transfer's 摘要/附言 names an open bill's number (hyphens and spaces ignored, as
   banks drop them). Confident when the payer's name does not point at another tenant (a third party
   paying for the tenant, 代付, is left for an officer to confirm).
2. Payer name: the payer's name, normalised (legal-form suffixes, brackets and spaces dropped, as
   the enterprise dedup does), equals a tenant's name or one of its former names (曾用名 — banks keep
   old account names for months after a renaming). Confident when exactly one tenant has it.
3. Amount: the amount equals exactly one tenant's open balance or one open bill: a suggestion only.
4. A similar name (similarity ≥ 0.75): a suggestion only.
Anything not confident is left for an officer, with the suggestion and the reason.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from parkos.billing.choices import MatchMethod
from parkos.enterprises.search import name_key

SIMILAR_NAME_RATIO = 0.75
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def compact(text: str) -> str:
    """Upper case letters and digits only: "zd-cq a-202601-00001" → "ZDCQA20260100001"."""
    return _NOT_ALNUM.sub("", text.upper())


@dataclass(frozen=True, slots=True)
class Candidate:
    """A tenant account of the park with what identifies it."""

    account_id: int
    name: str
    former_names: tuple[str, ...] = ()
    open_bills: Mapping[str, Decimal] = field(default_factory=dict)  # bill number → outstanding
    outstanding: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Entry:
    amount: Decimal
    payer_name: str
    reference: str


@dataclass(frozen=True, slots=True)
class Match:
    account_id: int | None
    method: str
    confident: bool
    note: str
    bill_numbers: tuple[str, ...] = ()


NO_MATCH = Match(None, "", False, "")


class Matcher:
    """Candidates indexed once, then any number of entries matched against them."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.candidates = {c.account_id: c for c in candidates}
        self.by_key: dict[str, set[int]] = {}
        self.by_former_key: dict[str, set[int]] = {}
        self.bills: dict[str, tuple[int, str]] = {}
        for c in candidates:
            self.by_key.setdefault(name_key(c.name), set()).add(c.account_id)
            for former in c.former_names:
                self.by_former_key.setdefault(name_key(former), set()).add(c.account_id)
            for number in c.open_bills:
                self.bills[compact(number)] = (c.account_id, number)

    def _by_reference(self, entry: Entry) -> tuple[int | None, tuple[str, ...]]:
        text = compact(entry.reference)
        found = [(account, number) for key, (account, number) in self.bills.items() if key and key in text]
        accounts = {account for account, _number in found}
        if len(accounts) != 1:
            return None, ()
        return accounts.pop(), tuple(sorted(number for _account, number in found))

    def _by_name(self, entry: Entry) -> tuple[set[int], str]:
        key = name_key(entry.payer_name)
        if not key:
            return set(), ""
        if key in self.by_key:
            return self.by_key[key], MatchMethod.NAME
        if key in self.by_former_key:
            return self.by_former_key[key], MatchMethod.FORMER_NAME
        return set(), ""

    def _by_amount(self, entry: Entry) -> int | None:
        hits = {
            c.account_id
            for c in self.candidates.values()
            if c.outstanding == entry.amount or entry.amount in c.open_bills.values()
        }
        return hits.pop() if len(hits) == 1 else None

    def _similar(self, entry: Entry) -> tuple[int | None, float]:
        key = name_key(entry.payer_name)
        best, best_ratio = None, 0.0
        if len(key) < 2:
            return None, 0.0
        for candidate_key, accounts in self.by_key.items():
            ratio = difflib.SequenceMatcher(None, key, candidate_key).ratio()
            if ratio > best_ratio and len(accounts) == 1:
                best, best_ratio = next(iter(accounts)), ratio
        return (best, best_ratio) if best_ratio >= SIMILAR_NAME_RATIO else (None, best_ratio)

    def match(self, entry: Entry) -> Match:
        account, bills = self._by_reference(entry)
        named, method = self._by_name(entry)
        if account is not None:
            name = self.candidates[account].name
            if named and account not in named:
                other = self.candidates[next(iter(named))].name
                note = _("摘要中的账单号属于%(tenant)s，但付款户名为%(other)s（可能为代付），请确认") % {
                    "tenant": name,
                    "other": other,
                }
                return Match(account, MatchMethod.REFERENCE, False, note, bills)
            note = _("摘要中含账单号 %(bills)s") % {"bills": "、".join(bills)}
            return Match(account, MatchMethod.REFERENCE, True, note, bills)
        if len(named) == 1:
            found = next(iter(named))
            if method == MatchMethod.FORMER_NAME:
                note = _("付款户名为%(tenant)s的曾用名") % {"tenant": self.candidates[found].name}
            else:
                note = _("付款户名与企业名称一致")
            return Match(found, method, True, note)
        if len(named) > 1:
            return Match(sorted(named)[0], method, False, _("付款户名对应多个企业，请人工确认"))
        by_amount = self._by_amount(entry)
        if by_amount is not None:
            note = _("金额与%(tenant)s的欠费一致，户名不符，请确认") % {"tenant": self.candidates[by_amount].name}
            return Match(by_amount, MatchMethod.AMOUNT, False, note)
        similar, ratio = self._similar(entry)
        if similar is not None:
            note = _("付款户名与%(tenant)s相近（相似度%(ratio)d%%），请确认") % {
                "tenant": self.candidates[similar].name,
                "ratio": round(ratio * 100),
            }
            return Match(similar, MatchMethod.NAME, False, note)
        return NO_MATCH
