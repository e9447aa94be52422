"""Backups that restore (Ref: #14): a round trip into a new database on SQLite and on PostgreSQL,
every table's count and checksum equal; refusals of a damaged backup, another schema version and a
database that is not empty."""

import json
import sqlite3
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from parkos.core.backups import BackupError, code_migrations, prune_backups, read_manifest, sqlite_fingerprint
from parkos.core.tests.processes import finish, manage, process_env
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.parks.tests.factories import ParkFactory

pytestmark = pytest.mark.slow


@contextmanager
def new_database(tmp_path: Path):
    """An empty database on the same server (PostgreSQL) or a new file (SQLite); yields its URL."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    s = connection.settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def backup(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "imports").mkdir(parents=True)
    (tmp_path / "media" / "imports" / "清单.csv").write_bytes("园区,面积\n甲,1\n".encode())
    park = ParkFactory(code="BK-1", name="备份园")
    EnterpriseFactory.create_batch(5, parks=[park])
    call_command("backup", "--dir", str(tmp_path / "backups"), "--keep", "3", verbosity=0)
    [made] = list((tmp_path / "backups").iterdir())
    return made


def _restore(backup_dir: Path, url: str, var_dir: Path) -> tuple[int, str, str]:
    return finish(manage("restore", str(backup_dir), env=process_env(var_dir, url)))


def test_round_trip_into_a_new_database(backup, tmp_path):
    manifest = read_manifest(backup)
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["parks_park"]["rows"] == 1
    assert manifest["tables"]["enterprises_enterprise"]["rows"] == 5
    assert manifest["files"]["media"]["files"] == 1
    assert set(manifest["migrations"]) == set(code_migrations())
    var_dir = tmp_path / "restored-var"
    with new_database(tmp_path) as url:
        code, out, err = _restore(backup, url, var_dir)
        assert code == 0, err
        # `restore` compared every table's count and checksum with the manifest before saying this.
        assert f"restored and verified: {len(manifest['tables'])} tables" in out
        if connection.vendor == "sqlite":
            restored = sqlite_fingerprint(tmp_path / "restored.sqlite3")
            assert {t: s.rows for t, s in restored.items()} == {t: s["rows"] for t, s in manifest["tables"].items()}
            with closing(sqlite3.connect(tmp_path / "restored.sqlite3")) as db:
                assert db.execute("SELECT name FROM parks_park").fetchall() == [("备份园",)]
    assert (var_dir / "media" / "imports" / "清单.csv").read_text() == "园区,面积\n甲,1\n"


def test_restore_refuses_another_schema_version(backup, tmp_path):
    manifest = read_manifest(backup)
    dropped = manifest["migrations"].pop()  # as if the backup were made before the latest migration
    (backup / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with new_database(tmp_path) as url:
        code, _out, err = _restore(backup, url, tmp_path / "v")
    assert code != 0
    assert "备份的数据库结构版本与当前 ParkOS 不一致" in err
    assert f"备份中未应用的迁移：{dropped}" in err


def test_restore_refuses_a_damaged_backup(backup, tmp_path):
    database = backup / read_manifest(backup)["files"]["database"]["name"]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    with new_database(tmp_path) as url:
        code, _out, err = _restore(backup, url, tmp_path / "v")
    assert code != 0
    assert "缺失或已损坏" in err


def test_restore_refuses_a_database_that_is_not_empty(backup, tmp_path):
    with new_database(tmp_path) as url:
        assert _restore(backup, url, tmp_path / "v1")[0] == 0
        code, _out, err = _restore(backup, url, tmp_path / "v2")
    assert code != 0
    assert "不是空的" in err


def test_retention_keeps_the_newest(tmp_path):
    for stamp in ("20260101-020000", "20260102-020000", "20260103-020000"):
        (tmp_path / f"parkos-{stamp}").mkdir()
        (tmp_path / f"parkos-{stamp}" / "manifest.json").write_text("{}")
    (tmp_path / "unrelated").mkdir()
    removed = prune_backups(directory=tmp_path, keep=2)
    assert [p.name for p in removed] == ["parkos-20260101-020000"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "parkos-20260102-020000",
        "parkos-20260103-020000",
        "unrelated",
    ]


def test_a_backup_that_is_not_one_is_refused(tmp_path):
    with pytest.raises(BackupError, match=r"manifest\.json"):
        read_manifest(tmp_path)
