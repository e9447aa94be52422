"""Tenants' submissions (Ref: #16 item 5): the reporting window, unusual moves, revisions an officer approves."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from parkos.core.models import AuditEntry
from parkos.statistics import selectors, services
from parkos.statistics.models import LateReportPermission, MonthlyReport, ReportSubmission
from parkos.statistics.submission import ReportingWindow, Submitted, WindowState, unusual_moves

D = Decimal
day = datetime.date
WAN = D(10_000)


# --- the window ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "today", "state"),
    [
        (2025, 11, day(2025, 11, 29), WindowState.EARLY),  # the month has not ended
        (2025, 11, day(2025, 11, 30), WindowState.OPEN),  # its last day opens it
        (2025, 11, day(2025, 12, 10), WindowState.OPEN),  # the 10th of the next month closes it, included
        (2025, 11, day(2025, 12, 11), WindowState.LATE),
        (2025, 12, day(2026, 1, 10), WindowState.OPEN),  # across the year
        (2024, 2, day(2024, 2, 29), WindowState.OPEN),  # a leap February ends on the 29th
        (2024, 2, day(2024, 2, 28), WindowState.EARLY),
    ],
)
def test_reporting_window(year, month, today, state):
    assert ReportingWindow().state(year, month, today) is state


def test_an_officers_permission_extends_the_window_to_its_day():
    window = ReportingWindow()
    assert window.state(2025, 11, day(2025, 12, 20), allowed_until=day(2025, 12, 20)) is WindowState.OPEN
    assert window.state(2025, 11, day(2025, 12, 21), allowed_until=day(2025, 12, 20)) is WindowState.LATE
    assert window.state(2025, 11, day(2025, 11, 15), allowed_until=day(2025, 12, 20)) is WindowState.EARLY


def test_the_closing_day_is_configurable():
    assert ReportingWindow(closes_on_day=15).closes(2025, 12) == day(2026, 1, 15)
    with pytest.raises(ValueError, match="closes_on_day"):
        ReportingWindow(closes_on_day=31)


# --- unusual moves -------------------------------------------------------------------------------


def _row(month, revenue, *, cumulative=True, employees=None, prior=None):
    return Submitted(month, cumulative, {"revenue": revenue, "employees": employees, "prior_revenue": prior})


def test_cumulative_flows_compare_the_month_they_add():
    # 1–2月 300 (150 a month), 1–3月 450 (150 added): steady, although 1–3月 is 50 % above 1–2月.
    earlier = [_row(2, D(300))]
    assert unusual_moves(_row(3, D(450)), fields=["revenue"], earlier_this_year=earlier) == []
    # 1–4月 780 adds 330 against 150: +120 %.
    (move,) = unusual_moves(_row(4, D(780)), fields=["revenue"], earlier_this_year=[*earlier, _row(3, D(450))])
    assert (move.field, move.basis, move.current, move.previous, move.rate) == ("revenue", "mom", 330, 150, D("120.0"))


def test_exactly_fifty_percent_is_not_unusual_and_stocks_compare_as_they_stand():
    earlier = [_row(4, D(100), cumulative=False, employees=100)]
    entered = _row(5, D(150), cumulative=False, employees=40)
    moves = unusual_moves(entered, fields=["revenue", "employees"], earlier_this_year=earlier)
    assert [(m.field, m.rate) for m in moves] == [("employees", D("-60.0"))]


def test_year_on_year_uses_last_years_row_in_the_same_form_else_the_prior_entered():
    entered = _row(6, D(300), prior=D(280))
    assert unusual_moves(entered, fields=["revenue"]) == []  # against the 上年同期 entered: +7.1 %
    (move,) = unusual_moves(entered, fields=["revenue"], same_month_last_year=_row(6, D(100)))
    assert (move.basis, move.rate) == ("yoy", D("200.0"))
    # Last year in the other form does not compare: the entered prior does.
    assert unusual_moves(entered, fields=["revenue"], same_month_last_year=_row(6, D(100), cumulative=False)) == []


def test_no_rate_on_a_zero_or_negative_base_and_no_month_on_month_across_a_gap():
    assert unusual_moves(_row(6, D(300), prior=D(0)), fields=["revenue"]) == []
    assert unusual_moves(_row(6, D(900)), fields=["revenue"], earlier_this_year=[_row(4, D(300))]) == []


# --- the service and the pages -------------------------------------------------------------------


def _values(revenue_wan, prior_wan=None):
    values = dict.fromkeys(services.REPORT_FIELDS)
    values["revenue"] = D(revenue_wan) * WAN
    values["prior_revenue"] = None if prior_wan is None else D(prior_wan) * WAN
    return values


def _submit(park, enterprise, actor, month, revenue_wan, *, today, **kwargs):
    return services.tenant_submit(
        park=park,
        enterprise=enterprise,
        year=2025,
        month=month,
        is_cumulative=True,
        values=_values(revenue_wan, kwargs.pop("prior", None)),
        actor=actor,
        today=today,
        **kwargs,
    )


@pytest.mark.django_db
def test_first_submission_applies_a_resubmission_waits_for_approval(park_a, three, tenant, alice):
    e1 = three[0]
    first = _submit(park_a, e1, tenant, 10, 1000, today=day(2025, 11, 3))
    assert first.status == "applied"
    assert MonthlyReport.objects.get(enterprise=e1).revenue == 1000 * WAN
    revision = _submit(park_a, e1, tenant, 10, 1100, today=day(2025, 11, 4))
    newer = _submit(park_a, e1, tenant, 10, 1200, today=day(2025, 11, 5))
    revision.refresh_from_db()
    assert (revision.status, newer.status) == ("superseded", "pending")
    assert MonthlyReport.objects.get(enterprise=e1).revenue == 1000 * WAN  # the KPIs still read 1000
    assert selectors.proposed_changes(newer) == [("营业收入（万元）", "1,000.00", "1,200.00")]
    services.submission_decide(submission=newer, approve=True, note="核对无误", actor=alice)
    report = MonthlyReport.objects.get(enterprise=e1)
    assert (report.revenue, report.submitted_by) == (1200 * WAN, tenant)
    assert ReportSubmission.objects.filter(enterprise=e1).count() == 3  # the history stays
    with pytest.raises(ValidationError):
        services.submission_decide(submission=newer, approve=False, actor=alice)
    assert AuditEntry.objects.filter(object_type__contains="reportsubmission").count() == 4


@pytest.mark.django_db
def test_a_rejected_revision_changes_nothing(park_a, three, tenant, alice):
    _submit(park_a, three[0], tenant, 10, 1000, today=day(2025, 11, 3))
    revision = _submit(park_a, three[0], tenant, 10, 10, today=day(2025, 11, 3), confirmed=True, note="更正")
    services.submission_decide(submission=revision, approve=False, note="请附凭证", actor=alice)
    assert MonthlyReport.objects.get().revenue == 1000 * WAN
    assert ReportSubmission.objects.get(pk=revision.pk).status == "rejected"


@pytest.mark.django_db
def test_outside_the_window_is_refused_unless_an_officer_allows_it(park_a, three, tenant, alice):
    e1 = three[0]
    with pytest.raises(ValidationError, match="尚未结束"):
        _submit(park_a, e1, tenant, 11, 1000, today=day(2025, 11, 20))
    with pytest.raises(ValidationError, match="报送期限（2025-11-10）已过"):
        _submit(park_a, e1, tenant, 10, 1000, today=day(2025, 11, 11))
    with time_machine.travel("2025-11-11 09:00 +0800", tick=False):
        services.late_permission_grant(
            park=park_a, enterprise=e1, year=2025, month=10, until=day(2025, 11, 15), reason="财务休假", actor=alice
        )
    assert _submit(park_a, e1, tenant, 10, 1000, today=day(2025, 11, 15)).status == "applied"
    assert LateReportPermission.objects.get().granted_by == alice
    assert MonthlyReport.objects.count() == 1


@pytest.mark.django_db
def test_a_large_move_needs_a_confirmation_and_a_note(park_a, three, tenant):
    e1 = three[0]
    _submit(park_a, e1, tenant, 2, 200, today=day(2025, 3, 1))
    with pytest.raises(services.MovesNeedConfirmation) as caught:
        _submit(park_a, e1, tenant, 3, 600, today=day(2025, 4, 1))  # adds 400 against 100 a month
    assert [(m.field, m.basis, m.rate) for m in caught.value.moves] == [("revenue", "mom", D("300.0"))]
    with pytest.raises(services.MovesNeedConfirmation):
        _submit(park_a, e1, tenant, 3, 600, today=day(2025, 4, 1), confirmed=True)  # no note
    saved = _submit(park_a, e1, tenant, 3, 600, today=day(2025, 4, 1), confirmed=True, note="新产线投产")
    assert (saved.note, saved.moves) == ("新产线投产", [{"field": "revenue", "basis": "mom", "rate": "300.0"}])


@pytest.mark.django_db
@time_machine.travel("2025-12-05 10:00 +0800", tick=False)
def test_tenant_page_shows_the_window_the_comparison_and_the_waiting_revision(client, park_a, three, tenant, imported):
    client.force_login(tenant)
    url = reverse("park_statistics:tenant_reports")
    page = client.get(url).content.decode()
    assert "2025-11-30 至 2025-12-10" in page
    assert "上年同月（--）" in page  # E1 reported no November last year
    refused = client.post(url, {"year": 2025, "month": 12, "is_cumulative": "1", "revenue": "3000"})
    assert "该月尚未结束，2025-12-31起方可填报" in refused.content.decode()
    data = {"year": 2025, "month": 11, "is_cumulative": "1", "revenue": "3000", "prior_revenue": "2900"}
    assert client.post(url, data).status_code == 302
    moved = client.post(url, {**data, "revenue": "9000"})  # a revision: +200 % on last year
    assert "以下数据变动超过50%" in moved.content.decode()
    assert client.post(url, {**data, "revenue": "9000", "confirmed": "on", "note": "大额订单"}).status_code == 302
    assert "修订正在等待园区审核" in client.get(url).content.decode()
    assert MonthlyReport.objects.get(enterprise=three[0], month=11).revenue == 3000 * WAN


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("bob", 302), ("carol", 403), ("dave", 404), ("erin", 403)])
def test_officer_decides_revisions_of_own_parks_only(client_for, park_a, three, tenant, persona, status):
    _submit(park_a, three[0], tenant, 10, 1000, today=day(2025, 11, 3))
    revision = _submit(park_a, three[0], tenant, 10, 1100, today=day(2025, 11, 3))
    client = client_for(persona)
    page = client.get(reverse("park_statistics:submissions", args=[park_a.pk]))
    assert page.status_code == (200 if status == 302 else status)
    url = reverse("park_statistics:submission_decide", args=[park_a.pk, revision.pk])
    assert client.post(url, {"approve": "1", "note": "可"}).status_code == status
    revision.refresh_from_db()
    assert revision.status == ("approved" if status == 302 else "pending")
    assert MonthlyReport.objects.get().revenue == (1100 if status == 302 else 1000) * WAN
