from __future__ import annotations

from typing import Any, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import choose_from
from parkos.core.importing import ImportMode
from parkos.core.importing.forms import ImportFileField
from parkos.enterprises.choices import Qualification
from parkos.enterprises.models import Contact, Enterprise
from parkos.parks.models import Park
from parkos.web.forms import FormData, FormFiles, ModelFormOptions


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("，", ",").replace("、", ",").split(",") if part.strip()]


class EnterpriseForm(forms.ModelForm[Enterprise]):
    """Profile fields; validation beyond the types happens in the services (credit code, industry)."""

    # Checked by the services after normalisation (spaces, hyphens, full-width characters).
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=64,
        required=False,
        help_text=_("选填：18位，可带空格；潜在客户可暂缺，保存时自动校验"),
    )
    former_names_text = forms.CharField(label=_("曾用名"), required=False, help_text=_("多个用逗号分隔"))
    secondary_codes_text = forms.CharField(label=_("其他行业代码"), required=False, help_text=_("多个用逗号分隔"))
    tags_text = forms.CharField(label=_("标签"), required=False, help_text=_("多个用逗号分隔"))
    qualifications = forms.MultipleChoiceField(
        label=_("资质"), required=False, choices=Qualification.choices, widget=forms.CheckboxSelectMultiple
    )
    accept_checksum_mismatch = forms.BooleanField(
        label=_("我已在国家企业信用信息公示系统核实该代码，确认保存"),
        required=False,
        help_text=_("仅用于校验位不符合国家标准的早期真实代码；此操作会记入审计日志"),
    )

    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "legal_form", "registered_capital_wan", "founded_on", "registered_address", "city",
            "district", "industry_code", "business_scope", "employees", "annual_revenue_wan", "above_scale_since",
            "listing_status", "stock_code", "high_tech", "qualifications", "lifecycle", "parks",
        ]  # fmt: skip
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "above_scale_since": forms.DateInput(attrs={"type": "date"}),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "parks": forms.CheckboxSelectMultiple,
        }

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park] | None = None,
        **kwargs: Unpack[ModelFormOptions[Enterprise]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        if parks is not None:
            choose_from(self, "parks", parks)
        if self.instance.pk:
            self.initial["former_names_text"] = "，".join(self.instance.former_names)
            self.initial["secondary_codes_text"] = "，".join(self.instance.secondary_industry_codes)
            self.initial["tags_text"] = "，".join(t.name for t in self.instance.tags.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["former_names"] = _split(data.pop("former_names_text", "") or "")
        data["secondary_industry_codes"] = _split(data.pop("secondary_codes_text", "") or "")
        data["tags"] = _split(data.pop("tags_text", "") or "")
        return data

    def _post_clean(self) -> None:
        # The services validate and save; skip ModelForm's instance validation so errors are reported once.
        pass

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        parks = data.pop("parks", None)
        tags = data.pop("tags", [])
        accept = data.pop("accept_checksum_mismatch", False)
        return {"fields": data, "parks": list(parks) if parks is not None else [], "tags": tags, "accept": accept}

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class ContactForm(forms.ModelForm[Contact]):
    # Normalised by the services to E.164 before anything else: "+86 139 1234 5678" is a mobile.
    mobile = forms.CharField(label=_("手机"), max_length=30, required=False)
    landline = forms.CharField(label=_("座机"), max_length=40, required=False)

    class Meta:
        model = Contact
        fields = ["name", "title", "mobile", "landline", "landline_ext", "email", "wechat", "is_primary"]

    def _post_clean(self) -> None:
        pass

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)


class ImportForm(forms.Form):
    file = ImportFileField(help_text=_("Excel（.xlsx）或 CSV，第一行为列名"))
    mode = forms.ChoiceField(label=_("导入方式"), choices=ImportMode.choices, initial=ImportMode.VALID_ROWS)
