from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Unpack

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import choose_from
from parkos.core.importing.forms import ImportFileField
from parkos.core.units import WAN
from parkos.enterprises.models import Enterprise
from parkos.statistics.choices import ProductUnit
from parkos.statistics.importing import FORM_FIGURES
from parkos.web.forms import FormData, FormFiles, FormOptions, model_choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: The figures entered in 万元 on the form and stored in 元.
_MONEY = {name for name, _header, kind in FORM_FIGURES if kind == "money"}


def _field(kind: str, label: StrOrPromise) -> forms.Field:
    if kind == "int":
        return forms.IntegerField(label=label, required=False, min_value=0)
    return forms.DecimalField(label=label, required=False, max_digits=16, decimal_places=4 if kind == "money" else 3)


class ReportForm(forms.Form):
    """A month's statistics as an enterprise fills them in: amounts in 万元, 上年同期 beside each."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    is_cumulative = forms.TypedChoiceField(
        label=_("填报口径"),
        choices=[("1", _("本年1月至当月累计")), ("0", _("当月"))],
        coerce=lambda v: v == "1",
        initial="1",
    )

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        today = timezone.localdate()
        previous = today.replace(day=1) - datetime.timedelta(days=1)
        self.fields["year"].initial = previous.year
        self.fields["month"].initial = previous.month
        for name, header, kind in FORM_FIGURES:
            self.fields[name] = _field(kind, header)
            self.fields[f"prior_{name}"] = _field(kind, "上年同期" + header)

    def figure_pairs(self) -> list[tuple[BoundField, BoundField]]:
        return [(self[name], self[f"prior_{name}"]) for name, _h, _k in FORM_FIGURES]

    def values(self) -> dict[str, Decimal | int | None]:
        """The figures in storage units (元), as ``services.report_submit`` takes them."""
        result: dict[str, Decimal | int | None] = {}
        for name, _header, _kind in FORM_FIGURES:
            for key in (name, f"prior_{name}"):
                value = self.cleaned_data.get(key)
                if value is not None and name in _MONEY:
                    value = (Decimal(value) * WAN).quantize(Decimal("0.01"))
                result[key] = value
        return result


class TenantReportForm(ReportForm):
    """The tenant's form: figures that move more than ±50 % are confirmed, with a note."""

    confirmed = forms.BooleanField(label=_("我已核对，上述大幅变动属实"), required=False)
    note = forms.CharField(
        label=_("变动说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), required=False, max_length=200)


class LatePermissionForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    until = forms.DateField(label=_("补报截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("原因"), required=False, max_length=200)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        enterprises: QuerySet[Enterprise],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "enterprise")
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = enterprises


class OfficerReportForm(ReportForm):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none())

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        enterprises: QuerySet[Enterprise] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        if enterprises is not None:
            choose_from(self, "enterprise", enterprises)
        self.order_fields(["enterprise", "year", "month", "is_cumulative"])


class ImportForm(forms.Form):
    file = ImportFileField(label=_("文件（.xlsx 或 .csv）"))
    dry_run = forms.BooleanField(label=_("仅预览（校验并显示将新增、更新多少行，不写入）"), required=False)


class ProductOutputForm(forms.Form):
    """One product's output of a month, as an officer enters it: 出口交货值 in 万元."""

    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none(), empty_label=_("请选择"))
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    product_name = forms.CharField(label=_("产品名称"), max_length=100)
    product_code = forms.CharField(
        label=_("产品代码"), max_length=12, required=False, help_text=_("《统计用产品分类目录》代码，可不填")
    )
    unit = forms.ChoiceField(label=_("计量单位"), choices=ProductUnit.choices)
    quantity = forms.DecimalField(label=_("本月产量"), min_value=Decimal(0), max_digits=16, decimal_places=3)
    exports_wan = forms.DecimalField(
        label=_("出口交货值（万元）"), required=False, min_value=Decimal(0), max_digits=16, decimal_places=4
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        enterprises: QuerySet[Enterprise],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "enterprise", enterprises)
        previous = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        self.fields["year"].initial = previous.year
        self.fields["month"].initial = previous.month

    @property
    def exports_yuan(self) -> Decimal | None:
        value = self.cleaned_data.get("exports_wan")
        return None if value is None else value * WAN
