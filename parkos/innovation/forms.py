"""Forms of the innovation pages: they parse and check the input; the services decide and write."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core.form_fields import CharFieldOptions, DecimalFieldOptions
from parkos.core.importing.forms import ImportFileField
from parkos.core.models import ImportMode
from parkos.enterprises.models import Enterprise
from parkos.enterprises.selectors import enterprise_by_reference
from parkos.innovation import regulatory
from parkos.innovation.choices import MilestoneKind, ProjectIssueStatus, ProjectPhase
from parkos.innovation.models import (
    Agreement,
    Fund,
    Institution,
    InstitutionContact,
    JointProject,
    Milestone,
    Platform,
    PlatformUse,
    Product,
    ProductPartner,
    Project,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)
from parkos.innovation.regulatory import ClinicalStage, DeviceStage
from parkos.parks.forms import ParkModelFormOptions, ParkScopedModelForm, offer_parks
from parkos.parks.models import Park
from parkos.web.forms import FormData, FormFiles, FormOptions, ModelFormOptions, choice_field, model_choice_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WAN = Decimal(10_000)


class EnterpriseRefField(forms.CharField):
    """An enterprise of the pool, typed as its name or credit code."""

    def __init__(self, **kwargs: Unpack[CharFieldOptions]) -> None:
        kwargs.setdefault("label", _("企业（名称或统一社会信用代码）"))
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> Any:
        if isinstance(value, Enterprise):
            return value.name
        if isinstance(value, int):
            return Enterprise.objects.filter(pk=value).values_list("name", flat=True).first() or value
        return value

    def clean(self, value: object) -> Any:
        text = super().clean(value)
        if not text:
            return None
        enterprise = enterprise_by_reference(text)
        if enterprise is None:
            raise ValidationError(_("企业库中没有找到“%(v)s”，请先在企业库中建档") % {"v": text})
        return enterprise


class WanField(forms.DecimalField):
    """Money typed in 万元 (as people speak of investment), returned in 元."""

    def __init__(self, **kwargs: Unpack[DecimalFieldOptions]) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 6)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**kwargs)

    def prepare_value(self, value: object) -> Any:
        if isinstance(value, Decimal):
            return (value / WAN).normalize()
        return value

    def clean(self, value: object) -> Decimal | None:
        amount = super().clean(value)
        return None if amount is None else (amount * WAN).quantize(Decimal("0.01"))


def label_empty_choices(form: forms.BaseForm) -> None:
    """ "请选择" for a select's empty choice: Django 6.1's new "- Select an option -" has no Chinese yet."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            field.empty_label = _("请选择")


class ParkedForm[M: Model](ParkScopedModelForm[M]):
    """A ModelForm with a park chosen among the person's parks and dates as date inputs."""

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[ParkModelFormOptions[M]]
    ) -> None:
        super().__init__(data, files, **kwargs)
        label_empty_choices(self)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE


# --- projects ------------------------------------------------------------------------------------

PROJECT_DATE_FIELDS = (
    "planned_signed_on", "signed_on", "planned_delivered_on", "delivered_on", "planned_started_on", "started_on",
    "planned_structure_done_on", "structure_done_on", "planned_accepted_on", "accepted_on",
    "planned_completed_on", "completed_on",
)  # fmt: skip


class ProjectForm(ParkedForm[Project]):
    enterprise = EnterpriseRefField(
        label=_("建设单位（名称或统一社会信用代码）"), required=False, help_text=_("园区自建项目留空")
    )
    planned_investment = WanField(
        label=_("计划总投资（万元）"), required=False, help_text=_("≥500万元的项目纳入固定资产投资统计")
    )

    class Meta:
        model = Project
        fields = (
            "park",
            "name",
            "kind",
            "enterprise",
            "planned_investment",
            "floor_area_sqm",
            *PROJECT_DATE_FIELDS,
            "note",
        )

    def _post_clean(self) -> None:
        # Model validation runs in the service (with today's date); skip the ModelForm's copy.
        pass


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("阶段"), choices=ProjectPhase.choices)
    actual_on = forms.DateField(label=_("实际日期"), widget=DATE)


class ProgressForm(forms.Form):
    """A month's investment, by 构成, in 万元."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    construction = WanField(label=_("建筑工程（万元）"), initial=0)
    installation = WanField(label=_("安装工程（万元）"), initial=0)
    equipment = WanField(label=_("设备工器具购置（万元）"), initial=0)
    other = WanField(label=_("其他费用（万元）"), initial=0)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("照片"))
    taken_on = forms.DateField(label=_("拍摄日期"), widget=DATE)
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


class IssueForm(forms.Form):
    raised_on = forms.DateField(label=_("提出日期"), widget=DATE)
    meeting = forms.CharField(label=_("推进会"), max_length=100, required=False)
    problem = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("责任单位/责任人"), max_length=100)
    due_on = forms.DateField(label=_("限期"), widget=DATE)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("raised_on") and data.get("due_on") and data["due_on"] < data["raised_on"]:
            self.add_error("due_on", _("限期不能早于提出日期"))
        return data


class IssueCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("结果"),
        choices=[
            (ProjectIssueStatus.RESOLVED, ProjectIssueStatus.RESOLVED.label),
            (ProjectIssueStatus.DROPPED, ProjectIssueStatus.DROPPED.label),
        ],
    )
    resolution = forms.CharField(label=_("解决情况"), widget=forms.Textarea(attrs={"rows": 2}))
    resolved_on = forms.DateField(label=_("日期"), widget=DATE)


# --- products ------------------------------------------------------------------------------------


def registration_class_choices() -> list[tuple[Any, Any]]:
    """One select for family and class: "chemical:1" → 化学药品 1类：创新药 (grouped by family)."""
    groups: list[tuple[Any, Any]] = [("", "---------")]
    for family, classes in regulatory.REGISTRATION_CLASSES.items():
        groups.append((family.label, [(f"{family.value}:{code}", label) for code, label in classes.items()]))
    return groups


def stage_choices() -> list[tuple[Any, Any]]:
    return [
        (regulatory.Pathway.CLINICAL.label, list(ClinicalStage.choices)),
        (regulatory.Pathway.REGISTRATION.label, list(DeviceStage.choices)),
    ]


#: The class fields of each kind of product (an IVD is a device, or a biologic with a drug class).
PRODUCT_KIND_FIELDS: dict[str, list[str]] = {
    "drug": ["registration_class", "approval_number"],
    "device": ["device_class", "device_number"],
    "ivd": ["registration_class", "approval_number", "device_class", "device_number"],
    "health": [],
}


class ProductForm(ParkedForm[Product]):
    enterprise = EnterpriseRefField()
    registration_class = forms.ChoiceField(
        label=_("药品注册分类"), required=False, help_text=_("药品、按生物制品管理的体外诊断试剂必填")
    )

    class Meta:
        model = Product
        fields = (
            "park",
            "enterprise",
            "name",
            "kind",
            "is_key",
            "indication",
            "device_class",
            "device_number",
            "approval_number",
            "note",
        )

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = choice_field(self, "registration_class")
        field.choices = registration_class_choices()
        if self.instance.pk and self.instance.drug_family:
            self.initial["registration_class"] = f"{self.instance.drug_family}:{self.instance.drug_category}"
        order = ["park", "enterprise", "name", "kind", "registration_class"]
        self.order_fields(order + [f for f in self.fields if f not in order])

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        family, _sep, category = (data.get("registration_class") or "").partition(":")
        data["drug_family"], data["drug_category"] = family, category
        return data

    def _post_clean(self) -> None:
        pass  # the service validates the product whole (class, number formats)


class ProductCreateForm(ProductForm):
    stage = forms.ChoiceField(label=_("当前阶段"), choices=stage_choices)
    stage_on = forms.DateField(label=_("进入该阶段日期"), widget=DATE)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("新阶段"))
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("原因（阶段倒退时必填）"), max_length=300, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        pathway: str = regulatory.Pathway.CLINICAL,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = choice_field(self, "stage")
        field.choices = regulatory.stages_of(pathway).choices


class PartnerForm(forms.ModelForm[ProductPartner]):
    class Meta:
        model = ProductPartner
        fields = ("role", "name", "institution", "since", "note")
        widgets = {"since": DATE}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        **kwargs: Unpack[ModelFormOptions[ProductPartner]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        label_empty_choices(self)


# --- milestones ----------------------------------------------------------------------------------


#: The facts each kind of milestone has (the page shows only the chosen kind's).
MILESTONE_KIND_FIELDS: dict[str, list[str]] = {
    MilestoneKind.LISTING: ["exchange", "stock_code", "short_name", "market_value"],
    MilestoneKind.HIGH_TECH: ["certificate_number", "valid_until"],
    MilestoneKind.SPECIALISED: ["certificate_number", "valid_until", "title"],
    MilestoneKind.LITTLE_GIANT: ["certificate_number", "valid_until", "title"],
    MilestoneKind.FINANCING: ["financing_round", "amount", "investors"],
    MilestoneKind.PATENT: ["patent_type", "patent_status", "patent_number", "quantity", "title"],
    MilestoneKind.OTHER: ["title"],
}


class MilestoneForm(ParkedForm[Milestone]):
    enterprise = EnterpriseRefField()
    market_value = WanField(
        label=_("上市首日总市值（万元）"), required=False, help_text=_("填写后按持股比例为运营方持股估值")
    )
    amount = WanField(label=_("融资金额（万元）"), required=False)

    class Meta:
        model = Milestone
        fields = (
            "park", "enterprise", "kind", "on", "exchange", "stock_code", "short_name", "market_value",
            "certificate_number", "valid_until", "financing_round", "amount", "investors", "patent_type",
            "patent_status", "patent_number", "quantity", "title", "note",
        )  # fmt: skip

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = choice_field(self, "kind")
        field.choices = [("", "---------"), *MilestoneKind.choices]

    def _post_clean(self) -> None:
        pass  # the service validates (kind-specific facts, dates)


# --- 产学研 ---------------------------------------------------------------------------------------


class InstitutionForm(forms.ModelForm[Institution]):
    class Meta:
        model = Institution
        fields = ("name", "kind", "city", "clinical_trial_site", "specialties", "website", "note")


class InstitutionContactForm(forms.ModelForm[InstitutionContact]):
    class Meta:
        model = InstitutionContact
        fields = ("name", "title", "mobile", "email")

    def _post_clean(self) -> None:
        pass  # the service normalises the mobile


class AgreementForm(ParkedForm[Agreement]):
    enterprise = EnterpriseRefField(label=_("合作企业（名称或统一社会信用代码）"), required=False)
    amount = WanField(label=_("合作金额（万元）"), required=False)

    class Meta:
        model = Agreement
        fields = ("park", "institution", "enterprise", "title", "kind", "signed_on", "expires_on", "amount", "note")


class JointProjectForm(ParkedForm[JointProject]):
    enterprise = EnterpriseRefField(label=_("合作企业（名称或统一社会信用代码）"), required=False)
    budget = WanField(label=_("经费（万元）"), required=False)

    class Meta:
        model = JointProject
        fields = (
            "park",
            "institution",
            "enterprise",
            "title",
            "started_on",
            "ended_on",
            "budget",
            "funding",
            "status",
            "note",
        )


class PlatformForm(ParkedForm[Platform]):
    class Meta:
        model = Platform
        fields = ("park", "name", "kind", "institution", "operator_name", "opened_on", "capacity", "note")


class PlatformUseForm(forms.ModelForm[PlatformUse]):
    enterprise = EnterpriseRefField(label=_("使用企业（名称或统一社会信用代码）"))

    class Meta:
        model = PlatformUse
        fields = ("enterprise", "since", "until", "note")
        widgets = {"since": DATE, "until": DATE}

    def _post_clean(self) -> None:
        pass


class TechTransferForm(ParkedForm[TechTransfer]):
    enterprise = EnterpriseRefField(label=_("受让/被许可企业（名称或统一社会信用代码）"))
    amount = WanField(label=_("合同金额（万元）"), required=False)

    class Meta:
        model = TechTransfer
        fields = (
            "park",
            "kind",
            "institution",
            "licensor_name",
            "enterprise",
            "ip",
            "amount",
            "signed_on",
            "ends_on",
            "products",
            "note",
        )

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        products = model_choice_field(self, "products")
        parks = model_choice_field(self, "park")
        products.queryset = (
            Product.objects.filter(park__in=parks.queryset if parks.queryset is not None else Park.objects.none())
            .select_related("enterprise")
            .order_by("name")
        )
        products.required = False

    def _post_clean(self) -> None:
        pass


# --- import ---------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none())
    file = ImportFileField(label=_("文件（.xlsx 或 .csv）"))
    csv_table = forms.ChoiceField(
        label=_("CSV 文件的内容"), required=False, help_text=_("上传 CSV 时选择；Excel 工作簿按工作表名称识别")
    )
    mode = forms.ChoiceField(label=_("导入方式"), choices=ImportMode.choices, initial=ImportMode.ALL_OR_NOTHING)
    dry_run = forms.BooleanField(label=_("仅预览（校验并显示将新增、更新多少行，不写入）"), required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park] | None = None,
        tables: Sequence[tuple[str, str]] = (),
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        offer_parks(self, parks)
        table_field = choice_field(self, "csv_table")
        table_field.choices = [("", "---------"), *tables]
        label_empty_choices(self)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("file")
        if upload is not None and upload.name.lower().endswith(".csv") and not data.get("csv_table"):
            self.add_error("csv_table", _("上传 CSV 文件时请选择其内容（哪一张表）"))
        return data


# --- 投资孵化 -------------------------------------------------------------------------------------


class FundForm(forms.ModelForm[Fund]):
    size = WanField(label=_("规模（万元）"), required=False)

    class Meta:
        model = Fund
        fields = ("name", "kind", "manager", "size", "vintage", "note")


class InvestmentForm(forms.ModelForm[StakeInvestment]):
    amount = WanField(label=_("投资金额（万元）"))
    post_money = WanField(label=_("投后估值（万元）"), required=False)

    class Meta:
        model = StakeInvestment
        fields = ("kind", "financing_round", "on", "amount", "share_pct", "post_money", "note")
        widgets = {"on": DATE}

    def _post_clean(self) -> None:
        pass


class NewStakeForm(InvestmentForm):
    """The first investment in a tenant: who invests, in whom, for which park."""

    fund = forms.ModelChoiceField(label=_("投资主体"), queryset=Fund.objects.order_by("name"))
    enterprise = EnterpriseRefField(label=_("被投企业（名称或统一社会信用代码）"))
    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none())

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
        label_empty_choices(self)
        order = ["fund", "enterprise", "park"]
        self.order_fields(order + [f for f in self.fields if f not in order])


class ValuationForm(forms.ModelForm[StakeValuation]):
    fair_value = WanField(label=_("公允价值（万元）"))

    class Meta:
        model = StakeValuation
        fields = ("on", "fair_value", "method", "note")
        widgets = {"on": DATE}

    def _post_clean(self) -> None:
        pass


class ExitForm(forms.ModelForm[StakeExit]):
    proceeds = WanField(label=_("退出回款（万元）"), initial=0)

    class Meta:
        model = StakeExit
        fields = ("kind", "on", "proceeds", "share_pct", "note")
        widgets = {"on": DATE}

    def _post_clean(self) -> None:
        pass
