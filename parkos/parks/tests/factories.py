from decimal import Decimal

import factory

from parkos.parks.choices import BuildingStructure, FireHazardClass, FireResistanceGrade
from parkos.parks.models import Building, Floor, LandParcel, Operator, Park, Unit


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operator
        django_get_or_create = ("name",)

    name = "重庆园区运营有限公司"


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    code = factory.Sequence(lambda n: f"TEST-{n:03d}")
    name = factory.Sequence(lambda n: f"测试产业园{n}")
    operator = factory.SubFactory(OperatorFactory)
    city = "重庆市"
    district = "巴南区"
    land_area_sqm = Decimal("90666.67")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    park = factory.SubFactory(ParkFactory)
    code = factory.Sequence(lambda n: f"A{n + 1}")
    name = factory.LazyAttribute(lambda o: f"{o.code}栋标准厂房")
    structure = BuildingStructure.MULTI_STOREY_FRAME
    storeys = 4
    fire_resistance_grade = FireResistanceGrade.TWO
    design_fire_class = FireHazardClass.BING
    freight_lift_count = 2
    freight_lift_t = Decimal(3)


class FloorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Floor

    building = factory.SubFactory(BuildingFactory)
    level = 1
    area_sqm = Decimal(3000)
    floor_load_kn_m2 = Decimal(12)
    clear_height_m = Decimal("6.5")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    floor = factory.SubFactory(FloorFactory)
    building = factory.LazyAttribute(lambda o: o.floor.building)
    park = factory.LazyAttribute(lambda o: o.floor.building.park)
    code = factory.Sequence(lambda n: f"U{n + 101}")
    area_sqm = Decimal(1000)
    power_kva = 200
    design_fire_class = factory.LazyAttribute(lambda o: o.floor.effective_fire_class)
    rent_yuan_per_sqm_month = Decimal(22)


class LandParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandParcel

    park = factory.SubFactory(ParkFactory)
    code = factory.Sequence(lambda n: f"D{n + 1:02d}")
    name = factory.LazyAttribute(lambda o: f"{o.code}号工业地块")
    area_sqm = Decimal(20000)
    price_wan_per_mu = Decimal(35)
