"""Consumption per tenant: own meters, a unit's tenant day by day, shares of common and virtual
meters; tce for 亩均; COD discharge; the engine directly and through the rollups."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing.tests.factories import signed_lease
from parkos.monitoring import energy, selectors
from parkos.monitoring.choices import AllocationMethod, MeterKind, ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import MeterAllocation, MeterShare, VirtualTerm
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 4, 10, tzinfo=UTC)


def test_slices_cut_at_months_and_tenancy_changes():
    tenancy = energy.Tenancy(1, 1, 7, datetime.date(2026, 2, 10), datetime.date(2026, 3, 5), Decimal(100))
    cuts = energy.slices(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), [tenancy])
    assert [(s.first.isoformat(), s.last.isoformat(), s.whole_month) for s in cuts] == [
        ("2026-01-01", "2026-01-31", True),
        ("2026-02-01", "2026-02-09", False),
        ("2026-02-10", "2026-02-28", False),
        ("2026-03-01", "2026-03-05", False),
        ("2026-03-06", "2026-03-31", False),
    ]


def test_common_meter_shared_by_area_and_by_consumption():
    meters = {
        1: energy.MeterSpec(1, "E1", "甲", "electricity", unit_id=11, building_id=5),
        2: energy.MeterSpec(2, "E2", "乙", "electricity", unit_id=12, building_id=5),
        3: energy.MeterSpec(
            3, "C", "公共", "electricity", building_id=5, allocation=energy.AllocationSpec("area", "按面积")
        ),
        4: energy.MeterSpec(
            4, "D", "公共2", "electricity", building_id=5, allocation=energy.AllocationSpec("consumption", "按用量")
        ),
    }
    tenancies = [
        energy.Tenancy(11, 5, 100, datetime.date(2026, 1, 1), None, Decimal(300)),
        energy.Tenancy(12, 5, 200, datetime.date(2026, 1, 1), None, Decimal(100)),
    ]
    lines = energy.attribute_slice(meters, {1: 10.0, 2: 30.0, 3: 80.0, 4: 40.0}, tenancies, datetime.date(2026, 1, 15))
    shares = {(line.enterprise_id, line.meter_id): line.quantity for line in lines}
    assert shares == {(100, 1): 10.0, (200, 2): 30.0, (100, 3): 60.0, (200, 3): 20.0, (100, 4): 10.0, (200, 4): 30.0}


def _daily(park, meter, first_day, days, per_day, start_value=0.0):
    """A counter read every six hours, rising `per_day` a day from `first_day` (local)."""
    start = datetime.datetime.combine(
        first_day, datetime.time(0, 0), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    readings = [
        RawReading(meter.code, start + datetime.timedelta(hours=6 * i), start_value + per_day / 4 * i)
        for i in range(days * 4 + 1)
    ]
    result = ingest_readings(park=park, readings=readings, source=ReadingSource.API, now=NOW)
    assert result.rejected == 0


@pytest.fixture
def building(park_a):
    return BuildingFactory(park=park_a, code="A1")


@pytest.mark.django_db
def test_unit_meter_follows_its_tenant_day_by_day(park_a, building):
    floor = FloorFactory(building=building)
    unit = UnitFactory(floor=floor, building=building, park=park_a, area_sqm=Decimal(500))
    tenant = EnterpriseFactory()
    # The lease starts on 11 January: ten of January's 31 days were vacant.
    signed_lease(units=[unit], enterprise=tenant, start_on=datetime.date(2026, 1, 11), free_rent_months=0)
    meter = MeterFactory(park=park_a, kind=MeterKind.ELECTRICITY, unit=unit, building=building)
    _daily(park_a, meter, datetime.date(2026, 1, 1), 59, per_day=100)
    lines = selectors.consumption_by_enterprise(
        park=park_a, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 31)
    )
    assert [(line.enterprise_id, line.kind, line.quantity, line.unit) for line in lines] == [
        (tenant.pk, "electricity", Decimal("2100.000"), "kWh")
    ]
    assert meter.code in lines[0].share_note
    february = selectors.consumption_by_enterprise(
        park=park_a, start=datetime.date(2026, 2, 1), end=datetime.date(2026, 2, 28)
    )
    assert february[0].quantity == Decimal("2800.000")


@pytest.mark.django_db
def test_virtual_common_area_shared_by_fixed_percentages(park_a, building):
    one, two = EnterpriseFactory(), EnterpriseFactory()
    main = MeterFactory(park=park_a, kind=MeterKind.WATER, building=building, code="W-MAIN")
    own = MeterFactory(park=park_a, kind=MeterKind.WATER, building=building, enterprise=one, code="W-ONE")
    common = MeterFactory(park=park_a, kind=MeterKind.WATER, building=building, is_virtual=True, code="W-COMMON")
    VirtualTerm.objects.create(virtual=common, source=main, coefficient=Decimal(1))
    VirtualTerm.objects.create(virtual=common, source=own, coefficient=Decimal(-1))
    allocation = MeterAllocation.objects.create(meter=common, method=AllocationMethod.FIXED)
    MeterShare.objects.create(allocation=allocation, enterprise=one, percent=Decimal(30))
    MeterShare.objects.create(allocation=allocation, enterprise=two, percent=Decimal(50))
    _daily(park_a, main, datetime.date(2026, 3, 1), 31, per_day=10)
    _daily(park_a, own, datetime.date(2026, 3, 1), 31, per_day=4)
    lines = selectors.consumption_by_enterprise(
        park=park_a, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
    )
    got = {(line.enterprise_id, line.share_note.split(" ")[0]): line.quantity for line in lines}
    # common = 310 − 124 = 186 m³: 30 % and 50 %; the remaining 20 % stays with the operator.
    assert got == {
        (one.pk, "表计"): Decimal("124.000"),
        (one.pk, "公摊"): Decimal("55.800"),
        (two.pk, "公摊"): Decimal("93.000"),
    }
    shared = next(line for line in lines if line.enterprise_id == two.pk)
    assert shared.share_note == f"公摊 {common.name}（按约定比例 50.00%）"
    # The tenants' totals are what their lines add up to (the park's main meter is nobody's).
    assert selectors.consumption_totals(
        park=park_a, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)
    ) == {(one.pk, "water"): Decimal("179.800"), (two.pk, "water"): Decimal("93.000")}


@pytest.mark.django_db
@override_settings(MONITORING_TCE_FACTORS={"electricity": Decimal("0.0001229"), "gas": Decimal("0.0012143")})
def test_energy_in_tce_and_cod_discharge(park_a, building):
    tenant = EnterpriseFactory()
    power = MeterFactory(park=park_a, kind=MeterKind.ELECTRICITY, enterprise=tenant)
    gas = MeterFactory(park=park_a, kind=MeterKind.GAS, enterprise=tenant)
    _daily(park_a, power, datetime.date(2026, 1, 1), 30, per_day=1000)
    _daily(park_a, gas, datetime.date(2026, 1, 1), 30, per_day=100)
    assert selectors.energy_by_enterprise(park=park_a, year=2026) == {
        tenant.pk: Decimal("30000") * Decimal("0.0001229") + Decimal("3000") * Decimal("0.0012143")
    }
    flow = MeterFactory(park=park_a, kind=MeterKind.WASTEWATER_FLOW, enterprise=tenant)
    cod = MeterFactory(park=park_a, kind=MeterKind.COD, enterprise=tenant, paired_flow=flow)
    _daily(park_a, flow, datetime.date(2026, 1, 1), 2, per_day=200)
    start = datetime.datetime(2026, 1, 1, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    ingest_readings(
        park=park_a,
        readings=[RawReading(cod.code, start + datetime.timedelta(hours=h), 250.0) for h in range(0, 40, 4)],
        source=ReadingSource.API,
        now=NOW,
    )
    # 250 mg/L × 200 m³ a day = 50 kg a day, two days.
    assert selectors.emissions_by_enterprise(park=park_a, year=2026) == {tenant.pk: Decimal("0.1000")}
