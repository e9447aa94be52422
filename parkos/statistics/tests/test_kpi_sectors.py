"""The industrial scope and enterprises that move (RULES §5, §5.3): pure rules, no database.

Amounts in 元; M = 100 万元. The 规上 threshold is 2000 万 (20 M) for manufacturing and software,
1000 万 for research (M 门类) and 500 万 for a retail pharmacy (RULES §5).
"""

from __future__ import annotations

from decimal import Decimal

from parkos.statistics import kpi
from parkos.statistics.kpi import scale
from parkos.statistics.kpi.assembly import industry_division
from parkos.statistics.tests.test_kpi import row

D = Decimal
M = D(1_000_000)
YEAR = 2025
MANUFACTURING, PHARMACY, SOFTWARE, RESEARCH = "2720", "5251", "6513", "7340"
#: Rows read from January of last year on (the scope's data began earlier): the horizon of RULES §5.3.
FULL_DATA = scale.Horizon.of(YEAR, (YEAR - 3, 1))


def test_sector_of_follows_the_section_of_the_code():
    assert scale.sector_of(MANUFACTURING) == "industry"  # C
    assert scale.sector_of("0610") == "industry"  # B 采矿业
    assert scale.sector_of("4411") == "industry"  # D 电力
    assert scale.sector_of(PHARMACY) == "service"  # F 零售: a pharmacy is no factory
    assert scale.sector_of(SOFTWARE) == "service"  # I
    assert scale.sector_of("") is None  # no code: in neither section, a data-quality warning
    assert scale.sector_of(None) is None
    codes = {1: MANUFACTURING, 2: PHARMACY, 3: SOFTWARE}
    assert scale.sectors_of(codes, "industry") == {1: MANUFACTURING}
    assert scale.sectors_of(codes, "service") == {2: PHARMACY, 3: SOFTWARE}


def test_the_by_industry_table_names_each_division_once():
    assert industry_division(MANUFACTURING) == ("C27", "医药制造业")
    assert industry_division(PHARMACY) == ("F52", "零售业")
    assert industry_division("C2710") == ("C27", "医药制造业")  # the section letter is no digit
    assert industry_division("9999") == ("99", "")  # unknown: the digits, no invented name
    assert industry_division("") == ("", "")


def test_service_enterprises_are_judged_on_their_own_thresholds():
    # 600 万 a year: above the pharmacy's 500 万, below software's 2000 万 and manufacturing's.
    rows = [row(e, y, 12, revenue=6 * M) for e in (1, 2, 3) for y in (YEAR - 1, YEAR)]
    codes = {1: MANUFACTURING, 2: PHARMACY, 3: SOFTWARE}
    assert kpi.above_scale_set(rows, YEAR, 12, codes) == {2}
    assert kpi.above_scale_set(rows, YEAR, 12, scale.sectors_of(codes, "industry")) == frozenset()


def _event(enterprise_id, year, month, threshold=20 * M):
    return kpi.ScaleEvent(enterprise_id, year, month, kpi.Figure(threshold, "yuan"), threshold, "trailing12")


def _split(rows_here, rows_everywhere, events, moved_in=None, horizon=FULL_DATA):
    arrivals = {}
    for event in events:
        arrival = scale.arrival_of(event.enterprise_id, rows_here, rows_everywhere, horizon=horizon, moved_in=moved_in)
        if arrival is not None:
            arrivals[event.enterprise_id] = arrival
    return scale.split_by_arrival(events, arrivals)


def test_an_enterprise_present_all_along_that_crosses_is_upgraded():
    rows = [row(1, YEAR - 1, m, revenue=m * M) for m in range(2, 13)]  # 12 M last year
    rows += [row(1, YEAR, m, revenue=3 * m * M) for m in range(2, 13)]  # crosses in the year
    (event,) = kpi.new_above_scale(rows, YEAR, range(1, 13), {1: MANUFACTURING})
    assert _split(rows, rows, [event]) == ([event], [])


def test_moving_in_mid_year_with_last_year_far_above_the_threshold_is_moved_in():
    # In another park last year (50 M, far above 20 M) and January–June; here from July, with the
    # 上年同期 re-reported in its rows (1–7月 last year: 29 M). Its first row here is 1–7月 = 28 M:
    # the scope's rows make it cross in July — but it came 规上, it did not 升规 here.
    elsewhere = [row(1, YEAR - 1, m, revenue=D(50) * m / 12 * M) for m in range(2, 13)]
    elsewhere += [row(1, YEAR, m, revenue=4 * m * M) for m in range(2, 7)]
    here = [row(1, YEAR, m, revenue=4 * m * M, prior={"revenue": D(50) * m / 12 * M}) for m in range(7, 13)]
    (event,) = kpi.new_above_scale(here, YEAR, range(1, 13), {1: MANUFACTURING})
    assert (event.year, event.month) == (YEAR, 7)
    arrival = scale.arrival_of(1, here, elsewhere + here, horizon=FULL_DATA)
    assert arrival is not None
    assert (arrival.year, arrival.month) == (YEAR, 7)
    assert arrival.revenue_before == (D(50) / 2 + 24) * M  # Jul–Dec last year + Jan–Jun here
    assert _split(here, elsewhere + here, [event]) == ([], [event])


def test_moving_in_below_and_crossing_later_is_upgraded():
    # Arrives in March at 1–3月 = 3 M, no prior above the threshold, crosses in October (30 M).
    here = [row(1, YEAR, m, revenue=3 * m * M, prior={"revenue": m * M}) for m in range(3, 13)]
    (event,) = kpi.new_above_scale(here, YEAR, range(1, 13), {1: MANUFACTURING})
    assert (event.year, event.month) == (YEAR, 7)  # 1–7月 = 21 M
    assert _split(here, here, [event]) == ([event], [])


def test_a_re_reported_prior_above_the_threshold_makes_it_moved_in():
    # No rows anywhere last year (new to ParkOS), arrives in March below, crosses in July; but the
    # 上年同期 it re-reports (1–12月 last year: 24 M) says it was 规上 last year already.
    here = [row(1, YEAR, m, revenue=3 * m * M, prior={"revenue": 2 * m * M}) for m in range(3, 13)]
    (event,) = kpi.new_above_scale(here, YEAR, range(1, 13), {1: MANUFACTURING})
    assert _split(here, here, [event]) == ([], [event])


def test_a_dated_presence_beats_the_first_row():
    # Rows here from February of last year (present by the rows), but the presence says it moved in
    # in September 2025, already above: moved in.
    here = [row(1, YEAR, m, revenue=3 * m * M) for m in range(2, 13)]
    event = _event(1, YEAR, 7)
    assert _split(here, here, [event]) == ([event], [])
    assert _split(here, here, [event], moved_in=(YEAR, 9)) == ([], [event])


def test_an_enterprise_without_an_arrival_is_never_moved_in():
    event = _event(1, YEAR, 5)
    assert not scale.arrived_above(event, None)
    assert scale.arrival_of(1, [], [], horizon=FULL_DATA) is None


# --- the first year of a scope's data (RULES §5.3) -------------------------------------------------

#: The scope's rows begin in January of the report year: the horizon is February.
FIRST_YEAR = scale.Horizon.of(YEAR, (YEAR, 1))


def test_above_from_its_first_row_at_the_data_start_is_not_new():
    # 1–2月 = 25 M, above from its first row: 规上 before the data began, neither 升规 nor 迁入.
    here = [row(1, YEAR, m, revenue=D("12.5") * m * M) for m in range(2, 13)]
    (event,) = kpi.new_above_scale(here, YEAR, range(1, 13), {1: MANUFACTURING})
    assert (event.year, event.month) == (YEAR, 2)
    assert _split(here, here, [event], horizon=FIRST_YEAR) == ([], [])
    # Had the scope's rows begun earlier, its first row in February would be an arrival: 迁入规上.
    assert _split(here, here, [event]) == ([], [event])


def test_crossing_on_the_rows_with_a_prior_above_at_the_data_start_is_not_new():
    # 50 M a year, crossing on the rows in May; the 上年同期 it re-reports (48 M a year) was above.
    here = [row(1, YEAR, m, revenue=D(50) * m / 12 * M, prior={"revenue": 4 * m * M}) for m in range(1, 13)]
    (event,) = kpi.new_above_scale(here, YEAR, range(1, 13), {1: MANUFACTURING})
    assert (event.year, event.month) == (YEAR, 5)
    assert _split(here, here, [event], horizon=FIRST_YEAR) == ([], [])


def test_rows_elsewhere_above_before_the_data_start_make_it_not_new():
    # In another park all last year at 30 M; here from January, crossing on the rows in August.
    elsewhere = [row(1, YEAR - 1, m, revenue=D("2.5") * m * M) for m in range(1, 13)]
    here = [row(1, YEAR, m, revenue=D("2.5") * m * M) for m in range(1, 13)]
    (event,) = kpi.new_above_scale(here, YEAR, range(1, 13), {1: MANUFACTURING})
    assert (event.year, event.month) == (YEAR, 8)
    assert _split(here, elsewhere + here, [event], horizon=FIRST_YEAR) == ([], [])
    assert _split(here, here, [event], horizon=FIRST_YEAR) == ([event], [])  # without them: 升规


def test_below_at_the_data_start_and_crossing_later_is_upgraded():
    # From January at 1 M a month (1–5月 5 M), 6 M a month from June: crosses in August (1–8月 23 M).
    here = [row(1, YEAR, m, revenue=(m if m <= 5 else 5 + 6 * (m - 5)) * M) for m in range(1, 13)]
    (event,) = kpi.new_above_scale(here, YEAR, range(1, 13), {1: MANUFACTURING})
    assert (event.year, event.month) == (YEAR, 8)
    assert _split(here, here, [event], horizon=FIRST_YEAR) == ([event], [])
    # A genuine mover in the same scope: moved in in July (after the horizon), already above.
    mover = _event(2, YEAR, 7)
    assert _split([], [], [mover], moved_in=(YEAR, 7), horizon=FIRST_YEAR) == ([], [mover])
