"""主要产品产量: recording an enterprise's product output by month (services) and reading it (selectors).

Output is recorded per enterprise, month and product — the month's quantity in a declared unit
(`ProductUnit`) and the product's 出口交货值 in 元 — as the B204-1 form asks it (RULES §10.5). The
year to date is the sum of the months; the annual report's "全年生产防护服XX万件" is the sum over
the park's enterprises of each (product, unit) (`top_products`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.models import AuditAction
from parkos.innovation.models import Product
from parkos.statistics.choices import ProductUnit, ReportSource
from parkos.statistics.models import ProductOutput

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.enterprises.models import Enterprise
    from parkos.parks.models import Park

ZERO = Decimal(0)


@dataclass(frozen=True, kw_only=True)
class OutputData:
    """One product's output of a month, as entered (money in 元)."""

    product_name: str
    unit: str
    quantity: Decimal
    exports: Decimal | None = None
    product_code: str = ""
    product: Product | None = None
    note: str = ""


def normalise_name(name: str) -> str:
    """Product names compare as written, spaces collapsed (full-width spaces too)."""
    return " ".join(name.replace("\u3000", " ").split())


def _check(park: Park, enterprise: Enterprise, year: int, month: int, data: OutputData, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if not 1 <= month <= 12:
        errors["month"] = _("月份须在1–12之间")
    elif (year, month) > (today.year, today.month):
        errors["month"] = _("不能填报未来月份的产量")
    if not normalise_name(data.product_name):
        errors["product_name"] = _("请填写产品名称")
    if data.unit not in ProductUnit.values:
        errors["unit"] = _("“%(unit)s”不是可选的计量单位") % {"unit": data.unit}
    if data.quantity < 0:
        errors["quantity"] = _("产量不能为负数")
    if data.exports is not None and data.exports < 0:
        errors["exports"] = _("出口交货值不能为负数")
    if data.product is not None and (data.product.enterprise_id, data.product.park_id) != (enterprise.pk, park.pk):
        errors["product"] = _("关联产品须是该企业在本园区的产品")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def output_record(
    *,
    park: Park,
    enterprise: Enterprise,
    year: int,
    month: int,
    data: OutputData,
    actor: User | None,
    source: str = ReportSource.OFFICER,
    today: datetime.date | None = None,
) -> tuple[ProductOutput, bool]:
    """Create or replace one product's output of a month (idempotent by enterprise, month and product name).

    Returns the row and whether anything changed. A month recorded under another park stays there:
    the enterprise's output of a month is one row per product, wherever it was entered.
    """
    _check(park, enterprise, year, month, data, today or timezone.localdate())
    name = normalise_name(data.product_name)
    row = (
        ProductOutput.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, month=month, product_name=name)
        .first()
    )
    created = row is None
    if row is None:
        row = ProductOutput(park=park, enterprise=enterprise, year=year, month=month, product_name=name)
    elif row.park_id != park.pk:
        raise ValidationError({"product_name": _("该企业本月该产品的产量已由其他园区填报")})
    before = snapshot(row)
    row.unit = data.unit
    row.quantity = data.quantity
    row.exports = data.exports
    row.product_code = data.product_code.strip()
    row.product = data.product
    row.note = data.note
    row.source = source
    row.full_clean(validate_unique=False)
    changes = model_changes(before, snapshot(row))
    changes.pop("updated_at", None)
    changes.pop("source", None)
    if not created and not changes:
        return row, False
    row.recorded_by = actor if actor is not None and actor.is_authenticated else None
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=row,
        changes=changes,
        park_id=park.pk,
    )
    return row, True


@transaction.atomic
def output_delete(*, row: ProductOutput, actor: User | None) -> None:
    """Remove a line entered in error (audited with its figures)."""
    audit_record(actor=actor, action=AuditAction.DELETE, obj=row, changes=snapshot(row), park_id=row.park_id)
    row.delete()


# --- reads ---------------------------------------------------------------------------------------


def outputs(park_ids: Collection[int] | None) -> QuerySet[ProductOutput]:
    queryset = ProductOutput.objects.select_related("enterprise", "product")
    if park_ids is not None:
        queryset = queryset.filter(park_id__in=list(park_ids))
    return queryset.order_by("-year", "-month", "enterprise__name", "product_name")


@dataclass(frozen=True)
class ProductTotal:
    """A product's output summed over a park's enterprises and a period's months, in one unit."""

    product_name: str
    unit: str
    quantity: Decimal
    exports: Decimal
    enterprises: int
    keys: tuple[int, ...]  # the ProductOutput rows summed

    @property
    def unit_label(self) -> str:
        return str(ProductUnit(self.unit).label)


def product_totals(
    *, park_ids: Collection[int] | None, year: int, first_month: int = 1, last_month: int = 12
) -> list[ProductTotal]:
    """Each (product, unit)'s output over months first..last of a year, largest first: one query.

    Two enterprises' lines add up when they name the same product in the same unit; the same
    name in two units stays two lines (quantities in different units cannot be added).
    """
    queryset = ProductOutput.objects.filter(year=year, month__gte=first_month, month__lte=last_month)
    if park_ids is not None:
        queryset = queryset.filter(park_id__in=list(park_ids))
    grouped: dict[tuple[str, str], list[tuple[int, int, Decimal, Decimal | None]]] = defaultdict(list)
    for pk, enterprise_id, name, unit, quantity, exports in queryset.order_by("pk").values_list(
        "pk", "enterprise_id", "product_name", "unit", "quantity", "exports"
    ):
        grouped[(name, unit)].append((pk, enterprise_id, quantity, exports))
    totals = [
        ProductTotal(
            product_name=name,
            unit=unit,
            quantity=sum((line[2] for line in lines), ZERO),
            exports=sum((line[3] or ZERO for line in lines), ZERO),
            enterprises=len({line[1] for line in lines}),
            keys=tuple(line[0] for line in lines),
        )
        for (name, unit), lines in grouped.items()
    ]
    # Largest first by 出口交货值 is meaningless across units; rank by the number of enterprises, then
    # the exports, then the name: stable, and the park's main products come first.
    totals.sort(key=lambda t: (-t.enterprises, -t.exports, -t.quantity, t.product_name, t.unit))
    return totals


def month_outputs(
    *, park_id: int, enterprise_ids: Collection[int] | None, year: int, month: int
) -> list[ProductOutput]:
    """The output lines of months 1..month of a year in a park (the B204-1 form's 本月 and 1—本月)."""
    queryset = ProductOutput.objects.filter(park_id=park_id, year=year, month__lte=month)
    if enterprise_ids is not None:
        queryset = queryset.filter(enterprise_id__in=list(enterprise_ids))
    return list(queryset.order_by("enterprise_id", "product_name", "month"))


def exists(enterprise: Enterprise, year: int, month: int, product_name: str) -> bool:
    return ProductOutput.objects.filter(
        enterprise=enterprise, year=year, month=month, product_name=normalise_name(product_name)
    ).exists()
