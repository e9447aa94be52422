"""Every write to the monitoring registry: meters, devices, gateways, rules, policies, allocations.

Typed, keyword-only, atomic, audited (readings and alarms have their own modules: `ingest`, `alarms`).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.models import User
from parkos.core.audit import audit_record, save_audited, snapshot
from parkos.core.models import AuditAction
from parkos.enterprises.models import Enterprise
from parkos.monitoring.choices import KIND_UNITS, AllocationMethod, MeterStatus
from parkos.monitoring.models import (
    AlarmRule,
    CascadeMember,
    EscalationPolicy,
    EscalationStep,
    Gateway,
    Meter,
    MeterAllocation,
    MeterDevice,
    MeterShare,
    Reading,
    VirtualTerm,
)

METER_FIELDS = (
    "park", "code", "name", "kind", "measure", "measure_unit", "building", "floor", "unit", "enterprise", "parent",
    "is_virtual", "gateway", "status", "register_max", "max_rate", "max_step", "valid_min", "valid_max",
    "expected_interval_s", "paired_flow", "note",
)  # fmt: skip
RULE_FIELDS = (
    "park", "name", "kind", "severity", "meter", "meter_kind", "upper", "lower", "hysteresis", "min_duration_s",
    "rate_limit", "missing_after_s", "window_s", "min_difference", "permit_reference", "policy", "auto_close",
    "is_active",
)  # fmt: skip
#: Gateway tokens start with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "pkg_"  # noqa: S105 - a prefix, not a secret


def _assign(instance: Model, fields: dict[str, Any], allowed: Sequence[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def meter_save(
    *,
    actor: User | None,
    meter: Meter | None = None,
    fields: dict[str, Any],
    serial_number: str = "",
    multiplier: Decimal = Decimal(1),
    installed_at: datetime.datetime | None = None,
    initial_reading: float = 0.0,
) -> Meter:
    """Create a meter (with its first device unless virtual) or change one.

    A meter's kind, counting and park cannot change once it has readings: its history would lose
    its meaning. A new physical meter gets its device here; replacing it later is `meter_replace_device`.
    """
    before = snapshot(meter) if meter is not None else None
    meter = meter or Meter()
    locked = ("kind", "measure", "park", "is_virtual")
    if before is not None and Reading.objects.filter(meter=meter).exists():
        changed = [name for name in locked if name in fields and getattr(meter, name) != fields[name]]
        if changed:
            raise ValidationError(_("已有读数的表计不能修改类型、计量方式、园区或虚拟属性。"))
    _assign(meter, fields, METER_FIELDS)
    if not meter.measure_unit:
        meter.measure_unit = KIND_UNITS.get(meter.kind, "")
    save_audited(meter, actor=actor, before=before, park_id=meter.park_id)
    if before is None and not meter.is_virtual:
        device = MeterDevice(
            meter=meter,
            serial_number=serial_number or meter.code,
            multiplier=multiplier,
            installed_at=installed_at or timezone.now(),
            initial_reading=initial_reading,
        )
        save_audited(device, actor=actor, before=None, park_id=meter.park_id)
    return meter


@transaction.atomic
def meter_retire(*, actor: User | None, meter: Meter, at: datetime.datetime | None = None) -> Meter:
    """Stop a meter: no more readings; its history and attributions stay."""
    before = snapshot(meter)
    meter.status = MeterStatus.RETIRED
    at = at or timezone.now()
    MeterDevice.objects.filter(meter=meter, removed_at__isnull=True).update(removed_at=at)
    return save_audited(meter, actor=actor, before=before, park_id=meter.park_id)


@dataclass(frozen=True)
class Replacement:
    """An instrument swapped at a measuring point: the old one's last register, the new one's first."""

    at: datetime.datetime
    final_reading: float
    serial_number: str
    multiplier: Decimal
    initial_reading: float


@transaction.atomic
def meter_replace_device(*, actor: User | None, meter: Meter, replacement: Replacement) -> MeterDevice:
    """Replace the installed device; the point's series continues (validation carries the register
    across: consumption = old final − last reading, + new reading − new initial).

    1. Lock the meter (an ingestion of it waits). 2. Refuse a moment before its last reading or at
    or before the current device's installation, and a final register below the last reading.
    3. Close the old device, open the new one.
    """
    meter = Meter.objects.select_for_update().get(pk=meter.pk)
    if meter.is_virtual:
        raise ValidationError(_("虚拟表没有表具。"))
    current = MeterDevice.objects.filter(meter=meter, removed_at__isnull=True).first()
    last = Reading.objects.filter(meter=meter).order_by("-ts").values_list("ts", "raw").first()
    errors: dict[str, str] = {}
    if current is not None and replacement.at <= current.installed_at:
        errors["at"] = _("换表时间必须晚于当前表具的安装时间。")
    if last is not None and replacement.at < last[0]:
        errors["at"] = _("换表时间早于该表最近一次读数（%(ts)s）。") % {
            "ts": f"{timezone.localtime(last[0]):%Y-%m-%d %H:%M}"
        }
    if meter.is_counter and last is not None and replacement.final_reading < last[1]:
        errors["final_reading"] = _("旧表拆除读数不能小于最近一次读数 %(raw)s。") % {"raw": last[1]}
    if errors:
        raise ValidationError(errors)
    if current is not None:
        before = snapshot(current)
        current.removed_at = replacement.at
        current.final_reading = replacement.final_reading
        save_audited(current, actor=actor, before=before, park_id=meter.park_id)
    device = MeterDevice(
        meter=meter,
        serial_number=replacement.serial_number,
        multiplier=replacement.multiplier,
        installed_at=replacement.at,
        initial_reading=replacement.initial_reading,
    )
    return save_audited(device, actor=actor, before=None, park_id=meter.park_id)


@transaction.atomic
def virtual_terms_set(*, actor: User | None, meter: Meter, terms: Sequence[tuple[Meter, Decimal]]) -> Meter:
    """Set a virtual meter's formula: Σ coefficient × source (sources of the same park and kind)."""
    if not meter.is_virtual:
        raise ValidationError(_("只有虚拟表可以设置计算公式。"))
    for source, _coefficient in terms:
        if source.pk == meter.pk or source.park_id != meter.park_id or source.kind != meter.kind:
            raise ValidationError(_("公式中的表计必须是同一园区、同一类型的其他表计。"))
    VirtualTerm.objects.filter(virtual=meter).delete()
    VirtualTerm.objects.bulk_create(VirtualTerm(virtual=meter, source=s, coefficient=c) for s, c in terms)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meter,
        changes={"terms": [[s.code, str(c)] for s, c in terms]},
        park_id=meter.park_id,
    )
    return meter


@transaction.atomic
def allocation_set(
    *,
    actor: User | None,
    meter: Meter,
    method: str | None,
    shares: Sequence[tuple[Enterprise, Decimal]] = (),
    note: str = "",
) -> MeterAllocation | None:
    """Make a meter a shared one (method: area, consumption, fixed with `shares`), or not (None)."""
    if method is None:
        MeterAllocation.objects.filter(meter=meter).delete()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=meter, changes={"allocation": None}, park_id=meter.park_id
        )
        return None
    if method == AllocationMethod.FIXED and (not shares or sum(p for _e, p in shares) > 100):
        raise ValidationError(_("按约定比例分摊需要填写比例，合计不超过 100%。"))
    if meter.enterprise_id or meter.unit_id:
        raise ValidationError(_("归属企业或单元的表计不能再分摊。"))
    allocation, _created = MeterAllocation.objects.update_or_create(
        meter=meter, defaults={"method": method, "note": note}
    )
    MeterShare.objects.filter(allocation=allocation).delete()
    MeterShare.objects.bulk_create(MeterShare(allocation=allocation, enterprise=e, percent=p) for e, p in shares)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meter,
        changes={"allocation": method, "shares": [[e.pk, str(p)] for e, p in shares]},
        park_id=meter.park_id,
    )
    return allocation


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def gateway_for_token(token: str) -> Gateway | None:
    """The active gateway a token belongs to (looked up by its digest)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return Gateway.objects.select_related("park").filter(token_hash=_token_hash(token), is_active=True).first()


@transaction.atomic
def gateway_create(*, actor: User | None, fields: dict[str, Any], token: str | None = None) -> tuple[Gateway, str]:
    """Register a gateway; returns it and its token, which is shown this once and stored only hashed."""
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    gateway = Gateway(**fields, token_prefix=token[:12], token_hash=_token_hash(token))
    save_audited(gateway, actor=actor, before=None, park_id=gateway.park_id)
    return gateway, token


@transaction.atomic
def gateway_rotate_token(*, actor: User | None, gateway: Gateway) -> str:
    """A new token for a gateway; the old one stops working at once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    gateway.token_prefix, gateway.token_hash = token[:12], _token_hash(token)
    gateway.save(update_fields=["token_prefix", "token_hash", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=gateway, changes={"token": "rotated"}, park_id=gateway.park_id
    )
    return token


@transaction.atomic
def rule_save(
    *,
    actor: User | None,
    rule: AlarmRule | None = None,
    fields: dict[str, Any],
    cascade: Sequence[Meter] | None = None,
) -> AlarmRule:
    """Create or change an alarm rule; a cascade rule takes its rooms from the highest pressure down."""
    before = snapshot(rule) if rule is not None else None
    rule = rule or AlarmRule()
    _assign(rule, fields, RULE_FIELDS)
    save_audited(rule, actor=actor, before=before, park_id=rule.park_id)
    if cascade is not None:
        if len(cascade) < 2 or any(m.park_id != rule.park_id for m in cascade):
            raise ValidationError({"cascade": _("压差梯度至少需要同一园区的两个压差传感器。")})
        CascadeMember.objects.filter(rule=rule).delete()
        CascadeMember.objects.bulk_create(
            CascadeMember(rule=rule, meter=meter, position=position) for position, meter in enumerate(cascade, start=1)
        )
    return rule


@dataclass(frozen=True)
class StepSpec:
    after_minutes: int
    roles: tuple[str, ...] = ()
    users: tuple[User, ...] = ()
    channel: str = "in_app"


@transaction.atomic
def policy_save(
    *, actor: User | None, policy: EscalationPolicy | None = None, fields: dict[str, Any], steps: Sequence[StepSpec]
) -> EscalationPolicy:
    """Create or change an escalation policy and its steps (in order; the first usually after 0)."""
    if not steps:
        raise ValidationError(_("升级策略至少需要一个步骤。"))
    if [s.after_minutes for s in steps] != sorted(s.after_minutes for s in steps):
        raise ValidationError(_("升级步骤的时间必须逐级递增。"))
    before = snapshot(policy) if policy is not None else None
    policy = policy or EscalationPolicy()
    _assign(policy, fields, ("park", "name", "calendar"))
    save_audited(policy, actor=actor, before=before, park_id=policy.park_id)
    EscalationStep.objects.filter(policy=policy).delete()
    for position, spec in enumerate(steps, start=1):
        step = EscalationStep.objects.create(
            policy=policy,
            position=position,
            after_minutes=spec.after_minutes,
            roles=list(spec.roles),
            channel=spec.channel,
        )
        step.users.set(spec.users)
    return policy
