"""The job page every importer shows for a background import: progress (polled with HTMX), counts,
errors, the error report and, for a crashed job, "resume". Apps check access and pass their URLs."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from parkos.core.importing.jobs import registry
from parkos.core.models import ImportJob

__all__ = ["job_page", "job_report"]


def job_page(
    request: HttpRequest,
    job: ImportJob,
    *,
    detail_url: str,
    report_url: str,
    resume_url: str = "",
    breadcrumbs: list[tuple[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The job's page, or (for HTMX polling) just its progress block."""
    entry = registry.get(job.importer)
    tables = {t.name: t.sheet_title for t in entry.workbook.tables} if entry else {}
    context = {
        "job": job,
        "counts": [(tables.get(name, name), counts) for name, counts in job.counts.items()],
        "errors": job.row_errors.all()[:50],
        "detail_url": detail_url,
        "report_url": report_url,
        "resume_url": resume_url,
        "breadcrumbs": breadcrumbs or [],
        **(extra or {}),
    }
    if getattr(request, "htmx", False):
        return render(request, "importing/_job_progress.html", context)
    return render(request, "importing/job_detail.html", context)


def job_report(job: ImportJob) -> FileResponse:
    """The job's error report (.xlsx) as a download."""
    if not job.error_report:
        raise Http404(_("该导入任务没有错误报告"))
    return FileResponse(job.error_report.open("rb"), as_attachment=True, filename=f"import-{job.pk}-errors.xlsx")
