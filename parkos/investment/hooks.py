"""What higher apps plug into investment, filled from their AppConfig.ready() (investment imports none of them).

- contract sources: the contracts that close a lead (number, link, status, whether signed). The leasing
  app, which owns contracts, supplies them; the lead page links them, and moving a lead to 已签约 by
  hand asks for a reason unless one of them is signed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContractRef:
    """A contract as the lead page shows it."""

    number: str
    url: str
    status: str
    signed: bool


ContractSource = Callable[[Iterable[int]], dict[int, list[ContractRef]]]
_SOURCES: list[ContractSource] = []


def register_contract_source(source: ContractSource) -> ContractSource:
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def contracts_of_leads(lead_ids: Iterable[int]) -> dict[int, list[ContractRef]]:
    """Contracts per lead id; empty when no app provides them."""
    ids = list(lead_ids)
    result: dict[int, list[ContractRef]] = {}
    for source in _SOURCES:
        for lead_id, refs in source(ids).items():
            result.setdefault(lead_id, []).extend(refs)
    return result
