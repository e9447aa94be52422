"""Import and export of the space inventory: the upload form, the template, and the .xlsx exports.

Thin views over `parkos.parks.importing` and `parkos.core.xlsx`; the lists' exports take the same GET
parameters as the list pages and run them through the same FilterSets and the same park scoping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parkos.accounts.access import Capability, acting_user, has_capability, is_staff_member, scope_to_parks
from parkos.core.importing.forms import ImportFileField, goes_to_background
from parkos.core.importing.jobs import enqueue
from parkos.core.models import ImportJob
from parkos.core.routing import replica_reads
from parkos.core.xlsx import (
    AREA_FORMAT,
    DATE_FORMAT,
    DECIMAL1_FORMAT,
    INTEGER_FORMAT,
    MONEY_FORMAT,
    Column,
    content_disposition,
    stamped_filename,
    workbook_response,
    xlsx_response,
)
from parkos.parks import importing
from parkos.parks.choices import SpaceStatus
from parkos.parks.filtersets import PARK_ORDERING, UNIT_ORDERING, ParkFilterSet, UnitFilterSet
from parkos.parks.importing import (
    InventoryKind,
    RowError,
    csv_template,
    error_columns,
    import_inventory,
    inventory_workbook,
    template_workbook,
)
from parkos.parks.models import Park, Unit
from parkos.parks.selectors import park_kpis, unit_search
from parkos.web.filtering import FilterSet
from parkos.web.importing import job_page, job_report

#: The last failed import's errors, so the result page can offer them as a download.
ERRORS_SESSION_KEY = "parks_import_errors"
#: Orderings the park list accepts (kept equal to ParkListView.ordering_fields; views.py is not imported
#: here so the two modules can change independently).


def staff_view[F: Callable[..., HttpResponseBase]](view: F) -> F:
    """Login (302 to the login page) and operator staff only (403 for enterprise users)."""

    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not is_staff_member(request.user):
            raise PermissionDenied(_("该页面仅限园区工作人员访问。"))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)  # type: ignore[return-value]


def _require_import_rights(request: HttpRequest) -> None:
    if not (
        has_capability(request.user, Capability.IMPORT_DATA) and has_capability(request.user, Capability.CHANGE_SPACE)
    ):
        raise PermissionDenied(_("您的角色无权导入空间数据。"))


class ImportForm(forms.Form):
    file = ImportFileField(
        help_text=gettext_lazy("Excel 工作簿（.xlsx，含园区/楼栋/楼层/单元表）或 CSV（每个文件一种数据）")
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("数据类型（仅 CSV）"),
        choices=[("", "—"), *InventoryKind.choices],
        required=False,
        help_text=gettext_lazy("CSV 文件只含一种数据，请选择它是园区、楼栋、楼层还是单元"),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("仅预览（校验并显示将新增、更新多少行，不写入）"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None and upload.name.lower().endswith(".csv") and not data.get("kind"):
            self.add_error("kind", _("CSV 文件请选择数据类型（园区、楼栋、楼层或单元）。"))
        return data


def _breadcrumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("园区"), reverse("parks:park_list")), *trail]


@staff_view
@require_http_methods(["GET", "POST"])
def import_form(request: HttpRequest) -> HttpResponse:
    """GET: the upload form (or, with ?errors=xlsx, the last failed import's errors); POST: run the import."""
    _require_import_rights(request)
    if request.method == "GET" and request.GET.get("errors") == "xlsx":
        stored = request.session.get(ERRORS_SESSION_KEY) or []
        errors = [RowError(*row) for row in stored]
        return xlsx_response(stamped_filename(_("导入错误")), error_columns(), errors, sheet=_("导入错误"))
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data.get("kind") or None
        if goes_to_background(upload):
            job = importing.create_job(user=acting_user(request), upload=upload, name=upload.name, kind=kind)
            enqueue(job)
            return redirect("parks:import_job", pk=job.pk)
        result = import_inventory(
            user=request.user, stream=upload, filename=upload.name, kind=kind, dry_run=form.cleaned_data["dry_run"]
        )
        if result.errors:
            request.session[ERRORS_SESSION_KEY] = [[e.sheet, e.row, e.column, e.message] for e in result.errors]
        else:
            request.session.pop(ERRORS_SESSION_KEY, None)
        return render(
            request,
            "parks/import_result.html",
            {
                "result": result,
                "filename": upload.name,
                "breadcrumbs": _breadcrumbs((_("导入"), None)),
            },
            status=200,
        )
    return render(
        request,
        "parks/import_form.html",
        {
            "form": form,
            "kinds": InventoryKind.choices,
            "jobs": _jobs(request)[:5],
            "breadcrumbs": _breadcrumbs((_("导入"), None)),
        },
    )


def _jobs(request: HttpRequest) -> QuerySet[ImportJob]:
    """Background imports of the inventory this person started (operator admins: everyone's)."""
    jobs = ImportJob.objects.filter(importer=importing.IMPORTER)
    return jobs if has_capability(request.user, Capability.MANAGE_USERS) else jobs.filter(created_by=request.user.pk)


@staff_view
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A background import: progress, errors and (with ?report=xlsx) the error report."""
    _require_import_rights(request)
    job = get_object_or_404(_jobs(request), pk=pk)
    if request.GET.get("report") == "xlsx":
        return job_report(job)
    detail_url = reverse("parks:import_job", args=[job.pk])
    return job_page(
        request,
        job,
        detail_url=detail_url,
        report_url=detail_url + "?report=xlsx",
        breadcrumbs=_breadcrumbs((_("导入"), reverse("parks:import")), (str(job), None)),  # type: ignore[arg-type]
    )


@staff_view
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The blank template: the workbook, or with ?kind=unit (etc.) that sheet as a CSV file."""
    kind = request.GET.get("kind")
    if kind in InventoryKind.values:
        label = str(InventoryKind(kind).label)
        response = HttpResponse(("\ufeff" + csv_template(kind)).encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(_("空间导入模板-%(kind)s.csv") % {"kind": label})
        return response
    return workbook_response(template_workbook(), _("空间导入模板.xlsx"))


@staff_view
@require_GET
@replica_reads
def inventory_export(request: HttpRequest) -> HttpResponse:
    """Everything the person may see, in the template format (?park=<id> for some parks): re-importable as is."""
    park_ids: list[int] | None = None
    requested = [p for p in request.GET.getlist("park") if p.isdigit()]
    if requested:
        park_ids = [int(p) for p in requested]
    return workbook_response(inventory_workbook(request.user, park_ids), stamped_filename(_("空间清单")))


def _ordered(request: HttpRequest, queryset: QuerySet[Any], allowed: tuple[str, ...], default: str) -> QuerySet[Any]:
    """The list page's ?sort, limited to its whitelist, with pk as the tie-breaker (as FilteredListView does)."""
    sort = request.GET.get("sort", default)
    if sort.lstrip("-") not in allowed:
        sort = default
    return queryset.order_by(sort, "pk") if sort else queryset


def _filtered(request: HttpRequest, filterset_class: type[FilterSet], queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The same filtering as FilteredListView: an invalid or empty query leaves the scoped list as it is."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    return filterset.qs if filterset.is_bound and filterset.is_valid() else queryset


def _status_label(unit: Unit) -> str:
    status = getattr(unit, "status_now", None) or unit.status
    return str(SpaceStatus(status).label)


def unit_columns() -> list[Column]:
    return [
        Column(_("园区"), "park.name", width=24),
        Column(_("楼栋"), "building.code"),
        Column(_("楼层"), "floor.level_label"),
        Column(_("单元编号"), "code"),
        Column(_("状态"), _status_label),
        Column(_("面积（m²）"), "area_sqm", AREA_FORMAT),
        Column(_("面积（亩）"), "area_mu_display"),
        Column(_("楼面活荷载（kN/m²）"), "floor.floor_load_kn_m2", DECIMAL1_FORMAT),
        Column(_("净高（m）"), "floor.clear_height_m", MONEY_FORMAT),
        Column(_("供电容量（kVA）"), "power_kva", INTEGER_FORMAT),
        Column(_("货梯（t）"), "freight_lift_t", DECIMAL1_FORMAT),
        Column(_("行车（t）"), "crane_t", DECIMAL1_FORMAT),
        Column(_("洁净条件"), lambda u: u.get_cleanroom_grade_display() if u.cleanroom_grade else ""),
        Column(_("火灾危险性类别"), "get_design_fire_class_display"),
        Column(_("租金（元/m²·月）"), "rent_yuan_per_sqm_month", MONEY_FORMAT),
        Column(_("售价（元/m²）"), "sale_price_yuan_per_sqm", MONEY_FORMAT),
        Column(_("可出售"), "for_sale"),
        Column(_("可交付日期"), "available_from", DATE_FORMAT),
    ]


@staff_view
@require_GET
@replica_reads
def unit_export(request: HttpRequest) -> HttpResponse:
    """The availability list (parks:availability) as .xlsx: its filters and sort, every page."""
    units = scope_to_parks(request.user, Unit.objects.all())
    units = _ordered(request, _filtered(request, UnitFilterSet, units), UNIT_ORDERING, "park__city")
    units = unit_search(units)
    return xlsx_response(stamped_filename(_("可租售单元")), unit_columns(), units.iterator(chunk_size=2000))


@staff_view
@require_GET
@replica_reads
def park_export(request: HttpRequest) -> HttpResponse:
    """The park list as .xlsx, with today's KPIs: the list page's filters and sort, every page."""
    scoped = scope_to_parks(request.user, Park.objects.filter(archived_at__isnull=True), "pk")
    parks = list(_ordered(request, _filtered(request, ParkFilterSet, scoped), PARK_ORDERING, "city"))
    kpis = park_kpis([p.pk for p in parks])

    def kpi(name: str) -> Callable[[Park], Any]:
        return lambda park: getattr(kpis[park.pk], name)

    columns = [
        Column(_("园区编码"), "code"),
        Column(_("园区名称"), "name", width=28),
        Column(_("省份"), "province"),
        Column(_("城市"), "city"),
        Column(_("区县"), "district"),
        Column(_("占地面积（m²）"), "land_area_sqm", AREA_FORMAT),
        Column(_("占地（亩）"), "land_area_mu_display"),
        Column(_("开园年份"), "established_year"),
        Column(_("主导产业"), "industry_focus", width=30),
        Column(_("楼栋数"), kpi("buildings"), INTEGER_FORMAT),
        Column(_("单元数"), kpi("units"), INTEGER_FORMAT),
        Column(_("建筑面积（m²）"), kpi("built_area_sqm"), AREA_FORMAT),
        Column(_("可租售面积（m²）"), kpi("lettable_area_sqm"), AREA_FORMAT),
        Column(_("空置面积（m²）"), kpi("vacant_area_sqm"), AREA_FORMAT),
        Column(_("出租率（%）"), kpi("occupancy_rate"), DECIMAL1_FORMAT),
        Column(_("参考租金下限（元/m²·月）"), "rent_min_yuan_per_sqm_month", MONEY_FORMAT),
        Column(_("参考租金上限（元/m²·月）"), "rent_max_yuan_per_sqm_month", MONEY_FORMAT),
        Column(_("允许分割销售"), "sale_allowed"),
        Column(_("归档时间"), "archived_at"),
    ]
    return xlsx_response(stamped_filename(_("园区")), columns, parks)
