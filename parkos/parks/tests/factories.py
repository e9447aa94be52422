from decimal import Decimal

import factory

from parkos.parks.models import Operator, Park


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
