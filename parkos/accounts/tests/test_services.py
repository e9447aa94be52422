import pytest
from django.core.exceptions import ValidationError

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.accounts.services import user_create, user_set_role_and_parks
from parkos.core.models import AuditEntry


def test_user_create_records_audit(alice, park_a):
    user = user_create(
        username="zhang", password="Blue-Ginkgo-2026", role=Role.LEASING_MANAGER, parks=[park_a], actor=alice
    )
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert entry.actor == alice
    assert entry.changes == {"role": "leasing_manager", "parks": [park_a.pk]}


def test_user_create_rejects_bad_username_and_writes_nothing(alice):
    with pytest.raises(ValidationError):
        user_create(username="bad name!", password="x", role=Role.LEASING_MANAGER, actor=alice)
    assert not User.objects.filter(username="bad name!").exists()
    assert AuditEntry.objects.count() == 0


def test_set_role_and_parks_audits_old_and_new(alice, bob, park_a, park_b):
    user_set_role_and_parks(user=bob, role=Role.LEASING_MANAGER, parks=[park_b], actor=alice)
    bob.refresh_from_db()
    assert bob.role == Role.LEASING_MANAGER
    assert list(bob.parks.all()) == [park_b]
    entry = AuditEntry.objects.get(object_id=str(bob.pk))
    assert entry.changes == {"role": ["park_manager", "leasing_manager"], "parks": [[park_a.pk], [park_b.pk]]}
