"""The operator's stakes in its tenants as figures: cost, fair value, realised proceeds, MOIC and IRR.

Pure and typed (no ORM): `selectors.portfolio` loads the cash flows and marks and calls this module.

Conventions (as venture funds report them):
1. **Cost** is the money invested up to the day; a stake held at cost until its first mark.
2. **Fair value** of a holding on a day is its latest mark on or before the day. An exit after that
   mark sells part of what was marked: the mark is scaled by the share still held (a full exit or a
   write-off leaves nothing). Without a mark, the unsold part of the cost stands in for it.
3. **Realised** is the proceeds of exits up to the day.
4. **MOIC** = (realised + fair value) / cost.
5. **IRR** is XIRR (actual/365) of the dated cash flows — investments out, proceeds in — plus the fair
   value as if received on the day, computed by `pyxirr` (not a hand-written solver). A stake with no
   solution (nothing back and nothing left, all flows on one day) has none: "--"; so has one whose
   rate is beyond `IRR_LIMIT` (a holding of a few days marked far up annualises to infinity, a
   figure no one can read).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Final, NamedTuple

from pyxirr import InvalidPaymentsError, xirr

ZERO: Final = Decimal(0)
HUNDRED: Final = Decimal(100)
#: MOIC to two places ("2.35x"), IRR as a fraction to four (12.34 %).
MOIC_PLACES: Final = Decimal("0.01")
IRR_FORMAT: Final = ".4f"
#: ±1,000,000 % a year: beyond it an annualised rate says nothing (and overflows the display).
IRR_LIMIT: Final = 10_000.0
CENT: Final = Decimal("0.01")
_ON: Final = itemgetter(0)  # the date of a flow or a mark


# Named tuples, not dataclasses: a portfolio builds thousands of them, and a tuple is made in a
# fraction of the time (the flows are read-only facts either way).
class Investment(NamedTuple):
    on: datetime.date
    amount: Decimal  # > 0, money out
    share_pct: Decimal | None = None  # of the enterprise, acquired


class Mark(NamedTuple):
    on: datetime.date
    fair_value: Decimal  # of the whole holding on that day


class Exit(NamedTuple):
    on: datetime.date
    proceeds: Decimal  # ≥ 0, money in
    share_pct: Decimal | None = None  # of the enterprise, sold; None with a write-off: everything
    write_off: bool = False


class StakeFlows(NamedTuple):
    """Everything dated about one holding (any order)."""

    investments: Sequence[Investment]
    marks: Sequence[Mark] = ()
    exits: Sequence[Exit] = ()


class StakeFigures(NamedTuple):
    cost: Decimal
    realised: Decimal
    fair_value: Decimal
    share_pct: Decimal | None  # of the enterprise still held (None when no investment states it)
    moic: Decimal | None
    irr: Decimal | None  # a fraction: 0.1234 = 12.34 %
    marked_on: datetime.date | None  # the mark behind the fair value (None: held at cost)
    exited: bool

    @property
    def total_value(self) -> Decimal:
        return self.realised + self.fair_value

    @property
    def gain(self) -> Decimal:
        return self.total_value - self.cost


def irr_of(flows: Iterable[tuple[datetime.date, Decimal]]) -> Decimal | None:
    """XIRR of dated amounts (negative out, positive in); None when it has no solution (no inflow or
    no outflow, or everything on one day). Several amounts on one day count as their sum."""
    days: list[datetime.date] = []
    amounts: list[float] = []
    for on, amount in flows:
        days.append(on)
        amounts.append(float(amount))
    return _irr(days, amounts)


def _irr(days: list[datetime.date], amounts: list[float]) -> Decimal | None:
    """`irr_of` of the flows as two columns (what `pyxirr` takes, without building pairs first)."""
    if len(days) < 2 or days.count(days[0]) == len(days):  # everything on one day
        return None
    try:
        rate = xirr(days, amounts)
    except InvalidPaymentsError:
        return None
    if rate is None or not math.isfinite(rate) or abs(rate) > IRR_LIMIT:  # no root, NaN, ±inf, or absurd
        return None
    # Formatting rounds the float's exact value half-even to four places, as Decimal(rate).quantize
    # would, without first expanding it to the 50-odd digits of its binary value (3× slower).
    return Decimal(format(rate, IRR_FORMAT))


def moic_of(cost: Decimal, value: Decimal) -> Decimal | None:
    return (value / cost).quantize(MOIC_PLACES) if cost > 0 else None


def _held_share(investments: Sequence[Investment], exits: Sequence[Exit]) -> Decimal | None:
    bought = [i.share_pct for i in investments if i.share_pct is not None]
    if not bought:
        return None
    held = sum(bought, ZERO) - sum((e.share_pct or ZERO for e in exits if not e.write_off), ZERO)
    return max(held, ZERO)


def _unsold_fraction(held_before: Decimal | None, sales: Sequence[Exit]) -> Decimal:
    """The part (0 to 1) of a holding of `held_before` % left after `sales`; without shares stated,
    a sale sells everything."""
    if not sales:
        return Decimal(1)
    sold = [e.share_pct for e in sales]
    if held_before is None or not held_before or any(share is None for share in sold):
        return ZERO
    left = held_before - sum((share or ZERO for share in sold), ZERO)
    return max(left, ZERO) / held_before


def _fair_value(investments: Sequence[Investment], exits: Sequence[Exit], mark: Mark | None) -> Decimal:
    """Step 2 of the module docstring: the latest mark, less what was sold since, plus what was
    invested since at cost; without a mark, the unsold part of the cost."""
    if not exits:  # most holdings: nothing sold, so no share arithmetic
        if mark is None:
            return sum((i.amount for i in investments), ZERO)
        return mark.fair_value + sum((i.amount for i in investments if i.on > mark.on), ZERO)
    if mark is None:
        return sum((i.amount for i in investments), ZERO) * _unsold_fraction(_held_share(investments, []), exits)
    held_at_mark = _held_share([i for i in investments if i.on <= mark.on], [e for e in exits if e.on <= mark.on])
    fraction = _unsold_fraction(held_at_mark, [e for e in exits if e.on > mark.on])
    return mark.fair_value * fraction + sum((i.amount for i in investments if i.on > mark.on), ZERO)


def stake_figures(flows: StakeFlows, as_of: datetime.date) -> StakeFigures:
    """A stake's figures on `as_of`, from its flows and marks up to that day (see the module docstring).

    A portfolio calls this for every stake (benchmark innovation.portfolio_500): holdings with nothing
    sold, most of them, take a path of plain loops; the others the general one."""
    investments = [i for i in flows.investments if i.on <= as_of]
    if len(investments) > 1:
        investments.sort(key=_ON)
    mark: Mark | None = None
    for candidate in flows.marks:  # the latest on or before the day; of two on one day, the later entered
        if candidate.on <= as_of and (mark is None or candidate.on >= mark.on):
            mark = candidate
    exits = [e for e in flows.exits if e.on <= as_of] if flows.exits else None
    if exits:
        exits.sort(key=_ON)
        return _figures_after_exits(investments, exits, mark, as_of)
    cost = bought = ZERO
    stated = False
    days: list[datetime.date] = []
    amounts: list[float] = []
    for investment in investments:
        cost += investment.amount
        if investment.share_pct is not None:
            bought += investment.share_pct
            stated = True
        days.append(investment.on)
        amounts.append(-float(investment.amount))
    if mark is None:
        fair_value = cost.quantize(CENT)
    else:  # step 2 without sales: the mark plus what was invested since, at cost
        fair_value = mark.fair_value
        for investment in investments:
            if investment.on > mark.on:
                fair_value += investment.amount
        fair_value = fair_value.quantize(CENT)
    if fair_value > 0:
        days.append(as_of)
        amounts.append(float(fair_value))
    return StakeFigures(
        cost,
        ZERO,
        fair_value,
        max(bought, ZERO) if stated else None,
        moic_of(cost, fair_value),
        _irr(days, amounts),
        None if mark is None else mark.on,
        False,
    )


def _figures_after_exits(
    investments: list[Investment], exits: list[Exit], mark: Mark | None, as_of: datetime.date
) -> StakeFigures:
    """`stake_figures` of a holding partly or wholly sold (or written off) by `as_of`: the general
    computation, right for any holding (`investments` and `exits` up to the day, by date)."""
    cost = sum((i.amount for i in investments), ZERO)
    realised = sum((e.proceeds for e in exits), ZERO)
    held = _held_share(investments, exits)
    exited = any(e.write_off for e in exits) or (held is not None and held == 0 and bool(exits))
    fair_value = ZERO if exited else _fair_value(investments, exits, mark).quantize(CENT)
    cash = [(i.on, -i.amount) for i in investments] + [(e.on, e.proceeds) for e in exits]
    if fair_value > 0:
        cash.append((as_of, fair_value))
    return StakeFigures(
        cost=cost,
        realised=realised,
        fair_value=fair_value,
        share_pct=held,
        moic=moic_of(cost, realised + fair_value),
        irr=irr_of(cash),
        marked_on=mark.on if mark is not None and not exited else None,
        exited=exited,
    )


@dataclass(frozen=True)
class PortfolioTotals:
    stakes: int
    cost: Decimal
    realised: Decimal
    fair_value: Decimal
    moic: Decimal | None
    irr: Decimal | None


def portfolio_totals(stakes: Iterable[tuple[StakeFlows, StakeFigures]], as_of: datetime.date) -> PortfolioTotals:
    """The portfolio as one investment: sums, MOIC of the sums, and XIRR of every stake's flows together."""
    count = 0
    cost = realised = fair_value = ZERO
    days: list[datetime.date] = []
    amounts: list[float] = []
    for flows, figures in stakes:
        count += 1
        cost += figures.cost
        realised += figures.realised
        fair_value += figures.fair_value
        for investment in flows.investments:
            if investment.on <= as_of:
                days.append(investment.on)
                amounts.append(-float(investment.amount))
        for exit_ in flows.exits:
            if exit_.on <= as_of:
                days.append(exit_.on)
                amounts.append(float(exit_.proceeds))
    if fair_value > 0:
        days.append(as_of)
        amounts.append(float(fair_value))
    return PortfolioTotals(
        stakes=count,
        cost=cost,
        realised=realised,
        fair_value=fair_value,
        moic=moic_of(cost, realised + fair_value),
        irr=_irr(days, amounts),
    )


def listing_mark(market_value: Decimal, share_pct: Decimal | None) -> Decimal | None:
    """The fair value a listing gives a holding: the first-day market value × the share held."""
    if share_pct is None:
        return None
    return (market_value * share_pct / HUNDRED).quantize(CENT)
