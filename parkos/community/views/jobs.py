"""Job postings (tenants post, staff approve), recruitment fairs with booths, training courses with
registrations and attendance. Applicants' data is shown to the posting enterprise only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import acting_user, has_capability, scope_to_parks
from parkos.community import rights
from parkos.community.choices import CourseStatus, FairStatus, JobStatus
from parkos.community.filtersets import JobFilterSet
from parkos.community.forms import (
    BoothForm,
    CourseForm,
    FairForm,
    JobForm,
    ParkModelForm,
    ReasonForm,
    TrainingRegistrationForm,
)
from parkos.community.models import FairBooth, JobPosting, RecruitmentFair, TrainingCourse
from parkos.community.selectors import people
from parkos.community.services import jobs as services
from parkos.community.views.common import StaffOrTenantMixin, managed_parks, park_ids
from parkos.parks.models import Park
from parkos.web.views_generic import StaffRequiredMixin, apply_validation_error


def _jobs(request: HttpRequest) -> QuerySet[JobPosting]:
    """Staff: postings in their parks; a tenant: its own."""
    queryset = JobPosting.objects.select_related("enterprise", "park").annotate(application_count=Count("applications"))
    enterprise = rights.tenant_enterprise(request.user)
    if enterprise is not None:
        return queryset.filter(enterprise=enterprise)
    return scope_to_parks(request.user, queryset)


def _tenant_parks(request: HttpRequest) -> Any:
    enterprise = rights.tenant_enterprise(request.user)
    assert enterprise is not None
    return enterprise.parks.filter(archived_at__isnull=True).order_by("name")


def _crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("招聘"), reverse("community:job_list")), *tail]


class JobListView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        jobs = _jobs(request)
        tenant = rights.tenant_enterprise(request.user)
        ids = park_ids(request) if tenant is None else None
        if ids is not None:
            jobs = jobs.filter(park_id__in=ids)
        filterset = JobFilterSet(request.GET or None, queryset=jobs, request=request)
        if filterset.is_bound and filterset.is_valid():
            jobs = filterset.qs
        return render(
            request,
            "community/job_list.html",
            {
                "pending": jobs.filter(status=JobStatus.PENDING).order_by("submitted_at") if tenant is None else [],
                "jobs": jobs.order_by("-created_at")[:300],
                "filterset": filterset,
                "tenant": tenant,
                "can_post": tenant is not None or has_capability(request.user, rights.MANAGE),
                "fairs": scope_to_parks(request.user, RecruitmentFair.objects.all()).order_by("-starts_at")[:10]
                if tenant is None
                else [],
                "breadcrumbs": [(_("招聘"), "")],
            },
        )


class JobDetailView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(_jobs(request), pk=pk)
        tenant = rights.tenant_enterprise(request.user)
        owner = tenant is not None and tenant.pk == job.enterprise_id
        return render(
            request,
            "community/job_detail.html",
            {
                "job": job,
                "owner": owner,
                # Applicants sent their data to the enterprise: its logins read it, park staff see counts only.
                "applications": job.applications.filter(erased_at__isnull=True).order_by("-created_at")
                if owner
                else [],
                "can_decide": job.status == JobStatus.PENDING and rights.may_manage(request.user, job.park_id),
                "can_edit": job.status != JobStatus.CLOSED and (owner or rights.may_manage(request.user, job.park_id)),
                "reason_form": ReasonForm(),
                "breadcrumbs": _crumbs((job.title, "")),
            },
        )


class JobFormView(StaffOrTenantMixin, View):
    def _job(self, pk: int | None) -> JobPosting | None:
        if pk is None:
            if rights.tenant_enterprise(self.request.user) is None and not has_capability(
                self.request.user, rights.MANAGE
            ):
                raise PermissionDenied(_("您的角色无权执行此操作。"))
            return None
        return get_object_or_404(_jobs(self.request), pk=pk)

    def _parks(self) -> Any:
        return (
            _tenant_parks(self.request) if rights.tenant_enterprise(self.request.user) else managed_parks(self.request)
        )

    def _render(self, form: JobForm, job: JobPosting | None) -> HttpResponse:
        title = _("编辑职位") if job else _("发布职位")
        return render(
            self.request,
            "community/form.html",
            {
                "form": form,
                "object": job,
                "title": title,
                "note": _("保存后提交园区审核，审核通过即在门户网站“园区招聘”公开。"),
                "cancel_url": reverse("community:job_list"),
                "breadcrumbs": _crumbs((title, "")),
            },
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        job = self._job(pk)
        return self._render(
            JobForm(instance=job, parks=self._parks(), enterprise=rights.tenant_enterprise(request.user)), job
        )

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        job = self._job(pk)
        tenant = rights.tenant_enterprise(request.user)
        form = JobForm(request.POST, instance=job, parks=self._parks(), enterprise=tenant)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in services.JOB_FIELDS}
            try:
                if job is None:
                    enterprise = tenant or form.cleaned_data["enterprise"]
                    job = services.job_save(
                        actor=acting_user(request), park=form.cleaned_data["park"], enterprise=enterprise, **fields
                    )
                    job = services.job_submit(job=job, actor=acting_user(request))
                else:
                    job = services.job_save(
                        actor=acting_user(request), park=job.park, enterprise=job.enterprise, job=job, **fields
                    )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request, _("职位已提交园区审核。") if job.status == JobStatus.PENDING else _("已保存。")
                )
                return HttpResponseRedirect(job.get_absolute_url())
        return self._render(form, job)


class JobActionView(StaffOrTenantMixin, View):
    """POST: submit, approve, reject, close."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        job = get_object_or_404(_jobs(request), pk=pk)
        actor = acting_user(request)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
        try:
            if action == "submit":
                services.job_submit(job=job, actor=actor)
                messages.success(request, _("职位已提交园区审核。"))
            elif action in ("approve", "reject"):
                services.job_decide(job=job, approve=action == "approve", actor=actor, reason=reason)
                messages.success(request, _("职位已发布到门户网站。") if action == "approve" else _("职位已退回企业。"))
            elif action == "close":
                services.job_close(job=job, actor=actor)
                messages.success(request, _("职位已关闭。"))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(job.get_absolute_url())


# --- Fairs ------------------------------------------------------------------------------------------------------------


def _fairs(request: HttpRequest) -> QuerySet[RecruitmentFair]:
    return scope_to_parks(request.user, RecruitmentFair.objects.select_related("park"))


class FairDetailView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int, booth_form: BoothForm | None = None) -> HttpResponse:
        fair = get_object_or_404(_fairs(request), pk=pk)
        manage = rights.may_manage(request.user, fair.park_id)
        return render(
            request,
            "community/fair_detail.html",
            {
                "fair": fair,
                "booths": fair.booths.select_related("enterprise").prefetch_related("jobs").order_by("number"),
                "can_manage": manage,
                "booth_form": booth_form or (BoothForm(fair=fair) if manage else None),
                "breadcrumbs": _crumbs((fair.title, "")),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        fair = get_object_or_404(_fairs(request), pk=pk)
        actor = acting_user(request)
        action = request.POST.get("action", "")
        try:
            if action == "booth":
                form = BoothForm(request.POST, fair=fair)
                if not form.is_valid():
                    return self.get(request, pk, booth_form=form)
                services.booth_save(fair=fair, actor=actor, **form.cleaned_data)
                messages.success(request, _("已安排展位。"))
            elif action == "remove_booth":
                booth = get_object_or_404(FairBooth, pk=request.POST.get("booth") or 0, fair=fair)
                services.booth_remove(booth=booth, actor=actor)
                messages.success(request, _("已移除展位。"))
            elif action in (FairStatus.PUBLISHED, FairStatus.CANCELLED):
                services.fair_set_status(fair=fair, status=action, actor=actor)
                messages.success(
                    request, _("招聘会已发布到门户网站。") if action == FairStatus.PUBLISHED else _("招聘会已取消。")
                )
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(fair.get_absolute_url())


class _ParkFormView[M: RecruitmentFair | TrainingCourse](StaffRequiredMixin, View):
    """Create or edit a fair or course of a park the person manages, through its service."""

    form_class: type[ParkModelForm[M]]
    fields: tuple[str, ...] = ()
    title_new = ""
    title_edit = ""
    list_url = ""

    def objects(self) -> QuerySet[M]:
        raise NotImplementedError

    def save(self, park: Park, obj: M | None, fields: dict[str, Any]) -> M:
        raise NotImplementedError

    def _object(self, pk: int | None) -> M | None:
        if not has_capability(self.request.user, rights.MANAGE):
            raise PermissionDenied(_("您的角色无权执行此操作。"))
        if pk is None:
            return None
        obj = get_object_or_404(self.objects(), pk=pk)
        rights.require_manage(self.request.user, obj.park_id)
        return obj

    def _render(self, form: BaseForm, obj: M | None) -> HttpResponse:
        title = self.title_edit if obj else self.title_new
        return render(
            self.request,
            "community/form.html",
            {
                "form": form,
                "object": obj,
                "title": title,
                "cancel_url": reverse(self.list_url),
                "breadcrumbs": _crumbs((title, "")),
            },
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._object(pk)
        return self._render(self.form_class(instance=obj, parks=managed_parks(request)), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._object(pk)
        form = self.form_class(request.POST, instance=obj, parks=managed_parks(request))
        if form.is_valid():
            park = obj.park if obj is not None else form.cleaned_data["park"]
            try:
                obj = self.save(park, obj, {name: form.cleaned_data[name] for name in self.fields})
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(obj.get_absolute_url())
        return self._render(form, obj)


class FairFormView(_ParkFormView[RecruitmentFair]):
    form_class = FairForm
    fields = services.FAIR_FIELDS
    title_new = _("新建招聘会")
    title_edit = _("编辑招聘会")
    list_url = "community:job_list"

    def objects(self) -> QuerySet[RecruitmentFair]:
        return _fairs(self.request)

    def save(self, park: Park, obj: RecruitmentFair | None, fields: dict[str, Any]) -> RecruitmentFair:
        return services.fair_save(actor=acting_user(self.request), park=park, fair=obj, **fields)


# --- Training --------------------------------------------------------------------------------------------------------


class CourseListView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        tenant = rights.tenant_enterprise(request.user)
        if tenant is not None:
            courses = people.open_courses_for_parks(list(tenant.parks.values_list("pk", flat=True)))
        else:
            courses = people.course_list(request.user)
            ids = park_ids(request)
            if ids is not None:
                courses = courses.filter(park_id__in=ids)
            courses = courses.order_by("-starts_at")[:200]
        return render(
            request,
            "community/course_list.html",
            {
                "courses": courses,
                "tenant": tenant,
                "can_manage": has_capability(request.user, rights.MANAGE),
                "breadcrumbs": [(_("培训"), "")],
            },
        )


def _courses(request: HttpRequest) -> QuerySet[TrainingCourse]:
    tenant = rights.tenant_enterprise(request.user)
    if tenant is not None:
        return TrainingCourse.objects.filter(park__in=tenant.parks.all()).exclude(status=CourseStatus.DRAFT)
    return scope_to_parks(request.user, TrainingCourse.objects.select_related("park"))


class CourseDetailView(StaffOrTenantMixin, View):
    def get(self, request: HttpRequest, pk: int, form: TrainingRegistrationForm | None = None) -> HttpResponse:
        course = get_object_or_404(_courses(request), pk=pk)
        tenant = rights.tenant_enterprise(request.user)
        manage = rights.may_manage(request.user, course.park_id)
        registrations = course.registrations.select_related("enterprise").order_by("status", "pk")
        if tenant is not None:
            registrations = registrations.filter(enterprise=tenant)
        return render(
            request,
            "community/course_detail.html",
            {
                "course": course,
                "registrations": registrations,
                "unmasked": manage or tenant is not None,
                "can_manage": manage,
                "register_form": form or TrainingRegistrationForm(course=course, for_enterprise=manage),
                "registered": course.registrations.filter(status="registered").count(),
                "breadcrumbs": [(_("培训"), reverse("community:course_list")), (course.title, "")],
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = get_object_or_404(_courses(request), pk=pk)
        actor = acting_user(request)
        action = request.POST.get("action", "")
        try:
            if action == "register":
                form = TrainingRegistrationForm(
                    request.POST, course=course, for_enterprise=rights.may_manage(request.user, course.park_id)
                )
                if not form.is_valid():
                    return self.get(request, pk, form=form)
                services.training_register(course=course, actor=actor, **form.cleaned_data)
                messages.success(request, _("已报名。"))
            elif action == "cancel_registration":
                registration = get_object_or_404(course.registrations, pk=request.POST.get("registration") or 0)
                services.training_cancel(registration=registration, actor=actor)
                messages.success(request, _("已取消报名。"))
            elif action == "attendance":
                ids = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
                came = services.training_attendance(course=course, attended_ids=ids, actor=actor)
                messages.success(request, _("已记录出勤：%(n)s 人。") % {"n": came})
            elif action in (CourseStatus.OPEN, CourseStatus.CLOSED, CourseStatus.CANCELLED):
                services.course_set_status(course=course, status=action, actor=actor)
                messages.success(request, _("课程状态已更新。"))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(course.get_absolute_url())


class CourseFormView(_ParkFormView[TrainingCourse]):
    form_class = CourseForm
    fields = services.COURSE_FIELDS
    title_new = _("新建培训课程")
    title_edit = _("编辑培训课程")
    list_url = "community:course_list"

    def objects(self) -> QuerySet[TrainingCourse]:
        return _courses(self.request)

    def save(self, park: Park, obj: TrainingCourse | None, fields: dict[str, Any]) -> TrainingCourse:
        return services.course_save(actor=acting_user(self.request), park=park, course=obj, **fields)
