"""The base of every FilterSet: one FilterSet drives an HTML list and its API alike.

`form_fields` names the filters the HTML list's filter form shows (in that order; None: all of them);
the others stay usable in URLs and the API (e.g. `?enterprise=12` from an enterprise page). The list
templates render the form with `{% include "includes/filter_form.html" %}`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import django_filters
from django.forms import BaseForm, BoundField
from django.http import QueryDict

#: Largest id a database holds (64 bits); SQLite overflows on a larger number (a 500, Ref: #13).
MAX_ID = 2**63 - 1
#: What stands in for an id no database can hold: not a number, so the field refuses it as an
#: invalid choice (a 400 naming the filter) instead of the database failing on it.
_NOT_AN_ID = "invalid"


def _beyond_ids(value: object) -> bool:
    text = str(value).strip()
    return text.lstrip("-").isdigit() and not -MAX_ID <= int(text) <= MAX_ID


class FilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    """Numbers in filters are bounded where the database or Python would fail on them: a year within
    datetime's range, any other number and any id within 64 bits; beyond, the filter's field refuses
    the value (400 in the API, the form's error on a page) instead of a 500."""

    form_fields: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, data: object = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, django_filters.NumberFilter):
                if filter_.field_name.endswith("__year") or filter_.lookup_expr == "year":
                    bounds = (datetime.MINYEAR, datetime.MAXYEAR)
                else:
                    bounds = (-MAX_ID, MAX_ID)
                filter_.extra.setdefault("min_value", bounds[0])
                filter_.extra.setdefault("max_value", bounds[1])
            elif isinstance(filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                self._refuse_huge_ids(name)

    def _refuse_huge_ids(self, name: str) -> None:
        data: QueryDict | Mapping[str, object] | None = getattr(self, "data", None)
        if data is None or name not in data:
            return
        values = data.getlist(name) if isinstance(data, QueryDict) else [data[name]]
        if any(_beyond_ids(v) for v in values):
            if isinstance(data, QueryDict):
                data = data.copy()
                data.setlist(name, [_NOT_AN_ID if _beyond_ids(v) else str(v) for v in values])
            else:
                data = {**data, name: _NOT_AN_ID}
            self.data = data

    def visible_fields(self) -> list[BoundField]:
        form: BaseForm = self.form
        if self.form_fields is None:
            return list(form)
        return [form[name] for name in self.form_fields]
