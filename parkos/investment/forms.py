"""Forms: the officer's lead form, activities, pipeline moves, and the public requirement form."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.models import User
from parkos.core.form_fields import ChoiceFieldOptions
from parkos.core.forms import choose_from
from parkos.core.units import mu_to_sqm
from parkos.investment.choices import (
    ActivityKind,
    AreaUnit,
    EiaCategory,
    FloorPreference,
    LeadSource,
    LeadStage,
    SpaceKind,
    Tenure,
)
from parkos.investment.services import normalise_mobile
from parkos.parks.choices import CleanroomGrade, FireHazardClass, cleanroom_grade_from_text
from parkos.parks.models import Park
from parkos.web.forms import FormData, FormFiles, FormOptions
from parkos.web.widgets import IndustryCodeField

#: What a prospect can tick in two minutes; each maps to a declared process (RULES §4.1, §4.6).
PROCESS_PRESETS: dict[str, tuple[Any, dict[str, str]]] = {
    "solvent_low": (
        _("使用闪点低于28℃的易燃溶剂（如乙醇、甲醇、丙酮、乙酸乙酯）"),
        {"kind": "solvent", "flash_point_c": "13", "name": "易燃溶剂"},
    ),
    "solvent_mid": (
        _("使用闪点28–60℃的液体（如煤油、冰醋酸）"),
        {"kind": "solvent", "flash_point_c": "38", "name": "可燃液体"},
    ),
    "hydrogenation": (_("加氢反应"), {"kind": "hydrogenation", "name": "加氢"}),
    "eo_sterilisation": (_("环氧乙烷灭菌"), {"kind": "ethylene_oxide_sterilisation", "name": "环氧乙烷灭菌"}),
    "explosive_dust": (_("产生可爆炸粉尘（如制粒、粉碎）"), {"kind": "explosive_dust", "name": "粉尘"}),
    "combustible": (
        _("一般可燃材料的生产加工（如塑料、包材、中药饮片）"),
        {"kind": "combustible_solids", "name": "可燃固体"},
    ),
    "assembly": (_("金属、电子等不燃材料的装配"), {"kind": "non_combustible_assembly", "name": "装配"}),
}


def processes_from(keys: list[str], flash_point: Decimal | None = None) -> list[dict[str, str]]:
    """Declared processes from the ticked presets (and a solvent with a given flash point).

    No shares: a prospect ticking boxes has not measured areas, so each process may use the whole
    area and the most hazardous one decides the class (parks.fire.derive_tenant_class).
    """
    chosen = [dict(PROCESS_PRESETS[k][1]) for k in keys if k in PROCESS_PRESETS]
    if flash_point is not None:
        chosen.append({"kind": "solvent", "flash_point_c": str(flash_point), "name": "溶剂"})
    return chosen


class CleanroomGradeField(forms.ChoiceField):
    """A GMP grade; what people type ("10万级", "万级", "百级", "ISO 7") is accepted too."""

    def __init__(self, **kwargs: Unpack[ChoiceFieldOptions]) -> None:
        kwargs.setdefault("choices", CleanroomGrade.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: object) -> str:
        text = str(super().to_python(value))
        try:
            return cleanroom_grade_from_text(text) if text else ""
        except ValueError:
            return text  # not a grade: `validate` refuses it with the usual message


def _area(value: Decimal | None, unit: str) -> Decimal | None:
    if value is None:
        return None
    return mu_to_sqm(value).quantize(Decimal("0.01")) if unit == AreaUnit.MU else value


class RequirementFieldsMixin(forms.Form):
    """The requirement fields shared by the officer's form and the public form."""

    space_kind = forms.ChoiceField(label=_("需求类型"), choices=SpaceKind.choices, initial=SpaceKind.FACTORY)
    area_unit = forms.ChoiceField(label=_("面积单位"), choices=AreaUnit.choices, initial=AreaUnit.SQM)
    area_min = forms.DecimalField(
        label=_("面积不小于"), required=False, min_value=Decimal(1), max_digits=12, decimal_places=2
    )
    area_max = forms.DecimalField(
        label=_("面积不大于"), required=False, min_value=Decimal(1), max_digits=12, decimal_places=2
    )
    industry_code = IndustryCodeField(
        label=_("用途（所属行业）"),
        required=False,
        help_text=_("国民经济行业分类（GB/T 4754-2017），可选到门类、大类、中类或小类，越细匹配越准"),
    )
    floor_preference = forms.ChoiceField(label=_("楼层要求"), choices=FloorPreference.choices, required=False)
    storage_fire_class = forms.ChoiceField(
        label=_("储存物品火灾危险性类别"),
        choices=[("", _("不涉及仓储")), *FireHazardClass.choices],
        required=False,
        help_text=_(
            "GB 50016 表3.1.3：甲（如乙醇、丙酮）、乙（如煤油、冰醋酸）、丙（可燃固体、闪点≥60℃液体）、丁（难燃）、戊（不燃）"
        ),
    )
    cold_storage_temp_c = forms.DecimalField(
        label=_("冷库温度要求（℃）"), required=False, max_digits=4, decimal_places=1, min_value=-60, max_value=15
    )
    process_presets = forms.MultipleChoiceField(
        label=_("生产工艺涉及"),
        choices=[(k, v[0]) for k, v in PROCESS_PRESETS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cleanroom_grade = CleanroomGradeField(
        label=_("洁净要求"), help_text=_("GMP（2010）级别；也可填写十万级、万级、百级")
    )
    expected_annual_tax_wan = forms.DecimalField(
        label=_("预计年税收（万元）"), required=False, min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    move_in_on = forms.DateField(
        label=_("计划入驻日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("area_min"), data.get("area_max")
        if low is not None and high is not None and low > high:
            self.add_error("area_max", _("面积上限不能小于下限"))
        kind = data.get("space_kind")
        if data.get("cold_storage_temp_c") is not None and kind not in (None, SpaceKind.COLD_STORAGE):
            self.add_error("cold_storage_temp_c", _("冷库温度只适用于冷库需求"))
        if data.get("storage_fire_class") and kind not in (None, SpaceKind.WAREHOUSE, SpaceKind.COLD_STORAGE):
            self.add_error("storage_fire_class", _("储存物品类别只适用于仓储或冷库需求"))
        return data

    @property
    def industry_notice(self) -> str:
        """Set when a 2011-edition code was mapped to 2017: the page tells the person."""
        field = self.fields["industry_code"]
        return field.notice if isinstance(field, IndustryCodeField) else ""

    def requirement_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        unit = data.get("area_unit") or AreaUnit.SQM
        return {
            "space_kind": data["space_kind"],
            "area_unit": unit,
            "area_min_sqm": _area(data.get("area_min"), unit),
            "area_max_sqm": _area(data.get("area_max"), unit),
            "industry_code": data.get("industry_code") or "",
            "cleanroom_grade": data.get("cleanroom_grade") or "",
            "floor_preference": data.get("floor_preference") or "",
            "storage_fire_class": data.get("storage_fire_class") or "",
            "cold_storage_temp_c": data.get("cold_storage_temp_c"),
            "expected_annual_tax_wan": data.get("expected_annual_tax_wan"),
            "move_in_on": data.get("move_in_on"),
        }

    def processes(self) -> list[dict[str, str]]:
        return processes_from(list(self.cleaned_data.get("process_presets") or []))


class PublicRequirementForm(RequirementFieldsMixin):
    """The portal form: what a prospect can answer in two minutes. No login; CSRF, consent and a honeypot."""

    company_name = forms.CharField(label=_("公司名称"), max_length=200)
    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    description = forms.CharField(
        label=_("需求说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    park = forms.ModelChoiceField(
        label=_("意向园区"), queryset=Park.objects.none(), required=False, empty_label=_("不限（由园区推荐）")
    )
    consent = forms.BooleanField(
        label=_("我同意园区运营方为匹配招商资源而处理上述个人信息（姓名、手机号），并可就此联系我"),
        error_messages={"required": _("请勾选同意个人信息处理，否则无法提交")},
    )
    # Honeypot: hidden from people by CSS; bots fill every field. The view answers such a post like a
    # success and stores nothing, so a bot learns nothing from the answer.
    website = forms.CharField(label=_("网站"), required=False)

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    field_order = [
        "space_kind", "area_min", "area_max", "area_unit", "industry_code", "expected_annual_tax_wan", "process_presets",
        "cleanroom_grade", "floor_preference", "storage_fire_class", "cold_storage_temp_c", "park", "move_in_on",
        "company_name", "contact_name", "mobile", "description", "consent",
    ]  # fmt: skip

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "park", Park.objects.active().order_by("city", "name"))
        self.fields["industry_code"].required = True
        self.fields["industry_code"].error_messages["required"] = _("请选择用途（所属行业）")

    def clean_mobile(self) -> str:

        try:
            return normalise_mobile(self.cleaned_data["mobile"])
        except ValidationError as exc:
            raise ValidationError(_("请填写正确的11位手机号码")) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("area_min") is None and data.get("area_max") is None and "area_min" not in self.errors:
            self.add_error("area_min", _("请填写需求面积"))
        return data


class ViewingRequestForm(forms.Form):
    """预约看房 on a unit's public page: who, how to reach them, when. Consent and a honeypot."""

    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    company_name = forms.CharField(label=_("公司名称"), max_length=200, required=False)
    preferred_on = forms.DateField(label=_("希望看房日期"), widget=forms.DateInput(attrs={"type": "date"}))
    alternative_on = forms.DateField(
        label=_("备选日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    consent = forms.BooleanField(
        label=_("我同意园区运营方为安排看房而处理上述个人信息（姓名、手机号），并可就此联系我"),
        error_messages={"required": _("请勾选同意个人信息处理，否则无法提交")},
    )
    website = forms.CharField(label=_("网站"), required=False)

    def clean_mobile(self) -> str:
        try:
            return normalise_mobile(self.cleaned_data["mobile"])
        except ValidationError as exc:
            raise ValidationError(_("请填写正确的11位手机号码")) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise ValidationError(_("提交未通过校验，请刷新页面后重试"), code="honeypot")
        today = timezone.localdate()
        for name in ("preferred_on", "alternative_on"):
            day = data.get(name)
            if day is not None and not today <= day <= today + datetime.timedelta(days=180):
                self.add_error(name, _("请选择今天起180天内的日期"))
        return data


class LeadForm(RequirementFieldsMixin):
    """The officer's form: the lead and its whole structured requirement."""

    company_name = forms.CharField(label=_("企业名称"), max_length=200)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_mobile = forms.CharField(label=_("手机"), max_length=20, required=False)
    source = forms.ChoiceField(label=_("来源"), choices=LeadSource.choices, initial=LeadSource.PHONE)
    park = forms.ModelChoiceField(
        label=_("负责园区"), queryset=Park.objects.none(), required=False, empty_label=_("待分配")
    )
    expected_signing_on = forms.DateField(
        label=_("预计签约日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    probability = forms.IntegerField(label=_("成交概率（%）"), required=False, min_value=0, max_value=100)
    description = forms.CharField(label=_("需求描述"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tenure = forms.ChoiceField(label=_("租购方式"), choices=Tenure.choices, initial=Tenure.LEASE)
    fire_class = forms.ChoiceField(
        label=_("生产火灾危险性类别（直接填写）"),
        choices=[("", _("按工艺推定")), *list(FireHazardClass.choices)],
        required=False,
    )
    solvent_flash_point_c = forms.DecimalField(
        label=_("其他溶剂闪点（℃）"), required=False, max_digits=5, decimal_places=1
    )
    min_floor_load_kn_m2 = forms.DecimalField(
        label=_("楼面荷载不低于（kN/m²）"), required=False, max_digits=5, decimal_places=1
    )
    min_clear_height_m = forms.DecimalField(label=_("净高不低于（m）"), required=False, max_digits=4, decimal_places=2)
    min_power_kva = forms.IntegerField(label=_("用电不低于（kVA）"), required=False, min_value=0)
    min_lift_t = forms.DecimalField(label=_("货梯不低于（t）"), required=False, max_digits=5, decimal_places=1)
    min_crane_t = forms.DecimalField(label=_("行车不低于（t）"), required=False, max_digits=5, decimal_places=1)
    needs_wastewater_pretreatment = forms.BooleanField(label=_("需污水预处理"), required=False)
    eia_category = forms.ChoiceField(label=_("环评类别"), choices=EiaCategory.choices, required=False)
    budget_rent_yuan_per_sqm_month = forms.DecimalField(
        label=_("租金预算（元/m²·月）"), required=False, max_digits=8, decimal_places=2
    )
    budget_price_yuan_per_sqm = forms.DecimalField(
        label=_("购买预算（元/m²）"), required=False, max_digits=10, decimal_places=2
    )
    budget_land_wan_per_mu = forms.DecimalField(
        label=_("土地预算（万元/亩）"), required=False, max_digits=10, decimal_places=2
    )
    preferred_cities = forms.CharField(label=_("意向城市"), required=False, help_text=_("多个城市用逗号分隔"))
    preferred_parks = forms.ModelMultipleChoiceField(label=_("意向园区"), queryset=Park.objects.none(), required=False)
    investment_wan = forms.DecimalField(label=_("计划投资额（万元）"), required=False, max_digits=14, decimal_places=2)
    jobs = forms.IntegerField(label=_("预计用工（人）"), required=False, min_value=0)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        visible = parks if parks is not None else Park.objects.none()
        choose_from(self, "park", visible)
        choose_from(self, "preferred_parks", Park.objects.active().order_by("city", "name"))

    def clean_contact_mobile(self) -> str:

        raw = self.cleaned_data.get("contact_mobile") or ""
        return normalise_mobile(raw) if raw.strip() else ""

    def requirement_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = super().requirement_fields()
        for name in (
            "tenure", "fire_class", "min_floor_load_kn_m2", "min_clear_height_m", "min_power_kva", "min_lift_t",
            "min_crane_t", "needs_wastewater_pretreatment", "eia_category", "budget_rent_yuan_per_sqm_month",
            "budget_price_yuan_per_sqm", "budget_land_wan_per_mu", "investment_wan", "jobs",
        ):  # fmt: skip
            value = data.get(name)
            fields[name] = value if value is not None else ("" if name in ("fire_class", "eia_category") else None)
        fields["needs_wastewater_pretreatment"] = bool(data.get("needs_wastewater_pretreatment"))
        fields["preferred_cities"] = [
            c.strip() for c in (data.get("preferred_cities") or "").replace("，", ",").split(",") if c.strip()
        ]
        return fields

    def processes(self) -> list[dict[str, str]]:
        return processes_from(
            list(self.cleaned_data.get("process_presets") or []), self.cleaned_data.get("solvent_flash_point_c")
        )

    def lead_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "company_name": data["company_name"],
            "contact_name": data.get("contact_name") or "",
            "contact_mobile": data.get("contact_mobile") or "",
            "source": data["source"],
            "park": data.get("park"),
            "expected_signing_on": data.get("expected_signing_on"),
            "probability": data.get("probability"),
            "description": data.get("description") or "",
        }


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(k, v) for k, v in ActivityKind.choices if k != ActivityKind.SUBMISSION]
    )
    summary = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    units = forms.CharField(label=_("带看单元编号"), required=False, help_text=_("多个编号用逗号分隔"))
    next_step = forms.CharField(label=_("下一步"), required=False, max_length=200)
    next_step_on = forms.DateField(
        label=_("提醒日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("遇节假日自动顺延"),
    )


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("移动到"), choices=LeadStage.choices)
    lost_reason = forms.CharField(label=_("流失原因"), required=False, max_length=300)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=300, help_text=_("标记为已签约而系统内无已签约合同时必填")
    )


class OfficerChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj.get_full_name() or obj.username)


class AssignForm(forms.Form):
    """A manager hands a lead to an officer (and a park, for the operator-wide pool)."""

    park = forms.ModelChoiceField(label=_("负责园区"), queryset=Park.objects.none(), empty_label=_("请选择园区"))
    officer = OfficerChoiceField(label=_("招商经理"), queryset=User.objects.none(), empty_label=_("请选择招商经理"))

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        officers: QuerySet[User],
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "park", parks)
        choose_from(self, "officer", officers)
