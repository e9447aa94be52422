"""Readings partitions and retention: `manage.py monitoring_partitions [--ahead 3] [--drop-expired]`.

PostgreSQL: creates this month's partition and the next `--ahead` ones, and with `--drop-expired`
drops those wholly before the retention cutoff (`MONITORING_RETENTION_MONTHS`). SQLite has no
partitions: `--drop-expired` deletes the expired rows. Rollups are kept. Run it daily (the tick
does the same).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from parkos.monitoring import storage


class Command(BaseCommand):
    help = "读数分区维护：提前创建月分区，按保留期删除过期读数。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=settings.MONITORING_PARTITIONS_AHEAD, help="提前创建的月数")
        parser.add_argument("--retention-months", type=int, default=settings.MONITORING_RETENTION_MONTHS)
        parser.add_argument("--drop-expired", action="store_true", help="删除保留期之前的读数")
        parser.add_argument("--list", action="store_true", help="列出现有分区")

    def handle(
        self, *args: object, ahead: int, retention_months: int, drop_expired: bool, list: bool, **options: object
    ) -> None:
        created = storage.create_partitions_ahead(ahead)
        for month in created:
            self.stdout.write(f"created {storage.partition_name(month)}")
        if drop_expired:
            cutoff = storage.retention_cutoff(months=retention_months)
            for name in storage.drop_expired(cutoff):
                self.stdout.write(f"dropped {name} (before {cutoff:%Y-%m})")
        if list:
            for month in storage.existing_partitions():
                self.stdout.write(storage.partition_name(month))
