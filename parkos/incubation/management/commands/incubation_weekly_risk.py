"""The weekly early-warning list: each park's managers and services officers get its counts and a link.
Idempotent within an ISO week; run it on Monday mornings."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser

from parkos.incubation import services


class Command(BaseCommand):
    help = "每周风险预警（幂等，按自然周）：向各园区总经理和企业服务专员发送本周预警名单。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None, help="按此日期计算（YYYY-MM-DD）")

    def handle(self, *args: object, date: datetime.date | None, **options: object) -> None:
        sent = services.risk_digests_send(as_of=date)
        self.stdout.write(f"weekly risk digests sent: {sent}")
