"""Contact numbers: the RULES §2.4 vectors, normalisation (§2.3), extensions and masking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from parkos.enterprises.phones import ParsedPhone, mask_mobile, parse_phone

# --- RULES §2.4 test vectors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+86-138-0013-8000",
        "008613800138000",
        "86 13800138000",
        "138-0013-8000",
    ],
)
def test_mobile_vectors(raw):
    parsed = parse_phone(raw)
    assert parsed == ParsedPhone(
        kind="mobile",
        e164="+8613800138000",
        national="13800138000",
        display="138 0013 8000",
    )


def test_broadcast_segment_192_is_a_valid_mobile():
    parsed = parse_phone("19212345678")
    assert parsed.kind == "mobile"
    assert parsed.warnings == ()


def test_segment_unknown_to_libphonenumber_is_accepted_with_warning():
    parsed = parse_phone("14912345678")
    assert parsed.kind == "mobile"
    assert parsed.e164 == "+8614912345678"
    assert [warning.code for warning in parsed.warnings] == ["unknown_mobile_segment"]
    assert "号段" in str(parsed.warnings[0])


@pytest.mark.parametrize(
    ("raw", "message_fragment"),
    [
        ("1380013800", "11位"),  # 10 digits
        ("12800138000", "13–19"),
        ("138001380001", "11位"),  # 12 digits
    ],
)
def test_invalid_mobile_vectors(raw, message_fragment):
    with pytest.raises(ValidationError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == "mobile"
    assert message_fragment in str(excinfo.value.message)


@pytest.mark.parametrize("raw", ["023-67891234", "(023)67891234", "02367891234", "+86 23 6789 1234", "（023）67891234"])
def test_chongqing_landline_vectors(raw):
    parsed = parse_phone(raw)
    assert parsed == ParsedPhone(
        kind="landline",
        e164="+862367891234",
        national="02367891234",
        display="023-6789 1234",
    )


def test_landline_extension_after_zhuan():
    parsed = parse_phone("023-67891234 转801")
    assert (parsed.kind, parsed.e164, parsed.extension) == ("landline", "+862367891234", "801")
    assert parsed.display == "023-6789 1234 转801"
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    "raw",
    ["023-67891234转801", "023-67891234 分机801", "023-67891234 ext. 801", "023-67891234x801", "023-67891234#801"],
)
def test_extension_markers(raw):
    parsed = parse_phone(raw)
    assert (parsed.e164, parsed.extension) == ("+862367891234", "801")


def test_dashed_extension_is_split_with_warning():
    parsed = parse_phone("023-67891234-801")
    assert (parsed.kind, parsed.e164, parsed.extension) == ("landline", "+862367891234", "801")
    assert [warning.code for warning in parsed.warnings] == ["dashed_extension"]


def test_dashed_groups_of_a_complete_number_are_not_an_extension():
    parsed = parse_phone("0571-8765-4321")
    assert (parsed.e164, parsed.extension) == ("+8657187654321", None)


@pytest.mark.parametrize(
    "raw",
    [
        "023-6789123",  # Chongqing locals have 8 digits
        "023-678912345",
        "0571-8765432",  # Hangzhou is 8-digit: right format, but libphonenumber knows better
        "0571-876-5432",
    ],
)
def test_invalid_landline_vectors(raw):
    with pytest.raises(ValidationError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == "landline"


def test_number_without_area_code_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        parse_phone("67891234")
    assert excinfo.value.code == "area_code"
    assert "区号" in str(excinfo.value.message)


@pytest.mark.parametrize(
    ("raw", "e164", "display"),
    [
        ("400-810-8888", "+864008108888", "400-810-8888"),
        ("+86 400 810 8888", "+864008108888", "400-810-8888"),
        ("800 810 8888", "+868008108888", "800-810-8888"),
    ],
)
def test_service_number_vectors(raw, e164, display):
    parsed = parse_phone(raw)
    assert (parsed.kind, parsed.e164, parsed.national, parsed.display) == ("service", e164, e164[3:], display)


def test_service_number_with_wrong_length_is_rejected():
    with pytest.raises(ValidationError) as excinfo:
        parse_phone("400-810-888")
    assert excinfo.value.code == "service"


@pytest.mark.parametrize("raw", ["95588", "12345", "114"])
def test_short_codes_are_not_contact_numbers(raw):
    with pytest.raises(ValidationError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == "short_code"


# --- normalisation (§2.3) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("１３８００１３８０００", "+8613800138000"),  # full-width digits
        ("＋８６ １３８ ００１３ ８０００", "+8613800138000"),
        ("+86 10 1234 5678", "+861012345678"),  # Beijing: significant number starts with 10
        ("010-12345678", "+861012345678"),
        ("+86 (0)23 6789 1234", "+862367891234"),  # redundant trunk 0
        ("0086 23 6789 1234", "+862367891234"),
        ("0755 1234 5678", "+8675512345678"),
    ],
)
def test_normalisation(raw, e164):
    assert parse_phone(raw).e164 == e164


def test_bare_86_prefix_only_in_front_of_a_mobile():
    # "86" + 11 digits starting with 1 is a mobile with country code; anything else is a number.
    assert parse_phone("8613800138000").e164 == "+8613800138000"
    with pytest.raises(ValidationError):
        parse_phone("862367891234")


@pytest.mark.parametrize("raw", ["+852 2345 6789", "+1 212 555 0100", "00852 23456789"])
def test_foreign_numbers_are_rejected(raw):
    with pytest.raises(ValidationError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == "foreign"


@pytest.mark.parametrize(
    ("raw", "code"), [("", "empty"), ("   ", "empty"), ("138 0013 800O", "charset"), ("tel", "charset")]
)
def test_garbage_is_rejected(raw, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_phone(raw)
    assert excinfo.value.code == code


# --- masking -------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["+8613800138000", "13800138000", "138 0013 8000"])
def test_mask_mobile(raw):
    assert mask_mobile(raw) == "138****8000"


def test_mask_mobile_refuses_landlines():
    with pytest.raises(ValidationError) as excinfo:
        mask_mobile("+862367891234")
    assert excinfo.value.code == "not_mobile"


# --- properties ----------------------------------------------------------------------------------

mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@given(mobiles)
def test_any_loose_mobile_parses_and_round_trips_through_e164(number):
    parsed = parse_phone(number)
    assert parsed.kind == "mobile"
    assert parse_phone(parsed.e164) == parsed
    assert parse_phone(parsed.display) == parsed


@given(st.text(max_size=30))
def test_parse_phone_only_raises_validation_error(raw):
    try:
        parsed = parse_phone(raw)
    except ValidationError:
        return
    assert parsed.e164.startswith("+86")
    assert parse_phone(parsed.e164).e164 == parsed.e164
