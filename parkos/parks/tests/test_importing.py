"""Import of the space inventory: every error by row, all or nothing, idempotent by natural keys."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parkos.core.importing.jobs import run_job
from parkos.core.models import AuditAction, AuditEntry, ImportJob
from parkos.core.tests.import_files import FORMATS, no_dimension_xlsx, table_file
from parkos.core.tests.import_files import csv_bytes as table_csv
from parkos.parks.choices import BuildingStructure, CleanroomGrade, FireHazardClass, FireResistanceGrade
from parkos.parks.importing import SHEETS, InventoryKind, RowError, create_job, import_inventory, zh
from parkos.parks.models import Building, Floor, Park, Unit
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory

PARK_H = ["园区编码", "园区名称", "城市", "区县", "占地面积（m²）"]
BUILDING_H = ["园区编码", "楼栋编号", "结构类型", "地上层数", "耐火等级", "设计火灾危险性类别"]
FLOOR_H = ["园区编码", "楼栋编号", "楼层", "建筑面积（m²）", "楼面活荷载（kN/m²）", "净高（m）"]
UNIT_H = [
    "园区编码",
    "单元编号",
    "楼栋编号",
    "所在楼层",
    "面积（m²）",
    "供电容量（kVA）",
    "洁净条件",
    "租金（元/m²·月）",
]


def workbook(sheets: dict[str, list[list[object]]]) -> io.BytesIO:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def run(user, sheets: dict[str, list[list[object]]]):
    return import_inventory(user=user, stream=workbook(sheets), filename="空间.xlsx")


def clean_inventory() -> dict[str, list[list[object]]]:
    """A new park with one building, two floors and three units."""
    return {
        "园区": [PARK_H, ["NEW-01", "新建产业园", "重庆市", "巴南区", 120000]],
        "楼栋": [BUILDING_H, ["NEW-01", "A1", "多层框架", 4, "二级", "丙"]],
        "楼层": [
            FLOOR_H,
            ["NEW-01", "A1", 1, 3000, 12, 6.5],
            ["NEW-01", "A1", 2, 3000, 8, 5.4],
        ],
        "单元": [
            UNIT_H,
            ["NEW-01", "A1-101", "A1", 1, 1500, 400, "", 22],
            ["NEW-01", "A1-102", "A1", 1, 1400, 400, "D", 22],
            ["NEW-01", "A1-201", "A1", "2F", 2800.5, 250, "C级", 20],
        ],
    }


def inventory_counts() -> tuple[int, int, int, int]:
    return Park.objects.count(), Building.objects.count(), Floor.objects.count(), Unit.objects.count()


def where(errors: list[RowError]) -> set[tuple[str, int | None, str]]:
    return {(e.sheet, e.row, e.column) for e in errors}


# --- Errors: all of them, and nothing written -----------------------------------------------------


@pytest.mark.django_db
def test_import_with_errors_reports_every_one_by_row_and_column_and_writes_nothing(alice, park_a):
    before = inventory_counts()
    sheets = {
        "园区": [
            PARK_H,
            ["NEW-01", "新建产业园", "重庆市", "巴南区", 120000],
            ["NEW-02", "缺城市的园区", None, "", 1000],
            ["NEW-03", "面积写错的园区", "重庆市", "", "一万二"],
        ],
        "楼栋": [
            BUILDING_H,
            ["NEW-01", "A1", "多层框架", 4, "二级", "丙"],
            ["NEW-01", "A2", "木结构", 4, "二级", "丙"],
            ["NOPE", "B1", "高层", 10, "一级", "丁"],
            ["NEW-01", "A3", "单层钢结构", 3, "二级", "丙"],
        ],
        "楼层": [
            FLOOR_H,
            ["NEW-01", "A1", 1, 3000, 12, 6.5],
            ["NEW-01", "A1", 0, 3000, 12, 6.5],
            ["NEW-01", "A2", 1, 3000, 12, 6.5],
        ],
        "单元": [
            UNIT_H,
            ["NEW-01", "A1-101", "A1", 1, 1000, 400, "", 22],
            ["NEW-01", "A1-102", "A1", 1, 5000, 400, "", 22],
            ["NEW-01", "A1-101", "A1", 1, 500, 400, "", 22],
            ["NEW-01", "A1-103", "A1", 2, 100, 400, "", 22],
        ],
    }

    result = run(alice, sheets)

    assert not result.ok
    assert where(result.errors) == {
        ("园区", 3, "城市"),
        ("园区", 4, "占地面积（m²）"),
        ("楼栋", 3, "结构类型"),
        ("楼栋", 4, "园区编码"),
        ("楼栋", 5, "地上层数"),
        ("楼层", 3, "楼层"),
        ("楼层", 4, "楼栋编号"),
        ("单元", 3, "面积（m²）"),
        ("单元", 4, "园区编码+单元编号"),
        ("单元", 5, "所在楼层"),
    }
    assert len(result.errors) == 10
    messages = {(e.sheet, e.row): e.message for e in result.errors}
    assert messages[("园区", 3)] == "必填"
    assert "一万二" in messages[("园区", 4)]
    assert "木结构" in messages[("楼栋", 3)]
    assert "多层框架" in messages[("楼栋", 3)]
    assert "NOPE" in messages[("楼栋", 4)]
    assert messages[("楼栋", 5)] == "单层钢结构厂房的地上层数应为1"
    assert "“楼栋”表第 3 行" in messages[("楼层", 4)]
    assert messages[("单元", 4)] == "与第 2 行重复"
    # Errors come sorted: sheet order, then row.
    assert [e.sheet for e in result.errors][:2] == ["园区", "园区"]
    assert result.counts == {}
    assert inventory_counts() == before
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_missing_key_column_and_unreadable_file_are_reported(alice):
    result = run(alice, {"单元": [["单元编号", "面积（m²）"], ["U1", 100]]})
    assert where(result.errors) == {("单元", 1, "园区编码")}

    garbage = import_inventory(user=alice, stream=io.BytesIO(b"not a zip"), filename="x.xlsx")
    assert [e.message for e in garbage.errors] == ["无法读取该文件：它不是有效的 Excel（.xlsx）工作簿。"]
    assert AuditEntry.objects.count() == 0


# --- Clean import, re-import, edits --------------------------------------------------------------


@pytest.mark.django_db
def test_clean_import_creates_what_it_reports(alice):
    result = run(alice, clean_inventory())

    assert result.ok, result.errors
    assert {k: (c.created, c.updated, c.unchanged) for k, c in result.counts.items()} == {
        "park": (1, 0, 0),
        "building": (1, 0, 0),
        "floor": (2, 0, 0),
        "unit": (3, 0, 0),
    }
    park = Park.objects.get(code="NEW-01")
    assert park.land_area_sqm == Decimal(120000)
    building = Building.objects.get(park=park, code="A1")
    assert building.structure == BuildingStructure.MULTI_STOREY_FRAME
    assert building.fire_resistance_grade == FireResistanceGrade.TWO
    assert building.design_fire_class == FireHazardClass.BING
    unit = Unit.objects.get(park=park, code="A1-201")
    assert unit.floor.level == 2
    assert unit.area_sqm == Decimal("2800.50")
    assert unit.cleanroom_grade == CleanroomGrade.C
    assert Unit.objects.get(park=park, code="A1-102").cleanroom_grade == CleanroomGrade.D
    assert unit.design_fire_class == FireHazardClass.BING  # kept by the service
    # Through the services: one audit entry per created row, plus the import itself.
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == 7
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1


@pytest.mark.django_db
def test_same_import_again_changes_nothing(alice):
    assert run(alice, clean_inventory()).ok
    entries = AuditEntry.objects.count()
    stamps = sorted(Unit.objects.values_list("updated_at", flat=True))
    before = inventory_counts()

    result = run(alice, clean_inventory())

    assert result.ok
    assert result.changed == 0
    assert {k: c.unchanged for k, c in result.counts.items()} == {"park": 1, "building": 1, "floor": 2, "unit": 3}
    assert AuditEntry.objects.count() == entries
    assert inventory_counts() == before
    assert sorted(Unit.objects.values_list("updated_at", flat=True)) == stamps


@pytest.mark.django_db
def test_edited_file_updates_only_the_changed_rows(alice):
    assert run(alice, clean_inventory()).ok
    entries = AuditEntry.objects.count()
    sheets = clean_inventory()
    sheets["楼层"][2][5] = 5.8  # floor 2 clear height
    sheets["单元"][1][7] = 25  # A1-101 rent

    result = run(alice, sheets)

    assert result.ok
    assert {k: (c.created, c.updated, c.unchanged) for k, c in result.counts.items()} == {
        "park": (0, 0, 1),
        "building": (0, 0, 1),
        "floor": (0, 1, 1),
        "unit": (0, 1, 2),
    }
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE)
    assert sorted(updates.values_list("object_type", flat=True)) == ["parks.floor", "parks.unit"]
    unit_entry = updates.get(object_type="parks.unit")
    assert unit_entry.changes == {"rent_yuan_per_sqm_month": ["22.00", "25"]}
    assert AuditEntry.objects.count() == entries + 3  # two updates and the import
    assert Unit.objects.get(code="A1-101").rent_yuan_per_sqm_month == Decimal(25)
    assert Floor.objects.get(building__code="A1", level=2).clear_height_m == Decimal("5.8")


@pytest.mark.django_db
def test_file_with_some_columns_updates_only_those_fields(bob, park_a):
    unit = UnitFactory(floor=FloorFactory(building=BuildingFactory(park=park_a)), code="R1", power_kva=630)
    result = run(bob, {"单元": [["园区编码", "单元编号", "租金（元/m²·月）"], ["CQ-A", "R1", 30]]})
    assert result.ok, result.errors
    unit.refresh_from_db()
    assert unit.rent_yuan_per_sqm_month == Decimal(30)
    assert unit.power_kva == 630  # no column, no change


@pytest.mark.django_db
def test_example_rows_and_blank_rows_are_skipped(alice):
    sheets = clean_inventory()
    sheets["园区"].insert(1, ["#EX-01", "示例园区", "重庆市", "", 1])
    sheets["园区"].insert(2, [None, None, None, None, None])
    result = run(alice, sheets)
    assert result.ok, result.errors
    assert not Park.objects.filter(name="示例园区").exists()


# --- CSV -----------------------------------------------------------------------------------------


def csv_bytes(rows: list[list[object]], encoding: str) -> bytes:
    text = "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"
    return text.encode(encoding)


@pytest.mark.django_db
def test_csv_in_gbk_is_imported(dave, park_b):
    building = BuildingFactory(park=park_b, code="B1")
    FloorFactory(building=building, level=1, area_sqm=Decimal(3000))
    # GBK has no "²": Excel writes "m2" (or "m?") there; headers are matched after NFKC, so "m2" still fits.
    headers = [h.replace("²", "2") for h in UNIT_H]
    data = csv_bytes(
        [
            headers,
            ["CD-B", "B1-101", "B1", 1, 800, 250, "D级（30万级）", 21.5],
            ["CD-B", "B1-102", "B1", "1F", 700, 0, "", ""],
        ],
        "gbk",
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = import_inventory(user=dave, stream=io.BytesIO(data), filename="单元.csv", kind=InventoryKind.UNIT)

    assert result.ok, result.errors
    assert result.counts["unit"].created == 2
    first = Unit.objects.get(park=park_b, code="B1-101")
    assert (first.cleanroom_grade, first.rent_yuan_per_sqm_month) == ("D", Decimal("21.5"))
    assert Unit.objects.get(park=park_b, code="B1-102").rent_yuan_per_sqm_month is None


@pytest.mark.django_db
def test_csv_in_utf8_with_bom_accepts_codes_and_labels(alice, park_a):
    data = "\ufeff".encode() + csv_bytes(
        [BUILDING_H, ["CQ-A", "S1", "single_storey_steel", 1, "1", "jia"], ["CQ-A", "H1", "高层", 12, "一级", "丁类"]],
        "utf-8",
    )
    result = import_inventory(user=alice, stream=io.BytesIO(data), filename="b.csv", kind=InventoryKind.BUILDING)
    assert result.ok, result.errors
    assert Building.objects.get(code="S1").design_fire_class == FireHazardClass.JIA
    assert Building.objects.get(code="H1").structure == BuildingStructure.HIGH_RISE


@pytest.mark.django_db
def test_csv_needs_a_kind(alice):
    result = import_inventory(user=alice, stream=io.BytesIO(b"a,b\r\n"), filename="x.csv")
    assert [e.message for e in result.errors] == ["CSV 文件请选择数据类型（园区、楼栋、楼层或单元）。"]


# --- Permissions as row errors -------------------------------------------------------------------


@pytest.mark.django_db
def test_rows_outside_the_persons_parks_are_row_errors(dave, park_a, park_b):
    BuildingFactory(park=park_a, code="A1")
    before = inventory_counts()
    result = run(
        dave,
        {
            "园区": [PARK_H, ["CD-B", "改名的B园", "成都市", "双流区", 1000], ["NEW-09", "新园区", "成都市", "", 1]],
            "楼栋": [
                BUILDING_H,
                ["CQ-A", "A9", "多层框架", 4, "二级", "丙"],
                ["CD-B", "B9", "多层框架", 4, "二级", "丙"],
            ],
        },
    )
    assert where(result.errors) == {("园区", 2, "园区编码"), ("园区", 3, "园区编码"), ("楼栋", 2, "园区编码")}
    messages = [e.message for e in result.errors]
    assert messages[0] == "您的角色无权修改园区信息（园区“CD-B”）"  # leasing managers cannot change parks
    assert messages[1] == "园区“NEW-09”不在您负责的园区中；新建园区需要运营管理员权限"
    # Park A exists, but dave is told the same as for a park that does not: nothing leaks.
    assert messages[2] == "园区“CQ-A”不存在，或不在您负责的园区中"
    assert inventory_counts() == before
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_only_operator_admins_create_parks(bob, alice):
    result = run(bob, {"园区": [PARK_H, ["NEW-01", "新建产业园", "重庆市", "巴南区", 1]]})
    assert where(result.errors) == {("园区", 2, "园区编码")}
    assert not Park.objects.filter(code="NEW-01").exists()
    assert run(alice, {"园区": [PARK_H, ["NEW-01", "新建产业园", "重庆市", "巴南区", 1]]}).ok


@pytest.mark.django_db
def test_role_without_space_rights_cannot_import(carol, park_a):
    result = run(carol, {"单元": [UNIT_H]})
    assert [e.message for e in result.errors] == ["您的角色无权导入空间数据。"]


# --- Views ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("bob", 200), ("carol", 403), ("dave", 200), ("erin", 403), ("anonymous", 302)],
)
def test_import_form_access_by_persona(client_for, persona, status):
    assert client_for(persona).get(reverse("parks:import")).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["carol", "erin", "anonymous"])
def test_denied_import_post_writes_nothing(client_for, persona):
    upload = SimpleUploadedFile("空间.xlsx", workbook(clean_inventory()).getvalue())
    response = client_for(persona).post(reverse("parks:import"), {"file": upload})
    assert response.status_code in (302, 403)
    assert not Park.objects.filter(code="NEW-01").exists()
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_import_through_the_page_then_download_errors(client_for, park_a):
    client = client_for("alice")
    ok = client.post(
        reverse("parks:import"), {"file": SimpleUploadedFile("a.xlsx", workbook(clean_inventory()).getvalue())}
    )
    assert ok.status_code == 200
    assert "导入成功" in ok.content.decode()

    sheets = clean_inventory()
    sheets["单元"][1][4] = "abc"
    bad = client.post(reverse("parks:import"), {"file": SimpleUploadedFile("b.xlsx", workbook(sheets).getvalue())})
    page = bad.content.decode()
    assert bad.status_code == 200
    assert "发现 1 处错误，未写入任何数据" in page
    assert "“abc”不是有效的数字" in page

    download = client.get(reverse("parks:import") + "?errors=xlsx")
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows == [("工作表", "行号", "列", "错误说明"), ("单元", 2, "面积（m²）", "“abc”不是有效的数字")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "data", "message"),
    [
        (None, b"", {}, "请选择要导入的文件。"),
        ("a.txt", b"hello", {}, "仅支持 .xlsx 或 .csv 文件。"),
        ("a.xls", b"hello", {}, "不支持旧版 .xls 文件"),
        ("a.csv", b"x", {}, "CSV 文件请选择数据类型"),
        ("big.xlsx", b"x" * (1024 * 1024 + 1), {}, "文件不能超过 1 MB"),
    ],
)
def test_import_form_errors_are_clear(client_for, settings, name, content, data, message):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    if name is not None:
        data = {**data, "file": SimpleUploadedFile(name, content)}
    response = client_for("alice").post(reverse("parks:import"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_template_workbook_has_the_four_sheets_examples_and_dropdowns(client_for):
    response = client_for("bob").get(reverse("parks:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["园区", "楼栋", "楼层", "单元", "说明"]
    for kind in InventoryKind:
        ws = wb[zh(kind.label)]
        headers = [c.value.rstrip("*") for c in ws[1]]
        assert headers == [zh(col.header) for col in SHEETS[kind]]
        assert str(ws.cell(row=2, column=1).value).startswith("#")
    lists = {str(dv.sqref): dv.formula1 for dv in wb["楼栋"].data_validations.dataValidation}
    assert lists["D3:D20000"] == '"多层框架,单层钢结构,高层"'
    assert lists["I3:I20000"] == '"是,否"'


@pytest.mark.django_db
def test_template_as_is_imports_nothing_and_without_the_hashes_imports_cleanly(alice, client_for):
    content = client_for("alice").get(reverse("parks:import_template")).content
    assert (
        import_inventory(user=alice, stream=io.BytesIO(content), filename="t.xlsx").errors[0].message
        == "文件中没有数据行。"
    )

    wb = load_workbook(io.BytesIO(content))
    for kind in InventoryKind:
        cell = wb[zh(kind.label)].cell(row=2, column=1)
        cell.value = cell.value.lstrip("#")
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    result = import_inventory(user=alice, stream=buffer, filename="t.xlsx")
    assert result.ok, result.errors
    assert result.warnings == []
    assert {k: c.created for k, c in result.counts.items()} == {"park": 1, "building": 1, "floor": 1, "unit": 1}


@pytest.mark.django_db
def test_csv_template_per_kind(client_for):
    response = client_for("dave").get(reverse("parks:import_template") + "?kind=floor")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(zh(c.header) for c in SHEETS[InventoryKind.FLOOR])


@pytest.mark.django_db
def test_english_headers_and_loose_spelling_are_accepted(alice, park_a):
    data = csv_bytes(
        [
            ["Park code", "Building code", "结构类型*", "地上 层数", "耐火等级", "设计火灾危险性类别"],
            ["CQ-A", "E1", "高层", 8, "一级", "丙"],
        ],
        "utf-8",
    )
    result = import_inventory(user=alice, stream=io.BytesIO(data), filename="b.csv", kind=InventoryKind.BUILDING)
    assert result.ok, result.errors
    assert result.warnings == []
    assert Building.objects.get(park=park_a, code="E1").storeys == 8


# --- The framework's promises, for this importer (Ref: #12, #13 items 4 and 9) ----------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_encoding_and_xlsx_imports(dave, park_b, fmt):
    building = BuildingFactory(park=park_b, code="B1")
    FloorFactory(building=building, level=1, area_sqm=Decimal(3000))
    content, name = table_file([UNIT_H, ["CD-B", "B1-101", "B1", 1, 800, 250, "D级", 21.5]], fmt, sheet="单元")
    result = import_inventory(user=dave, stream=io.BytesIO(content), filename=name, kind=InventoryKind.UNIT)
    assert result.ok, result.errors
    unit = Unit.objects.get(park=park_b, code="B1-101")
    assert (unit.area_sqm, unit.cleanroom_grade, unit.rent_yuan_per_sqm_month) == (Decimal(800), "D", Decimal("21.5"))


@pytest.mark.django_db
def test_areas_in_square_metres_and_mu_import_identically(dave, park_b):
    building = BuildingFactory(park=park_b, code="B1")
    FloorFactory(building=building, level=1, area_sqm=Decimal(5000))
    for code, header, area in (("U-SQM", "面积（m²）", "1000"), ("U-MU", "面积（亩）", "1.5")):
        rows = [["园区编码", "单元编号", "楼栋编号", "所在楼层", header], ["CD-B", code, "B1", 1, area]]
        result = import_inventory(
            user=dave, stream=io.BytesIO(table_csv(rows)), filename="u.csv", kind=InventoryKind.UNIT
        )
        assert result.ok, result.errors
    assert Unit.objects.get(code="U-SQM").area_sqm == Unit.objects.get(code="U-MU").area_sqm == Decimal("1000.00")


@pytest.mark.django_db
def test_a_unit_a_column_cannot_take_is_refused(alice, park_a):
    rows = [["园区编码", "单元编号", "面积（万元）", "租金（元/亩）"], ["CQ-A", "X1", 1, 1]]
    result = import_inventory(user=alice, stream=io.BytesIO(table_csv(rows)), filename="u.csv", kind=InventoryKind.UNIT)
    assert {e.column for e in result.errors} == {"面积（万元）", "租金（元/亩）"}
    assert "单位应为“元/m²·月”" in next(e.message for e in result.errors if e.column == "租金（元/亩）")
    assert not Unit.objects.filter(code="X1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name"), [(b"PK\x03\x04broken", "x.xlsx"), (b"\xff\x00\xfe" * 40, "x.csv")])
def test_malformed_file_gives_a_clear_error_and_writes_nothing(alice, content, name):
    before = inventory_counts()
    result = import_inventory(user=alice, stream=io.BytesIO(content), filename=name, kind=InventoryKind.UNIT)
    assert not result.ok
    assert result.errors[0].message
    assert inventory_counts() == before
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_workbook_without_dimension_is_refused_quickly(alice):
    # Ref: #13 item 4 — a 4.6 MB workbook without <dimension> held this import for 268 s.
    content = no_dimension_xlsx(PARK_H, [["NEW-01", "新建产业园", "重庆市", "巴南区", 1]])
    result = import_inventory(user=alice, stream=io.BytesIO(content), filename="p.xlsx")
    assert not result.ok
    assert not Park.objects.filter(code="NEW-01").exists()


@pytest.mark.django_db
def test_dry_run_reports_what_would_change_and_writes_nothing(alice):
    before = inventory_counts()
    result = import_inventory(user=alice, stream=workbook(clean_inventory()), filename="a.xlsx", dry_run=True)
    assert result.ok
    assert result.dry_run
    assert {k: c.created for k, c in result.counts.items()} == {"park": 1, "building": 1, "floor": 2, "unit": 3}
    assert inventory_counts() == before
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_large_file_goes_to_the_background_worker(client_for, settings):
    settings.IMPORT_BACKGROUND_MB = 0
    client = client_for("alice")
    upload = SimpleUploadedFile("big.xlsx", workbook(clean_inventory()).getvalue())
    response = client.post(reverse("parks:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("parks:import_job", args=[job.pk])
    assert not Park.objects.filter(code="NEW-01").exists()
    run_job(job.pk)  # what `manage.py db_worker` does
    job.refresh_from_db()
    assert job.status == "done"
    assert job.counts["unit"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert Unit.objects.filter(park__code="NEW-01").count() == 3
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_a_background_job_with_errors_is_rejected_with_a_report(alice, client_for):
    sheets = clean_inventory()
    sheets["单元"][1][4] = "abc"
    job = create_job(user=alice, upload=workbook(sheets), name="bad.xlsx", kind=None)
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_count) == ("rejected", 1)
    assert not Park.objects.filter(code="NEW-01").exists()
    report = client_for("alice").get(reverse("parks:import_job", args=[job.pk]) + "?report=xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("行号", *UNIT_H, "错误")
    assert rows[1][0] == 2
    assert rows[1][-1] == "面积（m²）：“abc”不是有效的数字"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("bob", 404), ("carol", 403), ("erin", 403), ("anonymous", 302)]
)
def test_job_page_access(client_for, dave, persona, status):
    # dave's job: other people (but operator admins) do not see it.
    job = ImportJob.objects.create(importer="parks.inventory", original_name="dave.xlsx", created_by=dave)
    response = client_for(persona).get(reverse("parks:import_job", args=[job.pk]))
    assert response.status_code == status
    if status != 200:
        assert "dave.xlsx" not in response.content.decode()
