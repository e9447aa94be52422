"""亩均 evaluation: scoring, caps, missing data, grading by percentile (RULES §6, §11 vectors)."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest

from parkos.statistics import muju
from parkos.statistics.muju import HUAIAN_2024, HUANGYAN_2023, Grade, Indicator, Scheme, Score

D = Decimal
WAN = D(10_000)
LAND = D(10)  # 亩


def at_benchmark(land=LAND):
    """Inputs (元) that put a 10 亩 enterprise exactly on every 黄岩 2023 benchmark."""
    value_added = D("136.16") * land * WAN
    return {
        muju.TAXES: D("24.097") * land * WAN,
        muju.VALUE_ADDED: value_added,
        muju.ENERGY: value_added / WAN / D("2.694"),
        muju.EMISSIONS: value_added / WAN / D("4929.81"),
        muju.EMPLOYEES: value_added / WAN / D("18.14"),
        muju.RND: D("0.0302") * 5000 * WAN,
        muju.REVENUE: 5000 * WAN,
    }


def test_presets_weigh_one_hundred():
    assert sum(i.weight for i in HUANGYAN_2023.indicators) == 100
    assert [i.weight for i in HUANGYAN_2023.indicators] == [30, 20, 20, 10, 10, 10]
    assert sum(i.weight for i in HUAIAN_2024.indicators) == 100


def test_exactly_at_benchmark_scores_100():
    score = muju.score_enterprise(at_benchmark(), LAND, HUANGYAN_2023)
    assert score.total == D("100.0")
    tax = score.items[0]
    assert (tax.key, tax.value, tax.ratio, tax.capped, tax.points) == ("tax_per_mu", D("24.097"), 1, False, 30)


def test_double_tax_per_mu_with_weight_30_scores_130():
    values = at_benchmark() | {muju.TAXES: 2 * D("24.097") * LAND * WAN}
    assert muju.score_enterprise(values, LAND, HUANGYAN_2023).total == D("130.0")


def test_cap_bounds_a_ratio():
    tax, *others = HUANGYAN_2023.indicators
    capped = replace(HUANGYAN_2023, indicators=(replace(tax, cap=D("1.5")), *others))
    values = at_benchmark() | {muju.TAXES: 2 * D("24.097") * LAND * WAN}
    score = muju.score_enterprise(values, LAND, capped)
    assert (score.items[0].ratio, score.items[0].capped, score.items[0].points) == (2, True, D("45.0"))
    assert score.total == D("115.0")


def test_lower_is_better_and_negative_values():
    scheme = Scheme(
        key="energy",
        name="energy",
        indicators=(
            Indicator("energy_per_mu", "亩均能耗", D(50), D(4), muju.ENERGY, higher_is_better=False, cap=D(2)),
            Indicator("value_added_per_mu", "亩均增加值", D(50), D(100), muju.VALUE_ADDED),
        ),
        grades=(Grade("A", "A", D("0.5")), Grade("B", "B", None)),
    )
    # 20 tce on 10 亩 = 2 per 亩, half the benchmark of 4 → ratio 2 → 100 points; a loss in value added → 0.
    score = muju.score_enterprise({muju.ENERGY: D(20), muju.VALUE_ADDED: D(-5) * WAN}, LAND, scheme)
    assert [item.points for item in score.items] == [100, 0]
    # No energy used at all is as good as the cap allows.
    assert muju.score_enterprise({muju.ENERGY: D(0)}, LAND, scheme).items[0].points == 100
    with pytest.raises(ValueError, match="needs a cap"):
        Indicator("energy_per_mu", "亩均能耗", D(50), D(4), muju.ENERGY, higher_is_better=False)


def test_missing_inputs_leave_items_unscored():
    values = at_benchmark()
    del values[muju.EMISSIONS]
    score = muju.score_enterprise(values, LAND, HUANGYAN_2023)
    assert score.missing == ("value_added_per_emission",)
    assert score.total == D("90.0")
    # No land: every per-mu indicator is missing.
    assert muju.score_enterprise(at_benchmark(), None, HUANGYAN_2023).missing == ("tax_per_mu", "value_added_per_mu")


def test_benchmarks_must_be_set_before_scoring():
    with pytest.raises(ValueError, match="not set"):
        muju.score_enterprise({muju.TAXES: D(1)}, LAND, HUAIAN_2024)


def test_benchmarks_from_twice_the_previous_year_average():
    # Σ taxes / Σ land = (100 + 300) 万 / (10 + 30) 亩 = 10 万元/亩 → benchmark 20.
    previous_year = [({muju.TAXES: 100 * WAN}, D(10)), ({muju.TAXES: 300 * WAN}, D(30))]
    benchmarks = muju.benchmarks_from_average(previous_year, HUAIAN_2024)
    assert benchmarks == {"tax_per_mu": D(20)}
    scheme = HUAIAN_2024.with_benchmarks(benchmarks | {"revenue_per_mu": D(200), "tax_per_energy": D(1)})
    score = muju.score_enterprise({muju.TAXES: 200 * WAN, muju.REVENUE: 2000 * WAN, muju.ENERGY: D(200)}, LAND, scheme)
    assert score.total == D("100.0")  # 20 万/亩, 200 万/亩, 1 万元/吨: all at benchmark


# --- grading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percentile", "grade"),
    [("0.10", "A"), ("0.20", "A"), ("0.2001", "B"), ("0.60", "B"), ("0.95", "C"), ("0.97", "D"), ("1", "D")],
)
def test_grade_for_percentile_with_huaian_cuts(percentile, grade):
    assert muju.grade_for_percentile(D(percentile), HUAIAN_2024).code == grade


def test_huaian_grade_labels():
    assert [(g.code, str(g.label)) for g in HUAIAN_2024.grades] == [
        ("A", "优先发展"),
        ("B", "鼓励提升"),
        ("C", "监管调控"),
        ("D", "落后整治"),
    ]


def scores(totals, category=None):
    """Scores with the given totals under a one-indicator scheme (points = total)."""
    return [
        Score(enterprise_id, category, LAND, (muju.IndicatorScore("tax_per_mu", None, None, False, D(total)),))
        for enterprise_id, total in enumerate(totals, start=1)
    ]


def grade_codes(graded):
    return [g.display for g in graded]


def test_twenty_enterprises_split_4_8_7_1():
    graded = muju.grade_all(scores(range(100, 80, -1)), HUAIAN_2024)
    assert grade_codes(graded) == ["A"] * 4 + ["B"] * 8 + ["C"] * 7 + ["D"]
    assert [g.rank for g in graded] == list(range(1, 21))
    assert graded[0].percentile == D("0.025")  # (1 − ½) / 20


def test_ten_enterprises_split_2_4_4_0():
    # 5 % of 10 is half an enterprise: the mid-rank rule rounds it to none.
    graded = muju.grade_all(scores(range(100, 90, -1)), HUAIAN_2024)
    assert grade_codes(graded) == ["A"] * 2 + ["B"] * 4 + ["C"] * 4


def test_ties_share_the_best_rank_whatever_the_order():
    totals = [100, 90, 80, 80, 70, 60, 50, 40, 30, 20]  # 80s straddle the A/B cut (ranks 3 and 4)
    graded = muju.grade_all(scores(totals), HUAIAN_2024)
    assert [g.rank for g in graded] == [1, 2, 3, 3, 5, 6, 7, 8, 9, 10]
    assert grade_codes(graded)[:5] == ["A", "A", "B", "B", "B"]
    shuffled = scores(totals)
    random.shuffle(shuffled)
    regraded = {g.enterprise_id: g.display for g in muju.grade_all(shuffled, HUAIAN_2024)}
    assert regraded == {g.enterprise_id: g.display for g in graded}


def test_exempt_enterprises_are_not_rated_and_not_counted():
    rated = scores(range(100, 80, -1))
    utility = Score(99, "utility", LAND, (muju.IndicatorScore("tax_per_mu", None, None, False, D(1)),))
    graded = muju.grade_all([utility, *rated], HUAIAN_2024)
    assert grade_codes(graded) == ["A"] * 4 + ["B"] * 8 + ["C"] * 7 + ["D", "不参评"]
    assert (graded[-1].enterprise_id, graded[-1].rank, graded[-1].total, graded[-1].exempt) == (99, None, None, True)


def test_missing_emissions_take_the_average_in_huangyan():
    full = muju.score_enterprise(at_benchmark(), LAND, HUANGYAN_2023, enterprise_id=1)
    double = at_benchmark() | {muju.EMISSIONS: at_benchmark()[muju.EMISSIONS] / 2}  # 20 points on emissions
    better = muju.score_enterprise(double, LAND, HUANGYAN_2023, enterprise_id=2)
    no_emissions = at_benchmark()
    del no_emissions[muju.EMISSIONS]
    no_emissions[muju.TAXES] *= 2  # 130 before emissions
    missing = muju.score_enterprise(no_emissions, LAND, HUANGYAN_2023, enterprise_id=3)
    graded = {g.enterprise_id: g for g in muju.grade_all([full, better, missing], HUANGYAN_2023)}
    # Average emission points of the others: (10 + 20) / 2 = 15 → 90 + 30 + 15 = 135.
    assert graded[3].total == D("135.00")
    assert graded[3].averaged == ("value_added_per_emission",)
    assert (graded[3].rank, graded[2].rank, graded[1].rank) == (1, 2, 3)


def test_scheme_validation():
    with pytest.raises(ValueError, match="cut-off"):
        Scheme("x", "x", HUAIAN_2024.indicators, (Grade("A", "A", D("0.2")),))
    with pytest.raises(ValueError, match="rise"):
        Scheme(
            "x",
            "x",
            HUAIAN_2024.indicators,
            (Grade("A", "A", D("0.6")), Grade("B", "B", D("0.2")), Grade("C", "C", None)),
        )
    with pytest.raises(ValueError, match="unknown"):
        HUAIAN_2024.with_benchmarks({"nonsense": D(1)})
