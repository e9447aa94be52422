"""The constraints prospects state (#15): space type, storage and cold store, floors, GMP grades,
cross-grain industry policy, rejected candidates with reasons, nearest-candidate hints, the
explained score and tax per 亩 on apportioned land."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parkos.investment import matching, services
from parkos.investment.matching import Constraint, Need, ParkInfo, Space
from parkos.parks.choices import CleanroomGrade, cleanroom_grade_from_text

PARK = ParkInfo(id=1, name="A园", city="重庆市", welcomed=("27", "358"), min_tax_wan_per_mu=Decimal(30))
OPEN_PARK = ParkInfo(id=2, name="B园", city="成都市")


def unit(pk=1, **kw):
    base = {
        "kind": "unit", "id": pk, "park_id": 1, "code": f"U{pk}", "area": Decimal(2000), "design_class": "bing",
        "rent": Decimal(22), "building_id": 10, "building_code": "A1", "floor_id": 100, "level": 1,
        "structure": "multi_storey_frame", "storeys": 4, "grade": "2", "floor_load": Decimal(12),
        "clear_height": Decimal(6), "power": 400,
    }  # fmt: skip
    base.update(kw)
    return Space(**base)


# --- space type ----------------------------------------------------------------------------------


def test_a_lab_need_is_served_by_a_lab_or_a_factory_floor_but_not_an_office():
    need = Need(space_kind="lab")
    assert matching.fits(need, unit(space_type="lab"), OPEN_PARK)
    assert matching.fits(need, unit(space_type="factory"), OPEN_PARK)
    assert matching.hard_failures(need, unit(space_type="office"), OPEN_PARK) == [Constraint.SPACE_TYPE]
    assert matching.failure_reasons(need, unit(space_type="office"), OPEN_PARK) == ["空间类型为办公，需求为研发实验"]


def test_a_warehouse_need_is_not_served_by_a_factory():
    need = Need(space_kind="warehouse")
    assert matching.hard_failures(need, unit(), OPEN_PARK) == [Constraint.SPACE_TYPE]
    assert matching.fits(need, unit(space_type="warehouse"), OPEN_PARK)


# --- storage class (GB 50016 表3.1.3) and cold store ---------------------------------------------------


def test_storage_class_of_goods_against_the_warehouse_design():
    need = Need(space_kind="warehouse", storage_class="yi")  # 乙: kerosene, glacial acetic acid
    assert matching.hard_failures(need, unit(space_type="warehouse", storage_class="bing"), OPEN_PARK) == [
        Constraint.STORAGE
    ]
    assert matching.fits(need, unit(space_type="warehouse", storage_class="yi"), OPEN_PARK)
    assert matching.fits(need, unit(space_type="warehouse", storage_class="jia"), OPEN_PARK)
    reasons = matching.failure_reasons(need, unit(space_type="warehouse", storage_class="bing"), OPEN_PARK)
    assert reasons == ["仓库按丙类储存设计，需储存乙类物品（GB 50016 表3.1.3）"]


def test_storage_need_is_refused_by_a_space_that_is_no_warehouse():
    need = Need(space_kind="warehouse", storage_class="bing")
    assert Constraint.STORAGE in matching.hard_failures(need, unit(space_type="warehouse"), OPEN_PARK)


def test_cold_store_must_reach_the_temperature():
    need = Need(space_kind="cold_storage", cold_temp=Decimal(-18))
    assert matching.fits(need, unit(space_type="cold_storage", cold_min=Decimal(-25)), OPEN_PARK)
    assert matching.hard_failures(need, unit(space_type="cold_storage", cold_min=Decimal(-10)), OPEN_PARK) == [
        Constraint.COLD
    ]
    assert "冷库最低-10℃，达不到需求-18℃" in matching.failure_reasons(
        need, unit(space_type="cold_storage", cold_min=Decimal(-10)), OPEN_PARK
    )


# --- floors --------------------------------------------------------------------------------------------


def test_ground_floor_only():
    need = Need(floor_preference="ground")
    assert matching.fits(need, unit(level=1), OPEN_PARK)
    assert matching.hard_failures(need, unit(level=2), OPEN_PARK) == [Constraint.FLOOR]
    assert matching.failure_reasons(need, unit(level=2), OPEN_PARK) == ["位于2层，需求仅限首层"]


def test_top_floor_only_counts_a_unit_spanning_up_to_the_roof():
    need = Need(floor_preference="top")
    assert matching.fits(need, unit(level=4), OPEN_PARK)
    assert matching.fits(need, unit(level=3, top_level=4), OPEN_PARK)
    assert matching.hard_failures(need, unit(level=3), OPEN_PARK) == [Constraint.FLOOR]


def test_lowest_floor_is_a_preference_that_ranks_lower_floors_first():
    need = Need(floor_preference="lowest")
    ranking = matching.rank(need, [unit(3, level=3), unit(1, level=1), unit(2, level=2)], {1: OPEN_PARK})
    assert [m.spaces[0].id for m in ranking.matches] == [1, 2, 3]
    assert ranking.matches[0].score == 100


# --- GMP grades (RULES §7.4) ----------------------------------------------------------------------------


def test_gmp_grades_are_named_with_the_iso_class():
    assert CleanroomGrade.D.label == "D级（十万级，ISO 8）"
    assert CleanroomGrade.C.label == "C级（万级，ISO 7）"
    assert CleanroomGrade.B.label == "B级（百级，ISO 5）"
    assert CleanroomGrade.A.label == "A级（百级，ISO 5）"


@pytest.mark.parametrize(
    ("typed", "grade"),
    [("10万级", "D"), ("十万级", "D"), ("万级", "C"), ("百级", "B"), ("三十万级", "D"), ("C级", "C"), ("ISO 7", "C"),
     ("Ｄ级", "D"), ("C级（万级，ISO 7）", "C"), ("无", "")],
)  # fmt: skip
def test_typed_grade_names_are_accepted(typed, grade):
    assert cleanroom_grade_from_text(typed) == grade


def test_unknown_grade_name_is_refused():
    with pytest.raises(ValueError, match="千级"):
        cleanroom_grade_from_text("千级")


def test_a_ten_thousand_class_need_is_met_by_c_not_d():
    need = Need(cleanroom=cleanroom_grade_from_text("万级"))
    assert matching.fits(need, unit(cleanroom="C"), OPEN_PARK)
    assert matching.failure_reasons(need, unit(cleanroom="D"), OPEN_PARK) == [
        "需C级（万级，ISO 7）洁净车间，该单元为D级（十万级，ISO 8）"
    ]


# --- industry policy across grains ---------------------------------------------------------------------


def test_a_broader_lead_code_may_fit_a_narrower_policy_and_is_flagged():
    need = Need(industry_code="35")  # 专用设备制造业 against a policy of 358
    assert matching.fits(need, unit(), PARK)
    match = matching.rank(need, [unit()], {1: PARK}).matches[0]
    assert match.policy_maybe
    assert any("可能符合园区产业政策" in m and "C358 医疗仪器设备及器械制造" in m for m in match.misfits)


def test_a_narrower_code_matches_a_broader_policy_and_an_unrelated_one_is_excluded():
    assert not matching.rank(Need(industry_code="3581"), [unit()], {1: PARK}).matches[0].policy_maybe
    assert matching.hard_failures(Need(industry_code="3311"), unit(), PARK) == [Constraint.POLICY]
    reasons = matching.failure_reasons(Need(industry_code="3311"), unit(), PARK)
    assert reasons == ["A园产业政策不含该行业（C3311 金属结构制造）"]


def test_a_section_coded_lead_may_fit_a_policy_of_divisions():
    assert matching.park_policy_fit(PARK, "C") == "maybe"
    assert matching.park_policy_fit(PARK, "Q") == "no"


# --- rejected candidates and the nearest ones ---------------------------------------------------------


def test_rejections_list_every_failed_constraint_in_chinese():
    need = Need(area_min=Decimal(2500), min_load=Decimal(15), cleanroom="C")
    rejected = matching.reject(need, [unit(1), unit(2, area=Decimal(3000), cleanroom="C", floor_load=Decimal(20))],
                               {1: OPEN_PARK})  # fmt: skip
    assert len(rejected) == 1
    assert rejected[0].constraints == (Constraint.AREA, Constraint.LOAD, Constraint.CLEANROOM)
    assert rejected[0].reasons == (
        "面积2,000 m²，不在需求范围内",
        "楼面荷载12 kN/m²，低于需求15 kN/m²",
        "需C级（万级，ISO 7）洁净车间，该单元为无洁净",
    )


def test_unavailable_candidates_are_rejected_with_the_date_they_free_up():
    space = unit(1, free_from=datetime.date(2027, 3, 1))
    rejected = matching.reject(Need(), [space], {1: OPEN_PARK}, unavailable=frozenset({("unit", 1)}))
    assert rejected[0].constraints == (Constraint.AVAILABILITY,)
    assert rejected[0].reasons == ("2027-03-01起可交付",)
    hints = matching.nearest_hints(rejected, Need())
    assert hints == ["入驻日期推迟至 2027-03-01，可选 U1（B园）"]


def test_nearest_hint_names_what_would_have_to_change():
    need = Need(area_min=Decimal(2000), area_max=Decimal(3000))
    spaces = [unit(202, code="A3-202", area=Decimal(1800)), unit(101, code="A3-101", area=Decimal(900))]
    hints = matching.nearest_hints(matching.reject(need, spaces, {1: OPEN_PARK}), need)
    assert hints[0] == "面积下限放宽至 1,800 m²，可选 A3-202（B园）"
    assert len(hints) == 2


def test_a_lower_clean_grade_is_proposed_before_no_clean_room():
    need = Need(cleanroom="C")
    spaces = [unit(1, code="A1-101"), unit(2, code="C1-102", cleanroom="D")]
    hints = matching.nearest_hints(matching.reject(need, spaces, {1: OPEN_PARK}), need)
    assert hints[0] == "洁净要求降至D级（十万级，ISO 8），可选 C1-102（B园）"


def test_fire_safety_is_never_proposed_as_a_relaxation():
    need = Need(tenant_class="jia")
    assert matching.nearest_hints(matching.reject(need, [unit()], {1: OPEN_PARK}), need) == []


# --- the explained score --------------------------------------------------------------------------------


def test_a_requirement_that_leaves_budget_and_location_blank_is_scored_on_what_it_states():
    # Ref: #15 — a perfect fit must not read 61/100.
    need = Need(area_min=Decimal(1800), area_max=Decimal(2200))
    match = matching.rank(need, [unit()], {1: OPEN_PARK}).matches[0]
    assert match.score == 100
    assert [(p.key, p.weight, p.points) for p in match.parts] == [("area", 100.0, 100.0)]


def test_score_parts_add_up_to_the_score():
    need = Need(area_min=Decimal(1800), area_max=Decimal(2200), budget_rent=Decimal(20), park_ids=frozenset({1}))
    match = matching.rank(need, [unit(rent=Decimal(22))], {1: OPEN_PARK}).matches[0]
    assert {p.key for p in match.parts} == {"area", "price", "location"}
    assert abs(sum(p.points for p in match.parts) - match.score) < 0.2
    assert 0 < match.score < 100


def test_nothing_stated_scores_every_fit_100():
    assert matching.score(Need(), (unit(),), OPEN_PARK) == 100


# --- tax per 亩 on apportioned land ------------------------------------------------------------------------


def test_tax_per_mu_uses_the_land_apportioned_to_a_unit():
    # 2,000 m² on the 3rd floor of a 4-storey building: 500 m² of land = 0.75 亩; 30 万元 → 40 万元/亩.
    need = Need(tax_wan=Decimal(30))
    stacked = unit(land_sqm=500.0)
    assert matching.threshold_flags(need, (stacked,), PARK) == []
    assert round(matching.land_mu(need, (stacked,)), 2) == 0.75
    # Counted on its own floor area it would read 10 万元/亩 and be flagged.
    assert matching.threshold_flags(need, (unit(),), PARK) == ["预计亩均税收10万元/亩，低于A园门槛30万元/亩"]


def test_threshold_flags_convert_the_magnitude_in_english():
    with translation.override("en"):
        assert matching.threshold_flags(Need(tax_wan=Decimal(30)), (unit(),), PARK) == [
            "Expected tax per mu CNY 100,000/mu is below the A园 threshold of CNY 300,000/mu"
        ]


def test_processes_without_shares_may_use_the_whole_area_and_errors_read_in_chinese():
    fire_class, reasons = services.derive_fire_class(
        [{"kind": "solvent", "flash_point_c": "13"}, {"kind": "combustible_solids"}]
    )
    assert fire_class == "jia"
    assert any("未申报面积占比" in r for r in reasons)
    with pytest.raises(ValidationError) as excinfo:
        services.derive_fire_class(
            [{"kind": "solvent", "share": "0.7", "flash_point_c": "13"}, {"kind": "combustible_solids", "share": "0.6"}]
        )
    message = excinfo.value.message_dict["processes"][0]
    assert message == "工艺申报有误：各工艺面积占比之和超过100%"
