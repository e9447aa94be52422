"""GB/T 4754-2017: the RULES §3.4 vectors, padding, pick lists and the shipped table's invariants."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parkos.core import industry

DATA_FILE = Path(industry.__file__).parent / "data" / "gbt4754_2017.csv"

#: RULES §3.1: 门类 ranges of 大类 (2017).
SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def _rows() -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as data:
        return list(csv.DictReader(data))


# --- RULES §3.4 test vectors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code", "level", "section"),
    [
        ("2710", "2710", "class", "C"),
        ("C2710", "2710", "class", "C"),
        ("358", "358", "group", "C"),
        ("M7340", "7340", "class", "M"),
        ("8491", "8491", "class", "Q"),
        ("7221", "7221", "class", "L"),
    ],
)
def test_lookup_rules_vectors(raw, code, level, section):
    entry = industry.lookup(raw)
    assert (entry.code, entry.level, entry.section) == (code, level, section)
    assert industry.section_of(raw) == section


def test_section_letter_must_match_division():
    with pytest.raises(ValidationError) as excinfo:
        industry.validate("F2710")
    assert excinfo.value.code == "section_mismatch"
    assert excinfo.value.params == {"code": "F2710", "division": "27", "section": "C"}


def test_unknown_division_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        industry.validate("9810")
    assert excinfo.value.code == "division"
    assert excinfo.value.params["division"] == "98"


# --- names of codes the platform relies on -------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("27", "医药制造业"),
        ("35", "专用设备制造业"),
        ("72", "商务服务业"),
        ("73", "研究和试验发展"),
        ("84", "卫生"),
        ("2762", "基因工程药物和疫苗制造"),
        ("2780", "药用辅料及包装材料"),  # absent from the 2011 edition (RULES §3.2 version trap)
        ("3587", "眼镜制造"),  # 2011 had no 3587
        ("3586", "康复辅具制造"),  # 2011: 假肢、人工器官及植（介）入器械制造
        ("7221", "园区管理服务"),
        ("7540", "创业空间服务"),
        ("8492", "临床检验服务"),
        ("Q", "卫生和社会工作"),
    ],
)
def test_names(code, name):
    assert industry.lookup(code).name == name


def test_display_code_and_label():
    entry = industry.lookup("2710")
    assert entry.display_code == "C2710"
    assert entry.label == str(entry) == "C2710 化学药品原料药制造"
    assert industry.lookup("c").display_code == "C"


# --- normalisation and padding -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("c2710", "2710"),
        ("Ｃ２７１０", "2710"),  # full width
        (" C 27-10 ", "2710"),
        ("C27.10", "2710"),
        ("C27", "27"),
        ("q", "Q"),
        ("C2700", "27"),  # padded division
        ("2700", "27"),
        ("1000", "10"),  # division 10 非金属矿采选业 padded; "10" itself ends in 0
        ("C2760", "276"),  # 276 is subdivided, so 2760 can only be the padded group
        ("2710", "2710"),  # 271 has a single class ending in 0: a real class, kept
        ("6520", "6520"),  # 652 has a single class: 集成电路设计
        ("1200", "1200"),  # 其他采矿业: division 12's only group is numbered 0
        ("9700", "9700"),  # 国际组织
        ("C3500", "35"),
    ],
)
def test_normalize_code(raw, expected):
    assert industry.normalize_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "C2", "27101", "CC27", "27C", "Z", "U", "C+", "医药", "27 10 1"])
def test_malformed_codes(raw):
    with pytest.raises(ValidationError) as excinfo:
        industry.normalize_code(raw)
    assert excinfo.value.code == "format"


def test_padded_forms_look_up_the_same_entry():
    assert industry.lookup("C2760") == industry.lookup("276")
    assert industry.lookup("C2700") == industry.lookup("27")


# --- validate / lookup on the whole table -------------------------------------------------------


@pytest.mark.parametrize("raw", ["2799", "279", "8419", "7341", "C270", "650", "6501", "4042"])
def test_codes_not_in_the_2017_tree_are_invalid(raw):
    with pytest.raises(ValidationError) as excinfo:
        industry.validate(raw)
    assert excinfo.value.code == "unknown"


@pytest.mark.parametrize(
    ("raw", "name"),
    [("6511", "基础软件开发"), ("I6513", "应用软件开发"), ("3491", "工业机器人制造"), ("1200", "其他采矿业")],
)
def test_every_level_of_every_section_is_listed(raw, name):
    assert industry.lookup(raw).name == name


def test_whole_tree_counts():
    """RULES §3.1: 20 门类, 97 大类, 473 中类; every 中类 has its 小类."""
    rows = _rows()
    assert sum(row["level"] == "group" for row in rows) == 473
    assert sum(row["level"] == "class" for row in rows) >= 1380


# --- the 2011 edition ---------------------------------------------------------------------------------


def test_a_2011_code_absent_from_2017_is_mapped_with_a_notice():
    resolution = industry.resolve("4042")
    assert resolution.code == "3587"
    assert "2011" in resolution.notice
    assert "C3587 眼镜制造" in resolution.notice


def test_a_2017_code_resolves_without_notice():
    assert industry.resolve("C3581") == industry.Resolution(code="3581")
    assert industry.resolve("2760") == industry.Resolution(code="276")  # a padded 2017 group


def test_a_declared_2011_source_maps_reused_codes():
    assert industry.resolve("7520", edition="2011").code == "7530"
    assert industry.resolve("7520").code == "7520"


def test_resolve_rejects_codes_of_neither_edition():
    with pytest.raises(ValidationError):
        industry.resolve("2799")


def test_every_2011_successor_is_a_2017_code():
    for successor in industry.EDITION_2011_SUCCESSORS.values():
        assert industry.lookup(successor)


# --- search --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("3581", "3581"),
        ("C358", "358"),
        ("医疗诊断", "3581"),
        ("ylzd", "3581"),
        ("yiliaozhenduan", "3581"),
        ("眼镜", "3587"),
    ],
)
def test_search_by_code_name_and_pinyin(query, code):
    assert code in [entry.code for entry in industry.search(query)]


def test_search_ranks_exact_code_first_and_broader_levels_before_narrower():
    assert industry.search("358")[0].code == "358"
    assert [entry.code for entry in industry.search("医药制造")][:1] == ["27"]
    assert industry.search("") == []


def test_describe_shows_code_and_name_once():
    assert industry.describe("3581") == "C3581 医疗诊断、监护及治疗设备制造"
    assert industry.describe("35") == "C35 专用设备制造业"
    assert industry.describe("") == ""


def test_ancestors():
    assert [entry.code for entry in industry.ancestors("C2761")] == ["C", "27", "276"]
    assert [entry.code for entry in industry.ancestors("8491")] == ["Q", "84", "849"]
    assert [entry.code for entry in industry.ancestors("27")] == ["C"]
    assert industry.ancestors("C") == ()


def test_ancestors_of_a_class_in_every_section():
    assert [entry.code for entry in industry.ancestors("6511")] == ["I", "65", "651"]


# --- pick lists ------------------------------------------------------------------------------------


def test_choices_default_lists_all_divisions_in_order():
    divisions = industry.choices()
    assert len(divisions) == 97
    assert divisions[0] == ("01", "A01 农业")
    assert divisions[-1] == ("97", "T97 国际组织")
    assert [code for code, _ in divisions] == sorted(code for code, _ in divisions)


def test_choices_sections():
    sections = industry.choices("section")
    assert [code for code, _ in sections] == list("ABCDEFGHIJKLMNOPQRST")
    assert ("C", "C 制造业") in sections


def test_choices_filtered_by_parent():
    assert industry.choices("class", parent="C27") == [
        ("2710", "C2710 化学药品原料药制造"),
        ("2720", "C2720 化学药品制剂制造"),
        ("2730", "C2730 中药饮片加工"),
        ("2740", "C2740 中成药生产"),
        ("2750", "C2750 兽用药品制造"),
        ("2761", "C2761 生物药品制造"),
        ("2762", "C2762 基因工程药物和疫苗制造"),
        ("2770", "C2770 卫生材料及医药用品制造"),
        ("2780", "C2780 药用辅料及包装材料"),
    ]
    assert [code for code, _ in industry.choices("division", parent="Q")] == ["84", "85"]
    assert [code for code, _ in industry.choices("group", parent="84")] == ["841", "842", "843", "849"]


def test_choices_rejects_unknown_level():
    with pytest.raises(ValueError, match="level"):
        industry.choices("subclass")  # type: ignore[arg-type]


# --- table invariants ------------------------------------------------------------------------------


def test_table_has_exactly_20_sections_and_97_divisions():
    rows = _rows()
    assert sum(row["level"] == "section" for row in rows) == 20
    assert sum(row["level"] == "division" for row in rows) == 97
    assert {row["code"] for row in rows if row["level"] == "division"} == {f"{n:02d}" for n in range(1, 98)}


def test_codes_are_unique():
    codes = [row["code"] for row in _rows()]
    assert len(codes) == len(set(codes))


def test_every_non_section_parent_exists_one_level_up():
    rows = {row["code"]: row for row in _rows()}
    levels = ["section", "division", "group", "class"]
    for row in rows.values():
        if row["level"] == "section":
            assert row["parent"] == ""
            assert row["section"] == row["code"]
            continue
        parent = rows[row["parent"]]
        assert levels.index(parent["level"]) == levels.index(row["level"]) - 1, row
        assert parent["section"] == row["section"], row


def test_codes_start_with_their_parent_code():
    for row in _rows():
        if row["level"] in {"group", "class"}:
            assert row["code"].startswith(row["parent"]), row
            assert len(row["code"]) == len(row["parent"]) + 1, row


def test_code_lengths_match_levels():
    lengths = {"section": 1, "division": 2, "group": 3, "class": 4}
    for row in _rows():
        assert len(row["code"]) == lengths[row["level"]], row
        assert row["code"].isdigit() != (row["level"] == "section"), row


def test_each_division_belongs_to_the_section_whose_range_contains_it():
    for row in _rows():
        if row["level"] == "division":
            low, high = SECTION_RANGES[row["section"]]
            assert low <= int(row["code"]) <= high, row


def test_group_and_class_numbers_start_at_one():
    # 中类/小类 本体码 are 1–9; a trailing 0 only marks the single class of an undivided group.
    # Divisions 12, 91 and 97 have a single group numbered 0 with a single class ending in 00.
    rows = {row["code"]: row for row in _rows()}
    for row in rows.values():
        if row["level"] == "group" and row["code"][2] == "0":
            assert row["code"] in {"120", "910", "970"}, row
        if row["level"] == "class" and row["code"][3] == "0":
            siblings = [code for code, other in rows.items() if other["parent"] == row["parent"]]
            assert siblings == [row["code"]], row
            assert rows[row["parent"]]["name"] == row["name"], row


def test_every_division_has_groups_and_every_group_has_classes():
    rows = _rows()
    groups = {row["code"] for row in rows if row["level"] == "group"}
    parents_of_classes = {row["parent"] for row in rows if row["level"] == "class"}
    for division in (f"{n:02d}" for n in range(1, 98)):
        assert any(group.startswith(division) for group in groups), division
    assert groups == parents_of_classes


def test_c27_is_the_2017_edition():
    """RULES §3.2: detect the 2011 edition by the absence of 2780 and 3587."""
    codes = {row["code"] for row in _rows()}
    assert {"2761", "2762", "2780", "3587"} <= codes
    assert "2760" not in codes


@pytest.mark.parametrize(
    "code",
    ["1491", "1492", "2915", "3544", "5151", "5154", "5251", "5255", "5960", "7115", "7244", "7452", "7512", "8053"],
)
def test_park_relevant_classes_are_shipped(code):
    assert industry.lookup(code).level == "class"


# --- properties ----------------------------------------------------------------------------------


@given(st.text(max_size=8))
def test_normalize_code_is_idempotent_or_rejects(raw):
    try:
        code = industry.normalize_code(raw)
    except ValidationError:
        return
    assert industry.normalize_code(code) == code


@given(st.sampled_from(sorted(industry._table())))
def test_every_listed_code_round_trips_through_its_display_code(code):
    entry = industry.lookup(code)
    assert industry.lookup(entry.display_code) == entry
    assert industry.section_of(code) == entry.section
