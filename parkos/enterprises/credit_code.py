"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015) and the legacy 工商注册号.

An 18-character code identifies every legal entity in mainland China (RULES §1.1):

    pos 1     登记管理部门代码   registration authority (9 = 市场监管, 5 = 民政, …)
    pos 2     机构类别代码       entity type within that authority (91 = enterprise, 92 = 个体户)
    pos 3–8   行政区划码         GB/T 2260 division of the registering office (digits only)
    pos 9–17  主体标识码         the GB 11714 organisation code: 8 body chars + its own check char
    pos 18    校验码             check character over positions 1–17 (mod 31)

Deliberate differences from python-stdnum's ``stdnum.cn.uscc`` (RULES §1.4, §1.8):

* positions 1–2 may be letters (``A…`` 军队, ``N…`` 农业, ``Y…`` 其他); stdnum requires digits;
* input is NFKC-normalised first, so full-width digits typed with a Chinese IME are accepted.

stdnum's check-character routine is still used (it is alphabet-agnostic), after our own charset
checks. The embedded GB 11714 check (§1.3) only produces a *warning*: some pilot-era codes are
irregular but real. Likewise the early Fujian pilot codes of §1.5 fail the checksum yet exist, so
``validate`` offers an explicit operator override (``accept_checksum_mismatch``) instead of
silently whitelisting them.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "ALPHABET",
    "AUTHORITIES",
    "CODE_LENGTH",
    "KNOWN_IRREGULAR_CODES",
    "WEIGHTS",
    "CreditCodeInfo",
    "check_character",
    "describe",
    "generate",
    "is_known_irregular",
    "legacy_registration_number_valid",
    "normalize",
    "org_code_check_character",
    "org_code_warning",
    "validate",
]

CODE_LENGTH: Final = 18

#: The 31 characters of GB 32100; a character's value is its index. I, O, S, V, Z are excluded
#: because they are easily confused with 1, 0, 5, U, 2.
ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES: Final[dict[str, int]] = {char: value for value, char in enumerate(ALPHABET)}

#: W[i] = 3^i mod 31 (RULES §1.2). All 17 weights are distinct and coprime to 31, so any single
#: substitution and any adjacent transposition changes the sum mod 31.
WEIGHTS: Final[tuple[int, ...]] = tuple(pow(3, i, 31) for i in range(17))

#: GB 11714 organisation code: body values over 0-9A-Z (A=10 … Z=35) and these weights (§1.3).
_ORG_ALPHABET: Final = string.digits + string.ascii_uppercase
_ORG_WEIGHTS: Final[tuple[int, ...]] = (3, 7, 9, 10, 5, 8, 4, 2)

#: Real codes that fail the GB 32100 checksum (early Fujian pilot, RULES §1.5). Knowing them lets
#: the error message tell the operator why, but they still need an explicit override.
KNOWN_IRREGULAR_CODES: Final[frozenset[str]] = frozenset(
    {"91350100M0001TGQXM", "91350211M0000XUF46", "91350203M0001FUE2P"}
)

#: Registration authorities (char 1) and their entity types (char 2), RULES §1.4.
AUTHORITIES: Final[dict[str, tuple[StrPromise, dict[str, StrPromise]]]] = {
    "1": (
        _("机构编制"),
        {"1": _("机关"), "2": _("事业单位"), "3": _("编办直接管理机构编制的群众团体"), "9": _("其他")},
    ),
    "2": (_("外交"), {"1": _("外国常驻新闻机构"), "9": _("其他")}),
    "3": (
        _("司法行政"),
        {
            "1": _("律师执业机构"),
            "2": _("公证处"),
            "3": _("基层法律服务所"),
            "4": _("司法鉴定机构"),
            "5": _("仲裁委员会"),
            "9": _("其他"),
        },
    ),
    "4": (_("文化"), {"1": _("外国在华文化中心"), "9": _("其他")}),
    "5": (_("民政"), {"1": _("社会团体"), "2": _("民办非企业单位"), "3": _("基金会"), "9": _("其他")}),
    "6": (
        _("旅游"),
        {
            "1": _("外国旅游部门常驻代表机构"),
            "2": _("港澳台地区旅游部门常驻内地（大陆）代表机构"),
            "9": _("其他"),
        },
    ),
    "7": (_("宗教"), {"1": _("宗教活动场所"), "2": _("宗教院校"), "9": _("其他")}),
    "8": (_("工会"), {"1": _("基层工会"), "9": _("其他")}),
    "9": (_("市场监管（原工商）"), {"1": _("企业"), "2": _("个体工商户"), "3": _("农民专业合作社")}),
    "A": (_("中央军委改革和编制办公室"), {"1": _("军队事业单位"), "9": _("其他")}),
    "N": (
        _("农业"),
        {
            "1": _("组级集体经济组织"),
            "2": _("村级集体经济组织"),
            "3": _("乡镇级集体经济组织"),
            "9": _("其他"),
        },
    ),
    "Y": (_("其他"), {}),
}

# Hyphen look-alikes that survive NFKC (U+2010–U+2015 dashes, U+2212 minus) are separators too:
# they arrive when codes are pasted from Word documents or PDFs.
_SEPARATORS: Final = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_ASCII_UPPER: Final = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_DIVISION_PATTERN: Final = re.compile(r"[0-9]{6}")
_LEGACY_PATTERN: Final = re.compile(r"[0-9]{15}")


@dataclass(frozen=True)
class CreditCodeInfo:
    """What the first eight characters of a credit code say about its holder (RULES §1.4)."""

    authority_code: str
    authority: StrPromise | None
    entity_type_code: str
    entity_type: StrPromise | None
    division: str

    @property
    def is_enterprise(self) -> bool:
        """True for 91… (company) codes, the normal case for park tenants."""
        return self.authority_code == "9" and self.entity_type_code == "1"


def normalize(raw: str) -> str:
    """Return ``raw`` in canonical form: NFKC, no spaces or dashes, ASCII letters upper-cased.

    NFKC folds full-width input (``９１…Ｌ``) to ASCII. Only ASCII letters are upper-cased: no other
    letter can be valid, and leaving them alone keeps the function idempotent. The final NFKC pass
    re-composes anything that removing separators placed next to each other.
    """
    folded = unicodedata.normalize("NFKC", raw)
    kept = "".join(char for char in folded if not char.isspace() and char not in _SEPARATORS)
    return unicodedata.normalize("NFKC", kept.translate(_ASCII_UPPER))


def check_character(first17: str) -> str:
    """Return the GB 32100 check character (position 18) for the first 17 characters.

    ``first17`` must already be normalised; a wrong length or a character outside
    :data:`ALPHABET` raises ``ValueError`` (a programming error, not user input).
    """
    if len(first17) != CODE_LENGTH - 1 or any(char not in _VALUES for char in first17):
        raise ValueError(f"expected 17 characters of {ALPHABET!r}, got {first17!r}")
    # stdnum's routine is alphabet-agnostic, unlike its validate(): see the module docstring.
    check: str = stdnum_uscc.calc_check_digit(first17)
    return check


def org_code_check_character(body: str) -> str:
    """Return the GB 11714 check character for an 8-character organisation-code body (§1.3)."""
    if len(body) != 8 or any(char not in _ORG_ALPHABET for char in body):
        raise ValueError(f"expected 8 characters of 0-9A-Z, got {body!r}")
    total = sum(_ORG_ALPHABET.index(char) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def _structural_errors(code: str) -> ValidationError | None:
    """The first length/charset/division problem of a normalised code, or None."""
    if len(code) != CODE_LENGTH:
        return ValidationError(
            _("统一社会信用代码应为18位，当前为%(length)d位"),
            code="length",
            params={"length": len(code)},
        )
    invalid = "".join(dict.fromkeys(char for char in code if char not in _VALUES))
    if invalid:
        return ValidationError(
            _("统一社会信用代码含有无效字符“%(chars)s”（只能使用数字和除 I、O、S、V、Z 以外的大写字母）"),
            code="charset",
            params={"chars": invalid},
        )
    if not _DIVISION_PATTERN.fullmatch(code[2:8]):
        return ValidationError(
            _("统一社会信用代码第3–8位应为行政区划代码（6位数字）"),
            code="division",
        )
    return None


def validate(raw: str, *, accept_checksum_mismatch: bool = False) -> str:
    """Return the normalised code, or raise ``ValidationError``.

    Error codes: ``length`` (not 18 characters), ``charset`` (a character outside the GB 32100
    alphabet), ``division`` (positions 3–8 not six digits), ``checksum`` (position 18 wrong).

    ``accept_checksum_mismatch=True`` is the operator override of RULES §1.5: the code is accepted
    despite a wrong check character, after a person has confirmed it against 国家企业信用信息公示系统.
    Structural errors are never overridable.
    """
    code = normalize(raw)
    error = _structural_errors(code)
    if error is not None:
        raise error
    if code[-1] != check_character(code[:-1]) and not accept_checksum_mismatch:
        if code in KNOWN_IRREGULAR_CODES:
            raise ValidationError(
                _("该代码是已知的早期试点代码，校验位不符合国家标准；请在国家企业信用信息公示系统核实后确认保存"),
                code="checksum",
            )
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请检查是否输错；如确认无误，请在国家企业信用信息公示系统核实后确认保存"),
            code="checksum",
        )
    return code


def org_code_warning(code: str) -> StrPromise | None:
    """Return a warning if the embedded organisation code (positions 9–17) fails GB 11714.

    A warning, not an error (RULES §1.3): some pilot-era codes are irregular but real. ``code``
    is normalised first; structurally invalid codes raise ``ValidationError`` as in
    :func:`validate`.
    """
    normalised = normalize(code)
    error = _structural_errors(normalised)
    if error is not None:
        raise error
    if org_code_check_character(normalised[8:16]) != normalised[16]:
        return _("第9–17位的组织机构代码校验位不符合 GB 11714，请与营业执照核对")
    return None


def describe(code: str) -> CreditCodeInfo:
    """Describe the registration authority, entity type and division encoded in ``code``.

    Names are ``None`` for characters not listed in RULES §1.4 (the code may still be valid).
    """
    normalised = normalize(code)
    error = _structural_errors(normalised)
    if error is not None:
        raise error
    authority_code, entity_type_code = normalised[0], normalised[1]
    authority, entity_types = AUTHORITIES.get(authority_code, (None, {}))
    return CreditCodeInfo(
        authority_code=authority_code,
        authority=authority,
        entity_type_code=entity_type_code,
        entity_type=entity_types.get(entity_type_code),
        division=normalised[2:8],
    )


def is_known_irregular(code: str) -> bool:
    """True for the real codes of RULES §1.5 that fail the GB 32100 checksum."""
    return normalize(code) in KNOWN_IRREGULAR_CODES


def legacy_registration_number_valid(raw: str) -> bool:
    """Check a 15-digit 工商注册号 (pre-2015 licences, RULES §1.6) with ISO 7064 MOD 11,10."""
    number = normalize(raw)
    if not _LEGACY_PATTERN.fullmatch(number):
        return False
    # ISO 7064 MOD 11,10: carry p through the 14 body digits, then the check digit must close it.
    product = 10
    for digit in number[:14]:
        total = (product + int(digit)) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10 == int(number[14])


def generate(division: str, rng: random.Random, *, authority: str = "9", entity_type: str = "1") -> str:
    """Generate a valid code for demo data: GB 32100 checksum and GB 11714 organisation check pass.

    The organisation body imitates real ones: half are post-2015 ``MA…`` bodies, half all-digit.
    ``rng`` makes the output reproducible (demo data uses a fixed seed).
    """
    if not _DIVISION_PATTERN.fullmatch(division):
        raise ValueError(f"division must be six digits (GB/T 2260), got {division!r}")
    for name, value in (("authority", authority), ("entity_type", entity_type)):
        if len(value) != 1 or value not in _VALUES:
            raise ValueError(f"{name} must be one character of {ALPHABET!r}, got {value!r}")
    if rng.random() < 0.5:
        body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice(string.digits) for _ in range(8))
    first17 = authority + entity_type + division + body + org_code_check_character(body)
    return first17 + check_character(first17)
