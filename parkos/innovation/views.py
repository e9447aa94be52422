"""Innovation pages: thin layers over services and selectors, scoped to the person's parks."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.forms.models import construct_instance
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from parkos.accounts.access import (
    Capability,
    acting_user,
    has_capability,
    require_capability,
    visible_park_ids,
    visible_parks,
)
from parkos.core.client_ip import client_ip
from parkos.core.importing.forms import goes_to_background
from parkos.core.importing.jobs import enqueue
from parkos.core.models import AuditEntry, ImportJob
from parkos.core.xlsx import DATE_FORMAT, MONEY_FORMAT, XLSX_CONTENT_TYPE, Column, content_disposition, xlsx_response
from parkos.enterprises.models import Enterprise
from parkos.enterprises.phones import mask_mobile
from parkos.innovation import forms, importing, phases, regulatory, selectors, services
from parkos.innovation.choices import MilestoneKind
from parkos.innovation.filtersets import (
    PRODUCT_ORDERING,
    PROJECT_ORDERING,
    AgreementFilterSet,
    InstitutionFilterSet,
    JointProjectFilterSet,
    MilestoneFilterSet,
    PlatformFilterSet,
    ProductFilterSet,
    ProjectFilterSet,
    StakeFilterSet,
    TechTransferFilterSet,
)
from parkos.innovation.models import (
    SPLIT_FIELDS,
    Agreement,
    Institution,
    InstitutionContact,
    JointProject,
    Milestone,
    Platform,
    PlatformUse,
    Product,
    ProductPartner,
    Project,
    ProjectIssue,
    ProjectPhoto,
    Stake,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)
from parkos.parks.models import Park
from parkos.web.filtering import FilterSet
from parkos.web.forms import FormData, FormFiles
from parkos.web.importing import job_page, job_report
from parkos.web.views_generic import (
    FilteredListView,
    Paginable,
    ParkScopedMixin,
    ScopedDetailView,
    ServiceFormView,
    StaffRequiredMixin,
    requested_park_ids,
)


def _date_param(request: HttpRequest, name: str, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, "")) if request.GET.get(name) else default
    except ValueError:
        return default


def _year_param(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _parks(request: HttpRequest) -> QuerySet[Any]:
    return visible_parks(request.user).filter(archived_at__isnull=True).only("pk", "name")


def _audit(obj: Model, model: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=f"innovation.{model}", object_id=str(obj.pk))[:20]


class _StepView[ModelT: Model, FormT: BaseForm](ParkScopedMixin, View):
    """A POST-only step on an object of the person's parks: a form in, a service call, a message out.

    Subclasses set `model`, `form_class`, `capability`, and implement `apply` (call the service) and
    `redirect_to`; a form or service error comes back as a message on the object's page.
    """

    model: type[ModelT]
    form_class: type[FormT]
    capability: Capability = Capability.MANAGE_SERVICES
    park_field = "park"
    done_message = ""

    def get_object(self, pk: int) -> ModelT:
        obj: ModelT = get_object_or_404(self.scope(self.model._default_manager.all()), pk=pk)
        return obj

    def form_kwargs(self, obj: ModelT) -> dict[str, Any]:
        return {}

    def apply(self, obj: ModelT, form: FormT, request: HttpRequest) -> None:
        """Call the service with the valid form's data (`form.cleaned_data`, or `construct_instance`)."""
        raise NotImplementedError

    def redirect_to(self, obj: ModelT) -> str:
        return resolve_url(obj)

    def park_of(self, obj: ModelT) -> Park | int:
        value: object = obj
        for part in self.park_field.split("__"):
            value = getattr(value, part)
        assert isinstance(value, Park), f"{self.park_field} does not lead to a park"
        return value

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(pk)
        self.require(self.capability, self.park_of(obj))
        form = self.form_class(request.POST, request.FILES, **self.form_kwargs(obj))
        if not form.is_valid():
            messages.error(
                request,
                "；".join(
                    f"{form.fields[f].label if f in form.fields else ''}：{'，'.join(str(message) for message in e)}".lstrip(
                        "："
                    )
                    for f, e in form.errors.items()
                ),
            )
        else:
            try:
                self.apply(obj, form, request)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, self.done_message or _("已保存。"))
        return HttpResponseRedirect(self.redirect_to(obj))


class _FormView[ModelT: Model, FormT: BaseForm](ServiceFormView[ModelT, FormT]):
    """A service form that refuses a role without the capability before reading the form (the base
    checks it for new objects only once the form is valid, in the chosen park)."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        self.require(self.capability)
        return super().post(request, *args, **kwargs)


# --- overview ------------------------------------------------------------------------------------


class OverviewView(ParkScopedMixin, TemplateView):
    """Projects, pipeline, milestones, 产学研 and (for those allowed) the portfolio at a glance."""

    template_name = "innovation/overview.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        park_ids = requested_park_ids(self.request)
        can_see_stakes = has_capability(self.request.user, Capability.MANAGE_STAKES)
        context.update(
            today=today,
            projects=selectors.project_counts(park_ids=park_ids, today=today),
            pipeline=selectors.pipeline(park_ids=park_ids, day=today),
            milestones=selectors.milestone_counts(park_ids=park_ids, year=today.year, with_scale_ups=False),
            cooperation=selectors.cooperation_kpis(park_ids=park_ids, year=today.year, today=today),
            portfolio=selectors.portfolio_view(
                stakes=selectors.scoped(Stake.objects.all(), park_ids), as_of=today
            ).totals
            if can_see_stakes
            else None,
            behind=selectors.project_list(
                selectors.scoped(Project.objects.filter(phases.behind_schedule_q(today)), park_ids)
            ).order_by("planned_completed_on")[:8],
            parks=_parks(self.request),
            park_id=self.request.GET.get("park", ""),
        )
        return context


# --- projects ------------------------------------------------------------------------------------


def _phase_label(project: Project) -> str:
    phase = phases.current_phase(project.phase_dates())
    return str(phase.label) if phase is not None else _("未签约")


class ProjectListView(FilteredListView):
    model = Project
    filterset_class = ProjectFilterSet
    template_name = "innovation/project_list.html"
    partial_template_name = "innovation/_project_table.html"
    ordering_fields = PROJECT_ORDERING
    default_ordering = "park__name"

    def get_queryset(self) -> QuerySet[Project]:
        return selectors.project_list(super().get_queryset())

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.GET.get("format") == "xlsx":
            today = timezone.localdate()
            return xlsx_response(
                _("建设项目"),
                [
                    Column(_("项目名称"), "name"),
                    Column(_("园区"), "park.name"),
                    Column(_("建设单位"), lambda p: p.enterprise.name if p.enterprise else _("园区自建")),
                    Column(_("项目类型"), "get_kind_display"),
                    Column(_("计划总投资（万元）"), lambda p: (p.planned_investment or 0) / 10000, MONEY_FORMAT),
                    Column(_("累计完成投资（万元）"), lambda p: (p.invested or 0) / 10000, MONEY_FORMAT),
                    Column(_("当前阶段"), _phase_label),
                    Column(_("开工日期"), "started_on", DATE_FORMAT),
                    Column(_("计划投产日期"), "planned_completed_on", DATE_FORMAT),
                    Column(_("建成投用日期"), "completed_on", DATE_FORMAT),
                    Column(_("滞后天数"), lambda p: phases.days_behind(p.phase_dates(), today)),
                ],
                self.get_queryset()[:20000],
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        today = timezone.localdate()
        context["rows"] = [
            (p, phases.current_phase(p.phase_dates()), phases.days_behind(p.phase_dates(), today))
            for p in context["object_list"]
        ]
        context["can_manage"] = has_capability(self.request.user, Capability.MANAGE_PROJECTS)
        context["can_import"] = has_capability(self.request.user, Capability.IMPORT_DATA)
        return context


class ProjectDetailView(ScopedDetailView):
    model = Project
    template_name = "innovation/project_detail.html"

    def get_queryset(self) -> QuerySet[Project]:
        return super().get_queryset().select_related("park", "enterprise", "lead", "contract", "parcel")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project: Project = self.object
        today = timezone.localdate()
        lines = phases.phase_lines(project.phase_dates(), today)
        can_manage = has_capability(self.request.user, Capability.MANAGE_PROJECTS)
        context.update(
            today=today,
            lines=lines,
            current=phases.current_phase(project.phase_dates()),
            behind=phases.days_behind(project.phase_dates(), today),
            investment=selectors.project_investment(project),
            split_fields=SPLIT_FIELDS,
            photos=project.photos.all(),
            issues=[(issue, issue.is_overdue(today)) for issue in project.issues.all()],
            audit=_audit(project, "project"),
            can_manage=can_manage,
            phase_form=forms.PhaseForm(initial={"actual_on": today}),
            progress_form=forms.ProgressForm(),
            photo_form=forms.PhotoForm(initial={"taken_on": today}),
            issue_form=forms.IssueForm(initial={"raised_on": today}),
            close_form=forms.IssueCloseForm(initial={"resolved_on": today}),
            breadcrumbs=[
                (_("创新生态"), reverse("innovation:overview")),
                (_("建设项目"), reverse("innovation:project_list")),
                (project.name, ""),
            ],
        )
        return context


class ProjectFormView(_FormView[Project, forms.ProjectForm]):
    form_class = forms.ProjectForm
    template_name = "innovation/form.html"
    capability = Capability.MANAGE_PROJECTS

    @property
    def title(self) -> str:
        return _("编辑建设项目") if "pk" in self.kwargs else _("新建建设项目")

    def get_object(self) -> Project | None:
        if "pk" not in self.kwargs:
            return None
        project: Project = get_object_or_404(self.scope(Project.objects.all()), pk=self.kwargs["pk"])
        return project

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": _parks(self.request)}

    def park_of(self, obj: Project | None, form: forms.ProjectForm | None) -> Park | int | None:
        if obj is not None:
            return obj.park_id
        return form.cleaned_data["park"] if form is not None else None

    def save(self, form: forms.ProjectForm, obj: Project | None) -> Project:
        data: dict[str, Any] = {
            name: form.cleaned_data.get(name) for name in services.PROJECT_FIELDS if name in form.cleaned_data
        }
        data["note"] = data.get("note") or ""
        actor = acting_user(self.request)
        if obj is None:
            return services.project_create(data=services.ProjectData(**data), actor=actor)
        data.pop("park", None)
        return services.project_update(project=obj, actor=actor, **data)


class ProjectPhaseView(_StepView[Project, forms.PhaseForm]):
    model = Project
    form_class = forms.PhaseForm
    capability = Capability.MANAGE_PROJECTS
    done_message = "已记录阶段日期。"

    def apply(self, obj: Project, form: forms.PhaseForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        services.project_phase_record(
            project=obj, phase=data["phase"], actual_on=data["actual_on"], actor=acting_user(request)
        )


class ProjectProgressView(_StepView[Project, forms.ProgressForm]):
    model = Project
    form_class = forms.ProgressForm
    capability = Capability.MANAGE_PROJECTS

    def apply(self, obj: Project, form: forms.ProgressForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        split = services.InvestmentSplit(**{name: data[name] or Decimal(0) for name in SPLIT_FIELDS})
        services.project_progress_record(
            project=obj,
            year=data["year"],
            month=data["month"],
            split=split,
            note=data["note"],
            actor=acting_user(request),
        )


class ProjectPhotoAddView(_StepView[Project, forms.PhotoForm]):
    model = Project
    form_class = forms.PhotoForm
    capability = Capability.MANAGE_PROJECTS

    def apply(self, obj: Project, form: forms.PhotoForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        services.project_photo_add(
            project=obj,
            upload=data["image"],
            taken_on=data["taken_on"],
            caption=data["caption"],
            actor=acting_user(request),
        )


class ProjectPhotoView(ParkScopedMixin, View):
    """A progress photo, served to staff of the project's park only (never from a public URL)."""

    park_field = "project__park"

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        photo = get_object_or_404(self.scope(ProjectPhoto.objects.all()), pk=pk)
        try:
            image = photo.image.open("rb")
        except FileNotFoundError:  # the row outlived its file (a restore without media): not a server error
            raise Http404 from None
        return FileResponse(image, content_type="image/png" if photo.image.name.endswith(".png") else "image/jpeg")


class ProjectIssueAddView(_StepView[Project, forms.IssueForm]):
    model = Project
    form_class = forms.IssueForm
    capability = Capability.MANAGE_PROJECTS

    def apply(self, obj: Project, form: forms.IssueForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        services.project_issue_raise(project=obj, actor=acting_user(request), **data)


class ProjectIssueCloseView(_StepView[ProjectIssue, forms.IssueCloseForm]):
    model = ProjectIssue
    form_class = forms.IssueCloseForm
    capability = Capability.MANAGE_PROJECTS
    park_field = "project__park"

    def park_of(self, obj: ProjectIssue) -> Park | int:
        return obj.project.park_id

    def apply(self, obj: ProjectIssue, form: forms.IssueCloseForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        services.project_issue_close(issue=obj, actor=acting_user(request), **data)

    def redirect_to(self, obj: ProjectIssue) -> str:
        return str(obj.project.get_absolute_url()) + "#issues"


# --- products and the pipeline -------------------------------------------------------------------


class ProductListView(FilteredListView):
    model = Product
    filterset_class = ProductFilterSet
    template_name = "innovation/product_list.html"
    partial_template_name = "innovation/_product_table.html"
    ordering_fields = PRODUCT_ORDERING
    default_ordering = "enterprise__name"

    def get_queryset(self) -> QuerySet[Product]:
        return super().get_queryset().select_related("enterprise", "park")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context["can_manage"] = has_capability(self.request.user, Capability.MANAGE_SERVICES)
        context["can_import"] = has_capability(self.request.user, Capability.IMPORT_DATA)
        return context


class ProductDetailView(ScopedDetailView):
    model = Product
    template_name = "innovation/product_detail.html"

    def get_queryset(self) -> QuerySet[Product]:
        return super().get_queryset().select_related("park", "enterprise")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        product: Product = self.object
        parsed = regulatory.parse_device_number(product.device_number) if product.device_number else None
        context.update(
            stages=product.stages.select_related("recorded_by").order_by("-on", "-pk"),
            partners=product.partners.select_related("institution"),
            transfers=product.transfers.select_related("institution"),
            device_number=parsed,
            can_manage=has_capability(self.request.user, Capability.MANAGE_SERVICES),
            stage_form=forms.StageForm(pathway=product.pathway, initial={"on": timezone.localdate()}),
            partner_form=forms.PartnerForm(),
            audit=_audit(product, "product"),
            breadcrumbs=[
                (_("创新生态"), reverse("innovation:overview")),
                (_("研发产品"), reverse("innovation:product_list")),
                (product.name, ""),
            ],
        )
        return context


class ProductFormView(_FormView[Product, forms.ProductForm]):
    form_class: type[forms.ProductForm] = forms.ProductCreateForm
    template_name = "innovation/form.html"
    capability = Capability.MANAGE_SERVICES

    @property
    def title(self) -> str:
        return _("新增研发产品")

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": _parks(self.request)}

    def park_of(self, obj: Product | None, form: forms.ProductForm | None) -> Park | int | None:
        if obj is not None:
            return obj.park_id
        park: Park | None = form.cleaned_data["park"] if form is not None else None
        return park

    def get_context(self, form: forms.ProductForm, obj: Product | None) -> dict[str, Any]:
        return super().get_context(form, obj) | {"kind_fields": json.dumps(forms.PRODUCT_KIND_FIELDS)}

    def product_data(self, form: forms.ProductForm) -> dict[str, Any]:
        data = {name: form.cleaned_data.get(name) for name in services.PRODUCT_FIELDS if name in form.cleaned_data}
        for text in (
            "indication",
            "drug_family",
            "drug_category",
            "device_class",
            "device_number",
            "approval_number",
            "note",
        ):
            data[text] = data.get(text) or ""
        return data

    def save(self, form: forms.ProductForm, obj: Product | None) -> Product:
        return services.product_create(
            data=services.ProductData(**self.product_data(form)),
            stage=form.cleaned_data["stage"],
            stage_on=form.cleaned_data["stage_on"],
            actor=acting_user(self.request),
        )


class ProductUpdateView(ProductFormView):
    form_class = forms.ProductForm

    @property
    def title(self) -> str:
        return _("编辑研发产品")

    def get_object(self) -> Product:
        product: Product = get_object_or_404(self.scope(Product.objects.all()), pk=self.kwargs["pk"])
        return product

    def save(self, form: forms.ProductForm, obj: Product | None) -> Product:
        data = self.product_data(form)
        data.pop("park", None)
        return services.product_update(product=self.existing(obj), actor=acting_user(self.request), **data)


class ProductStageView(_StepView[Product, forms.StageForm]):
    model = Product
    form_class = forms.StageForm
    done_message = "已记录新阶段。"

    def form_kwargs(self, obj: Product) -> dict[str, Any]:
        return {"pathway": obj.pathway}

    def apply(self, obj: Product, form: forms.StageForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        services.product_stage_enter(product=obj, actor=acting_user(request), **data)


class ProductPartnerView(_StepView[Product, forms.PartnerForm]):
    model = Product
    form_class = forms.PartnerForm

    def apply(self, obj: Product, form: forms.PartnerForm, request: HttpRequest) -> None:
        partner = construct_instance(form, ProductPartner(product=obj))
        services.product_partner_add(partner=partner, actor=acting_user(request))


class PipelineView(ParkScopedMixin, TemplateView):
    """Products by class and stage, counted on any day (`?on=`)."""

    template_name = "innovation/pipeline.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        day = min(_date_param(self.request, "on", today), today)
        park_ids = requested_park_ids(self.request)
        pipeline = selectors.pipeline(park_ids=park_ids, day=day)
        park = self.request.GET.get("park", "")
        context.update(
            pipeline=pipeline,
            day=day,
            today=today,
            clinical_totals=pipeline.totals("clinical"),
            registration_totals=pipeline.totals("registration"),
            parks=_parks(self.request),
            park_id=park,
            base_query=f"on={day.isoformat()}" + (f"&park={park}" if park else ""),
            breadcrumbs=[(_("创新生态"), reverse("innovation:overview")), (_("研发管线"), "")],
        )
        return context


# --- milestones and the enterprise timeline ------------------------------------------------------


class MilestoneListView(FilteredListView):
    model = Milestone
    filterset_class = MilestoneFilterSet
    template_name = "innovation/milestone_list.html"
    default_ordering = "-on"
    ordering_fields = ("on", "kind", "enterprise__name")

    def get_queryset(self) -> QuerySet[Milestone]:
        return super().get_queryset().select_related("enterprise", "park")

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        year = _year_param(self.request, timezone.localdate().year)
        counts = selectors.milestone_counts(park_ids=requested_park_ids(self.request), year=year)
        context.update(
            year=year,
            counts=counts,
            count_rows=[
                (label, counts.by_kind.get(kind, dict.fromkeys(range(1, 5), 0)))
                for kind, label in MilestoneKind.choices
            ],
            patent_columns=selectors.PATENT_COLUMNS,
            can_manage=has_capability(self.request.user, Capability.MANAGE_SERVICES),
        )
        return context


class MilestoneFormView(_FormView[Milestone, forms.MilestoneForm]):
    form_class = forms.MilestoneForm
    template_name = "innovation/form.html"
    capability = Capability.MANAGE_SERVICES

    @property
    def title(self) -> str:
        return _("编辑里程碑") if "pk" in self.kwargs else _("记录里程碑")

    def get_object(self) -> Milestone | None:
        if "pk" not in self.kwargs:
            return None
        milestone: Milestone = get_object_or_404(self.scope(Milestone.objects.all()), pk=self.kwargs["pk"])
        return milestone

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": _parks(self.request)}

    def park_of(self, obj: Milestone | None, form: forms.MilestoneForm | None) -> Park | int | None:
        if obj is not None:
            return obj.park_id
        return form.cleaned_data["park"] if form is not None else None

    def save(self, form: forms.MilestoneForm, obj: Milestone | None) -> Milestone:
        milestone = obj or Milestone()
        for name, value in form.cleaned_data.items():
            if name == "park" and obj is not None:
                continue
            setattr(milestone, name, "" if value is None and name in _TEXT_FIELDS else value)
        return services.milestone_record(milestone=milestone, actor=acting_user(self.request))

    def success_url(self, obj: Milestone) -> str:
        return reverse("innovation:enterprise_timeline", args=[obj.enterprise_id])

    def get_context(self, form: forms.MilestoneForm, obj: Milestone | None) -> dict[str, Any]:
        return super().get_context(form, obj) | {"kind_fields": json.dumps(forms.MILESTONE_KIND_FIELDS)}


_TEXT_FIELDS = frozenset(
    f.name for f in Milestone._meta.get_fields() if getattr(f, "get_internal_type", lambda: "")() == "CharField"
)


class EnterpriseTimelineView(StaffRequiredMixin, TemplateView):
    """One enterprise's projects, pipeline, milestones, 升规, stakes and 产学研 as a timeline."""

    template_name = "innovation/enterprise_timeline.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        enterprise = get_object_or_404(Enterprise.objects.active(), pk=self.kwargs["pk"])
        today = timezone.localdate()
        events = selectors.enterprise_timeline(
            enterprise_id=enterprise.pk,
            park_ids=visible_park_ids(self.request.user),
            today=today,
            with_stakes=has_capability(self.request.user, Capability.MANAGE_STAKES),
        )
        topic = self.request.GET.get("topic", "")
        context.update(
            enterprise=enterprise,
            events=[e for e in events if not topic or e.topic == topic],
            topics=selectors.TOPIC_LABELS,
            topic=topic,
            today=today,
            breadcrumbs=[
                (_("企业库"), reverse("enterprises:enterprise_list")),
                (enterprise.name, reverse("enterprises:enterprise_detail", args=[enterprise.pk])),
                (_("创新时间线"), ""),
            ],
        )
        return context


# --- 产学研 ---------------------------------------------------------------------------------------


class CooperationView(ParkScopedMixin, TemplateView):
    """产学研 KPIs and the lists: agreements, joint projects, platforms with their users, transfers."""

    template_name = "innovation/cooperation.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year_param(self.request, today.year)
        park_ids = requested_park_ids(self.request)

        def listed(filterset_class: type[FilterSet], queryset: QuerySet[Any]) -> QuerySet[Any]:
            # The API's FilterSets: ?park=, ?institution=, ?kind=… narrow the lists here too.
            scoped = selectors.scoped(queryset, park_ids)
            narrowed: QuerySet[Any] = filterset_class(
                self.request.GET or None, queryset=scoped, request=self.request
            ).qs
            return narrowed

        context.update(
            year=year,
            kpis=selectors.cooperation_kpis(park_ids=park_ids, year=year, today=today),
            agreements=listed(AgreementFilterSet, Agreement.objects.select_related("institution", "enterprise"))[:100],
            joint_projects=listed(
                JointProjectFilterSet, JointProject.objects.select_related("institution", "enterprise")
            )[:100],
            platforms=listed(PlatformFilterSet, Platform.objects.select_related("institution")).prefetch_related(
                "uses__enterprise"
            ),
            transfers=listed(
                TechTransferFilterSet, TechTransfer.objects.select_related("institution", "enterprise")
            ).prefetch_related("products")[:100],
            use_form=forms.PlatformUseForm(),
            can_manage=has_capability(self.request.user, Capability.MANAGE_SERVICES),
            breadcrumbs=[(_("创新生态"), reverse("innovation:overview")), (_("产学研"), "")],
        )
        return context


class InstitutionListView(FilteredListView):
    model = Institution
    template_name = "innovation/institution_list.html"
    default_ordering = "name"
    ordering_fields = ("name", "kind", "city")

    filterset_class = InstitutionFilterSet

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset  # partner institutions are operator-wide, like the enterprise pool

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        context["can_manage"] = has_capability(self.request.user, Capability.MANAGE_SERVICES)
        return context


class InstitutionDetailView(StaffRequiredMixin, TemplateView):
    """An institution with its contacts (masked unless the person may see contact details; an
    unmasked view is audited) and everything the parks do with it."""

    template_name = "innovation/institution_detail.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        institution = get_object_or_404(Institution, pk=self.kwargs["pk"])
        park_ids = visible_park_ids(self.request.user)
        unmasked = has_capability(self.request.user, Capability.VIEW_CONTACT_DETAILS)
        contacts = list(institution.contacts.select_related("institution"))
        if unmasked:
            services.institution_contacts_record_view(
                contacts=contacts, actor=acting_user(self.request), remote_addr=client_ip(self.request) or None
            )
        context.update(
            object=institution,
            unmasked=unmasked,
            contacts=[(c, c.mobile if unmasked else mask_mobile(c.mobile) if c.mobile else "") for c in contacts],
            agreements=selectors.scoped(institution.agreements.select_related("enterprise"), park_ids),
            joint_projects=selectors.scoped(institution.joint_projects.select_related("enterprise"), park_ids),
            platforms=selectors.scoped(institution.platforms.all(), park_ids),
            transfers=selectors.scoped(institution.transfers.select_related("enterprise"), park_ids),
            contact_form=forms.InstitutionContactForm()
            if has_capability(self.request.user, Capability.MANAGE_SERVICES)
            else None,
            can_manage=has_capability(self.request.user, Capability.MANAGE_SERVICES),
            breadcrumbs=[
                (_("产学研"), reverse("innovation:cooperation")),
                (_("合作机构"), reverse("innovation:institution_list")),
                (institution.name, ""),
            ],
        )
        return context


class InstitutionFormView(_FormView[Institution, forms.InstitutionForm]):
    form_class = forms.InstitutionForm
    template_name = "innovation/form.html"
    capability = Capability.MANAGE_SERVICES

    @property
    def title(self) -> str:
        return _("编辑合作机构") if "pk" in self.kwargs else _("新增合作机构")

    def get_object(self) -> Institution | None:
        return get_object_or_404(Institution, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def park_of(self, obj: Institution | None, form: forms.InstitutionForm | None) -> Park | int | None:
        return None

    def save(self, form: forms.InstitutionForm, obj: Institution | None) -> Institution:
        return services.institution_save(institution=form.save(commit=False), actor=acting_user(self.request))


class InstitutionContactView(StaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        institution = get_object_or_404(Institution, pk=pk)
        require_capability(request.user, Capability.MANAGE_SERVICES)
        form = forms.InstitutionContactForm(request.POST)
        if form.is_valid():
            contact = construct_instance(form, InstitutionContact(institution=institution))
            try:
                services.institution_contact_save(contact=contact, actor=acting_user(request))
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, _("已保存。"))
        else:
            messages.error(request, form.errors.as_text())
        return HttpResponseRedirect(institution.get_absolute_url())


class ParkedFormView[ModelT: Model](_FormView[ModelT, forms.ParkedForm[ModelT]]):
    """Create a park-scoped 产学研 record through its service; back to the 产学研 page."""

    capability = Capability.MANAGE_SERVICES
    template_name = "innovation/form.html"
    service: Callable[..., ModelT]
    service_arg = ""
    label = ""

    @property
    def title(self) -> str:
        return str(self.label)

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": _parks(self.request)}

    def park_of(self, obj: ModelT | None, form: forms.ParkedForm[ModelT] | None) -> Park | None:
        park: Park | None = form.cleaned_data["park"] if form is not None else None
        return park

    def save(self, form: forms.ParkedForm[ModelT], obj: ModelT | None) -> ModelT:
        instance = construct_instance(form, form._meta.model())
        kwargs: dict[str, object] = {self.service_arg: instance, "actor": acting_user(self.request)}
        if isinstance(instance, TechTransfer):
            kwargs["products"] = form.cleaned_data.get("products") or []
        return type(self).service(**kwargs)

    def success_url(self, obj: ModelT) -> str:
        return reverse("innovation:cooperation")


class AgreementCreateView(ParkedFormView[Agreement]):
    form_class = forms.AgreementForm
    service = staticmethod(services.agreement_save)
    service_arg = "agreement"
    label = "新增合作协议"


class JointProjectCreateView(ParkedFormView[JointProject]):
    form_class = forms.JointProjectForm
    service = staticmethod(services.joint_project_save)
    service_arg = "project"
    label = "新增产学研合作项目"


class PlatformCreateView(ParkedFormView[Platform]):
    form_class = forms.PlatformForm
    service = staticmethod(services.platform_save)
    service_arg = "platform"
    label = "新增公共技术服务平台"


class TechTransferCreateView(ParkedFormView[TechTransfer]):
    form_class = forms.TechTransferForm
    service = staticmethod(services.tech_transfer_save)
    service_arg = "transfer"
    label = "新增技术转移合同"


class PlatformUseView(_StepView[Platform, forms.PlatformUseForm]):
    model = Platform
    form_class = forms.PlatformUseForm

    def apply(self, obj: Platform, form: forms.PlatformUseForm, request: HttpRequest) -> None:
        use = construct_instance(form, PlatformUse(platform=obj))
        services.platform_use_save(use=use, actor=acting_user(request))

    def redirect_to(self, obj: Platform) -> str:
        return reverse("innovation:cooperation") + "#platforms"


# --- 投资孵化 -------------------------------------------------------------------------------------


class _StakesMixin(ParkScopedMixin):
    """The portfolio is confidential: only those who manage stakes see it at all."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not has_capability(request.user, Capability.MANAGE_STAKES):
            raise PermissionDenied(_("您的角色无权查看投资孵化信息。"))
        return super().dispatch(request, *args, **kwargs)


class PortfolioView(_StakesMixin, TemplateView):
    template_name = "innovation/portfolio.html"

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        as_of = min(_date_param(self.request, "on", today), today)
        stakes = StakeFilterSet(
            self.request.GET or None, queryset=self.scope(Stake.objects.all()), request=self.request
        )
        view = selectors.portfolio_view(stakes=stakes.qs, as_of=as_of)
        context.update(
            view=view,
            filterset=stakes,
            as_of=as_of,
            today=today,
            breadcrumbs=[(_("创新生态"), reverse("innovation:overview")), (_("投资孵化"), "")],
        )
        return context


class StakeDetailView(_StakesMixin, ScopedDetailView):
    model = Stake
    template_name = "innovation/stake_detail.html"

    def get_queryset(self) -> QuerySet[Stake]:
        return super().get_queryset().select_related("fund", "enterprise", "park")

    def get_context_data(self, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        stake: Stake = self.object
        today = timezone.localdate()
        view = selectors.portfolio_view(stakes=Stake.objects.filter(pk=stake.pk), as_of=today)
        context.update(
            line=view.lines[0],
            investments=stake.investments.all(),
            valuations=stake.valuations.select_related("milestone"),
            exits=stake.exits.all(),
            investment_form=forms.InvestmentForm(initial={"kind": "follow_on", "on": today}),
            valuation_form=forms.ValuationForm(initial={"on": today}),
            exit_form=forms.ExitForm(initial={"on": today}),
            audit=_audit(stake, "stake"),
            breadcrumbs=[(_("投资孵化"), reverse("innovation:portfolio")), (str(stake.enterprise), "")],
        )
        return context


class StakeCreateView(_StakesMixin, _FormView[Stake, forms.NewStakeForm]):
    form_class = forms.NewStakeForm
    template_name = "innovation/form.html"
    capability = Capability.MANAGE_STAKES

    @property
    def title(self) -> str:
        return _("新增投资")

    def initial_kwargs(self) -> dict[str, Any]:
        return {"parks": _parks(self.request)}

    def park_of(self, obj: Stake | None, form: forms.NewStakeForm | None) -> Park | None:
        park: Park | None = form.cleaned_data["park"] if form is not None else None
        return park

    def save(self, form: forms.NewStakeForm, obj: Stake | None) -> Stake:
        investment = construct_instance(form, StakeInvestment())
        data = form.cleaned_data
        saved = services.stake_invest(
            fund=data["fund"],
            enterprise=data["enterprise"],
            park=data["park"],
            investment=investment,
            actor=acting_user(self.request),
        )
        return saved.stake


class _StakeStepView[FormT: BaseForm](_StakesMixin, _StepView[Stake, FormT]):
    model = Stake
    capability = Capability.MANAGE_STAKES


class StakeInvestView(_StakeStepView[forms.InvestmentForm]):
    form_class = forms.InvestmentForm

    def apply(self, obj: Stake, form: forms.InvestmentForm, request: HttpRequest) -> None:
        investment = construct_instance(form, StakeInvestment())
        services.stake_invest(
            fund=obj.fund, enterprise=obj.enterprise, park=obj.park, investment=investment, actor=acting_user(request)
        )


class StakeMarkView(_StakeStepView[forms.ValuationForm]):
    form_class = forms.ValuationForm

    def apply(self, obj: Stake, form: forms.ValuationForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        services.stake_mark(valuation=StakeValuation(stake=obj, **data), actor=acting_user(request))


class StakeExitView(_StakeStepView[forms.ExitForm]):
    form_class = forms.ExitForm

    def apply(self, obj: Stake, form: forms.ExitForm, request: HttpRequest) -> None:
        data = form.cleaned_data
        services.stake_exit(exit_=StakeExit(stake=obj, **data), actor=acting_user(request))


# --- import --------------------------------------------------------------------------------------


class ImportView(ParkScopedMixin, View):
    """Import projects, monthly investment, products, stages and milestones into one of the person's parks."""

    def _form(self, data: FormData | None = None, files: FormFiles | None = None) -> forms.ImportForm:
        tables = [(t.name, t.sheet_title) for t in importing.WORKBOOK.tables]
        return forms.ImportForm(data, files, parks=_parks(self.request), tables=tables)

    def get(self, request: HttpRequest) -> HttpResponse:
        self.require(Capability.IMPORT_DATA)
        return self._render(self._form(), None)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.require(Capability.IMPORT_DATA)
        form = self._form(request.POST, request.FILES)
        result = None
        if form.is_valid():
            data = form.cleaned_data
            park, upload = data["park"], data["file"]
            self.require(Capability.IMPORT_DATA, park)
            table = data["csv_table"] or None
            if goes_to_background(upload):
                job = importing.create_job(
                    park=park,
                    upload=upload,
                    name=upload.name,
                    actor=acting_user(request),
                    mode=data["mode"],
                    csv_table=table,
                )
                enqueue(job)
                return HttpResponseRedirect(reverse("innovation:import_job", args=[job.pk]))
            result = importing.import_workbook(
                park=park,
                name=upload.name,
                data=upload,
                actor=acting_user(request),
                mode=data["mode"],
                dry_run=data["dry_run"],
                csv_table=table,
            )
            if result.committed and not data["dry_run"]:
                messages.success(
                    request,
                    _("已导入 %(rows)s 行：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s。")
                    % {
                        "rows": result.rows_ok,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
                if result.ok:
                    return HttpResponseRedirect(reverse("innovation:import"))
        return self._render(form, result)

    def _render(self, form: forms.ImportForm, result: Any) -> HttpResponse:
        return render(
            self.request,
            "innovation/import.html",
            {
                "form": form,
                "result": result,
                "tables": importing.WORKBOOK.tables,
                "jobs": ImportJob.objects.filter(importer=importing.IMPORTER, created_by=self.request.user.pk)[:5],
                "breadcrumbs": [(_("创新生态"), reverse("innovation:overview")), (_("批量导入"), "")],
            },
        )


class ImportJobView(ParkScopedMixin, View):
    """A background import: progress, errors and the error report (?report=xlsx), for its park's staff."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        found = get_object_or_404(ImportJob, pk=pk, importer=importing.IMPORTER)
        self.require(Capability.IMPORT_DATA, found.options.get("park"))
        detail_url = reverse("innovation:import_job", args=[found.pk])
        if request.GET.get("report") == "xlsx":
            return job_report(found)
        return job_page(
            request,
            found,
            detail_url=detail_url,
            report_url=detail_url + "?report=xlsx",
            breadcrumbs=[
                (_("创新生态"), reverse("innovation:overview")),
                (_("批量导入"), reverse("innovation:import")),
                (str(found), ""),
            ],
        )


class ImportTemplateView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(importing.template_bytes(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition("创新生态导入模板.xlsx")
        return response
