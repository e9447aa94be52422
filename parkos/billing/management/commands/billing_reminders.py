"""Daily reminders (催缴): every tenant whose arrears reached a reminder level gets that level's notice.

Idempotent (one notice per level per episode of arrears); does nothing on weekends and public holidays,
so a cron entry "every day at 9:00" is enough.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser

from parkos.billing import services


class Command(BaseCommand):
    help = "发送到期的催缴通知（幂等；非工作日不发送）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None, help="按此日期处理（YYYY-MM-DD）")

    def handle(self, *args: object, date: datetime.date | None, **options: object) -> None:
        sent = services.reminders_send_due(today=date)
        self.stdout.write(f"reminders sent: {sent}")
