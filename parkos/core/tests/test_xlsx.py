"""The generic .xlsx writer every list page exports with."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import unquote

from django.utils import timezone
from openpyxl import load_workbook

from parkos.core.xlsx import AREA_FORMAT, DATE_FORMAT, Column, content_disposition, xlsx_response


def test_xlsx_response_writes_header_and_typed_cells():
    rows = [
        SimpleNamespace(code="A1-101", area=Decimal("1500.50"), park=SimpleNamespace(name="重庆A园"), ok=True,
                        day=datetime.date(2026, 3, 1)),
        SimpleNamespace(code="A1-102", area=None, park=None, ok=False, day=None),
    ]  # fmt: skip
    columns = [
        Column("单元编号", "code"),
        Column("面积（m²）", "area", AREA_FORMAT),
        Column("园区", "park.name"),
        Column("可出售", "ok"),
        Column("可交付日期", "day", DATE_FORMAT),
        Column("编号长度", lambda row: len(row.code)),
    ]

    response = xlsx_response("单元清单", columns, iter(rows))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "单元清单"
    assert list(ws.iter_rows(values_only=True)) == [
        ("单元编号", "面积（m²）", "园区", "可出售", "可交付日期", "编号长度"),
        ("A1-101", 1500.5, "重庆A园", "是", datetime.datetime(2026, 3, 1), 6),  # noqa: DTZ001 - Excel is naive
        ("A1-102", None, None, "否", None, 6),
    ]
    assert ws["B2"].number_format == AREA_FORMAT
    assert ws["E2"].number_format == DATE_FORMAT
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"


def test_chinese_filename_survives_in_content_disposition():
    response = xlsx_response("园区-20261125.xlsx", [Column("名称", "name")], [])
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="export.xlsx"; ')
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "园区-20261125.xlsx"
    assert content_disposition("units.xlsx") == "attachment; filename=\"units.xlsx\"; filename*=UTF-8''units.xlsx"
    assert '"' not in content_disposition('a"b.xlsx').split('filename="', 1)[1].split('";')[0]


def test_text_that_looks_like_a_formula_stays_text():
    response = xlsx_response("x", [Column("名称", "name")], [{"name": '=HYPERLINK("http://evil","点我")'}])
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A2"].data_type == "s"
    assert ws["A2"].value == '=HYPERLINK("http://evil","点我")'


def test_aware_datetimes_are_written_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime.datetime(2026, 1, 1, 0, 30, tzinfo=datetime.UTC)
    response = xlsx_response("x", [Column("时间", "at")], [{"at": moment}])
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A2"].value == datetime.datetime(2026, 1, 1, 8, 30)  # noqa: DTZ001 - Excel is naive
    assert timezone.is_aware(moment)


def test_streams_many_rows_from_a_generator():
    rows = ({"n": n} for n in range(5000))
    response = xlsx_response("大量", [Column("序号", "n")], rows)
    ws = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sum(1 for _ in ws.iter_rows()) == 5001
