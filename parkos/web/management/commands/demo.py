"""Load the demo data: portfolio, enterprises and demo logins. Idempotent: run twice, nothing doubles."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from parkos.accounts.demo import demo_logins
from parkos.core.db import refresh_planner_statistics
from parkos.web import demo


class Command(BaseCommand):
    help = "加载演示数据（幂等）：园区组合、企业库与演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", choices=["demo", "full"], default="demo", help="demo：默认规模；full：95个园区、22万家企业"
        )

    def handle(self, *args: object, scale: str, **options: object) -> None:
        for loader in demo.loaders():
            loader.load(scale=scale, stdout=self.stdout)
        refresh_planner_statistics()
        self.stdout.write(self.style.SUCCESS("演示账号 / demo logins:"))
        for login in demo_logins():
            self.stdout.write(f"  {login.role.label!s:<10} {login.username} / {login.password}")
