"""Inventory: the availability search against the raw SQL query with the same filters."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from bench.harness import Case, benchmark
from parkos.accounts.access import scope_to_parks
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.core.db import refresh_planner_statistics
from parkos.parks import selectors
from parkos.parks.demo import load_demo
from parkos.parks.filtersets import UnitFilterSet
from parkos.parks.models import Unit

SEARCHES: dict[str, dict[str, Any]] = {
    # The search: 2,000–3,000 m², floor load ≥ 8, clear height ≥ 6 m, 丙 allowed, in Chongqing.
    "chongqing": {"city": "重庆市", "area_min": "2000", "area_max": "3000", "floor_load_min": "8",
                  "clear_height_min": "6", "fire_class": "bing"},
    # A broad search over the whole portfolio: ≥ 500 m², 丙 allowed.
    "portfolio": {"area_min": "500", "fire_class": "bing"},
}  # fmt: skip
PAGE = 100


def _ensure_portfolio(scale: str) -> None:

    load_demo(scale="full" if scale == "full" else "demo")
    refresh_planner_statistics()


def _admin():

    user, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.OPERATOR_ADMIN})
    return user


def _raw_sql(params: dict[str, Any], day: datetime.date) -> tuple[str, list[Any]]:
    where = [
        "u.archived_at IS NULL",
        "u.lettable",
        "NOT (u.occupancy <> 'vacant' AND u.occupied_from <= %s AND (u.occupied_until IS NULL OR u.occupied_until >= %s))",
        "(u.reserved_until IS NULL OR u.reserved_until < %s)",
        "(u.available_from IS NULL OR u.available_from <= %s)",
        "u.design_fire_class IN ('jia', 'yi', 'bing')",
    ]
    args: list[Any] = [day, day, day, day]
    if "city" in params:
        where.append("p.city = %s")
        args.append(params["city"])
    for key, column, op in (
        ("area_min", "u.area_sqm", ">="),
        ("area_max", "u.area_sqm", "<="),
        ("floor_load_min", "f.floor_load_kn_m2", ">="),
        ("clear_height_min", "f.clear_height_m", ">="),
    ):
        if key in params:
            where.append(f"{column} {op} %s")
            args.append(params[key])
    sql = (
        "SELECT u.id, u.code, u.area_sqm, u.power_kva, u.rent_yuan_per_sqm_month, f.level, f.floor_load_kn_m2,"
        " f.clear_height_m, b.code, p.name, p.city FROM parks_unit u"
        " JOIN parks_floor f ON f.id = u.floor_id JOIN parks_building b ON b.id = u.building_id"
        " JOIN parks_park p ON p.id = u.park_id WHERE " + " AND ".join(where)
    )
    return sql, args


def _make(name: str, scale: str) -> Case:

    _ensure_portfolio(scale)
    params = SEARCHES[name]
    user = _admin()
    request = RequestFactory().get("/parks/availability/", params)
    request.user = user
    day = timezone.localdate()
    sql, args = _raw_sql(params, day)

    def subject() -> list[int]:
        # What the availability page and /api/parks/units/ do: scope, FilterSet, one page + count.
        fs = UnitFilterSet(request.GET, queryset=scope_to_parks(user, Unit.objects.all()), request=request)
        queryset = selectors.unit_search(fs.qs).order_by("park__city", "pk")
        count = queryset.count()
        rows = [(u.pk, u.code, u.floor.level, u.building.code, u.park.name) for u in queryset[:PAGE]]
        return [count, *(r[0] for r in rows)]

    def floor() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) t", args)
            count = cursor.fetchone()[0]
            cursor.execute(sql + f" ORDER BY p.city, u.id LIMIT {PAGE}", args)
            rows = cursor.fetchall()
        return [count, *(r[0] for r in rows)]

    def check(subject_value: list[int], floor_value: list[int]) -> None:
        assert subject_value == floor_value, "search and raw SQL disagree"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL, same filters (count + page)",
        target_ratio=3.0,
        check=check,
        notes=f"{Unit.objects.count()} units in {Unit.objects.values('park').distinct().count()} parks; {count_of(sql, args)} match",
    )


def count_of(sql: str, args: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) t", args)
        return int(cursor.fetchone()[0])


@benchmark("parks.availability_chongqing")
def availability_chongqing(scale: str) -> Case:
    return _make("chongqing", scale)


@benchmark("parks.availability_portfolio")
def availability_portfolio(scale: str) -> Case:
    return _make("portfolio", scale)
