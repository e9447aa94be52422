"""Device numbers (RULES §7.1, all six vectors), drug registration classes of every family (§7.2,
§7.5), approval numbers, stages and their order (§7.3), stage transitions and the stage on a day."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from parkos.innovation import regulatory
from parkos.innovation.regulatory import (
    ClinicalStage,
    DeviceClass,
    DeviceNumberKind,
    DeviceOrigin,
    DeviceStage,
    DrugFamily,
    DrugRegistrationCategory,
    Pathway,
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
    parsed = regulatory.parse_device_number(number)
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
    parsed = regulatory.parse_device_number("京械注准20203020001")
    assert parsed is not None
    assert parsed.device_class == DeviceClass.CLASS_III
    assert parsed.prefix == "京"
    assert len(parsed.warnings) == 1
    assert "第三类" in parsed.warnings[0]
    assert "国" in parsed.warnings[0]


def test_drug_approval_number_is_not_a_device_number():
    assert regulatory.parse_device_number("国药准字H20200001") is None
    assert regulatory.is_drug_approval_number("国药准字H20200001")
    with pytest.raises(ValidationError) as error:
        regulatory.validate_device_number("国药准字H20200001")
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
    parsed = regulatory.parse_device_number(number)
    assert parsed is not None
    assert any(fragment in warning for warning in parsed.warnings)


def test_imported_class_one_filing_and_full_width_input():
    parsed = regulatory.parse_device_number("国械备２０２１０１２３")
    assert parsed is not None
    assert (parsed.number, parsed.origin, parsed.device_class) == (
        "国械备20210123",
        DeviceOrigin.IMPORTED,
        DeviceClass.CLASS_I,
    )
    spaced = regulatory.parse_device_number(" 渝械注准 2020 2140001 ")
    assert spaced is not None
    assert spaced.number == "渝械注准20202140001"


def test_legacy_registration_number():
    parsed = regulatory.parse_device_number("国食药监械（准）字2012第3460123号")
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
    assert regulatory.parse_device_number(number) is None
    with pytest.raises(ValidationError) as error:
        regulatory.validate_device_number(number)
    assert error.value.code == "invalid"


# --- choices -------------------------------------------------------------------------------------


def test_drug_categories():
    assert DrugRegistrationCategory.values == ["1", "2.1", "2.2", "2.3", "2.4", "3", "4", "5.1", "5.2"]
    assert str(DrugRegistrationCategory.CAT_1.label).startswith("1类")
    assert regulatory.MONITORING_PERIOD_YEARS[DrugRegistrationCategory.CAT_1] == 5
    assert regulatory.MONITORING_PERIOD_YEARS[DrugRegistrationCategory.CAT_2_2] == 4
    assert DrugRegistrationCategory.CAT_3 not in regulatory.MONITORING_PERIOD_YEARS
    new_molecular_entities = regulatory.NEW_MOLECULAR_ENTITY
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
    assert regulatory.stage_reached(ClinicalStage.NDA_FILED, ClinicalStage.PHASE3)
    assert regulatory.stage_reached("phase3", "phase3")
    assert not regulatory.stage_reached(ClinicalStage.IND_APPROVED, ClinicalStage.PHASE1)
    assert ClinicalStage.IND_APPROVED not in regulatory.IN_CLINICAL_TRIAL


def test_device_classes():
    assert [str(label) for label in DeviceClass.labels] == ["第一类", "第二类", "第三类"]


# --- registration classes of every family (RULES §7.2, §7.5) -------------------------------------


@pytest.mark.parametrize(
    ("family", "category"),
    [
        ("chemical", "1"),
        ("chemical", "2.4"),
        ("chemical", "5.2"),
        ("preventive_biologic", "1"),
        ("preventive_biologic", "3.3"),
        ("therapeutic_biologic", "3.3"),  # 生物类似药
        ("therapeutic_biologic", "3.4"),
        ("ivd_biologic", "2"),
        ("tcm", "3"),
        ("tcm", "4"),
    ],
)
def test_registration_classes_of_each_family(family, category):
    regulatory.validate_registration_class(family, category)
    assert regulatory.registration_class_label(family, category).startswith(str(DrugFamily(family).label))


@pytest.mark.parametrize(
    ("family", "category", "fragment"),
    [
        ("chemical", "2", "2.1"),  # chemical class 2 needs its subclass
        ("chemical", "6", "化学药品"),
        ("preventive_biologic", "4", "预防用生物制品"),
        ("therapeutic_biologic", "3", "3.1"),
        ("ivd_biologic", "3", "体外诊断"),
        ("tcm", "5", "中药"),
    ],
)
def test_registration_class_outside_the_family_is_refused_in_chinese(family, category, fragment):
    with pytest.raises(ValidationError) as error:
        regulatory.validate_registration_class(family, category)
    assert fragment in error.value.messages[0]


@pytest.mark.parametrize(
    ("family", "category", "expected"),
    [
        ("chemical", "1", True),
        ("preventive_biologic", "1", True),  # 创新型疫苗
        ("therapeutic_biologic", "1", True),  # an innovative antibody
        ("tcm", "1", True),
        ("ivd_biologic", "1", False),  # an innovative reagent, not a drug
        ("chemical", "2.1", False),
        ("therapeutic_biologic", "3.3", False),
        ("tcm", "4", False),
        ("chemical", "", False),
        ("", "1", False),
    ],
)
def test_class_one_of_each_drug_family_is_a_class_one_new_drug(family, category, expected):
    assert regulatory.is_class_one(family, category) is expected


@pytest.mark.parametrize(
    ("number", "family", "ok"),
    [
        ("国药准字H20200001", "chemical", True),
        ("国药准字S20200001", "therapeutic_biologic", True),
        ("国药准字Z20200001", "tcm", True),
        ("国药准字HJ20200001", "chemical", True),  # made abroad
        ("国药准字H20200001", "tcm", False),  # a TCM number carries Z
        ("国药准字S2020000", "preventive_biologic", False),  # too short
        ("国械注准20193010123", "chemical", False),  # a device number
    ],
)
def test_approval_numbers(number, family, ok):
    if ok:
        assert regulatory.validate_approval_number(f" {number} ", family) == number
    else:
        with pytest.raises(ValidationError):
            regulatory.validate_approval_number(number, family)


# --- pathways, stage order and transitions (RULES §7.3) ------------------------------------------


def test_pathways():
    assert regulatory.pathway_of("drug") == Pathway.CLINICAL
    assert regulatory.pathway_of("ivd", "ivd_biologic") == Pathway.CLINICAL
    assert regulatory.pathway_of("ivd") == Pathway.REGISTRATION
    assert regulatory.pathway_of("device") == Pathway.REGISTRATION
    assert regulatory.pathway_of("health") == Pathway.REGISTRATION


def test_filing_and_registration_both_end_the_device_pathway():
    assert regulatory.stage_rank(Pathway.REGISTRATION, DeviceStage.FILED) == regulatory.stage_rank(
        Pathway.REGISTRATION, DeviceStage.REGISTERED
    )
    assert DeviceStage.IN_REVIEW in regulatory.DEVICE_IN_DEVELOPMENT
    assert DeviceStage.REGISTERED not in regulatory.DEVICE_IN_DEVELOPMENT


TODAY = datetime.date(2026, 6, 30)


def _transition(
    new, *, current="phase2", current_on=datetime.date(2026, 1, 10), on=datetime.date(2026, 3, 1), reason=""
):
    return regulatory.transition_error(
        Pathway.CLINICAL, current=current, current_on=current_on, new=new, on=on, reason=reason, today=TODAY
    )


def test_forward_transition_is_allowed():
    assert _transition("phase3") is None
    assert _transition("phase2", on=datetime.date(2026, 1, 10)) is None  # same stage, same day: a correction


def test_backwards_needs_a_reason():
    message = _transition("phase1")
    assert message is not None
    assert "二期临床" in message
    assert "一期临床" in message
    assert "原因" in message
    assert _transition("phase1", reason="二期中期分析未达终点，回到一期调整剂量") is None


def test_dates_in_the_future_or_before_the_current_stage_are_refused():
    assert "今天" in _transition("phase3", on=TODAY + datetime.timedelta(days=1))
    assert "早于" in _transition("phase3", on=datetime.date(2026, 1, 9))


def test_a_stage_of_the_other_pathway_is_refused():
    assert "阶段" in _transition("registered")


# --- the stage on a day ---------------------------------------------------------------------------

HISTORY = [
    (datetime.date(2022, 3, 1), "preclinical"),
    (datetime.date(2023, 1, 15), "ind_filed"),
    (datetime.date(2023, 3, 20), "ind_approved"),
    (datetime.date(2023, 9, 1), "phase1"),
    (datetime.date(2025, 2, 1), "phase2"),
    (datetime.date(2025, 2, 1), "phase3"),  # a seamless II/III design: entered the same day, later wins
    (datetime.date(2025, 11, 30), "phase2"),  # back to II (with a reason in the service)
]


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (datetime.date(2022, 2, 28), None),  # before the product was in the pipeline
        (datetime.date(2022, 3, 1), "preclinical"),
        (datetime.date(2023, 3, 19), "ind_filed"),
        (datetime.date(2023, 3, 20), "ind_approved"),
        (datetime.date(2024, 12, 31), "phase1"),
        (datetime.date(2025, 2, 1), "phase3"),
        (datetime.date(2025, 11, 29), "phase3"),
        (datetime.date(2026, 1, 1), "phase2"),
    ],
)
def test_stage_on_a_day(day, stage):
    assert regulatory.stage_on(HISTORY, day) == stage
    assert regulatory.stage_on(reversed(HISTORY[:5]), day) == regulatory.stage_on(HISTORY[:5], day)
