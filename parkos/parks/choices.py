from django.db import models
from django.utils.translation import gettext_lazy as _

from parkos.parks.fire import BuildingStructure, FireHazardClass, FireResistanceGrade

__all__ = [
    "BuildingStatus",
    "BuildingStructure",
    "CleanroomGrade",
    "FireHazardClass",
    "FireResistanceGrade",
    "LandUse",
    "Occupancy",
    "SpaceStatus",
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
    """GMP 2010 grades a unit is ready for (RULES §7.4); "" = no clean room. A is the cleanest."""

    NONE = "", _("无洁净")
    D = "D", _("D级（30万级）")
    C = "C", _("C级（10万级）")
    B = "B", _("B级（万级）")
    A = "A", _("A级（百级）")


#: Cleaner grades satisfy less demanding requirements: a C-ready unit serves a D requirement.
CLEANROOM_RANK = {"": 0, "D": 1, "C": 2, "B": 3, "A": 4}


class Occupancy(models.TextChoices):
    """Written only by executed contracts (the leasing app); nobody types it."""

    VACANT = "vacant", _("空置")
    LEASED = "leased", _("已出租")
    SOLD = "sold", _("已出售")


class SpaceStatus(models.TextChoices):
    """The status shown for a unit or parcel, derived from occupancy, reservations and lettability."""

    AVAILABLE = "available", _("可租售")
    RESERVED = "reserved", _("已预留")
    LEASED = "leased", _("已出租")
    SOLD = "sold", _("已出售")
    NOT_LETTABLE = "not_lettable", _("不可租售")
