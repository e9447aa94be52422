from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from parkos.accounts.access import Capability, acting_user, scope_to_parks
from parkos.investment import selectors, services
from parkos.investment.api.serializers import (
    ActivitySerializer,
    LeadSerializer,
    MatchReportSerializer,
    MoveSerializer,
    NotificationSerializer,
)
from parkos.investment.filtersets import LeadFilterSet
from parkos.investment.models import Lead, Notification, Requirement
from parkos.parks.models import LandParcel, Unit
from parkos.web.api_views import ID_PATTERN, ParkScopedViewSetMixin, changed_row


def _as_validation(exc: ValidationError) -> Any:

    return DRFValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class LeadViewSet(
    ParkScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Any],
):
    """Leads in the caller's parks; writes need MANAGE_LEADS. Stages move through `move/`."""

    queryset = Lead.objects.select_related("requirement", "park", "officer").prefetch_related(
        "requirement__preferred_parks"
    )
    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet
    write_capability = Capability.MANAGE_LEADS
    ordering_fields = ["created_at", "company_name", "expected_signing_on"]
    ordering = ["-created_at"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        self.check_payload_park(data)
        requirement = dict(data.pop("requirement", {}) or {})
        preferred = requirement.pop("preferred_parks", [])
        processes = requirement.pop("processes", None)
        try:
            serializer.instance = services.lead_create(
                actor=acting_user(self.request),
                requirement=requirement,
                processes=processes,
                preferred_parks=preferred,
                **data,
            )
        except ValidationError as exc:
            raise _as_validation(exc) from exc

    def perform_update(self, serializer: BaseSerializer[Lead]) -> None:
        lead = changed_row(serializer)
        data = dict(serializer.validated_data)
        self.check_payload_park({"park": data.get("park", lead.park)})
        requirement = data.pop("requirement", None)
        actor = acting_user(self.request)
        try:
            lead = services.lead_update(lead=lead, actor=actor, **data)
            if requirement is not None:
                requirement = dict(requirement)
                preferred = requirement.pop("preferred_parks", None)
                processes = requirement.pop("processes", None)
                services.requirement_update(
                    lead=lead, actor=actor, processes=processes, preferred_parks=preferred, **requirement
                )
        except ValidationError as exc:
            raise _as_validation(exc) from exc
        serializer.instance = Lead.objects.get(pk=lead.pk)

    def get_queryset(self) -> QuerySet[Lead]:
        # Leads of the caller's parks, the ones they work, and for operator admins the pool (no park).
        return selectors.scope_leads(self.request.user, self.queryset.all())

    @extend_schema(
        responses=MatchReportSerializer,
        parameters=[
            OpenApiParameter(
                "include", str, enum=["rejected"], description="rejected：同时列出未入选的候选空间及原因（中文）"
            )
        ],
    )
    @action(detail=True, methods=["get"])
    def matches(self, request: Request, pk: str | None = None) -> Response:
        """Every available unit and parcel the caller may see, ranked for this lead's requirement."""
        lead = self.get_object()
        requirement = get_object_or_404(Requirement, lead=lead)
        include = {part.strip() for part in request.query_params.get("include", "").split(",")}
        report = selectors.match_for_user(requirement, request.user, include_rejected="rejected" in include)
        return Response(MatchReportSerializer(report).data)

    @extend_schema(request=MoveSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        lead = self.get_object()
        self.require_capability(Capability.MANAGE_LEADS, lead.park)
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            lead = services.lead_move(lead=lead, actor=acting_user(request), to_stage=payload.validated_data["stage"],
                                      lost_reason=payload.validated_data["lost_reason"], note=payload.validated_data["note"])  # fmt: skip
        except ValidationError as exc:
            raise _as_validation(exc) from exc
        return Response(LeadSerializer(lead, context={"request": request}).data)

    @extend_schema(methods=["GET"], responses=ActivitySerializer(many=True))
    @extend_schema(methods=["POST"], request=ActivitySerializer, responses={201: ActivitySerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def activities(self, request: Request, pk: str | None = None) -> Response:
        lead = self.get_object()
        if request.method == "GET":
            return Response(ActivitySerializer(lead.activities.all(), many=True).data)
        self.require_capability(Capability.MANAGE_LEADS, lead.park)
        payload = ActivitySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        units = [
            u for u in data.get("units", []) if scope_to_parks(request.user, Unit.objects.filter(pk=u.pk)).exists()
        ]
        parcels = [
            p
            for p in data.get("parcels", [])
            if scope_to_parks(request.user, LandParcel.objects.filter(pk=p.pk)).exists()
        ]
        try:
            activity = services.activity_log(
                lead=lead, kind=data["kind"], summary=data["summary"], actor=acting_user(request),
                occurred_at=data.get("occurred_at"), units=units, parcels=parcels,
                next_step=data.get("next_step", ""), next_step_on=data.get("next_step_on"),
            )  # fmt: skip
        except ValidationError as exc:
            raise _as_validation(exc) from exc
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    """The caller's own notifications."""

    lookup_value_regex = ID_PATTERN

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    queryset = Notification.objects.none()

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.filter(user=self.request.user.pk).order_by("-created_at", "-pk")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        services.notification_mark_read(user=acting_user(request), notification=notification)
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)
