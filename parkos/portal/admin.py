from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from parkos.portal.models import Article, ArticleImage, ArticleTag, SiteSettings


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """View-only: writes go through the editor (/portal/editor/), which sanitises, audits and
    invalidates the public cache; the admin would do none of that."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin[Article]):
    list_display = ["title", "category", "status", "publish_at", "views"]
    list_filter = ["status", "category"]
    search_fields = ["title", "slug"]
    readonly_fields = ["status", "publish_at", "views", "body_html", "created_by", "published_by"]
    filter_horizontal = ["tags", "parks"]


@admin.register(ArticleTag)
class ArticleTagAdmin(admin.ModelAdmin[ArticleTag]):
    search_fields = ["name"]


@admin.register(ArticleImage)
class ArticleImageAdmin(admin.ModelAdmin[ArticleImage]):
    list_display = ["alt", "image", "width", "height", "created_at"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(ReadOnlyAdmin[SiteSettings]):
    list_display = ["site_name", "operator_name", "hotline"]
    readonly_fields = ["content_version"]
