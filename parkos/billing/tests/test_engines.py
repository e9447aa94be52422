"""Pure engines: allocation order, payment matching, ageing buckets, reminder levels."""

import datetime
from decimal import Decimal as D

import pytest

from parkos.billing import ageing, allocation, reminders
from parkos.billing.choices import MatchMethod
from parkos.billing.matching import Candidate, Entry, Matcher, compact

d = datetime.date


def open_line(line_id, bill_id, due, amount):
    return allocation.OpenLine(line_id, bill_id, due, D(amount))


LINES = [
    open_line(3, 20, d(2026, 3, 1), "500"),
    open_line(1, 10, d(2026, 1, 1), "1000"),
    open_line(2, 10, d(2026, 1, 1), "300"),
    open_line(4, 30, d(2026, 4, 1), "800"),
]


def test_allocation_goes_oldest_first_and_leaves_the_rest_as_credit():
    shares = allocation.plan(D("1500"), LINES)
    assert [(s.line_id, s.amount) for s in shares] == [(1, D(1000)), (2, D(300)), (3, D(200))]


def test_a_named_bill_is_settled_first():
    shares = allocation.plan(D("900"), LINES, first_bill_ids=[30])
    assert [(s.line_id, s.amount) for s in shares] == [(4, D(800)), (1, D(100))]


def test_overpayment_settles_everything_and_keeps_the_rest():
    shares = allocation.plan(D("5000"), LINES)
    assert sum(s.amount for s in shares) == D(2600)


def test_negative_money_is_refused():
    with pytest.raises(ValueError, match="negative"):
        allocation.plan(D("-1"), LINES)


TENANTS = [
    Candidate(
        1,
        "重庆博腾医疗器械有限公司",
        ("重庆博腾医疗设备有限公司",),
        {"ZD-CQ-A-202601-00001": D("28500.00")},
        D("28500.00"),
    ),
    Candidate(2, "重庆渝健生物科技股份有限公司", (), {"ZD-CQ-A-202601-00002": D("12000.00")}, D("12000.00")),
    Candidate(3, "重庆康华制药有限公司", (), {"ZD-CQ-A-202601-00003": D("7300.00")}, D("7300.00")),
]
MATCHER = Matcher(TENANTS)


@pytest.mark.parametrize(
    ("payer", "reference", "amount", "account", "method", "confident"),
    [
        ("重庆博腾医疗器械有限公司", "房租", "28500.00", 1, MatchMethod.NAME, True),
        ("重庆博腾医疗器械（有限公司）", "", "100.00", 1, MatchMethod.NAME, True),  # brackets, legal form
        ("重庆博腾医疗设备有限公司", "货款", "100.00", 1, MatchMethod.FORMER_NAME, True),  # the old name
        ("张三", "zd cq a 202601 00002 租金", "12000.00", 2, MatchMethod.REFERENCE, True),  # hyphens dropped
        ("重庆康华制药有限公司", "ZD-CQ-A-202601-00002", "12000.00", 2, MatchMethod.REFERENCE, False),  # 代付?
        ("李四", "", "7300.00", 3, MatchMethod.AMOUNT, False),
        ("重庆渝健生物科技公司", "", "1.00", 2, MatchMethod.NAME, True),  # 股份有限公司 vs 公司: same key
        ("重庆渝健生物科", "", "1.00", 2, MatchMethod.NAME, False),  # truncated by the bank: similar
        ("王五", "", "1.00", None, "", False),
    ],
)
def test_matching(payer, reference, amount, account, method, confident):
    found = MATCHER.match(Entry(D(amount), payer, reference))
    assert (found.account_id, found.method, found.confident) == (account, method, confident)
    if account is not None:
        assert found.note


def test_reference_match_names_the_bills_to_settle_first():
    found = MATCHER.match(Entry(D(1), "张三", "ZD-CQ-A-202601-00002"))
    assert found.bill_numbers == ("ZD-CQ-A-202601-00002",)
    assert compact("zd-cq a-202601-00001") == "ZDCQA20260100001"


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (d(2026, 7, 1), "not_due"),
        (d(2026, 6, 30), "d0_30"),  # due today: 0 days
        (d(2026, 5, 31), "d0_30"),  # 30 days
        (d(2026, 5, 30), "d31_90"),
        (d(2026, 4, 1), "d31_90"),  # 90 days
        (d(2026, 3, 31), "d91_180"),
        (d(2026, 1, 1), "d91_180"),  # 180 days
        (d(2025, 12, 31), "d181"),
    ],
)
def test_ageing_buckets_and_their_date_ranges_agree(due, bucket):
    as_of = d(2026, 6, 30)
    assert ageing.bucket_of(due, as_of) == bucket
    earliest, latest = ageing.due_ranges(as_of)[bucket]
    assert earliest is None or earliest <= due
    assert latest is None or due <= latest


LEVELS = [reminders.Level(1, 3), reminders.Level(2, 10), reminders.Level(3, 20)]


def test_reminder_levels_escalate_and_never_repeat():
    assert reminders.level_due(LEVELS, 2, set()) is None
    assert reminders.level_due(LEVELS, 3, set()) == 1
    assert reminders.level_due(LEVELS, 5, {1}) is None
    assert reminders.level_due(LEVELS, 12, {1}) == 2
    assert reminders.level_due(LEVELS, 25, set()) == 3  # late already: straight to the letter for it
    assert reminders.level_due(LEVELS, 12, {3}) is None  # never back down


def test_overdue_is_counted_in_working_days_over_the_spring_festival():
    # Due Fri 2026-02-13; 02-14 (Sat, 调休上班) is a working day, 02-15..02-23 are the holiday.
    assert reminders.working_days_overdue(d(2026, 2, 13), d(2026, 2, 24)) == 2
    assert reminders.working_days_overdue(d(2026, 2, 13), d(2026, 2, 13)) == 0


def test_render_leaves_unknown_placeholders():
    assert reminders.render("{enterprise}欠 {amount} 元 {unknown}", {"enterprise": "甲", "amount": "1.00"}) == (
        "甲欠 1.00 元 {unknown}"
    )
