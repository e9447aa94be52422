"""The upload field every import form uses: type and size checked before the file is read."""

from __future__ import annotations

from typing import Any, Unpack

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from parkos.core.form_fields import FileFieldOptions
from parkos.core.importing.errors import FileRejected
from parkos.core.importing.reading import EXCEL_SUFFIXES, ImportLimits, check_size

__all__ = ["ImportFileField", "goes_to_background"]


class ImportFileField(forms.FileField):
    """An .xlsx or .csv upload within IMPORT_MAX_UPLOAD_MB, refused with a clear message otherwise."""

    def __init__(self, **kwargs: Unpack[FileFieldOptions]) -> None:
        kwargs.setdefault("label", _("文件"))
        kwargs.setdefault("error_messages", {"required": _("请选择要导入的文件。"), "empty": _("文件是空的。")})
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
        super().__init__(**kwargs)

    def clean(self, data: object, initial: object = None) -> Any:
        upload = super().clean(data, initial)
        if not isinstance(upload, UploadedFile):
            return upload
        name = (upload.name or "").lower()
        if name.endswith(".xls"):
            raise forms.ValidationError(
                _("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入。"), code="file_type"
            )
        if not name.endswith((*EXCEL_SUFFIXES, ".csv")):
            raise forms.ValidationError(_("仅支持 .xlsx 或 .csv 文件。"), code="file_type")
        try:
            check_size(upload.size or 0, ImportLimits.from_settings())
        except FileRejected as exc:
            raise forms.ValidationError(str(exc), code="file_size") from None
        return upload


def goes_to_background(upload: UploadedFile[Any]) -> bool:
    """Files larger than IMPORT_BACKGROUND_MB are imported by the background worker, not in the request."""
    return (upload.size or 0) > settings.IMPORT_BACKGROUND_MB * 1024 * 1024
