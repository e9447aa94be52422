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
from parkos.innovation.models import Milestone, Product, ProductStage, Project
from parkos.innovation.regulatory import DeviceClass, ProductKind
from parkos.statistics.importing import COLUMNS, import_reports

day = datetime.date


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
    # The pipeline at the end of 2025 (RULES §7.6), from the dated history:
    _product(park_a, e2, "A-1", [(day(2024, 3, 1), "phase1"), (day(2024, 9, 1), "phase2"), (day(2025, 5, 1), "phase3")])
    _product(park_a, e2, "A-2", [(day(2024, 6, 1), "phase1")])
    _product(park_a, e2, "A-3", [(day(2023, 1, 1), "phase3"), (day(2024, 6, 1), "nda_filed"), (day(2025, 2, 1), "approved")],
             drug_category="4")  # fmt: skip
    _product(park_a, e3, "D-1", [(day(2024, 1, 10), "in_development")], kind=ProductKind.DEVICE, drug_family="",
             drug_category="", device_class=DeviceClass.CLASS_III)  # fmt: skip
    # 中药 1: entered phase III in 2025 and filed for approval since: new in III, no longer in it.
    _product(park_a, e2, "Z-1", [(day(2025, 2, 1), "phase3"), (day(2025, 10, 1), "nda_filed")], drug_family="tcm")
    _product(park_a, e2, "V-1", [(day(2025, 7, 1), "phase2")], drug_family="preventive_biologic")  # 创新型疫苗
    # An innovative IVD reagent managed as a biologic: in trials, but not a 1类新药.
    _product(park_a, e3, "R-1", [(day(2025, 4, 1), "phase1")], kind=ProductKind.IVD, drug_family="ivd_biologic")
    # Reaches phase III only in 2026: in phase II at the end of 2025.
    _product(park_a, e2, "L-1", [(day(2025, 3, 1), "phase2"), (day(2026, 1, 10), "phase3")], drug_category="2.2")
    # Not a key product; and one whose history starts after 2025 (not yet in the pipeline).
    _product(park_a, e2, "N-1", [(day(2025, 3, 1), "phase1")], drug_category="3", is_key=False)
    _product(park_a, e2, "F-1", [(day(2026, 2, 1), "preclinical")])


def _product(park, enterprise, name, history, **fields):
    """A product with its dated stages; its current stage copies the last one (as the stage service does)."""
    fields = {"kind": ProductKind.DRUG, "drug_family": "chemical", "drug_category": "1", **fields}
    product = Product.objects.create(park=park, enterprise=enterprise, name=name, **fields)
    ProductStage.objects.bulk_create(ProductStage(product=product, stage=stage, on=on) for on, stage in history)
    on, stage = history[-1]
    if product.pathway == "clinical":
        Product.objects.filter(pk=product.pk).update(stage=stage, stage_since=on)
    else:
        Product.objects.filter(pk=product.pk).update(device_stage=stage)
    return product


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
