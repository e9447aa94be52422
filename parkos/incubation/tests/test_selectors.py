"""Reads over the database: graduation candidates, the SLA dashboard, eligibility facts and scan, each
early-warning signal, rent support taken over by a lease, awards, the Torch statistics."""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.incubation import desk, hooks, selectors, services, torch
from parkos.incubation.choices import IncubationStage
from parkos.incubation.hooks import RiskSignal
from parkos.incubation.models import Scheme, ServiceRequest
from parkos.innovation.choices import MilestoneKind
from parkos.innovation.models import Milestone
from parkos.leasing import services as leasing_services
from parkos.leasing.tests.factories import lease_terms, signed_lease
from parkos.parks.tests.factories import UnitFactory
from parkos.statistics.models import MonthlyReport

SHANGHAI = ZoneInfo("Asia/Shanghai")
WAN = D(10000)


def report(enterprise, park, year, month, **values):
    """A cumulative (1–N月) monthly report; amounts in 万元."""
    money = {k: (v * WAN if k != "employees" else v) for k, v in values.items()}
    return MonthlyReport.objects.create(
        park=park, enterprise=enterprise, year=year, month=month, is_cumulative=True, **money
    )


def admit(programme, enterprise, on=datetime.date(2023, 4, 1), stage=IncubationStage.INCUBATING):
    return services.record_admit(programme=programme, enterprise=enterprise, admitted_on=on, stage=stage, actor=None)


# --- Graduation ----------------------------------------------------------------------------------------


def test_graduation_candidates_come_from_milestones_and_reported_revenue(programme, park_a):
    recognised, grown, small, early = (EnterpriseFactory(parks=[park_a]) for _ in range(4))
    for enterprise in (recognised, grown, small, early):
        admit(programme, enterprise)
    Milestone.objects.create(
        park=park_a, enterprise=recognised, kind=MilestoneKind.HIGH_TECH, on=datetime.date(2025, 11, 3)
    )
    Milestone.objects.create(park=park_a, enterprise=early, kind=MilestoneKind.HIGH_TECH, on=datetime.date(2022, 11, 3))
    report(grown, park_a, 2024, 12, revenue=D(400))
    report(grown, park_a, 2025, 6, revenue=D(650))  # the year to date already tips it: 1,050 万元
    report(small, park_a, 2024, 12, revenue=D(400))
    report(small, park_a, 2025, 12, revenue=D(500))
    candidates = selectors.graduation_candidates([park_a.pk], datetime.date(2026, 1, 10))
    found = {c.record.enterprise_id: [e.basis for e in c.evidence] for c in candidates}
    assert found == {recognised.pk: ["high_tech"], grown.pk: ["revenue"]}
    evidence = next(c for c in candidates if c.record.enterprise_id == grown.pk).evidence[0]
    assert "1,050.00 万元" in evidence.reason
    assert evidence.url == f"/incubation/enterprises/{grown.pk}/figures/"


def test_overdue_and_cohorts(programme, park_a):
    late = admit(programme, EnterpriseFactory(industry_code="3841"), on=datetime.date(2021, 1, 4))
    admit(programme, EnterpriseFactory(industry_code="2761"), on=datetime.date(2021, 1, 4))  # 60 months: not yet
    today = datetime.date(2025, 6, 1)
    assert list(selectors.overdue_records([park_a.pk], today)) == [late]
    rows = selectors.cohort_rows([park_a.pk], today)
    assert [(r.year, r.admitted, r.active, r.overdue) for r in rows] == [(2021, 2, 2, 1)]


# --- The SLA dashboard ---------------------------------------------------------------------------------


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_sla_dashboard_counts_breaches_medians_and_backlog(offering, tenant_x, sam):
    durations = []
    for day in range(2, 7):  # Monday 2 – Friday 6 March 2026, one request a day at 10:00
        with time_machine.travel(at(2026, 3, day, 10, 0), tick=False):
            request = desk.request_raise(
                park=offering.park, enterprise=tenant_x, offering=offering, subject="咨询", description="x", actor=sam
            )
        if day <= 4:  # three resolved: after 1, 3 and 20 office hours (the last past its 15 h target)
            hours = {2: 1, 3: 3, 4: 20}[day]
            done = desk.sla.due_at(at(2026, 3, day, 10, 0), desk.sla.Target(hours, "hours"))
            with time_machine.travel(done, tick=False):
                desk.request_resolve(request=request, actor=sam, note="完成")
            durations.append(hours * 3600)
        if day == 6:
            with time_machine.travel(at(2026, 3, 6, 11, 0), tick=False):
                desk.request_cancel(request=request, actor=sam, reason="重复提交")
    now = at(2026, 3, 13, 12, 0)  # the request of 5 March is open and past both due times
    dashboard = selectors.sla_dashboard(
        park_ids=[offering.park_id], start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), now=now
    )
    total = dashboard.total
    assert (total.total, total.cancelled, total.open) == (5, 1, 1)
    assert (total.resolution_met, total.resolution_breached) == (2, 2)
    # Resolving is the first response when nothing came before: 20 h is past the 4 h response target.
    assert (total.response_met, total.response_breached) == (2, 2)
    assert total.median_seconds == D(statistics.median(durations))
    assert total.median_hours == D("3.0")
    # 5 March → 13 March is 6 working days: the 6–10 bucket.
    assert total.backlog == [0, 0, 1, 0]
    assert [row.label for row in dashboard.by_service] == ["政策咨询"]
    assert dashboard.by_provider[0].median_seconds == D(3 * 3600)
    assert dashboard.total.response_met_pct == D("50.0")


# --- Eligibility -------------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 5, 1, 4, tzinfo=datetime.UTC))
def test_eligibility_facts_and_scan_over_the_database(programme, park_a):
    unit = UnitFactory(floor__building__park=park_a)
    bio = EnterpriseFactory(
        name="甲生物", parks=[park_a], lifecycle="tenant", industry_code="2761", founded_on=datetime.date(2023, 5, 1)
    )
    old = EnterpriseFactory(
        name="乙器械",
        parks=[park_a],
        lifecycle="tenant",
        industry_code="3581",
        founded_on=datetime.date(2015, 1, 1),
        high_tech=True,
    )
    stranger = EnterpriseFactory(name="丙外园", industry_code="2761")  # not served by park A
    admit(programme, bio, on=datetime.date(2025, 1, 1))
    signed_lease(units=[unit], enterprise=old, start_on=datetime.date(2024, 4, 1), end_on=datetime.date(2029, 3, 31))
    report(bio, park_a, 2025, 12, revenue=D(800), rnd_spending=D(80), employees=30)
    report(old, park_a, 2025, 12, revenue=D(5000), rnd_spending=D(100), employees=220)
    Milestone.objects.create(park=park_a, enterprise=bio, kind=MilestoneKind.HIGH_TECH, on=datetime.date(2025, 10, 1))
    facts = {f.enterprise_id: f for f in selectors.eligibility_facts(park_a.pk, datetime.date(2026, 5, 1))}
    assert set(facts) == {bio.pk, old.pk}
    assert stranger.pk not in facts
    assert (facts[bio.pk].high_tech, facts[bio.pk].rd_intensity, facts[bio.pk].revenue_wan) == (True, D(10), D(800))
    assert (facts[bio.pk].stage, facts[bio.pk].employees, facts[bio.pk].age_years) == ("incubating", 30, D("3.00"))
    assert facts[old.pk].in_park_years == D("2.08")
    assert facts[old.pk].rd_intensity == D(2)
    assert facts[old.pk].stage == ""
    # One enterprise's page reads only its own rows, and gets the same facts.
    assert selectors.eligibility_facts(park_a.pk, datetime.date(2026, 5, 1), only=[bio.pk]) == [facts[bio.pk]]
    scheme = services.scheme_save(
        scheme=Scheme(park=park_a, name="研发强度奖励", level="park"),
        rules=[
            services.RuleInput("high_tech", "is_true"),
            services.RuleInput("rd_intensity", "gte", "3"),
            services.RuleInput("industry", "prefix", "27,358"),
        ],
        actor=None,
    )
    scan = selectors.eligibility_scan(park_a.pk, datetime.date(2026, 5, 1), [scheme])
    result = scan.results[scheme.pk]
    assert result.qualified == frozenset({bio.pk})
    assert [(m.enterprise_id, m.rule_index, m.missing_data) for m in result.near_misses] == [(old.pk, 1, False)]


def test_awards_total_is_the_years_awarded_money(park_a, park_b, tenant_x):
    scheme = services.scheme_save(scheme=Scheme(park=None, name="国家奖励", level="national"), rules=[], actor=None)
    for park, amount in ((park_a, D(100000)), (park_b, D(50000))):
        application = services.scheme_application_create(
            scheme=scheme, enterprise=tenant_x, park_id=park.pk, year=2026 if park == park_a else 2025, actor=None
        )
        for status in ("submitted", "approved"):
            services.scheme_application_advance(
                application=application, status=status, on=datetime.date(2026, 2, 1), actor=None
            )
        services.scheme_application_advance(
            application=application, status="awarded", on=datetime.date(2026, 3, 1), amount=amount, actor=None
        )
    assert selectors.awards_total([park_a.pk], 2026) == (D(100000), 1)
    assert selectors.awards_total(None, 2026) == (D(150000), 2)
    assert selectors.awards_total([park_a.pk], 2025) == (D(0), 0)


# --- Early-warning signals ---------------------------------------------------------------------------


def test_falling_output_signal(park_a, tenant_x, tenant_y):
    # 1–N月 cumulative: 100 a month to June, then 60 a month: −40 % over the last three months.
    for month, cumulative in ((2, 200), (3, 300), (4, 400), (5, 500), (6, 600), (7, 660), (8, 720), (9, 780)):
        report(tenant_x, park_a, 2025, month, output=D(cumulative))
    for month in range(2, 10):
        report(tenant_y, park_a, 2025, month, output=D(100 * month))
    found = selectors.falling_output_signals([tenant_x.pk, tenant_y.pk], datetime.date(2025, 10, 20))
    assert set(found) == {tenant_x.pk}
    assert found[tenant_x.pk].score == 35
    assert "2025年7月至2025年9月" in found[tenant_x.pk].reason


def test_missing_statistics_signal_only_for_enterprises_that_report(park_a, tenant_x, tenant_y):
    silent = EnterpriseFactory(parks=[park_a])
    for month in range(2, 9):
        report(tenant_x, park_a, 2025, month, revenue=D(10 * month))  # stopped after August
    for month in range(2, 11):
        report(tenant_y, park_a, 2025, month, revenue=D(10 * month))
    found = selectors.missing_statistics_signals([tenant_x.pk, tenant_y.pk, silent.pk], datetime.date(2025, 11, 15))
    assert set(found) == {tenant_x.pk}
    assert (found[tenant_x.pk].score, found[tenant_x.pk].reason) == (20, "未报送月度统计：2025年9月、2025年10月")


def test_expiring_lease_signal_unless_a_renewal_is_under_way(park_a, tenant_x, tenant_y):
    unit_x, unit_y = UnitFactory(floor__building__park=park_a), UnitFactory(floor__building__park=park_a)
    lease_x = signed_lease(
        units=[unit_x],
        enterprise=tenant_x,
        start_on=datetime.date(2024, 1, 1),
        end_on=datetime.date(2026, 2, 28),
        free_rent_months=0,
        escalation_rate=D(0),
    )
    lease_y = signed_lease(
        units=[unit_y],
        enterprise=tenant_y,
        start_on=datetime.date(2024, 1, 1),
        end_on=datetime.date(2026, 2, 28),
        free_rent_months=0,
        escalation_rate=D(0),
    )
    leasing_services.contract_renew(contract=lease_y, actor=None, end_on=datetime.date(2029, 2, 28))
    found = selectors.expiring_lease_signals([tenant_x.pk, tenant_y.pk], datetime.date(2026, 1, 1))
    assert set(found) == {tenant_x.pk}
    assert found[tenant_x.pk].score == 25  # 58 days
    assert found[tenant_x.pk].evidence_url == lease_x.get_absolute_url()


def test_twice_escalated_requests_signal(offering, tenant_x, tenant_y, sam):
    for enterprise, level in ((tenant_x, 2), (tenant_y, 1)):
        with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
            request = desk.request_raise(
                park=offering.park, enterprise=enterprise, offering=offering, subject="报修", description="x", actor=sam
            )
        ServiceRequest.objects.filter(pk=request.pk).update(escalation_level=level)
    found = selectors.escalation_signals([tenant_x.pk, tenant_y.pk], datetime.date(2026, 4, 1))
    assert set(found) == {tenant_x.pk}
    assert found[tenant_x.pk].score == 20
    assert "escalated=2" in found[tenant_x.pk].evidence_url


@pytest.fixture
def arrears():
    """A higher app's signal (billing's arrears) registered the way billing will register it."""
    owed: dict[int, RiskSignal] = {}
    hooks.register_risk_signal("arrears", "欠租", lambda ids, as_of: {e: s for e, s in owed.items() if e in ids})
    yield owed
    hooks._SIGNALS.pop("arrears")


def test_risk_list_combines_registered_signals_and_leaves_absent_sources_out(park_a, tenant_x, tenant_y, arrears):
    keys = [source.key for source in hooks.risk_signal_sources()]
    assert "energy" in keys  # monitoring's meters; tenant_x has none, so the signal is left out, not zero
    arrears[tenant_x.pk] = RiskSignal(40, "欠租3个月，共12.6万元", "/billing/arrears/1/")
    for month in range(2, 9):
        report(tenant_x, park_a, 2025, month, revenue=D(10 * month))
    rows = selectors.risk_list(park_a.pk, datetime.date(2025, 11, 15))
    assert [(row.enterprise.pk, row.assessment.score, row.assessment.level) for row in rows] == [
        (tenant_x.pk, 60, "high")
    ]
    assert [e.key for e in rows[0].assessment.entries] == ["arrears", "statistics"]


# --- Rent support ------------------------------------------------------------------------------------


def test_a_lease_of_an_incubated_enterprise_takes_over_the_programmes_support(programme, park_a, tenant_x):
    # The programme: 6 months free and 12 at half, from admission (1 March 2026).
    admit(programme, tenant_x, on=datetime.date(2026, 3, 1))
    unit = UnitFactory(floor__building__park=park_a)
    contract = leasing_services.contract_create_draft(
        actor=None,
        park=park_a,
        enterprise=tenant_x,
        units=[unit],
        **lease_terms(start_on=datetime.date(2026, 5, 1), end_on=datetime.date(2029, 4, 30), free_rent_months=0),
    )
    # Two months after admission: 4 free months left, then the 12 months at half.
    assert (contract.free_rent_months, contract.rent_discount_rate, contract.rent_discount_months) == (4, D("0.5"), 12)
    assert "生物城孵化器" in contract.rent_support_note
    # After the support has run out (18 months), a new lease gets none.
    assert selectors.rent_support(tenant_x, park_a, datetime.date(2027, 9, 1)) is None
    # An enterprise not incubated in the park gets none.
    assert selectors.rent_support(EnterpriseFactory(), park_a, datetime.date(2026, 5, 1)) is None


# --- Torch statistics -----------------------------------------------------------------------------------


def test_incubator_statistics_are_traceable_and_missing_is_not_zero(programme, park_a):
    first, second, gone = (EnterpriseFactory(parks=[park_a], industry_code="3841") for _ in range(3))
    with time_machine.travel(datetime.datetime(2026, 2, 1, 4, tzinfo=datetime.UTC)):
        record_1 = admit(programme, first, on=datetime.date(2024, 3, 1))
        admit(programme, second, on=datetime.date(2025, 6, 1))
        record_3 = admit(programme, gone, on=datetime.date(2024, 3, 1))
        services.record_exit(record=record_3, reason="relocated", on=datetime.date(2025, 9, 30), actor=None)
        services.annual_return_save(
            record=record_1,
            year=2025,
            values={"employees": 20, "college_educated": 15, "financing_wan": D(300)},
            actor=None,
        )
    report(second, park_a, 2025, 12, revenue=D(1200), rnd_spending=D(60), employees=12)
    result = torch.incubator_statistics(programme, 2025)
    values = {f.key: f for f in result.figures}
    assert (values["incubated"].value, values["admitted"].value, values["exited"].value) == (2, 1, 1)
    employees = values["employees"]
    assert employees.value == 32  # 20 from the annual return, 12 from the statistics
    assert sorted(s.origin for s in employees.sources) == ["年度补充数据", "月度统计（2025年）"]
    college = values["college"]
    assert (college.value, college.missing) == (15, [second.name])
    assert values["revenue"].value == D("1200.00")
    assert values["revenue"].missing == [first.name]
    assert values["financing"].value == D(300)
    assert values["area"].value == D(5000)
