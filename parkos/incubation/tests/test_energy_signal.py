"""Early warning from metered energy (RULES §13.7): the rule on plain figures, then the signal from
real meters through monitoring's ingestion and rollups."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.incubation import hooks, risk, selectors
from parkos.monitoring.choices import ReadingSource
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory

CQ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10, 10, 10, 6, 6, 6], 15),  # −40 %
        ([10, 10, 10, 3, 3, 3], 25),  # −70 %
        ([10, 10, 10, 8, 8, 8], None),  # −20 %: not enough
        ([10, 10, 10, 0, 0, 0], 25),  # metered, and nothing used: the strongest fall
        ([10, None, 10, 3, 3, 3], None),  # a month without data is not judged
        ([0, 0, 0, 0, 0, 0], None),  # nothing to fall from
        ([10, 10, 10, 3, 3], None),  # too short
    ],
)
def test_energy_trend_scores(values, expected):
    found = risk.energy_trend((2026, 1), [None if v is None else D(v) for v in values])
    assert (found[0] if found else None) == expected


def test_energy_trend_names_the_months_across_a_year_end():
    found = risk.energy_trend((2025, 8), [D(9), D(9), D(9), D(3), D(3), D(3)])
    assert found == (25, "2025年11月至2026年1月用能较前三个月下降 66.7%")


def _daily(park, meter, per_day_by_month, skip_month=None):
    """A reading every day at noon from 2025-12-31 to 2026-06-30, using `per_day_by_month[m]` kWh a day."""
    day, value, readings = datetime.datetime(2025, 12, 31, 12, tzinfo=CQ), 0.0, []
    while day.date() <= datetime.date(2026, 6, 30):
        if day.month != skip_month:
            readings.append(RawReading(meter.code, day, value))
        day += datetime.timedelta(days=1)
        value += per_day_by_month.get(day.month, 0)
    result = ingest_readings(park=park, readings=readings, source=ReadingSource.API)
    assert result.rejected == 0


@pytest.mark.django_db
def test_energy_drop_signal_from_the_meters(park_a):
    falling, steady, silent, unmetered = (
        EnterpriseFactory(name=name, parks=[park_a], lifecycle="tenant")
        for name in ("甲制药", "乙器械", "丙生物", "丁科技")
    )
    falls_from_april = {m: (1000 if m <= 3 else 300) for m in range(1, 7)}
    _daily(park_a, MeterFactory(park=park_a, enterprise=falling), falls_from_april)
    _daily(park_a, MeterFactory(park=park_a, enterprise=steady), dict.fromkeys(range(1, 7), 1000))
    _daily(park_a, MeterFactory(park=park_a, enterprise=silent), falls_from_april, skip_month=3)

    ids = [falling.pk, steady.pk, silent.pk, unmetered.pk]
    found = selectors.energy_drop_signals(ids, datetime.date(2026, 7, 10))
    assert set(found) == {falling.pk}  # steady did not fall; silent has a month without data; unmetered has none
    signal = found[falling.pk]
    assert signal.score == 25  # about −70 %
    assert signal.reason.startswith("2026年4月至2026年6月用能较前三个月下降")
    assert signal.evidence_url == f"/enterprises/{falling.pk}/"
    assert "energy" in {source.key for source in hooks.risk_signal_sources()}
