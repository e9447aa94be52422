"""Review scores: a reviewer's weighted total and the panel's aggregate with its spread (RULES §13.8).

Pure and typed. The conventions:

1. A reviewer's total is the weighted mean of their criterion scores, each scaled to its top score,
   on a 0–100 scale: Σ wᵢ·(sᵢ / maxᵢ) / Σ wᵢ × 100. So weights are relative (2 and 1 mean ⅔ and ⅓)
   and a criterion scored out of 5 weighs the same as one out of 10.
2. Only complete reviews count: submitted, every criterion scored, no conflict of interest declared.
   A declared conflict excludes the reviewer from the aggregate entirely (they should not have scored).
3. The panel's score is the mean of the counted totals; its spread is max − min of those totals, and
   the population standard deviation is given beside it. A spread of more than `WIDE_SPREAD` points
   is flagged: the decision meeting should discuss the disagreement before deciding.
4. Per criterion, the mean, minimum and maximum of the counted reviewers' raw scores.
Totals, means and spreads are exact fractions rounded once to four decimals (0.0001 of a point), so
the mean of equal totals equals them; pages round to one decimal.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final

PLACES: Final = Decimal("0.0001")
#: A spread of reviewer totals above this many points (of 100) is flagged for discussion.
WIDE_SPREAD: Final = Decimal(20)


@dataclass(frozen=True)
class CriterionSpec:
    criterion_id: int
    name: str
    weight: Decimal
    max_score: Decimal


@dataclass(frozen=True)
class ReviewInput:
    reviewer_id: int
    scores: Mapping[int, Decimal]  # criterion id → score
    submitted: bool
    conflict: bool = False


@dataclass(frozen=True)
class CriterionStats:
    criterion_id: int
    mean: Decimal
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class Aggregate:
    totals: Mapping[int, Decimal]  # reviewer id → 0–100, counted reviewers only
    mean: Decimal | None
    spread: Decimal | None
    stdev: Decimal | None
    criteria: tuple[CriterionStats, ...]
    excluded_conflict: tuple[int, ...]
    pending: tuple[int, ...]  # assigned, not (completely) submitted

    @property
    def counted(self) -> int:
        return len(self.totals)

    @property
    def wide_spread(self) -> bool:
        return self.spread is not None and self.spread > WIDE_SPREAD


def score_problem(spec: CriterionSpec, score: Decimal) -> bool:
    """Whether a score is out of range for its criterion."""
    return not (score.is_finite() and Decimal(0) <= score <= spec.max_score)


def reviewer_total(criteria: Sequence[CriterionSpec], scores: Mapping[int, Decimal]) -> Decimal | None:
    """A reviewer's weighted total (0–100), or None when a criterion is unscored."""
    weight_sum = sum((Fraction(c.weight) for c in criteria), Fraction(0))
    if not criteria or weight_sum <= 0 or any(c.criterion_id not in scores for c in criteria):
        return None
    weighted = sum(
        (Fraction(c.weight) * Fraction(scores[c.criterion_id]) / Fraction(c.max_score) for c in criteria), Fraction(0)
    )
    return _decimal(weighted / weight_sum * 100)


def _decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(PLACES, ROUND_HALF_UP)


def aggregate(criteria: Sequence[CriterionSpec], reviews: Sequence[ReviewInput]) -> Aggregate:
    totals: dict[int, Decimal] = {}
    conflicted: list[int] = []
    pending: list[int] = []
    for review in reviews:
        if review.conflict:
            conflicted.append(review.reviewer_id)
            continue
        total = reviewer_total(criteria, review.scores) if review.submitted else None
        if total is None:
            pending.append(review.reviewer_id)
        else:
            totals[review.reviewer_id] = total
    values = list(totals.values())
    counted = [r for r in reviews if r.reviewer_id in totals]
    stats = tuple(
        CriterionStats(
            c.criterion_id,
            _decimal(sum((Fraction(r.scores[c.criterion_id]) for r in counted), Fraction(0)) / len(counted)),
            min(r.scores[c.criterion_id] for r in counted),
            max(r.scores[c.criterion_id] for r in counted),
        )
        for c in criteria
        if counted
    )
    return Aggregate(
        totals=totals,
        mean=_decimal(sum((Fraction(v) for v in values), Fraction(0)) / len(values)) if values else None,
        spread=max(values) - min(values) if values else None,
        stdev=Decimal(statistics.pstdev(values)).quantize(PLACES, ROUND_HALF_UP) if values else None,
        criteria=stats,
        excluded_conflict=tuple(conflicted),
        pending=tuple(pending),
    )
