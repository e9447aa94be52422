from decimal import Decimal

import pytest

from parkos.parks.choices import BuildingStructure, CleanroomGrade, FireHazardClass
from parkos.parks.models import UnitAdjacency
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, LandParcelFactory, UnitFactory


@pytest.fixture
def portfolio(park_a, park_b):
    """Park A: a 丙 multi-storey building with plain and clean floors, a 甲 single-storey shed, a parcel.

    Park B: one plain 丙 unit. Thresholds: park A asks 30 万元/亩 tax.
    """
    park_a.min_tax_wan_per_mu_year = Decimal(30)
    park_a.min_investment_wan_per_mu = Decimal(300)
    park_a.save()
    multi = BuildingFactory(park=park_a, code="A1", storeys=4, design_fire_class=FireHazardClass.BING)
    ground = FloorFactory(building=multi, level=1, floor_load_kn_m2=Decimal(12), clear_height_m=Decimal(7))
    second = FloorFactory(building=multi, level=2, floor_load_kn_m2=Decimal(8), clear_height_m=Decimal("5.0"))
    third = FloorFactory(building=multi, level=3, floor_load_kn_m2=Decimal(5), clear_height_m=Decimal("4.5"))
    units = {
        "A1-101": UnitFactory(floor=ground, code="A1-101", area_sqm=Decimal(2400)),
        "A1-201": UnitFactory(floor=second, code="A1-201", area_sqm=Decimal(1500), cleanroom_grade=CleanroomGrade.C),
        "A1-202": UnitFactory(floor=second, code="A1-202", area_sqm=Decimal(1200), cleanroom_grade=CleanroomGrade.D),
        "A1-301": UnitFactory(floor=third, code="A1-301", area_sqm=Decimal(1500), cleanroom_grade=CleanroomGrade.C),
    }
    # Adjacency is data: A1-201 and A1-202 share a wall; A1-201 and A1-301 are stacked.
    UnitAdjacency.objects.create(unit=units["A1-201"], other=units["A1-202"], park=park_a, relation="side")
    UnitAdjacency.objects.create(unit=units["A1-201"], other=units["A1-301"], park=park_a, relation="stacked")
    shed = BuildingFactory(
        park=park_a,
        code="J1",
        structure=BuildingStructure.SINGLE_STOREY_STEEL,
        storeys=1,
        design_fire_class=FireHazardClass.JIA,
    )
    shed_floor = FloorFactory(building=shed, level=1, floor_load_kn_m2=Decimal(30), clear_height_m=Decimal(9))
    units["J1-101"] = UnitFactory(floor=shed_floor, code="J1-101", area_sqm=Decimal(2000))
    parcel = LandParcelFactory(park=park_a, code="D01", area_sqm=Decimal(20000))
    b_building = BuildingFactory(park=park_b, code="B1")
    b_floor = FloorFactory(building=b_building, level=1)
    units["B1-101"] = UnitFactory(floor=b_floor, code="B1-101", area_sqm=Decimal(2000))
    return {"units": units, "parcel": parcel, "park_a": park_a, "park_b": park_b}
