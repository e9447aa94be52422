from __future__ import annotations

from parkos.core.views_generic import FilteredListView, ScopedDetailView
from parkos.parks.filtersets import ParkFilterSet
from parkos.parks.models import Park


class ParkListView(FilteredListView):
    model = Park
    park_field = "pk"
    filterset_class = ParkFilterSet
    template_name = "parks/park_list.html"
    partial_template_name = "parks/_park_table.html"
    ordering_fields = ("name", "city", "land_area_sqm")
    default_ordering = "city"


class ParkDetailView(ScopedDetailView):
    model = Park
    park_field = "pk"
    template_name = "parks/park_detail.html"
