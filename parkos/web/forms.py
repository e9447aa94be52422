"""Typed building blocks for forms: constructor options, and a field looked up with the type it has.

A form that takes its own keyword (`parks=`, `programme=`) declares `data` and `files`, its keywords,
and `**options: Unpack[FormOptions]` (`ModelFormOptions[Model]` for a ModelForm), then passes them on
to Django; so every call is checked against Django's own signature instead of untyped `*args`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, TypedDict

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model
from django.forms.renderers import BaseRenderer
from django.forms.utils import ErrorList
from django.utils.datastructures import MultiValueDict

#: What a bound form reads: request.POST, a QueryDict, or a plain mapping in tests and services.
type FormData = Mapping[str, object]
#: Uploaded files by field name: request.FILES.
type FormFiles = MultiValueDict[str, UploadedFile[Any]]


class FormOptions(TypedDict, total=False):
    """The keyword arguments of `django.forms.Form`, after data and files."""

    auto_id: bool | str
    prefix: str | None
    initial: MutableMapping[str, Any] | None
    error_class: type[ErrorList]
    label_suffix: str | None
    empty_permitted: bool
    use_required_attribute: bool | None
    renderer: BaseRenderer | None


class ModelFormOptions[M: Model](FormOptions, total=False):
    """The keyword arguments of `django.forms.ModelForm[M]`, after data and files."""

    instance: M | None


def model_choice_field(
    form: forms.BaseForm, name: str, *, label: Callable[[Any], str] | None = None
) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, declared as a (multiple) model choice: its queryset is set per person.

    `label` replaces how each choice reads (`label_from_instance`) for this form only.
    """
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), f"{name} is not a model choice field"
    if label is not None:
        # Django's documented way to relabel one form's choices is to replace the bound method.
        field.label_from_instance = label  # type: ignore[method-assign, assignment]
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, declared as a choice field: its choices are set per object."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    return field
