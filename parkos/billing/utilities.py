"""Utility lines (水电气): metered consumption from monitoring, or an imported reading sheet, priced by tariff.

Where the figures come from:
- monitoring (`monitoring.selectors.consumption_by_enterprise`): each tenant's consumption per meter —
  its own meters and its shares of common ones, with device replacements and multipliers already
  applied there. Billed in arrears, one line per tenant, meter and tariff segment of a month.
- a reading sheet (`UtilityReading`, 抄表单) for parks or meters that monitoring does not read.

Tariffs (`UtilityTariff`) are configuration with effective dates, per park and utility: a month is cut
at every day a tariff of that utility changes, and each piece is priced at the tariff in force then.

Precedence — the same consumption is never billed twice: an imported reading sheet is a deliberate
act (a meter monitoring does not read, or a reading taken by hand where monitoring's was wrong), so a
sheet row for a tenant and utility replaces monitoring's consumption of that tenant and utility for
every month the row's period touches. Whichever is billed first stays: a month of monitoring's
consumption already billed keeps a later sheet row for the same tenant, utility and days off the bill
(the run warns), and a billed sheet row keeps monitoring's figures for its months off.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from parkos.billing import charges
from parkos.billing.charges import LineDraft
from parkos.billing.choices import UTILITY_KINDS, ChargeKind
from parkos.billing.models import BillLine, UtilityReading, UtilityTariff
from parkos.billing.money import line_amount
from parkos.monitoring import selectors as monitoring_selectors

METER_SOURCE = "monitoring.meter"
ONE_DAY = datetime.timedelta(days=1)

#: Per utility kind: (effective from, unit price) in date order.
Tariffs = dict[str, list[tuple[datetime.date, Decimal]]]


def park_tariffs(park_id: int) -> Tariffs:
    table: Tariffs = defaultdict(list)
    for kind, start, price in (
        UtilityTariff.objects.filter(park_id=park_id)
        .order_by("effective_from")
        .values_list("kind", "effective_from", "unit_price")
    ):
        table[kind].append((start, price))
    return dict(table)


def tariff_on(tariffs: Tariffs, kind: str, day: datetime.date) -> Decimal | None:
    """The unit price of `kind` in force on `day`, or None when none is configured yet."""
    rows = tariffs.get(kind, [])
    index = bisect.bisect_right([start for start, _price in rows], day) - 1
    return rows[index][1] if index >= 0 else None


def tariff_segments(
    tariffs: Tariffs, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """[first, last] cut at every day some utility's tariff changes (each piece has one price per kind)."""
    cuts = sorted({start for rows in tariffs.values() for start, _price in rows if first < start <= last})
    pieces, start = [], first
    for cut in cuts:
        pieces.append((start, cut - ONE_DAY))
        start = cut
    pieces.append((start, last))
    return pieces


@dataclass
class MeteredUse:
    """One tenant's consumption of one meter over consecutive days at one price."""

    enterprise_id: int
    meter_id: int
    meter_code: str
    kind: str
    start: datetime.date
    end: datetime.date
    quantity: Decimal
    unit: str
    price: Decimal
    shared: bool
    note: str

    @property
    def month(self) -> datetime.date:
        return self.start.replace(day=1)


def merge_uses(pieces: list[MeteredUse]) -> list[MeteredUse]:
    """Join a tenant's consecutive pieces of one meter at the same price and share (a month was cut for
    another utility's tariff change): one line per meter and price, its days and quantity summed."""
    merged: list[MeteredUse] = []
    last: dict[tuple[int, int, bool], MeteredUse] = {}
    for piece in sorted(pieces, key=lambda p: (p.enterprise_id, p.meter_id, p.shared, p.start)):
        key = (piece.enterprise_id, piece.meter_id, piece.shared)
        previous = last.get(key)
        if (
            previous is not None
            and previous.price == piece.price
            and previous.end + ONE_DAY == piece.start
            and previous.month == piece.month
            and previous.note == piece.note
        ):
            previous.end = piece.end
            previous.quantity += piece.quantity
            continue
        copy = replace(piece)
        merged.append(copy)
        last[key] = copy
    return merged


def _months(first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    months, month = [], first.replace(day=1)
    while month <= last:
        following = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        months.append((max(first, month), min(last, following - ONE_DAY)))
        month = following
    return months


def _metered_uses(
    park_id: int, first: datetime.date, last: datetime.date, tariffs: Tariffs, warnings: list[str]
) -> list[MeteredUse]:
    pieces = []
    for month_first, month_last in _months(first, last):
        for start, end in tariff_segments(tariffs, month_first, month_last):
            for line in monitoring_selectors.consumption_by_enterprise(park=park_id, start=start, end=end):
                if not line.quantity or line.meter_id is None or line.kind not in UTILITY_KINDS:
                    continue
                price = tariff_on(tariffs, line.kind, start)
                if price is None:
                    warning = _("未配置%(kind)s单价，用量未出账") % {"kind": ChargeKind(line.kind).label}
                    if warning not in warnings:
                        warnings.append(warning)
                    continue
                pieces.append(
                    MeteredUse(
                        line.enterprise_id, line.meter_id, line.meter_code, line.kind, start, end, line.quantity,
                        line.unit, price, line.shared, line.share_note,
                    )
                )  # fmt: skip
    return merge_uses(pieces)


def _sheet_months(park_id: int, first: datetime.date, last: datetime.date) -> set[tuple[int, str, datetime.date]]:
    """(tenant, utility, month) that a reading sheet row covers, billed or not (the sheet wins)."""
    covered = set()
    for enterprise_id, kind, start, end in UtilityReading.objects.filter(
        park_id=park_id, period_start__lte=last, period_end__gte=first
    ).values_list("enterprise_id", "kind", "period_start", "period_end"):
        for month_first, _month_last in _months(max(first, start), min(last, end)):
            covered.add((enterprise_id, kind, month_first.replace(day=1)))
    return covered


def _billed_meter_months(
    park_id: int, first: datetime.date, last: datetime.date
) -> set[tuple[int, int, datetime.date]]:
    """(tenant, meter, month) of monitoring's consumption already on a bill (any run, any status)."""
    rows = BillLine.objects.filter(
        park_id=park_id, source_type=METER_SOURCE, period_start__gte=first, period_start__lte=last
    ).values_list("account__enterprise_id", "source_id", "period_start")
    return {
        (enterprise_id, meter_id, start.replace(day=1))
        for enterprise_id, meter_id, start in rows
        if meter_id is not None and start is not None
    }


def consumption_drafts(
    *, park_id: int, first: datetime.date, last: datetime.date, due: datetime.date, warnings: list[str]
) -> list[LineDraft]:
    """Monitoring's consumption of the days `first`…`last` (whole months, in arrears) not billed yet and
    not replaced by a reading sheet, one draft per tenant, meter and tariff segment."""
    if first > last:
        return []
    tariffs = park_tariffs(park_id)
    uses = _metered_uses(park_id, first, last, tariffs, warnings)
    if not uses:
        return []
    billed = _billed_meter_months(park_id, first, last)
    sheets = _sheet_months(park_id, first, last)
    drafts = []
    for use in uses:
        if (use.enterprise_id, use.meter_id, use.month) in billed or (use.enterprise_id, use.kind, use.month) in sheets:
            continue
        drafts.append(
            LineDraft(
                enterprise_id=use.enterprise_id,
                kind=use.kind,
                charge_key=f"meter:{use.meter_id}:{use.enterprise_id}:{use.start:%Y%m%d}",
                description=charges.metered_description(
                    use.kind, use.start, use.end, meter=use.meter_code, note=use.note, shared=use.shared
                ),
                amount=line_amount(use.quantity, use.price),
                due_on=due,
                period_start=use.start,
                period_end=use.end,
                quantity=use.quantity,
                unit=use.unit,
                unit_price=use.price,
                source_type=METER_SOURCE,
                source_id=use.meter_id,
            )
        )
    return drafts


def metered_overlaps(
    park_id: int, enterprise_ids: list[int]
) -> dict[tuple[int, str], list[tuple[datetime.date, datetime.date]]]:
    """The days of each tenant's and utility's metered consumption already billed: a reading sheet row
    overlapping them is not billed (the consumption is on a bill already)."""
    spans: dict[tuple[int, str], list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    for enterprise_id, kind, start, end in BillLine.objects.filter(
        park_id=park_id, source_type=METER_SOURCE, account__enterprise_id__any_of=enterprise_ids
    ).values_list("account__enterprise_id", "kind", "period_start", "period_end"):
        if start is not None and end is not None:
            spans[(enterprise_id, kind)].append((start, end))
    return dict(spans)


def overlaps(spans: list[tuple[datetime.date, datetime.date]], start: datetime.date, end: datetime.date) -> bool:
    return any(first <= end and start <= last for first, last in spans)
