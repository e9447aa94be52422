"""Innovation: the park pipeline on a day and an enterprise's timeline with bounded query counts, and
the portfolio of the operator's stakes against the raw SQL that sums their cash flows.

Data (both scales, as the issue names them): one park with 2,000 products, each with a dated stage
history of one to six entries, and 500 projects with phases and 24 months of investment; one
enterprise of that park carries 40 of the products and 20 of the projects (its timeline); 500 stakes
with one or two investments, a mark on most and an exit on some. Generated with bulk_create.

- `innovation.pipeline_at_date`: `selectors.pipeline` (one grouped query with the stage-at-date
  subquery) against the raw SQL of the same count; the check compares the counts cell by cell and
  asserts one query.
- `innovation.enterprise_timeline`: `selectors.enterprise_timeline` against the raw SQL that reads
  the same rows; the check asserts the number of queries stays at most 12 (no per-row queries).
- `innovation.portfolio_500`: `selectors.portfolio_view` (cost, fair value, MOIC and XIRR per stake
  and for the whole) against the raw SQL that sums each stake's cash flows; target ≤ 3×.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.harness import Case, benchmark
from parkos.enterprises.models import Enterprise
from parkos.innovation import selectors
from parkos.innovation.models import (
    Fund,
    Product,
    ProductStage,
    Project,
    ProjectProgress,
    Stake,
    StakeExit,
    StakeInvestment,
    StakeValuation,
)
from parkos.innovation.regulatory import CLINICAL_STAGE_ORDER, REGISTRATION_CLASSES, DeviceStage
from parkos.parks.models import Park

PRODUCTS = 2000
PROJECTS = 500
STAKES = 500
DAY = datetime.date(2025, 12, 31)
CODE = "BENCH-INNO"
DEVICE_PATH = (DeviceStage.IN_DEVELOPMENT, DeviceStage.TYPE_TESTING, DeviceStage.IN_REVIEW, DeviceStage.REGISTERED)


def _date(rng: random.Random, first: int = 2019, last: int = 2026) -> datetime.date:
    return datetime.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


def _products(park: Park, enterprises: list[Enterprise], focus: Enterprise, rng: random.Random) -> None:
    families = [(family.value, code) for family, classes in REGISTRATION_CLASSES.items() for code in classes]
    products = []
    for n in range(PRODUCTS):
        enterprise = focus if n < 40 else enterprises[n % len(enterprises)]
        if n % 4 == 3:
            products.append(
                Product(
                    park=park,
                    enterprise=enterprise,
                    name=f"器械{n}",
                    kind="device",
                    device_class=rng.choice(("class_1", "class_2", "class_3")),
                )
            )
        else:
            family, code = rng.choice(families)
            products.append(
                Product(
                    park=park,
                    enterprise=enterprise,
                    name=f"药品{n}",
                    kind="drug",
                    drug_family=family,
                    drug_category=code,
                )
            )
    Product.objects.bulk_create(products, batch_size=1000)
    stages = []
    for product in products:
        path = DEVICE_PATH if product.kind == "device" else CLINICAL_STAGE_ORDER
        on = _date(rng, 2018, 2021)
        for stage in path[: rng.randint(1, min(6, len(path)))]:
            stages.append(ProductStage(product=product, stage=stage, on=on))
            on += datetime.timedelta(days=rng.randint(60, 400))
        last = stages[-1]
        if product.kind == "device":
            product.device_stage = last.stage
        else:
            product.stage, product.stage_since = last.stage, last.on
    ProductStage.objects.bulk_create(stages, batch_size=2000)
    Product.objects.bulk_update(products, ["stage", "stage_since", "device_stage"], batch_size=1000)


def _projects(park: Park, enterprises: list[Enterprise], focus: Enterprise, rng: random.Random) -> None:
    projects = []
    for n in range(PROJECTS):
        signed = _date(rng, 2020, 2024)
        started = signed + datetime.timedelta(days=rng.randint(60, 200))
        done = started + datetime.timedelta(days=rng.randint(300, 900))
        projects.append(
            Project(
                park=park,
                enterprise=focus if n < 20 else enterprises[n % len(enterprises)],
                name=f"项目{n}",
                planned_investment=Decimal(rng.randint(5, 500)) * 1_000_000,
                planned_signed_on=signed,
                signed_on=signed,
                planned_started_on=started,
                started_on=started,
                planned_completed_on=done - datetime.timedelta(days=rng.randint(0, 120)),
                completed_on=done if done <= DAY else None,
            )
        )
    Project.objects.bulk_create(projects, batch_size=1000)
    progress = [
        ProjectProgress(
            project=project, year=2024 + m // 12, month=m % 12 + 1, investment=Decimal(rng.randint(1, 90)) * 100_000
        )
        for project in projects
        for m in range(24)
    ]
    ProjectProgress.objects.bulk_create(progress, batch_size=4000)


def _stakes(park: Park, enterprises: list[Enterprise], rng: random.Random) -> None:
    fund = Fund.objects.create(name=f"{CODE} 产业基金", kind="fund")
    stakes = Stake.objects.bulk_create([Stake(fund=fund, enterprise=enterprises[n], park=park) for n in range(STAKES)])
    investments, marks, exits = [], [], []
    for stake in stakes:
        first = _date(rng, 2016, 2021)
        investments.append(
            StakeInvestment(
                stake=stake,
                kind="initial",
                on=first,
                amount=Decimal(rng.randint(100, 5000)) * 10_000,
                share_pct=Decimal(rng.randint(2, 15)),
            )
        )
        if rng.random() < 0.4:
            investments.append(
                StakeInvestment(
                    stake=stake,
                    kind="follow_on",
                    on=first + datetime.timedelta(days=500),
                    amount=Decimal(rng.randint(100, 3000)) * 10_000,
                    share_pct=Decimal(2),
                )
            )
        if rng.random() < 0.8:
            marks.append(
                StakeValuation(
                    stake=stake,
                    on=first + datetime.timedelta(days=900),
                    fair_value=Decimal(rng.randint(0, 30000)) * 10_000,
                    method="recent_round",
                )
            )
        if rng.random() < 0.15:
            exits.append(
                StakeExit(
                    stake=stake,
                    kind="transfer",
                    on=first + datetime.timedelta(days=1400),
                    proceeds=Decimal(rng.randint(0, 40000)) * 10_000,
                    share_pct=Decimal(1),
                )
            )
    StakeInvestment.objects.bulk_create(investments, batch_size=2000)
    StakeValuation.objects.bulk_create(marks, batch_size=2000)
    StakeExit.objects.bulk_create(exits, batch_size=2000)  # fmt: skip


@transaction.atomic
def _ensure() -> tuple[Park, Enterprise]:
    park, created = Park.objects.get_or_create(code=CODE, defaults={"name": "创新基准园区", "city": "重庆市"})
    enterprises = list(Enterprise.objects.filter(name__startswith=f"{CODE} ").order_by("pk"))
    if not created and Product.objects.filter(park=park).exists():
        return park, enterprises[0]
    rng = random.Random(17)
    enterprises = Enterprise.objects.bulk_create(
        [Enterprise(name=f"{CODE} 企业{n}", industry_code="2710", source="demo") for n in range(STAKES)],
        batch_size=1000,
    )
    enterprises = list(Enterprise.objects.filter(name__startswith=f"{CODE} ").order_by("pk"))
    _products(park, enterprises[1:], enterprises[0], rng)
    _projects(park, enterprises[1:], enterprises[0], rng)
    _stakes(park, enterprises, rng)
    return park, enterprises[0]


PIPELINE_SQL = """
SELECT p.kind, p.drug_family, p.drug_category, p.device_class, s.stage, COUNT(*)
FROM innovation_product p
JOIN innovation_productstage s ON s.id = (
    SELECT s2.id FROM innovation_productstage s2
    WHERE s2.product_id = p.id AND s2."on" <= %s ORDER BY s2."on" DESC, s2.id DESC LIMIT 1)
WHERE p.park_id = %s
GROUP BY p.kind, p.drug_family, p.drug_category, p.device_class, s.stage
"""


@benchmark("innovation.pipeline_at_date")
def pipeline_at_date(scale: str) -> Case:
    park, _focus = _ensure()

    def subject() -> dict[tuple[str, ...], int]:
        pipeline = selectors.pipeline(park_ids=[park.pk], day=DAY)
        cells: dict[tuple[str, ...], int] = {}
        for row in [*pipeline.clinical, *pipeline.registration]:
            for stage, count in row.counts.items():
                cells[(*row.key, stage)] = count
        return cells

    def floor() -> dict[tuple[str, ...], int]:
        with connection.cursor() as cursor:
            cursor.execute(PIPELINE_SQL, [DAY, park.pk])
            rows = cursor.fetchall()
        cells: dict[tuple[str, ...], int] = {}
        for kind, family, category, device_class, stage, count in rows:
            key = (kind, family, category, stage) if kind == "drug" else (kind, device_class, "", stage)
            cells[key] = cells.get(key, 0) + count
        return cells

    with CaptureQueriesContext(connection) as queries:
        subject()
    count = len(queries.captured_queries)

    def check(s: Any, f: Any) -> None:
        assert s == f, "pipeline counts differ from the raw SQL"
        assert count == 1, f"pipeline took {count} queries"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: products × their stage on the day (correlated subquery), grouped",
        target_ratio=None,
        check=check,
        notes=f"{PRODUCTS} products; {count} query (bounded: one grouped query whatever the number of products)",
    )


TIMELINE_SQL = [
    "SELECT * FROM innovation_project WHERE enterprise_id = %s AND park_id = %s",
    "SELECT s.*, p.name FROM innovation_productstage s JOIN innovation_product p ON p.id = s.product_id WHERE p.enterprise_id = %s AND p.park_id = %s",
    "SELECT * FROM innovation_milestone WHERE enterprise_id = %s AND park_id = %s",
]


@benchmark("innovation.enterprise_timeline")
def enterprise_timeline(scale: str) -> Case:
    park, focus = _ensure()

    def subject() -> int:
        events = selectors.enterprise_timeline(enterprise_id=focus.pk, park_ids=[park.pk], today=DAY, with_stakes=True)
        return sum(1 for event in events if event.topic == "product")

    def floor() -> int:
        with connection.cursor() as cursor:
            counts = []
            for sql in TIMELINE_SQL:
                cursor.execute(sql, [focus.pk, park.pk])
                counts.append(len(cursor.fetchall()))
        return counts[1]

    with CaptureQueriesContext(connection) as queries:
        subject()
    count = len(queries.captured_queries)

    def check(s: Any, f: Any) -> None:
        assert s == f, f"timeline product events {s} != stage rows {f}"
        assert count <= 12, f"timeline took {count} queries"

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the enterprise's projects, product stages and milestones",
        target_ratio=None,
        check=check,
        notes=f"40 products, 20 projects of one enterprise among {PRODUCTS}/{PROJECTS}; {count} queries (≤ 12, bounded)",
    )


#: The same rows the portfolio reads, raw: the stakes with their names, and every cash flow and mark.
STAKES_SQL = (
    "SELECT s.id, s.enterprise_id, e.name, f.name, p.name FROM innovation_stake s"
    " JOIN enterprises_enterprise e ON e.id = s.enterprise_id JOIN innovation_fund f ON f.id = s.fund_id"
    " JOIN parks_park p ON p.id = s.park_id ORDER BY s.park_id, e.name, s.id"
)
FLOWS_SQL = (
    "SELECT stake_id, 'investment', \"on\", amount, share_pct FROM innovation_stakeinvestment"
    " UNION ALL SELECT stake_id, 'mark', \"on\", fair_value, NULL FROM innovation_stakevaluation"
    ' UNION ALL SELECT stake_id, kind, "on", proceeds, share_pct FROM innovation_stakeexit'
)


@benchmark("innovation.portfolio_500")
def portfolio_500(scale: str) -> Case:
    """The operator's whole portfolio (every stake, as an operator admin sees it)."""
    _ensure()
    stakes = Stake.objects.all()

    def subject() -> tuple[int, Decimal]:
        view = selectors.portfolio_view(stakes=stakes, as_of=DAY)
        return view.totals.stakes, view.totals.realised - view.totals.cost

    def floor() -> tuple[int, Decimal]:
        # Read the same rows raw and sum each stake's cash flows (investments out, exits in).
        with connection.cursor() as cursor:
            cursor.execute(STAKES_SQL)
            names = cursor.fetchall()
            cursor.execute(FLOWS_SQL)
            flows = cursor.fetchall()
        sums: dict[int, float] = {}
        for stake_id, kind, _on, amount, _share in flows:
            if kind != "mark":
                sums[stake_id] = sums.get(stake_id, 0.0) + float(amount) * (-1 if kind == "investment" else 1)
        return len(names), Decimal(str(round(sum(sums.values()), 2)))

    with CaptureQueriesContext(connection) as queries:
        subject()
    count = len(queries.captured_queries)

    def check(s: Any, f: Any) -> None:
        assert s[0] == f[0] == STAKES, (s, f)
        assert abs(s[1] - f[1]) < Decimal("1"), (s, f)

    return Case(
        subject=subject,
        floor=floor,
        floor_label="raw SQL: the stakes and every cash flow and mark, each stake's flows summed",
        target_ratio=3.0,
        check=check,
        notes=f"{STAKES} stakes: cost, fair value, MOIC and XIRR (pyxirr) per stake and for the portfolio; {count} queries",
    )
