"""Pages of the enterprise pool: thin over selectors and services; every staff role may read."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import Capability, acting_user, has_capability, require_capability, visible_parks
from parkos.core.client_ip import client_ip
from parkos.core.importing.jobs import enqueue
from parkos.core.models import ImportJob, ImportStatus
from parkos.enterprises import dedup, importing, selectors, services
from parkos.enterprises.filtersets import EnterpriseFilterSet
from parkos.enterprises.forms import ContactForm, EnterpriseForm, ImportForm
from parkos.enterprises.models import Contact, Enterprise, MergeRecord
from parkos.enterprises.phones import mask_mobile
from parkos.web import panels
from parkos.web.importing import job_page, job_report
from parkos.web.views_generic import FilteredListView, Paginable, StaffRequiredMixin


class EnterpriseListView(FilteredListView):
    model = Enterprise
    filterset_class = EnterpriseFilterSet
    template_name = "enterprises/enterprise_list.html"
    partial_template_name = "enterprises/_enterprise_table.html"
    ordering_fields = ("name", "district", "founded_on", "annual_revenue_wan")
    default_ordering = "name"

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The pool is operator-wide: every staff member reads every profile; personal data is scoped elsewhere.
        return selectors.enterprise_list(user=self.request.user)

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context["can_change"] = has_capability(self.request.user, Capability.CHANGE_ENTERPRISE)
        context["can_import"] = has_capability(self.request.user, Capability.IMPORT_DATA)
        context["breadcrumbs"] = [(_("企业库"), "")]
        return context


class EnterpriseDetailView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enterprise = get_object_or_404(selectors.enterprise_list(user=request.user).prefetch_related("parks"), pk=pk)
        contacts = selectors.enterprise_contacts(enterprise)
        unmasked = selectors.contact_details_visible(request.user, enterprise)
        if unmasked:
            # Recorded in this request, in its own transaction, before the numbers are sent.
            services.contacts_record_view(
                contacts=contacts, actor=acting_user(request), remote_addr=client_ip(request) or None
            )
        return render(
            request,
            "enterprises/enterprise_detail.html",
            {
                "object": enterprise,
                "contacts": contacts,
                "unmasked": unmasked,
                "can_change": has_capability(request.user, Capability.CHANGE_ENTERPRISE),
                "duplicates": dedup.duplicates_of(enterprise),
                "merge_history": enterprise.merges_kept.select_related("merged", "actor")[:20],
                "can_merge": dedup.may_merge(request.user, enterprise),
                "panels": panels.panels_for(enterprise, acting_user(request)),
                "contact_form": ContactForm() if unmasked else None,
                "breadcrumbs": [(_("企业库"), reverse("enterprises:enterprise_list")), (enterprise.name, "")],
            },
        )


class EnterpriseFormView(StaffRequiredMixin, View):
    """Create (no pk) or edit an enterprise profile."""

    def _enterprise(self, pk: int | None) -> Enterprise | None:
        if pk is None:
            return None
        return get_object_or_404(selectors.enterprise_list(user=self.request.user), pk=pk)

    def _render(self, request: HttpRequest, form: EnterpriseForm, enterprise: Enterprise | None) -> HttpResponse:
        title = _("编辑企业") if enterprise else _("新增企业")
        crumbs = [(_("企业库"), reverse("enterprises:enterprise_list"))]
        if enterprise:
            crumbs.append((enterprise.name, reverse("enterprises:enterprise_detail", args=[enterprise.pk])))
        crumbs.append((title, ""))
        return render(
            request,
            "enterprises/enterprise_form.html",
            {"form": form, "object": enterprise, "title": title, "breadcrumbs": crumbs},
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        require_capability(request.user, Capability.CHANGE_ENTERPRISE)
        enterprise = self._enterprise(pk)
        return self._render(request, EnterpriseForm(instance=enterprise, parks=visible_parks(request.user)), enterprise)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        require_capability(request.user, Capability.CHANGE_ENTERPRISE)
        enterprise = self._enterprise(pk)
        form = EnterpriseForm(request.POST, instance=enterprise, parks=visible_parks(request.user))
        if form.is_valid():
            kwargs = form.service_kwargs()
            parks = kwargs["parks"]
            if enterprise is not None:
                # Parks outside the editor's scope stay linked: a person only changes links they can see.
                hidden = enterprise.parks.exclude(pk__in=visible_parks(request.user).values("pk"))
                parks = [*parks, *hidden]
            try:
                if enterprise is None:
                    enterprise = services.enterprise_create(
                        actor=acting_user(request),
                        parks=parks,
                        tags=kwargs["tags"],
                        accept_checksum_mismatch=kwargs["accept"],
                        **kwargs["fields"],
                    )
                    messages.success(request, _("已新增企业：%(name)s") % {"name": enterprise.name})
                else:
                    enterprise = services.enterprise_update(
                        enterprise=enterprise,
                        actor=acting_user(request),
                        parks=parks,
                        tags=kwargs["tags"],
                        accept_checksum_mismatch=kwargs["accept"],
                        **kwargs["fields"],
                    )
                    messages.success(request, _("已保存"))
                return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
            except ValidationError as exc:
                form.add_service_errors(exc)
        return self._render(request, form, enterprise)


def _contact_for(request: HttpRequest, pk: int) -> Contact:
    """A contact the person may handle: 404 unless they may see its enterprise's personal data."""
    contact = get_object_or_404(Contact.objects.select_related("enterprise"), pk=pk)
    if not selectors.contact_details_visible(request.user, contact.enterprise):
        raise Http404(_("未找到该记录，或您无权访问。"))
    return contact


class ContactCreateView(StaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        enterprise = get_object_or_404(selectors.enterprise_list(user=request.user), pk=pk)
        if not selectors.contact_details_visible(request.user, enterprise):
            raise Http404(_("未找到该记录，或您无权访问。"))
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.contact_create(enterprise=enterprise, actor=acting_user(request), **form.cleaned_data)
                messages.success(request, _("已添加联系人"))
                return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
            except ValidationError as exc:
                form.add_service_errors(exc)
        return render(
            request,
            "enterprises/contact_form.html",
            {
                "form": form,
                "enterprise": enterprise,
                "breadcrumbs": [
                    (enterprise.name, reverse("enterprises:enterprise_detail", args=[enterprise.pk])),
                    (_("添加联系人"), ""),
                ],
            },
            status=400,
        )


class ContactEraseView(StaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        contact = _contact_for(request, pk)
        services.contact_erase(contact=contact, actor=acting_user(request))
        messages.success(request, _("已删除该联系人的个人信息"))
        return redirect("enterprises:enterprise_detail", pk=contact.enterprise_id)


class ContactExportView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        contact = _contact_for(request, pk)
        data = services.contact_export(contact=contact, actor=acting_user(request))
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
        return response


class ImportView(StaffRequiredMixin, View):
    def _render(self, request: HttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "enterprises/import_form.html",
            {
                "form": form,
                "columns": importing.COLUMNS,
                "jobs": selectors.import_jobs_for(request.user)[:10],
                "breadcrumbs": [(_("企业库"), reverse("enterprises:enterprise_list")), (_("批量导入"), "")],
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.IMPORT_DATA)
        return self._render(request, ImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.IMPORT_DATA)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        upload = form.cleaned_data["file"]
        job = importing.create_job(
            upload=upload, name=upload.name, mode=form.cleaned_data["mode"], actor=acting_user(request)
        )
        enqueue(job)
        return redirect("enterprises:import_detail", pk=job.pk)


class ImportTemplateView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.IMPORT_DATA)
        response = HttpResponse(
            importing.template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="enterprise-import-template.xlsx"'
        return response


class ImportDetailView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_capability(request.user, Capability.IMPORT_DATA)
        job = get_object_or_404(selectors.import_jobs_for(request.user), pk=pk)
        return job_page(
            request,
            job,
            detail_url=reverse("enterprises:import_detail", args=[job.pk]),
            report_url=reverse("enterprises:import_report", args=[job.pk]),
            resume_url=reverse("enterprises:import_resume", args=[job.pk]),
            breadcrumbs=[
                (_("企业库"), reverse("enterprises:enterprise_list")),
                (_("批量导入"), reverse("enterprises:import")),
                (str(job), ""),
            ],
        )


class ImportResumeView(StaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_capability(request.user, Capability.IMPORT_DATA)
        job = get_object_or_404(selectors.import_jobs_for(request.user), pk=pk)
        if not job.finished or job.status == ImportStatus.FAILED:
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).update(status=ImportStatus.RUNNING)
            enqueue(job)
            messages.success(request, _("已重新提交，将从中断处继续导入"))
        return redirect("enterprises:import_detail", pk=job.pk)


class ImportReportView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        require_capability(request.user, Capability.IMPORT_DATA)
        return job_report(get_object_or_404(selectors.import_jobs_for(request.user), pk=pk))


class DedupView(StaffRequiredMixin, View):
    """Proposed duplicates the person may merge; a merge of a pair not proposed needs a reason."""

    def get(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.CHANGE_ENTERPRISE)
        groups = [
            group
            for group in dedup.duplicate_groups(limit=50)
            if all(dedup.may_merge(request.user, e) for e in group.enterprises)
        ]
        for group in groups:
            if group.reason == "mobile" and not all(
                selectors.contact_details_visible(request.user, e) for e in group.enterprises
            ):
                group.key = mask_mobile(group.key)
        return render(
            request,
            "enterprises/dedup.html",
            {
                "groups": groups,
                "breadcrumbs": [(_("企业库"), reverse("enterprises:enterprise_list")), (_("疑似重复"), "")],
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.CHANGE_ENTERPRISE)
        pool = selectors.enterprise_list(user=request.user)
        keep = get_object_or_404(pool, pk=_int_or_zero(request.POST.get("keep")))
        merge = get_object_or_404(pool, pk=_int_or_zero(request.POST.get("merge")))
        try:
            services.enterprise_merge(
                keep=keep, merge=merge, actor=acting_user(request), reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已将“%(merged)s”合并到“%(kept)s”") % {"merged": merge.name, "kept": keep.name})
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        if request.POST.get("from") == "detail":
            return redirect("enterprises:enterprise_detail", pk=keep.pk)
        return redirect("enterprises:dedup")


class MergeRevertView(StaffRequiredMixin, View):
    """Undo a merge from its record (enterprise page → merge history)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_capability(request.user, Capability.CHANGE_ENTERPRISE)
        record = get_object_or_404(MergeRecord, pk=pk)
        try:
            services.enterprise_merge_revert(record=record, actor=acting_user(request))
            messages.success(request, _("已撤销合并，“%(name)s”已恢复") % {"name": record.merged.name})
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        return redirect("enterprises:enterprise_detail", pk=record.survivor_id)


def _int_or_zero(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0


class EnterpriseAutocompleteView(StaffRequiredMixin, View):
    """Pickers (contract entry): enterprises by name, pinyin or credit code; POST creates a prospect inline."""

    def get(self, request: HttpRequest) -> JsonResponse:
        term = (request.GET.get("q") or "").strip()[:60]
        condition = selectors.enterprise_query_q(term, request.user) if term else None
        if condition is None:
            return JsonResponse({"results": []})
        rows = selectors.enterprise_list(user=request.user).filter(condition).order_by("name")[:20]
        return JsonResponse(
            {
                "results": [
                    {
                        "value": e.pk,
                        "text": e.name,
                        "hint": " · ".join(p for p in (e.credit_code, e.get_lifecycle_display()) if p),
                    }
                    for e in rows
                ]
            }
        )

    def post(self, request: HttpRequest) -> JsonResponse:
        require_capability(request.user, Capability.CHANGE_ENTERPRISE)
        name = (request.POST.get("name") or "").strip()
        existing = selectors.enterprise_list(user=request.user).filter(name=name).first()
        if existing is not None:
            return JsonResponse({"value": existing.pk, "text": existing.name})
        try:
            enterprise = services.enterprise_create(actor=acting_user(request), name=name)
        except ValidationError as exc:
            return JsonResponse({"detail": "；".join(exc.messages)}, status=400)
        return JsonResponse({"value": enterprise.pk, "text": enterprise.name}, status=201)
