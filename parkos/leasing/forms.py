"""Forms of the contract pages; they validate input, the services decide and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Unpack

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from parkos.accounts.access import Capability, has_capability
from parkos.accounts.models import User
from parkos.core.units import format_area
from parkos.enterprises.models import Enterprise
from parkos.investment.models import Lead
from parkos.leasing.choices import ContractKind, TerminationReason
from parkos.leasing.models import Contract
from parkos.parks.forms import ParkScopedForm, offer_parks
from parkos.parks.models import LandParcel, Park, Unit
from parkos.web.forms import FormData, FormFiles, ModelFormOptions, model_choice_field
from parkos.web.widgets import SearchSelect, SearchSelectMultiple

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DRAFT_FIELDS = (
    "kind", "start_on", "end_on", "handover_on", "rent_per_sqm_month", "sale_price_per_sqm", "sale_total",
    "deposit", "payment_period", "free_rent_months", "rent_discount_rate", "rent_discount_months",
    "escalation_rate", "escalation_every_years", "property_fee_per_sqm_month", "property_fee_free_during_free_rent",
    "committed_investment_wan", "committed_annual_output_wan", "committed_annual_tax_wan", "committed_jobs",
    "committed_production_on", "note",
)  # fmt: skip


class ContractForm(forms.ModelForm[Contract]):
    """Draft a contract: park, tenant (picked from the pool or created inline), units or a parcel, terms.

    Lease and sale terms are apart (the page shows the set of the chosen kind; the other set is
    ignored); escalation is entered as a percentage; a draft made from a lead links it.
    """

    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("园区"), empty_label=_("请选择园区"))
    enterprise = forms.ModelChoiceField(
        queryset=Enterprise.objects.none(),
        label=_("企业"),
        help_text=_("输入名称、拼音或统一社会信用代码搜索；企业库中没有时可直接新建"),
        error_messages={"required": _("请选择企业"), "invalid_choice": _("企业库中没有该企业")},
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(),
        label=_("单元"),
        required=False,
        help_text=_("显示每个单元的面积和当前状态；可选多个"),
        error_messages={"invalid_choice": _("单元 %(value)s 不在该园区或您无权查看")},
    )
    parcel_code = forms.CharField(label=_("地块编号"), required=False, help_text=_("出售或出租整块土地时填写"))
    escalation_percent = forms.DecimalField(
        label=_("租金递增（%）"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=6,
        decimal_places=2,
        help_text=_("如 5 表示每个递增周期上调5%"),
    )
    lead = forms.ModelChoiceField(queryset=Lead.objects.none(), required=False, widget=forms.HiddenInput)

    LEASE_ONLY = (
        "end_on", "rent_per_sqm_month", "payment_period", "free_rent_months", "rent_discount_rate",
        "rent_discount_months", "escalation_percent", "escalation_every_years", "property_fee_per_sqm_month",
        "property_fee_free_during_free_rent",
    )  # fmt: skip
    #: What a term of the other kind becomes (None unless the field needs a value).
    NOT_APPLICABLE: dict[str, Any] = {
        "free_rent_months": 0,
        "rent_discount_rate": Decimal(0),
        "rent_discount_months": 0,
        "property_fee_free_during_free_rent": False,
    }
    SALE_ONLY = ("sale_price_per_sqm", "sale_total")

    class Meta:
        model = Contract
        fields = tuple(f for f in DRAFT_FIELDS if f != "escalation_rate")
        widgets = {"start_on": DATE, "end_on": DATE, "handover_on": DATE, "committed_production_on": DATE}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park] | None = None,
        user: User | AnonymousUser | None = None,
        **kwargs: Unpack[ModelFormOptions[Contract]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        visible = offer_parks(self, parks)
        for optional in ("rent_discount_rate", "rent_discount_months"):  # no discount unless stated
            self.fields[optional].required = False
        enterprise_field = model_choice_field(self, "enterprise")
        enterprise_field.queryset = Enterprise.objects.active()
        enterprise_field.widget = SearchSelect(
            url=reverse_lazy("enterprises:enterprise_autocomplete"),
            describe=_enterprise_name,
            placeholder=_("输入企业名称、拼音或信用代码"),
            create_url=reverse_lazy("enterprises:enterprise_autocomplete")
            if user is not None and has_capability(user, Capability.CHANGE_ENTERPRISE)
            else "",
        )
        units_field = model_choice_field(self, "units")
        units_field.queryset = Unit.objects.filter(park__in=visible, archived_at__isnull=True)
        units_field.widget = SearchSelectMultiple(
            url=reverse_lazy("parks:unit_autocomplete"), describe=_unit_label, placeholder=_("输入单元编号搜索")
        )
        lead_field = model_choice_field(self, "lead")
        lead_field.queryset = Lead.objects.filter(park__in=visible)
        order = ["kind", "park", "enterprise", "units", "parcel_code"]
        self.order_fields(order + [f for f in self.fields if f not in order])
        self.fields["kind"].widget.attrs["data-contract-kind"] = "1"
        for name in self.LEASE_ONLY:
            self.fields[name].widget.attrs["data-terms"] = "lease"
        for name in self.SALE_ONLY:
            self.fields[name].widget.attrs["data-terms"] = "sale"
        if self.instance.pk:
            for name in ("park", "enterprise", "units", "parcel_code", "kind", "lead"):
                self.fields.pop(name)
            self.initial["escalation_percent"] = (self.instance.escalation_rate * 100).normalize()

    def clean_rent_discount_rate(self) -> Decimal:
        return self.cleaned_data.get("rent_discount_rate") or Decimal(0)

    def clean_rent_discount_months(self) -> int:
        return self.cleaned_data.get("rent_discount_months") or 0

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind = data.get("kind") or getattr(self.instance, "kind", ContractKind.LEASE)
        # The other kind's terms are not part of this contract, whatever the page still holds.
        for name in self.SALE_ONLY if kind == ContractKind.LEASE else self.LEASE_ONLY:
            data[name] = self.NOT_APPLICABLE.get(name)
        percent = data.pop("escalation_percent", None)
        data["escalation_rate"] = (percent / 100).quantize(Decimal("0.0001")) if percent else Decimal(0)
        if kind == ContractKind.SALE:
            data["end_on"] = None
            data["payment_period"] = self.instance.payment_period or "quarterly"
            data["property_fee_per_sqm_month"] = Decimal(0)
        park = data.get("park")
        if park is None or self.instance.pk:
            return data
        units = list(data.get("units") or [])
        parcel_code = (data.get("parcel_code") or "").strip()
        if bool(units) == bool(parcel_code):
            raise ValidationError(_("请选择单元，或填写地块编号（二者选一）"))
        strangers = [u.code for u in units if u.park_id != park.pk]
        if strangers:
            self.add_error("units", _("这些单元不属于所选园区：%(c)s") % {"c": "、".join(strangers)})
        data["units"] = units
        data["parcel"] = None
        if parcel_code:
            data["parcel"] = LandParcel.objects.filter(park=park, code=parcel_code).first()
            if data["parcel"] is None:
                self.add_error("parcel_code", _("园区内没有该地块"))
        return data

    def _post_clean(self) -> None:
        # Model validation runs in the service (with the spaces' area); skip the ModelForm's copy.
        pass


def _enterprise_name(value: str) -> str:
    enterprise = Enterprise.objects.filter(pk=value).only("name").first() if str(value).isdigit() else None
    return enterprise.name if enterprise is not None else str(value)


def _unit_label(value: str) -> str:
    unit = Unit.objects.filter(pk=value).first() if str(value).isdigit() else None
    if unit is None:
        return str(value)
    return f"{unit.code} · {format_area(unit.area_sqm)} · {unit.status.label}"


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("签约日期"), widget=DATE)


class TerminateForm(forms.Form):
    terminated_on = forms.DateField(label=_("终止日期"), widget=DATE, help_text=_("承租方占用的最后一天"))
    reason = forms.ChoiceField(label=_("终止原因"), choices=[("", _("请选择终止原因")), *TerminationReason.choices])
    note = forms.CharField(label=_("终止说明"), max_length=300, required=False)


class RenewForm(forms.Form):
    end_on = forms.DateField(label=_("续签到期日期"), widget=DATE)
    rent_per_sqm_month = forms.DecimalField(
        label=_("续签租金单价（元/m²·月）"), max_digits=10, decimal_places=4, required=False, min_value=0
    )
    free_rent_months = forms.IntegerField(label=_("免租期（月）"), min_value=0, initial=0)


class ApproveForm(forms.Form):
    override_reason = forms.CharField(
        label=_("本人审批理由"),
        required=False,
        max_length=300,
        help_text=_("运营管理员审批自己起草的合同时必填，写入审计记录"),
    )


class PresenceForm(ParkScopedForm):
    """A stay of an enterprise in a park (在园记录): the park, moved in, moved out (empty: still
    there), and why; the service refuses overlapping stays."""

    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none(), empty_label=_("请选择"))
    moved_in_on = forms.DateField(label=_("迁入日期"), widget=DATE)
    moved_out_on = forms.DateField(
        label=_("迁出日期"), widget=DATE, required=False, help_text=_("在园的最后一天（含当日）；仍在园则留空")
    )
    note = forms.CharField(
        label=_("备注"), max_length=300, required=False, help_text=_("依据，如：搬迁通知、现场核实、合同外占用")
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        moved_in, moved_out = cleaned.get("moved_in_on"), cleaned.get("moved_out_on")
        if moved_in is not None and moved_out is not None and moved_out <= moved_in:
            self.add_error("moved_out_on", _("迁出日期必须晚于迁入日期"))
        return cleaned
