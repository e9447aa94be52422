"""Malformed files and hostile file names at every upload (Ref: #13).

Size, row and column limits, zip bombs and encodings are the import framework's (parkos/core/importing,
with its own tests); here every upload must turn garbage into a clear message, write nothing, and
store a file — where it keeps one — only under its own directory, whatever name it came with.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkos.core.models import ImportJob
from parkos.enterprises.models import Enterprise
from parkos.parks.models import Building, Park
from parkos.portal.models import ArticleImage
from parkos.statistics.models import MonthlyReport
from tests.corpus.inputs import MALFORMED_FILES, TRAVERSAL_NAMES

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _counts():
    return (Park.objects.count(), Building.objects.count(), Enterprise.objects.count(), MonthlyReport.objects.count())


def _no_server_error_and_a_message(response) -> str:
    assert response.status_code < 500
    body = response.content.decode(errors="replace")
    assert any(word in body for word in ("文件", "无法", "格式", "不能", "错误", "有误")), body[-2000:]
    return body


@pytest.mark.parametrize(("name", "content"), list(MALFORMED_FILES.items()))
def test_parks_import_refuses_malformed_files(client_for, name, content):
    before = _counts()
    response = client_for("bob").post(reverse("parks:import"), {"file": SimpleUploadedFile(name, content)})
    _no_server_error_and_a_message(response)
    assert _counts() == before


@pytest.mark.parametrize(("name", "content"), list(MALFORMED_FILES.items()))
def test_statistics_import_refuses_malformed_files(client_for, park_a, name, content):
    before = _counts()
    response = client_for("bob").post(
        reverse("park_statistics:import", args=[park_a.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    _no_server_error_and_a_message(response)
    assert _counts() == before


# Damaged workbooks too: the import framework turns them into a message on the job (#13 item 4).
ENTERPRISE_FILES = list(MALFORMED_FILES.items())


@pytest.mark.parametrize(("name", "content"), ENTERPRISE_FILES)
def test_enterprise_import_turns_malformed_files_into_a_message(
    client_for, django_capture_on_commit_callbacks, name, content
):
    with django_capture_on_commit_callbacks(execute=True):  # the job runs (immediate backend) on commit
        response = client_for("carol").post(
            "/api/enterprises/import-jobs/", {"file": SimpleUploadedFile(name, content), "mode": "all_or_nothing"}
        )
    assert response.status_code in (201, 400), response.content
    assert not Enterprise.objects.exists()
    for job in ImportJob.objects.all():
        assert job.status in {"failed", "rejected", "done"}
        assert job.message or job.rows_failed or job.rows_total == 0


@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_uploaded_file_names_never_leave_their_directory(client_for, settings, name):
    media = Path(settings.MEDIA_ROOT).resolve()
    client_for("carol").post("/api/enterprises/import-jobs/", {"file": SimpleUploadedFile(name, b"name\n")})
    client_for("alice").post(
        reverse("portal:editor_images"), {"image": SimpleUploadedFile(name.replace(".xlsx", ".png"), PNG), "alt": "图"}
    )
    stored = [job.file.path for job in ImportJob.objects.all()] + [img.image.path for img in ArticleImage.objects.all()]
    for path in stored:
        resolved = Path(path).resolve()
        assert media in resolved.parents, path
        assert ".." not in Path(path).relative_to(media).parts
    for file in media.rglob("*"):
        assert media in file.resolve().parents
    # Nothing was written outside the media directory under the names we were given.
    assert not (media.parent / "etc").exists()
