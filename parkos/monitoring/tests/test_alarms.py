"""Alarm rules over ingested readings: hysteresis and duration, one open alarm per rule and meter,
rate of change, clean-room cascade, permit limits, missing data; escalation on the Chinese calendar;
acknowledge, comment, close."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.monitoring import alarming, alarms
from parkos.monitoring.choices import (
    AlarmEventKind,
    AlarmStatus,
    EscalationCalendar,
    MeterKind,
    NotifyChannel,
    ReadingSource,
    RuleKind,
    Severity,
)
from parkos.monitoring.ingest import ingest_readings
from parkos.monitoring.models import (
    Alarm,
    AlarmNotification,
    AlarmRule,
    CascadeMember,
    EscalationPolicy,
    EscalationStep,
)
from parkos.monitoring.parsing import RawReading
from parkos.monitoring.tests.factories import MeterFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Chongqing
NOW = datetime.datetime(2026, 3, 10, tzinfo=UTC)


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


def feed(park, meter, values, *, step=5, start=0):
    readings = [RawReading(meter.code, at(start + i * step), float(v)) for i, v in enumerate(values)]
    return ingest_readings(park=park, readings=readings, source=ReadingSource.API, now=NOW)


def test_condition_raises_after_min_duration_and_clears_with_hysteresis():
    limits = alarming.Limits(upper=25.0, hysteresis=1.0, min_duration_s=600)
    state = alarming.Condition()
    transitions = []
    for minute, value in [(0, 24), (5, 26), (10, 26), (15, 26), (20, 24.5), (25, 23.9)]:
        state, transition = alarming.step(limits, state, at(minute), value)
        transitions.append(transition)
    # beyond from minute 5, raised at minute 15 (10 minutes held), still raised at 24.5 (within the
    # hysteresis band), cleared at 23.9.
    assert transitions == [None, None, None, alarming.Transition.RAISE, None, alarming.Transition.CLEAR]


def test_threshold_rule_opens_one_alarm_and_counts_repeats(park_a):
    sensor = MeterFactory(park=park_a, kind=MeterKind.TEMPERATURE)
    rule = AlarmRule.objects.create(
        park=park_a, name="仓库温度", kind=RuleKind.THRESHOLD, meter=sensor, upper=25, hysteresis=1, min_duration_s=600
    )
    feed(park_a, sensor, [22, 26, 26, 27, 24.5, 23.5, 26, 26, 26])
    alarm = Alarm.objects.get()
    assert (alarm.rule, alarm.meter, alarm.status) == (rule, sensor, AlarmStatus.OPEN)
    assert alarm.occurrences == 2  # raised, cleared, raised again: still one alarm
    kinds = list(alarm.events.values_list("kind", flat=True))
    assert kinds == [AlarmEventKind.OPENED, AlarmEventKind.CLEARED, AlarmEventKind.RETRIGGERED]
    assert "上限 25" in alarm.message


def test_counter_threshold_judges_the_hourly_rate(park_a):
    meter = MeterFactory(park=park_a, kind=MeterKind.ELECTRICITY)
    AlarmRule.objects.create(park=park_a, name="需量", kind=RuleKind.THRESHOLD, meter=meter, upper=100)
    # 5-minute readings: +5 kWh = 60 kW, then +10 kWh = 120 kW.
    feed(park_a, meter, [0, 5, 10, 20, 30])
    alarm = Alarm.objects.get()
    assert alarm.value == pytest.approx(120.0)


def test_rate_of_change_rule(park_a):
    sensor = MeterFactory(park=park_a, kind=MeterKind.TEMPERATURE)
    AlarmRule.objects.create(park=park_a, name="升温过快", kind=RuleKind.RATE_OF_CHANGE, meter=sensor, rate_limit=0.5)
    feed(park_a, sensor, [20, 21, 22])  # 0.2 °C/min
    assert not Alarm.objects.exists()
    feed(park_a, sensor, [26], start=15)  # +4 °C in 5 minutes
    assert Alarm.objects.get().value == pytest.approx(0.8)


def test_broken_cleanroom_cascade_alarms_on_the_room_losing_its_gradient(park_a):
    corridor, grade_c, grade_b = (
        MeterFactory(park=park_a, kind=MeterKind.DIFFERENTIAL_PRESSURE, code=c) for c in ("DP-D", "DP-C", "DP-B")
    )
    rule = AlarmRule.objects.create(
        park=park_a, name="C1压差梯度", kind=RuleKind.CASCADE, min_difference=10, severity=Severity.CRITICAL
    )
    for position, meter in enumerate([grade_b, grade_c, corridor], start=1):
        CascadeMember.objects.create(rule=rule, meter=meter, position=position)
    feed(park_a, grade_b, [45])
    feed(park_a, grade_c, [30])
    feed(park_a, corridor, [15])
    assert not Alarm.objects.exists()
    feed(park_a, grade_c, [38], start=5)  # B−C = 7 Pa < 10: the grade-C room breaks the cascade
    alarm = Alarm.objects.get()
    assert (alarm.meter, alarm.severity) == (grade_c, Severity.CRITICAL)
    assert alarm.value == pytest.approx(7.0)


def test_permit_limit_on_the_window_mean(park_a):
    cod = MeterFactory(park=park_a, kind=MeterKind.COD)
    AlarmRule.objects.create(
        park=park_a,
        name="COD 排放限值",
        kind=RuleKind.PERMIT,
        meter=cod,
        upper=500,
        window_s=3600,
        permit_reference="GB/T 31962-2015 B级",
    )
    feed(park_a, cod, [300, 700, 400])  # mean 466.7: a single high sample is no breach
    assert not Alarm.objects.exists()
    feed(park_a, cod, [800], start=15)  # mean of the hour 550
    assert Alarm.objects.get().value == pytest.approx(550.0)


def test_missing_data_alarm_opens_and_clears_when_readings_return(park_a):
    meter = MeterFactory(park=park_a)
    rule = AlarmRule.objects.create(
        park=park_a, name="数据中断", kind=RuleKind.MISSING_DATA, meter_kind=MeterKind.ELECTRICITY, missing_after_s=3600
    )
    feed(park_a, meter, [0, 1])
    assert alarms.check_missing_data(now=at(30)) == 0
    assert alarms.check_missing_data(now=at(120)) == 1
    assert alarms.check_missing_data(now=at(180)) == 0  # still one alarm
    feed(park_a, meter, [2], start=200)
    alarm = Alarm.objects.get(rule=rule)
    assert alarm.cleared_at == at(200)


@pytest.fixture
def working_hours_policy(park_a, frank):
    manager = UserFactory(username="mgr", role=Role.PARK_MANAGER, parks=[park_a], email="mgr@example.cn")
    policy = EscalationPolicy.objects.create(
        park=park_a, name="工作时间升级", calendar=EscalationCalendar.WORKING_HOURS
    )
    EscalationStep.objects.create(policy=policy, position=1, after_minutes=0, roles=[Role.FACILITIES_OPERATOR])
    second = EscalationStep.objects.create(policy=policy, position=2, after_minutes=120, channel=NotifyChannel.EMAIL)
    second.users.add(manager)
    return policy


def _raise(park, policy, opened_at):
    meter = MeterFactory(park=park, kind=MeterKind.TEMPERATURE)
    rule = AlarmRule.objects.create(
        park=park, name="温度", kind=RuleKind.THRESHOLD, meter=meter, upper=25, policy=policy
    )
    with time_machine.travel(opened_at, tick=False):
        return alarms.raise_alarm(rule=rule, meter=meter, at=opened_at, value=30.0, message="温度 30 > 上限 25")


def test_escalation_counts_working_hours_over_national_day(
    park_a, working_hours_policy, frank, django_capture_on_commit_callbacks
):
    # Opened Tuesday 30 Sep 2025 17:30: 30 working minutes left that day, then 国庆 1–8 Oct off;
    # the second step (120 working minutes) falls due Thursday 9 Oct 10:30.
    opened = datetime.datetime(2025, 9, 30, 17, 30, tzinfo=SHANGHAI)
    with django_capture_on_commit_callbacks(execute=True):
        alarm = _raise(park_a, working_hours_policy, opened)
    assert list(AlarmNotification.objects.values_list("user__username", "step")) == [("frank", 1)]
    alarm.refresh_from_db()
    assert alarm.next_escalation_at == datetime.datetime(2025, 10, 9, 10, 30, tzinfo=SHANGHAI)
    assert alarms.escalate_due(now=datetime.datetime(2025, 10, 8, 23, 0, tzinfo=SHANGHAI)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert alarms.escalate_due(now=datetime.datetime(2025, 10, 9, 10, 31, tzinfo=SHANGHAI)) == 1
    assert AlarmNotification.objects.filter(step=2, user__username="mgr").exists()
    assert [m.to for m in mail.outbox] == [["mgr@example.cn"]]
    alarm.refresh_from_db()
    assert (alarm.escalation_level, alarm.next_escalation_at) == (2, None)


def test_round_the_clock_escalation_and_acknowledgement_stop_it(park_a, frank):
    policy = EscalationPolicy.objects.create(park=park_a, name="7×24", calendar=EscalationCalendar.ALWAYS)
    EscalationStep.objects.create(policy=policy, position=1, after_minutes=0, roles=[Role.FACILITIES_OPERATOR])
    EscalationStep.objects.create(policy=policy, position=2, after_minutes=30, roles=[Role.OPERATOR_ADMIN])
    opened = datetime.datetime(2025, 10, 1, 3, 0, tzinfo=SHANGHAI)  # a holiday night
    alarm = _raise(park_a, policy, opened)
    alarm.refresh_from_db()
    assert alarm.next_escalation_at == opened + datetime.timedelta(minutes=30)
    alarms.alarm_acknowledge(alarm=alarm, actor=frank, comment="已到现场")
    assert alarms.escalate_due(now=opened + datetime.timedelta(hours=2)) == 0
    alarm.refresh_from_db()
    assert (alarm.status, alarm.acknowledged_by, alarm.escalation_level) == (AlarmStatus.ACKNOWLEDGED, frank, 1)


def test_comment_and_close_are_recorded_and_only_handlers_may_act(park_a, frank, carol):
    alarm = _raise(park_a, None, datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))
    with pytest.raises(ValidationError):
        alarms.alarm_comment(alarm=alarm, actor=carol, text="我不是运维")
    alarms.alarm_comment(alarm=alarm, actor=frank, text="更换传感器")
    alarms.alarm_close(alarm=alarm, actor=frank, comment="已处理")
    alarm.refresh_from_db()
    assert alarm.status == AlarmStatus.CLOSED
    kinds = list(alarm.events.values_list("kind", flat=True))
    assert kinds[-2:] == [AlarmEventKind.COMMENTED, AlarmEventKind.CLOSED]
    with pytest.raises(ValidationError):
        alarms.alarm_close(alarm=alarm, actor=frank)
