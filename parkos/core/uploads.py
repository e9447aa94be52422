"""Uploaded documents kept private: checked by content, stored under a random name, served as downloads.

Business plans, IP certificates and service-request attachments are personal or confidential, so
they never go to MEDIA_ROOT (which a development server serves to anyone). They live in the
``private`` storage (``STORAGES["private"]``: ``var/private/`` on the local file system by default,
S3-compatible storage by setting ``PRIVATE_STORAGE_BACKEND``), and reach a browser only through a
view that checks access and answers with `private_download`.

A file is accepted by what it is, not by what it is called or what the browser claims: its first
bytes must be those of an allowed kind (PDF, PNG, JPEG, or an Office Open XML document whose zip
holds the parts of that kind), its extension must agree, and it must be within the size limit
(``UPLOAD_MAX_MB``). Nothing uploaded is ever executed or rendered inline: downloads carry
``Content-Disposition: attachment``, ``X-Content-Type-Options: nosniff`` and a sandboxing CSP.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from parkos.core.xlsx import content_disposition
from parkos.env import env_int


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("pdf", "PDF", (".pdf",), "application/pdf")
PNG = FileKind("png", "PNG", (".png",), "image/png")
JPEG = FileKind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg")
DOCX = FileKind("docx", "Word", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "Excel", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = FileKind(
    "pptx", "PowerPoint", (".pptx",), "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)
DOCUMENTS = (PDF, PNG, JPEG, DOCX, XLSX, PPTX)

#: The part an Office Open XML zip of each kind must contain (a renamed zip of anything else fails).
_OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_HEAD = 8


def max_upload_bytes() -> int:
    return env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024


def private_storage() -> Storage:
    """The storage of private documents (a callable, so FileFields follow the setting at run time)."""
    return storages["private"]


@dataclass(frozen=True)
class CheckedFile:
    kind: FileKind
    size: int
    sha256: str
    original_name: str


def _sniff(head: bytes, file: IO[bytes], extension: str) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        key = extension.lstrip(".")
        part = _OOXML_PARTS.get(key)
        if part is None:
            return None
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and part in names:
            return next(kind for kind in DOCUMENTS if kind.key == key)
    return None


def check_upload(file: File[bytes], *, allowed: tuple[FileKind, ...] = DOCUMENTS) -> CheckedFile:
    """Validate an uploaded file by size, content and extension; raises ValidationError in the user's language."""
    name = PurePath(str(getattr(file, "name", "") or "")).name[:200]
    size = int(getattr(file, "size", 0) or 0)
    limit = max_upload_bytes()
    if size <= 0:
        raise ValidationError(_("文件为空"), code="empty")
    if size > limit:
        raise ValidationError(
            _("文件过大：%(size).1f MB，上限 %(limit)d MB") % {"size": size / 1048576, "limit": limit // 1048576},
            code="too_large",
        )
    extension = PurePath(name).suffix.lower()
    file.seek(0)
    head = file.read(_HEAD)
    kind = _sniff(head, file, extension)
    allowed_labels = "、".join(k.label for k in allowed)
    if kind is None or kind not in allowed:
        raise ValidationError(
            _("不支持的文件类型：“%(name)s”。仅接受 %(kinds)s") % {"name": name, "kinds": allowed_labels},
            code="type",
        )
    if extension not in kind.extensions:
        raise ValidationError(
            _("文件扩展名与内容不符：“%(name)s”的内容是 %(kind)s") % {"name": name, "kind": kind.label},
            code="extension",
        )
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        digest.update(chunk)
    file.seek(0)
    return CheckedFile(kind=kind, size=size, sha256=digest.hexdigest(), original_name=name or f"file{extension}")


def random_name(checked: CheckedFile) -> str:
    """A file name that reveals nothing and cannot be guessed (the field's upload_to adds the folder)."""
    return f"{uuid.uuid4().hex}{checked.kind.extensions[0]}"


def private_download(stored: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """A stored private file as a download that no browser renders or runs."""
    try:
        opened = stored.open("rb")
    except FileNotFoundError:  # the row outlived its file (a restore without the files): not a server error
        raise Http404 from None
    response = FileResponse(opened, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
