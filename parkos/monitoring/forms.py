"""Forms of the monitoring pages; they validate input, the services decide and write."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Unpack

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core.importing.forms import ImportFileField
from parkos.enterprises.models import Enterprise
from parkos.monitoring.choices import KIND_UNITS, UTILITY_KINDS, MeterKind, MeterMeasure
from parkos.monitoring.models import AlarmRule, EscalationPolicy, Gateway, Meter
from parkos.monitoring.services import METER_FIELDS, RULE_FIELDS, Replacement
from parkos.parks.models import Building, Floor, Park, Unit
from parkos.web.forms import FormData, FormFiles, FormOptions, ModelFormOptions, model_choice_field

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeterForm(forms.ModelForm[Meter]):
    """A meter's place, kind and limits; a new physical meter also names its first device."""

    enterprise_ref = forms.CharField(
        label=_("归属企业（名称或统一社会信用代码）"), max_length=200, required=False, help_text=_("企业自有表填写")
    )
    serial_number = forms.CharField(label=_("表具编号"), max_length=60, required=False)
    multiplier = forms.DecimalField(label=_("倍率"), initial=Decimal(1), min_value=Decimal("0.000001"), required=False)
    initial_reading = forms.FloatField(label=_("安装时表底读数"), initial=0, required=False)

    class Meta:
        model = Meter
        fields = [f for f in METER_FIELDS if f not in ("enterprise", "status")]

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[Meter]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        scoped: dict[str, QuerySet[Any]] = {
            "park": parks,
            "building": Building.objects.filter(park__in=parks).select_related("park"),
            "floor": Floor.objects.filter(building__park__in=parks).select_related("building"),
            "unit": Unit.objects.filter(park__in=parks, archived_at__isnull=True).select_related("building"),
            "parent": Meter.objects.filter(park__in=parks, is_virtual=False),
            "gateway": Gateway.objects.filter(park__in=parks),
            "paired_flow": Meter.objects.filter(park__in=parks, kind=MeterKind.WASTEWATER_FLOW),
        }
        for name, queryset in scoped.items():
            field = model_choice_field(self, name)
            field.queryset = queryset
        if self.instance.pk:
            for name in ("serial_number", "multiplier", "initial_reading"):
                del self.fields[name]
            if self.instance.enterprise is not None:
                self.fields["enterprise_ref"].initial = self.instance.enterprise.name
        self.fields["measure"].required = False
        self.fields["measure"].help_text = _("电、水、气、蒸汽、冷量、废水流量为累计量，其余为瞬时值；留空自动判断")

    def clean_enterprise_ref(self) -> Enterprise | None:
        ref = (self.cleaned_data.get("enterprise_ref") or "").strip()
        if not ref:
            return None
        found = (
            Enterprise.objects.filter(credit_code=ref.upper()).first() or Enterprise.objects.filter(name=ref).first()
        )
        if found is None:
            raise forms.ValidationError(_("企业库中没有该企业"))
        return found

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        kind = cleaned.get("kind")
        if kind and not cleaned.get("measure"):
            counting = kind in UTILITY_KINDS or kind == MeterKind.WASTEWATER_FLOW
            cleaned["measure"] = MeterMeasure.COUNTER if counting else MeterMeasure.INSTANTANEOUS
        if kind and not cleaned.get("measure_unit"):
            cleaned["measure_unit"] = KIND_UNITS.get(kind, "")
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        data["enterprise"] = self.cleaned_data.get("enterprise_ref")
        return data


class ReplaceDeviceForm(forms.Form):
    at = forms.DateTimeField(label=_("换表时间"), widget=DATETIME, initial=timezone.localtime)
    final_reading = forms.FloatField(label=_("旧表拆除读数"))
    serial_number = forms.CharField(label=_("新表编号"), max_length=60)
    multiplier = forms.DecimalField(label=_("新表倍率"), initial=Decimal(1), min_value=Decimal("0.000001"))
    initial_reading = forms.FloatField(label=_("新表起始读数"), initial=0)

    def replacement(self) -> Replacement:
        data = self.cleaned_data
        return Replacement(
            data["at"], data["final_reading"], data["serial_number"], data["multiplier"], data["initial_reading"]
        )


class AlarmRuleForm(forms.ModelForm[AlarmRule]):
    cascade_codes = forms.CharField(
        label=_("压差梯度（表计编号，由高压到低压）"),
        required=False,
        help_text=_("仅压差梯度规则：如 DP-C1-B, DP-C1-C, DP-C1-D"),
    )

    class Meta:
        model = AlarmRule
        fields = list(RULE_FIELDS)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[AlarmRule]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        park_field = model_choice_field(self, "park")
        park_field.queryset = parks
        meter_field = model_choice_field(self, "meter")
        meter_field.queryset = Meter.objects.filter(park__in=parks)
        policy_field = model_choice_field(self, "policy")
        policy_field.queryset = EscalationPolicy.objects.filter(park__in=parks)
        if self.instance.pk and self.instance.kind == "cascade":
            codes = self.instance.cascade.order_by("position").values_list("meter__code", flat=True)
            self.fields["cascade_codes"].initial = ", ".join(codes)

    def cascade_meters(self) -> list[Meter] | None:
        text = self.cleaned_data.get("cascade_codes") or ""
        codes = [c for c in text.replace("，", ",").replace(" ", ",").split(",") if c]
        if self.cleaned_data.get("kind") != "cascade":
            return None
        park = self.cleaned_data.get("park")
        found = {m.code: m for m in Meter.objects.filter(park=park, code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError({"cascade_codes": _("没有这些表计：%(codes)s") % {"codes": ", ".join(missing)}})
        return [found[c] for c in codes]


class GatewayForm(forms.ModelForm[Gateway]):
    class Meta:
        model = Gateway
        fields = ["park", "code", "name", "note"]

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[Gateway]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        park_field = model_choice_field(self, "park")
        park_field.queryset = parks


class AlarmActionForm(forms.Form):
    text = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReadingUploadForm(forms.Form):
    park = forms.ModelChoiceField(queryset=Park.objects.none(), label=_("园区"))
    file = ImportFileField(label=_("抄表文件（.xlsx 或 CSV）"))

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        park_field = model_choice_field(self, "park")
        park_field.queryset = parks


def month_param(value: str | None, default: datetime.date) -> datetime.date:
    """A "YYYY-MM" query parameter as the month's first day (the default when absent or malformed)."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)
