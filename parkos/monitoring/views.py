"""Monitoring pages: the park dashboard, meters and their series, the floor view, alarms, rules,
gateways, rejects, manual readings and energy per tenant. Thin layers over services and selectors."""

from __future__ import annotations

import csv
import datetime
import io
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from parkos.accounts.access import (
    Capability,
    acting_user,
    has_capability,
    require_capability,
    require_park,
    scope_to_parks,
    visible_parks,
)
from parkos.core.importing.forms import goes_to_background
from parkos.core.importing.jobs import enqueue
from parkos.core.models import ImportJob
from parkos.core.xlsx import DATE_FORMAT, XLSX_CONTENT_TYPE, Column, xlsx_response
from parkos.enterprises.models import Enterprise
from parkos.monitoring import alarms, colouring, hooks, importing, selectors, services, storage
from parkos.monitoring.choices import (
    KIND_UNITS,
    SEVERITY_RANK,
    UTILITY_KINDS,
    MeterKind,
    Severity,
)
from parkos.monitoring.filtersets import (
    ALARM_ORDERING,
    METER_ORDERING,
    AlarmFilterSet,
    AlarmRuleFilterSet,
    MeterFilterSet,
    RejectFilterSet,
)
from parkos.monitoring.forms import (
    AlarmActionForm,
    AlarmRuleForm,
    GatewayForm,
    MeterForm,
    ReadingUploadForm,
    ReplaceDeviceForm,
    month_param,
)
from parkos.monitoring.models import Alarm, AlarmNotification, AlarmRule, Gateway, Meter, RejectedReading
from parkos.monitoring.validation import FLAG_NAMES
from parkos.parks.models import Building, Park
from parkos.parks.selectors import building_stacking_plan

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

from parkos.web.importing import job_page, job_report
from parkos.web.views_generic import (
    FilteredListView,
    Paginable,
    ParkScopedMixin,
    ServiceFormView,
    apply_validation_error,
)

RANGES = {"24h": datetime.timedelta(hours=24), "7d": datetime.timedelta(days=7), "30d": datetime.timedelta(days=30)}
RANGES_LONG = {"1y": 365, "3y": 3 * 365}


def _crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("智慧园区"), reverse("monitoring:dashboard")), *items]


def _parks(request: HttpRequest) -> QuerySet[Park]:
    return visible_parks(request.user).filter(archived_at__isnull=True).order_by("name")


def _chosen_park(request: HttpRequest) -> Park | None:
    """`?park=` if visible, else the active park, else the first visible park with meters."""
    parks = _parks(request)
    wanted = request.GET.get("park") or getattr(getattr(request, "active_park", None), "pk", None)
    if wanted:
        try:
            return parks.get(pk=int(wanted))
        except (ValueError, Park.DoesNotExist):
            raise Http404(_("未找到该记录，或您无权访问。")) from None
    return parks.filter(meters__isnull=False).distinct().first() or parks.first()


def _can_manage(request: HttpRequest) -> bool:
    return has_capability(request.user, Capability.MANAGE_FACILITIES)


# --- dashboard ------------------------------------------------------------------------------------


def dashboard_data(park: Park) -> dict[str, Any]:
    """Everything the dashboard draws, as JSON-able values (the page polls this to move)."""
    now = timezone.now()
    zone = storage.local_zone()
    today = timezone.localdate()
    hour = storage.hour_of(now)  # the hour under way is left out: a part-hour would read as a dip
    curve = selectors.load_curve(park.pk, start=hour - datetime.timedelta(hours=48), end=hour)
    days = selectors.daily_energy(park.pk, first=today - datetime.timedelta(days=29), last=today)
    month_start = today.replace(day=1)
    totals = selectors.consumption_totals(park=park, start=month_start, end=today)
    top = {tenant: quantity for (tenant, kind), quantity in totals.items() if kind == MeterKind.ELECTRICITY}
    names = dict(Enterprise.objects.filter(pk__in=list(top)).values_list("pk", "name"))
    ranked = sorted(top.items(), key=lambda item: -item[1])[:10]
    health = selectors.meter_health(park.pk, now=now)
    counts = selectors.open_alarm_counts([park.pk])
    return {
        "updated": f"{timezone.localtime(now):%H:%M:%S}",
        "load": {
            "hours": [f"{h.astimezone(zone):%m-%d %H:00}" for h, _v in curve],
            "kwh": [round(v, 1) for _h, v in curve],
        },
        "daily": {"days": [f"{d:%m-%d}" for d, _v in days], "kwh": [round(v, 1) for _d, v in days]},
        "top": {"names": [names.get(e, str(e)) for e, _q in ranked][::-1], "kwh": [float(q) for _e, q in ranked][::-1]},
        "today_kwh": round(sum(v for d, v in days if d == today), 1),
        "month_kwh": round(sum(v for d, v in days if d >= month_start), 1),
        "meters": health.active,
        "silent": health.silent,
        "rejects": health.rejects_24h,
        "alarms": {str(Severity(s).label): n for s, n in sorted(counts.items(), key=lambda i: -SEVERITY_RANK[i[0]])},
        "open_alarms": sum(counts.values()),
    }


class DashboardView(ParkScopedMixin, TemplateView):
    template_name = "monitoring/dashboard.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        park = _chosen_park(self.request)
        context.update(
            park=park,
            parks=_parks(self.request),
            data=dashboard_data(park) if park is not None else None,
            alarms=selectors.open_alarms([park.pk])[:10] if park is not None else [],
            buildings=Building.objects.filter(park=park).order_by("code") if park is not None else [],
            can_manage=_can_manage(self.request),
            breadcrumbs=[(_("智慧园区"), "")],
        )
        return context


class DashboardDataView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        park = _chosen_park(request)
        if park is None:
            raise Http404
        if request.GET.get("part") == "alarms":
            return render(request, "monitoring/_open_alarms.html", {"alarms": selectors.open_alarms([park.pk])[:10]})
        return JsonResponse(dashboard_data(park))


# --- meters ---------------------------------------------------------------------------------------


class MeterListView(FilteredListView):
    model = Meter
    filterset_class = MeterFilterSet
    template_name = "monitoring/meter_list.html"
    partial_template_name = "monitoring/_meter_table.html"
    ordering_fields = METER_ORDERING
    default_ordering = "code"

    def get_queryset(self) -> QuerySet[Meter]:
        return super().get_queryset().select_related("park", "building", "unit", "enterprise")

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                _("表计清单"),
                [
                    Column(_("表计编号"), "code"),
                    Column(_("名称"), "name"),
                    Column(_("园区"), "park.name"),
                    Column(_("类型"), "get_kind_display"),
                    Column(_("计量方式"), "get_measure_display"),
                    Column(_("计量单位"), "unit_label"),
                    Column(_("楼栋"), lambda m: m.building.code if m.building else ""),
                    Column(_("单元"), lambda m: m.unit.code if m.unit else ""),
                    Column(_("归属企业"), lambda m: m.enterprise.name if m.enterprise else ""),
                    Column(_("状态"), "get_status_display"),
                ],
                self.get_queryset()[:50000],
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context.update(can_manage=_can_manage(self.request), breadcrumbs=_crumbs((_("表计"), "")))
        return context


def _range(request: HttpRequest) -> tuple[datetime.datetime, datetime.datetime, str]:
    """The series range of a meter page: ?range=24h|7d|30d|1y|3y, or ?start=&end= (local dates)."""
    now = timezone.now()
    key = request.GET.get("range", "7d")
    if request.GET.get("start"):
        try:
            first = datetime.date.fromisoformat(request.GET["start"])
            last = datetime.date.fromisoformat(request.GET.get("end") or f"{timezone.localdate():%Y-%m-%d}")
        except ValueError:
            first, last = timezone.localdate() - datetime.timedelta(days=7), timezone.localdate()
        first, last = min(first, last), max(first, last)
        return storage.local_midnight(first), storage.local_midnight(last + datetime.timedelta(days=1)), "custom"
    if key in RANGES_LONG:
        return now - datetime.timedelta(days=RANGES_LONG[key]), now, key
    return now - RANGES.get(key, RANGES["7d"]), now, key if key in RANGES else "7d"


def _scoped_meter(request: HttpRequest, pk: int) -> Meter:
    return get_object_or_404(
        scope_to_parks(request.user, Meter.objects.select_related("park", "building", "floor", "unit", "enterprise")),
        pk=pk,
    )


class MeterDetailView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meter = _scoped_meter(request, pk)
        start, end, key = _range(request)
        resolution = request.GET.get("resolution") or selectors.pick_resolution(start, end)
        recent = [
            (ts, raw, value, quantity, [FLAG_NAMES[f] for f in FLAG_NAMES if flags & f])
            for ts, raw, value, quantity, flags in selectors.meter_recent(meter)
        ]
        context = {
            "meter": meter,
            "devices": meter.devices.order_by("-installed_at"),
            "terms": meter.terms.select_related("source"),
            "allocation": getattr(meter, "allocation", None),
            "range": key,
            "start": timezone.localtime(start).date(),
            "end": timezone.localtime(end - storage.ONE_SECOND).date(),
            "resolution": resolution,
            "resolutions": selectors.RESOLUTIONS,
            "ranges": [*RANGES, *RANGES_LONG],
            "recent": recent,
            "rejects": meter.rejects.all()[:10],
            "alarms": meter.alarms.select_related("rule")[:10],
            "last_seen": selectors.meter_last_seen([meter.pk]).get(meter.pk),
            "can_manage": _can_manage(request),
            "query": request.GET.urlencode(),
            "breadcrumbs": _crumbs((_("表计"), reverse("monitoring:meter_list")), (meter.code, "")),
        }
        return render(request, "monitoring/meter_detail.html", context)


class MeterSeriesView(ParkScopedMixin, View):
    """A meter's series as JSON (the chart), CSV or .xlsx (export), at the resolution that fits."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meter = _scoped_meter(request, pk)
        start, end, _key = _range(request)
        resolution, points = selectors.meter_series(
            meter, start=start, end=end, resolution=request.GET.get("resolution") or None
        )
        zone = storage.local_zone()

        def label(at: Any) -> str:
            if isinstance(at, datetime.datetime):
                return f"{at.astimezone(zone):%Y-%m-%d %H:%M}"
            return f"{at:%Y-%m}" if resolution == "month" else f"{at:%Y-%m-%d}"

        counter = meter.is_counter
        fmt = request.GET.get("format")
        header = [_("时间"), _("用量") if counter else _("平均值"), _("最小值"), _("最大值"), _("样本数")]
        labels = [label(p.at) for p in points]
        values = [p.total if counter else p.average for p in points]
        rows: list[list[Any]] = [
            [at, value, p.minimum, p.maximum, p.samples] for at, value, p in zip(labels, values, points, strict=True)
        ]
        name = f"{meter.code}-{resolution}"
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow([*header[:1], f"{header[1]}（{meter.unit_label}）", *header[2:]])
            writer.writerows(rows)
            response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        if fmt == "xlsx":
            columns = [Column(title, operator.itemgetter(index)) for index, title in enumerate(header)]
            return xlsx_response(name, columns, rows)
        return JsonResponse(
            {
                "resolution": resolution,
                "unit": meter.unit_label,
                "counter": counter,
                "labels": labels,
                "values": [None if v is None else round(v, 4) for v in values],
                "min": [p.minimum for p in points],
                "max": [p.maximum for p in points],
            }
        )


class _FacilitiesFormView[ModelT: Meter | AlarmRule, FormT: BaseForm](ServiceFormView[ModelT, FormT]):
    """A form page for facilities staff: the role is checked before the form is even read."""

    template_name = "monitoring/form.html"
    capability = Capability.MANAGE_FACILITIES

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        self.require(self.capability)
        return super().post(request, *args, **kwargs)

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": _parks(self.request)}

    def park_of(self, obj: ModelT | None, form: FormT | None) -> Park | None:
        if obj is not None:
            return obj.park
        park: Park | None = form.cleaned_data["park"] if form is not None else None
        return park


class MeterFormView(_FacilitiesFormView[Meter, MeterForm]):
    form_class = MeterForm

    def get_object(self) -> Meter | None:
        pk = self.kwargs.get("pk")
        return _scoped_meter(self.request, pk) if pk else None

    @property
    def title(self) -> str:
        return _("编辑表计") if self.kwargs.get("pk") else _("新增表计")

    def save(self, form: MeterForm, obj: Meter | None) -> Meter:
        data = form.cleaned_data
        return services.meter_save(
            actor=acting_user(self.request),
            meter=obj,
            fields=form.service_fields(),
            serial_number=data.get("serial_number") or "",
            multiplier=data.get("multiplier") or Decimal(1),
            initial_reading=data.get("initial_reading") or 0.0,
        )


class MeterReplaceView(ParkScopedMixin, View):
    def _render(self, request: HttpRequest, meter: Meter, form: ReplaceDeviceForm) -> HttpResponse:
        context = {
            "form": form,
            "object": meter,
            "title": _("换表：%(code)s") % {"code": meter.code},
            "breadcrumbs": _crumbs((meter.code, meter.get_absolute_url()), (_("换表"), "")),
        }
        return render(request, "monitoring/form.html", context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        meter = _scoped_meter(request, pk)
        require_capability(request.user, Capability.MANAGE_FACILITIES, meter.park_id)
        return self._render(request, meter, ReplaceDeviceForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        meter = _scoped_meter(request, pk)
        require_capability(request.user, Capability.MANAGE_FACILITIES, meter.park_id)
        form = ReplaceDeviceForm(request.POST)
        if form.is_valid():
            try:
                services.meter_replace_device(actor=acting_user(request), meter=meter, replacement=form.replacement())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已换表，读数序列将连续计算。"))
                return HttpResponseRedirect(meter.get_absolute_url())
        return self._render(request, meter, form)


# --- the floor view -------------------------------------------------------------------------------


class BuildingView(ParkScopedMixin, View):
    """A building floor by floor, its units coloured by electricity per m² or by open alarms."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        building = get_object_or_404(scope_to_parks(request.user, Building.objects.select_related("park")), pk=pk)
        colour = request.GET.get("colour", "energy")
        month = month_param(request.GET.get("month"), timezone.localdate())
        colours, legend = colouring.energy(building, month) if colour == "energy" else colouring.alarms(building)
        plan = building_stacking_plan(building)
        for row in plan:
            for unit in row.units:
                unit.colour_class, unit.colour_tip = colours.get(unit.pk, ("col-vacant", ""))  # type: ignore[attr-defined]
        floor_meters = Meter.objects.filter(building=building, unit__isnull=True).select_related("floor")
        context = {
            "building": building,
            "plan": plan,
            "colour": "energy" if colour == "energy" else "alarm",
            "legend": legend,
            "month": month,
            "floor_meters": floor_meters,
            "open_alarms": dict(selectors.building_alarms(building)).get(None),
            "breadcrumbs": _crumbs(
                (building.park.name, reverse("monitoring:dashboard") + f"?park={building.park_id}"), (str(building), "")
            ),
        }
        return render(request, "monitoring/building.html", context)


# --- alarms ---------------------------------------------------------------------------------------


class AlarmListView(FilteredListView):
    model = Alarm
    filterset_class = AlarmFilterSet
    template_name = "monitoring/alarm_list.html"
    partial_template_name = "monitoring/_alarm_table.html"
    ordering_fields = ALARM_ORDERING
    default_ordering = "-opened_at"

    def get_queryset(self) -> QuerySet[Alarm]:
        return super().get_queryset().select_related("park", "meter", "rule")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context["breadcrumbs"] = _crumbs((_("告警"), ""))
        return context


def _scoped_alarm(request: HttpRequest, pk: int) -> Alarm:
    return get_object_or_404(
        scope_to_parks(request.user, Alarm.objects.select_related("park", "meter", "rule", "rule__policy")), pk=pk
    )


class AlarmDetailView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        alarm = _scoped_alarm(request, pk)
        user = acting_user(request)
        AlarmNotification.objects.filter(alarm=alarm, user=user, read_at__isnull=True).update(read_at=timezone.now())
        steps = alarms._steps(alarm)
        context = {
            "alarm": alarm,
            "events": alarm.events.select_related("actor"),
            "notifications": alarm.notifications.select_related("user").order_by("step", "user__username"),
            "steps": [(s, alarms.step_due(alarm, s)) for s in steps],
            "can_handle": alarms.can_handle(user, alarm),
            "form": AlarmActionForm(),
            "breadcrumbs": _crumbs((_("告警"), reverse("monitoring:alarm_list")), (f"#{alarm.pk}", "")),
        }
        return render(request, "monitoring/alarm_detail.html", context)


class AlarmActionView(ParkScopedMixin, View):
    ACTIONS: ClassVar[dict[str, tuple[Callable[..., Alarm], str, StrPromise]]] = {
        "acknowledge": (alarms.alarm_acknowledge, "comment", gettext_lazy("已确认，升级通知停止。")),
        "comment": (alarms.alarm_comment, "text", gettext_lazy("已添加备注。")),
        "close": (alarms.alarm_close, "comment", gettext_lazy("告警已关闭。")),
    }

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        alarm = _scoped_alarm(request, pk)
        if action not in self.ACTIONS:
            raise Http404
        service, argument, done = self.ACTIONS[action]
        form = AlarmActionForm(request.POST)
        form.is_valid()
        try:
            service(alarm=alarm, actor=acting_user(request), **{argument: form.cleaned_data.get("text", "")})
        except ValidationError as exc:
            if not alarms.can_handle(acting_user(request), alarm):
                raise PermissionDenied(" ".join(exc.messages)) from exc
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(alarm.get_absolute_url())


class NotificationListView(ParkScopedMixin, View):
    """My alarm notices (站内信), newest first; `POST` marks them read."""

    def get(self, request: HttpRequest) -> HttpResponse:
        notices = AlarmNotification.objects.filter(user=acting_user(request)).select_related("alarm", "alarm__meter")
        context = {"notices": notices[:200], "breadcrumbs": _crumbs((_("我的告警通知"), ""))}
        return render(request, "monitoring/notifications.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        alarms.notifications_mark_read(user=acting_user(request))
        return HttpResponseRedirect(reverse("monitoring:notifications"))


# --- rules, gateways, rejects ---------------------------------------------------------------------


class RuleListView(FilteredListView):
    model = AlarmRule
    filterset_class = AlarmRuleFilterSet
    template_name = "monitoring/rule_list.html"
    default_ordering = "name"

    def get_queryset(self) -> QuerySet[AlarmRule]:
        return super().get_queryset().select_related("park", "meter", "policy").prefetch_related("cascade__meter")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context.update(can_manage=_can_manage(self.request), breadcrumbs=_crumbs((_("告警规则"), "")))
        return context


class RuleFormView(_FacilitiesFormView[AlarmRule, AlarmRuleForm]):
    form_class = AlarmRuleForm

    def get_object(self) -> AlarmRule | None:
        pk = self.kwargs.get("pk")
        if not pk:
            return None
        return get_object_or_404(scope_to_parks(self.request.user, AlarmRule.objects.all()), pk=pk)

    @property
    def title(self) -> str:
        return _("编辑告警规则") if self.kwargs.get("pk") else _("新增告警规则")

    def save(self, form: AlarmRuleForm, obj: AlarmRule | None) -> AlarmRule:
        cascade = form.cascade_meters()
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return services.rule_save(actor=acting_user(self.request), rule=obj, fields=fields, cascade=cascade)

    def success_url(self, obj: AlarmRule) -> str:
        return reverse("monitoring:rule_list")


class GatewayListView(ParkScopedMixin, View):
    def _context(self, request: HttpRequest, form: GatewayForm, token: str = "") -> dict[str, Any]:
        return {
            "gateways": scope_to_parks(request.user, Gateway.objects.select_related("park")).order_by(
                "park__name", "code"
            ),
            "form": form,
            "token": token,
            "can_manage": _can_manage(request),
            "breadcrumbs": _crumbs((_("采集网关"), "")),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "monitoring/gateways.html", self._context(request, GatewayForm(parks=_parks(request))))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.MANAGE_FACILITIES)
        rotate = request.POST.get("rotate")
        if rotate:
            gateway = get_object_or_404(scope_to_parks(request.user, Gateway.objects.all()), pk=rotate)
            require_capability(request.user, Capability.MANAGE_FACILITIES, gateway.park_id)
            token = services.gateway_rotate_token(actor=acting_user(request), gateway=gateway)
            return render(
                request, "monitoring/gateways.html", self._context(request, GatewayForm(parks=_parks(request)), token)
            )
        form = GatewayForm(request.POST, parks=_parks(request))
        if form.is_valid():
            require_park(request.user, form.cleaned_data["park"])
            try:
                _gateway, token = services.gateway_create(actor=acting_user(request), fields=form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return render(
                    request,
                    "monitoring/gateways.html",
                    self._context(request, GatewayForm(parks=_parks(request)), token),
                )
        return render(request, "monitoring/gateways.html", self._context(request, form))


class RejectListView(FilteredListView):
    model = RejectedReading
    filterset_class = RejectFilterSet
    template_name = "monitoring/reject_list.html"
    default_ordering = "-received_at"

    def get_queryset(self) -> QuerySet[RejectedReading]:
        return super().get_queryset().select_related("park", "meter", "gateway")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context["breadcrumbs"] = _crumbs((_("被拒读数"), ""))
        return context


# --- manual readings ------------------------------------------------------------------------------


class ReadingUploadView(ParkScopedMixin, View):
    """Manual readings from a sheet (the shared import framework); large files go to the worker."""

    template_name = "monitoring/reading_upload.html"

    @staticmethod
    def _blank_form(request: HttpRequest, park: Park | None = None) -> ReadingUploadForm:
        return ReadingUploadForm(parks=_parks(request), initial={"park": park or _chosen_park(request)})

    def _render(self, request: HttpRequest, form: ReadingUploadForm, result: Any = None) -> HttpResponse:
        context = {
            "form": form,
            "result": result,
            "columns": importing.TABLE.columns,
            "recent_jobs": ImportJob.objects.filter(importer=importing.IMPORTER, created_by=acting_user(request))[:5],
            "breadcrumbs": _crumbs((_("人工抄表导入"), "")),
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.MANAGE_FACILITIES)
        if request.GET.get("template"):
            response = HttpResponse(importing.template_bytes(), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = 'attachment; filename="manual-readings.xlsx"'
            return response
        return self._render(request, self._blank_form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.MANAGE_FACILITIES)
        form = ReadingUploadForm(request.POST, request.FILES, parks=_parks(request))
        if not form.is_valid():
            return self._render(request, form)
        park = form.cleaned_data["park"]
        require_capability(request.user, Capability.MANAGE_FACILITIES, park)
        upload = form.cleaned_data["file"]
        if goes_to_background(upload):
            job = importing.create_job(park=park, upload=upload, name=upload.name, actor=acting_user(request))
            enqueue(job)
            return HttpResponseRedirect(reverse("monitoring:reading_import_job", args=[job.pk]))
        result = importing.import_readings(park=park, name=upload.name, data=upload, actor=acting_user(request))
        return self._render(request, self._blank_form(request, park), result)


class ReadingImportJobView(ParkScopedMixin, View):
    """A background import of manual readings: progress, errors and the error report (?report=xlsx)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        require_capability(request.user, Capability.MANAGE_FACILITIES)
        job = get_object_or_404(ImportJob, pk=pk, importer=importing.IMPORTER)
        require_park(request.user, job.options.get("park"))
        detail_url = reverse("monitoring:reading_import_job", args=[job.pk])
        if request.GET.get("report") == "xlsx":
            return job_report(job)
        return job_page(
            request,
            job,
            detail_url=detail_url,
            report_url=detail_url + "?report=xlsx",
            breadcrumbs=_crumbs((_("人工抄表导入"), reverse("monitoring:reading_upload")), (str(job), "")),
        )


# --- energy ---------------------------------------------------------------------------------------


class EnergyView(ParkScopedMixin, View):
    """Consumption per tenant over a month or a year, tce, per m² and per 万元 of output; .xlsx of
    the consumption lines billing takes (until billing reads `consumption_by_enterprise` itself)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        park = _chosen_park(request)
        if park is None:
            raise Http404
        require_park(request.user, park)
        today = timezone.localdate()
        period = request.GET.get("period", "month")
        month = month_param(request.GET.get("month"), today)
        try:
            year = int(request.GET.get("year") or today.year)
        except ValueError:
            year = today.year
        if period == "year":
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        else:
            start, end = month, storage.next_month(month) - datetime.timedelta(days=1)
        if request.GET.get("format") == "xlsx":
            return self._export(park, start, end)
        output = hooks.output_by_enterprise(park.pk, year) if period == "year" else {}
        rows = selectors.tenant_energy(park=park, start=start, end=end, output=output)
        context = {
            "park": park,
            "parks": _parks(request),
            "rows": rows,
            "kinds": [(k, MeterKind(k).label, KIND_UNITS[k]) for k in MeterKind.values if k in UTILITY_KINDS],
            "period": period,
            "month": month,
            "year": year,
            "start": start,
            "end": end,
            "total_tce": sum((r.tce for r in rows), Decimal(0)),
            "query": request.GET.urlencode(),
            "breadcrumbs": _crumbs((_("企业能耗"), "")),
        }
        return render(request, "monitoring/energy.html", context)

    def _export(self, park: Park, start: datetime.date, end: datetime.date) -> HttpResponse:
        lines = selectors.consumption_by_enterprise(park=park, start=start, end=end)
        names = dict(Enterprise.objects.filter(pk__in={line.enterprise_id for line in lines}).values_list("pk", "name"))
        return xlsx_response(
            f"{_('用能明细')}-{park.code}-{start:%Y%m%d}-{end:%Y%m%d}",
            [
                Column(_("企业"), lambda line: names.get(line.enterprise_id, "")),
                Column(_("企业编号"), "enterprise_id"),
                Column(_("能源类型"), lambda line: MeterKind(line.kind).label),
                Column(_("用量"), "quantity", "#,##0.000"),
                Column(_("单位"), "unit"),
                Column(_("来源"), "share_note"),
                Column(_("起始日期"), lambda _l: start, DATE_FORMAT),
                Column(_("截止日期"), lambda _l: end, DATE_FORMAT),
            ],
            lines,
        )
