from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from parkos.accounts.access import Capability, acting_user, require_park
from parkos.parks import selectors, services
from parkos.parks.api.serializers import (
    BuildingSerializer,
    FloorSerializer,
    LandParcelSerializer,
    ParkSerializer,
    ReservationSerializer,
    UnitSerializer,
)
from parkos.parks.filtersets import PARCEL_ORDERING, UNIT_ORDERING, ParcelFilterSet, ParkFilterSet, UnitFilterSet
from parkos.parks.models import Building, Floor, LandParcel, Park, Reservation, Unit
from parkos.web.api_views import ParkScopedViewSetMixin


class ServiceBackedViewSet(ParkScopedViewSetMixin, viewsets.ModelViewSet[Any]):
    """CRUD whose writes go through the app's services (validation, locking, audit); DELETE archives."""

    create_service: Callable[..., Model]
    update_service: Callable[..., Model]
    archive_service: Callable[..., Model]
    instance_kwarg = ""

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        self.check_payload_park(serializer.validated_data)
        serializer.instance = type(self).create_service(actor=acting_user(self.request), **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        self.check_changed_park(serializer.validated_data)
        serializer.instance = type(self).update_service(
            actor=acting_user(self.request), **{self.instance_kwarg: serializer.instance}, **serializer.validated_data
        )

    def perform_destroy(self, instance: Model) -> None:
        type(self).archive_service(actor=acting_user(self.request), **{self.instance_kwarg: instance})


class ParkViewSet(ServiceBackedViewSet):
    queryset = Park.objects.select_related("operator").order_by("city", "name")
    serializer_class = ParkSerializer
    filterset_class = ParkFilterSet
    park_field = "pk"
    write_capability = Capability.CHANGE_PARK
    ordering_fields = ["name", "city", "land_area_sqm"]
    create_service = services.park_create
    update_service = services.park_update
    archive_service = services.park_archive
    instance_kwarg = "park"

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        # Only operator admins open new parks; a park manager changes the parks they already run.
        self.require_capability(Capability.MANAGE_USERS)
        super().perform_create(serializer)


class BuildingViewSet(ServiceBackedViewSet):
    queryset = Building.objects.select_related("park").order_by("park", "code")
    serializer_class = BuildingSerializer
    filterset_fields = ["park", "structure", "status", "design_fire_class"]
    write_capability = Capability.CHANGE_SPACE
    create_service = services.building_create
    update_service = services.building_update
    archive_service = services.building_archive
    instance_kwarg = "building"


class FloorViewSet(ServiceBackedViewSet):
    queryset = Floor.objects.select_related("building").order_by("building", "-level")
    serializer_class = FloorSerializer
    filterset_fields = ["building"]
    park_field = "building__park"
    write_capability = Capability.CHANGE_SPACE
    create_service = services.floor_create
    update_service = services.floor_update
    instance_kwarg = "floor"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


class SpaceViewSet(ServiceBackedViewSet):
    """The availability filters (available today unless told otherwise) narrow the list only: a unit
    or parcel is found by its id whatever its status, to be read, changed or archived (Ref: #13)."""

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class UnitViewSet(SpaceViewSet):
    """Units; the list is the availability search (available today unless `available_on` or `status` is given)."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    write_capability = Capability.CHANGE_SPACE
    ordering_fields = list(UNIT_ORDERING)
    ordering = ["park__city", "code"]
    create_service = services.unit_create
    update_service = services.unit_update
    archive_service = services.unit_archive
    instance_kwarg = "unit"

    def get_queryset(self) -> QuerySet[Unit]:
        return selectors.unit_search(super().get_queryset())

    queryset = Unit.objects.all()

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        floor = serializer.validated_data["floor"]
        require_park(self.request.user, floor.building.park_id)
        serializer.validated_data["park"] = floor.building.park
        serializer.validated_data["building"] = floor.building
        super().perform_create(serializer)


class LandParcelViewSet(SpaceViewSet):
    serializer_class = LandParcelSerializer
    filterset_class = ParcelFilterSet
    write_capability = Capability.CHANGE_SPACE
    ordering_fields = list(PARCEL_ORDERING)
    ordering = ["park__city", "code"]
    create_service = services.parcel_create
    update_service = services.parcel_update
    archive_service = services.parcel_archive
    instance_kwarg = "parcel"
    queryset = LandParcel.objects.all()

    def get_queryset(self) -> QuerySet[LandParcel]:
        return selectors.parcel_search(super().get_queryset())


class ReservationViewSet(
    ParkScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Reservation],
):
    queryset = Reservation.objects.select_related("unit", "parcel").order_by("-reserved_from", "-pk")
    serializer_class = ReservationSerializer
    filterset_fields = ["park", "unit", "parcel"]
    write_capability = Capability.RESERVE_SPACE

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        space = data.get("unit") or data.get("parcel")
        if space is None or (data.get("unit") and data.get("parcel")):
            raise ValidationError(_("预留必须且只能针对一个单元或一个地块"))
        require_park(self.request.user, space.park_id)
        serializer.instance = services.reservation_create(
            space=space,
            holder_name=data["holder_name"],
            reserved_from=data.get("reserved_from"),
            reserved_until=data["reserved_until"],
            note=data.get("note", ""),
            actor=acting_user(self.request),
        )

    @extend_schema(request=None, responses=ReservationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        reservation = self.get_object()
        self.check_object_permissions(request, reservation)
        reservation = services.reservation_release(reservation=reservation, actor=acting_user(request))
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_200_OK)
