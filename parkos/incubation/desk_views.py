"""Staff pages of the service desk: requests and their thread, the catalogue and providers, the SLA dashboard."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import Capability, acting_user, require_capability, scope_to_parks, visible_parks
from parkos.accounts.models import User
from parkos.core.uploads import private_download
from parkos.enterprises.models import Enterprise
from parkos.incubation import desk, selectors
from parkos.incubation.choices import RequestStatus, Visibility
from parkos.incubation.filtersets import ServiceOfferingFilterSet, ServiceRequestFilterSet
from parkos.incubation.forms import (
    AssignForm,
    MessageForm,
    OfferingForm,
    ProviderForm,
    ReasonForm,
    ResolveForm,
    StaffRequestForm,
    StatusForm,
)
from parkos.incubation.models import ServiceAttachment, ServiceOffering, ServiceProvider, ServiceRequest
from parkos.incubation.views import can_manage, report_errors
from parkos.web.views_generic import (
    FilteredListView,
    ParkScopedMixin,
    ServiceFormView,
    apply_validation_error,
    requested_park_ids,
)


class RequestListView(FilteredListView):
    model = ServiceRequest
    filterset_class = ServiceRequestFilterSet
    template_name = "incubation/request_list.html"
    ordering_fields = ("raised_at", "resolution_due_at", "status", "enterprise__name")
    default_ordering = "-raised_at"

    def get_queryset(self) -> QuerySet[ServiceRequest]:
        return super().get_queryset().select_related("enterprise", "offering", "assignee")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can_manage(self.request)
        context["now"] = timezone.now()
        return context


def _request(request: HttpRequest, pk: int) -> ServiceRequest:
    return get_object_or_404(
        scope_to_parks(
            request.user,
            ServiceRequest.objects.select_related("enterprise", "offering", "provider", "assignee", "park"),
        ),
        pk=pk,
    )


def _staff_of(park_id: int) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .exclude(role="enterprise_user")
        .filter(Q(parks=park_id) | Q(role="operator_admin"))
        .distinct()
        .order_by("username")
    )


class RequestCreateView(ParkScopedMixin, View):
    """Staff raise a request for an enterprise (a phone call, a visit)."""

    def _offerings(self) -> QuerySet[ServiceOffering]:
        return scope_to_parks(self.request.user, ServiceOffering.objects.filter(is_active=True)).order_by(
            "park", "position"
        )

    def _render(self, form: StaffRequestForm) -> HttpResponse:
        return render(
            self.request, "incubation/form.html", {"form": form, "title": _("代企业提交服务申请"), "multipart": True}
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.MANAGE_SERVICES)
        initial = {}
        if request.GET.get("enterprise"):
            enterprise = Enterprise.objects.filter(pk=request.GET["enterprise"]).first()
            initial["enterprise_ref"] = enterprise.name if enterprise else ""
        return self._render(StaffRequestForm(offerings=self._offerings(), initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.MANAGE_SERVICES)
        form = StaffRequestForm(request.POST, request.FILES, offerings=self._offerings())
        if form.is_valid():
            data = form.cleaned_data
            ref = data["enterprise_ref"].strip()
            enterprise = (
                Enterprise.objects.active().filter(Q(credit_code=ref.upper()) | Q(name=ref)).order_by("pk").first()
            )
            offering: ServiceOffering = data["offering"]
            if enterprise is None:
                form.add_error("enterprise_ref", _("企业库中没有找到“%(v)s”") % {"v": ref})
            else:
                require_capability(request.user, Capability.MANAGE_SERVICES, offering.park_id)
                try:
                    created = desk.request_raise(
                        park=offering.park,
                        enterprise=enterprise,
                        offering=offering,
                        subject=data["subject"],
                        description=data["description"],
                        actor=acting_user(request),
                        uploads=[desk.Upload(f) for f in data.get("attachments") or []],
                    )
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                else:
                    messages.success(request, _("服务申请 %(ref)s 已提交。") % {"ref": created.reference})
                    return HttpResponseRedirect(created.get_absolute_url())
        return self._render(form)


class RequestDetailView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        service_request = _request(request, pk)
        manage = can_manage(request, service_request.park_id)
        now = timezone.now()
        return render(
            request,
            "incubation/request_detail.html",
            {
                "object": service_request,
                "thread": service_request.messages.select_related("author").prefetch_related("attachments"),
                "attachments": service_request.attachments.filter(message__isnull=True),
                "events": service_request.events.select_related("actor"),
                "can_manage": manage,
                "now": now,
                "response_overdue": service_request.first_response_at is None and service_request.response_due_at < now,
                "resolution_overdue": service_request.is_open
                and service_request.status != RequestStatus.WAITING_TENANT
                and service_request.resolution_due_at < now,
                "message_form": MessageForm(),
                "assign_form": AssignForm(
                    candidates=_staff_of(service_request.park_id), initial={"assignee": service_request.assignee_id}
                ),
                # Distinct ids: several forms on the page have a field of the same name.
                "status_form": StatusForm(initial={"status": RequestStatus.WAITING_TENANT}, auto_id="status_%s"),
                "resolve_form": ResolveForm(auto_id="resolve_%s"),
                "reason_form": ReasonForm(auto_id="reason_%s"),
                "breadcrumbs": [(_("服务申请"), reverse("incubation:request_list")), (service_request.reference, "")],
            },
        )


class RequestActionView(ParkScopedMixin, View):
    """POST actions of the desk on a request: message or note, assign, status, resolve, cancel, reopen."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        service_request = _request(request, pk)
        require_capability(request.user, Capability.MANAGE_SERVICES, service_request.park_id)
        actor = acting_user(request)
        handler = (
            getattr(self, f"_{action}", None)
            if action in {"message", "assign", "status", "resolve", "cancel", "reopen"}
            else None
        )
        if handler is None:
            raise Http404
        try:
            handler(request, service_request, actor)
        except ValidationError as exc:
            report_errors(request, exc)
        return HttpResponseRedirect(service_request.get_absolute_url())

    def _valid(self, form: Any) -> dict[str, Any]:
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        data: dict[str, Any] = form.cleaned_data
        return data

    def _message(self, request: HttpRequest, service_request: ServiceRequest, actor: User) -> None:
        data = self._valid(MessageForm(request.POST, request.FILES))
        desk.request_message(
            request=service_request,
            body=data["body"],
            actor=actor,
            visibility=data["visibility"],
            uploads=[desk.Upload(f, data["visibility"]) for f in data.get("attachments") or []],
        )
        messages.success(
            request, _("已发送给企业。") if data["visibility"] == Visibility.PUBLIC else _("内部备注已保存。")
        )

    def _assign(self, request: HttpRequest, service_request: ServiceRequest, actor: User) -> None:
        data = self._valid(AssignForm(request.POST, candidates=_staff_of(service_request.park_id)))
        desk.request_assign(request=service_request, assignee=data["assignee"], actor=actor)
        messages.success(request, _("已分派。"))

    def _status(self, request: HttpRequest, service_request: ServiceRequest, actor: User) -> None:
        data = self._valid(StatusForm(request.POST))
        desk.request_set_status(request=service_request, status=data["status"], actor=actor, note=data["note"])
        messages.success(request, _("状态已更新。"))

    def _resolve(self, request: HttpRequest, service_request: ServiceRequest, actor: User) -> None:
        data = self._valid(ResolveForm(request.POST))
        desk.request_resolve(request=service_request, actor=actor, note=data["note"], quantity=data.get("quantity"))
        messages.success(request, _("已标记为已解决，等待企业确认。"))

    def _cancel(self, request: HttpRequest, service_request: ServiceRequest, actor: User) -> None:
        data = self._valid(ReasonForm(request.POST))
        desk.request_cancel(request=service_request, actor=actor, reason=data["reason"])
        messages.success(request, _("服务申请已撤销。"))

    def _reopen(self, request: HttpRequest, service_request: ServiceRequest, actor: User) -> None:
        data = self._valid(ReasonForm(request.POST))
        desk.request_reopen(request=service_request, actor=actor, reason=data["reason"])
        messages.success(request, _("服务申请已重新打开。"))


class RequestAttachmentView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
        service_request = _request(request, pk)
        attachment = get_object_or_404(ServiceAttachment, pk=attachment_pk, request=service_request)
        return private_download(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


# --- Catalogue -----------------------------------------------------------------------------------------


class CatalogueView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        park_ids = requested_park_ids(request)
        offerings = scope_to_parks(request.user, ServiceOffering.objects.select_related("park", "provider"))
        providers = ServiceProvider.objects.select_related("park", "manager").prefetch_related("members")
        if park_ids is not None:
            providers = providers.filter(park_id__in=park_ids)
        filterset = ServiceOfferingFilterSet(request.GET or None, queryset=offerings, request=request)
        if filterset.is_bound and filterset.is_valid():
            offerings = filterset.qs
        elif park_ids is not None:
            offerings = offerings.filter(park_id__in=park_ids)
        return render(
            request,
            "incubation/catalogue.html",
            {
                "filterset": filterset,
                "offerings": offerings.order_by("park", "position", "category", "name"),
                "providers": providers.order_by("park", "name"),
                "can_manage": can_manage(request),
                "breadcrumbs": [(_("服务申请"), reverse("incubation:request_list")), (_("服务目录"), "")],
            },
        )


class OfferingFormView(ServiceFormView):
    form_class = OfferingForm
    template_name = "incubation/form.html"
    capability = Capability.MANAGE_SERVICES

    @property
    def title(self) -> str:
        return _("编辑服务项目") if self.kwargs.get("pk") else _("新增服务项目")

    def get_object(self) -> ServiceOffering | None:
        if not self.kwargs.get("pk"):
            return None
        return get_object_or_404(scope_to_parks(self.request.user, ServiceOffering.objects.all()), pk=self.kwargs["pk"])

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": visible_parks(self.request.user).filter(archived_at__isnull=True)}

    def park_of(self, obj: Any, form: Any) -> Any:
        return obj.park if obj is not None else (form.cleaned_data["park"] if form is not None else None)

    def save(self, form: Any, obj: ServiceOffering | None) -> ServiceOffering:
        return desk.offering_save(offering=form.instance, actor=acting_user(self.request))

    def success_url(self, obj: Any) -> str:
        return reverse("incubation:catalogue")


class ProviderFormView(ServiceFormView):
    form_class = ProviderForm
    template_name = "incubation/form.html"
    capability = Capability.MANAGE_SERVICES

    @property
    def title(self) -> str:
        return _("编辑服务提供方") if self.kwargs.get("pk") else _("新增服务提供方")

    def get_object(self) -> ServiceProvider | None:
        if not self.kwargs.get("pk"):
            return None
        return get_object_or_404(scope_to_parks(self.request.user, ServiceProvider.objects.all()), pk=self.kwargs["pk"])

    def initial_kwargs(self) -> dict[str, Any]:
        parks = visible_parks(self.request.user).filter(archived_at__isnull=True)
        staff = User.objects.filter(is_active=True).exclude(role="enterprise_user")
        if not self.request.user.is_operator_admin:  # type: ignore[union-attr]
            staff = staff.filter(parks__in=parks).distinct()
        return {"parks": parks, "staff": staff.order_by("username")}

    def park_of(self, obj: Any, form: Any) -> Any:
        return obj.park if obj is not None else (form.cleaned_data["park"] if form is not None else None)

    def save(self, form: Any, obj: ServiceProvider | None) -> ServiceProvider:
        return desk.provider_save(
            provider=form.instance, actor=acting_user(self.request), members=list(form.cleaned_data["members"])
        )

    def success_url(self, obj: Any) -> str:
        return reverse("incubation:catalogue")


# --- SLA dashboard -----------------------------------------------------------------------------------


def _date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


class SlaDashboardView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        end = _date(request.GET.get("end"), today)
        start = _date(request.GET.get("start"), end - datetime.timedelta(days=364))
        if start > end:
            start, end = end, start
        dashboard = selectors.sla_dashboard(park_ids=requested_park_ids(request), start=start, end=end)
        return render(
            request,
            "incubation/sla_dashboard.html",
            {
                "dashboard": dashboard,
                "buckets": [_("≤2个工作日"), _("3–5个工作日"), _("6–10个工作日"), _(">10个工作日")],
                "breadcrumbs": [(_("服务申请"), reverse("incubation:request_list")), (_("SLA 看板"), "")],
            },
        )
