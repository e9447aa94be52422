"""Forms of the incubation pages: they validate input; the services decide and write."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.models import User
from parkos.core.form_fields import FileFieldOptions
from parkos.core.uploads import max_upload_bytes
from parkos.incubation import services
from parkos.incubation.choices import (
    AttachmentKind,
    CriterionOperator,
    DecisionOutcome,
    EligibilityFact,
    ExitReason,
    IncubationStage,
    RequestStatus,
    SchemeApplicationStatus,
    Visibility,
)
from parkos.incubation.models import (
    AnnualReturn,
    Intake,
    Programme,
    ReviewMeeting,
    RubricCriterion,
    Scheme,
    ServiceOffering,
    ServiceProvider,
)
from parkos.parks.forms import ParkModelFormOptions, ParkScopedModelForm
from parkos.parks.models import Park
from parkos.web.forms import FormData, FormFiles, FormOptions, ModelFormOptions, choice_field, model_choice_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROGRAMME_FIELDS = (
    "park", "name", "kind", "description", "is_active", "incubation_area_sqm", "incubation_months", "extended_months",
    "extended_industry_prefixes", "entry_max_age_years", "entry_industry_prefixes", "entry_requires_ip",
    "graduate_on_high_tech", "graduate_on_revenue", "graduation_revenue_wan", "graduate_on_acquisition",
    "graduate_on_listing", "rent_free_months", "rent_discount_rate", "rent_discount_months",
)  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (each file checked by content in the service)."""

    def __init__(self, **kwargs: Unpack[FileFieldOptions]) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: object, initial: object = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class PrefixListField(forms.CharField):
    """GB/T 4754 code prefixes typed as "27, 358"; stored as a list of digit strings."""

    def prepare_value(self, value: object) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        items = [
            item.strip().upper().lstrip("ABCDEFGHIJKLMNOPQRST")
            for item in text.replace("，", ",").replace("、", ",").split(",")
        ]
        items = [item for item in items if item]
        if any(not item.isdigit() for item in items):
            raise ValidationError(_("请填写数字代码前缀，如 27、358"))
        return items


class ProgrammeForm(ParkScopedModelForm[Programme]):
    extended_industry_prefixes = PrefixListField(label=_("特定领域行业代码前缀"), required=False)
    entry_industry_prefixes = PrefixListField(label=_("准入行业代码前缀"), required=False, help_text=_("为空表示不限"))

    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("评分项"), max_length=60)
    weight = forms.DecimalField(label=_("权重"), min_value=Decimal("0.01"), max_digits=5, decimal_places=2, initial=1)
    max_score = forms.IntegerField(label=_("满分"), min_value=1, max_value=100, initial=10)
    description = forms.CharField(label=_("评分要点"), max_length=300, required=False)


RubricFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


class IntakeForm(forms.ModelForm[Intake]):
    class Meta:
        model = Intake
        fields = ("name", "year", "opens_on", "closes_on")
        widgets = {"opens_on": DATE, "closes_on": DATE}


class MeetingForm(forms.ModelForm[ReviewMeeting]):
    class Meta:
        model = ReviewMeeting
        fields = ("held_on", "title", "attendees", "minutes")
        widgets = {"held_on": DATE, "minutes": forms.Textarea(attrs={"rows": 4})}


# --- Applications --------------------------------------------------------------------------------------


class ApplicationFieldsMixin(forms.Form):
    """The applicant's answers, shared by the portal form and the staff form."""

    company_name = forms.CharField(label=_("企业（团队）名称"), max_length=200)
    company_registered = forms.BooleanField(label=_("已注册公司"), required=False, initial=True)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=30, required=False, help_text=_("已注册公司必填")
    )
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DATE)
    industry_code = forms.CharField(
        label=_("行业代码（GB/T 4754）"),
        max_length=6,
        required=False,
        help_text=_("如 2761 生物药品制造、3581 医疗诊断设备"),
    )
    project_summary = forms.CharField(
        label=_("项目简介"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("产品或技术、目标市场、当前进展"),
    )
    team_size = forms.IntegerField(label=_("团队人数"), min_value=1, max_value=10000, initial=1)
    team_description = forms.CharField(
        label=_("核心团队"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ip_description = forms.CharField(
        label=_("知识产权情况"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    patents = forms.IntegerField(label=_("已申请专利数"), min_value=0, max_value=10000, initial=0)
    funding_raised_wan = forms.DecimalField(
        label=_("已获融资（万元）"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    funding_sought_wan = forms.DecimalField(
        label=_("拟融资（万元）"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    space_need_sqm = forms.DecimalField(
        label=_("场地需求（m²）"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=60)
    contact_mobile = forms.CharField(label=_("手机号"), max_length=20)
    contact_email = forms.EmailField(label=_("邮箱"), required=False)
    business_plan = forms.FileField(
        label=_("商业计划书（PDF）"),
        required=False,
        help_text=_("PDF 格式，不超过 %(mb)d MB") % {"mb": max_upload_bytes() // 1048576},
    )
    other_files = MultipleFileField(
        label=_("其他材料"), required=False, help_text=_("知识产权证明、财务资料等：PDF、图片或 Office 文档")
    )

    def input(self) -> services.ApplicationInput:
        data = self.cleaned_data
        return services.ApplicationInput(
            company_name=data["company_name"],
            contact_name=data["contact_name"],
            contact_mobile=data["contact_mobile"],
            project_summary=data["project_summary"],
            company_registered=bool(data.get("company_registered")),
            credit_code=data.get("credit_code") or "",
            founded_on=data.get("founded_on"),
            industry_code=data.get("industry_code") or "",
            contact_email=data.get("contact_email") or "",
            team_size=data.get("team_size") or 1,
            team_description=data.get("team_description") or "",
            ip_description=data.get("ip_description") or "",
            patents=data.get("patents") or 0,
            funding_raised_wan=data.get("funding_raised_wan"),
            funding_sought_wan=data.get("funding_sought_wan"),
            space_need_sqm=data.get("space_need_sqm"),
        )

    def uploads(self) -> list[services.Upload]:
        found = []
        plan = self.cleaned_data.get("business_plan")
        if plan:
            found.append(services.Upload(AttachmentKind.BUSINESS_PLAN, plan))
        found.extend(services.Upload(AttachmentKind.OTHER, f) for f in self.cleaned_data.get("other_files") or [])
        return found


class PublicApplicationForm(ApplicationFieldsMixin):
    """The portal form (no login): CSRF, consent, a honeypot, rate limits in the view."""

    programme = forms.ModelChoiceField(label=_("申请项目"), queryset=Programme.objects.none(), empty_label=None)
    consent = forms.BooleanField(
        label=_("我同意园区运营方为评审入孵申请而处理上述个人信息（姓名、手机号、邮箱），并可就此联系我"),
        error_messages={"required": _("请勾选同意个人信息处理，否则无法提交")},
    )
    website = forms.CharField(label=_("网站"), required=False)  # honeypot: hidden from people by CSS

    field_order = ["programme", "company_name", "company_registered", "credit_code", "founded_on", "industry_code"]

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        queryset = Programme.objects.filter(is_active=True, park__archived_at__isnull=True).select_related("park")
        programme_field = model_choice_field(
            self, "programme", label=lambda p: f"{p.park.name} · {p.name}（{p.get_kind_display()}）"
        )
        programme_field.queryset = queryset.order_by("park__name", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise ValidationError(_("提交未通过校验，请刷新页面后重试"), code="honeypot")
        if not data.get("business_plan"):
            self.add_error("business_plan", _("请上传商业计划书（PDF）"))
        return data


class StaffApplicationForm(ApplicationFieldsMixin):
    programme = forms.ModelChoiceField(label=_("申请项目"), queryset=Programme.objects.none())

    field_order = ["programme"]

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        programmes: QuerySet[Programme] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        programme_field = model_choice_field(self, "programme")
        programme_field.queryset = programmes if programmes is not None else Programme.objects.none()


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类型"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("文件"))


class AssignReviewersForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("评审人"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        candidates: QuerySet[User] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "reviewers")
        field.queryset = candidates if candidates is not None else User.objects.none()


class ReviewForm(forms.Form):
    """One field per rubric criterion (score_<id>), the comment, the recommendation, a conflict declaration."""

    conflict = forms.BooleanField(label=_("我与申请人存在利益冲突，回避评分"), required=False)
    conflict_note = forms.CharField(label=_("利益冲突说明"), max_length=300, required=False)
    recommendation = forms.ChoiceField(
        label=_("建议"), choices=[("", "---------"), *DecisionOutcome.choices], required=False
    )
    comment = forms.CharField(label=_("评审意见"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        criteria: Iterable[RubricCriterion] = (),
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=_("%(name)s（满分%(max)d，权重%(w)s）")
                % {"name": criterion.name, "max": criterion.max_score, "w": criterion.weight.normalize()},
                min_value=0,
                max_value=criterion.max_score,
                max_digits=5,
                decimal_places=1,
                required=False,
                help_text=criterion.description,
            )
        self.order_fields(
            [f"score_{c.pk}" for c in self.criteria] + ["recommendation", "comment", "conflict", "conflict_note"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("conflict"):
            for criterion in self.criteria:
                if data.get(f"score_{criterion.pk}") is None and f"score_{criterion.pk}" not in self.errors:
                    self.add_error(f"score_{criterion.pk}", _("请打分"))
        return data

    def input(self) -> services.ReviewInput:
        data = self.cleaned_data
        scores = {c.pk: data[f"score_{c.pk}"] for c in self.criteria if data.get(f"score_{c.pk}") is not None}
        return services.ReviewInput(
            scores={} if data.get("conflict") else scores,
            comment=data.get("comment") or "",
            recommendation=data.get("recommendation") or "",
            conflict=bool(data.get("conflict")),
            conflict_note=data.get("conflict_note") or "",
        )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("决策结果"), choices=DecisionOutcome.choices)
    meeting = forms.ModelChoiceField(label=_("决策会议"), queryset=ReviewMeeting.objects.none(), required=False)
    admitted_on = forms.DateField(label=_("入孵日期"), required=False, widget=DATE)
    stage = forms.ChoiceField(
        label=_("入孵阶段"),
        choices=[
            (s.value, s.label) for s in IncubationStage if s.value in ("pre_incubation", "incubating", "accelerating")
        ],
        initial=IncubationStage.INCUBATING,
    )
    note = forms.CharField(label=_("决策说明"), max_length=500, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        meetings: QuerySet[ReviewMeeting] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "meeting")
        field.queryset = meetings if meetings is not None else ReviewMeeting.objects.none()


# --- Records -------------------------------------------------------------------------------------------


class AdvanceForm(forms.Form):
    to_stage = forms.ChoiceField(
        label=_("新阶段"),
        choices=[(s.value, s.label) for s in IncubationStage if s.value in ("incubating", "accelerating")],
    )
    on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class GraduateForm(forms.Form):
    basis = forms.ChoiceField(label=_("毕业依据"), choices=())
    on = forms.DateField(label=_("毕业日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        programme: Programme | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = choice_field(self, "basis")
        field.choices = [(b.value, b.label) for b in (programme.graduation_bases if programme else [])]


class ExitForm(forms.Form):
    reason = forms.ChoiceField(label=_("退出原因"), choices=[("", "---------"), *ExitReason.choices])
    on = forms.DateField(label=_("退出日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class AnnualReturnForm(forms.ModelForm[AnnualReturn]):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    class Meta:
        model = AnnualReturn
        fields = (
            "employees", "college_educated", "returnees", "patent_applications", "patents_granted",
            "invention_patents_held", "ip_held", "financing_wan",
        )  # fmt: skip

    def _post_clean(self) -> None:
        pass  # validated by the service (save_audited runs full_clean)


# --- Service desk --------------------------------------------------------------------------------------


class RequestForm(forms.Form):
    """Raise a request: the tenant for itself; staff choose the enterprise."""

    offering = forms.ModelChoiceField(label=_("服务项目"), queryset=ServiceOffering.objects.none())
    subject = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(label=_("需求描述"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    attachments = MultipleFileField(label=_("附件"), required=False, help_text=_("PDF、图片或 Office 文档"))

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        offerings: QuerySet[ServiceOffering] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "offering", label=lambda o: f"{o.get_category_display()} · {o.name}")
        field.queryset = offerings if offerings is not None else ServiceOffering.objects.none()


class StaffRequestForm(RequestForm):
    enterprise_ref = forms.CharField(label=_("企业（名称或统一社会信用代码）"), max_length=200)

    field_order = ["enterprise_ref", "offering"]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)
    visibility = forms.ChoiceField(label=_("可见范围"), choices=Visibility.choices, initial=Visibility.PUBLIC)
    attachments = MultipleFileField(label=_("附件"), required=False)


class TenantMessageForm(forms.Form):
    body = forms.CharField(
        label=_("补充说明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    attachments = MultipleFileField(label=_("附件"), required=False)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("受理人"), queryset=User.objects.none())

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        candidates: QuerySet[User] | None = None,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "assignee")
        field.queryset = candidates if candidates is not None else User.objects.none()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[
            (RequestStatus.IN_PROGRESS, RequestStatus.IN_PROGRESS.label),
            (RequestStatus.WAITING_TENANT, RequestStatus.WAITING_TENANT.label),
        ],
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("处理结果（企业可见）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    quantity = forms.DecimalField(label=_("计费数量"), min_value=0, max_digits=10, decimal_places=2, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("5星 非常满意")),
            (4, _("4星 满意")),
            (3, _("3星 一般")),
            (2, _("2星 不满意")),
            (1, _("1星 非常不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OfferingForm(ParkScopedModelForm[ServiceOffering]):
    class Meta:
        model = ServiceOffering
        fields = (
            "park", "category", "name", "description", "provider", "response_target", "response_unit",
            "resolution_target", "resolution_unit", "unit_price", "price_unit", "is_active", "position",
        )  # fmt: skip

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[ServiceOffering]],
    ) -> None:
        super().__init__(data, files, parks=parks, **kwargs)
        provider_field = model_choice_field(self, "provider")
        provider_field.queryset = ServiceProvider.objects.filter(park__in=parks)


class ProviderForm(ParkScopedModelForm[ServiceProvider]):
    members = forms.ModelMultipleChoiceField(
        label=_("受理人员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ServiceProvider
        fields = ("park", "name", "kind", "contact_name", "contact_phone", "email", "manager", "is_active")

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        staff: QuerySet[User] | None = None,
        **kwargs: Unpack[ParkModelFormOptions[ServiceProvider]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        for name in ("manager", "members"):
            field = model_choice_field(self, name)
            field.queryset = staff if staff is not None else User.objects.none()
        if self.instance.pk:
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))


# --- Schemes -------------------------------------------------------------------------------------------


class SchemeForm(ParkScopedModelForm[Scheme]):
    park_movable = True

    class Meta:
        model = Scheme
        fields = (
            "park", "name", "level", "issuer", "document_ref", "url", "summary", "benefit", "max_award_wan",
            "opens_on", "closes_on", "documents", "is_active",
        )  # fmt: skip
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "documents": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        allow_all_parks: bool = False,
        **kwargs: Unpack[ParkModelFormOptions[Scheme]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        park_field = model_choice_field(self, "park")
        park_field.required = not allow_all_parks
        park_field.empty_label = _("全部园区") if allow_all_parks else "---------"


class RuleForm(forms.Form):
    fact = forms.ChoiceField(label=_("条件"), choices=EligibilityFact.choices)
    operator = forms.ChoiceField(label=_("比较"), choices=CriterionOperator.choices)
    value = forms.CharField(label=_("取值"), max_length=200, required=False)


RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=True)


class SchemeApplicationForm(forms.Form):
    enterprise_id = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(
        label=_("申报年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class SchemeAdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=SchemeApplicationStatus.choices)
    on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)
