"""Eligibility rules over enterprise facts: each operator, missing data, the scan's qualified and near-miss sets."""

from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from parkos.incubation.choices import CriterionOperator as Op
from parkos.incubation.choices import EligibilityFact as Fact
from parkos.incubation.eligibility import (
    EnterpriseFacts,
    Rule,
    SchemeRules,
    canonical_value,
    check,
    criterion_problem,
    describe,
    qualifies,
    scan,
)

BIOTECH = EnterpriseFacts(
    1,
    above_scale=True,
    high_tech=True,
    rd_intensity=D("6.2"),
    revenue_wan=D(4800),
    industry_code="2761",
    employees=120,
    age_years=D("4.5"),
    in_park_years=D(2),
    stage="accelerating",
)
STARTUP = EnterpriseFacts(2, industry_code="3581", employees=12, age_years=D("1.2"), stage="incubating")
UNKNOWN = EnterpriseFacts(3)


@pytest.mark.parametrize(
    ("fact", "op", "value", "expected"),
    [
        (Fact.ABOVE_SCALE, Op.IS_TRUE, "", (True, False, False)),
        (Fact.HIGH_TECH, Op.IS_FALSE, "", (False, True, True)),
        (Fact.RD_INTENSITY, Op.GTE, "3", (True, None, None)),
        (Fact.REVENUE_WAN, Op.LT, "2000", (False, None, None)),
        (Fact.INDUSTRY, Op.PREFIX, "C27, 358", (True, True, None)),
        (Fact.EMPLOYEES, Op.LTE, "20", (False, True, None)),
        (Fact.AGE_YEARS, Op.LT, "3", (False, True, None)),
        (Fact.IN_PARK_YEARS, Op.GTE, "1", (True, None, None)),
        # Not being incubated is a known fact, not missing data.
        (Fact.STAGE, Op.IN, "在孵、加速", (True, True, False)),
        (Fact.STAGE, Op.IN, "pre_incubation", (False, False, False)),
    ],
)
def test_each_operator_over_known_and_missing_facts(fact, op, value, expected):
    rule = Rule.parse(fact, op, value)
    assert tuple(rule.holds(f) for f in (BIOTECH, STARTUP, UNKNOWN)) == expected


@pytest.mark.parametrize(
    ("fact", "op", "value", "fragment"),
    [
        (Fact.ABOVE_SCALE, Op.GTE, "1", "是"),
        (Fact.RD_INTENSITY, Op.IS_TRUE, "", "不低于"),
        (Fact.RD_INTENSITY, Op.GTE, "三", "数值"),
        (Fact.EMPLOYEES, Op.GTE, "-5", "不小于0"),
        (Fact.INDUSTRY, Op.PREFIX, "医药", "代码前缀"),
        (Fact.STAGE, Op.IN, "孵化中", "孵化阶段"),
        ("size", Op.GTE, "1", "未知"),
    ],
)
def test_malformed_criteria_are_explained(fact, op, value, fragment):
    problem = criterion_problem(fact, op, value)
    assert problem is not None
    assert fragment in problem
    with pytest.raises(ValueError, match=fragment):
        Rule.parse(fact, op, value)


def test_scan_lists_qualified_and_near_misses_with_the_missed_rule():
    rules = (
        Rule.parse(Fact.INDUSTRY, Op.PREFIX, "27,358"),
        Rule.parse(Fact.EMPLOYEES, Op.LTE, "50"),
        Rule.parse(Fact.RD_INTENSITY, Op.GTE, "3"),
    )
    results = scan([BIOTECH, STARTUP, UNKNOWN], [SchemeRules(7, rules), SchemeRules(8, ())])
    incubated = results[7]
    assert incubated.qualified == frozenset()
    near = {(m.enterprise_id, m.rule_index, m.missing_data) for m in incubated.near_misses}
    # BIOTECH misses headcount only; STARTUP misses R&D only, for want of data; UNKNOWN misses all three.
    assert near == {(1, 1, False), (2, 2, True)}
    assert results[8].qualified == frozenset({1, 2, 3})  # no criteria: open to all
    assert (results[8].qualified_count, results[8].near_miss_count) == (3, 0)


def test_check_names_each_rule_for_one_enterprise():
    rules = [Rule.parse(Fact.HIGH_TECH, Op.IS_TRUE, ""), Rule.parse(Fact.RD_INTENSITY, Op.GTE, "5")]
    checks = check(BIOTECH, rules)
    assert [c.holds for c in checks] == [True, True]
    assert qualifies(checks)
    assert not qualifies(check(STARTUP, rules))


facts_strategy = st.builds(
    EnterpriseFacts,
    st.integers(1, 10_000),
    above_scale=st.booleans(),
    rd_intensity=st.one_of(st.none(), st.decimals(0, 20, places=1)),
    employees=st.one_of(st.none(), st.integers(0, 500)),
    industry_code=st.sampled_from(["", "2761", "3581", "3841", "6520"]),
)


@given(st.lists(facts_strategy, max_size=30, unique_by=lambda f: f.enterprise_id))
def test_scan_agrees_with_checking_one_by_one(facts):
    rules = (
        Rule.parse(Fact.ABOVE_SCALE, Op.IS_TRUE, ""),
        Rule.parse(Fact.RD_INTENSITY, Op.GT, "3"),
        Rule.parse(Fact.EMPLOYEES, Op.GTE, "100"),
        Rule.parse(Fact.INDUSTRY, Op.PREFIX, "27"),
    )
    result = scan(facts, [SchemeRules(1, rules)])[1]
    for f in facts:
        failing = [i for i, c in enumerate(check(f, rules)) if c.holds is not True]
        assert (f.enterprise_id in result.qualified) == (not failing)
        misses = [m.rule_index for m in result.near_misses if m.enterprise_id == f.enterprise_id]
        assert misses == (failing if len(failing) == 1 else [])
    assert result.qualified_count == len(result.qualified)
    assert result.near_miss_count == len(result.near_misses)


def test_stage_rules_mean_the_same_in_every_language():
    with translation.override("en"):
        rule = Rule.parse(Fact.STAGE, Op.IN, "在孵、加速")
        assert rule.holds(STARTUP) is True
        assert Rule.parse(Fact.STAGE, Op.IN, "Incubating").holds(STARTUP) is True
    assert canonical_value(Fact.STAGE, Op.IN, "在孵、加速") == "accelerating,incubating"
    assert describe(Fact.STAGE, Op.IN, "accelerating,incubating") == "孵化阶段 属于以下之一 加速、在孵"
    assert describe(Fact.HIGH_TECH, Op.IS_FALSE, "") == "非高新技术企业（有效期内）"


# --- A stored criterion that no longer parses ---------------------------------------------------------


def test_a_stored_rule_that_no_longer_parses_holds_for_nobody_and_is_not_missing_data():
    broken = Rule.stored(Fact.RD_INTENSITY, Op.GTE, "三个百分点")
    assert broken.invalid
    assert broken.problem == criterion_problem(Fact.RD_INTENSITY, Op.GTE, "三个百分点")
    with pytest.raises(ValueError, match=broken.problem):
        Rule.parse(Fact.RD_INTENSITY, Op.GTE, "三个百分点")  # input is still refused at the edge
    assert [broken.holds(f) for f in (BIOTECH, STARTUP, UNKNOWN)] == [None, None, None]
    assert not qualifies(check(BIOTECH, [Rule.parse(Fact.ABOVE_SCALE, Op.IS_TRUE, ""), broken]))
    assert Rule.stored(Fact.EMPLOYEES, Op.LTE, "20") == Rule.parse(Fact.EMPLOYEES, Op.LTE, "20")
    assert not Rule.stored(Fact.EMPLOYEES, Op.LTE, "20").invalid


def test_the_scan_skips_an_invalid_rule_without_letting_anyone_through():
    valid = Rule.parse(Fact.EMPLOYEES, Op.GTE, "10")
    broken = Rule.stored("retired_fact", Op.GTE, "1")
    result = scan([BIOTECH, STARTUP, UNKNOWN], [SchemeRules(7, (valid, broken)), SchemeRules(8, (valid,))])
    assert result[8].qualified == {1, 2}  # the same valid rule elsewhere is unaffected
    assert result[7].qualified == frozenset()
    # Those who pass every valid rule miss only the broken one, and not for want of data.
    assert [(m.enterprise_id, m.rule_index, m.missing_data) for m in result[7].near_misses] == [
        (1, 1, False),
        (2, 1, False),
    ]
