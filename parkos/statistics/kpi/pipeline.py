"""The R&D pipeline as park reports count it (RULES §7.6): at the end of the period, from the dated history.

- **在研重点产品**: key products still in research and development at the end of the period — a
  drug in any stage before approval (临床前 … 上市申请), a device before its registration or filing.
- **进入临床的1类新药**: class 1 of each drug family (化学药品 1, 预防用/治疗用生物制品 1, 中药 1 —
  `regulatory.is_class_one`, RULES §7.5) in a clinical trial (phase I–III) at the end of the period.
- **III期临床**: products in phase III at the end of the period.
- **本年新进入III期**: products whose first entry into phase III falls within the period (a product
  that stepped back and re-entered is not new).

A product's stage at a day is the last one entered on or before it (`regulatory.stage_on`); a
product with no history by the end is not yet in the pipeline and counts nowhere. The SQL path
(`parkos.innovation.selectors.report_products`) reads the stage at the end and the first phase III
entry in one query; the reference engine (:func:`reference_counts`) derives them from the whole
history; both are counted by :func:`pipeline_counts`.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Protocol

from parkos.innovation.regulatory import (
    DEVICE_IN_DEVELOPMENT,
    IN_CLINICAL_TRIAL,
    ClinicalStage,
    Pathway,
    is_class_one,
    stage_on,
)
from parkos.statistics.kpi.period import ReportPeriod

__all__ = [
    "PipelineCounts",
    "ProductAtEnd",
    "ProductHistory",
    "ProductState",
    "at_period_end",
    "pipeline_counts",
    "reference_counts",
]

#: A drug past these is on the market: no longer 在研.
DRUG_ON_MARKET: Final = frozenset({ClinicalStage.APPROVED, ClinicalStage.PHASE4})
#: Key of a device stage in `PipelineCounts.by_stage` (clinical stages are keyed by their value).
DEVICE_KEY_PREFIX: Final = "device_"


class ProductState(Protocol):
    """What the counts need of a product (the SQL path's `innovation.selectors.ReportProduct` is one)."""

    @property
    def pathway(self) -> Pathway | str: ...
    @property
    def is_key(self) -> bool: ...
    @property
    def drug_family(self) -> str: ...
    @property
    def drug_category(self) -> str: ...
    @property
    def stage(self) -> str | None: ...
    @property
    def phase3_from(self) -> datetime.date | None: ...


@dataclass(frozen=True)
class ProductAtEnd:
    """What the counts need of a product: its class, its stage at the period's end (None: not yet in
    the pipeline) and the day it first entered phase III (None: never, up to the end)."""

    pathway: Pathway | str
    is_key: bool
    drug_family: str
    drug_category: str
    stage: str | None
    phase3_from: datetime.date | None


@dataclass(frozen=True)
class ProductHistory:
    """A product with its whole dated history, (date, stage) in entry order (the reference engine's input)."""

    pathway: Pathway | str
    is_key: bool
    drug_family: str
    drug_category: str
    history: tuple[tuple[datetime.date, str], ...]


@dataclass(frozen=True)
class PipelineCounts:
    in_rnd: int = 0  # 在研重点产品
    class1_in_clinical: int = 0  # 进入临床的1类新药
    in_phase3: int = 0  # III期临床 (at the end)
    new_in_phase3: int = 0  # 本年新进入III期
    by_stage: dict[str, int] = field(default_factory=dict)  # every product in the pipeline, by stage at the end


def _in_development(product: ProductState) -> bool:
    if product.pathway == Pathway.CLINICAL:
        return product.stage not in DRUG_ON_MARKET
    return product.stage in DEVICE_IN_DEVELOPMENT


def pipeline_counts(products: Iterable[ProductState], period: ReportPeriod) -> PipelineCounts:
    """The report's pipeline figures for `period` from each product's state at its end."""
    start, end = period.dates
    by_stage: Counter[str] = Counter()
    in_rnd = class1 = in_phase3 = new_in_phase3 = 0
    for product in products:
        if product.phase3_from is not None and start <= product.phase3_from <= end:
            new_in_phase3 += 1
        if product.stage is None:
            continue
        clinical = product.pathway == Pathway.CLINICAL
        by_stage[product.stage if clinical else DEVICE_KEY_PREFIX + product.stage] += 1
        if product.is_key and _in_development(product):
            in_rnd += 1
        if clinical and product.stage in IN_CLINICAL_TRIAL and is_class_one(product.drug_family, product.drug_category):
            class1 += 1
        if clinical and product.stage == ClinicalStage.PHASE3:
            in_phase3 += 1
    return PipelineCounts(in_rnd, class1, in_phase3, new_in_phase3, dict(by_stage))


def at_period_end(product: ProductHistory, period: ReportPeriod) -> ProductAtEnd:
    """A product's state at the end of the period, read from its whole history."""
    end = period.dates[1]
    phase3 = [on for on, stage in product.history if stage == ClinicalStage.PHASE3 and on <= end]
    return ProductAtEnd(
        product.pathway,
        product.is_key,
        product.drug_family,
        product.drug_category,
        stage_on(product.history, end),
        min(phase3, default=None),
    )


def reference_counts(products: Iterable[ProductHistory], period: ReportPeriod) -> PipelineCounts:
    """The reference engine: :func:`pipeline_counts` over states derived from whole histories."""
    return pipeline_counts((at_period_end(product, period) for product in products), period)
