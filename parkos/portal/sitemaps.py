"""sitemap.xml: public articles and active parks only (drafts, scheduled and withdrawn never)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from parkos.parks.models import Park
from parkos.portal.models import Article
from parkos.portal.selectors import article_public_list


class StaticSitemap(Sitemap[Any]):
    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return ["portal:home", "portal:news_list", "portal:space_search"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(Sitemap[Any]):
    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self) -> list[Article]:
        return list(article_public_list().only("slug", "updated_at", "publish_at"))

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.updated_at


class ParkSitemap(Sitemap[Any]):
    changefreq = "weekly"
    priority = 0.7

    def items(self) -> list[Park]:
        return list(Park.objects.active().order_by("code").only("code", "updated_at"))

    def location(self, item: Park) -> str:
        return reverse("portal:park_detail", args=[item.code])

    def lastmod(self, item: Park) -> datetime.datetime:
        return item.updated_at


SITEMAPS = {"pages": StaticSitemap, "articles": ArticleSitemap, "parks": ParkSitemap}
