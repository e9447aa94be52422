"""Thin generic bases for HTML views: park scoping, FilterSet-driven lists, HTMX partials."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from parkos.accounts.access import Capability, is_staff_member, require_capability, scope_to_parks, visible_park_ids
from parkos.web.filtering import FilterSet

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination
    from django_stubs_ext import StrOrPromise

    from parkos.parks.models import Park


#: What a list page may paginate (ListView's `object_list`): a queryset or a sequence.
type Paginable = _SupportsPagination[Any]


class StaffRequiredMixin(LoginRequiredMixin):
    """Operator staff only; enterprise users have their own pages."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not is_staff_member(request.user):
            raise PermissionDenied(_("该页面仅限园区工作人员访问。"))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]


class ParkScopedMixin(StaffRequiredMixin):
    """Restrict the view's queryset to the person's parks (404 outside them)."""

    park_field = "park"
    request: HttpRequest

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_to_parks(self.request.user, queryset, self.park_field)

    def get_queryset(self) -> QuerySet[Any]:
        return self.scope(super().get_queryset())  # type: ignore[misc]

    def require(self, capability: Capability, park: Park | int | None = None) -> None:
        require_capability(self.request.user, capability, park)


class FilteredListView(ParkScopedMixin, ListView[Any]):
    """A list page driven by the same FilterSet as the API; sorting by whitelisted fields; pagination.

    An HTMX request gets only the results partial, so filters update the table in place.
    """

    filterset_class: type[FilterSet]
    ordering_fields: tuple[str, ...] = ()
    default_ordering: str = ""
    paginate_by = 50
    partial_template_name = ""

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        queryset = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset
        sort = self.request.GET.get("sort", self.default_ordering)
        if sort.lstrip("-") in self.ordering_fields:
            queryset = queryset.order_by(sort, "pk")
            self.current_sort = sort
        else:
            self.current_sort = self.default_ordering
            if self.default_ordering:
                queryset = queryset.order_by(self.default_ordering, "pk")
        return queryset

    def get_context_data(self, *, object_list: Paginable | None = None, **kwargs: object) -> dict[str, Any]:
        context = super().get_context_data(object_list=object_list, **kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filterset=self.filterset, current_sort=self.current_sort, querystring=query.urlencode())
        query.pop("sort", None)
        context["querystring_nosort"] = query.urlencode()
        return context

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and self.partial_template_name:
            return [self.partial_template_name]
        return super().get_template_names()


class ScopedDetailView(ParkScopedMixin, DetailView[Any]):
    pass


class ServiceFormView[ModelT: Model, FormT: BaseForm](ParkScopedMixin, View):
    """Create or edit one object through a service, with the form re-shown on any validation error.

    Subclasses set `form_class`, `template_name`, `capability`, and implement `get_object` (None to
    create), `park_of` (the park the object belongs or will belong to), `save` (call the service) and
    `success_url`. Model and service ValidationErrors land on the form's fields, in the user's language;
    nothing is half-written because services are atomic.
    """

    form_class: type[FormT]
    template_name = ""
    capability: Capability = Capability.CHANGE_SPACE

    @property
    def title(self) -> StrOrPromise:
        """The page's heading; a subclass sets it, or overrides it when it depends on the object."""
        return ""

    def get_object(self) -> ModelT | None:
        return None

    def park_of(self, obj: ModelT | None, form: FormT | None) -> Park | int | None:
        raise NotImplementedError

    def existing(self, obj: ModelT | None) -> ModelT:
        """The object an edit page works on: its `get_object` found it (or answered 404)."""
        if obj is None:
            raise Http404
        return obj

    def get_form_kwargs(self, obj: ModelT | None) -> dict[str, Any]:
        return {"instance": obj} if obj is not None else {}

    def save(self, form: FormT, obj: ModelT | None) -> ModelT:
        raise NotImplementedError

    def success_url(self, obj: ModelT) -> str:
        return resolve_url(obj)

    def get_context(self, form: FormT, obj: ModelT | None) -> dict[str, Any]:
        return {"form": form, "object": obj, "title": self.title}

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        obj = self.get_object()
        # A new object's park, when the URL names it, is checked now: a page that could not be saved
        # is not shown (Ref: #13). Where the form chooses the park, POST checks it.
        self.require(self.capability, self.park_of(obj, None))
        form = self.form_class(**self.get_form_kwargs(obj), **self.initial_kwargs())
        return render(request, self.template_name, self.get_context(form, obj))

    def initial_kwargs(self) -> dict[str, Any]:
        return {}

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        obj = self.get_object()
        self.require(self.capability, self.park_of(obj, None))
        form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs(obj), **self.initial_kwargs())
        if form.is_valid():
            if obj is None:
                self.require(self.capability, self.park_of(None, form))
            try:
                saved = self.save(form, obj)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(self.success_url(saved))
        return render(request, self.template_name, self.get_context(form, obj), status=200)


def apply_validation_error(form: BaseForm, exc: ValidationError) -> None:
    """Attach a model/service ValidationError to the form: known fields to themselves, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def requested_park_ids(request: HttpRequest) -> list[int] | None:
    """The parks a page covers: `?park=` if visible, else the active park, else all visible parks (None: all)."""
    visible = visible_park_ids(request.user)
    wanted = request.GET.get("park") or getattr(getattr(request, "active_park", None), "pk", None)
    try:
        park_id = int(wanted) if wanted else None
    except ValueError:
        park_id = None
    if park_id is not None and not 0 < park_id < 2**63:  # beyond any database's ids (SQLite would overflow)
        park_id = None
    if park_id is not None and (visible is None or park_id in visible):
        return [park_id]
    return visible
