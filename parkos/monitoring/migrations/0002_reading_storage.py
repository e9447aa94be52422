"""The readings table as it is stored: WITHOUT ROWID on SQLite, partitioned by month on PostgreSQL.

0001 created `monitoring_reading` as Django would; this recreates it (empty) in its real form. The
model state does not change. Partitions are created by `manage.py monitoring_partitions`, the tick
and the ingestion itself (see parkos/monitoring/storage.py).
"""

from django.db import migrations

COLUMNS = (
    '"meter_id" bigint NOT NULL, "ts" {ts} NOT NULL, "raw" {real} NOT NULL, "value" {real} NULL,'
    ' "quantity" {real} NULL, "flags" smallint NOT NULL CHECK ("flags" >= 0),'
    ' "source" smallint NOT NULL CHECK ("source" >= 0)'
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        columns = COLUMNS.format(ts="datetime", real="real").replace(
            '"meter_id" bigint NOT NULL',
            '"meter_id" bigint NOT NULL REFERENCES "monitoring_meter" ("id") DEFERRABLE INITIALLY DEFERRED',
        )
        schema_editor.execute('DROP TABLE "monitoring_reading"')
        schema_editor.execute(
            f'CREATE TABLE "monitoring_reading" ({columns}, PRIMARY KEY ("meter_id", "ts")) WITHOUT ROWID'
        )
    elif vendor == "postgresql":
        columns = COLUMNS.format(ts="timestamp with time zone", real="double precision")
        schema_editor.execute('DROP TABLE "monitoring_reading"')
        schema_editor.execute(
            f'CREATE TABLE "monitoring_reading" ({columns}, PRIMARY KEY ("meter_id", "ts")) PARTITION BY RANGE ("ts")'
        )
        schema_editor.execute(
            'ALTER TABLE "monitoring_reading" ADD CONSTRAINT "monitoring_reading_meter_id_fk"'
            ' FOREIGN KEY ("meter_id") REFERENCES "monitoring_meter" ("id") DEFERRABLE INITIALLY DEFERRED'
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
