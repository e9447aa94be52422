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

    def handle(self, *args: Any, scale: str, **options: Any) -> None:
        from parkos.accounts.demo import load_demo_users
        from parkos.core.db import refresh_planner_statistics
        from parkos.parks.models import Park

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
        logins = load_demo_users(flagship)
        self.stdout.write(self.style.SUCCESS("演示账号 / demo logins:"))
        for login in logins:
            self.stdout.write(f"  {login.role.label!s:<10} {login.username} / {login.password}")
