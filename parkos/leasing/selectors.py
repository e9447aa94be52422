"""Every non-trivial read of contracts: occupancy and WALT on any date, rent roll, expiries, stacking colours.

Point-in-time figures come from contract history (`ContractSpace` lines of executed contracts, whose
end is capped by an early termination), not from the units' stored current occupancy, so the value
on any past date is what the contracts said on that date. Queries are bounded: aggregates are
grouped in SQL and return one row per park, building, month or end date, never one per unit.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, DateField, Exists, F, Min, OuterRef, Q, QuerySet, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.models import User
from parkos.core import industry
from parkos.core.db import fetch_rows
from parkos.core.models import AuditEntry
from parkos.enterprises.models import Enterprise
from parkos.investment import selectors as investment_selectors
from parkos.investment.hooks import ContractRef
from parkos.leasing import hooks, metrics, schedule
from parkos.leasing import presence as presence_rules
from parkos.leasing.choices import ContractKind, ContractLifecycle, ContractStatus, RenewalTaskStatus
from parkos.leasing.models import (
    EXPIRING_DAYS,
    OCCUPYING_STATUSES,
    Contract,
    ContractMonth,
    ContractSpace,
    Presence,
    RenewalTask,
)
from parkos.leasing.services import lease_terms
from parkos.parks.models import Building, Park, Unit
from parkos.web.todo import TodoItem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal(0)
EXPIRY_WINDOWS = (30, 90, 180)


# --- Lifecycle in SQL ----------------------------------------------------------------------------


def lifecycle_q(lifecycle: str, day: datetime.date) -> Q:
    """SQL condition for `Contract.lifecycle_on(day) == lifecycle`; mirrors the Python method."""
    executed = Q(status__in=OCCUPYING_STATUSES)
    not_terminated_yet = Q(terminated_on__isnull=True) | Q(terminated_on__gte=day)
    in_force = executed & Q(start_on__lte=day) & not_terminated_yet & (Q(end_on__isnull=True) | Q(end_on__gte=day))
    horizon = day + datetime.timedelta(days=EXPIRING_DAYS)
    # The effective end is min(end, termination): it is within the horizon when either is.
    expiring = Q(kind=ContractKind.LEASE) & (Q(end_on__lte=horizon) | Q(terminated_on__lte=horizon))
    renewed = Q(Exists(Contract.objects.filter(renewal_of=OuterRef("pk"), status__in=OCCUPYING_STATUSES)))
    ended = executed & not_terminated_yet & Q(end_on__lt=day)
    match lifecycle:
        case ContractLifecycle.DRAFT | ContractLifecycle.APPROVED | ContractLifecycle.CANCELLED:
            return Q(status=lifecycle)
        case ContractLifecycle.SIGNED:
            return executed & not_terminated_yet & Q(start_on__gt=day)
        case ContractLifecycle.ACTIVE:
            return in_force & ~expiring
        case ContractLifecycle.EXPIRING:
            return in_force & expiring
        case ContractLifecycle.ENDED:
            return ended & ~renewed
        case ContractLifecycle.RENEWED:
            return ended & renewed
        case ContractLifecycle.TERMINATED:
            return Q(status=ContractStatus.TERMINATED, terminated_on__lt=day)
    raise ValueError(lifecycle)


def contract_initial_from_lead(lead_id: int, user: User | AnonymousUser) -> dict[str, Any]:
    """What a contract drafted from a lead starts with: the lead, its park and enterprise, lease or
    sale from its tenure, the move-in date, and the units it visited (else its best match there)."""
    lead = investment_selectors.lead_list(user).filter(pk=lead_id).first()
    if lead is None:
        return {}
    initial: dict[str, Any] = {"lead": lead.pk, "park": lead.park_id, "enterprise": lead.enterprise_id}
    requirement = getattr(lead, "requirement", None)
    if requirement is not None:
        initial["kind"] = ContractKind.SALE if requirement.tenure == "buy" else ContractKind.LEASE
        if requirement.move_in_on:
            initial["start_on"] = requirement.move_in_on
    visited = [
        unit.pk
        for activity in lead.activities.filter(kind="site_visit")
        .order_by("-occurred_at", "-pk")
        .prefetch_related("units")
        for unit in activity.units.all()
        if unit.park_id == lead.park_id
    ]
    if visited:
        initial["units"] = list(dict.fromkeys(visited))
    elif requirement is not None and lead.park_id is not None:
        report = investment_selectors.match_requirement(requirement, park_ids=[lead.park_id], limit=1)
        best = (report.matches or report.combinations or (None,))[0]
        if best is not None and best.kind == "unit":
            initial["units"] = [space.id for space in best.spaces]
    return initial


def contracts_of_leads(lead_ids: Iterable[int]) -> dict[int, list[ContractRef]]:
    """The contracts drafted from each lead (for the lead page and the 已签约 check), cancelled ones left out."""
    result: dict[int, list[ContractRef]] = {}
    rows = (
        Contract.objects.filter(lead_id__in=list(lead_ids))
        .exclude(status=ContractStatus.CANCELLED)
        .order_by("pk")
        .only("pk", "number", "status", "lead_id")
    )
    for contract in rows:
        assert contract.lead_id is not None
        result.setdefault(contract.lead_id, []).append(
            ContractRef(
                number=contract.number,
                url=contract.get_absolute_url(),
                status=str(contract.get_status_display()),
                signed=contract.status in OCCUPYING_STATUSES,
            )
        )
    return result


def contract_list(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    """Contracts with what the list shows, in one query."""
    return queryset.select_related("park", "enterprise").annotate(
        has_renewal=Exists(Contract.objects.filter(renewal_of=OuterRef("pk"), status__in=OCCUPYING_STATUSES))
    )


# --- Occupancy and WALT --------------------------------------------------------------------------


@dataclass(frozen=True)
class Occupancy:
    """Occupancy of some lettable stock on one day (rates are fractions of 1, None if no stock)."""

    day: datetime.date
    lettable_area_sqm: Decimal
    lettable_units: int
    occupied_area_sqm: Decimal
    occupied_units: int

    @property
    def by_area(self) -> Decimal | None:
        return self.occupied_area_sqm / self.lettable_area_sqm if self.lettable_area_sqm else None

    @property
    def by_count(self) -> Decimal | None:
        return Decimal(self.occupied_units) / self.lettable_units if self.lettable_units else None

    @property
    def vacant_area_sqm(self) -> Decimal:
        return max(self.lettable_area_sqm - self.occupied_area_sqm, ZERO)

    @property
    def by_area_pct(self) -> Decimal | None:
        rate = self.by_area
        return None if rate is None else (rate * 100).quantize(Decimal("0.1"))

    @property
    def by_count_pct(self) -> Decimal | None:
        rate = self.by_count
        return None if rate is None else (rate * 100).quantize(Decimal("0.1"))


def _stock(day: datetime.date, park_ids: Iterable[int] | None, building_id: int | None) -> QuerySet[Unit]:
    """Units that were lettable stock on `day`: not archived by then and marked lettable."""
    # Archived after the end of `day` (compared as an aware datetime, so the index-friendly column
    # is not wrapped in a per-row date conversion).
    day_end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    units = Unit.objects.filter(lettable=True).filter(Q(archived_at__isnull=True) | Q(archived_at__gte=day_end))
    if park_ids is not None:
        units = units.filter(park_id__in=list(park_ids))
    if building_id is not None:
        units = units.filter(building_id=building_id)
    return units


def _lines_on(day: datetime.date, park_ids: Iterable[int] | None, building_id: int | None) -> QuerySet[ContractSpace]:
    """Unit lines of executed contracts in force on `day` (termination already caps `end_on`)."""
    lines = ContractSpace.objects.filter(occupies=True, start_on__lte=day).filter(
        Q(end_on__isnull=True) | Q(end_on__gte=day)
    )
    if park_ids is not None:
        lines = lines.filter(park_id__in=list(park_ids))
    if building_id is not None:
        lines = lines.filter(building_id=building_id)
    return lines


def occupancy_by_park(day: datetime.date, park_ids: Iterable[int] | None = None) -> dict[int, Occupancy]:
    """Occupancy of each park's units on `day`: two grouped queries, whatever the portfolio size."""
    park_ids = None if park_ids is None else list(park_ids)
    stock = {
        row["park_id"]: (row["area"] or ZERO, row["n"])
        for row in _stock(day, park_ids, None).values("park_id").annotate(area=Sum("area_sqm"), n=Count("pk"))
    }
    let = {
        row["park_id"]: (row["area"] or ZERO, row["n"])
        for row in _lines_on(day, park_ids, None)
        .filter(unit__lettable=True)
        .values("park_id")
        .annotate(area=Sum("area_sqm"), n=Count("unit_id", distinct=True))
    }
    return {
        park_id: Occupancy(
            day=day,
            lettable_area_sqm=area,
            lettable_units=n,
            occupied_area_sqm=let.get(park_id, (ZERO, 0))[0],
            occupied_units=let.get(park_id, (ZERO, 0))[1],
        )
        for park_id, (area, n) in stock.items()
    }


def occupancy_on(
    day: datetime.date, park_ids: Iterable[int] | None = None, building_id: int | None = None
) -> Occupancy:
    """Occupancy of the units of some parks (None: all), or of one building, on `day`."""
    park_ids = None if park_ids is None else list(park_ids)
    stock = _stock(day, park_ids, building_id).aggregate(area=Sum("area_sqm"), n=Count("pk"))
    let = (
        _lines_on(day, park_ids, building_id)
        .filter(unit__lettable=True)
        .aggregate(area=Sum("area_sqm"), n=Count("unit_id", distinct=True))
    )
    return Occupancy(
        day=day,
        lettable_area_sqm=stock["area"] or ZERO,
        lettable_units=stock["n"],
        occupied_area_sqm=let["area"] or ZERO,
        occupied_units=let["n"],
    )


def walt_on(
    day: datetime.date, park_ids: Iterable[int] | None = None, building_id: int | None = None
) -> Decimal | None:
    """WALT (years, by area) of the leases in force on `day`, grouped by end date in SQL.

    Sales have no end and are left out. One row per distinct end date reaches Python.
    """
    park_ids = None if park_ids is None else list(park_ids)
    rows = (
        _lines_on(day, park_ids, building_id)
        .filter(kind=ContractKind.LEASE, end_on__isnull=False)
        .values("end_on")
        .annotate(area=Sum("area_sqm"))
    )
    spans = [
        metrics.OccupancySpan(unit_id=i, area_sqm=row["area"], start=day, end=row["end_on"] or day)
        for i, row in enumerate(rows)
    ]
    return metrics.walt(spans, day)


def walt_by_building(day: datetime.date, building_ids: list[int]) -> dict[int, Decimal | None]:
    rows = (
        _lines_on(day, None, None)
        .filter(kind=ContractKind.LEASE, end_on__isnull=False, building_id__in=building_ids)
        .values("building_id", "end_on")
        .annotate(area=Sum("area_sqm"))
    )
    spans: dict[int, list[metrics.OccupancySpan]] = defaultdict(list)
    for i, row in enumerate(rows):
        spans[row["building_id"]].append(
            metrics.OccupancySpan(unit_id=i, area_sqm=row["area"], start=day, end=row["end_on"] or day)
        )
    return {b: metrics.walt(spans.get(b, []), day) for b in building_ids}


def month_ends(year: int) -> list[datetime.date]:
    return [(datetime.date(year + (m == 12), m % 12 + 1, 1) - datetime.timedelta(days=1)) for m in range(1, 13)]


def occupancy_series(days: list[datetime.date], park_ids: Iterable[int] | None = None) -> list[Occupancy]:
    """Occupancy on each of some days (e.g. month ends), for the dashboard's chart."""
    park_ids = None if park_ids is None else list(park_ids)
    return [occupancy_on(day, park_ids) for day in days]


# --- Rent roll -----------------------------------------------------------------------------------


@dataclass
class RentRollRow:
    contract_id: int
    number: str
    enterprise: str
    park: str
    area_sqm: Decimal
    end_on: datetime.date | None
    months: list[Decimal] = field(default_factory=list)
    property_fee_total: Decimal = ZERO
    start_on: datetime.date | None = None
    rent_per_sqm_month: Decimal | None = None
    units: str = ""

    @property
    def rent_total(self) -> Decimal:
        return sum(self.months, ZERO)


@dataclass
class RentRoll:
    year: int
    month: int | None
    columns: list[datetime.date]
    rows: list[RentRollRow]

    @property
    def column_totals(self) -> list[Decimal]:
        return [sum((r.months[i] for r in self.rows), ZERO) for i in range(len(self.columns))]

    @property
    def rent_total(self) -> Decimal:
        return sum((r.rent_total for r in self.rows), ZERO)

    @property
    def property_fee_total(self) -> Decimal:
        return sum((r.property_fee_total for r in self.rows), ZERO)


def rent_roll(park_ids: Iterable[int] | None, year: int, month: int | None = None) -> RentRoll:
    """Rent accrued per lease per month of a year (or one month), from the stored monthly accruals.

    One query: the accrual rows of the period, pivoted in SQL to one row per lease (a column per
    month, each the single stored value of that lease and month), joined to the lease, its tenant and
    park. Amounts are the per-month values rounded to the fen at generation; totals are their sums, so
    every column and row adds up to what is shown.
    """
    columns = [datetime.date(year, m, 1) for m in range(1, 13)] if month is None else [datetime.date(year, month, 1)]
    months = ContractMonth.objects.filter(month__gte=columns[0], month__lte=columns[-1])
    if park_ids is not None:
        months = months.filter(park_id__in=list(park_ids))
    pivot = {f"m{i}": Sum("rent", filter=Q(month=c)) for i, c in enumerate(columns)}
    fields = ("contract_id", "contract__number", "contract__enterprise__name", "contract__park__name")
    rows_qs = (
        months.values(
            *fields, "contract__area_sqm", "contract__end_on", "contract__start_on", "contract__rent_per_sqm_month"
        )
        .annotate(fee=Sum("property_fee"), **pivot)
        .order_by("contract__park__name", "contract__enterprise__name", "contract__number")
    )
    keys = [f"m{i}" for i in range(len(columns))]
    rows = [
        RentRollRow(
            row["contract_id"],
            row["contract__number"],
            row["contract__enterprise__name"],
            row["contract__park__name"],
            row["contract__area_sqm"],
            row["contract__end_on"],
            [row[k] or ZERO for k in keys],
            row["fee"] or ZERO,
            start_on=row["contract__start_on"],
            rent_per_sqm_month=row["contract__rent_per_sqm_month"],
        )
        for row in rows_qs.iterator(chunk_size=5000)
    ]
    codes = _space_codes([r.contract_id for r in rows])
    for row in rows:
        row.units = "、".join(codes.get(row.contract_id, []))
    return RentRoll(year=year, month=month, columns=columns, rows=rows)


def _space_codes(contract_ids: list[int]) -> dict[int, list[str]]:
    """Unit and parcel codes per contract, in one query (the rent roll's unit column)."""
    codes: dict[int, list[str]] = defaultdict(list)
    for contract_id, unit_code, parcel_code in (
        ContractSpace.objects.filter(contract_id__any_of=contract_ids)
        .order_by("contract_id", "pk")
        .values_list("contract_id", "unit__code", "parcel__code")
    ):
        codes[contract_id].append(unit_code or parcel_code or "")
    return codes


# --- Expiries, renewal tasks ---------------------------------------------------------------------


def contracts_expiring(
    park_ids: Iterable[int] | None, *, days: int, today: datetime.date | None = None
) -> QuerySet[Contract]:
    """Signed leases whose (effective) end falls within `days` days from today, soonest first."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    qs = Contract.objects.filter(
        status=ContractStatus.SIGNED, kind=ContractKind.LEASE, end_on__gte=today, end_on__lte=horizon
    )
    if park_ids is not None:
        qs = qs.filter(park_id__in=list(park_ids))
    return contract_list(qs).order_by("end_on", "pk")


def expiry_counts(park_ids: Iterable[int] | None, today: datetime.date | None = None) -> dict[int, int]:
    """How many leases expire within 30, 90 and 180 days (one query)."""
    today = today or timezone.localdate()
    qs = Contract.objects.filter(status=ContractStatus.SIGNED, kind=ContractKind.LEASE, end_on__gte=today)
    if park_ids is not None:
        qs = qs.filter(park_id__in=list(park_ids))
    agg = qs.aggregate(
        **{f"d{d}": Count("pk", filter=Q(end_on__lte=today + datetime.timedelta(days=d))) for d in EXPIRY_WINDOWS}
    )
    return {d: agg[f"d{d}"] for d in EXPIRY_WINDOWS}


def renewal_tasks_open(park_ids: Iterable[int] | None, *, today: datetime.date | None = None) -> QuerySet[RenewalTask]:
    today = today or timezone.localdate()
    qs = RenewalTask.objects.filter(status=RenewalTaskStatus.OPEN, due_on__lte=today)
    if park_ids is not None:
        qs = qs.filter(park_id__in=list(park_ids))
    return qs.select_related("contract", "contract__enterprise", "assignee").order_by("due_on", "pk")


def todo_renewals(user: User | AnonymousUser, until: datetime.date) -> list[TodoItem]:
    """我的待办 from leasing: open renewal tasks assigned to the person, due by `until`."""
    tasks = renewal_tasks_open(None, today=until).filter(assignee=user.pk)[:200]
    return [
        TodoItem(
            title=_("续签：%(enterprise)s（%(number)s，%(end)s到期）")
            % {"enterprise": t.contract.enterprise.name, "number": t.contract.number, "end": t.contract.end_on},
            due_on=t.due_on,
            url=t.contract.get_absolute_url(),
            kind=str(_("续签")),
        )
        for t in tasks
    ]


# --- Stacking plan colours -----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitTenancy:
    contract_id: int
    number: str
    enterprise: str
    industry_code: str
    end_on: datetime.date | None

    def expiry_band(self, day: datetime.date) -> str:
        """ "lt6" (< 6 months), "lt12", "lt24", "gt24" or "sold" (no end)."""
        if self.end_on is None:
            return "sold"
        days = (self.end_on - day).days
        if days < 183:
            return "lt6"
        if days < 366:
            return "lt12"
        if days < 731:
            return "lt24"
        return "gt24"

    @property
    def industry_section(self) -> str:
        """The GB/T 4754 section letter (C 制造业, M 科研…) of the tenant, for colouring."""
        if not self.industry_code:
            return ""
        try:
            return str(industry.section_of(self.industry_code))
        except Exception:
            return ""


def building_expiry_map(building: Building | int, day: datetime.date | None = None) -> dict[int, UnitTenancy]:
    """The contract in force on `day` for each unit of a building — one query, whatever the unit count."""
    day = day or timezone.localdate()
    building_id = building if isinstance(building, int) else building.pk
    rows = (
        _lines_on(day, None, building_id)
        .order_by("unit_id", "start_on")
        .values_list(
            "unit_id",
            "contract_id",
            "contract__number",
            "contract__enterprise__name",
            "contract__enterprise__industry_code",
            "end_on",
        )
    )
    return {
        unit_id: UnitTenancy(contract_id, number, enterprise, industry_code or "", end_on)
        for unit_id, contract_id, number, enterprise, industry_code, end_on in rows
    }


def unit_tenancies(
    park_id: int, start: datetime.date, end: datetime.date
) -> list[tuple[int, int | None, int, datetime.date, datetime.date | None, Decimal]]:
    """Who occupied which unit of a park between two days (inclusive), from executed contracts:
    (unit, building, enterprise, first day, last day or None, area m²), one query. Monitoring
    attributes a unit's meters to its tenant day by day with these."""
    rows = (
        ContractSpace.objects.filter(park_id=park_id, occupies=True, unit__isnull=False, start_on__lte=end)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=start))
        .order_by("unit_id", "start_on")
        .values_list("unit_id", "building_id", "contract__enterprise_id", "start_on", "end_on", "area_sqm")
    )
    return [(u, b, e, s, t, a) for u, b, e, s, t, a in rows if u is not None]


# --- Commitments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentLine:
    label: StrOrPromise
    committed: Decimal | int | datetime.date | None
    unit: StrOrPromise
    actual: Decimal | int | datetime.date | None = None

    @property
    def gap(self) -> Decimal | int | datetime.timedelta | None:
        actual, committed = self.actual, self.committed
        if isinstance(actual, datetime.date) and isinstance(committed, datetime.date):
            return actual - committed
        if isinstance(actual, Decimal | int) and isinstance(committed, Decimal | int):
            return actual - committed
        return None


def commitments_vs_actuals(contract: Contract) -> list[CommitmentLine]:
    """The investment agreement's commitments beside the enterprise's reported figures.

    The statistics app supplies actuals later (monthly reports); until then `actual` is None and the
    page shows "暂无实际数据".
    """

    actuals = hooks.commitment_actuals(contract.enterprise, contract.start_on)
    return [
        CommitmentLine(_("投资额"), contract.committed_investment_wan, _("万元"), actuals.get("investment")),
        CommitmentLine(_("年产值"), contract.committed_annual_output_wan, _("万元"), actuals.get("output")),
        CommitmentLine(_("年税收"), contract.committed_annual_tax_wan, _("万元"), actuals.get("tax")),
        CommitmentLine(_("就业人数"), contract.committed_jobs, _("人"), actuals.get("jobs")),
        CommitmentLine(_("投产日期"), contract.committed_production_on, "", actuals.get("production_on")),
    ]


EXPIRY_BANDS = ("lt6", "lt12", "lt24", "gt24", "sold", "vacant")


def _expiry_labels() -> dict[str, Any]:

    return {
        "lt6": _("6个月内到期"),
        "lt12": _("6–12个月到期"),
        "lt24": _("1–2年到期"),
        "gt24": _("2年以上"),
        "sold": _("已出售"),
        "vacant": _("未出租"),
    }


def stacking_colours(
    building: Building, mode: str, day: datetime.date | None = None
) -> tuple[dict[int, tuple[str, str]], list[tuple[str, Any, int]]]:
    """Colour of each unit of a building's stacking plan by time to expiry or tenant industry.

    Returns ({unit id: (css class, tooltip)}, legend [(css class, label, count)]); one query
    (`building_expiry_map`), whatever the unit count. Units without a contract in force are "vacant".
    """

    day = day or timezone.localdate()
    tenancy = building_expiry_map(building, day)
    unit_ids = list(Unit.objects.filter(building=building, archived_at__isnull=True).values_list("pk", flat=True))
    colours: dict[int, tuple[str, str]] = {}
    counts: dict[str, int] = defaultdict(int)
    labels: dict[str, Any] = {}
    if mode == "expiry":
        labels = _expiry_labels()
    sections: dict[str, str] = {}
    for unit_id in unit_ids:
        t = tenancy.get(unit_id)
        if t is None:
            key, tip = "vacant", ""
            labels.setdefault("vacant", _expiry_labels()["vacant"])
        elif mode == "expiry":
            key = t.expiry_band(day)
            tip = f"{t.enterprise} · {t.end_on.isoformat() if t.end_on else ''}"
        else:
            section = t.industry_section or "?"
            key = section
            if section not in sections:
                try:
                    sections[section] = str(industry.lookup(section).label) if section != "?" else "—"
                except Exception:
                    sections[section] = section
            labels[key] = sections[section]
            tip = f"{t.enterprise} · {t.industry_code}"
        colours[unit_id] = (f"col-{mode}-{key}" if key != "vacant" else "col-vacant", tip)
        counts[key] += 1
    order = list(EXPIRY_BANDS) if mode == "expiry" else [*sorted(k for k in counts if k != "vacant"), "vacant"]
    legend = [
        (f"col-{mode}-{k}" if k != "vacant" else "col-vacant", labels.get(k, k), counts[k]) for k in order if counts[k]
    ]
    return colours, legend


def expiry_colouring(building: Building, day: datetime.date | None) -> tuple[dict[int, tuple[str, str]], list[Any]]:
    """The stacking plan coloured by time to expiry (registered with parks in LeasingConfig.ready)."""
    return stacking_colours(building, "expiry", day)


def industry_colouring(building: Building, day: datetime.date | None) -> tuple[dict[int, tuple[str, str]], list[Any]]:
    """The stacking plan coloured by tenant industry (registered with parks in LeasingConfig.ready)."""
    return stacking_colours(building, "industry", day)


def land_area_by_enterprise(park_id: int, day: datetime.date | None = None) -> dict[int, Decimal]:
    """Land (m²) each enterprise holds in a park on `day` through executed land contracts (bought or leased).

    For 亩均 evaluation: only parcels count as land; space in standard factories is not land.
    """
    day = day or timezone.localdate()
    rows = (
        ContractSpace.objects.filter(park_id=park_id, parcel__isnull=False, occupies=True, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .values_list("contract__enterprise_id")
        .annotate(area=Sum("area_sqm"))
    )
    return dict(rows)


# --- For billing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BillableLease:
    """An executed lease as a bill run needs it: who pays, its term (end capped by a termination)."""

    contract_id: int
    number: str
    enterprise_id: int
    signed_on: datetime.date | None
    start_on: datetime.date
    end_on: datetime.date
    payment_period: str
    has_property_fee: bool  # the contract sets its own property fee
    deposit: Decimal | None


def billable_leases(park_id: int, *, first_day: datetime.date, last_day: datetime.date) -> list[BillableLease]:
    """Executed leases of a park that are in force on some day between `first_day` and `last_day`.

    One query, read raw (a bill run asks this of 18,000 leases): converters only where needed.
    A lease terminated before it began is left out (it accrues nothing).
    """
    queryset = (
        Contract.objects.occupying()
        .filter(park_id=park_id, kind=ContractKind.LEASE, start_on__lte=last_day, end_on__gte=first_day)
        .filter(Q(terminated_on__isnull=True) | (Q(terminated_on__gte=first_day) & Q(terminated_on__gte=F("start_on"))))
        .order_by("enterprise_id", "pk")
        .values_list(
            "pk", "number", "enterprise_id", "signed_on", "start_on", "end_on", "terminated_on", "payment_period",
            "property_fee_per_sqm_month", "deposit",
        )
    )  # fmt: skip
    leases = []
    for pk, number, enterprise_id, signed_on, start, end, terminated, period, fee, deposit in fetch_rows(
        queryset, convert=(3, 4, 5, 6, 9)
    ):
        assert end is not None  # the filter above keeps leases with an end only
        effective_end = end if terminated is None else min(end, terminated)
        leases.append(
            BillableLease(pk, number, enterprise_id, signed_on, start, effective_end, period, bool(fee), deposit)
        )
    return leases


def stored_accruals(
    contract_ids: list[int], first_month: datetime.date, last_month: datetime.date
) -> dict[int, dict[datetime.date, tuple[Decimal, Decimal]]]:
    """The stored monthly rent and property fee of some leases (the rent roll's rows), by lease and month."""
    rows = fetch_rows(
        ContractMonth.objects.filter(
            contract_id__any_of=contract_ids, month__gte=first_month, month__lte=last_month
        ).values_list("contract_id", "month", "rent", "property_fee"),
        convert=(1, 2, 3),
    )
    accruals: dict[int, dict[datetime.date, tuple[Decimal, Decimal]]] = defaultdict(dict)
    for contract_id, month, rent, fee in rows:
        accruals[contract_id][month] = (rent, fee)
    return accruals


def property_fee_accruals_at(
    contract_ids: list[int], rate_per_sqm_month: Decimal
) -> dict[int, dict[datetime.date, Decimal]]:
    """Monthly property fees of leases that set none, at a park-wide rate, by the schedule's day rule."""
    contracts = Contract.objects.filter(pk__any_of=contract_ids)
    result: dict[int, dict[datetime.date, Decimal]] = {}
    for contract in contracts:
        terms = replace(lease_terms(contract), property_fee_per_sqm=rate_per_sqm_month)
        result[contract.pk] = {month: fee for month, _rent, fee in schedule.monthly_accruals(terms)}
    return result


def space_labels(contract_ids: list[int]) -> dict[int, str]:
    """The unit or parcel codes of each contract, joined ("A1-101、A1-102"), in one query."""
    labels: dict[int, list[str]] = defaultdict(list)
    rows = (
        ContractSpace.objects.filter(contract_id__any_of=contract_ids)
        .order_by("contract_id", "pk")
        .values_list("contract_id", "unit__code", "parcel__code")
    )
    for contract_id, unit_code, parcel_code in rows:
        labels[contract_id].append(unit_code or parcel_code or "")
    return {contract_id: "、".join(codes) for contract_id, codes in labels.items()}


# --- For the tenant's home, early warning and incubation statistics ------------------------------


@dataclass(frozen=True)
class KeyDates:
    """A tenant's contract with the dates that matter to it: start, end of free rent, next rent due, end."""

    contract: Contract
    lifecycle: ContractLifecycle
    spaces: str
    free_rent_until: datetime.date | None
    discount_until: datetime.date | None
    next_due_on: datetime.date | None
    next_due_amount: Decimal | None
    renewal_window_from: datetime.date | None


def tenant_key_dates(enterprise_id: int, today: datetime.date | None = None) -> list[KeyDates]:
    """The executed and pending contracts of one enterprise (only its own), newest first, with key dates."""
    today = today or timezone.localdate()
    contracts = (
        Contract.objects.filter(enterprise_id=enterprise_id)
        .exclude(status__in=(ContractStatus.DRAFT, ContractStatus.CANCELLED))
        .select_related("park")
        .prefetch_related("spaces__unit", "spaces__parcel")
        .order_by("-start_on", "-pk")[:10]
    )
    result = []
    for contract in contracts:
        lifecycle = contract.lifecycle_on(today)
        free_until = discount_until = next_due = next_amount = renewal_from = None
        if contract.kind == ContractKind.LEASE and contract.end_on is not None and contract.rent_per_sqm_month:
            terms = lease_terms(contract)
            free_until = terms.free_rent_end
            discount_until = terms.discount_span[1] if terms.discount_span else None
            upcoming = [line for line in schedule.generate_schedule(terms) if line.due_date >= today]
            if upcoming and lifecycle not in (ContractLifecycle.ENDED, ContractLifecycle.TERMINATED):
                next_due, next_amount = upcoming[0].due_date, upcoming[0].total_amount
            renewal_from = contract.end_on - datetime.timedelta(days=EXPIRY_WINDOWS[-1])
        spaces = "、".join(str(s.unit.code if s.unit else s.parcel) for s in contract.spaces.all())
        result.append(
            KeyDates(contract, lifecycle, spaces, free_until, discount_until, next_due, next_amount, renewal_from)
        )
    return result


def occupied_since(park_id: int) -> dict[int, datetime.date]:
    """The first day each enterprise occupied space in a park by an executed contract (在园起始日)."""
    rows = (
        ContractSpace.objects.filter(park_id=park_id, occupies=True)
        .values_list("contract__enterprise_id")
        .annotate(first=Min("start_on"))
        .order_by()
    )
    return dict(rows)


def expiring_without_renewal(
    park_ids: Iterable[int] | None, *, days: int, today: datetime.date | None = None
) -> dict[int, Contract]:
    """enterprise_id → its soonest lease ending within `days` with no renewal under way.

    Under way: a renewal contract drafted, approved or signed, or an open renewal task being worked.
    """
    today = today or timezone.localdate()
    leases = (
        contracts_expiring(park_ids, days=days, today=today)
        .exclude(renewals__status__in=(ContractStatus.DRAFT, ContractStatus.APPROVED, *OCCUPYING_STATUSES))
        .exclude(renewal_task__status=RenewalTaskStatus.OPEN)
    )
    result: dict[int, Contract] = {}
    for contract in leases:
        result.setdefault(contract.enterprise_id, contract)
    return result


def leased_area_by_enterprise(park_id: int, day: datetime.date) -> dict[int, Decimal]:
    """Space (m², units and parcels) each enterprise holds in a park on `day` through executed contracts."""
    rows = (
        ContractSpace.objects.filter(park_id=park_id, occupies=True, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .values_list("contract__enterprise_id")
        .annotate(area=Sum("area_sqm"))
        .order_by()
    )
    return dict(rows)


#: The latest changes of an enterprise's stays the presence page lists.
PRESENCE_HISTORY_ROWS = 50


@dataclass(frozen=True)
class PresencePage:
    """What the presence page shows (``presence_page``)."""

    stays: list[tuple[str, presence_rules.Stay]]  # (park name, stay) as statistics read them
    entries: list[Presence]  # the officers' entries, to correct
    history: list[AuditEntry]  # every change of those entries, latest first


def presence(
    *, park_ids: Iterable[int] | None, enterprise_ids: Iterable[int] | None = None
) -> dict[int, list[presence_rules.Stay]]:
    """Each enterprise's dated stays in some parks (None: every park), from the officers' entries
    where there are any, else from its executed contracts (``presence.presence_of``, RULES §5.3).
    Enterprises with neither are absent. One query. (Statistics reads it: who arrived when, and
    who left before a period's end.)"""
    entered = Presence.objects.order_by()
    contracts = Contract.objects.filter(status__in=OCCUPYING_STATUSES).order_by()
    if park_ids is not None:
        parks = list(park_ids)
        entered, contracts = entered.filter(park_id__in=parks), contracts.filter(park_id__in=parks)
    if enterprise_ids is not None:
        ids = list(enterprise_ids)
        entered, contracts = entered.filter(enterprise_id__in=ids), contracts.filter(enterprise_id__in=ids)
    officer: dict[tuple[int, int], list[presence_rules.Stay]] = defaultdict(list)
    spans: dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    no_date = Value(None, output_field=DateField())
    rows = entered.values_list("enterprise_id", "park_id", "moved_in_on", "moved_out_on", no_date, Value(True)).union(
        contracts.values_list("enterprise_id", "park_id", "start_on", "end_on", "terminated_on", Value(False)),
        all=True,
    )
    for enterprise_id, park_id, start, end, terminated, by_officer in rows:  # one query
        if by_officer:
            officer[(enterprise_id, park_id)].append(presence_rules.Stay(park_id, start, end, "officer"))
        else:
            last = end if terminated is None else terminated if end is None else min(end, terminated)
            spans[(enterprise_id, park_id)].append((start, last))
    return presence_rules.presence_of(officer, spans, today=timezone.localdate())


def presence_page(enterprise: Enterprise, park_ids: Iterable[int] | None) -> PresencePage:
    """The presence page of an enterprise in some parks: its stays as statistics read them, the
    officers' entries that can be corrected, and the history of every entry (from the audit trail)."""
    parks = None if park_ids is None else list(park_ids)
    entries = Presence.objects.filter(enterprise=enterprise).select_related("park", "created_by")
    if parks is not None:
        entries = entries.filter(park_id__in=parks)
    entered = list(entries.order_by("park__name", "moved_in_on"))
    history = AuditEntry.objects.filter(
        object_type=Presence._meta.label_lower, object_id__in=[str(entry.pk) for entry in entered]
    ).order_by("-at", "-pk")
    stays = presence(park_ids=parks, enterprise_ids=[enterprise.pk]).get(enterprise.pk, [])
    names = dict(Park.objects.filter(pk__in={stay.park_id for stay in stays}).values_list("pk", "name"))
    return PresencePage(
        stays=[(names.get(stay.park_id, ""), stay) for stay in stays],
        entries=entered,
        history=list(history.select_related("actor")[:PRESENCE_HISTORY_ROWS]),
    )
