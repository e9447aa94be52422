"""统一社会信用代码: the RULES §1.8 vectors, the §1.3–§1.6 helpers, and checksum properties."""

from __future__ import annotations

import random
import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from parkos.enterprises import credit_code
from parkos.enterprises.credit_code import ALPHABET

# --- RULES §1.8 test vectors -------------------------------------------------------------------

VALID_VECTORS = [
    ("91110000600037341L", "91110000600037341L"),  # stdnum doc example
    ("91110108551385082Q", "91110108551385082Q"),  # 小米科技
    ("121200004013590816", "121200004013590816"),  # 事业单位 (1/2)
    ("91310115MA1K3BTP2B", "91310115MA1K3BTP2B"),  # new-style MA… body
    ("9144030071526726XG", "9144030071526726XG"),  # X in the organisation-code check position
    ("92340602MA2PBMEM24", "92340602MA2PBMEM24"),  # 个体工商户
    ("91620105L015101280", "91620105L015101280"),
    ("91 110000 600037341L", "91110000600037341L"),  # spaces
    ("91110000600037341l", "91110000600037341L"),  # lower case
    ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L"),  # full width (stdnum rejects)
    ("N2500000MF1234567R", "N2500000MF1234567R"),  # N authority, synthetic
]

INVALID_VECTORS = [
    ("91110000600037341N", "checksum"),
    ("9111000060003IOZSV", "charset"),  # I, O, Z, S, V
    ("91110000600O37341L", "charset"),  # letter O
    ("9111000060003734IL", "charset"),  # letter I
    ("A1110000600037341L", "checksum"),
    ("91110000600037341", "length"),  # 17
    ("911100006000373411L", "length"),  # 19
    ("91350100M0001TGQXM", "checksum"),  # §1.5: real, needs the operator override
]


@pytest.mark.parametrize(("raw", "expected"), VALID_VECTORS)
def test_validate_accepts_rules_vector(raw, expected):
    assert credit_code.validate(raw) == expected


@pytest.mark.parametrize(("raw", "error_code"), INVALID_VECTORS)
def test_validate_rejects_rules_vector(raw, error_code):
    with pytest.raises(ValidationError) as excinfo:
        credit_code.validate(raw)
    assert excinfo.value.code == error_code


@pytest.mark.parametrize(
    "raw",
    [
        "91110000600037341L",
        "91110108551385082Q",
        "121200004013590816",
        "91310115MA1K3BTP2B",
        "9144030071526726XG",
        "92340602MA2PBMEM24",
        "91620105L015101280",
        "91 110000 600037341L",
        "91110000600037341l",
    ],
)
def test_all_digit_prefix_vectors_agree_with_stdnum(raw):
    assert stdnum_uscc.is_valid(raw)
    assert credit_code.validate(raw) == stdnum_uscc.compact(raw)


def test_stdnum_rejects_letter_authority_that_we_accept():
    """RULES §1.4: do not copy stdnum's digits-only rule for positions 1–8."""
    assert not stdnum_uscc.is_valid("N2500000MF1234567R")
    assert credit_code.validate("N2500000MF1234567R") == "N2500000MF1234567R"


# --- normalisation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91-110000-600037341L", "91110000600037341L"),
        (" 91110000600037341L\n", "91110000600037341L"),
        ("91110000\u3000600037341L", "91110000600037341L"),  # ideographic space
        ("91110000－600037341L", "91110000600037341L"),  # full-width hyphen
        ("91110000–600037341L", "91110000600037341L"),  # en dash pasted from a document
        ("ｍａ", "MA"),
    ],
)
def test_normalize(raw, expected):
    assert credit_code.normalize(raw) == expected


def test_division_must_be_digits():
    code = "91A10000600037341"
    with pytest.raises(ValidationError) as excinfo:
        credit_code.validate(code + credit_code.check_character(code))
    assert excinfo.value.code == "division"


def test_charset_error_names_the_offending_characters():
    with pytest.raises(ValidationError) as excinfo:
        credit_code.validate("9111000060003IOZSV")
    assert excinfo.value.params == {"chars": "IOZSV"}


def test_length_error_reports_length():
    with pytest.raises(ValidationError) as excinfo:
        credit_code.validate("91110000600037341")
    assert excinfo.value.params == {"length": 17}


# --- check character -----------------------------------------------------------------------------


def test_weights_are_powers_of_three_mod_31():
    assert credit_code.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _reference_check_character(first17: str) -> str:
    """Independent implementation of RULES §1.2, to cross-check the stdnum-backed one."""
    total = sum(ALPHABET.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_check_character_matches_reference_for_any_prefix(first17):
    assert credit_code.check_character(first17) == _reference_check_character(first17)


@pytest.mark.parametrize("first17", ["9111000060003734", "911100006000373411", "9111000060003734I"])
def test_check_character_rejects_malformed_input(first17):
    with pytest.raises(ValueError, match="17 characters"):
        credit_code.check_character(first17)


# --- §1.3 organisation-code warning --------------------------------------------------------------


@pytest.mark.parametrize("code", [raw for raw, _ in VALID_VECTORS[:7]])
def test_real_codes_pass_the_organisation_check(code):
    assert credit_code.org_code_warning(code) is None


def test_organisation_check_maps_ten_to_x():
    assert credit_code.org_code_check_character("71526726") == "X"


def test_organisation_check_maps_eleven_to_zero():
    body = next(
        "".join(digits)
        for digits in (f"{n:08d}" for n in range(10_000))
        if 11 - sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11 == 11
    )
    assert credit_code.org_code_check_character(body) == "0"


def test_organisation_mismatch_is_a_warning_not_an_error():
    # Position 17 changed from "1" to "2", position 18 recomputed: GB 32100 valid, GB 11714 not.
    first17 = "9111000060003734" + "2"
    code = first17 + credit_code.check_character(first17)
    assert credit_code.validate(code) == code
    warning = credit_code.org_code_warning(code)
    assert warning is not None
    assert "GB 11714" in str(warning)


def test_organisation_warning_rejects_structurally_invalid_code():
    with pytest.raises(ValidationError) as excinfo:
        credit_code.org_code_warning("9111000060003734")
    assert excinfo.value.code == "length"


# --- §1.4 describe -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "authority", "entity_type", "is_enterprise"),
    [
        ("91110108551385082Q", "市场监管（原工商）", "企业", True),
        ("92340602MA2PBMEM24", "市场监管（原工商）", "个体工商户", False),
        ("121200004013590816", "机构编制", "事业单位", False),
        ("N2500000MF1234567R", "农业", "村级集体经济组织", False),
    ],
)
def test_describe(code, authority, entity_type, is_enterprise):
    info = credit_code.describe(code)
    assert str(info.authority) == authority
    assert str(info.entity_type) == entity_type
    assert info.is_enterprise is is_enterprise
    assert info.division == credit_code.normalize(code)[2:8]


def test_describe_unknown_authority_has_no_names():
    first17 = "B1110000600037341"
    info = credit_code.describe(first17 + credit_code.check_character(first17))
    assert info.authority is None
    assert info.entity_type is None
    assert info.authority_code == "B"


def test_describe_unknown_entity_type_keeps_authority():
    first17 = "95110000600037341"
    info = credit_code.describe(first17 + credit_code.check_character(first17))
    assert str(info.authority) == "市场监管（原工商）"
    assert info.entity_type is None


# --- §1.5 known irregular codes and the operator override --------------------------------------


@pytest.mark.parametrize("code", ["91350100M0001TGQXM", "91350211M0000XUF46", "91350203M0001FUE2P"])
def test_known_irregular_codes_fail_checksum_and_are_recognised(code):
    assert credit_code.is_known_irregular(code)
    with pytest.raises(ValidationError) as excinfo:
        credit_code.validate(code)
    assert excinfo.value.code == "checksum"
    assert "试点" in str(excinfo.value.message)


def test_is_known_irregular_normalises_input():
    assert credit_code.is_known_irregular("91350100m0001tgqxm")
    assert not credit_code.is_known_irregular("91110000600037341L")


def test_operator_override_accepts_checksum_mismatch():
    assert credit_code.validate("91350100M0001TGQXM", accept_checksum_mismatch=True) == "91350100M0001TGQXM"


@pytest.mark.parametrize(("raw", "error_code"), [("91350100M0001TGQX", "length"), ("91350100M0001TGQXO", "charset")])
def test_operator_override_does_not_excuse_structural_errors(raw, error_code):
    with pytest.raises(ValidationError) as excinfo:
        credit_code.validate(raw, accept_checksum_mismatch=True)
    assert excinfo.value.code == error_code


# --- §1.6 legacy 15-digit registration numbers -------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("140000100028286", True),
        ("110108012660422", True),
        ("110108 012660422", True),
        ("140000100028285", False),  # check digit changed
        ("14000010002828", False),  # 14 digits
        ("14000010002828X", False),
        ("91110000600037341L", False),
    ],
)
def test_legacy_registration_number(raw, expected):
    assert credit_code.legacy_registration_number_valid(raw) is expected


# --- generate ----------------------------------------------------------------------------------


def test_generate_is_reproducible_with_a_seed():
    first = [credit_code.generate("500112", random.Random(7)) for _ in range(3)]
    second = [credit_code.generate("500112", random.Random(7)) for _ in range(3)]
    assert first == second


def test_generate_defaults_to_an_enterprise_in_the_division():
    code = credit_code.generate("500112", random.Random(1))
    assert code.startswith("91500112")
    assert credit_code.describe(code).is_enterprise


@pytest.mark.parametrize(
    "kwargs",
    [{"division": "50011"}, {"division": "50011A"}, {"authority": "I"}, {"entity_type": "12"}],
)
def test_generate_rejects_bad_arguments(kwargs):
    arguments = {"division": "500112", **kwargs}
    with pytest.raises(ValueError, match="must be"):
        credit_code.generate(arguments.pop("division"), random.Random(0), **arguments)


# --- properties ----------------------------------------------------------------------------------

divisions = st.text(alphabet=string.digits, min_size=6, max_size=6)
code_chars = st.sampled_from(ALPHABET)


@given(division=divisions, authority=code_chars, entity_type=code_chars, seed=st.integers())
def test_generated_codes_always_validate(division, authority, entity_type, seed):
    code = credit_code.generate(division, random.Random(seed), authority=authority, entity_type=entity_type)
    assert credit_code.validate(code) == code
    assert credit_code.org_code_warning(code) is None


@given(
    division=divisions,
    seed=st.integers(),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.characters(codec="utf-8"),
)
def test_any_single_character_substitution_is_detected(division, seed, position, replacement):
    code = credit_code.generate(division, random.Random(seed))
    mutated = code[:position] + replacement + code[position + 1 :]
    if credit_code.normalize(mutated) == code:
        return  # e.g. "1" replaced by full-width "１", or a lower-case letter: same code.
    with pytest.raises(ValidationError):
        credit_code.validate(mutated)


@given(seed=st.integers(), position=st.integers(min_value=0, max_value=16))
def test_any_adjacent_transposition_is_detected(seed, position):
    code = credit_code.generate("110000", random.Random(seed))
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    if swapped == code:
        return
    with pytest.raises(ValidationError):
        credit_code.validate(swapped)


@given(st.text())
def test_normalize_is_idempotent(raw):
    once = credit_code.normalize(raw)
    assert credit_code.normalize(once) == once
