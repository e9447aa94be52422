"""An enterprise's dated presence in a park (在园记录): when it moved in and out (RULES §5.3).

The rules, stated once for the presence page, the officer's form and the statistics that read them:

1. **A stay** is the days ``moved_in..moved_out`` (both included, as a lease's end day is), open
   when it has no move-out yet. A move-out comes after the move-in; an enterprise's stays in one
   park never overlap (:func:`overlapping`).
2. **From contracts** (:func:`stays_from_contracts`): each executed lease or sale contract in the
   park (signed, or signed then terminated early) occupies its start to its last day (the end,
   capped by an early termination; a sale has none: open). Contracts that overlap or follow within
   :data:`RENEWAL_GAP_DAYS` make one stay — a renewal signed a few weeks late is not a move-out.
   A stay whose contracts have not ended by today (the last day is today or later) is **open**: a
   lease end is a plan, not a move-out, and the tenant may renew; the stay keeps the contract's end
   to show beside it (``Stay.contract_end``). So an enterprise with a running lease is present at
   every day from its move-in up to today, whatever the lease's end.
3. **Which wins** (:func:`presence_of`): where an officer has entered any stay of an enterprise
   in a park, the officer's stays are its presence there and its contracts are not read; else
   its contracts are. An officer enters a stay precisely where the contracts do not tell the
   truth — a tenant that left before its lease ended with no termination recorded, one that
   fitted out for months before moving in, one that occupies space it bought before ParkOS held
   its contract — and the entry is deliberate, dated and audited, while contract dates are only a
   default. Mixing the two per stay would let a stale lease reopen a stay the officer closed.
4. **At a day** (:func:`present_on`, :func:`arrived_on`): present when a stay covers the day; the
   stay that does says when it arrived. An enterprise with no stay at all is unknown, not absent:
   statistics treat it as present (its rows are the only evidence).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "RENEWAL_GAP_DAYS",
    "Source",
    "Stay",
    "arrived_on",
    "left_by",
    "overlapping",
    "presence_of",
    "present_on",
    "stays_from_contracts",
]

Source = Literal["contract", "officer"]
#: Contracts of one park that follow within this many days of each other make one stay (rule 2).
RENEWAL_GAP_DAYS: Final = 31


@dataclass(frozen=True, slots=True)
class Stay:
    """One enterprise's stay in one park (rule 1)."""

    park_id: int
    moved_in: datetime.date
    moved_out: datetime.date | None  # the last day in the park; None: still there
    source: Source
    #: Of an open stay taken from running contracts: their last day (a plan, not a move-out).
    contract_end: datetime.date | None = None

    def covers(self, day: datetime.date) -> bool:
        return self.moved_in <= day and (self.moved_out is None or day <= self.moved_out)


def overlapping(
    moved_in: datetime.date,
    moved_out: datetime.date | None,
    others: Iterable[tuple[datetime.date, datetime.date | None]],
) -> bool:
    """Whether a stay shares a day with any of some others (rule 1; open stays run for ever)."""
    for other_in, other_out in others:
        if (other_out is None or moved_in <= other_out) and (moved_out is None or other_in <= moved_out):
            return True
    return False


def stays_from_contracts(
    park_id: int, spans: Iterable[tuple[datetime.date, datetime.date | None]], *, today: datetime.date
) -> list[Stay]:
    """The stays one enterprise's executed contracts in one park say (rule 2), in date order; the one
    whose contracts run to today or later is open, with their end as ``contract_end``."""
    stays: list[Stay] = []
    for start, end in sorted(spans, key=lambda span: span[0]):
        last = stays[-1] if stays else None
        if last is not None and (
            last.moved_out is None or start <= last.moved_out + datetime.timedelta(days=RENEWAL_GAP_DAYS)
        ):
            moved_out = None if last.moved_out is None or end is None else max(last.moved_out, end)
            stays[-1] = Stay(park_id, last.moved_in, moved_out, "contract")
        else:
            stays.append(Stay(park_id, start, end, "contract"))
    return [
        Stay(park_id, stay.moved_in, None, "contract", stay.moved_out)
        if stay.moved_out is not None and stay.moved_out >= today
        else stay
        for stay in stays
    ]


def presence_of(
    officer: Mapping[tuple[int, int], Sequence[Stay]],
    contracts: Mapping[tuple[int, int], Iterable[tuple[datetime.date, datetime.date | None]]],
    *,
    today: datetime.date,
) -> dict[int, list[Stay]]:
    """Each enterprise's stays in every park, keyed by enterprise: the officer's where there are any,
    else its contracts' as of ``today`` (rules 2 and 3). Both arguments are keyed (enterprise, park)."""
    stays: dict[int, list[Stay]] = defaultdict(list)
    for (enterprise_id, park_id), spans in contracts.items():
        if (enterprise_id, park_id) not in officer:
            stays[enterprise_id] += stays_from_contracts(park_id, spans, today=today)
    for (enterprise_id, _park_id), entered in officer.items():
        stays[enterprise_id] += entered
    return {e: sorted(found, key=lambda stay: (stay.moved_in, stay.park_id)) for e, found in stays.items()}


def present_on(stays: Iterable[Stay], day: datetime.date) -> bool:
    """Whether any of some stays covers a day (rule 4)."""
    return any(stay.covers(day) for stay in stays)


def left_by(stays: Sequence[Stay], day: datetime.date) -> bool:
    """Whether an enterprise with dated stays is not in the park on a day (moved out before it, or
    not yet in); one without any stay is not known to have left (rule 4)."""
    return bool(stays) and not present_on(stays, day)


def arrived_on(stays: Iterable[Stay], day: datetime.date) -> datetime.date | None:
    """The move-in of the stay that covers a day, None when none does (rule 4)."""
    covering = [stay.moved_in for stay in stays if stay.covers(day)]
    return max(covering) if covering else None
