"""`core.db`: the `any_of` lookup and `fetch_rows`, on whichever database the suite runs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Max

from parkos.core.db import fetch_rows
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
    raw = fetch_rows(queryset)
    assert raw[0][:3] == exact[0][:3]
    assert Decimal(str(raw[0][3])) == Decimal("1234.56")  # a float on SQLite, a Decimal on PostgreSQL
    assert fetch_rows(queryset.filter(enterprise_id__any_of=[])) == []
