"""The pure engine: hard constraints, reasons, scores, combinations, elimination counts."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.investment import matching
from parkos.investment.matching import Constraint, Need, ParkInfo, Space

PARK = ParkInfo(id=1, name="A园", city="重庆市", welcomed=("27", "358"), min_tax_wan_per_mu=Decimal(30))


def unit(pk=1, **kw):
    base = {
        "kind": "unit", "id": pk, "park_id": 1, "code": f"U{pk}", "area": Decimal(2000), "design_class": "bing", "rent": Decimal(22),
        "building_id": 10, "building_code": "A1", "floor_id": 100, "level": 1, "structure": "multi_storey_frame", "storeys": 4, "grade": "2",
        "floor_load": Decimal(12), "clear_height": Decimal(6), "power": 400,
    }  # fmt: skip
    base.update(kw)
    return Space(**base)


def test_jia_tenant_is_refused_by_a_bing_multi_storey_unit_with_reasons():
    need = Need(tenant_class="jia", area_min=Decimal(1000), area_max=Decimal(3000))
    space = unit()
    assert matching.hard_failures(need, space, PARK) == [Constraint.FIRE]
    reasons = matching.failure_reasons(need, space, PARK)
    assert "需甲类生产，该楼设计为丙类" in reasons
    assert "甲类生产不得设在多层或高层厂房" in reasons


def test_jia_tenant_fits_a_jia_single_storey_building():
    need = Need(tenant_class="jia")
    shed = unit(design_class="jia", structure="single_storey_steel", storeys=1)
    assert matching.fits(need, shed, PARK)


def test_cleaner_grade_serves_a_less_demanding_requirement():
    need = Need(cleanroom="C")
    assert matching.fits(need, unit(cleanroom="B"), PARK)
    assert matching.hard_failures(need, unit(cleanroom="D"), PARK) == [Constraint.CLEANROOM]


def test_industry_policy_excludes_unwelcome_use():
    need = Need(industry_code="3311")  # 金属结构制造, not in the park's policy
    assert matching.hard_failures(need, unit(), PARK) == [Constraint.POLICY]
    assert matching.fits(Need(industry_code="2710"), unit(), PARK)


def test_lift_only_matters_above_ground_floor():
    need = Need(min_lift=Decimal(3))
    assert matching.fits(need, unit(level=1), PARK)
    assert not matching.fits(need, unit(level=3, lift_t=Decimal(2)), PARK)
    assert matching.fits(need, unit(level=3, lift_t=Decimal(3)), PARK)


def test_tax_per_mu_below_threshold_is_flagged():
    # 2,000 m² = 3 亩; 45 万元 / 3 亩 = 15 万元/亩 < 30.
    need = Need(tax_wan=Decimal(45))
    ranking = matching.rank(need, [unit()], {1: PARK})
    assert ranking.matches[0].flags == ("预计亩均税收15万元/亩，低于A园门槛30万元/亩",)


def test_rank_orders_by_score_and_explains():
    need = Need(area_min=Decimal(1800), area_max=Decimal(2200), budget_rent=Decimal(25))
    exact, cheap_far, pricey = unit(1), unit(2, area=Decimal(2200)), unit(3, rent=Decimal(40))
    ranking = matching.rank(need, [pricey, cheap_far, exact], {1: PARK})
    assert [m.spaces[0].id for m in ranking.matches] == [1, 2, 3]
    assert any("超出预算" in r for r in ranking.matches[2].misfits)


def test_empty_result_names_the_top_eliminator():
    need = Need(min_load=Decimal(20))
    ranking = matching.rank(need, [unit(1), unit(2), unit(3, cleanroom="C")], {1: PARK})
    assert ranking.is_empty
    assert ranking.top_eliminator() == (Constraint.LOAD, 3)


def test_only_recorded_adjacent_units_are_combined():
    # Ref: #15 — adjacency is data: sharing a floor does not make two units adjacent.
    need = Need(area_min=Decimal(3000), area_max=Decimal(4000))
    parts = [
        unit(1, area=Decimal(1600), floor_id=100, level=1),
        unit(2, area=Decimal(1600), floor_id=100, level=1),
        unit(3, area=Decimal(1600), floor_id=100, level=1),  # same floor, no recorded neighbour
        unit(4, area=Decimal(1700), building_id=11, floor_id=400),
    ]
    adjacency = {1: {2: "side"}, 2: {1: "side"}}
    combos = matching.combine_adjacent(need, parts, {1: PARK}, adjacency)
    assert [m.label for m in combos] == ["U1 + U2"]
    assert "同层相邻单元组合" in combos[0].fits[-1]


def test_stacked_units_combine_only_with_a_freight_lift():
    need = Need(area_min=Decimal(3000), area_max=Decimal(4000))
    adjacency = {1: {2: "stacked"}, 2: {1: "stacked"}}
    no_lift = [unit(1, area=Decimal(1600)), unit(2, area=Decimal(1600), level=2, floor_id=200)]
    assert matching.combine_adjacent(need, no_lift, {1: PARK}, adjacency) == []
    lift = [unit(1, area=Decimal(1600), lift_t=Decimal(3)), unit(2, area=Decimal(1600), level=2, lift_t=Decimal(3))]
    combos = matching.combine_adjacent(need, lift, {1: PARK}, adjacency)
    assert [m.label for m in combos] == ["U1 + U2"]
    assert "上下相邻单元组合（有货梯）" in combos[0].fits[-1]


@settings(max_examples=60, deadline=None)
@given(
    area=st.integers(min_value=100, max_value=20000),
    low=st.integers(min_value=100, max_value=20000),
    span=st.integers(min_value=0, max_value=5000),
)
def test_area_constraint_is_exactly_the_range(area, low, span):
    need = Need(area_min=Decimal(low), area_max=Decimal(low + span))
    inside = low <= area <= low + span
    assert matching.fits(need, unit(area=Decimal(area)), PARK) is inside


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=200, max_value=5000), min_size=1, max_size=30))
def test_score_is_bounded_and_ranking_sorted(areas):
    need = Need(area_min=Decimal(100), area_max=Decimal(6000), budget_rent=Decimal(20), tax_wan=Decimal(100))
    spaces = [unit(i, area=Decimal(a)) for i, a in enumerate(areas, start=1)]
    ranking = matching.rank(need, spaces, {1: PARK}, limit=10)
    scores = [m.score for m in ranking.matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)
    assert len(scores) == min(10, len(areas))
