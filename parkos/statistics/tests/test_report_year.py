"""``ReportYear``: the database keeps one summary per park, enterprise and year equal to the aggregate of
its monthly rows (triggers of migration 0009), whichever way the rows are written. Runs on SQLite and
PostgreSQL alike (CI runs it on both)."""

from __future__ import annotations

import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics.models import MonthlyReport, ReportYear

D = Decimal
YEAR = 2025

pytestmark = pytest.mark.django_db


def summaries() -> dict[tuple[int, int, int], tuple[int, Decimal | None, Decimal | None, bool]]:
    """What the triggers kept."""
    return {
        (s.park_id, s.enterprise_id, s.year): (s.first_month, s.lowest_revenue, s.highest_revenue, s.has_monthly_rows)
        for s in ReportYear.objects.all()
    }


def aggregates() -> dict[tuple[int, int, int], tuple[int, Decimal | None, Decimal | None, bool]]:
    """The same, worked out here from the rows."""
    groups: dict[tuple[int, int, int], list[MonthlyReport]] = {}
    for row in MonthlyReport.objects.all():
        groups.setdefault((row.park_id, row.enterprise_id, row.year), []).append(row)
    result = {}
    for key, rows in groups.items():
        revenues = [row.revenue for row in rows if row.revenue is not None]
        result[key] = (
            min(row.month for row in rows),
            min(revenues) if revenues else None,
            max(revenues) if revenues else None,
            any(not row.is_cumulative for row in rows),
        )
    return result


def report(park, enterprise, month, revenue, *, year=YEAR, cumulative=True) -> MonthlyReport:
    return MonthlyReport(
        park=park, enterprise=enterprise, year=year, month=month, is_cumulative=cumulative, revenue=revenue
    )


def test_each_write_keeps_the_summary_of_its_key(park_a, park_b):
    enterprise = EnterpriseFactory(parks=[park_a])
    march = report(park_a, enterprise, 3, D("300.00"))
    march.save()
    assert summaries() == {(park_a.pk, enterprise.pk, YEAR): (3, D("300.00"), D("300.00"), False)}

    MonthlyReport.objects.bulk_create(
        [report(park_a, enterprise, 2, D("-50.00")), report(park_a, enterprise, 5, None, cumulative=False)]
    )
    assert summaries() == {(park_a.pk, enterprise.pk, YEAR): (2, D("-50.00"), D("300.00"), True)}

    march.revenue = D("900.10")
    march.save(update_fields=["revenue"])
    MonthlyReport.objects.filter(month=5).update(is_cumulative=True)
    assert summaries() == {(park_a.pk, enterprise.pk, YEAR): (2, D("-50.00"), D("900.10"), False)}

    # Moving a row to another park (or year) refreshes both keys.
    MonthlyReport.objects.filter(month=2).update(park=park_b, year=YEAR - 1)
    assert summaries() == {
        (park_a.pk, enterprise.pk, YEAR): (3, D("900.10"), D("900.10"), False),
        (park_b.pk, enterprise.pk, YEAR - 1): (2, D("-50.00"), D("-50.00"), False),
    }

    # A year without any revenue still has a summary (the enterprise reported); the last row deleted
    # takes its summary with it.
    MonthlyReport.objects.filter(month=3).update(revenue=None)
    MonthlyReport.objects.filter(park=park_b).delete()
    assert summaries() == {(park_a.pk, enterprise.pk, YEAR): (3, None, None, False)}
    MonthlyReport.objects.all().delete()
    assert summaries() == {}


def test_a_merge_moves_the_rows_summaries_to_the_enterprise_kept(park_a):
    duplicate, kept = EnterpriseFactory(parks=[park_a]), EnterpriseFactory(parks=[park_a])
    MonthlyReport.objects.bulk_create([report(park_a, duplicate, month, D(month * 100)) for month in (4, 5, 6)])
    MonthlyReport.objects.filter(enterprise=duplicate).update(enterprise=kept)
    assert summaries() == {(park_a.pk, kept.pk, YEAR): (4, D(400), D(600), False)}


def test_a_write_that_fails_leaves_the_summary_as_it_was(park_a):
    enterprise = EnterpriseFactory(parks=[park_a])
    report(park_a, enterprise, 6, D("600.00")).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyReport.objects.bulk_create(
            [report(park_a, enterprise, 1, D("1.00")), report(park_a, enterprise, 6, D(0))]
        )
    assert summaries() == {(park_a.pk, enterprise.pk, YEAR): (6, D("600.00"), D("600.00"), False)}


def test_random_writes_keep_every_summary_equal_to_its_rows(park_a, park_b):
    rng = random.Random(16)
    enterprises = [EnterpriseFactory(parks=[park_a, park_b]) for _ in range(4)]
    parks = [park_a, park_b]
    for _round in range(6):
        taken = set(MonthlyReport.objects.values_list("enterprise_id", "year", "month"))
        fresh = []
        for _ in range(12):
            key = (rng.choice(enterprises), rng.choice((YEAR - 1, YEAR)), rng.randint(1, 12))
            if (key[0].pk, key[1], key[2]) in taken:
                continue
            taken.add((key[0].pk, key[1], key[2]))
            revenue = None if rng.random() < 0.2 else D(rng.randint(-1000, 100_000)) / 100
            fresh.append(report(rng.choice(parks), key[0], key[2], revenue, year=key[1], cumulative=rng.random() < 0.8))
        MonthlyReport.objects.bulk_create(fresh)
        rows = list(MonthlyReport.objects.order_by("pk"))
        changed = rng.sample(rows, min(4, len(rows)))
        for row in changed:
            row.revenue = D(rng.randint(0, 50_000))
            row.is_cumulative = rng.random() < 0.5
            row.park = rng.choice(parks)
        MonthlyReport.objects.bulk_update(changed, ["revenue", "is_cumulative", "park"])
        doomed = [row.pk for row in rng.sample(rows, min(3, len(rows)))]
        MonthlyReport.objects.filter(pk__in=doomed).delete()
        assert summaries() == aggregates()
    assert ReportYear.objects.count() > 4  # the walk did cover several keys


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_enterprise_year_both_count(park_a):
    """A second transaction writing a row of the same enterprise and year waits for the first to
    commit, then counts its rows too (PostgreSQL; SQLite has one writer at a time anyway). Without
    the park's lock it would fail on the unique constraint, or keep a summary without the first's rows."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers")
    enterprise = EnterpriseFactory(parks=[park_a])
    first_wrote, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write(month: int, revenue: Decimal, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                report(park_a, enterprise, month, revenue).save()
                if hold:
                    first_wrote.set()
                    release.wait(10)
        except BaseException as error:  # handed to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=write, args=(3, D(300)), kwargs={"hold": True})
    first.start()
    assert first_wrote.wait(10)
    second = threading.Thread(target=write, args=(1, D(100)), kwargs={"hold": False})
    second.start()
    time.sleep(0.5)  # the second is waiting for the park's lock
    assert second.is_alive()
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    assert summaries() == {(park_a.pk, enterprise.pk, YEAR): (1, D(100), D(300), False)}
