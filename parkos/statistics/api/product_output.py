"""The 主要产品产量 API: staff list a park's output lines, record (upsert) and delete them.

Park-scoped like the pages: lines of the person's parks only; writing needs MANAGE_STATISTICS in
the park. Money in 元, quantities in the line's unit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from parkos.accounts.access import Capability, acting_user, require_capability, scope_to_parks
from parkos.accounts.permissions import IsParkStaff
from parkos.statistics import product_output
from parkos.statistics.models import ProductOutput
from parkos.web.api_views import ID_PATTERN


class ProductOutputSerializer(serializers.ModelSerializer[ProductOutput]):
    # The same choices as MonthlyReport.source: one enum in the schema, not two named apart.
    source = serializers.CharField(read_only=True)

    class Meta:
        model = ProductOutput
        fields = [
            "id",
            "park",
            "enterprise",
            "year",
            "month",
            "product_name",
            "product_code",
            "product",
            "unit",
            "quantity",
            "exports",
            "note",
            "source",
            "updated_at",
        ]
        read_only_fields = ["id", "source", "updated_at"]
        # Upserts by (enterprise, year, month, product) go through the service, not the unique validator.
        validators: list[Any] = []


class ProductOutputViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[ProductOutput],
):
    """Product output lines. POST creates or replaces a line (idempotent by enterprise, month, product)."""

    lookup_value_regex = ID_PATTERN
    serializer_class = ProductOutputSerializer
    permission_classes = [IsParkStaff]
    filterset_fields = ["park", "enterprise", "year", "month"]

    def get_queryset(self) -> QuerySet[ProductOutput]:
        return scope_to_parks(
            self.request.user, ProductOutput.objects.order_by("-year", "-month", "enterprise_id", "pk")
        )

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        park = data["park"]
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        try:
            row, _changed = product_output.output_record(
                park=park,
                enterprise=data["enterprise"],
                year=data["year"],
                month=data["month"],
                data=product_output.OutputData(
                    product_name=data["product_name"],
                    product_code=data.get("product_code", ""),
                    product=data.get("product"),
                    unit=data["unit"],
                    quantity=data["quantity"],
                    exports=data.get("exports"),
                    note=data.get("note", ""),
                ),
                actor=acting_user(request),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from None
        return Response(self.get_serializer(row).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ProductOutput) -> None:
        require_capability(self.request.user, Capability.MANAGE_STATISTICS, instance.park_id)
        product_output.output_delete(row=instance, actor=acting_user(self.request))
