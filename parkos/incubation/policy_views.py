"""Staff pages of policy schemes and eligibility, early warning, and the incubator statistics report."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from parkos.accounts.access import (
    Capability,
    acting_user,
    can_access_park,
    has_capability,
    is_operator_admin,
    require_capability,
    require_park,
    scope_to_parks,
    visible_park_ids,
    visible_parks,
)
from parkos.core.xlsx import Column, stamped_filename, workbook_response, write_sheet
from parkos.enterprises.models import Enterprise
from parkos.incubation import eligibility, hooks, selectors, services, torch
from parkos.incubation.choices import SchemeApplicationStatus
from parkos.incubation.filtersets import SchemeFilterSet
from parkos.incubation.forms import RuleFormSet, SchemeAdvanceForm, SchemeApplicationForm, SchemeForm
from parkos.incubation.models import Programme, Scheme, SchemeApplication
from parkos.incubation.views import report_errors
from parkos.parks.models import Park
from parkos.web.views_generic import ParkScopedMixin, apply_validation_error, requested_park_ids


def _schemes(request: HttpRequest) -> QuerySet[Scheme]:
    """Schemes of the person's parks, and those open to every park."""
    visible = visible_park_ids(request.user)
    queryset = Scheme.objects.select_related("park")
    if visible is None:
        return queryset
    return queryset.filter(Q(park_id__in=visible) | Q(park__isnull=True))


def _scan_park(request: HttpRequest) -> Park | None:
    """The one park an eligibility scan runs for: `?park=`, the active park, or the person's first park."""
    park_ids = requested_park_ids(request)
    parks = visible_parks(request.user).filter(archived_at__isnull=True).order_by("pk")
    if park_ids is not None and len(park_ids) == 1:
        return parks.filter(pk=park_ids[0]).first()
    return parks.first()


def _can_edit_scheme(request: HttpRequest, scheme: Scheme | None) -> bool:
    if not has_capability(request.user, Capability.MANAGE_SERVICES):
        return False
    if scheme is None or scheme.park_id is None:
        return is_operator_admin(request.user) if scheme is not None else True
    return can_access_park(request.user, scheme.park_id)


class SchemeListView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        park_ids = requested_park_ids(request)
        awarded, count = selectors.awards_total(park_ids, today.year)
        schemes = _schemes(request)
        filterset = SchemeFilterSet(request.GET or None, queryset=schemes, request=request)
        if filterset.is_bound and filterset.is_valid():
            schemes = filterset.qs
        applications = scope_to_parks(request.user, SchemeApplication.objects.select_related("scheme", "enterprise"))
        if park_ids is not None:
            applications = applications.filter(park_id__in=park_ids)
        return render(
            request,
            "incubation/scheme_list.html",
            {
                "filterset": filterset,
                "schemes": schemes.prefetch_related("criteria").order_by("level", "name"),
                "awarded": awarded,
                "award_count": count,
                "year": today.year,
                "today": today,
                "applications": applications.exclude(
                    status__in=(SchemeApplicationStatus.REJECTED, SchemeApplicationStatus.WITHDRAWN)
                ).order_by("-year", "-updated_at")[:20],
                "can_manage": has_capability(request.user, Capability.MANAGE_SERVICES),
            },
        )


class SchemeFormView(ParkScopedMixin, View):
    """Create or edit a scheme with its criteria (a formset of fact / operator / value rules)."""

    def scheme(self) -> Scheme | None:
        if not self.kwargs.get("pk"):
            return None
        return get_object_or_404(_schemes(self.request), pk=self.kwargs["pk"])

    def _forms(self, scheme: Scheme | None, data: Any = None) -> tuple[SchemeForm, Any]:
        parks = visible_parks(self.request.user).filter(archived_at__isnull=True)
        form = SchemeForm(
            data,
            instance=scheme,
            parks=parks,
            allow_all_parks=is_operator_admin(self.request.user),
        )
        initial = (
            [{"fact": c.fact, "operator": c.operator, "value": c.value} for c in scheme.criteria.all()]
            if scheme
            else None
        )
        return form, RuleFormSet(data, initial=initial, prefix="rules")

    def _render(
        self, scheme: Scheme | None, form: SchemeForm, rules: Any, rule_errors: list[str] | None = None
    ) -> HttpResponse:
        # A stored row that no longer parses is shown with its problem, so the officer sees what to fix.
        stored_problems = [
            eligibility.criterion_problem(f.initial["fact"], f.initial["operator"], f.initial["value"])
            if f.initial and self.request.method != "POST"
            else None
            for f in rules
        ]
        return render(
            self.request,
            "incubation/scheme_form.html",
            {
                "form": form,
                "rules": rules,
                "rule_rows": list(zip(rules, stored_problems, strict=True)),
                "rule_errors": rule_errors or rules.non_form_errors(),
                "object": scheme,
                "breadcrumbs": [
                    (_("政策与申报"), reverse("incubation:scheme_list")),
                    (scheme.name if scheme else _("新建政策"), ""),
                ],
            },
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        scheme = self.scheme()
        if not _can_edit_scheme(request, scheme):
            require_capability(request.user, Capability.MANAGE_USERS)  # operator admins only
        form, rules = self._forms(scheme)
        return self._render(scheme, form, rules)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        scheme = self.scheme()
        if not _can_edit_scheme(request, scheme):
            require_capability(request.user, Capability.MANAGE_USERS)
        form, rules = self._forms(scheme, request.POST)
        if form.is_valid() and rules.is_valid():
            chosen_park = form.cleaned_data.get("park")
            if chosen_park is not None:
                require_park(request.user, chosen_park)
            rule_inputs = [
                services.RuleInput(r["fact"], r["operator"], r.get("value") or "")
                for r in rules.cleaned_data
                if r and not r.get("DELETE")
            ]
            try:
                saved = services.scheme_save(scheme=form.instance, rules=rule_inputs, actor=acting_user(request))
            except ValidationError as exc:
                errors = dict(exc.error_dict) if hasattr(exc, "error_dict") else {}
                criteria = [m for error in errors.pop("criteria", []) for m in error.messages]
                if errors or not hasattr(exc, "error_dict"):
                    apply_validation_error(form, ValidationError(errors) if errors else exc)
                return self._render(scheme, form, rules, criteria)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(saved.get_absolute_url())
        return self._render(scheme, form, rules)


class SchemeDetailView(ParkScopedMixin, View):
    """A scheme: its rules, who in the park qualifies and who misses one rule (named), its applications."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        scheme = get_object_or_404(_schemes(request).prefetch_related("criteria"), pk=pk)
        park = scheme.park or _scan_park(request)
        today = timezone.localdate()
        rules = selectors.scheme_rules(scheme)
        applied = {a.enterprise_id: a for a in SchemeApplication.objects.filter(scheme=scheme, year=today.year)}
        qualified: list[Enterprise] = []
        near: list[tuple[Enterprise, eligibility.Rule, bool]] = []
        population = 0
        if park is not None:
            scan = selectors.eligibility_scan(park.pk, today, [scheme])
            result = scan.results[scheme.pk]
            population = scan.population
            names = Enterprise.objects.in_bulk([*result.qualified, *(m.enterprise_id for m in result.near_misses)])
            qualified = sorted((names[i] for i in result.qualified if i in names), key=lambda e: e.name)
            near = sorted(
                (
                    (names[m.enterprise_id], rules[m.rule_index], m.missing_data)
                    for m in result.near_misses
                    if m.enterprise_id in names
                ),
                key=lambda row: row[0].name,
            )
        applications = scope_to_parks(request.user, scheme.applications.select_related("enterprise")).order_by(
            "-year", "enterprise__name"
        )
        return render(
            request,
            "incubation/scheme_detail.html",
            {
                "object": scheme,
                "rules": rules,
                "invalid_rules": sum(1 for rule in rules if rule.invalid),
                "park": park,
                "population": population,
                "qualified": Paginator([(e, applied.get(e.pk)) for e in qualified], 100).get_page(
                    request.GET.get("page")
                ),
                "qualified_count": len(qualified),
                "near": near[:200],
                "near_count": len(near),
                "applications": [(a, services.scheme_next_statuses(a.status)) for a in applications],
                "window_open": scheme.window_open_on(today),
                "can_manage": has_capability(request.user, Capability.MANAGE_SERVICES)
                and park is not None
                and can_access_park(request.user, park),
                "can_edit": _can_edit_scheme(request, scheme),
                "year": today.year,
                "breadcrumbs": [(_("政策与申报"), reverse("incubation:scheme_list")), (scheme.name, "")],
            },
        )


class EligibilityView(ParkScopedMixin, View):
    """The scan of every active scheme over a park's enterprises: counts per scheme, links to the lists."""

    def get(self, request: HttpRequest) -> HttpResponse:
        park = _scan_park(request)
        rows: list[tuple[Scheme, int, int]] = []
        population = 0
        if park is not None:
            scan = selectors.eligibility_scan(park.pk, timezone.localdate())
            population = scan.population
            rows = [(s, scan.results[s.pk].qualified_count, scan.results[s.pk].near_miss_count) for s in scan.schemes]
        return render(
            request,
            "incubation/eligibility.html",
            {
                "park": park,
                "rows": rows,
                "population": population,
                "breadcrumbs": [(_("政策与申报"), reverse("incubation:scheme_list")), (_("政策匹配"), "")],
            },
        )


class SchemeApplicationView(ParkScopedMixin, View):
    """Start tracking an enterprise's application for a scheme (拟申报), or move one along to award."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        actor = acting_user(request)
        if action == "create":
            scheme = get_object_or_404(_schemes(request), pk=pk)
            # The right before the form: a refusal must not read as "please correct the form".
            require_capability(request.user, Capability.MANAGE_SERVICES)
            form = SchemeApplicationForm(request.POST)
            park = scheme.park or _scan_park(request)
            if park is None or not form.is_valid():
                report_errors(request, form.errors)
                return HttpResponseRedirect(scheme.get_absolute_url())
            require_capability(request.user, Capability.MANAGE_SERVICES, park)
            enterprise = get_object_or_404(Enterprise, pk=form.cleaned_data["enterprise_id"])
            try:
                services.scheme_application_create(
                    scheme=scheme,
                    enterprise=enterprise,
                    park_id=park.pk,
                    year=form.cleaned_data["year"],
                    actor=actor,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                report_errors(request, exc)
            else:
                messages.success(request, _("已加入申报跟踪：%(name)s") % {"name": enterprise.name})
            return HttpResponseRedirect(scheme.get_absolute_url())
        if action != "advance":
            raise Http404
        application = get_object_or_404(
            scope_to_parks(request.user, SchemeApplication.objects.select_related("scheme")), pk=pk
        )
        require_capability(request.user, Capability.MANAGE_SERVICES, application.park_id)
        advance = SchemeAdvanceForm(request.POST)
        if not advance.is_valid():
            report_errors(request, advance.errors)
        else:
            data = advance.cleaned_data
            try:
                services.scheme_application_advance(
                    application=application,
                    status=data["status"],
                    on=data["on"],
                    amount=data.get("amount"),
                    note=data["note"],
                    actor=actor,
                )
            except ValidationError as exc:
                report_errors(request, exc)
            else:
                messages.success(request, _("申报状态已更新。"))
        return HttpResponseRedirect(application.scheme.get_absolute_url())


# --- Early warning -------------------------------------------------------------------------------------


class RiskView(ParkScopedMixin, View):
    """The week's early-warning list of a park: each enterprise's score, its reasons and their evidence."""

    def get(self, request: HttpRequest) -> HttpResponse:
        park = _scan_park(request)
        today = timezone.localdate()
        rows = selectors.risk_list(park.pk, today) if park is not None else []
        sources = hooks.risk_signal_sources()
        return render(
            request,
            "incubation/risk.html",
            {
                "park": park,
                "rows": rows,
                "today": today,
                "sources": sources,
                "breadcrumbs": [(_("孵化与服务"), reverse("incubation:overview")), (_("风险预警"), "")],
            },
        )


# --- The incubator statistics report --------------------------------------------------------------------


def _programme_year(request: HttpRequest, pk: int, year: int) -> tuple[Programme, int]:
    programme = get_object_or_404(scope_to_parks(request.user, Programme.objects.select_related("park")), pk=pk)
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    return programme, year


class TorchReportView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int, year: int) -> HttpResponse:
        programme, year = _programme_year(request, pk, year)
        report = torch.incubator_statistics(programme, year)
        return render(
            request,
            "incubation/torch_report.html",
            {
                "report": report,
                "object": programme,
                "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
                "breadcrumbs": [
                    (programme.name, programme.get_absolute_url()),
                    (_("孵化器统计 %(y)d") % {"y": year}, ""),
                ],
            },
        )


class TorchSourcesView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int, year: int, key: str) -> HttpResponse:
        programme, year = _programme_year(request, pk, year)
        report = torch.incubator_statistics(programme, year)
        try:
            figure = report.figure(key)
        except StopIteration:
            raise Http404 from None
        return render(
            request,
            "incubation/torch_sources.html",
            {
                "report": report,
                "figure": figure,
                "object": programme,
                "breadcrumbs": [
                    (programme.name, programme.get_absolute_url()),
                    (
                        _("孵化器统计 %(y)d") % {"y": year},
                        reverse("incubation:torch_report", args=[programme.pk, year]),
                    ),
                    (figure.label, ""),
                ],
            },
        )


class TorchXlsxView(ParkScopedMixin, View):
    """The report as a workbook: the figures, then every source row of every figure (traceable offline)."""

    def get(self, request: HttpRequest, pk: int, year: int) -> HttpResponse:
        programme, year = _programme_year(request, pk, year)
        report = torch.incubator_statistics(programme, year)
        workbook = Workbook(write_only=True)
        write_sheet(
            workbook,
            _("孵化器统计"),
            [
                Column(_("指标"), "label", width=32),
                Column(_("数值"), "value"),
                Column(_("单位"), "unit"),
                Column(_("来源条数"), lambda f: len(f.sources)),
                Column(_("未报送"), lambda f: "、".join(f.missing)),
                Column(_("说明"), "note", width=30),
            ],
            report.figures,
        )
        rows: list[dict[str, Any]] = [
            {
                "figure": f.label,
                "label": s.label,
                "value": s.value,
                "origin": s.origin,
                "url": request.build_absolute_uri(s.url) if s.url else "",
            }
            for f in report.figures
            for s in f.sources
        ]
        write_sheet(
            workbook,
            _("数据来源"),
            [
                Column(_("指标"), "figure", width=28),
                Column(_("企业/对象"), "label", width=36),
                Column(_("数值"), "value"),
                Column(_("来源"), "origin", width=20),
                Column(_("链接"), "url", width=50),
            ],
            rows,
        )
        write_sheet(
            workbook,
            _("在孵企业"),
            [
                Column(_("企业"), "enterprise.name", width=36),
                Column(_("统一社会信用代码"), "enterprise.credit_code", width=22),
                Column(_("批次"), "intake.name"),
                Column(_("入孵日期"), "admitted_on"),
                Column(_("孵化期满"), "due_on"),
                Column(_("年末阶段"), lambda r: torch.stage_on(r, datetime.date(year, 12, 31))),
            ],
            report.records,
        )
        return workbook_response(workbook, stamped_filename(f"{programme.name}-孵化器统计-{year}"))
