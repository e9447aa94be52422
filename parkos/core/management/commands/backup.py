"""`manage.py backup [--dir DIR] [--keep N]`: a backup that restores (parkos.core.backups), then retention."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkos.core.backups import BackupError, create_backup, prune_backups, read_manifest


class Command(BaseCommand):
    help = "备份数据库与媒体文件（附清单：各表行数与校验和），并只保留最近 N 份。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="备份目录（默认 BACKUP_DIR）")
        parser.add_argument("--keep", type=int, default=None, help="保留最近几份（默认 BACKUP_KEEP；0 不删除）")

    def handle(self, *args: object, dir: Path | None, keep: int | None, **options: object) -> None:
        directory = dir or Path(settings.BACKUP_DIR)
        try:
            path = create_backup(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = read_manifest(path)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"backup: {path} ({manifest['engine']}, {len(manifest['tables'])} tables, {rows} rows, "
            f"{manifest['files']['media']['files']} media files)"
        )
        for old in prune_backups(directory=directory, keep=settings.BACKUP_KEEP if keep is None else keep):
            self.stdout.write(f"removed old backup: {old}")
