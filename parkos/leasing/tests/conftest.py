from decimal import Decimal

import pytest

from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory


@pytest.fixture
def building_a(park_a):
    return BuildingFactory(park=park_a, code="A1", name="A1栋标准厂房")


@pytest.fixture
def unit_a(building_a):
    floor = FloorFactory(building=building_a, level=1, area_sqm=Decimal(3000))
    return UnitFactory(floor=floor, code="A1-101", area_sqm=Decimal(1000))


@pytest.fixture
def unit_a2(unit_a):
    return UnitFactory(floor=unit_a.floor, code="A1-102", area_sqm=Decimal(500))
