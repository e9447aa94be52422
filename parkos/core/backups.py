"""Backups that restore: the database, the media files, and a manifest to check both against.

A backup is a directory `parkos-YYYYMMDD-HHMMSS/` under BACKUP_DIR, written under a temporary name and
renamed when complete (a crashed backup never looks like a backup):

- `database.sqlite3` (SQLite's online backup API: a consistent copy while ParkOS runs) or
  `database.dump` (PostgreSQL `pg_dump -Fc`, taken in an exported snapshot);
- `media.tar.gz`: every uploaded file (imports, photos, reports);
- `manifest.json`: format, time, engine, the applied migrations (the schema version), each file's
  size and SHA-256, and every table's row count and checksum. On PostgreSQL the counts and checksums
  are read in the same snapshot `pg_dump` dumps, so they describe exactly what is in the dump.

Restoring checks the files' checksums, refuses a backup whose applied migrations differ from this
ParkOS's migrations (restore with the version that made it, then migrate), restores into an empty
database (PostgreSQL: `pg_restore` into a new database; SQLite: a new file) and the media directory,
then recounts every table and compares count and checksum with the manifest.

A table's checksum is the sum, modulo 2²⁵⁶, of the SHA-256 of each row: independent of row order (no
sort of large tables), equal exactly when the multiset of rows is.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
PREFIX = "parkos-"
_MODULUS = 1 << 256


class BackupError(Exception):
    """A backup that cannot be made or restored; the message says why, in the user's language."""


@dataclass(frozen=True)
class TableStat:
    rows: int
    checksum: str


# --- Fingerprints ---------------------------------------------------------------------------------


def _row_digest(row: Iterable[Any]) -> int:
    values = tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
    return int.from_bytes(hashlib.sha256(repr(values).encode()).digest(), "big")


def _table_stat(cursor: sqlite3.Cursor | CursorWrapper, quoted_table: str) -> TableStat:
    cursor.execute(f"SELECT * FROM {quoted_table}")  # noqa: S608 - a table name from introspection, quoted
    rows, total = 0, 0
    while batch := cursor.fetchmany(2000):
        for row in batch:
            total = (total + _row_digest(row)) % _MODULUS
            rows += 1
    return TableStat(rows=rows, checksum=f"{total:064x}")


def sqlite_fingerprint(path: Path) -> dict[str, TableStat]:
    """Counts and checksums of every table of a SQLite file, read with the plain driver."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # FTS5 shadow tables are rebuilt from their content; their bytes are compared through the file checksum.
        return {table: _table_stat(db.cursor(), '"' + table.replace('"', '""') + '"') for table in tables}


def postgresql_fingerprint(conn: BaseDatabaseWrapper) -> dict[str, TableStat]:
    """Counts and checksums of every table of the connection's database (in its current transaction)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [name for (name,) in cursor.fetchall()]
        return {table: _table_stat(cursor, conn.ops.quote_name(table)) for table in tables}


def applied_migrations(conn: BaseDatabaseWrapper) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def code_migrations() -> list[str]:
    """The migrations of this ParkOS (on disk): what a database must have applied to match it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.disk_migrations)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- Backup ---------------------------------------------------------------------------------------


def _server_version() -> int:
    """The PostgreSQL server's version number (150004 for 15.4)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0])


def _pg_tool(name: str, server_version: int) -> str:
    """pg_dump/pg_restore of the server's major version (an older one refuses a newer server)."""
    if bin_dir := os.environ.get("PG_BIN_DIR"):
        return str(Path(bin_dir) / name)
    candidate = Path(f"/usr/lib/postgresql/{server_version // 10000}/bin/{name}")
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


def _pg_env(conn: BaseDatabaseWrapper) -> tuple[list[str], dict[str, str]]:
    params = conn.settings_dict
    args = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return args, env


def _backup_postgresql(target: Path) -> tuple[dict[str, TableStat], list[str]]:
    # One snapshot for the dump, the counts and the migrations: exported by a repeatable-read
    # transaction that stays open while pg_dump reads it.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        args, env = _pg_env(connection)
        dump = subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
            [
                _pg_tool("pg_dump", _server_version()),
                "-Fc",
                "--no-owner",
                "--snapshot",
                snapshot,
                "-f",
                str(target),
                *args,
            ],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            tables = postgresql_fingerprint(connection)
            migrations = applied_migrations(connection)
        finally:
            _out, err = dump.communicate()
        if dump.returncode != 0:
            raise BackupError(_("pg_dump 失败：%(error)s") % {"error": err.strip()[-2000:]})
    return tables, migrations


def _backup_sqlite(target: Path) -> tuple[dict[str, TableStat], list[str]]:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)  # the online backup API: consistent while others write
    with closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as db:
        migrations = [f"{a}.{n}" for a, n in db.execute("SELECT app, name FROM django_migrations ORDER BY app, name")]
    return sqlite_fingerprint(target), migrations


def _archive_media(target: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w:gz", compresslevel=1) as archive:  # uploads are mostly compressed already
        if media.exists():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media)))
                    count += 1
    return count


def _file_entry(path: Path, **extra: object) -> dict[str, Any]:
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path), **extra}


def create_backup(*, directory: Path) -> Path:
    """Write a complete backup under `directory`; returns its path (see the module docstring)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.now()
    name = f"{PREFIX}{now.astimezone(datetime.UTC):%Y%m%d-%H%M%S}"
    final = directory / name
    if final.exists():
        raise BackupError(_("备份 %(name)s 已存在。") % {"name": name})
    partial = directory / f".partial-{name}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        if connection.vendor == "postgresql":
            database = partial / "database.dump"
            tables, migrations = _backup_postgresql(database)
        else:
            database = partial / "database.sqlite3"
            tables, migrations = _backup_sqlite(database)
        media = partial / MEDIA_ARCHIVE
        media_files = _archive_media(media)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "host": socket.gethostname(),
            "engine": connection.vendor,
            "migrations": migrations,
            "files": {"database": _file_entry(database), "media": _file_entry(media, files=media_files)},
            "tables": {table: asdict(stat) for table, stat in tables.items()},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def backups_in(directory: Path) -> list[Path]:
    """Complete backups in `directory`, oldest first."""
    if not directory.exists():
        return []
    return sorted(p for p in directory.iterdir() if p.name.startswith(PREFIX) and (p / MANIFEST).exists())


def prune_backups(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    doomed = backups_in(directory)[:-keep] if keep > 0 else []
    for path in doomed:
        shutil.rmtree(path)
    return doomed


# --- Restore --------------------------------------------------------------------------------------


def read_manifest(backup: Path) -> dict[str, Any]:
    path = backup / MANIFEST
    if not path.exists():
        raise BackupError(_("%(path)s 不是 ParkOS 备份（缺少 manifest.json）。") % {"path": backup})
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(_("不支持的备份格式：%(format)s。") % {"format": manifest.get("format")})
    return manifest


def check_files(backup: Path, manifest: dict[str, Any]) -> None:
    for entry in manifest["files"].values():
        path = backup / entry["name"]
        if not path.exists() or _sha256(path) != entry["sha256"]:
            raise BackupError(_("备份文件 %(name)s 缺失或已损坏（校验和不符），无法恢复。") % {"name": entry["name"]})


def check_schema(manifest: dict[str, Any]) -> None:
    """Refuse a backup made by a ParkOS with other migrations: its tables would not match this code."""
    theirs, ours = set(manifest["migrations"]), set(code_migrations())
    if theirs == ours:
        return
    missing = sorted(ours - theirs)
    extra = sorted(theirs - ours)
    details = []
    if missing:
        details.append(_("备份中未应用的迁移：%(list)s") % {"list": ", ".join(missing[:10])})
    if extra:
        details.append(_("本程序没有的迁移：%(list)s") % {"list": ", ".join(extra[:10])})
    raise BackupError(
        _("备份的数据库结构版本与当前 ParkOS 不一致，拒绝恢复。请用制作该备份的 ParkOS 版本恢复，再运行 migrate 升级。")
        + " "
        + "；".join(details)
    )


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


@contextmanager
def _no_django_connection() -> Iterator[None]:
    connection.close()
    try:
        yield
    finally:
        connection.close()


def _restore_postgresql(dump: Path) -> dict[str, TableStat]:
    args, env = _pg_env(connection)
    connection.ensure_connection()
    tool = _pg_tool("pg_restore", _server_version())
    with _no_django_connection():
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            [tool, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", *args, str(dump)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise BackupError(_("pg_restore 失败：%(error)s") % {"error": result.stderr.strip()[-2000:]})
    with transaction.atomic():
        return postgresql_fingerprint(connection)


def _restore_sqlite(copy: Path) -> dict[str, TableStat]:
    target = Path(connection.settings_dict["NAME"])
    with _no_django_connection():
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        with (
            closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(target)) as dest,
        ):
            source.backup(dest)
    return sqlite_fingerprint(target)


def _restore_media(archive: Path, *, replace: bool) -> int:
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        if not replace:
            raise BackupError(
                _("媒体目录 %(path)s 不为空；请指定一个空目录，或加 --replace-media 覆盖。") % {"path": media}
            )
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(media, filter="data")  # "data": no absolute paths, links out, or devices
    return sum(1 for m in members if m.isfile())


def restore_backup(*, backup: Path, replace_media: bool = False) -> dict[str, TableStat]:
    """Restore `backup` into the (empty) configured database and the media directory, then verify."""
    manifest = read_manifest(backup)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            _("这是 %(theirs)s 数据库的备份，当前配置的是 %(ours)s。")
            % {"theirs": manifest["engine"], "ours": connection.vendor}
        )
    check_schema(manifest)
    check_files(backup, manifest)
    if not _database_is_empty():
        raise BackupError(
            _("目标数据库 %(name)s 不是空的。请恢复到一个新建的空数据库（见 docs/deployment.md）。")
            % {"name": connection.settings_dict["NAME"]}
        )
    database = backup / manifest["files"]["database"]["name"]
    restored = _restore_postgresql(database) if connection.vendor == "postgresql" else _restore_sqlite(database)
    expected = {table: TableStat(**stat) for table, stat in manifest["tables"].items()}
    if restored != expected:
        differing = sorted(t for t in expected.keys() | restored.keys() if expected.get(t) != restored.get(t))
        raise BackupError(_("恢复后的数据与备份清单不符（表：%(tables)s）。") % {"tables": ", ".join(differing[:10])})
    media_count = _restore_media(backup / MEDIA_ARCHIVE, replace=replace_media)
    if media_count != manifest["files"]["media"]["files"]:
        raise BackupError(_("恢复的媒体文件数与备份清单不符。"))
    return restored
