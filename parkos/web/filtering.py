"""The base of every FilterSet: one FilterSet drives an HTML list and its API alike.

`form_fields` names the filters the HTML list's filter form shows (in that order; None: all of them);
the others stay usable in URLs and the API (e.g. `?enterprise=12` from an enterprise page). The list
templates render the form with `{% include "includes/filter_form.html" %}`.
"""

from __future__ import annotations

from typing import ClassVar

import django_filters
from django.forms import BaseForm, BoundField


class FilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter ships no type hints
    form_fields: ClassVar[tuple[str, ...] | None] = None

    def visible_fields(self) -> list[BoundField]:
        form: BaseForm = self.form
        if self.form_fields is None:
            return list(form)
        return [form[name] for name in self.form_fields]
