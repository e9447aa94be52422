"""The statistics API: submit and read monthly reports, read KPIs. Thin over services and selectors.

Staff read the reports of their parks and need MANAGE_STATISTICS in the park to submit; enterprise
users linked to an enterprise read and submit only their own enterprise's reports.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from parkos.accounts.access import (
    Capability,
    acting_user,
    is_staff_member,
    require_capability,
    require_park,
    scope_to_parks,
    visible_park_ids,
)
from parkos.accounts.models import User
from parkos.accounts.permissions import IsParkStaff
from parkos.statistics import report, selectors, services
from parkos.statistics.api.serializers import KpiSerializer, MonthlyReportSerializer
from parkos.statistics.choices import ReportSource, SubmissionStatus
from parkos.statistics.filtersets import MonthlyReportFilterSet
from parkos.statistics.kpi import Figure, GrowthFigure
from parkos.statistics.models import MonthlyReport
from parkos.web.api import year_param
from parkos.web.api_views import ID_PATTERN


class StaffOrLinkedEnterpriseUser(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if is_staff_member(user):
            return True
        return bool(
            user.is_authenticated
            and getattr(user, "is_enterprise_user", False)
            and getattr(user, "enterprise_id", None)
        )


class MonthlyReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[MonthlyReport]
):
    """Monthly reports. POST creates or replaces the month (idempotent by enterprise, year, month)."""

    lookup_value_regex = ID_PATTERN

    serializer_class = MonthlyReportSerializer
    filterset_class = MonthlyReportFilterSet
    permission_classes = [IsAuthenticated, StaffOrLinkedEnterpriseUser]

    def get_queryset(self) -> QuerySet[MonthlyReport]:
        user = self.request.user
        queryset = MonthlyReport.objects.order_by("-year", "-month", "enterprise_id")
        if is_staff_member(user):
            return scope_to_parks(user, queryset)
        return queryset.filter(enterprise_id=getattr(user, "enterprise_id", None) or 0)

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        user = acting_user(request)
        values = {name: data.get(name) for name in services.REPORT_FIELDS}
        try:
            if is_staff_member(user):
                saved = self._officer_submit(user, data, values)
            else:
                saved, waiting = self._tenant_submit(user, data, values)
                if waiting:
                    return Response(self.get_serializer(saved).data, status=status.HTTP_202_ACCEPTED)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from None
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def _officer_submit(self, user: User, data: dict[str, Any], values: services.ReportValues) -> MonthlyReport:
        park, enterprise = data.get("park"), data.get("enterprise")
        if park is None or enterprise is None:
            raise serializers.ValidationError({"park": [_("须指定园区和企业")]})
        require_capability(user, Capability.MANAGE_STATISTICS, park)
        return services.report_submit(
            park=park,
            enterprise=enterprise,
            year=data["year"],
            month=data["month"],
            is_cumulative=data.get("is_cumulative", True),
            values=values,
            source=ReportSource.OFFICER,
            actor=user,
        )

    def _tenant_submit(
        self, user: User, data: dict[str, Any], values: services.ReportValues
    ) -> tuple[MonthlyReport, bool]:
        """(the month in force, whether the submission waits for an officer)."""
        enterprise = user.enterprise
        if enterprise is None:
            raise PermissionDenied(_("您的账号尚未关联企业。"))
        if data.get("enterprise") not in (None, enterprise):
            raise PermissionDenied(_("只能填报本企业的统计数据。"))
        park = selectors.tenant_park(enterprise)
        if park is None:
            raise serializers.ValidationError({"park": [_("贵企业尚未关联园区，请联系园区企业服务专员。")]})
        submission = services.tenant_submit(
            park=park,
            enterprise=enterprise,
            year=data["year"],
            month=data["month"],
            is_cumulative=data.get("is_cumulative", True),
            values=values,
            confirmed=data.get("confirmed", False),
            note=data.get("note", ""),
            actor=user,
        )
        saved = MonthlyReport.objects.get(enterprise=enterprise, year=submission.year, month=submission.month)
        return saved, submission.status == SubmissionStatus.PENDING


def _figure(figure: Figure) -> dict[str, Any]:
    return {"value": figure.value, "display": figure.display, "sources": len(figure.sources)}


def _growth(growth: GrowthFigure) -> dict[str, Any]:
    return {
        "current": growth.current,
        "previous": growth.previous,
        "rate": growth.rate,
        "display": growth.display,
        "enterprises": len(growth.enterprises),
    }


class KpiView(APIView):
    """KPIs of a park (``park``), several (``park`` repeated) or every visible park, for a period."""

    permission_classes = [IsParkStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("park", OpenApiTypes.INT, many=True),
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("period", OpenApiTypes.STR, description="year | q1..q4 | h1 | m1..m12"),
        ],
        responses=KpiSerializer,
    )
    def get(self, request: Request) -> Response:
        year = year_param(request.query_params.get("year"))
        try:
            parks = [int(p) for p in request.query_params.getlist("park")]
        except ValueError:
            raise serializers.ValidationError({"park": [_("须为整数")]}) from None
        for park_id in parks:
            require_park(request.user, park_id)
        park_ids: list[int] | None = parks or visible_park_ids(request.user)
        period = report.parse_period(year, request.query_params.get("period"))
        kpis = selectors.report_kpis(park_ids=park_ids, period=period, detail=False)
        data = {
            "park_ids": list(kpis.park_ids) if kpis.park_ids is not None else None,
            "year": period.year,
            "first_month": period.first_month,
            "last_month": period.last_month,
            "period_label": period.label,
            "paragraph": kpis.paragraph,
            "indicators": [
                {"indicator": name, "total": _figure(kpis.totals[name]), "growth": _growth(kpis.growth[name])}
                for name in selectors.HEADLINE
            ],
            "above_scale_output": _figure(kpis.above_scale_output),
            "above_scale_output_growth": _growth(kpis.above_scale_output_growth),
            "above_scale_count": len(kpis.above_scale_ids),
            "new_above_scale": [
                {"enterprise": e.enterprise_id, "year": e.year, "month": e.month} for e in kpis.new_above_scale
            ],
            "rnd_intensity": _figure(kpis.rnd_intensity),
            "size_classes": kpis.size_classes,
            "projects_completed": len(kpis.projects_completed),
            "listings": len(kpis.listings),
            "products_by_stage": kpis.products_by_stage,
            "products_in_rnd": kpis.products_in_rnd,
            "class1_drugs_in_clinical": kpis.class1_drugs_in_clinical,
            "products_in_phase3": kpis.products_in_phase3,
            "products_new_in_phase3": kpis.products_new_in_phase3,
            "occupancy_rate": kpis.occupancy_rate,
        }
        return Response(KpiSerializer(data).data)
