"""A park's year of statistics, built by hand so that every expected figure can be worked out.

Three industrial enterprises (threshold 2000万) in park A, amounts in 万元:

| | 2024 revenue / output | 2025 revenue / output (prior re-reported) | 2025 FAI (prior) |
|---|---|---|---|
| E1 甲科技 | 3000 / 3000 | 3300 / 3300 (3000) | 500 (400) |
| E2 乙制药 | 2500 / 2500 | 2750 / 2750 (2500) | 300 (200) |
| E3 丙器械 | 1000 / 1000 | 200 a month, 1–N月 cumulative from 1–2月: 2400 / 2400 (1000) | 200 (100) |

E3's trailing-12 revenue reaches 2000万 in October 2025 (200 × 10): 升规 in 2025-10.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest

from parkos.accounts.choices import Role
from parkos.accounts.tests.factories import UserFactory
from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.innovation.choices import MilestoneKind
from parkos.innovation.models import Milestone, Product, Project
from parkos.innovation.regulatory import ClinicalStage, DeviceClass, DeviceStage, DrugRegistrationCategory, ProductKind
from parkos.statistics.importing import COLUMNS, import_reports


@pytest.fixture
def three(park_a):
    return (
        EnterpriseFactory(name="甲科技股份有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="乙制药有限公司", parks=[park_a], lifecycle="tenant"),
        EnterpriseFactory(name="丙器械有限公司", parks=[park_a], lifecycle="tenant"),
    )


def csv_bytes(rows: list[dict]) -> bytes:
    headers = [c.header for c in COLUMNS]
    by_field = {c.field: c.header for c in COLUMNS} | {"form": "口径"}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=headers)
    writer.writeheader()
    for row in rows:
        writer.writerow({by_field[k]: v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8-sig")


def year_rows(three) -> list[dict]:
    e1, e2, e3 = three
    rows = [
        {"credit_code": e1.credit_code, "year": 2024, "month": 12, "form": "累计", "revenue": 3000, "output": 3000},
        {"credit_code": e2.credit_code, "year": 2024, "month": 12, "form": "累计", "revenue": 2500, "output": 2500},
        {"credit_code": e3.credit_code, "year": 2024, "month": 12, "form": "累计", "revenue": 1000, "output": 1000},
        {"credit_code": e1.credit_code, "year": 2025, "month": 12, "form": "累计", "revenue": 3300, "output": 3300,
         "prior_revenue": 3000, "prior_output": 3000, "fixed_asset_investment": 500, "prior_fixed_asset_investment": 400,
         "exports": 300, "prior_exports": 100},
        {"credit_code": e2.credit_code, "year": 2025, "month": 12, "form": "累计", "revenue": 2750, "output": 2750,
         "prior_revenue": 2500, "prior_output": 2500, "fixed_asset_investment": 300, "prior_fixed_asset_investment": 200,
         "profit": 50, "prior_profit": -20},
    ]  # fmt: skip
    for month in range(2, 13):
        row = {"credit_code": e3.credit_code, "year": 2025, "month": month, "form": "累计", "revenue": 200 * month}
        if month == 12:
            row.update(output=2400, prior_output=1000, prior_revenue=1000, fixed_asset_investment=200,
                       prior_fixed_asset_investment=100)  # fmt: skip
        rows.append(row)
    return rows


@pytest.fixture
def pipeline(park_a, three):
    e1, e2, e3 = three
    Project.objects.create(park=park_a, enterprise=e1, name="一期厂房", completed_on=datetime.date(2025, 3, 31))
    Project.objects.create(park=park_a, enterprise=e2, name="制剂车间", completed_on=datetime.date(2025, 11, 30))
    Project.objects.create(park=park_a, enterprise=e2, name="去年项目", completed_on=datetime.date(2024, 11, 30))
    Milestone.objects.create(park=park_a, enterprise=e1, kind=MilestoneKind.LISTING, on=datetime.date(2025, 6, 18),
                             exchange="star", stock_code="688001", short_name="甲科技")  # fmt: skip
    Product.objects.create(park=park_a, enterprise=e2, name="A-1", kind=ProductKind.DRUG, drug_family="chemical",
                           drug_category=DrugRegistrationCategory.CAT_1, stage=ClinicalStage.PHASE3,
                           stage_since=datetime.date(2025, 5, 1))  # fmt: skip
    Product.objects.create(park=park_a, enterprise=e2, name="A-2", kind=ProductKind.DRUG, drug_family="chemical",
                           drug_category=DrugRegistrationCategory.CAT_1, stage=ClinicalStage.PHASE1)  # fmt: skip
    Product.objects.create(park=park_a, enterprise=e2, name="A-3", kind=ProductKind.DRUG, drug_family="chemical",
                           drug_category=DrugRegistrationCategory.CAT_4, stage=ClinicalStage.APPROVED)  # fmt: skip
    Product.objects.create(park=park_a, enterprise=e3, name="D-1", kind=ProductKind.DEVICE,
                           device_class=DeviceClass.CLASS_III, device_stage=DeviceStage.IN_DEVELOPMENT)  # fmt: skip


@pytest.fixture
def imported(park_a, three, alice):

    result = import_reports(park=park_a, name="2025.csv", data=csv_bytes(year_rows(three)), actor=alice)
    assert result.ok, result.errors
    return result


@pytest.fixture
def tenant(three):
    """An enterprise user of E1 (甲科技)."""
    return UserFactory(username="tina", role=Role.ENTERPRISE_USER, enterprise=three[0])


D = Decimal
