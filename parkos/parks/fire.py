"""Fire-safety rules for placing production in standard factories (GB 50016-2014, 2018 edition).

Pure functions over the rules of domain/RULES.md §4: the fire-hazard class (火灾危险性类别) of a
liquid, a gas, a compartment with mixed uses and a tenant's declared processes; whether a space
designed for one class can host a tenant of another; and which further placement rules block a
tenant (storeys, basements, fire-resistance grade, compartment area).

Every threshold is a module-level constant: GB 55037-2022 has superseded some clauses, and a fire
engineer may have to adjust a number without reading the algorithm. The results advise investment
officers; they do not replace the building's 消防设计审查/验收 documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "BuildingStructure",
    "ClassDecision",
    "Exemption",
    "FireHazardClass",
    "FireResistanceGrade",
    "Process",
    "ProcessKind",
    "ProcessShare",
    "can_host",
    "class_for_compartment",
    "class_for_gas",
    "class_for_liquid",
    "derive_tenant_class",
    "hazard_rank",
    "most_hazardous",
    "placement_blocks",
    "required_min_grade",
    "validate_design_class_placement",
]


class FireHazardClass(models.TextChoices):
    """生产的火灾危险性类别 (GB 50016 表3.1.1), from 甲 (most hazardous) to 戊."""

    JIA = "jia", _("甲")
    YI = "yi", _("乙")
    BING = "bing", _("丙")
    DING = "ding", _("丁")
    WU = "wu", _("戊")


class FireResistanceGrade(models.TextChoices):
    """耐火等级: 一级 is the most fire-resistant; "not lower than 二级" means 一级 or 二级."""

    ONE = "1", _("一级")
    TWO = "2", _("二级")
    THREE = "3", _("三级")
    FOUR = "4", _("四级")


class BuildingStructure(models.TextChoices):
    """The building types of a standard-factory park (RULES §8)."""

    MULTI_STOREY_FRAME = "multi_storey_frame", _("多层框架")
    SINGLE_STOREY_STEEL = "single_storey_steel", _("单层钢结构")
    HIGH_RISE = "high_rise", _("高层")


class ProcessKind(models.TextChoices):
    """What a tenant declares it does; each kind maps to a row of 表3.1.1."""

    SOLVENT = "solvent", _("使用易燃或可燃液体（溶剂）")
    FLAMMABLE_GAS = "flammable_gas", _("使用可燃气体")
    HYDROGENATION = "hydrogenation", _("加氢反应")
    ETHYLENE_OXIDE_STERILISATION = "ethylene_oxide_sterilisation", _("环氧乙烷灭菌")
    REACTIVE_SUBSTANCES = "reactive_substances", _("自燃、遇水放出可燃气体或强氧化性物质")
    PAINTING = "painting", _("油漆、喷漆工段")
    OXIDISING_GAS = "oxidising_gas", _("使用助燃气体")
    EXPLOSIVE_DUST = "explosive_dust", _("可形成爆炸性混合物的粉尘、纤维或雾滴")
    COMBUSTIBLE_SOLIDS = "combustible_solids", _("可燃固体的生产或加工")
    HOT_WORK = "hot_work", _("不燃物质的热加工（有明火、火花或高温）")
    FUEL_COMBUSTION = "fuel_combustion", _("以气、液、固体为燃料（如锅炉房）")
    HARDLY_COMBUSTIBLE_PROCESSING = "hardly_combustible_processing", _("常温下加工难燃材料")
    NON_COMBUSTIBLE_ASSEMBLY = "non_combustible_assembly", _("常温下加工或装配不燃材料")


class Exemption(StrEnum):
    """The §3.1.2 provisions that let a compartment take a less hazardous class."""

    SMALL_SHARE = "small_share"  # more hazardous part < 5 %, and cannot spread or is protected
    PAINT_SHARE = "paint_share"  # paint section < 10 % in a 丁/戊 compartment, same condition
    ENCLOSED_SPRAYING = "enclosed_spraying"  # enclosed negative-pressure spraying ≤ 20 % in 丁/戊
    SMALL_QUANTITY = "small_quantity"  # flammable quantities too small to create a hazard


# --- Thresholds (GB 50016 §3.1, §3.2, 表3.3.1; RULES §4) -------------------------------------------

#: 表3.1.1 甲1 / 乙1 / 丙1: liquids below 28 ℃ flash point are 甲, from 60 ℃ on 丙, in between 乙.
LIQUID_JIA_BELOW_FLASH_POINT_C: Final = Decimal(28)
LIQUID_BING_FROM_FLASH_POINT_C: Final = Decimal(60)
#: 表3.1.1 甲2 / 乙2: gases with a lower explosion limit below 10 % are 甲, otherwise 乙.
GAS_JIA_BELOW_LEL_PERCENT: Final = Decimal(10)
#: Lower explosion limits used for the processes that name their gas.
HYDROGEN_LEL_PERCENT: Final = Decimal(4)
ETHYLENE_OXIDE_LEL_PERCENT: Final = Decimal(3)

#: §3.1.2 (1): the more hazardous part is less than 5 % of the floor / compartment area…
SMALL_SHARE_BELOW: Final = Decimal("0.05")
#: …or, in a 丁/戊 compartment, a paint section is less than 10 %.
PAINT_SHARE_BELOW: Final = Decimal("0.10")
#: §3.1.2 (2): enclosed negative-pressure spraying with gas detection / explosion suppression ≤ 20 %.
ENCLOSED_SPRAYING_SHARE_AT_MOST: Final = Decimal("0.20")
#: §3.1.2 "量较少" provision: a process whose flammable quantities are too small to create a hazard
#: is classified "按实际情况"; in a pharma/device park that is, in practice, the 丙 of ordinary
#: combustible materials (RULES §4.6, R&D labs).
SMALL_QUANTITY_CLASS: Final = FireHazardClass.BING

#: §3.2.2: a detached single-storey 甲/乙 factory up to this area may be 三级.
JIA_YI_DETACHED_GRADE_THREE_MAX_SQM: Final = Decimal(300)
#: §3.2.3: single-storey 丙 factories using 丙类 liquids up to this area may be 三级 (else 二级).
BING_LIQUID_GRADE_THREE_MAX_SQM: Final = Decimal(500)
#: §3.2.3: single-storey 丁 factories with open flame / sparks up to this area may be 三级 (else 二级).
DING_HOT_WORK_GRADE_THREE_MAX_SQM: Final = Decimal(1000)
#: 表3.3.1 note: automatic sprinklers double the permitted compartment area.
SPRINKLER_AREA_FACTOR: Final = Decimal(2)


#: A compartment-area cell of 表3.3.1 marked 不限.
UNLIMITED: Final = Decimal("Infinity")


@dataclass(frozen=True, slots=True)
class CompartmentLimit:
    """One row of 表3.3.1: max storeys (None = 不限) and the max fire-compartment area in m² per
    storey type, `UNLIMITED` for 不限 and None where the combination is not allowed ("–")."""

    max_storeys: int | None
    single_storey: Decimal | None
    multi_storey: Decimal | None
    high_rise: Decimal | None
    basement: Decimal | None


def _row(max_storeys: int | None, *areas: int | Decimal | None) -> CompartmentLimit:
    single, multi, high_rise, basement = (None if a is None else Decimal(a) for a in areas)
    return CompartmentLimit(max_storeys, single, multi, high_rise, basement)


_J, _Y, _B, _D, _W = (
    FireHazardClass.JIA,
    FireHazardClass.YI,
    FireHazardClass.BING,
    FireHazardClass.DING,
    FireHazardClass.WU,
)
_G1, _G2, _G3, _G4 = (
    FireResistanceGrade.ONE,
    FireResistanceGrade.TWO,
    FireResistanceGrade.THREE,
    FireResistanceGrade.FOUR,
)
_U = UNLIMITED

#: GB 50016 表3.3.1 as transcribed in RULES §4.4: max storeys, then the compartment area for a
#: single-storey, multi-storey, high-rise and underground factory. An absent (class, grade) pair is
#: not permitted at all.
COMPARTMENT_LIMITS: Final[dict[tuple[FireHazardClass, FireResistanceGrade], CompartmentLimit]] = {
    # class, grade:  max storeys, single, multi, high-rise, basement
    (_J, _G1): _row(None, 4000, 3000, None, None),  # 甲 "宜采用单层"
    (_J, _G2): _row(None, 3000, 2000, None, None),
    (_Y, _G1): _row(None, 5000, 4000, 2000, None),
    (_Y, _G2): _row(6, 4000, 3000, 1500, None),
    (_B, _G1): _row(None, _U, 6000, 3000, 500),
    (_B, _G2): _row(None, 8000, 4000, 2000, 500),
    (_B, _G3): _row(2, 3000, 2000, None, None),
    (_D, _G1): _row(None, _U, _U, 4000, 1000),
    (_D, _G2): _row(None, _U, _U, 4000, 1000),
    (_D, _G3): _row(3, 4000, 2000, None, None),
    (_D, _G4): _row(1, 1000, None, None, None),
    (_W, _G1): _row(None, _U, _U, 6000, 1000),
    (_W, _G2): _row(None, _U, _U, 6000, 1000),
    (_W, _G3): _row(3, 5000, 3000, None, None),
    (_W, _G4): _row(1, 1500, None, None, None),
}

#: Most hazardous first (RULES §4.5 ORDER).
HAZARD_ORDER: Final = (_J, _Y, _B, _D, _W)
#: Best grade first.
GRADE_ORDER: Final = (_G1, _G2, _G3, _G4)


# --- Ordering helpers ---------------------------------------------------------------------------------


def hazard_rank(hazard_class: FireHazardClass) -> int:
    """0 for 甲 (most hazardous) up to 4 for 戊."""
    return HAZARD_ORDER.index(FireHazardClass(hazard_class))


def most_hazardous(classes: Iterable[FireHazardClass]) -> FireHazardClass:
    """The most hazardous of the given classes (ValueError if there are none)."""
    return min((FireHazardClass(c) for c in classes), key=hazard_rank)


def _grade_rank(grade: FireResistanceGrade) -> int:
    return GRADE_ORDER.index(FireResistanceGrade(grade))


def _class_name(hazard_class: FireHazardClass) -> str:
    """ "甲类", "丙类" … for reason texts."""
    return gettext("%(label)s类") % {"label": FireHazardClass(hazard_class).label}


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01')).normalize():f}%"


# --- Single substances (表3.1.1) ----------------------------------------------------------------------


def class_for_liquid(flash_point_c: Decimal | float) -> FireHazardClass:
    """Class of producing or using a liquid by its flash point: < 28 ℃ 甲, 28–60 ℃ 乙, ≥ 60 ℃ 丙."""
    flash_point = Decimal(str(flash_point_c))
    if flash_point < LIQUID_JIA_BELOW_FLASH_POINT_C:
        return FireHazardClass.JIA
    if flash_point < LIQUID_BING_FROM_FLASH_POINT_C:
        return FireHazardClass.YI
    return FireHazardClass.BING


def class_for_gas(lel_percent: Decimal | float) -> FireHazardClass:
    """Class of producing or using a flammable gas by its lower explosion limit: < 10 % 甲, else 乙."""
    lel = Decimal(str(lel_percent))
    if lel < 0:
        raise ValueError("a lower explosion limit cannot be negative")
    return FireHazardClass.JIA if lel < GAS_JIA_BELOW_LEL_PERCENT else FireHazardClass.YI


# --- Mixed uses (§3.1.2) ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProcessShare:
    """One part of a floor or fire compartment with its own production class.

    `area` is in m² or any consistent unit: only proportions matter. `mitigated` records that a fire
    in this part cannot spread to the rest (e.g. fire walls) or that it has effective fire-protection
    measures; `enclosed_spraying` that a paint section sprays in an enclosed, negative-pressure booth
    with flammable-gas detection or automatic explosion suppression.
    """

    hazard_class: FireHazardClass
    area: Decimal
    label: str = ""
    is_paint: bool = False
    mitigated: bool = False
    enclosed_spraying: bool = False

    def __post_init__(self) -> None:
        if self.area < 0:
            raise ValueError("a process area cannot be negative")
        if self.enclosed_spraying and not self.is_paint:
            raise ValueError("enclosed spraying applies to paint sections only")


@dataclass(frozen=True, slots=True)
class ClassDecision:
    """A derived fire-hazard class with the reasons a reviewer needs to check it."""

    hazard_class: FireHazardClass
    reasons: tuple[str, ...]
    #: The most hazardous class present before any exemption.
    most_hazardous_class: FireHazardClass
    #: The §3.1.2 provisions relied on, if any; store them as evidence with the decision.
    exemptions: tuple[Exemption, ...] = ()

    @property
    def reason(self) -> str:
        """All reasons as one Chinese sentence list."""
        return "；".join(self.reasons)

    @property
    def exempted(self) -> bool:
        return bool(self.exemptions)


def _exemption_for(
    base: FireHazardClass, hazardous: Sequence[ProcessShare], share: Decimal
) -> tuple[Exemption, str] | None:
    """Whether the parts more hazardous than `base` (together `share` of the area) may be disregarded.

    The parts are judged together, not one by one: §3.1.2 speaks of "火灾危险性较大的部分" relative
    to the class finally taken, so two 3 % parts make a 6 % part (the conservative reading).
    """
    base_name = _class_name(base)
    all_mitigated = all(part.mitigated for part in hazardous)
    if share < SMALL_SHARE_BELOW and all_mitigated:
        return Exemption.SMALL_SHARE, gettext(
            "火灾危险性较大的部分占%(share)s，小于%(limit)s，且不会蔓延或已采取有效防火措施，按%(base)s确定（GB 50016 第3.1.2条第1款）"
        ) % {"share": _percent(share), "limit": _percent(SMALL_SHARE_BELOW), "base": base_name}
    in_ding_wu = base in (FireHazardClass.DING, FireHazardClass.WU)
    all_paint = all(part.is_paint for part in hazardous)
    if in_ding_wu and all_paint and share < PAINT_SHARE_BELOW and all_mitigated:
        return Exemption.PAINT_SHARE, gettext(
            "%(base)s厂房内的油漆工段占%(share)s，小于%(limit)s，且不会蔓延或已采取有效防火措施，按%(base)s确定（GB 50016 第3.1.2条第1款）"
        ) % {"share": _percent(share), "limit": _percent(PAINT_SHARE_BELOW), "base": base_name}
    enclosed = all(part.enclosed_spraying for part in hazardous)
    if in_ding_wu and enclosed and share <= ENCLOSED_SPRAYING_SHARE_AT_MOST:
        return Exemption.ENCLOSED_SPRAYING, gettext(
            "%(base)s厂房内的油漆工段采用封闭负压喷漆并设可燃气体探测报警或自动抑爆系统，占%(share)s，不大于%(limit)s，按%(base)s确定（GB 50016 第3.1.2条第2款）"
        ) % {"share": _percent(share), "limit": _percent(ENCLOSED_SPRAYING_SHARE_AT_MOST), "base": base_name}
    return None


def class_for_compartment(parts: Sequence[ProcessShare], *, total_area: Decimal | None = None) -> ClassDecision:
    """The class of a floor or fire compartment holding several processes (GB 50016 §3.1.2).

    1. Start from the most hazardous class present: that is the rule.
    2. For each less hazardous class present, from the least hazardous up, take all the parts more
       hazardous than it; if together they meet one of the §3.1.2 conditions, the compartment may
       take that class. The first class that qualifies is the answer.
    `total_area` is the floor/compartment area the shares are measured against (default: the sum
    of the parts, i.e. the parts cover the whole compartment).
    """
    if not parts:
        raise ValueError("a compartment needs at least one process")
    covered = sum((part.area for part in parts), Decimal(0))
    total = covered if total_area is None else Decimal(total_area)
    if total <= 0:
        raise ValueError("the compartment area must be positive")
    if covered > total:
        raise ValueError("the processes cover more than the compartment area")
    worst = most_hazardous(part.hazard_class for part in parts)
    present = sorted({FireHazardClass(part.hazard_class) for part in parts}, key=hazard_rank, reverse=True)
    for base in present:
        if base == worst:
            break
        hazardous = [part for part in parts if hazard_rank(part.hazard_class) < hazard_rank(base)]
        share = sum((part.area for part in hazardous), Decimal(0)) / total
        found = _exemption_for(base, hazardous, share)
        if found is not None:
            exemption, reason = found
            return ClassDecision(base, (reason,), worst, (exemption,))
    reason = gettext("按火灾危险性较大的部分确定为%(cls)s（GB 50016 第3.1.2条）") % {"cls": _class_name(worst)}
    if len(present) == 1:
        reason = gettext("全部为%(cls)s生产") % {"cls": _class_name(worst)}
    return ClassDecision(worst, (reason,), worst)


# --- Tenants' declared processes (§4.6) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Process:
    """A production process a tenant declares, with what is needed to classify it.

    `share` is the fraction (0–1] of the tenant's floor area it occupies; None (not declared) means
    the process may use the whole area, so no share-based exemption applies. `small_quantity` records
    the tenant's evidence that the flammable quantities are too small to create a fire or explosion
    hazard (§3.1.2 "量较少"); a reviewer must check that evidence.
    """

    kind: ProcessKind
    share: Decimal | None = None
    flash_point_c: Decimal | None = None
    lel_percent: Decimal | None = None
    small_quantity: bool = False
    mitigated: bool = False
    enclosed_spraying: bool = False
    name: str = ""

    def __post_init__(self) -> None:
        if self.share is not None and not Decimal(0) < self.share <= Decimal(1):
            raise ValueError(gettext("工艺面积占比应大于0且不超过100%"))
        if self.enclosed_spraying and self.kind != ProcessKind.PAINTING:
            raise ValueError(gettext("封闭负压喷漆只适用于油漆工段"))


_FIXED_CLASS: Final[dict[ProcessKind, FireHazardClass]] = {
    ProcessKind.REACTIVE_SUBSTANCES: FireHazardClass.JIA,  # 表3.1.1 甲3–甲6
    ProcessKind.OXIDISING_GAS: FireHazardClass.YI,  # 乙5
    ProcessKind.EXPLOSIVE_DUST: FireHazardClass.YI,  # 乙6
    ProcessKind.COMBUSTIBLE_SOLIDS: FireHazardClass.BING,  # 丙2
    ProcessKind.HOT_WORK: FireHazardClass.DING,  # 丁1
    ProcessKind.FUEL_COMBUSTION: FireHazardClass.DING,  # 丁2
    ProcessKind.HARDLY_COMBUSTIBLE_PROCESSING: FireHazardClass.DING,  # 丁3
    ProcessKind.NON_COMBUSTIBLE_ASSEMBLY: FireHazardClass.WU,  # 戊
}


def _intrinsic_class(process: Process) -> tuple[FireHazardClass, str]:
    """The 表3.1.1 class of one process on its own, and why (a sentence that names the process kind)."""
    kind = ProcessKind(process.kind)
    if kind in (ProcessKind.SOLVENT, ProcessKind.PAINTING):
        what = gettext("油漆工段") if kind == ProcessKind.PAINTING else gettext("使用易燃或可燃液体")
        if process.flash_point_c is None:
            return FireHazardClass.JIA, gettext("%(what)s，未提供闪点，从严按甲类") % {"what": what}
        cls = class_for_liquid(process.flash_point_c)
        return cls, gettext("%(what)s，闪点%(fp)s℃，属%(cls)s（表3.1.1）") % {
            "what": what,
            "fp": f"{Decimal(process.flash_point_c).normalize():f}",
            "cls": _class_name(cls),
        }
    if kind == ProcessKind.FLAMMABLE_GAS:
        if process.lel_percent is None:
            return FireHazardClass.JIA, gettext("使用可燃气体，未提供爆炸下限，从严按甲类")
        cls = class_for_gas(process.lel_percent)
        return cls, gettext("使用爆炸下限为%(lel)s%%的可燃气体，属%(cls)s（表3.1.1）") % {
            "lel": f"{Decimal(process.lel_percent).normalize():f}",
            "cls": _class_name(cls),
        }
    if kind == ProcessKind.HYDROGENATION:
        cls = class_for_gas(HYDROGEN_LEL_PERCENT)
        return cls, gettext("加氢反应使用氢气（爆炸下限约%(lel)s%%），属%(cls)s（表3.1.1）") % {
            "lel": f"{HYDROGEN_LEL_PERCENT:f}",
            "cls": _class_name(cls),
        }
    if kind == ProcessKind.ETHYLENE_OXIDE_STERILISATION:
        cls = class_for_gas(ETHYLENE_OXIDE_LEL_PERCENT)
        return cls, gettext("环氧乙烷灭菌（环氧乙烷爆炸下限约%(lel)s%%），属%(cls)s，一般应设在独立的单层建筑内") % {
            "lel": f"{ETHYLENE_OXIDE_LEL_PERCENT:f}",
            "cls": _class_name(cls),
        }
    cls = _FIXED_CLASS[kind]
    return cls, gettext("%(kind)s，属%(cls)s（表3.1.1）") % {"kind": kind.label, "cls": _class_name(cls)}


def derive_tenant_class(processes: Sequence[Process]) -> ClassDecision:
    """A tenant's production class from its declared processes, with the reasons in Chinese.

    1. Classify each process on its own (表3.1.1).
    2. A process with evidence of small flammable quantities that would be more hazardous than 丙 is
       taken as 丙 ("按实际情况", §3.1.2).
    3. Combine the processes with the mixed-use rule (`class_for_compartment`), shares measured
       against the tenant's whole area: the tenant's area is at most the compartment's, so this
       never understates a share. A process without a declared share may use the whole area: the
       shares cannot exempt anything then, and the most hazardous class is taken.
    """
    if not processes:
        raise ValueError(gettext("请至少申报一项工艺"))
    declared = [p.share for p in processes if p.share is not None]
    if sum(declared, Decimal(0)) > 1:
        raise ValueError(gettext("各工艺面积占比之和超过100%"))
    reasons: list[str] = []
    exemptions: list[Exemption] = []
    parts: list[ProcessShare] = []
    intrinsic: list[FireHazardClass] = []
    for process in processes:
        cls, why = _intrinsic_class(process)
        intrinsic.append(cls)
        prefix = f"{process.name}：" if process.name else ""
        reasons.append(prefix + why)
        if process.small_quantity and hazard_rank(cls) < hazard_rank(SMALL_QUANTITY_CLASS):
            cls = SMALL_QUANTITY_CLASS
            exemptions.append(Exemption.SMALL_QUANTITY)
            reasons.append(
                prefix
                + gettext(
                    "易燃、可燃物用量较少，不足以构成爆炸或火灾危险，按实际情况确定为%(cls)s（GB 50016 第3.1.2条，须核查依据）"
                )
                % {"cls": _class_name(cls)}
            )
        parts.append(
            ProcessShare(
                hazard_class=cls,
                area=process.share if process.share is not None else Decimal(1),
                label=process.name,
                is_paint=process.kind == ProcessKind.PAINTING,
                mitigated=process.mitigated,
                enclosed_spraying=process.enclosed_spraying,
            )
        )
    if len(declared) < len(processes):
        worst = most_hazardous(part.hazard_class for part in parts)
        if len(parts) > 1:
            reasons.append(
                gettext("未申报面积占比的工艺可能占用全部面积，按最危险的%(cls)s确定") % {"cls": _class_name(worst)}
            )
        return ClassDecision(
            hazard_class=worst, reasons=tuple(reasons), most_hazardous_class=most_hazardous(intrinsic),
            exemptions=tuple(exemptions),
        )  # fmt: skip
    combined = class_for_compartment(parts, total_area=Decimal(1))
    if len(parts) > 1 or combined.exempted:
        reasons.extend(combined.reasons)
    return ClassDecision(
        hazard_class=combined.hazard_class,
        reasons=tuple(reasons),
        most_hazardous_class=most_hazardous(intrinsic),
        exemptions=(*exemptions, *combined.exemptions),
    )


# --- Placement (§4.3–§4.5) -----------------------------------------------------------------------------


def can_host(space_class: FireHazardClass, tenant_class: FireHazardClass) -> bool:
    """Whether space designed for `space_class` may host production of `tenant_class` (RULES §4.5)."""
    return hazard_rank(tenant_class) >= hazard_rank(space_class)


def _storey_type(structure: BuildingStructure, storeys: int) -> str:
    if BuildingStructure(structure) == BuildingStructure.HIGH_RISE:
        return "high_rise"
    return "single" if storeys <= 1 else "multi"


def _minimum_grade(
    hazard_class: FireHazardClass,
    *,
    storey_type: str,
    area: Decimal | None,
    is_basement: bool,
    detached: bool,
    uses_combustible_liquid: bool,
    hot_work: bool,
) -> FireResistanceGrade:
    """The lowest grade §3.2.2–§3.2.3 allow. An exception that depends on the area needs the area."""
    single = storey_type == "single" and not is_basement

    def small_single(limit: Decimal) -> bool:
        return single and area is not None and area <= limit

    if is_basement:
        return _G1  # underground and semi-underground factories
    if hazard_class in (_J, _Y):
        return _G3 if detached and small_single(JIA_YI_DETACHED_GRADE_THREE_MAX_SQM) else _G2
    if storey_type == "high_rise":
        return _G2
    if hazard_class == _B:
        if uses_combustible_liquid and not small_single(BING_LIQUID_GRADE_THREE_MAX_SQM):
            return _G2
        return _G3
    if hazard_class == _D and hot_work:
        return _G3 if small_single(DING_HOT_WORK_GRADE_THREE_MAX_SQM) else _G2
    return _G4 if single else _G3


def _grade_allowed(
    hazard_class: FireHazardClass,
    grade: FireResistanceGrade,
    *,
    structure: BuildingStructure,
    storeys: int,
    area: Decimal | None,
    is_basement: bool,
    sprinklered: bool,
    detached: bool,
    uses_combustible_liquid: bool,
    hot_work: bool,
) -> bool:
    """Whether production of `hazard_class` may be in a building of `grade` (§3.2.2–§3.2.3, 表3.3.1)."""
    storey_type = _storey_type(structure, storeys)
    minimum = _minimum_grade(
        hazard_class,
        storey_type=storey_type,
        area=area,
        is_basement=is_basement,
        detached=detached,
        uses_combustible_liquid=uses_combustible_liquid,
        hot_work=hot_work,
    )
    if _grade_rank(grade) > _grade_rank(minimum):
        return False
    if hazard_class in (_J, _Y) and grade == _G3:
        return True  # the §3.2.2 detached-small exception; 表3.3.1 has no 甲/乙 三级 row
    return _table_allows(hazard_class, grade, storey_type, storeys, area, is_basement, sprinklered)


def _table_allows(
    hazard_class: FireHazardClass,
    grade: FireResistanceGrade,
    storey_type: str,
    storeys: int,
    area: Decimal | None,
    is_basement: bool,
    sprinklered: bool,
) -> bool:
    """表3.3.1: the grade's row exists, the storeys are within its maximum and the area within its cell."""
    limit = COMPARTMENT_LIMITS.get((hazard_class, grade))
    if limit is None:
        return False
    if limit.max_storeys is not None and storeys > limit.max_storeys:
        return False
    if is_basement:
        max_area = limit.basement
    elif storey_type == "high_rise":
        max_area = limit.high_rise
    elif storey_type == "multi":
        max_area = limit.multi_storey
    else:
        max_area = limit.single_storey
    if max_area is None:
        return False
    if area is None:
        return True
    if sprinklered:
        # 表3.3.1 notes: sprinklers double the area; above-ground 丁/戊 factories become unlimited.
        max_area = UNLIMITED if hazard_class in (_D, _W) and not is_basement else max_area * SPRINKLER_AREA_FACTOR
    return area <= max_area


def required_min_grade(
    tenant_class: FireHazardClass,
    structure: BuildingStructure,
    storeys: int,
    area: Decimal | None = None,
    *,
    is_basement: bool = False,
    sprinklered: bool = False,
    detached: bool = False,
    uses_combustible_liquid: bool = False,
    hot_work: bool = False,
) -> FireResistanceGrade | None:
    """The lowest fire-resistance grade at which this production may be placed, or None if none may.

    Combines §3.2.2–§3.2.3 (minimum grades) with 表3.3.1 (max storeys and max compartment `area`
    in m², per fire compartment). Without `area` the area limits are not checked and the small-area
    exceptions are not granted. `uses_combustible_liquid` (丙类液体) and `hot_work` (丁 with open
    flame, sparks or hot surfaces) raise the minimum to 二级 as §3.2.3 requires.
    """
    if storeys < 1:
        raise ValueError("a building has at least one storey")
    for grade in reversed(GRADE_ORDER):
        if _grade_allowed(
            FireHazardClass(tenant_class),
            grade,
            structure=structure,
            storeys=storeys,
            area=None if area is None else Decimal(area),
            is_basement=is_basement,
            sprinklered=sprinklered,
            detached=detached,
            uses_combustible_liquid=uses_combustible_liquid,
            hot_work=hot_work,
        ):
            return grade
    return None


def placement_blocks(
    *,
    tenant_class: FireHazardClass,
    structure: BuildingStructure,
    storeys: int,
    is_basement: bool,
    fire_resistance_grade: FireResistanceGrade,
    design_class: FireHazardClass | None = None,
    area: Decimal | None = None,
    sprinklered: bool = False,
) -> list[str]:
    """Why a tenant of `tenant_class` may not be placed in this space; empty when nothing blocks it.

    Checks, in order: the space's design class (if given), 甲 in multi-storey or high-rise buildings,
    甲/乙 below ground, and the fire-resistance grade required by §3.2 and 表3.3.1 for the storeys and
    (if given) the compartment area. Dormitories are not a production class and are checked elsewhere.
    """
    tenant = FireHazardClass(tenant_class)
    grade = FireResistanceGrade(fire_resistance_grade)
    blocks: list[str] = []
    if design_class is not None and not can_host(design_class, tenant):
        blocks.append(
            gettext("需%(tenant)s生产，该楼设计为%(design)s")
            % {"tenant": _class_name(tenant), "design": _class_name(design_class)}
        )
    if tenant == _J and (BuildingStructure(structure) == BuildingStructure.HIGH_RISE or storeys > 1):
        blocks.append(gettext("甲类生产不得设在多层或高层厂房"))
    if tenant in (_J, _Y) and is_basement:
        blocks.append(gettext("甲、乙类生产不得设在地下或半地下"))
    required = required_min_grade(tenant, structure, storeys, area, is_basement=is_basement, sprinklered=sprinklered)
    if required is None:
        if not blocks:
            blocks.append(
                gettext("该楼的层数和防火分区面积不满足%(cls)s生产的要求（GB 50016 表3.3.1）")
                % {"cls": _class_name(tenant)}
            )
    elif _grade_rank(grade) > _grade_rank(required):
        blocks.append(
            gettext("该楼耐火等级为%(grade)s，%(cls)s生产要求不低于%(required)s")
            % {"grade": grade.label, "cls": _class_name(tenant), "required": required.label}
        )
    return blocks


def validate_design_class_placement(
    design_class: FireHazardClass,
    *,
    structure: BuildingStructure,
    is_basement: bool,
    field: str | None = None,
) -> None:
    """Refuse a design class the building cannot have: 甲/乙 below ground, 甲 in a high-rise.

    For model `clean()`; with `field` the error is attached to that form field.
    """
    cls = FireHazardClass(design_class)
    error: ValidationError | None = None
    if is_basement and cls in (_J, _Y):
        error = ValidationError(_("甲、乙类生产不得设在地下或半地下"), code="hazard_class_in_basement")
    elif cls == _J and BuildingStructure(structure) == BuildingStructure.HIGH_RISE:
        error = ValidationError(_("甲类生产不得设在高层厂房"), code="hazard_class_in_high_rise")
    if error is None:
        return
    if field is not None:
        raise ValidationError({field: error})
    raise error
