"""The public portal: news articles, their tags and images, and the site's contact details.

Articles are written in Markdown (inline HTML allowed) and stored twice: `body` as the editor typed
it, and `body_html` rendered and sanitised by the services (see parkos.portal.rendering), so a page
view never parses Markdown and nothing unsanitised is ever stored where a template can reach it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel
from parkos.parks.models import Park
from parkos.portal.choices import ArticleCategory, ArticleStatus

SITE_SETTINGS_PK = 1


class SiteSettings(TimeStampedModel):
    """The operator's public identity: contact block and footer of every public page (one row)."""

    site_name = models.CharField(_("网站名称"), max_length=60, default="园区招商服务平台")
    site_description = models.CharField(
        _("网站简介"), max_length=200, blank=True, help_text=_("用于首页的搜索引擎摘要（description）")
    )
    operator_name = models.CharField(_("运营单位"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hotline = models.CharField(_("招商热线"), max_length=40, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    wechat_name = models.CharField(_("微信公众号"), max_length=60, blank=True)
    wechat_qr = models.ImageField(
        _("微信二维码"), upload_to="portal/site/", blank=True, help_text=_("JPEG/PNG/WebP，不超过5 MB")
    )
    icp_number = models.CharField(_("ICP备案号"), max_length=60, blank=True, help_text=_("如 渝ICP备12345678号-1"))
    police_record = models.CharField(_("公安备案号"), max_length=60, blank=True)
    # Bumped (F() + 1) by every portal service that changes what a public page shows; part of the
    # page-cache key, so a publish is visible at once on every web node (see docs/models/portal.md).
    content_version = models.PositiveBigIntegerField(_("内容版本"), default=0, editable=False)

    class Meta:
        verbose_name = _("网站设置")
        verbose_name_plural = _("网站设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(pk=SITE_SETTINGS_PK),
                name="sitesettings_singleton",
                violation_error_message=_("网站设置只有一条"),
            )
        ]

    def __str__(self) -> str:
        return str(self.site_name)

    @classmethod
    def load(cls) -> SiteSettings:
        obj, _created = cls.objects.get_or_create(pk=SITE_SETTINGS_PK)
        return obj


class ArticleTag(models.Model):
    """A free keyword of articles (e.g. 生物医药, 签约), used for related articles and tag pages."""

    name = models.CharField(_("标签"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("文章标签")
        verbose_name_plural = _("文章标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet["Article"]):
    def public(self, now: datetime.datetime | None = None) -> ArticleQuerySet:
        """Published and due: a scheduled article stays private until its `publish_at`."""
        return self.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=now or timezone.now())


class Article(TimeStampedModel):
    """A news item, park showcase, policy interpretation or event on the public portal."""

    slug = models.SlugField(_("网址标识"), max_length=80, unique=True, help_text=_("英文、数字和连字符，出现在网址中"))
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=300, help_text=_("列表和搜索引擎摘要，300字以内"))
    body = models.TextField(_("正文"), help_text=_("Markdown 格式；可用少量HTML，不安全的内容会被过滤"))
    body_html = models.TextField(_("正文HTML"), editable=False, default="")
    cover = models.ImageField(_("封面图"), upload_to="portal/covers/%Y/%m/", blank=True)
    cover_alt = models.CharField(_("封面图说明"), max_length=120, blank=True, help_text=_("供读屏软件朗读"))
    category = models.CharField(_("栏目"), max_length=12, choices=ArticleCategory.choices, default=ArticleCategory.NEWS)
    tags = models.ManyToManyField(ArticleTag, verbose_name=_("标签"), blank=True, related_name="articles")
    parks = models.ManyToManyField(Park, verbose_name=_("相关园区"), blank=True, related_name="articles")
    author_name = models.CharField(_("作者"), max_length=60, blank=True)
    source_name = models.CharField(_("来源"), max_length=100, blank=True, help_text=_("转载时填写原始来源"))
    source_url = models.URLField(_("原文链接"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, editable=False
    )
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    # SET_NULL: an article outlives the account of whoever wrote or published it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Incremented with an UPDATE … SET views = views + 1, never read-modify-write.
    views = models.PositiveBigIntegerField(_("阅读量"), default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-publish_at", "-pk"]
        indexes = [
            # News list, feed and sitemap: public articles newest first, optionally by category.
            models.Index(fields=["status", "publish_at"], name="article_status_publish_idx"),
            models.Index(fields=["category", "status", "publish_at"], name="article_cat_status_pub_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:article_detail", args=[self.slug])

    def is_public(self, now: datetime.datetime | None = None) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= (now or timezone.now())
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED and self.publish_at is not None and self.publish_at > timezone.now()
        )

    def editorial_state(self) -> Any:
        return _("定时发布") if self.is_scheduled else self.get_status_display()


class ArticleImage(TimeStampedModel):
    """An image uploaded by an editor for use in article bodies (checked, re-encoded, metadata stripped)."""

    image = models.ImageField(_("图片"), upload_to="portal/images/%Y/%m/")
    alt = models.CharField(_("图片说明"), max_length=120, help_text=_("供读屏软件朗读，也作为图注"))
    width = models.PositiveIntegerField(_("宽度"), default=0, editable=False)
    height = models.PositiveIntegerField(_("高度"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("文章图片")
        verbose_name_plural = _("文章图片")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.alt or str(self.image.name)

    def markdown(self) -> str:
        return f"![{self.alt}]({self.image.url})"
