"""SLA clocks of service requests, counted in working time on the Chinese calendar (RULES §13.6).

The arithmetic lives in `parkos.core.workdays` (holidays, make-up working days, office hours); this
module states the desk's conventions on top of it:

1. A target is a number of working hours or working days. A working day is one day's office time
   (7.5 hours with the default 09:00–12:00, 13:30–18:00), so "1 working day" raised at 10:00 falls
   due at 10:00 on the next working day, and over the National Day week at 10:00 on the first
   working day after it; a make-up working Sunday (调休上班) counts like any working day.
2. The clock starts when the request is raised; raised outside office hours, it starts at the next
   office period (a request raised on 1 October starts at 09:00 on the first working day after).
3. While the desk waits for the tenant (待企业补充) the clock stops: on resuming, the due time moves
   by the office time the request waited, and that time is not counted as resolution time.
4. A reopened request gets a fresh resolution target from the moment it is reopened.
5. Met means done (first response, resolution) at or before the due time; breached means done
   after it, or not done while the due time has passed.
All moments are converted to local time (Asia/Shanghai) before counting; results are aware datetimes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Final, Literal

from django.utils import timezone

from parkos.core.workdays import DEFAULT_HOURS, WorkingHours, add_working_hours, working_time_between
from parkos.incubation.choices import SlaUnit

Outcome = Literal["met", "breached", "running"]
ZERO: Final = datetime.timedelta(0)


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str  # SlaUnit

    def working_time(self, hours: WorkingHours = DEFAULT_HOURS) -> datetime.timedelta:
        """The office time this target allows (a working day = one day's office time)."""
        if self.amount < 0:
            raise ValueError("an SLA target cannot be negative")
        if self.unit == SlaUnit.DAYS:
            return datetime.timedelta(seconds=self.amount * hours.seconds_per_day)
        return datetime.timedelta(hours=self.amount)


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def due_at(start: datetime.datetime, target: Target, hours: WorkingHours = DEFAULT_HOURS) -> datetime.datetime:
    """When a target counted from `start` falls due."""
    return add_working_hours(_local(start), target.working_time(hours), hours)


def working_between(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
    return working_time_between(_local(start), _local(end))


def resumed_due(
    due: datetime.datetime, paused_at: datetime.datetime, resumed_at: datetime.datetime
) -> tuple[datetime.datetime, int]:
    """The due time after a pause, and the office seconds the pause took.

    What was left at the pause (office time from pausing to the old due time; nothing if it was
    already overdue) is counted again from resuming.
    """
    left = working_between(paused_at, due) if due > paused_at else ZERO
    paused = working_between(paused_at, resumed_at)
    return add_working_hours(_local(resumed_at), left), int(paused.total_seconds())


def resolution_seconds(raised_at: datetime.datetime, resolved_at: datetime.datetime, paused_seconds: int) -> int:
    """Office seconds from raising to resolving, less the time spent waiting for the tenant."""
    total = int(working_between(raised_at, resolved_at).total_seconds())
    return max(0, total - paused_seconds)


def outcome(due: datetime.datetime, done_at: datetime.datetime | None, now: datetime.datetime) -> Outcome:
    if done_at is not None:
        return "met" if done_at <= due else "breached"
    return "breached" if now > due else "running"
