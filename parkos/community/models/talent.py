"""Talent (人才孵化): programmes, the people in the park's enterprises, applications, talent apartments.

Talent records are personal data: they are scoped by park, shown masked to anyone who does not run
talent work in that park, and every unmasked view is audited (the same rules as enterprise contacts).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.community.choices import (
    ApartmentLeaseStatus,
    ApplicationKind,
    ApplicationStatus,
    Benefit,
    Degree,
    ProfessionalTitle,
    ProgrammeLevel,
    RoomType,
    TalentField,
    TalentLevel,
    TalentStatus,
    WaitlistStatus,
)
from parkos.community.personal import mask_name, masked_mobile
from parkos.core.models import TimeStampedModel


class TalentProgramme(TimeStampedModel):
    """A talent programme (人才计划) of a government level, with its criteria and benefits.

    Programmes are operator-wide (a municipal programme concerns every park in the city); `parks`
    lists the parks that promote it, empty meaning all. Written by talent staff through the services.
    """

    name = models.CharField(_("计划名称"), max_length=120)
    level = models.CharField(_("级别"), max_length=16, choices=ProgrammeLevel.choices)
    authority = models.CharField(
        _("主管部门"), max_length=120, blank=True, help_text=_("如 重庆市人力资源和社会保障局")
    )
    criteria = models.TextField(_("申报条件"), blank=True)
    min_level = models.CharField(
        _("最低人才类别"), max_length=1, choices=TalentLevel.choices, blank=True, help_text=_("为空表示不限")
    )
    min_degree = models.CharField(_("最低学历"), max_length=12, choices=Degree.choices, blank=True)
    benefits: models.JSONField[list[str]] = models.JSONField(_("待遇"), default=list, blank=True)
    subsidy_wan = models.DecimalField(
        _("资助金额（万元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    apartment_eligible = models.BooleanField(_("可申请人才公寓"), default=False)
    opens_on = models.DateField(_("申报开始"), null=True, blank=True)
    closes_on = models.DateField(_("申报截止"), null=True, blank=True)
    parks = models.ManyToManyField(
        "parks.Park",
        verbose_name=_("适用园区"),
        blank=True,
        related_name="talent_programmes",
        help_text=_("为空表示全部园区"),
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("人才计划")
        verbose_name_plural = _("人才计划")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="programme_window_ordered",
                violation_error_message=_("申报截止日期不能早于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:programme_detail", args=[self.pk])

    @property
    def benefit_labels(self) -> list[str]:
        labels = dict(Benefit.choices)
        return [str(labels.get(b, b)) for b in self.benefits]


class TalentRecord(TimeStampedModel):
    """A person working at an enterprise in a park whom the park counts as talent (人才).

    Personal data (name, mobile, birth year) is masked for people without talent rights in the park;
    `erased_at` marks a record whose personal fields were erased on request (counts keep the row).
    """

    # PROTECT: a park with talent history is archived, not deleted.
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="talents")
    # PROTECT: enterprises are merged, never deleted.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("所在企业"), on_delete=models.PROTECT, related_name="talents"
    )
    name = models.CharField(_("姓名"), max_length=60)
    mobile = models.CharField(_("手机"), max_length=16, blank=True, help_text=_("保存为 +86 开头的国际格式"))
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    level = models.CharField(_("人才类别"), max_length=1, choices=TalentLevel.choices)
    degree = models.CharField(_("最高学历"), max_length=12, choices=Degree.choices)
    title = models.CharField(
        _("职称"), max_length=20, choices=ProfessionalTitle.choices, default=ProfessionalTitle.NONE
    )
    field = models.CharField(_("专业领域"), max_length=24, choices=TalentField.choices)
    position = models.CharField(_("职务"), max_length=60, blank=True)
    returnee = models.BooleanField(_("留学回国"), default=False)
    arrived_on = models.DateField(_("来园日期"))
    status = models.CharField(_("状态"), max_length=8, choices=TalentStatus.choices, default=TalentStatus.ACTIVE)
    left_on = models.DateField(_("离园日期"), null=True, blank=True)
    erased_at = models.DateTimeField(_("删除个人信息时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("人才档案")
        verbose_name_plural = _("人才档案")
        ordering = ["-arrived_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=TalentStatus.LEFT, left_on__isnull=False)
                | (Q(status=TalentStatus.ACTIVE) & Q(left_on__isnull=True)),
                name="talent_left_has_date",
                violation_error_message=_("已离园的人才须填写离园日期，在园人才不能有离园日期"),
            ),
        ]
        indexes = [
            # Counts by level and field of a park on a day (reports).
            models.Index(fields=["park", "level", "field"], name="talent_park_level_field_idx"),
            models.Index(fields=["enterprise", "status"], name="talent_enterprise_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name_masked

    def get_absolute_url(self) -> str:
        return reverse("community:talent_detail", args=[self.pk])

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)

    @property
    def mobile_masked(self) -> str:
        return masked_mobile(self.mobile)

    def clean(self) -> None:
        if self.left_on and self.arrived_on and self.left_on < self.arrived_on:
            raise ValidationError({"left_on": _("离园日期不能早于来园日期")})
        if self.birth_year and not 1930 <= self.birth_year <= timezone.localdate().year - 16:
            raise ValidationError({"birth_year": _("出生年份不合理")})


class TalentApplication(TimeStampedModel):
    """A recommendation (园区推荐) or application (企业申报) of one talent to one programme, and its outcome."""

    programme = models.ForeignKey(
        TalentProgramme, verbose_name=_("人才计划"), on_delete=models.PROTECT, related_name="applications"
    )
    # CASCADE would lose the outcome history of a person; PROTECT keeps it (records are erased, not deleted).
    talent = models.ForeignKey(
        TalentRecord, verbose_name=_("人才"), on_delete=models.PROTECT, related_name="applications"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("方式"), max_length=16, choices=ApplicationKind.choices)
    year = models.PositiveSmallIntegerField(_("申报年度"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True, editable=False)
    decided_on = models.DateField(_("结果日期"), null=True, blank=True, editable=False)
    outcome_note = models.CharField(_("结果说明"), max_length=300, blank=True, editable=False)
    granted_wan = models.DecimalField(
        _("获批资助（万元）"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("人才计划申报")
        verbose_name_plural = _("人才计划申报")
        ordering = ["-year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "talent", "year"],
                condition=~Q(status=ApplicationStatus.WITHDRAWN),
                name="talent_application_once_a_year",
                violation_error_message=_("该人才本年度已申报此计划"),
            ),
        ]
        indexes = [models.Index(fields=["park", "status"], name="talent_app_park_status_idx")]

    def __str__(self) -> str:
        return f"{self.programme} · {self.talent} · {self.year}"


class ApartmentRoom(TimeStampedModel):
    """One lettable room of the park's talent apartments (人才公寓), let to one person at a time."""

    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="apartment_rooms"
    )
    building = models.CharField(_("公寓楼"), max_length=60)
    number = models.CharField(_("房号"), max_length=20)
    room_type = models.CharField(_("户型"), max_length=16, choices=RoomType.choices)
    area_sqm = models.DecimalField(
        _("面积（m²）"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal(1))]
    )
    monthly_rent = models.DecimalField(
        _("月租金（元）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    in_service = models.BooleanField(_("可入住"), default=True, help_text=_("维修或停用时取消勾选"))

    class Meta:
        verbose_name = _("人才公寓房间")
        verbose_name_plural = _("人才公寓房间")
        ordering = ["park", "building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["park", "building", "number"], name="apartment_room_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.number}"


class ApartmentLease(TimeStampedModel):
    """A talent's stay in an apartment room: from move-in to the planned or actual move-out.

    At most one active lease per room and per talent (partial unique constraints); the allocation
    service locks the room row before checking, so two allocations cannot take one room.
    """

    room = models.ForeignKey(ApartmentRoom, verbose_name=_("房间"), on_delete=models.PROTECT, related_name="leases")
    talent = models.ForeignKey(
        TalentRecord, verbose_name=_("人才"), on_delete=models.PROTECT, related_name="apartment_leases"
    )
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("入住日期"))
    planned_end_on = models.DateField(_("约定退房日期"))
    ended_on = models.DateField(_("实际退房日期"), null=True, blank=True, editable=False)
    monthly_rent = models.DecimalField(
        _("月租金（元）"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=ApartmentLeaseStatus.choices,
        default=ApartmentLeaseStatus.ACTIVE,
        editable=False,
    )

    class Meta:
        verbose_name = _("人才公寓租住")
        verbose_name_plural = _("人才公寓租住")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"],
                condition=Q(status=ApartmentLeaseStatus.ACTIVE),
                name="apartment_one_active_lease_per_room",
                violation_error_message=_("该房间已有在住人员"),
            ),
            models.UniqueConstraint(
                fields=["talent"],
                condition=Q(status=ApartmentLeaseStatus.ACTIVE),
                name="apartment_one_active_lease_per_talent",
                violation_error_message=_("该人才已在人才公寓入住"),
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=models.F("starts_on")),
                name="apartment_lease_dates_ordered",
                violation_error_message=_("约定退房日期须晚于入住日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room} · {self.talent}"


class ApartmentWaitlistEntry(TimeStampedModel):
    """A talent waiting for an apartment; the queue is ordered by level priority, then by request date."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    talent = models.ForeignKey(
        TalentRecord, verbose_name=_("人才"), on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    room_type = models.CharField(
        _("意向户型"), max_length=16, choices=RoomType.choices, blank=True, help_text=_("为空表示不限")
    )
    priority = models.PositiveSmallIntegerField(
        _("优先级"), editable=False, help_text=_("由人才类别得出，数字小者优先")
    )
    requested_on = models.DateField(_("申请日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING, editable=False
    )
    lease = models.OneToOneField(
        ApartmentLease,
        verbose_name=_("入住记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        editable=False,
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("人才公寓排队")
        verbose_name_plural = _("人才公寓排队")
        ordering = ["priority", "requested_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["talent"],
                condition=Q(status=WaitlistStatus.WAITING),
                name="apartment_waitlist_once",
                violation_error_message=_("该人才已在排队"),
            )
        ]
        indexes = [models.Index(fields=["park", "status", "priority", "requested_on"], name="waitlist_queue_idx")]

    def __str__(self) -> str:
        return f"{self.talent} · {self.requested_on}"
