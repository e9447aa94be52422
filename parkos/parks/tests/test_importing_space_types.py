"""#15 in the parks import: space type, storage class, cold store, GMP grades as typed, adjacency as data."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from parkos.parks.choices import CleanroomGrade, FireHazardClass, SpaceType
from parkos.parks.importing import import_inventory, inventory_workbook
from parkos.parks.models import Unit, UnitAdjacency
from parkos.parks.services import adjacent_units, unit_set_adjacent
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from parkos.parks.tests.test_importing import run

pytestmark = pytest.mark.django_db

HEADERS = ["园区编码", "单元编号", "楼栋编号", "所在楼层", "面积（m²）", "空间类型", "洁净条件", "储存物品火灾危险性类别",
           "冷库最低温度（℃）", "相邻单元"]  # fmt: skip


@pytest.fixture
def building(park_a):
    building = BuildingFactory(park=park_a, code="W1", storeys=2)
    FloorFactory(building=building, level=1, area_sqm=Decimal(4000))
    FloorFactory(building=building, level=2, area_sqm=Decimal(4000))
    return building


def units_sheet(*rows: list[object]) -> dict[str, list[list[object]]]:
    return {"单元": [HEADERS, *rows]}


def neighbours(code: str) -> set[str]:
    return {u.code for u in adjacent_units(Unit.objects.get(code=code))}


def test_space_type_storage_class_and_cold_store_are_imported(alice, building):
    result = run(
        alice,
        units_sheet(
            ["CQ-A", "W1-101", "W1", 1, 1200, "仓储", "", "丙类", "", ""],
            ["CQ-A", "W1-102", "W1", 1, 800, "冷库", "", "丁", -18, ""],
            ["CQ-A", "W1-201", "W1", 2, 900, "研发实验", "十万级", "", "", ""],
        ),
    )
    assert result.ok, result.errors
    warehouse, cold, lab = (Unit.objects.get(code=c) for c in ("W1-101", "W1-102", "W1-201"))
    assert (warehouse.space_type, warehouse.storage_fire_class) == (SpaceType.WAREHOUSE, FireHazardClass.BING)
    assert (cold.space_type, cold.cold_storage_min_c) == (SpaceType.COLD_STORAGE, Decimal(-18))
    assert (lab.space_type, lab.cleanroom_grade) == (SpaceType.LAB, CleanroomGrade.D)


@pytest.mark.parametrize(
    ("typed", "grade"),
    [("10万级", "D"), ("万级", "C"), ("百级", "B"), ("ISO 7", "C"), ("C级（10万级）", "C"), ("D级（30万级）", "D")],
)
def test_cleanroom_grades_as_people_type_them(alice, building, typed, grade):
    result = run(alice, units_sheet(["CQ-A", "W1-101", "W1", 1, 1200, "厂房", typed, "", "", ""]))
    assert result.ok, result.errors
    assert Unit.objects.get(code="W1-101").cleanroom_grade == grade


def test_storage_class_on_a_factory_unit_is_a_row_error_and_nothing_is_written(alice, building):
    result = run(
        alice,
        units_sheet(
            ["CQ-A", "W1-101", "W1", 1, 1200, "仓储", "", "甲", "", ""],
            ["CQ-A", "W1-102", "W1", 1, 800, "厂房", "", "乙", "", ""],
        ),
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "储存物品火灾危险性类别")]
    assert "仓储或冷库" in result.errors[0].message
    assert not Unit.objects.filter(code__startswith="W1-").exists()


def test_adjacency_names_units_further_down_and_is_stored_once_per_pair(alice, building):
    result = run(
        alice,
        units_sheet(
            ["CQ-A", "W1-101", "W1", 1, 1200, "厂房", "", "", "", "W1-102，W1-201"],
            ["CQ-A", "W1-102", "W1", 1, 800, "厂房", "", "", "", "W1-101"],
            ["CQ-A", "W1-201", "W1", 2, 1200, "厂房", "", "", "", ""],
        ),
    )
    assert result.ok, result.errors
    assert neighbours("W1-101") == {"W1-102", "W1-201"}
    assert neighbours("W1-201") == {"W1-101"}
    assert UnitAdjacency.objects.count() == 2
    relations = dict(UnitAdjacency.objects.values_list("other__code", "relation"))
    assert relations == {"W1-102": UnitAdjacency.Relation.SIDE, "W1-201": UnitAdjacency.Relation.STACKED}


def test_adjacency_to_a_unknown_or_distant_unit_is_refused_in_chinese(alice, building, park_a):
    other = BuildingFactory(park=park_a, code="W2")
    UnitFactory(floor=FloorFactory(building=other, level=1), code="W2-101")
    result = run(
        alice,
        units_sheet(
            ["CQ-A", "W1-101", "W1", 1, 1200, "厂房", "", "", "", "W1-999"],
            ["CQ-A", "W1-102", "W1", 1, 800, "厂房", "", "", "", "W2-101"],
        ),
    )
    assert not result.ok
    messages = {e.row: (e.column, e.message) for e in result.errors}
    assert messages[2][0] == "相邻单元"
    assert "W1-999" in messages[2][1]
    assert "不存在" in messages[2][1]
    assert messages[3][0] == "相邻单元"
    assert "不在同一楼栋" in messages[3][1]
    assert not UnitAdjacency.objects.exists()
    assert not Unit.objects.filter(code__startswith="W1-").exists()


def test_adjacency_only_adds_and_an_adjacency_change_counts_as_an_update(alice, building):
    first = UnitFactory(floor=building.floors.get(level=1), code="W1-101")
    second = UnitFactory(floor=building.floors.get(level=1), code="W1-102")
    third = UnitFactory(floor=building.floors.get(level=1), code="W1-103")
    unit_set_adjacent(unit=first, others=[second], actor=None)
    sheet = units_sheet(["CQ-A", "W1-101", "", "", first.area_sqm, "厂房", "", "", "", "W1-103"])
    result = run(alice, sheet)
    assert result.ok, result.errors
    assert neighbours("W1-101") == {"W1-102", "W1-103"}
    assert (result.counts["unit"].updated, result.counts["unit"].unchanged) == (1, 0)
    assert third.pk in {u.pk for u in adjacent_units(first)}
    again = run(alice, sheet)
    assert (again.counts["unit"].updated, again.counts["unit"].unchanged) == (0, 1)


def test_the_exported_inventory_carries_adjacency_and_imports_back_unchanged(alice, building):
    first = UnitFactory(floor=building.floors.get(level=1), code="W1-101", space_type=SpaceType.WAREHOUSE)
    second = UnitFactory(floor=building.floors.get(level=1), code="W1-102")
    unit_set_adjacent(unit=first, others=[second], actor=None)
    buffer = io.BytesIO()
    inventory_workbook(alice).save(buffer)
    buffer.seek(0)
    result = import_inventory(user=alice, stream=buffer, filename="导出.xlsx")
    assert result.ok, result.errors
    assert result.counts["unit"].updated == 0
    assert result.counts["unit"].unchanged >= 2
    assert neighbours("W1-101") == {"W1-102"}
