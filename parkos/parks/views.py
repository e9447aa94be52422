from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import Capability, acting_user, has_capability, scope_to_parks, visible_park_ids
from parkos.core.routing import replica_reads
from parkos.core.units import format_area
from parkos.parks import hooks, selectors, services
from parkos.parks.choices import SpaceStatus
from parkos.parks.filtersets import (
    PARCEL_ORDERING,
    PARK_ORDERING,
    UNIT_ORDERING,
    ParcelFilterSet,
    ParkFilterSet,
    UnitFilterSet,
)
from parkos.parks.forms import (
    BuildingForm,
    FloorForm,
    LandParcelForm,
    ParkForm,
    ReservationForm,
    SpaceMediaForm,
    UnitForm,
)
from parkos.parks.listing import unit_rows
from parkos.parks.models import Building, Floor, LandParcel, Park, Reservation, SpaceMedia, SpaceQuerySet, Unit
from parkos.web.views_generic import (
    FilteredListView,
    Paginable,
    ParkScopedMixin,
    ScopedDetailView,
    ServiceFormView,
    apply_validation_error,
)

STATUS_ORDER = [s.value for s in SpaceStatus]


class ParkListView(FilteredListView):
    model = Park
    park_field = "pk"
    filterset_class = ParkFilterSet
    template_name = "parks/park_list.html"
    partial_template_name = "parks/_park_table.html"
    ordering_fields = PARK_ORDERING
    default_ordering = "city"

    def get_queryset(self) -> QuerySet[Park]:
        return super().get_queryset().filter(archived_at__isnull=True)

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        parks = list(context["object_list"])
        kpis = selectors.park_kpis([p.pk for p in parks])
        context["rows"] = [(p, kpis[p.pk]) for p in parks]
        context["can_create"] = has_capability(self.request.user, Capability.MANAGE_USERS)
        context["can_import"] = has_capability(self.request.user, Capability.IMPORT_DATA) and has_capability(
            self.request.user, Capability.CHANGE_SPACE
        )
        return context


class ParkDetailView(ScopedDetailView):
    model = Park
    park_field = "pk"
    template_name = "parks/park_detail.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        park: Park = self.object
        context.update(
            kpis=selectors.park_kpis([park.pk])[park.pk],
            buildings=park.buildings.filter(archived_at__isnull=True).order_by("code"),
            parcels=selectors.parcel_search(LandParcel.objects.filter(park=park, archived_at__isnull=True)).order_by(
                "code"
            ),
            photos=park.photos.all(),
            can_change=has_capability(self.request.user, Capability.CHANGE_PARK),
            can_change_space=has_capability(self.request.user, Capability.CHANGE_SPACE),
            breadcrumbs=[(_("园区"), reverse("parks:park_list")), (park.name, "")],
        )
        return context


class BuildingDetailView(ScopedDetailView):
    """The building page: its stacking plan, floors as rows and units as blocks sized by area."""

    model = Building
    template_name = "parks/building_detail.html"

    def get_queryset(self) -> QuerySet[Building]:
        return super().get_queryset().select_related("park")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        building: Building = self.object
        plan = selectors.building_stacking_plan(building)
        counts: dict[str, int] = {}
        for row in plan:
            for unit in row.units:
                counts[unit.status_now] = counts.get(unit.status_now, 0) + 1  # type: ignore[attr-defined]
        # Colouring by time to expiry or tenant industry comes from the leasing app (one query).
        colourings = hooks.colourings()
        colour = self.request.GET.get("colour", "status")
        colour = colour if colour in colourings else "status"
        colour_legend: list[Any] = []
        if colour != "status":
            colours, colour_legend = colourings[colour].colour(building, None)
            for row in plan:
                for unit in row.units:
                    unit.colour_class, unit.colour_tip = colours.get(unit.pk, ("col-vacant", ""))  # type: ignore[attr-defined]
        context.update(
            colour=colour,
            colour_options=[(key, colouring.label) for key, colouring in colourings.items()],
            colour_legend=colour_legend,
            plan=plan,
            statuses=[(s, counts.get(s.value, 0)) for s in SpaceStatus],
            can_change_space=has_capability(self.request.user, Capability.CHANGE_SPACE),
            media=building.media.all(),
            media_form=SpaceMediaForm(),
            breadcrumbs=[
                (_("园区"), reverse("parks:park_list")),
                (building.park.name, building.park.get_absolute_url()),
                (str(building), ""),
            ],
        )
        return context


class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "parks/unit_detail.html"

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.unit_search(super().get_queryset())

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        unit: Unit = self.object
        context.update(
            reservations=unit.reservations.select_related("created_by")[:20],
            reservation_form=ReservationForm(),
            adjacent=services.adjacent_units(unit),
            media=unit.media.all(),
            media_form=SpaceMediaForm(),
            can_reserve=has_capability(self.request.user, Capability.RESERVE_SPACE),
            can_change_space=has_capability(self.request.user, Capability.CHANGE_SPACE),
            breadcrumbs=[
                (_("园区"), reverse("parks:park_list")),
                (unit.park.name, unit.park.get_absolute_url()),
                (str(unit.building), unit.building.get_absolute_url()),
                (unit.code, ""),
            ],
        )
        return context


class ParcelDetailView(ScopedDetailView):
    model = LandParcel
    template_name = "parks/parcel_detail.html"

    def get_queryset(self) -> QuerySet[LandParcel]:
        return selectors.parcel_search(super().get_queryset())

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        parcel: LandParcel = self.object
        context.update(
            reservations=parcel.reservations.all()[:20],
            reservation_form=ReservationForm(),
            can_reserve=has_capability(self.request.user, Capability.RESERVE_SPACE),
            can_change_space=has_capability(self.request.user, Capability.CHANGE_SPACE),
            breadcrumbs=[
                (_("园区"), reverse("parks:park_list")),
                (parcel.park.name, parcel.park.get_absolute_url()),
                (str(parcel), ""),
            ],
        )
        return context


class ParcelListView(FilteredListView):
    model = LandParcel
    filterset_class = ParcelFilterSet
    template_name = "parks/parcel_list.html"
    partial_template_name = "parks/_parcel_table.html"
    ordering_fields = PARCEL_ORDERING
    default_ordering = "park__city"

    def get_queryset(self) -> QuerySet[LandParcel]:
        return selectors.parcel_search(super().get_queryset())


@method_decorator(replica_reads, name="get")
class AvailabilityView(FilteredListView):
    """Find space across every park the person may see: units (list or per building) and parcels."""

    model = Unit
    filterset_class = UnitFilterSet
    template_name = "parks/availability.html"
    partial_template_name = "parks/_availability_results.html"
    ordering_fields = UNIT_ORDERING
    default_ordering = "park__city"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.unit_search(super().get_queryset())

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context["result_count"] = (
            context["paginator"].count if context.get("paginator") else len(context["object_list"])
        )
        view_mode = self.request.GET.get("view", "list")
        context["view_mode"] = view_mode if view_mode in ("list", "building") else "list"
        if context["view_mode"] == "building":
            context["groups"] = selectors.group_by_building(list(context["object_list"]))
        else:
            context["unit_rows"] = unit_rows(context["object_list"])
        parcels = ParcelFilterSet(
            self.request.GET or None,
            queryset=scope_to_parks(self.request.user, LandParcel.objects.all()),
            request=self.request,
        )
        parcel_qs = parcels.qs if parcels.is_bound and parcels.is_valid() else LandParcel.objects.none()
        if not parcels.is_bound:
            parcel_qs = cast(SpaceQuerySet, scope_to_parks(self.request.user, LandParcel.objects.all())).available_on(
                timezone.localdate()
            )
        context["parcels"] = selectors.parcel_search(parcel_qs).order_by("park__city", "code")[:50]
        context["cities"] = selectors.city_choices(visible_park_ids(self.request.user))
        return context


# --- Forms ---------------------------------------------------------------------------------------


class ParkCreateView(ServiceFormView[Park, ParkForm]):
    form_class = ParkForm
    template_name = "parks/form.html"
    capability = Capability.MANAGE_USERS

    @property
    def title(self) -> str:
        return _("新建园区")

    def park_of(self, obj: Park | None, form: ParkForm | None) -> Park | int | None:
        return None

    def save(self, form: ParkForm, obj: Park | None) -> Park:
        return services.park_create(actor=acting_user(self.request), **form.cleaned_data)


class ParkUpdateView(ServiceFormView[Park, ParkForm]):
    form_class = ParkForm
    template_name = "parks/form.html"
    capability = Capability.CHANGE_PARK

    @property
    def title(self) -> str:
        return _("编辑园区")

    def get_object(self) -> Park:
        return get_object_or_404(scope_to_parks(self.request.user, Park.objects.all(), "pk"), pk=self.kwargs["pk"])

    def park_of(self, obj: Park | None, form: ParkForm | None) -> Park | int | None:
        return obj

    def save(self, form: ParkForm, obj: Park | None) -> Park:
        return services.park_update(park=self.existing(obj), actor=acting_user(self.request), **form.cleaned_data)


class BuildingCreateView(ServiceFormView[Building, BuildingForm]):
    form_class = BuildingForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("新建楼栋")

    def park(self) -> Park:
        return get_object_or_404(scope_to_parks(self.request.user, Park.objects.all(), "pk"), pk=self.kwargs["park_pk"])

    def park_of(self, obj: Building | None, form: BuildingForm | None) -> Park | int | None:
        return self.park()

    def save(self, form: BuildingForm, obj: Building | None) -> Building:
        return services.building_create(actor=acting_user(self.request), park=self.park(), **form.cleaned_data)


class BuildingUpdateView(ServiceFormView[Building, BuildingForm]):
    form_class = BuildingForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("编辑楼栋")

    def get_object(self) -> Building:
        return get_object_or_404(scope_to_parks(self.request.user, Building.objects.all()), pk=self.kwargs["pk"])

    def park_of(self, obj: Building | None, form: BuildingForm | None) -> Park | int | None:
        return self.existing(obj).park_id

    def save(self, form: BuildingForm, obj: Building | None) -> Building:
        return services.building_update(
            building=self.existing(obj), actor=acting_user(self.request), **form.cleaned_data
        )


class FloorCreateView(ServiceFormView[Floor, FloorForm]):
    form_class = FloorForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("新增楼层")

    def building(self) -> Building:
        return get_object_or_404(
            scope_to_parks(self.request.user, Building.objects.all()), pk=self.kwargs["building_pk"]
        )

    def park_of(self, obj: Floor | None, form: FloorForm | None) -> Park | int | None:
        return self.building().park_id

    def get_form_kwargs(self, obj: Floor | None) -> dict[str, Any]:
        return {"instance": Floor(building=self.building())}

    def save(self, form: FloorForm, obj: Floor | None) -> Floor:
        return services.floor_create(actor=acting_user(self.request), building=self.building(), **form.cleaned_data)


class FloorUpdateView(ServiceFormView[Floor, FloorForm]):
    form_class = FloorForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("编辑楼层")

    def get_object(self) -> Floor:
        return get_object_or_404(
            scope_to_parks(self.request.user, Floor.objects.all(), "building__park"), pk=self.kwargs["pk"]
        )

    def park_of(self, obj: Floor | None, form: FloorForm | None) -> Park | int | None:
        return self.existing(obj).building.park_id

    def save(self, form: FloorForm, obj: Floor | None) -> Floor:
        return services.floor_update(floor=self.existing(obj), actor=acting_user(self.request), **form.cleaned_data)


class UnitCreateView(ServiceFormView[Unit, UnitForm]):
    form_class = UnitForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("新增单元")

    def building(self) -> Building:
        return get_object_or_404(
            scope_to_parks(self.request.user, Building.objects.all()), pk=self.kwargs["building_pk"]
        )

    def park_of(self, obj: Unit | None, form: UnitForm | None) -> Park | int | None:
        return self.building().park_id

    def initial_kwargs(self) -> dict[str, Any]:
        return {"building": self.building()}

    def get_form_kwargs(self, obj: Unit | None) -> dict[str, Any]:
        building = self.building()
        return {"instance": Unit(building=building, park=building.park)}

    def save(self, form: UnitForm, obj: Unit | None) -> Unit:
        building = self.building()
        return services.unit_create(
            actor=acting_user(self.request), park=building.park, building=building, **form.cleaned_data
        )


class UnitUpdateView(ServiceFormView[Unit, UnitForm]):
    form_class = UnitForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("编辑单元")

    def get_object(self) -> Unit:
        return cast(
            Unit, get_object_or_404(scope_to_parks(self.request.user, Unit.objects.all()), pk=self.kwargs["pk"])
        )

    def park_of(self, obj: Unit | None, form: UnitForm | None) -> Park | int | None:
        return self.existing(obj).park_id

    def save(self, form: UnitForm, obj: Unit | None) -> Unit:
        return services.unit_update(unit=self.existing(obj), actor=acting_user(self.request), **form.cleaned_data)


class ParcelCreateView(ServiceFormView[LandParcel, LandParcelForm]):
    form_class = LandParcelForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("新增地块")

    def park(self) -> Park:
        return get_object_or_404(scope_to_parks(self.request.user, Park.objects.all(), "pk"), pk=self.kwargs["park_pk"])

    def park_of(self, obj: LandParcel | None, form: LandParcelForm | None) -> Park | int | None:
        return self.park()

    def get_form_kwargs(self, obj: LandParcel | None) -> dict[str, Any]:
        return {"instance": LandParcel(park=self.park())}

    def save(self, form: LandParcelForm, obj: LandParcel | None) -> LandParcel:
        return services.parcel_create(actor=acting_user(self.request), park=self.park(), **form.cleaned_data)


class ParcelUpdateView(ServiceFormView[LandParcel, LandParcelForm]):
    form_class = LandParcelForm
    template_name = "parks/form.html"

    @property
    def title(self) -> str:
        return _("编辑地块")

    def get_object(self) -> LandParcel:
        return cast(
            LandParcel,
            get_object_or_404(scope_to_parks(self.request.user, LandParcel.objects.all()), pk=self.kwargs["pk"]),
        )

    def park_of(self, obj: LandParcel | None, form: LandParcelForm | None) -> Park | int | None:
        return self.existing(obj).park_id

    def save(self, form: LandParcelForm, obj: LandParcel | None) -> LandParcel:
        return services.parcel_update(parcel=self.existing(obj), actor=acting_user(self.request), **form.cleaned_data)


class ArchiveView(ParkScopedMixin, View):
    """POST-only archive of a park, building, unit or parcel (never a delete)."""

    http_method_names = ["post"]
    targets: dict[str, tuple[Any, str, Any, Capability, str]] = {
        "park": (Park, "pk", services.park_archive, Capability.CHANGE_PARK, "park"),
        "building": (Building, "park", services.building_archive, Capability.CHANGE_SPACE, "building"),
        "unit": (Unit, "park", services.unit_archive, Capability.CHANGE_SPACE, "unit"),
        "parcel": (LandParcel, "park", services.parcel_archive, Capability.CHANGE_SPACE, "parcel"),
    }

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        if kind not in self.targets:
            raise Http404(_("未找到该记录，或您无权访问。"))
        model, park_field, service, capability, kwarg = self.targets[kind]
        obj = get_object_or_404(scope_to_parks(request.user, model.objects.all(), park_field), pk=pk)
        self.require(capability, obj.pk if kind == "park" else obj.park_id)
        service(actor=acting_user(request), **{kwarg: obj})
        messages.success(request, _("已归档：%(name)s") % {"name": obj})
        parent = reverse("parks:park_list") if kind == "park" else obj.park.get_absolute_url()
        return HttpResponseRedirect(parent)


class ReserveView(ParkScopedMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        if kind not in {"unit", "parcel"}:
            raise Http404(_("未找到该记录，或您无权访问。"))
        model = Unit if kind == "unit" else LandParcel
        space = get_object_or_404(scope_to_parks(request.user, model.objects.all()), pk=pk)
        self.require(Capability.RESERVE_SPACE, space.park_id)
        form = ReservationForm(request.POST)
        if form.is_valid():
            try:
                services.reservation_create(space=space, actor=acting_user(request), **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已预留给 %(holder)s") % {"holder": form.cleaned_data["holder_name"]})
                return HttpResponseRedirect(space.get_absolute_url())
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("预留失败：%(errors)s") % {"errors": errors})
        return HttpResponseRedirect(space.get_absolute_url())


class ReleaseView(ParkScopedMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:

        reservation = get_object_or_404(scope_to_parks(request.user, Reservation.objects.all()), pk=pk)
        self.require(Capability.RESERVE_SPACE, reservation.park_id)
        services.reservation_release(reservation=reservation, actor=acting_user(request))
        messages.success(request, _("预留已释放。"))
        space = reservation.unit or reservation.parcel
        return HttpResponseRedirect(space.get_absolute_url() if space else reverse("parks:park_list"))


class UnitAutocompleteView(ParkScopedMixin, View):
    """Pickers (contract entry, adjacency): units of the caller's parks by code, with status and area."""

    def get(self, request: HttpRequest) -> JsonResponse:
        term = (request.GET.get("q") or "").strip()[:40]
        units = cast(
            SpaceQuerySet,
            self.scope(Unit.objects.filter(archived_at__isnull=True)).select_related("park", "building", "floor"),
        )
        if request.GET.get("park", "").isdigit():
            units = units.filter(park_id=int(request.GET["park"]))
        if term:
            units = units.filter(code__icontains=term)
        rows = units.with_status().order_by("park__name", "code")[:30]
        return JsonResponse(
            {
                "results": [
                    {
                        "value": u.pk,
                        "text": f"{u.code} · {format_area(u.area_sqm)} · {SpaceStatus(u.status_now).label}",
                        "hint": f"{u.park.name} · {u.building.name or u.building.code} · {u.floor.level_label}",
                    }
                    for u in rows
                ]
            }
        )


class SpaceMediaUploadView(ParkScopedMixin, View):
    """POST a photo or floor plan of a building or unit (multipart); errors come back as messages."""

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        if kind not in ("building", "unit"):
            raise Http404
        model: type[Building] | type[Unit] = Building if kind == "building" else Unit
        owner = get_object_or_404(self.scope(model.objects.all()), pk=pk)
        self.require(Capability.CHANGE_SPACE, owner.park_id)
        form = SpaceMediaForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.space_media_add(
                    actor=acting_user(request),
                    upload=form.cleaned_data["image"],
                    kind=form.cleaned_data["kind"],
                    caption=form.cleaned_data.get("caption") or "",
                    building=owner if isinstance(owner, Building) else None,
                    unit=owner if isinstance(owner, Unit) else None,
                )
                messages.success(request, _("图片已上传。"))
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        else:
            messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(owner.get_absolute_url())


class SpaceMediaDeleteView(ParkScopedMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        media = get_object_or_404(self.scope(SpaceMedia.objects.select_related("building", "unit")), pk=pk)
        self.require(Capability.CHANGE_SPACE, media.park_id)
        owner = media.building or media.unit
        services.space_media_delete(media=media, actor=acting_user(request))
        messages.success(request, _("图片已删除。"))
        return HttpResponseRedirect(owner.get_absolute_url() if owner is not None else reverse("parks:park_list"))
