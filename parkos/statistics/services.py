"""Every write of the statistics: submitting a month (importing a file: `importing.py`).

Each service is atomic and writes its audit entry in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import Capability, require_capability
from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.models import AuditAction
from parkos.statistics.choices import ReportSource
from parkos.statistics.models import VALUE_FIELDS, MonthlyReport

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

#: Every figure a report may carry: this period's and the re-reported prior-year ones.
REPORT_FIELDS: tuple[str, ...] = (*VALUE_FIELDS, *(f"prior_{name}" for name in VALUE_FIELDS))
#: A report's figures by field name, in storage units: money in 元 and energy in 吨标准煤 (decimals),
#: headcounts in persons (whole numbers); None where the enterprise does not report the item.
ReportValues = Mapping[str, Decimal | int | None]


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
    values: ReportValues,
    source: str = ReportSource.OFFICER,
    actor: User | None,
    today: datetime.date | None = None,
) -> MonthlyReport:
    """Create or replace an enterprise's report for a month (idempotent: the same values change nothing).

    ``values`` holds figures of :data:`REPORT_FIELDS` by name (others are refused); a figure left out
    is stored as not reported.

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
