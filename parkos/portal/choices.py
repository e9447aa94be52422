from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleCategory(models.TextChoices):
    NEWS = "news", _("园区新闻")
    SHOWCASE = "showcase", _("园区风采")
    POLICY = "policy", _("政策解读")
    EVENTS = "events", _("活动")


class ArticleStatus(models.TextChoices):
    """Editorial state; "published" with a future `publish_at` is a scheduled article."""

    DRAFT = "draft", _("草稿")
    REVIEW = "review", _("待审核")
    PUBLISHED = "published", _("已发布")
    UNPUBLISHED = "unpublished", _("已撤回")
