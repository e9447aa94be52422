from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core import industry
from parkos.enterprises import credit_code, selectors
from parkos.enterprises.choices import EnterpriseLifecycle, EnterpriseSize
from parkos.enterprises.models import Enterprise
from parkos.enterprises.phones import parse_phone
from parkos.web.filtering import FilterSet


class MobileFilterField(forms.CharField):
    """A whole mobile number, normalised to E.164: never a fragment (a fragment recovers a masked number)."""

    def clean(self, value: object) -> str:
        text = super().clean(value)
        if not text:
            return ""
        try:
            parsed = parse_phone(text)
        except ValidationError:
            parsed = None
        if parsed is None or parsed.kind != "mobile":
            raise ValidationError(_("请输入完整的手机号码（11位），不支持部分号码查找"), code="partial_mobile")
        return parsed.e164


class MobileFilter(django_filters.CharFilter):  # type: ignore[misc]
    field_class = MobileFilterField


class EnterpriseFilterSet(FilterSet):
    """One FilterSet for the enterprise list page and /api/enterprises/enterprises/.

    Personal data (a contact's mobile) filters only for those who may see it, and only by the whole
    normalised number: a role without the right gets a clear error, never a narrowed list (Ref: #13).
    """

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("关键词"),
        help_text=_("名称、曾用名、经营范围、拼音首字母"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("名称、经营范围、拼音首字母、信用代码、手机")}
        ),
    )
    credit_code = django_filters.CharFilter(method="filter_credit_code", label=_("信用代码（前缀）"))
    mobile = MobileFilter(method="filter_mobile", label=_("联系人手机"), help_text=_("完整手机号"))
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

    @property
    def _user(self) -> Any:
        return getattr(self.request, "user", None) or AnonymousUser()

    def is_valid(self) -> bool:
        valid: bool = super().is_valid()
        if valid and self.form.cleaned_data.get("mobile") and selectors.contact_lookup_park_ids(self._user) == []:
            self.form.add_error("mobile", _("您的角色无权按联系人手机号查找企业"))
            return False
        return valid

    def filter_q(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        condition = selectors.enterprise_query_q(value, self._user)
        return queryset if condition is None else queryset.filter(condition)

    def filter_credit_code(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return queryset.filter(credit_code__startswith=credit_code.normalize(value))

    def filter_mobile(self, queryset: QuerySet[Enterprise], name: str, value: str) -> QuerySet[Enterprise]:
        return queryset.filter(selectors.enterprises_with_mobile_q(value, self._user))

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
