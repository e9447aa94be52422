"""Utility lines from monitoring's consumption: tariff segments, a meter replaced mid-month, a tariff
change mid-month, the precedence of reading sheets, and that no consumption is billed twice.

Vectors by hand: a counter read every six hours rises 100 kWh a day through January 2026. On 01-16 its
device is replaced by one with a ×2 current transformer that starts at 0 (the point's series continues:
still 100 kWh a day). The electricity tariff is 0.80 元/kWh, 1.00 元/kWh from 01-20:
01-01…01-19: 19 × 100 = 1,900 kWh × 0.80 = 1,520.00; 01-20…01-31: 12 × 100 = 1,200 kWh × 1.00 = 1,200.00.
"""

import datetime
from decimal import Decimal as D

import pytest

from parkos.billing import services, utilities
from parkos.billing.choices import ChargeKind
from parkos.billing.models import BillLine, BillRun, UtilityTariff
from parkos.billing.tests.factories import run_month
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.monitoring.choices import MeterKind, ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.services import Replacement, meter_replace_device
from parkos.monitoring.tests.factories import MeterFactory

d = datetime.date
CST = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 4, 10, tzinfo=datetime.UTC)
REPLACED_AT = datetime.datetime(2026, 1, 16, tzinfo=CST)


def test_tariff_segments_cut_a_month_where_a_price_changes():
    tariffs = {
        "electricity": [(d(2020, 1, 1), D("0.80")), (d(2026, 1, 20), D("1.00"))],
        "water": [(d(2020, 1, 1), D("4.10")), (d(2026, 2, 1), D("4.30"))],
    }
    assert utilities.tariff_segments(tariffs, d(2026, 1, 1), d(2026, 1, 31)) == [
        (d(2026, 1, 1), d(2026, 1, 19)),
        (d(2026, 1, 20), d(2026, 1, 31)),
    ]
    assert utilities.tariff_segments(tariffs, d(2026, 2, 1), d(2026, 2, 28)) == [(d(2026, 2, 1), d(2026, 2, 28))]
    assert utilities.tariff_on(tariffs, "electricity", d(2026, 1, 19)) == D("0.80")
    assert utilities.tariff_on(tariffs, "electricity", d(2026, 1, 20)) == D("1.00")
    assert utilities.tariff_on(tariffs, "gas", d(2026, 1, 20)) is None


def test_pieces_at_one_price_are_joined_and_pieces_at_two_are_not():
    def piece(kind, start, end, quantity, price):
        return utilities.MeteredUse(7, 3, "W-1", kind, start, end, D(quantity), "m³", D(price), False, "表计 W-1")

    # Water was cut at electricity's change on 01-20 but its price did not move: one line.
    joined = utilities.merge_uses(
        [
            piece("water", d(2026, 1, 20), d(2026, 1, 31), "12", "4.10"),
            piece("water", d(2026, 1, 1), d(2026, 1, 19), "19", "4.10"),
        ]
    )
    assert [(u.start, u.end, u.quantity) for u in joined] == [(d(2026, 1, 1), d(2026, 1, 31), D("31"))]
    kept = utilities.merge_uses(
        [
            piece("water", d(2026, 1, 1), d(2026, 1, 19), "19", "4.10"),
            piece("water", d(2026, 1, 20), d(2026, 1, 31), "12", "4.30"),
        ]
    )
    assert len(kept) == 2


def _read_january(park, meter):
    """Every six hours from 2026-01-01 00:00 to 02-01 06:00, 25 kWh each (a reading's consumption counts
    for the day its interval falls in: the 02-01 00:00 one for January 31); the device is replaced at
    01-16 00:00 (old register 1,500; the new one from 0, ×2)."""
    first = datetime.datetime(2026, 1, 1, tzinfo=CST)
    before, after = [], []
    for step in range(31 * 4 + 2):
        ts = first + datetime.timedelta(hours=6 * step)
        if ts <= REPLACED_AT:
            before.append(RawReading(meter.code, ts, 25.0 * step))
        else:
            after.append(RawReading(meter.code, ts, 12.5 * (step - 60)))
    assert before[-1].value == 1500.0
    assert ingest_readings(park=park, readings=before, source=ReadingSource.API, now=NOW).rejected == 0
    meter_replace_device(
        actor=None,
        meter=meter,
        replacement=Replacement(REPLACED_AT, 1500.0, "SN-NEW", D(2), 0.0),
    )
    assert ingest_readings(park=park, readings=after, source=ReadingSource.API, now=NOW).rejected == 0


@pytest.fixture
def metered(park_a, profile):
    tenant = EnterpriseFactory(name="重庆博奥医疗器械有限公司")
    meter = MeterFactory(park=park_a, kind=MeterKind.ELECTRICITY, enterprise=tenant, code="E-101", name="101室电表")
    _read_january(park_a, meter)
    UtilityTariff.objects.create(
        park=park_a, kind=ChargeKind.ELECTRICITY, unit="kWh", unit_price=D("0.80"), effective_from=d(2020, 1, 1)
    )
    UtilityTariff.objects.create(
        park=park_a, kind=ChargeKind.ELECTRICITY, unit="kWh", unit_price=D("1.00"), effective_from=d(2026, 1, 20)
    )
    return tenant, meter


def _meter_lines(**filters):
    return list(
        BillLine.objects.filter(source_type=utilities.METER_SOURCE, **filters)
        .order_by("period_start")
        .values_list("period_start", "period_end", "quantity", "unit_price", "amount", "tax_rate", "tax_amount")
    )


@pytest.mark.django_db
def test_a_run_bills_last_month_per_meter_and_tariff_and_never_twice(park_a, metered):
    tenant, meter = metered

    february = run_month(park_a, d(2026, 2, 1))

    assert _meter_lines(bill__run=february) == [
        (d(2026, 1, 1), d(2026, 1, 19), D("1900.0000"), D("0.800000"), D("1520.00"), D("0.1300"), D("174.87")),
        (d(2026, 1, 20), d(2026, 1, 31), D("1200.0000"), D("1.000000"), D("1200.00"), D("0.1300"), D("138.05")),
    ]
    line = BillLine.objects.filter(bill__run=february, source_type=utilities.METER_SOURCE).earliest("period_start")
    assert line.description == "电费 2026-01-01至2026-01-19 表计 E-101 101室电表"
    assert (line.kind, line.unit, line.source_id, line.bill.account.enterprise_id) == (
        ChargeKind.ELECTRICITY,
        "kWh",
        meter.pk,
        tenant.pk,
    )

    # Running February again (a second run) and March (January is in its window too) bills nothing twice.
    again = run_month(park_a, d(2026, 2, 1))
    march = run_month(park_a, d(2026, 3, 1))
    assert again.bills_count == 0
    assert _meter_lines(period_start__lt=d(2026, 2, 1)) == _meter_lines(bill__run=february)
    # March bills what February used so far (the 02-01 06:00 reading).
    assert _meter_lines(bill__run=march) == [
        (d(2026, 2, 1), d(2026, 2, 28), D("25.0000"), D("1.000000"), D("25.00"), D("0.1300"), D("2.88"))
    ]


def _sheet_row(park, tenant, start, end, meter_code="E-101-手抄"):
    services.readings_import(
        park=park,
        readings=[
            services.ReadingInput(
                enterprise=tenant,
                meter_code=meter_code,
                kind=ChargeKind.ELECTRICITY,
                period_start=start,
                period_end=end,
                previous_reading=D("1000"),
                current_reading=D("3500"),
                multiplier=D(1),
                unit="kWh",
            )
        ],
        actor=None,
    )


@pytest.mark.django_db
def test_a_reading_sheet_replaces_the_metered_month_and_a_late_sheet_is_not_billed(park_a, metered):
    tenant, _meter = metered
    _sheet_row(park_a, tenant, d(2026, 1, 1), d(2026, 1, 31))

    february = run_month(park_a, d(2026, 2, 1))

    utility = BillLine.objects.filter(bill__run=february, kind=ChargeKind.ELECTRICITY)
    assert [(line.source_type, line.quantity, line.amount) for line in utility] == [
        ("billing.utilityreading", D("2500.0000"), D("2500.00"))  # priced at 01-31's 1.00
    ]
    assert utility[0].description == "电费 2026-01-01至2026-01-31 表号E-101-手抄 读数 1000→3500"

    # February's consumption went on March's bill from monitoring; a sheet for February imported after
    # that is left off with a warning, not billed a second time.
    march = run_month(park_a, d(2026, 3, 1))
    assert _meter_lines(bill__run=march)
    _sheet_row(park_a, tenant, d(2026, 2, 1), d(2026, 2, 28), meter_code="E-101-二月")
    april = run_month(park_a, d(2026, 4, 1))
    assert not BillLine.objects.filter(source_type="billing.utilityreading", period_start=d(2026, 2, 1)).exists()
    assert any("E-101-二月" in w for w in BillRun.objects.get(pk=april.pk).warnings)
