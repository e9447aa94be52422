"""Demo contracts that make the demo portfolio's occupancy realistic.

Mature parks end up around 70–90 % let, parks opened in the last three years 30–55 %; some leases
expire within the next months (so expiries, renewal tasks and the stacking plan by expiry have
something to show), some units carry an earlier, ended lease (so point-in-time occupancy has history),
and a few units offered for sale are sold. Tenants are the enterprises demo's pool when it is loaded,
else a small pool created here with valid credit codes.

Idempotent: a park that already has contracts is left alone. Bulk: contracts, space lines, monthly
accruals and events are inserted with bulk_create; each unit's occupancy is then stored through
`parkos.parks.services.space_set_occupancy`, the one writer of occupancy. A system load, not a user's
change, so no audit entries.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from parkos.enterprises import credit_code
from parkos.enterprises.choices import EnterpriseLifecycle
from parkos.enterprises.models import Enterprise
from parkos.leasing import schedule
from parkos.leasing.choices import ContractEventKind, ContractKind, ContractStatus, PaymentPeriod
from parkos.leasing.models import Contract, ContractEvent, ContractMonth, ContractSpace
from parkos.leasing.services import lease_terms
from parkos.parks.choices import Occupancy
from parkos.parks.models import Park, Unit
from parkos.parks.services import space_set_occupancy

SEED = 20261125
BATCH = 2000
TENANT_WORDS = ("医疗器械", "生物科技", "制药", "医药研究", "检测技术", "精密仪器", "智能装备", "新材料")
TENANT_INDUSTRIES = ("3581", "2761", "2720", "7340", "7452", "4011", "3911", "2651")


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _tenants(rng: random.Random, stdout: TextIO | None) -> list[int]:
    ids = list(Enterprise.objects.active().order_by("pk").values_list("pk", flat=True)[:30000])
    if ids:
        return ids
    made = []
    for n in range(240):
        word = TENANT_WORDS[n % len(TENANT_WORDS)]
        made.append(
            Enterprise(
                name=f"重庆渝健{word}有限公司{n + 1:03d}",
                credit_code=credit_code.generate("500113", rng),
                industry_code=TENANT_INDUSTRIES[n % len(TENANT_INDUSTRIES)],
                city="重庆市",
                district="巴南区",
            )
        )
    Enterprise.objects.bulk_create(made, ignore_conflicts=True)
    if stdout:
        stdout.write(f"租售：新增 {len(made)} 家租户企业\n")
    return list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))


def _lease_terms(
    rng: random.Random, today: datetime.date, rent: Decimal, *, expiring: bool, history: bool
) -> tuple[datetime.date, datetime.date, int, Decimal, int]:
    """(start, end, free months, escalation rate, every years) of one demo lease in force today."""
    years = rng.choice((3, 3, 5, 5, 5, 2))
    # An expiring lease ends within about half a year.
    months_left = rng.randint(1, 6) if expiring else rng.randint(7, years * 12 - 1)
    end_month = _month_start(today, -months_left)
    start = _month_start(end_month, years * 12 - 1)
    if history and start > today - datetime.timedelta(days=400):
        start = _month_start(today, rng.randint(12, 24))
    end = schedule.term_end(start, years * 12)
    free = rng.choice((0, 0, 1, 2, 3)) if years >= 3 else 0
    escalation = Decimal("0.05") if years >= 5 else (Decimal("0.03") if rng.random() < 0.3 else Decimal(0))
    return start, end, free, escalation, 2 if escalation else 0


def _mark_tenants(contracts: list[Contract]) -> None:
    """What `enterprise_mark_tenant` does at signing, in bulk: tenants of the parks they lease in."""
    pairs = {(c.enterprise_id, c.park_id) for c in contracts}
    Enterprise.objects.filter(pk__in={e for e, _p in pairs}).update(lifecycle=EnterpriseLifecycle.TENANT)
    link = Enterprise.parks.through
    link.objects.bulk_create(
        [link(enterprise_id=e, park_id=p) for e, p in pairs], batch_size=BATCH, ignore_conflicts=True
    )


FLAGSHIP_CODE = "CQ-BIO-01"


def _kept_on_offer(park: Park, unit: Unit) -> bool:
    """The flagship keeps two in three clean-room-ready units on offer for medical-device prospects."""
    return park.code == FLAGSHIP_CODE and bool(unit.cleanroom_grade) and unit.pk % 3 != 0


@transaction.atomic
def load_demo(*, scale: str = "demo", stdout: TextIO | None = None, seed: int = SEED) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    parks = list(
        Park.objects.filter(archived_at__isnull=True)
        .annotate(has_contracts=Exists(Contract.objects.filter(park=OuterRef("pk"))))
        .filter(has_contracts=False)
        .order_by("pk")
    )
    if not parks:
        return {"contracts": 0}
    tenants = _tenants(rng, stdout)
    contracts: list[Contract] = []
    plans: list[tuple[Contract, Unit]] = []
    for park in parks:
        newish = park.established_year is not None and park.established_year >= today.year - 3
        target = rng.uniform(0.30, 0.55) if newish else rng.uniform(0.70, 0.90)
        units = list(Unit.objects.filter(park=park, archived_at__isnull=True, lettable=True).order_by("pk"))
        for unit in units:
            if rng.random() >= target or _kept_on_offer(park, unit):
                continue
            rent = unit.rent_yuan_per_sqm_month or park.rent_min_yuan_per_sqm_month or Decimal(25)
            enterprise_id = rng.choice(tenants)
            if unit.for_sale and unit.sale_price_yuan_per_sqm and rng.random() < 0.25:
                start = _month_start(today, rng.randint(1, 60))
                contract = Contract(
                    park=park,
                    enterprise_id=enterprise_id,
                    kind=ContractKind.SALE,
                    status=ContractStatus.SIGNED,
                    signed_on=start - datetime.timedelta(days=30),
                    start_on=start,
                    handover_on=start,
                    area_sqm=unit.area_sqm,
                    sale_price_per_sqm=unit.sale_price_yuan_per_sqm,
                )
                contracts.append(contract)
                plans.append((contract, unit))
                continue
            history = rng.random() < 0.12
            start, end, free, escalation, every = _lease_terms(
                rng, today, rent, expiring=rng.random() < 0.08, history=history
            )
            if history:
                # An earlier tenant whose lease ended the day before this one began.
                old_start = _month_start(start, 36)
                old = Contract(
                    park=park,
                    enterprise_id=rng.choice(tenants),
                    kind=ContractKind.LEASE,
                    status=ContractStatus.SIGNED,
                    signed_on=old_start - datetime.timedelta(days=20),
                    start_on=old_start,
                    end_on=start - datetime.timedelta(days=1),
                    area_sqm=unit.area_sqm,
                    rent_per_sqm_month=(rent * Decimal("0.9")).quantize(Decimal("0.01")),
                    payment_period=PaymentPeriod.QUARTERLY,
                    deposit=(rent * unit.area_sqm * 2).quantize(Decimal("0.01")),
                )
                contracts.append(old)
                plans.append((old, unit))
            contract = Contract(
                park=park,
                enterprise_id=enterprise_id,
                kind=ContractKind.LEASE,
                status=ContractStatus.SIGNED,
                signed_on=start - datetime.timedelta(days=rng.randint(10, 60)),
                start_on=start,
                end_on=end,
                handover_on=start,
                area_sqm=unit.area_sqm,
                rent_per_sqm_month=rent,
                payment_period=rng.choice(
                    (PaymentPeriod.QUARTERLY, PaymentPeriod.QUARTERLY, PaymentPeriod.MONTHLY, PaymentPeriod.HALF_YEARLY)
                ),
                free_rent_months=free,
                escalation_rate=escalation,
                escalation_every_years=every,
                property_fee_per_sqm_month=Decimal("3.50"),
                deposit=(rent * unit.area_sqm * 3).quantize(Decimal("0.01")),
                committed_investment_wan=Decimal(rng.randint(5, 60) * 100) if rng.random() < 0.2 else None,
                committed_annual_output_wan=Decimal(rng.randint(10, 200) * 100) if rng.random() < 0.2 else None,
            )
            contracts.append(contract)
            plans.append((contract, unit))
    for i, contract in enumerate(contracts):
        prefix = "XS" if contract.kind == ContractKind.SALE else "ZL"
        contract.number = f"{prefix}-{contract.park.code}-{contract.start_on:%Y}-D{i + 1:06d}-{seed % 1000:03d}"
    Contract.objects.bulk_create(contracts, batch_size=BATCH)
    ids = dict(Contract.objects.filter(number__in=[c.number for c in contracts]).values_list("number", "pk"))
    for contract in contracts:
        contract.pk = ids[contract.number]

    spaces: list[ContractSpace] = []
    months: list[ContractMonth] = []
    events: list[ContractEvent] = []
    for contract, unit in plans:
        spaces.append(
            ContractSpace(
                contract=contract,
                park_id=contract.park_id,
                unit=unit,
                building_id=unit.building_id,
                area_sqm=unit.area_sqm,
                kind=contract.kind,
                occupies=True,
                start_on=contract.start_on,
                end_on=contract.end_on,
            )
        )
        events.extend(
            ContractEvent(contract=contract, kind=kind)
            for kind in (ContractEventKind.CREATED, ContractEventKind.APPROVED, ContractEventKind.SIGNED)
        )
        if contract.kind == ContractKind.LEASE:
            months.extend(
                ContractMonth(contract=contract, park_id=contract.park_id, month=m, rent=r, property_fee=f)
                for m, r, f in schedule.monthly_accruals(lease_terms(contract))
            )
    ContractSpace.objects.bulk_create(spaces, batch_size=BATCH)
    ContractEvent.objects.bulk_create(events, batch_size=BATCH)
    ContractMonth.objects.bulk_create(months, batch_size=5000)

    # Store each unit's current contract (the latest per unit; plans list older ones first).
    current: dict[int, tuple[Contract, Unit]] = {}
    for contract, unit in plans:
        if contract.end_on is None or contract.end_on >= today:
            current[unit.pk] = (contract, unit)
    for contract, unit in current.values():
        space_set_occupancy(
            space=unit,
            occupancy=Occupancy.SOLD if contract.kind == ContractKind.SALE else Occupancy.LEASED,
            occupied_from=contract.start_on,
            occupied_until=contract.end_on,
        )
    _mark_tenants(contracts)
    counts = {"contracts": len(contracts), "months": len(months)}
    if stdout:
        stdout.write(f"租售：新增 {counts['contracts']} 份合同、{counts['months']} 条月度租金\n")
    return counts
