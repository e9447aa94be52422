"""The R&D pipeline as reports count it (RULES §7.6): vectors for the rule, and the SQL path
(`innovation.selectors.report_products`) against the reference engine on random histories."""

from __future__ import annotations

import datetime
import random

import pytest

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.innovation import selectors as innovation
from parkos.innovation.models import Product, ProductStage
from parkos.innovation.regulatory import CLINICAL_STAGE_ORDER, DeviceStage, Pathway
from parkos.parks.tests.factories import ParkFactory
from parkos.statistics.kpi import ReportPeriod
from parkos.statistics.kpi.pipeline import PipelineCounts, ProductHistory, pipeline_counts, reference_counts

day = datetime.date
YEAR = ReportPeriod(2025)


def _drug(history, *, family="chemical", category="1", is_key=True):
    return ProductHistory(Pathway.CLINICAL, is_key, family, category, tuple(history))


def _device(history, *, is_key=True):
    return ProductHistory(Pathway.REGISTRATION, is_key, "", "", tuple(history))


@pytest.mark.parametrize(
    ("product", "period", "expected"),
    [
        # A class 1 drug in phase II at the end of the year: in R&D and a 1类新药 in trials.
        (_drug([(day(2024, 5, 1), "phase2")]), YEAR, PipelineCounts(1, 1, 0, 0, {"phase2": 1})),
        # Entered phase III in March 2025: in it at the end and new this year; not in 1–2月.
        (
            _drug([(day(2024, 5, 1), "phase2"), (day(2025, 3, 1), "phase3")]),
            YEAR,
            PipelineCounts(1, 1, 1, 1, {"phase3": 1}),
        ),
        (
            _drug([(day(2024, 5, 1), "phase2"), (day(2025, 3, 1), "phase3")]),
            ReportPeriod(2025, 1, 2),
            PipelineCounts(1, 1, 0, 0, {"phase2": 1}),
        ),
        # Phase III since 2024: in it, not new.
        (_drug([(day(2024, 5, 1), "phase3")]), YEAR, PipelineCounts(1, 1, 1, 0, {"phase3": 1})),
        # Entered phase III in 2025 and filed since: new, no longer in phase III or in trials; still in R&D.
        (
            _drug([(day(2025, 2, 1), "phase3"), (day(2025, 11, 1), "nda_filed")]),
            YEAR,
            PipelineCounts(1, 0, 0, 1, {"nda_filed": 1}),
        ),
        # Back from phase III (2023) to II, re-entered III in 2025: not new.
        (
            _drug([(day(2023, 1, 1), "phase3"), (day(2024, 1, 1), "phase2"), (day(2025, 6, 1), "phase3")]),
            YEAR,
            PipelineCounts(1, 1, 1, 0, {"phase3": 1}),
        ),
        # Approved: on the market, not in R&D.
        (_drug([(day(2025, 1, 1), "approved")]), YEAR, PipelineCounts(0, 0, 0, 0, {"approved": 1})),
        # Vaccine, antibody and TCM class 1 are 1类新药; a class 1 IVD reagent and a generic are not.
        (_drug([(day(2025, 1, 1), "phase1")], family="preventive_biologic"), YEAR, PipelineCounts(1, 1, 0, 0, {"phase1": 1})),
        (_drug([(day(2025, 1, 1), "phase1")], family="therapeutic_biologic"), YEAR, PipelineCounts(1, 1, 0, 0, {"phase1": 1})),
        (_drug([(day(2025, 1, 1), "phase1")], family="tcm"), YEAR, PipelineCounts(1, 1, 0, 0, {"phase1": 1})),
        (_drug([(day(2025, 1, 1), "phase1")], family="ivd_biologic"), YEAR, PipelineCounts(1, 0, 0, 0, {"phase1": 1})),
        (_drug([(day(2025, 1, 1), "phase1")], category="4"), YEAR, PipelineCounts(1, 0, 0, 0, {"phase1": 1})),
        # IND approved is not yet "进入临床".
        (_drug([(day(2025, 1, 1), "ind_approved")]), YEAR, PipelineCounts(1, 0, 0, 0, {"ind_approved": 1})),
        # Not a key product: counted by stage, not as 在研重点产品.
        (_drug([(day(2025, 1, 1), "phase1")], is_key=False), YEAR, PipelineCounts(0, 1, 0, 0, {"phase1": 1})),
        # History starting after the period: not in the pipeline at its end.
        (_drug([(day(2026, 1, 1), "phase3")]), YEAR, PipelineCounts()),
        # Devices: in R&D until filed or registered.
        (_device([(day(2025, 1, 1), "in_review")]), YEAR, PipelineCounts(1, 0, 0, 0, {"device_in_review": 1})),
        (
            _device([(day(2024, 1, 1), "in_development"), (day(2025, 12, 31), "registered")]),
            YEAR,
            PipelineCounts(0, 0, 0, 0, {"device_registered": 1}),
        ),
    ],
)  # fmt: skip
def test_pipeline_rule_vectors(product, period, expected):
    assert reference_counts([product], period) == expected


# --- the SQL path against the reference engine --------------------------------------------------

_PRODUCTS = (
    ("drug", "chemical", "1"),
    ("drug", "chemical", "2.2"),
    ("drug", "preventive_biologic", "1"),
    ("drug", "therapeutic_biologic", "3.3"),
    ("drug", "tcm", "1"),
    ("ivd", "ivd_biologic", "1"),
    ("device", "", ""),
)
_DEVICE_STAGES = tuple(DeviceStage)


def _random_history(rng: random.Random, clinical: bool) -> list[tuple[datetime.date, str]]:
    """Forward steps with the odd step back, several on one day sometimes, from 2023 to 2026."""
    stages = CLINICAL_STAGE_ORDER if clinical else _DEVICE_STAGES
    on = day(2023, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
    position = rng.randrange(len(stages))
    history = []
    for _ in range(rng.randint(1, 5)):
        history.append((on, str(stages[position])))
        on += datetime.timedelta(days=rng.choice((0, 30, 120, 300)))
        position = max(0, min(len(stages) - 1, position + rng.choice((-1, 1, 1, 2))))
    return history


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_sql_path_agrees_with_the_reference_engine(seed):
    rng = random.Random(seed)
    parks = [ParkFactory(), ParkFactory()]
    enterprise = EnterpriseFactory(parks=parks)
    histories: dict[int, list[ProductHistory]] = {park.pk: [] for park in parks}
    stages = []
    for n in range(30):
        kind, family, category = rng.choice(_PRODUCTS)
        park = rng.choice(parks)
        product = Product.objects.create(
            park=park,
            enterprise=enterprise,
            name=f"P-{n}",
            kind=kind,
            drug_family=family,
            drug_category=category,
            device_class="class_2" if family == "" else "",
            is_key=rng.random() < 0.8,
        )
        history = _random_history(rng, product.pathway == Pathway.CLINICAL)
        stages += [ProductStage(product=product, stage=stage, on=on) for on, stage in history]
        histories[park.pk].append(ProductHistory(product.pathway, product.is_key, family, category, tuple(history)))
    ProductStage.objects.bulk_create(stages)  # in entry order: several on one day, the last entered wins
    for period in (ReportPeriod(2024), ReportPeriod(2025), ReportPeriod(2025, 1, 2), ReportPeriod(2025, 4, 6)):
        for scope in ([parks[0].pk], [park.pk for park in parks]):
            sql = pipeline_counts(innovation.report_products(park_ids=scope, day=period.dates[1]), period)
            reference = reference_counts((p for pk in scope for p in histories[pk]), period)
            assert sql == reference, (period, scope)
    assert reference_counts((p for ps in histories.values() for p in ps), ReportPeriod(2025)).by_stage
