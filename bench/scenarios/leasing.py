"""Leasing: the rent roll of a year and point-in-time occupancy, against raw SQL floors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.leasing import selectors
from parkos.leasing.demo import load_demo as load_contracts
from parkos.leasing.models import Contract
from parkos.parks.demo import load_demo as load_parks
from parkos.parks.models import Park, Unit


def _ensure(scale: str) -> None:

    load_parks(scale="full" if scale == "full" else "demo")
    load_contracts(scale="full" if scale == "full" else "demo")


def _counts() -> str:

    return f"{Park.objects.count()} parks, {Unit.objects.count()} units, {Contract.objects.count()} contracts"


@benchmark("leasing.rent_roll_year")
def rent_roll_year(scale: str) -> Case:

    _ensure(scale)
    year = timezone.localdate().year
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    sql = (
        "SELECT m.contract_id, m.month, m.rent, m.property_fee FROM leasing_contractmonth m"
        " WHERE m.month >= %s AND m.month <= %s"
    )
    contracts_sql = (
        "SELECT c.id, c.number, e.name, p.name, c.area_sqm, c.end_on FROM leasing_contract c"
        " JOIN enterprises_enterprise e ON e.id = c.enterprise_id JOIN parks_park p ON p.id = c.park_id"
        " WHERE c.id IN (SELECT DISTINCT contract_id FROM leasing_contractmonth WHERE month >= %s AND month <= %s)"
    )

    def subject() -> tuple[int, Decimal]:
        roll = selectors.rent_roll(None, year)
        return len(roll.rows), roll.rent_total

    def floor() -> tuple[int, Decimal]:
        # The same rows, read raw: every accrual of the year and the leases they belong to.
        with connection.cursor() as cursor:
            cursor.execute(sql, [first, last])
            months = cursor.fetchall()
            cursor.execute(contracts_sql, [first, last])
            contracts = cursor.fetchall()
        return len(contracts), sum((Decimal(str(r[2])) for r in months), Decimal(0))

    def check(s: Any, f: Any) -> None:
        assert s == f, f"rent roll {s} != raw SQL {f}"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the year's accrual rows + their leases",
        target_ratio=3.0,
        check=check,
        notes=_counts(),
    )


@benchmark("leasing.occupancy_past_date")
def occupancy_past_date(scale: str) -> Case:

    _ensure(scale)
    day = timezone.localdate() - datetime.timedelta(days=400)
    day_end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))

    def subject() -> tuple[Decimal, int]:
        occupancy = selectors.occupancy_on(day)
        return occupancy.occupied_area_sqm, occupancy.occupied_units

    def floor() -> tuple[Decimal, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(u.area_sqm), COUNT(*) FROM parks_unit u WHERE u.lettable"
                " AND (u.archived_at IS NULL OR u.archived_at >= %s)",
                [day_end],
            )
            cursor.fetchone()
            cursor.execute(
                "SELECT SUM(s.area_sqm), COUNT(DISTINCT s.unit_id) FROM leasing_contractspace s"
                " JOIN parks_unit u ON u.id = s.unit_id WHERE s.occupies AND u.lettable"
                " AND s.start_on <= %s AND (s.end_on IS NULL OR s.end_on >= %s)",
                [day, day],
            )
            area, units = cursor.fetchone()
        return Decimal(str(area or 0)), int(units)

    def check(s: Any, f: Any) -> None:
        assert s[1] == f[1], f"occupied units {s} != raw SQL {f}"
        assert abs(s[0] - f[0]) < Decimal("0.01"), f"occupied area {s} != raw SQL {f}"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: stock + lines in force on the day",
        # The target here is absolute (< 1 s on SQLite at full scale), not a ratio.
        target_ratio=None,
        check=check,
        notes=f"{_counts()}; issue target: < 1 s absolute on SQLite (see subject ms)",
    )
