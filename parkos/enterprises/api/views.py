from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from parkos.accounts.access import Capability, acting_user, require_capability, visible_parks
from parkos.accounts.permissions import StaffWithCapability
from parkos.core.client_ip import client_ip
from parkos.core.importing.jobs import enqueue
from parkos.core.models import ImportJob
from parkos.enterprises import importing, selectors, services
from parkos.enterprises.api.serializers import ContactSerializer, EnterpriseSerializer, ImportJobSerializer
from parkos.enterprises.filtersets import EnterpriseFilterSet
from parkos.enterprises.models import Enterprise
from parkos.web.api_views import ID_PATTERN, changed_row

if TYPE_CHECKING:
    from parkos.accounts.models import User


def _actor(request: Request) -> User:
    """Permission classes have already required a logged-in staff member."""
    return cast("User", request.user)


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Enterprise],
):
    """The operator-wide pool: every staff role reads; writes need CHANGE_ENTERPRISE."""

    lookup_value_regex = ID_PATTERN

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    permission_classes = [StaffWithCapability]
    write_capability = Capability.CHANGE_ENTERPRISE
    ordering_fields = ["name", "district", "founded_on", "annual_revenue_wan"]

    def get_queryset(self) -> Any:
        return selectors.enterprise_list(user=self.request.user).prefetch_related("parks").order_by("name", "pk")

    def _service_kwargs(self, serializer: BaseSerializer[Enterprise]) -> dict[str, Any]:
        data = dict(serializer.validated_data)
        kwargs: dict[str, Any] = {"accept_checksum_mismatch": data.pop("accept_checksum_mismatch", False)}
        if "parks" in data:
            parks = data.pop("parks")
            allowed = set(visible_parks(self.request.user).values_list("pk", flat=True))
            if any(p.pk not in allowed for p in parks):
                require_capability(self.request.user, Capability.MANAGE_USERS)  # only admins link outside their parks
            kwargs["parks"] = parks
        if "tags" in data:
            kwargs["tags"] = data.pop("tags")
        return {**kwargs, **data}

    def perform_create(self, serializer: BaseSerializer[Enterprise]) -> None:
        serializer.instance = services.enterprise_create(actor=_actor(self.request), **self._service_kwargs(serializer))

    def perform_update(self, serializer: BaseSerializer[Enterprise]) -> None:
        serializer.instance = services.enterprise_update(
            enterprise=changed_row(serializer), actor=_actor(self.request), **self._service_kwargs(serializer)
        )

    @extend_schema(responses=ContactSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=ContactSerializer, pagination_class=None, filter_backends=[])
    def contacts(self, request: Request, pk: str | None = None) -> Response:
        """Contacts of the enterprise; unmasked (and the view audited) only for callers with the right."""
        enterprise = self.get_object()
        contacts = selectors.enterprise_contacts(enterprise)
        unmasked = selectors.contact_details_visible(request.user, enterprise)
        if unmasked:
            services.contacts_record_view(
                contacts=contacts, actor=_actor(request), remote_addr=client_ip(request) or None
            )
        return Response(ContactSerializer(contacts, many=True, context={"unmasked": unmasked}).data)


class ImportJobViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[ImportJob]
):
    """Upload a file to import (multipart) and follow its progress."""

    lookup_value_regex = ID_PATTERN

    serializer_class = ImportJobSerializer
    permission_classes = [StaffWithCapability]
    write_capability = Capability.IMPORT_DATA
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user to check
            return ImportJob.objects.none()
        require_capability(self.request.user, Capability.IMPORT_DATA)
        return selectors.import_jobs_for(self.request.user).order_by("-pk")

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        job = importing.create_job(
            upload=upload,
            name=upload.name,
            mode=serializer.validated_data.get("mode", "valid_rows"),
            actor=acting_user(request),
        )
        enqueue(job)
        return Response(self.get_serializer(job).data, status=status.HTTP_201_CREATED)
