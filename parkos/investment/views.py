"""Pages: lead list, board, lead page with its matches, pipeline figures, notifications, public form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_protect

from parkos.accounts.access import (
    Capability,
    acting_user,
    has_capability,
    scope_to_parks,
    visible_parks,
)
from parkos.accounts.choices import Role
from parkos.accounts.middleware import active_park
from parkos.accounts.models import User
from parkos.core import industry
from parkos.core.client_ip import client_ip
from parkos.enterprises.models import Enterprise
from parkos.investment import hooks, ratelimit, selectors, services
from parkos.investment.choices import PIPELINE, LeadStage
from parkos.investment.filtersets import LeadFilterSet
from parkos.investment.forms import (
    ActivityForm,
    AssignForm,
    LeadForm,
    MoveForm,
    PublicRequirementForm,
    ViewingRequestForm,
)
from parkos.investment.models import Lead, Notification, Requirement
from parkos.parks.models import Park, Unit
from parkos.web.forms import FormData
from parkos.web.public import public_context, space_url
from parkos.web.views_generic import (
    FilteredListView,
    Paginable,
    ParkScopedMixin,
    ScopedDetailView,
    ServiceFormView,
    apply_validation_error,
)


class LeadListView(FilteredListView):
    model = Lead
    filterset_class = LeadFilterSet
    template_name = "investment/lead_list.html"
    partial_template_name = "investment/_lead_table.html"
    ordering_fields = ("company_name", "created_at", "stage", "expected_signing_on")
    default_ordering = "-created_at"

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return selectors.scope_leads(self.request.user, queryset)

    def get_queryset(self) -> QuerySet[Lead]:
        return super().get_queryset().select_related("park", "officer", "requirement")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context.update(
            can_manage=has_capability(self.request.user, Capability.MANAGE_LEADS),
            breadcrumbs=[(_("招商线索"), "")],
        )
        return context


class LeadBoardView(ParkScopedMixin, View):
    """The board: 待分配 first, then one column per stage; lost leads counted at the end.

    Cards move by drag and drop (SortableJS posts to the move endpoint) or, without a mouse, with
    the select and button on each card.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        leads = selectors.lead_list(request.user)
        if (park := active_park(request)) is not None:
            leads = leads.filter(Q(park=park) | Q(park__isnull=True))
        if request.GET.get("mine"):
            leads = leads.filter(officer=request.user.pk)
        cards = selectors.board_cards(leads.exclude(stage=LeadStage.LOST).order_by("-stage_changed_at", "-pk")[:600])
        unassigned = [c for c in cards if c.unassigned and c.lead.is_open]
        by_stage: dict[str, list[selectors.BoardCard]] = {s.value: [] for s in PIPELINE}
        for card in cards:
            if not (card.unassigned and card.lead.is_open):
                by_stage[card.lead.stage].append(card)
        columns = [(stage.value, stage.label, by_stage[stage.value]) for stage in PIPELINE]
        return render(
            request,
            "investment/lead_board.html",
            {
                "unassigned": unassigned,
                "columns": columns,
                "lost_count": leads.filter(stage=LeadStage.LOST).count(),
                "stages": [(v, label) for v, label in LeadStage.choices if v != LeadStage.LOST],
                "can_manage": has_capability(request.user, Capability.MANAGE_LEADS),
                "can_assign": acting_user(request).role in (Role.OPERATOR_ADMIN, Role.PARK_MANAGER),
                "today": timezone.localdate(),
                "breadcrumbs": [(_("招商看板"), "")],
            },
        )


class LeadDetailView(ScopedDetailView):
    model = Lead
    template_name = "investment/lead_detail.html"

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return selectors.scope_leads(self.request.user, queryset)

    def get_queryset(self) -> QuerySet[Lead]:
        return super().get_queryset().select_related("park", "officer", "enterprise", "requirement")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        lead: Lead = self.object
        user = acting_user(self.request)
        requirement = Requirement.objects.filter(lead=lead).prefetch_related("preferred_parks").first()
        report = (
            selectors.match_for_user(requirement, self.request.user, include_rejected=True) if requirement else None
        )
        can_assign = services.can_assign(user, lead.park) if lead.park else services.can_assign(user, None)
        context.update(
            requirement=requirement,
            versions=lead.requirement_versions.order_by("number"),
            industry=industry.describe(requirement.industry_code) if requirement else "",
            report=report,
            contracts=hooks.contracts_of_leads([lead.pk]).get(lead.pk, []),
            timeline=selectors.lead_timeline(lead),
            mobile=services.lead_mobile_shown(lead=lead, viewer=self.request.user, remote_addr=client_ip(self.request)),
            activity_form=ActivityForm(),
            move_form=MoveForm(initial={"stage": lead.stage}),
            assign_form=_assign_form(user, lead) if can_assign else None,
            can_manage=has_capability(self.request.user, Capability.MANAGE_LEADS),
            can_contract=has_capability(self.request.user, Capability.MANAGE_CONTRACTS) and lead.park_id is not None,
            breadcrumbs=[(_("招商线索"), reverse("investment:lead_list")), (lead.company_name, "")],
        )
        return context


def _assign_form(user: User | AnonymousUser, lead: Lead, data: FormData | None = None) -> AssignForm:
    parks = visible_parks(user).filter(archived_at__isnull=True)
    officers = User.objects.filter(is_active=True, role__in=services.OFFICER_ROLES, parks__in=parks).distinct()
    return AssignForm(data, parks=parks, officers=officers.order_by("username"), initial={"park": lead.park_id})


class LeadFormView(ServiceFormView[Lead, LeadForm]):
    form_class = LeadForm
    template_name = "investment/lead_form.html"
    capability = Capability.MANAGE_LEADS

    def get_form_kwargs(self, obj: Lead | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"parks": visible_parks(self.request.user)}
        if obj is not None:
            kwargs["initial"] = _initial_of(obj)
            if self.request.method == "GET":  # shown in the form: an unmasked view like any other
                kwargs["initial"]["contact_mobile"] = services.lead_mobile_shown(
                    lead=obj, viewer=self.request.user, remote_addr=client_ip(self.request)
                )
        return kwargs

    def park_of(self, obj: Lead | None, form: LeadForm | None) -> Park | None:
        if obj is not None:
            return obj.park
        park: Park | None = form.cleaned_data.get("park") if form is not None else None
        return park


def _initial_of(lead: Lead) -> dict[str, Any]:
    requirement = getattr(lead, "requirement", None)
    initial: dict[str, Any] = {
        "company_name": lead.company_name,
        "contact_name": lead.contact_name,
        "source": lead.source,
        "park": lead.park_id,
        "expected_signing_on": lead.expected_signing_on,
        "probability": lead.probability,
        "description": lead.description,
    }
    if requirement is not None:
        initial.update(
            {
                name: getattr(requirement, name)
                for name in (
                    "space_kind",
                    "tenure",
                    "industry_code",
                    "fire_class",
                    "cleanroom_grade",
                    "min_floor_load_kn_m2",
                    "min_clear_height_m",
                    "min_power_kva",
                    "min_lift_t",
                    "min_crane_t",
                    "needs_wastewater_pretreatment",
                    "eia_category",
                    "budget_rent_yuan_per_sqm_month",
                    "budget_price_yuan_per_sqm",
                    "budget_land_wan_per_mu",
                    "move_in_on",
                    "expected_annual_tax_wan",
                    "investment_wan",
                    "jobs",
                )
            }
        )
        initial.update(
            area_unit="sqm",
            area_min=requirement.area_min_sqm,
            area_max=requirement.area_max_sqm,
            preferred_cities=", ".join(requirement.preferred_cities or []),
            preferred_parks=list(requirement.preferred_parks.values_list("pk", flat=True)),
        )
    return initial


class LeadCreateView(LeadFormView):
    title = _("新建招商线索")

    def save(self, form: LeadForm, obj: Lead | None) -> Lead:
        data = form.cleaned_data
        if form.industry_notice:
            messages.info(self.request, form.industry_notice)
        return services.lead_create(
            actor=acting_user(self.request),
            credit_code=data.get("credit_code") or "",
            requirement=form.requirement_fields(),
            processes=form.processes() or None,
            preferred_parks=list(data.get("preferred_parks") or []),
            officer=officer if (officer := acting_user(self.request)).role == "investment_officer" else None,
            **form.lead_fields(),
        )


class LeadUpdateView(LeadFormView):
    title = _("编辑招商线索")

    def get_object(self) -> Lead:
        queryset = selectors.scope_leads(self.request.user, Lead.objects.select_related("requirement"))
        lead: Lead = get_object_or_404(queryset, pk=self.kwargs["pk"])
        return lead

    def save(self, form: LeadForm, obj: Lead | None) -> Lead:
        data = form.cleaned_data
        actor = acting_user(self.request)
        fields = form.lead_fields()
        if fields["park"] is None:
            fields.pop("park")
        lead = services.lead_update(lead=self.existing(obj), actor=actor, **fields)
        if form.industry_notice:
            messages.info(self.request, form.industry_notice)
        processes = form.processes()
        services.requirement_update(
            lead=lead,
            actor=actor,
            processes=processes if processes else None,
            preferred_parks=list(data.get("preferred_parks") or []),
            **form.requirement_fields(),
        )
        return lead


class LeadActionView(ParkScopedMixin, View):
    """POST-only actions on one lead: move along the pipeline, log an activity."""

    def lead(self) -> Lead:
        lead: Lead = get_object_or_404(
            selectors.scope_leads(self.request.user, Lead.objects.all()), pk=self.kwargs["pk"]
        )
        self.require(Capability.MANAGE_LEADS, lead.park)
        return lead


class LeadMoveView(LeadActionView):
    """Move a lead: a form post (the card's keyboard-usable select, the lead page) or the board's drag
    and drop, which asks for JSON and gets the error to show (and the card put back) on refusal."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        lead = self.lead()
        wants_json = "application/json" in request.headers.get("Accept", "")
        form = MoveForm(request.POST)
        error = ""
        if form.is_valid():
            try:
                services.lead_move(
                    lead=lead,
                    to_stage=form.cleaned_data["stage"],
                    lost_reason=form.cleaned_data.get("lost_reason") or "",
                    note=form.cleaned_data.get("note") or "",
                    actor=acting_user(request),
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        else:
            error = str(_("请选择阶段。"))
        stage_label = str(LeadStage(form.cleaned_data["stage"]).label) if not error else ""
        if wants_json:
            if error:
                return JsonResponse(
                    {"detail": error, "needs_note": "note" in getattr(form, "errors", {}) or "说明" in error},
                    status=400,
                )
            return JsonResponse({"stage": form.cleaned_data["stage"], "label": stage_label})
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("已移动到“%(stage)s”。") % {"stage": stage_label})
        target = request.POST.get("next") or lead.get_absolute_url()
        if not target.startswith("/") or target.startswith("//"):
            target = lead.get_absolute_url()
        return HttpResponseRedirect(target)


class LeadAssignView(ParkScopedMixin, View):
    """A manager assigns a lead of 待分配 (or reassigns one): park and officer."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        lead = get_object_or_404(selectors.scope_leads(request.user, Lead.objects.all()), pk=pk)
        actor = acting_user(request)
        form = _assign_form(actor, lead, request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        else:
            try:
                services.lead_assign(
                    lead=lead, officer=form.cleaned_data["officer"], park=form.cleaned_data["park"], actor=actor
                )
                messages.success(
                    request,
                    _("已分配给 %(name)s。")
                    % {"name": form.cleaned_data["officer"].get_full_name() or form.cleaned_data["officer"]},
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        target = request.POST.get("next") or lead.get_absolute_url()
        if not target.startswith("/") or target.startswith("//"):
            target = lead.get_absolute_url()
        return HttpResponseRedirect(target)


class ActivityCreateView(LeadActionView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        lead = self.lead()
        form = ActivityForm(request.POST)
        if form.is_valid():
            codes = [
                c.strip() for c in (form.cleaned_data.get("units") or "").replace("，", ",").split(",") if c.strip()
            ]
            units = list(scope_to_parks(request.user, Unit.objects.filter(code__in=codes)))
            missing = sorted(set(codes) - {u.code for u in units})
            if missing:
                messages.error(request, _("未找到单元：%(codes)s") % {"codes": "、".join(missing)})
                return HttpResponseRedirect(lead.get_absolute_url())
            try:
                services.activity_log(
                    lead=lead,
                    kind=form.cleaned_data["kind"],
                    summary=form.cleaned_data["summary"],
                    units=units,
                    next_step=form.cleaned_data.get("next_step") or "",
                    next_step_on=form.cleaned_data.get("next_step_on"),
                    actor=acting_user(request),
                )
                messages.success(request, _("已记录跟进。"))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        else:
            messages.error(request, _("请填写跟进内容。"))
        return HttpResponseRedirect(lead.get_absolute_url())


class PipelineView(ParkScopedMixin, View):
    """Funnel conversion, time in stage, and the weighted forecast by month."""

    def get(self, request: HttpRequest) -> HttpResponse:
        leads = selectors.lead_list(request.user)
        if (park := active_park(request)) is not None:
            leads = leads.filter(park=park)
        return render(
            request,
            "investment/pipeline.html",
            {
                "funnel": selectors.pipeline_funnel(leads),
                "forecast": selectors.pipeline_forecast(leads),
                "breadcrumbs": [(_("招商看板"), reverse("investment:lead_board")), (_("漏斗与预测"), "")],
            },
        )


class NotificationListView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        return render(
            request,
            "investment/notifications.html",
            {
                "notifications": Notification.objects.filter(user=user).select_related("lead")[:100],
                "breadcrumbs": [(_("招商通知"), "")],
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        notification = None
        if request.POST.get("id"):
            notification = get_object_or_404(Notification, pk=request.POST["id"], user=user)
        services.notification_mark_read(user=user, notification=notification)
        if notification is not None and notification.url.startswith("/"):
            return HttpResponseRedirect(notification.url)
        return HttpResponseRedirect(reverse("investment:notification_list"))


class EnterpriseTimelineView(ParkScopedMixin, View):
    """The investment timeline of one enterprise (for the enterprise page to link or embed)."""

    def get(self, request: HttpRequest, enterprise_id: int) -> HttpResponse:

        enterprise = get_object_or_404(Enterprise, pk=enterprise_id)
        return render(
            request,
            "investment/enterprise_timeline.html",
            {
                "enterprise": enterprise,
                "timeline": selectors.enterprise_timeline(enterprise.pk, request.user),
                "leads": selectors.lead_list(request.user).filter(enterprise=enterprise),
            },
        )


# --- Public requirement form ----------------------------------------------------------------------------

PUBLIC_MATCHES = 5


@csrf_protect
def requirement_form(request: HttpRequest) -> HttpResponse:
    """The public requirement form (no login): submit, see the top matches, get a confirmation."""
    title = _("提交招商需求")

    def form_page(form: PublicRequirementForm, status: int = 200) -> HttpResponse:
        return render(
            request, "investment/requirement_form.html", public_context(request, title, form=form), status=status
        )

    if request.method != "POST":
        park_code = request.GET.get("park", "")
        initial: dict[str, Any] = {"park": Park.objects.active().filter(code=park_code).first() if park_code else None}
        space_code = request.GET.get("unit") or request.GET.get("parcel") or ""
        if space_code:
            initial["description"] = _("咨询空间：%(code)s") % {"code": space_code[:40]}
        return form_page(PublicRequirementForm(initial=initial))
    form = PublicRequirementForm(request.POST)
    ip_limit, mobile_limit, window = ratelimit.limits()
    if not ratelimit.hit("ip", client_ip(request) or "unknown", ip_limit, window):
        form.is_valid()
        form.add_error(None, _("提交过于频繁，请稍后再试，或直接拨打招商热线。"))
        return form_page(form, status=429)
    if form.is_bot:
        return render(
            request,
            "investment/requirement_done.html",
            public_context(
                request, _("需求已提交"), report={"matches": [], "combinations": []}, reference=services.new_reference()
            ),
        )
    if not form.is_valid():
        return form_page(form, status=400)
    data = form.cleaned_data
    if not ratelimit.hit("mobile", data["mobile"], mobile_limit, window):
        form.add_error("mobile", _("该手机号提交过于频繁，请稍后再试。"))
        return form_page(form, status=429)
    requirement_fields = form.requirement_fields()
    processes = form.processes()
    preferred: Park | None = data.get("park")
    # Match before storing: the best match decides the park (and so the officer) of a lead without one.
    draft = Requirement(**requirement_fields)
    if processes:
        draft.fire_class, _reasons = services.derive_fire_class(processes)
    need = selectors.need_of(draft, preferred_park_ids=[preferred.pk] if preferred else [])
    report = selectors.match_requirement(need, park_ids=None, limit=PUBLIC_MATCHES)
    top = (report.matches or report.combinations or (None,))[0]
    fallback = Park.objects.filter(pk=top.park.id).first() if top is not None else None
    try:
        version = services.public_submit(
            submission=services.PublicSubmission(
                company_name=data["company_name"],
                contact_name=data["contact_name"],
                mobile=data["mobile"],
                description=data.get("description") or "",
                requirement=requirement_fields,
                processes=tuple(processes),
                preferred_park=preferred,
            ),
            fallback_park=fallback,
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return form_page(form, status=400)
    return render(
        request,
        "investment/requirement_done.html",
        public_context(
            request,
            _("需求已提交"),
            report=report,
            results=_public_results(report),
            reference=version.reference,
            industry_notice=form.industry_notice,
        ),
    )


def _public_results(report: selectors.MatchReport) -> list[tuple[Any, list[tuple[Any, str]]]]:
    """Each public match with its spaces and the link to each space's public page."""
    matches = report.matches or report.combinations
    return [(m, [(s, space_url(s.kind, m.park.code, s.code)) for s in m.spaces]) for m in matches]


def viewing_request(request: HttpRequest, park_code: str, unit_code: str) -> HttpResponse:
    """预约看房 from a unit's public page (no login): CSRF, consent, honeypot and the form's rate limits."""
    unit = (
        Unit.objects.select_related("park", "building", "floor")
        .filter(park__code=park_code, code=unit_code, park__archived_at__isnull=True, archived_at__isnull=True)
        .first()
    )
    if unit is None:
        raise Http404(_("未找到该单元"))
    title = _("预约看房：%(unit)s") % {"unit": unit.code}

    def page(form: ViewingRequestForm, status: int = 200, **extra: object) -> HttpResponse:
        context = public_context(request, title, form=form, unit=unit, unit_url=space_url("unit", park_code, unit_code))
        context.update(extra)
        return render(request, "investment/viewing_form.html", context, status=status)

    if request.method != "POST":
        return page(ViewingRequestForm())
    form = ViewingRequestForm(request.POST)
    ip_limit, mobile_limit, window = ratelimit.limits()
    if not ratelimit.hit("ip", client_ip(request) or "unknown", ip_limit, window):
        form.is_valid()
        form.add_error(None, _("提交过于频繁，请稍后再试，或直接拨打招商热线。"))
        return page(form, status=429)
    if not form.is_valid():
        return page(form, status=400)
    data = form.cleaned_data
    if not ratelimit.hit("mobile", data["mobile"], mobile_limit, window):
        form.add_error("mobile", _("该手机号提交过于频繁，请稍后再试。"))
        return page(form, status=429)
    try:
        lead, _activity = services.viewing_request_submit(
            request=services.ViewingRequest(
                unit=unit,
                contact_name=data["contact_name"],
                mobile=data["mobile"],
                preferred_on=data["preferred_on"],
                alternative_on=data.get("alternative_on"),
                company_name=data.get("company_name") or "",
                note=data.get("note") or "",
            )
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return page(form, status=400)
    return page(ViewingRequestForm(), done=True, reference=f"{lead.pk:06d}")
