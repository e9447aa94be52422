"""The availability search's unit rows, rendered without the template engine's per-cell work.

The search shows a page of 100 units × 10 columns. Through `{% for %}` with a variable, a filter or a tag
in every cell, about 90 % of the page's CPU went into the template engine (resolving dotted lookups,
localizing and escaping each value, a `{% url %}` and a `{% status_badge %}` per row) and into building
400 model instances. Here a page is read as plain values (one query, as before), choice labels and
badges are made once per request, the detail URL comes from one reversed pattern, and each row is one
string with its stored text escaped: 60 → 33 ms of CPU per page (docs/deployment.md, "Sizes"). The rows
read as the template's did (`test_availability_rows_render_as_the_template_did`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from parkos.core.units import format_area
from parkos.parks.choices import FireHazardClass, SpaceStatus
from parkos.parks.models import Unit
from parkos.parks.templatetags.parks_tags import status_badge

#: What a row shows, read as plain values: building 100 model instances with their park, building and
#: floor cost more than rendering them.
UNIT_ROW_VALUES = (
    "pk",
    "code",
    "park__name",
    "park__city",
    "building__name",
    "building__code",
    "floor__level",
    "area_sqm",
    "floor__floor_load_kn_m2",
    "floor__clear_height_m",
    "power_kva",
    "design_fire_class",
    "cleanroom_grade",
    "rent_yuan_per_sqm_month",
    "status_now",
)
_NOTHING = "—"
_PK_MARK = 987654321


def _number(value: Decimal | int | None) -> str:
    """As `{{ value }}` shows a number: localized, empty when there is none."""
    return "" if value is None else str(localize(value))


def unit_rows(units: QuerySet[Unit]) -> list[SafeString]:
    """One `<tr>` per unit of a page of the availability list (a slice of `selectors.unit_search`)."""
    fire_labels = {value: escape(label) for value, label in FireHazardClass.choices}
    badges = {status: status_badge(status) for status in SpaceStatus.values}
    detail_url = reverse("parks:unit_detail", args=[_PK_MARK])
    mark = str(_PK_MARK)
    rows = []
    for (
        pk,
        code,
        park_name,
        city,
        building_name,
        building_code,
        level,
        area,
        floor_load,
        clear_height,
        power,
        fire_class,
        cleanroom,
        rent,
        status,
    ) in units.values_list(*UNIT_ROW_VALUES):
        # Numbers, labels and the URL are safe as they are; only stored text is escaped.
        level_label = f"B{-level}" if level < 0 else f"{level}F"
        rows.append(
            mark_safe(  # noqa: S308 - every stored text below goes through escape()
                f'<tr><td><a href="{detail_url.replace(mark, str(pk))}">{escape(code)}</a></td>'
                f"<td>{escape(park_name)}<br><small>{escape(city)} · {escape(building_name or building_code)}"
                f" · {level_label}</small></td>"
                f'<td class="num">{format_area(area)}</td><td class="num">{_number(floor_load)}</td>'
                f'<td class="num">{_number(clear_height)}</td><td class="num">{_number(power)}</td>'
                f"<td>{fire_labels.get(fire_class) or escape(fire_class)}</td><td>{escape(cleanroom) or _NOTHING}</td>"
                f'<td class="num">{_number(rent) if rent else _NOTHING}</td><td>{badges.get(status, "")}</td></tr>'
            )
        )
    return rows
