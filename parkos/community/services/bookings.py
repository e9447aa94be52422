"""Every write to bookings: typed, keyword-only, atomic, audited — and never a double booking.

How a booking is placed (`booking_create`, and each occurrence of `booking_series_create`):
1. Decide whom it is for and whether this person may book the resource (`rights.booking_enterprise`).
2. Check the resource's rules in local time (`rules.check`): open days by the Chinese calendar, hours,
   slot, length, lead time, capacity. Refusals list every broken rule.
3. On SQLite, queue behind other writers of this process (`serialised_writes`); the IMMEDIATE
   transaction then holds SQLite's one write lock, so check-then-insert cannot interleave.
4. Lock the tenant's quota row for the tariff and month (`QuotaLock`), so quota is allocated one
   booking at a time per tenant (two rooms booked at once cannot both take the last free hour).
5. Look for an active booking overlapping the range; if there is one, refuse with the next free slot.
6. Insert inside a savepoint. On PostgreSQL a concurrent insert that passed step 5 at the same moment
   is stopped by the exclusion constraint `booking_no_overlap` (SQLite: its triggers); the loser's
   IntegrityError becomes the same clear refusal with the next free slot, computed after the winner
   committed.
7. Re-allocate the tenant's free minutes of that month over its active bookings, first come first
   free (`rules.allocate_quota`), and price what is left; audit in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parkos.community import rights, rules
from parkos.community.choices import BookingStatus
from parkos.community.models import BookableResource, Booking, BookingSeries, BookingTariff, QuotaLock
from parkos.community.services.common import assign
from parkos.core.audit import audit_record, save_audited, snapshot
from parkos.core.db import serialised_writes
from parkos.core.models import AuditAction

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

#: The name the database uses when it refuses an overlapping booking (migration 0002).
NO_OVERLAP = "booking_no_overlap"


def local_tz() -> datetime.tzinfo:
    return timezone.get_default_timezone()


def rules_of(resource: BookableResource) -> rules.BookingRules:
    return rules.BookingRules(
        opens_at=resource.opens_at,
        closes_at=resource.closes_at,
        working_days_only=resource.working_days_only,
        slot_minutes=resource.slot_minutes,
        min_minutes=resource.min_minutes,
        max_minutes=resource.max_minutes,
        min_lead_minutes=resource.min_lead_minutes,
        max_advance_days=resource.max_advance_days,
        capacity=resource.capacity,
        approval_above_attendees=resource.approval_above_attendees,
        approval_above_minutes=resource.approval_above_minutes,
    )


@dataclass(frozen=True)
class BookingInput:
    """What someone asks for: a resource, a time range, a title, how many people, for whom."""

    resource: BookableResource
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str
    attendees: int = 1
    enterprise: Enterprise | None = None
    note: str = ""

    @property
    def interval(self) -> rules.Interval:
        return rules.Interval(self.starts_at, self.ends_at)


class BookingConflict(ValidationError):
    """The slot is taken; `next_free` is the earliest slot of the same length that is not (or None)."""

    def __init__(self, message: str, next_free: rules.Interval | None) -> None:
        super().__init__(message, code="conflict")
        self.next_free = next_free


def format_interval(interval: rules.Interval) -> str:
    """5月6日（周三）10:00–11:00 in Chinese, May 6 (Wed) 10:00–11:00 in English; local time."""
    start, end = timezone.localtime(interval.start), timezone.localtime(interval.end)
    day = formats.date_format(start, "MONTH_DAY_FORMAT")
    weekday = formats.date_format(start, "D")
    return f"{day}（{weekday}）{start:%H:%M}–{end:%H:%M}"


def busy_intervals(
    resource: BookableResource, start: datetime.datetime, end: datetime.datetime, *, exclude: Iterable[int] = ()
) -> list[rules.Interval]:
    rows = (
        Booking.objects.active()
        .filter(resource=resource)
        .overlapping(start, end)
        .exclude(pk__in=list(exclude))
        .values_list("starts_at", "ends_at")
    )
    return [rules.Interval(s, e) for s, e in rows]


def next_free(resource: BookableResource, wanted: rules.Interval, *, now: datetime.datetime) -> rules.Interval | None:
    """The earliest free slot as long as `wanted`, from its start on (see `rules.next_free_slot`)."""
    spec = rules_of(resource)
    horizon = now + datetime.timedelta(days=spec.max_advance_days + 1)
    busy = busy_intervals(resource, min(wanted.start, now), horizon)
    return rules.next_free_slot(spec, busy, wanted=wanted, now=now, tz=local_tz())


def _conflict(resource: BookableResource, wanted: rules.Interval, now: datetime.datetime) -> BookingConflict:
    slot = next_free(resource, wanted, now=now)
    taken = _("%(resource)s 在 %(when)s 已被预订。") % {"resource": resource.name, "when": format_interval(wanted)}
    if slot is None:
        return BookingConflict(taken + _("可预订期内没有同样时长的空闲时段。"), None)
    return BookingConflict(taken + _("最近的空闲时段：%(slot)s。") % {"slot": format_interval(slot)}, slot)


def _validate(data: BookingInput, *, actor: User, now: datetime.datetime, manager: bool) -> None:
    if not data.resource.active:
        raise ValidationError(_("该资源已停用，不能预订。"))
    if not data.title.strip():
        raise ValidationError({"title": _("请填写会议或使用主题")})
    violations = rules.check(
        rules_of(data.resource),
        data.interval,
        now=now,
        tz=local_tz(),
        attendees=data.attendees,
        enforce_lead_time=not manager,
    )
    if violations:
        raise ValidationError([v.message for v in violations], code="rules")


def _lock_quota(enterprise: Enterprise | None, tariff: BookingTariff | None, month: datetime.date) -> None:
    if enterprise is None or tariff is None:
        return
    lock, _created = QuotaLock.objects.get_or_create(enterprise=enterprise, tariff=tariff, month=month)
    QuotaLock.objects.select_for_update().get(pk=lock.pk)


def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = local_tz()
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    return (
        datetime.datetime.combine(month, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(next_month, datetime.time.min, tzinfo=tz),
    )


def reallocate_quota(*, enterprise_id: int | None, tariff: BookingTariff | None, month: datetime.date) -> None:
    """Spread the month's free minutes over the tenant's active bookings of the tariff, oldest booking first.

    The caller holds the QuotaLock of (enterprise, tariff, month) and the transaction.
    """
    if enterprise_id is None or tariff is None:
        return
    start, end = _month_bounds(month)
    bookings = list(
        Booking.objects.active()
        .filter(enterprise_id=enterprise_id, tariff=tariff, starts_at__gte=start, starts_at__lt=end)
        .order_by("created_at", "pk")
    )
    allocations = rules.allocate_quota(tariff.free_minutes_per_month, [b.duration_minutes for b in bookings])
    changed = []
    for booking, allocation in zip(bookings, allocations, strict=True):
        amount = rules.price(allocation.chargeable_minutes, booking.unit_price)
        if (booking.free_minutes, booking.chargeable_minutes, booking.amount) != (
            allocation.free_minutes,
            allocation.chargeable_minutes,
            amount,
        ):
            booking.free_minutes = allocation.free_minutes
            booking.chargeable_minutes = allocation.chargeable_minutes
            booking.amount = amount
            changed.append(booking)
    Booking.objects.bulk_update(changed, ["free_minutes", "chargeable_minutes", "amount"])


def _insert(
    data: BookingInput,
    *,
    interval: rules.Interval,
    enterprise: Enterprise | None,
    status: str,
    actor: User,
    now: datetime.datetime,
    series: BookingSeries | None = None,
) -> Booking:
    """Steps 5 and 6 of the module docstring; the caller holds the transaction (and the quota lock)."""
    resource = data.resource
    if Booking.objects.active().filter(resource=resource).overlapping(interval.start, interval.end).exists():
        raise _conflict(resource, interval, now)
    tariff = resource.tariff if enterprise is not None else None
    booking = Booking(
        resource=resource,
        park_id=resource.park_id,
        enterprise=enterprise,
        series=series,
        title=data.title.strip(),
        attendees=data.attendees,
        starts_at=interval.start,
        ends_at=interval.end,
        status=status,
        booked_by=actor,
        note=data.note,
        tariff=tariff,
        unit_price=tariff.price_per_hour if tariff is not None else Decimal(0),
    )
    try:
        with transaction.atomic():  # a savepoint: the database's own guard may still refuse the row
            booking.save()
    except IntegrityError as exc:
        if NO_OVERLAP not in str(exc):
            raise
        raise _conflict(resource, interval, now) from None
    return booking


def _audit(booking: Booking, actor: User | None, action: str, **changes: object) -> None:
    audit_record(actor=actor, action=action, obj=booking, changes=changes, park_id=booking.park_id)


def booking_create(*, data: BookingInput, actor: User, now: datetime.datetime | None = None) -> Booking:
    """Book one slot (see the module docstring); raises BookingConflict with the next free slot if taken."""
    now = now or timezone.now()
    resource = data.resource
    enterprise = rights.booking_enterprise(actor, resource, data.enterprise)
    manager = rights.may_manage(actor, resource.park_id)
    _validate(data, actor=actor, now=now, manager=manager)
    spec = rules_of(resource)
    status = (
        BookingStatus.PENDING
        if not manager and rules.needs_approval(spec, data.interval, data.attendees)
        else BookingStatus.CONFIRMED
    )
    month = rules.month_of(data.starts_at, local_tz())
    with serialised_writes(), transaction.atomic():
        _lock_quota(enterprise, resource.tariff, month)
        booking = _insert(data, interval=data.interval, enterprise=enterprise, status=status, actor=actor, now=now)
        reallocate_quota(enterprise_id=booking.enterprise_id, tariff=booking.tariff, month=month)
        booking.refresh_from_db()
        _audit(
            booking,
            actor,
            AuditAction.CREATE,
            resource=resource.pk,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            status=booking.status,
            enterprise=booking.enterprise_id,
            amount=booking.amount,
        )
    return booking


def _release(booking: Booking, *, status: str, actor: User, reason: str, now: datetime.datetime) -> Booking:
    """Cancel or reject an active booking and hand its free minutes to the tenant's later bookings."""
    month = rules.month_of(booking.starts_at, local_tz())
    _lock_quota(booking.enterprise, booking.tariff, month)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if not booking.is_active:
        raise ValidationError(_("该预订已取消或已驳回。"), code="inactive")
    booking.status = status
    booking.cancel_reason = reason.strip()[:300]
    booking.free_minutes = booking.chargeable_minutes = 0
    booking.amount = Decimal(0)
    if status == BookingStatus.CANCELLED:
        booking.cancelled_at = now
    else:
        booking.decided_by, booking.decided_at = actor, now
    booking.save()
    reallocate_quota(enterprise_id=booking.enterprise_id, tariff=booking.tariff, month=month)
    return booking


def booking_cancel(*, booking: Booking, actor: User, reason: str = "", now: datetime.datetime | None = None) -> Booking:
    """Cancel a booking that has not started; a series occurrence becomes one of the series' exceptions."""
    now = now or timezone.now()
    if not rights.may_cancel_booking(actor, booking):
        raise PermissionDenied(_("只有预订人、本企业账号或园区管理人员可以取消该预订。"))
    if booking.starts_at <= now and not rights.may_manage(actor, booking.park_id):
        raise ValidationError(_("预订已开始或已结束，不能取消。"), code="started")
    with serialised_writes(), transaction.atomic():
        return _cancel(booking, actor=actor, reason=reason, now=now)


def _cancel(booking: Booking, *, actor: User, reason: str, now: datetime.datetime) -> Booking:
    before = booking.status
    booking = _release(booking, status=BookingStatus.CANCELLED, actor=actor, reason=reason, now=now)
    if booking.series_id is not None:
        series = BookingSeries.objects.select_for_update().get(pk=booking.series_id)
        day = timezone.localtime(booking.starts_at).date().isoformat()
        if day not in series.exceptions:
            series.exceptions = sorted([*series.exceptions, day])
            series.save(update_fields=["exceptions", "updated_at"])
    _audit(booking, actor, AuditAction.UPDATE, status=[before, BookingStatus.CANCELLED], reason=reason)
    return booking


def booking_decide(
    *, booking: Booking, approve: bool, actor: User, reason: str = "", now: datetime.datetime | None = None
) -> Booking:
    """Approve or reject a booking waiting for approval (its slot was held meanwhile)."""
    now = now or timezone.now()
    rights.require_manage(actor, booking.park_id)
    with serialised_writes(), transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != BookingStatus.PENDING:
            raise ValidationError(_("该预订不在待审批状态。"), code="not_pending")
        if approve:
            locked.status = BookingStatus.CONFIRMED
            locked.decided_by, locked.decided_at = actor, now
            locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        else:
            if not reason.strip():
                raise ValidationError({"reason": _("驳回时请填写原因")})
            locked = _release(locked, status=BookingStatus.REJECTED, actor=actor, reason=reason, now=now)
        _audit(locked, actor, AuditAction.UPDATE, status=[BookingStatus.PENDING, locked.status], reason=reason)
    return locked


# --- Resources and tariffs ----------------------------------------------------------------------------------

RESOURCE_FIELDS = (
    "kind", "code", "name", "location", "unit", "capacity", "description", "tariff", "opens_at", "closes_at",
    "working_days_only", "slot_minutes", "min_minutes", "max_minutes", "min_lead_minutes", "max_advance_days",
    "audience", "approval_above_attendees", "approval_above_minutes", "active",
)  # fmt: skip


@transaction.atomic
def resource_save(
    *,
    actor: User,
    park: Park,
    resource: BookableResource | None = None,
    allowed_enterprises: Iterable[Enterprise] = (),
    **fields: object,
) -> BookableResource:
    """Create or change a bookable resource and its rules; bookings already made keep their terms."""
    rights.require_manage(actor, park)
    before = snapshot(resource) if resource is not None else None
    resource = resource or BookableResource(park=park)
    assign(resource, fields, RESOURCE_FIELDS)
    if resource.tariff is not None and resource.tariff.park_id != park.pk:
        raise ValidationError({"tariff": _("收费标准须属于本园区")})
    save_audited(resource, actor=actor, before=before, park_id=park.pk)
    resource.allowed_enterprises.set(list(allowed_enterprises))
    return resource


@transaction.atomic
def tariff_save(*, actor: User, park: Park, tariff: BookingTariff | None = None, **fields: object) -> BookingTariff:
    """Create or change a tariff; bookings already made keep the price they were told."""
    rights.require_manage(actor, park)
    before = snapshot(tariff) if tariff is not None else None
    tariff = tariff or BookingTariff(park=park)
    assign(tariff, fields, ("name", "free_minutes_per_month", "price_per_hour"))
    return save_audited(tariff, actor=actor, before=before, park_id=park.pk)


# --- Weekly series --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesPlan:
    """What a weekly series would create, before anything is written."""

    occurrences: list[rules.Occurrence]
    closed_days: list[datetime.date]
    problems: list[str]


def series_plan(
    *,
    data: BookingInput,
    until: datetime.date,
    exceptions: Iterable[datetime.date],
    actor: User,
    now: datetime.datetime,
) -> SeriesPlan:
    """Expand a weekly booking and check every occurrence: the rules, and whether its slot is free."""
    manager = rights.may_manage(actor, data.resource.park_id)
    spec = rules_of(data.resource)
    recurrence = rules.weekly(spec, first=data.interval, until=until, exceptions=exceptions, tz=local_tz())
    problems: list[str] = []
    for occurrence in recurrence.occurrences:
        broken = rules.check(
            spec, occurrence.interval, now=now, tz=local_tz(), attendees=data.attendees, enforce_lead_time=not manager
        )
        for violation in broken:
            problems.append(f"{occurrence.day.isoformat()}：{violation.message}")
        if not broken and busy_intervals(data.resource, occurrence.interval.start, occurrence.interval.end):
            slot = next_free(data.resource, occurrence.interval, now=now)
            hint = _("最近的空闲时段：%(slot)s") % {"slot": format_interval(slot)} if slot else _("当天无空闲时段")
            problems.append(
                _("%(day)s：该时段已被预订（%(hint)s）") % {"day": occurrence.day.isoformat(), "hint": hint}
            )
    if not recurrence.occurrences:
        problems.append(_("重复范围内没有可预订的日期"))
    return SeriesPlan(recurrence.occurrences, recurrence.closed_days, problems)


def booking_series_create(
    *,
    data: BookingInput,
    until: datetime.date,
    exceptions: Iterable[datetime.date] = (),
    actor: User,
    now: datetime.datetime | None = None,
) -> BookingSeries:
    """Book the same slot every week until `until`, except on the exception dates — all or nothing.

    Holidays on the weekday are skipped (and recorded as exceptions); any occurrence that breaks a rule
    or is taken refuses the whole series, listing each date and the nearest free slot, so the person can
    move it or add the date as an exception.
    """
    now = now or timezone.now()
    exceptions = sorted(set(exceptions))
    enterprise = rights.booking_enterprise(actor, data.resource, data.enterprise)
    manager = rights.may_manage(actor, data.resource.park_id)
    _validate(data, actor=actor, now=now, manager=manager)
    plan = series_plan(data=data, until=until, exceptions=exceptions, actor=actor, now=now)
    if plan.problems:
        raise ValidationError(plan.problems, code="series")
    spec = rules_of(data.resource)
    status = (
        BookingStatus.PENDING
        if not manager and rules.needs_approval(spec, data.interval, data.attendees)
        else BookingStatus.CONFIRMED
    )
    months = sorted({rules.month_of(o.interval.start, local_tz()) for o in plan.occurrences})
    with serialised_writes(), transaction.atomic():
        for month in months:  # in date order, so two series of one tenant lock in the same order
            _lock_quota(enterprise, data.resource.tariff, month)
        series = BookingSeries.objects.create(
            resource=data.resource,
            park_id=data.resource.park_id,
            enterprise=enterprise,
            title=data.title.strip(),
            first_starts_at=plan.occurrences[0].interval.start,
            duration_minutes=data.interval.minutes,
            until=until,
            exceptions=sorted({d.isoformat() for d in [*exceptions, *plan.closed_days]}),
            booked_by=actor,
        )
        for occurrence in plan.occurrences:
            _insert(
                data,
                interval=occurrence.interval,
                enterprise=enterprise,
                status=status,
                actor=actor,
                now=now,
                series=series,
            )
        for month in months:
            reallocate_quota(
                enterprise_id=enterprise.pk if enterprise else None,
                tariff=data.resource.tariff if enterprise else None,
                month=month,
            )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=series,
            changes={
                "resource": data.resource.pk,
                "occurrences": len(plan.occurrences),
                "until": until,
                "exceptions": series.exceptions,
            },
            park_id=series.park_id,
        )
    return series


def series_cancel(
    *, series: BookingSeries, actor: User, from_day: datetime.date, now: datetime.datetime | None = None
) -> int:
    """Cancel every occurrence of a series on or after `from_day` that has not started; returns how many."""
    now = now or timezone.now()
    start = max(now, datetime.datetime.combine(from_day, datetime.time.min, tzinfo=local_tz()))
    if not rights.may_manage(actor, series.park_id) and not rights.may_cancel_booking(actor, series):
        raise PermissionDenied(_("只有预订人、本企业账号或园区管理人员可以取消该预订。"))
    with serialised_writes(), transaction.atomic():
        locked = BookingSeries.objects.select_for_update().get(pk=series.pk)
        upcoming = list(locked.bookings.active().filter(starts_at__gte=start).order_by("starts_at"))
        for booking in upcoming:
            _cancel(booking, actor=actor, reason=_("取消周期预订"), now=now)
        locked.refresh_from_db()
        if not locked.bookings.active().filter(starts_at__gte=now).exists():
            locked.cancelled_at = now
            locked.save(update_fields=["cancelled_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"cancelled_from": from_day, "count": len(upcoming)},
            park_id=locked.park_id,
        )
    return len(upcoming)
