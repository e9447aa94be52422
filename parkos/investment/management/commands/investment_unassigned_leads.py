"""Daily: tell the managers about leads left unassigned for one working day. Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from parkos.investment import services


class Command(BaseCommand):
    help = "每日：线索超过一个工作日未分配时通知运营管理员和园区总经理（可重复运行，不重复通知）。"

    def handle(self, *args: object, **options: object) -> None:
        sent = services.unassigned_leads_notify()
        self.stdout.write(self.style.SUCCESS(f"notifications: {sent}"))
