"""Every write of the statistics: submitting a month — by an officer, or by a tenant within the
reporting window with revisions an officer approves — and late permissions (importing: `importing.py`).

Each service is atomic and writes its audit entry in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import Capability, require_capability
from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.models import AuditAction
from parkos.statistics.choices import ReportSource, SubmissionStatus
from parkos.statistics.models import VALUE_FIELDS, LateReportPermission, MonthlyReport, ReportSubmission
from parkos.statistics.submission import Move, ReportingWindow, Submitted, WindowState, unusual_moves

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


# --- tenants: the reporting window, unusual moves, revisions ------------------------------------


def reporting_window() -> ReportingWindow:
    return ReportingWindow(closes_on_day=settings.STATISTICS_REPORTING_CLOSES_DAY)


class MovesNeedConfirmation(ValidationError):
    """Figures moved more than ±50 %: the tenant confirms them and says why (``moves`` lists them)."""

    def __init__(self, moves: list[Move]) -> None:
        super().__init__({"note": _("部分数据与上月或上年同期相比变动超过50%，请核对后勾选确认并填写变动说明")})
        self.moves = moves


def _submitted(report: MonthlyReport) -> Submitted:
    return Submitted(report.month, report.is_cumulative, {name: getattr(report, name) for name in REPORT_FIELDS})


def moves_of(*, enterprise: Enterprise, year: int, month: int, is_cumulative: bool, values: ReportValues) -> list[Move]:
    """The unusual moves of figures entered for a month, against the enterprise's own rows in any park."""
    rows = MonthlyReport.objects.filter(enterprise=enterprise).filter(
        Q(year=year, month__lt=month) | Q(year=year - 1, month=month)
    )
    earlier = [_submitted(r) for r in rows if r.year == year]
    last_year = next((_submitted(r) for r in rows if r.year == year - 1), None)
    return unusual_moves(
        Submitted(month, is_cumulative, values),
        fields=VALUE_FIELDS,
        earlier_this_year=earlier,
        same_month_last_year=last_year,
    )


def _check_window(enterprise: Enterprise, year: int, month: int, today: datetime.date) -> None:
    window = reporting_window()
    permission = LateReportPermission.objects.filter(enterprise=enterprise, year=year, month=month).first()
    state = window.state(year, month, today, allowed_until=None if permission is None else permission.until)
    if state is WindowState.EARLY:
        raise ValidationError(
            {"month": _("该月尚未结束，%(date)s起方可填报") % {"date": window.opens(year, month).isoformat()}}
        )
    if state is WindowState.LATE:
        raise ValidationError(
            {
                "month": _("该月报送期限（%(date)s）已过，如需补报请联系园区统计专员开通")
                % {"date": window.closes(year, month).isoformat()}
            }
        )


def _stored(values: ReportValues) -> dict[str, str | None]:
    return {name: None if values.get(name) is None else str(values.get(name)) for name in REPORT_FIELDS}


def _loaded(submission: ReportSubmission) -> dict[str, Decimal | int | None]:
    loaded: dict[str, Decimal | int | None] = {}
    for name in REPORT_FIELDS:
        text = submission.values.get(name)
        loaded[name] = None if text is None else int(text) if name.endswith("employees") else Decimal(text)
    return loaded


@transaction.atomic
def tenant_submit(
    *,
    park: Park,
    enterprise: Enterprise,
    year: int,
    month: int,
    is_cumulative: bool,
    values: ReportValues,
    confirmed: bool = False,
    note: str = "",
    actor: User,
    today: datetime.date | None = None,
) -> ReportSubmission:
    """A tenant's month: within the window (or an officer's permission), unusual moves confirmed
    with a note; the first submission applies at once, a re-submission waits for an officer
    (a newer one supersedes a waiting one). Raises ValidationError (``MovesNeedConfirmation``)."""
    today = today or timezone.localdate()
    _check_window(enterprise, year, month, today)
    _check_period(year, month, today)
    _check_form(enterprise.pk, year, month, is_cumulative)
    moves = moves_of(enterprise=enterprise, year=year, month=month, is_cumulative=is_cumulative, values=values)
    if moves and not (confirmed and note.strip()):
        raise MovesNeedConfirmation(moves)
    existing = MonthlyReport.objects.select_for_update().filter(enterprise=enterprise, year=year, month=month).first()
    superseded = ReportSubmission.objects.filter(
        enterprise=enterprise, year=year, month=month, status=SubmissionStatus.PENDING
    ).update(status=SubmissionStatus.SUPERSEDED)
    submission = ReportSubmission.objects.create(
        park=park,
        enterprise=enterprise,
        year=year,
        month=month,
        is_cumulative=is_cumulative,
        values=_stored(values),
        moves=[{"field": m.field, "basis": m.basis, "rate": str(m.rate)} for m in moves],
        note=note.strip(),
        status=SubmissionStatus.APPLIED if existing is None else SubmissionStatus.PENDING,
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=submission,
        changes={"status": submission.status, "superseded": superseded, "moves": len(moves)},
        park_id=park.pk,
    )
    if existing is None:
        report_submit(
            park=park,
            enterprise=enterprise,
            year=year,
            month=month,
            is_cumulative=is_cumulative,
            values=values,
            source=ReportSource.TENANT,
            actor=actor,
            today=today,
        )
    return submission


@transaction.atomic
def submission_decide(*, submission: ReportSubmission, approve: bool, note: str = "", actor: User) -> ReportSubmission:
    """An officer approves a waiting revision (its figures replace the month's) or rejects it."""
    submission = ReportSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.status != SubmissionStatus.PENDING:
        raise ValidationError(_("该修订已处理或已被新的提交取代"))
    if approve:
        report = report_submit(
            park=submission.park,
            enterprise=submission.enterprise,
            year=submission.year,
            month=submission.month,
            is_cumulative=submission.is_cumulative,
            values=_loaded(submission),
            source=ReportSource.TENANT,
            actor=actor,
        )
        MonthlyReport.objects.filter(pk=report.pk).update(submitted_by=submission.submitted_by)
    submission.status = SubmissionStatus.APPROVED if approve else SubmissionStatus.REJECTED
    submission.decided_by = actor
    submission.decided_at = timezone.now()
    submission.decision_note = note.strip()
    submission.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=submission,
        changes={"status": submission.status, "note": submission.decision_note},
        park_id=submission.park_id,
    )
    return submission


@transaction.atomic
def late_permission_grant(
    *, park: Park, enterprise: Enterprise, year: int, month: int, until: datetime.date, reason: str = "", actor: User
) -> LateReportPermission:
    """Let an enterprise submit a month after the window, until ``until`` (replaces an earlier permission)."""
    if until < timezone.localdate():
        raise ValidationError({"until": _("补报截止日期不能早于今天")})
    permission, created = LateReportPermission.objects.update_or_create(
        enterprise=enterprise,
        year=year,
        month=month,
        defaults={"park": park, "until": until, "reason": reason.strip(), "granted_by": actor},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=permission,
        changes={"until": until.isoformat(), "reason": permission.reason},
        park_id=park.pk,
    )
    return permission
