"""Reads of resources and bookings: calendars, quotes, a tenant's quota, and chargeable bookings for billing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import scope_to_parks
from parkos.community import calendars, rights, rules
from parkos.community.choices import BookingAudience, BookingStatus
from parkos.community.models import BookableResource, Booking, BookingTariff
from parkos.community.models.bookings import BookingQuerySet
from parkos.community.services.bookings import local_tz, rules_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

HOUR = Decimal(60)


def resources_for(user: User | AnonymousUser) -> QuerySet[BookableResource]:
    """Resources a person may see: staff in their parks; a tenant those its enterprise may book."""
    queryset = BookableResource.objects.filter(active=True).select_related("park", "tariff")
    enterprise = rights.tenant_enterprise(user)
    if enterprise is None:
        return scope_to_parks(user, queryset)
    parks = enterprise.parks.values("pk") if enterprise.lifecycle == "tenant" else []
    listed = BookableResource.objects.filter(audience=BookingAudience.LISTED, allowed_enterprises=enterprise)
    return queryset.filter(Q(park__in=parks, audience=BookingAudience.TENANTS) | Q(pk__in=listed.values("pk")))


def bookings_for(user: User | AnonymousUser) -> BookingQuerySet:
    """Bookings a person may list: staff in their parks; a tenant its enterprise's."""
    queryset: BookingQuerySet = Booking.objects.select_related("resource", "enterprise", "booked_by", "park")
    enterprise = rights.tenant_enterprise(user)
    if enterprise is not None:
        return queryset.filter(enterprise=enterprise)
    # scope_to_parks keeps the queryset's class; its signature only promises a QuerySet.
    return cast(BookingQuerySet, scope_to_parks(user, queryset))


def _day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = local_tz()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def resource_calendar(
    resource: BookableResource,
    *,
    view: calendars.View,
    anchor: datetime.date,
    viewer: User | AnonymousUser,
) -> calendars.Grid:
    """The day, week or month grid of a resource, with its active bookings (one query).

    Who booked shows as the enterprise's name (or 园区内部) to staff, and only as "已预订" to tenants
    looking at other tenants' bookings.
    """
    start = calendars.period_start(view, anchor)
    days = calendars.period_days(view, start)
    lower, upper = _day_bounds(days[0], days[-1])
    tz = local_tz()
    own = rights.tenant_enterprise(viewer)
    staff = own is None
    rows = (
        Booking.objects.active()
        .filter(resource=resource)
        .overlapping(lower, upper)
        .values_list(
            "pk", "starts_at", "ends_at", "title", "status", "enterprise_id", "enterprise__name", "booked_by_id"
        )
    )
    viewer_id = getattr(viewer, "pk", None)
    laid = []
    for pk, starts_at, ends_at, title, status, enterprise_id, enterprise_name, booked_by_id in rows:
        # A tenant's own bookings; for staff, the internal ones they made themselves (not those made for tenants).
        mine = enterprise_id == own.pk if own is not None else (booked_by_id == viewer_id and enterprise_id is None)
        who = (enterprise_name or _("园区内部")) if staff or mine else _("已预订")
        laid.append(
            calendars.Row(
                pk=pk,
                starts_at=starts_at.astimezone(tz),
                ends_at=ends_at.astimezone(tz),
                title=title if staff or mine else "",
                status=status,
                who=who,
                mine=mine,
            )
        )
    return calendars.build(view, anchor, rules_of(resource), laid)


# --- Quota --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """What a booking would cost the tenant now: its free and chargeable minutes and the amount."""

    minutes: int
    free_minutes: int
    chargeable_minutes: int
    price_per_hour: Decimal
    amount: Decimal
    quota_minutes: int
    used_minutes: int

    @property
    def remaining_before(self) -> int:
        return max(0, self.quota_minutes - self.used_minutes)


def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    return _day_bounds(month, next_month - datetime.timedelta(days=1))


def used_minutes(enterprise: Enterprise, tariff: BookingTariff, month: datetime.date) -> int:
    """Minutes of the tenant's active bookings under the tariff that start in the month."""
    lower, upper = _month_bounds(month)
    bookings = Booking.objects.active().filter(
        enterprise=enterprise, tariff=tariff, starts_at__gte=lower, starts_at__lt=upper
    )
    return sum(b.duration_minutes for b in bookings.only("starts_at", "ends_at"))


def quote(resource: BookableResource, enterprise: Enterprise | None, interval: rules.Interval) -> Quote | None:
    """The price of a booking if made now (None when the resource is free of charge or no tenant pays)."""
    tariff = resource.tariff
    if tariff is None or enterprise is None:
        return None
    month = rules.month_of(interval.start, local_tz())
    used = used_minutes(enterprise, tariff, month)
    allocation = rules.allocate_quota(max(0, tariff.free_minutes_per_month - used), [interval.minutes])[0]
    return Quote(
        minutes=interval.minutes,
        free_minutes=allocation.free_minutes,
        chargeable_minutes=allocation.chargeable_minutes,
        price_per_hour=tariff.price_per_hour,
        amount=rules.price(allocation.chargeable_minutes, tariff.price_per_hour),
        quota_minutes=tariff.free_minutes_per_month,
        used_minutes=used,
    )


@dataclass(frozen=True)
class QuotaLine:
    tariff: BookingTariff
    quota_minutes: int
    used_minutes: int
    charged_amount: Decimal

    @property
    def remaining_minutes(self) -> int:
        return max(0, self.quota_minutes - self.used_minutes)


def quota_status(enterprise: Enterprise, month: datetime.date) -> list[QuotaLine]:
    """A tenant's free quota this month per tariff of its parks: used, remaining, charged so far."""
    tariffs = BookingTariff.objects.filter(park__in=enterprise.parks.values("pk")).order_by("park", "name")
    lower, upper = _month_bounds(month)
    lines = []
    for tariff in tariffs:
        charged = (
            Booking.objects.active()
            .filter(enterprise=enterprise, tariff=tariff, starts_at__gte=lower, starts_at__lt=upper)
            .aggregate(total=Sum("amount"))["total"]
        )
        lines.append(
            QuotaLine(
                tariff, tariff.free_minutes_per_month, used_minutes(enterprise, tariff, month), charged or Decimal(0)
            )
        )
    return lines


# --- Billing interface (INTERFACES.md: community → billing) ------------------------------------------------


@dataclass(frozen=True)
class ChargeLine:
    """One chargeable item for billing; the shape billing and incubation share (INTERFACES.md)."""

    enterprise_id: int
    description: str
    quantity: Decimal
    unit: str
    #: 元 per unit, tax included.
    unit_price: Decimal
    source_type: str
    source_id: int
    occurred_on: datetime.date


def chargeable_bookings(*, park: Park, start: datetime.date, end: datetime.date) -> list[ChargeLine]:
    """Confirmed bookings of the park's tenants beyond their free quota, starting on `start`…`end` (inclusive).

    Quantity is the chargeable time in hours (4 places; exact for slots of 15, 30 or 60 minutes), the
    unit price the tariff's hourly price frozen when the booking was made; quantity × unit price is
    the booking's stored amount to the fen. Bookings inside the quota are free and not listed.
    """
    lower, upper = _day_bounds(start, end)
    rows = (
        Booking.objects.filter(
            park=park,
            status=BookingStatus.CONFIRMED,
            chargeable_minutes__gt=0,
            enterprise__isnull=False,
            starts_at__gte=lower,
            starts_at__lt=upper,
        )
        .select_related("resource")
        .order_by("starts_at", "pk")
    )
    tz = local_tz()
    lines = []
    for booking in rows:
        assert booking.enterprise_id is not None
        local = timezone.localtime(booking.starts_at, tz)
        description = _("%(resource)s %(day)s %(start)s–%(end)s（超出免费额度 %(minutes)s 分钟）") % {
            "resource": booking.resource.name,
            "day": local.date().isoformat(),
            "start": local.strftime("%H:%M"),
            "end": timezone.localtime(booking.ends_at, tz).strftime("%H:%M"),
            "minutes": booking.chargeable_minutes,
        }
        lines.append(
            ChargeLine(
                enterprise_id=booking.enterprise_id,
                description=description,
                quantity=(Decimal(booking.chargeable_minutes) / HOUR).quantize(Decimal("0.0001")),
                unit=_("小时"),
                unit_price=booking.unit_price,
                source_type="community.booking",
                source_id=booking.pk,
                occurred_on=local.date(),
            )
        )
    return lines
