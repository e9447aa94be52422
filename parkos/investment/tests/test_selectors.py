"""Matching against the database: the issue's acceptance cases, scoping, combinations, explanations."""

import datetime
from decimal import Decimal

import pytest

from parkos.investment import selectors, services
from parkos.investment.choices import SpaceKind, Tenure
from parkos.investment.tests.factories import RequirementFactory
from parkos.parks.services import reservation_create

pytestmark = pytest.mark.django_db

ETHANOL_SYNTHESIS = [{"kind": "solvent", "flash_point_c": "13", "name": "乙醇精制"}]


def labels(report):
    return [m.label for m in report.matches]


def test_api_synthesis_with_ethanol_never_matches_bing_multi_storey(portfolio):
    lead = services.lead_create(
        actor=None,
        company_name="重庆原料药合成有限公司",
        requirement={"space_kind": SpaceKind.FACTORY, "tenure": Tenure.EITHER, "area_min_sqm": Decimal(1500),
                     "area_max_sqm": Decimal(30000), "industry_code": "2710"},
        processes=ETHANOL_SYNTHESIS,
    )  # fmt: skip
    requirement = lead.requirement
    assert requirement.fire_class == "jia"
    assert requirement.fire_class_source == "derived"
    assert any("属甲类" in r for r in requirement.fire_class_reasons)
    report = selectors.match_requirement(requirement, park_ids=None)
    assert "A1-101" not in labels(report)
    assert "B1-101" not in labels(report)
    assert "J1-101" in labels(report)  # the 甲 single-storey shed
    assert "D01" in labels(report)  # the land parcel
    shed = next(m for m in report.matches if m.label == "J1-101")
    assert any("可承载甲类生产" in r for r in shed.fits)


def test_class_ii_sterile_device_maker_gets_only_clean_and_strong_units(portfolio):
    requirement = RequirementFactory(
        area_min_sqm=Decimal(1000), area_max_sqm=Decimal(3000), cleanroom_grade="C",
        min_floor_load_kn_m2=Decimal(8), industry_code="3581", fire_class="bing",
    )  # fmt: skip
    report = selectors.match_requirement(requirement, park_ids=None)
    # A1-201: C + 8 kN ✓; A1-202: D ✗; A1-301: C but 5 kN ✗; A1-101/J1/B1: no clean room ✗.
    assert labels(report) == ["A1-201"]
    assert any("洁净条件C级（万级，ISO 7）" in r for r in report.matches[0].fits)


def test_tax_per_mu_below_park_minimum_is_flagged(portfolio):
    requirement = RequirementFactory(
        area_min_sqm=Decimal(2300), area_max_sqm=Decimal(2500), expected_annual_tax_wan=Decimal(30)
    )
    report = selectors.match_requirement(requirement, park_ids=[portfolio["park_a"].pk])
    assert labels(report) == ["A1-101"]
    # Ref: #15 — the land apportioned to the unit, not its floor area: A1 has 3 × 3,000 m² of floors on
    # 3,000 m² of land, so 2,400 m² carries 800 m² = 1.2 亩; 30 万元 / 1.2 亩 = 25 万元/亩 < 30.
    assert report.flags == [f"预计亩均税收25万元/亩，低于{portfolio['park_a'].name}门槛30万元/亩"]


def test_scoping_to_parks(portfolio, carol):
    requirement = RequirementFactory(area_min_sqm=Decimal(1900), area_max_sqm=Decimal(2100))
    assert "B1-101" in labels(selectors.match_requirement(requirement, park_ids=None))
    assert "B1-101" not in labels(selectors.match_for_user(requirement, carol))


def test_combination_when_no_single_unit_is_large_enough(portfolio):
    requirement = RequirementFactory(area_min_sqm=Decimal(2600), area_max_sqm=Decimal(2800), fire_class="bing")
    report = selectors.match_requirement(requirement, park_ids=[portfolio["park_a"].pk])
    assert report.matches == ()
    assert "A1-201 + A1-202" in [m.label for m in report.combinations]


def test_empty_result_is_explained(portfolio):
    requirement = RequirementFactory(
        area_min_sqm=Decimal(1000), area_max_sqm=Decimal(3000), min_clear_height_m=Decimal(15)
    )
    report = selectors.match_requirement(requirement, park_ids=None)
    assert report.matches == ()
    assert report.combinations == ()
    assert "净高" in report.empty_reason


def test_unit_reserved_past_move_in_is_not_offered(portfolio, alice):

    unit = portfolio["units"]["A1-101"]
    reservation_create(space=unit, holder_name="另一家", reserved_until=datetime.date(2099, 1, 1), actor=alice)
    requirement = RequirementFactory(area_min_sqm=Decimal(2300), area_max_sqm=Decimal(2500))
    assert "A1-101" not in labels(selectors.match_requirement(requirement, park_ids=None))


def test_reverse_matching_lists_open_leads_the_space_fits(portfolio):
    fits = RequirementFactory(area_min_sqm=Decimal(2300), area_max_sqm=Decimal(2500))
    RequirementFactory(area_min_sqm=Decimal(5000), area_max_sqm=Decimal(6000))  # too big
    needs_clean = RequirementFactory(area_min_sqm=Decimal(2300), area_max_sqm=Decimal(2500), cleanroom_grade="C")
    leads = [lead for lead, _match in selectors.leads_matching_space(portfolio["units"]["A1-101"])]
    assert leads == [fits.lead]
    assert needs_clean.lead not in leads


def test_funnel_and_forecast(portfolio, carol):
    lead = services.lead_create(actor=carol, company_name="甲公司", park=portfolio["park_a"],
                                requirement={"area_min_sqm": Decimal(1000), "area_max_sqm": Decimal(3000),
                                             "expected_annual_tax_wan": Decimal(100)},
                                expected_signing_on=datetime.date(2026, 6, 15), probability=50)  # fmt: skip
    services.lead_move(lead=lead, to_stage="contacted", actor=carol)
    other = services.lead_create(actor=carol, company_name="乙公司", park=portfolio["park_a"])
    services.lead_move(lead=other, to_stage="lost", lost_reason="选择了其他园区", actor=carol)
    funnel = {row.stage.value: row for row in selectors.pipeline_funnel(selectors.lead_list(carol))}
    assert funnel["new"].reached == 2
    assert funnel["contacted"].reached == 1
    assert funnel["new"].conversion == Decimal("50.0")
    forecast = selectors.pipeline_forecast(selectors.lead_list(carol))
    assert [(r.month, r.weighted_area_sqm, r.weighted_tax_wan) for r in forecast] == [
        ("2026-06", Decimal("1000.00"), Decimal("50.00"))
    ]


def test_broad_search_ranking_is_pinned(portfolio):
    # Scores from the database's rows (floats on SQLite, Decimals on PostgreSQL) with the land
    # apportioned per unit: the speed work on the engine (benchmark investment.match_broad) keeps them.
    requirement = RequirementFactory(
        tenure=Tenure.EITHER, area_min_sqm=Decimal(1000), area_max_sqm=Decimal(25000), fire_class="bing",
        budget_rent_yuan_per_sqm_month=Decimal(25), expected_annual_tax_wan=Decimal(60), investment_wan=Decimal(900),
    )  # fmt: skip
    report = selectors.match_requirement(requirement, park_ids=None)
    assert [(m.label, m.score) for m in report.matches] == [
        ("A1-101", 63.75), ("A1-201", 63.65), ("A1-301", 63.65), ("A1-202", 62.7), ("B1-101", 53.85),
        ("J1-101", 50.16), ("D01", 31.09),
    ]  # fmt: skip
