"""The enterprise import jobs move to core with their ids, rows and errors (migration 0003)."""

from __future__ import annotations

import pytest
from django.db.migrations.executor import MigrationExecutor

from parkos.core.tests.databases import scratch_default_database

BEFORE = [("enterprises", "0002_search_indexes"), ("core", "0002_import_jobs")]
AFTER = [("enterprises", "0003_import_jobs_to_core")]


@pytest.mark.django_db
def test_import_jobs_are_copied_to_core_with_their_errors(tmp_path):
    with scratch_default_database(tmp_path) as database:
        _copies_jobs(database)


def _copies_jobs(connection):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    job = old.get_model("enterprises", "ImportJob").objects.create(
        file="imports/2026/01/a.csv", original_name="a.csv", mode="all_or_nothing", status="rejected",
        rows_total=3, rows_processed=3, rows_ok=2, rows_failed=1, last_row=4, message="",
    )  # fmt: skip
    old.get_model("enterprises", "ImportRowError").objects.create(
        job=job, row_number=3, column="成立日期", message="“x”不是有效日期", values=["甲", "x"]
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    moved = new.get_model("core", "ImportJob").objects.get(pk=job.pk)
    assert (moved.importer, moved.original_name, moved.mode, moved.status) == (
        "enterprises",
        "a.csv",
        "all_or_nothing",
        "rejected",
    )
    assert (moved.rows_ok, moved.rows_failed, moved.last_row, moved.error_count) == (2, 1, 4, 1)
    error = new.get_model("core", "ImportRowError").objects.get(job_id=job.pk)
    assert (error.row_number, error.column, error.values) == (3, "成立日期", ["甲", "x"])
    # A new job after the copy gets a fresh id (the PostgreSQL sequence moved past the copied ones).
    assert new.get_model("core", "ImportJob").objects.create(importer="x", original_name="b.csv").pk > job.pk
