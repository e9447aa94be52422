"""Regulatory classes of tenants' products: device numbers, drug categories, clinical stages (RULES §7).

Device numbers are parsed, not looked up: a number that fits the pattern but contradicts the rules
(a class III number issued by a province) parses with a warning, because the number on a
certificate is a fact to record and the inconsistency is for a person to check.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CLINICAL_STAGE_ORDER",
    "IN_CLINICAL_TRIAL",
    "MONITORING_PERIOD_YEARS",
    "NEW_MOLECULAR_ENTITY",
    "PROVINCE_ABBREVIATIONS",
    "ClinicalStage",
    "DeviceClass",
    "DeviceNumber",
    "DeviceNumberKind",
    "DeviceOrigin",
    "DrugRegistrationCategory",
    "is_drug_approval_number",
    "parse_device_number",
    "stage_reached",
    "validate_device_number",
]


# --- medical devices (RULES §7.1) ----------------------------------------------------------------


class DeviceClass(models.TextChoices):
    CLASS_I = "class_1", _("第一类")
    CLASS_II = "class_2", _("第二类")
    CLASS_III = "class_3", _("第三类")


class DeviceOrigin(models.TextChoices):
    DOMESTIC = "domestic", _("境内")
    IMPORTED = "imported", _("进口")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("港澳台")


class DeviceNumberKind(models.TextChoices):
    REGISTRATION = "registration", _("注册证编号")
    FILING = "filing", _("备案编号")
    LEGACY_REGISTRATION = "legacy_registration", _("旧版注册证编号")


#: Province-level abbreviations that prefix provincial (class II) registration numbers, with the
#: alternative forms some provinces use (黔/贵, 滇/云, 陇/甘, 陕/秦, 川/蜀).
PROVINCE_ABBREVIATIONS: Final[frozenset[str]] = frozenset(
    "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵滇云藏陕秦甘陇青宁新"
)
#: 国务院令第739号: class III and all imported devices are registered by NMPA ("国").
NATIONAL_PREFIX: Final = "国"
#: The 2017 分类目录 (in force 2018-08-01) has 22 subcategories; numbers first issued from 2019 on
#: should use them [M: first year chosen with a margin after the switch].
CATALOGUE_2017_FROM_YEAR: Final = 2019
CATALOGUE_2017_CATEGORIES: Final[frozenset[str]] = frozenset(f"{n:02d}" for n in range(1, 23))

_CJK: Final = "\u4e00-\u9fff"
_REGISTRATION: Final = re.compile(
    rf"^(?P<prefix>[{_CJK}]{{0,6}})械注(?P<origin>准|进|许)(?P<year>\d{{4}})(?P<cls>[23])(?P<cat>\d{{2}})(?P<serial>\d{{4,}})$"
)
_FILING: Final = re.compile(rf"^(?P<prefix>[{_CJK}]{{0,6}})械备(?P<year>\d{{4}})(?P<serial>\d{{3,}})号?$")
# Before the 2014 注册管理办法: "国食药监械(准)字2012第3460123号" = class 3, 6846 category, serial
# 0123 [M for the digit layout].
_LEGACY: Final = re.compile(
    rf"^(?P<prefix>[{_CJK}]*)药监械\((?P<origin>准|进|许)\)字(?P<year>\d{{4}})第(?P<cls>[123])(?P<cat>\d{{2}})(?P<serial>\d{{4}})号$"
)
_DRUG_APPROVAL: Final = re.compile(r"^国药准字[HZS][CJ]?\d{8}$")

_ORIGINS: Final = {"准": DeviceOrigin.DOMESTIC, "进": DeviceOrigin.IMPORTED, "许": DeviceOrigin.HK_MACAO_TAIWAN}
_CLASSES: Final = {"1": DeviceClass.CLASS_I, "2": DeviceClass.CLASS_II, "3": DeviceClass.CLASS_III}


@dataclass(frozen=True)
class DeviceNumber:
    """A parsed device registration certificate or filing number."""

    number: str  # normalised
    kind: DeviceNumberKind
    device_class: DeviceClass
    origin: DeviceOrigin
    prefix: str  # issuing authority: "国", "渝", "渝渝" (province + city for filings)
    year: int  # first registration / filing year
    category: str | None  # 分类目录 subcategory ("01"–"22"; 68xx codes on older numbers)
    serial: str
    warnings: tuple[str, ...] = ()


def _normalise(text: str) -> str:
    """Full-width digits and brackets to ASCII, whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _registration_warnings(
    prefix: str, origin: DeviceOrigin, device_class: DeviceClass, year: int, category: str
) -> list[str]:
    warnings: list[str] = []
    if origin != DeviceOrigin.DOMESTIC and prefix != NATIONAL_PREFIX:
        warnings.append(gettext("进口及港澳台医疗器械由国家药监局注册，编号应以“国”开头"))
    elif device_class == DeviceClass.CLASS_III and prefix != NATIONAL_PREFIX:
        warnings.append(
            gettext("第三类医疗器械由国家药监局注册，编号应以“国”开头，而非“%(prefix)s”") % {"prefix": prefix}
        )
    elif origin == DeviceOrigin.DOMESTIC and device_class == DeviceClass.CLASS_II:
        if prefix == NATIONAL_PREFIX:
            warnings.append(gettext("境内第二类医疗器械由省级药监局注册，编号应以省份简称开头"))
        elif prefix not in PROVINCE_ABBREVIATIONS:
            warnings.append(gettext("“%(prefix)s”不是省份简称") % {"prefix": prefix})
    if year >= CATALOGUE_2017_FROM_YEAR and category not in CATALOGUE_2017_CATEGORIES:
        warnings.append(
            gettext("分类编码“%(category)s”不在2017版《医疗器械分类目录》的01–22之内") % {"category": category}
        )
    return warnings


def parse_device_number(text: str) -> DeviceNumber | None:
    """Parse a device registration (注册证) or filing (备案) number; None if it is neither.

    ``国械注准20193010123`` → class III, domestic, category 01; ``渝械注准20202140001`` → class II,
    Chongqing; ``国械注进20172460123`` → imported class II; ``渝渝械备20200001号`` → class I filing;
    ``京械注准20203020001`` → class III with a warning (class III must be "国");
    ``国药准字H20200001`` → None (a drug approval number).
    """
    number = _normalise(text)
    if match := _REGISTRATION.match(number):
        prefix, year, category = match["prefix"], int(match["year"]), match["cat"]
        origin, device_class = _ORIGINS[match["origin"]], _CLASSES[match["cls"]]
        return DeviceNumber(
            number=number,
            kind=DeviceNumberKind.REGISTRATION,
            device_class=device_class,
            origin=origin,
            prefix=prefix,
            year=year,
            category=category,
            serial=match["serial"],
            warnings=tuple(_registration_warnings(prefix, origin, device_class, year, category)),
        )
    if match := _FILING.match(number):
        prefix = match["prefix"]
        # Imported class I devices are filed with NMPA ("国械备"); domestic ones with the city.
        origin = DeviceOrigin.IMPORTED if prefix == NATIONAL_PREFIX else DeviceOrigin.DOMESTIC
        warnings = () if prefix else (gettext("备案编号缺少备案部门简称"),)
        return DeviceNumber(
            number=number,
            kind=DeviceNumberKind.FILING,
            device_class=DeviceClass.CLASS_I,
            origin=origin,
            prefix=prefix,
            year=int(match["year"]),
            category=None,
            serial=match["serial"],
            warnings=warnings,
        )
    if match := _LEGACY.match(number):
        return DeviceNumber(
            number=number,
            kind=DeviceNumberKind.LEGACY_REGISTRATION,
            device_class=_CLASSES[match["cls"]],
            origin=_ORIGINS[match["origin"]],
            prefix=match["prefix"],
            year=int(match["year"]),
            category=match["cat"],
            serial=match["serial"],
            warnings=(gettext("旧版注册证编号（2014年注册管理办法施行前的格式），请核对是否已换发新证"),),
        )
    return None


def is_drug_approval_number(text: str) -> bool:
    """True for a drug approval number (国药准字H/Z/S…), which users often paste as a device number."""
    return _DRUG_APPROVAL.match(_normalise(text)) is not None


def validate_device_number(text: str) -> DeviceNumber:
    """:func:`parse_device_number` for forms: raises ``ValidationError`` instead of returning None."""
    parsed = parse_device_number(text)
    if parsed is not None:
        return parsed
    if is_drug_approval_number(text):
        raise ValidationError(
            _("“%(value)s”是药品批准文号，不是医疗器械注册证或备案编号"), code="drug_number", params={"value": text}
        )
    raise ValidationError(_("“%(value)s”不是有效的医疗器械注册证或备案编号"), code="invalid", params={"value": text})


# --- drugs (RULES §7.2, §7.3) --------------------------------------------------------------------


class DrugRegistrationCategory(models.TextChoices):
    """化学药品注册分类 (国家药监局 2020年第44号通告). Values are the official category codes."""

    CAT_1 = "1", _("1类：创新药")
    CAT_2_1 = "2.1", _("2.1类：改良型新药（异构体、酯、盐、络合物等）")
    CAT_2_2 = "2.2", _("2.2类：改良型新药（新剂型、新给药系统、新处方工艺、新给药途径）")
    CAT_2_3 = "2.3", _("2.3类：改良型新药（新复方制剂）")
    CAT_2_4 = "2.4", _("2.4类：改良型新药（新适应症）")
    CAT_3 = "3", _("3类：仿制境外已上市、境内未上市原研药")
    CAT_4 = "4", _("4类：仿制境内已上市原研药")
    CAT_5_1 = "5.1", _("5.1类：境外上市的原研药申请境内上市")
    CAT_5_2 = "5.2", _("5.2类：境外上市的非原研药申请境内上市")


#: 监测期 in years (RULES §7.2 [S]); categories without one are absent.
MONITORING_PERIOD_YEARS: Final[dict[DrugRegistrationCategory, int]] = {
    DrugRegistrationCategory.CAT_1: 5,
    DrugRegistrationCategory.CAT_2_1: 3,
    DrugRegistrationCategory.CAT_2_2: 4,
    DrugRegistrationCategory.CAT_2_3: 4,
    DrugRegistrationCategory.CAT_2_4: 3,
}
#: What NMPA statistics count as new molecular entities.
NEW_MOLECULAR_ENTITY: Final[frozenset[DrugRegistrationCategory]] = frozenset(
    {DrugRegistrationCategory.CAT_1, DrugRegistrationCategory.CAT_5_1}
)


class ClinicalStage(models.TextChoices):
    """Development stage of a drug (or a device that needs clinical trials), in order."""

    PRECLINICAL = "preclinical", _("临床前")
    IND_FILED = "ind_filed", _("IND已申报")
    IND_APPROVED = "ind_approved", _("IND已获批")
    PHASE1 = "phase1", _("一期临床")
    PHASE2 = "phase2", _("二期临床")
    PHASE3 = "phase3", _("三期临床")
    NDA_FILED = "nda_filed", _("上市申请")
    APPROVED = "approved", _("已获批")
    PHASE4 = "phase4", _("四期")


CLINICAL_STAGE_ORDER: Final[tuple[ClinicalStage, ...]] = tuple(ClinicalStage)
#: "进入临床" in park reports: trials under way (phase I–III), not merely approved to start.
IN_CLINICAL_TRIAL: Final[frozenset[ClinicalStage]] = frozenset(
    {ClinicalStage.PHASE1, ClinicalStage.PHASE2, ClinicalStage.PHASE3}
)


def stage_reached(stage: ClinicalStage | str, milestone: ClinicalStage | str) -> bool:
    """True when ``stage`` is ``milestone`` or later (e.g. has a product reached phase III?)."""
    return CLINICAL_STAGE_ORDER.index(ClinicalStage(stage)) >= CLINICAL_STAGE_ORDER.index(ClinicalStage(milestone))
