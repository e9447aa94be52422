"""The portfolio engine: XIRR against known values, MOIC, fair value through marks, exits, follow-ons."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest

from parkos.innovation import portfolio
from parkos.innovation.portfolio import Exit, Investment, Mark, StakeFlows

D = Decimal
day = datetime.date


# --- XIRR against known values ------------------------------------------------------------------


def test_xirr_of_microsofts_documented_example():
    # Excel's XIRR help: −10,000 on 2008-01-01, then 2,750 / 4,250 / 3,250 / 2,750 → 0.373362535.
    flows = [
        (day(2008, 1, 1), D(-10000)),
        (day(2008, 3, 1), D(2750)),
        (day(2008, 10, 30), D(4250)),
        (day(2009, 2, 15), D(3250)),
        (day(2009, 4, 1), D(2750)),
    ]
    assert portfolio.irr_of(flows) == D("0.3734")


def test_xirr_of_ten_percent_over_one_365_day_year():
    assert portfolio.irr_of([(day(2021, 1, 1), D(-100)), (day(2022, 1, 1), D(110))]) == D("0.1000")


def test_xirr_of_doubling_in_two_years():
    # 2× over 730 days (2021-01-01 → 2023-01-01): 2^(365/730) − 1 = √2 − 1 = 0.41421…
    assert portfolio.irr_of([(day(2021, 1, 1), D(-100)), (day(2023, 1, 1), D(200))]) == D("0.4142")


def test_xirr_of_a_total_loss_and_of_flows_without_a_solution():
    assert portfolio.irr_of([(day(2021, 1, 1), D(-100)), (day(2022, 1, 1), D(0))]) is None  # one dated flow
    assert portfolio.irr_of([(day(2021, 1, 1), D(-100)), (day(2021, 1, 1), D(50))]) is None  # same day
    assert portfolio.irr_of([(day(2021, 1, 1), D(-100)), (day(2022, 1, 1), D(-50))]) is None  # no inflow


def test_xirr_of_a_few_days_marked_far_up_is_none_not_infinity():
    # 100 元 in, marked at 5,000万 four days later: the annualised rate overflows to infinity.
    assert portfolio.irr_of([(day(2025, 1, 1), D(-100)), (day(2025, 1, 5), D(50_000_000))]) is None
    figures = portfolio.stake_figures(
        portfolio.StakeFlows(
            [portfolio.Investment(day(2025, 1, 1), D(100))], [portfolio.Mark(day(2025, 1, 2), D(10**9))]
        ),
        day(2025, 1, 5),
    )
    assert figures.irr is None
    assert figures.moic == D("10000000.00")


def test_flows_on_one_day_are_netted():
    flows = [(day(2021, 1, 1), D(-60)), (day(2021, 1, 1), D(-40)), (day(2022, 1, 1), D(110))]
    assert portfolio.irr_of(flows) == D("0.1000")


# --- one stake ---------------------------------------------------------------------------------


def test_held_at_cost_until_marked():
    flows = StakeFlows([Investment(day(2022, 1, 1), D(1000), D(10))])
    figures = portfolio.stake_figures(flows, day(2023, 1, 1))
    assert (figures.cost, figures.fair_value, figures.realised) == (D(1000), D(1000), D(0))
    assert figures.moic == D("1.00")
    assert figures.irr == D("0.0000")
    assert figures.marked_on is None
    assert figures.share_pct == D(10)


def test_a_mark_values_the_holding_and_gives_moic_and_irr():
    flows = StakeFlows([Investment(day(2021, 1, 1), D(1000), D(10))], marks=[Mark(day(2022, 1, 1), D(2500))])
    figures = portfolio.stake_figures(flows, day(2022, 1, 1))
    assert figures.fair_value == D(2500)
    assert figures.moic == D("2.50")
    assert figures.irr == D("1.5000")  # 2.5× in exactly one 365-day year
    # Before the mark the stake is still at cost.
    assert portfolio.stake_figures(flows, day(2021, 12, 31)).fair_value == D(1000)


def test_a_partial_exit_after_a_mark_sells_part_of_what_was_marked():
    flows = StakeFlows(
        [Investment(day(2021, 1, 1), D(1000), D(10))],
        marks=[Mark(day(2022, 1, 1), D(3000))],
        exits=[Exit(day(2022, 7, 1), D(1500), D(4))],
    )
    figures = portfolio.stake_figures(flows, day(2023, 1, 1))
    assert figures.share_pct == D(6)
    assert figures.fair_value == D(1800)  # 3000 × 6 / 10
    assert figures.realised == D(1500)
    assert figures.moic == D("3.30")  # (1500 + 1800) / 1000


def test_a_follow_on_after_the_mark_is_added_at_cost():
    flows = StakeFlows(
        [Investment(day(2021, 1, 1), D(1000), D(10)), Investment(day(2022, 6, 1), D(500), D(2))],
        marks=[Mark(day(2022, 1, 1), D(2000))],
    )
    figures = portfolio.stake_figures(flows, day(2022, 12, 31))
    assert figures.cost == D(1500)
    assert figures.fair_value == D(2500)
    assert figures.share_pct == D(12)


def test_full_exit_and_write_off_leave_nothing_held():
    sold = StakeFlows([Investment(day(2020, 1, 1), D(1000), D(5))], exits=[Exit(day(2023, 1, 1), D(3000), D(5))])
    figures = portfolio.stake_figures(sold, day(2024, 1, 1))
    assert figures.exited
    assert (figures.fair_value, figures.realised, figures.moic) == (D(0), D(3000), D("3.00"))
    # 3× over 2020-01-01 → 2023-01-01 (1,096 days): 3^(365/1096) − 1 = 0.44177…
    assert figures.irr == D("0.4418")
    written_off = StakeFlows(
        [Investment(day(2020, 1, 1), D(1000), D(5))],
        marks=[Mark(day(2021, 1, 1), D(800))],
        exits=[Exit(day(2022, 1, 1), D(0), None, write_off=True)],
    )
    figures = portfolio.stake_figures(written_off, day(2023, 1, 1))
    assert figures.exited
    assert (figures.fair_value, figures.moic, figures.irr) == (D(0), D("0.00"), None)


def test_an_exit_without_shares_stated_sells_everything_marked():
    flows = StakeFlows(
        [Investment(day(2021, 1, 1), D(1000))],
        marks=[Mark(day(2021, 6, 1), D(1200))],
        exits=[Exit(day(2022, 1, 1), D(900))],
    )
    figures = portfolio.stake_figures(flows, day(2022, 6, 1))
    assert figures.fair_value == D(0)
    assert figures.share_pct is None


def test_listing_mark_is_market_value_times_share():
    assert portfolio.listing_mark(D("8500000000"), D("3.5")) == D("297500000.00")
    assert portfolio.listing_mark(D("8500000000"), None) is None


# --- the portfolio -------------------------------------------------------------------------------


def test_portfolio_totals_are_the_sums_and_one_xirr_of_all_flows():
    a = StakeFlows([Investment(day(2021, 1, 1), D(1000), D(10))], marks=[Mark(day(2022, 1, 1), D(2000))])
    b = StakeFlows([Investment(day(2021, 1, 1), D(1000), D(10))], exits=[Exit(day(2022, 1, 1), D(0), None, True)])
    as_of = day(2022, 1, 1)
    totals = portfolio.portfolio_totals(
        [(a, portfolio.stake_figures(a, as_of)), (b, portfolio.stake_figures(b, as_of))], as_of
    )
    assert (totals.stakes, totals.cost, totals.fair_value, totals.realised) == (2, D(2000), D(2000), D(0))
    assert totals.moic == D("1.00")
    assert totals.irr == D("0.0000")  # −2000 in, 2000 back a year later


@pytest.mark.parametrize("as_of", [day(2020, 12, 31), day(2021, 1, 1)])
def test_nothing_invested_yet_has_no_multiple(as_of):
    flows = StakeFlows([Investment(day(2021, 1, 2), D(1000))])
    figures = portfolio.stake_figures(flows, as_of)
    assert (figures.cost, figures.moic, figures.irr) == (D(0), None, None)


def test_holdings_without_sales_take_a_shortcut_that_agrees_with_the_general_computation():
    # stake_figures computes holdings with nothing sold by plain loops (the portfolio benchmark);
    # the general computation must give the same figures for any mix of investments and marks.
    rng = random.Random(17)
    as_of = day(2025, 12, 31)
    for _ in range(300):
        investments = [
            Investment(
                day(rng.randint(2018, 2026), rng.randint(1, 12), rng.randint(1, 28)),
                D(rng.randint(1, 5000)) * 1000,
                rng.choice([None, D(rng.randint(1, 15)), D("2.5")]),
            )
            for _ in range(rng.randint(1, 3))
        ]
        marks = [
            Mark(day(rng.randint(2018, 2026), rng.randint(1, 12), rng.randint(1, 28)), D(rng.randint(0, 90000)) * 100)
            for _ in range(rng.randint(0, 2))
        ]
        figures = portfolio.stake_figures(StakeFlows(investments, marks), as_of)
        held = sorted((i for i in investments if i.on <= as_of), key=lambda i: i.on)
        latest = [m for m in sorted(marks, key=lambda m: m.on) if m.on <= as_of][-1:]  # of a day, the later entered
        assert figures == portfolio._figures_after_exits(held, [], latest[0] if latest else None, as_of)


def test_irr_is_the_rate_rounded_half_even_to_four_places():
    # _irr formats the float instead of quantizing its exact binary expansion; the two must agree
    # digit for digit, ties and negative zero included.
    rng = random.Random(5)
    rates = [0.00005, 0.00015, -0.00005, 0.12345, 2.5e-05, 1e-09, -1e-09, 9999.99995]
    rates += [rng.uniform(-1, 50) for _ in range(2000)] + [rng.randint(-99999, 99999) / 100000 for _ in range(2000)]
    for rate in rates:
        formatted = Decimal(format(rate, portfolio.IRR_FORMAT))
        expected = Decimal(rate).quantize(D("0.0001"))
        assert (formatted, str(formatted)) == (expected, str(expected)), rate
