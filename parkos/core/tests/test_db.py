"""`core.db`: the `any_of` lookup and `fetch_rows`, on whichever database the suite runs."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.db.backends.sqlite3 import base as sqlite_base
from django.db.models import Count, Max

from parkos.core.db import fetch_rows, sqlite_decimal
from parkos.enterprises.models import Enterprise
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.parks.models import Park
from parkos.statistics.models import MonthlyReport

pytestmark = pytest.mark.django_db


def test_any_of_matches_in_on_keys_and_foreign_keys(park_a, park_b):
    enterprises = [EnterpriseFactory(parks=[park]) for park in (park_a, park_b, park_a)]
    wanted = [enterprises[0].pk, enterprises[2].pk, 10**9]  # an id that does not exist
    assert set(Enterprise.objects.filter(pk__any_of=wanted).values_list("pk", flat=True)) == set(wanted[:2])
    assert set(Park.objects.filter(pk__any_of=[park_b.pk])) == {park_b}
    through = Enterprise.parks.through.objects
    assert set(through.filter(park__any_of=[park_a.pk]).values_list("enterprise_id", flat=True)) == set(wanted[:2])
    assert list(Enterprise.objects.filter(pk__any_of=[])) == []
    sql = str(Enterprise.objects.filter(pk__any_of=wanted).query)
    assert ("= ANY(" in sql) == (connection.vendor == "postgresql")
    # Ids go to PostgreSQL as one text array; other values as an array of their type.
    named = Enterprise.objects.filter(name__any_of=[enterprises[1].name, "没有这家企业"])
    assert list(named.values_list("pk", flat=True)) == [enterprises[1].pk]
    big = [*wanted, 2**40]  # beyond a 32-bit key: compared as bigint, no overflow
    assert set(Enterprise.objects.filter(pk__any_of=big).values_list("pk", flat=True)) == set(wanted[:2])


def test_fetch_rows_converts_only_where_asked(park_a):

    enterprise = EnterpriseFactory(parks=[park_a])
    MonthlyReport.objects.create(park=park_a, enterprise=enterprise, year=2025, month=3, revenue=Decimal("1234.56"))
    queryset = (
        MonthlyReport.objects.filter(park=park_a)
        .values_list("enterprise_id", "year")
        .annotate(rows=Count("pk"), top=Max("revenue"))
        .order_by()
    )
    exact = list(queryset)
    assert fetch_rows(queryset, convert=[3]) == exact == [(enterprise.pk, 2025, 1, Decimal("1234.56"))]
    # Exactly values_list's: the same exponent too (PostgreSQL's decimals pass as the driver gives them).
    assert str(fetch_rows(queryset, convert=[3])[0][3]) == str(exact[0][3])
    raw = fetch_rows(queryset)
    assert raw[0][:3] == exact[0][:3]
    assert Decimal(str(raw[0][3])) == Decimal("1234.56")  # a float on SQLite, a Decimal on PostgreSQL
    assert fetch_rows(queryset.filter(enterprise_id__any_of=[])) == []


def test_sqlite_decimal_converts_as_django_does():
    """The cheap conversion of SQLite's decimal floats gives Django's Decimal, exponent and sign of
    zero included, on cents, sub-cent values and their ties, huge values, integers and None."""
    field = MonthlyReport._meta.get_field("revenue")
    expression = field.get_col(MonthlyReport._meta.db_table)
    ops = sqlite_base.DatabaseWrapper.ops_class(connection)  # whichever database the suite runs on
    functions = [ops.get_decimalfield_converter(expression)]
    fast = sqlite_decimal(field, functions, expression, connection)

    def django(value):
        return functions[0](value, expression, connection)

    rng = random.Random(16)
    values = [None, 0, 0.0, -0.0, -0.001, 0.004, 0.005, 0.015, 2.675, 1.225, -1.235, 7, -12, 10**12, 1e12, -1e13]
    values += [round(rng.uniform(-1e9, 1e9), 2) for _ in range(2000)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(2000)]  # sub-cent: written by something else
    values += [rng.randint(-(10**6), 10**6) / 1000 + 0.005 for _ in range(2000)]  # ties at half a cent
    values += [round(rng.uniform(1e11, 9.99e11), 2) for _ in range(500)]  # near the fast path's limit
    for value in values:
        mine, theirs = fast(value), django(value)
        assert (mine, str(mine)) == (theirs, str(theirs)), value
