"""Device numbers (RULES §7.1, all six vectors), drug categories and clinical stages (§7.2, §7.3)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from parkos.statistics import products
from parkos.statistics.products import (
    ClinicalStage,
    DeviceClass,
    DeviceNumberKind,
    DeviceOrigin,
    DrugRegistrationCategory,
)

# --- RULES §7.1 vectors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "kind", "device_class", "origin", "prefix", "year", "category"),
    [
        (
            "国械注准20193010123",
            DeviceNumberKind.REGISTRATION,
            DeviceClass.CLASS_III,
            DeviceOrigin.DOMESTIC,
            "国",
            2019,
            "01",
        ),
        (
            "渝械注准20202140001",
            DeviceNumberKind.REGISTRATION,
            DeviceClass.CLASS_II,
            DeviceOrigin.DOMESTIC,
            "渝",
            2020,
            "14",
        ),
        (
            "国械注进20172460123",
            DeviceNumberKind.REGISTRATION,
            DeviceClass.CLASS_II,
            DeviceOrigin.IMPORTED,
            "国",
            2017,
            "46",
        ),
        ("渝渝械备20200001号", DeviceNumberKind.FILING, DeviceClass.CLASS_I, DeviceOrigin.DOMESTIC, "渝渝", 2020, None),
    ],
)
def test_valid_numbers_parse_without_warnings(number, kind, device_class, origin, prefix, year, category):
    parsed = products.parse_device_number(number)
    assert parsed is not None
    assert (parsed.kind, parsed.device_class, parsed.origin, parsed.prefix, parsed.year, parsed.category) == (
        kind,
        device_class,
        origin,
        prefix,
        year,
        category,
    )
    assert parsed.warnings == ()


def test_class_three_with_a_provincial_prefix_warns():
    parsed = products.parse_device_number("京械注准20203020001")
    assert parsed is not None
    assert parsed.device_class == DeviceClass.CLASS_III
    assert parsed.prefix == "京"
    assert len(parsed.warnings) == 1
    assert "第三类" in parsed.warnings[0]
    assert "国" in parsed.warnings[0]


def test_drug_approval_number_is_not_a_device_number():
    assert products.parse_device_number("国药准字H20200001") is None
    assert products.is_drug_approval_number("国药准字H20200001")
    with pytest.raises(ValidationError) as error:
        products.validate_device_number("国药准字H20200001")
    assert error.value.code == "drug_number"


# --- beyond the vectors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("国械注准20192140001", "省级"),  # domestic class II is registered by a province
        ("渝械注进20202140001", "进口"),  # imports are registered by NMPA
        ("哈械注准20202140001", "省份简称"),  # not a province abbreviation
        ("渝械注准20202460001", "01–22"),  # a 2020 number with an old 68xx category
    ],
)
def test_inconsistent_registrations_warn(number, fragment):
    parsed = products.parse_device_number(number)
    assert parsed is not None
    assert any(fragment in warning for warning in parsed.warnings)


def test_imported_class_one_filing_and_full_width_input():
    parsed = products.parse_device_number("国械备２０２１０１２３")
    assert parsed is not None
    assert (parsed.number, parsed.origin, parsed.device_class) == (
        "国械备20210123",
        DeviceOrigin.IMPORTED,
        DeviceClass.CLASS_I,
    )
    spaced = products.parse_device_number(" 渝械注准 2020 2140001 ")
    assert spaced is not None
    assert spaced.number == "渝械注准20202140001"


def test_legacy_registration_number():
    parsed = products.parse_device_number("国食药监械（准）字2012第3460123号")
    assert parsed is not None
    assert (parsed.kind, parsed.device_class, parsed.year, parsed.category, parsed.serial) == (
        DeviceNumberKind.LEGACY_REGISTRATION,
        DeviceClass.CLASS_III,
        2012,
        "46",
        "0123",
    )
    assert parsed.warnings


@pytest.mark.parametrize("number", ["", "械注准", "国械注准2019301012", "国械注准20194010123", "ABC"])
def test_garbage_is_rejected(number):
    assert products.parse_device_number(number) is None
    with pytest.raises(ValidationError) as error:
        products.validate_device_number(number)
    assert error.value.code == "invalid"


# --- choices -------------------------------------------------------------------------------------


def test_drug_categories():
    assert DrugRegistrationCategory.values == ["1", "2.1", "2.2", "2.3", "2.4", "3", "4", "5.1", "5.2"]
    assert str(DrugRegistrationCategory.CAT_1.label).startswith("1类")
    assert products.MONITORING_PERIOD_YEARS[DrugRegistrationCategory.CAT_1] == 5
    assert products.MONITORING_PERIOD_YEARS[DrugRegistrationCategory.CAT_2_2] == 4
    assert DrugRegistrationCategory.CAT_3 not in products.MONITORING_PERIOD_YEARS
    new_molecular_entities = products.NEW_MOLECULAR_ENTITY
    assert new_molecular_entities == {DrugRegistrationCategory.CAT_1, DrugRegistrationCategory.CAT_5_1}


def test_clinical_stages_in_order_with_chinese_labels():
    assert ClinicalStage.values == [
        "preclinical",
        "ind_filed",
        "ind_approved",
        "phase1",
        "phase2",
        "phase3",
        "nda_filed",
        "approved",
        "phase4",
    ]
    assert [str(label) for label in ClinicalStage.labels] == [
        "临床前",
        "IND已申报",
        "IND已获批",
        "一期临床",
        "二期临床",
        "三期临床",
        "上市申请",
        "已获批",
        "四期",
    ]
    assert products.stage_reached(ClinicalStage.NDA_FILED, ClinicalStage.PHASE3)
    assert products.stage_reached("phase3", "phase3")
    assert not products.stage_reached(ClinicalStage.IND_APPROVED, ClinicalStage.PHASE1)
    assert ClinicalStage.IND_APPROVED not in products.IN_CLINICAL_TRIAL


def test_device_classes():
    assert [str(label) for label in DeviceClass.labels] == ["第一类", "第二类", "第三类"]
