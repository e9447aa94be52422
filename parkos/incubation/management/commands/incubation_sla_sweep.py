"""The service desk's SLA sweep: mark breaches, escalate them (in ParkOS and by e-mail), close resolved
requests nobody confirmed. Idempotent; run it every few minutes (cron, or a scheduled task)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from parkos.incubation import desk


class Command(BaseCommand):
    help = "服务申请时限巡检（幂等）：标记超时并升级通知，自动关闭企业未确认的已解决申请。建议每5–15分钟运行一次。"

    def handle(self, *args: object, **options: object) -> None:
        result = desk.sla_sweep()
        self.stdout.write(
            f"response breaches: {result.response_breaches}; resolution breaches: {result.resolution_breaches}; "
            f"auto-closed: {result.auto_closed}"
        )
