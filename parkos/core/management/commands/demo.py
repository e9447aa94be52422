"""Load the demo data: portfolio, enterprises and demo logins. Idempotent: run twice, nothing doubles."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# Each app that has demo data exposes `load_demo(scale, stdout)` in its demo module, run in this order.
DEMO_LOADERS = (
    "parkos.parks.demo",
    "parkos.enterprises.demo",
    "parkos.investment.demo",
    "parkos.leasing.demo",
    "parkos.statistics.demo",
    "parkos.portal.demo",
)


class Command(BaseCommand):
    help = "加载演示数据（幂等）：园区组合、企业库与演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", choices=["demo", "full"], default="demo", help="demo：默认规模；full：95个园区、22万家企业"
        )
        parser.add_argument(
            "--reset-logins",
            action="store_true",
            help="在并非由 demo 创建的数据库上也创建演示账号并重置其密码（含管理员）",
        )

    def handle(self, *args: Any, scale: str, reset_logins: bool = False, **options: Any) -> None:
        from parkos.accounts.demo import load_demo_users
        from parkos.accounts.models import User
        from parkos.core.db import refresh_planner_statistics
        from parkos.core.models import DemoDatabase
        from parkos.parks.models import Park

        # A database demo created is one it found empty; on any other, accounts are someone's real ones.
        if not DemoDatabase.objects.exists() and not User.objects.exists() and not Park.objects.exists():
            DemoDatabase.objects.create()
        ours = DemoDatabase.objects.exists()

        for module_name in DEMO_LOADERS:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise
                continue
            module.load_demo(scale=scale, stdout=self.stdout)
        refresh_planner_statistics()
        flagship = Park.objects.order_by("pk").filter(code="CQ-BIO-01").first() or Park.objects.order_by("pk").first()
        if not (ours or reset_logins):
            self.stdout.write(
                self.style.WARNING(
                    "该数据库并非由 demo 创建：未创建或重置任何登录账号（如确需演示账号，请加 --reset-logins）。\n"
                    "This database was not created by demo: no login was created or reset (--reset-logins to do so)."
                )
            )
            return
        logins = load_demo_users(flagship)
        self.stdout.write(self.style.SUCCESS("演示账号 / demo logins:"))
        for login in logins:
            self.stdout.write(f"  {login.role.label!s:<10} {login.username} / {login.password}")
