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

`scan` is set arithmetic: each distinct criterion is evaluated once over all enterprises (the set of
those failing it), so 20,000 enterprises × 30 schemes cost one pass per distinct criterion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from typing import Any, Final

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


@dataclass(frozen=True, slots=True)
class EnterpriseFacts:
    """What ParkOS knows about one enterprise for eligibility; None where it does not know."""

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


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


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
        prefixes = [_digits(item) for item in _items(value)]
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
        prefixes = tuple(sorted({_digits(item) for item in _items(value)}))
        return ",".join(prefixes), prefixes
    stages = frozenset(key for item in _items(value) if (key := _stage_key(item)) is not None)
    return ",".join(sorted(stages)), stages


def _missing(fact: str, value: object) -> bool:
    """Whether ParkOS lacks the fact. Not being incubated is known (stage ""); an empty industry code is not."""
    return value is None or (fact == EligibilityFact.INDUSTRY and not value)


Known = Sequence[tuple[int, Any]]


def _failing(fact: str, operator: str, argument: Any, known: Known) -> set[int]:
    """The enterprises among `known` (id, value — the fact present) that fail the criterion.

    The one statement of every rule: a single enterprise is checked with a one-element column, the
    scan with the whole column, each as one comprehension (no call per enterprise).
    """
    if fact in BOOLEAN_FACTS:
        return {e for e, v in known if bool(v) is not argument}
    if fact in NUMERIC_FACTS:
        if operator == CriterionOperator.GTE:
            return {e for e, v in known if not v >= argument}
        if operator == CriterionOperator.LTE:
            return {e for e, v in known if not v <= argument}
        if operator == CriterionOperator.GT:
            return {e for e, v in known if not v > argument}
        return {e for e, v in known if not v < argument}
    if fact == EligibilityFact.INDUSTRY:
        return {e for e, v in known if not v.startswith(argument)}
    return {e for e, v in known if v not in argument}


@dataclass(frozen=True)
class Rule:
    """A well-formed criterion, ready to evaluate (build it with `Rule.parse`)."""

    fact: str
    operator: str
    value: str
    key: tuple[str, str, str] = field(compare=False)
    argument: Any = field(compare=False, repr=False)

    @classmethod
    def parse(cls, fact: str, operator: str, value: str) -> Rule:
        problem = criterion_problem(fact, operator, value)
        if problem:
            raise ValueError(problem)
        normal, argument = _normal(fact, operator, value)
        return cls(fact, operator, value, (fact, operator, normal), argument)

    @property
    def label(self) -> str:
        return describe(self.fact, self.operator, self.value)

    def holds(self, facts: EnterpriseFacts) -> bool | None:
        """True or False; None when ParkOS does not hold the fact (which counts as failing)."""
        value = facts.value(self.fact)
        if _missing(self.fact, value):
            return None
        return not _failing(self.fact, self.operator, self.argument, [(facts.enterprise_id, value)])

    def failing(self, known: Known) -> set[int]:
        return _failing(self.fact, self.operator, self.argument, known)


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


@dataclass(frozen=True)
class SchemeResult:
    """Who qualifies, and per rule who misses only that one (and of them, who lacks the fact)."""

    scheme_id: int
    qualified: frozenset[int]
    misses: tuple[frozenset[int], ...]
    unknown: tuple[frozenset[int], ...]

    @property
    def near_miss_count(self) -> int:
        return sum(len(m) for m in self.misses)

    @property
    def near_misses(self) -> list[NearMiss]:
        return [
            NearMiss(enterprise_id, index, enterprise_id in self.unknown[index])
            for index, missing in enumerate(self.misses)
            for enterprise_id in sorted(missing)
        ]


@dataclass
class _Columns:
    """Each fact of every enterprise as a column, the missing ones set apart (built once per scan)."""

    facts: Sequence[EnterpriseFacts]
    known: dict[str, Known] = field(default_factory=dict)
    unknown: dict[str, frozenset[int]] = field(default_factory=dict)
    ids: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.ids = [f.enterprise_id for f in self.facts]

    def of(self, fact: str) -> tuple[Known, frozenset[int]]:
        if fact not in self.known:
            pairs = list(zip(self.ids, map(attrgetter(_ATTRIBUTES[fact]), self.facts), strict=True))
            if fact == EligibilityFact.INDUSTRY:  # `_missing`, inlined: one call per enterprise costs more
                self.known[fact] = [(e, v) for e, v in pairs if v]
                self.unknown[fact] = frozenset(e for e, v in pairs if not v)
            else:
                self.known[fact] = [(e, v) for e, v in pairs if v is not None]
                self.unknown[fact] = frozenset(e for e, v in pairs if v is None)
        return self.known[fact], self.unknown[fact]


def scan(facts: Sequence[EnterpriseFacts], schemes: Iterable[SchemeRules]) -> dict[int, SchemeResult]:
    """Every scheme over every enterprise: who qualifies, and who misses exactly one rule (named).

    1. Evaluate each distinct rule once over all enterprises: the set failing it (missing data fails).
    2. Per scheme: qualified = all − ∪ failing; misses rule i = failing_i − ∪ failing_j (j ≠ i), with
       the unions of the others taken from prefix and suffix unions (k rules: 2k set unions).
    """
    everyone = frozenset(f.enterprise_id for f in facts)
    columns = _Columns(facts)
    failing_by_key: dict[tuple[str, str, str], frozenset[int]] = {}
    results: dict[int, SchemeResult] = {}
    for scheme in schemes:
        failing_sets: list[frozenset[int]] = []
        unknown_sets: list[frozenset[int]] = []
        for rule in scheme.rules:
            known, unknown = columns.of(rule.fact)
            failing = failing_by_key.get(rule.key)
            if failing is None:
                failing = failing_by_key[rule.key] = unknown | rule.failing(known)
            failing_sets.append(failing)
            unknown_sets.append(unknown)
        prefix: list[frozenset[int]] = [frozenset()]
        for failing in failing_sets:
            prefix.append(prefix[-1] | failing)
        suffix: list[frozenset[int]] = [frozenset()]
        for failing in reversed(failing_sets):
            suffix.append(suffix[-1] | failing)
        suffix.reverse()
        misses = tuple(failing_sets[i] - (prefix[i] | suffix[i + 1]) for i in range(len(failing_sets)))
        results[scheme.scheme_id] = SchemeResult(scheme.scheme_id, everyone - prefix[-1], misses, tuple(unknown_sets))
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
