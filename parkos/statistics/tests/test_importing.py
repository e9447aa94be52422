from __future__ import annotations

from decimal import Decimal

import pytest

from parkos.core.models import AuditEntry
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
