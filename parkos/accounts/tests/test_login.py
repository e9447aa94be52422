import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from parkos.accounts.tests.factories import PASSWORD


def _login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def test_login_page_is_chinese_by_default(db):
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "登录 ParkOS" in page
    assert "用户名" in page


def test_successful_login_redirects_to_dashboard(bob):
    client = Client()
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("web:dashboard")
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_wrong_password_gets_clear_chinese_error_and_is_recorded(bob):
    response = _login(Client(), "bob", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()

    assert AccessAttempt.objects.get(username="bob").failures_since_start == 1


def test_wrong_password_in_english_when_switched(bob):
    client = Client(headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    response = _login(client, "bob", "wrong")
    assert "Incorrect username or password" in response.content.decode()


def test_empty_login_form_gets_field_errors_not_500(db):
    response = _login(Client(), "", "")
    assert response.status_code == 200
    assert "该字段是必填项" in response.content.decode()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_throttling_locks_out_even_the_right_password(bob):
    client = Client()
    for _ in range(3):
        _login(client, "bob", "wrong")
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_success_clears_failures(bob):
    client = Client()
    _login(client, "bob", "wrong")
    _login(client, "bob", PASSWORD)

    assert not AccessAttempt.objects.filter(username="bob").exists()


def test_logout_requires_post_and_logs_out(bob):
    client = Client()
    client.force_login(bob)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_password_change_validates_in_chinese(bob):
    client = Client()
    client.force_login(bob)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "此密码太短" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Blue-Ginkgo-2026", "new_password2": "Blue-Ginkgo-2026"},
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("Blue-Ginkgo-2026")


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_switch_park_to_assigned_park(client_for, park_a, persona):
    client = client_for(persona)
    response = client.post(reverse("accounts:switch_park"), {"park": park_a.pk, "next": "/"}, follow=True)
    assert response.status_code == 200
    assert "已切换到园区：" + park_a.name in response.content.decode()
    assert client.session["parkos_active_park"] == park_a.pk


def test_switch_park_refuses_unassigned_park(client_for, park_b):
    client = client_for("bob")
    response = client.post(reverse("accounts:switch_park"), {"park": park_b.pk}, follow=True)
    assert "无法切换到该园区" in response.content.decode()
    assert "parkos_active_park" not in client.session


def test_switch_park_ignores_foreign_redirect(client_for, park_a):
    response = client_for("bob").post(
        reverse("accounts:switch_park"), {"park": park_a.pk, "next": "https://evil.example/"}
    )
    assert response.url == reverse("web:dashboard")


def test_revoked_assignment_clears_active_park(client_for, bob, park_a):
    client = client_for("bob")
    client.post(reverse("accounts:switch_park"), {"park": park_a.pk})
    bob.parks.clear()
    client.get(reverse("web:dashboard"))
    assert "parkos_active_park" not in client.session
