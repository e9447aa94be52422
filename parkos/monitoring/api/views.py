"""Monitoring API: the gateways' batch ingestion (token per gateway) and the staff endpoints."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from parkos.accounts.access import Capability, acting_user, require_park
from parkos.accounts.permissions import IsParkStaff, StaffWithCapability
from parkos.core.serializers import ErrorSerializer
from parkos.monitoring import alarms, selectors, services
from parkos.monitoring.api.serializers import (
    AlarmActionSerializer,
    AlarmRuleSerializer,
    AlarmSerializer,
    ConsumptionLineSerializer,
    IngestResultSerializer,
    MeterSerializer,
    RejectedReadingSerializer,
    SeriesSerializer,
)
from parkos.monitoring.choices import ReadingSource
from parkos.monitoring.filtersets import AlarmFilterSet, AlarmRuleFilterSet, MeterFilterSet, RejectFilterSet
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import Alarm, AlarmRule, Gateway, Meter, RejectedReading
from parkos.monitoring.parsing import PayloadError, parse_csv, parse_json_lines
from parkos.parks.models import Park
from parkos.web.api_views import ParkScopedViewSetMixin

#: A batch larger than this is refused whole (413): split it.
MAX_BODY_BYTES = 32 * 1024 * 1024
#: The response lists at most this many rejects (all are kept in the database).
MAX_REJECTS_LISTED = 1000


class GatewayTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Gateway <token>` (or `Bearer`): the gateway is `request.auth`, no user."""

    keywords = ("gateway", "bearer")

    def authenticate(self, request: Request) -> tuple[AnonymousUser, Gateway] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _sep, token = header.partition(" ")
        if keyword.lower() not in self.keywords or not token.strip():
            return None
        gateway = services.gateway_for_token(token.strip())
        if gateway is None:
            raise exceptions.AuthenticationFailed("网关令牌无效或已停用。Invalid or disabled gateway token.")
        return AnonymousUser(), gateway

    def authenticate_header(self, request: Request) -> str:
        return "Gateway"


def _gateway_security(extension: OpenApiAuthenticationExtension, auto_schema: AutoSchema) -> dict[str, str]:
    return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Gateway <token>"}


# The gateways' token in the OpenAPI schema. drf-spectacular is untyped here, so the extension is made
# with type() (a class statement over an untyped base is refused by strict typing); making it registers it.
GatewayTokenScheme = type(
    "GatewayTokenScheme",
    (OpenApiAuthenticationExtension,),
    {
        "target_class": "parkos.monitoring.api.views.GatewayTokenAuthentication",
        "name": "GatewayToken",
        "get_security_definition": _gateway_security,
    },
)


class IsGateway(permissions.BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, Gateway)


class IngestView(APIView):
    """Batch ingestion for gateways: JSON lines (`application/x-ndjson`) or CSV (`text/csv`, header
    `meter,ts,value`). Idempotent on meter and moment: re-sending a batch stores nothing twice.
    Rejected readings are kept with their reason and listed in the response."""

    authentication_classes = [GatewayTokenAuthentication]
    permission_classes = [IsGateway]
    parser_classes: list[Any] = []

    @extend_schema(
        request={
            "application/x-ndjson": OpenApiRequest(str),
            "text/csv": OpenApiRequest(str),
        },
        responses={
            200: IngestResultSerializer,
            401: OpenApiResponse(ErrorSerializer, description="没有或无效的网关令牌 / no or an invalid gateway token"),
            413: OpenApiResponse(ErrorSerializer, description="单次上传过大，请分批 / too large: send in batches"),
        },
    )
    def post(self, request: Request) -> Response:
        gateway = request.auth
        assert isinstance(gateway, Gateway)  # IsGateway let the request through
        body = request._request.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return Response(
                {"detail": _("单次上传不超过 %(mb)s MB，请分批。") % {"mb": MAX_BODY_BYTES // (1024 * 1024)}},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        try:
            readings = parse_csv(body) if content_type in ("text/csv", "application/csv") else parse_json_lines(body)
        except PayloadError as exc:
            raise exceptions.ValidationError({"body": [str(exc)]}) from exc
        result = ingest_readings(park=gateway.park, readings=readings, source=ReadingSource.API, gateway=gateway)
        return Response(
            {
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "late": result.late,
                "rejected": result.rejected,
                "rejects": [dataclasses.asdict(r) for r in result.rejects[:MAX_REJECTS_LISTED]],
            }
        )


class MeterViewSet(
    ParkScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Meter],
):
    queryset = Meter.objects.select_related("park").prefetch_related("devices").order_by("park_id", "code")
    serializer_class = MeterSerializer
    filterset_class = MeterFilterSet
    write_capability = Capability.MANAGE_FACILITIES

    def _save(self, serializer: BaseSerializer[Meter], meter: Meter | None) -> None:
        data = dict(serializer.validated_data)
        if "park" in data or meter is None:
            self.check_payload_park(data)
        park = data.get("park") or (meter.park if meter is not None else None)
        self.require_capability(Capability.MANAGE_FACILITIES, park)
        serial, multiplier = data.pop("serial_number", ""), data.pop("multiplier", None)
        kwargs: dict[str, Any] = {"serial_number": serial}
        if multiplier is not None:
            kwargs["multiplier"] = multiplier
        serializer.instance = services.meter_save(actor=acting_user(self.request), meter=meter, fields=data, **kwargs)

    def perform_create(self, serializer: BaseSerializer[Meter]) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: BaseSerializer[Meter]) -> None:
        self._save(serializer, serializer.instance)

    @extend_schema(
        parameters=[
            OpenApiParameter("start", datetime.datetime, description="ISO 8601; default 7 days ago"),
            OpenApiParameter("end", datetime.datetime, description="ISO 8601; default now"),
            OpenApiParameter(
                "resolution", str, enum=list(selectors.RESOLUTIONS), description="default: fits the range"
            ),
        ],
        responses=SeriesSerializer,
    )
    @action(detail=True, methods=["get"])
    def series(self, request: Request, pk: str | None = None) -> Response:
        meter = self.get_object()
        try:
            end = (
                datetime.datetime.fromisoformat(request.query_params["end"])
                if request.query_params.get("end")
                else timezone.now()
            )
            start = (
                datetime.datetime.fromisoformat(request.query_params["start"])
                if request.query_params.get("start")
                else end - datetime.timedelta(days=7)
            )
        except ValueError:
            raise exceptions.ValidationError({"start": ["ISO 8601"]}) from None
        start, end = (timezone.make_aware(m) if timezone.is_naive(m) else m for m in (start, end))
        resolution, points = selectors.meter_series(
            meter, start=start, end=end, resolution=request.query_params.get("resolution")
        )
        return Response(
            {
                "resolution": resolution,
                "unit": meter.unit_label,
                "points": [
                    {
                        "at": p.at,
                        "samples": p.samples,
                        "total": p.total,
                        "average": p.average,
                        "minimum": p.minimum,
                        "maximum": p.maximum,
                    }
                    for p in points
                ],
            }
        )


class AlarmViewSet(ParkScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Alarm]):
    """Alarms of the caller's parks; acknowledge, comment and close are actions (for facilities staff
    and whoever the alarm's escalation notified)."""

    queryset = Alarm.objects.prefetch_related("events").order_by("-opened_at", "-pk")
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilterSet
    # Reads for park staff; the actions decide who may act themselves (alarms.can_handle).
    permission_classes = [IsParkStaff]

    def _act(self, request: Request, service: Any, argument: str) -> Response:
        alarm = self.get_object()
        payload = AlarmActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if not alarms.can_handle(acting_user(request), alarm):
            raise exceptions.PermissionDenied(_("只有设施运维人员或收到该告警通知的人员可以处理此告警。"))
        result = service(alarm=alarm, actor=acting_user(request), **{argument: payload.validated_data["text"]})
        return Response(AlarmSerializer(result).data)

    @extend_schema(request=AlarmActionSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, alarms.alarm_acknowledge, "comment")

    @extend_schema(request=AlarmActionSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, alarms.alarm_comment, "text")

    @extend_schema(request=AlarmActionSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, alarms.alarm_close, "comment")


class AlarmRuleViewSet(
    ParkScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[AlarmRule],
):
    queryset = AlarmRule.objects.order_by("park_id", "name")
    serializer_class = AlarmRuleSerializer
    filterset_class = AlarmRuleFilterSet
    write_capability = Capability.MANAGE_FACILITIES

    def _save(self, serializer: BaseSerializer[AlarmRule], rule: AlarmRule | None) -> None:
        data = dict(serializer.validated_data)
        if "park" in data or rule is None:
            self.check_payload_park(data)
        self.require_capability(Capability.MANAGE_FACILITIES, data.get("park") or (rule.park if rule else None))
        cascade = data.pop("cascade", None)
        serializer.instance = services.rule_save(
            actor=acting_user(self.request), rule=rule, fields=data, cascade=cascade
        )

    def perform_create(self, serializer: BaseSerializer[AlarmRule]) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: BaseSerializer[AlarmRule]) -> None:
        self._save(serializer, serializer.instance)


class RejectViewSet(ParkScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[RejectedReading]):
    queryset = RejectedReading.objects.order_by("-received_at", "-pk")
    serializer_class = RejectedReadingSerializer
    filterset_class = RejectFilterSet


class ConsumptionView(APIView):
    """Each tenant's consumption of a park between two days (inclusive): own meters and shares of
    common ones — what billing charges (`monitoring.selectors.consumption_by_enterprise`)."""

    permission_classes = [StaffWithCapability]

    @extend_schema(
        parameters=[
            OpenApiParameter("park", int, required=True),
            OpenApiParameter("start", datetime.date, required=True),
            OpenApiParameter("end", datetime.date, required=True),
        ],
        responses=ConsumptionLineSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        try:
            park_id = int(request.query_params["park"])
            start = datetime.date.fromisoformat(request.query_params["start"])
            end = datetime.date.fromisoformat(request.query_params["end"])
        except (KeyError, ValueError):
            raise exceptions.ValidationError({"park": ["park, start, end (YYYY-MM-DD) are required"]}) from None
        if end < start or (end - start).days > 366:
            raise exceptions.ValidationError({"end": ["end ≥ start, at most a year"]})
        if not 0 < park_id < 2**63:  # beyond any database's ids (SQLite would overflow)
            raise exceptions.ValidationError({"park": ["invalid"]})
        require_park(request.user, park_id)
        park = Park.objects.filter(pk=park_id).first()
        if park is None:  # a query parameter, not the resource: a 400 as documented
            raise exceptions.ValidationError({"park": ["not found"]})
        lines = selectors.consumption_by_enterprise(park=park, start=start, end=end)
        return Response(ConsumptionLineSerializer(lines, many=True).data)
