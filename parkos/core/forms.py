"""Small helpers for Django forms shared by every app."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.forms import BaseForm, ModelChoiceField


def choose_from[M: Model](form: BaseForm, name: str, queryset: QuerySet[M]) -> None:
    """Offer a model-choice field only these rows (the person's parks, the park's tenants, …).

    Typed in one place so forms need neither `Any` nor an ignore to set a field's queryset.
    """
    field = form.fields[name]
    if not isinstance(field, ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model-choice field")
    field.queryset = queryset
