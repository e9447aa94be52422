"""The demo portfolio: determinism, the flagship's facts, scale, and RULES §4/§8 invariants."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation

from parkos.core.units import format_mu, sqm_to_mu
from parkos.parks.demo_portfolio import (
    CITIES,
    DEFAULT_SEED,
    FLAGSHIP_CODE,
    MULTI_STOREY_MAX_HEIGHT_M,
    BuildingSpec,
    ParkSpec,
    Portfolio,
    flagship_park,
    generate_portfolio,
)
from parkos.parks.fire import (
    BuildingStructure,
    FireHazardClass,
    FireResistanceGrade,
    can_host,
    placement_blocks,
    validate_design_class_placement,
)

D = Decimal
SINGLE = BuildingStructure.SINGLE_STOREY_STEEL
MULTI = BuildingStructure.MULTI_STOREY_FRAME
HIGH = BuildingStructure.HIGH_RISE


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


@pytest.fixture(scope="module")
def full() -> Portfolio:
    return generate_portfolio("full")


@pytest.fixture(scope="module")
def demo() -> Portfolio:
    return generate_portfolio("demo")


@pytest.fixture(scope="module")
def flagship() -> ParkSpec:
    return flagship_park()


def _buildings(portfolio: Portfolio) -> Iterator[tuple[ParkSpec, BuildingSpec]]:
    for park in portfolio.parks:
        for building in park.buildings:
            yield park, building


# --- Determinism ----------------------------------------------------------------------------------------


def test_same_seed_gives_the_same_portfolio(full: Portfolio) -> None:
    assert generate_portfolio("full", DEFAULT_SEED) == full
    assert generate_portfolio("demo") == generate_portfolio("demo", DEFAULT_SEED)


def test_another_seed_gives_another_portfolio(full: Portfolio) -> None:
    other = generate_portfolio("full", seed=7)
    assert other != full
    assert other.parks[0] == full.parks[0]  # the flagship does not depend on the seed


def test_demo_parks_are_the_same_parks_as_in_the_full_portfolio(demo: Portfolio, full: Portfolio) -> None:
    for park in demo.parks:
        assert full.park(park.code) == park


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        generate_portfolio("huge")  # type: ignore[arg-type]


# --- The flagship ----------------------------------------------------------------------------------------


def test_flagship_identity(flagship: ParkSpec) -> None:
    assert flagship.code == FLAGSHIP_CODE == "CQ-BIO-01"
    assert flagship.name == "重庆国际生物城"
    assert (flagship.province, flagship.city, flagship.district) == ("重庆市", "重庆市", "巴南区")
    assert flagship.is_flagship


def test_flagship_has_136_mu_of_land(flagship: ParkSpec) -> None:
    assert flagship.land_area_sqm == D("90666.67")
    assert format_mu(flagship.land_area_sqm) == "136.00 亩"


def test_flagship_multi_storey_buildings_are_bing_grade_two(flagship: ParkSpec) -> None:
    frames = [b for b in flagship.buildings if b.structure == MULTI and not b.cleanroom_ready]
    assert len(frames) >= 3
    for building in frames:
        assert building.design_fire_class == FireHazardClass.BING
        assert building.fire_resistance_grade == FireResistanceGrade.TWO
        assert building.storeys >= 4
        assert building.height_m <= MULTI_STOREY_MAX_HEIGHT_M
        assert building.column_grid in ("8.4×8.4", "9×12")
        assert building.freight_lift_t == D(3)
        ground, *upper = building.floors
        assert D(12) <= ground.floor_load_kn_m2 <= D(15)
        assert D(6) <= ground.clear_height_m <= D(8)
        for floor in upper:
            assert D(5) <= floor.floor_load_kn_m2 <= D(8)
            assert D("4.5") <= floor.clear_height_m <= D(6)


def test_flagship_has_a_single_storey_steel_building_with_a_crane(flagship: ParkSpec) -> None:
    (shed,) = [b for b in flagship.buildings if b.structure == SINGLE]
    assert shed.design_fire_class in (FireHazardClass.DING, FireHazardClass.BING)
    assert shed.fire_resistance_grade == FireResistanceGrade.TWO
    assert shed.crane_t == D(10)
    (floor,) = shed.floors
    assert D(9) <= floor.clear_height_m <= D(12)
    assert floor.floor_load_kn_m2 == D(30)
    assert all(unit.crane_t == D(10) for unit in floor.units)


def test_flagship_has_a_gmp_clean_room_ready_building(flagship: ParkSpec) -> None:
    clean = [b for b in flagship.buildings if b.cleanroom_ready]
    assert len(clean) == 1
    grades = {unit.cleanroom_grade for unit in clean[0].units}
    assert grades == {"D", "C"}
    assert all(unit.wastewater_pretreatment for unit in clean[0].units)


def test_flagship_has_a_large_unit_on_a_strong_high_floor(flagship: ParkSpec) -> None:
    matches = [
        unit
        for _, floor, unit in flagship.iter_units()
        if D(2000) <= unit.area_sqm <= D(3000)
        and floor.floor_load_kn_m2 >= D(8)
        and floor.clear_height_m >= D(6)
        and can_host(unit.design_fire_class, FireHazardClass.BING)
    ]
    assert [unit.code for unit in matches] == ["A1-101"]


def test_flagship_policy(flagship: ParkSpec) -> None:
    assert {"27", "2710", "2720", "2761", "2762", "2770", "358", "7340"} <= set(flagship.welcomed_industry_codes)
    assert {f"358{d}" for d in "1234567"} | {"3589"} <= set(flagship.welcomed_industry_codes)
    assert flagship.min_tax_wan_per_mu_year == D(30)
    assert flagship.min_investment_wan_per_mu == D(300)
    assert (flagship.rent_min_yuan_per_sqm_month, flagship.rent_max_yuan_per_sqm_month) == (D(18), D(28))
    for _, _, unit in flagship.iter_units():
        assert D(18) <= unit.rent_yuan_per_sqm_month <= D(28)


def test_flagship_has_industrial_parcels_available(flagship: ParkSpec) -> None:
    available = [p for p in flagship.parcels if p.status == "available"]
    assert len(available) >= 2
    for parcel in available:
        assert parcel.land_use.startswith("industrial_")
        assert D(1) <= parcel.plot_ratio_min < parcel.plot_ratio_max <= D(3)


def test_flagship_unit_sizes_are_mixed(flagship: ParkSpec) -> None:
    areas = [unit.area_sqm for _, _, unit in flagship.iter_units()]
    assert min(areas) < D(800)
    assert max(areas) > D(2000)


# --- Scale --------------------------------------------------------------------------------------------


def test_demo_scale(demo: Portfolio) -> None:
    assert demo.parks[0].code == FLAGSHIP_CODE
    assert len(demo.parks) == 12
    assert len(demo.cities) == 8
    assert 1500 <= demo.unit_count <= 4000


def test_full_scale_has_95_parks_in_55_cities(full: Portfolio) -> None:
    assert len(full.parks) == 95
    assert len(full.cities) == 55
    assert len(CITIES) == 55


def test_full_scale_has_about_20000_units(full: Portfolio) -> None:
    assert 18_000 <= full.unit_count <= 22_000


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unit_count_is_stable_across_seeds(seed: int) -> None:
    assert 18_000 <= generate_portfolio("full", seed).unit_count <= 22_000


# --- Natural keys ----------------------------------------------------------------------------------------


def test_natural_keys_are_unique(full: Portfolio) -> None:
    parks = Counter(park.code for park in full.parks)
    assert max(parks.values()) == 1
    assert max(Counter(park.name for park in full.parks).values()) == 1
    for park in full.parks:
        assert max(Counter(b.code for b in park.buildings).values()) == 1
        assert max(Counter(p.code for p in park.parcels).values()) == 1
        assert max(Counter(unit.code for _, _, unit in park.iter_units()).values()) == 1


def test_codes_follow_the_conventions(full: Portfolio) -> None:
    city_codes = {city.name: city.code for city in CITIES}
    for park in full.parks:
        assert re.fullmatch(r"[A-Z]{2,3}-(BIO|MED|MFG|TEC)-\d{2}", park.code)
        assert park.code.split("-")[0] == city_codes[park.city]
        for building in park.buildings:
            assert re.fullmatch(r"[A-Z]\d", building.code)
            for floor in building.floors:
                for index, unit in enumerate(floor.units, start=1):
                    assert unit.code == f"{building.code}-{floor.level}{index:02d}"


# --- Realism: places, names, prices --------------------------------------------------------------------------


def test_parks_sit_in_real_districts_of_their_cities(full: Portfolio) -> None:
    districts = {city.name: city.districts for city in CITIES}
    provinces = {city.name: city.province for city in CITIES}
    for park in full.parks:
        assert park.district in districts[park.city]
        assert park.province == provinces[park.city]
        assert park.address.startswith(f"{park.province}{park.city}" if park.province != park.city else park.city)


def test_park_names_read_like_chinese_park_names(full: Portfolio) -> None:
    for park in full.parks[1:]:
        assert park.name.endswith(("园", "城", "谷", "港")), park.name
        assert re.fullmatch(r"[\u4e00-\u9fff]+", park.name), park.name


def test_land_areas(full: Portfolio) -> None:
    for park in full.parks:
        assert D(50) <= sqm_to_mu(park.land_area_sqm) <= D(600)
        parcels = sum((p.area_sqm for p in park.parcels), D(0))
        footprints = sum((b.footprint_sqm for b in park.buildings), D(0))
        developed = park.land_area_sqm - parcels
        # 建筑系数 ≥ 30 % of the developed land, and buildings leave room for roads and green.
        assert D("0.3") * developed <= footprints <= D("0.65") * developed, park.code


def test_rents_and_sale_prices(full: Portfolio) -> None:
    for park in full.parks:
        assert D(8) <= park.rent_min_yuan_per_sqm_month < park.rent_max_yuan_per_sqm_month <= D(42)
        for building, _, unit in park.iter_units():
            assert park.rent_min_yuan_per_sqm_month <= unit.rent_yuan_per_sqm_month <= park.rent_max_yuan_per_sqm_month
            if unit.sale_price_yuan_per_sqm is None:
                continue
            assert park.sale_allowed
            assert building.for_sale
            assert park.sale_price_min_yuan_per_sqm is not None
            assert park.sale_price_max_yuan_per_sqm is not None
            assert D(3000) <= park.sale_price_min_yuan_per_sqm <= unit.sale_price_yuan_per_sqm
            assert unit.sale_price_yuan_per_sqm <= park.sale_price_max_yuan_per_sqm <= D(8000)
    assert any(park.sale_allowed for park in full.parks)
    assert not all(park.sale_allowed for park in full.parks)


def test_rents_follow_city_tiers(full: Portfolio) -> None:
    by_tier: dict[int, list[Decimal]] = {}
    for park in full.parks:
        by_tier.setdefault(park.city_tier, []).append(park.rent_max_yuan_per_sqm_month)
    means = [sum(rents) / len(rents) for _, rents in sorted(by_tier.items())]
    assert means == sorted(means, reverse=True)


def test_policies(full: Portfolio) -> None:
    for park in full.parks:
        assert park.welcomed_industry_codes
        assert all(re.fullmatch(r"\d{2,4}", code) for code in park.welcomed_industry_codes)
        assert D(10) <= park.min_tax_wan_per_mu_year <= D(80)
        assert D(150) <= park.min_investment_wan_per_mu <= D(800)
        assert park.parcels[0].status == "available"


# --- Buildings, floors, units (RULES §8) --------------------------------------------------------------------


def test_unit_areas_never_exceed_their_floor(full: Portfolio) -> None:
    for _, building in _buildings(full):
        for floor in building.floors:
            assert floor.units
            assert floor.lettable_sqm <= floor.area_sqm
            for unit in floor.units:
                assert D(300) <= unit.area_sqm <= D(3000)
                assert unit.area_sqm == unit.area_sqm.quantize(D("0.01"))


def test_floors_are_numbered_from_one_to_the_storeys(full: Portfolio) -> None:
    for _, building in _buildings(full):
        assert [floor.level for floor in building.floors] == list(range(1, building.storeys + 1))


def test_multi_storey_specs_are_within_rules_ranges(full: Portfolio) -> None:
    for _, building in _buildings(full):
        if building.structure == SINGLE:
            continue
        assert building.crane_t is None
        assert building.freight_lift_t is not None
        assert D(2) <= building.freight_lift_t <= D(5)
        assert all(D(8) <= dim <= D(12) for dim in building.column_grid_m)
        for floor in building.floors:
            if floor.level == 1:
                assert D(10) <= floor.floor_load_kn_m2 <= D(30)
                assert D(6) <= floor.clear_height_m <= D(8)
            else:
                low, high = (D(8), D(10)) if floor.level == 2 else (D(5), D(8))
                assert low <= floor.floor_load_kn_m2 <= high
                assert D("4.5") <= floor.clear_height_m <= D(6)


def test_multi_storey_buildings_stay_within_24_m_and_high_rises_exceed_it(full: Portfolio) -> None:
    for _, building in _buildings(full):
        if building.structure == MULTI:
            assert 2 <= building.storeys <= 6
            assert building.height_m <= MULTI_STOREY_MAX_HEIGHT_M
        elif building.structure == HIGH:
            assert building.storeys >= 2
            assert building.height_m > MULTI_STOREY_MAX_HEIGHT_M


def test_single_storey_specs_are_within_rules_ranges(full: Portfolio) -> None:
    for _, building in _buildings(full):
        if building.structure != SINGLE:
            continue
        (floor,) = building.floors
        assert building.storeys == 1
        assert building.freight_lift_t is None
        assert D(20) <= floor.floor_load_kn_m2 <= D(50)
        assert D(8) <= floor.clear_height_m <= D(12)
        span, bay = building.column_grid_m
        assert D(18) <= span <= D(36)
        assert D(6) <= bay <= D(9)
        if building.crane_t is not None:
            assert D(5) <= building.crane_t <= D(20)


def test_units_carry_their_building_facts(full: Portfolio) -> None:
    for _, building in _buildings(full):
        for unit in building.units:
            assert unit.design_fire_class == building.design_fire_class
            assert unit.crane_t == building.crane_t
            assert unit.freight_lift_t == building.freight_lift_t
            assert unit.cleanroom_ready == building.cleanroom_ready
            assert unit.power_kva >= 30


def test_every_building_satisfies_the_fire_rules_for_its_own_design_class(full: Portfolio) -> None:
    for park, building in _buildings(full):
        validate_design_class_placement(building.design_fire_class, structure=building.structure, is_basement=False)
        blocks = placement_blocks(
            tenant_class=building.design_fire_class,
            structure=building.structure,
            storeys=building.storeys,
            is_basement=False,
            fire_resistance_grade=building.fire_resistance_grade,
            design_class=building.design_fire_class,
            area=building.footprint_sqm,
            sprinklered=building.sprinklered,
        )
        assert blocks == [], (park.code, building.code, blocks)


def test_building_mix_is_varied(full: Portfolio) -> None:
    structures = Counter(building.structure for _, building in _buildings(full))
    assert structures[MULTI] > structures[SINGLE] > structures[HIGH] > 0
    assert sum(1 for _, b in _buildings(full) if b.cleanroom_ready) >= 20
    classes = Counter(building.design_fire_class for _, building in _buildings(full))
    assert set(classes) == {FireHazardClass.BING, FireHazardClass.DING}
