"""Contract pages, rent roll and occupancy dashboard: thin layers over services and selectors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from parkos.accounts.access import (
    Capability,
    acting_user,
    has_capability,
    scope_to_parks,
    visible_park_ids,
    visible_parks,
)
from parkos.core.models import AuditEntry
from parkos.core.routing import replica_reads
from parkos.core.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, xlsx_response
from parkos.enterprises.models import Enterprise
from parkos.enterprises.selectors import enterprise_list
from parkos.leasing import schedule, selectors, services
from parkos.leasing.choices import ContractKind, ContractStatus
from parkos.leasing.filtersets import CONTRACT_ORDERING, ContractFilterSet
from parkos.leasing.forms import ApproveForm, ContractForm, PresenceForm, RenewForm, SignForm, TerminateForm
from parkos.leasing.models import Contract, Presence
from parkos.parks.models import Park, Unit
from parkos.web.views_generic import (
    FilteredListView,
    Paginable,
    ParkScopedMixin,
    ScopedDetailView,
    ServiceFormView,
    StaffRequiredMixin,
    apply_validation_error,
    requested_park_ids,
)


def _scoped_contracts(request: HttpRequest) -> QuerySet[Contract]:
    return scope_to_parks(request.user, Contract.objects.all())


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return value if low <= value <= high else default


class ContractListView(FilteredListView):
    model = Contract
    filterset_class = ContractFilterSet
    template_name = "leasing/contract_list.html"
    partial_template_name = "leasing/_contract_table.html"
    ordering_fields = CONTRACT_ORDERING
    default_ordering = "-start_on"

    def get_queryset(self) -> QuerySet[Contract]:
        return selectors.contract_list(super().get_queryset()).distinct()

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.GET.get("format") == "xlsx":
            rows = self.get_queryset()[:20000]
            today = timezone.localdate()
            return xlsx_response(
                _("租售合同"),
                [
                    Column(_("合同编号"), "number"),
                    Column(_("园区"), "park.name"),
                    Column(_("企业"), "enterprise.name"),
                    Column(_("合同类型"), "get_kind_display"),
                    Column(_("执行情况"), lambda c: c.lifecycle_on(today, renewed=c.has_renewal).label),
                    Column(_("起租日期"), "start_on", DATE_FORMAT),
                    Column(_("到期日期"), "end_on", DATE_FORMAT),
                    Column(_("面积（m²）"), "area_sqm", MONEY_FORMAT),
                    Column(_("租金单价（元/m²·月）"), "rent_per_sqm_month"),
                ],
                rows,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        today = timezone.localdate()
        context["rows"] = [(c, c.lifecycle_on(today, renewed=c.has_renewal)) for c in context["object_list"]]
        context["can_manage"] = has_capability(self.request.user, Capability.MANAGE_CONTRACTS)
        context["expiry_counts"] = selectors.expiry_counts(requested_park_ids(self.request), today)
        return context


class ContractDetailView(ScopedDetailView):
    model = Contract
    template_name = "leasing/contract_detail.html"

    def get_queryset(self) -> QuerySet[Contract]:
        return super().get_queryset().select_related("park", "enterprise", "renewal_of", "created_by")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:

        context = super().get_context_data(**kwargs)
        contract: Contract = self.object
        today = timezone.localdate()
        lines: list[schedule.ScheduleLine] = []
        if contract.kind == ContractKind.LEASE and contract.status != ContractStatus.CANCELLED:
            lines = schedule.generate_schedule(services.lease_terms(contract))
        can_manage = has_capability(self.request.user, Capability.MANAGE_CONTRACTS)
        context.update(
            lifecycle=contract.lifecycle_on(today),
            spaces=contract.spaces.select_related("unit", "parcel", "building"),
            lines=lines,
            rent_total=sum((line.rent_amount for line in lines), schedule.ZERO_YUAN),
            monthly_rent=(contract.rent_per_sqm_month * contract.area_sqm).quantize(Decimal("0.01"))
            if contract.rent_per_sqm_month is not None
            else None,
            fee_total=sum((line.property_fee_amount for line in lines), schedule.ZERO_YUAN),
            events=contract.events.select_related("actor"),
            audit=AuditEntry.objects.filter(object_type="leasing.contract", object_id=str(contract.pk))[:30],
            renewals=contract.renewals.all(),
            commitments=selectors.commitments_vs_actuals(contract) if contract.has_commitments else [],
            can_manage=can_manage,
            can_approve=can_manage and contract.status == ContractStatus.DRAFT,
            is_drafter=services.drafter_id(contract) == self.request.user.pk,
            is_operator_admin=getattr(self.request.user, "role", "") == "operator_admin",
            approve_form=ApproveForm(),
            can_sign=can_manage and contract.status == ContractStatus.APPROVED,
            can_terminate=can_manage and contract.status == ContractStatus.SIGNED,
            can_renew=can_manage
            and contract.status == ContractStatus.SIGNED
            and contract.kind == ContractKind.LEASE
            and not contract.renewals.exclude(status=ContractStatus.CANCELLED).exists(),
            sign_form=SignForm(initial={"signed_on": today}),
            terminate_form=TerminateForm(),
            renew_form=RenewForm(initial={"rent_per_sqm_month": contract.rent_per_sqm_month, "free_rent_months": 0}),
            breadcrumbs=[(_("租售合同"), reverse("leasing:contract_list")), (str(contract), "")],
        )
        return context


class ContractScheduleExportView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        contract = get_object_or_404(_scoped_contracts(request), pk=pk)
        if contract.kind != ContractKind.LEASE:
            raise ValidationError(_("销售合同没有租金计划"))
        lines = schedule.generate_schedule(services.lease_terms(contract))
        return xlsx_response(
            f"{_('租金计划')}-{contract.number}",
            [
                Column(_("期数"), "number"),
                Column(_("开始"), "period_start", DATE_FORMAT),
                Column(_("结束"), "period_end", DATE_FORMAT),
                Column(_("应付日期"), "due_date", DATE_FORMAT),
                Column(_("租金（元）"), "rent_amount", MONEY_FORMAT),
                Column(_("物业费（元）"), "property_fee_amount", MONEY_FORMAT),
                Column(_("合计（元）"), "total_amount", MONEY_FORMAT),
                Column(_("说明"), "description"),
            ],
            lines,
        )


class ContractCreateView(ServiceFormView[Contract, ContractForm]):
    form_class = ContractForm
    template_name = "leasing/contract_form.html"
    capability = Capability.MANAGE_CONTRACTS

    @property
    def title(self) -> str:
        return _("新建租售合同")

    def get_form_kwargs(self, obj: Contract | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "parks": visible_parks(self.request.user).filter(archived_at__isnull=True),
            "user": self.request.user,
        }
        initial: dict[str, Any] = {}
        if self.request.GET.get("unit", "").isdigit():
            unit = scope_to_parks(self.request.user, Unit.objects.all()).filter(pk=self.request.GET["unit"]).first()
            if unit is not None:
                initial.update(park=unit.park_id, units=[unit.pk])
        if self.request.GET.get("lead", "").isdigit():
            initial.update(selectors.contract_initial_from_lead(int(self.request.GET["lead"]), self.request.user))
        kwargs["initial"] = initial
        return kwargs

    def park_of(self, obj: Contract | None, form: ContractForm | None) -> Park | int | None:
        return form.cleaned_data["park"] if form is not None else None

    def save(self, form: ContractForm, obj: Contract | None) -> Contract:
        data = dict(form.cleaned_data)
        park, enterprise, lead = data.pop("park"), data.pop("enterprise"), data.pop("lead", None)
        units, parcel, kind = data.pop("units"), data.pop("parcel"), data.pop("kind")
        data.pop("parcel_code", None)
        return services.contract_create_draft(
            actor=acting_user(self.request),
            park=park,
            enterprise=enterprise,
            kind=kind,
            units=units,
            parcel=parcel,
            lead=lead,
            **data,
        )


class ContractUpdateView(ServiceFormView[Contract, ContractForm]):
    form_class = ContractForm
    template_name = "leasing/contract_form.html"
    capability = Capability.MANAGE_CONTRACTS

    @property
    def title(self) -> str:
        return _("编辑合同草稿")

    def get_object(self) -> Contract:
        return get_object_or_404(_scoped_contracts(self.request), pk=self.kwargs["pk"])

    def get_form_kwargs(self, obj: Contract | None) -> dict[str, Any]:
        return {"instance": obj, "parks": visible_parks(self.request.user), "user": self.request.user}

    def park_of(self, obj: Contract | None, form: ContractForm | None) -> Park | int | None:
        return self.existing(obj).park_id

    def save(self, form: ContractForm, obj: Contract | None) -> Contract:
        return services.contract_update_draft(
            contract=self.existing(obj), actor=acting_user(self.request), **form.cleaned_data
        )


class ContractActionView(ParkScopedMixin, View):
    """POST-only workflow steps: approve, sign, terminate, renew, cancel; errors come back as messages."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        contract = get_object_or_404(_scoped_contracts(request), pk=pk)
        self.require(Capability.MANAGE_CONTRACTS, contract.park_id)
        actor = acting_user(request)
        target = contract
        try:
            if action == "approve":
                approve = ApproveForm(request.POST)
                approve.is_valid()
                services.contract_approve(
                    contract=contract, actor=actor, override_reason=approve.cleaned_data.get("override_reason") or ""
                )
                messages.success(request, _("合同已审批。"))
            elif action == "cancel":
                services.contract_cancel(contract=contract, actor=actor)
                messages.success(request, _("合同已作废。"))
            elif action == "sign":
                form: BaseForm = SignForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors.as_text())
                services.contract_sign(contract=contract, actor=actor, signed_on=form.cleaned_data["signed_on"])
                messages.success(request, _("合同已签约，单元自起租日起计为已出租。"))
            elif action == "terminate":
                form = TerminateForm(request.POST)
                if not form.is_valid():
                    return self._form_error(request, contract, "terminate_form", form)
                services.contract_terminate(contract=contract, actor=actor, **form.cleaned_data)
                messages.success(request, _("合同已提前终止。"))
            elif action == "renew":
                form = RenewForm(request.POST)
                if not form.is_valid():
                    return self._form_error(request, contract, "renew_form", form)
                target = services.contract_renew(contract=contract, actor=actor, **form.cleaned_data)
                messages.success(request, _("已生成续签合同草稿 %(n)s。") % {"n": target.number})
            else:
                return HttpResponse(status=404)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(target.get_absolute_url())

    def _form_error(self, request: HttpRequest, contract: Contract, name: str, form: BaseForm) -> HttpResponse:
        view = ContractDetailView()
        view.setup(request, pk=contract.pk)
        view.object = contract
        context = view.get_context_data(object=contract)
        context[name] = form
        context["open_form"] = name
        return render(request, ContractDetailView.template_name, context, status=200)


def _month_cell(index: int) -> Any:
    def cell(row: selectors.RentRollRow) -> Decimal:
        return row.months[index]

    return cell


@method_decorator(replica_reads, name="get")
class RentRollView(ParkScopedMixin, TemplateView):
    template_name = "leasing/rent_roll.html"

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        today = timezone.localdate()
        year = _int_param(request, "year", today.year, 2000, 2100)
        month = _int_param(request, "month", 0, 1, 12) or None
        roll = selectors.rent_roll(requested_park_ids(request), year, month)
        if request.GET.get("format") == "xlsx":
            columns = [
                Column(_("企业"), "enterprise", width=32),
                Column(_("园区"), "park", width=22),
                Column(_("单元"), "units", width=16),
                Column(_("合同编号"), "number"),
                Column(_("面积（m²）"), "area_sqm", MONEY_FORMAT),
                Column(_("租金单价（元/m²·月）"), "rent_per_sqm_month", MONEY_FORMAT),
                Column(_("起租日期"), "start_on", DATE_FORMAT),
                Column(_("到期日期"), "end_on", DATE_FORMAT),
            ]
            columns += [Column(f"{c:%Y-%m}", _month_cell(i), MONEY_FORMAT) for i, c in enumerate(roll.columns)]
            columns += [
                Column(_("租金合计（元）"), "rent_total", MONEY_FORMAT),
                Column(_("物业费合计（元）"), "property_fee_total", MONEY_FORMAT),
            ]
            label = f"{year}-{month:02d}" if month else str(year)
            return xlsx_response(f"{_('租金台账')}-{label}", columns, roll.rows, totals=_roll_totals(roll), freeze="D2")
        context = self.get_context_data(
            roll=roll,
            roll_area=roll_area(roll),
            year=year,
            month=month,
            park_id=request.GET.get("park", ""),
            parks=visible_parks(request.user).filter(archived_at__isnull=True).only("pk", "name"),
            months=range(1, 13),
            querystring=request.GET.urlencode(),
            breadcrumbs=[(_("租售合同"), reverse("leasing:contract_list")), (_("租金台账"), "")],
        )
        return self.render_to_response(context)


def _roll_totals(roll: selectors.RentRoll) -> list[Any]:
    """The total row under the rent roll sheet: one cell per column, sums under the money."""
    return [
        _("合计"),
        "",
        "",
        "",
        roll_area(roll),
        "",
        "",
        "",
        *roll.column_totals,
        roll.rent_total,
        roll.property_fee_total,
    ]


def roll_area(roll: selectors.RentRoll) -> Decimal:
    return sum((r.area_sqm for r in roll.rows), Decimal(0))


@method_decorator(replica_reads, name="get")
class OccupancyView(ParkScopedMixin, TemplateView):
    """Occupancy by park on a day (any past date), and by month over a year, with WALT."""

    template_name = "leasing/occupancy.html"

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        today = timezone.localdate()
        try:
            day = datetime.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
        except ValueError:
            day = today
        park_ids = requested_park_ids(request)
        by_park = selectors.occupancy_by_park(day, park_ids)
        parks = {p.pk: p for p in visible_parks(request.user).filter(pk__in=list(by_park))}
        total = selectors.occupancy_on(day, park_ids)
        year = _int_param(request, "year", day.year, 2000, 2100)
        series = selectors.occupancy_series(selectors.month_ends(year), park_ids)
        park_order = [pid for pid in sorted(by_park, key=lambda p: parks[p].name) if pid in parks]
        # Complete ECharts options, rendered by the shell's static charts.js (no inline script: CSP).
        chart_month = {
            "title": {"text": str(_("各月末出租率（%）")), "textStyle": {"fontSize": 14}},
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 24},
            "grid": {"top": 60},
            "xAxis": {"type": "category", "data": [f"{o.day:%Y-%m}" for o in series]},
            "yAxis": {"type": "value", "max": 100},
            "series": [
                {
                    "name": str(_("按面积")),
                    "type": "line",
                    "data": [float(o.by_area_pct) if o.by_area_pct is not None else None for o in series],
                },
                {
                    "name": str(_("按单元数")),
                    "type": "line",
                    "data": [float(o.by_count_pct) if o.by_count_pct is not None else None for o in series],
                },
            ],
        }
        chart_park = {
            "title": {"text": str(_("各园区出租率（按面积，%）")), "textStyle": {"fontSize": 14}},
            "tooltip": {},
            "grid": {"left": 160},
            "xAxis": {"type": "value", "max": 100},
            "yAxis": {"type": "category", "data": [parks[pid].name for pid in park_order]},
            "series": [{"type": "bar", "data": [float(by_park[pid].by_area_pct or 0) for pid in park_order]}],
        }
        context = self.get_context_data(
            day=day,
            year=year,
            total=total,
            walt=selectors.walt_on(day, park_ids),
            rows=sorted(((parks[pid], occ) for pid, occ in by_park.items() if pid in parks), key=lambda r: r[0].name),
            chart_month=chart_month,
            chart_park=chart_park,
            park_id=request.GET.get("park", ""),
            parks=visible_parks(request.user).filter(archived_at__isnull=True).only("pk", "name"),
            breadcrumbs=[(_("租售合同"), reverse("leasing:contract_list")), (_("出租率"), "")],
        )
        return self.render_to_response(context)


__all__ = [
    "ContractActionView",
    "ContractCreateView",
    "ContractDetailView",
    "ContractListView",
    "ContractScheduleExportView",
    "ContractUpdateView",
    "OccupancyView",
    "RentRollView",
]


# --- Presence (在园记录) --------------------------------------------------------------------------


def _may_record_presence(request: HttpRequest) -> bool:
    """Statistics officers and leasing staff enter and correct stays (RULES §5.3)."""
    return has_capability(request.user, Capability.MANAGE_STATISTICS) or has_capability(
        request.user, Capability.MANAGE_CONTRACTS
    )


def _presence_history(entries: list[AuditEntry]) -> list[tuple[AuditEntry, str]]:
    """Each audit entry of a stay with its changes as one line: "迁出日期：— → 2025-06-30"."""
    labels = {f.attname: str(f.verbose_name) for f in Presence._meta.concrete_fields}
    shown = ("moved_in_on", "moved_out_on", "note", "park_id")
    lines = []
    for entry in entries:
        changes = entry.changes or {}
        parts = [
            f"{labels[name]}：{changes[name][0] or '—'} → {changes[name][1] or '—'}"
            for name in shown
            if name in changes
        ]
        lines.append((entry, "；".join(parts)))
    return lines


class EnterprisePresenceView(StaffRequiredMixin, View):
    """An enterprise's dated presence in the viewer's parks: its stays as statistics read them
    (contracts', or the officers' where they entered any), the entries to correct, a form to enter
    a stay, and the history of every entry."""

    template_name = "leasing/presence.html"

    def _render(
        self, request: HttpRequest, enterprise: Enterprise, form: PresenceForm, status: int = 200
    ) -> HttpResponse:
        page = selectors.presence_page(enterprise, visible_park_ids(request.user))
        return render(
            request,
            self.template_name,
            {
                "enterprise": enterprise,
                "page": page,
                "history": _presence_history(page.history),
                "form": form,
                "can_record": _may_record_presence(request),
                "breadcrumbs": [
                    (enterprise.name, reverse("enterprises:enterprise_detail", args=[enterprise.pk])),
                    (_("在园记录"), ""),
                ],
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enterprise = get_object_or_404(enterprise_list(user=request.user), pk=pk)
        return self._render(request, enterprise, PresenceForm(parks=visible_parks(request.user)))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        enterprise = get_object_or_404(enterprise_list(user=request.user), pk=pk)
        if not _may_record_presence(request):
            raise PermissionDenied
        form = PresenceForm(request.POST, parks=visible_parks(request.user))
        if form.is_valid():
            data = form.cleaned_data
            entry = services.StayEntry(data["moved_in_on"], data["moved_out_on"], data["note"])
            try:
                services.presence_record(
                    enterprise=enterprise, park=data["park"], entry=entry, actor=acting_user(request)
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已登记在园记录"))
                return HttpResponseRedirect(reverse("leasing:presence", args=[enterprise.pk]))
        return self._render(request, enterprise, form, status=400)


class PresenceCorrectView(StaffRequiredMixin, View):
    """Correct an entered stay: record the move-out, or fix a date; the page's history keeps the
    earlier values."""

    template_name = "leasing/presence_form.html"

    def _stay(self, request: HttpRequest, pk: int) -> Presence:
        if not _may_record_presence(request):
            raise PermissionDenied
        return get_object_or_404(
            scope_to_parks(request.user, Presence.objects.select_related("enterprise", "park")), pk=pk
        )

    def _render(self, request: HttpRequest, stay: Presence, form: PresenceForm, status: int = 200) -> HttpResponse:
        enterprise = stay.enterprise
        return render(
            request,
            self.template_name,
            {
                "stay": stay,
                "form": form,
                "breadcrumbs": [
                    (enterprise.name, reverse("enterprises:enterprise_detail", args=[enterprise.pk])),
                    (_("在园记录"), reverse("leasing:presence", args=[enterprise.pk])),
                    (_("更正"), ""),
                ],
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        stay = self._stay(request, pk)
        initial = {
            "park": stay.park,
            "moved_in_on": stay.moved_in_on,
            "moved_out_on": stay.moved_out_on,
            "note": stay.note,
        }
        return self._render(request, stay, PresenceForm(parks=Park.objects.filter(pk=stay.park_id), initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stay = self._stay(request, pk)
        # The park of a stay is not corrected (a stay elsewhere is another stay).
        form = PresenceForm(request.POST, parks=Park.objects.filter(pk=stay.park_id))
        if form.is_valid():
            data = form.cleaned_data
            entry = services.StayEntry(data["moved_in_on"], data["moved_out_on"], data["note"])
            try:
                services.presence_correct(stay=stay, entry=entry, actor=acting_user(request))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已更正在园记录"))
                return HttpResponseRedirect(reverse("leasing:presence", args=[stay.enterprise_id]))
        return self._render(request, stay, form, status=400)
