"""Policy eligibility: scheme criteria as rules over the facts ParkOS holds about an enterprise.

Pure and typed, no ORM: `selectors.eligibility_facts` gathers one `EnterpriseFacts` per enterprise in
a few queries, and `scan` evaluates every scheme over all of them. The rules (RULES §13.5):

1. A criterion is (fact, operator, value): numbers compare with ≥ ≤ > <; yes/no facts with 是/否;
   the industry code with "属于以下行业" (any of some GB/T 4754 code prefixes; section letters are
   ignored, so C27 and 27 are the same); the incubation stage with "属于以下之一".
2. A fact ParkOS does not hold for an enterprise (no statistics for last year, no founding date…)
   fails the criterion, with the reason "缺少数据" — missing data never makes anyone eligible.
3. An enterprise qualifies when every criterion of the scheme holds, and "misses one" when exactly one
   fails; that criterion is named. A scheme without criteria is open to every enterprise.
4. A stored criterion that no longer parses (the grammar changed, or a row was written around the
   form) is read with `Rule.stored`: it is not evaluated and holds for nobody ("规则有误", its
   `problem` says why), so a broken rule never makes anyone eligible and never stops a page.

`scan` is set arithmetic on bit masks: each distinct criterion is evaluated once over all enterprises
(the set of those failing it), so 20,000 enterprises × 30 schemes cost one pass per distinct criterion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import compress
from operator import attrgetter
from typing import Any, Final, NamedTuple

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from parkos.incubation.choices import CriterionOperator, EligibilityFact, IncubationStage

BOOLEAN_FACTS: Final = frozenset({EligibilityFact.ABOVE_SCALE, EligibilityFact.HIGH_TECH, EligibilityFact.SPECIALISED})
NUMERIC_FACTS: Final = frozenset(
    {
        EligibilityFact.RD_INTENSITY,
        EligibilityFact.REVENUE_WAN,
        EligibilityFact.EMPLOYEES,
        EligibilityFact.AGE_YEARS,
        EligibilityFact.IN_PARK_YEARS,
    }
)
_COMPARISONS: Final = frozenset(
    {CriterionOperator.GTE, CriterionOperator.LTE, CriterionOperator.GT, CriterionOperator.LT}
)
_SEPARATORS: Final = re.compile(r"[\s,，、;；/]+")


class EnterpriseFacts(NamedTuple):
    """What ParkOS knows about one enterprise for eligibility; None where it does not know.

    A named tuple: a scan builds one per enterprise of the park (20,000, benchmark
    incubation.eligibility_scan), and a frozen dataclass costs several times as much to construct.
    """

    enterprise_id: int
    above_scale: bool = False
    high_tech: bool = False
    specialised: bool = False
    rd_intensity: Decimal | None = None  # percent of revenue, last full year
    revenue_wan: Decimal | None = None  # last full year
    industry_code: str = ""  # digits only
    employees: int | None = None
    age_years: Decimal | None = None
    in_park_years: Decimal | None = None
    stage: str = ""  # incubation stage in the park; "" when not incubated (a fact, not missing data)

    def value(self, fact: str) -> object:
        return getattr(self, _ATTRIBUTES[fact])


_ATTRIBUTES: Final[dict[str, str]] = {
    EligibilityFact.ABOVE_SCALE: "above_scale",
    EligibilityFact.HIGH_TECH: "high_tech",
    EligibilityFact.SPECIALISED: "specialised",
    EligibilityFact.RD_INTENSITY: "rd_intensity",
    EligibilityFact.REVENUE_WAN: "revenue_wan",
    EligibilityFact.INDUSTRY: "industry_code",
    EligibilityFact.EMPLOYEES: "employees",
    EligibilityFact.AGE_YEARS: "age_years",
    EligibilityFact.IN_PARK_YEARS: "in_park_years",
    EligibilityFact.STAGE: "stage",
}


def _items(value: str) -> list[str]:
    return [item for item in _SEPARATORS.split(value.strip()) if item]


_NON_DIGITS: Final = re.compile(r"\D")


def digits(code: str) -> str:
    """An industry code's digits (C2761 → 2761); most codes are stored as digits already."""
    return code if code.isdigit() else _NON_DIGITS.sub("", code)


def _stage_key(item: str) -> str | None:
    """A stage typed as its key, its Chinese name or its name in the active language (rules must not
    change meaning with the reader's language)."""
    for stage in IncubationStage:
        if item == stage.value or item == str(stage.label):
            return stage.value
        with translation.override(settings.LANGUAGE_CODE):
            if item == str(stage.label):
                return stage.value
    return None


def canonical_value(fact: str, operator: str, value: str) -> str:
    """A well-formed criterion's value as stored: numbers as typed, codes and stage keys comma-separated."""
    if fact in NUMERIC_FACTS:
        return value.strip()
    if fact in BOOLEAN_FACTS:
        return ""
    return _normal(fact, operator, value)[0]


def describe(fact: str, operator: str, value: str) -> str:
    """A criterion as people read it: "上年R&D经费占营业收入比例（%） 不低于 3", "高新技术企业（有效期内）"."""
    label = str(EligibilityFact(fact).label) if fact in EligibilityFact.values else fact
    if fact in BOOLEAN_FACTS:
        return label if operator == CriterionOperator.IS_TRUE else _("非%(fact)s") % {"fact": label}
    operator_label = str(CriterionOperator(operator).label) if operator in CriterionOperator.values else operator
    if fact == EligibilityFact.STAGE:
        keys = [_stage_key(item) for item in _items(value)]
        value = "、".join(str(IncubationStage(key).label) for key in keys if key is not None)
    return f"{label} {operator_label} {value}".strip()


def criterion_problem(fact: str, operator: str, value: str) -> str | None:
    """Why a criterion cannot be evaluated (in the user's language), or None when it is well formed."""
    if fact not in _ATTRIBUTES:
        return _("未知的条件：%(fact)s") % {"fact": fact}
    if fact in BOOLEAN_FACTS:
        if operator not in (CriterionOperator.IS_TRUE, CriterionOperator.IS_FALSE):
            return _("该条件只能选择“是”或“否”")
        return None
    if fact in NUMERIC_FACTS:
        if operator not in _COMPARISONS:
            return _("该条件须选择“不低于/不高于/高于/低于”之一")
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return _("请填写数值，如 3 或 2.5")
        if not number.is_finite() or number < 0:
            return _("请填写不小于0的数值")
        return None
    if fact == EligibilityFact.INDUSTRY:
        if operator != CriterionOperator.PREFIX:
            return _("行业条件须选择“属于以下行业（代码前缀）”")
        prefixes = [digits(item) for item in _items(value)]
        if not prefixes or not all(prefixes):
            return _("请填写行业代码前缀，如 27、358（多个用逗号分隔）")
        return None
    if operator != CriterionOperator.IN:
        return _("孵化阶段条件须选择“属于以下之一”")
    stages = _items(value)
    if not stages or any(_stage_key(item) is None for item in stages):
        return _("请填写孵化阶段，如 在孵、加速（多个用逗号分隔）")
    return None


def _normal(fact: str, operator: str, value: str) -> tuple[str, object]:
    """A criterion's value in normal form (equal rules share their work) and as the evaluator wants it."""
    if fact in BOOLEAN_FACTS:
        return "", operator == CriterionOperator.IS_TRUE
    if fact in NUMERIC_FACTS:
        threshold = Decimal(value.strip())
        return str(threshold), threshold
    if fact == EligibilityFact.INDUSTRY:
        prefixes = tuple(sorted({digits(item) for item in _items(value)}))
        return ",".join(prefixes), prefixes
    stages = frozenset(key for item in _items(value) if (key := _stage_key(item)) is not None)
    return ",".join(sorted(stages)), stages


def _missing(fact: str, value: object) -> bool:
    """Whether ParkOS lacks the fact. Not being incubated is known (stage ""); an empty industry code is not."""
    return value is None or (fact == EligibilityFact.INDUSTRY and not value)


def _failing(fact: str, operator: str, argument: Any, values: Sequence[Any]) -> list[bool]:
    """For each value, whether it fails the criterion; a missing value fails (`_missing`, inlined).

    The one statement of every rule: a single enterprise is checked with a one-element column, the
    scan with the whole column, each as one comprehension (no call per enterprise).
    """
    if fact in BOOLEAN_FACTS:
        return [bool(v) is not argument for v in values]
    if fact in NUMERIC_FACTS:
        if operator == CriterionOperator.GTE:
            return [v is None or not v >= argument for v in values]
        if operator == CriterionOperator.LTE:
            return [v is None or not v <= argument for v in values]
        if operator == CriterionOperator.GT:
            return [v is None or not v > argument for v in values]
        return [v is None or not v < argument for v in values]
    if fact == EligibilityFact.INDUSTRY:
        return [not v or not v.startswith(argument) for v in values]
    return [v is None or v not in argument for v in values]


@dataclass(frozen=True)
class Rule:
    """A well-formed criterion, ready to evaluate (build it with `Rule.parse`)."""

    fact: str
    operator: str
    value: str
    key: tuple[str, str, str] = field(compare=False)
    argument: object = field(compare=False, repr=False)
    #: Why a stored criterion cannot be evaluated ("" when it is well formed); see `stored`.
    problem: str = field(default="", compare=False)

    @classmethod
    def parse(cls, fact: str, operator: str, value: str) -> Rule:
        problem = criterion_problem(fact, operator, value)
        if problem:
            raise ValueError(problem)
        normal, argument = _normal(fact, operator, value)
        return cls(fact, operator, value, (fact, operator, normal), argument)

    @classmethod
    def stored(cls, fact: str, operator: str, value: str) -> Rule:
        """A criterion read back from the database: well formed, or an invalid rule that holds for nobody.

        Input is refused at the edge (`criterion_problem`), but a stored row can stop parsing when the
        grammar changes or a row is written around the form; one such row must not take the pages down.
        """
        problem = criterion_problem(fact, operator, value)
        if problem:
            return cls(fact, operator, value, ("", "", ""), None, problem)
        return cls.parse(fact, operator, value)

    @property
    def invalid(self) -> bool:
        return bool(self.problem)

    @property
    def label(self) -> str:
        return describe(self.fact, self.operator, self.value)

    def holds(self, facts: EnterpriseFacts) -> bool | None:
        """True or False; None when ParkOS does not hold the fact or the rule is invalid (both fail)."""
        if self.problem:
            return None
        value = facts.value(self.fact)
        if _missing(self.fact, value):
            return None
        return not _failing(self.fact, self.operator, self.argument, [value])[0]


@dataclass(frozen=True)
class SchemeRules:
    scheme_id: int
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class NearMiss:
    """An enterprise that fails exactly one rule of a scheme: which one, and whether only for want of data."""

    enterprise_id: int
    rule_index: int
    missing_data: bool


# Sets of enterprises are bit masks over the scan's population (bit i: the i-th enterprise): a union
# or difference over 20,000 enterprises is then a few hundred machine words, not a hash-set walk.
_TO_DIGITS: Final = bytes.maketrans(b"\x00\x01", b"01")
_FROM_DIGITS: Final = bytes.maketrans(b"01", b"\x00\x01")


def _mask(flags: list[bool]) -> int:
    """The bit mask with bit i set where flags[i] is true."""
    return int(bytes(reversed(flags)).translate(_TO_DIGITS) or b"0", 2)


def _members(population: Sequence[int], mask: int) -> list[int]:
    """The enterprises of the population whose bit is set in the mask, in population order."""
    return list(compress(population, bin(mask)[:1:-1].encode().translate(_FROM_DIGITS)))


@dataclass(frozen=True)
class SchemeResult:
    """Who qualifies, and per rule who misses only that one (and of them, who lacks the fact).

    Held as bit masks over `population` (shared by every scheme of a scan): counts cost nothing, the
    enterprises are listed on demand.
    """

    scheme_id: int
    population: Sequence[int]
    qualified_mask: int
    miss_masks: tuple[int, ...]
    unknown_masks: tuple[int, ...]

    @property
    def qualified_count(self) -> int:
        return self.qualified_mask.bit_count()

    @property
    def qualified(self) -> frozenset[int]:
        return frozenset(_members(self.population, self.qualified_mask))

    @property
    def near_miss_count(self) -> int:
        return sum(m.bit_count() for m in self.miss_masks)

    @property
    def near_misses(self) -> list[NearMiss]:
        found: list[NearMiss] = []
        for index, (missing, unknown) in enumerate(zip(self.miss_masks, self.unknown_masks, strict=True)):
            lacking = set(_members(self.population, missing & unknown))
            found.extend(
                NearMiss(enterprise_id, index, enterprise_id in lacking)
                for enterprise_id in sorted(_members(self.population, missing))
            )
        return found


@dataclass
class _Columns:
    """Each fact of every enterprise as a column, and the mask of those lacking it (built once per scan)."""

    facts: Sequence[EnterpriseFacts]
    values: dict[str, list[Any]] = field(default_factory=dict)
    unknown: dict[str, int] = field(default_factory=dict)

    def of(self, fact: str) -> tuple[list[Any], int]:
        if fact not in self.values:
            column = self.values[fact] = list(map(attrgetter(_ATTRIBUTES[fact]), self.facts))
            if fact == EligibilityFact.INDUSTRY:  # `_missing`, inlined: one call per enterprise costs more
                self.unknown[fact] = _mask([not v for v in column])
            else:
                self.unknown[fact] = _mask([v is None for v in column])
        return self.values[fact], self.unknown[fact]


def scan(facts: Sequence[EnterpriseFacts], schemes: Iterable[SchemeRules]) -> dict[int, SchemeResult]:
    """Every scheme over every enterprise: who qualifies, and who misses exactly one rule (named).

    1. Evaluate each distinct rule once over all enterprises: the set failing it (missing data fails).
    2. Per scheme: qualified = all − ∪ failing; misses rule i = failing_i − ∪ failing_j (j ≠ i), with
       the unions of the others taken from prefix and suffix unions (k rules: 2k set unions).
    """
    population = tuple(f.enterprise_id for f in facts)
    everyone = (1 << len(population)) - 1
    columns = _Columns(facts)
    failing_by_key: dict[tuple[str, str, str], int] = {}
    results: dict[int, SchemeResult] = {}
    for scheme in schemes:
        failing_masks: list[int] = []
        unknown_masks: list[int] = []
        for rule in scheme.rules:
            if rule.problem:  # not evaluated: fails everyone, and not for want of data
                failing_masks.append(everyone)
                unknown_masks.append(0)
                continue
            values, unknown = columns.of(rule.fact)
            failing = failing_by_key.get(rule.key)
            if failing is None:
                failing = failing_by_key[rule.key] = _mask(_failing(rule.fact, rule.operator, rule.argument, values))
            failing_masks.append(failing)
            unknown_masks.append(unknown)
        prefix = [0]
        for failing in failing_masks:
            prefix.append(prefix[-1] | failing)
        suffix = [0]
        for failing in reversed(failing_masks):
            suffix.append(suffix[-1] | failing)
        suffix.reverse()
        misses = tuple(failing_masks[i] & ~(prefix[i] | suffix[i + 1]) for i in range(len(failing_masks)))
        results[scheme.scheme_id] = SchemeResult(
            scheme.scheme_id, population, everyone & ~prefix[-1], misses, tuple(unknown_masks)
        )
    return results


@dataclass(frozen=True)
class RuleCheck:
    rule: Rule
    holds: bool | None


def check(facts: EnterpriseFacts, rules: Sequence[Rule]) -> list[RuleCheck]:
    """One enterprise against one scheme's rules, rule by rule (the tenant's and the enterprise page's view)."""
    return [RuleCheck(rule, rule.holds(facts)) for rule in rules]


def qualifies(checks: Sequence[RuleCheck]) -> bool:
    return all(c.holds is True for c in checks)
