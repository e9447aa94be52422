from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkos.core.importing.jobs import run_job
from parkos.core.models import AuditEntry, ImportJob
from parkos.core.tests.import_files import FORMATS, million_empty_rows_xlsx, table_file
from parkos.core.tests.import_files import csv_bytes as table_csv
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics import selectors
from parkos.statistics.importing import import_reports, template_bytes
from parkos.statistics.models import MonthlyReport
from parkos.statistics.tests.conftest import csv_bytes, year_rows

pytestmark = pytest.mark.django_db


def test_import_is_idempotent(park_a, three, alice):
    data = csv_bytes(year_rows(three))
    first = import_reports(park=park_a, name="a.csv", data=data, actor=alice)
    assert (first.ok, first.rows_processed, first.created, first.updated) == (True, 16, 16, 0)
    row = MonthlyReport.objects.get(enterprise=three[0], year=2025, month=12)
    assert row.output == Decimal("33000000.00")  # 3300 万元 → 元
    assert row.prior_output == Decimal("30000000.00")
    assert row.park == park_a
    second = import_reports(park=park_a, name="a.csv", data=data, actor=alice)
    assert (second.ok, second.created, second.updated, second.unchanged) == (True, 0, 0, 16)
    assert MonthlyReport.objects.count() == 16


def test_import_reports_row_errors_and_writes_nothing(park_a, three, alice):
    rows = year_rows(three)
    rows[0]["revenue"] = "三千"
    rows[1]["credit_code"] = "91500000MA5U000000"
    rows.append(dict(rows[3]))  # a duplicate of E1 2025-12
    rows[2]["form"] = "季度"
    rows[4]["month"] = 13
    before = AuditEntry.objects.count()
    result = import_reports(park=park_a, name="bad.csv", data=csv_bytes(rows), actor=alice)
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert (2, "营业收入（万元）") in found
    assert (3, "统一社会信用代码") in found
    assert (4, "口径") in found
    assert (6, "月份") in found
    assert (18, "月份") in found  # the duplicate
    assert any("不是有效的数字" in e.message for e in result.errors)
    assert MonthlyReport.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_import_xlsx_template_reads_back(park_a, alice):
    # The template's example row is marked "#": it is skipped, so the template as is imports nothing.
    result = import_reports(park=park_a, name="t.xlsx", data=template_bytes(), actor=alice)
    assert [e.message for e in result.errors] == ["文件中没有数据行。"]
    assert MonthlyReport.objects.count() == 0


def test_mixed_forms_in_a_year_are_refused(park_a, three, alice):
    e1 = three[0]
    rows = [
        {"credit_code": e1.credit_code, "year": 2025, "month": 3, "form": "累计", "revenue": 10},
        {"credit_code": e1.credit_code, "year": 2025, "month": 4, "form": "当月", "revenue": 5},
    ]
    result = import_reports(park=park_a, name="m.csv", data=csv_bytes(rows), actor=alice)
    assert {e.column for e in result.errors} == {"口径"}


# --- The framework's promises, for this importer (Ref: #12, #13 items 4 and 9) ----------------------

HEAD = ["统一社会信用代码", "年份", "月份", "口径", "营业收入（万元）", "工业总产值（万元）"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_encoding_and_xlsx_imports(park_a, three, alice, fmt):
    # GBK crashed this import with UnicodeDecodeError (a 500 on the upload page).
    content, name = table_file([HEAD, [three[0].credit_code, 2025, 3, "累计", "1200.5", 1300]], fmt)
    result = import_reports(park=park_a, name=name, data=content, actor=alice)
    assert result.ok, result.errors
    row = MonthlyReport.objects.get(enterprise=three[0], year=2025, month=3)
    assert (row.revenue, row.output) == (Decimal("12005000.00"), Decimal("13000000.00"))


def test_amounts_in_yuan_wan_and_yi_import_identically(park_a, three, alice):
    figures = []
    for unit, revenue in (("元", "12345600"), ("万元", "1234.56"), ("亿元", "0.123456")):
        MonthlyReport.objects.all().delete()
        head = ["统一社会信用代码", "年份", "月份", f"营业收入（{unit}）", f"上年同期营业收入（{unit}）"]
        result = import_reports(
            park=park_a,
            name="a.csv",
            data=table_csv([head, [three[0].credit_code, 2025, 6, revenue, revenue]]),
            actor=alice,
        )
        assert result.ok, result.errors
        row = MonthlyReport.objects.get()
        figures.append((row.revenue, row.prior_revenue))
    assert figures == [(Decimal("12345600.00"), Decimal("12345600.00"))] * 3


def test_a_header_in_yuan_is_no_longer_read_as_wan(park_a, three, alice):
    # Ref: #12 — 工业总产值（元） used to be read as 万元 (10,000× too large).
    head = ["统一社会信用代码", "年份", "月份", "工业总产值（元）"]
    assert import_reports(
        park=park_a, name="a.csv", data=table_csv([head, [three[0].credit_code, 2025, 6, 5000]]), actor=alice
    ).ok
    assert MonthlyReport.objects.get().output == Decimal("5000.00")


def test_a_unit_a_column_cannot_take_is_refused(park_a, three, alice):
    head = ["统一社会信用代码", "年份", "月份", "工业总产值（美元）", "期末从业人员（万人）"]
    result = import_reports(
        park=park_a, name="a.csv", data=table_csv([head, [three[0].credit_code, 2025, 6, 1, 1]]), actor=alice
    )
    assert [(e.column, e.message) for e in result.errors] == [
        ("工业总产值（美元）", "列“工业总产值（美元）”的单位“美元”不能用于此列，可用：元、万元、亿元"),
        ("期末从业人员（万人）", "列“期末从业人员（万人）”的单位应为“人”"),
    ]
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"), [(b"not a zip", "a.xlsx"), (b"PK\x03\x04\x00", "b.xlsx"), (b"\xff\x00" * 50, "c.csv")]
)
def test_malformed_file_gives_a_clear_error_and_writes_nothing(park_a, alice, content, name):
    before = AuditEntry.objects.count()
    result = import_reports(park=park_a, name=name, data=content, actor=alice)
    assert not result.ok
    assert result.errors[0].message
    assert not MonthlyReport.objects.exists()
    assert AuditEntry.objects.count() == before


def test_million_empty_rows_are_refused_quickly(park_a, three, alice, settings):
    # Ref: #13 item 4 — 158 s, 1.2 GB and a 132 MB page before.
    settings.IMPORT_MAX_ROWS = 10_000
    content = million_empty_rows_xlsx(HEAD, [[three[0].credit_code, 2025, 3, "累计", 1, 1]])
    result = import_reports(park=park_a, name="a.xlsx", data=content, actor=alice)
    assert [e.message for e in result.errors] == [
        "“Sheet1”含有超过 10000 个空行（可能是整列设置了格式），请删除多余的空行后再导入。"
    ]
    assert not MonthlyReport.objects.exists()


def test_a_month_of_another_park_is_not_overwritten(park_a, park_b, three, alice):
    # The import's twin of #13 item 3: the month belongs to park B; importing it into A must not move it.
    MonthlyReport.objects.create(enterprise=three[0], park=park_b, year=2025, month=3, revenue=Decimal(5))
    result = import_reports(
        park=park_a, name="a.csv", data=table_csv([HEAD, [three[0].credit_code, 2025, 3, "累计", 9, 9]]), actor=alice
    )
    assert [e.message for e in result.errors] == ["该企业该月的统计已由其他园区报送，不能从本园区导入覆盖"]
    row = MonthlyReport.objects.get()
    assert (row.park_id, row.revenue) == (park_b.pk, Decimal(5))


def test_dry_run_previews_and_writes_nothing(park_a, three, alice):
    result = import_reports(park=park_a, name="a.csv", data=csv_bytes(year_rows(three)), actor=alice, dry_run=True)
    assert result.ok
    assert result.dry_run
    assert result.created == 16
    assert not MonthlyReport.objects.exists()


def test_a_large_file_goes_to_the_background_worker(client_for, park_a, three, settings):
    settings.IMPORT_BACKGROUND_MB = 0
    client = client_for("alice")
    upload = SimpleUploadedFile("big.csv", table_csv([HEAD, [three[0].credit_code, 2025, 3, "累计", 10, 10]]))
    response = client.post(reverse("park_statistics:import", args=[park_a.pk]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("park_statistics:import_job", args=[park_a.pk, job.pk])
    assert (job.importer, job.options, job.mode) == ("statistics.monthly", {"park": park_a.pk}, "all_or_nothing")
    assert not MonthlyReport.objects.exists()
    run_job(job.pk)  # what `manage.py db_worker` does
    job.refresh_from_db()
    assert (job.status, job.counts) == ("done", {"monthly": {"created": 1, "updated": 0, "unchanged": 0}})
    assert MonthlyReport.objects.get().revenue == Decimal("100000.00")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "新增 1，更新 0，未变 0" in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"), [("alice", 200), ("bob", 200), ("dave", 404), ("erin", 403), ("anonymous", 302)]
)
def test_job_page_access(client_for, park_a, persona, status):
    job = ImportJob.objects.create(importer="statistics.monthly", original_name="a.csv", options={"park": park_a.pk})
    response = client_for(persona).get(reverse("park_statistics:import_job", args=[park_a.pk, job.pk]))
    assert response.status_code == status
    if status != 200:
        assert "a.csv" not in response.content.decode()


# --- Matching enterprises by name (Ref: #16 item 5) --------------------------------------------------

NAMED = ["企业名称", "年份", "月份", "口径", "营业收入（万元）"]


def _named_import(park, actor, rows, head=NAMED):
    content, name = table_file([head, *rows], "gbk")
    return import_reports(park=park, name=name, data=content, actor=actor)


def test_a_row_without_code_matches_by_exact_name_or_former_name(park_a, three, alice):
    renamed = EnterpriseFactory(name="丁生物科技有限公司", former_names=["丁药业（重庆）有限公司"])
    result = _named_import(
        park_a,
        alice,
        [
            ["甲科技股份有限公司", 2025, 3, "累计", 100],
            [" 乙制药有限公司 ", 2025, 3, "累计", 200],  # spaces around are not part of a name
            ["丁药业(重庆)有限公司", 2025, 3, "累计", 300],  # a former name, half-width brackets
        ],
    )
    assert result.ok, result.errors
    stored = dict(MonthlyReport.objects.values_list("enterprise_id", "revenue"))
    assert stored == {
        three[0].pk: Decimal("1000000.00"),
        three[1].pk: Decimal("2000000.00"),
        renamed.pk: Decimal("3000000.00"),
    }


def test_an_ambiguous_or_unknown_name_is_refused_with_its_candidates(park_a, alice):
    first = EnterpriseFactory(name="重庆同名医药有限公司")
    second = EnterpriseFactory(name="戊医药有限公司", former_names=["重庆同名医药有限公司"])
    result = _named_import(
        park_a, alice, [["重庆同名医药有限公司", 2025, 3, "累计", 100], ["重庆同名医药", 2025, 3, "累计", 100]]
    )
    assert not result.ok
    ambiguous, unknown = result.errors
    assert (ambiguous.row, ambiguous.column, unknown.row, unknown.column) == (2, "企业名称", 3, "企业名称")
    assert "对应多家企业" in ambiguous.message
    assert first.credit_code in ambiguous.message
    assert second.credit_code in ambiguous.message
    assert "没有名称或曾用名为“重庆同名医药”的企业" in unknown.message  # exact: no guessing from a prefix
    assert MonthlyReport.objects.count() == 0


def test_a_name_beside_a_code_is_checked_not_ignored(park_a, three, alice):
    head = ["统一社会信用代码", *NAMED]
    e1, e2, _e3 = three
    result = _named_import(
        park_a,
        alice,
        [
            [e1.credit_code, "甲科技有限公司", 2025, 3, "累计", 100],
            [e2.credit_code, "甲科技股份有限公司", 2025, 3, "累计", 100],
        ],
        head=head,
    )
    assert [(e.row, e.column) for e in result.errors] == [(3, "企业名称")]  # the legal form may differ, not the name
    assert "乙制药有限公司" in result.errors[0].message
    assert MonthlyReport.objects.count() == 0


def test_a_row_without_code_id_or_name_is_refused(park_a, alice):
    result = _named_import(park_a, alice, [["", 2025, 3, "累计", 100]])
    assert [e.message for e in result.errors] == ["须填写统一社会信用代码、企业ID或企业名称"]


def test_prefilled_template_lists_the_park_and_last_years_figures_and_reads_back(park_a, three, alice):
    import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=alice)
    rows = selectors.prefilled_template_rows(park_a.pk, 2026, 11)
    by_name = {row["name"]: row for row in rows}
    assert list(by_name) == sorted(by_name)  # by name, every expected reporter
    assert set(by_name) == {e.name for e in three}
    e3 = by_name["丙器械有限公司"]
    assert (e3["year"], e3["month"], e3["is_cumulative"], e3["prior_revenue"]) == (2026, 11, "累计", Decimal(2200))
    assert "prior_revenue" not in by_name["甲科技股份有限公司"]  # no November last year: nothing to prefill
    e3["revenue"] = 2500  # the officer fills one enterprise, leaves the others
    result = import_reports(park=park_a, name="m.xlsx", data=template_bytes(rows), actor=alice)
    assert result.ok, result.errors
    assert result.warnings == ["2行没有填写本期任何数据（如填报模板中尚未填写的企业），未导入"]
    saved = MonthlyReport.objects.get(year=2026, month=11)
    assert (saved.enterprise_id, saved.revenue, saved.prior_revenue) == (three[2].pk, 25_000_000, 22_000_000)
