"""A project's phases against plan: delays done and running, the current phase, "behind schedule"."""

from __future__ import annotations

import datetime

from parkos.innovation import phases
from parkos.innovation.choices import ProjectPhase

day = datetime.date
TODAY = day(2026, 6, 30)
DATES = {
    ProjectPhase.SIGNED: (day(2025, 1, 10), day(2025, 1, 10)),
    ProjectPhase.DELIVERED: (day(2025, 3, 1), day(2025, 3, 21)),  # 20 days late
    ProjectPhase.STARTED: (day(2025, 5, 1), day(2025, 4, 25)),  # 6 days early
    ProjectPhase.STRUCTURE_DONE: (day(2026, 5, 31), None),  # running 30 days late
    ProjectPhase.ACCEPTED: (day(2026, 9, 30), None),  # ahead
    ProjectPhase.COMPLETED: (None, None),  # no plan: not judged
}


def test_phase_lines():
    lines = {line.phase: line for line in phases.phase_lines(DATES, TODAY)}
    assert (lines[ProjectPhase.SIGNED].delay_days, lines[ProjectPhase.SIGNED].late) == (0, False)
    assert (lines[ProjectPhase.DELIVERED].delay_days, lines[ProjectPhase.DELIVERED].late) == (20, True)
    assert lines[ProjectPhase.STARTED].delay_days == -6
    structure = lines[ProjectPhase.STRUCTURE_DONE]
    assert (structure.delay_days, structure.running_late, structure.late) == (30, True, True)
    assert lines[ProjectPhase.ACCEPTED].delay_days is None
    assert lines[ProjectPhase.COMPLETED].delay_days is None
    assert [line.phase for line in phases.phase_lines(DATES, TODAY)] == list(ProjectPhase)


def test_current_phase_and_days_behind():
    assert phases.current_phase(DATES) == ProjectPhase.STARTED
    assert phases.current_phase({}) is None
    assert phases.days_behind(DATES, TODAY) == 30
    assert phases.days_behind(DATES, day(2026, 5, 31)) == 0  # the planned day itself is not late
