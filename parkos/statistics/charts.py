"""Charts of the report: ECharts options for the page, the same series as static SVG for the PDF.

The SVG is written by hand from the series (no plotting library): a grouped bar chart is a few
rectangles, and WeasyPrint renders it with the CJK font named here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Any, Final

FONT: Final = "Noto Sans CJK SC, sans-serif"
COLOURS: Final = ("#1f6feb", "#9aa4b2", "#2da44e", "#d29922", "#cf222e")


def echarts_bar(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], unit: str
) -> dict[str, Any]:
    """An ECharts option for grouped bars (rendered by static/statistics/charts.js)."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [name for name, _values in series]},
        "xAxis": {"type": "category", "data": list(categories)},
        # ECharts picks round ticks (1, 2, 5 × 10ⁿ) from 0 and prints them with thousands separators.
        "yAxis": {"type": "value", "name": unit, "min": 0},
        "series": [{"name": name, "type": "bar", "data": list(values)} for name, values in series],
    }


def svg_bar(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    unit: str,
    width: int = 640,
    height: int = 260,
) -> str:
    """Grouped bars as an SVG document; missing values leave a gap."""
    left, right, top, bottom = 56, 12, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _name, vs in series for v in vs if v is not None]
    ticks = axis_ticks(max([*values, 0.0]))
    peak = ticks[-1]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="11">',
        f'<text x="{left}" y="14" fill="#444">{escape(unit)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#888"/>',
    ]
    for tick in ticks:
        y = top + plot_h - plot_h * tick / peak
        label = _tick(tick)
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#666">{label}</text>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eee"/>')
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for index, category in enumerate(categories):
        x0 = left + index * group_w + group_w * 0.1
        for s_index, (_name, vs) in enumerate(series):
            value = vs[index] if index < len(vs) else None
            if value is None:
                continue
            h = plot_h * max(value, 0.0) / peak
            parts.append(
                f'<rect x="{x0 + s_index * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[s_index % len(COLOURS)]}"/>'
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="#444">{escape(category)}</text>'
        )
    for s_index, (name, _vs) in enumerate(series):
        x = left + plot_w - 150 + s_index * 80
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{COLOURS[s_index % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="13" fill="#444">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


#: Axis steps are 1, 2 or 5 times a power of ten, as ECharts chooses them.
_NICE_STEPS: Final = (1.0, 2.0, 5.0, 10.0)


def axis_ticks(peak: float, *, most: int = 5) -> list[float]:
    """Round ticks from 0 to just above ``peak``: a step of 1, 2 or 5 × 10ⁿ, at most ``most``
    intervals (``axis_ticks(8_734) == [0, 2000, 4000, 6000, 8000, 10000]``); [0, 1] for nothing."""
    if peak <= 0:
        return [0.0, 1.0]
    raw = peak / most
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(nice * power for nice in _NICE_STEPS if nice * power >= raw * (1 - 1e-9))
    count = math.ceil(peak / step - 1e-9)
    return [round(step * index, 10) for index in range(count + 1)]


def _tick(value: float) -> str:
    """A tick with thousands separators, decimals only where the step needs them ("2,000", "0.5")."""
    return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def to_float(value: Decimal | None, divisor: Decimal = Decimal(1)) -> float | None:
    return None if value is None else float(value / divisor)
