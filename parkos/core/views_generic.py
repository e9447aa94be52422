"""Thin generic bases for HTML views: park scoping, FilterSet-driven lists, HTMX partials."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from parkos.accounts.access import Capability, is_staff_member, require_capability, scope_to_parks


class StaffRequiredMixin(LoginRequiredMixin):
    """Operator staff only; enterprise users have their own pages."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
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

    def require(self, capability: Capability, park: Any = None) -> None:
        require_capability(self.request.user, capability, park)


class FilteredListView(ParkScopedMixin, ListView):  # type: ignore[type-arg]
    """A list page driven by the same FilterSet as the API; sorting by whitelisted fields; pagination.

    An HTMX request gets only the results partial, so filters update the table in place.
    """

    filterset_class: Any = None
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
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


class ScopedDetailView(ParkScopedMixin, DetailView):  # type: ignore[type-arg]
    pass
