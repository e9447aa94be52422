import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from parkos.accounts.access import (
    Capability,
    has_capability,
    require_capability,
    require_park,
    scope_to_parks,
    visible_park_ids,
    visible_parks,
)
from parkos.parks.models import Park


def test_operator_admin_sees_every_park(alice, park_a, park_b):
    assert set(visible_parks(alice)) == {park_a, park_b}
    assert visible_park_ids(alice) is None


def test_park_manager_sees_only_assigned_park(bob, park_a, park_b):
    assert list(visible_parks(bob)) == [park_a]
    assert list(scope_to_parks(bob, Park.objects.all(), "pk")) == [park_a]


def test_enterprise_user_and_anonymous_see_no_park(erin, park_a):

    assert visible_parks(erin).count() == 0
    assert visible_parks(AnonymousUser()).count() == 0


def test_inactive_user_loses_all_access(bob, park_a):
    bob.is_active = False
    bob.save()
    assert visible_parks(bob).count() == 0
    assert not has_capability(bob, Capability.VIEW_PARK)


def test_require_park_answers_404_outside_scope(bob, park_b):
    with pytest.raises(Http404):
        require_park(bob, park_b)


def test_require_capability_denies_role_without_it(carol, park_a):
    require_capability(carol, Capability.MANAGE_LEADS, park_a)
    with pytest.raises(PermissionDenied):
        require_capability(carol, Capability.MANAGE_CONTRACTS, park_a)


@pytest.mark.parametrize(
    ("persona", "capability", "expected"),
    [
        ("alice", Capability.MANAGE_USERS, True),
        ("bob", Capability.MANAGE_USERS, False),
        ("bob", Capability.CHANGE_PARK, True),
        ("carol", Capability.CHANGE_PARK, False),
        ("carol", Capability.VIEW_CONTACT_DETAILS, True),
        ("dave", Capability.MANAGE_CONTRACTS, True),
        ("dave", Capability.MANAGE_LEADS, False),
        ("erin", Capability.VIEW_PARK, False),
    ],
)
def test_role_capabilities(personas, persona, capability, expected):
    assert has_capability(personas[persona], capability) is expected
