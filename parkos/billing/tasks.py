"""Background work of billing, run by `manage.py db_worker` (django-tasks-db)."""

from __future__ import annotations

from django.tasks import task

from parkos.billing import billrun
from parkos.billing.models import BillRun


@task()
def generate_bill_run_task(run_id: int) -> None:
    """Generate or resume a bill run; safe to run twice (the run's cursor skips committed chunks)."""
    billrun.bill_run_generate(run=BillRun.objects.get(pk=run_id))
