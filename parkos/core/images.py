"""Checking and cleaning uploaded images: decode to verify the type, bound the size, strip metadata.

The browser's content type and the file name are not trusted: the bytes must decode as one of the
allowed formats. The image is then re-encoded from its pixels, which drops EXIF (GPS position,
camera serial), XMP, ICC profiles and comments; EXIF orientation is applied first so photos taken
on a phone keep their orientation.
"""

from __future__ import annotations

import io
from pathlib import PurePath
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_SIDE_PX: Final = 6000
ALLOWED_FORMATS: Final = frozenset({"JPEG", "PNG", "WEBP", "GIF"})


def clean_image(upload: UploadedFile[Any]) -> ContentFile[bytes]:
    """Validate an uploaded image and return a re-encoded copy without metadata.

    Raises ValidationError (in the user's language) for a file that is too large, not an image,
    of another format, or wider/taller than MAX_SIDE_PX.
    """
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("图片不能超过5 MB。"), code="too_large")
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationError(_("图片不能超过5 MB。"), code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("无法识别的图片文件，请上传 JPEG、PNG、WebP 或 GIF 图片。"), code="invalid") from exc
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("仅支持 JPEG、PNG、WebP 或 GIF 图片。"), code="format")
    if width > MAX_SIDE_PX or height > MAX_SIDE_PX:
        raise ValidationError(_("图片尺寸不能超过 %(max)d × %(max)d 像素。") % {"max": MAX_SIDE_PX}, code="dimensions")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            pixels = ImageOps.exif_transpose(image)
            has_alpha = pixels.mode in ("RGBA", "LA", "P") and image_format != "JPEG"
            out = io.BytesIO()
            if has_alpha:
                pixels.convert("RGBA").save(out, format="PNG", optimize=True)
                extension = "png"
            else:
                pixels.convert("RGB").save(out, format="JPEG", quality=85, optimize=True, progressive=True)
                extension = "jpg"
    except (OSError, ValueError) as exc:
        raise ValidationError(_("无法识别的图片文件，请上传 JPEG、PNG、WebP 或 GIF 图片。"), code="invalid") from exc
    stem = PurePath(upload.name or "image").stem[:60] or "image"
    return ContentFile(out.getvalue(), name=f"{stem}.{extension}")


THUMBNAIL_SIDE_PX: Final = 480


def thumbnail(image: ContentFile[bytes], *, side: int = THUMBNAIL_SIDE_PX) -> ContentFile[bytes]:
    """A JPEG no larger than `side` × `side` of an image already cleaned by `clean_image` (pages show
    these; the full image is a click away)."""
    image.seek(0)
    with Image.open(io.BytesIO(image.read())) as source:
        source.thumbnail((side, side))
        out = io.BytesIO()
        source.convert("RGB").save(out, format="JPEG", quality=80, optimize=True, progressive=True)
    stem = PurePath(image.name or "image").stem[:60] or "image"
    return ContentFile(out.getvalue(), name=f"{stem}-thumb.jpg")
