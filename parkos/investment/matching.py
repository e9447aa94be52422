"""The matching engine: which available units and parcels fit a requirement, ranked, with reasons.

Pure functions over small frozen dataclasses — no ORM, no database. `selectors.match_requirement`
narrows candidates in SQL with the hard filters that map to columns and hands the rows here for
the rules that do not (fire placement, the park's industry policy, lifts on upper floors) and for
the soft scores.

1. Hard constraints exclude a space: kind and tenure, area, the fire-hazard class and its placement
   blocks (RULES §4.5: 甲 not in multi-storey or high-rise buildings, 甲/乙 not below ground, the
   fire-resistance grade), the park's industry policy, floor load, clear height, power, clean-room
   grade, lift, crane and wastewater pretreatment. Availability on the move-in date is SQL's job.
2. Soft criteria score what is left (0–100): area fit, price against budget, location preference,
   tax per 亩 and investment intensity against the park's thresholds, and industry-chain neighbours.
3. Only the top N get their reasons written out (in the user's language, Chinese first), so ranking
   thousands of candidates costs little more than reading them.
4. When no single unit is large enough, adjacent units — the same floor, or consecutive floors of
   one building — are combined (at most `COMBINATION_MAX_UNITS`, bounded search).
5. Every elimination is counted per constraint, so an empty result can say what eliminated most.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Final, Literal

from django.utils.translation import get_language, gettext

from parkos.core.units import SQM_PER_MU, format_area
from parkos.parks.choices import CLEANROOM_RANK, CleanroomGrade
from parkos.parks.fire import (
    BuildingStructure,
    FireHazardClass,
    FireResistanceGrade,
    can_host,
    placement_blocks,
)
from parkos.parks.policy import welcomes

__all__ = [
    "Constraint",
    "Match",
    "Need",
    "ParkInfo",
    "Ranking",
    "Space",
    "combine_adjacent",
    "failure_reasons",
    "fits",
    "hard_failures",
    "rank",
    "score",
]

# --- Tunables ----------------------------------------------------------------------------------------

#: Weights of the soft criteria; they add up to 100, so a score reads as a percentage.
WEIGHT_AREA: Final = 30.0
WEIGHT_PRICE: Final = 25.0
WEIGHT_LOCATION: Final = 20.0
WEIGHT_TAX: Final = 12.0
WEIGHT_INVESTMENT: Final = 6.0
WEIGHT_CHAIN: Final = 7.0
#: A criterion the requirement or the space says nothing about scores this (neither good nor bad).
NEUTRAL: Final = 0.5
#: Location score of a park in a preferred city that is not itself a preferred park.
PREFERRED_CITY_SCORE: Final = 0.6
#: Each 1 % over budget costs 2 % of the price score; 50 % over budget scores zero.
OVER_BUDGET_PENALTY: Final = 2.0
#: Tax per 亩 and investment intensity score in proportion up to this multiple of the threshold.
THRESHOLD_CAP: Final = 2.0
#: Industry-chain neighbours (tenants of the same GB/T 4754 division) beyond this add nothing.
CHAIN_NEIGHBOURS_CAP: Final = 5
#: Combinations: at most this many units, from the largest this many candidates of a floor/building.
COMBINATION_MAX_UNITS: Final = 3
COMBINATION_POOL: Final = 12
DEFAULT_LIMIT: Final = 20

SpaceKindName = Literal["unit", "parcel"]
#: Measurements of a space as the database returns them: float on SQLite, Decimal on PostgreSQL.
#: The engine only compares them and scores in float; nothing here is money that is stored.
Num = Decimal | float


class Constraint(StrEnum):
    """A hard constraint; the value is the key of the elimination counts."""

    KIND = "kind"
    TENURE = "tenure"
    AVAILABILITY = "availability"
    AREA = "area"
    FIRE = "fire"
    POLICY = "policy"
    LOAD = "load"
    HEIGHT = "height"
    POWER = "power"
    CLEANROOM = "cleanroom"
    LIFT = "lift"
    CRANE = "crane"
    WASTEWATER = "wastewater"

    @property
    def label(self) -> str:
        labels = {
            "kind": gettext("空间类型"),
            "tenure": gettext("租购方式"),
            "availability": gettext("入驻日期前可交付"),
            "area": gettext("面积"),
            "fire": gettext("火灾危险性类别"),
            "policy": gettext("园区产业政策"),
            "load": gettext("楼面荷载"),
            "height": gettext("净高"),
            "power": gettext("供电容量"),
            "cleanroom": gettext("洁净等级"),
            "lift": gettext("货梯"),
            "crane": gettext("行车"),
            "wastewater": gettext("污水预处理"),
        }
        return labels[self.value]


@dataclass(frozen=True, slots=True)
class Need:
    """A requirement, as the engine sees it. Areas in m², money as stored (元, 万元)."""

    space_kind: str = "factory"
    tenure: str = "lease"
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    tenant_class: str | None = None
    cleanroom: str = ""
    min_load: Decimal | None = None
    min_height: Decimal | None = None
    min_power: int | None = None
    min_lift: Decimal | None = None
    min_crane: Decimal | None = None
    wastewater: bool = False
    budget_rent: Decimal | None = None
    budget_price: Decimal | None = None
    budget_land_wan_per_mu: Decimal | None = None
    cities: frozenset[str] = frozenset()
    park_ids: frozenset[int] = frozenset()
    industry_code: str = ""
    tax_wan: Decimal | None = None
    investment_wan: Decimal | None = None
    move_in: datetime.date | None = None

    @property
    def wants_units(self) -> bool:
        return self.space_kind != "land"

    @property
    def wants_parcels(self) -> bool:
        """Land, or a factory the prospect could build on its own land (buy or either)."""
        return self.space_kind == "land" or (self.space_kind == "factory" and self.tenure != "lease")

    @property
    def area_target(self) -> Decimal | None:
        if self.area_min is not None and self.area_max is not None:
            return (self.area_min + self.area_max) / 2
        return self.area_min if self.area_min is not None else self.area_max


@dataclass(frozen=True, slots=True)
class ParkInfo:
    id: int
    name: str
    city: str = ""
    welcomed: tuple[str, ...] = ()
    min_tax_wan_per_mu: Decimal | None = None
    min_investment_wan_per_mu: Decimal | None = None
    #: Tenants of the requirement's GB/T 4754 division already in the park.
    chain_neighbours: int = 0


@dataclass(frozen=True, slots=True)
class Space:
    """A unit or a land parcel, flattened with what its floor and building say about it."""

    kind: SpaceKindName
    id: int
    park_id: int
    code: str
    area: Num
    design_class: str = "bing"
    rent: Num | None = None
    sale_price: Num | None = None
    for_sale: bool = False
    land_price_wan_per_mu: Num | None = None
    building_id: int | None = None
    building_code: str = ""
    floor_id: int | None = None
    level: int = 1
    structure: str = BuildingStructure.MULTI_STOREY_FRAME.value
    storeys: int = 1
    grade: str = FireResistanceGrade.TWO.value
    sprinklered: bool = True
    floor_load: Num | None = None
    clear_height: Num | None = None
    power: int = 0
    lift_t: Num | None = None
    crane_t: Num | None = None
    cleanroom: str = ""
    wastewater: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked result: a space (or adjacent spaces combined) with its score and reasons."""

    spaces: tuple[Space, ...]
    park: ParkInfo
    score: float
    fits: tuple[str, ...] = ()
    misfits: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def total_area(self) -> Decimal:
        return _dec(sum(float(s.area) for s in self.spaces))

    @property
    def is_combination(self) -> bool:
        return len(self.spaces) > 1

    @property
    def kind(self) -> SpaceKindName:
        return self.spaces[0].kind

    @property
    def label(self) -> str:
        return " + ".join(s.code for s in self.spaces)


@dataclass(frozen=True)
class Ranking:
    matches: tuple[Match, ...]
    combinations: tuple[Match, ...]
    considered: int
    eliminated: dict[str, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.matches and not self.combinations

    def top_eliminator(self) -> tuple[Constraint, int] | None:
        if not self.eliminated:
            return None
        key, count = max(self.eliminated.items(), key=lambda kv: (kv[1], kv[0]))
        return Constraint(key), count


# --- Helpers --------------------------------------------------------------------------------------------


def _dec(value: Decimal | int | float) -> Decimal:
    """Exact Decimal of a stored number, rounded to the hundredth (floats via their shortest repr)."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return d.quantize(Decimal("0.01"))


def _num(value: Decimal | int | float) -> str:
    """A number for a sentence: no trailing zeros, no exponent."""
    d = _dec(value)
    return f"{d.normalize():f}" if d != d.to_integral_value() else f"{d.to_integral_value():f}"


def _class_name(value: str) -> str:
    return gettext("%(cls)s类") % {"cls": FireHazardClass(value).label}


SQM_PER_MU_F: Final = float(SQM_PER_MU)


@lru_cache(maxsize=4096)
def _fire_blocks(
    language: str | None,
    tenant_class: str,
    design_class: str,
    structure: str,
    storeys: int,
    is_basement: bool,
    grade: str,
    sprinklered: bool,
) -> tuple[str, ...]:
    """`placement_blocks`, memoised: a portfolio has few distinct building shapes."""
    del language  # part of the key only: the reasons are translated
    return tuple(
        placement_blocks(
            tenant_class=FireHazardClass(tenant_class),
            structure=BuildingStructure(structure),
            storeys=storeys,
            is_basement=is_basement,
            fire_resistance_grade=FireResistanceGrade(grade),
            design_class=FireHazardClass(design_class),
            sprinklered=sprinklered,
        )
    )


@lru_cache(maxsize=4096)
def _welcomes(welcomed: tuple[str, ...], industry_code: str) -> bool:
    return welcomes(welcomed, industry_code)


def _unit_fire_blocks(need: Need, space: Space) -> tuple[str, ...]:
    if need.tenant_class is None or space.kind != "unit":
        return ()
    return _fire_blocks(
        get_language(),
        need.tenant_class,
        space.design_class,
        space.structure,
        space.storeys,
        space.level < 0,
        space.grade,
        space.sprinklered,
    )


# --- Hard constraints -----------------------------------------------------------------------------------


def hard_failures(need: Need, space: Space, park: ParkInfo, *, check_area: bool = True) -> list[Constraint]:  # noqa: C901 - one check per constraint, in the order users read them; split when #15 adds constraints
    """The hard constraints this space violates for this need (empty: it fits)."""
    failed: list[Constraint] = []
    if (space.kind == "unit" and not need.wants_units) or (space.kind == "parcel" and not need.wants_parcels):
        failed.append(Constraint.KIND)
    if space.kind == "unit" and need.tenure == "buy" and not space.for_sale:
        failed.append(Constraint.TENURE)
    if check_area and (
        (need.area_min is not None and space.area < need.area_min)
        or (need.area_max is not None and space.area > need.area_max)
    ):
        failed.append(Constraint.AREA)
    if need.tenant_class is not None:
        if space.kind == "parcel":
            if not can_host(FireHazardClass(space.design_class), FireHazardClass(need.tenant_class)):
                failed.append(Constraint.FIRE)
        elif _unit_fire_blocks(need, space):
            failed.append(Constraint.FIRE)
    if need.industry_code and not _welcomes(park.welcomed, need.industry_code):
        failed.append(Constraint.POLICY)
    if space.kind == "parcel":
        return failed  # land is built to suit: the building constraints below do not apply
    if need.min_load is not None and (space.floor_load is None or space.floor_load < need.min_load):
        failed.append(Constraint.LOAD)
    if need.min_height is not None and (space.clear_height is None or space.clear_height < need.min_height):
        failed.append(Constraint.HEIGHT)
    if need.min_power is not None and space.power < need.min_power:
        failed.append(Constraint.POWER)
    if CLEANROOM_RANK.get(space.cleanroom, 0) < CLEANROOM_RANK.get(need.cleanroom, 0):
        failed.append(Constraint.CLEANROOM)
    if need.min_lift is not None and space.level > 1 and (space.lift_t is None or space.lift_t < need.min_lift):
        failed.append(Constraint.LIFT)
    if need.min_crane is not None and (space.crane_t is None or space.crane_t < need.min_crane):
        failed.append(Constraint.CRANE)
    if need.wastewater and not space.wastewater:
        failed.append(Constraint.WASTEWATER)
    return failed


def fits(need: Need, space: Space, park: ParkInfo) -> bool:
    """Whether the space passes every hard constraint (reverse matching asks this per open lead)."""
    return not hard_failures(need, space, park)


def failure_reasons(need: Need, space: Space, park: ParkInfo) -> list[str]:
    """Why a space does not fit, one sentence per violated constraint (e.g. "需甲类生产，该楼设计为丙类")."""
    reasons: list[str] = []
    for constraint in hard_failures(need, space, park):
        if constraint == Constraint.FIRE:
            if space.kind == "parcel":
                reasons.append(
                    gettext("需%(tenant)s生产，该地块规划为%(design)s")
                    % {"tenant": _class_name(need.tenant_class or ""), "design": _class_name(space.design_class)}
                )
            else:
                reasons.extend(_unit_fire_blocks(need, space))
        elif constraint == Constraint.AREA:
            reasons.append(gettext("面积%(area)s，不在需求范围内") % {"area": format_area(_dec(space.area))})
        elif constraint == Constraint.POLICY:
            reasons.append(gettext("园区产业政策不含该行业（%(code)s）") % {"code": need.industry_code})
        elif constraint == Constraint.LOAD:
            reasons.append(
                gettext("楼面荷载%(have)s kN/m²，低于需求%(need)s kN/m²")
                % {"have": _num(space.floor_load or 0), "need": _num(need.min_load or 0)}
            )
        elif constraint == Constraint.HEIGHT:
            reasons.append(
                gettext("净高%(have)s m，低于需求%(need)s m")
                % {"have": _num(space.clear_height or 0), "need": _num(need.min_height or 0)}
            )
        elif constraint == Constraint.POWER:
            reasons.append(
                gettext("供电%(have)s kVA，低于需求%(need)s kVA") % {"have": space.power, "need": need.min_power}
            )
        elif constraint == Constraint.CLEANROOM:
            reasons.append(
                gettext("需%(need)s洁净车间，该单元为%(have)s")
                % {"need": CleanroomGrade(need.cleanroom).label, "have": CleanroomGrade(space.cleanroom).label}
            )
        elif constraint == Constraint.LIFT:
            reasons.append(
                gettext("位于%(level)d层，货梯不满足%(need)s t")
                % {"level": space.level, "need": _num(need.min_lift or 0)}
            )
        elif constraint == Constraint.CRANE:
            reasons.append(gettext("无%(need)s t行车") % {"need": _num(need.min_crane or 0)})
        elif constraint == Constraint.WASTEWATER:
            reasons.append(gettext("无污水预处理设施"))
        elif constraint == Constraint.TENURE:
            reasons.append(gettext("该单元不可出售"))
        else:
            reasons.append(gettext("空间类型不符"))
    return reasons


# --- Soft scores ----------------------------------------------------------------------------------------


def _f(value: Num | None) -> float | None:
    return None if value is None else float(value)


def _price_of(need: Need, spaces: Sequence[Space]) -> tuple[float | None, float | None, str]:
    """(price, budget, what) for the comparison that applies: rent, sale price or land price."""
    first = spaces[0]
    if first.kind == "parcel":
        return _f(first.land_price_wan_per_mu), _f(need.budget_land_wan_per_mu), "land"
    if need.tenure == "buy" or (need.tenure == "either" and need.budget_rent is None and need.budget_price is not None):
        return _weighted(spaces, [s.sale_price for s in spaces]), _f(need.budget_price), "sale"
    return _weighted(spaces, [s.rent for s in spaces]), _f(need.budget_rent), "rent"


def _weighted(spaces: Sequence[Space], values: Sequence[Num | None]) -> float | None:
    """Area-weighted average of a per-m² price; None when any part has none."""
    if len(spaces) == 1:
        return _f(values[0])
    if any(v is None for v in values):
        return None
    total = sum(float(s.area) for s in spaces)
    return sum(float(s.area) * float(v or 0) for s, v in zip(spaces, values, strict=True)) / total


def _land_mu(need: Need, spaces: Sequence[Space]) -> float:
    """The 亩 that tax per 亩 divides by: required land for parcels, the space's own area otherwise."""
    if spaces[0].kind == "parcel" and need.area_target is not None:
        area = float(need.area_target)
    else:
        area = sum(float(s.area) for s in spaces)
    return area / SQM_PER_MU_F


@dataclass(frozen=True, slots=True)
class _Parts:
    area: float
    price: float
    location: float
    tax: float
    investment: float
    chain: float

    @property
    def total(self) -> float:
        return (
            WEIGHT_AREA * self.area
            + WEIGHT_PRICE * self.price
            + WEIGHT_LOCATION * self.location
            + WEIGHT_TAX * self.tax
            + WEIGHT_INVESTMENT * self.investment
            + WEIGHT_CHAIN * self.chain
        )


@lru_cache(maxsize=256)
def _need_floats(need: Need) -> tuple[float | None, float | None, float | None]:
    """The need's numbers the scores divide by, as floats, once per need."""
    target = need.area_target
    return (
        None if not target else float(target),
        None if need.tax_wan is None else float(need.tax_wan),
        None if need.investment_wan is None else float(need.investment_wan),
    )


def _parts(need: Need, spaces: Sequence[Space], park: ParkInfo) -> _Parts:
    target, tax_wan, investment_wan = _need_floats(need)
    total_area = float(spaces[0].area) if len(spaces) == 1 else sum(float(s.area) for s in spaces)
    area = 1.0 if not target else max(0.0, 1.0 - abs(total_area - target) / target)
    price, budget, _what = _price_of(need, spaces)
    if price is None or not budget:
        price_score = NEUTRAL
    else:
        ratio = price / budget
        price_score = 1.0 if ratio <= 1 else max(0.0, 1.0 - (ratio - 1.0) * OVER_BUDGET_PENALTY)
    if need.park_ids or need.cities:
        location = 1.0 if park.id in need.park_ids else (PREFERRED_CITY_SCORE if park.city in need.cities else 0.0)
    else:
        location = NEUTRAL
    mu = _land_mu(need, spaces)
    tax = NEUTRAL
    if tax_wan is not None and park.min_tax_wan_per_mu and mu > 0:
        tax = min(tax_wan / mu / float(park.min_tax_wan_per_mu), THRESHOLD_CAP) / THRESHOLD_CAP
    investment = NEUTRAL
    if investment_wan is not None and park.min_investment_wan_per_mu and mu > 0:
        investment = min(investment_wan / mu / float(park.min_investment_wan_per_mu), THRESHOLD_CAP) / THRESHOLD_CAP
    chain = min(park.chain_neighbours, CHAIN_NEIGHBOURS_CAP) / CHAIN_NEIGHBOURS_CAP
    return _Parts(area, price_score, location, tax, investment, chain)


def score(need: Need, spaces: Sequence[Space], park: ParkInfo) -> float:
    """The soft score of a space (or combination) that passed the hard constraints, 0–100."""
    return round(_parts(need, spaces, park).total, 2)


def threshold_flags(need: Need, spaces: Sequence[Space], park: ParkInfo) -> list[str]:
    """The park thresholds the lead falls short of: tax per 亩 and investment intensity (RULES §6)."""
    flags: list[str] = []
    mu = _land_mu(need, spaces)
    if mu <= 0:
        return flags
    if need.tax_wan is not None and park.min_tax_wan_per_mu:
        per_mu = _dec(float(need.tax_wan) / mu)
        if per_mu < park.min_tax_wan_per_mu:
            flags.append(
                gettext("预计亩均税收%(value)s万元/亩，低于%(park)s门槛%(min)s万元/亩")
                % {"value": _num(per_mu), "park": park.name, "min": _num(park.min_tax_wan_per_mu)}
            )
    if need.investment_wan is not None and park.min_investment_wan_per_mu:
        per_mu = _dec(float(need.investment_wan) / mu)
        if per_mu < park.min_investment_wan_per_mu:
            flags.append(
                gettext("投资强度%(value)s万元/亩，低于%(park)s门槛%(min)s万元/亩")
                % {"value": _num(per_mu), "park": park.name, "min": _num(park.min_investment_wan_per_mu)}
            )
    return flags


def _explain(need: Need, spaces: tuple[Space, ...], park: ParkInfo, total: float) -> Match:  # noqa: C901 - one reason per constraint; split when #15 adds constraints
    """Write out why a ranked result fits (and where it falls short); only for the top N."""
    first = spaces[0]
    area = _dec(sum(float(s.area) for s in spaces))
    fit: list[str] = []
    miss: list[str] = []
    if need.area_min is not None or need.area_max is not None:
        fit.append(gettext("面积%(area)s，在需求范围内") % {"area": format_area(area, with_mu=first.kind == "parcel")})
    if need.tenant_class is not None:
        if first.kind == "parcel":
            fit.append(gettext("地块可按%(cls)s生产规划建设") % {"cls": _class_name(need.tenant_class)})
        else:
            fit.append(
                gettext("可承载%(tenant)s生产（该楼设计为%(design)s，%(storeys)d层，耐火等级%(grade)s）")
                % {
                    "tenant": _class_name(need.tenant_class),
                    "design": _class_name(first.design_class),
                    "storeys": first.storeys,
                    "grade": FireResistanceGrade(first.grade).label,
                }
            )
    elif first.kind == "unit":
        miss.append(gettext("未确定生产火灾危险性类别，未核对消防条件"))
    if need.industry_code:
        fit.append(gettext("符合园区产业政策"))
    if first.kind == "unit":
        if need.cleanroom:
            fit.append(gettext("洁净条件%(grade)s，满足要求") % {"grade": CleanroomGrade(first.cleanroom).label})
        if need.min_load is not None:
            fit.append(
                gettext("楼面荷载%(have)s kN/m²（需≥%(need)s）")
                % {"have": _num(min(s.floor_load or 0 for s in spaces)), "need": _num(need.min_load)}
            )
        if need.min_height is not None:
            fit.append(
                gettext("净高%(have)s m（需≥%(need)s）")
                % {"have": _num(min(s.clear_height or 0 for s in spaces)), "need": _num(need.min_height)}
            )
        if need.min_power is not None:
            fit.append(gettext("供电%(have)s kVA") % {"have": sum(s.power for s in spaces)})
    price, budget, what = _price_of(need, spaces)
    unit_label = {"land": gettext("万元/亩"), "sale": gettext("元/m²"), "rent": gettext("元/m²·月")}[what]
    if price is not None and budget:
        values = {"price": _num(price), "unit": unit_label, "budget": _num(budget)}
        if price <= budget:
            fit.append(gettext("价格%(price)s%(unit)s，在预算%(budget)s%(unit)s以内") % values)
        else:
            miss.append(gettext("价格%(price)s%(unit)s，超出预算%(budget)s%(unit)s") % values)
    if need.park_ids or need.cities:
        if park.id in need.park_ids:
            fit.append(gettext("位于意向园区"))
        elif park.city in need.cities:
            fit.append(gettext("位于意向城市%(city)s") % {"city": park.city})
        else:
            miss.append(gettext("不在意向园区或城市"))
    if park.chain_neighbours:
        fit.append(gettext("园区内已有同产业链企业%(n)d家") % {"n": park.chain_neighbours})
    if len(spaces) > 1:
        same_floor = len({s.floor_id for s in spaces}) == 1
        fit.append(
            (gettext("同层相邻单元组合") if same_floor else gettext("同楼相邻楼层单元组合"))
            + gettext("，合计%(area)s") % {"area": format_area(area)}
        )
    flags = threshold_flags(need, spaces, park)
    return Match(
        spaces=spaces,
        park=park,
        score=round(total, 2),
        fits=tuple(fit),
        misfits=tuple(miss + flags),
        flags=tuple(flags),
    )


# --- Ranking --------------------------------------------------------------------------------------------


def _adjacent(units: Sequence[Space]) -> bool:
    """Same floor, or one building on consecutive levels with no gap."""
    if len({u.building_id for u in units}) != 1:
        return False
    levels = sorted({u.level for u in units})
    return levels == list(range(levels[0], levels[0] + len(levels)))


def combine_adjacent(
    need: Need, parts: Iterable[Space], parks: dict[int, ParkInfo], *, limit: int = DEFAULT_LIMIT
) -> list[Match]:
    """Combinations of up to `COMBINATION_MAX_UNITS` adjacent units whose total area is in range.

    `parts` are units that pass every hard constraint but the area (they are too small on their own).
    Bounded: per building only the `COMBINATION_POOL` largest are tried, C(12, 3) = 220 at most.
    """
    if need.area_min is None:
        return []
    by_building: dict[int, list[Space]] = defaultdict(list)
    for unit in parts:
        if unit.kind == "unit" and unit.building_id is not None:
            by_building[unit.building_id].append(unit)
    heap: list[tuple[float, int, tuple[Space, ...]]] = []
    counter = 0
    for units in by_building.values():
        pool = sorted(units, key=lambda u: (-u.area, u.id))[:COMBINATION_POOL]
        for size in range(2, COMBINATION_MAX_UNITS + 1):
            for combo in itertools.combinations(pool, size):
                total = sum(float(u.area) for u in combo)
                if total < need.area_min or (need.area_max is not None and total > need.area_max):
                    continue
                if not _adjacent(combo):
                    continue
                ordered = tuple(sorted(combo, key=lambda u: (u.level, u.code)))
                value = score(need, ordered, parks[ordered[0].park_id])
                # Fewer units read better; prefer them at equal score.
                value -= (size - 2) * 1.0
                counter += 1
                item = (value, -counter, ordered)
                if len(heap) < limit:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
    best = sorted(heap, reverse=True)
    return [_explain(need, combo, parks[combo[0].park_id], value) for value, _n, combo in best]


def rank(
    need: Need,
    spaces: Iterable[Space],
    parks: dict[int, ParkInfo],
    *,
    limit: int = DEFAULT_LIMIT,
    combine: bool = True,
    eliminated: Counter[str] | None = None,
) -> Ranking:
    """Rank the spaces that pass every hard constraint; count eliminations per constraint.

    `eliminated` may carry counts already made in SQL; this adds the ones made here.
    """
    counts: Counter[str] = Counter(eliminated or {})
    heap: list[tuple[float, int, Space]] = []
    too_small: list[Space] = []
    considered = 0
    for space in spaces:
        considered += 1
        park = parks[space.park_id]
        failed = hard_failures(need, space, park)
        if failed:
            for constraint in failed:
                counts[constraint.value] += 1
            if failed == [Constraint.AREA] and need.area_min is not None and space.area < need.area_min:
                too_small.append(space)
            continue
        item = (score(need, (space,), park), -space.id, space)
        if len(heap) < limit:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    matches = tuple(_explain(need, (s,), parks[s.park_id], value) for value, _id, s in sorted(heap, reverse=True))
    combinations: tuple[Match, ...] = ()
    if combine and not any(m.kind == "unit" for m in matches) and too_small:
        combinations = tuple(combine_adjacent(need, too_small, parks, limit=limit))
    return Ranking(matches=matches, combinations=combinations, considered=considered, eliminated=dict(counts))
