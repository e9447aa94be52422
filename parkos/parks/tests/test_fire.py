"""GB 50016 fire-hazard rules (RULES §4 and the §11 vectors): classes, mixed uses, placement."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from parkos.parks.fire import (
    BuildingStructure,
    Exemption,
    FireHazardClass,
    FireResistanceGrade,
    Process,
    ProcessKind,
    ProcessShare,
    can_host,
    class_for_compartment,
    class_for_gas,
    class_for_liquid,
    derive_tenant_class,
    hazard_rank,
    most_hazardous,
    placement_blocks,
    required_min_grade,
    validate_design_class_placement,
)

D = Decimal
JIA, YI, BING, DING, WU = (
    FireHazardClass.JIA,
    FireHazardClass.YI,
    FireHazardClass.BING,
    FireHazardClass.DING,
    FireHazardClass.WU,
)
G1, G2, G3, G4 = (
    FireResistanceGrade.ONE,
    FireResistanceGrade.TWO,
    FireResistanceGrade.THREE,
    FireResistanceGrade.FOUR,
)
SINGLE, MULTI, HIGH = (
    BuildingStructure.SINGLE_STOREY_STEEL,
    BuildingStructure.MULTI_STOREY_FRAME,
    BuildingStructure.HIGH_RISE,
)


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


# --- Choices ---------------------------------------------------------------------------------------


def test_choices_values_and_labels() -> None:
    assert [(c.value, str(c.label)) for c in FireHazardClass] == [
        ("jia", "甲"),
        ("yi", "乙"),
        ("bing", "丙"),
        ("ding", "丁"),
        ("wu", "戊"),
    ]
    assert [(g.value, str(g.label)) for g in FireResistanceGrade] == [
        ("1", "一级"),
        ("2", "二级"),
        ("3", "三级"),
        ("4", "四级"),
    ]
    assert [(s.value, str(s.label)) for s in BuildingStructure] == [
        ("multi_storey_frame", "多层框架"),
        ("single_storey_steel", "单层钢结构"),
        ("high_rise", "高层"),
    ]


def test_hazard_order_runs_from_jia_to_wu() -> None:
    assert [hazard_rank(c) for c in (JIA, YI, BING, DING, WU)] == [0, 1, 2, 3, 4]
    assert most_hazardous([DING, BING, WU]) == BING


# --- Liquids and gases (表3.1.1, RULES §11) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("flash_point", "expected"),
    [
        (13, JIA),  # ethanol
        (-20, JIA),  # acetone
        (38, YI),  # kerosene
        (39, YI),  # glacial acetic acid
        (60, BING),  # boundary: "≥ 60" is 丙
        (160, BING),  # glycerol
        (D("27.9"), JIA),
        (28, YI),  # boundary: "28 ≤ fp < 60" is 乙
        (D("59.9"), YI),
        (12.5, JIA),  # floats are accepted for temperatures
    ],
)
def test_class_for_liquid(flash_point: Decimal | float, expected: FireHazardClass) -> None:
    assert class_for_liquid(flash_point) == expected


@pytest.mark.parametrize(
    ("lel", "expected"),
    [(4, JIA), (15, YI), (10, YI), (D("9.99"), JIA), (3, JIA)],  # H₂, NH₃, boundary, EO
)
def test_class_for_gas(lel: Decimal | int, expected: FireHazardClass) -> None:
    assert class_for_gas(lel) == expected


def test_negative_explosion_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        class_for_gas(-1)


# --- Mixed uses (§3.1.2) ---------------------------------------------------------------------------------


def test_paint_section_of_500_in_8000_in_a_ding_building_stays_ding() -> None:
    # RULES §4.2 worked example: foundry 7,500 m² + paint (fp 23 ℃) 500 m² behind a fire wall.
    decision = class_for_compartment(
        [
            ProcessShare(DING, D(7500), label="铸造"),
            ProcessShare(class_for_liquid(23), D(500), label="喷漆", is_paint=True, mitigated=True),
        ]
    )
    assert decision.hazard_class == DING
    assert decision.most_hazardous_class == JIA
    assert decision.exemptions == (Exemption.PAINT_SHARE,)
    assert decision.reason == (
        "丁类厂房内的油漆工段占6.25%，小于10%，且不会蔓延或已采取有效防火措施，按丁类确定（GB 50016 第3.1.2条第1款）"
    )


def test_unprotected_paint_section_makes_the_compartment_jia() -> None:
    decision = class_for_compartment([ProcessShare(DING, D(7500)), ProcessShare(JIA, D(500), is_paint=True)])
    assert decision.hazard_class == JIA
    assert not decision.exempted


def test_jia_4_percent_mitigated_in_bing_is_bing() -> None:
    decision = class_for_compartment([ProcessShare(JIA, D(4), mitigated=True), ProcessShare(BING, D(96))])
    assert decision.hazard_class == BING
    assert decision.exemptions == (Exemption.SMALL_SHARE,)
    assert "占4%，小于5%" in decision.reason


def test_jia_6_percent_is_jia() -> None:
    decision = class_for_compartment([ProcessShare(JIA, D(6), mitigated=True), ProcessShare(BING, D(94))])
    assert decision.hazard_class == JIA
    assert decision.reason == "按火灾危险性较大的部分确定为甲类（GB 50016 第3.1.2条）"


def test_small_share_needs_mitigation() -> None:
    decision = class_for_compartment([ProcessShare(JIA, D(4)), ProcessShare(BING, D(96))])
    assert decision.hazard_class == JIA


def test_five_percent_exactly_is_not_less_than_five_percent() -> None:
    decision = class_for_compartment([ProcessShare(JIA, D(5), mitigated=True), ProcessShare(BING, D(95))])
    assert decision.hazard_class == JIA


def test_paint_ten_percent_exactly_is_not_exempt() -> None:
    parts = [ProcessShare(JIA, D(10), is_paint=True, mitigated=True), ProcessShare(WU, D(90))]
    assert class_for_compartment(parts).hazard_class == JIA


def test_paint_share_rule_applies_only_in_ding_or_wu_compartments() -> None:
    parts = [ProcessShare(JIA, D(8), is_paint=True, mitigated=True), ProcessShare(BING, D(92))]
    assert class_for_compartment(parts).hazard_class == JIA


@pytest.mark.parametrize(("paint", "expected"), [(15, DING), (20, DING), (21, JIA)])
def test_enclosed_spraying_up_to_20_percent_in_ding(paint: int, expected: FireHazardClass) -> None:
    parts = [ProcessShare(JIA, D(paint), is_paint=True, enclosed_spraying=True), ProcessShare(DING, D(100 - paint))]
    decision = class_for_compartment(parts)
    assert decision.hazard_class == expected
    if expected == DING:
        assert decision.exemptions == (Exemption.ENCLOSED_SPRAYING,)
        assert "封闭负压喷漆" in decision.reason


def test_enclosed_spraying_does_not_help_in_a_bing_compartment() -> None:
    parts = [ProcessShare(JIA, D(15), is_paint=True, enclosed_spraying=True), ProcessShare(BING, D(85))]
    assert class_for_compartment(parts).hazard_class == JIA


def test_more_hazardous_parts_are_judged_together() -> None:
    # 甲 3 % + 乙 3 %: against 丙 the hazardous part is 6 % (no exemption); against 乙 it is 3 %.
    parts = [
        ProcessShare(JIA, D(3), mitigated=True),
        ProcessShare(YI, D(3), mitigated=True),
        ProcessShare(BING, D(94)),
    ]
    decision = class_for_compartment(parts)
    assert decision.hazard_class == YI
    assert decision.most_hazardous_class == JIA


def test_least_hazardous_qualifying_class_is_taken() -> None:
    parts = [ProcessShare(JIA, D(3), mitigated=True), ProcessShare(BING, D(10)), ProcessShare(WU, D(87))]
    assert class_for_compartment(parts).hazard_class == BING


def test_shares_are_measured_against_the_whole_compartment() -> None:
    parts = [ProcessShare(JIA, D(4), mitigated=True), ProcessShare(BING, D(46))]
    assert class_for_compartment(parts).hazard_class == JIA  # 8 % of the parts
    assert class_for_compartment(parts, total_area=D(100)).hazard_class == BING  # 4 % of the floor


def test_single_class_compartment() -> None:
    decision = class_for_compartment([ProcessShare(BING, D(1000))])
    assert decision.hazard_class == BING
    assert decision.reason == "全部为丙类生产"


@pytest.mark.parametrize(
    ("parts", "total", "message"),
    [
        ([], None, "at least one"),
        ([ProcessShare(BING, D(0))], None, "positive"),
        ([ProcessShare(BING, D(60)), ProcessShare(DING, D(60))], D(100), "more than"),
    ],
)
def test_compartment_input_is_checked(parts: list[ProcessShare], total: Decimal | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        class_for_compartment(parts, total_area=total)


def test_process_share_checks_its_fields() -> None:
    with pytest.raises(ValueError, match="negative"):
        ProcessShare(BING, D(-1))
    with pytest.raises(ValueError, match="paint"):
        ProcessShare(JIA, D(1), enclosed_spraying=True)


# --- Tenants' processes (§4.6) --------------------------------------------------------------------------


def test_api_synthesis_with_ethanol_is_jia() -> None:
    decision = derive_tenant_class([Process(ProcessKind.SOLVENT, flash_point_c=D(13), name="原料药合成（乙醇精制）")])
    assert decision.hazard_class == JIA
    assert decision.reasons == ("原料药合成（乙醇精制）：使用易燃或可燃液体，闪点13℃，属甲类（表3.1.1）",)


def test_eo_sterilisation_is_jia() -> None:
    decision = derive_tenant_class([Process(ProcessKind.ETHYLENE_OXIDE_STERILISATION)])
    assert decision.hazard_class == JIA
    assert "独立的单层建筑" in decision.reason


def test_device_assembly_is_wu() -> None:
    decision = derive_tenant_class([Process(ProcessKind.NON_COMBUSTIBLE_ASSEMBLY, name="医疗器械装配")])
    assert decision.hazard_class == WU
    assert decision.reason == "医疗器械装配：常温下加工或装配不燃材料，属戊类（表3.1.1）"


@pytest.mark.parametrize(
    ("process", "expected"),
    [
        (Process(ProcessKind.HYDROGENATION), JIA),
        (Process(ProcessKind.REACTIVE_SUBSTANCES), JIA),
        (Process(ProcessKind.FLAMMABLE_GAS, lel_percent=D(15)), YI),
        (Process(ProcessKind.FLAMMABLE_GAS, lel_percent=D(4)), JIA),
        (Process(ProcessKind.FLAMMABLE_GAS), JIA),  # no LEL given: the strict reading
        (Process(ProcessKind.SOLVENT), JIA),  # no flash point given: the strict reading
        (Process(ProcessKind.SOLVENT, flash_point_c=D(45)), YI),
        (Process(ProcessKind.OXIDISING_GAS), YI),
        (Process(ProcessKind.EXPLOSIVE_DUST), YI),
        (Process(ProcessKind.COMBUSTIBLE_SOLIDS), BING),  # TCM water extraction, biologics
        (Process(ProcessKind.HOT_WORK), DING),
        (Process(ProcessKind.FUEL_COMBUSTION), DING),
        (Process(ProcessKind.HARDLY_COMBUSTIBLE_PROCESSING), DING),
        (Process(ProcessKind.NON_COMBUSTIBLE_ASSEMBLY), WU),
    ],
)
def test_each_process_kind_maps_to_its_table_row(process: Process, expected: FireHazardClass) -> None:
    assert derive_tenant_class([process]).hazard_class == expected


def test_every_process_kind_is_classified() -> None:
    for kind in ProcessKind:
        assert derive_tenant_class([Process(kind)]).hazard_class in FireHazardClass


def test_small_ethanol_lab_in_an_oral_solids_plant_takes_bing() -> None:
    decision = derive_tenant_class(
        [
            Process(ProcessKind.SOLVENT, share=D("0.03"), flash_point_c=D(13), mitigated=True, name="质检实验室"),
            Process(ProcessKind.COMBUSTIBLE_SOLIDS, share=D("0.97"), name="口服固体制剂"),
        ]
    )
    assert decision.hazard_class == BING
    assert decision.most_hazardous_class == JIA
    assert decision.exemptions == (Exemption.SMALL_SHARE,)
    assert decision.reasons[0].startswith("质检实验室：")
    assert "占3%，小于5%" in decision.reasons[-1]


def test_shares_count_against_the_whole_tenant_area() -> None:
    # A 4 % solvent room and a 50 % plastics line: the undeclared rest still counts as floor area.
    decision = derive_tenant_class(
        [
            Process(ProcessKind.SOLVENT, share=D("0.04"), flash_point_c=D(13), mitigated=True),
            Process(ProcessKind.COMBUSTIBLE_SOLIDS, share=D("0.5")),
        ]
    )
    assert decision.hazard_class == BING


def test_small_quantity_of_solvent_is_classified_by_the_actual_situation() -> None:
    decision = derive_tenant_class(
        [Process(ProcessKind.SOLVENT, flash_point_c=D(13), small_quantity=True, name="研发实验室")]
    )
    assert decision.hazard_class == BING
    assert decision.exemptions == (Exemption.SMALL_QUANTITY,)
    assert "按实际情况确定为丙类" in decision.reason


def test_small_quantity_never_makes_a_process_more_hazardous() -> None:
    decision = derive_tenant_class([Process(ProcessKind.NON_COMBUSTIBLE_ASSEMBLY, small_quantity=True)])
    assert decision.hazard_class == WU
    assert not decision.exempted


def test_enclosed_paint_booth_in_a_device_assembly_plant() -> None:
    decision = derive_tenant_class(
        [
            Process(ProcessKind.PAINTING, share=D("0.15"), flash_point_c=D(23), enclosed_spraying=True),
            Process(ProcessKind.NON_COMBUSTIBLE_ASSEMBLY, share=D("0.85")),
        ]
    )
    assert decision.hazard_class == WU
    assert decision.exemptions == (Exemption.ENCLOSED_SPRAYING,)


def test_wet_granulation_with_ethanol_beyond_small_quantity_is_jia() -> None:
    decision = derive_tenant_class(
        [
            Process(ProcessKind.SOLVENT, share=D("0.2"), flash_point_c=D(13), name="乙醇湿法制粒"),
            Process(ProcessKind.COMBUSTIBLE_SOLIDS, share=D("0.8"), name="压片、包装"),
        ]
    )
    assert decision.hazard_class == JIA


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": ProcessKind.SOLVENT, "share": D(0)}, "面积占比"),
        ({"kind": ProcessKind.SOLVENT, "share": D("1.1")}, "面积占比"),
        ({"kind": ProcessKind.SOLVENT, "enclosed_spraying": True}, "油漆工段"),
    ],
)
def test_process_checks_its_fields(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Process(**kwargs)  # type: ignore[arg-type]


def test_tenant_declarations_are_checked() -> None:
    with pytest.raises(ValueError, match="至少申报一项"):
        derive_tenant_class([])
    with pytest.raises(ValueError, match="超过100%"):
        derive_tenant_class(
            [Process(ProcessKind.SOLVENT, share=D("0.6")), Process(ProcessKind.HOT_WORK, share=D("0.6"))]
        )


def test_processes_without_shares_may_each_use_the_whole_area() -> None:
    # Ref: #15 — two processes without shares were refused with an English sentence.
    decision = derive_tenant_class(
        [
            Process(ProcessKind.SOLVENT, flash_point_c=D(13), mitigated=True, name="清洗"),
            Process(ProcessKind.NON_COMBUSTIBLE_ASSEMBLY, name="装配"),
        ]
    )
    assert decision.hazard_class == JIA
    assert decision.exemptions == ()
    assert any("未申报面积占比" in reason for reason in decision.reasons)


def test_a_declared_small_share_still_exempts_beside_a_declared_rest() -> None:
    decision = derive_tenant_class(
        [
            Process(ProcessKind.SOLVENT, share=D("0.03"), flash_point_c=D(13), mitigated=True),
            Process(ProcessKind.COMBUSTIBLE_SOLIDS, share=D("0.97")),
        ]
    )
    assert decision.hazard_class == BING


# --- Compatibility and placement (§4.3–§4.5) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("space", "tenant", "expected"),
    [(BING, DING, True), (BING, JIA, False), (YI, YI, True), (JIA, WU, True), (WU, DING, False)],
)
def test_can_host(space: FireHazardClass, tenant: FireHazardClass, expected: bool) -> None:
    assert can_host(space, tenant) is expected


def test_can_host_matrix_follows_the_order() -> None:
    order = [JIA, YI, BING, DING, WU]
    for i, space in enumerate(order):
        for j, tenant in enumerate(order):
            assert can_host(space, tenant) is (j >= i)


def test_jia_tenant_in_a_bing_multi_storey_building_is_blocked_twice() -> None:
    blocks = placement_blocks(
        tenant_class=JIA,
        structure=MULTI,
        storeys=4,
        is_basement=False,
        fire_resistance_grade=G2,
        design_class=BING,
    )
    assert blocks == ["需甲类生产，该楼设计为丙类", "甲类生产不得设在多层或高层厂房"]


def test_jia_on_the_ground_floor_of_a_multi_storey_building_is_still_blocked() -> None:
    blocks = placement_blocks(tenant_class=JIA, structure=MULTI, storeys=4, is_basement=False, fire_resistance_grade=G1)
    assert blocks == ["甲类生产不得设在多层或高层厂房"]


def test_jia_in_a_single_storey_jia_building_is_allowed() -> None:
    blocks = placement_blocks(
        tenant_class=JIA, structure=SINGLE, storeys=1, is_basement=False, fire_resistance_grade=G2, design_class=JIA
    )
    assert blocks == []


def test_yi_below_ground_is_blocked() -> None:
    blocks = placement_blocks(tenant_class=YI, structure=MULTI, storeys=3, is_basement=True, fire_resistance_grade=G1)
    assert blocks == ["甲、乙类生产不得设在地下或半地下"]


def test_yi_in_a_grade_three_building_is_blocked() -> None:
    blocks = placement_blocks(tenant_class=YI, structure=MULTI, storeys=2, is_basement=False, fire_resistance_grade=G3)
    assert blocks == ["该楼耐火等级为三级，乙类生产要求不低于二级"]


def test_bing_above_two_storeys_needs_grade_two() -> None:
    blocks = placement_blocks(
        tenant_class=BING, structure=MULTI, storeys=4, is_basement=False, fire_resistance_grade=G3
    )
    assert blocks == ["该楼耐火等级为三级，丙类生产要求不低于二级"]


def test_bing_tenant_in_a_standard_bing_building_is_allowed() -> None:
    blocks = placement_blocks(
        tenant_class=BING,
        structure=MULTI,
        storeys=4,
        is_basement=False,
        fire_resistance_grade=G2,
        design_class=BING,
        area=D(3600),
    )
    assert blocks == []


def test_compartment_too_large_for_any_grade_is_reported() -> None:
    blocks = placement_blocks(
        tenant_class=YI, structure=HIGH, storeys=6, is_basement=False, fire_resistance_grade=G1, area=D(3500)
    )
    assert blocks == ["该楼的层数和防火分区面积不满足乙类生产的要求（GB 50016 表3.3.1）"]


def test_sprinklers_double_the_compartment_area() -> None:
    kwargs = {"tenant_class": YI, "structure": HIGH, "storeys": 6, "is_basement": False, "fire_resistance_grade": G1}
    assert placement_blocks(**kwargs, area=D(3500), sprinklered=True) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tenant", "structure", "storeys", "area", "options", "expected"),
    [
        (JIA, SINGLE, 1, None, {}, G2),
        (JIA, SINGLE, 1, D(250), {"detached": True}, G3),  # §3.2.2 small detached exception
        (JIA, SINGLE, 1, D(3500), {}, G1),  # 二级 allows 3,000 m², 一级 4,000 m²
        (JIA, HIGH, 6, None, {}, None),  # 甲 may not be high-rise at all
        (YI, MULTI, 4, D(3500), {}, G1),
        (YI, MULTI, 7, None, {}, G1),  # 乙 二级 allows at most 6 storeys
        (BING, SINGLE, 1, None, {}, G3),
        (BING, SINGLE, 1, D(3500), {}, G2),  # 丙 三级 single storey up to 3,000 m²
        (BING, SINGLE, 1, D(3500), {"sprinklered": True}, G3),
        (BING, SINGLE, 1, D(400), {"uses_combustible_liquid": True}, G3),
        (BING, SINGLE, 1, D(600), {"uses_combustible_liquid": True}, G2),
        (BING, MULTI, 2, None, {}, G3),
        (BING, MULTI, 4, None, {}, G2),  # 丙 三级 at most 2 storeys
        (BING, MULTI, 4, D(3600), {}, G2),  # the standard 丙类/二级 factory floor
        (BING, HIGH, 6, D(3500), {}, None),
        (BING, HIGH, 6, D(3500), {"sprinklered": True}, G2),
        (BING, MULTI, 1, D(400), {"is_basement": True}, G1),
        (BING, MULTI, 1, D(600), {"is_basement": True}, None),
        (DING, SINGLE, 1, None, {}, G4),
        (DING, SINGLE, 1, D(1200), {}, G3),  # 丁 四级 up to 1,000 m²
        (DING, SINGLE, 1, D(800), {"hot_work": True}, G3),
        (DING, SINGLE, 1, D(1200), {"hot_work": True}, G2),
        (DING, MULTI, 3, None, {}, G3),
        (DING, MULTI, 4, None, {}, G2),
        (WU, SINGLE, 1, D(1500), {}, G4),
        (WU, MULTI, 3, D(3000), {}, G3),
        (WU, HIGH, 6, D(5000), {}, G2),
        (WU, HIGH, 6, D(7000), {}, None),
        (WU, HIGH, 6, D(7000), {"sprinklered": True}, G2),
    ],
)
def test_required_min_grade(
    tenant: FireHazardClass,
    structure: BuildingStructure,
    storeys: int,
    area: Decimal | None,
    options: dict[str, bool],
    expected: FireResistanceGrade | None,
) -> None:
    assert required_min_grade(tenant, structure, storeys, area, **options) == expected


def test_required_min_grade_needs_a_storey() -> None:
    with pytest.raises(ValueError, match="storey"):
        required_min_grade(BING, MULTI, 0)


# --- Model validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("design", "structure", "basement", "code"),
    [
        (JIA, MULTI, True, "hazard_class_in_basement"),
        (YI, SINGLE, True, "hazard_class_in_basement"),
        (JIA, HIGH, False, "hazard_class_in_high_rise"),
    ],
)
def test_validate_design_class_placement_rejects(
    design: FireHazardClass, structure: BuildingStructure, basement: bool, code: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_design_class_placement(design, structure=structure, is_basement=basement)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    ("design", "structure", "basement"),
    [(JIA, SINGLE, False), (JIA, MULTI, False), (YI, HIGH, False), (BING, MULTI, True), (WU, HIGH, True)],
)
def test_validate_design_class_placement_accepts(
    design: FireHazardClass, structure: BuildingStructure, basement: bool
) -> None:
    validate_design_class_placement(design, structure=structure, is_basement=basement)


def test_validation_error_can_name_the_field() -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_design_class_placement(JIA, structure=HIGH, is_basement=False, field="design_fire_class")
    assert excinfo.value.message_dict == {"design_fire_class": ["甲类生产不得设在高层厂房"]}
