"""Report charts: round axis ticks with thousands separators, gaps (not zeros) for months without data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from parkos.statistics import charts
from parkos.statistics.templatetags.statistics_tags import grouped


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [
        (8_734, [0, 2_000, 4_000, 6_000, 8_000, 10_000]),
        (100, [0, 20, 40, 60, 80, 100]),
        (0.37, [0, 0.1, 0.2, 0.3, 0.4]),
        (12_345_678, [0, 5_000_000, 10_000_000, 15_000_000]),
        (0, [0, 1]),
    ],
)
def test_axis_ticks_are_round(peak, ticks):
    assert charts.axis_ticks(peak) == ticks


def test_svg_axis_prints_round_ticks_with_separators_and_leaves_gaps():
    svg = charts.svg_bar(["1月", "2月", "3月"], [("2026", [None, 8_734.0, 9_100.0])], unit="万元")
    assert ">10,000<" in svg
    assert ">2,000<" in svg
    assert ">8734" not in svg
    assert ">2183" not in svg
    assert svg.count("<rect") == 2 + 1  # two bars (January is a gap, not a zero bar) and one legend key


def test_echarts_keeps_missing_months_as_null():
    option = charts.echarts_bar(["1月", "2月"], [("2026", [None, 5.0])], "万元")
    assert option["series"][0]["data"] == [None, 5.0]
    assert option["yAxis"]["min"] == 0


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(1204, 0, "1,204"), (Decimal("1234.565"), 2, "1,234.57"), (Decimal("98.25"), 1, "98.3"), (None, 0, "--")],
)
def test_grouped_prints_thousands_separators_in_every_language(value, digits, text):
    with translation.override("zh-hans"):  # whose formats print no separator at all
        assert grouped(value, digits) == text
