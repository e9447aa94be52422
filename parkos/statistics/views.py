"""Pages of statistics and the annual report: thin over selectors, services and `report`.

Staff pages scope parks through the access helper (404 outside a person's parks); entering figures
needs MANAGE_STATISTICS. Enterprise users have their own pages (`TenantMixin`) and see only their
own enterprise's figures.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import (
    Capability,
    acting_user,
    can_access_park,
    has_capability,
    require_capability,
    scope_to_parks,
    visible_park_ids,
    visible_parks,
)
from parkos.core.importing.forms import goes_to_background
from parkos.core.importing.jobs import enqueue
from parkos.core.models import ImportJob
from parkos.core.routing import replica_reads
from parkos.core.xlsx import XLSX_CONTENT_TYPE, content_disposition
from parkos.parks.models import Park
from parkos.statistics import importing, muju, report, selectors, services
from parkos.statistics.choices import ReportSource, SubmissionStatus
from parkos.statistics.forms import DecisionForm, ImportForm, LatePermissionForm, OfficerReportForm, TenantReportForm
from parkos.statistics.kpi import INDICATOR_LABELS, ReportPeriod
from parkos.statistics.models import MonthlyReport, ReportSubmission
from parkos.statistics.submission import Move
from parkos.web.importing import job_page, job_report
from parkos.web.views_generic import StaffRequiredMixin, apply_validation_error


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _latest_year(park_ids: list[int] | None) -> int:
    latest = selectors.report_queryset(park_ids).order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def _latest_month(park_ids: list[int] | None, year: int) -> int:
    month = (
        selectors.report_queryset(park_ids).filter(year=year).order_by("-month").values_list("month", flat=True).first()
    )
    return month or 12


class ParkPageMixin(StaffRequiredMixin):
    """A page about one park: 404 outside the person's parks."""

    request: HttpRequest

    def get_park(self, pk: int) -> Park:
        return get_object_or_404(scope_to_parks(self.request.user, Park.objects.all(), "pk"), pk=pk)


@method_decorator(replica_reads, name="get")
class DashboardView(ParkPageMixin, View):
    """The park director's dashboard: KPIs of the year so far, trend, 亩均 grades, who has not reported."""

    def get(self, request: HttpRequest) -> HttpResponse:
        parks = list(visible_parks(request.user).order_by("city", "name"))
        if not parks:
            return render(request, "statistics/dashboard.html", {"park": None, "parks": []})
        active = getattr(request, "active_park", None)
        # Without a choice: the active park, else the park that reported most recently.
        reporting = (
            MonthlyReport.objects.filter(park__in=parks)
            .order_by("-year", "-month")
            .values_list("park_id", flat=True)
            .first()
        )
        chosen = _int(request.GET.get("park"), active.pk if active else reporting or parks[0].pk)
        park = self.get_park(chosen)
        year = _int(request.GET.get("year"), _latest_year([park.pk]))
        last = _latest_month([park.pk], year)
        period = ReportPeriod.year_to(year, last)
        kpis = selectors.report_kpis(park_ids=[park.pk], period=period)
        muju_lines = (
            selectors.muju_evaluation(park_id=park.pk, year=year, table=kpis.table)
            if last == 12
            else selectors.muju_evaluation(park_id=park.pk, year=year - 1)
        )
        today = timezone.localdate()
        exempt, calendar = selectors.submission_calendar(park_id=park.pk, year=today.year, month=today.month)
        context = report.report_context(kpis, title=park.name)
        context.update(
            park=park,
            parks=parks,
            year=year,
            period_code=report.period_code(period),
            grades=selectors.grade_distribution(muju_lines),
            missing=[entry for entry in calendar if not entry.reported],
            calendar_exempt=exempt,
            can_manage=has_capability(request.user, Capability.MANAGE_STATISTICS),
            breadcrumbs=[(_("统计与年报"), "")],
        )
        return render(request, "statistics/dashboard.html", context)


@method_decorator(replica_reads, name="get")
class PortfolioView(StaffRequiredMixin, View):
    """Every visible park side by side: output, growth, 规上, 升规, occupancy."""

    def get(self, request: HttpRequest) -> HttpResponse:
        park_ids = visible_park_ids(request.user)
        year = _int(request.GET.get("year"), _latest_year(park_ids))
        last = _latest_month(park_ids, year)
        period = ReportPeriod.year_to(year, last)
        ids = park_ids if park_ids is not None else list(Park.objects.values_list("pk", flat=True))
        rows = selectors.portfolio_kpis(park_ids=ids, period=period)
        return render(
            request,
            "statistics/portfolio.html",
            {
                "rows": rows,
                "year": year,
                "period": period,
                "breadcrumbs": [(_("统计与年报"), reverse("park_statistics:dashboard")), (_("园区对比"), "")],
            },
        )


class ReportMixin(ParkPageMixin):
    def build(self, pk: int, year: int) -> tuple[Park, ReportPeriod, dict[str, Any]]:
        park = self.get_park(pk)
        period = report.parse_period(year, self.request.GET.get("period"))
        kpis = selectors.report_kpis(park_ids=[park.pk], period=period)
        muju_lines = (
            selectors.muju_evaluation(park_id=park.pk, year=year, table=kpis.table) if period.is_full_year else []
        )
        title = _("%(park)s %(year)s年%(period)s统计报告") % {"park": park.name, "year": year, "period": period.label}
        context = report.report_context(kpis, title=title, muju_lines=muju_lines)
        context.update(park=park, year=year, period_code=report.period_code(period), period=period)
        return park, period, context


@method_decorator(replica_reads, name="get")
class ReportView(ReportMixin, View):
    def get(self, request: HttpRequest, pk: int, year: int) -> HttpResponse:
        park, _period, context = self.build(pk, year)
        context["periods"] = [
            ("year", _("全年")),
            ("q1", _("一季度")),
            ("q2", _("二季度")),
            ("q3", _("三季度")),
            ("q4", _("四季度")),
        ] + [(f"m{m}", _("1–%(m)s月") % {"m": m}) for m in range(2, 12)]
        context["breadcrumbs"] = [
            (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
            (context["title"], ""),
        ]
        return render(request, "statistics/report.html", context)


@method_decorator(replica_reads, name="get")
class ReportPdfView(ReportMixin, View):
    def get(self, request: HttpRequest, pk: int, year: int) -> HttpResponse:
        _park, _period, context = self.build(pk, year)
        pdf = report.render_pdf(context, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(f"{context['title']}.pdf")
        return response


@method_decorator(replica_reads, name="get")
class ReportXlsxView(ReportMixin, View):
    def get(self, request: HttpRequest, pk: int, year: int) -> HttpResponse:
        _park, _period, context = self.build(pk, year)
        data = report.workbook(context["report"], title=context["title"], muju_lines=context["muju_lines"])
        response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition(f"{context['title']}.xlsx")
        return response


class SourcesView(StaffRequiredMixin, View):
    """The rows behind one figure of a report: enterprise, month, value, re-reported prior."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            spec = report.FigureSpec.from_query(request.GET)
        except (ValueError, TypeError):
            raise Http404(_("未找到该记录，或您无权访问。")) from None
        if spec.park_ids is None:
            visible = visible_park_ids(request.user)
            if visible is not None:
                spec = report.FigureSpec(**{**spec.__dict__, "park_ids": tuple(visible)})
        elif not all(can_access_park(request.user, pk) for pk in spec.park_ids):
            raise Http404(_("未找到该记录，或您无权访问。"))
        figure = report.resolve(spec)
        page, rows = selectors.source_page(list(figure.sources), spec.park_ids, spec.indicator, request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "statistics/sources.html",
            {
                "spec": spec,
                "figure": figure,
                "rows": rows,
                "page_obj": page,
                "paginator": page.paginator,
                "is_paginated": page.has_other_pages(),
                "querystring": query.urlencode(),
                "label": INDICATOR_LABELS[spec.indicator],
                "breadcrumbs": [(_("统计与年报"), reverse("park_statistics:dashboard")), (_("数据来源"), "")],
            },
        )


@method_decorator(replica_reads, name="get")
class MujuView(ParkPageMixin, View):
    def get(self, request: HttpRequest, pk: int, year: int) -> HttpResponse:
        park = self.get_park(pk)
        key = request.GET.get("scheme", muju.PARK_DEFAULT.key)
        scheme = muju.SCHEMES.get(key, muju.PARK_DEFAULT)
        lines = selectors.muju_evaluation(park_id=park.pk, year=year, scheme=scheme)
        last = _latest_month([park.pk], year)
        candidates = selectors.upgrade_candidates(park_id=park.pk, year=year, month=last)
        return render(
            request,
            "statistics/muju.html",
            {
                "park": park,
                "year": year,
                "scheme": scheme,
                "schemes": muju.SCHEMES.values(),
                "lines": lines,
                "grades": selectors.grade_distribution(lines),
                "candidates": candidates,
                "breadcrumbs": [
                    (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
                    (_("亩均评价"), ""),
                ],
            },
        )


class CalendarView(ParkPageMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        today = timezone.localdate()
        year = _int(request.GET.get("year"), today.year)
        month = _int(request.GET.get("month"), today.month)
        month = min(max(month, 1), 12)
        exempt, entries = selectors.submission_calendar(park_id=park.pk, year=year, month=month)
        return render(
            request,
            "statistics/calendar.html",
            {
                "park": park,
                "year": year,
                "month": month,
                "exempt": exempt,
                "entries": entries,
                "missing": sum(1 for e in entries if not e.reported),
                "breadcrumbs": [
                    (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
                    (_("填报日历"), ""),
                ],
            },
        )


class EntryView(ParkPageMixin, View):
    """An officer enters (or corrects) an enterprise's month for it."""

    def _form(self, park: Park, data: QueryDict | None = None) -> OfficerReportForm:
        return OfficerReportForm(data, enterprises=selectors.expected_reporters(park.pk, *_today_ym()).order_by("name"))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        return self._render(park, self._form(park))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        form = self._form(park, request.POST)
        if form.is_valid():
            try:
                services.report_submit(
                    park=park,
                    enterprise=form.cleaned_data["enterprise"],
                    year=form.cleaned_data["year"],
                    month=form.cleaned_data["month"],
                    is_cumulative=form.cleaned_data["is_cumulative"],
                    values=form.values(),
                    source=ReportSource.OFFICER,
                    actor=acting_user(request),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(reverse("park_statistics:calendar", args=[park.pk]))
        return self._render(park, form)

    def _render(self, park: Park, form: OfficerReportForm) -> HttpResponse:
        return render(
            self.request,
            "statistics/entry.html",
            {
                "park": park,
                "form": form,
                "title": _("代填月度统计"),
                "breadcrumbs": [
                    (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
                    (_("代填月度统计"), ""),
                ],
            },
        )


def _today_ym() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, today.month


class ImportView(ParkPageMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.IMPORT_DATA, park)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        return self._render(park, ImportForm(), None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.IMPORT_DATA, park)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        form = ImportForm(request.POST, request.FILES)
        result = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            if goes_to_background(upload):
                job = importing.create_job(park=park, upload=upload, name=upload.name, actor=acting_user(request))
                enqueue(job)
                return HttpResponseRedirect(reverse("park_statistics:import_job", args=[park.pk, job.pk]))
            result = importing.import_reports(
                park=park, name=upload.name, data=upload, actor=acting_user(request), dry_run=dry_run
            )
            if result.ok and not dry_run:
                messages.success(
                    request,
                    _("已导入 %(rows)s 行：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s。")
                    % {
                        "rows": result.rows_processed,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
                for warning in result.warnings:  # e.g. a prefilled template's unfilled rows, skipped
                    messages.warning(request, warning)
                return HttpResponseRedirect(reverse("park_statistics:import", args=[park.pk]))
            if dry_run:
                form = ImportForm()  # the file must be chosen again; this time it imports
        return self._render(park, form, result, status=200)

    def _render(self, park: Park, form: ImportForm, result: Any, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "statistics/import.html",
            {
                "park": park,
                "form": form,
                "result": result,
                "columns": importing.COLUMNS,
                "jobs": ImportJob.objects.filter(importer=importing.IMPORTER, options__park=park.pk)[:5],
                "breadcrumbs": [
                    (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
                    (_("导入月度统计"), ""),
                ],
            },
            status=status,
        )


class ImportJobView(ParkPageMixin, View):
    """A background import of this park's statistics: progress, errors and the error report (?report=xlsx)."""

    def get(self, request: HttpRequest, pk: int, job: int) -> HttpResponseBase:
        park = self.get_park(pk)
        require_capability(request.user, Capability.IMPORT_DATA, park)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        found = get_object_or_404(ImportJob, pk=job, importer=importing.IMPORTER, options__park=park.pk)
        detail_url = reverse("park_statistics:import_job", args=[park.pk, found.pk])
        if request.GET.get("report") == "xlsx":
            return job_report(found)
        return job_page(
            request,
            found,
            detail_url=detail_url,
            report_url=detail_url + "?report=xlsx",
            breadcrumbs=[
                (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
                (_("导入月度统计"), reverse("park_statistics:import", args=[park.pk])),
                (str(found), ""),
            ],
        )


class ImportTemplateView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(importing.template_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition("月度统计导入模板.xlsx")
        return response


class PrefilledTemplateView(ParkPageMixin, View):
    """The park's 本月填报模板 (``?year=&month=``, last month by default): its enterprises listed,
    上年同期 prefilled from last year's rows."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        year = _int(request.GET.get("year"), last_month.year)
        month = min(max(_int(request.GET.get("month"), last_month.month), 1), 12)
        rows = selectors.prefilled_template_rows(park.pk, year, month)
        response = HttpResponse(importing.template_bytes(rows), content_type=XLSX_CONTENT_TYPE)
        name = _("%(park)s%(year)s年%(month)s月统计填报模板.xlsx") % {"park": park.name, "year": year, "month": month}
        response["Content-Disposition"] = content_disposition(name)
        return response


# --- enterprise users ----------------------------------------------------------------------------


class TenantMixin(LoginRequiredMixin):
    """Enterprise users linked to an enterprise: they act for it and see nothing else."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not (
            getattr(user, "is_enterprise_user", False) and getattr(user, "enterprise_id", None)
        ):
            raise PermissionDenied(_("该页面仅限已关联企业的企业用户访问。"))
        return super().dispatch(request, *args, **kwargs)


class TenantReportsView(TenantMixin, View):
    """An enterprise's own statistics: the form for a month (within the reporting window, beside last
    month and the same month last year), what it reported, and its revisions waiting for approval."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(TenantReportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        assert user.enterprise is not None
        form = TenantReportForm(request.POST)
        park = selectors.tenant_park(user.enterprise)
        moves: list[Move] = []
        if park is None:
            form.add_error(None, _("贵企业尚未关联园区，请联系园区企业服务专员。"))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.tenant_submit(
                    park=park,
                    enterprise=user.enterprise,
                    year=data["year"],
                    month=data["month"],
                    is_cumulative=data["is_cumulative"],
                    values=form.values(),
                    confirmed=data["confirmed"],
                    note=data["note"],
                    actor=user,
                )
            except services.MovesNeedConfirmation as exc:
                moves = exc.moves
                apply_validation_error(form, exc)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if submission.status == SubmissionStatus.PENDING:
                    message = _("%(period)s的修订已提交，园区审核通过后生效。")
                else:
                    message = _("%(period)s统计数据已提交。")
                period = MonthlyReport(
                    year=submission.year, month=submission.month, is_cumulative=data["is_cumulative"]
                )
                messages.success(request, message % {"period": period.period_label})
                return HttpResponseRedirect(reverse("park_statistics:tenant_reports"))
        return self._render(form, moves)

    def _render(self, form: TenantReportForm, moves: list[Move] | None = None) -> HttpResponse:
        user = acting_user(self.request)
        enterprise = user.enterprise
        assert enterprise is not None
        year = _int(form.data.get("year"), form.fields["year"].initial)
        month = min(max(_int(form.data.get("month"), form.fields["month"].initial), 1), 12)
        last_month, last_year, comparison = selectors.comparison_rows(enterprise.pk, year, month)
        window = services.reporting_window()
        labels = {name: str(header) for name, header, _kind in importing.FORM_FIGURES}
        reports: list[MonthlyReport] = list(selectors.reports_for_enterprise(enterprise.pk)[:24])
        return render(
            self.request,
            "statistics/tenant_reports.html",
            {
                "enterprise": enterprise,
                "form": form,
                "reports": reports,
                "park": selectors.tenant_park(enterprise),
                "comparison": comparison,
                "last_month_label": last_month,
                "last_year_label": last_year,
                "window_opens": window.opens(year, month),
                "window_closes": window.closes(year, month),
                "moves": [(labels.get(m.field, m.field), m) for m in moves or []],
                "waiting": ReportSubmission.objects.filter(
                    enterprise=enterprise, status=SubmissionStatus.PENDING
                ).order_by("-created_at"),
            },
        )


class SubmissionsView(ParkPageMixin, View):
    """An officer's queue: tenants' revisions waiting for approval, and permissions to report late."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        return self._render(park, self._late_form(park))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Grant a permission to report late."""
        park = self.get_park(pk)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        form = self._late_form(park, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.late_permission_grant(
                    park=park,
                    enterprise=data["enterprise"],
                    year=data["year"],
                    month=data["month"],
                    until=data["until"],
                    reason=data["reason"],
                    actor=acting_user(request),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已开通补报。"))
                return HttpResponseRedirect(reverse("park_statistics:submissions", args=[park.pk]))
        return self._render(park, form)

    def _late_form(self, park: Park, data: QueryDict | None = None) -> LatePermissionForm:
        return LatePermissionForm(
            data, enterprises=selectors.expected_reporters(park.pk, *_today_ym()).order_by("name")
        )

    def _render(self, park: Park, late_form: LatePermissionForm) -> HttpResponse:
        pending = [(s, selectors.proposed_changes(s)) for s in selectors.pending_submissions(park.pk)]
        return render(
            self.request,
            "statistics/submissions.html",
            {
                "park": park,
                "pending": pending,
                "decided": selectors.decided_submissions(park.pk),
                "late_form": late_form,
                "decision_form": DecisionForm(),
                "breadcrumbs": [
                    (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
                    (_("填报审核"), ""),
                ],
            },
        )


class SubmissionDecisionView(ParkPageMixin, View):
    def post(self, request: HttpRequest, pk: int, submission: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        revision = get_object_or_404(ReportSubmission, pk=submission, park=park)
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.submission_decide(
                submission=revision, approve="approve" in request.POST, note=note, actor=acting_user(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已审核。"))
        return HttpResponseRedirect(reverse("park_statistics:submissions", args=[park.pk]))


class TenantReportDetailView(TenantMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = acting_user(request)
        # Another enterprise's report answers 404, so its existence does not leak.
        report_obj = get_object_or_404(
            MonthlyReport.objects.select_related("park"), pk=pk, enterprise_id=user.enterprise_id
        )
        return render(request, "statistics/tenant_report_detail.html", {"object": report_obj})
