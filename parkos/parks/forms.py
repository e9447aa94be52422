from __future__ import annotations

from typing import Any, ClassVar, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import choose_from
from parkos.parks.models import Building, Floor, LandParcel, Park, SpaceMedia, Unit
from parkos.parks.policy import normalize_industry_codes
from parkos.parks.services import adjacent_units
from parkos.web.forms import FormData, FormFiles, FormOptions, ModelFormOptions, model_choice_field
from parkos.web.widgets import industry_picker


class ParkFormOptions(FormOptions, total=False):
    """A park-scoped form's keyword arguments, for subclasses that add their own."""

    parks: QuerySet[Park] | None


class ParkModelFormOptions[M: Model](ModelFormOptions[M], total=False):
    """A park-scoped ModelForm's keyword arguments, for subclasses that add their own."""

    parks: QuerySet[Park] | None


def offer_parks(form: forms.BaseForm, parks: QuerySet[Park] | None) -> QuerySet[Park]:
    """Let the form's `park` field offer only `parks` (the person's; none when not given); returns them."""
    offered = parks if parks is not None else Park.objects.none()
    model_choice_field(form, "park").queryset = offered
    return offered


class ParkScopedForm(forms.Form):
    """A form whose `park` field offers only the parks the person may act in."""

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        offer_parks(self, parks)


class ParkScopedModelForm[M: Model](forms.ModelForm[M]):
    """A ModelForm whose `park` offers only the person's parks; a saved object keeps its park unless
    `park_movable` (moving a project or a programme to another park would silently move its history)."""

    park_movable: ClassVar[bool] = False

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park] | None = None,
        **kwargs: Unpack[ModelFormOptions[M]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        if "park" in self.fields:
            offer_parks(self, parks)
            if self.instance.pk and not self.park_movable:
                self.fields["park"].disabled = True


class IndustryCodesField(forms.CharField):
    """GB/T 4754 codes typed as a list separated by commas, spaces or 、."""

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        for sep in "，、;；\n":
            text = text.replace(sep, ",")
        return [part.strip() for chunk in text.split(",") for part in chunk.split() if part.strip()]

    def prepare_value(self, value: object) -> Any:
        if isinstance(value, list) and not getattr(self.widget, "allow_multiple_selected", False):
            return ", ".join(value)
        return value

    def validate(self, value: list[str]) -> None:
        super().validate(",".join(value))
        try:
            normalize_industry_codes(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None


class ParkForm(forms.ModelForm[Park]):
    welcomed_industry_codes = IndustryCodesField(
        label=_("鼓励入驻的行业"),
        required=False,
        widget=industry_picker(multiple=True),
        help_text=_("国民经济行业分类（GB/T 4754-2017）任一层级，按名称、代码或拼音搜索；为空表示不限"),
    )

    class Meta:
        model = Park
        fields = [
            "code", "name", "name_en", "operator", "province", "city", "district", "address", "land_area_sqm",
            "established_year", "industry_focus", "welcomed_industry_codes", "min_tax_wan_per_mu_year",
            "min_investment_wan_per_mu", "rent_min_yuan_per_sqm_month", "rent_max_yuan_per_sqm_month", "sale_allowed",
            "transport", "description", "description_en",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }


class BuildingForm(forms.ModelForm[Building]):
    class Meta:
        model = Building
        fields = [
            "code", "name", "structure", "storeys", "basement_storeys", "fire_resistance_grade", "design_fire_class",
            "sprinklered", "status", "column_grid", "freight_lift_count", "freight_lift_t", "completed_year",
            "land_area_sqm",
        ]  # fmt: skip


class FloorForm(forms.ModelForm[Floor]):
    class Meta:
        model = Floor
        fields = ["level", "area_sqm", "floor_load_kn_m2", "clear_height_m", "design_fire_class", "column_grid"]


class UnitForm(forms.ModelForm[Unit]):
    adjacent_units = forms.ModelMultipleChoiceField(
        label=_("相邻单元"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("与本单元共用隔墙（同层）或上下相邻（相邻楼层）的单元；组合匹配只组合相邻单元，上下组合须有货梯"),
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        building: Building | None = None,
        **kwargs: Unpack[ModelFormOptions[Unit]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        target = building or (self.instance.building if self.instance.pk else None)
        adjacent = model_choice_field(self, "adjacent_units")
        if target is not None:
            choose_from(self, "floor", target.floors.order_by("-level"))
            adjacent.queryset = (
                target.units.filter(archived_at__isnull=True).exclude(pk=self.instance.pk).select_related("floor")
            ).order_by("floor__level", "code")
            model_choice_field(self, "adjacent_units", label=lambda u: f"{u.code}（{u.floor.level_label}）")
        if self.instance.pk:
            self.initial["adjacent_units"] = [u.pk for u in adjacent_units(self.instance)]

    class Meta:
        model = Unit
        fields = [
            "floor", "code", "space_type", "area_sqm", "storeys_spanned", "power_kva", "freight_lift_t", "crane_t",
            "cleanroom_grade", "storage_fire_class", "cold_storage_min_c", "wastewater_pretreatment",
            "hazardous_chemicals_allowed", "rent_yuan_per_sqm_month", "sale_price_yuan_per_sqm", "for_sale", "lettable",
            "available_from",
        ]  # fmt: skip
        widgets = {"available_from": forms.DateInput(attrs={"type": "date"})}


class LandParcelForm(forms.ModelForm[LandParcel]):
    class Meta:
        model = LandParcel
        fields = [
            "code", "name", "area_sqm", "land_use", "plot_ratio_min", "plot_ratio_max", "building_density_min",
            "green_ratio_max", "price_wan_per_mu", "term_years", "rent_yuan_per_sqm_month", "lettable", "available_from",
        ]  # fmt: skip
        widgets = {"available_from": forms.DateInput(attrs={"type": "date"})}


class ReservationForm(forms.Form):
    holder_name = forms.CharField(label=_("预留对象（意向企业）"), max_length=120)
    reserved_until = forms.DateField(label=_("预留截止"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class SpaceMediaForm(forms.Form):
    image = forms.ImageField(label=_("图片"), help_text=_("JPEG、PNG、WebP 或 GIF，不超过5 MB"))
    kind = forms.ChoiceField(label=_("类型"), choices=SpaceMedia.Kind.choices, initial=SpaceMedia.Kind.PHOTO)
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)
