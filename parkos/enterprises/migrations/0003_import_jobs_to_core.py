"""Import jobs move to core (the import framework serves every app): copy them, then drop the old tables.

Jobs keep their ids, so links to /enterprises/import/<id>/ still work; they become jobs of the
importer "enterprises".
"""

from django.core.management.color import no_style
from django.db import migrations

JOB_FIELDS = (
    "id", "created_at", "updated_at", "file", "original_name", "mode", "status", "rows_total", "rows_processed",
    "rows_ok", "rows_failed", "last_row", "error_report", "message", "created_by_id", "started_at", "finished_at",
)  # fmt: skip


def copy_jobs(apps, schema_editor):
    old_job = apps.get_model("enterprises", "ImportJob")
    old_error = apps.get_model("enterprises", "ImportRowError")
    new_job = apps.get_model("core", "ImportJob")
    new_error = apps.get_model("core", "ImportRowError")
    jobs = [
        new_job(importer="enterprises", **{name: getattr(job, name) for name in JOB_FIELDS})
        for job in old_job.objects.all().iterator()
    ]
    new_job.objects.bulk_create(jobs, batch_size=500)
    counts: dict[int, int] = {}
    batch = []
    for error in old_error.objects.order_by("pk").iterator(chunk_size=2000):
        counts[error.job_id] = counts.get(error.job_id, 0) + 1
        batch.append(
            new_error(
                job_id=error.job_id,
                row_number=error.row_number,
                column=error.column,
                message=error.message,
                values=error.values,
            )
        )
        if len(batch) >= 2000:
            new_error.objects.bulk_create(batch)
            batch = []
    new_error.objects.bulk_create(batch)
    for job_id, count in counts.items():
        new_job.objects.filter(pk=job_id).update(error_count=count)
    if jobs and schema_editor.connection.vendor == "postgresql":
        # Rows were inserted with their ids: move the sequence past them.
        with schema_editor.connection.cursor() as cursor:
            for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [new_job]):
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_search_indexes"),
        ("core", "0002_import_jobs"),
    ]

    operations = [
        migrations.RunPython(copy_jobs, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importjob", name="created_by"),
        migrations.RemoveIndex(model_name="importrowerror", name="import_error_job_row_idx"),
        migrations.RemoveField(model_name="importrowerror", name="job"),
        migrations.DeleteModel(name="ImportJob"),
        migrations.DeleteModel(name="ImportRowError"),
    ]
