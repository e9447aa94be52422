"""Every write of the statistics: submitting a month, importing a file, projects, products, milestones.

Each service is atomic and writes its audit entry in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import Capability, require_capability
from parkos.core.audit import audit_record, model_changes, save_audited, snapshot
from parkos.core.models import AuditAction
from parkos.statistics.choices import ReportSource
from parkos.statistics.models import VALUE_FIELDS, Milestone, MonthlyReport, Product, Project, ProjectProgress

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

#: Every figure a report may carry: this period's and the re-reported prior-year ones.
REPORT_FIELDS: tuple[str, ...] = (*VALUE_FIELDS, *(f"prior_{name}" for name in VALUE_FIELDS))


def _check_period(year: int, month: int, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("月份须在1–12之间")})
    if (year, month) > (today.year, today.month):
        raise ValidationError({"month": _("不能填报未来月份的统计数据")})


def _check_form(enterprise_id: int, year: int, month: int, is_cumulative: bool) -> None:
    """One enterprise reports a year in one form (cumulative or monthly), as the KPI engine requires."""
    other = (
        MonthlyReport.objects.filter(enterprise_id=enterprise_id, year=year)
        .exclude(month=month)
        .exclude(is_cumulative=is_cumulative)
        .exists()
    )
    if other:
        raise ValidationError(
            {"is_cumulative": _("该企业本年其他月份采用了另一种填报口径（累计/当月），同一年须保持一致")}
        )


def _park_of_existing(report: MonthlyReport, park: Park, *, source: str, actor: User | None) -> Park:
    """The park a replaced month ends in: its own for a tenant, the new one for staff entitled to both."""
    if source == ReportSource.TENANT:
        return report.park
    if actor is not None:
        require_capability(actor, Capability.MANAGE_STATISTICS, report.park_id)
    return park


@transaction.atomic
def report_submit(
    *,
    park: Park,
    enterprise: Enterprise,
    year: int,
    month: int,
    is_cumulative: bool,
    values: Mapping[str, Any],
    source: str = ReportSource.OFFICER,
    actor: User | None,
    today: datetime.date | None = None,
) -> MonthlyReport:
    """Create or replace an enterprise's report for a month (idempotent: the same values change nothing).

    A month already reported under another park belongs to that park: officers replace it only with
    the right to manage statistics there too (else 404, as for any row outside their parks), and an
    enterprise's own correction keeps it where it is (Ref: #13).
    """
    _check_period(year, month, today)
    _check_form(enterprise.pk, year, month, is_cumulative)
    if unknown := set(values) - set(REPORT_FIELDS):
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    # Lock an existing row so two submissions of the same month cannot interleave.
    report = MonthlyReport.objects.select_for_update().filter(enterprise=enterprise, year=year, month=month).first()
    created = report is None
    if report is None:
        report = MonthlyReport(enterprise=enterprise, year=year, month=month)
    elif report.park_id != park.pk:
        park = _park_of_existing(report, park, source=source, actor=actor)
    before = snapshot(report)
    report.park = park
    report.is_cumulative = is_cumulative
    for name in REPORT_FIELDS:
        setattr(report, name, values.get(name))
    report.source = source
    report.submitted_by = actor if actor is not None and actor.is_authenticated else None
    report.full_clean(validate_unique=False)
    changes = model_changes(before, snapshot(report))
    changes.pop("updated_at", None)
    if created or set(changes) - {"submitted_by_id", "source"}:
        report.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=report,
            changes=changes,
            park_id=park.pk,
        )
    return report


@transaction.atomic
def product_save(*, product: Product, actor: User | None) -> Product:
    """Create or update an R&D product; device numbers are validated and normalised (RULES §7.1)."""
    before = None if product.pk is None else snapshot(Product.objects.get(pk=product.pk))
    return save_audited(product, actor=actor, before=before, park_id=product.park_id)


@transaction.atomic
def project_save(*, project: Project, actor: User | None) -> Project:
    before = None if project.pk is None else snapshot(Project.objects.get(pk=project.pk))
    return save_audited(project, actor=actor, before=before, park_id=project.park_id)


@transaction.atomic
def project_progress_record(
    *, project: Project, year: int, month: int, investment: Decimal, actor: User | None
) -> ProjectProgress:
    """Set the investment a project completed in a month (replaces an earlier figure)."""
    _check_period(year, month)
    progress, _created = ProjectProgress.objects.update_or_create(
        project=project, year=year, month=month, defaults={"investment": investment}
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=project,
        changes={"progress": [f"{year}-{month:02d}", str(investment)]},
        park_id=project.park_id,
    )
    return progress


@transaction.atomic
def milestone_save(*, milestone: Milestone, actor: User | None) -> Milestone:
    created = milestone.pk is None
    milestone.full_clean()
    milestone.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=milestone,
        changes=model_changes({}, snapshot(milestone)),
        park_id=milestone.park_id,
    )
    return milestone
