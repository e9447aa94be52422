"""One FilterSet per list, for the HTML pages and the API alike."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.billing.choices import (
    BillKind,
    BillRunStatus,
    BillStatus,
    InvoiceRequestStatus,
    PaymentMethod,
    StatementLineStatus,
    WriteOffStatus,
)
from parkos.billing.models import (
    BankStatementLine,
    Bill,
    BillRun,
    InvoiceRequest,
    Payment,
    Reminder,
    WriteOff,
)
from parkos.parks.models import Park
from parkos.web.filtering import FilterSet

BILL_ORDERING = ("number", "issued_on", "due_on", "total_amount", "buyer_name")
PAYMENT_ORDERING = ("number", "received_on", "amount")


def _visible_parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user).filter(archived_at__isnull=True)


class BillRunFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    status = django_filters.ChoiceFilter(choices=BillRunStatus.choices, label=_("状态"))

    class Meta:
        model = BillRun
        fields = ["park", "status"]


class BillFilterSet(FilterSet):
    """The bill list and /api/billing/bills/."""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=BillKind.choices, label=_("类型"))
    status = django_filters.ChoiceFilter(choices=BillStatus.choices, label=_("状态"))
    issued_from = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("出账日期起"))
    issued_to = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("出账日期止"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("未结清"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("账户"))
    run = django_filters.NumberFilter(field_name="run_id", label=_("出账批次"))

    class Meta:
        model = Bill
        fields = ["q", "park", "kind", "status", "issued_from", "issued_to", "open", "overdue", "account", "run"]

    def search(self, queryset: QuerySet[Bill], name: str, value: str) -> QuerySet[Bill]:
        return queryset.filter(
            Q(number__icontains=value)
            | Q(account__enterprise__name__icontains=value)
            | Q(account__enterprise__credit_code=value.upper())
        )

    def _open_lines(self, **extra: object) -> Q:
        return Q(lines__amount__gt=0, lines__settled_amount__lt=F("lines__amount"), **extra)

    def filter_open(self, queryset: QuerySet[Bill], name: str, value: bool | None) -> QuerySet[Bill]:
        if value is None:
            return queryset
        ids = Bill.objects.filter(self._open_lines()).values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)

    def filter_overdue(self, queryset: QuerySet[Bill], name: str, value: bool | None) -> QuerySet[Bill]:
        if not value:
            return queryset
        ids = Bill.objects.filter(self._open_lines(lines__due_on__lt=timezone.localdate())).values("pk")
        return queryset.filter(pk__in=ids, status=BillStatus.ISSUED)


class PaymentFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("关键词"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    method = django_filters.ChoiceFilter(choices=PaymentMethod.choices, label=_("收款方式"))
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("到账日期起"))
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("到账日期止"))
    credit = django_filters.BooleanFilter(method="filter_credit", label=_("有未核销余额"))
    account = django_filters.NumberFilter(field_name="account_id", label=_("账户"))

    class Meta:
        model = Payment
        fields = ["q", "park", "method", "received_from", "received_to", "credit", "account"]

    def search(self, queryset: QuerySet[Payment], name: str, value: str) -> QuerySet[Payment]:
        return queryset.filter(
            Q(number__icontains=value) | Q(payer_name__icontains=value) | Q(account__enterprise__name__icontains=value)
        )

    def filter_credit(self, queryset: QuerySet[Payment], name: str, value: bool | None) -> QuerySet[Payment]:
        if not value:
            return queryset
        return queryset.filter(voided_on__isnull=True, allocated_amount__lt=F("amount"))


class StatementLineFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    status = django_filters.ChoiceFilter(choices=StatementLineStatus.choices, label=_("状态"))
    statement = django_filters.NumberFilter(field_name="statement_id", label=_("银行流水"))

    class Meta:
        model = BankStatementLine
        fields = ["park", "status", "statement"]


class WriteOffFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    status = django_filters.ChoiceFilter(choices=WriteOffStatus.choices, label=_("状态"))

    class Meta:
        model = WriteOff
        fields = ["park", "status"]


class InvoiceRequestFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    status = django_filters.ChoiceFilter(choices=InvoiceRequestStatus.choices, label=_("状态"))

    class Meta:
        model = InvoiceRequest
        fields = ["park", "status"]


class ReminderFilterSet(FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    level = django_filters.NumberFilter(label=_("催缴级别"))

    class Meta:
        model = Reminder
        fields = ["park", "level"]
