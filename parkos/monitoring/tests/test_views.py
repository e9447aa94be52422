"""The monitoring pages through the personas: who sees what, and the pages render what they should."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.core.importing.jobs import run_job
from parkos.core.models import ImportJob
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.monitoring import alarms
from parkos.monitoring.choices import AlarmStatus, MeterKind, ReadingSource, RuleKind
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import Alarm, AlarmRule, Gateway, Meter, MeterDevice, Reading, RejectedReading
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meter(park_a):
    meter = MeterFactory(park=park_a, code="E-A1-101", name="A1-101 电表")
    now = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    readings = [RawReading(meter.code, now - datetime.timedelta(minutes=15 * i), 1000.0 - 2 * i) for i in range(40)]
    ingest_readings(park=park_a, readings=readings, source=ReadingSource.API)
    return meter


PAGES = [
    ("monitoring:dashboard", {}),
    ("monitoring:meter_list", {}),
    ("monitoring:alarm_list", {}),
    ("monitoring:rule_list", {}),
    ("monitoring:gateway_list", {}),
    ("monitoring:reject_list", {}),
    ("monitoring:energy", {}),
    ("monitoring:notifications", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_staff_pages_render_and_tenants_are_refused(client_for, meter, name, kwargs):
    assert client_for("bob").get(reverse(name, kwargs=kwargs)).status_code == 200
    assert client_for("erin").get(reverse(name, kwargs=kwargs)).status_code == 403
    assert client_for("anonymous").get(reverse(name, kwargs=kwargs)).status_code == 302


def test_meter_page_and_series_in_other_parks_are_hidden(client_for, meter):
    url = reverse("monitoring:meter_detail", args=[meter.pk])
    page = client_for("bob").get(url)
    assert page.status_code == 200
    assert "E-A1-101" in page.content.decode()
    assert client_for("dave").get(url).status_code == 404
    series = client_for("bob").get(reverse("monitoring:meter_series", args=[meter.pk]) + "?range=24h")
    data = series.json()
    assert data["resolution"] == "raw"
    assert data["counter"] is True
    assert sum(v for v in data["values"] if v) == pytest.approx(2.0 * 39, abs=2.0 * 4)  # the last 24 h of 39 steps


def test_series_resolution_follows_the_range(client_for, meter):
    url = reverse("monitoring:meter_series", args=[meter.pk])
    assert client_for("bob").get(url + "?range=7d").json()["resolution"] == "hour"
    assert client_for("bob").get(url + "?range=1y").json()["resolution"] == "day"
    assert client_for("bob").get(url + "?range=3y").json()["resolution"] == "month"
    export = client_for("bob").get(url + "?range=7d&format=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "kWh" in export.content.decode("utf-8-sig").splitlines()[0]


def test_dashboard_data_moves_with_new_readings(client_for, meter, park_a):
    url = reverse("monitoring:dashboard_data") + f"?park={park_a.pk}"
    before = client_for("bob").get(url).json()
    assert before["meters"] == 1
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    ingest_readings(park=park_a, readings=[RawReading(meter.code, now, 1100.0)], source=ReadingSource.MQTT)
    after = client_for("bob").get(url).json()
    assert after["today_kwh"] > before["today_kwh"] or after["load"]["kwh"] != before["load"]["kwh"]


def test_facilities_operator_creates_a_meter_with_its_device(client_for, frank, park_a):
    response = client_for("frank").post(
        reverse("monitoring:meter_create"),
        {
            "park": park_a.pk,
            "code": "W-NEW",
            "name": "新水表",
            "kind": MeterKind.WATER,
            "expected_interval_s": 900,
            "serial_number": "SN-1",
            "multiplier": "1",
            "initial_reading": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meter = Meter.objects.get(code="W-NEW")
    assert (meter.measure, meter.measure_unit) == ("counter", "m³")
    assert MeterDevice.objects.get(meter=meter).serial_number == "SN-1"


def test_investment_officer_cannot_create_a_meter(client_for, park_a):
    response = client_for("carol").post(
        reverse("monitoring:meter_create"), {"park": park_a.pk, "code": "X", "name": "x", "kind": "water"}
    )
    assert response.status_code == 403
    assert not Meter.objects.filter(code="X").exists()


def test_gateway_token_is_shown_once(client_for, frank, park_a):
    response = client_for("frank").post(
        reverse("monitoring:gateway_list"), {"park": park_a.pk, "code": "GW9", "name": "九号网关"}
    )
    token = response.context["token"]
    assert token.startswith("pkg_")
    gateway = Gateway.objects.get(code="GW9")
    assert gateway.token_hash != token
    assert token not in client_for("frank").get(reverse("monitoring:gateway_list")).content.decode()


def test_alarm_acknowledge_and_close_through_the_page(client_for, frank, park_a, meter):
    rule = AlarmRule.objects.create(park=park_a, name="需量", kind=RuleKind.THRESHOLD, meter=meter, upper=1)
    alarm = alarms.raise_alarm(
        rule=rule, meter=meter, at=datetime.datetime.now(datetime.UTC), value=5, message="需量过高"
    )
    client = client_for("frank")
    client.post(reverse("monitoring:alarm_action", args=[alarm.pk, "acknowledge"]), {"text": "已安排检查"})
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.ACKNOWLEDGED
    client.post(reverse("monitoring:alarm_action", args=[alarm.pk, "close"]), {"text": "误报"})
    page = client.get(reverse("monitoring:alarm_detail", args=[alarm.pk])).content.decode()
    assert "已安排检查" in page
    assert "误报" in page
    assert Alarm.objects.get(pk=alarm.pk).status == AlarmStatus.CLOSED


def test_manual_reading_upload_is_idempotent(client_for, frank, park_a):
    meter = MeterFactory(park=park_a, code="W-A1", kind=MeterKind.WATER)
    sheet = "表计编号,抄表时间,读数\nW-A1,2026-03-01 08:00,100\nW-A1,2026-03-02 08:00,112.5\nNOPE,2026-03-02 08:00,1\n".encode(
        "gbk"
    )

    def upload():
        return client_for("frank").post(
            reverse("monitoring:reading_upload"), {"park": park_a.pk, "file": SimpleUploadedFile("抄表.csv", sheet)}
        )

    first = upload().context["result"]
    assert (first.created, first.error_count) == (2, 1)
    assert "NOPE" in first.errors[0].message
    second = upload().context["result"]
    assert (second.created, second.unchanged, second.error_count) == (0, 2, 1)
    assert meter.hourlyrollup_set.get().total == 12.5
    assert RejectedReading.objects.filter(meter_code="NOPE").count() == 1  # refused again, kept once


def test_a_large_sheet_of_readings_goes_to_the_worker(client_for, frank, park_a, settings, tmp_path):
    settings.IMPORT_BACKGROUND_MB = 0
    settings.MEDIA_ROOT = tmp_path
    MeterFactory(park=park_a, code="W-A1", kind=MeterKind.WATER)
    sheet = "表计编号,抄表时间,读数\nW-A1,2026-03-01 08:00,100\nW-A1,2026-03-02 08:00,90\n".encode()
    client = client_for("frank")
    response = client.post(
        reverse("monitoring:reading_upload"), {"park": park_a.pk, "file": SimpleUploadedFile("抄表.csv", sheet)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:reading_import_job", args=[job.pk])
    assert (job.importer, job.options) == ("monitoring.readings", {"park": park_a.pk})
    assert not Reading.objects.exists()
    run_job(job.pk)  # what `manage.py db_worker` does
    job.refresh_from_db()
    assert job.status == "done"
    assert Reading.objects.count() == 1
    reject = RejectedReading.objects.get()  # the counter went backwards: kept with its reason
    assert (reject.raw_value, reject.reason) == ("90.0", "backwards")
    page = client.get(response["Location"]).content.decode()
    assert "累计读数倒退：读数 90.0 小于" in page  # the refused row, with its reason, on the job's page


def test_rejects_read_in_the_readers_language(client_for, meter, park_a):
    later = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    # Between the readings of 998 and 1000: 500 is a step back, neither a reset nor a roll-over.
    refused = [RawReading(meter.code, later - datetime.timedelta(minutes=5), 500.0), RawReading("E-404", later, 1.0)]
    ingest_readings(park=park_a, readings=refused, source=ReadingSource.API)
    backwards = RejectedReading.objects.get(reason="backwards")
    assert backwards.detail.startswith("读数 500.0 小于 ")  # the Chinese words are stored beside the code
    client = client_for("bob")
    chinese = client.get(reverse("monitoring:reject_list")).content.decode()
    assert "园区内没有表计 E-404" in chinese
    assert "的读数 998.0，且不像表计清零或翻转" in chinese
    client.cookies["django_language"] = "en"
    for url in (reverse("monitoring:reject_list"), reverse("monitoring:meter_detail", args=[meter.pk])):
        english = client.get(url).content.decode()
        assert "Reading 500.0 is below the reading of 998.0 at" in english
        assert "neither a reset nor a roll-over" in english
        assert "读数" not in english
    assert "No meter E-404 in this park" in client.get(reverse("monitoring:reject_list")).content.decode()


def test_reading_import_job_is_scoped_to_its_park(client_for, park_a, park_b):
    job = ImportJob.objects.create(importer="monitoring.readings", original_name="a.csv", options={"park": park_a.pk})
    url = reverse("monitoring:reading_import_job", args=[job.pk])
    other_park = Client()
    other_park.force_login(UserFactory(username="gina", role=Role.FACILITIES_OPERATOR, parks=[park_b]))
    assert client_for("frank").get(url).status_code == 200
    assert client_for("carol").get(url).status_code == 403  # no facilities right
    assert other_park.get(url).status_code == 404  # another park's operator
    assert client_for("erin").get(url).status_code == 403


def test_floor_view_colours_units_by_energy(client_for, park_a):
    building = BuildingFactory(park=park_a, code="A9")
    floor = FloorFactory(building=building)
    unit = UnitFactory(floor=floor, building=building, park=park_a, area_sqm=Decimal(100), code="A9-101")
    meter = MeterFactory(park=park_a, unit=unit, building=building)
    now = datetime.datetime.now(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    ingest_readings(
        park=park_a,
        readings=[RawReading(meter.code, now - datetime.timedelta(hours=2), 0.0), RawReading(meter.code, now, 50.0)],
        source=ReadingSource.API,
    )
    page = client_for("bob").get(reverse("monitoring:building", args=[building.pk]))
    html = page.content.decode()
    assert "col-energy-e4" in html
    assert "0.50 kWh/m²" in html


def test_enterprise_page_shows_its_metered_energy_this_month(client_for, park_a):
    metered, unmetered = (EnterpriseFactory(name=n, parks=[park_a], lifecycle="tenant") for n in ("甲制药", "乙器械"))
    meter = MeterFactory(park=park_a, enterprise=metered)
    month_start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    hour = datetime.timedelta(hours=1)
    ingest_readings(
        park=park_a,
        readings=[RawReading(meter.code, month_start, 100.0), RawReading(meter.code, month_start + hour, 150.0)],
        source=ReadingSource.API,
        now=month_start + 2 * hour,
    )
    client = client_for("bob")
    page = client.get(reverse("enterprises:enterprise_detail", args=[metered.pk])).content.decode()
    assert "能耗（本月）" in page
    assert "50.0 kWh" in page
    page = client.get(reverse("enterprises:enterprise_detail", args=[unmetered.pk])).content.decode()
    assert "暂无本企业的表计数据" in page
