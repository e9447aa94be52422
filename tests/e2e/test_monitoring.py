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
from parkos.monitoring import alarms, messages
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
    params = messages.limit_params(
        meter="C级洁净区压差", signal="value", window_s=0, value=4.8, unit="Pa", bound="lower", limit=25, held_s=0
    )
    alarm = alarms.raise_alarm(
        rule=rule, meter=pressure, at=timezone.now(), value=4.8, code=messages.LIMIT, params=dict(params)
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
    # Stored as a code and figures, the alarm is worded in the reader's language.
    expect(page.get_by_role("heading", level=1)).to_contain_text("C级洁净区压差 4.8 Pa < lower limit 25")
    _shoot(page, "alarm-desktop-en")


def test_facilities_operator_uploads_manual_readings(page, park_a, tmp_path):
    UserFactory(username="frank", role=Role.FACILITIES_OPERATOR, parks=[park_a])
    MeterFactory(park=park_a, code="W-A1", name="A1栋水表", kind=MeterKind.WATER)
    sheet = tmp_path / "三月抄表.csv"
    rows = ["表计编号,抄表时间,读数", "W-A1,2026-03-01 08:00,100", "W-A1,2026-03-02 08:00,112.5"]
    sheet.write_bytes("\n".join([*rows, "W-A1,2026-03-03 08:00,90", "W-X9,2026-03-03 08:00,7"]).encode("gbk"))

    login(page, "frank", PASSWORD)
    page.goto("/monitoring/")
    page.locator("nav.subnav").get_by_role("link", name="人工抄表导入").click()
    page.get_by_label("抄表文件（.xlsx 或 CSV）").set_input_files(str(sheet))
    page.get_by_role("button", name="导入").click()
    result = page.get_by_test_id("import-result")
    expect(result).to_contain_text("已导入 2 条，重复 0 条，被拒 2 条")
    expect(page.get_by_test_id("import-errors")).to_contain_text("累计读数倒退")
    expect(page.get_by_test_id("import-errors")).to_contain_text("W-X9")
    _shoot(page, "upload-desktop-zh")

    # The same sheet again: nothing is stored twice.
    page.get_by_label("抄表文件（.xlsx 或 CSV）").set_input_files(str(sheet))
    page.get_by_role("button", name="导入").click()
    expect(result).to_contain_text("已导入 0 条，重复 2 条")

    # The refused readings are kept with their reason.
    page.locator("nav.subnav").get_by_role("link", name="被拒读数").click()
    expect(page.locator("main")).to_contain_text("W-X9")
    expect(page.locator("main")).to_contain_text("累计读数倒退")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/monitoring/readings/import/")
    _shoot(page, "upload-phone-zh")
    page.get_by_test_id("lang-en").click()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/monitoring/readings/import/")
    page.get_by_label("File").set_input_files(str(sheet))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(result).to_contain_text("0 imported, 2 duplicates, 2 rejected.")
    expect(page.get_by_test_id("import-errors")).to_contain_text("Reading 90.0 is below the reading of 112.5")
    expect(page.get_by_test_id("import-errors")).not_to_contain_text("读数")
    _shoot(page, "upload-desktop-en")
    # The refusals read in English: a reason without a detail of its own, and the details of the others.
    page.goto("/monitoring/rejects/")
    main = page.locator("main")
    expect(main).to_contain_text("Unknown meter")
    expect(main).to_contain_text("No meter W-X9 in this park")
    expect(main).to_contain_text("Reading 90.0 is below the reading of 112.5 at 2026-03-02 08:00")
    for chinese in ("未知表计", "没有表计", "读数"):
        expect(main).not_to_contain_text(chinese)
    _shoot(page, "rejects-desktop-en")
