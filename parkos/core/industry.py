"""GB/T 4754-2017 国民经济行业分类: code normalisation, lookup and pick lists.

The classification has four levels (RULES §3.1): 门类 section (a letter A–T), 大类 division (2
digits), 中类 group (3 digits) and 小类 class (4 digits). Every level's code starts with its
parent's, and the section letter is implied by the division, so ``C2710`` and ``2710`` are the
same code. Canonical codes here are the bare letter for sections and the bare digits otherwise.

The shipped table ``data/gbt4754_2017.csv`` is our own transcription of the whole tree (RULES §3.3):
20 sections, 97 divisions, 473 groups and 1,381 classes, checked level by level against the
structure rules of RULES §3.1 (every code starts with its parent's; a group without subdivisions
has one class ending in 0 with the group's name). A code that is not in the table is invalid —
unless it is a code of the 2011 edition that no longer exists in 2017, which :func:`resolve` maps
to its 2017 successor and says so (RULES §3.2, the version trap).

Padded forms. Some systems pad every code to four digits. A group without subdivisions has a
single class ending in 0 (271 → 2710), so ``2710`` is a real class; but group 276 is subdivided
(2761, 2762) and ``2760`` can only mean "276". Decision: a four-digit code is the class if the
table lists it (1200 其他采矿业, 9100 中国共产党机关 and 9700 国际组织 are real classes of
divisions with a single group numbered 0); otherwise ``XY00`` is the division ``XY`` and ``XYZ0``
the group ``XYZ`` when the table lists that group with children.

Search. :func:`search` finds codes by code (with or without the section letter), by name and by
pinyin — full (``yiliaozhenduan``) or initials (``ylzd``) — for the pickers.
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
from pypinyin import lazy_pinyin

__all__ = [
    "EDITION",
    "EDITION_2011_SUCCESSORS",
    "IndustryCode",
    "Level",
    "Resolution",
    "ancestors",
    "choices",
    "describe",
    "lookup",
    "normalize_code",
    "resolve",
    "search",
    "section_of",
    "validate",
]

Level = Literal["section", "division", "group", "class"]

EDITION: Final = "GB/T 4754-2017"
LEVELS: Final[tuple[Level, ...]] = ("section", "division", "group", "class")
_LEVEL_BY_LENGTH: Final[dict[int, Level]] = {2: "division", 3: "group", 4: "class"}

#: Codes of GB/T 4754-2011 that do not exist in the 2017 edition, with their 2017 successor
#: (RULES §3.2). Only codes absent from 2017 can be recognised as 2011 codes without being told
#: the edition; codes reused with another meaning (2011 7520 科技中介服务 is 2017 7530) are mapped
#: only when the source says it is of the 2011 edition.
EDITION_2011_SUCCESSORS: Final[dict[str, str]] = {
    "4041": "4040",  # 光学仪器制造: 2017 has one class under 404
    "4042": "3587",  # 眼镜制造 moved to 358 医疗仪器设备及器械制造
    "6592": "6591",  # 呼叫中心
    "2760": "2761",  # 生物药品制造 (2017 splits 276 into 2761 and 2762)
    "3586": "3586",  # 2011 假肢、人工器官及植（介）入器械制造; 2017 keeps the code for 康复辅具制造
    "6510": "651",  # 软件开发: 2017 subdivides it (6511–6519); the officer picks one
    "6530": "6560",  # 信息技术咨询服务
    "6540": "6550",  # 数据处理和存储服务 → 信息处理和存储支持服务
    "6550": "6520",  # 集成电路设计
    "6591": "657",  # 数字内容服务: 2017 subdivides it (6571–6579)
    "7240": "725",  # 广告业
    "7250": "7520",  # 知识产权服务
    "7520": "7530",  # 科技中介服务
    "7530": "7590",  # 其他科技推广和应用服务业
}

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
    if len(digits) != 4 or digits[3] != "0" or digits in _table():
        return digits
    if digits[2] == "0":
        return digits[:2]
    if digits[:3] in _groups_with_children():
        return digits[:3]
    return digits


def validate(raw: str) -> str:
    """Return the canonical code, or raise ``ValidationError`` (code ``unknown`` when the table,
    which is the whole 2017 tree, does not list it)."""
    code = normalize_code(raw)
    if code in _table():
        return code
    raise ValidationError(
        _("行业代码“%(code)s”在国民经济行业分类（GB/T 4754-2017）中不存在"),
        code="unknown",
        params={"code": raw},
    )


def lookup(raw: str) -> IndustryCode:
    """Return the table row for ``raw``; raise ``ValidationError`` if it is not a 2017 code."""
    return _table()[validate(raw)]


@dataclass(frozen=True)
class Resolution:
    """A typed or imported code resolved to the 2017 edition, with what the officer should be told."""

    code: str
    notice: str = ""


def resolve(raw: str, *, edition: Literal["2017", "2011"] = "2017") -> Resolution:
    """The 2017 code for ``raw``; a 2011 code is mapped to its successor with a notice.

    With ``edition="2011"`` every code listed in :data:`EDITION_2011_SUCCESSORS` is mapped; with the
    default, only a code that does not exist in 2017 is taken for a 2011 one. Raises
    ``ValidationError`` like :func:`validate` when the code is neither.
    """
    cleaned = "".join(char for char in unicodedata.normalize("NFKC", raw) if char.isdigit())
    successor = EDITION_2011_SUCCESSORS.get(cleaned)
    if successor is not None and (edition == "2011" or cleaned not in _table()):
        if edition == "2017" and _unpad(cleaned) in _table():
            return Resolution(code=_unpad(cleaned))  # a padded 2017 group, not a 2011 class
        entry = _table()[successor]
        notice = _("行业代码 %(old)s 为 GB/T 4754-2011 旧版代码，已按 2017 版转换为 %(new)s，请核对") % {
            "old": cleaned,
            "new": entry.label,
        }
        return Resolution(code=successor, notice=str(notice))
    return Resolution(code=validate(raw))


def describe(raw: str | None) -> str:
    """``C3581 医疗诊断、监护及治疗设备制造`` for any stored code; the bare code if not in the table;
    "" for none. Pages and reports show this, never a bare code."""
    if not raw:
        return ""
    try:
        return lookup(raw).label
    except ValidationError:
        return raw


def section_of(raw: str) -> str:
    """Return the section letter (门类) of any valid code: ``7221`` → ``L``."""
    code = validate(raw)
    if code.isalpha():
        return code
    return _table()[code[:2]].section


def ancestors(raw: str) -> tuple[IndustryCode, ...]:
    """Return the ancestors of a valid code, from the section down to the direct parent."""
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


# --- Search for the pickers ---------------------------------------------------------------------------


@functools.cache
def _search_keys() -> tuple[tuple[IndustryCode, str, str], ...]:
    """(entry, full pinyin, initials) per row, computed once per process (about 0.2 s)."""
    keys = []
    for entry in _table().values():
        syllables = [s for s in lazy_pinyin(entry.name, errors="ignore") if s]
        keys.append((entry, "".join(syllables), "".join(s[0] for s in syllables)))
    return tuple(keys)


def _match_rank(query: str, entry: IndustryCode, full: str, initials: str) -> int | None:
    """How well a row answers the query, 0 best; None when it does not."""
    code_query = query.upper()
    if code_query in (entry.code, entry.display_code):
        return 0
    if entry.code.startswith(code_query) or entry.display_code.startswith(code_query):
        return 1
    if entry.name.startswith(query):
        return 2
    if query in entry.name:
        return 3
    lowered = query.lower().replace(" ", "")
    if lowered.isascii() and lowered.isalpha():
        if initials.startswith(lowered) or full.startswith(lowered):
            return 4
        if lowered in initials or lowered in full:
            return 5
    return None


def search(query: str, *, limit: int = 20) -> list[IndustryCode]:
    """Rows matching a query by code, name or pinyin, best first (exact code, code prefix, name,
    pinyin), then by level (broader first) and code."""
    query = unicodedata.normalize("NFKC", query or "").strip()
    if not query:
        return []
    ranked: list[tuple[int, int, str, IndustryCode]] = []
    for entry, full, initials in _search_keys():
        rank = _match_rank(query, entry, full, initials)
        if rank is not None:
            ranked.append((rank, LEVELS.index(entry.level), entry.code, entry))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]
