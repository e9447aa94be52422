from decimal import Decimal

import pytest
from django.db import transaction

from parkos.core.audit import audit_record, model_changes, save_audited, snapshot
from parkos.core.models import AuditAction, AuditEntry
from parkos.parks.services import park_update
from parkos.parks.tests.factories import ParkFactory


def test_audit_refuses_to_write_outside_a_transaction(transactional_db):

    park_a = ParkFactory()
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action=AuditAction.OTHER, obj=park_a)


def test_audit_rolls_back_with_the_change(db, alice, park_a):
    class Boom(Exception):
        pass

    def change_then_fail():
        with transaction.atomic():
            park_update(park=park_a, actor=alice, name="新名字")
            assert AuditEntry.objects.count() == 1
            raise Boom

    with pytest.raises(Boom):
        change_then_fail()
    assert AuditEntry.objects.count() == 0
    park_a.refresh_from_db()
    assert park_a.name != "新名字"


def test_update_records_only_changed_fields(db, alice, park_a):
    park_update(park=park_a, actor=alice, name="新名字", city=park_a.city)
    entry = AuditEntry.objects.get()
    assert entry.changes == {"name": ["重庆国际生物城A园", "新名字"]}
    assert entry.park_id_ref == park_a.pk
    assert entry.actor_repr == "alice"


def test_model_changes_handles_decimals():

    assert model_changes({"a": Decimal("1.0")}, {"a": Decimal("2.5")}) == {"a": ["1.0", "2.5"]}


def test_save_audited_records_create_then_only_real_changes(db, alice, park_a):

    before = snapshot(park_a)
    save_audited(park_a, actor=alice, before=before, park_id=park_a.pk)
    assert AuditEntry.objects.count() == 0  # nothing changed, nothing recorded
    park_a.name = "重庆国际生物城"
    save_audited(park_a, actor=alice, before=before, park_id=park_a.pk)
    entry = AuditEntry.objects.get()
    assert entry.action == "update"
    assert entry.changes == {"name": ["重庆国际生物城A园", "重庆国际生物城"]}
