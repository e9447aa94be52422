"""The reading sheet (抄表单): metered consumption per tenant, imported until monitoring supplies it.

Columns (the first row is the header; "*" marks a required column):
企业名称 or 统一社会信用代码*, 表号*, 能源类型* (电/水/燃气/蒸汽/冷量), 抄表期起*, 抄表期止*, 上期读数*,
本期读数*, 倍率 (default 1), 单位 (default kWh, m³, m³, t, GJ by type).
A row that cannot be read is reported with its row number; nothing is stored unless every row is good.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from parkos.billing.choices import ChargeKind
from parkos.billing.services import ReadingInput
from parkos.billing.statements import normalise_header, parse_amount, parse_date, read_table
from parkos.enterprises.models import Enterprise

HEADERS: dict[str, tuple[str, ...]] = {
    "enterprise": ("企业名称", "企业", "租户"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "meter": ("表号", "表计编号", "计量表号"),
    "kind": ("能源类型", "类型", "表计类型"),
    "start": ("抄表期起", "开始日期", "起始日期"),
    "end": ("抄表期止", "结束日期", "截止日期", "抄表日期"),
    "previous": ("上期读数", "起度", "上次读数"),
    "current": ("本期读数", "止度", "本次读数"),
    "multiplier": ("倍率",),
    "unit": ("单位",),
}
KINDS = {
    "电": ChargeKind.ELECTRICITY, "电费": ChargeKind.ELECTRICITY, "electricity": ChargeKind.ELECTRICITY,
    "水": ChargeKind.WATER, "水费": ChargeKind.WATER, "water": ChargeKind.WATER,
    "燃气": ChargeKind.GAS, "天然气": ChargeKind.GAS, "gas": ChargeKind.GAS,
    "蒸汽": ChargeKind.STEAM, "steam": ChargeKind.STEAM,
    "冷量": ChargeKind.CHILLED_WATER, "冷冻水": ChargeKind.CHILLED_WATER, "chilled_water": ChargeKind.CHILLED_WATER,
}  # fmt: skip
DEFAULT_UNITS = {
    ChargeKind.ELECTRICITY: "kWh", ChargeKind.WATER: "m³", ChargeKind.GAS: "m³", ChargeKind.STEAM: "t",
    ChargeKind.CHILLED_WATER: "GJ",
}  # fmt: skip
REQUIRED = ("meter", "kind", "start", "end", "previous", "current")


@dataclass
class SheetResult:
    readings: list[ReadingInput] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)


def _positions(header: Sequence[Any]) -> dict[str, int]:
    cells = [normalise_header(c).rstrip("*") for c in header]
    found = {}
    for name, spellings in HEADERS.items():
        for index, cell in enumerate(cells):
            if cell in {normalise_header(s) for s in spellings}:
                found[name] = index
                break
    return found


def _enterprise(values: dict[str, str], cache: dict[str, Enterprise | None]) -> Enterprise | None:
    key = values.get("credit_code") or values.get("enterprise") or ""
    if key not in cache:
        cache[key] = (
            Enterprise.objects.active()
            .filter(Q(credit_code=values.get("credit_code", "").upper()) | Q(name=values.get("enterprise", "")))
            .exclude(name="")
            .first()
            if key
            else None
        )
    return cache[key]


def _row(number: int, values: dict[str, Any], cache: dict[str, Enterprise | None]) -> ReadingInput:
    text = {k: str(v).strip() if v is not None else "" for k, v in values.items()}
    missing = [HEADERS[name][0] for name in REQUIRED if not text.get(name)]
    if missing:
        raise ValueError(_("缺少：%(cols)s") % {"cols": "、".join(missing)})
    enterprise = _enterprise(text, cache)
    if enterprise is None:
        raise ValueError(_("企业库中没有找到该企业"))
    kind = KINDS.get(text["kind"].lower())
    if kind is None:
        raise ValueError(_("能源类型“%(v)s”无法识别（电、水、燃气、蒸汽、冷量）") % {"v": text["kind"]})
    try:
        start, end = parse_date(values["start"]), parse_date(values["end"])
    except ValueError:
        raise ValueError(_("日期无法识别")) from None
    previous, current = parse_amount(values["previous"]), parse_amount(values["current"])
    multiplier = parse_amount(values.get("multiplier")) or Decimal(1)
    if previous is None or current is None:
        raise ValueError(_("读数无法识别"))
    if end < start:
        raise ValueError(_("抄表期止早于抄表期起"))
    if current < previous:
        raise ValueError(_("本期读数小于上期读数（换表请分两行填写）"))
    return ReadingInput(
        enterprise=enterprise,
        meter_code=text["meter"][:40],
        kind=kind,
        period_start=start,
        period_end=end,
        previous_reading=previous,
        current_reading=current,
        multiplier=multiplier,
        unit=(text.get("unit") or DEFAULT_UNITS[kind])[:8],
    )


def read_sheet(data: bytes, file_name: str) -> SheetResult:
    result = SheetResult()
    rows = read_table(data, file_name)
    _first, header = next(rows, (1, []))
    positions = _positions(header)
    absent = [HEADERS[name][0] for name in REQUIRED if name not in positions]
    if "enterprise" not in positions and "credit_code" not in positions:
        absent.insert(0, _("企业名称或统一社会信用代码"))
    if absent:
        result.errors.append((1, _("表头缺少列：%(cols)s") % {"cols": "、".join(absent)}))
        return result
    cache: dict[str, Enterprise | None] = {}
    for number, cells in rows:
        padded = [*cells, *([None] * 12)]
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        try:
            result.readings.append(_row(number, {k: padded[i] for k, i in positions.items()}, cache))
        except ValueError as exc:
            result.errors.append((number, str(exc)))
    return result


def period_label(start: datetime.date, end: datetime.date) -> str:
    return f"{start.isoformat()}至{end.isoformat()}"
