import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from parkos.core.models import AuditEntry
from parkos.parks.choices import Occupancy
from parkos.parks.listing import unit_rows
from parkos.parks.models import Building, Unit
from parkos.parks.selectors import lettable_and_vacant_area, park_kpis, unit_search
from parkos.parks.services import space_set_occupancy
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, LandParcelFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def building_a(park_a):
    building = BuildingFactory(park=park_a, code="A1", storeys=6)
    for level in range(1, 7):
        floor = FloorFactory(building=building, level=level, area_sqm=Decimal(3000))
        for n in range(1, 4):
            UnitFactory(floor=floor, code=f"A1-{level}{n:02d}", area_sqm=Decimal(900))
    return building


def _stacking_plan_queries(client, building):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("parks:building_detail", args=[building.pk]))
    assert response.status_code == 200
    return len(ctx), response


def test_stacking_plan_query_count_is_independent_of_unit_count(client_for, building_a):
    client = client_for("bob")
    queries_18, response = _stacking_plan_queries(client, building_a)
    assert response.content.decode().count('class="unit-block') == 18
    for level in range(1, 7):
        floor = building_a.floors.get(level=level)
        for n in range(4, 15):
            UnitFactory(floor=floor, code=f"A1-{level}{n:02d}", area_sqm=Decimal(100))
    queries_84, response = _stacking_plan_queries(client, building_a)
    assert response.content.decode().count('class="unit-block') == 84
    assert queries_84 == queries_18
    assert queries_84 <= 12


def test_park_page_shows_kpis(client_for, park_a, building_a):
    page = client_for("bob").get(reverse("parks:park_detail", args=[park_a.pk])).content.decode()
    kpis = park_kpis([park_a.pk])[park_a.pk]
    assert kpis.lettable_area_sqm == Decimal(900 * 18)
    assert kpis.vacancy_rate == Decimal("100.0")
    assert "136.00 亩" in page  # 90,666.67 m²
    assert "100.0%" in page


def test_prices_per_mu_and_rents_read_as_money_in_each_language(client_for, park_a, building_a):
    park_a.industry_focus = "生物医药"  # the facts that hold the thresholds show with a focus
    park_a.min_tax_wan_per_mu_year = Decimal(30)
    park_a.min_investment_wan_per_mu = Decimal(300)
    park_a.save()
    parcel = LandParcelFactory(park=park_a, price_wan_per_mu=Decimal("35.00"))
    client = client_for("bob")
    urls = [reverse("parks:park_detail", args=[park_a.pk]), reverse("parks:parcel_detail", args=[parcel.pk])]
    park, land = (client.get(url).content.decode() for url in urls)
    assert ("30 万元/亩·年" in park, "300 万元/亩" in park, "35 万元/亩" in land) == (True, True, True)
    assert re.search(r"<td class=\"num\">35\.00</td>", park)  # the parcels' column of prices, in 万元/亩
    client.cookies["django_language"] = "en"
    park, land = (client.get(url).content.decode() for url in urls)
    assert ("CNY 300,000/mu·year" in park, "CNY 3 million/mu" in park, "CNY 350,000/mu" in land) == (True, True, True)
    assert "Listed price (CNY million/mu)" in park
    assert re.search(r"<td class=\"num\">0\.35</td>", park)
    stacking = client.get(reverse("parks:building_detail", args=[building_a.pk])).content.decode()
    assert "22.00 CNY/m²·month" in stacking  # the rent in a block's tooltip
    for page in (park, land, stacking):
        assert "10k" not in page
        assert "yuan" not in page
        assert "元" not in page


@pytest.mark.parametrize(
    ("persona", "expected"), [("alice", 200), ("bob", 200), ("carol", 403), ("dave", 404), ("erin", 403)]
)
def test_unit_edit_form_matrix(client_for, building_a, persona, expected):
    unit = Unit.objects.get(code="A1-101")
    client = client_for(persona)
    response = client.post(
        reverse("parks:unit_update", args=[unit.pk]),
        {
            "floor": unit.floor_id,
            "code": unit.code,
            "space_type": "factory",
            "area_sqm": "950",
            "storeys_spanned": 1,
            "power_kva": 150,
            "lettable": "on",
        },
    )
    unit.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert unit.area_sqm == Decimal(950)
    else:
        assert response.status_code == expected
        assert unit.area_sqm == Decimal(900)


def test_unit_form_shows_chinese_errors_and_writes_nothing(client_for, building_a):
    unit = Unit.objects.get(code="A1-101")
    before = AuditEntry.objects.count()
    response = client_for("bob").post(
        reverse("parks:unit_update", args=[unit.pk]),
        {"floor": unit.floor_id, "code": unit.code, "area_sqm": "5000", "storeys_spanned": 1, "power_kva": -1},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "超过所在楼层面积" in body or "超过楼层面积" in body or "确保该值大于或等于0" in body
    assert AuditEntry.objects.count() == before


def test_building_create_form_validates_fire_rules(client_for, park_a):
    response = client_for("bob").post(
        reverse("parks:building_create", args=[park_a.pk]),
        {
            "code": "H9",
            "structure": "high_rise",
            "storeys": 8,
            "basement_storeys": 0,
            "fire_resistance_grade": "1",
            "design_fire_class": "jia",
            "status": "in_use",
            "freight_lift_count": 0,
        },
    )
    assert response.status_code == 200
    assert "甲类生产不得设在高层厂房" in response.content.decode()
    assert not Building.objects.filter(code="H9").exists()


def test_reserve_and_release_through_the_page(client_for, building_a):
    unit = Unit.objects.get(code="A1-101")
    client = client_for("carol")
    client.post(
        reverse("parks:reserve", args=["unit", unit.pk]), {"holder_name": "重庆博腾", "reserved_until": "2099-01-01"}
    )
    page = client.get(reverse("parks:unit_detail", args=[unit.pk])).content.decode()
    assert "已预留" in page
    assert "重庆博腾" in page


def test_archive_is_post_only_and_scoped(client_for, building_a, park_b):
    unit = Unit.objects.get(code="A1-101")
    assert client_for("bob").get(reverse("parks:archive", args=["unit", unit.pk])).status_code == 405
    assert client_for("dave").post(reverse("parks:archive", args=["unit", unit.pk])).status_code == 404
    assert client_for("bob").post(reverse("parks:archive", args=["unit", unit.pk])).status_code == 302
    unit.refresh_from_db()
    assert unit.archived_at is not None


def test_availability_page_lists_and_groups(client_for, building_a):
    client = client_for("bob")
    page = client.get(reverse("parks:availability"), {"area_min": 800}).content.decode()
    assert "找到 18 个单元" in page
    grouped = client.get(reverse("parks:availability"), {"view": "building"}).content.decode()
    assert "A1-101" in grouped
    partial = client.get(
        reverse("parks:availability"), {"area_min": 800}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial
    assert "找到 18 个单元" in partial


def test_api_unit_search_and_crud(client_for, building_a):
    client = client_for("bob")
    data = client.get("/api/parks/units/", {"area_min": 800, "ordering": "-code"}).json()
    assert data["count"] == 18
    assert data["results"][0]["code"] == "A1-603"
    floor = building_a.floors.get(level=1)
    bad = client.post(
        "/api/parks/units/",
        json.dumps({"floor": floor.pk, "code": "A1-199", "area_sqm": "400"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "超过楼层面积" in json.dumps(bad.json(), ensure_ascii=False)
    ok = client.post(
        "/api/parks/units/",
        json.dumps({"floor": building_a.floors.get(level=6).pk, "code": "A1-699", "area_sqm": "200"}),
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["status"] == "available"


def test_api_denies_other_parks_buildings(client_for, building_a):
    assert client_for("dave").get(f"/api/parks/buildings/{building_a.pk}/").status_code == 404
    before = Building.objects.get(pk=building_a.pk).name
    response = client_for("dave").patch(
        f"/api/parks/buildings/{building_a.pk}/", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 404
    assert Building.objects.get(pk=building_a.pk).name == before


def test_lettable_and_vacant_area_agrees_with_park_kpis(park_a, park_b, building_a):

    today = datetime.date(2026, 11, 25)
    with transaction.atomic():
        for unit in Unit.objects.filter(park=park_a).order_by("code")[:5]:
            space_set_occupancy(
                space=unit, occupancy=Occupancy.LEASED, occupied_from=today, occupied_until=datetime.date(2029, 1, 1)
            )
    kpis = park_kpis([park_a.pk], day=today)[park_a.pk]
    expected = {park_a.pk: (kpis.lettable_area_sqm, kpis.vacant_area_sqm)}
    assert lettable_and_vacant_area([park_a.pk], day=today) == expected
    assert kpis.vacant_area_sqm == Decimal(900 * 13)
    assert lettable_and_vacant_area([park_b.pk], day=today) == {}  # no lettable units
    assert lettable_and_vacant_area(None, day=today) == expected


#: The availability list's row as its template rendered it before `parks.listing` took over.
_TEMPLATE_ROW = """{% load parkos_tags parks_tags %}{% for u in units %}<tr>
<td><a href="{% url 'parks:unit_detail' u.pk %}">{{ u.code }}</a></td>
<td>{{ u.park.name }}<br><small>{{ u.park.city }} · {{ u.building }} · {{ u.floor.level_label }}</small></td>
<td class="num">{{ u.area_sqm|sqm }}</td><td class="num">{{ u.floor.floor_load_kn_m2 }}</td>
<td class="num">{{ u.floor.clear_height_m }}</td><td class="num">{{ u.power_kva }}</td>
<td>{{ u.get_design_fire_class_display }}</td><td>{{ u.cleanroom_grade|default:"—" }}</td>
<td class="num">{{ u.rent_yuan_per_sqm_month|default:"—" }}</td><td>{% status_badge u.status_now %}</td>
</tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_availability_rows_render_as_the_template_did(park_a, language):
    building = BuildingFactory(park=park_a, code="B<2>", name="", storeys=4, basement_storeys=1)
    basement = FloorFactory(
        building=building, level=-1, floor_load_kn_m2=Decimal("7.5"), clear_height_m=Decimal("4.25")
    )
    upper = FloorFactory(building=building, level=3)
    UnitFactory(floor=basement, code="B-01&<i>", area_sqm=Decimal("1234.5"), rent_yuan_per_sqm_month=None)
    UnitFactory(floor=upper, code="B-301", cleanroom_grade="D", rent_yuan_per_sqm_month=Decimal("18.50"))
    leased = UnitFactory(floor=upper, code="B-302", power_kva=0)
    space_set_occupancy(
        space=leased, occupancy=Occupancy.LEASED, occupied_from=datetime.date(2024, 1, 1), occupied_until=None
    )
    units = unit_search(Unit.objects.filter(park=park_a)).order_by("code")
    with translation.override(language):
        expected = Template(_TEMPLATE_ROW).render(Context({"units": units}))
        rows = "".join(unit_rows(unit_search(Unit.objects.filter(park=park_a)).order_by("code")[:100]))
    assert rows == re.sub(r">\s+<", "><", expected)
    assert "&lt;i&gt;" in rows  # stored text escaped
    assert rows.count("<tr>") == 3
