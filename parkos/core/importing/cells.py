"""Reading one cell: typed parsers and the units a header may declare.

A parser turns a non-blank cell — whatever openpyxl or the csv module gave (str, int, float, bool,
datetime) — into a Python value, or raises `CellError` with a message in the user's language.
Quantities (money, area) are converted from the unit the header declares to the unit stored, with
exact Decimal arithmetic from `parkos.core.units`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, localcontext
from functools import cached_property
from typing import Final, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from parkos.core.units import SQM_PER_MU, WAN, YI

__all__ = [
    "AREA",
    "MONEY",
    "Boolean",
    "CellError",
    "CellParser",
    "Choice",
    "Date",
    "Fixed",
    "Integer",
    "Number",
    "Quantity",
    "Text",
    "Validated",
    "cell_text",
    "is_blank",
    "normalise",
    "zh",
]


class CellError(Exception):
    """A cell that cannot be read; the message is shown to the person as is."""


def zh(text: str | Promise) -> str:
    """The Simplified Chinese form of a (lazy) string: file formats are Chinese in every language."""
    with translation.override("zh-hans"):
        return str(text)


def en(text: str | Promise) -> str:
    with translation.override("en"):
        return str(text)


def normalise(text: object) -> str:
    """The loose form of a header, unit or choice: NFKC (full-width → half-width, ² → 2), no spaces,
    no trailing "*" (the template's mark of a required column), lower case."""
    value = unicodedata.normalize("NFKC", str(text)).casefold()
    # Excel saving as GBK CSV writes "m²" (no ² in GBK) as "m?"; NFKC already made it "m2" elsewhere.
    return re.sub(r"\s+", "", value).rstrip("*").replace("m?", "m2")


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as text: whole floats without ".0" (a code 101 typed into Excel comes back as 101.0),
    dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


class CellParser[T](Protocol):
    """Turns a non-blank cell into a value, or raises CellError."""

    def __call__(self, raw: object, /) -> T: ...


# --- Units ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A kind of quantity a column holds, with every unit a header may declare for it.

    `factors` maps a unit (as written in a header) to its size in the quantity's base unit; several
    spellings of one unit may be given. `stored` is the unit the field stores and `default` the unit
    of a header that declares none (and of the template).
    """

    name: str
    factors: Mapping[str, Decimal]
    stored: str
    default: str

    def with_units(self, *, stored: str | None = None, default: str | None = None) -> Quantity:
        return Quantity(self.name, self.factors, stored or self.stored, default or self.default)

    def factor(self, unit: str) -> Decimal | None:
        """How many stored units one `unit` is, or None if the quantity cannot take that unit."""
        wanted = normalise(unit)
        for spelling, size in self.factors.items():
            if normalise(spelling) == wanted:
                with localcontext() as context:
                    context.prec = 60
                    return size / self.factors[self.stored]
        return None

    @property
    def units(self) -> list[str]:
        """The canonical spellings (the first spelling of each size), for messages."""
        seen: dict[Decimal, str] = {}
        for spelling, size in self.factors.items():
            seen.setdefault(size, spelling)
        return list(seen.values())


MONEY: Final = Quantity(
    "money",
    {
        "元": Decimal(1),
        "万元": WAN,
        "亿元": YI,
        "yuan": Decimal(1),
        "cny": Decimal(1),
        "10kyuan": WAN,
        "10kcny": WAN,
        "100myuan": YI,
        "100mcny": YI,
    },
    stored="元",
    default="元",
)
AREA: Final = Quantity(
    "area",
    {"m²": Decimal(1), "㎡": Decimal(1), "平方米": Decimal(1), "sqm": Decimal(1),
     "亩": SQM_PER_MU, "mu": SQM_PER_MU, "公顷": Decimal(10000), "ha": Decimal(10000)},
    stored="m²",
    default="m²",
)  # fmt: skip


@dataclass(frozen=True)
class Fixed:
    """A column whose unit is fixed (kN/m², kVA, 人…): a header may repeat it or leave it out, nothing else."""

    unit: str
    spellings: tuple[str, ...] = ()

    def accepts(self, unit: str) -> bool:
        wanted = normalise(unit)
        return any(normalise(s) == wanted for s in (self.unit, *self.spellings))


# --- Parsers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    max_length: int | None = None

    def __call__(self, raw: object, /) -> str:
        value = cell_text(raw)
        if self.max_length is not None and len(value) > self.max_length:
            raise CellError(_("不能超过 %(n)d 个字符") % {"n": self.max_length})
        return value


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(_("应为数字"))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        # Excel arithmetic leaves tails like 0.30000000000000004; no quantity here needs 9 decimals.
        return Decimal(repr(round(raw, 9)))
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s”不是有效的数字") % {"value": raw}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s”不是有效的数字") % {"value": raw})
    return value


@dataclass(frozen=True)
class Number:
    """A decimal number; `places` rounds (half up) after unit conversion, `minimum`/`maximum` bound it."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None
    places: int | None = None

    def __call__(self, raw: object, /) -> Decimal:
        return self.check(self.read(raw))

    def read(self, raw: object) -> Decimal:
        """The number as written, unchecked (before a unit conversion)."""
        return _decimal(raw)

    def check(self, value: Decimal) -> Decimal:
        if self.places is not None:
            value = value.quantize(Decimal(1).scaleb(-self.places))
        if self.minimum is not None and value < self.minimum:
            if self.minimum == 0:
                raise CellError(_("不能为负数"))
            raise CellError(_("不能小于 %(min)s") % {"min": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise CellError(_("数值过大（不能超过 %(max)s）") % {"max": self.maximum})
        return value


@dataclass(frozen=True)
class Integer:
    minimum: int | None = None
    maximum: int | None = None

    def __call__(self, raw: object, /) -> int:
        value = _decimal(raw)
        if value != value.to_integral_value():
            raise CellError(_("“%(value)s”应为整数") % {"value": raw})
        number = int(value)
        if self.minimum is not None and number < self.minimum:
            if self.minimum == 0:
                raise CellError(_("不能为负数"))
            raise CellError(_("不能小于 %(min)s") % {"min": self.minimum})
        if self.maximum is not None and number > self.maximum:
            raise CellError(_("数值过大（不能超过 %(max)s）") % {"max": self.maximum})
        return number


_TRUE: Final = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "有", "t"})
_FALSE: Final = frozenset({"否", "n", "no", "false", "0", "×", "✗", "无", "f"})


@dataclass(frozen=True)
class Boolean:
    def __call__(self, raw: object, /) -> bool:
        if isinstance(raw, bool):
            return raw
        key = normalise(cell_text(raw))
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise CellError(_("应填“是”或“否”"))


@dataclass(frozen=True)
class Choice:
    """One of a TextChoices, written as its Chinese or English label or its stored value.

    "D级（30万级）" may also be written "D级"; a trailing "类" is optional ("丙类" for 丙).
    """

    choices: type[models.TextChoices]
    extra: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def table(self) -> dict[str, str]:
        """Every accepted spelling → the stored value; built once (labels in both languages)."""
        result: dict[str, str] = {}
        for value, label in self.choices.choices:
            for spelling in (value, zh(label), en(label), re.split(r"[（(]", zh(label))[0]):
                result.setdefault(normalise(spelling), str(value))
        for spelling, value in self.extra.items():
            result.setdefault(normalise(spelling), value)
        if "" in self.choices.values:
            result.setdefault(normalise("无"), "")
        return result

    def labels(self) -> list[str]:
        return [zh(label) for value, label in self.choices.choices if value]

    def __call__(self, raw: object, /) -> str:
        table, key = self.table, normalise(cell_text(raw))
        value = table.get(key)
        if value is None and key.endswith("类"):
            value = table.get(key[:-1])
        if value is None:
            allowed = "、".join(self.labels())
            raise CellError(_("“%(value)s”不是有效选项，可填：%(allowed)s") % {"value": raw, "allowed": allowed})
        return value


_DATE: Final = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class Date:
    not_after_today: bool = False

    def __call__(self, raw: object, /) -> datetime.date:
        if isinstance(raw, datetime.datetime):
            value = raw.date()
        elif isinstance(raw, datetime.date):
            value = raw
        else:
            match = _DATE.fullmatch(cell_text(raw))
            try:
                if not match:
                    raise ValueError(raw)
                value = datetime.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise CellError(_("“%(value)s”不是有效日期，请写作 2026-01-31") % {"value": raw}) from None
        if self.not_after_today and value > timezone.localdate():
            raise CellError(_("日期不能晚于今天"))
        return value


@dataclass(frozen=True)
class Validated[T]:
    """A domain parser (credit code, phone, industry codes…): its ValidationError becomes a CellError."""

    parse: Callable[[str], T]

    def __call__(self, raw: object, /) -> T:
        try:
            return self.parse(cell_text(raw))
        except ValidationError as exc:
            raise CellError("；".join(exc.messages)) from None


def spellings(*texts: str | Promise) -> Iterable[str]:
    """Chinese and English forms of header words, normalised."""
    for text in texts:
        yield normalise(zh(text))
        yield normalise(en(text))
