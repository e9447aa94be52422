"""Mainland-China contact numbers: mobiles, landlines and 400/800 service numbers (RULES §2).

Parsing happens in four steps:

1. NFKC-fold the input (full-width digits, ``＋``, ``（）`` from Chinese IMEs);
2. split off an extension marked ``转``, ``分机``, ``ext``, ``x`` or ``#`` (libphonenumber does not
   understand them, §2.2);
3. strip separators (spaces, ``-``, brackets) and the country prefix ``+86``/``0086``/``86``
   (§2.3), re-adding the trunk ``0`` for landlines written internationally;
4. classify by the leading digits and validate.

Mobiles are hard-validated with the loose pattern ``1[3-9]\\d{9}`` only; libphonenumber's stricter
segment list merely adds a warning, because MIIT opens new segments faster than libraries follow
(149 numbers exist but libphonenumber 9.0.43 rejects them). Landlines and service numbers are
validated with libphonenumber, which knows each area code's local-number length (Chongqing
``023`` takes 8 digits, so ``023-6789123`` is rejected).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberFormat, PhoneNumberType

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "ParsedPhone",
    "PhoneKind",
    "PhoneWarning",
    "mask_mobile",
    "parse_phone",
]

PhoneKind = Literal["mobile", "landline", "service"]

COUNTRY_CODE: Final = "86"
REGION: Final = "CN"

#: Loose mobile pattern recommended for data entry (RULES §2.1).
MOBILE_PATTERN: Final = re.compile(r"1[3-9]\d{9}")
#: 400 (shared cost) and 800 (toll free) numbers: ten digits, no trunk 0 (RULES §2.2).
SERVICE_PATTERN: Final = re.compile(r"[48]00\d{7}")
#: Longest number we call a short code (95588, 12345, 114): never a valid contact number.
SHORT_CODE_MAX_DIGITS: Final = 6

# An extension written after an explicit marker: "转801", "分机 801", "ext. 801", "x801", "#801".
_EXTENSION_MARKED: Final = re.compile(
    r"^(?P<number>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<extension>\d{1,6})\s*$", re.IGNORECASE
)
# A trailing "-801" after a complete landline; only tried when the whole string is too long.
_EXTENSION_DASHED: Final = re.compile(r"^(?P<number>.*\d)\s*-\s*(?P<extension>\d{1,5})\s*$")
_SEPARATORS: Final = re.compile(r"[\s\-()\u2010-\u2015\u2212]")
_DIGITS_WITH_PLUS: Final = re.compile(r"\+?\d+")
_LANDLINE_TYPES: Final = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_SERVICE_TYPES: Final = frozenset({PhoneNumberType.SHARED_COST, PhoneNumberType.TOLL_FREE})


@dataclass(frozen=True)
class PhoneWarning:
    """Something worth a second look that does not make the number invalid."""

    code: str
    message: StrPromise

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class ParsedPhone:
    """A validated contact number.

    ``e164`` is the storage form (``+8613800138000``, ``+862367891234``); ``national`` is what a
    caller dials inside China (``13800138000``, ``02367891234``); ``display`` is for people
    (``138 0013 8000``, ``023-6789 1234``, ``400-810-8888``, plus ``转801`` when there is an
    extension).
    """

    kind: PhoneKind
    e164: str
    national: str
    display: str
    extension: str | None = None
    warnings: tuple[PhoneWarning, ...] = ()


def parse_phone(raw: str) -> ParsedPhone:
    """Parse and validate a mainland-China contact number; raise ``ValidationError`` if invalid.

    Error codes: ``empty``, ``charset``, ``foreign``, ``short_code``, ``area_code`` (local number
    without area code), ``mobile``, ``landline``, ``service``, ``invalid``.
    """
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise ValidationError(_("请输入电话号码"), code="empty")
    marked = _EXTENSION_MARKED.match(text)
    if marked:
        return _parse_number(marked["number"], extension=marked["extension"])
    try:
        return _parse_number(text, extension=None)
    except ValidationError as error:
        # "023-67891234-801": the digits run together into an over-long landline. Retry without
        # the last dash group, and say so, because "-801" is ambiguous in general.
        dashed = _EXTENSION_DASHED.match(text)
        if error.code != "landline" or not dashed:
            raise
        try:
            parsed = _parse_number(dashed["number"], extension=dashed["extension"])
        except ValidationError:
            raise error from None
        if parsed.kind == "mobile":
            raise error from None
        warning = PhoneWarning("dashed_extension", _("已将号码末尾用“-”隔开的数字识别为分机号，请核对"))
        return ParsedPhone(
            kind=parsed.kind,
            e164=parsed.e164,
            national=parsed.national,
            display=parsed.display,
            extension=parsed.extension,
            warnings=(*parsed.warnings, warning),
        )


def mask_mobile(e164_or_national: str) -> str:
    """Mask the middle four digits of a mobile number: ``+8613800138000`` → ``138****8000``.

    Raises ``ValidationError`` (code ``not_mobile``) for anything that is not a mobile number.
    """
    parsed = parse_phone(e164_or_national)
    if parsed.kind != "mobile":
        raise ValidationError(_("不是手机号码"), code="not_mobile")
    return f"{parsed.national[:3]}****{parsed.national[7:]}"


def _parse_number(text: str, *, extension: str | None) -> ParsedPhone:
    """Steps 3 and 4 of the module docstring, for a number without extension marker."""
    number = _SEPARATORS.sub("", text)
    if not number:
        raise ValidationError(_("请输入电话号码"), code="empty")
    if not _DIGITS_WITH_PLUS.fullmatch(number):
        raise ValidationError(
            _("电话号码只能包含数字，以及 +、空格、“-”和括号"),
            code="charset",
        )
    national = _national_number(number)
    if len(national) <= SHORT_CODE_MAX_DIGITS:
        raise ValidationError(
            _("短号码（如 95xxx、12345）不能作为联系电话，请填写手机或带区号的固定电话"),
            code="short_code",
        )
    if national.startswith("1"):
        return _parse_mobile(national, extension)
    if national.startswith(("400", "800")):
        return _parse_service(national, extension)
    if national.startswith("0"):
        return _parse_landline(national, extension)
    if len(national) in (7, 8):
        raise ValidationError(
            _("固定电话请填写区号，例如 023-67891234"),
            code="area_code",
        )
    raise ValidationError(_("无法识别的电话号码"), code="invalid")


def _national_number(number: str) -> str:
    """Strip ``+86``/``0086``/``86`` and return the number as dialled inside China."""
    if number.startswith("+"):
        if not number.startswith("+" + COUNTRY_CODE):
            raise ValidationError(_("目前只支持中国大陆电话号码（+86）"), code="foreign")
        return _with_trunk_prefix(number[3:])
    if number.startswith("00" + COUNTRY_CODE):
        return _with_trunk_prefix(number[4:])
    # A bare "86" is ambiguous with area codes, so only accept it in front of a full mobile.
    if number.startswith(COUNTRY_CODE) and len(number) == 13 and number[2] == "1":
        return number[2:]
    if number.startswith("00"):
        raise ValidationError(_("目前只支持中国大陆电话号码（+86）"), code="foreign")
    return number


def _with_trunk_prefix(significant: str) -> str:
    """Re-add the trunk ``0`` that the international form drops from landlines (§2.3).

    Mobiles (``1[3-9]…``) and service numbers (``400``/``800``) have no trunk prefix; Beijing
    (``10…``) does. A redundant ``0`` after ``+86`` (``+86 (0)23 …``) is tolerated.
    """
    if significant.startswith("0") or SERVICE_PATTERN.fullmatch(significant):
        return significant
    if significant.startswith("1") and not significant.startswith("10"):
        return significant
    return "0" + significant


def _parse_mobile(national: str, extension: str | None) -> ParsedPhone:
    if len(national) != 11:
        raise ValidationError(_("手机号码应为11位数字"), code="mobile")
    if not MOBILE_PATTERN.fullmatch(national):
        raise ValidationError(_("手机号码应以13–19开头"), code="mobile")
    parsed = phonenumbers.parse(national, REGION)
    warnings: tuple[PhoneWarning, ...] = ()
    if not phonenumbers.is_valid_number(parsed):
        warnings = (
            PhoneWarning(
                "unknown_mobile_segment",
                _("该手机号段不在号码库中（可能是新号段或物联网号段），请与联系人核实"),
            ),
        )
    display = f"{national[:3]} {national[3:7]} {national[7:]}"
    return _result("mobile", national, display, extension, warnings)


def _parse_service(national: str, extension: str | None) -> ParsedPhone:
    if not SERVICE_PATTERN.fullmatch(national):
        raise ValidationError(_("400/800 号码应为10位数字"), code="service")
    parsed = phonenumbers.parse(national, REGION)
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) not in _SERVICE_TYPES:
        raise ValidationError(_("400/800 号码无效"), code="service")
    display = f"{national[:3]}-{national[3:6]}-{national[6:]}"
    return _result("service", national, display, extension, ())


def _parse_landline(national: str, extension: str | None) -> ParsedPhone:
    try:
        parsed = phonenumbers.parse(national, REGION)
    except phonenumbers.NumberParseException:
        parsed = None
    if (
        parsed is None
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in _LANDLINE_TYPES
    ):
        raise ValidationError(
            _("固定电话号码无效：请检查区号和号码位数（如重庆 023 后为8位号码）"),
            code="landline",
        )
    # libphonenumber's national format is "023 6789 1234"; Chinese convention joins the area code
    # with a dash: "023-6789 1234".
    area_code, _space, local = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL).partition(" ")
    return _result("landline", national, f"{area_code}-{local}", extension, ())


def _result(
    kind: PhoneKind,
    national: str,
    display: str,
    extension: str | None,
    warnings: tuple[PhoneWarning, ...],
) -> ParsedPhone:
    significant = national[1:] if kind == "landline" else national
    if extension:
        display = f"{display} 转{extension}"
    return ParsedPhone(
        kind=kind,
        e164=f"+{COUNTRY_CODE}{significant}",
        national=national,
        display=display,
        extension=extension,
        warnings=warnings,
    )
