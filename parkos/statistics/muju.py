"""亩均效益评价: per-mu scoring and A–D grading, configured per district (RULES §6).

The engine is generic because every district publishes its own indicators, weights, benchmarks
and grade shares (RULES §6.2–6.4):

    score = Σ min(value / benchmark, cap) × weight        (benchmark / value where lower is better)

Inputs are an enterprise's annual totals keyed by name (:data:`TAXES`, :data:`VALUE_ADDED`, …) and
its land in 亩. Money inputs are in 元, as ParkOS stores them; indicators divide them by 10,000 so
their values are in 万元 like the published benchmarks (亩均税收 万元/亩).

Conventions, and why:

- Ratios are floored at 0: a negative figure (a loss in value added) earns no points rather than
  subtracting points earned elsewhere. ``cap`` bounds a ratio from above where the district does.
- A missing input leaves its indicator unscored. The scheme says what that costs: indicators in
  ``missing_average`` take the average points of the rated enterprises that have them (黄岩: "缺
  排放数据的按规上企业该项平均得分"), every other missing indicator scores 0.
- Totals are rounded to two decimals (the precision of published lists), and ranking uses the
  rounded total, so two enterprises shown with the same score are treated the same.
- Ties share the best rank among them (competition ranking 1, 2, 2, 4), so they always get the
  same grade, whatever order they arrive in. Grades carry consequences (energy prices, land),
  and an arbitrary tie-break should not push an enterprise into a worse one.
- Percentile = (rank − ½) / N (mid-rank). Grade = the first grade whose cut-off the percentile does
  not exceed. With mid-ranks each grade gets the whole number of enterprises nearest to its share,
  symmetrically at the top and the bottom: of 20 enterprises with cuts 20/60/95 % exactly 4 are A
  and 1 is D; of 10, 2 are A and none is D (5 % of 10 is half an enterprise). ``rank / N`` would
  instead always grade the last of a small population D and a lone enterprise D.
- Enterprises whose category is in ``exempt_categories`` are not rated (不参评): they are listed
  but take no rank and do not count in N.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Final

from django.utils.translation import gettext_lazy as _

from parkos.core.units import WAN

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "EMISSIONS",
    "EMPLOYEES",
    "ENERGY",
    "HUAIAN_2024",
    "HUANGYAN_2023",
    "LAND",
    "MONEY_INPUTS",
    "NOT_RATED",
    "PARK_DEFAULT",
    "REVENUE",
    "RND",
    "SCHEMES",
    "TAXES",
    "VALUE_ADDED",
    "Grade",
    "Graded",
    "Indicator",
    "IndicatorScore",
    "Scheme",
    "Score",
    "benchmarks_from_average",
    "grade_all",
    "grade_for_percentile",
    "indicator_value",
    "score_enterprise",
]

# --- inputs --------------------------------------------------------------------------------------

TAXES: Final = "taxes"  # 评价税收 (实缴税金), 元
VALUE_ADDED: Final = "value_added"  # 工业增加值, 元
REVENUE: Final = "revenue"  # 主营业务收入 / 销售收入, 元
RND: Final = "rnd_spending"  # R&D经费支出, 元
ENERGY: Final = "energy_tce"  # 综合能耗 (等价值), 吨标准煤
EMISSIONS: Final = "emissions_t"  # 主要污染物排放量, 吨
EMPLOYEES: Final = "employees"  # 年平均职工人数, 人
#: The denominator of per-mu indicators: the ``land_mu`` argument, not an input.
LAND: Final = "land_mu"
#: Inputs in 元, converted to 万元 before dividing.
MONEY_INPUTS: Final[frozenset[str]] = frozenset({TAXES, VALUE_ADDED, REVENUE, RND})

NOT_RATED: Final = _("不参评")

SCORE_DIGITS: Final = 2
_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)


def _round(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One scored indicator: value = numerator / denominator, ratio against the benchmark.

    ``benchmark`` None means "set each year" (e.g. Huai'an: twice the county's previous-year
    average); such a scheme must get its benchmarks through :meth:`Scheme.with_benchmarks` before
    scoring. A lower-is-better indicator needs a ``cap``, since benchmark / value grows without
    bound as the value approaches 0.
    """

    key: str
    label: str | StrPromise
    weight: Decimal
    benchmark: Decimal | None
    numerator: str
    denominator: str = LAND
    unit: str | StrPromise = ""
    cap: Decimal | None = None
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if self.weight <= 0:
            raise ValueError(f"{self.key}: weight must be positive")
        if self.benchmark is not None and self.benchmark <= 0:
            raise ValueError(f"{self.key}: benchmark must be positive")
        if self.cap is not None and self.cap <= 0:
            raise ValueError(f"{self.key}: cap must be positive")
        if not self.higher_is_better and self.cap is None:
            raise ValueError(f"{self.key}: a lower-is-better indicator needs a cap")


@dataclass(frozen=True)
class Grade:
    """A grade and the percentile up to which it is given; ``upper`` None = "the rest" (last grade)."""

    code: str
    label: str | StrPromise
    upper: Decimal | None


@dataclass(frozen=True)
class Scheme:
    """A district's evaluation: indicators, grades by percentile and who is not rated."""

    key: str
    name: str | StrPromise
    indicators: tuple[Indicator, ...]
    grades: tuple[Grade, ...]
    exempt_categories: frozenset[str] = frozenset()
    missing_average: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        keys = [indicator.key for indicator in self.indicators]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError("indicator keys must be present and unique")
        if unknown := self.missing_average - set(keys):
            raise ValueError(f"missing_average names unknown indicators: {sorted(unknown)}")
        uppers = [grade.upper for grade in self.grades[:-1]]
        if not self.grades or self.grades[-1].upper is not None or None in uppers:
            raise ValueError("every grade but the last needs a cut-off; the last takes the rest")
        cuts = [upper for upper in uppers if upper is not None]
        if cuts != sorted(cuts) or len(set(cuts)) != len(cuts) or (cuts and not _ZERO < cuts[0] <= cuts[-1] < _ONE):
            raise ValueError("grade cut-offs must rise strictly within (0, 1)")

    def with_benchmarks(self, benchmarks: Mapping[str, Decimal]) -> Scheme:
        """A copy with the given benchmarks set (keys are indicator keys)."""
        if unknown := set(benchmarks) - {indicator.key for indicator in self.indicators}:
            raise ValueError(f"unknown indicators: {sorted(unknown)}")
        indicators = tuple(
            replace(indicator, benchmark=benchmarks.get(indicator.key, indicator.benchmark))
            for indicator in self.indicators
        )
        return replace(self, indicators=indicators)


# --- presets -------------------------------------------------------------------------------------

_PER_MU = _("万元/亩")

#: 台州黄岩 2023, 规上工业 (RULES §6.2 [S]: weights 30/20/20/10/10/10 and that year's benchmarks).
#: The published formula has no cap. RULES gives no grade shares for 黄岩: the cuts here are the
#: 20/60/95 % used in Huai'an and the Zhejiang grade names [M] — confirm with the district.
HUANGYAN_2023: Final = Scheme(
    key="huangyan_2023",
    name=_("台州市黄岩区 2023 规上工业企业亩均效益评价"),
    indicators=(
        Indicator("tax_per_mu", _("亩均税收"), Decimal(30), Decimal("24.097"), TAXES, LAND, _PER_MU),
        Indicator("value_added_per_mu", _("亩均增加值"), Decimal(20), Decimal("136.16"), VALUE_ADDED, LAND, _PER_MU),
        Indicator(
            "value_added_per_energy",
            _("单位能耗增加值"),
            Decimal(20),
            Decimal("2.694"),
            VALUE_ADDED,
            ENERGY,
            _("万元/吨标准煤"),
        ),
        Indicator(
            "value_added_per_emission",
            _("单位排放增加值"),
            Decimal(10),
            Decimal("4929.81"),
            VALUE_ADDED,
            EMISSIONS,
            _("万元/吨"),
        ),
        Indicator(
            "labour_productivity",
            _("全员劳动生产率"),
            Decimal(10),
            Decimal("18.14"),
            VALUE_ADDED,
            EMPLOYEES,
            _("万元/人"),
        ),
        # A share (0.0302 = 3.02 %), as in the published benchmark.
        Indicator("rnd_ratio", _("R&D经费支出占主营业务收入之比"), Decimal(10), Decimal("0.0302"), RND, REVENUE),
    ),
    grades=(
        Grade("A", _("优先支持"), Decimal("0.20")),
        Grade("B", _("提升发展"), Decimal("0.60")),
        Grade("C", _("调整转型"), Decimal("0.95")),
        Grade("D", _("整治淘汰"), None),
    ),
    missing_average=frozenset({"value_added_per_emission"}),
)

#: 淮安 2024 (RULES §6.2–6.3 [S]): 亩均税收 45, 亩均销售收入 35, 绿色发展 20 (here 单位能耗税收;
#: a district scoring 单位电耗税收 swaps the indicator); A top 20 %, B to 60 %, C to 95 %, D the
#: rest. Benchmarks are set each year at about twice the county's previous-year average, so they
#: are None here: use ``HUAIAN_2024.with_benchmarks(benchmarks_from_average(...))``. The ± bonus
#: and penalty items of the scheme are not modelled.
HUAIAN_2024: Final = Scheme(
    key="huaian_2024",
    name=_("淮安市 2024 工业企业资源集约利用综合评价"),
    indicators=(
        Indicator("tax_per_mu", _("亩均税收"), Decimal(45), None, TAXES, LAND, _PER_MU),
        Indicator("revenue_per_mu", _("亩均销售收入"), Decimal(35), None, REVENUE, LAND, _PER_MU),
        Indicator("tax_per_energy", _("单位能耗税收"), Decimal(20), None, TAXES, ENERGY, _("万元/吨标准煤")),
    ),
    grades=(
        Grade("A", _("优先发展"), Decimal("0.20")),
        Grade("B", _("鼓励提升"), Decimal("0.60")),
        Grade("C", _("监管调控"), Decimal("0.95")),
        Grade("D", _("落后整治"), None),
    ),
    exempt_categories=frozenset({"utility", "new_production"}),
)


#: ParkOS stores no 工业增加值 or emissions (they come from the bureau once a year), so the park's
#: default scheme keeps the Zhejiang weights of RULES §6.2 on the revenue basis ParkOS has:
#: 亩均税收 30, 亩均营业收入 20 + 单位能耗营业收入 20 (for the two value-added items),
#: 人均营业收入 10 + 10 (labour productivity, plus the emission item's 10), R&D占比 10.
#: Benchmarks default to the park's own aggregate (factor 1: an enterprise at the park average
#: scores 100); grades 20/60/95 % with the Zhejiang names.
PARK_DEFAULT: Final = Scheme(
    key="park_default",
    name="园区默认（浙江权重，营收口径）",
    indicators=(
        Indicator("tax_per_mu", "亩均税收", Decimal(30), None, TAXES, LAND, "万元/亩"),
        Indicator("revenue_per_mu", "亩均营业收入", Decimal(20), None, REVENUE, LAND, "万元/亩"),
        Indicator("revenue_per_energy", "单位能耗营业收入", Decimal(20), None, REVENUE, ENERGY, "万元/吨标准煤"),
        Indicator("revenue_per_employee", "人均营业收入", Decimal(20), None, REVENUE, EMPLOYEES, "万元/人"),
        Indicator("rnd_ratio", "R&D经费支出占营业收入之比", Decimal(10), None, RND, REVENUE),
    ),
    grades=HUANGYAN_2023.grades,
    exempt_categories=frozenset({"utility", "new_production", "under_construction", "policy_supported"}),
)
SCHEMES: Final[dict[str, Scheme]] = {
    PARK_DEFAULT.key: PARK_DEFAULT,
    HUANGYAN_2023.key: HUANGYAN_2023,
    HUAIAN_2024.key: HUAIAN_2024,
}


# --- scoring -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator of one enterprise: its value, value/benchmark, whether capped, and points."""

    key: str
    value: Decimal | None
    ratio: Decimal | None  # before the cap (floored at 0)
    capped: bool
    points: Decimal | None  # None when the value is missing


@dataclass(frozen=True)
class Score:
    """An enterprise's evaluation under a scheme, item by item."""

    enterprise_id: int | None
    category: str | None
    land_mu: Decimal | None
    items: tuple[IndicatorScore, ...]

    @property
    def total(self) -> Decimal:
        """Σ points of the scored items, to two decimals (missing items count 0 here)."""
        return _round(sum((item.points for item in self.items if item.points is not None), _ZERO), SCORE_DIGITS)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items if item.points is None)


def _input(values: Mapping[str, Decimal | None], land_mu: Decimal | None, key: str) -> Decimal | None:
    value = land_mu if key == LAND else values.get(key)
    if value is None:
        return None
    return value / WAN if key in MONEY_INPUTS else value


def indicator_value(
    indicator: Indicator, values: Mapping[str, Decimal | None], land_mu: Decimal | None
) -> Decimal | None:
    """The indicator's value for one enterprise (万元 for money), None if an input is missing or the
    denominator is not positive."""
    numerator = _input(values, land_mu, indicator.numerator)
    denominator = _input(values, land_mu, indicator.denominator)
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def score_enterprise(
    values: Mapping[str, Decimal | None],
    land_mu: Decimal | None,
    scheme: Scheme,
    *,
    enterprise_id: int | None = None,
    category: str | None = None,
) -> Score:
    """Score one enterprise: per indicator min(value / benchmark, cap) × weight.

    ``values`` holds annual inputs by name (:data:`TAXES`, …; money in 元); ``land_mu`` is the
    enterprise's land in 亩. Raises ``ValueError`` if a benchmark of the scheme is not set.
    """
    items: list[IndicatorScore] = []
    for indicator in scheme.indicators:
        if indicator.benchmark is None:
            raise ValueError(f"benchmark of {indicator.key} is not set; use Scheme.with_benchmarks()")
        value = indicator_value(indicator, values, land_mu)
        if value is None:
            items.append(IndicatorScore(indicator.key, None, None, capped=False, points=None))
            continue
        if indicator.higher_is_better:
            ratio = value / indicator.benchmark
        else:
            # A value of 0 or less is as good as it gets: it takes the cap (required for these).
            ratio = indicator.benchmark / value if value > 0 else indicator.cap or _ZERO
        ratio = max(ratio, _ZERO)
        capped = indicator.cap is not None and ratio > indicator.cap
        effective = indicator.cap if capped and indicator.cap is not None else ratio
        items.append(IndicatorScore(indicator.key, value, ratio, capped, effective * indicator.weight))
    return Score(enterprise_id, category, land_mu, tuple(items))


def benchmarks_from_average(
    enterprises: Iterable[tuple[Mapping[str, Decimal | None], Decimal | None]],
    scheme: Scheme,
    factor: Decimal = Decimal(2),
) -> dict[str, Decimal]:
    """Benchmarks as ``factor`` × the population's average (Huai'an: 2 × previous-year average).

    The average is aggregate — Σ numerator / Σ denominator over the enterprises that have both —
    which is how a county's 亩均税收 is published, not a mean of enterprise ratios. Indicators
    nobody reports are left out.
    """
    population = list(enterprises)
    result: dict[str, Decimal] = {}
    for indicator in scheme.indicators:
        numerators, denominators = _ZERO, _ZERO
        for values, land_mu in population:
            numerator = _input(values, land_mu, indicator.numerator)
            denominator = _input(values, land_mu, indicator.denominator)
            if numerator is not None and denominator is not None and denominator > 0:
                numerators += numerator
                denominators += denominator
        if denominators > 0 and numerators > 0:
            result[indicator.key] = factor * numerators / denominators
    return result


# --- grading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Graded:
    """An enterprise's place in the evaluation; exempt ones have no total, rank or grade."""

    score: Score
    total: Decimal | None  # after the scheme's rule for missing items
    rank: int | None
    percentile: Decimal | None
    grade: Grade | None
    averaged: tuple[str, ...] = ()  # indicators scored at the population average

    @property
    def enterprise_id(self) -> int | None:
        return self.score.enterprise_id

    @property
    def exempt(self) -> bool:
        return self.grade is None

    @property
    def display(self) -> str:
        """The grade code ("A", "B", …) or "不参评"."""
        return str(NOT_RATED) if self.grade is None else self.grade.code


def grade_for_percentile(percentile: Decimal, scheme: Scheme) -> Grade:
    """The grade of a percentile in (0, 1]: the first grade whose cut-off it does not exceed."""
    if not _ZERO <= percentile <= _ONE:
        raise ValueError(f"percentile must be within 0..1, got {percentile}")
    for grade in scheme.grades:
        if grade.upper is None or percentile <= grade.upper:
            return grade
    raise AssertionError("unreachable: the last grade takes the rest")  # pragma: no cover


def grade_all(scores: Sequence[Score], scheme: Scheme) -> list[Graded]:
    """Rank and grade the rated enterprises; exempt ones are listed last as 不参评.

    1. Set aside enterprises whose category the scheme exempts.
    2. Fill missing items of ``scheme.missing_average`` with the mean points of the rated
       enterprises that have the item; other missing items count 0.
    3. Rank by total (two decimals), best first; ties share the best rank.
    4. Percentile = (rank − ½) / N; grade by the scheme's cut-offs.
    Rated enterprises come back in rank order (ties by enterprise id), then the exempt ones.
    """
    rated = [score for score in scores if score.category not in scheme.exempt_categories]
    exempt = [score for score in scores if score.category in scheme.exempt_categories]

    averages: dict[str, Decimal] = {}
    for key in scheme.missing_average:
        present = [
            item.points for score in rated for item in score.items if item.key == key and item.points is not None
        ]
        averages[key] = sum(present, _ZERO) / len(present) if present else _ZERO

    totals: list[tuple[Score, Decimal, tuple[str, ...]]] = []
    for score in rated:
        filled = tuple(key for key in score.missing if key in averages)
        extra = sum((averages[key] for key in filled), _ZERO)
        points = sum((item.points for item in score.items if item.points is not None), _ZERO)
        totals.append((score, _round(points + extra, SCORE_DIGITS), filled))
    totals.sort(key=lambda entry: (-entry[1], entry[0].enterprise_id is None, entry[0].enterprise_id or 0))

    count = len(totals)
    result: list[Graded] = []
    for score, total, filled in totals:
        rank = 1 + sum(1 for _other, other_total, _filled in totals if other_total > total)
        percentile = (Decimal(rank) - Decimal("0.5")) / count
        result.append(Graded(score, total, rank, percentile, grade_for_percentile(percentile, scheme), filled))
    result.extend(
        Graded(score, None, None, None, None)
        for score in sorted(exempt, key=lambda s: (s.enterprise_id is None, s.enterprise_id or 0))
    )
    return result
