"""The innovation API: thin over services and selectors, scoped to the caller's parks.

Reads: any staff member, in their parks (partner institutions are operator-wide). Writes: projects
need MANAGE_PROJECTS, pipelines, milestones and 产学研 MANAGE_SERVICES, and the operator's stakes —
reads included — MANAGE_STAKES.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from parkos.accounts.access import (
    Capability,
    acting_user,
    has_capability,
    require_capability,
    visible_park_ids,
)
from parkos.accounts.permissions import IsParkStaff, StaffWithCapability
from parkos.enterprises.models import Enterprise
from parkos.innovation import selectors, services
from parkos.innovation.api import serializers as s
from parkos.innovation.filtersets import (
    PRODUCT_ORDERING,
    PROJECT_ORDERING,
    AgreementFilterSet,
    InstitutionFilterSet,
    JointProjectFilterSet,
    MilestoneFilterSet,
    PlatformFilterSet,
    ProductFilterSet,
    ProjectFilterSet,
    StakeFilterSet,
    TechTransferFilterSet,
)
from parkos.innovation.models import (
    SPLIT_FIELDS,
    Agreement,
    Fund,
    Institution,
    JointProject,
    Milestone,
    Platform,
    Product,
    Project,
    Stake,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)
from parkos.parks.models import Park
from parkos.web.api_views import ParkScopedViewSetMixin, changed_row, requested_park_ids


def _day(request: Request, name: str = "on") -> datetime.date:
    raw = request.query_params.get(name)
    today = timezone.localdate()
    if not raw:
        return today
    try:
        return min(datetime.date.fromisoformat(raw), today)
    except ValueError:
        raise DRFValidationError({name: ["YYYY-MM-DD"]}) from None


class _Writable[M: Model](ParkScopedViewSetMixin):
    """Create and update through a service; the payload's park must be one of the caller's."""

    write_capability: Capability = Capability.MANAGE_SERVICES

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        self.require_capability(self.write_capability, data.get("park"))
        serializer.instance = self.create_through_service(data)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        instance = changed_row(serializer)
        self.require_capability(self.write_capability, instance.park_id)
        data = dict(serializer.validated_data)
        if "park" in data and data["park"].pk != instance.park_id:
            raise DRFValidationError({"park": ["不能更改所属园区"]})
        data.pop("park", None)
        serializer.instance = self.update_through_service(instance, data)

    def create_through_service(self, data: dict[str, Any]) -> M:
        raise NotImplementedError

    def update_through_service(self, instance: M, data: dict[str, Any]) -> M:
        raise NotImplementedError


class ProjectViewSet(
    _Writable[Project],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Project],
):
    """Construction projects with their phases; `phase/` records a phase's date, `progress/` a month's investment."""

    queryset = Project.objects.order_by("park_id", "name", "pk")
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilterSet
    write_capability = Capability.MANAGE_PROJECTS
    ordering_fields = list(PROJECT_ORDERING)

    def get_queryset(self) -> QuerySet[Project]:
        return selectors.project_list(super().get_queryset())

    def create_through_service(self, data: dict[str, Any]) -> Project:
        return services.project_create(data=services.ProjectData(**data), actor=acting_user(self.request))

    def update_through_service(self, instance: Project, data: dict[str, Any]) -> Project:
        return services.project_update(project=instance, actor=acting_user(self.request), **data)

    def _fresh(self, project: Project) -> Response:
        return Response(s.ProjectSerializer(self.get_queryset().get(pk=project.pk)).data)

    @extend_schema(request=s.PhaseSerializer, responses=s.ProjectSerializer)
    @action(detail=True, methods=["post"])
    def phase(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        require_capability(request.user, Capability.MANAGE_PROJECTS, project.park_id)
        payload = s.PhaseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.project_phase_record(project=project, actor=acting_user(request), **payload.validated_data)
        return self._fresh(project)

    @extend_schema(methods=["GET"], request=None, responses=s.ProgressSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.ProgressSerializer, responses=s.ProgressSerializer)
    @action(detail=True, methods=["get", "post"])
    def progress(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        if request.method == "GET":
            return Response(s.ProgressSerializer(project.progress.order_by("year", "month"), many=True).data)
        require_capability(request.user, Capability.MANAGE_PROJECTS, project.park_id)
        payload = s.ProgressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        split = services.InvestmentSplit(**{name: data.get(name) or Decimal(0) for name in SPLIT_FIELDS})
        saved = services.project_progress_record(
            project=project,
            year=data["year"],
            month=data["month"],
            split=split,
            note=data.get("note", ""),
            actor=acting_user(request),
        )
        return Response(s.ProgressSerializer(saved).data, status=201)


class ProductViewSet(
    _Writable[Product],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Product],
):
    """R&D products; `stage/` enters a new stage (dated, reasons for steps back), `stages/` is the history."""

    queryset = Product.objects.order_by("park_id", "enterprise_id", "name", "pk")
    serializer_class = s.ProductSerializer
    filterset_class = ProductFilterSet
    write_capability = Capability.MANAGE_SERVICES
    ordering_fields = list(PRODUCT_ORDERING)

    def create_through_service(self, data: dict[str, Any]) -> Product:
        stage, stage_on = data.pop("initial_stage"), data.pop("initial_stage_on")
        return services.product_create(
            data=services.ProductData(**data), stage=stage, stage_on=stage_on, actor=acting_user(self.request)
        )

    def update_through_service(self, instance: Product, data: dict[str, Any]) -> Product:
        data.pop("initial_stage", None)
        data.pop("initial_stage_on", None)
        return services.product_update(product=instance, actor=acting_user(self.request), **data)

    @extend_schema(request=s.StageEntrySerializer, responses=s.StageEntrySerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: str | None = None) -> Response:
        product = self.get_object()
        require_capability(request.user, Capability.MANAGE_SERVICES, product.park_id)
        payload = s.StageEntrySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = services.product_stage_enter(product=product, actor=acting_user(request), **payload.validated_data)
        return Response(s.StageEntrySerializer(entry).data, status=201)

    @extend_schema(request=None, responses=s.StageEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def stages(self, request: Request, pk: str | None = None) -> Response:
        product = self.get_object()
        return Response(s.StageEntrySerializer(product.stages.order_by("on", "pk"), many=True).data)


class MilestoneViewSet(
    _Writable[Milestone],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Milestone],
):
    """Milestones (上市, 高新, 专精特新, 融资, 专利…); 升规 comes from statistics, not from here."""

    queryset = Milestone.objects.order_by("-on", "pk")
    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilterSet
    write_capability = Capability.MANAGE_SERVICES

    def create_through_service(self, data: dict[str, Any]) -> Milestone:
        return services.milestone_record(milestone=Milestone(**data), actor=acting_user(self.request))

    def update_through_service(self, instance: Milestone, data: dict[str, Any]) -> Milestone:
        for name, value in data.items():
            setattr(instance, name, value)
        return services.milestone_record(milestone=instance, actor=acting_user(self.request))


class PipelineView(APIView):
    """Products by registration class and stage on `on` (default today), in the caller's parks (or `park`)."""

    permission_classes = [IsParkStaff]

    @extend_schema(
        parameters=[OpenApiParameter("on", datetime.date), OpenApiParameter("park", int)],
        responses=s.PipelineSerializer,
    )
    def get(self, request: Request) -> Response:
        pipeline = selectors.pipeline(park_ids=requested_park_ids(request), day=_day(request))

        def rows(items: list[selectors.PipelineRow]) -> list[dict[str, Any]]:
            return [
                {"kind": r.key[0], "group": r.key[1], "category": r.key[2], "title": r.label, "counts": r.counts}
                for r in items
            ]

        return Response(
            s.PipelineSerializer(
                {
                    "day": pipeline.day,
                    "class_one_in_trials": pipeline.class_one_in_trials,
                    "clinical": rows(pipeline.clinical),
                    "registration": rows(pipeline.registration),
                }
            ).data
        )


class TimelineView(APIView):
    """One enterprise's innovation timeline in the caller's parks, newest first."""

    permission_classes = [IsParkStaff]

    @extend_schema(responses=s.TimelineEventSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        enterprise = get_object_or_404(Enterprise.objects.active(), pk=pk)
        events = selectors.enterprise_timeline(
            enterprise_id=enterprise.pk,
            park_ids=visible_park_ids(request.user),
            today=timezone.localdate(),
            with_stakes=has_capability(request.user, Capability.MANAGE_STAKES),
        )
        return Response(s.TimelineEventSerializer(events, many=True).data)


class InstitutionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Institution],
):
    """Partner institutions (operator-wide; contacts are personal data and not in the API)."""

    queryset = Institution.objects.order_by("name")
    serializer_class = s.InstitutionSerializer
    filterset_class = InstitutionFilterSet
    permission_classes = [StaffWithCapability]
    write_capability = Capability.MANAGE_SERVICES

    def perform_create(self, serializer: BaseSerializer[Institution]) -> None:
        serializer.instance = services.institution_save(
            institution=Institution(**serializer.validated_data), actor=acting_user(self.request)
        )

    def perform_update(self, serializer: BaseSerializer[Institution]) -> None:
        institution = changed_row(serializer)
        for name, value in serializer.validated_data.items():
            setattr(institution, name, value)
        serializer.instance = services.institution_save(institution=institution, actor=acting_user(self.request))


class _ParkedRecords[M: Model](
    _Writable[M],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[M],
):
    """A 产学研 record of a park, created through its service."""

    write_capability = Capability.MANAGE_SERVICES
    service: Callable[..., M]
    service_arg = ""

    def create_through_service(self, data: dict[str, Any]) -> M:
        products = data.pop("products", None)
        model = self.get_queryset().model
        kwargs: dict[str, Any] = {self.service_arg: model(**data), "actor": acting_user(self.request)}
        if products is not None:
            kwargs["products"] = products
        return type(self).service(**kwargs)


class AgreementViewSet(_ParkedRecords[Agreement]):
    queryset = Agreement.objects.order_by("-signed_on", "pk")
    serializer_class = s.AgreementSerializer
    filterset_class = AgreementFilterSet
    service = staticmethod(services.agreement_save)
    service_arg = "agreement"


class JointProjectViewSet(_ParkedRecords[JointProject]):
    queryset = JointProject.objects.order_by("-started_on", "pk")
    serializer_class = s.JointProjectSerializer
    filterset_class = JointProjectFilterSet
    service = staticmethod(services.joint_project_save)
    service_arg = "project"


class PlatformViewSet(_ParkedRecords[Platform]):
    queryset = Platform.objects.prefetch_related("uses").order_by("park_id", "name", "pk")
    serializer_class = s.PlatformSerializer
    filterset_class = PlatformFilterSet
    service = staticmethod(services.platform_save)
    service_arg = "platform"


class TechTransferViewSet(_ParkedRecords[TechTransfer]):
    queryset = TechTransfer.objects.prefetch_related("products").order_by("-signed_on", "pk")
    serializer_class = s.TechTransferSerializer
    filterset_class = TechTransferFilterSet
    service = staticmethod(services.tech_transfer_save)
    service_arg = "transfer"


# --- 投资孵化: confidential, MANAGE_STAKES for reads too -------------------------------------------


class CanManageStakes(BasePermission):
    message = "您的角色无权查看投资孵化信息。"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return has_capability(request.user, Capability.MANAGE_STAKES)


class FundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Fund]
):
    queryset = Fund.objects.order_by("name")
    serializer_class = s.FundSerializer
    permission_classes = [IsParkStaff, CanManageStakes]

    def perform_create(self, serializer: BaseSerializer[Fund]) -> None:
        serializer.instance = services.fund_save(
            fund=Fund(**serializer.validated_data), actor=acting_user(self.request)
        )


class StakeViewSet(
    ParkScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Stake]
):
    """The operator's holdings with their figures today (cost, fair value, MOIC, IRR). `POST invest/`
    (a new holding or a follow-on), `mark/`, `exit/`."""

    queryset = Stake.objects.order_by("park_id", "enterprise_id", "pk")
    serializer_class = s.StakeSerializer
    filterset_class = StakeFilterSet
    permission_classes = [IsParkStaff, CanManageStakes]

    def _figures(self, stakes: QuerySet[Stake]) -> dict[int, Any]:
        view = selectors.portfolio_view(stakes=stakes, as_of=timezone.localdate())
        return {line.stake.pk: line.figures for line in view.lines}

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page) if page is not None else list(queryset)
        figures = self._figures(Stake.objects.filter(pk__in=[r.pk for r in rows]))
        data = s.StakeSerializer(rows, many=True, context={"figures": figures}).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        stake = self.get_object()
        figures = self._figures(Stake.objects.filter(pk=stake.pk))
        return Response(s.StakeSerializer(stake, context={"figures": figures}).data)

    @extend_schema(request=s.InvestmentSerializer, responses=s.InvestmentSerializer)
    @action(detail=False, methods=["post"])
    def invest(self, request: Request) -> Response:
        """A first investment (`fund`, `enterprise`, `park`) or, with the same fund and enterprise, a follow-on."""
        payload = s.InvestmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        fund, enterprise_id, park_id = data.pop("fund", None), data.pop("enterprise", None), data.pop("park", None)
        if fund is None or enterprise_id is None or park_id is None:
            raise DRFValidationError({"fund": ["须指定投资主体、被投企业和园区"]})
        require_capability(request.user, Capability.MANAGE_STAKES, park_id)
        enterprise = get_object_or_404(Enterprise.objects.active(), pk=enterprise_id)
        park = get_object_or_404(Park, pk=park_id)
        saved = services.stake_invest(
            fund=fund, enterprise=enterprise, park=park, investment=StakeInvestment(**data), actor=acting_user(request)
        )
        return Response(s.InvestmentSerializer(saved).data, status=201)

    @extend_schema(request=s.ValuationSerializer, responses=s.ValuationSerializer)
    @action(detail=True, methods=["post"])
    def mark(self, request: Request, pk: str | None = None) -> Response:
        stake = self.get_object()
        require_capability(request.user, Capability.MANAGE_STAKES, stake.park_id)
        payload = s.ValuationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        saved = services.stake_mark(
            valuation=StakeValuation(stake=stake, **payload.validated_data), actor=acting_user(request)
        )
        return Response(s.ValuationSerializer(saved).data, status=201)

    @extend_schema(request=s.ExitSerializer, responses=s.ExitSerializer)
    @action(detail=True, methods=["post"])
    def exit(self, request: Request, pk: str | None = None) -> Response:
        stake = self.get_object()
        require_capability(request.user, Capability.MANAGE_STAKES, stake.park_id)
        payload = s.ExitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        saved = services.stake_exit(exit_=StakeExit(stake=stake, **payload.validated_data), actor=acting_user(request))
        return Response(s.ExitSerializer(saved).data, status=201)


class PortfolioView(APIView):
    """The portfolio's totals on `on` (default today): cost, fair value, realised, MOIC, IRR."""

    permission_classes = [IsParkStaff, CanManageStakes]

    @extend_schema(
        parameters=[OpenApiParameter("on", datetime.date), OpenApiParameter("park", int)],
        responses=s.PortfolioTotalsSerializer,
    )
    def get(self, request: Request) -> Response:
        as_of = _day(request)
        view = selectors.portfolio_view(
            stakes=selectors.scoped(Stake.objects.all(), requested_park_ids(request)), as_of=as_of
        )
        totals = view.totals
        return Response(
            s.PortfolioTotalsSerializer(
                {
                    "as_of": as_of,
                    "stakes": totals.stakes,
                    "cost": totals.cost,
                    "realised": totals.realised,
                    "fair_value": totals.fair_value,
                    "moic": totals.moic,
                    "irr": totals.irr,
                }
            ).data
        )
