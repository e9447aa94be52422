"""GB/T 4754-2017 国民经济行业分类: code normalisation, lookup and pick lists.

The classification has four levels (RULES §3.1): 门类 section (a letter A–T), 大类 division (2
digits), 中类 group (3 digits) and 小类 class (4 digits). Every level's code starts with its
parent's, and the section letter is implied by the division, so ``C2710`` and ``2710`` are the
same code. Canonical codes here are the bare letter for sections and the bare digits otherwise.

The shipped table ``data/gbt4754_2017.csv`` is our own transcription (RULES §3.3). It holds all 20
sections and 97 divisions, and the groups and classes ParkOS needs (big health, the park operator,
incubators); divisions in :data:`FULLY_LISTED_DIVISIONS` are complete down to the class. A
well-formed code in another division is *valid* but not *listed*: :func:`validate` accepts it,
:func:`lookup` cannot name it.

Padded forms. Some systems pad every code to four digits. A group without subdivisions has a
single class ending in 0 (271 → 2710), so ``2710`` is a real class; but group 276 is subdivided
(2761, 2762) and ``2760`` can only mean "276". Decision: a four-digit code ``XYZ0`` is the class
if the table lists it, otherwise the group ``XYZ`` if the table lists that group with children;
``XY00`` is always the division ``XY`` (no group number ends in 0, so no class ends in 00).
"""

from __future__ import annotations

import csv
import functools
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "EDITION",
    "FULLY_LISTED_DIVISIONS",
    "IndustryCode",
    "Level",
    "ancestors",
    "choices",
    "lookup",
    "normalize_code",
    "section_of",
    "validate",
]

Level = Literal["section", "division", "group", "class"]

EDITION: Final = "GB/T 4754-2017"
LEVELS: Final[tuple[Level, ...]] = ("section", "division", "group", "class")
_LEVEL_BY_LENGTH: Final[dict[int, Level]] = {2: "division", 3: "group", 4: "class"}

#: Divisions whose groups and classes the CSV lists completely; inside them an unlisted code is
#: an error rather than merely unknown to us.
FULLY_LISTED_DIVISIONS: Final[frozenset[str]] = frozenset({"27", "70", "73", "75", "84", "85"})

_DATA_FILE: Final = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"
_ASCII_UPPER: Final = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
_CODE_PATTERN: Final = re.compile(r"(?P<letter>[A-Z]?)(?P<digits>[0-9]*)")
_IGNORED: Final = frozenset(" \t\n\r\u3000-._")


@dataclass(frozen=True)
class IndustryCode:
    """One row of the classification table."""

    code: str
    level: Level
    parent: str
    section: str
    name: str

    @property
    def display_code(self) -> str:
        """The code as people write it, with its section letter: ``C2710``, ``C27``, ``C``."""
        return self.code if self.level == "section" else self.section + self.code

    @property
    def label(self) -> str:
        """Code and name for pick lists and tables: ``C2710 化学药品原料药制造``."""
        return f"{self.display_code} {self.name}"

    def __str__(self) -> str:
        return self.label


@functools.cache
def _table() -> dict[str, IndustryCode]:
    """Load the shipped table once per process, keyed by canonical code."""
    rows: dict[str, IndustryCode] = {}
    with _DATA_FILE.open(encoding="utf-8", newline="") as data:
        raw_rows = list(csv.DictReader(data))
    for row in raw_rows:
        level = row["level"]
        if level not in LEVELS:
            raise ValueError(f"{_DATA_FILE.name}: unknown level {level!r} for {row['code']!r}")
        rows[row["code"]] = IndustryCode(
            code=row["code"],
            level=cast(Level, level),
            parent=row["parent"],
            section=row["section"],
            name=row["name"],
        )
    return rows


@functools.cache
def _groups_with_children() -> frozenset[str]:
    return frozenset(entry.parent for entry in _table().values() if entry.level == "class")


def _format_error(raw: str) -> ValidationError:
    return ValidationError(
        _("行业代码“%(code)s”格式不正确，应为门类字母或2–4位数字，例如 C2710、2710、358"),
        code="format",
        params={"code": raw},
    )


def _division_section(division: str, raw: str) -> str:
    entry = _table().get(division)
    if entry is None or entry.level != "division":
        raise ValidationError(
            _("行业代码“%(code)s”无效：不存在大类 %(division)s"),
            code="division",
            params={"code": raw, "division": division},
        )
    return entry.section


def normalize_code(raw: str) -> str:
    """Return the canonical code (``C``, ``27``, ``276``, ``2761``) for a typed or imported code.

    Accepts an optional section letter (checked against the division: ``F2710`` is refused with
    code ``section_mismatch``), full-width characters, spaces, dots and dashes, and the padded
    four-digit forms described in the module docstring. Raises ``ValidationError`` with code
    ``format`` or ``division`` (no such 大类, e.g. ``9810``).
    """
    cleaned = "".join(
        char for char in unicodedata.normalize("NFKC", raw) if char not in _IGNORED and not char.isspace()
    ).translate(_ASCII_UPPER)
    match = _CODE_PATTERN.fullmatch(cleaned)
    if match is None or not cleaned:
        raise _format_error(raw)
    letter, digits = match["letter"], match["digits"]
    if not digits:
        section = _table().get(letter)
        if section is None or section.level != "section":
            raise _format_error(raw)
        return letter
    if len(digits) not in _LEVEL_BY_LENGTH:
        raise _format_error(raw)
    section_letter = _division_section(digits[:2], raw)
    if letter and letter != section_letter:
        raise ValidationError(
            _("行业代码“%(code)s”的门类字母与大类不符：大类 %(division)s 属于门类 %(section)s"),
            code="section_mismatch",
            params={"code": raw, "division": digits[:2], "section": section_letter},
        )
    return _unpad(digits)


def _unpad(digits: str) -> str:
    if len(digits) != 4 or digits[3] != "0":
        return digits
    if digits[2] == "0":
        return digits[:2]
    if digits not in _table() and digits[:3] in _groups_with_children():
        return digits[:3]
    return digits


def validate(raw: str) -> str:
    """Return the canonical code, or raise ``ValidationError``.

    Beyond :func:`normalize_code`: a group or class inside a fully listed division must exist
    (code ``unknown``), and a group code must not end in 0 (group numbers start at 1). Codes in
    other divisions are accepted on their structure, because the shipped table is partial.
    """
    code = normalize_code(raw)
    if len(code) < 3 or code in _table():
        return code
    if code[2] == "0" or code[:2] in FULLY_LISTED_DIVISIONS:
        raise ValidationError(
            _("行业代码“%(code)s”在国民经济行业分类（GB/T 4754-2017）中不存在"),
            code="unknown",
            params={"code": raw},
        )
    return code


def lookup(raw: str) -> IndustryCode:
    """Return the table row for ``raw``; raise ``ValidationError`` if invalid or not listed.

    ``not_listed`` means the code is well-formed but outside the groups and classes we ship.
    """
    code = validate(raw)
    entry = _table().get(code)
    if entry is None:
        raise ValidationError(
            _("行业代码“%(code)s”不在系统内置的行业表中，请选择其所属的大类或中类"),
            code="not_listed",
            params={"code": raw},
        )
    return entry


def section_of(raw: str) -> str:
    """Return the section letter (门类) of any valid code, listed or not: ``7221`` → ``L``."""
    code = validate(raw)
    if code.isalpha():
        return code
    return _table()[code[:2]].section


def ancestors(raw: str) -> tuple[IndustryCode, ...]:
    """Return the listed ancestors of a valid code, from the section down to the direct parent.

    For a listed code the chain is complete; for an unlisted one (e.g. ``6511``) it contains the
    levels the table knows, at least the section and the division.
    """
    code = validate(raw)
    if code.isalpha():
        return ()
    table = _table()
    prefixes = [table[code[:2]].section, *(code[:length] for length in range(2, len(code)))]
    return tuple(table[prefix] for prefix in prefixes if prefix in table)


def choices(level: Level = "division", *, parent: str | None = None) -> list[tuple[str, str]]:
    """Return ``(canonical code, label)`` pairs of one level, in code order, for pick lists.

    ``parent`` (any accepted form, e.g. ``"C"`` or ``"C27"``) restricts the list to its
    descendants: ``choices("class", parent="Q")`` lists every shipped 卫生/社会工作 class.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    entries = [entry for entry in _table().values() if entry.level == level]
    if parent is not None:
        ancestor = validate(parent)
        if ancestor.isalpha():
            entries = [entry for entry in entries if entry.section == ancestor]
        else:
            entries = [entry for entry in entries if entry.code.startswith(ancestor) and entry.code != ancestor]
    return [(entry.code, entry.label) for entry in sorted(entries, key=lambda entry: entry.code)]
