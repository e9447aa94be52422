"""Incubation periods, stage moves, entry criteria, graduation detection and cohorts (RULES §13.1–13.2)."""

import datetime
from decimal import Decimal as D

import pytest

from parkos.incubation import lifecycle
from parkos.incubation.choices import GraduationBasis, IncubationStage
from parkos.incubation.models import EXTENDED_PERIOD_PREFIXES

ALL = [b.value for b in GraduationBasis]


@pytest.mark.parametrize(
    ("code", "months"),
    [("C2710", 60), ("2761", 60), ("3581", 60), ("C3973", 60), ("6520", 60), ("0511", 60), ("3841", 48), ("", 48)],
)
def test_period_is_60_months_for_biomedicine_ic_and_agriculture(code, months):
    assert lifecycle.period_months(code, extended_prefixes=EXTENDED_PERIOD_PREFIXES) == months


def test_due_date_counts_lease_months():
    assert lifecycle.due_on(datetime.date(2024, 3, 15), 48) == datetime.date(2028, 3, 14)
    assert lifecycle.due_on(datetime.date(2024, 2, 29), 60) == datetime.date(2029, 2, 28)
    assert lifecycle.is_overdue(IncubationStage.INCUBATING, datetime.date(2028, 3, 14), datetime.date(2028, 3, 15))
    assert not lifecycle.is_overdue(IncubationStage.GRADUATED, datetime.date(2028, 3, 14), datetime.date(2030, 1, 1))


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (IncubationStage.PRE_INCUBATION, IncubationStage.INCUBATING, True),
        (IncubationStage.PRE_INCUBATION, IncubationStage.ACCELERATING, True),
        (IncubationStage.ACCELERATING, IncubationStage.INCUBATING, False),
        (IncubationStage.INCUBATING, IncubationStage.INCUBATING, False),
        (IncubationStage.INCUBATING, IncubationStage.GRADUATED, True),
        (IncubationStage.PRE_INCUBATION, IncubationStage.EXITED, True),
        (IncubationStage.GRADUATED, IncubationStage.EXITED, False),
    ],
)
def test_stages_only_move_forward_and_end_once(current, target, allowed):
    assert (lifecycle.transition_problem(current, target) is None) is allowed


def test_entry_criteria_name_what_is_missing():
    problems = lifecycle.entry_problems(
        founded_on=datetime.date(2020, 1, 10),
        industry_code="3841",
        has_ip=False,
        on=datetime.date(2024, 6, 1),
        max_age_years=3,
        industry_prefixes=["27", "358"],
        requires_ip=True,
    )
    assert len(problems) == 3
    assert "成立已超过3年" in problems[0]
    assert (
        lifecycle.entry_problems(
            founded_on=datetime.date(2021, 6, 1),
            industry_code="C3581",
            has_ip=True,
            on=datetime.date(2024, 5, 31),
            max_age_years=3,
            industry_prefixes=["358"],
            requires_ip=True,
        )
        == []
    )


ADMITTED = datetime.date(2022, 5, 1)


def evidence(facts, bases=ALL, threshold=D(1000)):
    return lifecycle.graduation_evidence(facts, admitted_on=ADMITTED, bases=bases, revenue_threshold_wan=threshold)


def test_high_tech_recognised_after_admission_graduates():
    found = evidence(lifecycle.GraduationFacts(high_tech_on=datetime.date(2023, 11, 20)))
    assert [(e.basis, e.met_on) for e in found] == [(GraduationBasis.HIGH_TECH, datetime.date(2023, 11, 20))]
    # Recognised before admission: brought into the programme, not a result of it.
    assert evidence(lifecycle.GraduationFacts(high_tech_on=datetime.date(2021, 11, 20))) == []
    # The programme does not count 高新.
    assert evidence(lifecycle.GraduationFacts(high_tech_on=datetime.date(2023, 11, 20)), bases=["revenue"]) == []


def test_revenue_of_two_consecutive_years_reaching_the_threshold():
    wan = D(10000)
    facts = lifecycle.GraduationFacts(revenue_by_year={2022: 300 * wan, 2023: 650 * wan, 2024: 420 * wan})
    found = evidence(facts)
    assert [(e.basis, e.met_on) for e in found] == [(GraduationBasis.REVENUE, datetime.date(2024, 12, 31))]
    assert "2023–2024年营业收入累计 1,070.00 万元" in found[0].reason
    # 2022+2023 = 950 万: not yet; a year to date that tips it counts as soon as it is reported.
    assert evidence(lifecycle.GraduationFacts(revenue_by_year={2022: 300 * wan, 2023: 650 * wan})) == []
    # Years apart do not count as consecutive.
    assert evidence(lifecycle.GraduationFacts(revenue_by_year={2022: 600 * wan, 2024: 600 * wan})) == []


def test_revenue_before_admission_does_not_count_and_earliest_evidence_first():
    wan = D(10000)
    facts = lifecycle.GraduationFacts(
        revenue_by_year={2021: 900 * wan, 2022: 200 * wan, 2023: 900 * wan},
        listed_on=datetime.date(2023, 6, 30),
    )
    found = evidence(facts)
    assert [e.basis for e in found] == [GraduationBasis.LISTED, GraduationBasis.REVENUE]


def test_cohorts_give_survival_and_graduation_rates():
    today = datetime.date(2026, 6, 1)
    states = [
        lifecycle.RecordState(2023, IncubationStage.GRADUATED, datetime.date(2027, 1, 1)),
        lifecycle.RecordState(2023, IncubationStage.EXITED, datetime.date(2027, 1, 1)),
        lifecycle.RecordState(2023, IncubationStage.INCUBATING, datetime.date(2026, 1, 1)),
        lifecycle.RecordState(2023, IncubationStage.ACCELERATING, datetime.date(2027, 1, 1)),
        lifecycle.RecordState(2025, IncubationStage.INCUBATING, datetime.date(2029, 1, 1)),
    ]
    rows = lifecycle.cohorts(states, today)
    assert [r.year for r in rows] == [2025, 2023]
    row = rows[1]
    assert (row.admitted, row.active, row.graduated, row.exited, row.overdue) == (4, 2, 1, 1, 1)
    assert (row.survival_pct, row.graduation_pct) == (D("75.0"), D("25.0"))
