"""Validation rules of the inventory, with their messages in Chinese."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from parkos.parks.choices import BuildingStructure, FireHazardClass, Occupancy, SpaceStatus
from parkos.parks.models import Building, Floor, Unit
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, ParkFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _messages(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


def test_jia_class_is_refused_in_a_high_rise():
    building = Building(
        park=ParkFactory(),
        code="H1",
        structure=BuildingStructure.HIGH_RISE,
        storeys=8,
        design_fire_class=FireHazardClass.JIA,
    )
    with pytest.raises(ValidationError) as exc:
        building.full_clean()
    assert "甲类生产不得设在高层厂房" in _messages(exc.value)


def test_jia_and_yi_are_refused_in_a_basement():
    building = BuildingFactory(basement_storeys=1)
    floor = Floor(
        building=building,
        level=-1,
        area_sqm=Decimal(1000),
        floor_load_kn_m2=Decimal(10),
        clear_height_m=Decimal("4.5"),
        design_fire_class=FireHazardClass.YI,
    )
    with pytest.raises(ValidationError) as exc:
        floor.full_clean()
    assert "甲、乙类生产不得设在地下或半地下" in _messages(exc.value)


def test_single_storey_steel_must_have_one_storey():
    building = Building(park=ParkFactory(), code="S1", structure=BuildingStructure.SINGLE_STOREY_STEEL, storeys=2)
    with pytest.raises(ValidationError) as exc:
        building.full_clean()
    assert "单层钢结构厂房的地上层数应为1" in _messages(exc.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("floor_load_kn_m2", Decimal("0.5"), "楼面荷载应在1.5–100 kN/m²之间"),
        ("floor_load_kn_m2", Decimal(500), "楼面荷载应在1.5–100 kN/m²之间"),
        ("clear_height_m", Decimal("1.5"), "净高应在2.2–40 m之间"),
        ("area_sqm", Decimal(0), "建筑面积必须大于0"),
    ],
)
def test_floor_ranges(field, value, message):
    floor = FloorFactory.build(building=BuildingFactory(), level=2, **{field: value})
    with pytest.raises(ValidationError) as exc:
        floor.full_clean()
    assert message in _messages(exc.value)


def test_floor_level_must_exist_in_building():
    floor = FloorFactory.build(building=BuildingFactory(storeys=3), level=5)
    with pytest.raises(ValidationError) as exc:
        floor.full_clean()
    assert "楼层超出楼栋的地上层数（3层）" in _messages(exc.value)


def test_unit_area_cannot_exceed_its_floor():
    floor = FloorFactory(area_sqm=Decimal(1500))
    unit = UnitFactory.build(floor=floor, building=floor.building, park=floor.building.park, area_sqm=Decimal(1600))
    with pytest.raises(ValidationError) as exc:
        unit.full_clean()
    assert "超过所在楼层面积" in _messages(exc.value)


def test_status_is_derived_for_any_date():
    unit = UnitFactory()
    today = timezone.localdate()
    assert unit.status == SpaceStatus.AVAILABLE
    unit.reserved_until = today + timedelta(days=10)
    assert unit.status_on(today) == SpaceStatus.RESERVED
    assert unit.status_on(today + timedelta(days=11)) == SpaceStatus.AVAILABLE
    unit.occupancy, unit.occupied_from, unit.occupied_until = Occupancy.LEASED, today, today + timedelta(days=365)
    assert unit.status_on(today) == SpaceStatus.LEASED
    assert unit.status_on(today - timedelta(days=1)) == SpaceStatus.RESERVED
    assert unit.status_on(today + timedelta(days=400)) == SpaceStatus.AVAILABLE
    unit.lettable = False
    assert unit.status_on(today) == SpaceStatus.NOT_LETTABLE


def test_sql_status_matches_python_status():
    today = timezone.localdate()
    units = [
        UnitFactory(),
        UnitFactory(reserved_until=today + timedelta(days=3)),
        UnitFactory(occupancy=Occupancy.SOLD, occupied_from=today - timedelta(days=3)),
        UnitFactory(
            occupancy=Occupancy.LEASED,
            occupied_from=today + timedelta(days=30),
            occupied_until=today + timedelta(days=400),
        ),
        UnitFactory(lettable=False),
    ]
    annotated = {u.pk: u.status_now for u in Unit.objects.with_status(today)}
    for unit in units:
        assert annotated[unit.pk] == unit.status_on(today).value
    assert [u.status_on(today) for u in units] == [
        SpaceStatus.AVAILABLE,
        SpaceStatus.RESERVED,
        SpaceStatus.SOLD,
        SpaceStatus.AVAILABLE,
        SpaceStatus.NOT_LETTABLE,
    ]


def test_park_policy_codes_are_validated_and_normalised():
    park = ParkFactory.build(code="X-1", welcomed_industry_codes=["C2710", "358", "27"])
    park.full_clean()
    assert park.welcomed_industry_codes == ["27", "2710", "358"]
    park.welcomed_industry_codes = ["F2710"]
    with pytest.raises(ValidationError) as exc:
        park.full_clean()
    assert "门类字母与大类不符" in _messages(exc.value)
