"""The park's year (or quarter, or months) in one paragraph of official Chinese.

Written the way park reports to government read:

    全年建成投用项目10个，5家企业实现升规，百亚股份A股挂牌上市；完成工业投资37亿元，同比增长21.2%；
    实现规上产值突破100亿元，同比增长33.2%。全年在研重点产品19个，进入临床的1类新药10个，6个产品处于三期临床，
    2个产品新进入三期临床。

The pipeline counts are the products' state at the end of the period (RULES §7.6, `kpi.pipeline`);
"N个产品新进入三期临床" (first entered in the period) is a figure apart: some may have moved on.

Conventions (RULES §10.2 and the house style of such reports):

- Amounts: 亿元 from 1 亿 on, else 万元, one decimal, a trailing ".0" dropped ("37亿元",
  "36.8亿元", "5600万元"); the unit is chosen after rounding, so 9,999.96 万 reads "1亿元".
- Growth: "同比增长21.2%"; from +100 % on "同比增长1.5倍" (= +150 %, as NBS tables print it);
  "同比下降3.4%"; a rate that rounds to 0.0 reads "与上年持平" ("与上年同期持平" for part of a year).
- 规上产值 "突破100亿元" only when last year's total was below a round milestone (1, 2, 5 × 10ⁿ, from
  1000万元) that this year's reaches; the highest such milestone is named and the exact figure
  left out, as reports do. Without last year's total there is no "突破".
- Missing figures (None, "--") drop their clause; so do counts of 0, which no report states as an
  achievement. A paragraph with nothing to say is "".
- The period leads each sentence: 全年, 一季度 … 四季度, 上半年, "1–9月", "5月"; a comma follows it
  when the next word is a number ("1–9月，5家企业实现升规").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.utils.translation import gettext, pgettext

from parkos.core.units import format_growth_rate, format_money_prose
from parkos.statistics.kpi.figures import GrowthFigure, round_half_up
from parkos.statistics.kpi.period import ReportPeriod

__all__ = [
    "AnnualKpis",
    "Listing",
    "annual_paragraph",
    "growth_phrase",
    "milestone_crossed",
    "point_change_phrase",
]

#: Round milestones for "突破": 1, 2 and 5 times a power of ten, from 1000万元 up.
_MILESTONE_STEPS: Final = (Decimal(1), Decimal(2), Decimal(5))
_FIRST_MILESTONE: Final = Decimal(10_000_000)


@dataclass(frozen=True)
class Listing:
    """An enterprise that listed in the period, and where: "A股", "科创板", "北交所", "港交所主板"…"""

    name: str
    board: str


Rate = Decimal | GrowthFigure | None


@dataclass(frozen=True)
class ProductOutputPhrase:
    """A product's output over the period in its unit: "防护服", 120, "万件" → "生产防护服120万件"."""

    name: str
    quantity: Decimal
    unit: str


@dataclass(frozen=True, kw_only=True)
class AnnualKpis:
    """The figures the paragraph is written from. Money in 元, growth rates in % (or a GrowthFigure)."""

    period: ReportPeriod
    projects_completed: int | None = None  # 建成投用项目
    new_above_scale: int | None = None  # 实现升规的企业 (crossed the threshold while in the park)
    moved_in_above_scale: int | None = None  # 迁入规上: arrived already above it (RULES §5.3)
    listings: tuple[Listing, ...] = ()
    industrial_investment: Decimal | None = None  # 工业投资
    industrial_investment_growth: Rate = None
    above_scale_output: Decimal | None = None  # 规上工业总产值
    above_scale_output_previous: Decimal | None = None  # last year's published total, for "突破"
    above_scale_output_growth: Rate = None
    products_in_rnd: int | None = None  # 在研重点产品
    class1_drugs_in_clinical: int | None = None  # 进入临床的1类新药
    products_in_phase3: int | None = None  # 处于三期临床的产品 at the end of the period
    products_new_in_phase3: int | None = None  # 新进入三期临床的产品 (first entry within the period)
    products: tuple[ProductOutputPhrase, ...] = ()  # 主要产品产量, the park's main products first

    def __post_init__(self) -> None:
        for name in (
            "projects_completed",
            "new_above_scale",
            "moved_in_above_scale",
            "products_in_rnd",
            "class1_drugs_in_clinical",
            "products_in_phase3",
            "products_new_in_phase3",
        ):
            count = getattr(self, name)
            if count is not None and count < 0:
                raise ValueError(f"{name} must not be negative, got {count}")


def growth_phrase(rate: Rate, *, full_year: bool = True) -> str | None:
    """Growth in words: "同比增长21.2%", "同比增长1.5倍", "同比下降3.4%", "与上年持平"; None if not computable."""
    exact = rate.exact_rate if isinstance(rate, GrowthFigure) else rate
    if exact is None:
        return None
    rounded = round_half_up(exact, 1)
    if rounded > 0:
        return gettext("同比增长%(rate)s") % {"rate": format_growth_rate(exact)}
    if rounded < 0:
        # Always in %, also past −100 % (profit to loss): "下降1.5倍" would say nothing sensible.
        return gettext("同比下降%(rate)s") % {"rate": f"{-rounded:.1f}%"}
    return gettext("与上年持平") if full_year else gettext("与上年同期持平")


def point_change_phrase(points: Decimal | None, *, full_year: bool = True) -> str | None:
    """A change of a rate in words (RULES §10.2): "比上年提高0.3个百分点", "比上年下降1.2个百分点",
    "与上年持平" — never a bare signed "比上年-0.1个百分点"; None if not computable. Rounded once, half
    up, to one decimal; a change that rounds to 0.0 is 持平."""
    if points is None:
        return None
    rounded = round_half_up(points, 1)
    if rounded > 0:
        template = gettext("比上年提高%(points)s个百分点") if full_year else gettext("比上年同期提高%(points)s个百分点")
    elif rounded < 0:
        template = gettext("比上年下降%(points)s个百分点") if full_year else gettext("比上年同期下降%(points)s个百分点")
    else:
        return gettext("与上年持平") if full_year else gettext("与上年同期持平")
    return template % {"points": f"{rounded.copy_abs():.1f}"}


def _milestones() -> Iterator[Decimal]:
    power = _FIRST_MILESTONE
    while True:
        for step in _MILESTONE_STEPS:
            yield step * power
        power *= 10


def milestone_crossed(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The highest round milestone with previous < milestone ≤ current, or None."""
    if current is None or previous is None:
        return None
    crossed = None
    for milestone in _milestones():
        if milestone > current:
            return crossed
        if previous < milestone:
            crossed = milestone
    raise AssertionError("unreachable")  # pragma: no cover


def _listings(listings: tuple[Listing, ...]) -> list[str]:
    """Listing clauses: "百亚股份A股挂牌上市"; names on the same board share one: "甲、乙科创板挂牌上市"."""
    boards: dict[str, list[str]] = {}
    for listing in listings:
        boards.setdefault(listing.board, []).append(listing.name)
    return [
        gettext("%(names)s%(board)s挂牌上市") % {"names": pgettext("list of names", "、").join(names), "board": board}
        for board, names in boards.items()
    ]


def _amount_clauses(amount_text: str | None, subject: str, rate: Rate, *, full_year: bool) -> list[str]:
    """["完成工业投资37亿元", "同比增长21.2%"]; without the amount ["工业投资同比增长21.2%"]."""
    growth = growth_phrase(rate, full_year=full_year)
    if amount_text is not None:
        return [amount_text] if growth is None else [amount_text, growth]
    if growth is not None:
        return [gettext("%(subject)s%(growth)s") % {"subject": subject, "growth": growth}]
    return []


def _sentence(label: str, groups: list[list[str]]) -> str:
    comma = pgettext("clause separator", "，")
    parts = [comma.join(group) for group in groups if group]
    if not parts:
        return ""
    body = pgettext("group separator", "；").join(parts)
    # Chinese glues the period to the clause ("一季度完成…") but puts a comma before a number
    # ("全年，10个…"); other languages always separate them, so both patterns are translatable.
    if body[0].isdigit():
        sentence = pgettext("period before a number", "%(period)s，%(body)s")
    else:
        sentence = pgettext("period before words", "%(period)s%(body)s")
    return sentence % {"period": label, "body": body} + pgettext("sentence end", "。")


def _count(value: int | None) -> int | None:
    return value if value else None


def _phase3_clauses(in_phase3: int | None, new_in_phase3: int | None) -> list[str]:
    """ "6个产品处于三期临床，2个产品新进入三期临床": products in phase III at the end of the period,
    and apart those that first entered it within the period (RULES §7.6) — some of those may have
    moved on to 上市申请 since, so the second is not a part of the first."""
    clauses: list[str] = []
    if at_end := _count(in_phase3):
        clauses.append(gettext("%(count)s个产品处于三期临床") % {"count": at_end})
    if new := _count(new_in_phase3):
        clauses.append(gettext("%(count)s个产品新进入三期临床") % {"count": new})
    return clauses


def _new_above_scale_clause(upgraded: int | None, moved_in: int | None) -> str | None:
    """ "5家企业实现升规"; with arrivals "新增规上企业7家（其中升规5家、迁入2家）" (RULES §5.3)."""
    if not moved_in:
        return gettext("%(count)s家企业实现升规") % {"count": upgraded} if upgraded else None
    return gettext("新增规上企业%(total)s家（其中升规%(upgraded)s家、迁入%(moved_in)s家）") % {
        "total": (upgraded or 0) + moved_in,
        "upgraded": upgraded or 0,
        "moved_in": moved_in,
    }


def format_quantity(quantity: Decimal) -> str:
    """Up to two decimals, trailing zeros dropped, thousands separated: 3000 → "3,000", 12.50 → "12.5"."""
    text = f"{round_half_up(quantity, 2):,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _product_clauses(products: tuple[ProductOutputPhrase, ...]) -> list[str]:
    """["生产防护服120万件、医用口罩3,000万只"]: the products in the order given, zero output left out."""
    phrases = [
        gettext("%(name)s%(quantity)s%(unit)s")
        % {"name": product.name, "quantity": format_quantity(product.quantity), "unit": product.unit}
        for product in products
        if product.quantity > 0
    ]
    if not phrases:
        return []
    return [gettext("生产%(products)s") % {"products": pgettext("list of names", "、").join(phrases)}]


def annual_paragraph(kpis: AnnualKpis) -> str:
    """The KPIs as one paragraph: delivery, investment and output, then the R&D pipeline.

    Works for any period (``kpis.period``): "一季度…", "1–9月…". See the module notes for the
    conventions; missing figures leave their clause out.
    """
    period = kpis.period
    full_year = period.is_full_year

    delivery: list[str] = []
    if projects := _count(kpis.projects_completed):
        delivery.append(gettext("建成投用项目%(count)s个") % {"count": projects})
    if clause := _new_above_scale_clause(kpis.new_above_scale, kpis.moved_in_above_scale):
        delivery.append(clause)
    delivery.extend(_listings(kpis.listings))

    investment_text = None
    if kpis.industrial_investment is not None:
        investment_text = gettext("完成工业投资%(amount)s") % {"amount": format_money_prose(kpis.industrial_investment)}
    investment = _amount_clauses(
        investment_text, gettext("工业投资"), kpis.industrial_investment_growth, full_year=full_year
    )

    output_text = None
    milestone = milestone_crossed(kpis.above_scale_output, kpis.above_scale_output_previous)
    if milestone is not None:
        output_text = gettext("实现规上产值突破%(amount)s") % {"amount": format_money_prose(milestone)}
    elif kpis.above_scale_output is not None:
        output_text = gettext("实现规上产值%(amount)s") % {"amount": format_money_prose(kpis.above_scale_output)}
    output = _amount_clauses(output_text, gettext("规上产值"), kpis.above_scale_output_growth, full_year=full_year)

    pipeline: list[str] = []
    if in_rnd := _count(kpis.products_in_rnd):
        pipeline.append(gettext("在研重点产品%(count)s个") % {"count": in_rnd})
    if class1 := _count(kpis.class1_drugs_in_clinical):
        pipeline.append(gettext("进入临床的1类新药%(count)s个") % {"count": class1})
    pipeline.extend(_phase3_clauses(kpis.products_in_phase3, kpis.products_new_in_phase3))

    label = period.label
    return _sentence(label, [delivery, investment, output, _product_clauses(kpis.products)]) + _sentence(
        label, [pipeline]
    )
