from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core import industry
from parkos.enterprises import credit_code, selectors
from parkos.enterprises.choices import EnterpriseLifecycle, EnterpriseSize
from parkos.enterprises.models import Contact, Enterprise
from parkos.enterprises.phones import parse_phone
from parkos.web.filtering import FilterSet


class EnterpriseFilterSet(FilterSet):
    """One FilterSet for the enterprise list page and /api/enterprises/enterprises/."""

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("关键词"),
        help_text=_("名称、曾用名、经营范围、拼音首字母"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("名称、经营范围、拼音首字母、信用代码、手机")}
        ),
    )
    credit_code = django_filters.CharFilter(method="filter_credit_code", label=_("信用代码（前缀）"))
    mobile = django_filters.CharFilter(method="filter_mobile", label=_("联系人手机"))
    industry = django_filters.CharFilter(
        method="filter_industry", label=_("行业代码"), widget=forms.TextInput(attrs={"size": 6})
    )
    district = django_filters.CharFilter(
        field_name="district", label=_("区县"), widget=forms.TextInput(attrs={"size": 8})
    )
    size_class = django_filters.ChoiceFilter(choices=EnterpriseSize.choices, label=_("规模"))
    lifecycle = django_filters.ChoiceFilter(choices=EnterpriseLifecycle.choices, label=_("阶段"))
    above_scale = django_filters.BooleanFilter(field_name="above_scale", label=_("规上企业"))
    high_tech = django_filters.BooleanFilter(field_name="high_tech", label=_("高新技术企业"))
    tag = django_filters.CharFilter(field_name="tags__name", label=_("标签"), widget=forms.TextInput(attrs={"size": 8}))
    park = django_filters.NumberFilter(field_name="parks", label=_("关联园区"))

    form_fields = ("q", "industry", "district", "size_class", "lifecycle", "tag")

    class Meta:
        model = Enterprise
        fields = ["q", "credit_code", "mobile", "industry", "district", "size_class", "lifecycle", "above_scale", "tag"]

    def filter_q(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        condition = selectors.enterprise_query_q(value)
        return queryset if condition is None else queryset.filter(condition)

    def filter_credit_code(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return queryset.filter(credit_code__startswith=credit_code.normalize(value))

    def filter_mobile(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        try:
            e164 = parse_phone(value).e164
        except ValidationError:  # a partial number: match the digits as typed
            digits = "".join(ch for ch in value if ch.isdigit())
            return queryset.filter(pk__in=Contact.objects.filter(mobile__contains=digits).values("enterprise_id"))
        return queryset.filter(pk__in=Contact.objects.filter(mobile=e164).values("enterprise_id"))

    def filter_industry(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        try:
            code = industry.validate(value)
        except ValidationError:  # an invalid code matches nothing rather than failing the page
            return queryset.none()
        if code.isalpha():
            divisions = [c for c, _label in industry.choices("division", parent=code)]
            condition = Q()
            for division in divisions:
                condition |= Q(industry_code__startswith=division)
            return queryset.filter(condition) if divisions else queryset.none()
        return queryset.filter(industry_code__startswith=code)
