"""The tenant's pages: its service requests (raise, follow, rate, reopen) and its programme.

An enterprise user acts for its own enterprise and sees nothing of any other: every query here is
filtered by `user.enterprise_id`, and another enterprise's request answers 404 (its existence does
not leak). Internal notes and internal attachments of the desk are never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import acting_user
from parkos.accounts.models import User
from parkos.core.uploads import private_download
from parkos.enterprises.models import Enterprise
from parkos.incubation import desk, lifecycle, milestones, selectors
from parkos.incubation.choices import RequestStatus, Visibility
from parkos.incubation.forms import RatingForm, ReasonForm, RequestForm, TenantMessageForm
from parkos.incubation.models import ServiceAttachment, ServiceOffering, ServiceRequest
from parkos.incubation.views import report_errors
from parkos.parks.models import Park
from parkos.web.views_generic import apply_validation_error


class TenantMixin(LoginRequiredMixin):
    """Enterprise users linked to an enterprise only."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> Any:
        user = request.user
        if user.is_authenticated and not (
            getattr(user, "is_enterprise_user", False) and getattr(user, "enterprise_id", None)
        ):
            raise PermissionDenied(_("该页面仅限已关联企业的企业用户访问。"))
        return super().dispatch(request, *args, **kwargs)

    def enterprise(self) -> Enterprise:
        user: User = acting_user(self.request)
        assert user.enterprise is not None
        return user.enterprise


def _park(enterprise: Enterprise) -> Park | None:
    park_id = selectors.tenant_park_id(enterprise)
    return Park.objects.filter(pk=park_id).first() if park_id else None


def _offerings(park: Park | None) -> Any:
    if park is None:
        return ServiceOffering.objects.none()
    return ServiceOffering.objects.filter(park=park, is_active=True).order_by("position", "category", "name")


class TenantRequestListView(TenantMixin, View):
    def _render(self, form: RequestForm, park: Park | None) -> HttpResponse:
        enterprise = self.enterprise()
        requests = list(selectors.tenant_requests(enterprise.pk)[:100])
        return render(
            self.request,
            "incubation/tenant_requests.html",
            {
                "enterprise": enterprise,
                "park": park,
                "requests": requests,
                "to_rate": [r for r in requests if r.status == RequestStatus.RESOLVED],
                "form": form,
                "offerings": _offerings(park),
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        park = _park(self.enterprise())
        initial = {"offering": request.GET.get("offering")} if request.GET.get("offering") else None
        return self._render(RequestForm(offerings=_offerings(park), initial=initial), park)

    def post(self, request: HttpRequest) -> HttpResponse:
        enterprise = self.enterprise()
        park = _park(enterprise)
        form = RequestForm(request.POST, request.FILES, offerings=_offerings(park))
        if park is None:
            form.add_error(None, _("贵企业尚未关联园区，请联系园区企业服务专员。"))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                created = desk.request_raise(
                    park=park,
                    enterprise=enterprise,
                    offering=data["offering"],
                    subject=data["subject"],
                    description=data["description"],
                    actor=acting_user(request),
                    uploads=[desk.Upload(f) for f in data.get("attachments") or []],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("服务申请 %(ref)s 已提交，我们将在 %(due)s 前响应。")
                    % {
                        "ref": created.reference,
                        "due": f"{timezone.localtime(created.response_due_at):%Y-%m-%d %H:%M}",
                    },
                )
                return HttpResponseRedirect(reverse("incubation:tenant_request_detail", args=[created.pk]))
        return self._render(form, park)


def _own_request(request: HttpRequest, pk: int) -> ServiceRequest:
    user = acting_user(request)
    return get_object_or_404(
        ServiceRequest.objects.select_related("offering", "assignee"), pk=pk, enterprise_id=user.enterprise_id
    )


class TenantRequestDetailView(TenantMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        service_request = _own_request(request, pk)
        thread = (
            service_request.messages.filter(visibility=Visibility.PUBLIC)
            .select_related("author")
            .prefetch_related("attachments")
        )
        return render(
            request,
            "incubation/tenant_request_detail.html",
            {
                "object": service_request,
                "thread": thread,
                "attachments": service_request.attachments.filter(visibility=Visibility.PUBLIC, message__isnull=True),
                "message_form": TenantMessageForm(),
                "rating_form": RatingForm(),
                "reason_form": ReasonForm(),
                "breadcrumbs": [
                    (_("服务申请"), reverse("incubation:tenant_requests")),
                    (service_request.reference, ""),
                ],
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        service_request = _own_request(request, pk)
        actor = acting_user(request)
        action = request.POST.get("action", "")
        try:
            if action == "message":
                form = TenantMessageForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise ValidationError([e for errs in form.errors.values() for e in errs])
                desk.request_message(
                    request=service_request,
                    body=form.cleaned_data["body"],
                    actor=actor,
                    uploads=[desk.Upload(f) for f in form.cleaned_data.get("attachments") or []],
                )
                messages.success(request, _("已发送。"))
            elif action == "rate":
                rating = RatingForm(request.POST)
                if not rating.is_valid():
                    raise ValidationError(_("请选择满意度"))
                desk.request_rate(
                    request=service_request,
                    rating=rating.cleaned_data["rating"],
                    comment=rating.cleaned_data["comment"],
                    actor=actor,
                )
                messages.success(request, _("感谢您的评价，服务申请已关闭。"))
            elif action in ("reopen", "cancel"):
                reason = ReasonForm(request.POST)
                if not reason.is_valid():
                    raise ValidationError(_("请说明原因"))
                handler = desk.request_reopen if action == "reopen" else desk.request_cancel
                handler(request=service_request, actor=actor, reason=reason.cleaned_data["reason"])
                messages.success(request, _("服务申请已重新打开。") if action == "reopen" else _("服务申请已撤销。"))
            else:
                raise Http404
        except ValidationError as exc:
            report_errors(request, exc)
        return HttpResponseRedirect(reverse("incubation:tenant_request_detail", args=[service_request.pk]))


class TenantAttachmentView(TenantMixin, View):
    """A file of the tenant's own request that the desk shared with it (internal ones answer 404)."""

    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
        service_request = _own_request(request, pk)
        attachment = get_object_or_404(
            ServiceAttachment, pk=attachment_pk, request=service_request, visibility=Visibility.PUBLIC
        )
        return private_download(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


class TenantProgrammeView(TenantMixin, View):
    """The tenant's incubation: stage, period, stage history, milestones, what graduation needs."""

    def get(self, request: HttpRequest) -> HttpResponse:
        enterprise = self.enterprise()
        record = selectors.tenant_record(enterprise.pk)
        today = timezone.localdate()
        evidence = (
            selectors.graduation_evidence_for([record], today).get(record.pk, []) if record and record.is_active else []
        )
        return render(
            request,
            "incubation/tenant_programme.html",
            {
                "enterprise": enterprise,
                "record": record,
                "changes": record.changes.all() if record else [],
                "evidence": evidence,
                "overdue": bool(record and lifecycle.is_overdue(record.stage, record.due_on, today)),
                "days_left": (record.due_on - today).days if record else None,
                "milestones": milestones.milestones_of([enterprise.pk]).get(enterprise.pk, []),
            },
        )
