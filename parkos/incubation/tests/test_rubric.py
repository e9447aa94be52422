"""Rubric aggregation: weighted totals on 0–100, conflicts and incomplete reviews excluded, spread."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.incubation.rubric import CriterionSpec, ReviewInput, aggregate, reviewer_total, score_problem

TEAM = CriterionSpec(1, "团队", D(2), D(10))
TECH = CriterionSpec(2, "技术", D(1), D(5))
CRITERIA = [TEAM, TECH]


def test_weights_are_relative_and_scores_scaled_to_their_top():
    # 团队 8/10 weighs 2, 技术 5/5 weighs 1: (2×0.8 + 1×1.0) / 3 × 100 = 86.67
    total = reviewer_total(CRITERIA, {1: D(8), 2: D(5)})
    assert total is not None
    assert round(total, 2) == D("86.67")
    assert reviewer_total(CRITERIA, {1: D(8)}) is None  # a criterion unscored


def test_aggregate_mean_spread_and_exclusions():
    reviews = [
        ReviewInput(10, {1: D(8), 2: D(5)}, submitted=True),  # 86.67
        ReviewInput(11, {1: D(5), 2: D(2)}, submitted=True),  # (1.0 + 0.4)/3 = 46.67
        ReviewInput(12, {1: D(10), 2: D(5)}, submitted=True, conflict=True),
        ReviewInput(13, {1: D(7)}, submitted=False),
    ]
    result = aggregate(CRITERIA, reviews)
    assert result.counted == 2
    assert result.excluded_conflict == (12,)
    assert result.pending == (13,)
    assert round(result.mean, 2) == D("66.67")
    assert round(result.spread, 2) == D("40.00")
    assert round(result.stdev, 2) == D("20.00")
    assert result.wide_spread
    team = next(c for c in result.criteria if c.criterion_id == 1)
    assert (team.mean, team.low, team.high) == (D("6.5"), D(5), D(8))


def test_aggregate_without_complete_reviews_is_empty():
    result = aggregate(CRITERIA, [ReviewInput(10, {}, submitted=False)])
    assert (result.mean, result.spread, result.criteria, result.counted) == (None, None, (), 0)


@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 5)), min_size=1, max_size=6))
def test_mean_lies_between_the_lowest_and_highest_total(pairs):
    reviews = [ReviewInput(i, {1: D(a), 2: D(b)}, submitted=True) for i, (a, b) in enumerate(pairs)]
    result = aggregate(CRITERIA, reviews)
    totals = list(result.totals.values())
    assert min(totals) <= result.mean <= max(totals)
    assert result.spread == max(totals) - min(totals)
    assert all(D(0) <= t <= D(100) for t in totals)


@pytest.mark.parametrize(("score", "bad"), [(D(0), False), (D(10), False), (D("10.5"), True), (D(-1), True)])
def test_score_range(score, bad):
    assert score_problem(TEAM, score) is bad
