"""`manage.py restore PATH`: restore a backup into an empty database and verify every table."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkos.core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份恢复到一个空数据库（DATABASE_URL）和媒体目录，并逐表核对行数与校验和。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="备份目录（含 manifest.json）")
        parser.add_argument("--replace-media", action="store_true", help="媒体目录不为空时先清空")

    def handle(self, *args: object, backup: Path, replace_media: bool, **options: object) -> None:
        try:
            tables = restore_backup(backup=backup, replace_media=replace_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(stat.rows for stat in tables.values())
        self.stdout.write(self.style.SUCCESS(f"restored and verified: {len(tables)} tables, {rows} rows"))
