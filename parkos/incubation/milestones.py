"""Enterprise milestones as incubation reads them: the one place that knows where milestones live.

Milestones (高新技术企业 recognition, listing, 专精特新, financing, patents) live in the `innovation`
app (`parkos.innovation.models.Milestone`); they are read here together with the facts the
enterprise record itself keeps (the 高新 flag, 专精特新 qualifications, listing status). Everything
returned is a plain `MilestoneFact`.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, NamedTuple

from django.db.models import Q, QuerySet
from django.urls import reverse

from parkos.enterprises.choices import ListingStatus, Qualification
from parkos.enterprises.models import Enterprise
from parkos.innovation.choices import MilestoneKind
from parkos.innovation.models import Milestone

HIGH_TECH: Final = "high_tech"
LISTING: Final = "listing"
SPECIALISED: Final = "specialised"
FINANCING: Final = "financing"
ACQUIRED: Final = "acquired"
OTHER: Final = "other"

#: A 高新技术企业 certificate is valid for three years (国科发火〔2016〕32号 §10).
HIGH_TECH_VALID_YEARS: Final = 3
_KINDS: Final[dict[str, str]] = {
    MilestoneKind.HIGH_TECH: HIGH_TECH,
    MilestoneKind.LISTING: LISTING,
    MilestoneKind.SPECIALISED: SPECIALISED,
    MilestoneKind.LITTLE_GIANT: SPECIALISED,
    MilestoneKind.FINANCING: FINANCING,
}
_SPECIALISED_QUALIFICATIONS: Final = frozenset({Qualification.SPECIALISED, Qualification.LITTLE_GIANT})
#: Enterprise ids: a list, or a queryset of ids (for scopes of tens of thousands).
Ids = Collection[int] | QuerySet[Any]


@dataclass(frozen=True)
class MilestoneFact:
    enterprise_id: int
    kind: str
    on: datetime.date
    label: str
    amount: Decimal | None = None  # financing, in 元, when known
    url: str = ""


def _url(enterprise_id: int) -> str:
    return reverse("enterprises:enterprise_detail", args=[enterprise_id])


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _among(field: str, ids: Ids) -> Q:
    """`field` among some ids: a list (one array on PostgreSQL) or a subquery (any number, both databases)."""
    if isinstance(ids, QuerySet):
        return Q(**{f"{field}__in": ids})
    return Q(**{f"{field}__any_of": list(ids)})


def milestones_of(enterprise_ids: Ids) -> dict[int, list[MilestoneFact]]:
    """Dated milestones of some enterprises, oldest first (one query)."""
    result: dict[int, list[MilestoneFact]] = {}
    if not isinstance(enterprise_ids, QuerySet) and not enterprise_ids:
        return result
    rows = (
        Milestone.objects.filter(_among("enterprise_id", enterprise_ids))
        .order_by("on", "pk")
        .values_list("enterprise_id", "kind", "on", "note", "exchange", "amount")
    )
    for enterprise_id, kind, on, note, exchange, amount in rows:
        label = str(MilestoneKind(kind).label) if kind in MilestoneKind.values else kind
        if exchange:
            label = f"{label}（{ListingStatus(exchange).label}）" if exchange in ListingStatus.values else label
        if note:
            label = f"{label}：{note}"
        result.setdefault(enterprise_id, []).append(
            MilestoneFact(enterprise_id, _KINDS.get(kind, OTHER), on, label, amount, _url(enterprise_id))
        )
    return result


class StatusFacts(NamedTuple):
    """What the enterprise record says now, for eligibility: 高新 (valid), 专精特新, listed.

    A named tuple: an eligibility scan builds one per enterprise of the park (20,000).
    """

    high_tech: bool
    specialised: bool
    listed: bool


#: The enterprise record's fields behind `StatusFacts` (read with the rest of an enterprise's facts).
STATUS_FIELDS: Final = ("high_tech", "qualifications", "listing_status")


def recognised_high_tech(today: datetime.date) -> set[int]:
    """Enterprises with a 高新 recognition milestone still valid on `today` (one query; few rows)."""
    valid_from = years_before(today, HIGH_TECH_VALID_YEARS)
    return set(
        Milestone.objects.filter(kind=MilestoneKind.HIGH_TECH, on__gt=valid_from, on__lte=today)
        .values_list("enterprise_id", flat=True)
        .distinct()
    )


def status_of(
    enterprise_id: int, high_tech: bool, qualifications: Any, listing: str, recognised: set[int]
) -> StatusFacts:
    """高新 holds when the record's flag is set or a recognition milestone is less than three years old."""
    return StatusFacts(
        high_tech=bool(high_tech) or enterprise_id in recognised,
        specialised=not _SPECIALISED_QUALIFICATIONS.isdisjoint(qualifications or ()),
        listed=listing != ListingStatus.UNLISTED,
    )


def status_facts(enterprise_ids: Ids, today: datetime.date) -> dict[int, StatusFacts]:
    """The current 高新/专精特新/listing status of some enterprises (two queries)."""
    if not isinstance(enterprise_ids, QuerySet) and not enterprise_ids:
        return {}
    recognised = recognised_high_tech(today)
    rows = Enterprise.objects.filter(_among("pk", enterprise_ids)).values_list("pk", *STATUS_FIELDS)
    return {pk: status_of(pk, flag, qualifications, listing, recognised) for pk, flag, qualifications, listing in rows}
