"""The early-warning rules: combining signals, and each built-in signal's thresholds (RULES §13.7)."""

import datetime
from decimal import Decimal as D

import pytest

from parkos.incubation import risk
from parkos.incubation.choices import RiskLevel
from parkos.incubation.hooks import RiskSignal


def test_scores_add_up_to_a_capped_level_highest_first():
    result = risk.assess(
        [
            ("arrears", "欠租", {1: RiskSignal(40, "欠租3个月", "/billing/1/"), 2: RiskSignal(10, "欠租1个月")}),
            ("output", "产值下降", {1: RiskSignal(35, "产值下降45%")}),
            ("expiry", "合同到期", {1: RiskSignal(25, "合同将到期"), 3: RiskSignal(30, "x")}),
        ]
    )
    assert [(a.enterprise_id, a.score, a.level) for a in result] == [
        (1, 100, RiskLevel.HIGH),
        (3, 30, RiskLevel.MEDIUM),
        (2, 10, RiskLevel.LOW),
    ]
    assert [e.key for e in result[0].entries] == ["arrears", "output", "expiry"]
    assert result[0].entries[0].signal.evidence_url == "/billing/1/"


def test_a_signal_score_outside_0_to_100_is_refused():
    with pytest.raises(ValueError, match="between 0 and 100"):
        RiskSignal(120, "x")


def months(values, start=(2025, 7)):
    year, month = start
    out = []
    for value in values:
        out.append((year, month, None if value is None else D(value)))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([100, 100, 100, 80, 80, 80], 25),  # −20 %
        ([100, 100, 100, 60, 50, 50], 35),  # −46.7 %
        ([100, 100, 100, 90, 85, 90], None),  # −11.7 %: noise
        ([100, 100, 100, 80, None, 80], None),  # a month without output: not judged
        ([100, 100, 80, 80], None),  # too short
        ([0, 0, 0, 0, 0, 0], None),  # nothing to fall from
    ],
)
def test_output_falling_over_three_months(values, expected):
    found = risk.output_trend(months(values))
    assert (found[0] if found else None) == expected


def test_output_trend_needs_consecutive_months_and_names_them():
    gap = [*months([100, 100, 100]), (2025, 11, D(50)), (2025, 12, D(50)), (2026, 1, D(50))]
    assert risk.output_trend(gap) is None
    found = risk.output_trend(months([100, 100, 100, 50, 50, 50], start=(2025, 8)))
    assert found is not None
    assert found[1] == "2025年11月至2026年1月产值较前三个月下降 50.0%"


def test_months_due_skip_january_and_missing_statistics():
    assert risk.months_due(datetime.date(2026, 3, 10)) == [(2026, 2), (2025, 12), (2025, 11)]
    due = risk.months_due(datetime.date(2026, 6, 5))
    assert risk.missing_statistics(due, set(due)) is None
    assert risk.missing_statistics(due, {(2026, 5), (2026, 4)})[0] == 10
    found = risk.missing_statistics(due, {(2026, 5)})
    assert found is not None
    assert found[0] == 20
    assert found[1] == "未报送月度统计：2026年3月、2026年4月"


def test_expiry_and_escalation_weights():
    today = datetime.date(2026, 1, 1)
    assert risk.expiry(datetime.date(2026, 3, 1), today, "ZL-1")[0] == 25
    assert risk.expiry(datetime.date(2026, 6, 1), today, "ZL-1")[0] == 15
    assert risk.escalations(0) is None
    assert risk.escalations(1)[0] == 20
    assert risk.escalations(3)[0] == 30
