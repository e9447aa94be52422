"""Availability search: the filters, in the UI FilterSet and the API alike."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone

from parkos.accounts.access import scope_to_parks
from parkos.parks.choices import BuildingStructure, CleanroomGrade, FireHazardClass, Occupancy
from parkos.parks.filtersets import ParcelFilterSet, UnitFilterSet
from parkos.parks.models import LandParcel, Unit
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, LandParcelFactory, ParkFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _search(user, **params):
    request = RequestFactory().get("/", params)
    request.user = user
    # The views and the API scope the queryset before filtering; do the same.
    fs = UnitFilterSet(request.GET, queryset=scope_to_parks(user, Unit.objects.all()), request=request)
    assert fs.is_valid(), fs.errors
    return sorted(u.code for u in fs.qs)


@pytest.fixture
def portfolio(park_a, park_b):
    chongqing_multi = BuildingFactory(park=park_a, code="A1")
    ground = FloorFactory(building=chongqing_multi, level=1, floor_load_kn_m2=Decimal(12), clear_height_m=Decimal(7))
    upper = FloorFactory(building=chongqing_multi, level=3, floor_load_kn_m2=Decimal(6), clear_height_m=Decimal("4.5"))
    steel = BuildingFactory(
        park=park_a,
        code="S1",
        structure=BuildingStructure.SINGLE_STOREY_STEEL,
        storeys=1,
        design_fire_class=FireHazardClass.JIA,
    )
    shed = FloorFactory(
        building=steel, level=1, floor_load_kn_m2=Decimal(30), clear_height_m=Decimal(10), area_sqm=Decimal(6000)
    )
    chengdu = FloorFactory(
        building=BuildingFactory(park=park_b, code="B1"),
        level=1,
        floor_load_kn_m2=Decimal(10),
        clear_height_m=Decimal(6),
    )
    UnitFactory(floor=ground, code="A1-101", area_sqm=Decimal(2400), power_kva=400)
    UnitFactory(floor=ground, code="A1-102", area_sqm=Decimal(500), power_kva=100)
    UnitFactory(floor=upper, code="A1-301", area_sqm=Decimal(2500), cleanroom_grade=CleanroomGrade.C)
    UnitFactory(floor=shed, code="S1-101", area_sqm=Decimal(5000), crane_t=Decimal(10), power_kva=1000)
    UnitFactory(floor=chengdu, code="B1-101", area_sqm=Decimal(2600), power_kva=300)
    today = timezone.localdate()
    UnitFactory(
        floor=chengdu,
        code="B1-102",
        area_sqm=Decimal(300),
        occupancy=Occupancy.LEASED,
        occupied_from=today - timedelta(days=100),
        occupied_until=today + timedelta(days=30),
        committed_until=today + timedelta(days=30),  # what the leasing services store with it
    )


def test_done_when_search_finds_the_flagship_unit(alice, portfolio):
    """2,000–3,000 m², floor load ≥ 8, clear height ≥ 6, 丙 allowed, in Chongqing — one search."""
    assert _search(
        alice, city="重庆市", area_min=2000, area_max=3000, floor_load_min=8, clear_height_min=6, fire_class="bing"
    ) == ["A1-101"]


def test_area_in_mu(alice, portfolio):
    # 3 亩 = 2000 m², 4 亩 ≈ 2666.67 m²
    assert _search(alice, area_min=3, area_max=4, area_unit="mu") == ["A1-101", "A1-301", "B1-101"]


def test_fire_class_permits_only_spaces_designed_at_least_as_hazardous(alice, portfolio):
    assert _search(alice, fire_class="jia") == ["S1-101"]
    assert "A1-101" in _search(alice, fire_class="ding")


def test_cleanroom_power_crane_filters(alice, portfolio):
    assert _search(alice, cleanroom="D") == ["A1-301"]
    assert _search(alice, cleanroom="B") == []
    assert _search(alice, power_min=900) == ["S1-101"]
    assert _search(alice, crane_min=5) == ["S1-101"]


def test_leased_unit_is_hidden_until_it_frees(alice, portfolio):
    assert "B1-102" not in _search(alice)
    later = timezone.localdate() + timedelta(days=31)
    assert "B1-102" in _search(alice, available_on=later.isoformat())


def test_search_is_scoped_to_the_users_parks(bob, dave, portfolio):
    assert all(code.startswith(("A1", "S1")) for code in _search(bob))
    assert _search(dave) == ["B1-101"]


def test_park_choice_outside_scope_is_a_form_error(bob, park_b, portfolio):
    request = RequestFactory().get("/", {"park": park_b.pk})
    request.user = bob
    fs = UnitFilterSet(request.GET, queryset=Unit.objects.all(), request=request)
    assert not fs.is_valid()
    assert "park" in fs.errors


def test_parcel_search_by_mu(alice, park_a):
    LandParcelFactory(park=park_a, code="D01", area_sqm=Decimal(20000))
    LandParcelFactory(park=park_a, code="D02", area_sqm=Decimal(50000))
    request = RequestFactory().get("/", {"area_min": 25, "area_max": 40, "area_unit": "mu"})
    request.user = alice
    fs = ParcelFilterSet(request.GET, queryset=LandParcel.objects.all(), request=request)
    assert [p.code for p in fs.qs] == ["D01"]
    assert ParkFactory  # factories importable for the API tests
