"""The SQL path of `selectors.report_kpis` against the row-by-row engine, and its query count.

`report_kpis` reads per-enterprise totals from grouped SQL and sends only irregular enterprises
(monthly rows, gaps) and possible 升规 to the engine; here random parks with every kind of row
are computed both ways and must agree figure for figure, sources included.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.leasing import presence as presence_rules
from parkos.leasing.models import Presence
from parkos.leasing.selectors import presence
from parkos.parks.tests.factories import ParkFactory
from parkos.statistics import kpi, selectors
from parkos.statistics.kpi import ReportPeriod, assembly, gather, scale
from parkos.statistics.kpi.period import SERIES_SPANS
from parkos.statistics.models import MonthlyReport

pytestmark = pytest.mark.django_db

D = Decimal
YEAR = 2025
THRESHOLD = D(20_000_000)  # 2000 万元, manufacturing (3581)
# Annual revenue around the threshold, so that enterprises are 规上, cross (升规) or stay below.
LEVELS = (D("0.3"), D("0.9"), D("1.1"), D("3.0"))


def _rows(rng: random.Random, park, enterprise, kind: str, elsewhere=None, stays=None) -> list[MonthlyReport]:
    """Two years of one enterprise: regular 1–N月, gappy 1–N月, monthly, or sparse; or one year:
    left (last year only) or late (this year, from a month on); or moving: in park ``elsewhere``
    until a month of this year and in ``park`` from it on (moved_in), or the other way (moved_out),
    their stays dated by an officer (added to ``stays``)."""
    rows = []
    move = rng.randint(3, 10) if kind in {"moved_in", "moved_out"} else 13
    for year in {"left": (YEAR - 1,), "late": (YEAR,)}.get(kind, (YEAR - 1, YEAR)):
        annual = THRESHOLD * rng.choice(LEVELS)
        cumulative = kind != "monthly"
        months = list(range(1, 13))
        if kind == "late":
            months = months[rng.randint(1, 9) :]
        elif kind == "gappy":
            months = sorted(rng.sample(months, rng.randint(3, 11)))
        elif kind == "sparse":
            months = rng.choice([[12], [6, 12], [3, 9], [1, 2, 3]])
        total = D(0)
        for month in months:
            step = (annual / 12 * rng.choice((D("0.5"), D(1), D("1.5")))).quantize(D("0.01"))
            total = total + step if cumulative else step
            value = total
            moved = year == YEAR and month >= move
            row = MonthlyReport(
                park=elsewhere if (kind == "moved_in") != moved and kind in {"moved_in", "moved_out"} else park,
                enterprise=enterprise,
                year=year,
                month=month,
                is_cumulative=cumulative,
                revenue=None if rng.random() < 0.08 else value,
                output=value,
                taxes=(value * D("0.05")).quantize(D("0.01")),
                rnd_spending=None if rng.random() < 0.3 else (value * D("0.03")).quantize(D("0.01")),
                profit=(value * D("0.1") - D(500_000)).quantize(D("0.01")),
                employees=None if rng.random() < 0.2 else rng.randint(5, 400),
            )
            if year == YEAR and rng.random() < 0.7:
                row.prior_output = (value * D("0.9")).quantize(D("0.01"))
                row.prior_revenue = None if rng.random() < 0.2 else row.prior_output
                row.prior_employees = rng.randint(5, 400)
            rows.append(row)
    if kind in {"moved_in", "moved_out"}:  # the officer dates the move: in on the 1st, out the day before
        day = datetime.date(YEAR, move, 1)
        before = day - datetime.timedelta(days=1)
        long_ago = datetime.date(YEAR - 2, 1, 1)
        first, then = (elsewhere, park) if kind == "moved_in" else (park, elsewhere)
        stays += [
            Presence(enterprise=enterprise, park=first, moved_in_on=long_ago, moved_out_on=before),
            Presence(enterprise=enterprise, park=then, moved_in_on=day),
        ]
    return rows


KINDS = ("regular", "regular", "gappy", "monthly", "sparse", "regular", "left", "late")
#: Enterprises that move in and out mid-year, beside the rest.
MOVING_KINDS = (*KINDS, "moved_in", "moved_out", "moved_in")
#: Manufacturing, research (服务业, 1000 万), a pharmacy (零售, 500 万), software (2000 万), none.
CODES = ("3581", "3581", "7340", "")
MIXED_CODES = ("3581", "3581", "2720", "7340", "5251", "6513", "")


def _park_with(park, count: int, seed: int, kinds=KINDS, codes=CODES, elsewhere=None, data_from=None) -> None:
    """``data_from``: the (year, month) the park's rows begin (it started using ParkOS then): its rows
    before are left out, the 1–N月 rows after still cover the months since January."""
    rng = random.Random(seed)
    enterprises = [EnterpriseFactory(industry_code=rng.choice(codes)) for _ in range(count)]
    rows: list[MonthlyReport] = []
    stays: list[Presence] = []
    for index, enterprise in enumerate(enterprises):
        rows += _rows(rng, park, enterprise, kinds[index % len(kinds)], elsewhere, stays)
    if data_from is not None:
        rows = [row for row in rows if row.park_id != park.pk or (row.year, row.month) >= data_from]
    MonthlyReport.objects.bulk_create(rows)
    Presence.objects.bulk_create(stays)


def reference_engine(park_id: int, period: ReportPeriod) -> dict[str, object]:
    """The report's figures from the row engine alone (what `report_kpis` computed before SQL)."""
    year, months, last = period.year, period.months, period.last_month
    rows = gather.load_rows(park_ids=[park_id], years=(year - 1, year))
    everywhere = gather.load_rows(park_ids=None, years=(year - 1, year))
    facts = gather.enterprise_facts([park_id], (year - 1, year))
    every_code = {pk: code for pk, (_name, code) in facts.items() if code}
    # Dated presence (RULES §5.3): who left before the period's end, and when the rest arrived.
    stays = presence(park_ids=[park_id])
    end = period.dates[1]
    everyone = {row.enterprise_id for row in rows}
    # Where the rows read begin (RULES §5.3): the park's first row of the two years, if later.
    horizon = scale.Horizon.of(year, min(((row.year, row.month) for row in rows), default=None))
    left = frozenset(e for e in everyone if presence_rules.left_by(stays.get(e, []), end))
    sections = {}
    for sector, indicator in (("industry", "output"), ("service", "revenue")):
        industries = scale.sectors_of(every_code, sector)
        members = {row.enterprise_id for row in rows if row.enterprise_id in industries}
        above = kpi.above_scale_set(rows, year, last, industries) - left
        above_before = kpi.above_scale_set(rows, year - 1, last, industries)
        already = (
            kpi.above_scale_set(rows, year - 1, 12, industries)
            if period.first_month == 1
            else kpi.above_scale_set(rows, year, period.first_month - 1, industries)
        )
        events = [
            event
            for event in kpi.new_above_scale(rows, year, months, industries, already_above=already)
            if event.enterprise_id not in left
        ]
        arrivals = {
            event.enterprise_id: scale.arrival_of(
                event.enterprise_id,
                rows,
                everywhere,
                horizon=horizon,
                moved_in=(day.year, day.month)
                if (day := presence_rules.arrived_on(stays.get(event.enterprise_id, []), end))
                else None,
            )
            for event in events
        }
        upgraded, moved_in = scale.split_by_arrival(events, {e: a for e, a in arrivals.items() if a is not None})
        sections[sector] = {
            "enterprise_ids": members,
            "total": kpi.period_total(rows, indicator, year, months, members),
            "growth": kpi.comparable_growth(rows, indicator, year, months, members - left),
            "above_ids": above,
            "above_ids_previous": above_before,
            "above_total": kpi.period_total(rows, indicator, year, months, above),
            "above_total_previous": kpi.period_total(rows, indicator, year - 1, months, above_before),
            "above_growth": kpi.comparable_growth(rows, indicator, year, months, above),
            "upgraded": upgraded,
            "moved_in": moved_in,
        }
    industrial = sections["industry"]
    above, above_before = industrial["above_ids"], industrial["above_ids_previous"]
    above_output, above_previous = industrial["above_total"], industrial["above_total_previous"]
    reporting = {r.enterprise_id for r in rows if r.year == year and r.month <= last}
    return {
        "sections": sections,
        "unclassified_ids": reporting - every_code.keys(),
        "totals": {i: kpi.period_total(rows, i, year, months) for i in selectors.HEADLINE},
        "growth": {
            i: kpi.comparable_growth(rows, i, year, months, (everyone - left) if left else None)
            for i in selectors.HEADLINE
        },
        "above_scale_ids": above,
        "above_scale_ids_previous": above_before,
        "above_scale_output": above_output,
        "above_scale_output_previous": above_previous,
        "above_scale_output_growth": industrial["above_growth"],
        "naive_sources": tuple(sorted((*above_output.sources, *above_previous.sources))),
        "rnd_intensity": kpi.rnd_intensity(rows, year, months),
        "rnd_intensity_previous": kpi.rnd_intensity(rows, year - 1, months),
        "size_classes": {
            size: len(members) for size, members in kpi.enterprises_by_size_class(rows, year, last, every_code).items()
        },
        "new_above_scale": industrial["upgraded"],
        "moved_in_above_scale": industrial["moved_in"],
        "reporting_enterprises": len(reporting),
    }


def _same(figure, expected) -> None:
    assert type(figure) is type(expected)
    for name in figure.__dataclass_fields__:
        mine, theirs = getattr(figure, name), getattr(expected, name)
        if name == "sources":
            mine, theirs = tuple(mine), tuple(theirs)
        assert mine == theirs, name


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("months", [(1, 12), (1, 6), (4, 6), (7, 9), (12, 12), (1, 1)])
def test_sql_path_agrees_with_the_row_engine(park_a, park_b, seed, months, monkeypatch):
    """Random parks with every kind of row, enterprises moving in and out mid-year (park B is
    where they were, or went), and industrial, service and unclassified enterprises."""
    if seed == 5:  # SQLite lists at most MAX_ID_PARAMS ids a query: the lists split into several
        monkeypatch.setattr(gather, "MAX_ID_PARAMS", 3)
    _park_with(park_a, 44, seed, kinds=MOVING_KINDS, codes=MIXED_CODES, elsewhere=park_b)
    _agrees(park_a, ReportPeriod(YEAR, *months))


@pytest.mark.parametrize(("seed", "data_from"), [(51, (YEAR - 1, 6)), (52, (YEAR, 1)), (53, (YEAR, 3))])
@pytest.mark.parametrize("months", [(1, 12), (1, 6), (7, 9), (1, 1)])
def test_sql_path_agrees_with_the_row_engine_in_a_park_s_first_year(park_a, park_b, seed, data_from, months):
    """The same, in a park whose rows begin within the two years read (RULES §5.3's horizon):
    those there from its start are judged at it, and the 规上 among them are not new."""
    _park_with(park_a, 44, seed, kinds=MOVING_KINDS, codes=MIXED_CODES, elsewhere=park_b, data_from=data_from)
    period = ReportPeriod(YEAR, *months)
    assert gather.census((park_a.pk,), period).horizon(YEAR).late_start
    kpis = _agrees(park_a, period)
    if months == (1, 12):  # some of the year's crossings are of enterprises 规上 when the data began
        crossings = gather.gather((park_a.pk,), period).events
        assert len(crossings) > sum(section.new_above_scale for section in kpis.sections.values())


def _agrees(park_a, period: ReportPeriod) -> selectors.ReportKpis:
    """The SQL path's report of park A against the reference engine's, figure by figure."""
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=period, detail=False)
    expected = reference_engine(park_a.pk, period)
    for indicator in selectors.HEADLINE:
        _same(kpis.totals[indicator], expected["totals"][indicator])
        _same(kpis.growth[indicator], expected["growth"][indicator])
    for name in (
        "above_scale_output",
        "above_scale_output_previous",
        "above_scale_output_growth",
        "rnd_intensity",
        "rnd_intensity_previous",
    ):
        _same(getattr(kpis, name), expected[name])
    assert kpis.above_scale_ids == expected["above_scale_ids"]
    assert kpis.above_scale_ids_previous == expected["above_scale_ids_previous"]
    assert tuple(kpis.above_scale_output_naive.sources) == expected["naive_sources"]
    assert kpis.size_classes == expected["size_classes"]
    assert kpis.new_above_scale == expected["new_above_scale"]
    assert kpis.moved_in_above_scale == expected["moved_in_above_scale"]
    assert kpis.reporting_enterprises == expected["reporting_enterprises"]
    assert kpis.unclassified_ids == expected["unclassified_ids"]
    for sector, wanted in expected["sections"].items():
        section = kpis.sections[sector]
        for name, value in wanted.items():
            if isinstance(value, kpi.Figure | kpi.GrowthFigure):
                _same(getattr(section, name), value)
            else:
                assert getattr(section, name) == value, (sector, name)
    return kpis


@pytest.mark.parametrize("seed", [41, 42])
@pytest.mark.parametrize("months", [(1, 12), (4, 6), (1, 1), (12, 12)])
def test_what_the_period_end_rows_decide_is_what_every_row_decides(park_a, seed, months):
    """Enterprise by enterprise: the 规上 rules answer from the period-end rows (alone, then with the
    rows' extents) either UNDECIDED or what they answer from every row."""
    _park_with(park_a, 40, seed, kinds=("regular", "gappy", "sparse", "left", "late"))
    period = ReportPeriod(YEAR, *months)
    scope = (park_a.pk,)
    counted = gather.census(scope, period)
    industries = gather.industries_of(scope, period, counted.reported)
    points = scale.JudgementPoints.of(period)
    rows = gather.load_rows(park_ids=[park_a.pk], years=(YEAR - 1, YEAR))
    every_row = {
        status.enterprise_id: status
        for inputs in scale.scale_inputs(rows, industries)
        for status in scale.read_whole(scale.judge(inputs, points))
    }
    ends = gather.PeriodEnds(gather.period_end_rows(scope, period), period)
    judged = [e for e in counted.reported if e in industries]
    extents = gather.row_extents(scope, period, judged)
    decided = {}
    for label, known in (("period ends", None), ("with extents", extents)):
        decided[label] = set()
        for enterprise_id in judged:
            (inputs,) = ends.batches(industries, [enterprise_id], known)
            answer = scale.judge(inputs, points)
            if answer is not scale.UNDECIDED:
                assert answer == [every_row[enterprise_id]], (label, enterprise_id)
                decided[label].add(enterprise_id)
    # Knowing more never leaves open what was decided; every way is taken: decided at once, decided
    # with the extents, left to every row.
    assert decided["period ends"] <= decided["with extents"]
    assert decided["period ends"], decided
    assert decided["with extents"] - decided["period ends"], decided
    assert set(judged) - decided["with extents"], decided


def test_sources_are_described_and_resolved_on_use(park_a):
    _park_with(park_a, 10, 7, kinds=("regular",))
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=ReportPeriod(YEAR), detail=False)
    sources = kpis.totals["output"].sources
    assert isinstance(sources, kpi.SourceKeys)
    assert repr(sources) == "SourceKeys(10 enterprise figures)"  # described, not listed yet
    # Ten December rows of 2025: a 1–12月 total is the row itself.
    reporting = set(MonthlyReport.objects.filter(park=park_a).values_list("enterprise_id", flat=True))
    assert list(sources) == sorted((e, YEAR, 12) for e in reporting)
    assert repr(sources) == "SourceKeys(10 enterprise figures, 10 rows)"
    rows = selectors.source_rows(sources, [park_a.pk], "output")
    assert {(r.report.enterprise_id, r.report.year, r.report.month) for r in rows} == set(sources)


def _queries(park, count: int) -> int:
    _park_with(park, count, seed=count)
    with CaptureQueriesContext(connection) as queries:
        kpis = selectors.report_kpis(park_ids=[park.pk], period=ReportPeriod(YEAR), detail=False)
    assert kpis.reporting_enterprises > 0
    return len(queries.captured_queries)


def test_annual_kpi_query_count_does_not_depend_on_the_number_of_enterprises(park_a, park_b):
    # Both parks hold every kind of enterprise (regular, gappy, monthly, sparse, left, late; some
    # near the threshold, some new 规上 arriving late), so both take every branch: the count is the
    # same, and small.
    assert (
        _queries(park_a, 16) == _queries(park_b, 80) <= 18
    )  # two read the rows of new 规上 that arrived and two the dated presence (RULES §5.3); four read 工业投资's basis, its projects now and a year before, and product output


@pytest.mark.parametrize("months", [(1, 12), (4, 6)])
def test_report_tables_agree_with_the_row_engine(park_a, months):
    _park_with(park_a, 40, 11)
    period = ReportPeriod(YEAR, *months)
    kpis = selectors.report_kpis(park_ids=[park_a.pk], period=period)
    rows = gather.load_rows(park_ids=[park_a.pk], years=(YEAR - 1, YEAR))
    year, span = period.year, period.months
    expected = {i: kpi.totals_by_enterprise(rows, i, year, span) for i in ("output", "revenue", "taxes")}
    listed = {line.enterprise_id for line in kpis.by_enterprise}
    assert listed == set().union(*(set(totals) for totals in expected.values()))
    # Each enterprise is measured as its section is (RULES §5.3): a service enterprise has no 工业总产值
    # here, grows on 营业收入 and is 规上 on its own threshold.
    sectors = set()
    for line in kpis.by_enterprise:
        sector = scale.sector_of(line.industry)
        sectors.add(sector)
        assert line.indicator == ("revenue" if sector == "service" else "output")
        for indicator in ("output", "revenue", "taxes"):
            figure = getattr(line, indicator)
            wanted = expected[indicator].get(line.enterprise_id)
            if indicator == "output" and sector == "service":
                wanted = None
            assert figure.value == (None if wanted is None else wanted.value), (line.enterprise_id, indicator)
            assert tuple(figure.sources) == (() if wanted is None else tuple(wanted.sources))
        if line.enterprise_id in expected[line.indicator]:
            _same(line.growth, kpi.comparable_growth(rows, line.indicator, year, span, {line.enterprise_id}))
        above = kpis.sections[sector].above_ids if sector is not None else frozenset()
        assert line.above_scale == (line.enterprise_id in above)
    assert {"industry", "service"} <= sectors
    # A division grows on its section's indicator; a service division has no 工业总产值 (RULES §5.3).
    indicators = set()
    for industry_line in kpis.by_industry:
        lines = [
            line for line in kpis.by_enterprise if assembly.industry_division(line.industry)[0] == industry_line.code
        ]
        members = {line.enterprise_id for line in lines}
        service = scale.sector_of(lines[0].industry) == "service"
        assert industry_line.indicator == ("revenue" if service else "output")
        assert (industry_line.output is None) == service
        indicators.add(industry_line.indicator)
        for indicator in ("revenue", "taxes"):  # what its enterprises reported; "--" when none did
            known = [getattr(line, indicator).value for line in lines if getattr(line, indicator).value is not None]
            assert getattr(industry_line, indicator) == (sum(known, D(0)) if known else None)
        _same(industry_line.growth, kpi.comparable_growth(rows, industry_line.indicator, year, span, members))
    assert indicators == {"output", "revenue"}, "both kinds of division"
    # The monthly series: 1–2月 together, then each month (RULES §10.1), by the rule on every row,
    # of the industrial enterprises alone (门类 B–D, RULES §5.3).
    facts = gather.enterprise_facts([park_a.pk], (YEAR - 1, YEAR))
    industrial = {e for e, (_name, code) in facts.items() if scale.sector_of(code) == "industry"}
    assert industrial, "industrial enterprises"
    assert set(expected["output"]) - industrial, "and others"
    assert kpis.monthly_output == [
        assembly.SeriesPoint(
            first,
            last,
            kpi.period_total(rows, "output", year, range(first, last + 1), industrial).value,
            kpi.period_total(rows, "output", year - 1, range(first, last + 1), industrial).value,
        )
        for first, last in SERIES_SPANS
    ]


@pytest.mark.parametrize("months", [(1, 12), (4, 6), (12, 12)])
def test_period_table_agrees_with_the_row_engine(park_a, months):
    _park_with(park_a, 40, 13)
    period = ReportPeriod(YEAR, *months)
    table = selectors.period_table(park_ids=[park_a.pk], period=period)
    rows = gather.load_rows(park_ids=[park_a.pk], years=(YEAR - 1, YEAR))
    expected = kpi.enterprise_period_totals(rows, YEAR, period.months)
    for indicator in kpi.INDICATORS:
        for side, values in (("current", "current"), ("previous", "previous"), ("reported_prior", "reported_prior")):
            wanted = {e: getattr(t, values)[indicator] for e, t in expected.items() if indicator in getattr(t, values)}
            assert table.column(side, indicator) == wanted, (indicator, side)


@pytest.mark.parametrize("seed", [21, 22, 23])
@pytest.mark.parametrize("month", [12, 6])
def test_upgrade_candidates_agree_with_the_row_engine(park_a, seed, month):
    _park_with(park_a, 40, seed)
    rows = gather.load_rows(park_ids=[park_a.pk], years=(YEAR - 1, YEAR))
    facts = gather.enterprise_facts([park_a.pk], (YEAR - 1, YEAR))
    industries = {pk: code for pk, (_name, code) in facts.items() if code}
    band = D("0.5")  # wide, so that each park has some
    expected = kpi.upgrade_candidates(rows, YEAR, month, industries, band=band)
    found = selectors.upgrade_candidates(park_id=park_a.pk, year=YEAR, month=month, band=band)
    assert [candidate for _name, candidate in found] == expected
    assert expected, "the generated park should have enterprises in the band"
    assert [name for name, _candidate in found] == [facts[c.enterprise_id][0] for c in expected]


def _same_report(mine: selectors.ReportKpis, theirs: selectors.ReportKpis) -> None:
    for name in mine.__dataclass_fields__:
        # The portfolio's per-park lines take 工业投资 from the enterprises' reports (documented on the
        # field); the report computes it on the park's basis from projects too (RULES §5.2).
        if name in ("table", "industrial_investment", "product_output"):
            continue
        a, b = getattr(mine, name), getattr(theirs, name)
        if isinstance(a, kpi.Figure | kpi.GrowthFigure):
            _same(a, b)
        elif isinstance(a, dict) and a and isinstance(next(iter(a.values())), kpi.Figure | kpi.GrowthFigure):
            assert a.keys() == b.keys(), name
            for key in a:
                _same(a[key], b[key])
        else:
            assert a == b, name


@pytest.mark.parametrize("with_a_move", [False, True])
def test_portfolio_is_each_park_computed_alone(park_a, park_b, with_a_move):

    park_c = ParkFactory(code="CQ-C", name="重庆C园")
    for seed, park in enumerate((park_a, park_b, park_c), start=31):
        # Park C started using ParkOS this January: its arrivals are judged on its own horizon.
        _park_with(park, 15, seed, data_from=(YEAR, 1) if park == park_c else None)
    if with_a_move:  # last year in park A, this year in park B
        mover = EnterpriseFactory(industry_code="3581")
        MonthlyReport.objects.bulk_create(
            MonthlyReport(
                park=park_a if year == YEAR - 1 else park_b,
                enterprise=mover,
                year=year,
                month=month,
                revenue=THRESHOLD * month / 12,
                output=THRESHOLD * month / 12,
            )
            for year in (YEAR - 1, YEAR)
            for month in range(1, 13)
        )
    period = ReportPeriod(YEAR)
    with CaptureQueriesContext(connection) as queries:
        portfolio = selectors.portfolio_kpis(park_ids=[park_a.pk, park_b.pk, park_c.pk], period=period)
    assert [park for park, _kpis in portfolio] == sorted((park_a, park_b, park_c), key=lambda p: (p.city, p.name))
    for park, kpis in portfolio:
        _same_report(kpis, selectors.report_kpis(park_ids=[park.pk], period=period, detail=False))
    assert all(kpis.above_scale_ids and kpis.totals["output"].value for _park, kpis in portfolio)
    assert any(kpis.new_above_scale for _park, kpis in portfolio)
    three_parks = len(queries.captured_queries)
    park_d = ParkFactory(code="CQ-D", name="重庆D园")
    _park_with(park_d, 15, 40)
    with CaptureQueriesContext(connection) as queries:
        selectors.portfolio_kpis(park_ids=[park_a.pk, park_b.pk, park_c.pk, park_d.pk], period=period)
    # A fourth park adds no query; only the parks a mover reported in are computed on their own.
    assert len(queries.captured_queries) == three_parks
