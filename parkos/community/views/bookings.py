"""Rooms and equipment: resource list, calendars (day/week/month, HTMX), booking and series forms with a
live price, booking list and detail, approvals, the chargeable export, and iCalendar feeds."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseForm, ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import acting_user, has_capability
from parkos.community import calendars, ical, rights, rules
from parkos.community.choices import ACTIVE_BOOKING_STATUSES, BookingStatus
from parkos.community.filtersets import BookingFilterSet, ResourceFilterSet
from parkos.community.forms import BookingForm, ReasonForm, ResourceForm, SeriesForm, TariffForm
from parkos.community.models import BookableResource, Booking, BookingTariff, PersonalCalendarFeed
from parkos.community.selectors import bookings as selectors
from parkos.community.selectors import chargeable_bookings
from parkos.community.services import bookings as services
from parkos.community.views.common import StaffOrTenantMixin, managed_parks, month_param, park_ids
from parkos.core.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, xlsx_response
from parkos.parks.models import Park
from parkos.web.forms import FormData
from parkos.web.views_generic import StaffRequiredMixin, apply_validation_error


def _resource(request: HttpRequest, pk: int) -> BookableResource:
    """A resource the person may see (404 otherwise: staff outside its park, tenants it is not open to)."""
    return get_object_or_404(selectors.resources_for(request.user), pk=pk)


def _crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("空间预订"), reverse("community:resource_list")), *tail]


class ResourceListView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        resources = selectors.resources_for(request.user)
        ids = park_ids(request)
        enterprise = rights.tenant_enterprise(request.user)
        if enterprise is None and ids is not None:
            resources = resources.filter(park_id__in=ids)
        filterset = ResourceFilterSet(request.GET or None, queryset=resources, request=request)
        if filterset.is_bound and filterset.is_valid():
            resources = filterset.qs
        month = timezone.localdate().replace(day=1)
        return render(
            request,
            "community/resource_list.html",
            {
                "resources": resources.order_by("park__name", "kind", "code"),
                "filterset": filterset,
                "quota": selectors.quota_status(enterprise, month) if enterprise is not None else [],
                "can_manage": has_capability(request.user, rights.MANAGE),
                "tariffs": BookingTariff.objects.filter(park_id__in=ids)
                if ids is not None
                else BookingTariff.objects.all(),
                "breadcrumbs": [(_("空间预订"), "")],
            },
        )


class ResourceCalendarView(StaffOrTenantMixin, View):
    """A resource's calendar; HTMX requests get the grid only (previous/next/view switches swap it)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = _resource(request, pk)
        view = request.GET.get("view", "week")
        if view not in calendars.VIEWS:
            view = "week"
        anchor = _anchor(request)
        grid = selectors.resource_calendar(resource, view=view, anchor=anchor, viewer=request.user)  # type: ignore[arg-type]
        context = {
            "resource": resource,
            "grid": grid,
            "view": view,
            "today": timezone.localdate(),
            "can_book": _may_book(request, resource),
            "can_manage": rights.may_manage(request.user, resource.park_id),
            "breadcrumbs": _crumbs((resource.name, "")),
        }
        if getattr(request, "htmx", False):
            return render(request, "community/_calendar.html", context)
        return render(request, "community/resource_calendar.html", context)


def _anchor(request: HttpRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _may_book(request: HttpRequest, resource: BookableResource) -> bool:
    try:
        rights.booking_enterprise(request.user, resource, None)
    except (PermissionDenied, Http404):
        return False
    return True


class BookingCreateView(StaffOrTenantMixin, View):
    """Book one slot (or, with `series=True`, a weekly series). A taken slot shows the next free one."""

    series = False

    def _form(self, request: HttpRequest, resource: BookableResource, data: FormData | None = None) -> BookingForm:
        form_class = SeriesForm if self.series else BookingForm
        initial = {"day": request.GET.get("day") or timezone.localdate(), "attendees": 1}
        for name in ("start", "end"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        return form_class(
            data, resource=resource, for_enterprise=rights.may_manage(request.user, resource.park_id), initial=initial
        )

    def _render(
        self, request: HttpRequest, resource: BookableResource, form: BookingForm, **extra: object
    ) -> HttpResponse:
        title = _("周期预订") if self.series else _("预订")
        return render(
            request,
            "community/booking_form.html",
            {
                "resource": resource,
                "form": form,
                "series": self.series,
                "title": title,
                "breadcrumbs": _crumbs((resource.name, resource.get_absolute_url()), (title, "")),
                **extra,
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = _resource(request, pk)
        if not _may_book(request, resource):
            raise PermissionDenied(_("该资源不对您开放预订。"))
        return self._render(request, resource, self._form(request, resource))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = _resource(request, pk)
        form = self._form(request, resource, request.POST)
        if not form.is_valid():
            return self._render(request, resource, form)
        start, end = form.interval()
        data = services.BookingInput(
            resource=resource,
            starts_at=start,
            ends_at=end,
            title=form.cleaned_data["title"],
            attendees=form.cleaned_data["attendees"],
            enterprise=form.cleaned_data.get("enterprise"),
            note=form.cleaned_data.get("note") or "",
        )
        try:
            if self.series:
                series = services.booking_series_create(
                    data=data,
                    until=form.cleaned_data["until"],
                    exceptions=form.cleaned_data["exceptions"],
                    actor=acting_user(request),
                )
                count = series.bookings.count()
                messages.success(request, _("已预订每周 %(n)s 次。") % {"n": count})
                return HttpResponseRedirect(reverse("community:booking_list") + "?" + urlencode({"series": series.pk}))
            booking = services.booking_create(data=data, actor=acting_user(request))
        except services.BookingConflict as exc:
            form.add_error(None, exc)
            return self._render(
                request, resource, form, next_free=exc.next_free, next_free_url=_slot_url(resource, exc.next_free)
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self._render(request, resource, form)
        if booking.status == BookingStatus.PENDING:
            messages.success(request, _("预订已提交，等待园区审批（时段已为您保留）。"))
        elif booking.amount:
            messages.success(
                request,
                _("预订成功。超出本月免费额度 %(m)s 分钟，费用 %(amount)s 元。")
                % {"m": booking.chargeable_minutes, "amount": booking.amount},
            )
        else:
            messages.success(request, _("预订成功。"))
        return HttpResponseRedirect(booking.get_absolute_url())


def _slot_url(resource: BookableResource, slot: rules.Interval | None) -> str:
    if slot is None:
        return ""
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    query = {"day": start.date().isoformat(), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
    return reverse("community:booking_create", args=[resource.pk]) + "?" + urlencode(query)


class QuoteView(StaffOrTenantMixin, View):
    """HTMX: what the booking in the form would cost now (free minutes left, chargeable minutes, amount)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resource = _resource(request, pk)
        form = BookingForm(
            request.GET, resource=resource, for_enterprise=rights.may_manage(request.user, resource.park_id)
        )
        quote = None
        form.is_valid()  # the title and people may still be empty: only the times matter here
        times = ("day", "start", "end")
        if not any(name in form.errors for name in times) and set(times) <= set(form.cleaned_data):
            enterprise = form.cleaned_data.get("enterprise") or rights.tenant_enterprise(request.user)
            start, end = form.interval()
            quote = selectors.quote(resource, enterprise, rules.Interval(start, end))
        return render(request, "community/_quote.html", {"quote": quote, "resource": resource})


class BookingListView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        bookings = selectors.bookings_for(request.user)
        enterprise = rights.tenant_enterprise(request.user)
        if enterprise is None:
            ids = park_ids(request)
            if ids is not None:
                bookings = bookings.filter(park_id__in=ids)
        filterset = BookingFilterSet(request.GET or None, queryset=bookings, request=request)
        if filterset.is_bound and filterset.is_valid():
            bookings = filterset.qs
        series = request.GET.get("series", "")
        if series.isdigit():
            bookings = bookings.filter(series_id=int(series))
        elif not request.GET.get("starts_from") and not request.GET.get("status"):
            bookings = bookings.filter(ends_at__gte=timezone.now() - datetime.timedelta(days=1))
        pending = bookings.filter(status=BookingStatus.PENDING) if enterprise is None else bookings.none()
        return render(
            request,
            "community/booking_list.html",
            {
                "bookings": bookings.order_by("starts_at", "pk")[:300],
                "pending": pending.order_by("starts_at")[:50],
                "filterset": filterset,
                "tenant": enterprise,
                "quota": selectors.quota_status(enterprise, timezone.localdate().replace(day=1)) if enterprise else [],
                "breadcrumbs": _crumbs((_("预订记录"), "")),
            },
        )


class BookingDetailView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = get_object_or_404(selectors.bookings_for(request.user).select_related("series", "tariff"), pk=pk)
        return render(
            request,
            "community/booking_detail.html",
            {
                "booking": booking,
                "can_cancel": booking.is_active
                and rights.may_cancel_booking(request.user, booking)
                and booking.starts_at > timezone.now(),
                "can_decide": booking.status == BookingStatus.PENDING
                and rights.may_manage(request.user, booking.park_id),
                "reason_form": ReasonForm(),
                "breadcrumbs": _crumbs((_("预订记录"), reverse("community:booking_list")), (str(booking), "")),
            },
        )


class BookingActionView(StaffOrTenantMixin, View):
    """POST: cancel, approve, reject (a booking), cancel_series (from this occurrence on)."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        booking = get_object_or_404(selectors.bookings_for(request.user), pk=pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
        actor = acting_user(request)
        try:
            if action == "cancel":
                services.booking_cancel(booking=booking, actor=actor, reason=reason)
                messages.success(request, _("预订已取消。"))
            elif action == "cancel_series" and booking.series is not None:
                count = services.series_cancel(
                    series=booking.series, actor=actor, from_day=timezone.localtime(booking.starts_at).date()
                )
                messages.success(request, _("已取消该周期预订此后的 %(n)s 次。") % {"n": count})
            elif action in ("approve", "reject"):
                services.booking_decide(booking=booking, approve=action == "approve", actor=actor, reason=reason)
                messages.success(request, _("已审批通过。") if action == "approve" else _("已驳回。"))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(booking.get_absolute_url())


class ChargesView(StaffRequiredMixin, View):
    """Chargeable bookings of a park and month — the export billing will take over (INTERFACES.md)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        month = month_param(request)
        ids = park_ids(request)
        parks = Park.objects.filter(archived_at__isnull=True).order_by("name")
        if ids is not None:
            parks = parks.filter(pk__in=ids)
        wanted = request.GET.get("park", "")
        park = parks.filter(pk=int(wanted)).first() if wanted.isdigit() else parks.first()
        last = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        lines = chargeable_bookings(park=park, start=month, end=last) if park is not None else []
        names = dict(
            Booking.objects.filter(pk__in=[line.source_id for line in lines]).values_list("pk", "enterprise__name")
        )
        rows = [
            (line, names.get(line.source_id, ""), (line.quantity * line.unit_price).quantize(rules.CENT))
            for line in lines
        ]
        if request.GET.get("format") == "xlsx" and park is not None:
            return xlsx_response(
                f"{_('预订收费')}-{park.code}-{month:%Y-%m}",
                [
                    Column(_("企业"), lambda r: r[1]),
                    Column(_("日期"), lambda r: r[0].occurred_on, DATE_FORMAT),
                    Column(_("说明"), lambda r: r[0].description),
                    Column(_("数量"), lambda r: r[0].quantity),
                    Column(_("单位"), lambda r: r[0].unit),
                    Column(_("单价（元，含税）"), lambda r: r[0].unit_price, MONEY_FORMAT),
                    Column(_("金额（元）"), lambda r: r[2], MONEY_FORMAT),
                    Column(_("来源"), lambda r: f"{r[0].source_type}#{r[0].source_id}"),
                ],
                rows,
            )
        return render(
            request,
            "community/charges.html",
            {
                "rows": rows,
                "total": sum((r[2] for r in rows), rules.CENT * 0),
                "park": park,
                "parks": parks,
                "month": month,
                "breadcrumbs": _crumbs((_("预订收费"), "")),
            },
        )


# --- Managing resources and tariffs ---------------------------------------------------------------------------------


class _ManagedFormView[M: BookableResource | BookingTariff](StaffRequiredMixin, View):
    """Create or edit a resource or tariff of a park the person manages, through its service."""

    model: type[M]
    #: The form's class: it takes the person's parks (`parks=`) besides the usual arguments.
    form_class: Callable[..., ModelForm[M]]
    title = ""

    def _object(self, pk: int | None) -> M | None:
        if pk is None:
            return None
        obj = get_object_or_404(self.model, pk=pk)
        rights.require_manage(self.request.user, obj.park_id)
        return obj

    def _render(self, form: BaseForm, obj: M | None) -> HttpResponse:
        return render(
            self.request,
            "community/form.html",
            {
                "form": form,
                "object": obj,
                "title": self.title,
                "cancel_url": reverse("community:resource_list"),
                "breadcrumbs": _crumbs((self.title, "")),
            },
        )

    def save(self, form: BaseForm, obj: M | None) -> M:
        raise NotImplementedError

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        if not has_capability(request.user, rights.MANAGE):
            raise PermissionDenied(_("您的角色无权执行此操作。"))
        obj = self._object(pk)
        return self._render(self.form_class(instance=obj, parks=managed_parks(request)), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        if not has_capability(request.user, rights.MANAGE):
            raise PermissionDenied(_("您的角色无权执行此操作。"))
        obj = self._object(pk)
        form = self.form_class(request.POST, instance=obj, parks=managed_parks(request))
        if form.is_valid():
            try:
                self.save(form, obj)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(reverse("community:resource_list"))
        return self._render(form, obj)


class ResourceFormView(_ManagedFormView[BookableResource]):
    model = BookableResource
    form_class = ResourceForm
    title = _("可预订资源")

    def save(self, form: BaseForm, obj: BookableResource | None) -> BookableResource:
        data = dict(form.cleaned_data)
        park = obj.park if obj is not None else data.pop("park")
        data.pop("park", None)
        return services.resource_save(
            actor=acting_user(self.request),
            park=park,
            resource=obj,
            allowed_enterprises=data.pop("allowed_enterprises", []),
            **data,
        )


class TariffFormView(_ManagedFormView[BookingTariff]):
    model = BookingTariff
    form_class = TariffForm
    title = _("预订收费标准")

    def save(self, form: BaseForm, obj: BookingTariff | None) -> BookingTariff:
        data = dict(form.cleaned_data)
        park = data.pop("park")
        return services.tariff_save(actor=acting_user(self.request), park=park, tariff=obj, **data)


# --- iCalendar ---------------------------------------------------------------------------------------------------


def _ics(name: str, body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _feed_bookings(queryset: QuerySet[Booking]) -> list[Booking]:
    """Active bookings from 30 days ago on, plus every active occurrence of the series among them."""
    since = timezone.now() - datetime.timedelta(days=30)
    window = queryset.filter(status__in=ACTIVE_BOOKING_STATUSES, ends_at__gte=since)
    series_ids = window.exclude(series__isnull=True).values("series_id")
    rows = Booking.objects.filter(status__in=ACTIVE_BOOKING_STATUSES).filter(
        Q(pk__in=window.values("pk")) | Q(series_id__in=series_ids)
    )
    return list(rows.select_related("resource", "enterprise", "series").order_by("starts_at"))


def resource_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A resource's bookings as iCalendar, by its secret address: busy times, titles hidden."""
    resource = get_object_or_404(BookableResource, ical_token=token, active=True)
    bookings = _feed_bookings(Booking.objects.filter(resource=resource))
    return _ics(resource.code, ical.feed(resource.name, bookings, details=False, busy_label=_("已预订")))


def person_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's own bookings (and, for a tenant, its enterprise's) as iCalendar, by their secret address."""
    feed = get_object_or_404(PersonalCalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    user = feed.user
    own = Q(booked_by=user)
    if user.is_enterprise_user and user.enterprise_id:
        own |= Q(enterprise_id=user.enterprise_id)
    bookings = _feed_bookings(Booking.objects.filter(own))
    return _ics("bookings", ical.feed(_("我的预订"), bookings, details=True, busy_label=_("已预订")))


class CalendarFeedsView(StaffOrTenantMixin, View):
    """The person's calendar subscription address (and the resources'); POST makes a new address."""

    def get(self, request: HttpRequest) -> HttpResponse:
        feed, _created = PersonalCalendarFeed.objects.get_or_create(user=acting_user(request))
        return render(
            request,
            "community/calendar_feeds.html",
            {
                "person_url": request.build_absolute_uri(reverse("community:person_feed", args=[feed.token])),
                "resources": selectors.resources_for(request.user).order_by("park__name", "name"),
                "breadcrumbs": _crumbs((_("日历订阅"), "")),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        PersonalCalendarFeed.objects.filter(user=acting_user(request)).delete()
        messages.success(request, _("已生成新的订阅地址，旧地址立即失效。"))
        return HttpResponseRedirect(reverse("community:calendar_feeds"))
