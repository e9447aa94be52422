"""The keyword arguments of Django's form fields, typed, for fields that set defaults and pass the rest on.

A field subclass declares `**kwargs: Unpack[CharFieldOptions]` (or the options of its base), sets its
defaults with `kwargs.setdefault(...)` and calls `super().__init__(**kwargs)`: callers are checked
against Django's own signature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from django.forms import Widget
    from django_stubs_ext import StrOrPromise


class FieldOptions(TypedDict, total=False):
    """django.forms.Field."""

    required: bool
    widget: Widget | type[Widget] | None
    label: StrOrPromise | None
    initial: object
    help_text: StrOrPromise
    error_messages: Mapping[str, StrOrPromise] | None
    show_hidden_initial: bool
    validators: Iterable[Callable[[object], None]]
    localize: bool
    disabled: bool
    label_suffix: str | None


class CharFieldOptions(FieldOptions, total=False):
    """django.forms.CharField."""

    max_length: int | None
    min_length: int | None
    strip: bool
    empty_value: str | None


class DecimalFieldOptions(FieldOptions, total=False):
    """django.forms.DecimalField."""

    max_value: Decimal | int | None
    min_value: Decimal | int | None
    max_digits: int | None
    decimal_places: int | None
    step_size: Decimal | int | None


class ChoiceFieldOptions(FieldOptions, total=False):
    """django.forms.ChoiceField."""

    choices: Iterable[tuple[object, StrOrPromise]]


class FileFieldOptions(FieldOptions, total=False):
    """django.forms.FileField."""

    max_length: int | None
    allow_empty_file: bool
