"""Early warning (预警): per-tenant risk scores from signals, and the rules of the built-in signals.

Pure and typed. Signals come from `hooks` (each a score, a reason and an evidence link); this module
combines them and decides the built-in ones from plain figures (RULES §13.7):

- Score = the sum of the signals' scores, capped at 100. Level: 高 ≥ 60, 中 ≥ 30, 低 otherwise.
- Falling output: the latest three reported months' output against the three before them, both
  complete: a fall of 20 % or more scores 25, of 40 % or more 35.
- Missing statistics: an enterprise that reported in the twelve months before them and, of the last
  three months due (January exempt, RULES §10.1), misses one scores 10, two or more 20 (an enterprise
  that never reports is not "missing" — whether it must is the statistics calendar's business).
- Falling energy (metered by monitoring): the latest three complete months' energy (tce, own meters
  and shares) against the three before them, all six metered: a fall of 30 % or more scores 15, of
  60 % or more 25 (energy falls before reported output does; a silent meter is no data, not a fall).
- Lease expiring within 180 days with no renewal under way: 15, within 90 days 25.
- Service requests escalated twice (both SLA targets breached) in the last 90 days: 20 for one such
  request, 30 for more.
The weights are ParkOS's convention, tuned so that two independent warnings make a medium risk and
three a high one; a signal from another app (arrears from billing) brings its own score.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from django.utils.translation import gettext as _

from parkos.incubation.choices import RiskLevel
from parkos.incubation.hooks import RiskSignal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HIGH: Final = 60
MEDIUM: Final = 30
OUTPUT_FALL_PCT: Final = Decimal(20)
OUTPUT_COLLAPSE_PCT: Final = Decimal(40)
ENERGY_FALL_PCT: Final = Decimal(30)
ENERGY_COLLAPSE_PCT: Final = Decimal(60)


@dataclass(frozen=True)
class RiskEntry:
    key: str
    label: StrOrPromise
    signal: RiskSignal


@dataclass(frozen=True)
class RiskAssessment:
    enterprise_id: int
    score: int
    level: RiskLevel
    entries: tuple[RiskEntry, ...]


def level_of(score: int) -> RiskLevel:
    if score >= HIGH:
        return RiskLevel.HIGH
    if score >= MEDIUM:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def assess(signals: Iterable[tuple[str, StrOrPromise, Mapping[int, RiskSignal]]]) -> list[RiskAssessment]:
    """Combine (key, label, {enterprise: signal}) sources into one assessment per flagged enterprise,
    highest score first (then by enterprise id, for a stable list)."""
    entries: dict[int, list[RiskEntry]] = {}
    for key, label, by_enterprise in signals:
        for enterprise_id, signal in by_enterprise.items():
            entries.setdefault(enterprise_id, []).append(RiskEntry(key, label, signal))
    result = []
    for enterprise_id, found in entries.items():
        ordered = tuple(sorted(found, key=lambda e: -e.signal.score))
        score = min(100, sum(e.signal.score for e in ordered))
        result.append(RiskAssessment(enterprise_id, score, level_of(score), ordered))
    return sorted(result, key=lambda a: (-a.score, a.enterprise_id))


def output_trend(months: Sequence[tuple[int, int, Decimal | None]]) -> tuple[int, str] | None:
    """(score, reason) when output fell, from (year, month, output) of consecutive reported months.

    Needs six consecutive calendar months, all with output; compares the latest three with the three
    before them.
    """
    if len(months) < 6:
        return None
    last_six = list(months)[-6:]
    ordinals = [year * 12 + month for year, month, _value in last_six]
    if ordinals != list(range(ordinals[0], ordinals[0] + 6)) or any(v is None for *_k, v in last_six):
        return None
    before = sum((v for *_k, v in last_six[:3] if v is not None), Decimal(0))
    latest = sum((v for *_k, v in last_six[3:] if v is not None), Decimal(0))
    if before <= 0:
        return None
    fall = (before - latest) / before * 100
    if fall < OUTPUT_FALL_PCT:
        return None
    score = 35 if fall >= OUTPUT_COLLAPSE_PCT else 25
    (y1, m1, _a), (y2, m2, _b) = last_six[3], last_six[5]
    return score, _("%(first)s至%(last)s产值较前三个月下降 %(fall)s%%") % {
        "first": f"{y1}年{m1}月",
        "last": f"{y2}年{m2}月",
        "fall": f"{fall:.1f}",
    }


def energy_trend(first: tuple[int, int], months: Sequence[Decimal | None]) -> tuple[int, str] | None:
    """(score, reason) when metered energy fell, from six consecutive months' energy starting at
    `first` (year, month), oldest first; None when a month has no data or nothing fell enough."""
    if len(months) != 6 or any(value is None for value in months):
        return None
    before = sum((v for v in months[:3] if v is not None), Decimal(0))
    latest = sum((v for v in months[3:] if v is not None), Decimal(0))
    if before <= 0:
        return None
    fall = (before - latest) / before * 100
    if fall < ENERGY_FALL_PCT:
        return None
    ordinal = first[0] * 12 + first[1] - 1
    (y1, m1), (y2, m2) = divmod(ordinal + 3, 12), divmod(ordinal + 5, 12)
    return 25 if fall >= ENERGY_COLLAPSE_PCT else 15, _("%(first)s至%(last)s用能较前三个月下降 %(fall)s%%") % {
        "first": f"{y1}年{m1 + 1}月",
        "last": f"{y2}年{m2 + 1}月",
        "fall": f"{fall:.1f}",
    }


def months_due(today: datetime.date, count: int = 3) -> list[tuple[int, int]]:
    """The last `count` months an enterprise should have reported by `today` (January exempt, RULES §10.1)."""
    due: list[tuple[int, int]] = []
    year, month = today.year, today.month
    while len(due) < count:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        if month != 1:
            due.append((year, month))
    return due


def months_before(period: tuple[int, int], count: int) -> list[tuple[int, int]]:
    """The `count` calendar months before `period`, newest first."""
    year, month = period
    found = []
    for _step in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        found.append((year, month))
    return found


def missing_statistics(due: Sequence[tuple[int, int]], reported: set[tuple[int, int]]) -> tuple[int, str] | None:
    missing = [period for period in due if period not in reported]
    if not missing:
        return None
    text = "、".join(f"{y}年{m}月" for y, m in sorted(missing))
    return (20 if len(missing) >= 2 else 10), _("未报送月度统计：%(months)s") % {"months": text}


def expiry(end_on: datetime.date, today: datetime.date, number: str) -> tuple[int, str]:
    days = (end_on - today).days
    return (25 if days <= 90 else 15), _("租赁合同 %(number)s 将于 %(date)s 到期（%(days)d天），尚无续签进展") % {
        "number": number,
        "date": end_on.isoformat(),
        "days": days,
    }


def escalations(twice_escalated: int) -> tuple[int, str] | None:
    if twice_escalated <= 0:
        return None
    return (30 if twice_escalated > 1 else 20), _("近90天有 %(n)d 项服务申请两次超时升级") % {"n": twice_escalated}
