"""Pages of 主要产品产量 and the government forms (B204-1, the 亩均 submission). Thin over
`product_output`, `product_importing` and `govforms`; park-scoped like the other statistics pages."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import Capability, acting_user, has_capability, require_capability
from parkos.core.xlsx import XLSX_CONTENT_TYPE, content_disposition
from parkos.parks.models import Park
from parkos.statistics import product_importing, product_output, selectors
from parkos.statistics.forms import ImportForm, ProductOutputForm
from parkos.statistics.govforms import exports
from parkos.statistics.models import ProductOutput
from parkos.statistics.views import ParkPageMixin, _int
from parkos.web.views_generic import apply_validation_error


def _period(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    year = _int(request.GET.get("year"), previous.year)
    month = min(max(_int(request.GET.get("month"), previous.month), 1), 12)
    return year, month


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


class ProductOutputView(ParkPageMixin, View):
    """A park's product output of a month: the lines, a form to add one, the import, the B204-1 export."""

    def _form(self, park: Park, data: QueryDict | None = None) -> ProductOutputForm:
        year, month = _period(self.request)
        enterprises = selectors.expected_reporters(park.pk, year, month).order_by("name")
        return ProductOutputForm(data, enterprises=enterprises)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        return self._render(park, self._form(park), ImportForm(), None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        require_capability(request.user, Capability.MANAGE_STATISTICS, park)
        if "delete" in request.POST:
            row = get_object_or_404(ProductOutput, pk=_int(request.POST.get("delete"), 0), park=park)
            product_output.output_delete(row=row, actor=acting_user(request))
            messages.success(request, _("已删除。"))
            return HttpResponseRedirect(request.get_full_path())
        if "file" in request.FILES:
            return self._import(park)
        form = self._form(park, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                product_output.output_record(
                    park=park,
                    enterprise=data["enterprise"],
                    year=data["year"],
                    month=data["month"],
                    data=product_output.OutputData(
                        product_name=data["product_name"],
                        product_code=data["product_code"],
                        unit=data["unit"],
                        quantity=data["quantity"],
                        exports=form.exports_yuan,
                        note=data["note"],
                    ),
                    actor=acting_user(request),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                url = reverse("park_statistics:product_output", args=[park.pk])
                return HttpResponseRedirect(f"{url}?year={data['year']}&month={data['month']}")
        return self._render(park, form, ImportForm(), None)

    def _import(self, park: Park) -> HttpResponse:
        require_capability(self.request.user, Capability.IMPORT_DATA, park)
        upload_form = ImportForm(self.request.POST, self.request.FILES)
        result = None
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            result = product_importing.import_outputs(
                park=park, name=upload.name, data=upload, actor=acting_user(self.request),
                dry_run=upload_form.cleaned_data["dry_run"],
            )  # fmt: skip
            if result.ok and not result.dry_run:
                messages.success(
                    self.request,
                    _("已导入 %(rows)s 行：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s。")
                    % {"rows": result.rows_processed, "created": result.created, "updated": result.updated,
                       "unchanged": result.unchanged},
                )  # fmt: skip
                return HttpResponseRedirect(self.request.get_full_path())
        return self._render(park, self._form(park), upload_form, result)

    def _render(self, park: Park, form: ProductOutputForm, upload_form: ImportForm, result: object) -> HttpResponse:
        year, month = _period(self.request)
        rows = product_output.outputs([park.pk]).filter(year=year, month=month)
        return render(
            self.request,
            "statistics/product_output.html",
            {
                "park": park,
                "year": year,
                "month": month,
                "rows": rows,
                "totals": product_output.product_totals(park_ids=[park.pk], year=year, last_month=month),
                "form": form,
                "upload_form": upload_form,
                "result": result,
                "can_manage": has_capability(self.request.user, Capability.MANAGE_STATISTICS),
                "breadcrumbs": [
                    (_("统计与年报"), reverse("park_statistics:dashboard") + f"?park={park.pk}"),
                    (_("主要产品产量"), ""),
                ],
            },
            status=200,
        )


class ProductOutputTemplateView(ParkPageMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.get_park(pk)
        return _xlsx(product_importing.template_bytes(), _("主要产品产量导入模板.xlsx"))


class B204ExportView(ParkPageMixin, View):
    """B204-1 工业产销总值及主要产品产量 of a month (``?year=&month=&enterprise=``) as .xlsx."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        park = self.get_park(pk)
        year, month = _period(request)
        enterprise = _int(request.GET.get("enterprise"), 0)
        forms = exports.b204_forms(
            park=park, year=year, month=month, enterprise_ids=[enterprise] if enterprise else None
        )
        content = exports.b204_workbook(forms, park=park, year=year, month=month)
        name = _("%(park)s%(year)s年%(month)s月B204-1工业产销总值及主要产品产量.xlsx") % {
            "park": park.name,
            "year": year,
            "month": month,
        }
        return _xlsx(content, name)


class MujuSubmissionView(ParkPageMixin, View):
    """The 亩均 evaluation submission of a year under the park's scheme (``?scheme=`` another)."""

    def get(self, request: HttpRequest, pk: int, year: int) -> HttpResponse:
        park = self.get_park(pk)
        scheme = exports.park_scheme(park, request.GET.get("scheme"))
        content = exports.muju_workbook(park=park, year=year, scheme=scheme)
        return _xlsx(content, _("%(park)s%(year)s年度亩均效益评价汇总表.xlsx") % {"park": park.name, "year": year})
