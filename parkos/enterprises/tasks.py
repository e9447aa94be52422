"""Background work of the enterprise pool, run by `manage.py db_worker` (django-tasks-db)."""

from __future__ import annotations

from django.tasks import task

from parkos.enterprises import importing


@task()
def run_import_task(job_id: int) -> None:
    """Run or resume an import job; safe to run twice (the job's checkpoint skips committed rows)."""
    importing.run_import(job_id)
