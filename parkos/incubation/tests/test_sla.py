"""SLA arithmetic on the Chinese calendar (RULES §13.6): National Day, make-up working Sundays, pauses."""

import datetime
from zoneinfo import ZoneInfo

from parkos.incubation import sla
from parkos.incubation.choices import SlaUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_request_raised_before_the_national_day_holiday():
    # Raised Tuesday 30 Sep 2025 at 15:00; 1 October–8 October are holidays (2025: 国庆+中秋).
    raised = at(2025, 9, 30, 15, 0)
    # 4 working hours: 3 h that afternoon, the last hour on 9 October.
    assert sla.due_at(raised, sla.Target(4, SlaUnit.HOURS)) == at(2025, 10, 9, 10, 0)
    # 1 working day: the same time on the next working day, after the holiday.
    assert sla.due_at(raised, sla.Target(1, SlaUnit.DAYS)) == at(2025, 10, 9, 15, 0)
    # 3 working days: 9, 10 and the make-up working Saturday 11 October.
    assert sla.due_at(raised, sla.Target(3, SlaUnit.DAYS)) == at(2025, 10, 11, 15, 0)


def test_request_raised_on_the_holiday_starts_its_clock_after_it():
    assert sla.due_at(at(2025, 10, 3, 11, 0), sla.Target(2, SlaUnit.HOURS)) == at(2025, 10, 9, 11, 0)


def test_request_raised_on_a_make_up_working_sunday():
    # Sunday 28 Sep 2025 is a working day (调休上班): it counts like any other.
    raised = at(2025, 9, 28, 10, 0)
    assert sla.due_at(raised, sla.Target(2, SlaUnit.HOURS)) == at(2025, 9, 28, 12, 0)
    assert sla.due_at(raised, sla.Target(1, SlaUnit.DAYS)) == at(2025, 9, 29, 10, 0)
    # An ordinary Sunday does not count: raised Sunday 21 Sep, the clock starts Monday 09:00.
    assert sla.due_at(at(2025, 9, 21, 10, 0), sla.Target(1, SlaUnit.HOURS)) == at(2025, 9, 22, 10, 0)


def test_a_working_day_is_a_day_of_office_time_and_utc_input_is_read_locally():
    raised_utc = datetime.datetime(2025, 9, 29, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Shanghai
    assert sla.Target(2, SlaUnit.DAYS).working_time() == datetime.timedelta(hours=15)
    assert sla.due_at(raised_utc, sla.Target(1, SlaUnit.DAYS)) == at(2025, 9, 30, 10, 0)


def test_pausing_moves_the_due_time_by_the_office_time_waited():
    due = at(2025, 9, 30, 17, 0)
    # Paused Monday 29 Sep at 10:00. Left: 29 Sep 10–12 and 13:30–18 (6.5 h) + 30 Sep 9–12 and 13:30–17 (6.5 h).
    assert sla.working_between(at(2025, 9, 29, 10, 0), due) == datetime.timedelta(hours=13)
    new_due, paused = sla.resumed_due(due, at(2025, 9, 29, 10, 0), at(2025, 10, 9, 9, 0))
    # Waited 6.5 h on 29 Sep and the whole of 30 Sep (7.5 h); the holiday week costs nothing.
    assert paused == 14 * 3600
    # 13 h from 9 Oct 09:00: all of 9 Oct (7.5 h), then 10 Oct 9–12 (3 h) and 13:30–16:00 (2.5 h).
    assert new_due == at(2025, 10, 10, 16, 0)


def test_resolution_time_excludes_the_pause_and_outcomes():
    raised, resolved = at(2025, 9, 29, 9, 0), at(2025, 9, 30, 18, 0)
    assert sla.resolution_seconds(raised, resolved, paused_seconds=3600) == 14 * 3600
    assert sla.outcome(resolved, resolved, resolved) == "met"
    assert sla.outcome(raised, resolved, resolved) == "breached"
    assert sla.outcome(resolved, None, raised) == "running"
    assert sla.outcome(raised, None, resolved) == "breached"
