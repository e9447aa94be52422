"""The matching engine: which available units and parcels fit a requirement, ranked, with reasons.

Pure functions over small immutable records (dataclasses; a named tuple for the thousands of
spaces) — no ORM, no database. `selectors.match_requirement` narrows candidates in SQL with the
hard filters that map to columns and hands the rows here for the rules that do not (fire
placement, the park's industry policy, floors, lifts on upper floors) and for the soft scores.

1. Hard constraints exclude a space: kind, space type and tenure, area, the fire-hazard class and
   its placement blocks (RULES §4.5: 甲 not in multi-storey or high-rise buildings, 甲/乙 not below
   ground, the fire-resistance grade), the storage class of stored goods (GB 50016 表3.1.3) and the
   cold-store temperature, the park's industry policy, the floor (ground only, top only), floor
   load, clear height, power, clean-room grade, lift, crane and wastewater pretreatment.
   Availability on the move-in date is SQL's job.
2. The industry policy is read across the four grains of GB/T 4754: a lead coded more broadly than
   the park's policy (35 against 358) "may fit" — it is kept, flagged, and the officer is asked to
   refine the code; a narrower code matches a broader policy.
3. Soft criteria score what is left — only those the requirement states (area, price against the
   budget, location, tax per 亩 and investment intensity against the park's thresholds, industry
   chain neighbours, a low floor): a perfect fit on what was asked scores 100. Every score carries
   its parts, so a page can say where the points came from.
4. Only the top N get their reasons written out (in the user's language, Chinese first), so ranking
   thousands of candidates costs little more than reading them.
5. When no single unit is large enough, units that the inventory records as adjacent are combined
   (at most `COMBINATION_MAX_UNITS`); units stacked one above the other need a freight lift.
6. On request every candidate is listed with the constraints it failed, and an empty result names
   the nearest candidates and what would have to change ("面积下限放宽至 1,800 m² 可选 A3-202").
"""

from __future__ import annotations

import datetime
import heapq
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Final, Literal, NamedTuple

from django.utils.translation import get_language, gettext, gettext_lazy

from parkos.core import industry
from parkos.core.units import SQM_PER_MU, WAN, format_area, format_money_prose
from parkos.parks.choices import CLEANROOM_RANK, SPACE_TYPES_SERVING, CleanroomGrade, SpaceType
from parkos.parks.fire import (
    BuildingStructure,
    FireHazardClass,
    FireResistanceGrade,
    can_host,
    placement_blocks,
)
from parkos.parks.policy import PolicyFit, policy_codes_under, policy_fit

__all__ = [
    "Constraint",
    "Match",
    "Need",
    "ParkInfo",
    "Ranking",
    "Rejection",
    "ScorePart",
    "Space",
    "combine_adjacent",
    "explain",
    "failure_reasons",
    "fits",
    "hard_failures",
    "nearest_hints",
    "rank",
    "reject",
    "score",
    "score_parts",
]

# --- Tunables ----------------------------------------------------------------------------------------

#: Weights of the soft criteria. Only the criteria a requirement states count, and the score is
#: their weighted share of 100, so a perfect fit on what was asked reads 100.
WEIGHT_AREA: Final = 30.0
WEIGHT_PRICE: Final = 25.0
WEIGHT_LOCATION: Final = 20.0
WEIGHT_TAX: Final = 12.0
WEIGHT_INVESTMENT: Final = 6.0
WEIGHT_CHAIN: Final = 7.0
WEIGHT_FLOOR: Final = 10.0
#: A stated criterion the space says nothing about (no price listed) scores this.
NEUTRAL: Final = 0.5
#: Location score of a park in a preferred city that is not itself a preferred park.
PREFERRED_CITY_SCORE: Final = 0.6
#: Each 1 % over budget costs 2 % of the price score; 50 % over budget scores zero.
OVER_BUDGET_PENALTY: Final = 2.0
#: Tax per 亩 and investment intensity score in proportion up to this multiple of the threshold.
THRESHOLD_CAP: Final = 2.0
#: Industry-chain neighbours (tenants of the same GB/T 4754 division) beyond this add nothing.
CHAIN_NEIGHBOURS_CAP: Final = 5
#: "As low as possible": each storey above the ground floor costs this share of the floor score.
FLOOR_STEP: Final = 0.25
#: Combinations: at most this many adjacent units.
COMBINATION_MAX_UNITS: Final = 3
DEFAULT_LIMIT: Final = 20
#: Nearest candidates named for an empty result.
NEAREST_LIMIT: Final = 3

SpaceKindName = Literal["unit", "parcel"]
#: Measurements of a space as the database returns them: float on SQLite, Decimal on PostgreSQL.
#: The engine only compares them and scores in float; nothing here is money that is stored.
Num = Decimal | float


class Constraint(StrEnum):
    """A hard constraint; the value is the key of the elimination counts."""

    KIND = "kind"
    SPACE_TYPE = "space_type"
    TENURE = "tenure"
    AVAILABILITY = "availability"
    AREA = "area"
    FIRE = "fire"
    STORAGE = "storage"
    COLD = "cold"
    POLICY = "policy"
    FLOOR = "floor"
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
            "kind": gettext("需求类型"),
            "space_type": gettext("空间类型"),
            "tenure": gettext("租购方式"),
            "availability": gettext("入驻日期前可交付"),
            "area": gettext("面积"),
            "fire": gettext("火灾危险性类别"),
            "storage": gettext("储存物品火灾危险性类别"),
            "cold": gettext("冷库温度"),
            "policy": gettext("园区产业政策"),
            "floor": gettext("楼层"),
            "load": gettext("楼面荷载"),
            "height": gettext("净高"),
            "power": gettext("供电容量"),
            "cleanroom": gettext("洁净等级"),
            "lift": gettext("货梯"),
            "crane": gettext("行车"),
            "wastewater": gettext("污水预处理"),
        }
        return labels[self.value]


#: Constraints a prospect might relax (the nearest-candidate hints propose them); fire safety, the
#: storage class and the park's industry policy are not negotiable.
RELAXABLE: Final = frozenset(
    {
        Constraint.AREA,
        Constraint.AVAILABILITY,
        Constraint.SPACE_TYPE,
        Constraint.TENURE,
        Constraint.FLOOR,
        Constraint.LOAD,
        Constraint.HEIGHT,
        Constraint.POWER,
        Constraint.CLEANROOM,
        Constraint.LIFT,
        Constraint.CRANE,
        Constraint.COLD,
        Constraint.WASTEWATER,
    }
)


@dataclass(frozen=True, slots=True)
class Need:
    """A requirement, as the engine sees it. Areas in m², money as stored (元, 万元)."""

    space_kind: str = "factory"
    tenure: str = "lease"
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    tenant_class: str | None = None
    storage_class: str | None = None
    cold_temp: Decimal | None = None
    floor_preference: str = ""
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

    @property
    def unit_types(self) -> frozenset[str]:
        """The unit types that serve this need (a standard factory floor serves a lab)."""
        return SPACE_TYPES_SERVING.get(self.space_kind, frozenset())


@dataclass(frozen=True, slots=True)
class ParkInfo:
    id: int
    name: str
    city: str = ""
    code: str = ""
    welcomed: tuple[str, ...] = ()
    min_tax_wan_per_mu: Decimal | None = None
    min_investment_wan_per_mu: Decimal | None = None
    #: Tenants of the requirement's GB/T 4754 division already in the park.
    chain_neighbours: int = 0


class Space(NamedTuple):
    """A unit or a land parcel, flattened with what its floor and building say about it.

    A named tuple, not a frozen dataclass: a broad search builds thousands per request (benchmark
    investment.match_broad), and a frozen dataclass of 31 fields costs about ten times as much to
    construct (each field set through `object.__setattr__`). Immutable and hashable all the same.
    The field order is the order `selectors` builds it in, positionally.
    """

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
    #: The highest storey a unit occupies (a spanning unit counts upwards from its floor).
    top_level: int = 0
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
    space_type: str = SpaceType.FACTORY.value
    storage_class: str = ""
    cold_min: Num | None = None
    #: Land apportioned to a unit (m²): its share of the building's floor area × the land under the
    #: building. None: the space's own area (a parcel, or a building without its figures).
    land_sqm: float | None = None
    #: The first day the space is free when it is not on the move-in date (only for rejections).
    free_from: datetime.date | None = None

    @property
    def highest_level(self) -> int:
        return self.top_level or self.level


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One stated criterion's share of a score: what it weighs, how well the space did, the points."""

    key: str
    label: str
    weight: float
    value: float
    points: float


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked result: a space (or adjacent spaces combined) with its score and reasons."""

    spaces: tuple[Space, ...]
    park: ParkInfo
    score: float
    fits: tuple[str, ...] = ()
    misfits: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    parts: tuple[ScorePart, ...] = ()
    #: The lead is coded more broadly than the park's policy: it may fit once refined.
    policy_maybe: bool = False

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


@dataclass(frozen=True, slots=True)
class Rejection:
    """A candidate that did not make it, with every constraint it failed and why, in Chinese."""

    space: Space
    park: ParkInfo
    constraints: tuple[Constraint, ...]
    reasons: tuple[str, ...]


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


def grade_label(grade: str) -> str:
    """ "C级（万级，ISO 7）", or "无洁净"."""
    return str(CleanroomGrade(grade).label)


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
def _policy_fit(welcomed: tuple[str, ...], industry_code: str) -> PolicyFit:
    return policy_fit(welcomed, industry_code)


def park_policy_fit(park: ParkInfo, industry_code: str) -> PolicyFit:
    """Whether a park's policy takes an industry: fits, maybe (coded too broadly) or no."""
    if not industry_code:
        return "fits"
    return _policy_fit(park.welcomed, industry_code)


@lru_cache(maxsize=4096)
def _fire_blocked(
    tenant_class: str, design_class: str, structure: str, storeys: int, is_basement: bool, grade: str, sprinklered: bool
) -> bool:
    """Whether `placement_blocks` objects at all: the hard filter asks only this, in any language
    (without looking the language up per candidate, which costs more than the answer)."""
    return bool(_fire_blocks("", tenant_class, design_class, structure, storeys, is_basement, grade, sprinklered))


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


# --- A need, worked out once ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    """What the checks and scores read of a need for every candidate, worked out once per ranking
    (a broad search checks and scores thousands: properties and lookups per candidate add up)."""

    wants_units: bool
    wants_parcels: bool
    unit_types: frozenset[str]
    cleanroom_rank: int
    #: The limits the checks compare with, as floats: a float compared with a Decimal (SQLite's rows
    #: against the requirement) costs a conversion each time. Stored figures have two decimals, so
    #: the float order is theirs.
    area_min: float | None
    area_max: float | None
    min_load: float | None
    min_height: float | None
    min_lift: float | None
    min_crane: float | None
    #: The figures the scores divide by, as floats.
    area_target: float | None
    tax_wan: float | None
    investment_wan: float | None


@lru_cache(maxsize=256)
def _prepare(need: Need) -> _Prepared:
    target = need.area_target
    return _Prepared(
        wants_units=need.wants_units,
        wants_parcels=need.wants_parcels,
        unit_types=need.unit_types,
        cleanroom_rank=CLEANROOM_RANK.get(need.cleanroom, 0),
        area_min=_f(need.area_min),
        area_max=_f(need.area_max),
        min_load=_f(need.min_load),
        min_height=_f(need.min_height),
        min_lift=_f(need.min_lift),
        min_crane=_f(need.min_crane),
        area_target=None if not target else float(target),
        tax_wan=None if need.tax_wan is None else float(need.tax_wan),
        investment_wan=None if need.investment_wan is None else float(need.investment_wan),
    )


# --- Hard constraints -----------------------------------------------------------------------------------


def _kind_failures(need: Need, prep: _Prepared, space: Space, *, check_area: bool) -> list[Constraint]:
    failed: list[Constraint] = []
    is_unit = space.kind == "unit"
    if (is_unit and not prep.wants_units) or (not is_unit and not prep.wants_parcels):
        failed.append(Constraint.KIND)
    if is_unit and prep.wants_units and space.space_type not in prep.unit_types:
        failed.append(Constraint.SPACE_TYPE)
    if is_unit and need.tenure == "buy" and not space.for_sale:
        failed.append(Constraint.TENURE)
    if check_area and (
        (prep.area_min is not None and float(space.area) < prep.area_min)
        or (prep.area_max is not None and float(space.area) > prep.area_max)
    ):
        failed.append(Constraint.AREA)
    return failed


def _stores(designed: str, wanted: str) -> bool:
    return bool(designed) and can_host(FireHazardClass(designed), FireHazardClass(wanted))


def _fire_failures(need: Need, space: Space) -> list[Constraint]:
    failed: list[Constraint] = []
    if need.tenant_class is not None:
        if space.kind == "parcel":
            if not can_host(FireHazardClass(space.design_class), FireHazardClass(need.tenant_class)):
                failed.append(Constraint.FIRE)
        elif _fire_blocked(
            need.tenant_class,
            space.design_class,
            space.structure,
            space.storeys,
            space.level < 0,
            space.grade,
            space.sprinklered,
        ):
            failed.append(Constraint.FIRE)
    # GB 50016 表3.1.3: a warehouse designed for a class stores that class and the less hazardous.
    if need.storage_class and space.kind == "unit" and not _stores(space.storage_class, need.storage_class):
        failed.append(Constraint.STORAGE)
    if (
        need.cold_temp is not None
        and space.kind == "unit"
        and (space.cold_min is None or float(space.cold_min) > float(need.cold_temp))
    ):
        failed.append(Constraint.COLD)
    return failed


def _unit_failures(need: Need, prep: _Prepared, space: Space) -> list[Constraint]:
    """What a building floor offers: the floor itself, load, height, power, clean room, lifts, crane."""
    failed: list[Constraint] = []
    if (need.floor_preference == "ground" and space.level != 1) or (
        need.floor_preference == "top" and space.highest_level != space.storeys
    ):
        failed.append(Constraint.FLOOR)
    if prep.min_load is not None and (space.floor_load is None or float(space.floor_load) < prep.min_load):
        failed.append(Constraint.LOAD)
    if prep.min_height is not None and (space.clear_height is None or float(space.clear_height) < prep.min_height):
        failed.append(Constraint.HEIGHT)
    if need.min_power is not None and space.power < need.min_power:
        failed.append(Constraint.POWER)
    if prep.cleanroom_rank and CLEANROOM_RANK.get(space.cleanroom, 0) < prep.cleanroom_rank:
        failed.append(Constraint.CLEANROOM)
    if prep.min_lift is not None and space.level > 1 and (space.lift_t is None or float(space.lift_t) < prep.min_lift):
        failed.append(Constraint.LIFT)
    if prep.min_crane is not None and (space.crane_t is None or float(space.crane_t) < prep.min_crane):
        failed.append(Constraint.CRANE)
    if need.wastewater and not space.wastewater:
        failed.append(Constraint.WASTEWATER)
    return failed


def hard_failures(need: Need, space: Space, park: ParkInfo, *, check_area: bool = True) -> list[Constraint]:
    """The hard constraints this space violates for this need (empty: it fits), in reading order."""
    policy_refuses = park_policy_fit(park, need.industry_code) == "no"
    return _failures(need, _prepare(need), space, policy_refuses, check_area=check_area)


def _failures(
    need: Need, prep: _Prepared, space: Space, policy_refuses: bool, *, check_area: bool = True
) -> list[Constraint]:
    failed = _kind_failures(need, prep, space, check_area=check_area)
    failed += _fire_failures(need, space)
    if policy_refuses:
        failed.append(Constraint.POLICY)
    if space.kind == "unit":
        failed += _unit_failures(need, prep, space)  # land is built to suit: building constraints do not apply
    return failed


def fits(need: Need, space: Space, park: ParkInfo) -> bool:
    """Whether the space passes every hard constraint (reverse matching asks this per open lead)."""
    return not hard_failures(need, space, park)


def _policy_reason(need: Need, park: ParkInfo) -> str:
    return gettext("%(park)s产业政策不含该行业（%(code)s）") % {
        "park": park.name,
        "code": industry.describe(need.industry_code),
    }


def _numeric_reason(constraint: Constraint, need: Need, space: Space) -> str:
    texts = {
        Constraint.LOAD: lambda: (
            gettext("楼面荷载%(have)s kN/m²，低于需求%(need)s kN/m²")
            % {"have": _num(space.floor_load or 0), "need": _num(need.min_load or 0)}
        ),
        Constraint.HEIGHT: lambda: (
            gettext("净高%(have)s m，低于需求%(need)s m")
            % {"have": _num(space.clear_height or 0), "need": _num(need.min_height or 0)}
        ),
        Constraint.POWER: lambda: (
            gettext("供电%(have)s kVA，低于需求%(need)s kVA") % {"have": space.power, "need": need.min_power}
        ),
        Constraint.LIFT: lambda: (
            gettext("位于%(level)d层，货梯不满足%(need)s t") % {"level": space.level, "need": _num(need.min_lift or 0)}
        ),
        Constraint.CRANE: lambda: gettext("无%(need)s t行车") % {"need": _num(need.min_crane or 0)},
        Constraint.COLD: lambda: (
            gettext("非冷库")
            if space.cold_min is None
            else gettext("冷库最低%(have)s℃，达不到需求%(need)s℃")
            % {"have": _num(space.cold_min), "need": _num(need.cold_temp or 0)}
        ),
    }
    return texts[constraint]()


def _use_reason(constraint: Constraint, need: Need, space: Space) -> str:
    if constraint == Constraint.SPACE_TYPE:
        return gettext("空间类型为%(have)s，需求为%(need)s") % {
            "have": SpaceType(space.space_type).label,
            "need": _space_kind_label(need.space_kind),
        }
    if constraint == Constraint.STORAGE:
        if not space.storage_class:
            return gettext("非仓储空间，不能储存%(cls)s物品") % {"cls": _class_name(need.storage_class or "wu")}
        return gettext("仓库按%(have)s储存设计，需储存%(need)s物品（GB 50016 表3.1.3）") % {
            "have": _class_name(space.storage_class),
            "need": _class_name(need.storage_class or "wu"),
        }
    if constraint == Constraint.FLOOR:
        if need.floor_preference == "ground":
            return gettext("位于%(level)d层，需求仅限首层") % {"level": space.level}
        return gettext("位于%(level)d层，需求仅限顶层（共%(storeys)d层）") % {
            "level": space.highest_level,
            "storeys": space.storeys,
        }
    if constraint == Constraint.CLEANROOM:
        return gettext("需%(need)s洁净车间，该单元为%(have)s") % {
            "need": grade_label(need.cleanroom),
            "have": grade_label(space.cleanroom),
        }
    if constraint == Constraint.AREA:
        return gettext("面积%(area)s，不在需求范围内") % {"area": format_area(_dec(space.area))}
    if constraint == Constraint.WASTEWATER:
        return gettext("无污水预处理设施")
    if constraint == Constraint.TENURE:
        return gettext("该单元不可出售")
    if constraint == Constraint.AVAILABILITY:
        return gettext("入驻日期前不可交付")
    return gettext("需求类型不符")


NUMERIC: Final = frozenset(
    {Constraint.LOAD, Constraint.HEIGHT, Constraint.POWER, Constraint.LIFT, Constraint.CRANE, Constraint.COLD}
)


def failure_reasons(need: Need, space: Space, park: ParkInfo) -> list[str]:
    """Why a space does not fit, one sentence per violated constraint (e.g. "需甲类生产，该楼设计为丙类")."""
    return _reasons_for(hard_failures(need, space, park), need, space, park)


def _reasons_for(constraints: Iterable[Constraint], need: Need, space: Space, park: ParkInfo) -> list[str]:
    reasons: list[str] = []
    for constraint in constraints:
        if constraint == Constraint.FIRE:
            if space.kind == "parcel":
                reasons.append(
                    gettext("需%(tenant)s生产，该地块规划为%(design)s")
                    % {"tenant": _class_name(need.tenant_class or ""), "design": _class_name(space.design_class)}
                )
            else:
                reasons.extend(_unit_fire_blocks(need, space))
        elif constraint == Constraint.POLICY:
            reasons.append(_policy_reason(need, park))
        elif constraint in NUMERIC:
            reasons.append(_numeric_reason(constraint, need, space))
        else:
            reasons.append(_use_reason(constraint, need, space))
    return reasons


def _space_kind_label(kind: str) -> str:
    if kind == "land":
        return gettext("土地")
    return str(SpaceType(kind).label) if kind in SpaceType.values else kind


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


def land_mu(need: Need, spaces: Sequence[Space]) -> float:
    """The 亩 that tax per 亩 divides by.

    A parcel: the land the prospect needs. A unit: the land apportioned to it — its share of the
    building's floor area × the land under the building — not its own floor area, which in a
    multi-storey building counts the same land several times.
    """
    if spaces[0].kind == "parcel" and need.area_target is not None:
        area = float(need.area_target)
    else:
        area = sum([s.land_sqm if s.land_sqm is not None else float(s.area) for s in spaces])
    return area / SQM_PER_MU_F


def _price_score(need: Need, spaces: Sequence[Space]) -> float | None:
    price, budget, _what = _price_of(need, spaces)
    if not budget:
        return None
    if price is None:
        return NEUTRAL
    ratio = price / budget
    return 1.0 if ratio <= 1 else max(0.0, 1.0 - (ratio - 1.0) * OVER_BUDGET_PENALTY)


def _per_mu_score(value_wan: float | None, threshold: Decimal | None, mu: float) -> float | None:
    if value_wan is None or not threshold or mu <= 0:
        return None
    return min(value_wan / mu / float(threshold), THRESHOLD_CAP) / THRESHOLD_CAP


def _floor_score(need: Need, spaces: Sequence[Space]) -> float | None:
    if need.floor_preference != "lowest" or spaces[0].kind != "unit":
        return None
    lowest = min(s.level for s in spaces)
    return max(0.0, 1.0 - max(lowest - 1, 0) * FLOOR_STEP)


def _raw_parts(need: Need, prep: _Prepared, spaces: Sequence[Space], park: ParkInfo) -> list[tuple[str, float, float]]:
    """(key, weight, value 0–1) of every criterion the requirement states."""
    target, tax_wan, investment_wan = prep.area_target, prep.tax_wan, prep.investment_wan
    parts: list[tuple[str, float, float]] = []
    if target:
        total_area = float(spaces[0].area) if len(spaces) == 1 else sum(float(s.area) for s in spaces)
        parts.append(("area", WEIGHT_AREA, max(0.0, 1.0 - abs(total_area - target) / target)))
    price = _price_score(need, spaces)
    if price is not None:
        parts.append(("price", WEIGHT_PRICE, price))
    if need.park_ids or need.cities:
        location = 1.0 if park.id in need.park_ids else (PREFERRED_CITY_SCORE if park.city in need.cities else 0.0)
        parts.append(("location", WEIGHT_LOCATION, location))
    if tax_wan is not None or investment_wan is not None:
        mu = land_mu(need, spaces)
        tax = _per_mu_score(tax_wan, park.min_tax_wan_per_mu, mu)
        if tax is not None:
            parts.append(("tax", WEIGHT_TAX, tax))
        investment = _per_mu_score(investment_wan, park.min_investment_wan_per_mu, mu)
        if investment is not None:
            parts.append(("investment", WEIGHT_INVESTMENT, investment))
    if need.industry_code:
        parts.append(("chain", WEIGHT_CHAIN, min(park.chain_neighbours, CHAIN_NEIGHBOURS_CAP) / CHAIN_NEIGHBOURS_CAP))
    floor = _floor_score(need, spaces)
    if floor is not None:
        parts.append(("floor", WEIGHT_FLOOR, floor))
    return parts


def score(need: Need, spaces: Sequence[Space], park: ParkInfo) -> float:
    """The soft score of a space (or combination) that passed the hard constraints, 0–100.

    Only the criteria the requirement states count; with none stated, every space that passes the
    hard constraints scores 100.
    """
    return _score(need, _prepare(need), spaces, park)


def _score(need: Need, prep: _Prepared, spaces: Sequence[Space], park: ParkInfo) -> float:
    parts = _raw_parts(need, prep, spaces, park)
    weight = sum([w for _k, w, _v in parts])  # lists, not generators: this runs for every candidate
    if not weight:
        return 100.0
    return round(100.0 * sum([w * v for _k, w, v in parts]) / weight, 2)


_PART_LABELS: Final = {
    "area": gettext_lazy("面积贴合"),
    "price": gettext_lazy("价格与预算"),
    "location": gettext_lazy("意向园区或城市"),
    "tax": gettext_lazy("亩均税收"),
    "investment": gettext_lazy("投资强度"),
    "chain": gettext_lazy("产业链集聚"),
    "floor": gettext_lazy("楼层高低"),
}


def _part_label(key: str) -> str:
    return str(_PART_LABELS[key])  # the one label wanted, translated now


def score_parts(need: Need, spaces: Sequence[Space], park: ParkInfo) -> tuple[ScorePart, ...]:
    """The score explained: each stated criterion's weight (share of 100), value and points."""
    parts = _raw_parts(need, _prepare(need), spaces, park)
    weight = sum(w for _k, w, _v in parts)
    if not weight:
        return ()
    return tuple(
        ScorePart(
            key=key,
            label=_part_label(key),
            weight=round(100.0 * w / weight, 1),
            value=round(v, 3),
            points=round(100.0 * w * v / weight, 1),
        )
        for key, w, v in parts
    )


def _wan_per_mu(value: Decimal) -> str:
    """An amount in 万元 per 亩 for a sentence: "15万元/亩"; English converts the magnitude ("CNY 150,000/mu")."""
    per = gettext("亩")
    return f"{format_money_prose(value * WAN)}/{per}"


def threshold_flags(need: Need, spaces: Sequence[Space], park: ParkInfo) -> list[str]:
    """The park thresholds the lead falls short of: tax per 亩 and investment intensity (RULES §6)."""
    flags: list[str] = []
    mu = land_mu(need, spaces)
    if mu <= 0:
        return flags
    if need.tax_wan is not None and park.min_tax_wan_per_mu:
        per_mu = _dec(float(need.tax_wan) / mu)
        if per_mu < park.min_tax_wan_per_mu:
            flags.append(
                gettext("预计亩均税收%(value)s，低于%(park)s门槛%(min)s")
                % {"value": _wan_per_mu(per_mu), "park": park.name, "min": _wan_per_mu(park.min_tax_wan_per_mu)}
            )
    if need.investment_wan is not None and park.min_investment_wan_per_mu:
        per_mu = _dec(float(need.investment_wan) / mu)
        if per_mu < park.min_investment_wan_per_mu:
            flags.append(
                gettext("投资强度%(value)s，低于%(park)s门槛%(min)s")
                % {
                    "value": _wan_per_mu(per_mu),
                    "park": park.name,
                    "min": _wan_per_mu(park.min_investment_wan_per_mu),
                }
            )
    return flags


# --- Explanations (top N only) ------------------------------------------------------------------------


def _fire_fits(need: Need, first: Space) -> tuple[list[str], list[str]]:
    if need.tenant_class is not None:
        if first.kind == "parcel":
            return [gettext("地块可按%(cls)s生产规划建设") % {"cls": _class_name(need.tenant_class)}], []
        text = gettext("可承载%(tenant)s生产（该楼设计为%(design)s，%(storeys)d层，耐火等级%(grade)s）") % {
            "tenant": _class_name(need.tenant_class),
            "design": _class_name(first.design_class),
            "storeys": first.storeys,
            "grade": FireResistanceGrade(first.grade).label,
        }
        return [text], []
    if first.kind == "unit" and not need.storage_class:
        return [], [gettext("未确定生产火灾危险性类别，未核对消防条件")]
    return [], []


def _use_fits(need: Need, spaces: Sequence[Space]) -> list[str]:
    first = spaces[0]
    fit: list[str] = []
    if first.kind != "unit":
        return fit
    if need.storage_class:
        fit.append(
            gettext("仓库可储存%(need)s物品（按%(have)s设计）")
            % {"need": _class_name(need.storage_class), "have": _class_name(first.storage_class or "wu")}
        )
    if need.cold_temp is not None:
        fit.append(
            gettext("冷库最低%(have)s℃，满足%(need)s℃")
            % {"have": _num(first.cold_min or 0), "need": _num(need.cold_temp)}
        )
    if need.floor_preference:
        fit.append(gettext("位于%(level)d层（共%(storeys)d层）") % {"level": first.level, "storeys": first.storeys})
    if need.cleanroom:
        fit.append(gettext("洁净条件%(grade)s，满足要求") % {"grade": grade_label(first.cleanroom)})
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
    return fit


def _price_and_place(need: Need, spaces: Sequence[Space], park: ParkInfo) -> tuple[list[str], list[str]]:
    fit: list[str] = []
    miss: list[str] = []
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
    return fit, miss


def _policy_notes(need: Need, park: ParkInfo) -> tuple[list[str], list[str], bool]:
    if not need.industry_code:
        return [], [], False
    if park_policy_fit(park, need.industry_code) == "maybe":
        narrower = "、".join(industry.describe(code) for code in policy_codes_under(park.welcomed, need.industry_code))
        text = gettext(
            "可能符合园区产业政策：需求行业“%(code)s”比园区政策（%(policy)s）宽，请将行业细化到中类或小类后确认"
        ) % {"code": industry.describe(need.industry_code), "policy": narrower}
        return [], [text], True
    return [gettext("符合园区产业政策")], [], False


def explain(need: Need, spaces: tuple[Space, ...], park: ParkInfo, total: float) -> Match:
    """Write out why a ranked result fits (and where it falls short); only for the top N."""
    first = spaces[0]
    area = _dec(sum(float(s.area) for s in spaces))
    fit: list[str] = []
    if need.area_min is not None or need.area_max is not None:
        fit.append(gettext("面积%(area)s，在需求范围内") % {"area": format_area(area, with_mu=first.kind == "parcel")})
    fire_fit, miss = _fire_fits(need, first)
    fit += fire_fit
    policy_fit_notes, policy_miss, maybe = _policy_notes(need, park)
    fit += policy_fit_notes
    miss += policy_miss
    fit += _use_fits(need, spaces)
    place_fit, place_miss = _price_and_place(need, spaces, park)
    fit += place_fit
    miss += place_miss
    if len(spaces) > 1:
        stacked = len({s.level for s in spaces}) > 1
        fit.append(
            (gettext("上下相邻单元组合（有货梯）") if stacked else gettext("同层相邻单元组合"))
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
        parts=score_parts(need, spaces, park),
        policy_maybe=maybe,
    )


# --- Combinations ---------------------------------------------------------------------------------------

#: unit id → {adjacent unit id: "side" | "stacked"}
Adjacency = Mapping[int, Mapping[int, str]]


def _connected_sets(ids: Iterable[int], adjacency: Adjacency, size: int) -> set[frozenset[int]]:
    """Every connected set of `size` units among `ids` (grown one neighbour at a time)."""
    pool = set(ids)
    sets: set[frozenset[int]] = {frozenset((u,)) for u in pool}
    for _grow in range(size - 1):
        grown: set[frozenset[int]] = set()
        for current in sets:
            for member in current:
                for neighbour in adjacency.get(member, {}):
                    if neighbour in pool and neighbour not in current:
                        grown.add(current | {neighbour})
        sets = grown
    return sets


def _combination_allowed(combo: Sequence[Space], adjacency: Adjacency) -> bool:
    """Stacked units (one above the other) combine only where the building has a freight lift."""
    ids = {s.id for s in combo}
    stacked = any(
        relation == "stacked" for s in combo for other, relation in adjacency.get(s.id, {}).items() if other in ids
    )
    return not stacked or all(s.lift_t is not None for s in combo)


def combine_adjacent(
    need: Need,
    parts: Iterable[Space],
    parks: dict[int, ParkInfo],
    adjacency: Adjacency,
    *,
    limit: int = DEFAULT_LIMIT,
) -> list[Match]:
    """Combinations of up to `COMBINATION_MAX_UNITS` adjacent units whose total area is in range.

    `parts` are units that pass every hard constraint but the area (too small on their own);
    `adjacency` is what the inventory records — units merely sharing a floor are not adjacent.
    Bounded by the recorded pairs: a unit has a handful of neighbours.
    """
    if need.area_min is None:
        return []
    by_id = {u.id: u for u in parts if u.kind == "unit"}
    heap: list[tuple[float, int, tuple[Space, ...]]] = []
    counter = itertools.count()
    for size in range(2, COMBINATION_MAX_UNITS + 1):
        for ids in _connected_sets(by_id, adjacency, size):
            combo = [by_id[i] for i in ids]
            total = sum(float(u.area) for u in combo)
            if total < need.area_min or (need.area_max is not None and total > need.area_max):
                continue
            if not _combination_allowed(combo, adjacency):
                continue
            ordered = tuple(sorted(combo, key=lambda u: (u.level, u.code)))
            # Fewer units read better; prefer them at equal score.
            value = score(need, ordered, parks[ordered[0].park_id]) - (size - 2) * 1.0
            item = (value, -next(counter), ordered)
            if len(heap) < limit:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    best = sorted(heap, reverse=True)
    return [explain(need, combo, parks[combo[0].park_id], value) for value, _n, combo in best]


# --- Ranking --------------------------------------------------------------------------------------------


def rank(
    need: Need,
    spaces: Iterable[Space],
    parks: dict[int, ParkInfo],
    *,
    limit: int = DEFAULT_LIMIT,
    eliminated: Counter[str] | None = None,
) -> Ranking:
    """Rank the spaces that pass every hard constraint; count eliminations per constraint.

    `eliminated` may carry counts already made in SQL; this adds the ones made here.
    """
    counts: Counter[str] = Counter(eliminated or {})
    heap: list[tuple[float, int, Space]] = []
    considered = 0
    prep = _prepare(need)
    policy_refuses = {pk: park_policy_fit(park, need.industry_code) == "no" for pk, park in parks.items()}
    for space in spaces:
        considered += 1
        park = parks[space.park_id]
        failed = _failures(need, prep, space, policy_refuses[space.park_id])
        if failed:
            for constraint in failed:
                counts[constraint.value] += 1
            continue
        item = (_score(need, prep, (space,), park), -space.id, space)
        if len(heap) < limit:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)
    matches = tuple(explain(need, (s,), parks[s.park_id], value) for value, _id, s in sorted(heap, reverse=True))
    return Ranking(matches=matches, combinations=(), considered=considered, eliminated=dict(counts))


# --- Rejections and the nearest candidates ------------------------------------------------------------


def reject(
    need: Need,
    spaces: Iterable[Space],
    parks: dict[int, ParkInfo],
    *,
    unavailable: frozenset[tuple[str, int]] = frozenset(),
) -> list[Rejection]:
    """Every candidate that fails, with its constraints and reasons; fewest failures first.

    `unavailable` holds the (kind, id) of the units and parcels not free on the move-in date.
    """
    rejected: list[Rejection] = []
    for space in spaces:
        park = parks[space.park_id]
        failed = hard_failures(need, space, park)
        if (space.kind, space.id) in unavailable:
            failed.insert(0, Constraint.AVAILABILITY)
        if not failed:
            continue
        reasons = _reasons_for(failed, need, space, park)
        if Constraint.AVAILABILITY in failed and space.free_from is not None:
            reasons[0] = gettext("%(date)s起可交付") % {"date": space.free_from.isoformat()}
        rejected.append(Rejection(space=space, park=park, constraints=tuple(failed), reasons=tuple(reasons)))
    rejected.sort(key=lambda r: (len(r.constraints), r.park.name, r.space.code))
    return rejected


def _relaxation(constraint: Constraint, need: Need, space: Space) -> tuple[str, float] | None:
    """What the requirement would have to give up for this space, and how big a step that is (0–1+)."""
    area = float(space.area)
    if constraint == Constraint.AREA:
        if need.area_min is not None and area < float(need.area_min):
            return gettext("面积下限放宽至 %(area)s") % {"area": format_area(_dec(area))}, 1 - area / float(
                need.area_min
            )
        return gettext("面积上限放宽至 %(area)s") % {"area": format_area(_dec(area))}, area / float(
            need.area_max or area
        ) - 1
    if constraint in NUMERIC:
        have = {
            Constraint.LOAD: space.floor_load,
            Constraint.HEIGHT: space.clear_height,
            Constraint.POWER: space.power,
            Constraint.LIFT: space.lift_t,
            Constraint.CRANE: space.crane_t,
            Constraint.COLD: space.cold_min,
        }[constraint]
        wanted = {
            Constraint.LOAD: need.min_load,
            Constraint.HEIGHT: need.min_height,
            Constraint.POWER: need.min_power,
            Constraint.LIFT: need.min_lift,
            Constraint.CRANE: need.min_crane,
            Constraint.COLD: need.cold_temp,
        }[constraint]
        if not have or wanted is None:
            return None
        texts = {
            Constraint.LOAD: gettext("楼面荷载要求降至 %(v)s kN/m²"),
            Constraint.HEIGHT: gettext("净高要求降至 %(v)s m"),
            Constraint.POWER: gettext("用电要求降至 %(v)s kVA"),
            Constraint.LIFT: gettext("货梯要求降至 %(v)s t"),
            Constraint.CRANE: gettext("行车要求降至 %(v)s t"),
            Constraint.COLD: gettext("冷库温度要求放宽至 %(v)s℃"),
        }
        gap = abs(float(wanted) - float(have)) / max(abs(float(wanted)), 1.0)
        return texts[constraint] % {"v": _num(have)}, gap
    steps: dict[Constraint, tuple[str, float] | None] = {
        # A grade lower is a smaller step than no clean room at all.
        Constraint.CLEANROOM: (
            (gettext("洁净要求降至%(grade)s") % {"grade": grade_label(space.cleanroom)}, 0.3)
            if space.cleanroom
            else (gettext("不要求洁净车间"), 0.8)
        ),
        Constraint.FLOOR: (gettext("不限楼层"), 0.3),
        Constraint.SPACE_TYPE: (gettext("接受%(type)s") % {"type": SpaceType(space.space_type).label}, 0.5),
        Constraint.TENURE: (gettext("接受租赁"), 0.5),
        Constraint.WASTEWATER: (gettext("自建污水预处理设施"), 0.4),
        Constraint.AVAILABILITY: (
            (gettext("入驻日期推迟至 %(date)s") % {"date": space.free_from.isoformat()}, 0.4)
            if space.free_from is not None
            else None
        ),
    }
    return steps.get(constraint)


def nearest_hints(rejections: Sequence[Rejection], need: Need, *, limit: int = NEAREST_LIMIT) -> list[str]:
    """For an empty result: the candidates closest to fitting and what would have to change.

    Only candidates that fail relaxable constraints count (never fire safety, the storage class or
    the park's policy); they are ordered by the number of changes, then by how big the changes are.
    """
    scored: list[tuple[int, float, str, str]] = []
    for rejection in rejections:
        if not set(rejection.constraints) <= RELAXABLE:
            continue
        steps = [_relaxation(c, need, rejection.space) for c in rejection.constraints]
        if any(step is None for step in steps):
            continue
        texts = [step[0] for step in steps if step is not None]
        cost = sum(step[1] for step in steps if step is not None)
        hint = gettext("%(changes)s，可选 %(space)s（%(park)s）") % {
            "changes": "、".join(texts),
            "space": rejection.space.code,
            "park": rejection.park.name,
        }
        scored.append((len(texts), cost, rejection.space.code, hint))
    scored.sort()
    return [hint for _n, _cost, _code, hint in scored[:limit]]
