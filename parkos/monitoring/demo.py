"""Demo data: the flagship park's meters and sensors, a year of 15-minute history, rules and an
escalation policy. Idempotent: meters and rules by code and name; readings continue from the last
stored one (a second run the next day only fills the gap).

History goes through the real ingestion (validation, rollups), in batches, without alarm evaluation;
the live feed (`manage.py monitoring_feed`) then moves the dashboard and stages one alarm.
"""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.monitoring import services, simulation, storage
from parkos.monitoring.choices import (
    AllocationMethod,
    EscalationCalendar,
    MeterKind,
    NotifyChannel,
    ReadingSource,
    RuleKind,
    Severity,
)
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import AlarmRule, EscalationPolicy, Gateway, Meter, Reading
from parkos.monitoring.parsing import RawReading
from parkos.parks.demo_portfolio import FLAGSHIP_CODE
from parkos.parks.models import Building, Park, Unit

#: The demo gateway's token (documented in README, like the demo passwords).
DEMO_GATEWAY_CODE = "GW-01"
DEMO_GATEWAY_TOKEN = "pkg_demo-flagship-gateway"  # noqa: S105 - a published demo credential
HISTORY_DAYS = 365
BATCH_READINGS = 200_000
CASCADE = (("DP-C1-B", "B级洁净区", 45.0), ("DP-C1-C", "C级洁净区", 30.0), ("DP-C1-D", "D级洁净区", 15.0))


@dataclass(frozen=True)
class DemoMeter:
    code: str
    name: str
    kind: str
    behaviour: simulation.Behaviour | None  # None: virtual
    building: Building | None = None
    unit: Unit | None = None
    parent_code: str = ""
    multiplier: Decimal = Decimal(1)


def _key(code: str) -> int:
    return zlib.crc32(code.encode())


def _b(code: str, kind: str, **kwargs: float) -> simulation.Behaviour:
    return simulation.Behaviour(key=_key(code), kind=kind, **kwargs)


def _meters(park: Park) -> list[DemoMeter]:
    """The flagship's measuring points: a main electricity meter, one per building and per unit,
    water per building, the GMP building's gas, steam and chilled water, clean-room pressures, the
    environment and the wastewater outfall."""
    specs: list[DemoMeter] = [
        DemoMeter(
            "E-MAIN", "园区 10kV 进线总表", MeterKind.ELECTRICITY, _b("E-MAIN", "electricity"), multiplier=Decimal(200)
        ),
        DemoMeter("W-MAIN", "园区市政进水总表", MeterKind.WATER, _b("W-MAIN", "water", rate=30, base=6)),
    ]
    main_rate = 0.0
    for building in Building.objects.filter(park=park).order_by("code"):
        units = list(Unit.objects.filter(building=building, archived_at__isnull=True).order_by("code"))
        building_rate = 0.0
        for unit in units:
            share = 0.15 + (_key(unit.code) % 30) / 100  # 15–45 % of the unit's power at full activity
            rate = float(unit.power_kva or 100) * share
            building_rate += rate
            code = f"E-{unit.code}"
            specs.append(
                DemoMeter(
                    code,
                    f"{unit.code} 单元电表",
                    MeterKind.ELECTRICITY,
                    _b(code, "electricity", rate=rate, base=2),
                    building,
                    unit,
                    f"E-{building.code}",
                )
            )
        code = f"E-{building.code}"
        specs.append(
            DemoMeter(
                code,
                f"{building.code} 楼栋总表",
                MeterKind.ELECTRICITY,
                _b(code, "electricity", rate=building_rate * 1.18, base=4 + 2 * len(units)),
                building,
                parent_code="E-MAIN",
                multiplier=Decimal(40),
            )
        )
        specs.append(
            DemoMeter(
                f"E-{building.code}-COMMON",
                f"{building.code} 公共区域用电（楼栋总表−单元）",
                MeterKind.ELECTRICITY,
                None,
                building,
            )
        )
        specs.append(
            DemoMeter(
                f"W-{building.code}",
                f"{building.code} 楼栋水表",
                MeterKind.WATER,
                _b(f"W-{building.code}", "water", rate=2 + len(units) * 0.6, base=0.3),
                building,
            )
        )
        main_rate += building_rate * 1.18 + 4 + 2 * len(units)
    specs[0] = DemoMeter(
        "E-MAIN",
        specs[0].name,
        MeterKind.ELECTRICITY,
        _b("E-MAIN", "electricity", rate=main_rate * 1.02, base=10),
        multiplier=Decimal(200),
    )
    gmp = Building.objects.filter(park=park, code="C1").first()
    specs += [
        DemoMeter("G-C1", "C1 天然气表", MeterKind.GAS, _b("G-C1", "gas", rate=40, base=5), gmp),
        DemoMeter("S-C1", "C1 蒸汽流量计", MeterKind.STEAM, _b("S-C1", "steam", rate=0.6, base=0.1), gmp),
        DemoMeter("CW-C1", "C1 冷量表", MeterKind.CHILLED_WATER, _b("CW-C1", "chilled_water", rate=1.2, base=0.3), gmp),
        DemoMeter(
            "T-C1-1",
            "C1 洁净区温度",
            MeterKind.TEMPERATURE,
            _b("T-C1-1", "temperature", level=21.5, swing=0.8, jitter=0.3),
            gmp,
        ),
        DemoMeter(
            "RH-C1-1",
            "C1 洁净区湿度",
            MeterKind.HUMIDITY,
            _b("RH-C1-1", "humidity", level=48, swing=4, jitter=1.5),
            gmp,
        ),
        DemoMeter("VOC-C1", "C1 车间VOC", MeterKind.VOC, _b("VOC-C1", "voc", level=0.15, busy=0.25, jitter=0.05), gmp),
        DemoMeter("PM25-OUT", "园区室外PM2.5", MeterKind.PM25, _b("PM25-OUT", "pm25", level=38, swing=6, jitter=8)),
        DemoMeter("NOISE-EAST", "东厂界噪声", MeterKind.NOISE, _b("NOISE-EAST", "noise", level=47, busy=8, jitter=2)),
        DemoMeter(
            "WW-FLOW", "总排口废水流量", MeterKind.WASTEWATER_FLOW, _b("WW-FLOW", "wastewater_flow", rate=18, base=3)
        ),
        DemoMeter("WW-COD", "总排口COD", MeterKind.COD, _b("WW-COD", "cod", level=180, busy=90, jitter=30)),
        DemoMeter("WW-PH", "总排口pH", MeterKind.PH, _b("WW-PH", "ph", level=7.3, jitter=0.25)),
    ]
    for code, name, pressure in CASCADE:
        specs.append(
            DemoMeter(
                code,
                f"C1 {name}压差",
                MeterKind.DIFFERENTIAL_PRESSURE,
                _b(code, "differential_pressure", level=pressure, jitter=1.2),
                gmp,
            )
        )
    return specs


def _ensure_meters(
    park: Park, gateway: Gateway, specs: list[DemoMeter], installed: datetime.datetime
) -> dict[str, Meter]:
    existing = {m.code: m for m in Meter.objects.filter(park=park)}
    for spec in specs:
        if spec.code in existing:
            continue
        fields = {
            "park": park,
            "code": spec.code,
            "name": spec.name,
            "kind": spec.kind,
            "measure": "counter" if (spec.behaviour is None or spec.behaviour.counter) else "instantaneous",
            "building": spec.building,
            "unit": spec.unit,
            "is_virtual": spec.behaviour is None,
            "gateway": gateway,
            "parent": existing.get(spec.parent_code),
            "paired_flow": existing.get("WW-FLOW") if spec.code == "WW-COD" else None,
        }
        existing[spec.code] = services.meter_save(
            actor=None,
            fields=fields,
            serial_number=f"SN{_key(spec.code) % 10**8:08d}",
            multiplier=spec.multiplier,
            installed_at=installed,
        )
    return existing


def _ensure_formulas(meters: dict[str, Meter]) -> None:
    """Common areas = building meter − its units, shared by leased area; shared utilities of C1."""
    for code, meter in meters.items():
        if not code.endswith("-COMMON") or meter.terms.exists():
            continue
        building_code = code.removeprefix("E-").removesuffix("-COMMON")
        units = [
            m
            for c, m in meters.items()
            if m.unit is not None and m.building_id == meter.building_id and m.kind == MeterKind.ELECTRICITY
        ]
        terms = [(meters[f"E-{building_code}"], Decimal(1))] + [(unit_meter, Decimal(-1)) for unit_meter in units]
        services.virtual_terms_set(actor=None, meter=meter, terms=terms)
        services.allocation_set(
            actor=None, meter=meter, method=AllocationMethod.AREA, note="楼栋公共区域按租赁面积分摊"
        )
    for code in ("S-C1", "CW-C1", "G-C1", *(c for c in meters if c.startswith("W-") and c != "W-MAIN")):
        shared = meters.get(code)
        if shared is not None and not hasattr(shared, "allocation"):
            services.allocation_set(actor=None, meter=shared, method=AllocationMethod.AREA, note="按租赁面积分摊")


def _ensure_rules(park: Park, meters: dict[str, Meter]) -> None:
    policy = EscalationPolicy.objects.filter(park=park, name="洁净区与排放（7×24）").first()
    if policy is None:
        policy = services.policy_save(
            actor=None,
            fields={"park": park, "name": "洁净区与排放（7×24）", "calendar": EscalationCalendar.ALWAYS},
            steps=[
                services.StepSpec(0, roles=(Role.FACILITIES_OPERATOR,)),
                services.StepSpec(2, roles=(Role.PARK_MANAGER,), channel=NotifyChannel.EMAIL),
                services.StepSpec(10, roles=(Role.OPERATOR_ADMIN,), channel=NotifyChannel.EMAIL),
            ],
        )
    office = EscalationPolicy.objects.filter(park=park, name="一般告警（工作时间）").first()
    if office is None:
        office = services.policy_save(
            actor=None,
            fields={"park": park, "name": "一般告警（工作时间）", "calendar": EscalationCalendar.WORKING_HOURS},
            steps=[
                services.StepSpec(0, roles=(Role.FACILITIES_OPERATOR,)),
                services.StepSpec(240, roles=(Role.PARK_MANAGER,)),
            ],
        )
    rules = [
        (
            {
                "name": "C1 洁净区压差梯度",
                "kind": RuleKind.CASCADE,
                "severity": Severity.CRITICAL,
                "min_difference": 10,
                "min_duration_s": 30,
                "hysteresis": 2,
                "policy": policy,
            },
            [meters[c] for c, _n, _p in CASCADE],
        ),
        (
            {
                "name": "总排口 COD 日均限值",
                "kind": RuleKind.PERMIT,
                "severity": Severity.MAJOR,
                "meter": meters["WW-COD"],
                "upper": 500,
                "window_s": 86400,
                "permit_reference": "GB/T 31962-2015 B级（500 mg/L）",
                "policy": policy,
            },
            None,
        ),
        (
            {
                "name": "总排口 pH",
                "kind": RuleKind.THRESHOLD,
                "severity": Severity.MAJOR,
                "meter": meters["WW-PH"],
                "lower": 6,
                "upper": 9,
                "hysteresis": 0.2,
                "min_duration_s": 600,
                "permit_reference": "GB/T 31962-2015 B级（6.5–9.5）",
                "policy": policy,
            },
            None,
        ),
        (
            {
                "name": "C1 洁净区温度",
                "kind": RuleKind.THRESHOLD,
                "severity": Severity.WARNING,
                "meter": meters["T-C1-1"],
                "lower": 18,
                "upper": 26,
                "hysteresis": 0.5,
                "min_duration_s": 900,
                "policy": office,
            },
            None,
        ),
        (
            {
                "name": "电表数据中断",
                "kind": RuleKind.MISSING_DATA,
                "severity": Severity.WARNING,
                "meter_kind": MeterKind.ELECTRICITY,
                "missing_after_s": 7200,
                "policy": office,
            },
            None,
        ),
        (
            {
                "name": "东厂界噪声",
                "kind": RuleKind.THRESHOLD,
                "severity": Severity.INFO,
                "meter": meters["NOISE-EAST"],
                "upper": 65,
                "min_duration_s": 1800,
                "permit_reference": "GB 12348-2008 3类（昼间 65 dB(A)）",
                "policy": office,
            },
            None,
        ),
    ]
    for fields, cascade in rules:
        if not AlarmRule.objects.filter(park=park, name=fields["name"]).exists():
            services.rule_save(actor=None, fields={"park": park, **fields}, cascade=cascade)


def _history(
    specs: list[DemoMeter], meters: dict[str, Meter], start: datetime.datetime, end: datetime.datetime
) -> Iterator[RawReading]:
    zone = storage.local_zone()
    last = dict(
        Reading.objects.filter(meter__in=[m for m in meters.values() if not m.is_virtual])
        .values_list("meter_id")
        .annotate(Max("ts"))
    )
    for spec in specs:
        if spec.behaviour is None:
            continue
        meter = meters[spec.code]
        since = last.get(meter.pk) or start
        if since >= end - simulation.STEP:
            continue
        if spec.behaviour.counter:
            raw = Reading.objects.filter(meter=meter, ts=since).values_list("raw", flat=True).first()
            register = raw if raw is not None else 10_000.0 + _key(spec.code) % 5000
            multiplier = float(spec.multiplier)
            scaled = simulation.Behaviour(
                **{
                    **spec.behaviour.__dict__,
                    "rate": spec.behaviour.rate / multiplier,
                    "base": spec.behaviour.base / multiplier,
                }
            )
            series = simulation.counter_series(scaled, since, end, register, zone)
        else:
            series = simulation.sensor_series(spec.behaviour, since, end, zone)
        for moment, value in series:
            yield RawReading(spec.code, moment, value)


def demo_meters(park: Park) -> list[DemoMeter]:
    return _meters(park)


def load_demo(*, scale: str = "demo", stdout: TextIO | None = None) -> dict[str, int]:
    park = Park.objects.filter(code=FLAGSHIP_CODE).first()
    if park is None:
        return {"readings": 0}
    now = timezone.now()
    end = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    start = end - datetime.timedelta(days=HISTORY_DAYS)
    with transaction.atomic():
        gateway = Gateway.objects.filter(park=park, code=DEMO_GATEWAY_CODE).first()
        if gateway is None:
            gateway, _token = services.gateway_create(
                actor=None,
                fields={"park": park, "code": DEMO_GATEWAY_CODE, "name": "1号数据采集网关"},
                token=DEMO_GATEWAY_TOKEN,
            )
        specs = _meters(park)
        meters = _ensure_meters(park, gateway, specs, start - datetime.timedelta(days=1))
        _ensure_formulas(meters)
        _ensure_rules(park, meters)
    accepted = rejected = 0
    batch: list[RawReading] = []
    for reading in _history(specs, meters, start, end):
        batch.append(reading)
        if len(batch) >= BATCH_READINGS:
            result = ingest_readings(park=park, readings=batch, source=ReadingSource.DEMO, evaluate_alarms=False)
            accepted, rejected, batch = accepted + result.accepted, rejected + result.rejected, []
    if batch:
        result = ingest_readings(park=park, readings=batch, source=ReadingSource.DEMO, evaluate_alarms=False)
        accepted, rejected = accepted + result.accepted, rejected + result.rejected
    if stdout is not None:
        stdout.write(f"智慧园区：{len(meters)} 块表计，新增 {accepted} 条读数（被拒 {rejected}）\n")
    return {"meters": len(meters), "readings": accepted}
