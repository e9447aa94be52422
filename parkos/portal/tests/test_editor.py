"""The editor: who may write and publish, the workflow, image uploads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parkos.core import images
from parkos.core.models import AuditEntry
from parkos.portal.choices import ArticleStatus
from parkos.portal.demo import load_demo
from parkos.portal.models import Article, ArticleImage, SiteSettings
from parkos.portal.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _jpeg_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "SecretModel"  # Model
    exif[0x0131] = "SecretSoftware"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("alice", 200), ("bob", 200), ("carol", 403), ("dave", 403), ("erin", 403), ("anonymous", 302)],
)
def test_editor_list_access(client_for, persona, status):
    assert client_for(persona).get("/portal/editor/").status_code == status


@pytest.mark.parametrize(("persona", "status"), [("alice", 200), ("bob", 403), ("carol", 403), ("anonymous", 302)])
def test_site_settings_only_for_operator_admins(client_for, persona, status):
    client = client_for(persona)
    assert client.get("/portal/editor/settings/").status_code == status
    before = SiteSettings.load().hotline
    client.post("/portal/editor/settings/", {"site_name": "x", "hotline": "110"})
    if status != 200:
        assert SiteSettings.load().hotline == before


def test_park_manager_edits_only_articles_of_their_parks(client_for, park_a, park_b):
    mine = ArticleFactory(parks=[park_a], status=ArticleStatus.DRAFT)
    theirs = ArticleFactory(parks=[park_b], status=ArticleStatus.DRAFT)
    operator_wide = ArticleFactory(status=ArticleStatus.DRAFT)
    bob = client_for("bob")
    assert bob.get(f"/portal/editor/articles/{mine.pk}/").status_code == 200
    assert bob.get(f"/portal/editor/articles/{theirs.pk}/").status_code == 404
    assert bob.get(f"/portal/editor/articles/{operator_wide.pk}/").status_code == 404
    assert bob.post(f"/portal/editor/articles/{theirs.pk}/publish/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ArticleStatus.DRAFT
    listing = bob.get("/portal/editor/").content.decode()
    assert mine.title in listing
    assert theirs.title not in listing


def test_park_manager_cannot_create_article_for_another_park(client_for, park_b):
    response = client_for("bob").post(
        "/portal/editor/articles/new/",
        {"slug": "b-news", "title": "B园新闻", "summary": "s", "body": "b", "category": "news", "parks": [park_b.pk]},
    )
    assert response.status_code == 200
    assert not Article.objects.filter(slug="b-news").exists()


def test_create_preview_publish_unpublish_journey(client_for, park_a):
    bob = client_for("bob")
    upload = SimpleUploadedFile("cover.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    response = bob.post(
        "/portal/editor/articles/new/",
        {
            "slug": "bob-news",
            "title": "A园新厂房",
            "summary": "摘要",
            "body": "**正文**",
            "category": "news",
            "parks": [park_a.pk],
            "tags_text": "生物医药，签约",
            "cover_upload": upload,
            "cover_alt": "厂房外景",
        },
    )
    article = Article.objects.get(slug="bob-news")
    assert response.status_code == 302
    assert article.status == ArticleStatus.DRAFT
    assert sorted(t.name for t in article.tags.all()) == ["生物医药", "签约"]
    assert "<strong>正文</strong>" in article.body_html
    with Image.open(article.cover.path) as cover:
        assert not cover.getexif()
    assert AuditEntry.objects.filter(object_type="portal.article", object_id=str(article.pk)).count() == 1
    preview = bob.get(f"/portal/editor/articles/{article.pk}/preview/")
    assert preview.status_code == 200
    assert "noindex" in preview["X-Robots-Tag"]
    assert client_for("anonymous").get("/portal/news/bob-news/").status_code == 404
    bob.post(f"/portal/editor/articles/{article.pk}/submit/")
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW
    bob.post(f"/portal/editor/articles/{article.pk}/publish/", {"publish_at": ""})
    assert client_for("anonymous").get("/portal/news/bob-news/").status_code == 200
    bob.post(f"/portal/editor/articles/{article.pk}/unpublish/")
    assert client_for("anonymous").get("/portal/news/bob-news/").status_code == 404


def test_image_upload_strips_metadata(client_for):
    upload = SimpleUploadedFile("photo.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    response = client_for("alice").post("/portal/editor/images/", {"image": upload, "alt": "园区航拍"})
    assert response.status_code == 302
    image = ArticleImage.objects.get()
    assert (image.width, image.height) == (64, 48)
    with Image.open(image.image.path) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.jpg", b"<script>alert(1)</script>"),
        ("doc.pdf", b"%PDF-1.4 not an image"),
    ],
)
def test_image_upload_refuses_non_images(client_for, name, content):
    response = client_for("alice").post(
        "/portal/editor/images/", {"image": SimpleUploadedFile(name, content, content_type="image/jpeg"), "alt": "x"}
    )
    assert response.status_code == 200
    assert "无法识别的图片文件" in response.content.decode()
    assert not ArticleImage.objects.exists()


def test_image_upload_refuses_oversized(client_for, monkeypatch):

    monkeypatch.setattr(images, "MAX_SIDE_PX", 32)
    upload = SimpleUploadedFile("big.jpg", _jpeg_with_exif((64, 64)), content_type="image/jpeg")
    response = client_for("alice").post("/portal/editor/images/", {"image": upload, "alt": "x"})
    assert "图片尺寸不能超过" in response.content.decode()
    assert not ArticleImage.objects.exists()


def test_demo_is_idempotent(park_a):

    load_demo(scale="demo")
    count = Article.objects.count()
    load_demo(scale="demo")
    assert Article.objects.count() == count == 5
    assert Article.objects.public().count() == 5
    assert SiteSettings.load().hotline
