"""Forms of the contract pages; they validate input, the services decide and write."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parkos.enterprises.selectors import enterprise_by_reference
from parkos.leasing.choices import ContractKind, TerminationReason
from parkos.leasing.models import Contract
from parkos.parks.models import LandParcel, Park, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DRAFT_FIELDS = (
    "kind", "start_on", "end_on", "handover_on", "rent_per_sqm_month", "sale_price_per_sqm", "sale_total",
    "deposit", "payment_period", "free_rent_months", "rent_discount_rate", "rent_discount_months",
    "escalation_rate", "escalation_every_years", "property_fee_per_sqm_month", "property_fee_free_during_free_rent",
    "committed_investment_wan", "committed_annual_output_wan", "committed_annual_tax_wan", "committed_jobs",
    "committed_production_on", "note",
)  # fmt: skip


class ContractForm(forms.ModelForm[Contract]):
    """Draft a contract: park, tenant (by name or credit code), units by code or a parcel, terms."""

    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("园区"))
    enterprise_ref = forms.CharField(
        label=_("企业（名称或统一社会信用代码）"), max_length=200, help_text=_("须为企业库中已有的企业")
    )
    unit_codes = forms.CharField(
        label=_("单元编号"), required=False, help_text=_("多个单元用逗号或空格分隔，如 A1-101, A1-102")
    )
    parcel_code = forms.CharField(label=_("地块编号"), required=False, help_text=_("出售或出租整块土地时填写"))

    class Meta:
        model = Contract
        fields = DRAFT_FIELDS
        widgets = {"start_on": DATE, "end_on": DATE, "handover_on": DATE, "committed_production_on": DATE}

    def __init__(self, *args: Any, parks: Any = None, initial_unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        park_field: Any = self.fields["park"]
        park_field.queryset = parks if parks is not None else Park.objects.none()
        for optional in ("rent_discount_rate", "rent_discount_months"):  # no discount unless stated
            self.fields[optional].required = False
        order = ["park", "enterprise_ref", "unit_codes", "parcel_code"]
        self.order_fields(order + [f for f in self.fields if f not in order])
        if self.instance.pk:
            for name in ("park", "enterprise_ref", "unit_codes", "parcel_code", "kind"):
                self.fields.pop(name)
        elif initial_unit is not None:
            self.initial.update(park=initial_unit.park_id, unit_codes=initial_unit.code)

    def clean_enterprise_ref(self) -> Any:

        value = self.cleaned_data["enterprise_ref"].strip()
        # A code as people type it ("9111 0000 …", full-width) is found like the stored one.
        enterprise = enterprise_by_reference(value)
        if enterprise is None:
            raise ValidationError(_("企业库中没有找到“%(v)s”，请先在企业库中建档") % {"v": value})
        return enterprise

    def clean_rent_discount_rate(self) -> Decimal:
        return self.cleaned_data.get("rent_discount_rate") or Decimal(0)

    def clean_rent_discount_months(self) -> int:
        return self.cleaned_data.get("rent_discount_months") or 0

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        park = data.get("park")
        if park is None or self.instance.pk:
            return data
        codes = [c for c in re.split(r"[\s,，、;；]+", data.get("unit_codes") or "") if c]
        parcel_code = (data.get("parcel_code") or "").strip()
        if bool(codes) == bool(parcel_code):
            raise ValidationError(_("请填写单元编号，或地块编号（二者选一）"))
        if codes:
            units = {u.code: u for u in Unit.objects.filter(park=park, code__in=codes)}
            missing = [c for c in codes if c not in units]
            if missing:
                self.add_error("unit_codes", _("园区内没有这些单元：%(c)s") % {"c": "、".join(missing)})
            data["units"] = [units[c] for c in codes if c in units]
            data["parcel"] = None
        else:
            parcel = LandParcel.objects.filter(park=park, code=parcel_code).first()
            if parcel is None:
                self.add_error("parcel_code", _("园区内没有该地块"))
            data["units"] = []
            data["parcel"] = parcel
        if data.get("kind") == ContractKind.SALE:
            data["end_on"] = None
        return data

    def _post_clean(self) -> None:
        # Model validation runs in the service (with the spaces' area); skip the ModelForm's copy.
        pass


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("签约日期"), widget=DATE)


class TerminateForm(forms.Form):
    terminated_on = forms.DateField(label=_("终止日期"), widget=DATE, help_text=_("承租方占用的最后一天"))
    reason = forms.ChoiceField(label=_("终止原因"), choices=[("", "---------"), *TerminationReason.choices])
    note = forms.CharField(label=_("终止说明"), max_length=300, required=False)


class RenewForm(forms.Form):
    end_on = forms.DateField(label=_("续签到期日期"), widget=DATE)
    rent_per_sqm_month = forms.DecimalField(
        label=_("续签租金单价（元/m²·月）"), max_digits=10, decimal_places=4, required=False, min_value=0
    )
    free_rent_months = forms.IntegerField(label=_("免租期（月）"), min_value=0, initial=0)
