"""The annual paragraph: exact wording for a hand-computed KPI set, and every convention's edge."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from parkos.statistics import kpi
from parkos.statistics.kpi import GrowthFigure, MonthlyFigures, ReportPeriod
from parkos.statistics.kpi.narrative import (
    AnnualKpis,
    Listing,
    annual_paragraph,
    growth_phrase,
    milestone_crossed,
    point_change_phrase,
)

D = Decimal
YI = D(100_000_000)

# Hand-computed: investment 37 亿 against 30.53 亿 → 6.47 / 30.53 = 21.19 % → 21.2 %;
# 规上产值 103.5 亿 against 77.7 亿 → 25.8 / 77.7 = 33.20 % → 33.2 %, and 100 亿 is crossed.
KPIS_2024 = AnnualKpis(
    period=ReportPeriod(2024),
    projects_completed=10,
    new_above_scale=5,
    listings=(Listing("百亚股份", "A股"),),
    industrial_investment=37 * YI,
    industrial_investment_growth=GrowthFigure(37 * YI, D("30.53") * YI, frozenset({1})),
    above_scale_output=D("103.5") * YI,
    above_scale_output_previous=D("77.7") * YI,
    above_scale_output_growth=GrowthFigure(D("103.5") * YI, D("77.7") * YI, frozenset({1})),
    products_in_rnd=19,
    class1_drugs_in_clinical=10,
    products_in_phase3=6,
)
EXPECTED_2024 = (
    "全年建成投用项目10个，5家企业实现升规，百亚股份A股挂牌上市；完成工业投资37亿元，同比增长21.2%；"
    "实现规上产值突破100亿元，同比增长33.2%。全年在研重点产品19个，进入临床的1类新药10个，6个产品处于三期临床。"
)


def test_annual_paragraph_matches_the_report_style():
    assert annual_paragraph(KPIS_2024) == EXPECTED_2024


def test_paragraph_from_rows_end_to_end():
    # Two 规上 enterprises, cumulative 1–12月 工业总产值 with re-reported prior-year figures.
    rows = [
        MonthlyFigures(
            enterprise_id=1,
            year=2024,
            month=12,
            is_cumulative=True,
            output=D("63.5") * YI,
            prior_year_same_period=kpi.IndicatorValues(output=D("47.7") * YI),
        ),
        MonthlyFigures(
            enterprise_id=2,
            year=2024,
            month=12,
            is_cumulative=True,
            output=40 * YI,
            prior_year_same_period=kpi.IndicatorValues(output=30 * YI),
        ),
    ]
    total = kpi.period_total(rows, "output", 2024, range(1, 13))
    growth = kpi.comparable_growth(rows, "output", 2024, range(1, 13))
    kpis = AnnualKpis(
        period=ReportPeriod(2024),
        above_scale_output=total.value,
        above_scale_output_previous=D("77.7") * YI,
        above_scale_output_growth=growth,
    )
    assert annual_paragraph(kpis) == "全年实现规上产值突破100亿元，同比增长33.2%。"


def test_no_breakthrough_without_crossing_a_round_milestone():
    kpis = replace(KPIS_2024, above_scale_output_previous=D("101.2") * YI)
    assert "实现规上产值103.5亿元，同比增长33.2%" in annual_paragraph(kpis)
    kpis = replace(KPIS_2024, above_scale_output_previous=None)
    assert "实现规上产值103.5亿元" in annual_paragraph(kpis)


def test_growth_of_100_percent_or_more_reads_as_times():
    kpis = replace(KPIS_2024, industrial_investment_growth=D("150"))
    assert "完成工业投资37亿元，同比增长1.5倍；" in annual_paragraph(kpis)


def test_decline_and_flat():
    assert "同比下降3.4%" in annual_paragraph(replace(KPIS_2024, industrial_investment_growth=D("-3.44")))
    assert "完成工业投资37亿元，与上年持平；" in annual_paragraph(
        replace(KPIS_2024, industrial_investment_growth=D("0.04"))
    )
    assert growth_phrase(D("-0.04"), full_year=False) == "与上年同期持平"
    assert growth_phrase(D("-250")) == "同比下降250.0%"  # beyond −100 %: still in %, never "倍"


def test_not_computable_growth_drops_the_clause():
    not_computable = GrowthFigure(D(5), D(0), frozenset())
    assert not_computable.display == "--"
    text = annual_paragraph(replace(KPIS_2024, industrial_investment_growth=not_computable))
    assert "完成工业投资37亿元；实现规上产值" in text
    assert "--" not in text


def test_growth_without_amount():
    text = annual_paragraph(replace(KPIS_2024, industrial_investment=None))
    assert "；工业投资同比增长21.2%；" in text


def test_missing_figures_omit_their_clauses():
    kpis = AnnualKpis(period=ReportPeriod(2024), new_above_scale=5, products_in_phase3=6, class1_drugs_in_clinical=0)
    # Counts of 0 are not achievements; a sentence led by a number gets a comma after the period.
    assert annual_paragraph(kpis) == "全年，5家企业实现升规。全年，6个产品处于三期临床。"
    assert annual_paragraph(AnnualKpis(period=ReportPeriod(2024))) == ""


@pytest.mark.parametrize(
    ("period", "at_end", "new", "clause"),
    [
        (ReportPeriod(2024), 6, 2, "全年，6个产品处于三期临床，2个产品新进入三期临床。"),
        (ReportPeriod(2024, 1, 9), 6, 0, "1–9月，6个产品处于三期临床。"),
        (ReportPeriod(2024, 4, 6), 3, 1, "二季度，3个产品处于三期临床，1个产品新进入三期临床。"),
        # Both that entered this year have moved on to 上市申请: none left in phase III at the end.
        (ReportPeriod(2024), 0, 2, "全年，2个产品新进入三期临床。"),
        (ReportPeriod(2024), None, None, ""),
    ],
)
def test_phase_three_at_the_end_and_new_this_year(period, at_end, new, clause):
    kpis = AnnualKpis(period=period, products_in_phase3=at_end, products_new_in_phase3=new)
    assert annual_paragraph(kpis) == clause


def test_amounts_under_one_yi_are_in_wan():
    kpis = AnnualKpis(period=ReportPeriod(2024), industrial_investment=D(56_000_000), industrial_investment_growth=D(8))
    assert annual_paragraph(kpis) == "全年完成工业投资5600万元，同比增长8.0%。"
    with translation.override("en"):
        assert "CNY 56 million" in annual_paragraph(kpis)


@pytest.mark.parametrize(
    ("current", "previous", "milestone"),
    [
        (D("103.5"), D("77.7"), D(100)),
        (D(55), D(45), D(50)),
        (D(60), D(55), None),
        (D("2.1"), D("0.9"), D(2)),  # crosses 1 and 2 亿: the higher is named
        (D(100), D("99.9"), D(100)),  # reaching it is crossing it
        (D(100), D(100), None),
    ],
)
def test_milestone_crossed(current, previous, milestone):
    expected = None if milestone is None else milestone * YI
    assert milestone_crossed(current * YI, previous * YI) == expected


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        (1, 12, "全年"),
        (1, 3, "一季度"),
        (7, 9, "三季度"),
        (1, 6, "上半年"),
        (1, 9, "1–9月"),
        (5, 5, "5月"),
        (4, 5, "4–5月"),
    ],
)
def test_period_labels(first, last, label):
    assert ReportPeriod(2024, first, last).label == label


def test_partial_year_paragraph():
    kpis = replace(
        KPIS_2024,
        period=ReportPeriod(2024, 1, 9),
        projects_completed=None,
        listings=(),
        above_scale_output_growth=D("0"),
    )
    assert annual_paragraph(kpis) == (
        "1–9月，5家企业实现升规；完成工业投资37亿元，同比增长21.2%；实现规上产值突破100亿元，与上年同期持平。"
        "1–9月在研重点产品19个，进入临床的1类新药10个，6个产品处于三期临床。"
    )
    quarter = AnnualKpis(period=ReportPeriod(2024, 1, 3), projects_completed=3, industrial_investment=D("8.2") * YI)
    assert annual_paragraph(quarter) == "一季度建成投用项目3个；完成工业投资8.2亿元。"


def test_several_listings():
    kpis = AnnualKpis(
        period=ReportPeriod(2024),
        listings=(Listing("甲药业", "科创板"), Listing("乙医疗", "港交所主板"), Listing("丙生物", "科创板")),
    )
    assert annual_paragraph(kpis) == "全年甲药业、丙生物科创板挂牌上市，乙医疗港交所主板挂牌上市。"


def test_invalid_inputs():
    with pytest.raises(ValueError, match="negative"):
        AnnualKpis(period=ReportPeriod(2024), projects_completed=-1)
    with pytest.raises(ValueError, match="invalid period"):
        ReportPeriod(2024, 10, 3)


@pytest.mark.parametrize(
    ("points", "full_year", "phrase"),
    [
        (D("0.1"), True, "比上年提高0.1个百分点"),
        (D("-0.1"), True, "比上年下降0.1个百分点"),
        (D("2.35"), True, "比上年提高2.4个百分点"),  # half up, once
        (D("-8.45"), False, "比上年同期下降8.5个百分点"),
        (D("0.04"), True, "与上年持平"),
        (D("-0.04"), False, "与上年同期持平"),
        (None, True, None),
    ],
)
def test_point_change_phrase_says_which_way(points, full_year, phrase):
    assert point_change_phrase(points, full_year=full_year) == phrase


@pytest.mark.parametrize(
    ("upgraded", "moved_in", "clause"),
    [
        (5, 2, "全年新增规上企业7家（其中升规5家、迁入2家）。"),
        (5, 0, "全年，5家企业实现升规。"),
        (5, None, "全年，5家企业实现升规。"),
        (0, 2, "全年新增规上企业2家（其中升规0家、迁入2家）。"),
        (0, 0, ""),
    ],
)
def test_new_above_scale_says_moved_in_apart(upgraded, moved_in, clause):
    kpis = AnnualKpis(period=ReportPeriod(2024), new_above_scale=upgraded, moved_in_above_scale=moved_in)
    assert annual_paragraph(kpis) == clause
