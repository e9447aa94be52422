from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from parkos.accounts.access import Capability, acting_user, require_capability
from parkos.accounts.permissions import StaffWithCapability
from parkos.leasing import schedule, selectors, services
from parkos.leasing.api.serializers import (
    ApproveSerializer,
    ContractSerializer,
    OccupancySerializer,
    RenewalTaskSerializer,
    RenewSerializer,
    RentRollRowSerializer,
    ScheduleLineSerializer,
    SignSerializer,
    TerminateSerializer,
)
from parkos.leasing.choices import ContractKind
from parkos.leasing.filtersets import CONTRACT_ORDERING, ContractFilterSet, RenewalTaskFilterSet
from parkos.leasing.models import Contract, RenewalTask
from parkos.web.api import year_param
from parkos.web.api_views import ParkScopedViewSetMixin, requested_park_ids


class ContractViewSet(
    ParkScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Contract],
):
    """Contracts. POST creates a draft; the workflow steps are actions (approve, sign, terminate, renew)."""

    queryset = Contract.objects.all()
    serializer_class = ContractSerializer
    filterset_class = ContractFilterSet
    write_capability = Capability.MANAGE_CONTRACTS
    ordering_fields = list(CONTRACT_ORDERING)
    ordering = ["-start_on", "-pk"]

    def get_queryset(self) -> QuerySet[Contract]:
        return selectors.contract_list(super().get_queryset()).prefetch_related("spaces")

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        self.require_capability(Capability.MANAGE_CONTRACTS, data["park"])
        units = data.pop("units", [])
        parcel = data.pop("parcel", None)
        park, enterprise, kind = data.pop("park"), data.pop("enterprise"), data.pop("kind", ContractKind.LEASE)
        serializer.instance = services.contract_create_draft(
            actor=acting_user(self.request),
            park=park,
            enterprise=enterprise,
            kind=kind,
            units=units,
            parcel=parcel,
            **data,
        )

    def _step(self, request: Request, service: Any, serializer_class: Any = None) -> Response:
        contract = self.get_object()
        require_capability(request.user, Capability.MANAGE_CONTRACTS, contract.park_id)
        kwargs: dict[str, Any] = {}
        if serializer_class is not None:
            payload = serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            kwargs = dict(payload.validated_data)
        result = service(contract=contract, actor=acting_user(request), **kwargs)
        return Response(ContractSerializer(result, context={"request": request}).data)

    @extend_schema(request=ApproveSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Four eyes: the drafter cannot approve; an operator admin may, with `override_reason`."""
        return self._step(request, services.contract_approve, ApproveSerializer)

    @extend_schema(request=SignSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.contract_sign, SignSerializer)

    @extend_schema(request=TerminateSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.contract_terminate, TerminateSerializer)

    @extend_schema(request=RenewSerializer, responses=ContractSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, services.contract_renew, RenewSerializer)

    @extend_schema(request=None, responses=ScheduleLineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        contract = self.get_object()
        if contract.kind != ContractKind.LEASE:
            return Response([])
        lines = schedule.generate_schedule(services.lease_terms(contract))
        return Response(ScheduleLineSerializer(lines, many=True).data)


class RenewalTaskViewSet(ParkScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[RenewalTask]):
    queryset = RenewalTask.objects.order_by("due_on", "pk")
    serializer_class = RenewalTaskSerializer
    filterset_class = RenewalTaskFilterSet


class OccupancyView(APIView):
    """Occupancy and WALT of the caller's parks (or `park`) on `day` (default today), from contract history."""

    permission_classes = [StaffWithCapability]

    @extend_schema(
        parameters=[
            OpenApiParameter("day", datetime.date, description="YYYY-MM-DD, default today"),
            OpenApiParameter("park", int),
        ],
        responses=OccupancySerializer,
    )
    def get(self, request: Request) -> Response:
        try:
            day = datetime.date.fromisoformat(request.query_params.get("day") or timezone.localdate().isoformat())
        except ValueError:
            raise DRFValidationError({"day": ["YYYY-MM-DD"]}) from None
        park_ids = requested_park_ids(request)
        occupancy = selectors.occupancy_on(day, park_ids)
        walt = selectors.walt_on(day, park_ids)
        return Response(
            OccupancySerializer(
                {
                    "day": day,
                    "lettable_area_sqm": occupancy.lettable_area_sqm,
                    "lettable_units": occupancy.lettable_units,
                    "occupied_area_sqm": occupancy.occupied_area_sqm,
                    "occupied_units": occupancy.occupied_units,
                    "by_area_pct": occupancy.by_area_pct,
                    "by_count_pct": occupancy.by_count_pct,
                    "walt_years": walt.quantize(Decimal("0.01")) if walt is not None else None,
                }
            ).data
        )


class RentRollView(APIView):
    """Rent accrued per lease per month of `year` (or one `month`) in the caller's parks (or `park`)."""

    permission_classes = [StaffWithCapability]

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("month", int), OpenApiParameter("park", int)],
        responses=RentRollRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        year = year_param(request.query_params.get("year"), default=timezone.localdate().year)
        try:
            month = int(request.query_params["month"]) if request.query_params.get("month") else None
        except ValueError:
            raise DRFValidationError({"month": ["1–12"]}) from None
        if month is not None and not 1 <= month <= 12:
            raise DRFValidationError({"month": ["1–12"]})
        roll = selectors.rent_roll(requested_park_ids(request), year, month)
        return Response(RentRollRowSerializer(roll.rows, many=True).data)
