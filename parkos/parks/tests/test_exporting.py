"""Exports: filtered lists to .xlsx, and the full inventory in the import format (round trip)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkos.core.models import AuditEntry
from parkos.parks.choices import CleanroomGrade, FireHazardClass
from parkos.parks.importing import import_inventory
from parkos.parks.models import Building, Floor, Park, Unit
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, ParkFactory, UnitFactory


def rows_of(response, sheet: str | None = None) -> list[tuple]:
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[sheet] if sheet else wb.active
    return list(ws.iter_rows(values_only=True))


def column(rows: list[tuple], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def inventory(park_a, park_b):
    """Two parks with varied space, including a basement floor, a cleanroom and a spanning unit."""
    a1 = BuildingFactory(park=park_a, code="A1", basement_storeys=1)
    a1_1 = FloorFactory(building=a1, level=1, area_sqm=Decimal(3000))
    a1_2 = FloorFactory(building=a1, level=2, area_sqm=Decimal(3000), clear_height_m=Decimal("5.4"))
    FloorFactory(building=a1, level=-1, area_sqm=Decimal(2000), floor_load_kn_m2=Decimal(5), clear_height_m=Decimal(4))
    UnitFactory(floor=a1_1, code="A1-101", area_sqm=Decimal(500))
    UnitFactory(
        floor=a1_1,
        code="A1-102",
        area_sqm=Decimal(1200),
        cleanroom_grade=CleanroomGrade.C,
        for_sale=True,
        sale_price_yuan_per_sqm=Decimal(4800),
    )
    UnitFactory(floor=a1_2, code="A1-201", area_sqm=Decimal(2500), storeys_spanned=2, rent_yuan_per_sqm_month=None)
    b1 = BuildingFactory(park=park_b, code="B1", design_fire_class=FireHazardClass.DING)
    UnitFactory(floor=FloorFactory(building=b1, level=1, area_sqm=Decimal(2000)), code="B1-101", area_sqm=Decimal(900))
    park_a.welcomed_industry_codes = ["27", "358"]
    park_a.rent_min_yuan_per_sqm_month = Decimal(18)
    park_a.save()
    return park_a, park_b


# --- Filtered lists ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unit_export_contains_exactly_the_filtered_rows(client_for, inventory):
    response = client_for("alice").get(reverse("parks:unit_export"), {"area_min": "800", "sort": "area_sqm"})
    assert response.status_code == 200
    rows = rows_of(response)
    assert rows[0][:5] == ("园区", "楼栋", "楼层", "单元编号", "状态")
    assert column(rows, "单元编号") == ["B1-101", "A1-102", "A1-201"]
    assert column(rows, "面积（m²）") == [900, 1200, 2500]
    assert set(column(rows, "状态")) == {"可租售"}


@pytest.mark.django_db
def test_unit_export_is_scoped_to_the_persons_parks(client_for, inventory):
    rows = rows_of(client_for("bob").get(reverse("parks:unit_export")))
    assert sorted(column(rows, "单元编号")) == ["A1-101", "A1-102", "A1-201"]


@pytest.mark.django_db
def test_unit_export_with_invalid_filters_falls_back_like_the_list(client_for, inventory):
    rows = rows_of(client_for("dave").get(reverse("parks:unit_export"), {"area_min": "lots"}))
    assert column(rows, "单元编号") == ["B1-101"]


@pytest.mark.django_db
def test_park_export_contains_exactly_the_filtered_rows_with_kpis(client_for, inventory):
    ParkFactory(code="CD-C", name="成都第三园", city="成都市")
    response = client_for("alice").get(reverse("parks:park_export"), {"city": "成都市", "sort": "-name"})
    rows = rows_of(response)
    assert column(rows, "园区编码") == ["CD-C", "CD-B"]
    assert column(rows, "单元数") == [0, 1]
    assert "filename*=UTF-8''%E5%9B%AD%E5%8C%BA-" in response["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("bob", 200), ("carol", 200), ("dave", 200), ("erin", 403), ("anonymous", 302)],
)
@pytest.mark.parametrize(
    "name", ["parks:unit_export", "parks:park_export", "parks:inventory_export", "parks:import_template"]
)
def test_exports_by_persona(client_for, persona, status, name):
    assert client_for(persona).get(reverse(name)).status_code == status


# --- Inventory round trip ------------------------------------------------------------------------


@pytest.mark.django_db
def test_inventory_export_is_in_the_template_format_and_scoped(client_for, inventory):
    response = client_for("bob").get(reverse("parks:inventory_export"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["园区", "楼栋", "楼层", "单元"]
    parks = list(wb["园区"].iter_rows(values_only=True))
    assert column(parks, "园区编码") == ["CQ-A"]
    assert column(parks, "鼓励入驻的行业代码") == ["27,358"]
    floors = list(wb["楼层"].iter_rows(values_only=True))
    assert column(floors, "楼层") == [-1, 1, 2]
    units = list(wb["单元"].iter_rows(values_only=True))
    assert column(units, "洁净条件") == [None, "C级（万级，ISO 7）", None]
    assert column(units, "可出售") == ["否", "是", "否"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "dave"])
def test_export_then_import_changes_nothing(client_for, personas, inventory, persona):
    before = {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at")) for model in (Park, Building, Floor, Unit)
    }
    content = client_for(persona).get(reverse("parks:inventory_export")).content

    result = import_inventory(user=personas[persona], stream=io.BytesIO(content), filename="清单.xlsx")

    assert result.ok, result.errors
    assert result.changed == 0
    assert sum(c.unchanged for c in result.counts.values()) > 0
    assert AuditEntry.objects.count() == 0
    after = {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at")) for model in (Park, Building, Floor, Unit)
    }
    assert after == before


@pytest.mark.django_db
def test_exported_inventory_recreates_itself_as_a_new_park(client_for, alice, inventory):
    """Rename the park code in an export and import it: an identical copy of park A appears."""
    park_a, _park_b = inventory
    content = client_for("alice").get(reverse("parks:inventory_export"), {"park": park_a.pk}).content
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for cell in ws["A"][1:]:
            assert cell.value == "CQ-A"
            cell.value = "CQ-COPY"
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)

    result = import_inventory(user=alice, stream=buffer, filename="清单.xlsx")

    assert result.ok, result.errors
    assert {k: c.created for k, c in result.counts.items()} == {"park": 1, "building": 1, "floor": 3, "unit": 3}
    fields = (
        "code", "building__code", "floor__level", "area_sqm", "storeys_spanned", "power_kva", "cleanroom_grade",
        "rent_yuan_per_sqm_month", "sale_price_yuan_per_sqm", "for_sale", "lettable", "design_fire_class",
    )  # fmt: skip
    assert sorted(Unit.objects.filter(park__code="CQ-COPY").values_list(*fields)) == sorted(
        Unit.objects.filter(park=park_a).values_list(*fields)
    )
    copy = Park.objects.get(code="CQ-COPY")
    assert (copy.name, copy.welcomed_industry_codes, copy.rent_min_yuan_per_sqm_month) == (
        park_a.name,
        ["27", "358"],
        Decimal(18),
    )
