"""The incubation lifecycle: periods, stage moves, overdue records, graduation candidates, cohorts.

Pure and typed; the services and selectors feed it. The rules (RULES §13.1–13.2):

Period
    In principle 48 months, 60 for biomedicine, integrated circuits and modern agriculture — decided at
    admission from the enterprise's GB/T 4754 industry code and the programme's list of prefixes. The
    last day counts lease-month style (《民法典》 §201–202, `parkos.leasing.schedule.term_end`):
    admitted 2024-03-15 with 48 months → due 2028-03-14. A record still active after its due date
    is overdue (超期在孵).

Stages
    预孵化 → 在孵 → 加速 → 毕业 | 退出. A record may skip forward (预孵化 straight to 加速, any active
    stage to 毕业 or 退出) but never goes back, and graduation or exit ends it. Graduation needs the
    criterion met (its basis), exit a reason.

Graduation (any one criterion the programme counts)
    高新技术企业 recognised while in the programme; 上市/挂牌; 被兼并收购; revenue of two consecutive
    years together reaching the programme's threshold (1,000 万元 nationally). For the revenue rule
    a year counts with what the enterprise reported for it — a full year, or the current year to date
    (revenue only grows through a year, so a year-to-date figure that already reaches the threshold
    with last year's is final). The candidate carries its evidence: what was met, when, and a link.

Cohorts
    By intake year: admitted, still active, graduated, exited; survival = (admitted − exited) /
    admitted, graduation rate = graduated / admitted, both in percent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.utils.translation import gettext as _

from parkos.core.units import format_money, format_money_wan
from parkos.incubation.choices import GraduationBasis, IncubationStage
from parkos.leasing.schedule import term_end

WAN: Final = Decimal(10000)
ACTIVE: Final = (IncubationStage.PRE_INCUBATION, IncubationStage.INCUBATING, IncubationStage.ACCELERATING)
_ORDER: Final[dict[str, int]] = {stage.value: index for index, stage in enumerate(ACTIVE)}


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def period_months(
    industry_code: str, *, standard: int = 48, extended: int = 60, extended_prefixes: Iterable[str] = ()
) -> int:
    """The incubation period of an enterprise of this industry under a programme's rules."""
    digits = _digits(industry_code)
    if digits and any(digits.startswith(_digits(prefix)) for prefix in extended_prefixes if _digits(prefix)):
        return extended
    return standard


def due_on(admitted_on: datetime.date, months: int) -> datetime.date:
    """The last day of the incubation period (inclusive)."""
    return term_end(admitted_on, months)


def is_overdue(stage: str, due: datetime.date, today: datetime.date) -> bool:
    return stage in ACTIVE and today > due


def transition_problem(current: str, target: str) -> str | None:
    """Why a record cannot move from `current` to `target` (in the user's language), or None."""
    if current not in ACTIVE:
        return _("孵化已结束（%(stage)s），不能再变更阶段") % {"stage": IncubationStage(current).label}
    if target in (IncubationStage.GRADUATED, IncubationStage.EXITED):
        return None
    if target not in _ORDER:
        return _("未知的阶段")
    if _ORDER[target] <= _ORDER[IncubationStage(current)]:
        return _("阶段只能向前推进：%(from)s → %(to)s") % {
            "from": IncubationStage(current).label,
            "to": IncubationStage(target).label,
        }
    return None


def entry_problems(
    *,
    founded_on: datetime.date | None,
    industry_code: str,
    has_ip: bool,
    on: datetime.date,
    max_age_years: int | None,
    industry_prefixes: Sequence[str],
    requires_ip: bool,
) -> list[str]:
    """The programme's entry criteria an applicant does not meet (empty: all met), for screening."""
    problems = []
    if max_age_years is not None and founded_on is not None and on > term_end(founded_on, max_age_years * 12):
        problems.append(_("成立已超过%(years)d年（成立于%(date)s）") % {"years": max_age_years, "date": founded_on})
    digits = _digits(industry_code)
    wanted = [_digits(p) for p in industry_prefixes if _digits(p)]
    if wanted and not (digits and digits.startswith(tuple(wanted))):
        problems.append(_("行业不在本项目的准入范围（%(prefixes)s）") % {"prefixes": "、".join(wanted)})
    if requires_ip and not has_ip:
        problems.append(_("须拥有或获授权知识产权"))
    return problems


# --- Graduation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GraduationFacts:
    """What ParkOS knows of an enterprise that can make it graduate; dates are when it happened."""

    high_tech_on: datetime.date | None = None
    listed_on: datetime.date | None = None
    acquired_on: datetime.date | None = None
    #: year → revenue in 元 reported for that year (full year, or year to date for the current one)
    revenue_by_year: Mapping[int, Decimal] | None = None
    #: year → a link to the statistics behind that year's figure
    revenue_sources: Mapping[int, str] | None = None
    milestone_urls: Mapping[str, str] | None = None


@dataclass(frozen=True)
class GraduationEvidence:
    basis: GraduationBasis
    met_on: datetime.date
    reason: str
    url: str = ""


def graduation_evidence(
    facts: GraduationFacts,
    *,
    admitted_on: datetime.date,
    bases: Iterable[str],
    revenue_threshold_wan: Decimal,
) -> list[GraduationEvidence]:
    """Every graduation criterion the programme counts that the enterprise meets, earliest first.

    高新/listing/acquisition count only when they happened on or after admission (what it brought
    into the programme is not the programme's result).
    """
    wanted = set(bases)
    urls = facts.milestone_urls or {}
    found: list[GraduationEvidence] = []
    dated = (
        (GraduationBasis.HIGH_TECH, facts.high_tech_on, _("%(date)s 认定为高新技术企业")),
        (GraduationBasis.LISTED, facts.listed_on, _("%(date)s 上市或挂牌")),
        (GraduationBasis.ACQUIRED, facts.acquired_on, _("%(date)s 被兼并收购")),
    )
    for basis, when, text in dated:
        if basis in wanted and when is not None and when >= admitted_on:
            found.append(GraduationEvidence(basis, when, text % {"date": when.isoformat()}, urls.get(basis, "")))
    if GraduationBasis.REVENUE in wanted and facts.revenue_by_year:
        revenue = _revenue_evidence(facts, admitted_on=admitted_on, threshold_wan=revenue_threshold_wan)
        if revenue is not None:
            found.append(revenue)
    return sorted(found, key=lambda e: e.met_on)


def _revenue_evidence(
    facts: GraduationFacts, *, admitted_on: datetime.date, threshold_wan: Decimal
) -> GraduationEvidence | None:
    by_year = facts.revenue_by_year or {}
    threshold = threshold_wan * WAN
    for year in sorted(by_year):
        if year - 1 not in by_year or year - 1 < admitted_on.year:
            continue
        total = by_year[year - 1] + by_year[year]
        if total >= threshold:
            return GraduationEvidence(
                GraduationBasis.REVENUE,
                datetime.date(year, 12, 31),
                _("%(a)d–%(b)d年营业收入累计 %(total)s，达到 %(threshold)s")
                % {
                    "a": year - 1,
                    "b": year,
                    "total": format_money(total, "wan"),
                    "threshold": format_money_wan(threshold_wan),
                },
                (facts.revenue_sources or {}).get(year, ""),
            )
    return None


# --- Cohorts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRow:
    year: int
    admitted: int
    active: int
    graduated: int
    exited: int
    overdue: int

    @property
    def survival_pct(self) -> Decimal | None:
        if not self.admitted:
            return None
        return (Decimal(self.admitted - self.exited) / self.admitted * 100).quantize(Decimal("0.1"))

    @property
    def graduation_pct(self) -> Decimal | None:
        if not self.admitted:
            return None
        return (Decimal(self.graduated) / self.admitted * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class RecordState:
    cohort_year: int
    stage: str
    due_on: datetime.date


def cohorts(records: Iterable[RecordState], today: datetime.date) -> list[CohortRow]:
    """One row per intake year, newest first."""
    counts: dict[int, list[int]] = {}
    for record in records:
        row = counts.setdefault(record.cohort_year, [0, 0, 0, 0, 0])
        row[0] += 1
        if record.stage in ACTIVE:
            row[1] += 1
            row[4] += int(today > record.due_on)
        elif record.stage == IncubationStage.GRADUATED:
            row[2] += 1
        else:
            row[3] += 1
    return [CohortRow(year, *values) for year, values in sorted(counts.items(), reverse=True)]
