"""The annual (quarterly, monthly) report: periods, figure links to their sources, Excel and PDF.

The page, the PDF and the workbook are built from one `ReportKpis`, so they always agree. Every
figure on the page carries a `FigureSpec`: enough to recompute it and list the rows behind it on
the sources page, without storing anything.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypedDict
from urllib.parse import urlencode

from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from parkos.core.units import NOT_COMPUTABLE, WAN, money_column
from parkos.core.xlsx import DECIMAL1_FORMAT, MONEY_FORMAT, Column, write_sheet
from parkos.enterprises.sizing import SIZE_CLASS_LABELS
from parkos.innovation.regulatory import ClinicalStage, DeviceStage
from parkos.statistics import charts
from parkos.statistics.kpi import (
    INDICATOR_LABELS,
    INDICATORS,
    Figure,
    GrowthFigure,
    Indicator,
    ReportPeriod,
    TotalsSide,
    growth_of,
    rnd_intensity_of,
    total_of,
)
from parkos.statistics.kpi.assembly import ReportKpis, SectorKpis, report_kpis
from parkos.statistics.kpi.narrative import point_change_phrase
from parkos.statistics.kpi.pipeline import DEVICE_KEY_PREFIX
from parkos.statistics.selectors import MujuLine

SECTOR_LABELS: Final = {"industry": gettext_lazy("工业"), "service": gettext_lazy("服务业")}
NEW_ABOVE_SCALE_KINDS: Final = {"upgraded": gettext_lazy("升规"), "moved_in": gettext_lazy("迁入规上")}
QUARTERS: Final = {"q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12)}


def parse_period(year: int, code: str | None) -> ReportPeriod:
    """ "year" (default) → 全年; "q1".."q4" → a quarter; "h1" → 上半年; "m1".."m12" → 1–N月 (cumulative;
    "m1" is 1–2月: January is reported with February, RULES §10.1)."""
    code = (code or "year").lower()
    if code in QUARTERS:
        first, last = QUARTERS[code]
        return ReportPeriod(year, first, last)
    if code == "h1":
        return ReportPeriod(year, 1, 6)
    if code.startswith("m") and code[1:].isdigit() and 1 <= int(code[1:]) <= 12:
        return ReportPeriod.year_to(year, int(code[1:]))
    return ReportPeriod(year)


def period_code(period: ReportPeriod) -> str:
    if period.is_full_year:
        return "year"
    for code, (first, last) in QUARTERS.items():
        if (period.first_month, period.last_month) == (first, last):
            return code
    if (period.first_month, period.last_month) == (1, 6):
        return "h1"
    return f"m{period.last_month}"


# --- figure links --------------------------------------------------------------------------------

POPULATIONS: Final = frozenset(
    {"all", "above", "above_previous", "industry", "service", "service_above", "service_above_previous"}
)


def population_ids(kpis: ReportKpis, population: str) -> frozenset[int] | None:
    """The enterprises a population names in a report (None: every one)."""
    industry, service = kpis.sections["industry"], kpis.sections["service"]
    return {
        "above": industry.above_ids,
        "above_previous": industry.above_ids_previous,
        "industry": industry.enterprise_ids,
        "service": service.enterprise_ids,
        "service_above": service.above_ids,
        "service_above_previous": service.above_ids_previous,
    }.get(population)


@dataclass(frozen=True)
class FigureSpec:
    """Which figure: scope, months, indicator, measure (total | growth), population, which year."""

    park_ids: tuple[int, ...] | None
    year: int
    first: int
    last: int
    indicator: Indicator
    measure: str = "total"  # total | growth | rnd
    #: all | above (规上工业 at the period end) | above_previous (a year earlier) | industry (门类 B–D) |
    #: service (the other 门类) | service_above | service_above_previous (规上服务业, RULES §5)
    population: str = "all"
    previous: bool = False  # the total of the same months a year earlier

    def query(self) -> str:
        params: dict[str, Any] = {
            "year": self.year,
            "first": self.first,
            "last": self.last,
            "indicator": self.indicator,
            "measure": self.measure,
            "population": self.population,
        }
        if self.park_ids is not None:
            params["parks"] = ",".join(str(p) for p in self.park_ids)
        if self.previous:
            params["previous"] = 1
        return urlencode(params)

    @property
    def url(self) -> str:
        return reverse("park_statistics:sources") + "?" + self.query()

    @classmethod
    def from_query(cls, query: QueryDict) -> FigureSpec:
        """Parse the sources page's query; ValueError on anything malformed."""
        parks = query.get("parks", "")
        park_ids = tuple(int(p) for p in parks.split(",") if p) if parks else None
        indicator = next((i for i in INDICATORS if i == query.get("indicator")), None)
        if indicator is None:
            raise ValueError("indicator")
        spec = cls(
            park_ids=park_ids,
            year=int(query.get("year", "")),
            first=int(query.get("first", "1")),
            last=int(query.get("last", "12")),
            indicator=indicator,
            measure=query.get("measure", "total"),
            population=query.get("population", "all"),
            previous=query.get("previous") == "1",
        )
        ReportPeriod(spec.year, spec.first, spec.last)  # validates the months
        if spec.measure not in {"total", "growth", "rnd"} or spec.population not in POPULATIONS:
            raise ValueError("measure")
        return spec


def resolve(spec: FigureSpec) -> Figure | GrowthFigure:
    """Recompute the figure a spec names, by the same selector and table as the report."""
    kpis = report_kpis(park_ids=spec.park_ids, period=ReportPeriod(spec.year, spec.first, spec.last), detail=False)
    table, indicator = kpis.table, spec.indicator
    ids = population_ids(kpis, spec.population)
    side: TotalsSide = "previous" if spec.previous else "current"
    if spec.measure == "growth":
        return growth_of(table, indicator, ids)
    if spec.measure == "rnd":
        return rnd_intensity_of(table, side, ids)
    return total_of(table, indicator, side, ids)


# --- the page's figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One row of the headline table: a figure, its growth, and links to both figures' sources."""

    label: str
    value: str
    growth: str
    value_url: str
    growth_url: str
    testid: str = ""


class _Scope(TypedDict):
    """The scope and months every figure of one report shares (``FigureSpec``'s first fields)."""

    park_ids: tuple[int, ...] | None
    year: int
    first: int
    last: int


#: The headline table's indicators, in its order.
_HEADLINE_ROWS: Final[tuple[Indicator, ...]] = (
    "output",
    "revenue",
    "profit",
    "taxes",
    "fixed_asset_investment",
    "rnd_spending",
    "exports",
    "energy_tce",
    "employees",
)


def _base(report: ReportKpis) -> _Scope:
    period = report.period
    return {"park_ids": report.park_ids, "year": period.year, "first": period.first_month, "last": period.last_month}


def _count_line(label: str, count: int, testid: str) -> Line:
    return Line(label, f"{count:,}", "", "", "", testid)


def _new_above_scale_text(section: SectorKpis) -> str:
    """ "3" or "3（升规2、迁入1）": new 规上 with arrivals apart (RULES §5.3)."""
    if not section.moved_in:
        return f"{len(section.upgraded):,}"
    return _("%(total)s（升规%(upgraded)s、迁入%(moved_in)s）") % {
        "total": f"{section.new_above_scale:,}",
        "upgraded": f"{len(section.upgraded):,}",
        "moved_in": f"{len(section.moved_in):,}",
    }


def section_lines(report: ReportKpis) -> list[tuple[str, str, list[Line]]]:
    """The report's two sections (RULES §5): 工业 (门类 B–D, on 工业总产值, 规上工业, 升规) and 服务业
    (the other 门类, on 营业收入, 规上服务业 on their own thresholds), as (key, title, lines)."""
    base = _base(report)
    industry, service = report.sections["industry"], report.sections["service"]
    industry_lines = [
        Line(
            _("工业总产值"),
            industry.total.display,
            industry.growth.display,
            FigureSpec(**base, indicator="output", population="industry").url,
            FigureSpec(**base, indicator="output", population="industry", measure="growth").url,
            "industry-output",
        ),
        Line(
            _("规上工业总产值"),
            report.above_scale_output.display,
            report.above_scale_output_growth.display,
            FigureSpec(**base, indicator="output", population="above").url,
            FigureSpec(**base, indicator="output", population="above", measure="growth").url,
            "above-output",
        ),
        _count_line(_("规上工业企业（家）"), len(industry.above_ids), "industry-above-count"),
        Line(_("新增规上工业企业（家）"), _new_above_scale_text(industry), "", "", "", "industry-new-above"),
    ]
    service_lines = [
        Line(
            _("服务业营业收入"),
            service.total.display,
            service.growth.display,
            FigureSpec(**base, indicator="revenue", population="service").url,
            FigureSpec(**base, indicator="revenue", population="service", measure="growth").url,
            "service-revenue",
        ),
        Line(
            _("规上服务业营业收入"),
            service.above_total.display,
            service.above_growth.display,
            FigureSpec(**base, indicator="revenue", population="service_above").url,
            FigureSpec(**base, indicator="revenue", population="service_above", measure="growth").url,
            "service-above-revenue",
        ),
        _count_line(_("规上服务业企业（家）"), len(service.above_ids), "service-above-count"),
        Line(_("新增规上服务业企业（家）"), _new_above_scale_text(service), "", "", "", "service-new-above"),
    ]
    return [("industry", _("工业"), industry_lines), ("service", _("服务业"), service_lines)]


def headline(report: ReportKpis) -> list[Line]:
    """Every enterprise's totals (both sections and those without an industry code)."""
    period = report.period
    base = _base(report)
    lines = []
    for indicator in _HEADLINE_ROWS:
        figure, growth = report.totals[indicator], report.growth[indicator]
        lines.append(
            Line(
                str(INDICATOR_LABELS[indicator]),
                figure.display,
                growth.display,
                FigureSpec(**base, indicator=indicator).url,
                FigureSpec(**base, indicator=indicator, measure="growth").url,
                indicator,
            )
        )
    lines.append(
        Line(
            _("R&D经费投入强度"),
            report.rnd_intensity.display,
            point_change_phrase(report.rnd_intensity_change.value, full_year=period.is_full_year) or NOT_COMPUTABLE,
            FigureSpec(**base, indicator="rnd_spending", measure="rnd").url,
            FigureSpec(**base, indicator="rnd_spending", measure="rnd", previous=True).url,
            "rnd-intensity",
        )
    )
    return lines


def stage_rows(report: ReportKpis) -> list[tuple[str, int]]:
    """Products by their stage at the end of the period, drugs then devices, each in pathway order."""
    labels = {stage.value: str(stage.label) for stage in ClinicalStage}
    labels.update({DEVICE_KEY_PREFIX + s.value: _("器械·%(status)s") % {"status": s.label} for s in DeviceStage})
    rank = {key: position for position, key in enumerate(labels)}
    counts = report.products_by_stage
    return [(labels.get(key, key), counts[key]) for key in sorted(counts, key=lambda k: (rank.get(k, len(rank)), k))]


def pipeline_rows(report: ReportKpis) -> list[tuple[str, int]]:
    """The pipeline figures the paragraph states, at the end of the period (RULES §7.6)."""
    return [
        (_("在研重点产品"), report.products_in_rnd),
        (_("进入临床的1类新药"), report.class1_drugs_in_clinical),
        (_("处于三期临床"), report.products_in_phase3),
        (_("本期新进入三期临床"), report.products_new_in_phase3),
    ]


def chart_series(report: ReportKpis) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """Monthly 工业总产值 in the unit of a column of amounts (万元; English, millions), this year and
    last year: 1–2月, then each month; None (a gap) where nobody reported (RULES §10.1)."""
    year = report.period.year
    divisor = money_column().divisor
    categories = [point.label(year) for point in report.monthly_output]
    series = [
        (str(year), [charts.to_float(point.current, divisor) for point in report.monthly_output]),
        (str(year - 1), [charts.to_float(point.previous, divisor) for point in report.monthly_output]),
    ]
    return categories, series


def monthly_rows(report: ReportKpis) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """The series as a table: (label, this year, last year) in 元; None prints as "--", not 0."""
    year = report.period.year
    return [(point.label(year), point.current, point.previous) for point in report.monthly_output]


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def size_rows(report: ReportKpis) -> list[tuple[str, int]]:
    return [
        (str(SIZE_CLASS_LABELS[size]), report.size_classes.get(size, 0))
        for size in ("large", "medium", "small", "micro")
    ]


def report_context(report: ReportKpis, *, title: str, muju_lines: list[MujuLine] | None = None) -> dict[str, Any]:
    categories, series = chart_series(report)
    unit = money_column().unit
    return {
        "report": report,
        "title": title,
        "paragraph": report.paragraph,
        "lines": headline(report),
        "sections": section_lines(report),
        "stages": stage_rows(report),
        "monthly": monthly_rows(report),
        "pipeline": pipeline_rows(report),
        "sizes": size_rows(report),
        "chart_option": charts.echarts_bar(categories, series, unit),
        "chart_svg": svg_data_uri(
            charts.svg_bar(categories, series, unit=_("工业总产值（%(unit)s）") % {"unit": unit})
        ),
        "muju_lines": muju_lines or [],
        "naive_growth": report.above_scale_output_naive.display,
    }


# --- downloads -----------------------------------------------------------------------------------


#: Enterprises listed by name in the PDF (by output, largest first); the .xlsx lists every one.
#: A park of 2,000 enterprises otherwise prints 80 pages of table and takes WeasyPrint 12 s.
PDF_ENTERPRISES: Final = 100


def render_pdf(context: Mapping[str, Any], base_url: str) -> bytes:
    """The report as PDF (WeasyPrint, Noto Sans CJK SC on the body and the page margin boxes)."""
    # WeasyPrint loads pango and its fonts (about 0.3 s and 40 MB); only this export needs them.
    from weasyprint import HTML  # noqa: PLC0415

    everyone = context["report"].by_enterprise
    html = render_to_string(
        "statistics/report_pdf.html",
        {
            **context,
            "enterprises": everyone[:PDF_ENTERPRISES],
            "enterprises_omitted": max(len(everyone) - PDF_ENTERPRISES, 0),
        },
    )
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return pdf


def _wan(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value / WAN).quantize(Decimal("0.01"))


def workbook(report: ReportKpis, *, title: str, muju_lines: Collection[MujuLine] = ()) -> bytes:
    """The report's tables as .xlsx: overview, by month (1–2月 together; empty cells where nobody
    reported), by enterprise, by industry, 升规, projects, 亩均."""
    book = Workbook(write_only=True)
    overview = [(_("报告"), title, "")]
    for _key, section_title, lines in section_lines(report):
        overview += [(f"{section_title}·{line.label}", line.value, line.growth) for line in lines]
    overview += [(f"{_('全部企业')}·{line.label}", line.value, line.growth) for line in headline(report)]
    if report.unclassified_ids:
        overview.append((_("缺少行业代码的企业（未计入工业或服务业）"), "、".join(report.unclassified_names), ""))
    overview.append((_("综述"), report.paragraph, ""))
    overview.append((_("规上产值增速（按公布总量直接相除，仅供对照）"), report.above_scale_output_naive.display, ""))
    write_sheet(
        book,
        _("概览"),
        [Column(_("指标"), lambda r: r[0]), Column(_("数值"), lambda r: r[1]), Column(_("同比"), lambda r: r[2])],
        overview,
    )
    write_sheet(
        book,
        _("按月"),
        [
            Column(_("月份"), lambda r: r[0]),
            Column(_("本年工业总产值（万元）"), lambda r: _wan(r[1]), MONEY_FORMAT),
            Column(_("上年工业总产值（万元）"), lambda r: _wan(r[2]), MONEY_FORMAT),
        ],
        monthly_rows(report),
    )
    write_sheet(
        book,
        _("按企业"),
        [
            Column(_("企业"), "name"),
            Column(_("行业代码"), "industry"),
            Column(_("规上"), "above_scale"),
            Column(_("工业总产值（万元）"), lambda e: _wan(e.output.value), MONEY_FORMAT),
            Column(_("营业收入（万元）"), lambda e: _wan(e.revenue.value), MONEY_FORMAT),
            Column(_("税金总额（万元）"), lambda e: _wan(e.taxes.value), MONEY_FORMAT),
            Column(_("同比（%，工业按产值，服务业按营业收入）"), lambda e: e.growth.rate, DECIMAL1_FORMAT),
        ],
        report.by_enterprise,
    )
    write_sheet(
        book,
        _("按行业"),
        [
            Column(_("行业大类"), lambda i: f"{i.code} {i.label}".strip()),
            Column(_("企业数"), "enterprises"),
            Column(_("工业总产值（万元）"), lambda i: _wan(i.output), MONEY_FORMAT),
            Column(_("营业收入（万元）"), lambda i: _wan(i.revenue), MONEY_FORMAT),
            Column(_("税金总额（万元）"), lambda i: _wan(i.taxes), MONEY_FORMAT),
            Column(_("同比（工业按产值，服务业按营业收入）"), lambda i: i.growth.display),
        ],
        report.by_industry,
    )
    write_sheet(
        book,
        _("新增规上企业"),
        [
            Column(_("企业"), lambda line: line.name or line.event.enterprise_id),
            Column(_("口径"), lambda line: str(SECTOR_LABELS[line.sector])),
            Column(_("类型"), lambda line: str(NEW_ABOVE_SCALE_KINDS[line.kind])),
            Column(_("达到标准月份"), lambda line: f"{line.event.year}-{line.event.month:02d}"),
            Column(_("近12个月营业收入（万元）"), lambda line: _wan(line.event.revenue.value), MONEY_FORMAT),
            Column(_("规上标准（万元）"), lambda line: _wan(line.event.threshold), MONEY_FORMAT),
        ],
        report.new_above_scale_lines,
    )
    write_sheet(
        book,
        _("建成投用项目"),
        [
            Column(_("项目"), "name"),
            Column(_("建设单位"), "enterprise"),
            Column(_("计划总投资（万元）"), lambda p: _wan(p.planned_investment), MONEY_FORMAT),
            Column(_("本期完成投资（万元）"), lambda p: _wan(p.investment_in_period), MONEY_FORMAT),
            Column(_("建成投用日期"), "completed_on"),
        ],
        report.projects_completed,
    )
    if muju_lines:
        write_sheet(
            book,
            _("亩均评价"),
            [
                Column(_("企业"), "name"),
                Column(_("用地（亩）"), "land_mu", MONEY_FORMAT),
                Column(_("得分"), lambda m: m.graded.total, MONEY_FORMAT),
                Column(_("排名"), lambda m: m.graded.rank),
                Column(_("等级"), lambda m: m.graded.display),
            ],
            muju_lines,
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
