"""KPIs from monthly statistics: differencing, totals, comparable growth, 升规 (RULES §5, §10).

Every expectation below is worked out by hand in the comments; amounts are in 元.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.statistics import kpi
from parkos.statistics.kpi import Figure, GrowthFigure, IndicatorValues, MonthlyFigures, scale
from parkos.statistics.kpi.rows import spans_by_year

D = Decimal
M = D(1_000_000)  # one million 元 = 100 万元


def row(enterprise_id, year, month, *, cumulative=True, prior=None, span_start=None, **values):
    return MonthlyFigures(
        enterprise_id=enterprise_id,
        year=year,
        month=month,
        is_cumulative=cumulative,
        span_start=span_start,
        prior_year_same_period=None if prior is None else IndicatorValues(**{k: D(v) for k, v in prior.items()}),
        **{k: None if v is None else D(v) for k, v in values.items()},
    )


# --- RULES §10.2 vectors -------------------------------------------------------------------------


def test_yoy_vectors():
    assert kpi.yoy(D(120), D(100)) == D("20.0")
    assert kpi.yoy(D(5), D(0)) is None
    assert kpi.yoy(None, D(100)) is None
    assert kpi.yoy(D("121.15"), D(100)) == D("21.2")  # half up
    assert kpi.yoy(D("96.6"), D(100)) == D("-3.4")


# --- rows ----------------------------------------------------------------------------------------


def test_rows_refuse_floats_and_bad_months():
    with pytest.raises(TypeError):
        MonthlyFigures(enterprise_id=1, year=2024, month=3, revenue=1.5)
    with pytest.raises(ValueError, match="month"):
        MonthlyFigures(enterprise_id=1, year=2024, month=13)
    with pytest.raises(ValueError, match="span_start"):
        MonthlyFigures(enterprise_id=1, year=2024, month=3, span_start=4)


def test_duplicate_keys_and_mixed_forms_are_refused():
    with pytest.raises(ValueError, match="two rows"):
        kpi.to_monthly([row(1, 2024, 3, revenue=1), row(1, 2024, 3, revenue=2)])
    with pytest.raises(ValueError, match="both cumulatively and monthly"):
        kpi.to_monthly([row(1, 2024, 2, revenue=1), row(1, 2024, 3, cumulative=False, revenue=2)])


# 1–2月 (January exempt), 1–3月, then 1–5月 (April not reported).
GAPPY = [
    row(1, 2024, 2, revenue=200, employees=10, prior={"revenue": 150, "employees": 9}),
    row(1, 2024, 3, revenue=330, employees=12, prior={"revenue": 250, "employees": 9}),
    row(1, 2024, 5, revenue=600, employees=15, prior={"revenue": 500, "employees": 11}),
]


def test_to_monthly_differences_and_keeps_gaps_together():
    feb, mar, may = kpi.to_monthly(GAPPY)
    assert (feb.month, feb.span_start, feb.revenue, feb.prior_year_same_period.revenue) == (2, 1, D(200), D(150))
    assert (mar.month, mar.span_start, mar.revenue, mar.prior_year_same_period.revenue) == (3, None, D(130), D(100))
    # 600 − 330 covers April and May together; nothing is spread over the gap.
    assert (may.month, may.span_start, may.revenue, may.prior_year_same_period.revenue) == (5, 4, D(270), D(250))
    assert list(may.months_covered) == [4, 5]
    assert not any(r.is_cumulative for r in (feb, mar, may))
    # Headcount is a stock: copied, never differenced.
    assert [r.employees for r in (feb, mar, may)] == [D(10), D(12), D(15)]
    assert may.prior_year_same_period.employees == D(11)


def test_to_monthly_missing_value_on_either_side_is_none():
    out = kpi.to_monthly([row(1, 2024, 2, revenue=200, profit=None), row(1, 2024, 3, revenue=330, profit=20)])
    assert out[1].profit is None
    assert out[1].prior_year_same_period is None


def test_to_monthly_passes_monthly_rows_through():
    rows = [row(2, 2024, 1, cumulative=False, revenue=5), row(2, 2024, 2, cumulative=False, revenue=7)]
    assert kpi.to_monthly(rows) == rows


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 10**9)), min_size=12, max_size=12))
def test_monthly_values_add_up_to_the_cumulative_ones(months):
    # Random increments, random months left unreported: the monthly rows always sum back.
    total, rows = D(0), []
    for month, (reported, increment) in enumerate(months, start=1):
        total += increment
        if reported:
            rows.append(row(1, 2024, month, revenue=total))
    monthly = kpi.to_monthly(rows)
    for index, cumulative in enumerate(rows):
        assert sum(m.revenue for m in monthly[: index + 1]) == cumulative.revenue


# --- period totals -------------------------------------------------------------------------------


def test_period_total_cumulative_and_single_months():
    # 1–3月 is the 1–3月 report itself.
    figure = kpi.period_total(GAPPY, "revenue", 2024, range(1, 4))
    assert figure == Figure(D(330), "yuan", ((1, 2024, 3),))
    # March alone is 1–3月 minus 1–2月, and says so.
    assert kpi.period_total(GAPPY, "revenue", 2024, [3]) == Figure(D(130), "yuan", ((1, 2024, 2), (1, 2024, 3)))
    # April–May together is measurable; April or May alone, or February alone, is not.
    assert kpi.period_total(GAPPY, "revenue", 2024, [4, 5]).value == D(270)
    for month in (2, 4, 5):
        figure = kpi.period_total(GAPPY, "revenue", 2024, [month])
        assert figure.value is None
        assert figure.display == "--"
    # Headcount of a period is the one at its end.
    assert kpi.period_total(GAPPY, "employees", 2024, range(1, 6)).value == D(15)


def test_period_total_sums_enterprises_and_filters():
    rows = [*GAPPY, row(2, 2024, 3, revenue=70), row(3, 2024, 3, revenue=None)]
    figure = kpi.period_total(rows, "revenue", 2024, range(1, 4))
    assert figure.value == D(400)  # 330 + 70; enterprise 3 did not report revenue
    assert figure.sources == ((1, 2024, 3), (2, 2024, 3))
    assert kpi.period_total(rows, "revenue", 2024, range(1, 4), enterprise_ids={2}).value == D(70)


@pytest.mark.parametrize("months", [[], [1, 3], [0, 1], range(12, 14)])
def test_period_must_be_contiguous_months(months):
    with pytest.raises(ValueError, match="contiguous"):
        kpi.period_total(GAPPY, "revenue", 2024, months)


def test_unknown_indicator_is_refused():
    with pytest.raises(ValueError, match="unknown indicator"):
        kpi.period_total(GAPPY, "turnover", 2024, [3])


def test_figure_display():
    assert Figure(D(3_700_000_000), "yuan").display == "37.0 亿元"
    assert Figure(D(1204), "person").display == "1,204 人"
    assert Figure(D("1234.567"), "tce").display == "1,234.57 吨标准煤"
    assert Figure(D("2.04"), "percent").display == "2.0%"
    assert Figure(None, "yuan").display == "--"


# --- comparable growth ---------------------------------------------------------------------------

# 1–6月 工业总产值 (in millions):
#   A re-reports last year as 100 (its stored 2023 row says 95: restated) and makes 120 this year.
#   B re-reports nothing; its stored 2023 row says 200; 220 this year.
#   C joined the 规上 population this year (升规): 80 this year, no prior anywhere.
#   E left (退库): 50 in 2023, nothing in 2024.
A, B, C, E = 11, 12, 13, 14
POPULATION = [
    row(A, 2024, 6, output=120 * M, prior={"output": 100 * M}),
    row(A, 2023, 6, output=95 * M),
    row(B, 2024, 6, output=220 * M),
    row(B, 2023, 6, output=200 * M),
    row(C, 2024, 6, output=80 * M),
    row(E, 2023, 6, output=50 * M),
]


def test_comparable_growth_uses_the_same_enterprises_and_re_reported_priors():
    growth = kpi.comparable_growth(POPULATION, "output", 2024, range(1, 7))
    # (120 + 220) / (100 + 200) − 1 = 13.33 %: C has no prior, E no current, A's restated 100 wins.
    assert (growth.current, growth.previous) == (340 * M, 300 * M)
    assert growth.rate == D("13.3")
    assert growth.display == "13.3%"
    assert growth.enterprises == {A, B}
    assert growth.sources == ((A, 2024, 6), (B, 2023, 6), (B, 2024, 6))


def test_naive_growth_differs_when_the_population_changes():
    naive = kpi.naive_growth(POPULATION, "output", 2024, range(1, 7))
    # (120 + 220 + 80) / (95 + 200 + 50) − 1 = 420 / 345 − 1 = 21.74 %
    assert naive.rate == D("21.7")
    assert naive.enterprises == {A, B, C, E}
    assert naive.rate != kpi.comparable_growth(POPULATION, "output", 2024, range(1, 7)).rate


def test_new_enterprise_that_re_reports_joins_the_comparable_set():
    rows = [*POPULATION[:4], row(C, 2024, 6, output=80 * M, prior={"output": 60 * M})]
    growth = kpi.comparable_growth(rows, "output", 2024, range(1, 7))
    assert growth.enterprises == {A, B, C}
    assert growth.rate == D("16.7")  # 420 / 360 − 1 = 16.67 %


def test_comparable_growth_of_a_single_month_from_cumulative_rows():
    rows = [
        row(A, 2024, 5, output=100, prior={"output": 90}),
        row(A, 2024, 6, output=130, prior={"output": 110}),
    ]
    # June: 30 against 20 → +50 %.
    assert kpi.comparable_growth(rows, "output", 2024, [6]).rate == D("50.0")


@pytest.mark.parametrize(
    ("current", "prior", "display", "rate"),
    [
        (250, 100, "1.5倍", D("150.0")),  # from +100 % on: X倍
        (200, 100, "1.0倍", D("100.0")),
        (D("96.6"), 100, "-3.4%", D("-3.4")),
        (50, -20, "--", None),  # loss → profit: not computable
        (50, 0, "--", None),
    ],
)
def test_growth_display(current, prior, display, rate):
    growth = kpi.comparable_growth(
        [row(A, 2024, 3, profit=current, prior={"profit": prior})], "profit", 2024, range(1, 4)
    )
    assert growth.display == display
    assert growth.rate == rate


def test_growth_without_comparable_enterprises_is_not_computable():
    growth = kpi.comparable_growth([row(C, 2024, 6, output=80)], "output", 2024, range(1, 7))
    assert growth == GrowthFigure(None, None, frozenset())
    assert growth.display == "--"


def test_pp_difference_uses_published_rates():
    comparable = kpi.comparable_growth(POPULATION, "output", 2024, range(1, 7))
    naive = kpi.naive_growth(POPULATION, "output", 2024, range(1, 7))
    difference = kpi.pp_difference(comparable, naive)
    assert difference.value == D("-8.4")  # 13.3 − 21.7
    assert difference.display == "-8.4个百分点"
    assert set(difference.sources) == set(naive.sources) | set(comparable.sources)
    assert kpi.pp_difference(D("5.2"), D("5.1")).display == "0.1个百分点"
    assert kpi.pp_difference(comparable, None).display == "--"


def test_rnd_intensity_over_enterprises_reporting_both():
    rows = [
        row(A, 2024, 12, rnd_spending=6, revenue=200),
        row(B, 2024, 12, rnd_spending=4, revenue=300),
        row(C, 2024, 12, revenue=100),  # no R&D figure: left out of both sides
    ]
    intensity = kpi.rnd_intensity(rows, 2024, range(1, 13))
    assert intensity.value == D(2)  # 10 / 500
    assert intensity.display == "2.0%"
    assert intensity.sources == ((A, 2024, 12), (B, 2024, 12))


# --- 规上 and 升规 ----------------------------------------------------------------------------------

MANUFACTURING = "C2710"  # threshold 2000 万元 = 20,000,000 元
RISER, BIG, NEAR, FAR, ESTATE = 7, 8, 9, 10, 20


def riser_rows():
    # 1.2 M a month through 2023, 2.0 M a month in 2024; cumulative reports from 1–2月.
    rows = [row(RISER, 2023, m, revenue=D("1.2") * m * M, employees=50) for m in range(2, 13)]
    rows += [row(RISER, 2024, m, revenue=D("2.0") * m * M, employees=50) for m in range(2, 13)]
    return rows


def scale_rows():
    rows = riser_rows()
    rows += [row(BIG, y, m, revenue=3 * m * M, employees=350) for y in (2023, 2024) for m in range(2, 13)]
    # Monthly reporters, 2024 only: NEAR 4 M a month Jan–Apr (16 M), FAR 2.5 M a month Jan–Jun (15 M).
    rows += [row(NEAR, 2024, m, cumulative=False, revenue=4 * M) for m in range(1, 5)]
    rows += [row(FAR, 2024, m, cumulative=False, revenue=D("2.5") * M) for m in range(1, 7)]
    rows += [row(ESTATE, 2024, 12, revenue=900 * M)]  # 7010 房地产开发: no revenue threshold
    return rows


INDUSTRIES = {RISER: MANUFACTURING, BIG: MANUFACTURING, NEAR: MANUFACTURING, FAR: MANUFACTURING, ESTATE: "7010"}


def test_trailing_revenue_spans_the_year_boundary():
    # At 2024-m: 2.0 m (this year) + 1.2 (12 − m) (last year's months m+1..12) = 14.4 + 0.8 m.
    june = kpi.revenue_measure(scale_rows(), RISER, 2024, 6)
    assert june.value == D("19.2") * M
    july = kpi.revenue_measure(scale_rows(), RISER, 2024, 7)
    assert july.value == 20 * M
    # 2023 months 8..12 = 1–12月 minus 1–7月; 2024 = 1–7月.
    assert july.sources == ((RISER, 2023, 7), (RISER, 2023, 12), (RISER, 2024, 7))


def test_a_month_without_revenue_merges_into_the_next():
    rows = [row(1, 2024, 2, revenue=2 * M), row(1, 2024, 3, revenue=None), row(1, 2024, 4, revenue=6 * M)]
    measure = kpi.revenue_measure(rows, 1, 2024, 4)
    assert measure.value == 6 * M  # 1–4月 itself, not 1–2月 alone
    assert measure.sources == ((1, 2024, 4),)


def test_upgrade_is_detected_in_the_month_the_threshold_is_reached():
    events = kpi.new_above_scale(scale_rows(), 2024, range(1, 13), INDUSTRIES)
    assert [(e.enterprise_id, e.year, e.month) for e in events] == [(RISER, 2024, 7)]
    event = events[0]
    assert event.revenue.value == event.threshold == 20 * M  # "及以上": exactly at the threshold counts
    assert kpi.new_above_scale(scale_rows(), 2024, range(1, 7), INDUSTRIES) == []


def test_upgrade_on_the_cumulative_annual_basis():
    # 1–m月 2024 = 2.0 m ≥ 20 from October.
    events = kpi.new_above_scale(scale_rows(), 2024, range(1, 13), INDUSTRIES, basis="cumulative")
    assert [(e.enterprise_id, e.month) for e in events] == [(RISER, 10)]


def test_upgrade_is_the_first_crossing_only():
    # BIG crossed in 2023 (1–7月 2023 = 21 M); it is not 升规 again in 2024.
    events = kpi.scale_events(scale_rows(), INDUSTRIES)
    assert [(e.enterprise_id, e.year, e.month) for e in events] == [(BIG, 2023, 7), (RISER, 2024, 7)]
    events = kpi.scale_events(scale_rows(), INDUSTRIES, already_above={BIG})
    assert [e.enterprise_id for e in events] == [RISER]


def test_above_scale_set():
    assert kpi.above_scale_set(scale_rows(), 2024, 6, INDUSTRIES) == {BIG}
    assert kpi.above_scale_set(scale_rows(), 2024, 7, INDUSTRIES) == {BIG, RISER}
    # Unknown industry: never counted, however large.
    assert BIG not in kpi.above_scale_set(scale_rows(), 2024, 7, {RISER: MANUFACTURING})


def test_upgrade_candidates_within_the_band():
    candidates = kpi.upgrade_candidates(scale_rows(), 2024, 6, INDUSTRIES)
    # RISER 19.2 M (0.96 of 20 M), NEAR 16 M (0.80, the band's edge counts); FAR 15 M (0.75) is out.
    assert [(c.enterprise_id, c.share) for c in candidates] == [(RISER, D("0.96")), (NEAR, D("0.8"))]
    assert [c.enterprise_id for c in kpi.upgrade_candidates(scale_rows(), 2024, 6, INDUSTRIES, band=D("0.7"))] == [
        RISER,
        NEAR,
        FAR,
    ]
    with pytest.raises(ValueError, match="band"):
        kpi.upgrade_candidates(scale_rows(), 2024, 6, INDUSTRIES, band=D("1.2"))


def test_enterprises_by_size_class():
    classes = kpi.enterprises_by_size_class(scale_rows(), 2024, 6, INDUSTRIES)
    # BIG: 350 people, 3600 万 → 中型; RISER: 50 people, 1920 万 → 小型; NEAR/FAR report no headcount.
    assert classes == {"large": set(), "medium": {BIG}, "small": {RISER}, "micro": set()}


# --- the revenue measure, against the span rule written out -------------------------------------


def _measure_by_spans(rows, enterprise_id, year, month, basis):
    """Rule 1 of `kpi.scale` written out over the spans of `kpi.rows`: the revenue rows' spans that
    lie inside the window, summed (None when none does)."""
    end = year * 12 + month - 1
    start = end - 11 if basis == "trailing12" else year * 12
    total = None
    for (enterprise, span_year), spans in spans_by_year([r for r in rows if r.revenue is not None]).items():
        for span in spans:
            if (
                enterprise == enterprise_id
                and start <= span_year * 12 + span.first - 1
                and span_year * 12 + span.last - 1 <= end
            ):
                total = (total or D(0)) + sum(coefficient * r.revenue for r, coefficient in span.terms)
    return total


_year_of_rows = st.tuples(
    st.booleans(),  # 1–N月 (cumulative) or 当月 rows
    st.dictionaries(st.integers(1, 12), st.one_of(st.none(), st.integers(-5, 40)), max_size=12),
)


@given(_year_of_rows, _year_of_rows, st.integers(1, 12), st.sampled_from(["trailing12", "cumulative"]))
def test_revenue_measure_is_the_sum_of_the_spans_inside_the_window(last_year, this_year, month, basis):
    rows = [
        row(1, year, m, cumulative=cumulative, revenue=None if value is None else value * M)
        for year, (cumulative, values) in ((2023, last_year), (2024, this_year))
        for m, value in values.items()
    ]
    for year in (2023, 2024):
        assert kpi.revenue_measure(rows, 1, year, month, basis).value == _measure_by_spans(rows, 1, year, month, basis)


# --- what the rules say when some rows were not read --------------------------------------------


def _history(read, unread_months=None):
    """One enterprise's 2024 1–N月 rows that were read (month → revenue in M), and where the others
    may lie (None: read whole)."""
    histories = scale.RevenueHistories([1])
    unread = None if unread_months is None else scale.UnreadMonths(2024, set(read), *unread_months)
    histories.add_cumulative_year(2024, [(m, [None if v is None else v * M]) for m, v in sorted(read.items())], unread)
    return histories


def test_a_window_that_unread_rows_may_cut_is_undecided():
    june, december = scale.window(2024, 6), scale.window(2024, 12)
    # Read: 1–12月 = 24 M only. Rows of months 1..11 may exist: 1..6 may be a stretch of its own.
    histories = _history({12: 24}, (1, 12))
    assert scale.revenue_over(histories, *december) == [24 * M]
    assert scale.revenue_over(histories, *june) is scale.UNDECIDED
    # Known to report revenue only from August on: nothing lies inside 2023-07..2024-06.
    assert scale.revenue_over(_history({12: 24}, (8, 12)), *june) == [None]
    # Read whole, the 1–12月 stretch reaches past June and counts for none of it.
    assert scale.revenue_over(_history({12: 24}), *june) == [None]
    # Read 1–6月 too: the window holds exactly the first stretch.
    assert scale.revenue_over(_history({6: 10, 12: 24}, (1, 12)), *june) == [10 * M]
    # A 1–N月 row read without revenue is not where a stretch ends.
    assert scale.revenue_over(_history({6: None, 12: 24}, (6, 6)), *june) == [None]


def test_the_latest_headcount_waits_for_unread_rows():
    window = scale.window(2024, 12)
    read = scale.Headcounts(1, {scale.ordinal(2024, 12): [None], scale.ordinal(2024, 9): [40]})
    assert scale.latest_headcount(read, *window) == [40]
    unread = scale.UnreadMonths(2024, {9, 12}, 1, 12)
    assert scale.latest_headcount(scale.Headcounts(1, read.by_month, [unread]), *window) is scale.UNDECIDED
    unread = scale.UnreadMonths(2024, {9, 12}, 1, 8)  # other headcounts only before September
    assert scale.latest_headcount(scale.Headcounts(1, read.by_month, [unread]), *window) == [40]


def test_a_batch_is_of_rows_alike():
    histories = scale.RevenueHistories([1, 2])
    with pytest.raises(ValueError, match="alike"):
        histories.add_cumulative_year(2024, [(12, [M, None])])
    histories.add_cumulative_year(2024, [(6, [None, None]), (12, [2 * M, 3 * M])])
    assert scale.revenue_over(histories, *scale.window(2024, 12)) == [2 * M, 3 * M]
    assert scale.revenue_figure(histories, 1, *scale.window(2024, 12)).sources == ((2, 2024, 12),)


@given(
    st.lists(
        st.tuples(st.integers(2024, 2025), st.integers(1, 12), st.integers(-5_000, 40_000)), min_size=1, max_size=24
    )
)
def test_no_revenue_measure_exceeds_the_highest_measure(entries):
    """What the SQL path leaves unread (rule 3's prune): the measure over any window of any 1–N月 rows,
    corrections that lower the running total included, is at most ``highest_measure`` of the
    rows' lowest and highest revenue a year."""
    by_month = {(year, month): Decimal(value) for year, month, value in entries}
    rows = [row(1, year, month, revenue=revenue) for (year, month), revenue in sorted(by_month.items())]
    extremes = [
        (min(values), max(values))
        for year in (2024, 2025)
        if (values := [revenue for (y, _m), revenue in by_month.items() if y == year])
    ]
    highest = scale.highest_measure(extremes)
    for year in (2024, 2025):
        for month in range(1, 13):
            for basis in ("trailing12", "cumulative"):
                measure = scale.revenue_measure(rows, 1, year, month, basis).value
                assert measure is None or measure <= highest, (year, month, basis)


def test_the_horizon_is_where_the_rows_read_begin():
    # RULES §5.3 vectors, for a 2025 report: the later of February 2024 and the data's first month,
    # a January start counting from February (RULES §10.1).
    assert scale.Horizon.of(2025, (2019, 3)) == scale.Horizon(2024, 2, late_start=False)  # data from long ago
    assert scale.Horizon.of(2025, (2024, 1)) == scale.Horizon(2024, 2, late_start=False)
    assert scale.Horizon.of(2025, None) == scale.Horizon(2024, 2, late_start=False)  # no rows at all
    assert scale.Horizon.of(2025, (2024, 2)) == scale.Horizon(2024, 2, late_start=False)
    assert scale.Horizon.of(2025, (2024, 6)) == scale.Horizon(2024, 6, late_start=True)
    assert scale.Horizon.of(2025, (2025, 1)) == scale.Horizon(2025, 2, late_start=True)  # its first year
    assert scale.Horizon.of(2025, (2025, 7)) == scale.Horizon(2025, 7, late_start=True)


def test_arrival_month_is_the_move_in_else_the_first_row_after_the_horizon():
    start = scale.Horizon.of(2025, (2023, 1))  # February 2024
    assert scale.arrival_month((2024, 1), horizon=start) is None  # there from the start
    assert scale.arrival_month((2024, 2), horizon=start) is None
    assert scale.arrival_month((2024, 3), horizon=start) == (2024, 3, False)  # its first row
    assert scale.arrival_month(None, horizon=start) is None  # no row, no dated stay
    assert scale.arrival_month((2024, 1), horizon=start, moved_in=(2025, 7)) == (2025, 7, False)  # the stay wins
    assert scale.arrival_month(None, horizon=start, moved_in=(2025, 7)) == (2025, 7, False)
    assert scale.arrival_month((2025, 9), horizon=start, moved_in=(2023, 5)) is None
    # The scope's data began in January 2025: those there from its start are judged at the horizon.
    first_year = scale.Horizon.of(2025, (2025, 1))
    assert scale.arrival_month((2025, 1), horizon=first_year) == (2025, 2, True)
    assert scale.arrival_month((2025, 2), horizon=first_year) == (2025, 2, True)
    assert scale.arrival_month((2025, 1), horizon=first_year, moved_in=(2020, 5)) == (2025, 2, True)
    assert scale.arrival_month((2025, 3), horizon=first_year) == (2025, 3, False)  # it arrived
    assert scale.arrival_month((2025, 1), horizon=first_year, moved_in=(2025, 7)) == (2025, 7, False)
    assert scale.arrival_month(None, horizon=first_year) is None
