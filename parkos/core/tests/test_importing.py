"""The import framework on its own: encodings, limits, hostile files, headers and units, modes, templates.

A toy importer collects the rows it is given instead of writing them; the apps' importers are tested
against the database in their own tests. Ref: #12 (framework), #13 items 4 and 9.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from parkos.core.importing import (
    AREA,
    MONEY,
    Boolean,
    Column,
    Fixed,
    HeaderMap,
    ImportContext,
    ImportLimits,
    ImportMode,
    Integer,
    Number,
    Row,
    Source,
    TableImporter,
    TableSpec,
    Text,
    WorkbookSpec,
    detect_encoding,
    run_import,
    template_workbook,
)
from parkos.core.importing.jobs import registry
from parkos.core.importing.reading import DETECTION_WINDOW
from parkos.core.importing.spec import RowParser
from parkos.core.tests.import_files import (
    FORMATS,
    csv_bytes,
    million_empty_rows_xlsx,
    no_dimension_xlsx,
    straddling_csv,
    table_file,
    xlsx_bytes,
    zip_bomb_xlsx,
)

pytestmark = pytest.mark.django_db


@dataclass
class Item:
    name: str
    amount: Decimal | None = None
    area: Decimal | None = None
    count: int | None = None
    load: Decimal | None = None
    active: bool = False
    note: str = ""


TABLE = TableSpec[Item](
    name="item",
    title="物品",
    row_type=Item,
    key=("name",),
    columns=(
        Column("name", "名称", Text(20), required=True, aliases=("品名",), example="甲"),
        Column(
            "amount", "金额", Number(minimum=Decimal(0), places=2), unit=MONEY.with_units(default="万元"), example=12
        ),
        Column("area", "面积", Number(), unit=AREA, example=100),
        Column("count", "数量", Integer(minimum=0), example=3),
        Column("load", "荷载", Number(), unit=Fixed("kN/m²"), example=8),
        Column("active", "启用", Boolean(), blank=False, example=True),
        Column("note", "备注", Text(), blank=""),
    ),
)
HEADER = ["名称", "金额（万元）", "面积（m²）", "数量", "荷载（kN/m²）", "启用", "备注"]


class Collector(TableImporter[Item]):
    """Keeps what it is given; refuses rows named "坏" in apply, as a service would."""

    workbook = WorkbookSpec(tables=(TABLE,), first_sheet=True)

    def __init__(self) -> None:
        self.applied: list[Item] = []

    def apply(self, table: TableSpec[Item], rows: Sequence[Row[Item]], ctx: ImportContext) -> None:
        for row in rows:
            if row.data.name == "坏":
                ctx.error(row, "服务拒绝", column="名称")
            else:
                self.applied.append(row.data)
                ctx.count(table.name, created=1)


class NoKeyCollector(Collector):
    workbook = WorkbookSpec(tables=(replace(TABLE, key=()),), first_sheet=True)


def run(content: bytes, name: str, **kwargs: Any) -> tuple[Collector, Any]:
    importer = Collector()
    outcome = run_import(importer, Source.from_stream(io.BytesIO(content), name), **kwargs)
    return importer, outcome


ROWS = [HEADER, ["甲", "1.5", "100", 3, 8, "是", "中文备注"], ["乙", 2, "", "", "", "否", ""]]


# --- Encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_the_same_rows(fmt):
    content, name = table_file(ROWS, fmt)
    importer, outcome = run(content, name)
    assert outcome.ok, outcome.errors
    assert [i.name for i in importer.applied] == ["甲", "乙"]
    assert importer.applied[0].amount == Decimal("15000.00")  # 1.5 万元
    assert importer.applied[0].note == "中文备注"


def test_encoding_detection_bom_utf8_and_gbk():
    text = "名称,备注\n甲,重庆巴南区生物城\n"
    assert detect_encoding(text.encode("utf-8-sig"), complete=True) == "utf-8-sig"
    assert detect_encoding(text.encode("utf-8"), complete=True) == "utf-8"
    assert detect_encoding(text.encode("gbk"), complete=True) == "gb18030"
    assert detect_encoding(text.encode("utf-16"), complete=True) == "utf-16"


@pytest.mark.parametrize("bom", [True, False])
def test_a_character_straddling_the_detection_window_is_still_utf8(bom):
    # Ref: #13 item 9 — this file used to be read as GB18030 and the job failed.
    content = straddling_csv(["名称", "备注"], ["甲", "医疗器械研发"], bom=bom)
    assert len(content) > DETECTION_WINDOW
    assert detect_encoding(content[:DETECTION_WINDOW]) == ("utf-8-sig" if bom else "utf-8")
    importer = NoKeyCollector()
    outcome = run_import(importer, Source.from_stream(io.BytesIO(content), "a.csv"))
    assert outcome.ok, outcome.errors
    notes = [i.note for i in importer.applied]
    assert any(note.endswith("x中") for note in notes)
    assert all("\ufffd" not in note for note in notes)


def test_gbk_file_with_a_stray_byte_is_a_clear_error():
    content = "名称\n甲\n".encode("gbk") + b"\xff\xfe\xfd\n"
    _importer, outcome = run(content, "a.csv")
    assert not outcome.ok
    assert outcome.committed is False


# --- Headers and units ---------------------------------------------------------------------------


def header(*cells: str) -> HeaderMap:
    return HeaderMap.read(TABLE, list(cells))


def test_units_in_headers_are_honoured():
    for text, factor in (
        ("金额（元）", None),
        ("金额(万元)", Decimal(10000)),
        ("金额（亿元）", Decimal(10**8)),
        ("金额", Decimal(10000)),
    ):
        found = header("名称", text)
        assert not found.errors, found.errors
        assert found.factors.get("amount") == factor
    assert header("名称", "面积（亩）").factors["area"] == Decimal(10000) / Decimal(15)


def test_same_amounts_whatever_the_unit():
    results = []
    for unit, value in (("元", "120000"), ("万元", "12"), ("亿元", "0.0012")):
        importer, outcome = run(csv_bytes([["名称", f"金额（{unit}）"], ["甲", value]]), "a.csv")
        assert outcome.ok, outcome.errors
        results.append(importer.applied[0].amount)
    assert results == [Decimal("120000.00")] * 3


def test_a_unit_the_column_cannot_take_is_a_clear_error():
    found = header("名称", "金额（美元）", "荷载（t）", "数量（个）")
    messages = [message for _h, message in found.errors]
    assert "列“金额（美元）”的单位“美元”不能用于此列，可用：元、万元、亿元" in messages
    assert "列“荷载（t）”的单位应为“kN/m²”" in messages
    assert "列“数量（个）”不带单位，请删去括号中的“个”" in messages
    _importer, outcome = run(csv_bytes([["名称", "金额（美元）"], ["甲", "1"]]), "a.csv", mode=ImportMode.VALID_ROWS)
    assert not outcome.committed
    assert outcome.file_errors


def test_unknown_missing_and_duplicate_columns_by_name():
    found = header("品名", "颜色", "名称")
    assert found.unknown == ["颜色"]
    assert [h for h, _m in found.errors] == ["名称"]  # the duplicate of 品名
    missing = header("金额")
    assert missing.errors == [("名称", "缺少必需的列“名称”")]


def test_loose_spelling_full_width_spaces_star_and_english():
    found = header(" 名 称* ", "金额 (10k yuan)", "面积(M2)")
    assert not found.errors
    assert set(found.positions) == {"name", "amount", "area"}


# --- Rows, modes, errors -------------------------------------------------------------------------


def test_row_errors_by_row_and_column_and_nothing_applied_when_all_or_nothing():
    rows = [
        HEADER,
        ["甲", "-1", "", "x", "", "也许", ""],
        ["甲", "", "", "", "", "", ""],
        ["坏", "", "", "", "", "", ""],
    ]
    _importer, outcome = run(csv_bytes(rows), "a.csv")
    assert not outcome.committed
    assert {(e.row, e.column) for e in outcome.errors} == {
        (2, "金额（万元）"),
        (2, "数量"),
        (2, "启用"),
        (3, "名称"),
        (4, "名称"),
    }
    messages = {e.column: e.message for e in outcome.errors if e.row == 2}
    assert messages["金额（万元）"] == "不能为负数"
    assert messages["启用"] == "应填“是”或“否”"
    assert {e.message for e in outcome.errors if e.row == 3} == {"与第 2 行重复"}
    assert {e.message for e in outcome.errors if e.row == 4} == {"服务拒绝"}
    assert outcome.counts == {}


def test_valid_rows_mode_applies_the_good_rows_only():
    rows = [HEADER, ["甲", "1", "", "", "", "", ""], ["乙", "x", "", "", "", "", ""], ["丙", "", "", "", "", "", ""]]
    importer, outcome = run(csv_bytes(rows), "a.csv", mode=ImportMode.VALID_ROWS)
    assert [i.name for i in importer.applied] == ["甲", "丙"]
    assert (outcome.rows_processed, outcome.rows_ok, outcome.rows_failed) == (3, 2, 1)
    assert outcome.committed


def test_dry_run_reports_counts_and_commits_nothing():
    _importer, outcome = run(csv_bytes(ROWS), "a.csv", dry_run=True)
    assert outcome.ok
    assert outcome.dry_run
    assert not outcome.committed
    assert outcome.created == 2


def test_example_rows_and_blank_rows_are_skipped():
    rows = [HEADER, ["#示例", "1"], [], ["甲", "1"]]
    importer, outcome = run(csv_bytes(rows), "a.csv")
    assert [i.name for i in importer.applied] == ["甲"]
    _empty, outcome = run(csv_bytes([HEADER, ["#示例"]]), "a.csv")
    assert [e.message for e in outcome.errors] == ["文件中没有数据行。"]


def test_errors_are_capped_but_counted(settings):
    settings.IMPORT_MAX_REPORTED_ERRORS = 50
    rows = [HEADER, *[[f"名{i}", "x"] for i in range(3000)]]
    _importer, outcome = run(csv_bytes(rows), "a.csv")
    assert outcome.error_count == 3000
    assert len(outcome.errors) == 50
    assert outcome.errors_truncated


# --- Limits and hostile files --------------------------------------------------------------------


def test_size_is_checked_before_reading(settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    _importer, outcome = run(b"x" * (1024 * 1024 + 1), "a.csv")
    assert [e.message for e in outcome.errors] == ["文件不能超过 1 MB（当前 1.0 MB）。"]


def test_row_and_column_limits(settings):
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_COLUMNS = 10
    _importer, outcome = run(csv_bytes([HEADER, *[[f"名{i}"] for i in range(101)]]), "a.csv")
    assert outcome.errors[0].message == "“物品”超过 100 行，请分批导入。"
    _importer, outcome = run(csv_bytes([HEADER, ["甲", *[""] * 10, "x"]]), "a.csv")
    assert outcome.errors[0].message == "“物品”第 2 行超过 10 列，请删除多余的列。"


def test_million_empty_rows_are_refused_fast(settings):
    # Ref: #13 item 4 — 0.8 MB, a million empty rows: held the statistics import 158 s and 1.2 GB.
    content = million_empty_rows_xlsx(HEADER, [["甲", 1]])
    assert len(content) < 3 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 20_000
    importer, outcome = run(content, "a.xlsx")
    assert (
        outcome.errors[0].message == "“Sheet1”含有超过 20000 个空行（可能是整列设置了格式），请删除多余的空行后再导入。"
    )
    assert not importer.applied  # refused after the limit's worth of blank rows, not the million


def test_workbook_without_dimension_and_a_far_cell_is_refused():
    # Ref: #13 item 4 — no <dimension> and a cell at XFD1048576: openpyxl would pad every row to it.
    content = no_dimension_xlsx(HEADER, [["甲", 1], ["乙", 2]])
    importer, outcome = run(content, "a.xlsx")
    assert not importer.applied
    assert "超过" in outcome.errors[0].message
    plain = no_dimension_xlsx(HEADER, [["甲", 1], ["乙", 2]], far_cell=False)
    importer, outcome = run(plain, "a.xlsx")
    assert outcome.ok, outcome.errors
    assert [i.name for i in importer.applied] == ["甲", "乙"]


def test_zip_bomb_is_refused_before_parsing(settings):
    content = zip_bomb_xlsx(megabytes=20)
    assert len(content) < 1024 * 1024
    importer, outcome = run(content, "a.xlsx")
    assert not importer.applied
    assert "疑似压缩炸弹" in outcome.errors[0].message
    settings.IMPORT_MAX_ZIP_RATIO = 100_000
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 10
    _importer, outcome = run(content, "a.xlsx")
    assert "解压后达" in outcome.errors[0].message


def test_time_budget_stops_the_import(settings):
    settings.IMPORT_TIME_BUDGET_SECONDS = 0
    importer, outcome = run(csv_bytes([HEADER, *[[f"名{i}"] for i in range(2000)]]), "a.csv")
    assert "时间限制" in outcome.errors[0].message
    assert not importer.applied


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a zip", "a.xlsx", "无法读取该文件：它不是有效的 Excel（.xlsx）工作簿。"),
        (b"PK\x03\x04garbage", "a.xlsx", "无法读取该文件：它不是有效的 Excel（.xlsx）工作簿。"),
        (b"\xd0\xcf\x11\xe0", "a.xls", "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。"),
        (b"hello", "a.txt", "仅支持 .xlsx 或 .csv 文件。"),
        (b"", "a.csv", "文件是空的。"),
    ],
)
def test_malformed_files_give_a_clear_error(content, name, message):
    importer, outcome = run(content, name)
    assert [e.message for e in outcome.errors] == [message]
    assert not importer.applied


# --- Templates -----------------------------------------------------------------------------------


def test_template_examples_are_marked_and_pass_validation_once_unmarked():
    workbook = load_workbook(io.BytesIO(_save(template_workbook(Collector.workbook))))
    ws = workbook.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("名称*", "金额（万元）", "面积（m²）", "数量", "荷载（kN/m²）", "启用", "备注")
    assert rows[1][0] == "#甲"
    _importer, outcome = run(xlsx_bytes({"物品": rows}), "t.xlsx")
    assert [e.message for e in outcome.errors] == ["文件中没有数据行。"]
    unmarked = [rows[0], (rows[1][0].lstrip("#"), *rows[1][1:])]
    importer, outcome = run(xlsx_bytes({"物品": unmarked}), "t.xlsx")
    assert outcome.ok, outcome.errors
    assert importer.applied[0].amount == Decimal("120000.00")


def test_every_registered_importers_template_examples_pass_validation():
    """Every importer of every app: its template's example rows read without a cell error."""
    assert {entry.name for entry in registry.all()} >= {"enterprises", "parks.inventory", "statistics.monthly"}
    for entry in registry.all():
        book = load_workbook(io.BytesIO(_save(template_workbook(entry.workbook))), read_only=True)
        for table in entry.workbook.tables:
            rows = list(book[table.sheet_title[:31]].iter_rows(values_only=True))
            parser = RowParser(table, HeaderMap.read(table, rows[0]), table.sheet_title)
            examples = [r for r in rows[1:] if isinstance(r[0], str) and r[0].startswith("#")]
            assert examples, (entry.name, table.name)
            for number, example in enumerate(examples, start=2):
                _row, errors = parser.parse(number, (example[0][1:], *example[1:]))
                assert errors == [], (entry.name, table.name, errors)


def _save(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_limits_come_from_settings(settings):
    settings.IMPORT_MAX_ROWS = 7
    settings.IMPORT_TIME_BUDGET_SECONDS = 5
    settings.IMPORT_JOB_TIME_BUDGET_SECONDS = 50
    assert ImportLimits.from_settings().max_rows == 7
    assert ImportLimits.from_settings().seconds == 5
    assert ImportLimits.from_settings(background=True).seconds == 50
