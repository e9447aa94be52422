"""Staff pages of incubation: overview, programmes, applications and review, records, cohorts, notifications.

Thin: every page scopes to the person's parks (`ParkScopedMixin` / `scope_to_parks`), every write
checks `MANAGE_SERVICES` in the object's park and calls a service. Reviewers need only be assigned.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import (
    Capability,
    acting_user,
    can_access_park,
    has_capability,
    require_capability,
    scope_to_parks,
    visible_park_ids,
    visible_parks,
)
from parkos.accounts.models import User
from parkos.core.uploads import private_download
from parkos.enterprises.models import Enterprise
from parkos.enterprises.phones import mask_mobile
from parkos.incubation import figures, milestones, notifications, selectors, services
from parkos.incubation.choices import ApplicationStatus, DecisionOutcome, IncubationStage
from parkos.incubation.filtersets import ApplicationFilterSet, IncubationRecordFilterSet
from parkos.incubation.forms import (
    AdvanceForm,
    AnnualReturnForm,
    AssignReviewersForm,
    AttachmentForm,
    DecisionForm,
    ExitForm,
    GraduateForm,
    IntakeForm,
    MeetingForm,
    ProgrammeForm,
    ReviewForm,
    RubricFormSet,
    StaffApplicationForm,
)
from parkos.incubation.models import (
    Application,
    ApplicationAttachment,
    IncubationRecord,
    Intake,
    Notification,
    Programme,
    Review,
)
from parkos.web.views_generic import (
    FilteredListView,
    ParkScopedMixin,
    ServiceFormView,
    StaffRequiredMixin,
    apply_validation_error,
    requested_park_ids,
)


def can_manage(request: HttpRequest, park: Any = None) -> bool:
    if park is not None and not can_access_park(request.user, park):
        return False
    return has_capability(request.user, Capability.MANAGE_SERVICES)


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or fallback
    return HttpResponseRedirect(target if target.startswith("/") and not target.startswith("//") else fallback)


def report_errors(request: HttpRequest, error: ValidationError | Any) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(e) for errs in error.values() for e in errs]
    for text in texts:
        messages.error(request, text)


# --- Overview --------------------------------------------------------------------------------------------


class OverviewView(ParkScopedMixin, View):
    """The incubation and services desk at a glance for the parks in view."""

    def get(self, request: HttpRequest) -> HttpResponse:
        park_ids = requested_park_ids(request)
        today = timezone.localdate()
        stages = selectors.stage_counts(park_ids)
        dashboard = selectors.sla_dashboard(park_ids=park_ids, start=today - datetime.timedelta(days=90), end=today)
        awarded, award_count = selectors.awards_total(park_ids, today.year)
        context = {
            "programmes": selectors.programmes_in(park_ids).annotate(
                active=Count("records", filter=Q(records__stage__in=("pre_incubation", "incubating", "accelerating")))
            ),
            "stages": [(IncubationStage(k).label, stages.get(k, 0)) for k in IncubationStage.values],
            "in_incubation": sum(stages.get(k, 0) for k in ("pre_incubation", "incubating", "accelerating")),
            "overdue": selectors.overdue_records(park_ids, today)[:10],
            "overdue_count": selectors.overdue_records(park_ids, today).count(),
            "candidates": selectors.graduation_candidates(park_ids, today)[:10],
            "waiting": selectors.applications_waiting(park_ids),
            "my_reviews": selectors.reviews_pending_for(request.user),
            "sla": dashboard.total,
            "awarded": awarded,
            "award_count": award_count,
            "can_manage": can_manage(request),
            "today": today,
        }
        return render(request, "incubation/overview.html", context)


# --- Programmes ----------------------------------------------------------------------------------------


class ProgrammeListView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        programmes = selectors.programmes_in(requested_park_ids(request)).annotate(
            active=Count("records", filter=Q(records__stage__in=("pre_incubation", "incubating", "accelerating"))),
            graduated=Count("records", filter=Q(records__stage=IncubationStage.GRADUATED)),
            open_applications=Count(
                "applications",
                filter=Q(applications__status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)),
            ),
        )
        return render(
            request, "incubation/programme_list.html", {"programmes": programmes, "can_manage": can_manage(request)}
        )


def _programme(request: HttpRequest, pk: int) -> Programme:
    return get_object_or_404(scope_to_parks(request.user, Programme.objects.select_related("park")), pk=pk)


class ProgrammeDetailView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = _programme(request, pk)
        today = timezone.localdate()
        return render(
            request,
            "incubation/programme_detail.html",
            {
                "object": programme,
                "rubric": programme.rubric.all(),
                "intakes": programme.intakes.annotate(applications_n=Count("applications"), records_n=Count("records")),
                "meetings": programme.meetings.all()[:10],
                "cohorts": selectors.cohort_rows(None, today, programme_id=programme.pk),
                "can_manage": can_manage(request, programme.park),
                "years": list(range(today.year, today.year - 5, -1)),
                "breadcrumbs": [(_("孵化与服务"), reverse("incubation:overview")), (programme.name, "")],
            },
        )


class ProgrammeFormView(ServiceFormView):
    form_class = ProgrammeForm
    template_name = "incubation/form.html"
    capability = Capability.MANAGE_SERVICES

    @property
    def title(self) -> str:
        return _("编辑孵化项目") if self.kwargs.get("pk") else _("新建孵化项目")

    def get_object(self) -> Programme | None:
        return _programme(self.request, self.kwargs["pk"]) if self.kwargs.get("pk") else None

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": visible_parks(self.request.user).filter(archived_at__isnull=True)}

    def park_of(self, obj: Any, form: Any) -> Any:
        return obj.park if obj is not None else (form.cleaned_data["park"] if form is not None else None)

    def save(self, form: Any, obj: Programme | None) -> Programme:
        return services.programme_save(programme=form.instance, actor=acting_user(self.request))


class RubricView(ParkScopedMixin, View):
    def _render(self, programme: Programme, formset: Any, errors: list[str] | None = None) -> HttpResponse:
        return render(
            self.request,
            "incubation/rubric_form.html",
            {
                "object": programme,
                "formset": formset,
                "errors": errors or formset.non_form_errors(),
                "breadcrumbs": [(programme.name, programme.get_absolute_url()), (_("评审评分表"), "")],
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = _programme(request, pk)
        require_capability(request.user, Capability.MANAGE_SERVICES, programme.park)
        initial = [
            {"name": c.name, "weight": c.weight, "max_score": c.max_score, "description": c.description}
            for c in programme.rubric.all()
        ]
        return self._render(programme, RubricFormSet(initial=initial))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = _programme(request, pk)
        require_capability(request.user, Capability.MANAGE_SERVICES, programme.park)
        formset = RubricFormSet(request.POST)
        if formset.is_valid():
            criteria = [
                services.CriterionInput(f["name"], f["weight"], f["max_score"], f.get("description") or "")
                for f in formset.cleaned_data
                if f and not f.get("DELETE")
            ]
            try:
                services.rubric_set(programme=programme, criteria=criteria, actor=acting_user(request))
            except ValidationError as exc:
                return self._render(programme, formset, exc.messages)
            messages.success(request, _("评审评分表已保存。"))
            return HttpResponseRedirect(programme.get_absolute_url())
        return self._render(programme, formset)


class ProgrammeChildFormView(ServiceFormView):
    """An intake or a decision meeting of a programme."""

    template_name = "incubation/form.html"
    capability = Capability.MANAGE_SERVICES

    def programme(self) -> Programme:
        return _programme(self.request, self.kwargs["pk"])

    def park_of(self, obj: Any, form: Any) -> Any:
        return self.programme().park

    def success_url(self, obj: Any) -> str:
        return self.programme().get_absolute_url()


class IntakeCreateView(ProgrammeChildFormView):
    form_class = IntakeForm

    @property
    def title(self) -> str:
        return _("新建入孵批次")

    def save(self, form: Any, obj: Intake | None) -> Intake:
        intake: Intake = form.instance
        intake.programme = self.programme()
        return services.intake_save(intake=intake, actor=acting_user(self.request))


class MeetingCreateView(ProgrammeChildFormView):
    form_class = MeetingForm

    @property
    def title(self) -> str:
        return _("记录评审决策会议")

    def save(self, form: Any, obj: Any | None) -> Any:
        data = form.cleaned_data
        return services.meeting_record(
            programme=self.programme(),
            held_on=data["held_on"],
            title=data["title"],
            attendees=data["attendees"],
            minutes=data["minutes"],
            actor=acting_user(self.request),
        )


# --- Applications --------------------------------------------------------------------------------------


class ApplicationListView(FilteredListView):
    model = Application
    filterset_class = ApplicationFilterSet
    template_name = "incubation/application_list.html"
    ordering_fields = ("submitted_at", "company_name", "status")
    default_ordering = "-submitted_at"

    def get_queryset(self) -> QuerySet[Application]:
        queryset: QuerySet[Application] = super().get_queryset()
        return queryset.select_related("programme", "intake").annotate(reviews_n=Count("reviews"))

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can_manage(self.request)
        context["counts"] = selectors.application_counts(requested_park_ids(self.request))
        return context


def _application(request: HttpRequest, pk: int) -> Application:
    application: Application = get_object_or_404(
        scope_to_parks(request.user, Application.objects.select_related("programme", "park", "intake", "enterprise")),
        pk=pk,
    )
    return application


class ApplicationCreateView(ParkScopedMixin, View):
    """Staff enter an application received on paper or by e-mail."""

    def _programmes(self) -> QuerySet[Programme]:
        return scope_to_parks(self.request.user, Programme.objects.filter(is_active=True))

    def _render(self, form: StaffApplicationForm) -> HttpResponse:
        return render(
            self.request,
            "incubation/form.html",
            {"form": form, "title": _("录入入孵申请"), "multipart": True},
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.MANAGE_SERVICES)
        return self._render(StaffApplicationForm(programmes=self._programmes()))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_capability(request.user, Capability.MANAGE_SERVICES)
        form = StaffApplicationForm(request.POST, request.FILES, programmes=self._programmes())
        if form.is_valid():
            try:
                application, _created = services.application_submit(
                    programme=form.cleaned_data["programme"],
                    data=form.input(),
                    uploads=form.uploads(),
                    actor=acting_user(request),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("申请 %(ref)s 已录入。") % {"ref": application.reference})
                return HttpResponseRedirect(application.get_absolute_url())
        return self._render(form)


def _mobile_for(request: HttpRequest, application: Application) -> str:
    """The applicant's mobile: in full (and audited) for roles with the contact-details right, else masked."""
    if has_capability(request.user, Capability.VIEW_CONTACT_DETAILS) and can_access_park(
        request.user, application.park_id
    ):
        services.application_record_view(application=application, actor=acting_user(request))
        return application.contact_mobile.removeprefix("+86")
    try:
        return mask_mobile(application.contact_mobile)
    except ValidationError:
        return "****"


class ApplicationDetailView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = _application(request, pk)
        programme = application.programme
        summary = selectors.review_summary(application)
        manage = can_manage(request, application.park)
        staff = User.objects.filter(is_active=True).exclude(role="enterprise_user")
        candidates = (
            staff.filter(Q(parks=application.park_id) | Q(role="operator_admin")).distinct().order_by("username")
        )
        own_review = next((r for r in summary.reviews if r.reviewer_id == request.user.pk), None)
        # Reviewers see the others' scores only once they have submitted their own (independence).
        show_all = manage or (own_review is not None and own_review.submitted_at is not None)
        with_mobile = _mobile_for(request, application)
        return render(
            request,
            "incubation/application_detail.html",
            {
                "object": application,
                "mobile": with_mobile,
                "attachments": application.attachments.all(),
                "entry_problems": selectors.entry_check(application),
                "summary": summary,
                "show_all": show_all,
                "own_review": own_review,
                "can_manage": manage,
                "assign_form": AssignReviewersForm(candidates=candidates),
                "decision_form": DecisionForm(
                    meetings=programme.meetings.all(), initial={"admitted_on": timezone.localdate()}
                ),
                "attachment_form": AttachmentForm(),
                "record": IncubationRecord.objects.filter(application=application).first(),
                "breadcrumbs": [(_("入孵申请"), reverse("incubation:application_list")), (application.reference, "")],
            },
        )


class ApplicationAttachmentView(ParkScopedMixin, View):
    """A document of an application, to staff of its park only, as a download that is never rendered."""

    def get(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
        application = _application(request, pk)
        attachment = get_object_or_404(ApplicationAttachment, pk=attachment_pk, application=application)
        return private_download(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


class ApplicationActionView(ParkScopedMixin, View):
    """POST actions on an application: upload, assign reviewers, decide, withdraw."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        application = _application(request, pk)
        require_capability(request.user, Capability.MANAGE_SERVICES, application.park)
        actor = acting_user(request)
        handlers = {"upload": self._upload, "assign": self._assign, "decide": self._decide, "withdraw": self._withdraw}
        if action not in handlers:
            raise Http404
        try:
            handlers[action](request, application, actor)
        except ValidationError as exc:
            report_errors(request, exc)
        return HttpResponseRedirect(application.get_absolute_url())

    def _upload(self, request: HttpRequest, application: Application, actor: User) -> None:
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        services.attachment_add(
            application=application,
            upload=services.Upload(form.cleaned_data["kind"], form.cleaned_data["file"]),
            actor=actor,
        )
        messages.success(request, _("材料已上传。"))

    def _assign(self, request: HttpRequest, application: Application, actor: User) -> None:
        staff = User.objects.filter(is_active=True).exclude(role="enterprise_user")
        candidates = staff.filter(Q(parks=application.park_id) | Q(role="operator_admin")).distinct()
        form = AssignReviewersForm(request.POST, candidates=candidates)
        if not form.is_valid():
            raise ValidationError(_("请选择评审人"))
        created = services.reviewers_assign(
            application=application, reviewers=list(form.cleaned_data["reviewers"]), actor=actor
        )
        messages.success(request, _("已分配 %(n)d 位评审人。") % {"n": len(created)})

    def _decide(self, request: HttpRequest, application: Application, actor: User) -> None:
        form = DecisionForm(request.POST, meetings=application.programme.meetings.all())
        if not form.is_valid():
            raise ValidationError([e for errs in form.errors.values() for e in errs])
        data = form.cleaned_data
        services.application_decide(
            application=application,
            outcome=data["outcome"],
            meeting=data.get("meeting"),
            note=data.get("note") or "",
            admitted_on=data.get("admitted_on"),
            stage=data.get("stage") or IncubationStage.INCUBATING,
            actor=actor,
        )
        messages.success(request, _("决策已记录：%(o)s") % {"o": DecisionOutcome(data["outcome"]).label})

    def _withdraw(self, request: HttpRequest, application: Application, actor: User) -> None:
        services.application_withdraw(application=application, actor=actor, note=request.POST.get("note", ""))
        messages.success(request, _("申请已撤回。"))


class ReviewView(StaffRequiredMixin, View):
    """A reviewer's own review of an application: only an assigned reviewer gets here (404 otherwise)."""

    def review(self, request: HttpRequest, pk: int) -> Review:
        return get_object_or_404(
            Review.objects.select_related("application__programme"), application_id=pk, reviewer=request.user
        )

    def _render(self, review: Review, form: ReviewForm) -> HttpResponse:
        return render(
            self.request,
            "incubation/review_form.html",
            {
                "review": review,
                "application": review.application,
                "form": form,
                "breadcrumbs": [
                    (review.application.reference, review.application.get_absolute_url()),
                    (_("我的评审"), ""),
                ],
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = self.review(request, pk)
        initial: dict[str, Any] = {
            "comment": review.comment,
            "recommendation": review.recommendation,
            "conflict": review.conflict_declared,
            "conflict_note": review.conflict_note,
        }
        initial.update({f"score_{s.criterion_id}": s.score for s in review.scores.all()})
        criteria = review.application.programme.rubric.all()
        return self._render(review, ReviewForm(initial=initial, criteria=criteria))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = self.review(request, pk)
        form = ReviewForm(request.POST, criteria=review.application.programme.rubric.all())
        if form.is_valid():
            try:
                services.review_submit(review=review, data=form.input(), actor=acting_user(request))
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("评审已提交。"))
                return HttpResponseRedirect(review.application.get_absolute_url())
        return self._render(review, form)


# --- Records -------------------------------------------------------------------------------------------


class RecordListView(FilteredListView):
    model = IncubationRecord
    filterset_class = IncubationRecordFilterSet
    template_name = "incubation/record_list.html"
    ordering_fields = ("admitted_on", "due_on", "enterprise__name", "stage")
    default_ordering = "-admitted_on"

    def get_queryset(self) -> QuerySet[IncubationRecord]:
        return super().get_queryset().select_related("enterprise", "programme", "intake")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        records = list(context["object_list"])
        evidence = selectors.graduation_evidence_for([r for r in records if r.is_active], today)
        context["rows"] = [(r, r.is_active and r.due_on < today, evidence.get(r.pk, [])) for r in records]
        return context


def _record(request: HttpRequest, pk: int) -> IncubationRecord:
    return get_object_or_404(
        scope_to_parks(
            request.user, IncubationRecord.objects.select_related("programme", "enterprise", "intake", "application")
        ),
        pk=pk,
    )


class RecordDetailView(ParkScopedMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = _record(request, pk)
        today = timezone.localdate()
        evidence = selectors.graduation_evidence_for([record], today)[record.pk] if record.is_active else []
        return render(
            request,
            "incubation/record_detail.html",
            {
                "object": record,
                "changes": record.changes.select_related("actor"),
                "evidence": evidence,
                "overdue": record.is_active and record.due_on < today,
                "milestones": milestones.milestones_of([record.enterprise_id]).get(record.enterprise_id, []),
                "returns": record.annual_returns.all(),
                "can_manage": can_manage(request, record.park_id) and record.is_active,
                "can_edit_returns": can_manage(request, record.park_id),
                # Distinct ids: the forms share field names (on, note).
                "advance_form": AdvanceForm(auto_id="advance_%s"),
                "graduate_form": GraduateForm(
                    programme=record.programme,
                    initial={"basis": evidence[0].basis} if evidence else None,
                    auto_id="graduate_%s",
                ),
                "exit_form": ExitForm(auto_id="exit_%s"),
                "annual_form": AnnualReturnForm(initial={"year": today.year - 1}, auto_id="annual_%s"),
                "requests": selectors.tenant_requests(record.enterprise_id).filter(park_id=record.park_id)[:10],
                "breadcrumbs": [(_("在孵企业"), reverse("incubation:record_list")), (record.enterprise.name, "")],
            },
        )


class RecordActionView(ParkScopedMixin, View):
    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        record = _record(request, pk)
        require_capability(request.user, Capability.MANAGE_SERVICES, record.park_id)
        actor = acting_user(request)
        forms_by_action: dict[str, Any] = {
            "advance": AdvanceForm(request.POST),
            "graduate": GraduateForm(request.POST, programme=record.programme),
            "exit": ExitForm(request.POST),
            "annual": AnnualReturnForm(request.POST),
        }
        form = forms_by_action.get(action)
        if form is None:
            raise Http404
        if not form.is_valid():
            report_errors(request, form.errors)
            return HttpResponseRedirect(record.get_absolute_url())
        data = form.cleaned_data
        try:
            if action == "advance":
                services.record_advance(
                    record=record, to_stage=data["to_stage"], on=data["on"], actor=actor, note=data["note"]
                )
            elif action == "graduate":
                services.record_graduate(
                    record=record, basis=data["basis"], on=data["on"], actor=actor, note=data["note"]
                )
            elif action == "exit":
                services.record_exit(
                    record=record, reason=data["reason"], on=data["on"], actor=actor, note=data["note"]
                )
            else:
                values = {k: v for k, v in data.items() if k != "year"}
                services.annual_return_save(record=record, year=data["year"], values=values, actor=actor)
        except ValidationError as exc:
            report_errors(request, exc)
        else:
            messages.success(request, _("已保存。"))
        return HttpResponseRedirect(record.get_absolute_url())


class CohortView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        park_ids = requested_park_ids(request)
        today = timezone.localdate()
        programmes = list(selectors.programmes_in(park_ids))
        return render(
            request,
            "incubation/cohorts.html",
            {
                "overall": selectors.cohort_rows(park_ids, today),
                "by_programme": [(p, selectors.cohort_rows(None, today, programme_id=p.pk)) for p in programmes],
                "breadcrumbs": [(_("孵化与服务"), reverse("incubation:overview")), (_("批次分析"), "")],
            },
        )


class CandidateListView(ParkScopedMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        park_ids = requested_park_ids(request)
        return render(
            request,
            "incubation/candidates.html",
            {
                "candidates": selectors.graduation_candidates(park_ids, today),
                "overdue": selectors.overdue_records(park_ids, today),
                "today": today,
                "breadcrumbs": [(_("孵化与服务"), reverse("incubation:overview")), (_("毕业候选与超期"), "")],
            },
        )


class EnterpriseFiguresView(StaffRequiredMixin, View):
    """The statistics rows behind an enterprise's figures (evidence of warnings and report figures)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enterprise = get_object_or_404(Enterprise, pk=pk)
        visible = visible_park_ids(request.user)
        if visible is not None and not enterprise.parks.filter(pk__in=visible).exists():
            raise Http404
        today = timezone.localdate()
        rows = figures.report_rows(enterprise.pk, range(today.year - 2, today.year + 1))
        return render(
            request,
            "incubation/enterprise_figures.html",
            {
                "enterprise": enterprise,
                "rows": rows,
                "breadcrumbs": [
                    (enterprise.name, reverse("enterprises:enterprise_detail", args=[enterprise.pk])),
                    (_("统计数据"), ""),
                ],
            },
        )


# --- Notifications --------------------------------------------------------------------------------------


class NotificationListView(View):
    """One's own notifications (staff and tenants alike)."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return HttpResponseRedirect(reverse("accounts:login") + f"?next={request.path}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        items = Notification.objects.filter(user=acting_user(request))[:100]
        return render(request, "incubation/notifications.html", {"items": items})

    def post(self, request: HttpRequest) -> HttpResponse:
        user = acting_user(request)
        notification = None
        if request.POST.get("id"):
            notification = get_object_or_404(Notification, pk=request.POST["id"], user=user)
        notifications.mark_read(user=user, notification=notification)
        if notification is not None and notification.url.startswith("/"):
            return HttpResponseRedirect(notification.url)
        return HttpResponseRedirect(reverse("incubation:notification_list"))
