from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from parkos.accounts.models import User
from parkos.monitoring import demo as monitoring_demo
from parkos.parks.choices import BuildingStructure, FireHazardClass
from parkos.parks.models import Building, LandParcel, Park, Unit
from parkos.statistics.models import ProductOutput

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_demo_command_is_idempotent_and_loads_the_flagship(monkeypatch):
    # A year of 15-minute readings of every demo meter is 3.5 million rows; two days load the same way.
    monkeypatch.setattr(monitoring_demo, "HISTORY_DAYS", 2)
    # The flagship alone runs every app's loader (71 units, 68 contracts, bills, bookings…) in a fifth of
    # the demo scale's time; the generated parks are the portfolio's tests' (test_demo_portfolio.py).
    out = StringIO()
    call_command("demo", "--scale", "flagship", stdout=out)
    counts = (
        Park.objects.count(),
        Building.objects.count(),
        Unit.objects.count(),
        LandParcel.objects.count(),
        User.objects.count(),
    )
    products = ProductOutput.objects.count()
    call_command("demo", "--scale", "flagship", stdout=StringIO())
    assert ProductOutput.objects.count() == products
    assert (
        Park.objects.count(),
        Building.objects.count(),
        Unit.objects.count(),
        LandParcel.objects.count(),
        User.objects.count(),
    ) == counts
    assert "admin / admin" in out.getvalue()
    flagship = Park.objects.get(code="CQ-BIO-01")
    assert ProductOutput.objects.filter(park=flagship).values("product_name").distinct().count() >= 3
    assert flagship.district == "巴南区"
    assert flagship.land_area_sqm.quantize(Decimal(1)) == Decimal(90667)
    multi = flagship.buildings.filter(structure=BuildingStructure.MULTI_STOREY_FRAME)
    assert multi.exists()
    assert set(multi.values_list("design_fire_class", "fire_resistance_grade")) == {(FireHazardClass.BING, "2")}
    assert flagship.buildings.filter(structure=BuildingStructure.SINGLE_STOREY_STEEL).exists()
    assert Unit.objects.filter(
        park=flagship,
        area_sqm__gte=2000,
        area_sqm__lte=3000,
        floor__floor_load_kn_m2__gte=8,
        floor__clear_height_m__gte=6,
    ).exists()
    manager = User.objects.get(username="manager")
    assert list(manager.parks.all()) == [flagship]
