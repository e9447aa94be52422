# The KPI census reads one row per enterprise, park and year (ReportYear) instead of its monthly
# rows; triggers keep it equal to the aggregate of those rows whatever writes them, on both engines.

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REPORTS = "park_statistics_monthlyreport"
SUMMARY = "park_statistics_reportyear"
KEY = ("park_id", "enterprise_id", "year")
WATCHED = "park_id, enterprise_id, year, month, revenue, is_cumulative"


def _summarise(has_monthly: str, where: str = "") -> str:
    """INSERT … SELECT of the summaries of the rows ``where`` says (all rows without it)."""
    return (
        f"INSERT INTO {SUMMARY} (park_id, enterprise_id, year, first_month, lowest_revenue, highest_revenue, "
        f"has_monthly_rows) SELECT park_id, enterprise_id, year, MIN(month), MIN(revenue), MAX(revenue), "
        f"{has_monthly} FROM {REPORTS} {where} GROUP BY park_id, enterprise_id, year"
    )


def _refresh(row: str, has_monthly: str) -> str:
    """Statements that make the summary of one row's key the aggregate of its rows (none left: none)."""
    match = " AND ".join(f"{column} = {row}.{column}" for column in KEY)
    return f"DELETE FROM {SUMMARY} WHERE {match}; {_summarise(has_monthly, f'WHERE {match}')};"


#: "Any of the rows is 当月": PostgreSQL has booleans; SQLite stores 0/1.
PG_MONTHLY, SQLITE_MONTHLY = "bool_or(NOT is_cumulative)", "MAX(NOT is_cumulative)"

POSTGRESQL = f"""
CREATE FUNCTION {SUMMARY}_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One writer of a park's monthly reports at a time, until it commits: a second one waits here,
    -- then reads the first one's rows (READ COMMITTED: each statement below sees what has committed),
    -- where it would otherwise aggregate without them or fail on the unique constraint. A lock per
    -- park, not per key: a bulk import takes one, however many enterprises it writes. Both parks of
    -- a row moved between parks, the lower first, so that two such moves cannot deadlock.
    IF TG_OP = 'UPDATE' AND NEW.park_id <> OLD.park_id THEN
        PERFORM pg_advisory_xact_lock(hashtext('{SUMMARY}'), LEAST(NEW.park_id, OLD.park_id)::integer);
        PERFORM pg_advisory_xact_lock(hashtext('{SUMMARY}'), GREATEST(NEW.park_id, OLD.park_id)::integer);
    ELSE
        PERFORM pg_advisory_xact_lock(hashtext('{SUMMARY}'), COALESCE(NEW.park_id, OLD.park_id)::integer);
    END IF;
    IF TG_OP <> 'INSERT' THEN
        {_refresh("OLD", PG_MONTHLY)}
    END IF;
    -- An update that keeps the key was refreshed above; one that moves the row refreshes both keys.
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.park_id, NEW.enterprise_id, NEW.year)
            IS DISTINCT FROM (OLD.park_id, OLD.enterprise_id, OLD.year)) THEN
        {_refresh("NEW", PG_MONTHLY)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER {SUMMARY}_follow AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON {REPORTS}
    FOR EACH ROW EXECUTE FUNCTION {SUMMARY}_follow();
"""
POSTGRESQL_REVERSE = f"DROP TRIGGER {SUMMARY}_follow ON {REPORTS}; DROP FUNCTION {SUMMARY}_follow();"

SQLITE = [
    f"CREATE TRIGGER {SUMMARY}_insert AFTER INSERT ON {REPORTS} BEGIN {_refresh('NEW', SQLITE_MONTHLY)} END",
    f"CREATE TRIGGER {SUMMARY}_delete AFTER DELETE ON {REPORTS} BEGIN {_refresh('OLD', SQLITE_MONTHLY)} END",
    f"CREATE TRIGGER {SUMMARY}_update AFTER UPDATE OF {WATCHED} ON {REPORTS} "
    f"BEGIN {_refresh('OLD', SQLITE_MONTHLY)} {_refresh('NEW', SQLITE_MONTHLY)} END",
]
SQLITE_REVERSE = [f"DROP TRIGGER {SUMMARY}_{event}" for event in ("insert", "delete", "update")]


def _statements(vendor: str, *, forward: bool) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRESQL if forward else POSTGRESQL_REVERSE]
    if vendor == "sqlite":
        return SQLITE if forward else SQLITE_REVERSE
    raise NotImplementedError(f"ParkOS runs on SQLite or PostgreSQL, not {vendor}")


def follow(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the triggers, then summarise the rows already there."""
    vendor = schema_editor.connection.vendor
    for statement in _statements(vendor, forward=True):
        schema_editor.execute(statement)
    schema_editor.execute(_summarise(PG_MONTHLY if vendor == "postgresql" else SQLITE_MONTHLY))


def unfollow(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in _statements(schema_editor.connection.vendor, forward=False):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0004_merge_basis_and_undo"),
        ("park_statistics", "0008_monthly_report_census_index"),
        ("parks", "0002_space_type_adjacency_media_committed"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="年份")),
                ("first_month", models.PositiveSmallIntegerField(verbose_name="首个报表月份")),
                (
                    "lowest_revenue",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="最低营业收入（元）"
                    ),
                ),
                (
                    "highest_revenue",
                    models.DecimalField(
                        blank=True, decimal_places=2, max_digits=18, null=True, verbose_name="最高营业收入（元）"
                    ),
                ),
                ("has_monthly_rows", models.BooleanField(verbose_name="含当月数报表")),
                (
                    "enterprise",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="enterprises.enterprise",
                    ),
                ),
                (
                    "park",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="parks.park",
                    ),
                ),
            ],
            options={
                "verbose_name": "年度报表概况",
                "verbose_name_plural": "年度报表概况",
                "indexes": [
                    models.Index(
                        fields=[
                            "park",
                            "year",
                            "enterprise",
                            "first_month",
                            "lowest_revenue",
                            "highest_revenue",
                            "has_monthly_rows",
                        ],
                        name="report_year_census_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("park", "year", "enterprise"), name="report_year_one_per_park_year")
                ],
            },
        ),
        migrations.RunPython(follow, unfollow),
        # The census found the enterprises with 当月 rows through this index; ReportYear says it now.
        migrations.RemoveIndex(model_name="monthlyreport", name="monthly_report_monthly_idx"),
    ]
