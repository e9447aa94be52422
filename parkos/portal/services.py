"""Every write of the portal: typed, keyword-only, atomic, audited; each bumps the content version.

Bumping `SiteSettings.content_version` is what invalidates the public page cache (see caching.py);
it is done with F() + 1 inside the same transaction as the change.
"""

from __future__ import annotations

import atexit
import datetime
import re
import threading
import time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage

from parkos.core.audit import audit_record, model_changes, snapshot
from parkos.core.images import clean_image
from parkos.core.models import AuditAction
from parkos.parks.models import Park
from parkos.portal.choices import ArticleStatus
from parkos.portal.models import SITE_SETTINGS_PK, Article, ArticleImage, ArticleTag, SiteSettings
from parkos.portal.rendering import render_markdown

if TYPE_CHECKING:
    from parkos.accounts.models import User

ARTICLE_EDITABLE_FIELDS = (
    "slug", "title", "summary", "body", "cover_alt", "category", "author_name", "source_name", "source_url",
)  # fmt: skip
SETTINGS_EDITABLE_FIELDS = (
    "site_name", "site_description", "operator_name", "address", "hotline", "email", "wechat_name", "icp_number",
    "police_record",
)  # fmt: skip
_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def portal_bump() -> None:
    """Invalidate every cached public page (call inside the transaction of the change)."""
    SiteSettings.load()
    SiteSettings.objects.filter(pk=SITE_SETTINGS_PK).update(content_version=F("content_version") + 1)


def parse_tags(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for name in _TAG_SPLIT.split(text or ""):
        if name.strip():
            seen.setdefault(name.strip()[:30], None)
    return list(seen)


def _park_id(article: Article) -> int | None:
    first = article.parks.order_by("pk").first()
    return first.pk if first else None


def _apply(
    article: Article,
    fields: dict[str, Any],
    *,
    tags: list[str] | None,
    parks: list[Park] | None,
    cover: UploadedFile[Any] | None,
) -> None:
    for name, value in fields.items():
        if name not in ARTICLE_EDITABLE_FIELDS:
            raise ValueError(f"{name} is not editable")
        setattr(article, name, value)
    article.body_html = render_markdown(article.body)
    if cover is not None:
        cleaned = clean_image_cached(cover)
        article.cover.save(cleaned.name or "cover.jpg", cleaned, save=False)
    article.full_clean()
    article.save()
    if tags is not None:
        article.tags.set([ArticleTag.objects.get_or_create(name=name)[0] for name in tags])
    if parks is not None:
        article.parks.set(parks)


def clean_image_cached(upload: UploadedFile[Any]) -> Any:
    """clean_image, once per upload (the form already validated it and kept the result)."""
    cleaned = getattr(upload, "_portal_clean", None)
    if cleaned is None:
        upload.seek(0)
        cleaned = clean_image(upload)
        upload._portal_clean = cleaned  # type: ignore[attr-defined]
    return cleaned


@transaction.atomic
def article_create(
    *,
    actor: User | None,
    tags: list[str] | None = None,
    parks: list[Park] | None = None,
    cover: UploadedFile[Any] | None = None,
    **fields: object,
) -> Article:
    """A new draft; nothing is public until it is published."""
    article = Article(status=ArticleStatus.DRAFT, created_by=actor)
    if not fields.get("author_name") and actor is not None:
        fields["author_name"] = str(actor)[:60]
    _apply(article, fields, tags=tags or [], parks=parks or [], cover=cover)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=article,
        changes={"title": article.title, "slug": article.slug},
        park_id=_park_id(article),
    )
    portal_bump()
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor: User | None,
    tags: list[str] | None = None,
    parks: list[Park] | None = None,
    cover: UploadedFile[Any] | None = None,
    **fields: object,
) -> Article:
    """Edit an article in any state; a published article changes on the site at once."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    before = snapshot(article)
    before_parks = sorted(article.parks.values_list("pk", flat=True))
    _apply(article, fields, tags=tags, parks=parks, cover=cover)
    changes = model_changes(before, snapshot(article))
    changes.pop("updated_at", None)
    changes.pop("body_html", None)
    if "body" in changes:
        changes["body"] = ["…", "…"]  # long text: record that it changed, not the text
    after_parks = sorted(article.parks.values_list("pk", flat=True))
    if after_parks != before_parks:
        changes["parks"] = [before_parks, after_parks]
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=article, changes=changes, park_id=_park_id(article))
    portal_bump()
    return article


def _transition(article: Article, *, actor: User | None, allowed: set[str], **values: object) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("文章当前状态为“%(status)s”，不能执行此操作。") % {"status": locked.get_status_display()}
        )
    before = snapshot(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save()
    changes = model_changes(before, snapshot(locked))
    changes.pop("updated_at", None)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes, park_id=_park_id(locked))
    portal_bump()
    return locked


@transaction.atomic
def article_submit(*, article: Article, actor: User | None) -> Article:
    """Ask an editor to review a draft (or a withdrawn article)."""
    return _transition(
        article, actor=actor, allowed={ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED}, status=ArticleStatus.REVIEW
    )


@transaction.atomic
def article_publish(*, article: Article, actor: User | None, publish_at: datetime.datetime | None = None) -> Article:
    """Publish now, or schedule for `publish_at` (the article stays private until then)."""
    when = publish_at or timezone.now()
    return _transition(
        article,
        actor=actor,
        allowed={ArticleStatus.DRAFT, ArticleStatus.REVIEW, ArticleStatus.UNPUBLISHED, ArticleStatus.PUBLISHED},
        status=ArticleStatus.PUBLISHED,
        publish_at=when,
        published_by=actor,
    )


@transaction.atomic
def article_unpublish(*, article: Article, actor: User | None) -> Article:
    """Withdraw a published (or scheduled) article from the site; it can be published again."""
    return _transition(article, actor=actor, allowed={ArticleStatus.PUBLISHED}, status=ArticleStatus.UNPUBLISHED)


#: Reads are added up in the process and written at most this often (per process), as one
#: UPDATE … SET views = views + n per article: race-free across processes, and a page hit stays
#: free of a database write (on SQLite a write per hit halved the article page's throughput).
VIEW_FLUSH_SECONDS = 1.0
_pending_views: dict[int, int] = {}
_pending_lock = threading.Lock()
_last_flush = time.monotonic()


def article_register_view(*, article_id: int) -> None:
    """Count one read. Not audited and no content bump: it is a statistic, not an edit.

    At most VIEW_FLUSH_SECONDS of counts are lost if the process dies; never read-modify-write.
    """
    with _pending_lock:
        _pending_views[article_id] = _pending_views.get(article_id, 0) + 1
        due = time.monotonic() - _last_flush >= VIEW_FLUSH_SECONDS
    if due:
        article_flush_views()


def article_flush_views() -> None:
    """Write the counted reads: one atomic increment per article (also called at process exit)."""
    global _last_flush
    with _pending_lock:
        pending = dict(_pending_views)
        _pending_views.clear()
        _last_flush = time.monotonic()
    for article_id, count in pending.items():
        Article.objects.filter(pk=article_id).update(views=F("views") + count)


atexit.register(article_flush_views)


@transaction.atomic
def image_upload(*, actor: User | None, upload: UploadedFile[Any], alt: str) -> ArticleImage:
    """Store an editor's image after checking it and stripping its metadata."""
    cleaned = clean_image_cached(upload)
    image = ArticleImage(alt=alt.strip(), uploaded_by=actor)
    image.image.save(cleaned.name or "image.jpg", cleaned, save=False)

    cleaned.seek(0)
    with PILImage.open(cleaned) as decoded:
        image.width, image.height = decoded.size
    image.full_clean()
    image.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=image, changes={"alt": image.alt})
    return image


@transaction.atomic
def site_settings_update(
    *, actor: User | None, wechat_qr: UploadedFile[Any] | None = None, clear_wechat_qr: bool = False, **fields: object
) -> SiteSettings:
    settings = SiteSettings.load()
    settings = SiteSettings.objects.select_for_update().get(pk=settings.pk)
    before = snapshot(settings)
    for name, value in fields.items():
        if name not in SETTINGS_EDITABLE_FIELDS:
            raise ValueError(f"{name} is not editable")
        setattr(settings, name, value)
    if clear_wechat_qr:
        settings.wechat_qr = ""
    if wechat_qr is not None:
        cleaned = clean_image_cached(wechat_qr)
        settings.wechat_qr.save(cleaned.name or "wechat.png", cleaned, save=False)
    settings.full_clean()
    settings.save()
    changes = model_changes(before, snapshot(settings))
    changes.pop("updated_at", None)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=settings, changes=changes)
    portal_bump()
    return settings
