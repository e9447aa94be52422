from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from parkos.accounts.access import Capability
from parkos.core.api_views import ParkScopedViewSetMixin
from parkos.parks import services
from parkos.parks.api.serializers import ParkSerializer
from parkos.parks.filtersets import ParkFilterSet
from parkos.parks.models import Park


class ParkViewSet(ParkScopedViewSetMixin, viewsets.ModelViewSet[Park]):
    queryset = Park.objects.select_related("operator").order_by("city", "name")
    serializer_class = ParkSerializer
    filterset_class = ParkFilterSet
    park_field = "pk"
    write_capability = Capability.CHANGE_PARK
    ordering_fields = ["name", "city", "land_area_sqm"]

    def perform_create(self, serializer: Any) -> None:
        # Only operator admins open new parks; a park manager changes the parks they already run.
        self.require_capability(Capability.MANAGE_USERS)
        serializer.instance = services.park_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = services.park_update(
            park=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance: Park) -> None:
        services.park_archive(park=instance, actor=self.request.user)

    def get_queryset(self) -> QuerySet[Park]:
        return super().get_queryset()
