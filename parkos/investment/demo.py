"""Demo 招商: a living pipeline across the flagship and three other parks, idempotent by company name.

About 60 leads over every stage (lost and settled included), each with its history: when it came
in, calls, site visits with the units shown, the next step and its date (some overdue, some due
today, some ahead), and a few in the operator-wide pool (待分配). Industries come from each park's
policy at every grain, a few coded too broadly so "可能符合" shows; requirements are sized on the
park's available units so matches exist — in the flagship, clean-room-ready units for medical-device
makers. The demo investment officer (王招商) works all four parks.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.core import industry
from parkos.core.workdays import add_working_days, next_working_day, previous_working_day
from parkos.investment import services
from parkos.investment.choices import ActivityKind, LeadStage
from parkos.investment.models import Lead, StageChange
from parkos.parks.models import Park, Unit

FLAGSHIP_CODE = "CQ-BIO-01"
SEED = 20261203
#: How many leads each stage gets per park (the flagship twice as many), and the pool.
STAGE_MIX: tuple[tuple[str, int], ...] = (
    ("new", 2), ("contacted", 2), ("site_visit", 2), ("negotiating", 2), ("signed", 1), ("settled", 1), ("lost", 2),
)  # fmt: skip
POOL_LEADS = 4
BRANDS = (
    "康睿", "博奥", "灵康", "渝医", "华邦", "瑞德", "宏康", "迈瑞达", "天圣", "智翔", "金凤", "西南", "长江", "巴渝",
    "嘉陵", "科润", "安泰", "正和", "恒瑞达", "普济", "众康", "博仁", "欣荣", "云海", "山城", "蓝海", "仁和", "万康",
    "盛世", "明德", "弘毅", "远景", "中科", "华康", "泰和", "德润", "联众", "鼎信", "汇康", "同创",
)  # fmt: skip
SUFFIX = {"27": "医药", "35": "医疗器械", "358": "医疗器械", "73": "生物科技", "14": "健康食品", "C": "科技"}
LOST_REASONS = ("选择了成都的园区", "租金超出预算", "项目融资未到位，暂缓", "需要甲类厂房，园区无法满足")
NEXT_STEPS = ("发送园区资料和租金方案", "安排二次看房", "确认洁净车间改造方案", "报价并确认免租期", "约谈总经理")


def _officer(parks: list[Park]) -> User | None:
    officer = User.objects.filter(username="investment", role=Role.INVESTMENT_OFFICER).first()
    if officer is not None:
        officer.parks.add(*parks)  # the demo officer works the four demo parks
    return officer


def _parks() -> list[Park]:
    flagship = Park.objects.active().filter(code=FLAGSHIP_CODE).first()
    others = list(Park.objects.active().exclude(code=FLAGSHIP_CODE).order_by("pk")[:3])
    return ([flagship] if flagship else []) + others


def _industry_for(park: Park, rng: random.Random, broad: bool) -> str:
    """A class under one of the park's policy codes; `broad`: the policy's division (may-fit case)."""
    policy = [c for c in park.welcomed_industry_codes if not c.isalpha()] or ["3581"]
    code: str = rng.choice(policy)
    if broad:
        return code[:2]
    classes = [c for c, _label in industry.choices("class", parent=code)] if len(code) < 4 else [code]
    return rng.choice(classes or [code])


def _spec(park: Park, units: list[Unit], rng: random.Random, index: int) -> dict[str, Any]:
    code = _industry_for(park, rng, broad=index % 9 == 4)
    unit = rng.choice(units) if units else None
    area = Decimal(unit.area_sqm if unit else 1500)
    requirement: dict[str, Any] = {
        "space_kind": "factory",
        "tenure": "lease",
        "area_min_sqm": (area * Decimal("0.8")).quantize(Decimal(1)),
        "area_max_sqm": (area * Decimal("1.3")).quantize(Decimal(1)),
        "industry_code": code,
        "expected_annual_tax_wan": Decimal(rng.choice([60, 120, 200, 300, 500, 800])),
        "budget_rent_yuan_per_sqm_month": Decimal(rng.choice([18, 22, 25, 30])) if index % 3 else None,
        "move_in_on": timezone.localdate() + datetime.timedelta(days=rng.choice([30, 60, 90, 180])),
    }
    if unit is not None and unit.cleanroom_grade and code.startswith(("27", "358")):
        requirement["cleanroom_grade"] = unit.cleanroom_grade
    suffix = next((v for k, v in SUFFIX.items() if code.startswith(k)), "科技")
    return {"industry": code, "requirement": requirement, "suffix": suffix, "unit": unit}


def _backdate(lead: Lead, days_ago: int, stage_days: int) -> None:
    """Demo history: when the lead came in and how long it has sat in its stage."""
    now = timezone.now()
    created = now - datetime.timedelta(days=days_ago)
    changed = now - datetime.timedelta(days=min(stage_days, days_ago))
    Lead.objects.filter(pk=lead.pk).update(created_at=created, assigned_at=created, stage_changed_at=changed)
    changes = list(lead.stage_changes.order_by("at", "pk"))
    for n, change in enumerate(changes):
        at = created + (changed - created) * n / max(len(changes) - 1, 1)
        StageChange.objects.filter(pk=change.pk).update(at=at)


def _history(lead: Lead, stage: str, units: list[Unit], rng: random.Random, officer: User | None) -> None:
    """Calls, site visits with units and the next step of an open lead."""
    today = timezone.localdate()
    order = [s.value for s in (LeadStage.NEW, LeadStage.CONTACTED, LeadStage.SITE_VISIT, LeadStage.NEGOTIATING)]
    reached = order.index(stage) if stage in order else len(order)
    if reached >= 1:
        services.activity_log(
            lead=lead, kind=ActivityKind.CALL, summary="首次电话沟通，了解面积、工艺和洁净要求", actor=officer
        )
    if reached >= 2 and units:
        shown = rng.sample(units, k=min(2, len(units)))
        services.activity_log(
            lead=lead,
            kind=ActivityKind.SITE_VISIT,
            summary="陪同客户实地考察，查看层高、荷载和货梯",
            units=shown,
            actor=officer,
        )
    if reached >= 3:
        services.activity_log(
            lead=lead, kind=ActivityKind.MEETING, summary="商务洽谈：租金、免租期和装修期", actor=officer
        )
    if lead.is_open:
        # Some overdue, some due today, some ahead — the board and 我的待办 show all three.
        due = rng.choice(
            [
                previous_working_day(today - datetime.timedelta(days=2)),
                next_working_day(today),
                add_working_days(today, 5),
            ]
        )
        services.activity_log(
            lead=lead,
            kind=ActivityKind.NOTE,
            summary="跟进计划",
            next_step=rng.choice(NEXT_STEPS),
            next_step_on=due,
            actor=officer,
        )


def _move(lead: Lead, stage: str, rng: random.Random, officer: User | None) -> None:
    path = ["contacted", "site_visit", "negotiating", "signed", "settled"]
    if stage == "lost":
        services.lead_move(lead=lead, to_stage="contacted", actor=officer)
        services.lead_move(lead=lead, to_stage="lost", lost_reason=rng.choice(LOST_REASONS), actor=officer)
        return
    for step in path[: path.index(stage) + 1] if stage in path else []:
        note = "演示数据：合同已线下签订" if step == "signed" else ""
        services.lead_move(lead=lead, to_stage=step, note=note, actor=officer)


@transaction.atomic
def load_demo(*, scale: str = "demo", stdout: TextIO | None = None) -> dict[str, int]:
    rng = random.Random(SEED)
    parks = _parks()
    if not parks:
        return {"leads": 0}
    officer = _officer(parks)
    names = iter(f"{city}{brand}" for brand in BRANDS for city in ("重庆", "成都", "西安", "武汉", "贵州", "昆明"))
    created = 0
    serial = 0
    for park_index, park in enumerate(parks):
        units = list(Unit.objects.available_on(timezone.localdate()).filter(park=park, area_sqm__lte=4000)[:200])
        repeat = 2 if park.code == FLAGSHIP_CODE else 1
        for stage, count in STAGE_MIX:
            for _n in range(count * repeat):
                serial += 1
                spec = _spec(park, units, rng, serial)
                name = f"{next(names)}{spec['suffix']}有限公司"
                if Lead.objects.filter(company_name=name).exists():
                    continue
                lead = services.lead_create(
                    actor=officer,
                    company_name=name,
                    source=rng.choice(["phone", "wechat", "referral", "event", "government_referral", "portal_form"]),
                    park=park,
                    officer=officer,
                    contact_name=rng.choice(["王经理", "李总", "张总监", "刘主任", "陈经理"]),
                    contact_mobile=f"139{park_index:02d}{serial:06d}",
                    expected_signing_on=timezone.localdate() + datetime.timedelta(days=rng.choice([20, 45, 75, 120])),
                    requirement=spec["requirement"],
                )
                _move(lead, stage, rng, officer)
                lead.refresh_from_db()
                _history(lead, stage, units, rng, officer)
                _backdate(lead, days_ago=rng.randint(10, 120), stage_days=rng.randint(1, 25))
                created += 1
    for n in range(POOL_LEADS):
        name = f"{next(names)}健康产业有限公司"
        if Lead.objects.filter(company_name=name).exists():
            continue
        lead = services.lead_create(
            actor=None,
            company_name=name,
            source="portal_form",
            contact_name="客户",
            contact_mobile=f"13700{n:06d}",
            requirement={"area_min_sqm": Decimal(800 + 300 * n), "area_max_sqm": Decimal(2000 + 300 * n),
                         "industry_code": rng.choice(["3581", "2720", "7340", "1492"])},
        )  # fmt: skip
        _backdate(lead, days_ago=1 + n, stage_days=1 + n)
        created += 1
    if stdout is not None:
        stdout.write(f"招商：新增 {created} 条演示线索（含{POOL_LEADS}条待分配）\n")
    return {"leads": created}
