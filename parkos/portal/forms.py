from __future__ import annotations

from typing import Any, Unpack

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import choose_from
from parkos.core.images import MAX_BYTES
from parkos.parks.models import Park
from parkos.portal.models import Article, SiteSettings
from parkos.portal.services import ARTICLE_EDITABLE_FIELDS, SETTINGS_EDITABLE_FIELDS, clean_image_cached, parse_tags
from parkos.web.forms import FormData, FormFiles, ModelFormOptions

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


def _checked_image(upload: UploadedFile[Any] | None) -> UploadedFile[Any] | None:
    if not upload:
        return None
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("图片不能超过5 MB。"))
    clean_image_cached(upload)
    return upload


class ArticleForm(forms.ModelForm[Article]):
    tags_text = forms.CharField(label=_("标签"), required=False, help_text=_("用逗号或空格分隔，如：生物医药 签约"))
    parks = forms.ModelMultipleChoiceField(
        queryset=Park.objects.none(),
        required=False,
        label=_("相关园区"),
        widget=forms.CheckboxSelectMultiple,
    )
    cover_upload = forms.FileField(
        label=_("封面图"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG/PNG/WebP/GIF，不超过5 MB、6000像素；上传后自动去除拍摄信息等元数据"),
    )

    class Meta:
        model = Article
        fields = list(ARTICLE_EDITABLE_FIELDS)
        widgets = {
            "body": forms.Textarea(attrs={"rows": 18}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        data: FormData | None = None,
        files: FormFiles | None = None,
        *,
        parks: QuerySet[Park],
        **kwargs: Unpack[ModelFormOptions[Article]],
    ) -> None:
        super().__init__(data, files, **kwargs)
        choose_from(self, "parks", parks)
        if self.instance.pk:
            self.fields["tags_text"].initial = " ".join(t.name for t in self.instance.tags.all())
            self.fields["parks"].initial = list(self.instance.parks.values_list("pk", flat=True))

    def clean_cover_upload(self) -> UploadedFile[Any] | None:
        return _checked_image(self.cleaned_data.get("cover_upload"))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {name: data[name] for name in ARTICLE_EDITABLE_FIELDS if name in data}
        kwargs["tags"] = parse_tags(data.get("tags_text", ""))
        kwargs["parks"] = list(data.get("parks") or [])
        kwargs["cover"] = data.get("cover_upload")
        return kwargs


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("发布时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=_("留空表示立即发布；填写将来的时间即定时发布"),
    )


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("图片"),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG/PNG/WebP/GIF，不超过5 MB、6000像素；上传后自动去除拍摄信息等元数据"),
    )
    alt = forms.CharField(label=_("图片说明"), max_length=120, help_text=_("供读屏软件朗读，也作为图注"))

    def clean_image(self) -> UploadedFile[Any] | None:
        return _checked_image(self.cleaned_data.get("image"))


class SiteSettingsForm(forms.ModelForm[SiteSettings]):
    wechat_qr_upload = forms.FileField(
        label=_("微信二维码"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG/PNG/WebP，不超过5 MB"),
    )
    clear_wechat_qr = forms.BooleanField(label=_("删除当前二维码"), required=False)

    class Meta:
        model = SiteSettings
        fields = list(SETTINGS_EDITABLE_FIELDS)

    def clean_wechat_qr_upload(self) -> UploadedFile[Any] | None:
        return _checked_image(self.cleaned_data.get("wechat_qr_upload"))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {name: data[name] for name in SETTINGS_EDITABLE_FIELDS}
        kwargs["wechat_qr"] = data.get("wechat_qr_upload")
        kwargs["clear_wechat_qr"] = bool(data.get("clear_wechat_qr"))
        return kwargs
