"""One FilterSet per model, for the HTML lists and the API alike."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import visible_parks
from parkos.leasing.choices import ContractKind, ContractLifecycle, ContractStatus, RenewalTaskStatus
from parkos.leasing.models import Contract, RenewalTask
from parkos.leasing.selectors import EXPIRY_WINDOWS, lifecycle_q
from parkos.parks.models import Park
from parkos.web.filtering import FilterSet

CONTRACT_ORDERING = ("number", "start_on", "end_on", "area_sqm", "enterprise__name", "park__name")
EXPIRY_CHOICES = [(str(d), _("%(d)s天内到期") % {"d": d}) for d in EXPIRY_WINDOWS]


def _visible_parks(request: HttpRequest | None) -> QuerySet[Park]:
    if request is None:
        return Park.objects.none()
    return visible_parks(request.user).filter(archived_at__isnull=True)


class ContractFilterSet(FilterSet):
    """The contract list page and /api/leasing/contracts/."""

    q = django_filters.CharFilter(method="search", label=_("关键词"))
    park = django_filters.ModelChoiceFilter(queryset=_visible_parks, label=_("园区"))
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices, label=_("合同类型"))
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("状态"))
    lifecycle = django_filters.ChoiceFilter(
        choices=ContractLifecycle.choices, method="filter_lifecycle", label=_("执行情况")
    )
    expiring = django_filters.ChoiceFilter(choices=EXPIRY_CHOICES, method="filter_expiring", label=_("到期"))
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("企业"))
    unit = django_filters.NumberFilter(field_name="spaces__unit", label=_("单元"))

    form_fields = ("q", "park", "kind", "status", "lifecycle", "expiring")

    class Meta:
        model = Contract
        fields = ["q", "park", "kind", "status", "lifecycle", "expiring", "enterprise", "unit"]

    def search(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        return queryset.filter(
            Q(number__icontains=value) | Q(enterprise__name__icontains=value) | Q(enterprise__credit_code=value)
        )

    def filter_lifecycle(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        return queryset.filter(lifecycle_q(value, timezone.localdate()))

    def filter_expiring(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        today = timezone.localdate()
        return queryset.filter(
            status=ContractStatus.SIGNED,
            kind=ContractKind.LEASE,
            end_on__gte=today,
            end_on__lte=today + datetime.timedelta(days=int(value)),
        )


class RenewalTaskFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=RenewalTaskStatus.choices, label=_("状态"))

    class Meta:
        model = RenewalTask
        fields = ["park", "status", "assignee"]
