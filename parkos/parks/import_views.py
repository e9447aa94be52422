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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parkos.accounts.access import Capability, has_capability, is_staff_member, scope_to_parks
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

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The last failed import's errors, so the result page can offer them as a download.
ERRORS_SESSION_KEY = "parks_import_errors"
#: Orderings the park list accepts (kept equal to ParkListView.ordering_fields; views.py is not imported
#: here so the two modules can change independently).


def staff_view[F: Callable[..., HttpResponse]](view: F) -> F:
    """Login (302 to the login page) and operator staff only (403 for enterprise users)."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy(
            "Excel 工作簿（.xlsx，含园区/楼栋/楼层/单元表）或 CSV（每个文件一种数据），不超过 10 MB"
        ),
        error_messages={"required": gettext_lazy("请选择要导入的文件。"), "empty": gettext_lazy("文件是空的。")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("数据类型（仅 CSV）"),
        choices=[("", "—"), *InventoryKind.choices],
        required=False,
        help_text=gettext_lazy("CSV 文件只含一种数据，请选择它是园区、楼栋、楼层还是单元"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件不能超过 10 MB（当前 %(size).1f MB）。") % {"size": upload.size / 1024 / 1024}
            )
        if name.endswith(".xls"):
            raise forms.ValidationError(_("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。"))
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("仅支持 .xlsx 或 .csv 文件。"))
        return upload

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
        result = import_inventory(
            user=request.user, stream=upload, filename=upload.name, kind=form.cleaned_data.get("kind") or None
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
        {"form": form, "kinds": InventoryKind.choices, "breadcrumbs": _breadcrumbs((_("导入"), None))},
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


def _filtered(request: HttpRequest, filterset_class: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
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
def unit_export(request: HttpRequest) -> HttpResponse:
    """The availability list (parks:availability) as .xlsx: its filters and sort, every page."""
    units = scope_to_parks(request.user, Unit.objects.all())
    units = _ordered(request, _filtered(request, UnitFilterSet, units), UNIT_ORDERING, "park__city")
    units = unit_search(units)
    return xlsx_response(stamped_filename(_("可租售单元")), unit_columns(), units.iterator(chunk_size=2000))


@staff_view
@require_GET
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
