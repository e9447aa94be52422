"""The annual incubator statistics (科技企业孵化器统计, Torch Centre) of one programme, computed from ParkOS.

Every figure is a sum or count over named rows, and keeps them: `Figure.sources` lists each
enterprise (or space, or award) with its value, where the value came from and a link to it, so the
sources page and the workbook show how every number was made (RULES §13.4). Enterprise figures take,
in this order: the enterprise's annual return for the year (what the Torch form asks of it), then
the monthly statistics (year-end headcount, revenue and R&D of the year); an enterprise with neither
is listed as missing, never counted as zero.

Population: the programme's records in incubation at 31 December of the year — admitted on or
before it and not graduated or exited by then.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count
from django.urls import reverse
from django.utils.translation import gettext as _

from parkos.incubation import figures, milestones
from parkos.incubation.choices import IncubationStage, SchemeApplicationStatus
from parkos.incubation.models import (
    AnnualReturn,
    IncubationRecord,
    Programme,
    SchemeApplication,
    ServiceProvider,
    ServiceRequest,
)
from parkos.leasing import selectors as leasing_selectors

WAN = Decimal(10000)


@dataclass(frozen=True)
class SourceRow:
    label: str
    value: Any
    origin: str
    url: str = ""


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    value: Decimal | int | None = None
    note: str = ""
    sources: list[SourceRow] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # enterprises without the figure

    @property
    def display(self) -> str:
        """The value as the report prints it: grouped, money and areas to two places, "--" when unknown."""
        if self.value is None:
            return "--"
        if isinstance(self.value, int):
            return f"{self.value:,}"
        places = Decimal("0.1") if self.unit in ("%", _("星")) else Decimal("0.01")
        return f"{self.value.quantize(places, ROUND_HALF_UP):,}"


@dataclass(frozen=True)
class TorchReport:
    programme: Programme
    year: int
    figures: list[Figure]
    records: list[IncubationRecord]

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def _record_url(record: IncubationRecord) -> str:
    return reverse("incubation:record_detail", args=[record.pk])


def _in_incubation(records: Sequence[IncubationRecord], day: datetime.date) -> list[IncubationRecord]:
    def ended(record: IncubationRecord) -> datetime.date | None:
        return record.graduated_on or record.exited_on

    return [r for r in records if r.admitted_on <= day and ((end := ended(r)) is None or end > day)]


def _count(
    key: str, label: str, rows: Sequence[IncubationRecord], origin: str, on: Callable[[IncubationRecord], Any]
) -> Figure:
    return Figure(
        key,
        label,
        _("家"),
        len(rows),
        sources=[SourceRow(r.enterprise.name, on(r), origin, _record_url(r)) for r in rows],
    )


def _sum_per_enterprise(
    key: str,
    label: str,
    unit: str,
    records: Sequence[IncubationRecord],
    value_of: Callable[[IncubationRecord], tuple[Decimal | int | None, str, str]],
) -> Figure:
    figure = Figure(key, label, unit, 0)
    total: Decimal | int = 0
    for record in records:
        value, origin, url = value_of(record)
        if value is None:
            figure.missing.append(record.enterprise.name)
            continue
        total += value
        figure.sources.append(SourceRow(record.enterprise.name, value, origin, url))
    figure.value = total if figure.sources else None
    if figure.missing:
        figure.note = _("%(n)d家未报送") % {"n": len(figure.missing)}
    return figure


def incubator_statistics(programme: Programme, year: int) -> TorchReport:
    year_end = datetime.date(year, 12, 31)
    year_start = datetime.date(year, 1, 1)
    records = list(
        IncubationRecord.objects.filter(programme=programme)
        .select_related("enterprise", "intake")
        .order_by("enterprise__name")
    )
    current = _in_incubation(records, year_end)
    ids = [r.enterprise_id for r in current]
    returns = {a.record_id: a for a in AnnualReturn.objects.filter(record__in=[r.pk for r in current], year=year)}
    annual = figures.annual_figures(park_ids=[programme.park_id], year=year)
    status = milestones.status_facts(ids, year_end) if ids else {}

    def report(record: IncubationRecord) -> str:
        return reverse("incubation:record_detail", args=[record.pk]) + f"#annual-{year}"

    stats_url = figures.statistics_url
    return_origin = _("年度补充数据")
    stats_origin = _("月度统计（%(year)d年）") % {"year": year}

    def from_return(attribute: str) -> Callable[[IncubationRecord], tuple[Any, str, str]]:
        def value(record: IncubationRecord) -> tuple[Any, str, str]:
            annual_return = returns.get(record.pk)
            found = getattr(annual_return, attribute, None) if annual_return else None
            return found, return_origin, report(record)

        return value

    def employees(record: IncubationRecord) -> tuple[Any, str, str]:
        annual_return = returns.get(record.pk)
        if annual_return is not None and annual_return.employees is not None:
            return annual_return.employees, return_origin, report(record)
        stats = annual.get(record.enterprise_id)
        if stats is not None and stats.employees is not None:
            return stats.employees, stats_origin, stats_url(record.enterprise_id)
        return None, "", ""

    def money(attribute: str) -> Callable[[IncubationRecord], tuple[Any, str, str]]:
        def value(record: IncubationRecord) -> tuple[Any, str, str]:
            stats = annual.get(record.enterprise_id)
            found = getattr(stats, attribute, None) if stats else None
            if found is None:
                return None, "", ""
            return (found / WAN).quantize(Decimal("0.01"), ROUND_HALF_UP), stats_origin, stats_url(record.enterprise_id)

        return value

    def financing(record: IncubationRecord) -> tuple[Any, str, str]:
        annual_return = returns.get(record.pk)
        if annual_return is None or annual_return.financing_wan is None:
            return None, "", ""
        return annual_return.financing_wan, return_origin, report(record)

    admitted = [r for r in records if r.admitted_on.year == year]
    graduated_year = [r for r in records if r.graduated_on and r.graduated_on.year == year]
    graduated_all = [r for r in records if r.graduated_on and r.graduated_on <= year_end]
    exited_year = [r for r in records if r.exited_on and r.exited_on.year == year]
    high_tech = [r for r in current if status.get(r.enterprise_id) and status[r.enterprise_id].high_tech]
    result = [
        _count("incubated", _("在孵企业数（年末）"), current, _("在孵"), lambda r: r.admitted_on),
        _count("admitted", _("当年新增在孵企业"), admitted, _("入孵"), lambda r: r.admitted_on),
        _count("graduated", _("当年毕业企业"), graduated_year, _("毕业"), lambda r: r.graduated_on),
        _count("graduated_total", _("累计毕业企业"), graduated_all, _("毕业"), lambda r: r.graduated_on),
        _count("exited", _("当年退出企业"), exited_year, _("退出"), lambda r: r.exited_on),
        _count("high_tech", _("在孵高新技术企业"), high_tech, _("高新技术企业"), lambda r: _("是")),
        _sum_per_enterprise("employees", _("在孵企业从业人员"), _("人"), current, employees),
        _sum_per_enterprise("college", _("其中：大专以上学历"), _("人"), current, from_return("college_educated")),
        _sum_per_enterprise("returnees", _("其中：留学归国人员"), _("人"), current, from_return("returnees")),
        _sum_per_enterprise("ip_held", _("在孵企业拥有有效知识产权"), _("件"), current, from_return("ip_held")),
        _sum_per_enterprise(
            "invention_patents", _("其中：有效发明专利"), _("件"), current, from_return("invention_patents_held")
        ),
        _sum_per_enterprise(
            "patent_applications", _("当年专利申请"), _("件"), current, from_return("patent_applications")
        ),
        _sum_per_enterprise("patents_granted", _("当年专利授权"), _("件"), current, from_return("patents_granted")),
        _sum_per_enterprise("revenue", _("在孵企业总收入"), _("万元"), current, money("revenue")),
        _sum_per_enterprise("rnd", _("在孵企业研发投入"), _("万元"), current, money("rnd_spending")),
        _sum_per_enterprise("financing", _("当年获得投融资"), _("万元"), current, financing),
    ]
    result.extend(_space_and_services(programme, year, current, year_start, year_end))
    return TorchReport(programme, year, result, current)


def _space_and_services(
    programme: Programme,
    year: int,
    current: Sequence[IncubationRecord],
    year_start: datetime.date,
    year_end: datetime.date,
) -> list[Figure]:
    area = Figure(
        "area",
        _("孵化场地面积"),
        "m²",
        programme.incubation_area_sqm,
        sources=[SourceRow(programme.name, programme.incubation_area_sqm, _("项目设置"), programme.get_absolute_url())],
    )
    leased = leasing_selectors.leased_area_by_enterprise(programme.park_id, year_end)
    used = Figure("area_used", _("在孵企业使用面积"), "m²", Decimal(0))
    for record in current:
        sqm = leased.get(record.enterprise_id)
        if sqm:
            used.sources.append(
                SourceRow(
                    record.enterprise.name,
                    sqm,
                    _("执行中的租售合同"),
                    reverse("leasing:contract_list") + f"?enterprise={record.enterprise_id}",
                )
            )
            used.value = (Decimal(used.value or 0) + Decimal(sqm)).quantize(Decimal("0.01"))
    share = Figure("area_share", _("在孵企业使用面积占比"), "%")
    if programme.incubation_area_sqm:
        share.value = (Decimal(used.value or 0) / programme.incubation_area_sqm * 100).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        share.note = _("在孵企业使用面积 ÷ 孵化场地面积")
    mentors = sorted({str(r.mentor) for r in current if r.mentor_id is not None})
    mentor_figure = Figure(
        "mentors",
        _("创业导师/服务专员"),
        _("人"),
        len(mentors),
        sources=[SourceRow(m, 1, _("在孵企业档案")) for m in mentors],
    )
    staff = (
        ServiceProvider.objects.filter(park_id=programme.park_id, is_active=True)
        .values_list("members__display_name", "members__username", "name")
        .exclude(members__isnull=True)
        .order_by("name")
    )
    staff_rows = [SourceRow(display or username, 1, provider) for display, username, provider in staff]
    requests = ServiceRequest.objects.filter(
        park_id=programme.park_id,
        enterprise_id__in=[r.enterprise_id for r in current],
        raised_at__date__gte=year_start,
        raised_at__date__lte=year_end,
    )
    request_stats = requests.aggregate(n=Count("pk"), avg_rating=Avg("rating"), rated=Count("rating"))
    awards = SchemeApplication.objects.filter(
        park_id=programme.park_id,
        enterprise_id__in=[r.enterprise_id for r in current],
        status=SchemeApplicationStatus.AWARDED,
        awarded_on__year=year,
    ).select_related("scheme", "enterprise")
    award_rows = [
        SourceRow(
            f"{a.enterprise.name} · {a.scheme.name}",
            (a.amount_awarded or Decimal(0)) / WAN,
            _("政策兑现"),
            a.scheme.get_absolute_url(),
        )
        for a in awards
    ]
    rating = request_stats["avg_rating"]
    return [
        area,
        used,
        share,
        mentor_figure,
        Figure("service_staff", _("服务人员"), _("人"), len(staff_rows), sources=staff_rows),
        Figure(
            "services",
            _("当年为在孵企业办理服务申请"),
            _("项"),
            request_stats["n"],
            sources=[SourceRow(_("服务申请"), request_stats["n"], _("服务台"), reverse("incubation:request_list"))],
        ),
        Figure(
            "satisfaction",
            _("服务满意度（平均星级）"),
            _("星"),
            Decimal(str(rating)).quantize(Decimal("0.1")) if rating is not None else None,
            note=_("%(n)d项评价") % {"n": request_stats["rated"]},
        ),
        Figure(
            "awards",
            _("当年获得政策兑现"),
            _("万元"),
            sum((row.value for row in award_rows), Decimal(0)).quantize(Decimal("0.01")) if award_rows else Decimal(0),
            sources=award_rows,
        ),
    ]


def stage_on(record: IncubationRecord, day: datetime.date) -> str:
    """A record's stage label on a day, for the workbook's enterprise sheet."""
    if record.graduated_on and record.graduated_on <= day:
        return str(IncubationStage.GRADUATED.label)
    if record.exited_on and record.exited_on <= day:
        return str(IncubationStage.EXITED.label)
    return str(IncubationStage(record.stage).label) if record.stage in {s.value for s in IncubationStage} else ""
