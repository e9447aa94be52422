"""A construction project's phases against plan: where it is, and how late (pure, no ORM).

A phase is **late** when it was done after its planned date, or is not done and its planned date
has passed (it is *running* late: the delay grows every day). A project is **behind schedule** when
some phase is running late today. Dates the plan does not give are not judged.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F, Q

from parkos.innovation.choices import ProjectPhase

#: Phase → (planned field of `Project`, actual field), in order. The actual dates of 开工 and 投产
#: keep the names they had before phases existed (`started_on`, `completed_on`).
PHASE_FIELDS: dict[str, tuple[str, str]] = {
    ProjectPhase.SIGNED: ("planned_signed_on", "signed_on"),
    ProjectPhase.DELIVERED: ("planned_delivered_on", "delivered_on"),
    ProjectPhase.STARTED: ("planned_started_on", "started_on"),
    ProjectPhase.STRUCTURE_DONE: ("planned_structure_done_on", "structure_done_on"),
    ProjectPhase.ACCEPTED: ("planned_accepted_on", "accepted_on"),
    ProjectPhase.COMPLETED: ("planned_completed_on", "completed_on"),
}

Dates = Mapping[str, tuple[datetime.date | None, datetime.date | None]]


@dataclass(frozen=True)
class PhaseLine:
    phase: ProjectPhase
    planned: datetime.date | None
    actual: datetime.date | None
    delay_days: int | None  # > 0 late, ≤ 0 on time or early; None: not judged
    running_late: bool  # not done and past its planned date

    @property
    def label(self) -> str:
        return str(self.phase.label)

    @property
    def late(self) -> bool:
        return self.delay_days is not None and self.delay_days > 0


def phase_lines(dates: Dates, today: datetime.date) -> list[PhaseLine]:
    lines = []
    for phase in ProjectPhase:
        planned, actual = dates.get(phase, (None, None))
        delay: int | None = None
        running = False
        if planned is not None and actual is not None:
            delay = (actual - planned).days
        elif planned is not None and today > planned:
            delay, running = (today - planned).days, True
        lines.append(PhaseLine(phase, planned, actual, delay, running))
    return lines


def current_phase(dates: Dates) -> ProjectPhase | None:
    """The last phase with an actual date (None before signing)."""
    reached = [phase for phase in ProjectPhase if dates.get(phase, (None, None))[1] is not None]
    return ProjectPhase(reached[-1]) if reached else None


def days_behind(dates: Dates, today: datetime.date) -> int:
    """How many days the project is behind today: its longest running delay (0 if none)."""
    return max((line.delay_days or 0 for line in phase_lines(dates, today) if line.running_late), default=0)


def behind_schedule_q(today: datetime.date) -> Q:
    """SQL condition of `days_behind(...) > 0`: some phase past its planned date and not done."""
    condition = Q(pk__in=[])
    for planned, actual in PHASE_FIELDS.values():
        condition |= Q(**{f"{planned}__lt": today, f"{actual}__isnull": True})
    return condition


def finished_late_q() -> Q:
    """SQL condition: some phase done after its planned date."""
    condition = Q(pk__in=[])
    for planned, actual in PHASE_FIELDS.values():
        condition |= Q(**{f"{actual}__gt": F(planned)})
    return condition
