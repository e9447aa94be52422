"""Events for staff: list, create and edit, publish, cancel, registrants (masked unless allowed; unmasked
views and exports audited), QR check-in on a phone-width page, and registrants turned into leads."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import acting_user, has_capability
from parkos.community import rights
from parkos.community.filtersets import EventFilterSet
from parkos.community.forms import CheckinForm, EventForm, ReasonForm
from parkos.community.models import Event, EventRegistration
from parkos.community.selectors import people
from parkos.community.services import events as services
from parkos.community.views.common import client_ip, managed_parks
from parkos.core.xlsx import Column, xlsx_response
from parkos.web.views_generic import ParkScopedMixin, StaffRequiredMixin, apply_validation_error


def _events(request: HttpRequest) -> Any:
    return people.events_for(request.user)


def _crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("活动"), reverse("community:event_list")), *tail]


class EventListView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        events = _events(request)
        filterset = EventFilterSet(request.GET or None, queryset=events, request=request)
        if filterset.is_bound and filterset.is_valid():
            events = filterset.qs
        elif not request.GET:
            events = events.filter(ends_at__gte=timezone.now() - datetime.timedelta(days=60))
        return render(
            request,
            "community/event_list.html",
            {
                "events": events.order_by("-starts_at")[:200],
                "filterset": filterset,
                "can_manage": has_capability(request.user, rights.MANAGE),
                "breadcrumbs": [(_("活动"), "")],
            },
        )


def _record_unmasked(request: HttpRequest, event: Event, registrations: list[EventRegistration], purpose: str) -> None:
    services.registrations_record_view(
        event=event,
        registrations=registrations,
        actor=acting_user(request),
        remote_addr=client_ip(request),
        purpose=purpose,
    )


class EventDetailView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(_events(request), pk=pk)
        manage = rights.may_manage(request.user, event.park_id)
        registrations = list(event.registrations.select_related("lead").order_by("position"))
        unmasked = rights.personal_data_visible(request.user, event.park_id)
        if unmasked:
            _record_unmasked(request, event, registrations, "view")
        return render(
            request,
            "community/event_detail.html",
            {
                "event": event,
                "counts": people.event_counts(event),
                "registrations": registrations,
                "unmasked": unmasked,
                "can_manage": manage,
                "can_convert": manage and event.is_investment_promotion and event.starts_at <= timezone.now(),
                "reason_form": ReasonForm(),
                "public_url": request.build_absolute_uri(event.get_public_url()),
                "breadcrumbs": _crumbs((event.title, "")),
            },
        )


class EventRegistrantsExportView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(_events(request), pk=pk)
        unmasked = rights.personal_data_visible(request.user, event.park_id)
        registrations = list(event.registrations.order_by("position"))
        if unmasked:
            _record_unmasked(request, event, registrations, "export")

        def name(r: EventRegistration) -> str:
            return r.name if unmasked else r.name_masked

        def mobile(r: EventRegistration) -> str:
            return r.mobile.removeprefix("+86") if unmasked else r.mobile_masked

        return xlsx_response(
            f"{_('活动报名')}-{event.pk}",
            [
                Column(_("序号"), "position"),
                Column(_("姓名"), name),
                Column(_("手机"), mobile),
                Column(_("单位"), "company"),
                Column(_("职务"), "job_title"),
                Column(_("状态"), "get_status_display"),
                Column(
                    _("签到时间"),
                    lambda r: timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
                ),
            ],
            registrations,
        )


class EventFormView(StaffRequiredMixin, View):
    """Create (no pk) or edit an event; a hall chosen on creation is booked for the event's time."""

    def _render(self, form: EventForm, event: Event | None) -> HttpResponse:
        title = _("编辑活动") if event else _("新建活动")
        return render(
            self.request,
            "community/form.html",
            {
                "form": form,
                "object": event,
                "title": title,
                "cancel_url": event.get_absolute_url() if event else reverse("community:event_list"),
                "breadcrumbs": _crumbs((title, "")),
            },
        )

    def _event(self, pk: int | None) -> Event | None:
        if pk is None:
            if not has_capability(self.request.user, rights.MANAGE):
                raise PermissionDenied(_("您的角色无权执行此操作。"))
            return None
        event: Event = get_object_or_404(_events(self.request), pk=pk)
        rights.require_manage(self.request.user, event.park_id)
        return event

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        event = self._event(pk)
        return self._render(EventForm(instance=event, parks=managed_parks(request)), event)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        event = self._event(pk)
        form = EventForm(request.POST, instance=event, parks=managed_parks(request))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.EVENT_FIELDS}
            try:
                if event is None:
                    event = services.event_create(
                        park=form.cleaned_data["park"],
                        hall=form.cleaned_data.get("hall"),
                        actor=acting_user(request),
                        **data,
                    )
                else:
                    event = services.event_update(event=event, actor=acting_user(request), **data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(event.get_absolute_url())
        return self._render(form, event)


class EventActionView(ParkScopedMixin, View):
    """POST: publish, cancel, leads (registrants → leads), cancel_registration (?registration=)."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        event = get_object_or_404(_events(request), pk=pk)
        actor = acting_user(request)
        try:
            if action == "publish":
                services.event_publish(event=event, actor=actor)
                messages.success(request, _("活动已发布到门户网站。"))
            elif action == "cancel":
                form = ReasonForm(request.POST)
                reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
                services.event_cancel(event=event, actor=actor, reason=reason)
                messages.success(request, _("活动已取消。"))
            elif action == "leads":
                result = services.registrants_to_leads(event=event, actor=actor)
                messages.success(
                    request,
                    _(
                        "已处理报名者：新建线索 %(c)s 条，并入已有线索 %(a)s 条，在园企业未建线索 %(t)s 人，此前已处理 %(d)s 人。"
                    )
                    % {"c": result.created, "a": result.attached, "t": result.skipped_tenants, "d": result.already},
                )
            elif action == "cancel_registration":
                registration = get_object_or_404(event.registrations, pk=request.POST.get("registration") or 0)
                services.registration_cancel(registration=registration, actor=actor)
                messages.success(request, _("已取消该报名，候补者已自动递补。"))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(event.get_absolute_url())


# --- Check-in at the door (phone width) ---------------------------------------------------------------------------


class CheckinDeskView(StaffRequiredMixin, View):
    """The door page of one event: scan (the phone's camera opens the QR's address) or type the code."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(_events(request), pk=pk)
        rights.require_manage(request.user, event.park_id)
        return render(
            request,
            "community/checkin.html",
            {"event": event, "form": CheckinForm(), "counts": people.event_counts(event)},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(_events(request), pk=pk)
        rights.require_manage(request.user, event.park_id)
        form = CheckinForm(request.POST)
        context: dict[str, Any] = {"event": event, "form": CheckinForm()}
        if form.is_valid():
            # A scanner may type the whole address the QR carries; the code is its last part.
            code = form.cleaned_data["code"].strip().rstrip("/").rsplit("/", 1)[-1]
            try:
                context["result"] = services.checkin(code=code, actor=acting_user(request), event=event)
            except ValidationError as exc:
                context["error"] = "；".join(exc.messages)
        context["counts"] = people.event_counts(event)
        return render(request, "community/checkin.html", context, status=200 if "error" not in context else 400)


class CheckinCodeView(StaffRequiredMixin, View):
    """What the QR code opens: the registrant (name shown to event staff, audited) and a check-in button."""

    def _registration(self, request: HttpRequest, code: str) -> EventRegistration:
        registration = (
            EventRegistration.objects.select_related("event", "event__park").filter(checkin_code=code).first()
        )
        if registration is None:
            raise Http404(_("签到码无效"))
        rights.require_manage(request.user, registration.event.park_id)
        return registration

    def get(self, request: HttpRequest, code: str) -> HttpResponse:
        registration = self._registration(request, code)
        _record_unmasked(request, registration.event, [registration], "view")
        return render(
            request,
            "community/checkin_code.html",
            {
                "registration": registration,
                "event": registration.event,
                "counts": people.event_counts(registration.event),
            },
        )

    def post(self, request: HttpRequest, code: str) -> HttpResponse:
        registration = self._registration(request, code)
        context: dict[str, Any] = {"registration": registration, "event": registration.event}
        try:
            context["result"] = services.checkin(code=code, actor=acting_user(request))
            context["registration"] = context["result"].registration
        except ValidationError as exc:
            context["error"] = "；".join(exc.messages)
        context["counts"] = people.event_counts(registration.event)
        return render(request, "community/checkin_code.html", context, status=200 if "error" not in context else 400)


__all__ = [
    "CheckinCodeView",
    "CheckinDeskView",
    "EventActionView",
    "EventDetailView",
    "EventFormView",
    "EventListView",
    "EventRegistrantsExportView",
]
