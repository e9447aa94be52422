"""Regulatory classes of tenants' products: device numbers, drug registration classes, stages (RULES §7).

Pure and typed (no ORM): the models, forms, importers and the pipeline counts all ask this module.

Device numbers are parsed, not looked up: a number that fits the pattern but contradicts the rules
(a class III number issued by a province) parses with a warning, because the number on a
certificate is a fact to record and the inconsistency is for a person to check.

Drugs are classed by the NMPA 2020 registration classes of their family (RULES §7.2, §7.5):
化学药品 1–5 (with 2.1–2.4, 5.1/5.2), 预防用 and 治疗用生物制品 1–3 (3.1…), in-vitro diagnostic
reagents managed as biologics 1–2, 中药 1–4. "1类新药" is class 1 of any family.

A product moves through the stages of its pathway (clinical for drugs and IVDs managed as
biologics, registration for devices, other IVDs and health products); the history is dated, and
the stage on a day is the last one entered on or before it (`stage_on`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CLINICAL_STAGE_ORDER",
    "DEVICE_IN_DEVELOPMENT",
    "DEVICE_STAGE_RANK",
    "IN_CLINICAL_TRIAL",
    "MONITORING_PERIOD_YEARS",
    "NEW_DRUG_FAMILIES",
    "NEW_MOLECULAR_ENTITY",
    "PROVINCE_ABBREVIATIONS",
    "REGISTRATION_CLASSES",
    "ClinicalStage",
    "DeviceClass",
    "DeviceNumber",
    "DeviceNumberKind",
    "DeviceOrigin",
    "DeviceStage",
    "DrugFamily",
    "DrugRegistrationCategory",
    "Pathway",
    "ProductKind",
    "is_class_one",
    "is_drug_approval_number",
    "parse_device_number",
    "pathway_of",
    "registration_class_label",
    "stage_label",
    "stage_on",
    "stage_rank",
    "stage_reached",
    "transition_error",
    "validate_approval_number",
    "validate_device_number",
    "validate_registration_class",
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


# --- drug families and their registration classes (RULES §7.2, §7.5) -----------------------------


class ProductKind(models.TextChoices):
    DRUG = "drug", _("药品")
    DEVICE = "device", _("医疗器械")
    IVD = "ivd", _("体外诊断试剂")
    HEALTH = "health", _("保健食品")


class DrugFamily(models.TextChoices):
    """The NMPA 2020 registration families; IVD reagents managed as biologics are a family of their own."""

    CHEMICAL = "chemical", _("化学药品")
    PREVENTIVE_BIOLOGIC = "preventive_biologic", _("预防用生物制品")
    THERAPEUTIC_BIOLOGIC = "therapeutic_biologic", _("治疗用生物制品")
    IVD_BIOLOGIC = "ivd_biologic", _("按生物制品管理的体外诊断试剂")
    TCM = "tcm", _("中药")


#: Every family's classes, code → meaning, in the notices' order. Chemical classes are
#: `DrugRegistrationCategory` (its values are the codes stored since before the families existed).
REGISTRATION_CLASSES: Final[dict[DrugFamily, dict[str, Any]]] = {
    DrugFamily.CHEMICAL: {c.value: c.label for c in DrugRegistrationCategory},
    DrugFamily.PREVENTIVE_BIOLOGIC: {
        "1": _("1类：创新型疫苗"),
        "2": _("2类：改良型疫苗"),
        "3.1": _("3.1类：境外生产的境外已上市、境内未上市的疫苗"),
        "3.2": _("3.2类：境内生产的境外已上市、境内未上市的疫苗"),
        "3.3": _("3.3类：境内已上市的疫苗"),
    },
    DrugFamily.THERAPEUTIC_BIOLOGIC: {
        "1": _("1类：创新型生物制品"),
        "2": _("2类：改良型生物制品"),
        "3.1": _("3.1类：境外生产的境外已上市、境内未上市的生物制品"),
        "3.2": _("3.2类：境内生产的境外已上市、境内未上市的生物制品"),
        "3.3": _("3.3类：生物类似药"),
        "3.4": _("3.4类：其他生物制品"),
    },
    DrugFamily.IVD_BIOLOGIC: {
        "1": _("1类：创新型体外诊断试剂"),
        "2": _("2类：境内外已上市的体外诊断试剂"),
    },
    DrugFamily.TCM: {
        "1": _("1类：中药创新药"),
        "2": _("2类：中药改良型新药"),
        "3": _("3类：古代经典名方中药复方制剂"),
        "4": _("4类：同名同方药"),
    },
}
#: The letter of the approval number (国药准字H/S/Z…) of each family (RULES §7.2, §7.5).
APPROVAL_LETTER: Final[dict[DrugFamily, str]] = {
    DrugFamily.CHEMICAL: "H",
    DrugFamily.PREVENTIVE_BIOLOGIC: "S",
    DrugFamily.THERAPEUTIC_BIOLOGIC: "S",
    DrugFamily.IVD_BIOLOGIC: "S",
    DrugFamily.TCM: "Z",
}


def registration_class_label(family: str, category: str) -> str:
    """ "化学药品 1类：创新药"; the bare code when it is not a class of the family."""
    try:
        classes = REGISTRATION_CLASSES[DrugFamily(family)]
    except ValueError:
        return category
    label = classes.get(category)
    return f"{DrugFamily(family).label} {label}" if label is not None else category


def validate_registration_class(family: str, category: str) -> None:
    """Raise ValidationError unless `category` is a registration class of `family`."""
    try:
        classes = REGISTRATION_CLASSES[DrugFamily(family)]
    except ValueError:
        raise ValidationError(_("请选择药品注册类别（化学药品、生物制品或中药）"), code="family") from None
    if category not in classes:
        raise ValidationError(
            _("“%(category)s”不是%(family)s的注册分类，可选：%(choices)s"),
            code="category",
            params={"category": category, "family": DrugFamily(family).label, "choices": "、".join(classes)},
        )


#: The families whose class 1 is a new drug (创新药): IVD reagents managed as biologics are not drugs.
NEW_DRUG_FAMILIES: Final[frozenset[DrugFamily]] = frozenset(
    {DrugFamily.CHEMICAL, DrugFamily.PREVENTIVE_BIOLOGIC, DrugFamily.THERAPEUTIC_BIOLOGIC, DrugFamily.TCM}
)


def is_class_one(family: str, category: str) -> bool:
    """ "1类新药" in park reports: class 1 of each drug family — 化学药品 1, 预防用/治疗用生物制品 1,
    中药 1 (RULES §7.2, §7.5); an innovative IVD reagent (按生物制品管理, class 1) is not a drug."""
    return category == "1" and family in NEW_DRUG_FAMILIES


def validate_approval_number(text: str, family: str) -> str:
    """A drug approval number (国药准字H20200001) whose letter fits the family; returns it normalised."""
    number = _normalise(text)
    if not is_drug_approval_number(number):
        raise ValidationError(
            _("“%(value)s”不是有效的药品批准文号（如 国药准字H20200001）"), code="invalid", params={"value": text}
        )
    letter = APPROVAL_LETTER.get(DrugFamily(family)) if family in DrugFamily.values else None
    if letter is not None and number[4] != letter:
        raise ValidationError(
            _("%(family)s的批准文号应为“国药准字%(letter)s…”"),
            code="family",
            params={"family": DrugFamily(family).label, "letter": letter},
        )
    return number


# --- pathways and stages (RULES §7.3) ------------------------------------------------------------


class DeviceStage(models.TextChoices):
    """Where a device (or an IVD, or a health product) is on its way to market, in order.

    The first value keeps its old name, "in_development" (研发中), which covers design and development.
    """

    IN_DEVELOPMENT = "in_development", _("研发中")
    TYPE_TESTING = "type_testing", _("型式检验")
    CLINICAL_EVALUATION = "clinical_evaluation", _("临床评价")
    IN_REVIEW = "in_review", _("注册/备案审评中")
    FILED = "filed", _("已备案")
    REGISTERED = "registered", _("已注册")


#: Filing (class I) and registration (II, III) both end the pathway: they share a rank.
DEVICE_STAGE_RANK: Final[dict[str, int]] = {
    DeviceStage.IN_DEVELOPMENT: 0,
    DeviceStage.TYPE_TESTING: 1,
    DeviceStage.CLINICAL_EVALUATION: 2,
    DeviceStage.IN_REVIEW: 3,
    DeviceStage.FILED: 4,
    DeviceStage.REGISTERED: 4,
}
#: Devices still in research and development (counted as 在研).
DEVICE_IN_DEVELOPMENT: Final[frozenset[str]] = frozenset(
    {DeviceStage.IN_DEVELOPMENT, DeviceStage.TYPE_TESTING, DeviceStage.CLINICAL_EVALUATION, DeviceStage.IN_REVIEW}
)


class Pathway(models.TextChoices):
    CLINICAL = "clinical", _("药品临床研发")
    REGISTRATION = "registration", _("注册/备案")


def pathway_of(kind: str, drug_family: str = "") -> Pathway:
    """Drugs, and IVD reagents managed as biologics, go through clinical trials; the rest through
    registration or filing as devices (or, for health products, with SAMR)."""
    if kind == ProductKind.DRUG or (kind == ProductKind.IVD and drug_family == DrugFamily.IVD_BIOLOGIC):
        return Pathway.CLINICAL
    return Pathway.REGISTRATION


def stages_of(pathway: Pathway | str) -> type[models.TextChoices]:
    return ClinicalStage if pathway == Pathway.CLINICAL else DeviceStage


def stage_rank(pathway: Pathway | str, stage: str) -> int:
    """The position of a stage in its pathway (ValueError for a stage of another pathway)."""
    if pathway == Pathway.CLINICAL:
        return CLINICAL_STAGE_ORDER.index(ClinicalStage(stage))
    return DEVICE_STAGE_RANK[DeviceStage(stage)]


def transition_error(
    pathway: Pathway | str,
    *,
    current: str | None,
    current_on: datetime.date | None,
    new: str,
    on: datetime.date,
    reason: str,
    today: datetime.date,
) -> str | None:
    """Why a product may not enter `new` on `on` after `current` (entered `current_on`); None if it may.

    1. The stage must belong to the product's pathway.
    2. No date in the future: a stage is entered when it happened.
    3. The history is dated in order: not before the current stage's date.
    4. Going backwards (a failed phase, a clinical hold, a refused registration) needs a reason.
    """
    try:
        new_rank = stage_rank(pathway, new)
    except ValueError:
        return gettext("“%(stage)s”不是该产品研发路径的阶段") % {"stage": new}
    if on > today:
        return gettext("进入阶段的日期不能晚于今天（%(today)s）") % {"today": today.isoformat()}
    if current_on is not None and on < current_on:
        return gettext("日期不能早于当前阶段的日期（%(date)s）") % {"date": current_on.isoformat()}
    if current and stage_rank(pathway, current) > new_rank and not reason.strip():
        return gettext("阶段倒退（%(old)s → %(new)s）须说明原因") % {
            "old": stages_of(pathway)(current).label,
            "new": stages_of(pathway)(new).label,
        }
    return None


_STAGE_LABELS: Final[dict[str, Any]] = {**dict(ClinicalStage.choices), **dict(DeviceStage.choices)}


def stage_label(stage: str) -> str:
    """The name of a stage of either pathway ("三期临床", "已注册"); the value itself if unknown."""
    label = _STAGE_LABELS.get(stage)
    return stage if label is None else str(label)


def stage_on(history: Iterable[tuple[datetime.date, str]], day: datetime.date) -> str | None:
    """The stage on `day`: the last one entered on or before it (history as (date, stage) in entry
    order; several on one day: the last entered wins). None before the first entry."""
    found: tuple[datetime.date, int, str] | None = None
    for position, (on, stage) in enumerate(history):
        if on <= day and (found is None or (on, position) >= found[:2]):
            found = (on, position, stage)
    return None if found is None else found[2]
