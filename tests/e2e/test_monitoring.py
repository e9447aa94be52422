"""Journey: a facilities operator watches the park dashboard, reads a meter's series at two
resolutions, sees the floor view, and acknowledges then closes a clean-room alarm. Screenshots of the
pages, desktop and phone, Chinese and English, go to var/screenshots/."""

import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import PASSWORD, UserFactory
from parkos.monitoring import alarms
from parkos.monitoring.choices import MeterKind, ReadingSource, RuleKind, Severity
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import AlarmRule
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory
from parkos.parks.tests.factories import BuildingFactory, FloorFactory, UnitFactory
from tests.e2e.conftest import login

SHOTS = Path(settings.VAR_DIR) / "screenshots"


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"monitoring-{name}.png"), full_page=True)


def _park_with_readings(park):
    building = BuildingFactory(park=park, code="C1", name="C1栋（GMP洁净厂房）")
    floor = FloorFactory(building=building)
    unit = UnitFactory(floor=floor, building=building, park=park, code="C1-101")
    main = MeterFactory(park=park, code="E-MAIN", name="园区进线总表")
    unit_meter = MeterFactory(park=park, code="E-C1-101", name="C1-101 电表", unit=unit, building=building, parent=main)
    pressure = MeterFactory(park=park, code="DP-C1-C", name="C级洁净区压差", kind=MeterKind.DIFFERENTIAL_PRESSURE)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    readings = []
    for i in range(48 * 4, -1, -1):
        moment = now - datetime.timedelta(minutes=15 * i)
        step = 48 * 4 - i
        readings += [
            RawReading(main.code, moment, 1000 + 12.5 * step),
            RawReading(unit_meter.code, moment, 200 + 3 * step),
            RawReading(pressure.code, moment, 30 + (step % 7) / 10),
        ]
    ingest_readings(park=park, readings=readings, source=ReadingSource.API)
    rule = AlarmRule.objects.create(
        park=park,
        name="C级洁净区压差下限",
        kind=RuleKind.THRESHOLD,
        meter=pressure,
        lower=25,
        severity=Severity.CRITICAL,
    )
    alarm = alarms.raise_alarm(
        rule=rule, meter=pressure, at=timezone.now(), value=4.8, message="C级洁净区压差 4.8 Pa < 下限 25"
    )
    return building, main, alarm


def test_facilities_operator_watches_and_handles_an_alarm(page, park_a):
    UserFactory(username="frank", role=Role.FACILITIES_OPERATOR, parks=[park_a])
    building, main, alarm = _park_with_readings(park_a)

    login(page, "frank", PASSWORD)
    page.locator("nav.mainnav").get_by_role("link", name="智慧园区").click()
    expect(page.get_by_test_id("open-alarm-count")).to_have_text("1")
    expect(page.locator("#chart-load canvas")).to_have_count(1)
    expect(page.get_by_test_id("open-alarms")).to_contain_text("C级洁净区压差")
    _shoot(page, "dashboard-desktop-zh")

    # A meter's series: a week by the hour, a year by the day.
    page.goto(f"/monitoring/meters/{main.pk}/?range=7d")
    expect(page.get_by_test_id("resolution")).to_contain_text("hour")
    expect(page.locator("#chart-series canvas")).to_have_count(1)
    page.get_by_role("link", name="1y", exact=True).click()
    expect(page.get_by_test_id("resolution")).to_contain_text("day")
    _shoot(page, "meter-desktop-zh")

    # The floor view, coloured by electricity per m².
    page.goto(f"/monitoring/buildings/{building.pk}/")
    expect(page.get_by_test_id("floor-view")).to_contain_text("C1-101")
    expect(page.get_by_test_id("colour-legend")).to_contain_text("kWh/m²")

    # Acknowledge, then close the alarm with a note; the history records both.
    page.goto(f"/monitoring/alarms/{alarm.pk}/")
    page.locator("#id_text").fill("已到现场，关闭了传递窗")
    page.get_by_role("button", name="确认告警").click()
    expect(page.get_by_test_id("alarm-status")).to_contain_text("已确认")
    page.locator("#id_text").fill("压差恢复")
    page.get_by_role("button", name="关闭告警").click()
    expect(page.get_by_test_id("alarm-status")).to_contain_text("已关闭")
    expect(page.get_by_test_id("alarm-history")).to_contain_text("已到现场，关闭了传递窗")
    _shoot(page, "alarm-desktop-zh")

    # Phone width, then English.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/monitoring/")
    expect(page.get_by_test_id("dashboard-kpis")).to_be_visible()
    _shoot(page, "dashboard-phone-zh")
    page.get_by_test_id("lang-en").click()
    page.goto("/monitoring/")
    expect(page.locator("h1")).to_contain_text("Smart park")
    _shoot(page, "dashboard-phone-en")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/monitoring/alarms/{alarm.pk}/")
    _shoot(page, "alarm-desktop-en")
