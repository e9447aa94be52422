"""Generic bases for API views, so every endpoint applies the same access rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from parkos.accounts.access import Capability, require_capability, require_park, scope_to_parks, visible_park_ids
from parkos.accounts.permissions import StaffWithCapability

if TYPE_CHECKING:
    from parkos.parks.models import Park

#: Rows are found by their numeric id: anything else in the id's place is no route (404), never a
#: ValueError from the database lookup (a 500, Ref: #13). Every viewset sets `lookup_value_regex` to it.
#: At most 18 digits: every such number fits a 64-bit id (SQLite overflows beyond, a 500).
ID_PATTERN = "[0-9]{1,18}"


class ParkScopedViewSetMixin(GenericAPIView[Any]):
    """Scope the queryset to the caller's parks; writes need `write_capability` in the row's park.

    `park_field` is the lookup path from the model to Park ("pk" for Park itself). Rows outside the
    caller's parks are simply absent, so they answer 404 and nothing about them leaks.
    """

    park_field: str = "park"
    lookup_value_regex = ID_PATTERN
    write_capability: Capability | None = None
    permission_classes = [StaffWithCapability]

    def get_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset()
        return scope_to_parks(self.request.user, queryset, self.park_field)

    def require_capability(self, capability: Capability, park: Park | int | None = None) -> None:
        require_capability(self.request.user, capability, park)

    def park_of_payload(self, validated: dict[str, Any]) -> Any:
        """The park a new or changed row would belong to, read from the validated payload."""
        first = self.park_field.split("__")[0]
        value = validated.get(first)
        for part in self.park_field.split("__")[1:]:
            value = getattr(value, part, None) if value is not None else None
        return value

    def check_payload_park(self, validated: dict[str, Any]) -> None:
        if self.park_field != "pk":
            require_park(self.request.user, self.park_of_payload(validated))

    def check_changed_park(self, validated: dict[str, Any]) -> None:
        """On a change: the row was found among the caller's parks; a payload that names a park (moving
        the row) must name one of theirs too. A partial change without it keeps the row's park."""
        if self.park_field.split("__")[0] in validated:
            self.check_payload_park(validated)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        self.check_payload_park(serializer.validated_data)
        serializer.save()

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        self.check_changed_park(serializer.validated_data)
        serializer.save()

    def get_object_model(self) -> type[Model]:
        return self.get_queryset().model


def requested_park_ids(request: Request) -> list[int] | None:
    """The parks an API read covers: `park` (one of the caller's, else 404), or all the caller's (None: all)."""
    visible = visible_park_ids(request.user)
    raw = request.query_params.get("park")
    if not raw:
        return visible
    try:
        park_id = int(raw)
    except ValueError:
        raise ValidationError({"park": ["invalid"]}) from None
    if not 0 < park_id < 2**63:  # beyond any database's ids (SQLite would overflow)
        raise ValidationError({"park": ["invalid"]})
    require_park(request.user, park_id)
    return [park_id]


def changed_row[M: Model](serializer: BaseSerializer[M]) -> M:
    """The row an update changes: DRF's update() hands perform_update a serializer bound to it."""
    instance = serializer.instance
    if instance is None:
        raise TypeError("perform_update needs a serializer bound to a row")
    return instance
