from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from parkos.portal.caching import CachedPage, Scope, serve_cached
from parkos.portal.models import Article
from parkos.portal.selectors import article_public_list

FEED_SIZE = 20


class LatestArticlesFeed(Feed):  # type: ignore[type-arg]
    """The latest public articles. Titles and summaries are plain text, but feed readers render
    `<description>` (and many `<title>`) as HTML once the XML is parsed: both are HTML-escaped, so a
    reader shows the text and runs nothing (Ref: #13)."""

    feed_type = Rss201rev2Feed
    title = _("园区新闻")
    link = reverse_lazy("portal:news_list")
    description = _("园区动态、项目签约、政策解读与活动")

    def items(self) -> list[Article]:
        return list(article_public_list()[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return escape(item.title)

    def item_description(self, item: Article) -> str:
        return escape(item.summary)

    def item_pubdate(self, item: Article) -> datetime.datetime | None:
        return item.publish_at

    def item_updateddate(self, item: Article) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author_name

    def item_categories(self, item: Article) -> list[str]:
        return [str(item.get_category_display())]


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    def build() -> CachedPage:
        response = LatestArticlesFeed()(request)
        return CachedPage(response.content, response["Content-Type"])

    return serve_cached(request, "feed", Scope(), build)[0]
