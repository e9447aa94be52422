"""Forms of the community pages; they validate input, the services decide and write."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.community.choices import (
    ApplicationKind,
    ApplicationStatus,
    Benefit,
    Degree,
    RoomType,
    TalentField,
)
from parkos.community.models import (
    ApartmentRoom,
    BookableResource,
    BookingTariff,
    Event,
    JobPosting,
    RecruitmentFair,
    TalentProgramme,
    TalentRecord,
    TrainingCourse,
)
from parkos.community.services.events import EVENT_FIELDS
from parkos.community.services.jobs import COURSE_FIELDS, FAIR_FIELDS, JOB_FIELDS
from parkos.community.services.talent import PROGRAMME_FIELDS, TALENT_FIELDS
from parkos.core.forms import choose_from
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.investment.services import normalise_mobile
from parkos.parks.forms import ParkScopedModelForm
from parkos.parks.models import Park
from parkos.web.forms import FormData, FormFiles, FormOptions, ModelFormOptions, choice_field, model_choice_field

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def tenants_of(parks: Iterable[Park | int]) -> QuerySet[Enterprise]:
    """Tenant enterprises of some parks, by name (the choices of "for whom")."""
    return (
        Enterprise.objects.active()
        .filter(parks__in=parks, lifecycle=EnterpriseLifecycle.TENANT)
        .distinct()
        .order_by("name")
        .only("pk", "name")
    )


def _mobile(value: str) -> str:
    try:
        return normalise_mobile(value)
    except ValidationError as exc:
        raise ValidationError(_("请填写正确的11位手机号码")) from exc


# --- Bookings --------------------------------------------------------------------------------------------------


def _slot_choices(resource: BookableResource, *, ends: bool) -> list[tuple[str, str]]:
    opening = datetime.datetime.combine(datetime.date(2000, 1, 3), resource.opens_at)
    closing = datetime.datetime.combine(datetime.date(2000, 1, 3), resource.closes_at)
    step = datetime.timedelta(minutes=resource.slot_minutes)
    moment = opening + step if ends else opening
    choices = []
    while moment <= closing if ends else moment < closing:
        label = moment.strftime("%H:%M")
        choices.append((label, label))
        moment += step
    return choices


class BookingForm(forms.Form):
    """A day and a start and end on the resource's slots; who it is for (managers only), title, people."""

    day = forms.DateField(label=_("日期"), widget=DATE)
    start = forms.ChoiceField(label=_("开始"))
    end = forms.ChoiceField(label=_("结束"))
    title = forms.CharField(label=_("主题"), max_length=120)
    attendees = forms.IntegerField(label=_("人数"), min_value=1, initial=1)
    enterprise = forms.ModelChoiceField(
        label=_("预订企业"), queryset=Enterprise.objects.none(), required=False, empty_label=_("园区内部使用（不计费）")
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        resource: BookableResource,
        for_enterprise: bool,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        self.resource = resource
        start = choice_field(self, "start")
        end = choice_field(self, "end")
        start.choices = _slot_choices(resource, ends=False)
        end.choices = _slot_choices(resource, ends=True)
        if for_enterprise:
            enterprise = model_choice_field(self, "enterprise")
            enterprise.queryset = tenants_of([resource.park_id])
        else:
            del self.fields["enterprise"]
        if resource.capacity:
            self.fields["attendees"].widget.attrs["max"] = resource.capacity

    def interval(self) -> tuple[datetime.datetime, datetime.datetime]:
        day: datetime.date = self.cleaned_data["day"]
        tz = timezone.get_default_timezone()
        start = datetime.datetime.combine(day, datetime.time.fromisoformat(self.cleaned_data["start"]), tzinfo=tz)
        end_time = (
            datetime.time.fromisoformat(self.cleaned_data["end"]) if self.cleaned_data["end"] != "24:00" else None
        )
        end = (
            datetime.datetime.combine(day, end_time, tzinfo=tz)
            if end_time is not None
            else datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        )
        return start, end

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if {"day", "start", "end"} <= set(data):
            start, end = self.interval()
            if end <= start:
                self.add_error("end", _("结束时间须晚于开始时间"))
        return data


class SeriesForm(BookingForm):
    """A weekly booking: the first occurrence, the last date, and dates to leave out."""

    until = forms.DateField(label=_("重复至"), widget=DATE, help_text=_("每周同一时间，直到该日期（含）"))
    exceptions = forms.CharField(
        label=_("例外日期"),
        required=False,
        help_text=_("不举行的日期，用逗号或空格分隔，如 2026-10-14, 2026-11-04；法定节假日自动跳过"),
    )

    def clean_exceptions(self) -> list[datetime.date]:
        days = []
        for token in re.split(r"[\s,，、;；]+", self.cleaned_data.get("exceptions") or ""):
            if not token:
                continue
            try:
                days.append(datetime.date.fromisoformat(token))
            except ValueError:
                raise ValidationError(_("“%(v)s”不是日期，请按 2026-10-14 的格式填写") % {"v": token}) from None
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("until") and data.get("day") and data["until"] < data["day"]:
            self.add_error("until", _("重复截止日期不能早于首次日期"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=300, required=False)


class ResourceForm(forms.ModelForm[BookableResource]):
    class Meta:
        model = BookableResource
        fields = [
            "park", "kind", "code", "name", "location", "capacity", "description", "tariff", "opens_at", "closes_at",
            "working_days_only", "slot_minutes", "min_minutes", "max_minutes", "min_lead_minutes", "max_advance_days",
            "audience", "allowed_enterprises", "approval_above_attendees", "approval_above_minutes", "active",
        ]  # fmt: skip
        widgets = {"opens_at": TIME, "closes_at": TIME, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[BookableResource]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        fields = self.fields
        choose_from(self, "park", parks)
        choose_from(self, "tariff", BookingTariff.objects.filter(park__in=parks))
        choose_from(self, "allowed_enterprises", tenants_of(parks))
        fields["allowed_enterprises"].required = False
        if self.instance.pk:
            fields["park"].disabled = True


class TariffForm(ParkScopedModelForm[BookingTariff]):
    park_movable = True

    class Meta:
        model = BookingTariff
        fields = ["park", "name", "free_minutes_per_month", "price_per_hour"]


# --- Talent ------------------------------------------------------------------------------------------------------


class TalentForm(forms.ModelForm[TalentRecord]):
    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none())
    enterprise = forms.ModelChoiceField(label=_("所在企业"), queryset=Enterprise.objects.none())

    class Meta:
        model = TalentRecord
        fields = TALENT_FIELDS
        widgets = {"arrived_on": DATE}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[TalentRecord]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "park", parks)
        choose_from(self, "enterprise", Enterprise.objects.active().filter(parks__in=parks).distinct().order_by("name"))
        self.order_fields(["park", "enterprise", *TALENT_FIELDS])
        if self.instance.pk:
            del self.fields["park"]
            del self.fields["enterprise"]


class ProgrammeForm(forms.ModelForm[TalentProgramme]):
    benefits = forms.MultipleChoiceField(
        label=_("待遇"), choices=Benefit.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    parks = forms.ModelMultipleChoiceField(
        label=_("适用园区"), queryset=Park.objects.none(), required=False, help_text=_("不选表示全部园区")
    )

    class Meta:
        model = TalentProgramme
        fields = PROGRAMME_FIELDS
        widgets = {"opens_on": DATE, "closes_on": DATE, "criteria": forms.Textarea(attrs={"rows": 4})}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[TalentProgramme]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        field = model_choice_field(self, "parks")
        field.queryset = parks
        if self.instance.pk:
            self.initial["parks"] = list(self.instance.parks.filter(pk__in=parks))


class ApplicationForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("人才计划"), queryset=TalentProgramme.objects.filter(active=True))
    kind = forms.ChoiceField(label=_("方式"), choices=ApplicationKind.choices)
    year = forms.IntegerField(label=_("申报年度"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)


class AdvanceForm(forms.Form):
    to_status = forms.ChoiceField(label=_("改为"), choices=[c for c in ApplicationStatus.choices if c[0] != "draft"])
    on = forms.DateField(label=_("日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    granted_wan = forms.DecimalField(
        label=_("获批资助（万元）"), max_digits=10, decimal_places=2, required=False, min_value=0
    )


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("离园日期"), widget=DATE)


class RoomForm(ParkScopedModelForm[ApartmentRoom]):
    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none())
    park_movable = True

    class Meta:
        model = ApartmentRoom
        fields = ["park", "building", "number", "room_type", "area_sqm", "monthly_rent", "in_service"]


class _TalentInParkForm(forms.Form):
    """A form about one of the park's active talents (named with the enterprise, as officers know them)."""

    talent = forms.ModelChoiceField(label=_("人才"), queryset=TalentRecord.objects.none())

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        park_id: int,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        talent = model_choice_field(self, "talent", label=lambda t: f"{t.name} · {t.enterprise.name}")
        talent.queryset = TalentRecord.objects.filter(park_id=park_id, status="active", erased_at__isnull=True)


class AllocateForm(_TalentInParkForm):
    starts_on = forms.DateField(label=_("入住日期"), widget=DATE)
    planned_end_on = forms.DateField(label=_("约定退房日期"), widget=DATE)
    monthly_rent = forms.DecimalField(
        label=_("月租金（元）"),
        max_digits=10,
        decimal_places=2,
        required=False,
        min_value=0,
        help_text=_("为空按房间租金"),
    )


class WaitlistForm(_TalentInParkForm):
    room_type = forms.ChoiceField(label=_("意向户型"), choices=[("", _("不限")), *RoomType.choices], required=False)
    requested_on = forms.DateField(label=_("申请日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class EndLeaseForm(forms.Form):
    ended_on = forms.DateField(label=_("退房日期"), widget=DATE)


# --- Jobs, fairs, training ----------------------------------------------------------------------------------------


class JobForm(forms.ModelForm[JobPosting]):
    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none())
    enterprise = forms.ModelChoiceField(label=_("招聘企业"), queryset=Enterprise.objects.none())

    class Meta:
        model = JobPosting
        fields = JOB_FIELDS
        widgets = {"closes_on": DATE, "description": forms.Textarea(attrs={"rows": 6})}

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        enterprise: Enterprise | None = None,
        **kwargs: Unpack[ModelFormOptions[JobPosting]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "park", parks)
        choose_from(self, "enterprise", tenants_of(parks))
        self.order_fields(["park", "enterprise", *JOB_FIELDS])
        if enterprise is not None:  # a tenant posts for itself
            del self.fields["enterprise"]
            if parks.count() == 1:
                self.initial["park"] = parks.first()
        if self.instance.pk:
            self.fields.pop("park", None)
            self.fields.pop("enterprise", None)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and high < low:
            self.add_error("salary_max", _("月薪上限不能低于下限"))
        return data


class ParkModelForm[M: Model](forms.ModelForm[M]):
    """A park's record: the park is chosen among the person's parks when created, fixed afterwards."""

    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none())

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[M]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        park = model_choice_field(self, "park")
        park.queryset = parks
        self.order_fields(["park"])
        if self.instance.pk:
            del self.fields["park"]


class FairForm(ParkModelForm[RecruitmentFair]):
    class Meta:
        model = RecruitmentFair
        fields = FAIR_FIELDS
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "description": forms.Textarea(attrs={"rows": 4})}


class BoothForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("参会企业"), queryset=Enterprise.objects.none())
    number = forms.CharField(label=_("展位号"), max_length=12)
    jobs = forms.ModelMultipleChoiceField(
        label=_("招聘职位"), queryset=JobPosting.objects.none(), required=False, help_text=_("该企业已发布的职位")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        fair: RecruitmentFair,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "enterprise", tenants_of([fair.park_id]))
        jobs = model_choice_field(self, "jobs", label=lambda j: f"{j.enterprise.name} · {j.title}")
        jobs.queryset = JobPosting.objects.filter(park_id=fair.park_id, status="approved").select_related("enterprise")


class CourseForm(ParkModelForm[TrainingCourse]):
    class Meta:
        model = TrainingCourse
        fields = COURSE_FIELDS
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "description": forms.Textarea(attrs={"rows": 4})}


class TrainingRegistrationForm(forms.Form):
    participant_name = forms.CharField(label=_("学员姓名"), max_length=60)
    participant_mobile = forms.CharField(label=_("手机"), max_length=20)
    enterprise = forms.ModelChoiceField(label=_("所在企业"), queryset=Enterprise.objects.none(), required=False)

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        course: TrainingCourse,
        for_enterprise: bool,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        if for_enterprise:
            enterprise = model_choice_field(self, "enterprise")
            enterprise.queryset = tenants_of([course.park_id])
        else:
            del self.fields["enterprise"]


# --- Events ------------------------------------------------------------------------------------------------------


class EventForm(forms.ModelForm[Event]):
    park = forms.ModelChoiceField(label=_("园区"), queryset=Park.objects.none())
    hall = forms.ModelChoiceField(
        label=_("预订场地"),
        queryset=BookableResource.objects.none(),
        required=False,
        empty_label=_("不预订（场地自行安排）"),
        help_text=_("选择后按活动时间预订该场地，与其他预订冲突时不能保存"),
    )

    class Meta:
        model = Event
        fields = EVENT_FIELDS
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "registration_closes_at": DATETIME,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[Event]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "park", parks)
        choose_from(self, "hall", BookableResource.objects.filter(park__in=parks, active=True).order_by("park", "name"))
        self.order_fields(["park", "kind", "title", "summary", "starts_at", "ends_at", "hall", "venue"])
        if self.instance.pk:
            del self.fields["park"]
            del self.fields["hall"]


class PublicFormMixin(forms.Form):
    """CSRF is the view's; here the consent box and the honeypot every public form has."""

    # Honeypot: hidden from people by CSS; bots fill every field.
    website = forms.CharField(label=_("网站"), required=False)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("website"):
            raise ValidationError(_("提交未通过校验，请刷新页面后重试"), code="honeypot")
        return data


class EventRegistrationForm(PublicFormMixin):
    name = forms.CharField(label=_("姓名"), max_length=60)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    company = forms.CharField(label=_("单位"), max_length=200, required=False)
    job_title = forms.CharField(label=_("职务"), max_length=60, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    consent = forms.BooleanField(error_messages={"required": _("请勾选同意个人信息处理，否则无法报名")})

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        event: Event,
        **kwargs: Unpack[FormOptions],
    ) -> None:
        super().__init__(data, files, **kwargs)
        consent = self.fields["consent"]
        if event.is_investment_promotion:
            self.fields["company"].required = True
            consent.label = _("我同意园区运营方为本次活动报名、签到处理上述个人信息，并同意招商人员就投资意向与我联系")
        else:
            consent.label = _("我同意园区运营方为本次活动报名、签到和活动通知处理上述个人信息")

    def clean_mobile(self) -> str:
        return _mobile(self.cleaned_data["mobile"])


class JobApplicationForm(PublicFormMixin):
    name = forms.CharField(label=_("姓名"), max_length=60)
    mobile = forms.CharField(label=_("手机号"), max_length=20)
    email = forms.EmailField(label=_("邮箱"), required=False)
    message = forms.CharField(
        label=_("自我介绍"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("学历、专业、工作经历等，1000字以内；请勿填写身份证号等敏感信息"),
    )
    consent = forms.BooleanField(
        label=_("我同意将上述信息发送给招聘企业用于本职位招聘，园区运营方保存 180 天后删除"),
        error_messages={"required": _("请勾选同意个人信息处理，否则无法投递")},
    )

    def clean_mobile(self) -> str:
        return _mobile(self.cleaned_data["mobile"])


class JobSearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=60)
    field = forms.ChoiceField(label=_("专业领域"), choices=[("", _("不限")), *TalentField.choices], required=False)
    degree = forms.ChoiceField(
        label=_("我的学历"), choices=[("", _("不限")), *reversed(Degree.choices)], required=False
    )
    park = forms.ChoiceField(label=_("园区"), required=False)

    def __init__(
        self, data: FormData | None = None, files: FormFiles | None = None, **kwargs: Unpack[FormOptions]
    ) -> None:
        super().__init__(data, files, **kwargs)
        park = choice_field(self, "park")
        park.choices = [("", _("不限")), *Park.objects.active().order_by("city", "name").values_list("code", "name")]


class CheckinForm(forms.Form):
    code = forms.CharField(label=_("签到码"), max_length=64)
