"""Demo logins: an operator admin and one person per role, assigned to the flagship park."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from parkos.accounts.choices import Role
from parkos.accounts.models import User

if TYPE_CHECKING:
    from parkos.parks.models import Park


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    display_name: str


DEMO_PASSWORD = "parkos-demo"  # noqa: S105 - printed by `make demo`, documented in the README

DEMO_USERS: tuple[DemoLogin, ...] = (
    DemoLogin("manager", DEMO_PASSWORD, Role.PARK_MANAGER, "李园长"),
    DemoLogin("investment", DEMO_PASSWORD, Role.INVESTMENT_OFFICER, "王招商"),
    DemoLogin("leasing", DEMO_PASSWORD, Role.LEASING_MANAGER, "陈租赁"),
    DemoLogin("services", DEMO_PASSWORD, Role.SERVICES_OFFICER, "刘服务"),
    DemoLogin("facilities", DEMO_PASSWORD, Role.FACILITIES_OPERATOR, "赵运维"),
    DemoLogin("tenant", DEMO_PASSWORD, Role.ENTERPRISE_USER, "企业填报员"),
)


def demo_logins() -> list[DemoLogin]:
    """The operator admin (from settings) and one login per role, as `make demo` prints them."""
    admin = DemoLogin(settings.DEMO_ADMIN_USERNAME, settings.DEMO_ADMIN_PASSWORD, Role.OPERATOR_ADMIN, "平台管理员")
    return [admin, *DEMO_USERS]


@transaction.atomic
def load_demo_users(flagship: Park | None) -> list[DemoLogin]:
    """Create or refresh the demo logins; running twice changes nothing."""
    admin, _created = User.objects.get_or_create(
        username=settings.DEMO_ADMIN_USERNAME,
        defaults={"role": Role.OPERATOR_ADMIN, "display_name": "平台管理员"},
    )
    admin.role = Role.OPERATOR_ADMIN
    admin.is_staff = admin.is_superuser = True
    admin.set_password(settings.DEMO_ADMIN_PASSWORD)
    admin.save()
    logins = [DemoLogin(admin.username, settings.DEMO_ADMIN_PASSWORD, Role.OPERATOR_ADMIN, admin.display_name)]
    for spec in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=spec.username)
        user.role = spec.role
        user.display_name = spec.display_name
        user.set_password(spec.password)
        user.save()
        if flagship is not None and spec.role != Role.ENTERPRISE_USER:
            user.parks.set([flagship])
        logins.append(spec)
    return logins
