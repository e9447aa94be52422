"""Load the demo data: portfolio, enterprises and demo logins. Idempotent: run twice, nothing doubles."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from parkos.accounts.demo import demo_logins
from parkos.accounts.models import User
from parkos.core.db import refresh_planner_statistics
from parkos.core.models import AuditEntry, DemoDatabase
from parkos.web import demo

#: The loader that creates the demo logins and sets their printed passwords (registered by parks).
LOGINS_LOADER = "logins"


class Command(BaseCommand):
    help = "加载演示数据（幂等）：园区组合、企业库与演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=["flagship", "demo", "full"],
            default="demo",
            help="demo：默认规模；full：95个园区、22万家企业；flagship：仅旗舰园区（测试用）",
        )
        parser.add_argument(
            "--reset-logins",
            action="store_true",
            help="在并非由 demo 创建的数据库上也创建演示账号并重置其密码（含管理员）",
        )

    def handle(self, *args: object, scale: str, reset_logins: bool = False, **options: object) -> None:
        # A database demo created is one it found empty; on any other, the accounts are someone's real ones
        # and get no known password unless asked (Ref: #13).
        if not DemoDatabase.objects.exists() and not User.objects.exists() and not AuditEntry.objects.exists():
            DemoDatabase.objects.create()
        logins_allowed = reset_logins or DemoDatabase.objects.exists()
        for loader in demo.loaders():
            if loader.name == LOGINS_LOADER and not logins_allowed:
                continue
            loader.load(scale=scale, stdout=self.stdout)
        refresh_planner_statistics()
        if not logins_allowed:
            self.stdout.write(
                self.style.WARNING(
                    "该数据库并非由 demo 创建：未创建或重置任何登录账号（如确需演示账号，请加 --reset-logins）。\n"
                    "This database was not created by demo: no login was created or reset (--reset-logins to do so)."
                )
            )
            return
        self.stdout.write(self.style.SUCCESS("演示账号 / demo logins:"))
        for login in demo_logins():
            self.stdout.write(f"  {login.role.label!s:<10} {login.username} / {login.password}")
