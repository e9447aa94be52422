"""Daily leasing housekeeping: free spaces of ended contracts, mark tenants whose every contract has
ended as former tenants, and create due renewal tasks.

Idempotent: run it as often as you like (cron or a scheduled task, once a day is enough); a second run
on the same day changes nothing. Tasks fall due on Chinese working days (see parkos.core.workdays).
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser

from parkos.leasing import services


class Command(BaseCommand):
    help = "租售合同日常处理（幂等）：到期合同释放空间，合同全部到期的企业转为已迁出企业，生成到期前的续签任务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None, help="按此日期处理（YYYY-MM-DD）")

    def handle(self, *args: object, date: datetime.date | None, **options: object) -> None:
        freed = services.contract_end_expired(today=date)
        left = services.tenancies_end_expired(today=date)
        created = services.renewal_tasks_create_due(today=date)
        self.stdout.write(f"spaces refreshed: {freed}; former tenants: {left}; renewal tasks created: {created}")
