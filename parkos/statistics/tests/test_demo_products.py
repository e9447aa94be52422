"""The demo's product output (主要产品产量): drawn from each manufacturer's own demo rows, idempotent."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from parkos.enterprises.tests.factories import EnterpriseFactory
from parkos.statistics import demo
from parkos.statistics.choices import ProductUnit, ReportSource
from parkos.statistics.models import MonthlyReport, ProductOutput

pytestmark = pytest.mark.django_db

D = Decimal


def _demo_rows(park, enterprise, annual: int, export_share: str) -> list[MonthlyReport]:
    """A year and a half of demo 1–N月 rows from February (January exempt), output grown by season."""
    rows = []
    for year, last in ((2024, 12), (2025, 6)):
        for month in range(2, last + 1):
            output = D(annual) * D(str(sum(demo.SEASON[:month]))).quantize(D("0.0001"))
            rows.append(
                MonthlyReport(
                    park=park, enterprise=enterprise, year=year, month=month, is_cumulative=True,
                    output=output.quantize(D("0.01")), exports=(output * D(export_share)).quantize(D("0.01")),
                    source=ReportSource.DEMO,
                )
            )  # fmt: skip
    return rows


def test_manufacturers_get_monthly_product_output_from_their_own_figures(park_a):
    makers = {
        "2770": EnterpriseFactory(industry_code="2770"),  # 医用防护服, 口罩
        "2720": EnterpriseFactory(industry_code="2720"),  # 制剂, 注射液
        "2710": EnterpriseFactory(industry_code="2710"),  # 原料药, no exports
        "3581": EnterpriseFactory(industry_code="3581"),  # 监护仪, 超声: whole machines
    }
    others = [EnterpriseFactory(industry_code="6513"), EnterpriseFactory(industry_code="")]
    shares = {"2770": "0.3", "2720": "0.1", "2710": "0", "3581": "0"}
    rows = [row for code, e in makers.items() for row in _demo_rows(park_a, e, 60_000_000, shares[code])]
    rows += [row for e in others for row in _demo_rows(park_a, e, 30_000_000, "0")]
    MonthlyReport.objects.bulk_create(rows)

    assert demo._load_products(park_a) > 0
    count = ProductOutput.objects.count()
    assert demo._load_products(park_a) == 0  # idempotent
    assert ProductOutput.objects.count() == count

    outputs = list(ProductOutput.objects.filter(park=park_a))
    assert {o.enterprise_id for o in outputs} == {e.pk for e in makers.values()}  # software, unclassified: none
    assert {o.source for o in outputs} == {ReportSource.DEMO}
    assert all(o.unit in ProductUnit.values and o.quantity > 0 for o in outputs)
    assert all(o.quantity == o.quantity.to_integral_value() for o in outputs if o.unit == ProductUnit.UNITS)
    prices = {name: price for products in demo.PRODUCTS.values() for name, _unit, price in products}
    value: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    exports: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    for o in outputs:
        value[(o.enterprise_id, o.year, o.month)] += o.quantity * prices[o.product_name]
        exports[(o.enterprise_id, o.year, o.month)] += o.exports or 0
    for code, enterprise in makers.items():
        months = sorted((y, m) for e, y, m in value if e == enterprise.pk)
        # Every month, January included (February's 1–2月 row is shared by the season).
        assert months == [(2024, m) for m in range(1, 13)] + [(2025, m) for m in range(1, 7)], code
        year_value = sum(v for (e, y, _m), v in value.items() if e == enterprise.pk and y == 2024)
        assert D("0.59") * 60_000_000 <= year_value <= D("0.91") * 60_000_000, code  # most of its output
        year_exports = sum(v for (e, y, _m), v in exports.items() if e == enterprise.pk and y == 2024)
        assert year_exports <= D(shares[code]) * year_value / D("0.59") + 1, code
        assert (year_exports > 0) == (shares[code] != "0"), code
