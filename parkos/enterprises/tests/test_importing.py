import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from parkos.core import industry
from parkos.core.importing import ImportMode
from parkos.core.models import AuditAction, AuditEntry, ImportJob, ImportStatus
from parkos.core.tests.import_files import FORMATS, csv_bytes, million_empty_rows_xlsx, straddling_csv, table_file
from parkos.enterprises import importing
from parkos.enterprises.demo import generate
from parkos.enterprises.models import Contact, Enterprise

pytestmark = pytest.mark.django_db

HEADERS = ["企业名称", "统一社会信用代码", "企业类型", "注册资本（万元）", "成立日期", "区县", "行业代码", "经营范围",
           "从业人员", "营业收入（万元）", "园区编码", "联系人", "联系人手机"]  # fmt: skip
# Which cell is broken in a bad row, cycling: (column header, index, bad value)
BREAKS = [
    ("统一社会信用代码", 1, "91110000600037341N"),
    ("联系人手机", 12, "12800138000"),
    ("行业代码", 6, "F2710"),
    ("成立日期", 4, "2020-13-45"),
    ("从业人员", 8, "很多"),
    ("企业类型", 2, "合资"),
]


def _rows(count, *, park_code=""):
    for item in generate(count, seed=7):
        e = item.enterprise
        contact = item.contacts[0] if item.contacts else None
        yield [
            e.name,
            e.credit_code,
            "有限责任公司",
            str(e.registered_capital_wan),
            e.founded_on.isoformat(),
            e.district,
            industry.section_of(e.industry_code) + e.industry_code,
            e.business_scope,
            str(e.employees),
            str(e.annual_revenue_wan),
            park_code,
            contact.name if contact else "",
            contact.mobile.removeprefix("+86") if contact else "",
        ]


def _file_with_errors(tmp_path, count=1000, bad_every=33, park_code=""):
    rows = list(_rows(count, park_code=park_code))
    expected = set()
    for position in range(0, len(rows), bad_every):
        if len(expected) == 30:
            break
        header, index, value = BREAKS[len(expected) % len(BREAKS)]
        rows[position][index] = value
        if header == "联系人手机" and not rows[position][11]:
            rows[position][11] = "王芳"
        expected.add((position + 2, header))
    path = tmp_path / "enterprises.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path, rows, expected


def _run(path, mode=ImportMode.VALID_ROWS, actor=None, **kwargs):
    job = importing.create_job(upload=path, name=path.name, mode=mode, actor=actor)
    return importing.run_import(job.pk, **kwargs)


def test_thousand_thirty_bad_reports_exactly_those(tmp_path, alice, park_a):
    path, rows, expected = _file_with_errors(tmp_path, park_code=park_a.code)
    job = _run(path, actor=alice, batch_size=200)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows_processed, job.rows_ok, job.rows_failed) == (1000, 970, 30)
    assert {(e.row_number, e.column) for e in job.row_errors.all()} == expected
    assert Enterprise.objects.count() == 970
    assert Enterprise.objects.filter(parks=park_a).count() == 970
    # The report: 行号, the original columns, 错误 naming the column in Chinese.
    sheet = load_workbook(job.error_report.path, read_only=True).worksheets[0]
    report = list(sheet.iter_rows(values_only=True))
    assert report[0] == ("行号", *HEADERS, "错误")
    assert len(report) == 31
    reported = {(row[0], row[-1].split("：")[0]) for row in report[1:]}
    assert reported == expected
    first_bad = report[1]
    assert list(first_bad[1:-1]) == rows[first_bad[0] - 2]
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 5


def test_all_or_nothing_writes_nothing_when_any_row_is_bad(tmp_path):
    path, _, expected = _file_with_errors(tmp_path, count=200, bad_every=100)
    job = _run(path, mode=ImportMode.ALL_OR_NOTHING)
    job.refresh_from_db()
    assert job.status == ImportStatus.REJECTED
    assert {(e.row_number, e.column) for e in job.row_errors.all()} == expected
    assert not Enterprise.objects.exists()
    assert job.error_report


def test_all_or_nothing_writes_everything_when_valid(tmp_path):
    path, _, _expected = _file_with_errors(tmp_path, count=150, bad_every=10_000)
    path.write_text(path.read_text(encoding="utf-8-sig").replace("91110000600037341N", ""), encoding="utf-8-sig")
    job = _run(path, mode=ImportMode.ALL_OR_NOTHING)
    job.refresh_from_db()
    # The first row is the only broken one (bad_every is large): its code was blanked, so it is valid.
    assert job.status == ImportStatus.DONE
    assert Enterprise.objects.count() == 150


def test_killed_half_way_then_resumed_writes_each_enterprise_once(tmp_path):
    path, _, _expected = _file_with_errors(tmp_path, count=500, bad_every=100)
    job = importing.create_job(upload=path, name=path.name, mode=ImportMode.VALID_ROWS, actor=None)
    with pytest.raises(importing.SimulatedCrash):
        importing.run_import(job.pk, batch_size=100, crash_after_batches=2)
    job.refresh_from_db()
    assert job.last_row == 201
    assert job.status == ImportStatus.RUNNING
    assert Enterprise.objects.count() == 200 - 2
    importing.run_import(job.pk, batch_size=100)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert (job.rows_processed, job.rows_failed) == (500, 5)
    assert Enterprise.objects.count() == 495
    assert Enterprise.objects.values("credit_code").distinct().count() == 495
    # A fresh job over the same file (e.g. the user uploads it again) is idempotent by credit code.
    contacts = Contact.objects.count()
    _run(path)
    assert Enterprise.objects.count() == 495
    assert Contact.objects.count() == contacts


def test_reimport_updates_and_keeps_old_name_as_former_name(tmp_path):
    item = next(generate(1, seed=3)).enterprise
    path = tmp_path / "a.csv"
    path.write_text(f"企业名称,统一社会信用代码\n{item.name},{item.credit_code}\n", encoding="utf-8")
    _run(path)
    path.write_text(f"企业名称,统一社会信用代码\n重庆新名字科技有限公司,{item.credit_code}\n", encoding="utf-8")
    _run(path)
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "重庆新名字科技有限公司"
    assert enterprise.former_names == [item.name]


def test_without_code_are_matched_by_name(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "企业名称,联系人,联系人手机\n重庆甲科技有限公司,张伟,13800138000\n重庆乙科技有限公司,,\n", encoding="utf-8"
    )
    _run(path)
    _run(path)
    assert Enterprise.objects.count() == 2
    assert Contact.objects.get().mobile == "+8613800138000"


def test_in_file_duplicate_code_is_reported(tmp_path):
    item = next(generate(1, seed=3)).enterprise
    path = tmp_path / "a.csv"
    path.write_text(f"企业名称,统一社会信用代码\n甲,{item.credit_code}\n乙,{item.credit_code}\n", encoding="utf-8")
    job = _run(path)
    error = job.row_errors.get()
    assert (error.row_number, error.column) == (3, "统一社会信用代码")
    assert "第 2 行" in error.message


def test_xlsx_import_and_gbk_csv(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["企业名称", "统一社会信用代码", "成立日期", "注册资本"])
    items = [i.enterprise for i in generate(3, seed=5)]

    for e in items:
        excel_date = datetime.datetime(2019, 5, 1)  # noqa: DTZ001 - Excel dates are naive
        sheet.append([e.name, e.credit_code, excel_date, 1000])
    path = tmp_path / "a.xlsx"
    workbook.save(path)
    job = _run(path)
    assert job.rows_ok == 3
    assert Enterprise.objects.get(credit_code=items[0].credit_code).founded_on == datetime.date(2019, 5, 1)
    gbk = tmp_path / "b.csv"
    gbk.write_bytes("企业名称\n重庆丙科技有限公司\n".encode("gb18030"))
    _run(gbk)
    assert Enterprise.objects.filter(name="重庆丙科技有限公司").exists()


def test_missing_name_column_fails_clearly(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("统一社会信用代码\n91110000600037341L\n", encoding="utf-8")
    job = _run(path)
    job.refresh_from_db()
    # A file the import cannot start on is rejected (not "failed": there is nothing to resume).
    assert job.status == ImportStatus.REJECTED
    assert "企业名称" in job.message
    assert not Enterprise.objects.exists()


def test_cli_command(tmp_path):
    path, _, _expected = _file_with_errors(tmp_path, count=60, bad_every=30)
    out = io.StringIO()
    call_command("import_enterprises", str(path), stdout=out)
    assert "成功 58 行，失败 2 行" in out.getvalue()
    assert ImportJob.objects.get().status == ImportStatus.DONE


def test_template_has_every_column():
    sheet = load_workbook(io.BytesIO(importing.template_workbook()), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert [h.rstrip("*") for h in header] == [c.header for c in importing.COLUMNS]


def test_unsupported_file_type(tmp_path):
    path = Path(tmp_path / "a.txt")
    path.write_text("x")
    with pytest.raises(Exception, match=r"\.xlsx"):
        importing.create_job(upload=path, name="a.txt", mode=ImportMode.VALID_ROWS, actor=None)


# --- The framework's promises, for this importer (Ref: #12, #13 items 4 and 9) ----------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_encoding_and_xlsx_imports(tmp_path, fmt):
    item = next(generate(1, seed=11)).enterprise
    rows = [
        ["企业名称", "统一社会信用代码", "注册资本（万元）", "经营范围"],
        [item.name, item.credit_code, "1000", "医疗器械研发"],
    ]
    content, name = table_file(rows, fmt)
    path = tmp_path / name
    path.write_bytes(content)
    job = _run(path)
    assert (job.status, job.rows_ok, job.rows_failed) == (ImportStatus.DONE, 1, 0)
    enterprise = Enterprise.objects.get(credit_code=item.credit_code)
    assert (enterprise.name, enterprise.business_scope) == (item.name, "医疗器械研发")
    assert enterprise.registered_capital_wan == Decimal(1000)


def test_amounts_in_yuan_wan_and_yi_import_identically(tmp_path):
    items = [i.enterprise for i in generate(3, seed=12)]
    files = [
        ("元", "10000000", "86000000"),
        ("万元", "1000", "8600"),
        ("亿元", "0.1", "0.86"),
    ]
    stored = []
    for item, (unit, capital, revenue) in zip(items, files, strict=True):
        path = tmp_path / f"{unit}.csv"
        path.write_bytes(
            csv_bytes(
                [
                    ["企业名称", "统一社会信用代码", f"注册资本（{unit}）", f"营业收入（{unit}）"],
                    [item.name, item.credit_code, capital, revenue],
                ]
            )
        )
        assert _run(path).status == ImportStatus.DONE
        enterprise = Enterprise.objects.get(credit_code=item.credit_code)
        stored.append((enterprise.registered_capital_wan, enterprise.annual_revenue_wan))
    assert stored == [(Decimal(1000), Decimal(8600))] * 3


def test_a_unit_an_amount_cannot_take_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([["企业名称", "注册资本（美元）"], ["重庆甲科技有限公司", "100"]]))
    job = _run(path)
    assert job.status == ImportStatus.REJECTED
    assert "单位“美元”" in job.message
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(("content", "name"), [(b"not a zip", "a.xlsx"), (b"\x00\xff" * 100, "a.csv")])
def test_malformed_file_is_refused_clearly_and_writes_nothing(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    job = _run(path)
    assert job.status == ImportStatus.REJECTED
    assert job.message
    assert not Enterprise.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 0


def test_utf8_bom_file_whose_character_straddles_the_detection_window(tmp_path):
    # Ref: #13 item 9 — read as GB18030 before, and the job failed.
    path = tmp_path / "a.csv"
    content = straddling_csv(["企业名称", "经营范围"], ["重庆甲科技有限公司", "医疗器械研发"])
    path.write_bytes(content)
    job = _run(path)
    assert (job.status, job.rows_processed, job.rows_failed) == (ImportStatus.DONE, content.count(b"\r\n") - 1, 0)
    # Every row names the same enterprise (no code): one record, its name read as UTF-8, not GB18030.
    assert Enterprise.objects.get().name == "重庆甲科技有限公司"


def test_errors_are_capped_in_the_job_and_its_report(tmp_path, settings):
    settings.IMPORT_MAX_REPORTED_ERRORS = 10
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes([["企业名称", "成立日期"], *[[f"重庆{i}科技有限公司", "不是日期"] for i in range(40)]]))
    job = _run(path)
    assert (job.rows_failed, job.error_count, job.row_errors.count()) == (40, 40, 10)
    report = list(load_workbook(job.error_report.path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert len(report) == 1 + 10 + 1
    assert report[-1][1] == "共 40 处错误，仅列出前 10 处。"


def test_million_empty_rows_are_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 5000
    path = tmp_path / "a.xlsx"
    path.write_bytes(million_empty_rows_xlsx(["企业名称"], [["重庆甲科技有限公司"]]))
    job = _run(path)
    assert job.status == ImportStatus.REJECTED
    assert "空行" in job.message
    assert not Enterprise.objects.exists()


def test_oversized_file_is_refused_before_a_job_is_created(tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_MB = 1
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError, match="文件不能超过 1 MB"):
        importing.create_job(upload=path, name=path.name, mode=ImportMode.VALID_ROWS, actor=None)
    assert not ImportJob.objects.exists()
