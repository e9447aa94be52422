"""Rule vectors of the government forms and 工业投资 (no database): RULES §5.2, §10.5."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parkos.statistics.choices import InvestmentBasis
from parkos.statistics.govforms import b204
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.kpi.investment import ProjectAmount, counts, industrial_investment, industrial_investment_total
from parkos.statistics.kpi.narrative import AnnualKpis, ProductOutputPhrase, annual_paragraph, format_quantity

D = Decimal
WAN = D(10000)


def cumulative(*values: tuple[int, int]) -> dict[int, b204.ReportedMonth]:
    return {month: b204.ReportedMonth(100 + month, month, True, D(value)) for month, value in values}


def monthly(*values: tuple[int, int]) -> dict[int, b204.ReportedMonth]:
    return {month: b204.ReportedMonth(200 + month, month, False, D(value)) for month, value in values}


# --- B204-1: 本月 and 1—本月 from what was reported ---------------------------------------------


def test_cumulative_rows_give_the_month_as_a_difference():
    rows = cumulative((2, 300), (3, 450))
    assert b204.year_to_date(rows, 3) == b204.Derived(D(450), (103,), "1–3月累计")
    assert b204.this_month(rows, 3) == b204.Derived(D(150), (103, 102), "1–3月累计 − 1–2月累计")


def test_january_reported_with_february_leaves_february_alone_unknown():
    """1–2月 is the first cumulative row (RULES §10.1): February alone cannot be derived; never 0."""
    rows = cumulative((2, 300))
    assert b204.year_to_date(rows, 2).value == D(300)
    derived = b204.this_month(rows, 2)
    assert derived.value is None
    assert "无法推算本月" in derived.how


def test_monthly_rows_sum_to_the_year_to_date_and_need_every_month():
    rows = monthly((1, 100), (2, 120), (3, 90))
    assert b204.year_to_date(rows, 3) == b204.Derived(D(310), (201, 202, 203), "1–3月各月当月数之和")
    assert b204.this_month(rows, 3).value == D(90)
    gap = monthly((1, 100), (3, 90))
    assert b204.year_to_date(gap, 3).value is None
    assert b204.this_month(gap, 3).value == D(90)


def test_a_month_not_reported_is_empty():
    assert b204.this_month(cumulative((2, 300)), 4) == b204.Derived(None, how="4月未填报")


def _line(key: int, month: int, name: str, unit: str, quantity: str, exports: str | None = None) -> b204.OutputLine:
    return b204.OutputLine(key, month, name, unit, "1784", D(quantity), None if exports is None else D(exports))


def test_product_lines_sum_months_and_keep_units_apart():
    outputs = [
        _line(1, 1, "医用防护服", "万件", "10"),
        _line(2, 2, "医用防护服", "万件", "12.5"),
        _line(3, 2, "医用防护服", "件", "300"),
        _line(4, 1, "口罩", "万只", "50"),
        _line(5, 3, "医用防护服", "万件", "99"),  # after the month: not counted
    ]
    lines = b204.product_lines(outputs, 2)
    assert [(p.product_name, p.unit, p.this_month.value, p.year_to_date.value) for p in lines] == [
        ("医用防护服", "万件", D("12.5"), D("22.5")),
        ("医用防护服", "件", D(300), D(300)),
        ("口罩", "万只", None, D(50)),  # not reported in February: empty, not 0
    ]
    assert lines[0].year_to_date.keys == (1, 2)


def test_form_takes_exports_from_products_only_when_the_report_has_none():
    reports = {"output": cumulative((3, 9_000_000)), "exports": {3: b204.ReportedMonth(103, 3, True, None)}}
    outputs = [_line(7, 3, "防护服", "万件", "1", "200000"), _line(8, 2, "防护服", "万件", "1", "100000")]
    form = b204.build_form(
        enterprise_id=1, name="甲", credit_code="X", year=2025, month=3, reports=reports, outputs=outputs
    )
    codes = {line.indicator.code: line for line in form.lines}
    # The codes of the NBS form (RULES §10.5): 01 总产值, 03 销售产值, 04 出口交货值, 05 用电量.
    assert [line.indicator.code for line in form.lines] == ["01", "03", "04", "05"]
    assert codes["01"].year_to_date.value == D(9_000_000)
    assert codes["03"].this_month.value is None  # 工业销售产值: not collected by ParkOS
    assert codes["05"].indicator.unit == "万千瓦小时"
    assert codes["04"].this_month.value == D(200_000)
    assert codes["04"].year_to_date == b204.Derived(D(300_000), (7, 8), "1–3月各产品出口交货值之和")
    reported = {"exports": cumulative((3, 50_000))}
    form = b204.build_form(
        enterprise_id=1, name="甲", credit_code="X", year=2025, month=3, reports=reported, outputs=outputs
    )
    assert form.lines[2].year_to_date.value == D(50_000)
    assert b204.thousands(D(50_000)) == D(50)


def test_prior_year_columns_take_the_re_reported_prior_first_else_last_years_rows():
    """Columns 3 and 4 (上年同期): the prior the rows re-report where they carry one (RULES §10.2),
    else last year's own rows, derived by the same rules; products from last year's output."""
    reports = {"output": cumulative((2, 300), (3, 450))}
    priors = {"output": {3: b204.ReportedMonth(103, 3, True, D(400))}}  # 1–3月 re-reported, 1–2月 not
    last_year = {"output": cumulative((2, 250), (3, 380))}
    form = b204.build_form(
        enterprise_id=1, name="甲", credit_code="X", year=2025, month=3, reports=reports, outputs=[],
        priors=priors, last_year=last_year, last_year_outputs=[_line(9, 3, "口罩", "万只", "4")],
    )  # fmt: skip
    output = form.lines[0]
    assert [figure.value for figure in output.figures] == [D(150), D(450), D(130), D(400)]
    assert output.prior_year_to_date.how == "本年报表所报上年同期数：1–3月累计"
    assert output.prior_month.how == "上年报表：1–3月累计 − 1–2月累计"  # the re-reported priors cannot give March
    assert b204.COLUMN_LETTERS == ("甲", "乙", "丙", "1", "2", "3", "4")
    form = b204.build_form(
        enterprise_id=1, name="甲", credit_code="X", year=2025, month=3, reports=reports,
        outputs=[_line(8, 3, "口罩", "万只", "5")], last_year_outputs=[_line(9, 3, "口罩", "万只", "4")],
    )  # fmt: skip
    assert [figure.value for figure in form.products[0].figures] == [D(5), D(5), D(4), D(4)]


# --- 工业投资 (RULES §5.2) ----------------------------------------------------------------------


def project(pk: int, amount_wan: int, *, enterprise: int | None = None, planned_wan: str | None = "1000",
            kind: str = "industrial") -> ProjectAmount:  # fmt: skip
    planned = None if planned_wan is None else D(planned_wan) * WAN
    return ProjectAmount(pk, 1, enterprise, kind, planned, D(amount_wan) * WAN)


@pytest.mark.parametrize(
    ("planned_wan", "kind", "counted"),
    [
        ("500", "industrial", True),  # "500万元及以上"
        ("499.99", "industrial", False),
        (None, "industrial", False),  # size unknown
        ("800", "standard_factory", True),  # the park's own standard factory
        ("800", "infrastructure", False),
        ("800", "service", False),
    ],
)
def test_which_projects_count(planned_wan, kind, counted):
    assert counts(project(1, 10, planned_wan=planned_wan, kind=kind)) is counted


def test_bases_and_no_double_counting():
    projects = [
        project(1, 300, enterprise=11),  # the enterprise reports its 固定资产投资: already in it
        project(2, 200, enterprise=12),  # its enterprise reported none: the project counts
        project(3, 100),  # the park's own project, no enterprise
        project(4, 50, planned_wan="400"),  # below the threshold
    ]
    reported = {11: D(500) * WAN, 12: None, 13: D(70) * WAN}
    total = industrial_investment_total
    both = total(basis=InvestmentBasis.BOTH, projects=projects, enterprise_investment=reported)
    assert both.amount == D(500 + 70 + 200 + 100) * WAN
    assert (both.project_ids, both.enterprise_ids) == ((2, 3), (11, 13))
    assert (
        total(basis=InvestmentBasis.PROJECTS, projects=projects, enterprise_investment=reported).amount == D(600) * WAN
    )
    assert (
        total(basis=InvestmentBasis.ENTERPRISES, projects=projects, enterprise_investment=reported).amount
        == D(570) * WAN
    )
    with pytest.raises(ValueError, match="basis"):
        total(basis="guess", projects=projects, enterprise_investment=reported)


def test_growth_on_the_same_basis():
    result = industrial_investment(
        basis=InvestmentBasis.PROJECTS,
        projects_now=[project(1, 1200), project(2, 100, enterprise=5)],
        projects_before=[project(1, 1000)],
        enterprises_now={5: D(999) * WAN},
        enterprises_before={},
    )
    assert result.current.amount == D(1300) * WAN
    assert result.growth == D("30.0")
    nothing_before = industrial_investment(
        basis=InvestmentBasis.BOTH,
        projects_now=[project(1, 10)],
        projects_before=[],
        enterprises_now={},
        enterprises_before={},
    )
    assert nothing_before.growth is None


# --- the paragraph --------------------------------------------------------------------------------


def test_paragraph_names_investment_and_products_in_words():
    kpis = AnnualKpis(
        period=ReportPeriod(2025),
        industrial_investment=D(37) * D(10) ** 8,
        industrial_investment_growth=D("21.2"),
        products=(
            ProductOutputPhrase("防护服", D(120), "万件"),
            ProductOutputPhrase("医用口罩", D(3000), "万只"),
            ProductOutputPhrase("试剂盒", D(0), "万人份"),
        ),
    )
    assert annual_paragraph(kpis) == "全年完成工业投资37亿元，同比增长21.2%；生产防护服120万件、医用口罩3,000万只。"


@pytest.mark.parametrize(
    ("quantity", "text"), [("3000", "3,000"), ("12.50", "12.5"), ("0.004", "0"), ("1234567.891", "1,234,567.89")]
)
def test_format_quantity(quantity, text):
    assert format_quantity(D(quantity)) == text
