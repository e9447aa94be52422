"""Metered energy and COD discharge reach the 亩均 evaluation in statistics (单位能耗/单位排放)."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.monitoring.choices import MeterKind, ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory
from parkos.statistics import muju, selectors
from parkos.statistics.importing import import_reports
from parkos.statistics.models import EnterpriseParkProfile
from parkos.statistics.tests.conftest import csv_bytes, year_rows

pytestmark = pytest.mark.django_db
CQ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC)


def _counter(park, meter, per_day, days=10):
    start = datetime.datetime(2025, 3, 1, tzinfo=CQ)
    readings = [
        RawReading(meter.code, start + datetime.timedelta(hours=6 * i), per_day / 4 * i) for i in range(days * 4 + 1)
    ]
    assert ingest_readings(park=park, readings=readings, source=ReadingSource.API, now=NOW).rejected == 0


@pytest.fixture
def three(park_a):
    return tuple(
        EnterpriseFactory(name=name, parks=[park_a], lifecycle="tenant") for name in ("甲科技", "乙制药", "丙器械")
    )


@override_settings(MONITORING_TCE_FACTORS={"electricity": Decimal("0.0001229")})
def test_metered_energy_and_discharge_feed_the_evaluation(park_a, three, alice):
    assert import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=alice).ok
    e1, e2, _e3 = three
    for enterprise in three:
        EnterpriseParkProfile.objects.create(park=park_a, enterprise=enterprise, land_area_sqm=Decimal("6666.7"))
    _counter(park_a, MeterFactory(park=park_a, enterprise=e1), per_day=1000)  # 10,000 kWh in 2025
    flow = MeterFactory(park=park_a, kind=MeterKind.WASTEWATER_FLOW, enterprise=e1)
    cod = MeterFactory(park=park_a, kind=MeterKind.COD, enterprise=e1, paired_flow=flow)
    _counter(park_a, flow, per_day=100, days=1)
    start = datetime.datetime(2025, 3, 1, 3, tzinfo=CQ)
    ingest_readings(
        park=park_a,
        readings=[RawReading(cod.code, start + datetime.timedelta(hours=h), 400.0) for h in range(0, 20, 4)],
        source=ReadingSource.API,
        now=NOW,
    )
    lines = {line.enterprise_id: line for line in selectors.muju_evaluation(park_id=park_a.pk, year=2025)}
    assert lines[e1.pk].inputs[muju.ENERGY] == Decimal("1.2290")  # 10,000 kWh × 0.0001229 tce/kWh
    assert lines[e1.pk].inputs[muju.EMISSIONS] == Decimal("0.0400")  # 400 mg/L × 100 m³
    assert lines[e2.pk].inputs[muju.EMISSIONS] is None  # no meters: nothing metered, nothing invented
