"""Billing API: the same services and selectors as the pages, the same park scoping and capabilities."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from parkos.accounts.access import Capability, acting_user, require_capability, require_park, visible_park_ids
from parkos.billing import billrun, selectors, services
from parkos.billing.api.serializers import (
    AgeingRowSerializer,
    BillRunSerializer,
    BillRunStartSerializer,
    BillSerializer,
    CreditNoteSerializer,
    MatchSerializer,
    PaymentSerializer,
    ReconciliationSerializer,
    StatementLineSerializer,
    VoidSerializer,
)
from parkos.billing.choices import BillStatus
from parkos.billing.filtersets import (
    BILL_ORDERING,
    PAYMENT_ORDERING,
    BillFilterSet,
    BillRunFilterSet,
    PaymentFilterSet,
    StatementLineFilterSet,
)
from parkos.billing.models import BankStatementLine, Bill, BillRun, Payment
from parkos.billing.permissions import BillingStaff
from parkos.web.api import year_param
from parkos.web.api_views import ParkScopedViewSetMixin


class BillingViewSetMixin(ParkScopedViewSetMixin):
    permission_classes = [BillingStaff]


class BillRunViewSet(
    BillingViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[BillRun]
):
    """Bill runs. POST opens (or resumes) the run of a park and month and generates its preview."""

    queryset = BillRun.objects.order_by("-period", "-pk")
    serializer_class = BillRunSerializer
    filterset_class = BillRunFilterSet
    write_capability = Capability.MANAGE_BILLING

    @extend_schema(request=BillRunStartSerializer, responses=BillRunSerializer)
    def create(self, request: Request) -> Response:
        payload = BillRunStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        park = payload.validated_data["park"]
        require_capability(request.user, Capability.MANAGE_BILLING, park)
        actor = acting_user(request)
        run = billrun.bill_run_start(park=park, period=payload.validated_data["period"], actor=actor)
        run = billrun.bill_run_generate(run=run, actor=actor)
        return Response(BillRunSerializer(run).data, status=201)

    def _step(self, request: Request, capability: Capability, service: Callable[..., BillRun]) -> Response:
        run = self.get_object()
        require_capability(request.user, capability, run.park_id)
        return Response(BillRunSerializer(service(run=run, actor=acting_user(request))).data)

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, Capability.APPROVE_BILLING, billrun.bill_run_approve)

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, Capability.APPROVE_BILLING, billrun.bill_run_issue)

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, Capability.MANAGE_BILLING, billrun.bill_run_discard)


class BillViewSet(BillingViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Bill]):
    """Bills and credit notes with their lines; issued bills are corrected by a credit note."""

    queryset = Bill.objects.exclude(status=BillStatus.DISCARDED)
    serializer_class = BillSerializer
    filterset_class = BillFilterSet
    write_capability = Capability.APPROVE_BILLING
    ordering_fields = list(BILL_ORDERING)
    ordering = ["-issued_on", "-pk"]

    def get_queryset(self) -> QuerySet[Bill]:
        return super().get_queryset().select_related("account").prefetch_related("lines")

    @extend_schema(request=CreditNoteSerializer, responses=BillSerializer)
    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request: Request, pk: str | None = None) -> Response:
        bill = self.get_object()
        require_capability(request.user, Capability.APPROVE_BILLING, bill.park_id)
        payload = CreditNoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        amounts = {item["line"]: item["amount"] for item in payload.validated_data["amounts"]}
        note = services.credit_note_issue(
            bill=bill, amounts=amounts, reason=payload.validated_data["reason"], actor=acting_user(request)
        )
        return Response(BillSerializer(note).data, status=201)


class PaymentViewSet(
    BillingViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Payment],
):
    """Payments received; created ones are allocated oldest first (the bills named first)."""

    queryset = Payment.objects.all()
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilterSet
    write_capability = Capability.MANAGE_BILLING
    ordering_fields = list(PAYMENT_ORDERING)
    ordering = ["-received_on", "-pk"]

    def perform_create(self, serializer: BaseSerializer[Payment]) -> None:
        data = dict(serializer.validated_data)
        account = data.pop("account")
        require_capability(self.request.user, Capability.MANAGE_BILLING, account.park_id)
        bills = [b.pk for b in data.pop("bills", []) if b.account_id == account.pk]
        serializer.instance = services.payment_record(
            park=account.park,
            enterprise=account.enterprise,
            data=services.PaymentInput(**data),
            actor=acting_user(self.request),
            bill_ids=bills,
        )

    @extend_schema(request=None, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request: Request, pk: str | None = None) -> Response:
        payment = self.get_object()
        require_capability(request.user, Capability.MANAGE_BILLING, payment.park_id)
        services.payment_allocate(payment=payment, actor=acting_user(request))
        payment.refresh_from_db()
        return Response(PaymentSerializer(payment).data)

    @extend_schema(request=VoidSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str | None = None) -> Response:
        payment = self.get_object()
        require_capability(request.user, Capability.MANAGE_BILLING, payment.park_id)
        payload = VoidSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        payment = services.payment_void(
            payment=payment, actor=acting_user(request), reason=payload.validated_data["reason"]
        )
        return Response(PaymentSerializer(payment).data)


class StatementLineViewSet(
    BillingViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[BankStatementLine]
):
    """Incoming transfers from imported bank statements; unmatched ones are booked with `match`."""

    queryset = BankStatementLine.objects.order_by("-booked_on", "pk")
    serializer_class = StatementLineSerializer
    filterset_class = StatementLineFilterSet
    write_capability = Capability.MANAGE_BILLING

    @extend_schema(request=MatchSerializer, responses=PaymentSerializer)
    @action(detail=True, methods=["post"])
    def match(self, request: Request, pk: str | None = None) -> Response:
        line = self.get_object()
        require_capability(request.user, Capability.MANAGE_BILLING, line.park_id)
        payload = MatchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        account = payload.validated_data["account"]
        require_park(request.user, account.park_id)
        payment = services.statement_line_match(line=line, account=account, actor=acting_user(request))
        return Response(PaymentSerializer(payment).data, status=201)


def _park_ids(request: Request) -> list[int] | None:
    visible = visible_park_ids(request.user)
    raw = request.query_params.get("park")
    if not raw:
        return visible
    try:
        park_id = int(raw)
    except ValueError:
        raise DRFValidationError({"park": ["invalid"]}) from None
    if not 0 < park_id < 2**63:  # beyond any database's ids (SQLite would overflow)
        raise DRFValidationError({"park": ["invalid"]})
    require_park(request.user, park_id)
    return [park_id]


class AgeingView(APIView):
    """Receivables open on `as_of` by age bucket (days past due), per tenant, park or the portfolio."""

    permission_classes = [BillingStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", datetime.date, description="YYYY-MM-DD, default today"),
            OpenApiParameter("group", str, enum=["account", "park", "portfolio"]),
            OpenApiParameter("park", int),
        ],
        responses=AgeingRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        try:
            as_of = datetime.date.fromisoformat(request.query_params.get("as_of") or timezone.localdate().isoformat())
        except ValueError:
            raise DRFValidationError({"as_of": ["YYYY-MM-DD"]}) from None
        group = request.query_params.get("group", "account")
        if group not in ("account", "park", "portfolio"):
            raise DRFValidationError({"group": ["account / park / portfolio"]})
        report = selectors.ageing_report(park_ids=_park_ids(request), as_of=as_of, group_by=group)
        rows = [
            {"key": row.key, "name": row.label, "park": row.park, "total": row.total, **row.buckets}
            for row in [*report.rows, report.totals]
        ]
        return Response(AgeingRowSerializer(rows, many=True).data)


class ReconciliationView(APIView):
    """Billed rent against the rent roll, and billed = collected + credited + written off + outstanding."""

    permission_classes = [BillingStaff]

    @extend_schema(
        parameters=[OpenApiParameter("year", int), OpenApiParameter("month", int), OpenApiParameter("park", int)],
        responses=ReconciliationSerializer,
    )
    def get(self, request: Request) -> Response:
        year = year_param(request.query_params.get("year"), default=timezone.localdate().year)
        try:
            month = int(request.query_params["month"]) if request.query_params.get("month") else None
        except ValueError:
            raise DRFValidationError({"month": ["1–12"]}) from None
        if month is not None and not 1 <= month <= 12:
            raise DRFValidationError({"month": ["1–12"]})
        result = selectors.reconciliation(park_ids=_park_ids(request), year=year, month=month)
        data = {
            **{
                f: getattr(result, f)
                for f in (
                    "rent_roll_total",
                    "billed_rent_total",
                    "billed",
                    "collected",
                    "credited",
                    "written_off",
                    "outstanding",
                    "balanced",
                )
            },
            "rent_differences": [
                {"contract": x.contract_id, "number": x.number, "rent_roll": str(x.rent_roll), "billed": str(x.billed)}
                for x in result.rent_differences
            ],
        }
        return Response(ReconciliationSerializer(data).data)
