"""The validation engine directly: counters (reset vs error, roll-over, spikes, gaps, device changes),
sensors (range, steps), late readings and duplicates — and the bulk path agrees with the general one."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from parkos.monitoring.choices import RejectReason
from parkos.monitoring.validation import (
    FLAG_DEVICE_CHANGE,
    FLAG_GAP,
    FLAG_LATE,
    FLAG_RESET,
    FLAG_ROLLOVER,
    Device,
    Point,
    Profile,
    validate_series,
)

UTC = datetime.UTC
T0 = datetime.datetime(2026, 1, 1, tzinfo=UTC)
DEVICE = Device(1, 1.0, T0 - datetime.timedelta(days=1), None)


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


def counter(**kwargs):
    return Profile(id=1, counter=True, devices=(DEVICE,), **kwargs)


def run(profile, values, before=None, stored=(), step=15, start=0):
    moments = [at(start + i * step) for i in range(len(values))]
    return validate_series(profile, before, list(stored), moments, [float(v) for v in values])


def test_rising_counter_gives_consumption_and_a_continuous_value():
    outcome = run(counter(), [100, 101.5, 104])
    assert outcome.inserts.quantity == [None, 1.5, 2.5]
    assert outcome.inserts.value == [100.0, 101.5, 104.0]
    assert not outcome.rejects


def test_step_back_is_an_error_but_a_fall_to_near_zero_is_a_reset():
    outcome = run(counter(), [5000, 5010, 4000, 3, 7])
    assert [r.reason for r in outcome.rejects] == [RejectReason.BACKWARDS]
    assert outcome.inserts.quantity == [None, 10.0, 3.0, 4.0]
    assert outcome.inserts.flags[2] & FLAG_RESET
    assert outcome.inserts.value[-1] == 5017.0


def test_roll_over_of_a_register_with_a_maximum():
    outcome = run(counter(register_max=99999.9), [99990, 99998, 5])
    assert outcome.inserts.quantity[2] == 99999.9 - 99998 + 5
    assert outcome.inserts.flags[2] & FLAG_ROLLOVER


def test_spike_above_the_hourly_limit_is_rejected_and_the_series_goes_on():
    outcome = run(counter(max_rate=100), [0, 10, 500, 30])  # 490 in 15 minutes = 1960/h
    assert [r.reason for r in outcome.rejects] == [RejectReason.SPIKE]
    assert outcome.inserts.quantity == [None, 10.0, 20.0]


def test_gap_is_flagged_not_refused():
    outcome = run(counter(expected_interval_s=900), [0, 1, 9], step=120)
    assert outcome.inserts.flags[1] & FLAG_GAP
    assert not outcome.rejects


def test_replacement_continues_the_series():
    old = Device(1, 40.0, T0 - datetime.timedelta(days=10), at(30), final_reading=12.5)
    new = Device(2, 20.0, at(30), None, initial_reading=0.0)
    profile = Profile(id=1, counter=True, devices=(old, new))
    before = Point(at(0), 10.0, 400.0, 0.0, 0, 1)
    outcome = run(profile, [0.5], before=before, start=45)
    # old: (12.5 − 10) × 40 = 100; new: 0.5 × 20 = 10
    assert outcome.inserts.quantity == [110.0]
    assert outcome.inserts.value == [510.0]
    assert outcome.inserts.flags[0] & FLAG_DEVICE_CHANGE


def test_sensor_range_and_step_limits():
    profile = Profile(id=1, counter=False, devices=(DEVICE,), valid_min=-50, valid_max=150, max_step=5)
    outcome = run(profile, [20, 21, 200, 40, 22])
    assert [r.reason for r in outcome.rejects] == [RejectReason.OUT_OF_RANGE, RejectReason.SPIKE]
    assert outcome.inserts.quantity == [20.0, 21.0, 22.0]


def test_reading_before_the_device_was_installed_is_refused():
    profile = Profile(id=1, counter=True, devices=(Device(1, 1.0, at(60), None),))
    outcome = run(profile, [1, 2, 3, 4, 5, 6])
    assert {r.reason for r in outcome.rejects} == {RejectReason.NO_DEVICE}
    assert len(outcome.inserts) == 2


def test_late_reading_splits_the_next_ones_consumption():
    stored = [Point(at(0), 0.0, 0.0, None, 0, 1), Point(at(30), 20.0, 20.0, 20.0, 0, 1)]
    outcome = validate_series(counter(), None, stored, [at(15)], [8.0])
    assert outcome.inserts.quantity == [8.0]
    assert outcome.inserts.flags[0] & FLAG_LATE
    assert [(p.ts, p.quantity, p.value) for p in outcome.updates] == [(at(30), 12.0, 20.0)]
    assert outcome.shift_after is None


def test_late_reading_larger_than_the_next_one_is_inconsistent():
    stored = [Point(at(0), 0.0, 0.0, None, 0, 1), Point(at(30), 20.0, 20.0, 20.0, 0, 1)]
    outcome = validate_series(counter(), None, stored, [at(15)], [25.0])
    assert [r.reason for r in outcome.rejects] == [RejectReason.INCONSISTENT]


def test_duplicates_and_conflicts_against_stored_readings():
    stored = [Point(at(0), 5.0, 5.0, None, 0, 1)]
    same = validate_series(counter(), None, stored, [at(0)], [5.0])
    assert (same.duplicates, len(same.inserts), same.rejects) == (1, 0, [])
    other = validate_series(counter(), None, stored, [at(0)], [6.0])
    assert [r.reason for r in other.rejects] == [RejectReason.CONFLICT]


@given(st.lists(st.floats(min_value=0, max_value=50), min_size=2, max_size=40), st.integers(0, 3))
def test_bulk_path_matches_the_general_rule(steps, split):
    """The fast path for rising counters gives what the rule one reading at a time gives."""
    values = [1000.0]
    for step in steps:
        values.append(values[-1] + step)
    moments = [at(15 * i) for i in range(len(values))]
    bulk = validate_series(counter(max_rate=150), None, [], moments, values)
    # The general walk (`_judge`): one reading at a time, the one before it given as stored.
    stored: list[Point] = []
    for moment, value in zip(moments, values, strict=True):
        outcome = validate_series(counter(max_rate=150), None, stored[-1:], [moment], [value])
        stored.extend(outcome.inserts.points())
    assert bulk.inserts.points() == stored
