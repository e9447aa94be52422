"""Form widgets of the shell: searchable pickers over vendored tom-select (no CDN).

An industry picker searches the whole GB/T 4754-2017 tree by code, name or pinyin through
`web:industry_search`; the enterprise and unit pickers search what the caller may see through the
URL they are given. Each renders a plain <select> holding the current value (so the form works, and
reads, without JavaScript) that `js/pickers.js` turns into a search box with Chinese prompts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Unpack

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from parkos.core import industry
from parkos.core.form_fields import CharFieldOptions, ChoiceFieldOptions
from parkos.web.forms import FormFiles

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PICKER_MEDIA = forms.Media(
    css={"all": ["vendor/tom-select-2.6.2/tom-select.default.min.css"]},
    js=["vendor/tom-select-2.6.2/tom-select.complete.min.js", "js/pickers.js"],
)


class SearchSelect(forms.Select):
    """A <select> of the chosen value(s) only; the browser searches `url` for the rest.

    `describe(value)` names a stored value ("C3581 医疗诊断、监护及治疗设备制造"), so the page shows
    a name, never a bare code, before and after the script runs.
    """

    def __init__(
        self,
        *,
        url: StrOrPromise,
        describe: Callable[[str], str],
        placeholder: StrOrPromise | None = None,
        create_url: StrOrPromise = "",
        attrs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(attrs=attrs)
        self.url = url
        self.describe = describe
        self.placeholder = placeholder if placeholder is not None else _("输入名称、代码或拼音搜索")
        self.create_url = create_url

    @property
    def media(self) -> forms.Media:
        return PICKER_MEDIA

    def _values(self, value: object) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, list | tuple):
            return [str(v) for v in value if str(v)]
        return [str(value)]

    def get_context(self, name: str, value: object, attrs: dict[str, Any] | None) -> dict[str, Any]:
        self.choices = [("", "")] + [(v, self.describe(v)) for v in self._values(value)]
        attrs = dict(attrs or {})
        attrs.update(
            {
                "data-picker": "search",
                "data-url": str(self.url),
                "data-placeholder": str(self.placeholder),
                "data-empty": str(_("没有找到匹配的选项")),
                "data-loading": str(_("正在搜索…")),
            }
        )
        if self.create_url:
            attrs["data-create-url"] = str(self.create_url)
            attrs["data-create-label"] = str(_("新建：%(name)s"))
        return super().get_context(name, value, attrs)

    def format_value(self, value: object) -> list[str]:
        return self._values(value)


class SearchSelectMultiple(SearchSelect, forms.SelectMultiple):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Mapping[str, object], files: FormFiles, name: str) -> Any:
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)


def industry_picker(*, multiple: bool = False) -> SearchSelect:
    widget_class = SearchSelectMultiple if multiple else SearchSelect
    return widget_class(url=reverse_lazy("web:industry_search"), describe=industry.describe)


class IndustryCodeField(forms.CharField):
    """One GB/T 4754-2017 code at any grain, picked from the tree; a 2011 code is mapped, with a notice.

    `cleaned_data[name]` is the canonical 2017 code; `notice` says what was mapped, for the page.
    """

    def __init__(self, **kwargs: Unpack[CharFieldOptions]) -> None:
        kwargs.setdefault("widget", industry_picker())
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)
        self.notice = ""

    def clean(self, value: object) -> str:
        text = super().clean(value)
        self.notice = ""
        if not text:
            return ""
        resolution = industry.resolve(text)
        self.notice = resolution.notice
        return resolution.code


class IndustryCodesField(forms.MultipleChoiceField):
    """Several GB/T 4754-2017 codes at any grain (a park's policy), each picked from the tree."""

    def __init__(self, **kwargs: Unpack[ChoiceFieldOptions]) -> None:
        kwargs.setdefault("widget", industry_picker(multiple=True))
        super().__init__(**kwargs)

    def to_python(self, value: object) -> list[str]:
        if not value:
            return []
        raws = [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else [value]
        codes: list[str] = []
        for raw in raws:
            for part in str(raw).replace("，", ",").replace("、", ",").split(","):
                if part.strip():
                    codes.append(part.strip())
        return codes

    def validate(self, value: Iterable[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        errors = []
        for code in value:
            try:
                industry.validate(code)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
