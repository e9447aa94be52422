"""The Django admin: every registered model's list and add pages, by persona.

The admin is for superusers (and staff given Django permissions, which ParkOS does not hand out):
anyone else is sent to the admin login, or refused. Every model registered now or later is covered.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.slow
def test_every_admin_page_by_persona(alice, bob, erin):
    root = UserFactory(username="root", role=Role.OPERATOR_ADMIN, is_staff=True, is_superuser=True)
    clients = {"anonymous": _client(None), "bob": _client(bob), "erin": _client(erin), "alice": _client(alice)}
    superuser = _client(root)
    failures = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
        if model_admin.has_add_permission(type("R", (), {"user": root})()):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        for url in urls:
            for name in ("anonymous", "bob", "erin"):  # not staff: the admin login page
                response = clients[name].get(url)
                if response.status_code != 302 or "/admin/login/" not in response.url:
                    failures.append(f"{name} {url}: {response.status_code}")
            # Staff without Django permissions (ParkOS grants none): refused.
            if clients["alice"].get(url).status_code != 403:
                failures.append(f"alice {url}: not refused")
            if superuser.get(url).status_code != 200:
                failures.append(f"superuser {url}: not shown")
    assert not failures, "\n".join(failures)
