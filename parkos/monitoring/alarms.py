"""Alarms: evaluating rules on new readings, raising and clearing, escalation, and people's actions.

Every write here runs inside the caller's transaction (the ingestion's, the tick's) or its own.
One alarm not closed per rule and meter (a partial unique index backs it): a condition that comes
back while the alarm is still open counts an occurrence instead of opening another one.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parkos.accounts.access import Capability, has_capability, require_park
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.core.audit import audit_record
from parkos.core.models import AuditAction
from parkos.monitoring import alarming, messages
from parkos.monitoring.choices import (
    AlarmEventKind,
    AlarmStatus,
    EscalationCalendar,
    MeterStatus,
    NotifyChannel,
    RuleKind,
)
from parkos.monitoring.models import (
    Alarm,
    AlarmEvent,
    AlarmNotification,
    AlarmRule,
    EscalationStep,
    Meter,
    Reading,
    RuleState,
)
from parkos.monitoring.storage import local_zone
from parkos.monitoring.validation import Inserted, Point
from parkos.parks.models import Park

logger = logging.getLogger(__name__)

SAMPLE_RULES = (RuleKind.THRESHOLD, RuleKind.RATE_OF_CHANGE, RuleKind.PERMIT)


def limits_of(rule: AlarmRule) -> alarming.Limits:
    if rule.kind == RuleKind.CASCADE:
        return alarming.Limits(None, rule.min_difference, rule.hysteresis, rule.min_duration_s)
    if rule.kind == RuleKind.RATE_OF_CHANGE:
        limit = rule.rate_limit or 0.0
        return alarming.Limits(limit, -limit, rule.hysteresis, rule.min_duration_s)
    return alarming.Limits(rule.upper, rule.lower, rule.hysteresis, rule.min_duration_s)


def _limit_message(rule: AlarmRule, meter: Meter, value: float, limits: alarming.Limits) -> messages.LimitParams:
    """What was measured against which limit, as the parameters of a `messages.LIMIT` message."""
    signal, unit = "value", meter.unit_label
    if rule.kind == RuleKind.RATE_OF_CHANGE:
        signal = "rate"
    elif rule.kind == RuleKind.PERMIT:
        signal = "mean"
    elif rule.kind == RuleKind.CASCADE:
        signal, unit = "pressure_diff", "Pa"
    elif meter.is_counter:
        signal = "hourly"
    bound, limit = alarming.crossed(value, limits)
    return messages.limit_params(
        meter=meter.name,
        signal=signal,
        window_s=rule.window_s or 0,
        value=value,
        unit=unit,
        bound=bound,
        limit=limit,
        held_s=limits.min_duration_s,
    )


# --- evaluation -----------------------------------------------------------------------------------


def _rules_for(park: Park, meters: Sequence[Meter]) -> list[AlarmRule]:
    ids = [m.pk for m in meters]
    kinds = sorted({m.kind for m in meters})
    return list(
        AlarmRule.objects.filter(park=park, is_active=True)
        .filter(Q(meter_id__in=ids) | Q(meter__isnull=True, meter_kind__in=kinds) | Q(cascade__meter_id__in=ids))
        .select_related("policy")
        .prefetch_related("cascade")
        .distinct()
    )


def _states(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], RuleState]:
    wanted = set(pairs)
    if not wanted:
        return {}
    rule_ids = {rule_id for rule_id, _m in wanted}
    meter_ids = {meter_id for _r, meter_id in wanted}
    found = {
        (s.rule_id, s.meter_id): s
        for s in RuleState.objects.filter(rule_id__in=rule_ids, meter_id__in=meter_ids)
        if (s.rule_id, s.meter_id) in wanted
    }
    missing = [RuleState(rule_id=r, meter_id=m) for r, m in sorted(wanted - set(found))]
    if missing:
        RuleState.objects.bulk_create(missing, ignore_conflicts=True)
        for s in RuleState.objects.filter(rule_id__in=rule_ids, meter_id__in=meter_ids):
            found.setdefault((s.rule_id, s.meter_id), s)
    return found


def _window_mean(meter_id: int, ts: datetime.datetime, window_s: int) -> float | None:
    start = ts - datetime.timedelta(seconds=window_s)
    readings = Reading.objects.filter(meter_id=meter_id, ts__gt=start, ts__lte=ts, quantity__isnull=False)
    values = [q for (q,) in readings.values_list("quantity") if q is not None]
    return sum(values) / len(values) if values else None


def _apply(
    rule: AlarmRule, meter: Meter, state: RuleState, ts: datetime.datetime, signal: float | None
) -> tuple[alarming.Transition | None, float | None]:
    if signal is None:
        return None, None
    limits = limits_of(rule)
    condition, transition = alarming.step(limits, alarming.Condition(state.condition_since, state.raised), ts, signal)
    state.condition_since, state.raised = condition.since, condition.raised
    if transition == alarming.Transition.RAISE:
        params = _limit_message(rule, meter, signal, limits)
        raise_alarm(rule=rule, meter=meter, at=ts, value=signal, code=messages.LIMIT, params=dict(params))
    elif transition == alarming.Transition.CLEAR:
        clear_alarm(rule=rule, meter=meter, at=ts, value=signal)
    return transition, signal


def _sample_signal(rule: AlarmRule, meter: Meter, state: RuleState, point: Point) -> float | None:
    """The signal a threshold / rate-of-change rule sees for one reading (None: nothing to judge)."""
    if point.quantity is None:
        return None
    if meter.is_counter:
        if state.last_ts is None or point.ts <= state.last_ts:
            return None
        value = point.quantity / ((point.ts - state.last_ts).total_seconds() / 3600)
    else:
        value = point.quantity
    if rule.kind == RuleKind.RATE_OF_CHANGE:
        rate = alarming.rate_per_minute(state.last_ts, state.last_value, point.ts, value)
        state.last_value = value
        return rate
    state.last_value = value
    return value


def _evaluate_meter(rule: AlarmRule, meter: Meter, state: RuleState, points: list[Point]) -> None:
    live = [p for p in points if state.last_ts is None or p.ts > state.last_ts]
    if not live:
        return
    if rule.kind == RuleKind.MISSING_DATA:
        if state.raised:
            state.raised, state.condition_since = False, None
            clear_alarm(rule=rule, meter=meter, at=live[-1].ts, value=None)
    elif rule.kind == RuleKind.PERMIT:
        latest = live[-1]
        _apply(rule, meter, state, latest.ts, _window_mean(meter.pk, latest.ts, rule.window_s or 3600))
    else:
        for point in live:
            signal = _sample_signal(rule, meter, state, point)
            state.last_ts = point.ts
            _apply(rule, meter, state, point.ts, signal)
    state.last_ts = live[-1].ts
    state.save()


def _latest_values(meter_ids: list[int], accepted: dict[int, Inserted]) -> dict[int, tuple[datetime.datetime, float]]:
    latest: dict[int, tuple[datetime.datetime, float]] = {}
    for meter_id in meter_ids:
        inserted = accepted.get(meter_id)
        if inserted is not None and len(inserted) and inserted.quantity[-1] is not None:
            latest[meter_id] = (inserted.ts[-1], inserted.quantity[-1] or 0.0)
    missing = [m for m in meter_ids if m not in latest]
    if missing:
        for meter_id in missing:
            row = (
                Reading.objects.filter(meter_id=meter_id, quantity__isnull=False)
                .order_by("-ts")
                .values_list("ts", "quantity")
                .first()
            )
            if row is not None:
                latest[meter_id] = (row[0], row[1] or 0.0)
    return latest


def _evaluate_cascade(rule: AlarmRule, accepted: dict[int, Inserted], meters: dict[int, Meter]) -> None:
    members = sorted(rule.cascade.all(), key=lambda c: c.position)
    ids = [c.meter_id for c in members]
    latest = _latest_values(ids, accepted)
    newest = max((ts for ts, _v in latest.values()), default=None)
    if newest is None:
        return
    # A room silent for more than a few intervals is a missing-data matter, not a broken cascade.
    stale = datetime.timedelta(minutes=30)
    pressures = [(m, latest[m][1] if m in latest and newest - latest[m][0] <= stale else None) for m in ids]
    differences = alarming.cascade_breaks(pressures, rule.min_difference or 0.0)
    states = _states((rule.pk, meter_id) for meter_id in differences)
    lookup = meters | {m.pk: m for m in Meter.objects.filter(pk__in=[i for i in ids if i not in meters])}
    for meter_id, difference in differences.items():
        state = states[(rule.pk, meter_id)]
        if state.last_ts is not None and newest <= state.last_ts:
            continue
        _apply(rule, lookup[meter_id], state, newest, difference)
        state.last_ts = newest
        state.save()


def evaluate_readings(*, park: Park, meters: dict[int, Meter], accepted: dict[int, Inserted]) -> None:
    """Run the park's rules over newly accepted readings (in time order; late ones are not live)."""
    touched = [meters[m] for m in accepted if m in meters]
    if not touched:
        return
    rules = _rules_for(park, touched)
    if not rules:
        return
    pairs: list[tuple[AlarmRule, Meter]] = []
    for rule in rules:
        if rule.kind == RuleKind.CASCADE:
            _evaluate_cascade(rule, accepted, meters)
            continue
        for meter in touched:
            if rule.meter_id == meter.pk or (rule.meter_id is None and rule.meter_kind == meter.kind):
                pairs.append((rule, meter))
    states = _states((rule.pk, meter.pk) for rule, meter in pairs)
    points = {meter.pk: accepted[meter.pk].points() for _rule, meter in pairs}
    for rule, meter in pairs:
        _evaluate_meter(rule, meter, states[(rule.pk, meter.pk)], points[meter.pk])


def check_missing_data(*, now: datetime.datetime | None = None) -> int:
    """Raise a missing-data alarm for each watched meter silent longer than its rule allows."""
    now = now or timezone.now()
    raised = 0
    rules = AlarmRule.objects.filter(kind=RuleKind.MISSING_DATA, is_active=True).select_related("park", "policy")
    for rule in rules:
        meters = Meter.objects.filter(park=rule.park, status=MeterStatus.ACTIVE, is_virtual=False)
        meters = meters.filter(pk=rule.meter_id) if rule.meter_id else meters.filter(kind=rule.meter_kind)
        meter_list = list(meters)
        last_seen = dict(
            Reading.objects.filter(meter__in=meter_list)
            .values("meter_id")
            .annotate(last=Max("ts"))
            .values_list("meter_id", "last")
        )
        states = _states((rule.pk, m.pk) for m in meter_list)
        limit = datetime.timedelta(seconds=rule.missing_after_s or 0)
        for meter in meter_list:
            state = states[(rule.pk, meter.pk)]
            last = last_seen.get(meter.pk)
            if state.raised or last is None or now - last <= limit:
                continue
            with transaction.atomic():
                state.raised, state.condition_since = True, last
                state.save()
                minutes = int((now - last).total_seconds() // 60)
                raise_alarm(
                    rule=rule,
                    meter=meter,
                    at=now,
                    value=None,
                    code=messages.NO_DATA,
                    params={"meter": meter.name, "minutes": minutes, "last": f"{timezone.localtime(last):%m-%d %H:%M}"},
                )
            raised += 1
    return raised


# --- raising, clearing, escalating ----------------------------------------------------------------


def _event(
    alarm: Alarm, kind: AlarmEventKind, at: datetime.datetime, text: str = "", actor: User | None = None
) -> None:
    AlarmEvent.objects.create(alarm=alarm, kind=kind, at=at, text=text[:500], actor=actor)


@transaction.atomic  # the open alarm is locked while counted (callers outside a transaction too)
def raise_alarm(
    *,
    rule: AlarmRule,
    meter: Meter,
    at: datetime.datetime,
    value: float | None,
    message: str = "",
    code: str = "",
    params: dict[str, object] | None = None,
) -> Alarm:
    """Open an alarm for (rule, meter), or count one more occurrence of the one still open.

    The message is a `messages` code with its parameters (worded in the reader's language when shown);
    its Chinese words are stored too. A caller without a code gives the text itself (`message`).
    """
    params = params or {}
    if code:
        with translation.override(settings.LANGUAGE_CODE):
            message = messages.render(code, params) or message
    alarm = Alarm.objects.select_for_update().filter(rule=rule, meter=meter).exclude(status=AlarmStatus.CLOSED).first()
    if alarm is not None:
        alarm.occurrences += 1
        alarm.last_triggered_at = at
        alarm.cleared_at = None
        alarm.value = value
        alarm.message, alarm.message_code, alarm.message_params = message[:300], code, params
        alarm.save(
            update_fields=[
                "occurrences",
                "last_triggered_at",
                "cleared_at",
                "value",
                "message",
                "message_code",
                "message_params",
                "updated_at",
            ]
        )
        _event(alarm, AlarmEventKind.RETRIGGERED, at, message)
        return alarm
    alarm = Alarm.objects.create(
        park_id=rule.park_id,
        rule=rule,
        meter=meter,
        severity=rule.severity,
        message=message[:300],
        message_code=code,
        message_params=params,
        value=value,
        opened_at=at,
        last_triggered_at=at,
    )
    _event(alarm, AlarmEventKind.OPENED, at, message)
    _schedule(alarm)
    escalate(alarm, now=max(at, timezone.now()))
    return alarm


def clear_alarm(*, rule: AlarmRule, meter: Meter, at: datetime.datetime, value: float | None) -> Alarm | None:
    """Note that the condition is back to normal; close the alarm if acknowledged and the rule says so."""
    alarm = Alarm.objects.select_for_update().filter(rule=rule, meter=meter).exclude(status=AlarmStatus.CLOSED).first()
    if alarm is None or alarm.cleared_at is not None:
        return alarm
    alarm.cleared_at = at
    text = "" if value is None else f"{value:.4g}"
    _event(alarm, AlarmEventKind.CLEARED, at, text)
    fields = ["cleared_at", "updated_at"]
    if rule.auto_close and alarm.status == AlarmStatus.ACKNOWLEDGED:
        alarm.status, alarm.closed_at = AlarmStatus.CLOSED, at
        fields += ["status", "closed_at"]
        _event(alarm, AlarmEventKind.CLOSED, at, _("恢复后自动关闭"))
    alarm.save(update_fields=fields)
    return alarm


def _steps(alarm: Alarm) -> list[EscalationStep]:
    if alarm.rule.policy_id is None:
        return []
    return list(EscalationStep.objects.filter(policy_id=alarm.rule.policy_id).order_by("position"))


def step_due(alarm: Alarm, step: EscalationStep) -> datetime.datetime:
    policy = alarm.rule.policy
    working = policy is not None and policy.calendar == EscalationCalendar.WORKING_HOURS
    return alarming.due_at(alarm.opened_at, step.after_minutes, working_time=working, zone=local_zone())


def _schedule(alarm: Alarm, steps: list[EscalationStep] | None = None) -> None:
    steps = _steps(alarm) if steps is None else steps
    pending = [s for s in steps if s.position > alarm.escalation_level]
    alarm.next_escalation_at = step_due(alarm, pending[0]) if pending and alarm.status == AlarmStatus.OPEN else None
    alarm.save(update_fields=["next_escalation_at", "escalation_level", "updated_at"])


def recipients(step: EscalationStep, park_id: int) -> list[User]:
    """The people a step notifies: its named users and the park's staff in its roles."""
    people = {u.pk: u for u in step.users.filter(is_active=True)}
    roles = [r for r in step.roles if r in Role.values]
    if roles:
        staff = User.objects.filter(is_active=True, role__in=roles).filter(
            Q(parks=park_id) | Q(role=Role.OPERATOR_ADMIN)
        )
        people.update({u.pk: u for u in staff.distinct()})
    return [people[pk] for pk in sorted(people)]


def _notify(alarm: Alarm, step: EscalationStep, at: datetime.datetime) -> list[str]:
    people = recipients(step, alarm.park_id)
    text = messages.notice_text(alarm.get_severity_display(), alarm.message, step.position)[:300]
    emails: list[str] = []
    for person in people:
        notice, created = AlarmNotification.objects.get_or_create(
            alarm=alarm, user=person, step=step.position, defaults={"channel": step.channel, "text": text}
        )
        if created and step.channel == NotifyChannel.EMAIL and person.email:
            notice.emailed_at = at
            notice.save(update_fields=["emailed_at"])
            emails.append(person.email)
    names = "、".join(p.display_name or p.get_username() for p in people) or _("（无人可通知）")
    _event(alarm, AlarmEventKind.ESCALATED, at, messages.escalated(step.position, names))
    if emails:
        subject = f"ParkOS 告警 {alarm.get_severity_display()}：{alarm.meter.name}"
        body = f"{text}\n\n{alarm.park.name} · {alarm.meter.code}\n/monitoring/alarms/{alarm.pk}/"
        transaction.on_commit(lambda: _send(subject, body, emails))
    return emails


def _send(subject: str, body: str, emails: list[str]) -> None:
    try:
        send_mail(subject, body, None, emails)
    except Exception:  # a mail server down must not undo an alarm; the notice is in the app anyway
        logger.exception("alarm e-mail failed", extra={"to": emails})


def escalate(alarm: Alarm, *, now: datetime.datetime) -> int:
    """Send every step of the alarm's policy that is due and not yet sent; returns how many."""
    if alarm.status != AlarmStatus.OPEN:
        return 0
    steps = _steps(alarm)
    sent = 0
    for step in steps:
        if step.position <= alarm.escalation_level:
            continue
        if step_due(alarm, step) > now:
            break
        _notify(alarm, step, now)
        alarm.escalation_level = step.position
        sent += 1
    _schedule(alarm, steps)
    return sent


def escalate_due(*, now: datetime.datetime | None = None) -> int:
    """Escalate every open alarm whose next step is due (the periodic tick)."""
    now = now or timezone.now()
    sent = 0
    due = Alarm.objects.filter(status=AlarmStatus.OPEN, next_escalation_at__lte=now).values_list("pk", flat=True)
    for alarm_id in list(due):
        with transaction.atomic():
            locked = Alarm.objects.select_for_update(**_skip_locked()).filter(pk=alarm_id).first()
            if locked is not None:
                sent += escalate(locked, now=now)
    return sent


def _skip_locked() -> dict[str, Any]:
    # Two ticks running at once must not notify twice: the second skips what the first holds.
    return {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}


# --- people's actions -----------------------------------------------------------------------------


def can_handle(user: User, alarm: Alarm) -> bool:
    """Facilities staff of the park, or anyone the alarm's escalation reached."""
    if has_capability(user, Capability.MANAGE_FACILITIES):
        return True
    return AlarmNotification.objects.filter(alarm=alarm, user=user).exists()


def _require_handler(actor: User, alarm: Alarm) -> None:
    require_park(actor, alarm.park_id)
    if not can_handle(actor, alarm):
        raise ValidationError(_("只有设施运维人员或收到该告警通知的人员可以处理此告警。"))


def _locked(alarm: Alarm) -> Alarm:
    return Alarm.objects.select_for_update().select_related("rule", "park", "meter").get(pk=alarm.pk)


@transaction.atomic
def alarm_acknowledge(*, alarm: Alarm, actor: User, comment: str = "") -> Alarm:
    """Acknowledge an open alarm: escalation stops; the alarm stays until closed."""
    alarm = _locked(alarm)
    _require_handler(actor, alarm)
    if alarm.status != AlarmStatus.OPEN:
        raise ValidationError(_("只有未确认的告警可以确认。"))
    now = timezone.now()
    alarm.status, alarm.acknowledged_at, alarm.acknowledged_by = AlarmStatus.ACKNOWLEDGED, now, actor
    alarm.next_escalation_at = None
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "next_escalation_at", "updated_at"])
    _event(alarm, AlarmEventKind.ACKNOWLEDGED, now, comment, actor)
    AlarmNotification.objects.filter(alarm=alarm, user=actor, read_at__isnull=True).update(read_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=alarm,
        changes={"status": ["open", "acknowledged"]},
        park_id=alarm.park_id,
    )
    return alarm


@transaction.atomic
def alarm_comment(*, alarm: Alarm, actor: User, text: str) -> Alarm:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("请填写备注内容。")})
    alarm = _locked(alarm)
    _require_handler(actor, alarm)
    _event(alarm, AlarmEventKind.COMMENTED, timezone.now(), text, actor)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=alarm, changes={"comment": text[:200]}, park_id=alarm.park_id
    )
    return alarm


@transaction.atomic
def alarm_close(*, alarm: Alarm, actor: User, comment: str = "") -> Alarm:
    """Close an alarm (acknowledging it on the way if nobody had); the rule may raise a new one later."""
    alarm = _locked(alarm)
    _require_handler(actor, alarm)
    if alarm.status == AlarmStatus.CLOSED:
        raise ValidationError(_("该告警已关闭。"))
    now = timezone.now()
    before = alarm.status
    if alarm.status == AlarmStatus.OPEN:
        alarm.acknowledged_at, alarm.acknowledged_by = now, actor
    alarm.status, alarm.closed_at, alarm.next_escalation_at = AlarmStatus.CLOSED, now, None
    alarm.save()
    _event(alarm, AlarmEventKind.CLOSED, now, comment, actor)
    # The condition may still hold: its state restarts, so it raises a fresh alarm if it persists.
    RuleState.objects.filter(rule=alarm.rule, meter=alarm.meter).update(raised=False, condition_since=None)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=alarm, changes={"status": [before, "closed"]}, park_id=alarm.park_id
    )
    return alarm


def notifications_mark_read(*, user: User, alarm_ids: Sequence[int] | None = None) -> int:
    notices = AlarmNotification.objects.filter(user=user, read_at__isnull=True)
    if alarm_ids is not None:
        notices = notices.filter(alarm_id__in=alarm_ids)
    return notices.update(read_at=timezone.now())


def open_alarm_counts(park_ids: list[int] | None) -> dict[str, int]:
    alarms = Alarm.objects.exclude(status=AlarmStatus.CLOSED)
    if park_ids is not None:
        alarms = alarms.filter(park_id__in=park_ids)
    counts: dict[str, int] = defaultdict(int)
    for severity in alarms.values_list("severity", flat=True):
        counts[severity] += 1
    return dict(counts)
