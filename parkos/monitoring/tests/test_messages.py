"""Alarm messages and the details of refused readings as a code and parameters: worded in the reader's
language, and the texts stored before codes read back by the data migrations (unknown text kept as it is)."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from parkos.monitoring import alarms, messages
from parkos.monitoring.choices import MeterKind, RuleKind
from parkos.monitoring.models import Alarm, AlarmRule, RejectedReading
from parkos.monitoring.tests.factories import MeterFactory

NOW = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)


def limit(**changes):
    base = {
        "meter": "A1-102 总表",
        "signal": "value",
        "window_s": 0,
        "value": 30.0,
        "unit": "°C",
        "bound": "upper",
        "limit": 25.0,
        "held_s": 0,
    }
    return messages.limit_params(**(base | changes))


# Each row: the parameters, the Chinese text (exactly what alarms stored before codes), the English.
MESSAGES = [
    (messages.LIMIT, limit(), "A1-102 总表 30 °C > 上限 25", "A1-102 总表 30 °C > upper limit 25"),
    (
        messages.LIMIT,
        limit(signal="hourly", unit="kWh", value=812.345, held_s=600),
        "A1-102 总表 小时用量 812.3 kWh/h > 上限 25，持续 ≥ 600 秒",
        "A1-102 总表 hourly use 812.3 kWh/h > upper limit 25, for ≥ 600 s",
    ),
    (
        messages.LIMIT,
        limit(signal="rate", unit="Pa", value=-3.5, bound="lower", limit=-2.0),
        "A1-102 总表 变化率 -3.5 Pa/分钟 < 下限 -2",
        "A1-102 总表 rate of change -3.5 Pa/min < lower limit -2",
    ),
    (
        messages.LIMIT,
        limit(signal="mean", window_s=7200, unit="mg/m³"),
        "A1-102 总表 2小时均值 30 mg/m³ > 上限 25",
        "A1-102 总表 2-hour mean 30 mg/m³ > upper limit 25",
    ),
    (
        messages.LIMIT,
        limit(signal="mean", window_s=900, unit="mg/m³"),
        "A1-102 总表 900秒均值 30 mg/m³ > 上限 25",
        "A1-102 总表 900-second mean 30 mg/m³ > upper limit 25",
    ),
    (
        messages.LIMIT,
        limit(signal="pressure_diff", unit="Pa", bound="out", limit=None),
        "A1-102 总表 与上游压差 30 Pa 超限",
        "A1-102 总表 difference to upstream 30 Pa out of limits",
    ),
    (
        messages.LIMIT,
        limit(unit=""),
        "A1-102 总表 30  > 上限 25",
        "A1-102 总表 30  > upper limit 25",
    ),
    (
        messages.NO_DATA,
        {"meter": "A1-102 总表", "minutes": 95, "last": "03-02 10:05"},
        "A1-102 总表 已 95 分钟无数据（最近 03-02 10:05）",
        "No data from A1-102 总表 for 95 minutes (last 03-02 10:05)",
    ),
]


@pytest.mark.parametrize("text", ["需量过高", "温度 30 > 上限 25 之后", "", "A1 已 x 分钟无数据（最近 03-02 10:05）"])
def test_a_text_it_does_not_recognise_is_left_alone(text):
    assert messages.parse_legacy(text) is None


def test_unknown_codes_and_broken_parameters_render_nothing():
    assert messages.render("retired", {}) is None
    assert messages.render(messages.NO_DATA, {"meter": "A1"}) is None
    assert messages.render(messages.LIMIT, dict(limit()) | {"held_s": "600"}) is None
    assert messages.render(messages.LIMIT, None) is None


# --- Alarms raised and alarms stored before codes ------------------------------------------------------


@pytest.fixture
def sensor_rule(park_a):
    sensor = MeterFactory(park=park_a, kind=MeterKind.TEMPERATURE, name="洁净车间温度")
    rule = AlarmRule.objects.create(park=park_a, name="温度", kind=RuleKind.THRESHOLD, meter=sensor, upper=25)
    return sensor, rule


@pytest.mark.django_db
def test_a_raised_alarm_reads_in_the_readers_language(client_for, sensor_rule):
    sensor, rule = sensor_rule
    params = messages.limit_params(
        meter=sensor.name, signal="value", window_s=0, value=30.0, unit="°C", bound="upper", limit=25.0, held_s=0
    )
    alarm = alarms.raise_alarm(rule=rule, meter=sensor, at=NOW, value=30.0, code=messages.LIMIT, params=dict(params))
    assert alarm.message == "洁净车间温度 30 °C > 上限 25"  # the Chinese words are kept beside the code
    client = client_for("bob")
    client.cookies["django_language"] = "en"
    page = client.get(alarm.get_absolute_url()).content.decode()
    heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "洁净车间温度 30 °C &gt; upper limit 25" in heading
    assert "上限" not in page  # nor in the history's "raised" line


def test_history_and_notices_in_the_readers_language():
    raised = "洁净车间温度 30 °C > 上限 25"
    with translation.override("en"):
        assert messages.event_text("opened", raised) == "洁净车间温度 30 °C > upper limit 25"
        assert messages.event_text("escalated", "第2级 → 赵运维、钱经理") == "Level 2 → 赵运维、钱经理"
        assert messages.event_text("commented", "第2级 → 已到现场") == "第2级 → 已到现场"  # a person's note
        assert messages.event_text("opened", "需量过高") == "需量过高"
        assert messages.notice_text("Critical", "A1 hourly use", 2) == "[Critical] A1 hourly use (level 2)"
    with translation.override("zh-hans"):
        assert messages.notice_text("紧急", raised, 2) == f"[紧急] {raised}（第2级）"
        assert messages.escalated(1, "赵运维") == "第1级 → 赵运维"


@pytest.mark.django_db
def test_the_migration_gives_recognised_texts_a_code_and_keeps_the_rest(sensor_rule):
    sensor, rule = sensor_rule
    old = Alarm.objects.create(
        park=rule.park,
        rule=rule,
        meter=sensor,
        severity="warning",
        message="洁净车间温度 已 95 分钟无数据（最近 03-02 10:05）",
        opened_at=NOW,
        last_triggered_at=NOW,
    )
    odd = Alarm.objects.create(
        park=rule.park,
        rule=rule,
        meter=sensor,
        severity="warning",
        status="closed",
        message="需量过高",
        opened_at=NOW,
        last_triggered_at=NOW,
    )
    migration = importlib.import_module("parkos.monitoring.migrations.0003_alarm_message_codes")
    migration.codes_from_texts(django_apps, None)
    old.refresh_from_db()
    odd.refresh_from_db()
    assert (old.message_code, old.message_params["minutes"]) == (messages.NO_DATA, 95)
    assert (odd.message_code, odd.message_params, odd.text) == ("", {}, "需量过高")
    with translation.override("en"):
        assert old.text == "No data from 洁净车间温度 for 95 minutes (last 03-02 10:05)"


@pytest.mark.django_db
def test_a_refusal_without_its_own_detail_does_not_repeat_the_reason_in_chinese(park_a):
    bare = RejectedReading(park=park_a, meter_code="W-X9", source=1, reason="unknown_meter", detail="未知表计")
    unread = RejectedReading(
        park=park_a, meter_code="W-A1", source=1, reason="backwards", detail="读数 90.0 小于 100.0"
    )
    with translation.override("en"):
        assert (bare.get_reason_display(), bare.detail_text) == ("Unknown meter", "")
        assert unread.detail_text == "读数 90.0 小于 100.0"  # an old text no code was found for: as written


# --- Details of refused readings -------------------------------------------------------------------------

# Each row: the code, its figures, the Chinese (exactly what ingestion stored before codes), the English.
REJECT_CASES = [
    ("missing_fields", {}, "缺少时间或读数", "The time or the value is missing"),
    ("missing_meter", {}, "缺少表计编号（meter）", "The meter code (meter) is missing"),
    (
        "bad_time",
        {},
        "时间须为带时区的 ISO 8601 或 Unix 秒",
        "The time must be ISO 8601 with a UTC offset, or Unix seconds",
    ),
    ("not_object", {}, "不是读数对象", "Not a reading object"),
    ("bad_json", {}, "不是合法的 JSON", "Not valid JSON"),
    ("unknown_meter", {"meter": "E-9"}, "园区内没有表计 E-9", "No meter E-9 in this park"),
    ("foreign_meter", {}, "该表计指定由其他网关上报", "This meter reports through another gateway"),
    (
        "unknown_topic",
        {"topic": "parkos/CQ/GW9/readings"},
        "主题 parkos/CQ/GW9/readings 没有对应的启用网关",
        "No active gateway for the topic parkos/CQ/GW9/readings",
    ),
    (
        "too_old",
        {"cutoff": "2023-03-01"},
        "早于数据保留起点 2023-03-01",
        "Earlier than the retained data, which starts on 2023-03-01",
    ),
    (
        "future",
        {"at": "2026-03-10 09:00"},
        "2026-03-10 09:00 晚于服务器时间",
        "2026-03-10 09:00 is later than the server's time",
    ),
    (
        "batch_conflict",
        {"kept": "20.0"},
        "同一批次中该时间已有读数 20.0",
        "The batch already holds a reading of 20.0 at this time",
    ),
    (
        "stored_conflict",
        {"kept": "20.0", "value": "25.0"},
        "该时间已有读数 20.0，新读数 25.0 未采用",
        "A reading of 20.0 is already stored at this time; the new reading 25.0 was not taken",
    ),
    (
        "device_change",
        {"old_from": "900.0", "old_to": "950.0", "new_from": "0.0", "value": "-5.0"},
        "换表前后读数不连续：旧表 900.0→950.0，新表起始 0.0，读数 -5.0",
        "The readings do not continue across the device change: old device 900.0→950.0, new device from 0.0, "
        "reading -5.0",
    ),
    (
        "backwards",
        {"value": "90.0", "at": "2026-03-02 08:00", "previous": "100.0"},
        "读数 90.0 小于 2026-03-02 08:00 的读数 100.0，且不像表计清零或翻转",
        "Reading 90.0 is below the reading of 100.0 at 2026-03-02 08:00, and is neither a reset nor a roll-over",
    ),
    (
        "no_device",
        {"at": "2026-03-01 08:00"},
        "2026-03-01 08:00 该测点没有在装表具",
        "No device was installed at this point at 2026-03-01 08:00",
    ),
    (
        "out_of_range",
        {"value": "120", "low": "-40", "high": "85"},
        "数值 120 超出量程 [-40, 85]",
        "Value 120 is outside the range [-40, 85]",
    ),
    (
        "step",
        {"change": "+12.5", "limit": "5"},
        "较上一读数变化 +12.5，超过 5",
        "Changed by +12.5 from the previous reading, more than 5",
    ),
    (
        "late_above_next",
        {"value": "130.0", "at": "2026-03-01 09:00", "next": "120.0"},
        "补传读数 130.0 大于之后 2026-03-01 09:00 的读数 120.0",
        "Late reading 130.0 is above the later reading of 120.0 at 2026-03-01 09:00",
    ),
    (
        "rate",
        {"hours": "0.25", "used": "500", "per_hour": "2000", "limit": "1500"},
        "0.25 小时用量 500，折合每小时 2000，超过上限 1500",
        "Used 500 in 0.25 hours, 2000 per hour, above the limit of 1500",
    ),
]


def test_every_detail_has_a_case():
    assert sorted(case[0] for case in REJECT_CASES) == sorted(messages.REJECT_DETAILS)


# Alarm messages and refusals' details alike: (words it, reads the old texts back, case).
STORED_WORDS = [(messages.render, messages.parse_legacy, *case) for case in MESSAGES] + [
    (messages.reject_detail, messages.parse_reject_legacy, *case) for case in REJECT_CASES
]


@pytest.mark.parametrize(("words", "parse", "code", "params", "chinese", "english"), STORED_WORDS)
def test_a_message_is_worded_in_the_readers_language(words, parse, code, params, chinese, english):
    with translation.override("zh-hans"):
        assert words(code, params) == chinese
    with translation.override("en"):
        assert words(code, params) == english


@pytest.mark.parametrize(("words", "parse", "code", "params", "chinese", "english"), STORED_WORDS)
def test_the_texts_stored_before_codes_are_read_back(words, parse, code, params, chinese, english):
    assert parse(chinese) == (code, dict(params))


def test_details_it_cannot_word_or_read():
    assert messages.reject_detail("retired", {}) is None
    assert messages.reject_detail("backwards", {"value": "90.0"}) is None  # figures missing
    assert messages.reject_detail("backwards", None) is None
    assert messages.parse_reject_legacy("累计读数倒退") is None  # a reason's own words: no detail
    assert messages.parse_reject_legacy("读数 90.0 小于 100.0") is None


@pytest.mark.django_db
def test_the_migration_gives_recognised_details_a_code_and_keeps_the_rest(park_a):
    told = RejectedReading.objects.create(
        park=park_a,
        meter_code="W-A1",
        source=1,
        reason="backwards",
        detail="读数 90.0 小于 2026-03-02 08:00 的读数 100.0，且不像表计清零或翻转",
    )
    bare = RejectedReading.objects.create(
        park=park_a, meter_code="W-X9", source=1, reason="virtual_meter", detail="虚拟表不接收读数"
    )
    odd = RejectedReading.objects.create(
        park=park_a, meter_code="W-A2", source=1, reason="spike", detail="人工判定异常"
    )
    migration = importlib.import_module("parkos.monitoring.migrations.0004_reject_detail_codes")
    migration.codes_from_details(django_apps, None)
    for row in (told, bare, odd):
        row.refresh_from_db()
    assert (told.detail_code, told.detail_params["previous"]) == ("backwards", "100.0")
    assert [(row.detail_code, row.detail_params) for row in (bare, odd)] == [("", {}), ("", {})]
    with translation.override("en"):
        assert told.detail_text.startswith("Reading 90.0 is below the reading of 100.0")
        assert (bare.detail_text, odd.detail_text) == ("", "人工判定异常")
