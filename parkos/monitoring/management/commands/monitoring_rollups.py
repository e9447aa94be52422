"""Rebuild rollups from the readings: `manage.py monitoring_rollups [--meter ID ...] [--since 2026-01-01]`.

The ingestion keeps rollups up to date; this is for repair and after bulk loads outside it.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from parkos.monitoring import storage


class Command(BaseCommand):
    help = "由读数重建小时、日、月汇总。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--meter", type=int, action="append", help="表计 id（可重复；默认全部）")
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="从这一天（本地）起")

    def handle(self, *args: object, meter: list[int] | None, since: datetime.date | None, **options: object) -> None:
        since = since
        start = storage.local_midnight(since) if since else None
        with transaction.atomic():
            storage.rebuild_rollups(meter_ids=meter, start=start)
        self.stdout.write("rollups rebuilt")
