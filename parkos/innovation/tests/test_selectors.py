"""Reads: the pipeline counted on any day, what the report counts, the enterprise timeline (with 升规
from statistics), milestone and 产学研 counts, the portfolio — each with a bounded number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.innovation import selectors
from parkos.innovation.models import (
    Agreement,
    Milestone,
    Platform,
    PlatformUse,
    ProjectProgress,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)
from parkos.innovation.tests.factories import (
    InstitutionFactory,
    MilestoneFactory,
    ProductFactory,
    ProjectFactory,
    StakeFactory,
)
from parkos.statistics.models import MonthlyReport

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date
TODAY = day(2026, 6, 30)


@pytest.fixture
def pipeline_products(park_a, park_b, tenant):
    """A drug through IND to phase III, a drug that stepped back, a late-comer, a vaccine, devices."""
    other = EnterpriseFactory(parks=[park_b])
    return {
        "bc101": ProductFactory(
            park=park_a,
            enterprise=tenant,
            history=[
                (day(2023, 1, 1), "preclinical"),
                (day(2024, 1, 5), "ind_filed"),
                (day(2024, 3, 20), "ind_approved"),
                (day(2024, 6, 1), "phase1"),
                (day(2025, 3, 1), "phase2"),
                (day(2026, 2, 1), "phase3"),
            ],
        ),
        "back": ProductFactory(
            park=park_a, enterprise=tenant, history=[(day(2024, 1, 1), "phase2"), (day(2025, 10, 1), "phase1")]
        ),
        "late": ProductFactory(park=park_a, enterprise=tenant, history=[(day(2026, 5, 1), "preclinical")]),
        "vaccine": ProductFactory(
            park=park_a, enterprise=tenant, drug_family="preventive_biologic", history=[(day(2025, 6, 1), "phase3")]
        ),
        "generic": ProductFactory(
            park=park_a, enterprise=tenant, drug_category="4", history=[(day(2025, 1, 1), "nda_filed")]
        ),
        "device": ProductFactory(
            park=park_a,
            enterprise=tenant,
            kind="device",
            drug_family="",
            drug_category="",
            device_class="class_3",
            history=[(day(2024, 1, 1), "in_development"), (day(2025, 9, 1), "in_review")],
        ),
        "elsewhere": ProductFactory(park=park_b, enterprise=other, history=[(day(2024, 1, 1), "phase3")]),
    }


def _cell(rows, family, category, stage):
    row = next((r for r in rows if r.key[1:] == (family, category)), None)
    return 0 if row is None else row.counts.get(stage, 0)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # (date, {(family, class, stage): count}) — the stage each product was in on that day.
        (day(2022, 12, 31), {}),
        (day(2024, 12, 31), {("chemical", "1", "phase1"): 1, ("chemical", "1", "phase2"): 1}),
        (
            day(2025, 12, 31),
            {
                ("chemical", "1", "phase2"): 1,
                ("chemical", "1", "phase1"): 1,
                ("preventive_biologic", "1", "phase3"): 1,
                ("chemical", "4", "nda_filed"): 1,
            },
        ),
        (
            TODAY,
            {
                ("chemical", "1", "phase3"): 1,
                ("chemical", "1", "phase1"): 1,
                ("chemical", "1", "preclinical"): 1,
                ("preventive_biologic", "1", "phase3"): 1,
                ("chemical", "4", "nda_filed"): 1,
            },
        ),
    ],
)
def test_pipeline_counts_the_stage_each_product_was_in_on_the_day(park_a, pipeline_products, on, expected):
    pipeline = selectors.pipeline(park_ids=[park_a.pk], day=on)
    for (family, category, stage), count in expected.items():
        assert _cell(pipeline.clinical, family, category, stage) == count, (family, category, stage)
    assert sum(sum(row.counts.values()) for row in pipeline.clinical) == sum(expected.values())


def test_pipeline_devices_class_one_drugs_in_trials_and_scope(park_a, park_b, pipeline_products):
    now = selectors.pipeline(park_ids=[park_a.pk], day=TODAY)
    assert [(row.label, row.counts) for row in now.registration] == [("医疗器械 · 第三类", {"in_review": 1})]
    # Class 1 of any family in phase I–III: BC-101 (III), the one back in I, the vaccine (III).
    assert now.class_one_in_trials == 3
    assert selectors.pipeline(park_ids=[park_b.pk], day=TODAY).class_one_in_trials == 1
    assert selectors.pipeline(park_ids=None, day=TODAY).class_one_in_trials == 4


def test_pipeline_and_stage_queries_are_bounded(park_a, tenant, pipeline_products):
    with CaptureQueriesContext(connection) as few:
        selectors.pipeline(park_ids=[park_a.pk], day=TODAY)
    for n in range(20):
        ProductFactory(park=park_a, enterprise=tenant, drug_category="2.2", history=[(day(2025, 1, n + 1), "phase1")])
    with CaptureQueriesContext(connection) as many:
        pipeline = selectors.pipeline(park_ids=[park_a.pk], day=TODAY)
    assert len(many.captured_queries) == len(few.captured_queries) == 1
    assert _cell(pipeline.clinical, "chemical", "2.2", "phase1") == 20


def test_stage_entries_find_who_entered_phase_three_in_a_period(park_a, pipeline_products):
    entered = selectors.stage_entries(
        park_ids=[park_a.pk], stages=["phase3"], start=day(2026, 1, 1), end=day(2026, 12, 31)
    )
    assert entered == {pipeline_products["bc101"].pk: day(2026, 2, 1)}
    products = {p.pk: p.stage_at for p in selectors.products_at(park_ids=[park_a.pk], day=day(2025, 12, 31))}
    assert products[pipeline_products["back"].pk] == "phase1"
    assert products[pipeline_products["late"].pk] is None


def test_report_feed_projects_investment_and_listings(park_a, park_b, tenant):
    done = ProjectFactory(park=park_a, enterprise=tenant, started_on=day(2024, 3, 1), completed_on=day(2025, 11, 30))
    ProjectFactory(park=park_a, enterprise=tenant, completed_on=day(2024, 12, 31))  # last year
    small = ProjectFactory(park=park_b, enterprise=None, planned_investment=D(3_000_000))
    ProjectProgress.objects.bulk_create(
        [
            ProjectProgress(project=done, year=2025, month=5, investment=D(600), construction=D(400), installation=D(50), equipment=D(100), other=D(50)),
            ProjectProgress(project=done, year=2025, month=11, investment=D(400)),
            ProjectProgress(project=done, year=2024, month=12, investment=D(999)),
            ProjectProgress(project=small, year=2025, month=6, investment=D(70)),
        ]
    )  # fmt: skip
    completed = selectors.projects_completed(park_ids=None, start=day(2025, 1, 1), end=day(2025, 12, 31))
    assert [(p.pk, p.enterprise, p.completed_on) for p in completed] == [(done.pk, tenant.name, day(2025, 11, 30))]
    year = selectors.investment_by_project(park_ids=None, year=2025)
    assert (year[done.pk].total, year[done.pk].construction, year[small.pk].total) == (D(1000), D(400), D(70))
    assert selectors.investment_by_project(park_ids=None, year=2025, statistical_only=True).keys() == {done.pk}
    h1 = selectors.investment_by_project(park_ids=[park_a.pk], year=2025, first_month=1, last_month=6)
    assert {k: v.total for k, v in h1.items()} == {done.pk: D(600)}
    months = selectors.investment_by_project_month(park_ids=[park_a.pk], start=(2024, 12), end=(2025, 5))
    assert [(m.year, m.month, m.total) for m in months] == [(2024, 12, D(999)), (2025, 5, D(600))]
    MilestoneFactory(
        park=park_a,
        enterprise=tenant,
        kind="listing",
        on=day(2025, 6, 18),
        exchange="star",
        stock_code="688001",
        financing_round="",
    )
    assert [
        (row.name, row.board)
        for row in selectors.listings(park_ids=[park_a.pk], start=day(2025, 1, 1), end=day(2025, 12, 31))
    ] == [(tenant.name, "科创板")]


def test_timeline_shows_every_topic_and_upgrade_from_statistics(park_a, park_b, tenant):
    project = ProjectFactory(
        park=park_a, enterprise=tenant, name="制剂车间", planned_started_on=day(2025, 3, 1), started_on=day(2025, 4, 1),
        planned_completed_on=day(2026, 3, 31),
    )  # fmt: skip
    ProductFactory(park=park_a, enterprise=tenant, name="BC-101", history=[(day(2025, 2, 1), "ind_approved")])
    MilestoneFactory(
        park=park_a,
        enterprise=tenant,
        kind="high_tech",
        on=day(2025, 11, 20),
        certificate_number="GR1",
        financing_round="",
    )
    MilestoneFactory(
        park=park_b,
        enterprise=tenant,
        kind="patent",
        on=day(2025, 5, 1),
        patent_type="invention",
        patent_status="granted",
        financing_round="",
    )
    institution = InstitutionFactory(name="重庆医科大学")
    Agreement.objects.create(
        park=park_a,
        institution=institution,
        enterprise=tenant,
        title="临床研究合作",
        kind="clinical",
        signed_on=day(2025, 7, 1),
    )
    stake = StakeFactory(enterprise=tenant, park=park_a)
    StakeInvestment.objects.create(stake=stake, kind="initial", on=day(2024, 5, 1), amount=D(10_000_000))
    # Revenue of 200万 a month from 2025-01 (industrial: 2000万 threshold) → 升规 in 2025-10.
    MonthlyReport.objects.bulk_create(
        MonthlyReport(park=park_a, enterprise=tenant, year=2025, month=m, is_cumulative=True, revenue=D(2_000_000 * m))
        for m in range(1, 13)
    )
    with CaptureQueriesContext(connection) as queries:
        events = selectors.enterprise_timeline(
            enterprise_id=tenant.pk, park_ids=[park_a.pk], today=TODAY, with_stakes=True
        )
    assert len(queries.captured_queries) <= 12
    by_topic = {}
    for event in events:
        by_topic.setdefault(event.topic, []).append(event)
    assert set(by_topic) == {"project", "product", "milestone", "scale_up", "stake", "cooperation"}
    assert [(e.on, e.title) for e in by_topic["scale_up"]] == [(day(2025, 10, 31), "升规（纳入规模以上企业）")]
    started = next(e for e in by_topic["project"] if e.title == "制剂车间 · 开工")
    assert (started.on, started.late, started.planned) == (day(2025, 4, 1), True, False)
    overdue = next(e for e in by_topic["project"] if e.title.endswith("投产（建成投用）"))
    assert (overdue.planned, overdue.late) == (True, True)
    assert overdue.url == project.get_absolute_url()
    # The patent lies in park B, outside the viewer's parks; stakes only for those allowed.
    assert [e.title for e in by_topic["milestone"]] == ["认定高新技术企业"]
    hidden = selectors.enterprise_timeline(
        enterprise_id=tenant.pk, park_ids=[park_a.pk], today=TODAY, with_stakes=False
    )
    assert not [e for e in hidden if e.topic == "stake"]
    assert events == sorted(events, key=lambda e: (e.on, e.topic), reverse=True)


def test_timeline_query_count_does_not_grow_with_events(park_a, tenant):
    def timeline():
        with CaptureQueriesContext(connection) as queries:
            selectors.enterprise_timeline(enterprise_id=tenant.pk, park_ids=[park_a.pk], today=TODAY, with_stakes=True)
        return len(queries.captured_queries)

    ProductFactory(park=park_a, enterprise=tenant, history=[(day(2025, 1, 1), "phase1")])
    ProjectFactory(park=park_a, enterprise=tenant, started_on=day(2025, 1, 1))
    few = timeline()
    for n in range(10):
        ProductFactory(
            park=park_a,
            enterprise=tenant,
            history=[(day(2024, 1, n + 1), "preclinical"), (day(2025, 1, n + 1), "phase1")],
        )
        ProjectFactory(park=park_a, enterprise=tenant, started_on=day(2025, 2, n + 1))
        MilestoneFactory(park=park_a, enterprise=tenant, on=day(2025, 3, n + 1))
    assert timeline() == few


def test_milestone_counts_per_quarter(park_a, tenant):
    MilestoneFactory(park=park_a, enterprise=tenant, kind="financing", on=day(2025, 2, 1), amount=D(5_000_000))
    MilestoneFactory(park=park_a, enterprise=tenant, kind="financing", on=day(2025, 8, 1), amount=D(3_000_000))
    MilestoneFactory(
        park=park_a,
        enterprise=tenant,
        kind="patent",
        on=day(2025, 5, 1),
        patent_type="invention",
        patent_status="granted",
        quantity=6,
        financing_round="",
    )
    MilestoneFactory(
        park=park_a,
        enterprise=tenant,
        kind="patent",
        on=day(2024, 5, 1),
        patent_type="design",
        patent_status="applied",
        quantity=2,
        financing_round="",
    )
    counts = selectors.milestone_counts(park_ids=[park_a.pk], year=2025, with_scale_ups=False)
    assert counts.by_kind["financing"] == {1: 1, 2: 0, 3: 1, 4: 0}
    assert counts.total("patent") == 6
    assert counts.patents == {("invention", "granted"): 6}
    assert counts.financing_amount == D(8_000_000)


def test_cooperation_kpis(park_a, park_b, tenant):
    institution = InstitutionFactory()
    Agreement.objects.create(
        park=park_a,
        institution=institution,
        title="战略合作",
        kind="strategic",
        signed_on=day(2024, 1, 1),
        expires_on=day(2026, 12, 31),
    )
    Agreement.objects.create(
        park=park_a,
        institution=institution,
        title="已到期",
        kind="talent",
        signed_on=day(2023, 1, 1),
        expires_on=day(2025, 1, 1),
    )
    Agreement.objects.create(
        park=park_b, institution=institution, title="B园", kind="strategic", signed_on=day(2026, 1, 1)
    )
    platform = Platform.objects.create(park=park_a, name="GMP中试线", kind="pilot_gmp")
    PlatformUse.objects.create(platform=platform, enterprise=tenant, since=day(2025, 1, 1))
    PlatformUse.objects.create(
        platform=platform, enterprise=EnterpriseFactory(), since=day(2024, 1, 1), until=day(2024, 12, 31)
    )
    TechTransfer.objects.create(
        park=park_a,
        kind="licence",
        institution=institution,
        enterprise=tenant,
        ip="ZL1",
        amount=D(12_000_000),
        signed_on=day(2026, 4, 20),
    )
    kpis = selectors.cooperation_kpis(park_ids=[park_a.pk], year=2026, today=TODAY)
    assert (kpis.institutions, kpis.agreements, kpis.agreements_in_force) == (1, 0, 1)
    assert (kpis.platforms, kpis.platform_users, kpis.transfers, kpis.transfer_amount) == (1, 1, 1, D(12_000_000))


def test_portfolio_view_in_two_queries_with_listing_flag(park_a):
    stakes = [StakeFactory(park=park_a) for _ in range(4)]
    for stake in stakes:
        StakeInvestment.objects.create(stake=stake, kind="initial", on=day(2022, 1, 1), amount=D(1000), share_pct=D(10))
    StakeValuation.objects.create(stake=stakes[0], on=day(2023, 1, 1), fair_value=D(3000), method="recent_round")
    StakeExit.objects.create(stake=stakes[1], kind="transfer", on=day(2024, 1, 1), proceeds=D(2000), share_pct=D(10))
    Milestone.objects.create(
        park=park_a,
        enterprise=stakes[2].enterprise,
        kind="listing",
        on=day(2025, 6, 18),
        exchange="star",
        stock_code="688002",
    )
    with CaptureQueriesContext(connection) as queries:
        view = selectors.portfolio_view(
            stakes=selectors.scoped(selectors.Stake.objects.all(), [park_a.pk]), as_of=TODAY
        )
    assert len(queries.captured_queries) == 2  # the stakes with their latest listing; every flow
    figures = {line.stake.pk: line for line in view.lines}
    assert figures[stakes[0].pk].figures.fair_value == D(3000)
    assert figures[stakes[1].pk].figures.exited
    assert figures[stakes[2].pk].listed_unmarked
    assert (view.totals.cost, view.totals.fair_value, view.totals.realised) == (D(4000), D(5000), D(2000))
    assert view.totals.moic == D("1.75")
