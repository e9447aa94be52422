"""Bank statements: the layouts of common banks, re-import without duplicates, matching and booking."""

import datetime
import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook

from parkos.billing import services, statements
from parkos.billing.choices import MatchMethod, StatementLineStatus
from parkos.billing.models import Account, BankStatementLayout, BankStatementLine, Bill, Payment
from parkos.billing.tests.factories import lease, run_month
from parkos.core.tests.import_files import zip_bomb_xlsx

d = datetime.date


def layout(name):
    return next(x for x in statements.BUILTIN_LAYOUTS if x.name == name)


def icbc_xlsx(rows):
    """An ICBC-style export: account and period above the header, a totals line below."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["账号：3100021109024588888", None, None, None])
    sheet.append(["查询期间：2026-01-01 至 2026-01-31"])
    sheet.append([])
    sheet.append(
        [
            "交易时间",
            "借方发生额（支出）",
            "贷方发生额（收入）",
            "余额",
            "对方单位名称",
            "对方账号",
            "摘要",
            "附言",
            "交易流水号",
        ]
    )
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", 1000, 60000, None, None, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_icbc_layout_reads_incoming_transfers_only():
    data = icbc_xlsx(
        [
            [
                datetime.datetime(2026, 1, 5, 10, 22),  # noqa: DTZ001 - Excel dates are naive
                None,
                28500,
                1,
                "重庆博腾医疗器械有限公司",
                "5001 2345 6789",
                "货款",
                "ZD-CQ-A-202601-00001",
                "J0001",
            ],
            ["2026-01-06 09:00:00", 1000, None, 1, "中国电信", "", "电话费", "", "J0002"],
            ["2026/01/07", "", "12,000.00", 1, "重庆渝健生物科技股份有限公司", "", "房租", "", "J0003"],
        ]
    )

    result = statements.read_statement(data, "icbc.xlsx", layout("中国工商银行"))

    assert result.errors == []
    assert (result.read, result.skipped) == (4, 2)  # the debit and the totals line
    first, second = result.rows
    assert (first.booked_on, first.amount, first.payer_account, first.reference, first.serial) == (
        d(2026, 1, 5),
        D("28500.00"),
        "500123456789",
        "货款 ZD-CQ-A-202601-00001",
        "J0001",
    )
    assert (second.booked_on, second.amount) == (d(2026, 1, 7), D("12000.00"))


def test_cmb_csv_in_gbk_with_separate_columns():
    text = "交易日,交易时间,借方金额,贷方金额,余额,摘要,流水号,收(付)方名称,收(付)方帐号\n"
    text += "20260108,101010,,7300.00,1,转账,C1,重庆康华制药有限公司,6214\n"
    text += "20260109,101010,50.00,,1,手续费,C2,招商银行,\n"

    result = statements.read_statement(text.encode("gbk"), "cmb.csv", layout("招商银行"))

    assert [(r.booked_on, r.amount, r.payer_name, r.serial) for r in result.rows] == [
        (d(2026, 1, 8), D("7300.00"), "重庆康华制药有限公司", "C1")
    ]


def test_signed_amounts_and_direction_flags():
    boc = "交易日期,交易金额,付款人名称,付款人账号,摘要,交易流水号\n2026-01-10,-500.00,本公司,,付款,B1\n2026-01-10,800.50,甲公司,1,转入,B2\n"
    assert [r.amount for r in statements.read_statement(boc.encode(), "boc.csv", layout("中国银行")).rows] == [
        D("800.50")
    ]
    rural = (
        "交易日期,发生额,借贷标志,对方户名,摘要,流水号\n2026-01-11,900,贷,乙公司,房租,R1\n2026-01-11,300,借,丙,付,R2\n"
    )
    rows = statements.read_statement(rural.encode(), "cqrcb.csv", layout("重庆农村商业银行")).rows
    assert [(r.payer_name, r.amount) for r in rows] == [("乙公司", D("900.00"))]


def test_bad_rows_are_reported_and_a_wrong_layout_is_explained():
    text = "日期,收入,付款方,摘要\n2026-13-40,100,甲,\n2026-01-02,abc,乙,\n2026-01-03,100,丙,\n"
    result = statements.read_statement(text.encode(), "x.csv", layout("通用格式"))
    assert [row for row, _message in result.errors] == [2, 3]
    assert "交易日期无法识别" in result.errors[0][1]
    assert len(result.rows) == 1
    with pytest.raises(statements.StatementError, match="未找到"):
        statements.read_statement(b"a,b\n1,2\n", "x.csv", layout("中国工商银行"))
    with pytest.raises(statements.StatementError, match=r"\.xls"):
        statements.read_statement(b"\xd0\xcf\x11\xe0", "old.xls", layout("中国工商银行"))


def test_statements_are_read_within_the_import_limits():
    """The shared reader refuses a zip bomb before it inflates, and detects a GB18030 CSV without a BOM."""
    with pytest.raises(statements.StatementError, match="压缩炸弹"):
        statements.read_statement(zip_bomb_xlsx(megabytes=20), "流水.xlsx", layout("中国工商银行"))
    text = "交易日期,收入金额,支出金额,对方户名,摘要\n2026-01-05,100.00,,重庆𠀀生物科技有限公司,房租\n"
    [row] = statements.read_statement(text.encode("gb18030"), "流水.csv", layout("中国农业银行")).rows
    assert row.payer_name == "重庆𠀀生物科技有限公司"


@pytest.mark.django_db
def test_a_configured_layout_works_like_a_built_in_one():
    row = BankStatementLayout.objects.create(
        name="某城商行",
        date_headers="记账日",
        credit_headers="入账金额",
        payer_name_headers="付款户名",
        reference_headers="用途|备注",
    )
    text = "记账日,入账金额,付款户名,用途,备注\n2026-01-03,100.5,甲,房租,一月\n"
    rows = statements.read_statement(text.encode(), "x.csv", statements.Layout.from_model(row)).rows
    assert [(r.amount, r.reference) for r in rows] == [(D("100.50"), "房租 一月")]


@pytest.fixture
def tenants(park_a, profile):
    profile.late_fee_daily_rate = D(0)
    profile.save()
    first = lease(park_a)
    first.enterprise.former_names = ["重庆博腾医疗设备有限公司"]
    first.enterprise.save()
    second = lease(park_a, code="A1-102", area=D(400))
    run_month(park_a, d(2026, 1, 1))
    return first, second


def statement_csv(lines):
    text = "交易日期,收入金额,支出金额,对方户名,对方账号,摘要,交易流水号\n"
    for date, amount, payer, reference, serial in lines:
        text += f"{date},{amount},,{payer},6222,{reference},{serial}\n"
    return text.encode("utf-8-sig")


@pytest.mark.django_db
def test_import_books_sure_matches_and_leaves_the_rest_for_an_officer(park_a, tenants, bob):
    first, second = tenants
    bill_second = Bill.objects.get(account__enterprise=second.enterprise)
    data = statement_csv(
        [
            ("2026-01-05", "25000.00", "重庆博腾医疗设备有限公司", "一月房租", "S1"),  # former name
            ("2026-01-06", "10000.00", "张三", f"代付 {bill_second.number}", "S2"),  # reference
            ("2026-01-07", "88.00", "不认识的公司", "", "S3"),
        ]
    )

    result = services.statement_import(
        park=park_a, data=data, file_name="jan.csv", layout=layout("中国农业银行"), actor=bob
    )

    assert (result.statement.lines_created, result.matched) == (3, 2)
    methods = dict(Payment.objects.values_list("payer_name", "match_method"))
    assert methods == {"重庆博腾医疗设备有限公司": MatchMethod.FORMER_NAME, "张三": MatchMethod.REFERENCE}
    assert Bill.objects.get(account__enterprise=first.enterprise).lines.get().outstanding == 0
    unmatched = BankStatementLine.objects.get(status=StatementLineStatus.UNMATCHED)
    assert unmatched.serial == "S3"

    # The same file again (or an overlapping export): nothing new, nothing booked twice.
    again = services.statement_import(
        park=park_a, data=data, file_name="jan-again.csv", layout=layout("中国农业银行"), actor=bob
    )
    assert (again.statement.lines_created, again.statement.lines_duplicate, again.matched) == (0, 3, 0)
    assert Payment.objects.count() == 2

    # The officer books the unknown transfer to the first tenant: it becomes its credit.
    account = Account.objects.get(enterprise=first.enterprise)
    payment = services.statement_line_match(line=unmatched, account=account, actor=bob)
    assert (payment.match_method, payment.unallocated) == (MatchMethod.MANUAL, D("88.00"))
    with pytest.raises(Exception, match="已处理"):
        services.statement_line_match(line=unmatched, account=account, actor=bob)


@pytest.mark.django_db
def test_suggestions_need_confirmation_and_voiding_returns_the_line(park_a, tenants, bob):
    first, _second = tenants
    data = statement_csv([("2026-01-05", "10000.00", "李四", "", "")])  # the second tenant's exact balance

    services.statement_import(park=park_a, data=data, file_name="a.csv", layout=layout("中国农业银行"), actor=bob)

    line = BankStatementLine.objects.get()
    assert (line.status, line.match_method) == (StatementLineStatus.UNMATCHED, MatchMethod.AMOUNT)
    assert line.suggested_account.enterprise != first.enterprise
    payment = services.statement_line_match(line=line, account=line.suggested_account, actor=bob)
    services.payment_void(payment=payment, actor=bob, reason="实为押金退款")
    line.refresh_from_db()
    assert line.status == StatementLineStatus.UNMATCHED
    services.statement_line_ignore(line=line, actor=bob, note="非租户收款")
    line.refresh_from_db()
    assert line.status == StatementLineStatus.IGNORED
