"""The community API: resources, bookings (tenants may book here too), talent (masked), jobs, events, charges."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from parkos.accounts.access import acting_user, is_staff_member, require_park, scope_to_parks, visible_park_ids
from parkos.accounts.permissions import IsParkStaff
from parkos.community import rights, selectors
from parkos.community.api.serializers import (
    BookingConflictSerializer,
    BookingSerializer,
    CancelSerializer,
    ChargeLineSerializer,
    EventSerializer,
    JobSerializer,
    ResourceSerializer,
    TalentSerializer,
)
from parkos.community.filtersets import (
    BookingFilterSet,
    EventFilterSet,
    JobFilterSet,
    ResourceFilterSet,
    TalentFilterSet,
)
from parkos.community.models import BookableResource, Booking, Event, JobPosting, TalentRecord
from parkos.community.selectors import bookings as booking_selectors
from parkos.community.selectors import people
from parkos.community.services import bookings as booking_services
from parkos.community.services import talent as talent_services
from parkos.core.client_ip import client_ip
from parkos.parks.models import Park
from parkos.web.api_views import ID_PATTERN


class StaffOrTenant(BasePermission):
    """Park staff, or an enterprise user acting for an enterprise (tenants book rooms through the API too)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_staff_member(request.user) or rights.tenant_enterprise(request.user) is not None


class ResourceViewSet(viewsets.ReadOnlyModelViewSet[BookableResource]):
    """Bookable rooms and equipment the caller may see (staff: their parks; tenants: what they may book)."""

    lookup_value_regex = ID_PATTERN

    serializer_class = ResourceSerializer
    permission_classes = [StaffOrTenant]
    filterset_class = ResourceFilterSet

    def get_queryset(self) -> QuerySet[BookableResource]:
        return booking_selectors.resources_for(self.request.user).order_by("park", "kind", "code")


def _conflict_response(exc: booking_services.BookingConflict) -> Response:
    body = {
        "detail": exc.messages[0],
        "next_free_starts_at": exc.next_free.start if exc.next_free else None,
        "next_free_ends_at": exc.next_free.end if exc.next_free else None,
    }
    return Response(BookingConflictSerializer(body).data, status=status.HTTP_409_CONFLICT)


class BookingViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Booking]
):
    """Bookings. POST books a slot; a taken slot answers 409 with the next free slot of the same length."""

    lookup_value_regex = ID_PATTERN

    serializer_class = BookingSerializer
    permission_classes = [StaffOrTenant]
    filterset_class = BookingFilterSet
    ordering = ["starts_at", "pk"]

    def get_queryset(self) -> QuerySet[Booking]:
        return booking_selectors.bookings_for(self.request.user).order_by("starts_at", "pk")

    @extend_schema(responses={201: BookingSerializer, 409: BookingConflictSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        resource: BookableResource = data["resource"]
        if not booking_selectors.resources_for(request.user).filter(pk=resource.pk).exists() and not is_staff_member(
            request.user
        ):
            raise DRFValidationError({"resource": [_("该资源不对贵企业开放预订。")]})
        try:
            booking = booking_services.booking_create(
                data=booking_services.BookingInput(
                    resource=resource,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    title=data["title"],
                    attendees=data.get("attendees", 1),
                    enterprise=data.get("enterprise"),
                    note=data.get("note", ""),
                ),
                actor=acting_user(request),
            )
        except booking_services.BookingConflict as exc:
            return _conflict_response(exc)
        return Response(self.get_serializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CancelSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        payload = CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_services.booking_cancel(
            booking=self.get_object(), actor=acting_user(request), reason=payload.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(booking).data)

    @extend_schema(request=None, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        booking = booking_services.booking_decide(booking=self.get_object(), approve=True, actor=acting_user(request))
        return Response(self.get_serializer(booking).data)

    @extend_schema(request=CancelSerializer, responses={200: BookingSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        payload = CancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = booking_services.booking_decide(
            booking=self.get_object(),
            approve=False,
            actor=acting_user(request),
            reason=payload.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(booking).data)


class TalentViewSet(viewsets.ReadOnlyModelViewSet[TalentRecord]):
    """Talent records of the caller's parks; names and mobiles masked unless the caller runs talent work there."""

    lookup_value_regex = ID_PATTERN

    serializer_class = TalentSerializer
    permission_classes = [IsParkStaff]
    filterset_class = TalentFilterSet
    ordering = ["-arrived_on", "pk"]

    def get_queryset(self) -> QuerySet[TalentRecord]:
        return people.talents_for(self.request.user).order_by("-arrived_on", "pk")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        user = self.request.user
        parks = visible_park_ids(user)
        ids = set(parks) if parks is not None else set(Park.objects.values_list("pk", flat=True))
        context["unmasked_parks"] = {pk for pk in ids if rights.personal_data_visible(user, pk)}
        return context

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().list(request, *args, **kwargs)
        self._record_views(response)
        return response

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        self._record_views(response)
        return response

    def _record_views(self, response: Response) -> None:
        """Unmasked records sent to the caller are written to the audit trail, like the pages do."""
        rows = response.data.get("results", [response.data]) if isinstance(response.data, dict) else []
        ids = [row["id"] for row in rows if "*" not in row.get("name", "*")]
        if ids:
            talent_services.talents_record_view(
                talents=TalentRecord.objects.filter(pk__in=ids),
                actor=acting_user(self.request),
                remote_addr=client_ip(self.request) or None,
            )


class JobViewSet(viewsets.ReadOnlyModelViewSet[JobPosting]):
    lookup_value_regex = ID_PATTERN
    serializer_class = JobSerializer
    permission_classes = [IsParkStaff]
    filterset_class = JobFilterSet

    def get_queryset(self) -> QuerySet[JobPosting]:
        return scope_to_parks(self.request.user, JobPosting.objects.select_related("enterprise")).order_by("-pk")


class EventViewSet(viewsets.ReadOnlyModelViewSet[Event]):
    lookup_value_regex = ID_PATTERN
    serializer_class = EventSerializer
    permission_classes = [IsParkStaff]
    filterset_class = EventFilterSet

    def get_queryset(self) -> QuerySet[Event]:
        return people.events_for(self.request.user).order_by("-starts_at", "-pk")


class ChargeableBookingsView(APIView):
    """Confirmed bookings beyond tenants' free quota in a park and period — what billing turns into charges."""

    permission_classes = [IsParkStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("park", int, required=True),
            OpenApiParameter("start", datetime.date, required=True, description="first day (inclusive)"),
            OpenApiParameter("end", datetime.date, required=True, description="last day (inclusive)"),
        ],
        responses={200: ChargeLineSerializer(many=True), 400: OpenApiResponse(description="bad parameters")},
    )
    def get(self, request: Request) -> Response:
        try:
            park_id = int(request.query_params["park"])
            start = datetime.date.fromisoformat(request.query_params["start"])
            end = datetime.date.fromisoformat(request.query_params["end"])
        except (KeyError, ValueError):
            raise DRFValidationError({"detail": "park, start and end (YYYY-MM-DD) are required"}) from None
        if not 0 < park_id < 2**63:  # beyond any database's ids (SQLite would overflow)
            raise DRFValidationError({"park": ["invalid"]})
        require_park(request.user, park_id)
        park = Park.objects.filter(pk=park_id).first()
        if park is None:  # a query parameter, not the resource: a 400 as documented, not a 404
            raise DRFValidationError({"park": ["not found"]})
        lines = selectors.chargeable_bookings(park=park, start=start, end=end)
        return Response(ChargeLineSerializer(lines, many=True).data)
