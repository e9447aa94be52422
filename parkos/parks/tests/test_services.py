from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from parkos.core.models import AuditEntry
from parkos.parks import services
from parkos.parks.choices import FireHazardClass, SpaceStatus
from parkos.parks.models import Reservation, Unit
from parkos.parks.policy import welcomes
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_unit_create_takes_fire_class_from_floor_and_audits(alice):
    floor = FloorFactory(design_fire_class=FireHazardClass.DING)
    unit = services.unit_create(actor=alice, floor=floor, code="A1-101", area_sqm=Decimal(800))
    assert unit.park == floor.building.park
    assert unit.design_fire_class == FireHazardClass.DING
    entry = AuditEntry.objects.get(object_type="parks.unit")
    assert entry.action == "create"
    assert entry.park_id_ref == unit.park_id


def test_units_cannot_add_up_to_more_than_their_floor(alice):
    floor = FloorFactory(area_sqm=Decimal(2000))
    services.unit_create(actor=alice, floor=floor, code="U1", area_sqm=Decimal(1500))
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=alice, floor=floor, code="U2", area_sqm=Decimal(600))
    assert "超过楼层面积" in str(exc.value)
    assert Unit.objects.count() == 1


def test_changing_building_class_updates_its_units(alice):
    unit = UnitFactory()
    services.building_update(building=unit.building, actor=alice, design_fire_class=FireHazardClass.WU)
    unit.refresh_from_db()
    assert unit.design_fire_class == FireHazardClass.WU


def test_floor_override_wins_over_building_class(alice):
    unit = UnitFactory()
    services.floor_update(floor=unit.floor, actor=alice, design_fire_class=FireHazardClass.YI)
    unit.refresh_from_db()
    assert unit.design_fire_class == FireHazardClass.YI


def test_building_cannot_become_high_rise_jia(alice):
    building = BuildingFactory(storeys=1, structure="single_storey_steel", design_fire_class=FireHazardClass.JIA)
    with pytest.raises(ValidationError):
        services.building_update(building=building, actor=alice, structure="high_rise", storeys=8)
    building.refresh_from_db()
    assert building.structure == "single_storey_steel"


def test_reservation_makes_unit_reserved_and_release_frees_it(carol, park_a):
    floor = FloorFactory(building=BuildingFactory(park=park_a))
    unit = UnitFactory(floor=floor)
    until = timezone.localdate() + timedelta(days=14)
    reservation = services.reservation_create(
        space=unit, holder_name="重庆博腾医疗器械有限公司", reserved_until=until, actor=carol
    )
    unit.refresh_from_db()
    assert unit.status == SpaceStatus.RESERVED
    assert unit.reserved_until == until
    with pytest.raises(ValidationError, match="不能预留"):
        services.reservation_create(space=unit, holder_name="另一家", reserved_until=until, actor=carol)
    services.reservation_release(reservation=reservation, actor=carol)
    unit.refresh_from_db()
    assert unit.status == SpaceStatus.AVAILABLE
    assert Reservation.objects.get().released_at is not None
    assert AuditEntry.objects.filter(object_type="parks.reservation").count() == 2


def test_reservation_in_the_past_is_refused(carol):
    unit = UnitFactory()
    with pytest.raises(ValidationError):
        services.reservation_create(
            space=unit, holder_name="X", reserved_until=timezone.localdate() - timedelta(days=1), actor=carol
        )
    assert Reservation.objects.count() == 0


def test_archive_keeps_row_and_marks_not_lettable(alice):
    unit = UnitFactory()
    services.unit_archive(unit=unit, actor=alice)
    unit.refresh_from_db()
    assert unit.archived_at is not None
    assert unit.status == SpaceStatus.NOT_LETTABLE


@pytest.mark.parametrize(
    ("policy", "code", "expected"),
    [
        ([], "3581", True),
        (["27", "358"], "3581", True),
        (["27"], "2710", True),
        (["27"], "3581", False),
        (["C"], "3581", True),
        (["C"], "7340", False),
    ],
)
def test_industry_policy(policy, code, expected):
    assert welcomes(policy, code) is expected
