"""Forms of the billing pages: they validate input; the services decide and write."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.billing import statements
from parkos.billing.choices import ChargeKind, InvoiceType, PaymentMethod
from parkos.billing.models import Account, BankStatementLayout, BillingProfile, BillLine, TaxRule
from parkos.core.form_fields import DecimalFieldOptions
from parkos.enterprises.models import Enterprise
from parkos.parks.forms import ParkScopedForm, ParkScopedModelForm
from parkos.parks.models import Park
from parkos.web.forms import FormData, FormFiles, FormOptions, model_choice_field

if TYPE_CHECKING:
    pass

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(**kwargs: Unpack[DecimalFieldOptions]) -> forms.DecimalField:
    """An amount in 元, to the fen."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return forms.DecimalField(**kwargs)


class AccountChoiceField(forms.ModelChoiceField[Account]):
    def label_from_instance(self, obj: Account) -> str:
        return f"{obj.enterprise.name} · {obj.park.name}"


def _accounts(queryset: QuerySet[Account] | None) -> QuerySet[Account]:
    base = queryset if queryset is not None else Account.objects.none()
    return base.select_related("enterprise", "park").order_by("enterprise__name")


class MonthField(forms.DateField):
    """A month picked as "2026-01" (an <input type=month>), stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: str | datetime.date | None) -> datetime.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class RunStartForm(ParkScopedForm):
    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("园区"))
    period = MonthField(label=_("账期（月份）"))


class PaymentForm(forms.Form):
    account = AccountChoiceField(queryset=Account.objects.none(), label=_("付款企业"))
    amount = money_field(label=_("金额（元）"), min_value=Decimal("0.01"))
    received_on = forms.DateField(label=_("到账日期"), widget=DATE)
    method = forms.ChoiceField(label=_("收款方式"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    payer_name = forms.CharField(label=_("付款户名"), max_length=200, required=False)
    reference = forms.CharField(label=_("摘要/附言"), max_length=300, required=False)
    bill_numbers = forms.CharField(
        label=_("指定账单号"),
        max_length=300,
        required=False,
        help_text=_("付款人指定的账单优先核销，多个用逗号分隔；留空按最早到期优先"),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        accounts: QuerySet[Account] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "account")
        field.queryset = _accounts(accounts)

    def clean_bill_numbers(self) -> list[str]:
        raw = self.cleaned_data.get("bill_numbers") or ""
        return [part.strip() for part in raw.replace("，", ",").split(",") if part.strip()]


def layout_choices() -> list[tuple[str, str]]:
    built_in = [(f"builtin:{layout.name}", layout.name) for layout in statements.BUILTIN_LAYOUTS]
    custom = [(f"custom:{row.pk}", str(row.name)) for row in BankStatementLayout.objects.order_by("name")]
    return built_in + custom


def resolve_layout(choice: str) -> statements.Layout:
    kind, _sep, key = choice.partition(":")
    if kind == "custom":
        row = BankStatementLayout.objects.filter(pk=key).first()
        if row is not None:
            return statements.Layout.from_model(row)
    for layout in statements.BUILTIN_LAYOUTS:
        if layout.name == key:
            return layout
    raise ValidationError(_("请选择银行流水格式"))


class StatementImportForm(ParkScopedForm):
    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("收款园区"))
    layout = forms.ChoiceField(label=_("银行流水格式"), choices=layout_choices)
    file = forms.FileField(
        label=_("流水文件"),
        help_text=_(".xlsx 或 .csv（UTF-8 或 GBK 编码）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    auto_match = forms.BooleanField(label=_("自动入账可确认的流水"), required=False, initial=True)

    def clean_layout(self) -> statements.Layout:
        return resolve_layout(self.cleaned_data["layout"])


class MatchForm(forms.Form):
    account = AccountChoiceField(queryset=Account.objects.none(), label=_("入账企业"))

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        accounts: QuerySet[Account] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "account")
        field.queryset = _accounts(accounts)
        field.widget.attrs["aria-label"] = _("入账企业")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


def line_field_name(line: BillLine) -> str:
    return f"line_{line.pk}"


class LineAmountsForm(forms.Form):
    """An amount per line (credit notes, write-offs) and the reason."""

    reason = forms.CharField(label=_("原因"), max_length=300)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        lines: list[tuple[BillLine, Decimal]],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.lines = lines
        for line, limit in lines:
            self.fields[line_field_name(line)] = money_field(
                label=line.description, required=False, min_value=Decimal(0), max_value=limit
            )

    def rows(self) -> list[tuple[BillLine, Decimal, Any]]:
        """(line, the most it may take, its bound field), for a table of lines."""
        return [(line, limit, self[line_field_name(line)]) for line, limit in self.lines]

    def amounts(self) -> dict[int, Decimal]:
        return {
            line.pk: self.cleaned_data[line_field_name(line)]
            for line, _limit in self.lines
            if self.cleaned_data.get(line_field_name(line))
        }


class InvoiceRequestForm(forms.Form):
    invoice_type = forms.ChoiceField(label=_("发票类型"), choices=InvoiceType.choices)
    buyer_name = forms.CharField(label=_("购买方名称"), max_length=200)
    buyer_credit_code = forms.CharField(label=_("购买方纳税人识别号（统一社会信用代码）"), max_length=30)
    buyer_address = forms.CharField(label=_("购买方地址"), max_length=200, required=False)
    buyer_phone = forms.CharField(label=_("购买方电话"), max_length=40, required=False)
    buyer_bank = forms.CharField(label=_("购买方开户银行"), max_length=100, required=False)
    buyer_bank_account = forms.CharField(label=_("购买方银行账号"), max_length=40, required=False)
    email = forms.EmailField(label=_("接收邮箱"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    @classmethod
    def for_enterprise(cls, enterprise: Enterprise) -> InvoiceRequestForm:
        return cls(
            initial={
                "buyer_name": enterprise.name,
                "buyer_credit_code": enterprise.credit_code or "",
                "buyer_address": enterprise.registered_address,
            },
        )


class InvoiceRecordForm(forms.Form):
    invoice_number = forms.CharField(label=_("发票号码"), max_length=20)
    issued_on = forms.DateField(label=_("开票日期"), widget=DATE)


class ExtraChargeForm(forms.Form):
    account = AccountChoiceField(queryset=Account.objects.none(), label=_("企业"))
    kind = forms.ChoiceField(
        label=_("费用类型"),
        choices=[
            (k.value, k.label)
            for k in ChargeKind
            if k not in (ChargeKind.RENT, ChargeKind.PROPERTY_FEE, ChargeKind.DEPOSIT, ChargeKind.LATE_FEE)
        ],
    )
    description = forms.CharField(label=_("摘要"), max_length=200)
    quantity = forms.DecimalField(
        label=_("数量"), max_digits=16, decimal_places=4, initial=1, min_value=Decimal("0.0001")
    )
    unit = forms.CharField(label=_("单位"), max_length=12, required=False)
    unit_price = forms.DecimalField(
        label=_("单价（元，含税）"), max_digits=14, decimal_places=6, min_value=Decimal("0.01")
    )
    charge_on = forms.DateField(label=_("费用日期"), widget=DATE)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        accounts: QuerySet[Account] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "account")
        field.queryset = _accounts(accounts)


class ReadingImportForm(ParkScopedForm):
    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("园区"))
    file = forms.FileField(label=_("抄表单"), help_text=_(".xlsx 或 .csv，格式见模板"))


class TaxRuleForm(ParkScopedModelForm[TaxRule]):
    park_movable = True

    class Meta:
        model = TaxRule
        fields = ("kind", "park", "effective_from", "rate", "invoice_item", "tax_code", "note")
        widgets = {"effective_from": DATE}


class ProfileForm(ParkScopedModelForm[BillingProfile]):
    park_movable = True

    class Meta:
        model = BillingProfile
        fields = (
            "park", "payee_name", "payee_credit_code", "address", "phone", "bank_name", "bank_account",
            "letterhead_note", "logo", "go_live_on", "due_days", "property_fee_per_sqm_month",
            "late_fee_daily_rate", "late_fee_cap_rate", "late_fee_grace_days", "late_fee_day_basis",
        )  # fmt: skip
        widgets = {"go_live_on": DATE}


class DepositForm(forms.Form):
    amount = money_field(label=_("金额（元）"), min_value=Decimal("0.01"), required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
