import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkos.parks.fire import BuildingStructure, FireHazardClass, FireResistanceGrade

__all__ = [
    "CLEANROOM_ALIASES",
    "CLEANROOM_ISO",
    "BuildingStatus",
    "BuildingStructure",
    "CleanroomGrade",
    "FireHazardClass",
    "FireResistanceGrade",
    "LandUse",
    "Occupancy",
    "SpaceStatus",
    "SpaceType",
]


class BuildingStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    UNDER_CONSTRUCTION = "under_construction", _("在建")
    IN_USE = "in_use", _("已投用")


class LandUse(models.TextChoices):
    INDUSTRIAL_M1 = "industrial_m1", _("一类工业用地（M1）")
    INDUSTRIAL_M2 = "industrial_m2", _("二类工业用地（M2）")
    NEW_INDUSTRIAL_M0 = "new_industrial_m0", _("新型产业用地（M0）")
    WAREHOUSE_W = "warehouse_w", _("物流仓储用地（W）")


class CleanroomGrade(models.TextChoices):
    """GMP 2010 grades a unit is ready for (RULES §7.4); "" = no clean room. A is the cleanest.

    At rest, GMP 2010 Annex 1: A and B ≈ ISO 5 (百级), C ≈ ISO 7 (万级), D ≈ ISO 8 (十万级). The
    stored values are the GMP letters; only the labels name the older class and the ISO class.
    """

    NONE = "", _("无洁净")
    D = "D", _("D级（十万级，ISO 8）")
    C = "C", _("C级（万级，ISO 7）")
    B = "B", _("B级（百级，ISO 5）")
    A = "A", _("A级（百级，ISO 5）")


#: Cleaner grades satisfy less demanding requirements: a C-ready unit serves a D requirement.
CLEANROOM_RANK = {"": 0, "D": 1, "C": 2, "B": 3, "A": 4}
#: ISO 14644-1 class of each GMP grade at rest (RULES §7.4).
CLEANROOM_ISO = {"D": 8, "C": 7, "B": 5, "A": 5}

#: What people type for a grade. 百级 is the ISO 5 class of both B (the background) and A (the
#: critical zone under unidirectional flow, built inside a B room): as a space requirement it means
#: a B-grade room. 三十万级 (ISO 8.5) is not a GMP grade; a D room (ISO 8) more than meets it.
CLEANROOM_ALIASES: dict[str, str] = {
    "无": "", "无洁净": "", "none": "",
    "a": "A", "a级": "A", "b": "B", "b级": "B", "c": "C", "c级": "C", "d": "D", "d级": "D",
    "百级": "B", "100级": "B", "iso5": "B", "iso 5": "B",
    "万级": "C", "一万级": "C", "1万级": "C", "10000级": "C", "iso7": "C", "iso 7": "C",
    "十万级": "D", "10万级": "D", "100000级": "D", "iso8": "D", "iso 8": "D",
    "三十万级": "D", "30万级": "D", "300000级": "D",
}  # fmt: skip


def cleanroom_grade_from_text(text: str) -> str:
    """The GMP grade for what someone typed ("10万级", "C级", "ISO 7", "十万级"); ValueError if unknown."""
    key = unicodedata.normalize("NFKC", text or "").strip().lower().replace("（", "(")
    key = key.split("(")[0].strip() if key not in CLEANROOM_ALIASES else key
    if key in CLEANROOM_ALIASES:
        return CLEANROOM_ALIASES[key]
    for value, label in CleanroomGrade.choices:
        if key == str(label).lower():
            return value
    raise ValueError(text)


class SpaceType(models.TextChoices):
    """What a unit is built and approved for; a requirement's space type is matched against it."""

    FACTORY = "factory", _("厂房")
    LAB = "lab", _("研发实验")
    OFFICE = "office", _("办公")
    WAREHOUSE = "warehouse", _("仓储")
    COLD_STORAGE = "cold_storage", _("冷库")


#: Which unit types serve a requirement of each type: a standard factory floor is commonly fitted
#: out as a lab; a lab floor serves offices; a cold store can store ordinary goods too.
SPACE_TYPES_SERVING: dict[str, frozenset[str]] = {
    "factory": frozenset({"factory"}),
    "lab": frozenset({"lab", "factory"}),
    "office": frozenset({"office", "lab"}),
    "warehouse": frozenset({"warehouse", "cold_storage"}),
    "cold_storage": frozenset({"cold_storage"}),
}


class Occupancy(models.TextChoices):
    """Written only by executed contracts (the leasing app); nobody types it."""

    VACANT = "vacant", _("空置")
    LEASED = "leased", _("已出租")
    SOLD = "sold", _("已出售")


class SpaceStatus(models.TextChoices):
    """The status shown for a unit or parcel, derived from occupancy, reservations and lettability.

    COMMITTED: a signed contract holds the space from a later date (已签约待起租) — vacant today,
    yet not to be offered for any move-in the contract overlaps.
    """

    AVAILABLE = "available", _("可租售")
    COMMITTED = "committed", _("已签约待起租")
    RESERVED = "reserved", _("已预留")
    LEASED = "leased", _("已出租")
    SOLD = "sold", _("已出售")
    NOT_LETTABLE = "not_lettable", _("不可租售")
