"""The read replica (Ref: #14): opted-in reads go to the standby, everything else to the primary.

The routing rules are tested everywhere; the tests marked `real_replica` run only when
DATABASE_REPLICA_URL points at a real streaming standby of DATABASE_URL's server (.ci/run starts one
with `pg_basebackup -R`), and prove the reads of an opted-in page are answered by that standby.
"""

import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkos.accounts.models import User
from parkos.core import routing
from parkos.core.routing import REPLICA, ReplicaRouter, replica_reads, using_replica
from parkos.parks.models import Park, Unit
from parkos.parks.tests.factories import ParkFactory, UnitFactory

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """The router's view of a configured replica, for the routing rules alone."""
    monkeypatch.setattr(routing, "replica_configured", lambda: True)


def test_reads_stay_on_the_primary_unless_asked(with_replica):
    assert router.db_for_read(Park) == DEFAULT_DB_ALIAS
    with using_replica():
        assert router.db_for_read(Park) == REPLICA
    assert router.db_for_read(Park) == DEFAULT_DB_ALIAS


def test_access_decisions_and_writes_use_the_primary(with_replica):
    with using_replica():
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS  # roles and logins must be current
        assert router.db_for_write(Park) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "parks") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "parks") is True


def test_without_a_replica_everything_reads_the_primary():
    assert not routing.replica_configured() or REPLICA in settings.DATABASES
    if REPLICA not in settings.DATABASES:
        with using_replica():
            assert router.db_for_read(Park) == DEFAULT_DB_ALIAS


def test_a_transaction_reads_its_own_writes(with_replica, db):
    # The test itself runs in a transaction on the primary, like a service's @transaction.atomic.
    with using_replica(), transaction.atomic():
        assert router.db_for_read(Park) == DEFAULT_DB_ALIAS


def test_the_view_decorator_opts_in_for_the_view_only(with_replica):
    seen: list[str] = []

    @replica_reads
    def view() -> str:
        seen.append(router.db_for_read(Park))
        return "done"

    assert view() == "done"
    assert seen == [REPLICA]
    assert router.db_for_read(Park) == DEFAULT_DB_ALIAS


real_replica = pytest.mark.skipif(
    REPLICA not in settings.DATABASES, reason="needs DATABASE_REPLICA_URL (a streaming standby; .ci/run starts one)"
)


def wait_until_on_replica(queryset, timeout: float = 30) -> None:
    """Until the standby answers `queryset` with a row: replaying up to the primary's LSN is not always
    enough for the row to be visible in the standby's next snapshot at once (seen in CI)."""
    deadline = time.monotonic() + timeout
    while not queryset.using(REPLICA).exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"the replica did not show {queryset.model.__name__} within {timeout} s")
        time.sleep(0.05)


def wait_for_replica(timeout: float = 30) -> None:
    """Until the standby has replayed everything the primary has written so far."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while True:
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
        except OperationalError:  # the test database may not have reached the standby yet
            connections[REPLICA].close()
        if time.monotonic() > deadline:
            raise AssertionError(f"the replica did not replay up to {target} within {timeout} s")
        time.sleep(0.05)


@real_replica
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_replica_is_a_read_only_standby_that_follows_the_primary():
    park = ParkFactory(code="RPL-1", name="只读副本园")
    wait_for_replica()
    wait_until_on_replica(Park.objects.filter(code="RPL-1"))
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with using_replica(), CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert Park.objects.get(code="RPL-1").name == "只读副本园"
        # A write inside an opted-in block still goes to the primary (the standby would refuse it).
        park.name = "只读副本园（改）"
        park.save()
    assert [q["sql"] for q in on_replica.captured_queries if "parks_park" in q["sql"]]
    assert Park.objects.get(code="RPL-1").name == "只读副本园（改）"


@real_replica
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_an_opted_in_page_reads_the_replica_and_others_the_primary(client_for):
    unit = UnitFactory(code="RPL-101")
    client = client_for("alice")
    wait_for_replica()
    wait_until_on_replica(Unit.objects.filter(code="RPL-101"))
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        search = client.get(reverse("parks:availability"), {"q": "RPL-101"})
    assert search.status_code == 200
    assert "RPL-101" in search.content.decode()
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "parks_unit" in replica_sql
    assert "django_session" not in replica_sql  # who is asking is decided on the primary
    assert "accounts_" not in replica_sql
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        detail = client.get(reverse("parks:unit_detail", args=[unit.pk]))
    assert detail.status_code == 200
    assert on_replica.captured_queries == []
