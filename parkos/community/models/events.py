"""Events (展销会, 路演, 招商推介会, 政策宣讲) with public registration, a waitlist and QR check-in.

A registration is personal data the visitor consented to give for this event; it is masked for staff
outside event work, erased after the retention period unless it became a lead (then the lead holds
it under the investment rules). `position` orders the waitlist; the services move the first waiting
registrant up whenever a confirmed one cancels or the capacity grows.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.community.choices import EventKind, EventStatus, LeadOutcome, RegistrationStatus
from parkos.community.personal import mask_name, masked_mobile
from parkos.core.models import TimeStampedModel


def _token() -> str:
    return secrets.token_urlsafe(18)


class Event(TimeStampedModel):
    """An event the park runs, shown on the portal once published, with a capacity for registrations."""

    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("活动类型"), max_length=24, choices=EventKind.choices)
    title = models.CharField(_("活动名称"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    description = models.TextField(_("活动介绍"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=120)
    # SET_NULL: the event stays when its hall booking is cancelled; the hall can be booked again.
    booking = models.OneToOneField(
        "community.Booking",
        verbose_name=_("场地预订"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event",
        editable=False,
    )
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    waitlist_limit = models.PositiveIntegerField(_("候补名额"), default=50, help_text=_("名额满后最多接受的候补人数"))
    registration_closes_at = models.DateTimeField(
        _("报名截止"), null=True, blank=True, help_text=_("为空表示开始前均可报名")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    leads_converted_at = models.DateTimeField(_("转线索时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_times_ordered",
                violation_error_message=_("结束时间须晚于开始时间"),
            )
        ]
        indexes = [
            # The public list: published events by start.
            models.Index(fields=["status", "starts_at"], name="event_public_idx"),
            models.Index(fields=["park", "starts_at"], name="event_park_start_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:event_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("community_public:event_detail", args=[self.pk])

    @property
    def is_investment_promotion(self) -> bool:
        return self.kind == EventKind.INVESTMENT_PROMOTION


class EventRegistration(TimeStampedModel):
    """A visitor's registration for an event: confirmed, waitlisted or cancelled; checked in at the door by QR.

    `checkin_code` is what the QR code carries; `manage_token` is the visitor's private link to see the
    status, show the QR and cancel. Both are random and never derived from personal data.
    """

    event = models.ForeignKey(Event, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="registrations")
    name = models.CharField(_("姓名"), max_length=60)
    mobile = models.CharField(_("手机"), max_length=16)
    company = models.CharField(_("单位"), max_length=200, blank=True)
    job_title = models.CharField(_("职务"), max_length=60, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RegistrationStatus.choices, editable=False)
    position = models.PositiveIntegerField(_("报名顺序"), editable=False, help_text=_("候补按此顺序递补"))
    consent_at = models.DateTimeField(_("同意时间"))
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)
    checkin_code = models.CharField(_("签到码"), max_length=32, unique=True, default=_token, editable=False)
    manage_token = models.CharField(_("管理令牌"), max_length=32, unique=True, default=_token, editable=False)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True, editable=False)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签到人员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # SET_NULL: a lead deleted or merged in investment must not delete the registration.
    lead = models.ForeignKey(
        "investment.Lead",
        verbose_name=_("招商线索"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    lead_outcome = models.CharField(
        _("转线索结果"), max_length=16, choices=LeadOutcome.choices, blank=True, editable=False
    )
    erased_at = models.DateTimeField(_("删除个人信息时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["event", "position"]
        constraints = [
            # One live registration per mobile and event: a repeat returns the existing one.
            models.UniqueConstraint(
                fields=["event", "mobile"],
                condition=~Q(status=RegistrationStatus.CANCELLED) & Q(erased_at__isnull=True),
                name="event_registration_once",
                violation_error_message=_("该手机号已报名此活动"),
            ),
            models.UniqueConstraint(fields=["event", "position"], name="event_registration_position_unique"),
        ]
        indexes = [models.Index(fields=["event", "status", "position"], name="event_reg_queue_idx")]

    def __str__(self) -> str:
        return f"{self.event} · {self.name_masked}"

    def get_manage_url(self) -> str:
        return reverse("community_public:registration", args=[self.manage_token])

    def get_checkin_url(self) -> str:
        return reverse("community:checkin_code", args=[self.checkin_code])

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)

    @property
    def mobile_masked(self) -> str:
        return masked_mobile(self.mobile)
