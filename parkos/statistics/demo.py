"""Demo statistics: two-plus years of monthly figures and 升规; projects, the R&D pipeline and a listing
from `parkos.innovation.demo.load_park_pipeline`, drawn from the same seeded stream.

Figures grow year on year with a spread, a few 规下 enterprises cross 2000万 during the last full
year (升规), and reports are cumulative 1–N月 with January exempt (first report 1–2月), as real
一套表 reporting is, so the demo annual report reads like a real one. Manufacturers record their
main products' output month by month (主要产品产量, for the product-output page and B204-1), drawn
from their own figures. Idempotent: a park that already has demo rows (or demo product output) is
left alone.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Final, TextIO

from django.db import transaction
from django.utils import timezone

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.enterprises.models import Enterprise
from parkos.enterprises.sizing import scale_basis
from parkos.innovation.demo import load_park_pipeline
from parkos.parks.models import Park
from parkos.statistics.choices import ProductUnit, ReportSource
from parkos.statistics.models import EnterpriseParkProfile, MonthlyReport, ProductOutput

SEED = 20261125
WAN = Decimal(10_000)
#: Seasonal shares of a year's revenue by month (Spring Festival dip, year-end push).
SEASON = (0.055, 0.06, 0.08, 0.08, 0.085, 0.09, 0.085, 0.085, 0.09, 0.09, 0.09, 0.11)


def _months(until: datetime.date) -> list[tuple[int, int]]:
    first_year = until.year - 2
    return [
        (y, m) for y in range(first_year, until.year + 1) for m in range(1, 13) if (y, m) <= (until.year, until.month)
    ]


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _enterprises(park: Park, count: int) -> list[Enterprise]:
    linked = list(Enterprise.objects.active().filter(parks=park).order_by("pk")[:count])
    if len(linked) < count:
        others = (
            Enterprise.objects.active().exclude(pk__in=[e.pk for e in linked]).exclude(monthly_reports__isnull=False)
        )
        linked += list(others.order_by("pk")[: count - len(linked)])
    # The 升规 crossers (positions 3, 7, 11) need the 规上工业 threshold of 2000万.
    industrial = [i for i, e in enumerate(linked) if e.industry_code and scale_basis(e.industry_code) == "industry"]
    for position in (3, 7, 11):
        swap = next((i for i in industrial if i > 11), None)
        if position < len(linked) and swap is not None and position not in industrial:
            industrial.remove(swap)
            linked[position], linked[swap] = linked[swap], linked[position]
    return linked


def _annual_revenue(rng: random.Random, index: int, years: Sequence[int]) -> dict[int, float]:
    """Revenue (元) per year: most grow, some shrink; indexes 3, 7 and 11 cross 2000万 in the last full year."""
    last_full = years[-2]
    if index in (3, 7, 11):
        start = rng.uniform(1_500, 1_800) * 1e4
        growth = {years[0]: 1.0, last_full: rng.uniform(1.30, 1.45), years[-1]: 1.12}
    else:
        start = 10 ** rng.uniform(6.6, 8.9)
        growth = {y: max(0.7, rng.gauss(1.14, 0.12)) for y in years}
    result, value = {}, start
    for year in years:
        value = value * (growth[year] if year != years[0] else 1.0)
        result[year] = value
    return result


def _reports(
    park: Park, enterprises: list[Enterprise], until: datetime.date, rng: random.Random
) -> list[MonthlyReport]:
    months = _months(until)
    years = sorted({y for y, _m in months})
    reports: list[MonthlyReport] = []
    for index, enterprise in enumerate(enterprises):
        revenue = _annual_revenue(rng, index, years)
        rnd_share = rng.uniform(0.02, 0.12)
        tax_share = rng.uniform(0.03, 0.07)
        margin = rng.uniform(-0.02, 0.15)
        export_share = rng.choice((0.0, 0.0, 0.1, 0.3))
        fai_share = rng.uniform(0.0, 0.15)
        for year, month in months:
            if month == 1:
                continue  # January exempt: the first report of a year is 1–2月

            def cumulative(y: int, share: float, m: int = month, revenue: dict[int, float] = revenue) -> float:
                base = revenue.get(y)
                return 0.0 if base is None else base * share * sum(SEASON[:m])

            rev, prior = cumulative(year, 1.0), cumulative(year - 1, 1.0)
            has_prior = (year - 1) in revenue
            headcount = max(8, int(revenue[year] / 8e5))
            values = {
                "output": rev * 1.04,
                "revenue": rev,
                "profit": rev * margin,
                "taxes": rev * tax_share,
                "rnd_spending": rev * rnd_share,
                "fixed_asset_investment": rev * fai_share,
                "exports": rev * export_share,
            }
            report = MonthlyReport(
                park=park,
                enterprise=enterprise,
                year=year,
                month=month,
                is_cumulative=True,
                employees=headcount,
                energy_tce=Decimal(f"{rev / 2e5:.3f}"),
                source=ReportSource.DEMO,
                **{name: _money(v) for name, v in values.items()},
            )
            if has_prior:
                prior_values = {
                    "output": prior * 1.04,
                    "revenue": prior,
                    "profit": prior * margin,
                    "taxes": prior * tax_share,
                    "rnd_spending": prior * rnd_share,
                    "fixed_asset_investment": prior * fai_share,
                    "exports": prior * export_share,
                }
                for name, v in prior_values.items():
                    setattr(report, f"prior_{name}", _money(v))
                report.prior_employees = max(8, int(revenue[year - 1] / 8e5))
                report.prior_energy_tce = Decimal(f"{prior / 2e5:.3f}")
            reports.append(report)
    return reports


#: What a demo manufacturer (门类 C) makes, by its industry code: (product, unit, 元 per unit). Its
#: main products account for most of its output value; the quantities follow from the prices.
PRODUCTS: Final[dict[str, tuple[tuple[str, ProductUnit, int], ...]]] = {
    "3581": (("医用监护仪", ProductUnit.UNITS, 20_000), ("医用超声诊断设备", ProductUnit.UNITS, 300_000)),
    "3584": (("一次性使用无菌注射器", ProductUnit.TEN_THOUSAND_STICKS, 8_000), ("医用缝合针", ProductUnit.TEN_THOUSAND_STICKS, 15_000)),
    "3589": (("康复训练器械", ProductUnit.UNITS, 5_000),),
    "2710": (("化学原料药", ProductUnit.TONNES, 300_000),),
    "2720": (("化学药品制剂（片剂）", ProductUnit.TEN_THOUSAND_TABLETS, 5_000), ("注射液", ProductUnit.TEN_THOUSAND_STICKS, 20_000)),
    "2740": (("中成药", ProductUnit.TONNES, 150_000),),
    "2761": (("生物药品", ProductUnit.TEN_THOUSAND_STICKS, 500_000),),
    "2762": (("疫苗", ProductUnit.TEN_THOUSAND_TESTS, 300_000),),
    "2770": (("医用防护服", ProductUnit.TEN_THOUSAND_ITEMS, 400_000), ("医用口罩", ProductUnit.TEN_THOUSAND_PIECES, 6_000)),
    "3911": (("计算机整机", ProductUnit.UNITS, 5_000),),
    "1492": (("保健食品", ProductUnit.TONNES, 200_000),),
}  # fmt: skip
_QUANTITY = Decimal("0.001")
#: Units counted whole (台, 件, 套): no demo machine is made in fractions.
_WHOLE_UNITS: Final = frozenset({ProductUnit.UNITS, ProductUnit.ITEMS, ProductUnit.SETS})


def _product_outputs(park: Park, rng: random.Random) -> list[ProductOutput]:
    """Each demo manufacturer's main products month by month (主要产品产量), from its own demo rows:
    a month's output value is its 1–N月 output less the previous row's (February's 1–2月 shared
    with January by the season), most of it in one or two products at their prices; 出口交货值 in
    the enterprise's own export share, so the products never export more than it reports."""
    rows = (
        MonthlyReport.objects.filter(park=park, source=ReportSource.DEMO, is_cumulative=True)
        .exclude(output__isnull=True)
        .order_by("enterprise_id", "year", "month")
        .values_list("enterprise_id", "enterprise__industry_code", "year", "month", "output", "exports")
    )
    outputs: list[ProductOutput] = []
    made: dict[int, list[tuple[str, ProductUnit, int, float]]] = {}
    previous: tuple[int, int, int, float] = (0, 0, 0, 0.0)  # the row before: enterprise, year, month, 1–N月 output
    for enterprise_id, code, year, month, output, exports in rows:
        catalogue = PRODUCTS.get(code or "")
        if not catalogue or output is None:  # (rows without output are excluded above)
            continue
        if enterprise_id not in made:
            chosen = catalogue[: rng.randint(1, len(catalogue))]
            main = rng.uniform(0.6, 0.9)
            split = [rng.uniform(1, 3) for _ in chosen]
            made[enterprise_id] = [(*p, main * w / sum(split)) for p, w in zip(chosen, split, strict=True)]
        same_year = previous[:2] == (enterprise_id, year)
        first, before = (previous[2] + 1, previous[3]) if same_year else (1, 0.0)
        previous = (enterprise_id, year, month, float(output))
        value = float(output) - before
        export_share = float(exports or 0) / float(output) if output else 0.0
        season = sum(SEASON[first - 1 : month])
        for covered in range(first, month + 1):
            part = value * SEASON[covered - 1] / season
            for name, unit, price, share in made[enterprise_id]:
                quantity = Decimal(part * share / price).quantize(Decimal(1) if unit in _WHOLE_UNITS else _QUANTITY)
                if quantity <= 0:
                    continue
                outputs.append(
                    ProductOutput(
                        park=park,
                        enterprise_id=enterprise_id,
                        year=year,
                        month=covered,
                        product_name=name,
                        unit=unit,
                        quantity=quantity,
                        exports=_money(part * share * export_share) if export_share else None,
                        source=ReportSource.DEMO,
                    )
                )
    return outputs


@transaction.atomic
def _load_products(park: Park) -> int:
    """The park's demo product output, unless it has some (a demo loaded before products existed gets them)."""
    if ProductOutput.objects.filter(park=park, source=ReportSource.DEMO).exists():
        return 0
    outputs = _product_outputs(park, random.Random(SEED + park.pk))
    ProductOutput.objects.bulk_create(outputs, batch_size=1000)
    return len(outputs)


@transaction.atomic
def _load_park(park: Park, count: int, until: datetime.date, rng: random.Random) -> int:
    enterprises = _enterprises(park, count)
    if len(enterprises) < 12:
        return 0
    reports = _reports(park, enterprises, until, rng)
    MonthlyReport.objects.bulk_create(reports, batch_size=1000)
    years = sorted({r.year for r in reports})
    EnterpriseParkProfile.objects.bulk_create(
        [
            EnterpriseParkProfile(park=park, enterprise=e, land_area_sqm=_money(rng.uniform(3, 60) * 666.67))
            for e in enterprises
        ],
        ignore_conflicts=True,
    )
    # The park's projects, pipeline and listing, drawn from the same stream right after the figures.
    load_park_pipeline(park=park, enterprises=enterprises, years=years, rng=rng)
    return len(reports)


def load_demo(*, scale: str = "demo", stdout: TextIO | None = None) -> dict[str, int]:
    """Statistics for the flagship park (and a few more at full scale); run twice, nothing doubles."""

    rng = random.Random(SEED)
    today = timezone.localdate()
    until = today.replace(day=1) - datetime.timedelta(days=1)
    parks = list(Park.objects.order_by("pk"))
    flagship = next((p for p in parks if p.code == "CQ-BIO-01"), parks[0] if parks else None)
    if flagship is None:
        return {"reports": 0}
    targets = [(flagship, 200 if scale == "full" else 40)]
    if scale == "full":
        targets += [(p, 30) for p in parks if p.pk != flagship.pk][:10]
    loaded = products = 0
    for park, count in targets:
        if not MonthlyReport.objects.filter(park=park, source=ReportSource.DEMO).exists():
            loaded += _load_park(park, count, until, rng)
        products += _load_products(park)
    # The demo tenant login reports for the flagship's first enterprise (created here if the
    # accounts loader has not run yet; it sets the password afterwards).
    first = (
        MonthlyReport.objects.filter(park=flagship)
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
        .first()
    )
    if first is not None:
        tenant, _created = User.objects.get_or_create(username="tenant", defaults={"role": Role.ENTERPRISE_USER})
        if tenant.enterprise_id is None:
            User.objects.filter(pk=tenant.pk).update(enterprise_id=first)
    if stdout is not None:
        stdout.write(f"统计与年报：新增 {loaded} 条月度统计、{products} 条主要产品产量\n")
    return {"reports": loaded, "product_outputs": products}
