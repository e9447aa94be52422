from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from parkos.accounts.access import Capability, acting_user, require_capability, visible_park_ids
from parkos.accounts.permissions import IsParkStaff
from parkos.incubation import desk, selectors
from parkos.incubation.api.serializers import (
    ApplicationSerializer,
    EligibilityRowSerializer,
    IncubationRecordSerializer,
    MessageSerializer,
    ProgrammeSerializer,
    ResolveSerializer,
    RiskRowSerializer,
    SchemeSerializer,
    ServiceOfferingSerializer,
    ServiceRequestSerializer,
    SlaDashboardSerializer,
)
from parkos.incubation.filtersets import (
    ApplicationFilterSet,
    IncubationRecordFilterSet,
    SchemeFilterSet,
    ServiceOfferingFilterSet,
    ServiceRequestFilterSet,
)
from parkos.incubation.models import Application, IncubationRecord, Programme, Scheme, ServiceOffering, ServiceRequest
from parkos.parks.models import Park
from parkos.web.api_views import ID_PATTERN, ParkScopedViewSetMixin


class ProgrammeViewSet(ParkScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Programme]):
    queryset = Programme.objects.order_by("park_id", "name")
    serializer_class = ProgrammeSerializer


class ApplicationViewSet(ParkScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[Application]):
    queryset = Application.objects.order_by("-submitted_at", "-pk")
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet


class IncubationRecordViewSet(ParkScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[IncubationRecord]):
    queryset = IncubationRecord.objects.order_by("-admitted_on", "pk")
    serializer_class = IncubationRecordSerializer
    filterset_class = IncubationRecordFilterSet


class ServiceOfferingViewSet(ParkScopedViewSetMixin, viewsets.ReadOnlyModelViewSet[ServiceOffering]):
    queryset = ServiceOffering.objects.order_by("park_id", "position", "pk")
    serializer_class = ServiceOfferingSerializer
    filterset_class = ServiceOfferingFilterSet


class ServiceRequestViewSet(
    ParkScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ServiceRequest],
):
    """Service requests of the caller's parks. POST raises one; `message` and `resolve` act on one."""

    queryset = ServiceRequest.objects.order_by("-raised_at", "-pk")
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilterSet
    write_capability = Capability.MANAGE_SERVICES

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        offering: ServiceOffering = data["offering"]
        self.require_capability(Capability.MANAGE_SERVICES, offering.park_id)
        serializer.instance = desk.request_raise(
            park=offering.park,
            enterprise=data["enterprise"],
            offering=offering,
            subject=data["subject"],
            description=data["description"],
            actor=acting_user(self.request),
        )

    @extend_schema(request=MessageSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def message(self, request: Request, pk: str | None = None) -> Response:
        service_request = self.get_object()
        require_capability(request.user, Capability.MANAGE_SERVICES, service_request.park_id)
        payload = MessageSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        desk.request_message(request=service_request, actor=acting_user(request), **payload.validated_data)
        service_request.refresh_from_db()
        return Response(ServiceRequestSerializer(service_request).data)

    @extend_schema(request=ResolveSerializer, responses=ServiceRequestSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        service_request = self.get_object()
        require_capability(request.user, Capability.MANAGE_SERVICES, service_request.park_id)
        payload = ResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = desk.request_resolve(request=service_request, actor=acting_user(request), **payload.validated_data)
        return Response(ServiceRequestSerializer(result).data)


class SchemeViewSet(viewsets.ReadOnlyModelViewSet[Scheme]):
    lookup_value_regex = ID_PATTERN
    queryset = Scheme.objects.prefetch_related("criteria").order_by("level", "name")
    serializer_class = SchemeSerializer
    filterset_class = SchemeFilterSet
    permission_classes = [IsParkStaff]

    def get_queryset(self) -> QuerySet[Scheme]:
        visible = visible_park_ids(self.request.user)
        queryset = super().get_queryset()
        if visible is None:
            return queryset
        return queryset.filter(park_id__in=visible) | queryset.filter(park__isnull=True)


def _park_ids(request: Request) -> list[int] | None:
    visible = visible_park_ids(request.user)
    raw = request.query_params.get("park")
    if raw is None:
        return visible
    try:
        park_id = int(raw)
    except ValueError:
        raise ValidationError({"park": [_("须为园区编号")]}) from None
    if not 0 < park_id < 2**63:  # beyond any database's ids (SQLite would overflow)
        raise ValidationError({"park": [_("须为园区编号")]})
    if visible is not None and park_id not in visible:
        raise Http404
    return [park_id]


def _one_park(request: Request) -> Park:
    park_ids = _park_ids(request)
    parks = Park.objects.order_by("pk")
    park = parks.filter(pk__in=park_ids).first() if park_ids is not None else parks.first()
    if park is None:
        raise Http404
    return park


def _date(raw: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


PARK = OpenApiParameter("park", int, description="园区 id（默认：可见的全部园区）")


class SlaDashboardView(APIView):
    permission_classes = [IsParkStaff]

    @extend_schema(
        parameters=[PARK, OpenApiParameter("start", str), OpenApiParameter("end", str)],
        responses=SlaDashboardSerializer,
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        end = _date(request.query_params.get("end"), today)
        start = _date(request.query_params.get("start"), end - datetime.timedelta(days=364))
        dashboard = selectors.sla_dashboard(park_ids=_park_ids(request), start=start, end=end)
        return Response(SlaDashboardSerializer(dashboard).data)


class EligibilityView(APIView):
    permission_classes = [IsParkStaff]

    @extend_schema(parameters=[PARK], responses=EligibilityRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        park = _one_park(request)
        scan = selectors.eligibility_scan(park.pk, timezone.localdate())
        rows = []
        for scheme in scan.schemes:
            result = scan.results[scheme.pk]
            criteria = list(scheme.criteria.all())
            rows.append(
                {
                    "scheme": scheme.pk,
                    "name": scheme.name,
                    "qualified": sorted(result.qualified),
                    "near_misses": [
                        {
                            "enterprise": m.enterprise_id,
                            "criterion": str(criteria[m.rule_index]),
                            "missing_data": m.missing_data,
                        }
                        for m in result.near_misses
                    ],
                }
            )
        return Response(EligibilityRowSerializer(rows, many=True).data)


class RiskView(APIView):
    permission_classes = [IsParkStaff]

    @extend_schema(parameters=[PARK], responses=RiskRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        park = _one_park(request)
        rows = [
            {
                "enterprise": row.enterprise.pk,
                "name": row.enterprise.name,
                "score": row.assessment.score,
                "level": row.assessment.level.value,
                "reasons": [
                    {
                        "key": e.key,
                        "label": str(e.label),
                        "score": e.signal.score,
                        "reason": e.signal.reason,
                        "evidence": e.signal.evidence_url,
                    }
                    for e in row.assessment.entries
                ],
            }
            for row in selectors.risk_list(park.pk, timezone.localdate())
        ]
        return Response(RiskRowSerializer(rows, many=True).data)
